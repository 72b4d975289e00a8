"""Presigned URLs and POST policies: pure functions checked against the AWS examples and,
over a grid of inputs with a fixed signing time, against botocore's presigner."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import botocore.auth
import botocore.session
import pytest
from botocore.config import Config

from aiominio import presign
from aiominio.core import headers
from aiominio.core.endpoint import parse_endpoint
from aiominio.credentials import Credentials
from aiominio.errors import InvalidArgument

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN_CREDS = Credentials("ASIAEXAMPLE", "secret/with+chars", "FwoGZXIvYXdzEBY//token+/=")


def test_aws_documentation_example() -> None:
    creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    url = presign.presign_url(
        "GET",
        parse_endpoint("https://s3.amazonaws.com"),
        "examplebucket",
        "test.txt",
        credentials=creds,
        region="us-east-1",
        expires=86400,
        now=datetime(2013, 5, 24, tzinfo=timezone.utc),
    )
    assert url == (
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )


def _python_signer(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """botocore signing at ``now`` with its Python SigV4 signer: with awscrt installed (the
    speedups extra) it signs with the CRT's, which reads the clock itself."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: now)
    monkeypatch.setitem(botocore.auth.AUTH_TYPE_MAPS, "s3v4", botocore.auth.S3SigV4Auth)
    monkeypatch.setitem(botocore.auth.AUTH_TYPE_MAPS, "s3v4-query", botocore.auth.S3SigV4QueryAuth)


def _botocore_url(
    monkeypatch: pytest.MonkeyPatch,
    endpoint: str,
    region: str,
    creds: Credentials,
    method: str,
    bucket: str,
    key: str,
    expires: int,
    extra: dict[str, str],
    style: str,
) -> str:
    _python_signer(monkeypatch, NOW)
    session = botocore.session.get_session()
    client = session.create_client(
        "s3",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.session_token,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}),
    )
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    names = {
        "response-content-type": "ResponseContentType",
        "response-content-disposition": "ResponseContentDisposition",
    }
    params.update({names[k]: v for k, v in extra.items()})
    op = {"GET": "get_object", "PUT": "put_object"}[method]
    url: str = client.generate_presigned_url(op, Params=params, ExpiresIn=expires)
    client.close()
    return url


GRID = [
    ("http://127.0.0.1:9000", "us-east-1", "GET", "bucket", "plain.txt", 3600, {}),
    ("http://127.0.0.1:9000", "us-east-1", "PUT", "bucket", "a b+c/ü%.txt", 1, {}),
    ("http://localhost:9000", "eu-west-1", "GET", "my.bucket", "dir/sub/key", 604800, {}),
    (
        "https://s3.eu-west-1.amazonaws.com",
        "eu-west-1",
        "GET",
        "my-bucket",
        "photos/2024 01/cat.jpg",
        900,
        {
            "response-content-type": "image/jpeg",
            "response-content-disposition": 'attachment; filename="cat.jpg"',
        },
    ),
    ("https://s3.us-west-2.amazonaws.com", "us-west-2", "PUT", "uploads-1", "k~e_y-.~", 60, {}),
    ("https://s3.amazonaws.com", "us-east-1", "GET", "dots.in.name", "x", 120, {}),
]


@pytest.mark.parametrize("creds", [CREDS, TOKEN_CREDS], ids=["keys", "token"])
@pytest.mark.parametrize(
    ("endpoint", "region", "method", "bucket", "key", "expires", "extra"), GRID
)
def test_matches_botocore(
    monkeypatch: pytest.MonkeyPatch,
    creds: Credentials,
    endpoint: str,
    region: str,
    method: str,
    bucket: str,
    key: str,
    expires: int,
    extra: dict[str, str],
) -> None:
    ours = presign.presign_url(
        method,
        parse_endpoint(endpoint),
        bucket,
        key,
        credentials=creds,
        region=region,
        expires=expires,
        now=NOW,
        query=extra,
    )
    a = urlsplit(ours)
    # Same addressing for both (botocore goes path-style whenever endpoint_url is given).
    style = "virtual" if a.netloc.startswith(bucket + ".") else "path"
    assert (style == "virtual") == ("amazonaws" in endpoint and "." not in bucket)
    theirs = _botocore_url(
        monkeypatch, endpoint, region, creds, method, bucket, key, expires, extra, style
    )
    b = urlsplit(theirs)
    assert (a.scheme, a.netloc, a.path) == (b.scheme, b.netloc, b.path)
    assert dict(parse_qsl(a.query)) == dict(parse_qsl(b.query))
    if len(extra) < 2:
        # Byte for byte; with several response-* overrides botocore orders them by its API
        # model, we alphabetically, and the signature (compared above) covers the sorted set.
        assert ours == theirs


@pytest.mark.parametrize("bad", [0, -1, 604801, timedelta(days=8), timedelta(seconds=1.5)])
def test_expiry_bounds(bad: object) -> None:
    with pytest.raises(InvalidArgument, match="expiry"):
        presign.expiry_seconds(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.0, "60", None, True])
def test_expiry_types(bad: object) -> None:
    with pytest.raises(TypeError):
        presign.expiry_seconds(bad)  # type: ignore[arg-type]


def test_expiry_accepts_seconds_and_timedelta() -> None:
    assert presign.expiry_seconds(1) == 1
    assert presign.expiry_seconds(timedelta(days=7)) == 604800
    assert presign.expiry_seconds(timedelta(minutes=5)) == 300


def test_response_header_overrides_are_checked() -> None:
    assert presign.response_header_query({"Response-Content-Type": "a/b"}) == {
        "response-content-type": "a/b"
    }
    with pytest.raises(InvalidArgument, match="unsupported"):
        presign.response_header_query({"content-type": "a/b"})


def test_naive_signing_time_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="timezone"):
        presign.presign_url(
            "GET",
            parse_endpoint("localhost"),
            "bucket",
            "k",
            credentials=CREDS,
            region="us-east-1",
            now=datetime(2026, 1, 1),
        )


def _policy() -> presign.PostPolicy:
    p = presign.PostPolicy()
    p.set_bucket("uploads")
    p.set_key_starts_with("user/42/")
    p.set_expires(datetime(2026, 1, 2, 4, 0, 0, tzinfo=timezone.utc))
    p.set_content_type("image/png")
    p.set_content_length_range(1, 1024)
    p.set_user_metadata({"Owner": "alice"})
    p.set_success_action_status(201)
    return p


def test_post_policy_form() -> None:
    url, fields = presign.presign_post_policy(
        _policy(),
        parse_endpoint("http://127.0.0.1:9000"),
        credentials=TOKEN_CREDS,
        region="us-east-1",
        now=NOW,
    )
    assert url == "http://127.0.0.1:9000/uploads"
    assert fields["key"] == "user/42/"
    assert fields["Content-Type"] == "image/png"
    assert fields["x-amz-meta-owner"] == "alice"
    assert fields["success_action_status"] == "201"
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert fields["x-amz-credential"] == "ASIAEXAMPLE/20260102/us-east-1/s3/aws4_request"
    assert fields["x-amz-date"] == "20260102T030405Z"
    assert fields["x-amz-security-token"] == TOKEN_CREDS.session_token
    document = json.loads(base64.b64decode(fields["policy"]))
    assert document["expiration"] == "2026-01-02T04:00:00.000Z"
    conditions = document["conditions"]
    assert ["starts-with", "$key", "user/42/"] in conditions
    assert ["content-length-range", 1, 1024] in conditions
    assert ["eq", "$bucket", "uploads"] in conditions
    assert ["eq", "$x-amz-security-token", TOKEN_CREDS.session_token] in conditions
    # SigV4 for a POST policy: the base64 policy is the string to sign (computed here, not with
    # aiominio's signer).
    key = ("AWS4" + TOKEN_CREDS.secret_key).encode()
    for part in ("20260102", "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, fields["policy"].encode(), hashlib.sha256).hexdigest()
    assert fields["x-amz-signature"] == expected


@pytest.mark.parametrize("missing", ["bucket", "expires", "key"])
def test_incomplete_post_policy(missing: str) -> None:
    p = presign.PostPolicy()
    if missing != "bucket":
        p.set_bucket("uploads")
    if missing != "expires":
        p.set_expires(NOW + timedelta(hours=1))
    if missing != "key":
        p.set_key("a")
    with pytest.raises(InvalidArgument, match=missing if missing != "expires" else "expiry"):
        presign.presign_post_policy(
            p, parse_endpoint("localhost"), credentials=CREDS, region="us-east-1", now=NOW
        )


def test_post_policy_builder_checks_input() -> None:
    p = presign.PostPolicy()
    with pytest.raises(InvalidArgument):
        p.set_bucket("Bad_Bucket")
    with pytest.raises(InvalidArgument):
        p.set_expires(datetime(2026, 1, 1))
    with pytest.raises(InvalidArgument):
        p.set_content_length_range(10, 5)
    with pytest.raises(InvalidArgument):
        p.set_success_action_status(302)
    p.set_key("first")
    p.set_key("second")  # replaces the earlier rule
    assert [c for c in p.conditions if "$key" in c] == [["eq", "$key", "second"]]


def test_endpoint_may_be_a_string() -> None:
    url = presign.presign_url(
        "GET",
        "http://127.0.0.1:9000",
        "bucket",
        "k",
        credentials=CREDS,
        region="us-east-1",
        expires=60,
        now=NOW,
    )
    assert url.startswith("http://127.0.0.1:9000/bucket/k?")
    parsed = presign.presign_url(
        "GET",
        parse_endpoint("http://127.0.0.1:9000"),
        "bucket",
        "k",
        credentials=CREDS,
        region="us-east-1",
        expires=60,
        now=NOW,
    )
    assert url == parsed


CHECK_CREDS = Credentials("AKIDEXAMPLE", "secret")


def _exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def test_expiry_limits() -> None:
    assert presign.expiry_seconds(1) == 1
    assert presign.expiry_seconds(7 * 24 * 3600) == 604800
    assert presign.expiry_seconds(timedelta(days=7)) == 604800
    for bad in (0, 604801, timedelta(0), timedelta(days=7, seconds=1)):
        with pytest.raises(InvalidArgument, match=r"^expiry must be between 1 second and 7 days"):
            presign.expiry_seconds(bad)
    with pytest.raises(InvalidArgument, match=_exactly("expiry must be a whole number of seconds")):
        presign.expiry_seconds(timedelta(seconds=1.5))
    for wrong, name in ((True, "bool"), (1.0, "float"), ("60", "str")):
        with pytest.raises(
            TypeError, match=_exactly(f"expires must be seconds (int) or a timedelta, not {name}")
        ):
            presign.expiry_seconds(wrong)  # type: ignore[arg-type]


def _url(**kwargs: object) -> str:
    args: dict[str, object] = {"credentials": CHECK_CREDS, "region": "us-east-1", "now": NOW}
    args.update(kwargs)
    endpoint = args.pop("endpoint", "http://127.0.0.1:9000")
    key = args.pop("key", "k")
    return presign.presign_url("GET", endpoint, "bucket", key, **args)  # type: ignore[arg-type]


def test_signing_time() -> None:
    stamp = parse_qs(urlsplit(_url(now=None)).query)["X-Amz-Date"][0]
    assert re.fullmatch(r"\d{8}T\d{6}Z", stamp)
    with pytest.raises(TypeError, match=_exactly("request_date must be a datetime")):
        _url(now="2026-01-02")
    with pytest.raises(InvalidArgument, match=_exactly("request_date must be timezone-aware")):
        _url(now=datetime(2026, 1, 2))


def test_presign_url_arguments() -> None:
    with pytest.raises(
        InvalidArgument, match=_exactly("unsupported method for a presigned URL: 'PATCH'")
    ):
        presign.presign_url(
            "PATCH",
            "localhost",
            "bucket",
            "k",
            credentials=CHECK_CREDS,
            region="us-east-1",
            now=NOW,
        )
    assert _url(key=None).startswith("http://127.0.0.1:9000/bucket?X-Amz-Algorithm=")
    with pytest.raises(InvalidArgument):
        _url(key="")
    aws = "https://s3.amazonaws.com"
    assert _url(endpoint=aws, region="eu-west-1").startswith(
        "https://bucket.s3.eu-west-1.amazonaws.com/k?"
    )
    assert _url(endpoint=aws, region="eu-west-1", style="path").startswith(
        "https://s3.amazonaws.com/bucket/k?"
    )


def test_response_header_overrides() -> None:
    assert presign.response_header_query({"Response-Content-Type": "text/plain"}) == {
        "response-content-type": "text/plain"
    }
    assert presign.response_header_query(None) == {}
    allowed = ", ".join(sorted(presign.RESPONSE_HEADER_PARAMS))
    with pytest.raises(
        InvalidArgument,
        match=_exactly(f"unsupported response header override 'x-foo'; use one of {allowed}"),
    ):
        presign.response_header_query({"x-foo": "1"})
    with pytest.raises(TypeError, match=_exactly("the value of 'response-expires' must be a str")):
        presign.response_header_query({"response-expires": 1})  # type: ignore[dict-item]
    with pytest.raises(
        InvalidArgument,
        match=_exactly("response header override 'Response-Expires' is given twice"),
    ):
        presign.response_header_query({"response-expires": "a", "Response-Expires": "b"})


def test_post_policy_setters_refuse_bad_input() -> None:
    p = presign.PostPolicy()
    assert repr(p) == "PostPolicy(bucket=None, expiration=None)"
    cases: list[tuple[object, type[Exception], str]] = [
        (lambda: p.set_expires("2026"), TypeError, "set_expires needs a datetime"),
        (
            lambda: p.set_expires(datetime(2026, 1, 2)),
            InvalidArgument,
            "set_expires needs a timezone-aware datetime",
        ),
        (lambda: p.set_key_starts_with(1), TypeError, "prefix must be a str"),
        (lambda: p.set_content_type(1), TypeError, "content_type must be a str"),
        (lambda: p.set_content_type(""), InvalidArgument, "content_type must not be empty"),
        (lambda: p.set_content_type_starts_with(1), TypeError, "prefix must be a str"),
        (
            lambda: p.set_content_disposition(""),
            InvalidArgument,
            "content_disposition must not be empty",
        ),
        (lambda: p.set_content_length_range(True, 2), TypeError, "minimum must be an int"),
        (lambda: p.set_content_length_range(1, 2.0), TypeError, "maximum must be an int"),
        (
            lambda: p.set_content_length_range(-1, 2),
            InvalidArgument,
            "invalid content length range -1..2",
        ),
        (
            lambda: p.set_content_length_range(3, 2),
            InvalidArgument,
            "invalid content length range 3..2",
        ),
        (
            lambda: p.set_user_metadata({"": "v"}),
            InvalidArgument,
            "metadata name must not be empty",
        ),
        (lambda: p.set_user_metadata({"a": 1}), TypeError, "metadata value must be a str"),
        (
            lambda: p.set_success_action_status(202),
            InvalidArgument,
            "success_action_status must be 200, 201 or 204",
        ),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=_exactly(message)):
            call()  # type: ignore[operator]
    assert p.conditions == [] and p.form_data == {}
    # the edges that are fine
    p.set_content_length_range(0, 0)
    p.set_content_length_range(7, 7)
    p.set_content_type_starts_with("")
    p.set_user_metadata({"X-Amz-Meta-Colour": "", "size": "L"})
    p.set_success_action_status(200)
    p.set_success_action_status(201)
    assert p.conditions == [
        ["content-length-range", 7, 7],
        ["starts-with", "$Content-Type", ""],
        ["eq", "$x-amz-meta-colour", ""],
        ["eq", "$x-amz-meta-size", "L"],
        ["eq", "$success_action_status", "201"],
    ]
    # a rule for the same field, in any case, replaces the earlier one
    p.set_user_metadata({"x-amz-meta-SIZE": "XL"})
    assert p.conditions[-1] == ["eq", "$x-amz-meta-size", "XL"]
    assert ["eq", "$x-amz-meta-size", "L"] not in p.conditions


def test_post_policy_check_messages() -> None:
    p = presign.PostPolicy()
    with pytest.raises(
        InvalidArgument, match=_exactly("the POST policy has no bucket; call set_bucket()")
    ):
        p.check()
    p.set_bucket("uploads")
    with pytest.raises(
        InvalidArgument, match=_exactly("the POST policy has no expiry; call set_expires()")
    ):
        p.check()
    p.set_expires(NOW)
    with pytest.raises(
        InvalidArgument,
        match=_exactly("the POST policy has no key; call set_key() or set_key_starts_with()"),
    ):
        p.check()
    p.set_key_starts_with("")
    p.check()
    assert repr(p) == (
        "PostPolicy(bucket='uploads', expiration=datetime.datetime(2026, 1, 2, 3, 4, 5, "
        "tzinfo=datetime.timezone.utc))"
    )


SIGNER_PARAMS = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
]


@pytest.mark.parametrize("name", SIGNER_PARAMS)
def test_query_names_the_signer_sets_are_refused(name: str) -> None:
    # In any case: the signer's own parameter would be in the URL twice.
    for spelling in (name, name.lower(), name.upper(), name.swapcase()):
        with pytest.raises(
            InvalidArgument,
            match=_exactly(
                f"query: {spelling!r} is set by the signer of the URL; it cannot be given"
            ),
        ):
            _url(query={spelling: "5"})
    assert {n.lower() for n in SIGNER_PARAMS} == presign.SIGNER_QUERY_PARAMS


def test_presign_query_and_headers_checks() -> None:
    url = _url(query={"versionId": "v é/1", "x-amz-meta": "ok"})
    assert "versionId=v%20%C3%A9%2F1" in url
    assert presign.check_presign_query(None) == ()
    assert presign.check_presign_query({"b": "1", "a": "2"}) == (("a", "2"), ("b", "1"))
    with pytest.raises(
        InvalidArgument,
        match=_exactly(
            "query: the value of 'v' may hold only text that UTF-8 can encode: "
            "'\\ud800' at position 0"
        ),
    ):
        _url(query={"v": "\ud800"})
    with pytest.raises(
        InvalidArgument, match=_exactly("query: a parameter name must not be empty")
    ):
        _url(query={"": "v"})
    with pytest.raises(TypeError, match=r"^query must map str to str, got 'v': int$"):
        _url(query={"v": 1})
    with pytest.raises(TypeError, match=r"^query must be a mapping of str to str, not str$"):
        _url(query="v=1")
    # Headers signed into the URL: not one the signer owns, and only what a header can carry.
    for owned in ("Host", "x-amz-date", "X-Amz-Security-Token", "Authorization"):
        with pytest.raises(
            InvalidArgument,
            match=_exactly(
                f"headers: {owned!r} is set by the signer of the URL; it cannot be given"
            ),
        ):
            _url(headers={owned: "x"})
    for bad in ("a\r\nb", "a\n", "a\0", "é"):
        with pytest.raises(InvalidArgument, match=r"^header 'cache-control' may hold only "):
            _url(headers={"cache-control": bad})
    with pytest.raises(InvalidArgument, match=r"^header name is not an HTTP token: "):
        _url(headers={"a\nb": "v"})
    assert "X-Amz-SignedHeaders=cache-control%3Bhost" in _url(headers={"cache-control": "no"})


@pytest.mark.parametrize(
    "field",
    [
        "policy",
        "x-amz-algorithm",
        "X-Amz-Credential",
        "x-amz-date",
        "X-AMZ-SIGNATURE",
        "x-amz-security-token",
    ],
)
def test_post_policy_fields_the_signer_sets_are_refused(field: str) -> None:
    def policy() -> presign.PostPolicy:
        return presign.PostPolicy().set_bucket("uploads").set_key("k").set_expires(NOW)

    by_field = policy()
    by_field.form_data[field] = "x"
    by_condition = policy()
    by_condition.conditions.append(["eq", f"${field}", "x"])
    for p, message in (
        (by_field, f"form field {field!r} is set by the signer of the policy; it cannot be given"),
        (by_condition, f"a condition on {'$' + field!r}: the signer of the policy sets that field"),
    ):
        with pytest.raises(InvalidArgument, match=_exactly(message)):
            p.check()
        with pytest.raises(InvalidArgument, match=_exactly(message)):
            presign.presign_post_policy(
                p, "https://s3.amazonaws.com", credentials=CHECK_CREDS, region="us-east-1", now=NOW
            )


def test_post_policy_header_fields_are_checked() -> None:
    p = presign.PostPolicy()
    for bad in ("a\r\nb", "a\n", "a\0", "tëxt"):
        with pytest.raises(InvalidArgument, match=r"^content_type may hold only "):
            p.set_content_type(bad)
        with pytest.raises(InvalidArgument, match=r"^prefix may hold only "):
            p.set_content_type_starts_with(bad)
        with pytest.raises(InvalidArgument, match=r"^content_disposition may hold only "):
            p.set_content_disposition(bad)
        with pytest.raises(InvalidArgument, match=r"^metadata value for 'k' may hold only "):
            p.set_user_metadata({"k": bad})
    for name in ("a b", 'a"b', "a\r\nb", "é"):
        with pytest.raises(
            InvalidArgument, match=_exactly(f"metadata name must be an HTTP token: {name!r}")
        ):
            p.set_user_metadata({name: "v"})
    assert p.conditions == [] and p.form_data == {}


TOKEN = Credentials("ASIAEXAMPLE", "secret", "the+token/=")


ENDPOINT = parse_endpoint("http://127.0.0.1:9000")


def _decode(fields: dict[str, str]) -> object:
    return json.loads(base64.b64decode(fields["policy"], validate=True))


def test_exact_document_and_fields() -> None:
    p = presign.PostPolicy()
    p.set_bucket("uploads")
    p.set_key("photos/cat.png")
    # 04:00:00.987654 at UTC+2: 02:00:00.987 UTC, milliseconds truncated
    p.set_expires(datetime(2026, 1, 2, 4, 0, 0, 987654, tzinfo=timezone(timedelta(hours=2))))
    p.set_content_type_starts_with("image/")
    p.set_content_disposition("attachment")
    p.set_content_length_range(0, 5)
    p.set_user_metadata({"Owner": "alice", "x-amz-meta-Team": "blue"})
    p.set_success_action_status(204)
    url, fields = presign.presign_post_policy(
        p, ENDPOINT, credentials=CREDS, region="eu-west-1", now=NOW
    )
    credential = "AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request"
    assert url == "http://127.0.0.1:9000/uploads"
    assert _decode(fields) == {
        "expiration": "2026-01-02T02:00:00.987Z",
        "conditions": [
            ["eq", "$bucket", "uploads"],
            ["eq", "$key", "photos/cat.png"],
            ["starts-with", "$Content-Type", "image/"],
            ["eq", "$Content-Disposition", "attachment"],
            ["content-length-range", 0, 5],
            ["eq", "$x-amz-meta-owner", "alice"],
            ["eq", "$x-amz-meta-team", "blue"],
            ["eq", "$success_action_status", "204"],
            ["eq", "$x-amz-date", "20260102T030405Z"],
            ["eq", "$x-amz-algorithm", "AWS4-HMAC-SHA256"],
            ["eq", "$x-amz-credential", credential],
        ],
    }
    # the document is compact JSON
    assert b" " not in base64.b64decode(fields["policy"])
    signature = fields.pop("x-amz-signature")
    assert len(signature) == 64 and int(signature, 16) >= 0
    assert fields == {
        "key": "photos/cat.png",
        "Content-Type": "image/",
        "Content-Disposition": "attachment",
        "x-amz-meta-owner": "alice",
        "x-amz-meta-team": "blue",
        "success_action_status": "204",
        "x-amz-date": "20260102T030405Z",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": credential,
        "policy": fields["policy"],
    }


def test_session_token_and_replaced_rules() -> None:
    p = presign.PostPolicy()
    p.set_bucket("first")
    p.set_bucket("uploads")  # replaces the earlier bucket rule
    p.set_key("k")
    p.set_key_starts_with("user/")  # replaces the exact key
    p.set_content_type("text/plain")
    p.set_content_type_starts_with("text/")  # replaces the exact type
    p.set_content_length_range(1, 2)
    p.set_content_length_range(3, 4)  # replaces the earlier range
    p.set_expires(datetime(2026, 1, 2, 4, 0, 0, 999, tzinfo=timezone.utc))
    _, fields = presign.presign_post_policy(
        p, ENDPOINT, credentials=TOKEN, region="us-east-1", now=NOW
    )
    assert _decode(fields) == {
        "expiration": "2026-01-02T04:00:00.000Z",
        "conditions": [
            ["eq", "$bucket", "uploads"],
            ["starts-with", "$key", "user/"],
            ["starts-with", "$Content-Type", "text/"],
            ["content-length-range", 3, 4],
            ["eq", "$x-amz-date", "20260102T030405Z"],
            ["eq", "$x-amz-algorithm", "AWS4-HMAC-SHA256"],
            ["eq", "$x-amz-credential", "ASIAEXAMPLE/20260102/us-east-1/s3/aws4_request"],
            ["eq", "$x-amz-security-token", "the+token/="],
        ],
    }
    assert "bucket" not in fields
    assert fields["key"] == "user/" and fields["Content-Type"] == "text/"
    assert fields["x-amz-security-token"] == "the+token/="
    # the policy object itself is not changed by signing it
    assert ["eq", "$x-amz-date", "20260102T030405Z"] not in p.conditions
    assert p.form_data["bucket"] == "uploads"


def test_a_virtual_host_url_for_aws() -> None:
    p = presign.PostPolicy()
    p.set_bucket("uploads").set_key("k").set_expires(NOW + timedelta(minutes=5))
    url, _ = presign.presign_post_policy(
        p,
        parse_endpoint("https://s3.amazonaws.com"),
        credentials=CREDS,
        region="us-west-2",
        now=NOW,
    )
    assert url == "https://uploads.s3.us-west-2.amazonaws.com/"
    url, _ = presign.presign_post_policy(
        p,
        parse_endpoint("https://s3.amazonaws.com"),
        credentials=CREDS,
        region="us-west-2",
        now=NOW,
        style="path",
    )
    assert url == "https://s3.amazonaws.com/uploads"
    # the endpoint as the client takes it, a string
    url, fields = presign.presign_post_policy(
        p, "localhost:9000", credentials=CREDS, region="us-east-1", now=NOW, style="path"
    )
    assert url == "https://localhost:9000/uploads" and "bucket" not in fields


def test_presigned_put_headers_match_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard headers are signed as headers, byte for byte as botocore signs them."""
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    signed = headers.standard_headers(
        cache_control="max-age=60",
        content_disposition='attachment; filename="a.txt"',
        content_encoding="gzip",
        content_language="en",
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        storage_class="STANDARD_IA",
    )
    ours = presign.presign_url(
        "PUT",
        "http://127.0.0.1:9000",
        "bucket",
        "dir/a b.txt",
        credentials=creds,
        region="us-east-1",
        expires=300,
        now=now,
        headers=signed,
        style="path",
    )
    _python_signer(monkeypatch, now)
    client = botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9000",
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    theirs = client.generate_presigned_url(
        "put_object",
        Params={
            "Bucket": "bucket",
            "Key": "dir/a b.txt",
            "CacheControl": "max-age=60",
            "ContentDisposition": 'attachment; filename="a.txt"',
            "ContentEncoding": "gzip",
            "ContentLanguage": "en",
            "Expires": datetime(2030, 1, 1, tzinfo=timezone.utc),
            "StorageClass": "STANDARD_IA",
        },
        ExpiresIn=300,
    )
    client.close()
    assert dict(parse_qsl(urlsplit(ours).query)) == dict(parse_qsl(urlsplit(theirs).query))
    assert "expires" in dict(parse_qsl(urlsplit(ours).query))["X-Amz-SignedHeaders"]


async def test_the_presigned_methods_take_the_url_lifetime_as_expires() -> None:
    """``expires`` of the presigned methods (and of presign_url) is the URL's lifetime, given by
    position or by keyword, in seconds or as a timedelta; presigned_put_object's ``Expires``
    header is ``expires_header``. (Inside the package the lifetime is called ``expiry``.)"""
    from aiominio import Client

    async with Client(
        "localhost:9000", access_key="AK", secret_key="secret", region="us-east-1", secure=False
    ) as client:
        urls = [
            await client.presigned_get_object("bkt", "k", expires=120, request_date=NOW),
            await client.presigned_get_object("bkt", "k", timedelta(minutes=2), request_date=NOW),
            await client.presigned_url("GET", "bkt", "k", expires=120, request_date=NOW),
            await client.presigned_url("GET", "bkt", "k", 120, request_date=NOW),
        ]
        assert len(set(urls)) == 1
        assert parse_qs(urlsplit(urls[0]).query)["X-Amz-Expires"] == ["120"]
        put = await client.presigned_put_object(
            "bkt", "k", expires=timedelta(hours=1), expires_header=NOW, request_date=NOW
        )
        query = parse_qs(urlsplit(put).query)
        assert query["X-Amz-Expires"] == ["3600"]
        assert query["X-Amz-SignedHeaders"] == ["expires;host"]
        with pytest.raises(InvalidArgument, match=r"^expiry must be between 1 second and 7 days"):
            await client.presigned_get_object("bkt", "k", expires=0)
    url = presign.presign_url(
        "GET",
        "localhost:9000",
        "bkt",
        "k",
        credentials=CHECK_CREDS,
        region="us-east-1",
        expires=60,
        now=NOW,
    )
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]

"""What the presign functions and the POST policy builder refuse, with the exact message, and
the arguments presign_url passes on (region, addressing style, a bucket-level URL)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from aiominio import presign
from aiominio.credentials import Credentials
from aiominio.errors import InvalidArgument

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
CREDS = Credentials("AKIDEXAMPLE", "secret")


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
    args: dict[str, object] = {"credentials": CREDS, "region": "us-east-1", "now": NOW}
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
            "PATCH", "localhost", "bucket", "k", credentials=CREDS, region="us-east-1", now=NOW
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
                p, "https://s3.amazonaws.com", credentials=CREDS, region="us-east-1", now=NOW
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
        credentials=CREDS,
        region="us-east-1",
        expires=60,
        now=NOW,
    )
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]

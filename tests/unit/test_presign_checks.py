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

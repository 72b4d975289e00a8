"""Presigned URLs and POST policies: pure functions checked against the AWS examples and,
over a grid of inputs with a fixed signing time, against botocore's presigner."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import botocore.auth
import botocore.session
import pytest
from botocore.config import Config

from aiominio import presign
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
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW)
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

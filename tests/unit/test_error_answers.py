"""Error answers turned into exceptions: bodiless answers (HEAD, or an empty body on any other
request), the ids from the headers and from the body, a body that is not ``<Error>``, and a
``200 OK`` that holds an ``<Error>`` document."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.core import xml
from aiominio.errors import InvalidResponseError, S3Error

HEADERS = {"x-amz-request-id": "REQ", "x-amz-id-2": "HOST", "x-amz-bucket-region": "eu-west-1"}


@pytest.mark.parametrize("body", [b"", b"  \r\n "])
def test_an_empty_body_on_a_get_is_read_from_the_status(body: bytes) -> None:
    err = xml.parse_error(404, HEADERS, body, bucket="b", key="k")
    assert isinstance(err, aiominio.NoSuchKey)
    assert (err.code, err.status, err.request_id, err.host_id, err.region) == (
        "NoSuchKey",
        404,
        "REQ",
        "HOST",
        "eu-west-1",
    )
    assert (err.bucket, err.key, err.message) == ("b", "k", "")
    no_key = xml.parse_error(404, {}, body, bucket="b")
    assert isinstance(no_key, S3Error) and no_key.code == "NoSuchBucket"
    assert (no_key.request_id, no_key.host_id, no_key.region) == (None, None, None)
    assert xml.parse_error(403, {}, body).code == "AccessDenied"  # type: ignore[attr-defined]
    assert xml.parse_error(418, {}, body).code == "HTTP418"  # type: ignore[attr-defined]


def test_a_head_answer_ignores_any_body() -> None:
    body = b"<Error><Code>Other</Code></Error>"
    err = xml.parse_error(412, HEADERS, body, key="k", head=True)
    assert isinstance(err, S3Error) and err.code == "PreconditionFailed" and err.status == 412
    assert err.host_id == "HOST"


def test_the_body_ids_win_over_the_headers_and_fill_in() -> None:
    body = (
        b"<Error><Code>SlowDown</Code><Message>Reduce your rate</Message>"
        b"<RequestId>BODYREQ</RequestId><HostId>BODYHOST</HostId>"
        b"<Resource>/b/k</Resource><BucketName>bb</BucketName><Key>kk</Key>"
        b"<Region>us-west-2</Region></Error>"
    )
    err = xml.parse_error(503, HEADERS, body, bucket="b", key="k")
    assert isinstance(err, S3Error) and err.code == "SlowDown"
    assert (err.message, err.request_id, err.host_id, err.resource) == (
        "Reduce your rate",
        "BODYREQ",
        "BODYHOST",
        "/b/k",
    )
    assert (err.bucket, err.key, err.region, err.status) == ("bb", "kk", "us-west-2", 503)
    bare = xml.parse_error(500, HEADERS, b"<Error/>", bucket="b", key="k")
    assert isinstance(bare, S3Error)
    assert (bare.code, bare.request_id, bare.host_id, bare.resource) == (
        "HTTP500",
        "REQ",
        "HOST",
        None,
    )
    assert (bare.bucket, bare.key, bare.region) == ("b", "k", "eu-west-1")


def test_a_body_that_is_not_an_s3_error() -> None:
    html = xml.parse_error(502, {}, b"<html><body>Bad gateway</body></html")
    assert isinstance(html, InvalidResponseError) and html.status == 502
    assert str(html).startswith("HTTP 502 with a body that is not S3 XML: ")
    other = xml.parse_error(400, {}, b"<Other/>")
    assert isinstance(other, InvalidResponseError) and other.status == 400
    assert str(other) == "HTTP 400 with an unexpected <Other> document"
    assert other.body == b"<Other/>"


@pytest.mark.parametrize(
    "prefix",
    [b"", b"   \n", b'<?xml version="1.0" encoding="UTF-8"?>\n', b' <?xml version="1.0"?>'],
)
def test_a_200_holding_an_error_is_raised(prefix: bytes) -> None:
    body = prefix + b"<Error><Code>InternalError</Code><Message>We hit</Message></Error>"
    with pytest.raises(S3Error) as info:
        xml.raise_if_error_document(body, status=200, bucket="b", key="k")
    assert info.value.code == "InternalError" and info.value.status == 500
    assert (info.value.bucket, info.value.key) == ("b", "k")
    with pytest.raises(S3Error) as other:
        xml.raise_if_error_document(body, status=201, bucket=None, key=None)
    assert other.value.status == 201


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>",
        b"<ErrorList/>",
        b"<Errors><Error/></Errors>",
    ],
)
def test_a_200_with_another_document_is_not_an_error(body: bytes) -> None:
    xml.raise_if_error_document(body, status=200, bucket="b", key="k")

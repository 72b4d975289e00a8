from __future__ import annotations

import pickle

import pytest

from aiominio import errors
from aiominio.core import xml

ERROR_BODY = b"""<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
<Key>a/b.txt</Key><BucketName>bkt</BucketName><Resource>/bkt/a/b.txt</Resource>
<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id-1</HostId></Error>"""


def test_error_document_becomes_typed_exception() -> None:
    exc = xml.parse_error(404, {}, ERROR_BODY, bucket="bkt", key="a/b.txt")
    assert type(exc) is errors.NoSuchKey
    assert (exc.code, exc.status, exc.message) == (
        "NoSuchKey",
        404,
        "The specified key does not exist.",
    )
    assert (exc.request_id, exc.host_id, exc.resource) == (
        "4442587FB7D0A2F9",
        "host-id-1",
        "/bkt/a/b.txt",
    )
    assert (exc.bucket, exc.key) == ("bkt", "a/b.txt")
    assert "NoSuchKey" in str(exc) and "bkt/a/b.txt" in str(exc)
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is errors.NoSuchKey and again.request_id == exc.request_id


def test_unknown_code_is_plain_s3_error() -> None:
    body = b"<Error><Code>WeirdNewCode</Code><Message>m</Message></Error>"
    exc = xml.parse_error(400, {"x-amz-request-id": "rid"}, body)
    assert type(exc) is errors.S3Error
    assert exc.code == "WeirdNewCode" and exc.request_id == "rid"


@pytest.mark.parametrize(
    ("status", "key", "kind"),
    [
        (404, "k", errors.NoSuchKey),
        (404, None, errors.NoSuchBucket),
        (403, None, errors.AccessDenied),
        (412, "k", errors.PreconditionFailed),
        (416, "k", errors.InvalidRange),
        (503, None, errors.SlowDown),
    ],
)
def test_head_errors_come_from_the_status(status: int, key: str | None, kind: type) -> None:
    exc = xml.parse_error(status, {"x-amz-request-id": "r1"}, b"", bucket="b", key=key, head=True)
    assert type(exc) is kind
    assert exc.status == status and exc.request_id == "r1"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "boom">]><Error><Code>&x;</Code></Error>',
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"<Error><Code>NoSuchKey</Code><Mess",
        b"\x00\x01 not xml at all",
    ],
)
def test_hostile_or_broken_bodies_are_typed(body: bytes) -> None:
    exc = xml.parse_error(502, {}, body)
    assert type(exc) is errors.InvalidResponseError
    assert exc.status == 502


def test_parse_refuses_entities() -> None:
    with pytest.raises(errors.InvalidResponseError, match="unsafe"):
        xml.parse(b'<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>')


def test_list_buckets_and_location() -> None:
    body = b"""<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
    <Owner><ID>x</ID></Owner><Buckets>
    <Bucket><Name>one</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket>
    <Bucket><Name>two</Name><CreationDate>2024-02-03T04:05:06Z</CreationDate></Bucket>
    </Buckets></ListAllMyBucketsResult>"""
    buckets = xml.parse_list_buckets(body)
    assert [b.name for b in buckets] == ["one", "two"]
    assert buckets[0].creation_date is not None
    assert buckets[0].creation_date.isoformat() == "2024-01-02T03:04:05+00:00"
    ns = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    assert xml.parse_location(b"<LocationConstraint " + ns + b"/>") == "us-east-1"
    assert xml.parse_location(b"<LocationConstraint>EU</LocationConstraint>") == "eu-west-1"
    assert (
        xml.parse_location(b"<LocationConstraint>ap-south-1</LocationConstraint>") == "ap-south-1"
    )


def test_exception_tree_subclasses_builtins() -> None:
    assert issubclass(errors.RequestTimeout, TimeoutError)
    assert issubclass(errors.ConnectError, ConnectionError)
    assert issubclass(errors.InvalidArgument, ValueError)
    assert issubclass(errors.ClientClosedError, RuntimeError)
    assert issubclass(errors.NoSuchKey, errors.S3Error)


def test_region_named_in_errors() -> None:
    body = b"<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>"
    exc = xml.parse_error(400, {}, body, bucket="b")
    assert type(exc) is errors.AuthorizationHeaderMalformed and exc.region == "eu-west-1"
    head = xml.parse_error(301, {"x-amz-bucket-region": "ap-south-1"}, b"", bucket="b", head=True)
    assert type(head) is errors.S3Error and head.region == "ap-south-1"
    assert pickle.loads(pickle.dumps(exc)).region == "eu-west-1"

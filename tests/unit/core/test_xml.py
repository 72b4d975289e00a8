"""S3's XML documents other than listings and errors (:mod:`aiominio.core.xml`): bucket
location, tagging, multipart upload (initiate, complete), multi-object delete and copy results:
what an unexpected document or a tag twice is refused with, and request bodies byte for byte
with non-ASCII text."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from aiominio import errors
from aiominio.core import xml
from aiominio.errors import InvalidResponseError
from aiominio.models import PutResult

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


# -- answers: what an unexpected one is refused with, what they carry ---------------------------


@pytest.mark.parametrize(
    ("parse", "message"),
    [
        (xml.parse_tagging, "unexpected <Other> answering a tagging request"),
        (xml.parse_complete_multipart, "unexpected <Other> completing an upload"),
        (xml.parse_copy_result, "unexpected <Other> answering a copy"),
    ],
)
def test_an_unexpected_document_is_named_with_its_body(parse: object, message: str) -> None:
    body = b"<Other/>"
    with pytest.raises(InvalidResponseError, match=f"^{re.escape(message)}$") as ei:
        parse(body)  # type: ignore[operator]
    assert ei.value.body == body


def test_a_tag_twice_is_named_with_the_body() -> None:
    body = (
        b"<Tagging><TagSet><Tag><Key>k</Key><Value>1</Value></Tag>"
        b"<Tag><Key>k</Key><Value>2</Value></Tag></TagSet></Tagging>"
    )
    with pytest.raises(InvalidResponseError, match=r"^the tag 'k' is in the answer twice$") as ei:
        xml.parse_tagging(body)
    assert ei.value.body == body


def test_a_copy_part_result_is_a_copy_result() -> None:
    body = (
        b'<CopyPartResult><ETag>"abc"</ETag>'
        b"<LastModified>2024-01-02T03:04:05.000Z</LastModified></CopyPartResult>"
    )
    result = xml.parse_copy_result(body)
    assert result.etag == "abc"
    assert result.last_modified == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_delete_errors_carry_their_version() -> None:
    body = (
        b"<DeleteResult><Error><Key>a</Key><VersionId>v1</VersionId><Code>AccessDenied</Code>"
        b"<Message>no</Message></Error><Error><Key>b</Key><Code>X</Code></Error></DeleteResult>"
    )
    errors = xml.parse_delete_objects(body)
    assert [(e.key, e.version_id, e.code, e.message) for e in errors] == [
        ("a", "v1", "AccessDenied", "no"),
        ("b", None, "X", ""),
    ]


# -- request bodies with non-ASCII text, byte for byte --------------------------------------------


def test_tagging_body_is_utf8_not_character_references() -> None:
    assert (
        xml.build_tagging({"clé": "värde"})
        == (
            f"<Tagging {NS}><TagSet><Tag><Key>clé</Key><Value>värde</Value></Tag></TagSet>"
            "</Tagging>"
        ).encode()
    )


def test_complete_and_delete_bodies_are_utf8() -> None:
    assert (
        xml.build_complete_multipart([(1, "é")])
        == (
            f'<CompleteMultipartUpload {NS}><Part><PartNumber>1</PartNumber><ETag>"é"</ETag></Part>'
            "</CompleteMultipartUpload>"
        ).encode()
    )
    assert (
        xml.build_delete_objects([("ключ", None)])
        == (f"<Delete {NS}><Quiet>true</Quiet><Object><Key>ключ</Key></Object></Delete>").encode()
    )


# -- whole documents ----------------------------------------------------------------------------


NS_BYTES = b' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def test_initiate_multipart() -> None:
    body = (
        b"<InitiateMultipartUploadResult" + NS_BYTES + b"><Bucket>b</Bucket><Key>k</Key>"
        b"<UploadId>abc-123</UploadId></InitiateMultipartUploadResult>"
    )
    assert xml.parse_initiate_multipart(body) == "abc-123"
    for bad in (b"<InitiateMultipartUploadResult/>", b"<X><UploadId></UploadId></X>"):
        with pytest.raises(
            InvalidResponseError, match=r"^CreateMultipartUpload answer has no UploadId$"
        ) as info:
            xml.parse_initiate_multipart(bad)
        assert info.value.body == bad


def test_location() -> None:
    ns = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    assert xml.parse_location(b"<LocationConstraint " + ns + b"/>") == "us-east-1"
    assert xml.parse_location(b"<LocationConstraint>EU</LocationConstraint>") == "eu-west-1"
    assert (
        xml.parse_location(b"<LocationConstraint>ap-south-1</LocationConstraint>") == "ap-south-1"
    )


def test_complete_multipart_and_errors_inside_200() -> None:
    body = xml.build_complete_multipart([(1, "aa"), (2, "bb")])
    assert b"<PartNumber>1</PartNumber><ETag>&quot;aa&quot;</ETag>" in body or (
        b'<PartNumber>1</PartNumber><ETag>"aa"</ETag>' in body
    )
    ok = (
        b"<CompleteMultipartUploadResult><ETag>&quot;abc-2&quot;</ETag>"
        b"</CompleteMultipartUploadResult>"
    )
    assert xml.parse_complete_multipart(ok) == PutResult("abc-2")
    full = (
        b"<CompleteMultipartUploadResult><ETag>&quot;abc-2&quot;</ETag>"
        b"<ChecksumCRC32>Wkmo9Q==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType>"
        b"</CompleteMultipartUploadResult>"
    )
    assert xml.parse_complete_multipart(full).checksum_crc32 == "Wkmo9Q=="
    composite = full.replace(b"FULL_OBJECT", b"COMPOSITE").replace(b"Q==", b"Q==-2")
    assert xml.parse_complete_multipart(composite).checksum_crc32 is None
    failed = b"""<?xml version="1.0"?>
<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"""
    with pytest.raises(errors.InternalError) as info:
        xml.raise_if_error_document(failed, status=200, bucket="b", key="k")
    assert info.value.key == "k"
    xml.raise_if_error_document(ok, status=200, bucket="b", key="k")  # no error
    with pytest.raises(errors.InvalidResponseError):
        xml.parse_complete_multipart(b"<Other/>")


def test_delete_objects() -> None:
    body = xml.build_delete_objects([("a&b", None), ("c", "v1")])
    assert b"<Key>a&amp;b</Key>" in body and b"<VersionId>v1</VersionId>" in body
    assert b"<Quiet>true</Quiet>" in body
    result = xml.parse_delete_objects(
        b"""<DeleteResult><Deleted><Key>ok</Key></Deleted>
        <Error><Key>locked</Key><Code>AccessDenied</Code><Message>no</Message></Error>
        </DeleteResult>"""
    )
    assert [(e.key, e.code, e.message) for e in result] == [("locked", "AccessDenied", "no")]


def test_copy_result() -> None:
    res = xml.parse_copy_result(
        b'<CopyObjectResult><ETag>"e"</ETag><LastModified>2024-01-01T00:00:00Z</LastModified>'
        b"</CopyObjectResult>"
    )
    assert res.etag == "e" and res.last_modified is not None

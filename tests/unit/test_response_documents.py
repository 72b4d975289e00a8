"""Parsers of answers the mutation run found untested field by field: CreateMultipartUpload's
UploadId and a ListParts page (each field, the defaults, and the malformed answers refused)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aiominio.core import xml
from aiominio.errors import InvalidResponseError
from aiominio.models import Part

NS = b' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def test_initiate_multipart() -> None:
    body = (
        b"<InitiateMultipartUploadResult" + NS + b"><Bucket>b</Bucket><Key>k</Key>"
        b"<UploadId>abc-123</UploadId></InitiateMultipartUploadResult>"
    )
    assert xml.parse_initiate_multipart(body) == "abc-123"
    for bad in (b"<InitiateMultipartUploadResult/>", b"<X><UploadId></UploadId></X>"):
        with pytest.raises(
            InvalidResponseError, match=r"^CreateMultipartUpload answer has no UploadId$"
        ) as info:
            xml.parse_initiate_multipart(bad)
        assert info.value.body == bad


def test_list_parts_page() -> None:
    body = (
        b"<ListPartsResult" + NS + b"><IsTruncated>true</IsTruncated>"
        b"<NextPartNumberMarker>2</NextPartNumberMarker>"
        b'<Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><Size>5242880</Size>'
        b"<LastModified>2026-01-02T03:04:05.678Z</LastModified>"
        b"<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
        b"<Part><PartNumber>2</PartNumber><ETag>e2</ETag></Part>"
        b"</ListPartsResult>"
    )
    page = xml.parse_list_parts(body)
    assert page.parts == [
        Part(
            part_number=1,
            etag="e1",
            size=5242880,
            last_modified=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
            checksum_crc32="AAAAAA==",
        ),
        Part(part_number=2, etag="e2", size=0, last_modified=None, checksum_crc32=None),
    ]
    assert (page.truncated, page.next_marker) == (True, 2)
    last = xml.parse_list_parts(
        b"<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>"
    )
    assert (last.parts, last.truncated, last.next_marker) == ([], False, None)
    assert xml.parse_list_parts(b"<ListPartsResult/>").truncated is False


@pytest.mark.parametrize(
    ("part", "what"),
    [
        (b"<ETag>e</ETag>", "PartNumber"),
        (b"<PartNumber>1</PartNumber>", "ETag"),
        (b"<PartNumber>x</PartNumber><ETag>e</ETag>", "PartNumber"),
        (b"<PartNumber>1</PartNumber><ETag>e</ETag><Size>-1</Size>", "Size"),
    ],
)
def test_list_parts_refuses_malformed_parts(part: bytes, what: str) -> None:
    with pytest.raises(InvalidResponseError, match=what):
        xml.parse_list_parts(b"<ListPartsResult><Part>" + part + b"</Part></ListPartsResult>")


def test_list_parts_refuses_a_malformed_page() -> None:
    with pytest.raises(InvalidResponseError, match="NextPartNumberMarker"):
        xml.parse_list_parts(
            b"<ListPartsResult><NextPartNumberMarker>x</NextPartNumberMarker></ListPartsResult>"
        )
    with pytest.raises(InvalidResponseError, match="IsTruncated"):
        xml.parse_list_parts(b"<ListPartsResult><IsTruncated>maybe</IsTruncated></ListPartsResult>")

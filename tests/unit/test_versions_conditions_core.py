"""The sans-IO parts of versioning and conditional requests: If-* headers and dates, the
versioning XML, and ListObjectVersions pages (an example answer of the AWS documentation's
shape, URL-encoded keys, pages that do not advance)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio import InvalidArgument, InvalidResponseError, ObjectVersion, Versioning
from aiominio.core.conditions import (
    COPY_SOURCE_PREFIX,
    http_date,
    read_conditions,
    write_conditions,
)
from aiominio.core.headers import parse_http_date
from aiominio.core.versioning import build_versioning, parse_list_versions, parse_versioning

OFFSETS = st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)


@given(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 1, 1), timezones=OFFSETS)
)
def test_http_date_is_the_fixed_form_in_utc(when: datetime) -> None:
    text = http_date(when)
    assert text == format_datetime(when.astimezone(timezone.utc), usegmt=True)
    assert parse_http_date(text) == when.replace(microsecond=0)


def test_read_conditions_quote_etags_and_name_copy_source_headers() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert read_conditions(
        if_match="abc", if_none_match='"def"', if_modified_since=when, if_unmodified_since=when
    ) == {
        "If-Match": '"abc"',
        "If-None-Match": '"def"',
        "If-Modified-Since": "Mon, 06 May 2024 05:08:09 GMT",
        "If-Unmodified-Since": "Mon, 06 May 2024 05:08:09 GMT",
    }
    assert read_conditions(if_match="*", if_none_match='W/"x"') == {
        "If-Match": "*",
        "If-None-Match": 'W/"x"',
    }
    assert read_conditions(if_none_match="abc-2", prefix=COPY_SOURCE_PREFIX) == {
        "x-amz-copy-source-if-none-match": '"abc-2"'
    }
    assert read_conditions() == {}


def test_write_conditions() -> None:
    assert write_conditions(if_none_match="*") == {"If-None-Match": "*"}
    assert write_conditions(if_match="abc") == {"If-Match": '"abc"'}
    with pytest.raises(InvalidArgument, match="not both"):
        write_conditions(if_match="abc", if_none_match="*")
    with pytest.raises(InvalidArgument, match="'\\*'"):
        write_conditions(if_match="*")


def test_versioning_xml_round_trip() -> None:
    for state in (Versioning.ENABLED, Versioning.SUSPENDED):
        assert parse_versioning(build_versioning(state)) is state
    empty = b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>'
    assert parse_versioning(empty) is Versioning.OFF
    with pytest.raises(InvalidResponseError, match="versioning status"):
        parse_versioning(
            b"<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>"
        )


# The shape of the ListObjectVersions example in the S3 API reference, keys URL-encoded.
PAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>my</Prefix><KeyMarker/><VersionIdMarker/><MaxKeys>5</MaxKeys>
  <EncodingType>url</EncodingType>
  <IsTruncated>true</IsTruncated>
  <NextKeyMarker>my+second%2Bimage.jpg</NextKeyMarker>
  <NextVersionIdMarker>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</NextVersionIdMarker>
  <Version>
    <Key>my+image.jpg</Key><VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId>
    <IsLatest>true</IsLatest><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
    <StorageClass>STANDARD</StorageClass>
  </Version>
  <DeleteMarker>
    <Key>my+second%2Bimage.jpg</Key><VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId>
    <IsLatest>true</IsLatest><LastModified>2009-11-12T17:50:30.000Z</LastModified>
  </DeleteMarker>
  <Version>
    <Key>my+second%2Bimage.jpg</Key><VersionId>null</VersionId>
    <IsLatest>false</IsLatest><LastModified>2009-10-10T17:50:30.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>166434</Size>
    <StorageClass>STANDARD</StorageClass>
  </Version>
  <CommonPrefixes><Prefix>my+dir%2F</Prefix></CommonPrefixes>
</ListVersionsResult>"""


def test_a_version_page_is_parsed_in_order_and_decoded() -> None:
    page = parse_list_versions(PAGE)
    assert [(v.key, v.version_id, v.is_latest, v.is_delete_marker) for v in page.entries] == [
        ("my dir/", "", False, False),
        ("my image.jpg", "3/L4kqtJl40Nr8X8gdRQBpUMLUo", True, False),
        ("my second+image.jpg", "03jpff543dhffds434rfdsFDN943fdsFkdmqnh892", True, True),
        ("my second+image.jpg", "null", False, False),
    ]
    image = page.entries[1]
    assert image.size == 434234 and image.etag == "fba9dede5f27731c9771645a39863328"
    assert image.last_modified == datetime(2009, 10, 12, 17, 50, 30, tzinfo=timezone.utc)
    assert image.storage_class == "STANDARD"
    assert page.entries[0].is_dir and page.entries[2].etag == "" and page.entries[2].size == 0
    cursor = page.cursor_after(None)
    assert cursor == ("my second+image.jpg", "03jpff543dhffds434rfdsFDN943fdsFkdmqnh892")
    with pytest.raises(InvalidResponseError, match="does not advance"):
        page.cursor_after(cursor)


def test_a_truncated_version_page_without_a_marker_is_refused() -> None:
    body = b"<ListVersionsResult><IsTruncated>true</IsTruncated></ListVersionsResult>"
    with pytest.raises(InvalidResponseError, match="does not advance"):
        parse_list_versions(body).cursor_after(None)
    last = b"<ListVersionsResult><IsTruncated>false</IsTruncated></ListVersionsResult>"
    assert parse_list_versions(last).cursor_after(None) is None
    with pytest.raises(InvalidResponseError, match="ListBucketResult"):
        parse_list_versions(b"<ListBucketResult/>")
    with pytest.raises(InvalidResponseError, match="IsLatest"):
        parse_list_versions(
            b"<ListVersionsResult><Version><Key>k</Key><IsLatest>maybe</IsLatest></Version>"
            b"</ListVersionsResult>"
        )


def test_object_version_is_frozen() -> None:
    v = ObjectVersion("k", "v1")
    with pytest.raises(AttributeError):
        v.key = "other"  # type: ignore[misc]

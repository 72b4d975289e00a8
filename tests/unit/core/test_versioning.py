"""Versioning XML in detail: the exact PUT body, the refusals' exact messages, and every field
of a ListObjectVersions entry (present, absent, encoded or not)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aiominio.core.versioning import (
    VersionPage,
    build_versioning,
    parse_list_versions,
    parse_versioning,
)
from aiominio.errors import InvalidResponseError
from aiominio.models import ObjectVersion, Versioning

NS = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


@pytest.mark.parametrize(
    ("state", "status"), [(Versioning.ENABLED, b"Enabled"), (Versioning.SUSPENDED, b"Suspended")]
)
def test_the_put_body_byte_for_byte(state: Versioning, status: bytes) -> None:
    assert build_versioning(state) == (
        b"<VersioningConfiguration " + NS + b"><Status>" + status + b"</Status>"
        b"</VersioningConfiguration>"
    )


def test_the_status_is_read_with_its_whitespace_stripped() -> None:
    doc = b"<VersioningConfiguration><Status>%s</Status></VersioningConfiguration>"
    assert parse_versioning(doc % b"\n  Enabled ") is Versioning.ENABLED
    assert parse_versioning(doc % b" Suspended\n") is Versioning.SUSPENDED
    assert parse_versioning(doc % b"   ") is Versioning.OFF
    assert parse_versioning(b"<VersioningConfiguration/>") is Versioning.OFF


def test_an_unknown_status_is_refused_and_quoted_at_most_64_characters() -> None:
    doc = b"<VersioningConfiguration><Status>%s</Status></VersioningConfiguration>"
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent an unknown versioning status: 'enabled'$"
    ):
        parse_versioning(doc % b"enabled")
    with pytest.raises(
        InvalidResponseError,
        match=r"^the server sent an unknown versioning status: '" + "x" * 64 + "'$",
    ):
        parse_versioning(doc % (b"x" * 65))
    with pytest.raises(InvalidResponseError, match=r"^the server sent an unknown .*: 'Off'$"):
        parse_versioning(doc % b"Off")


def page(inner: bytes) -> bytes:
    return b"<ListVersionsResult " + NS + b">" + inner + b"</ListVersionsResult>"


def test_a_full_version_entry() -> None:
    body = page(
        b"<Version><Key>a+b%2Fc</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>"
        b"<LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>&quot;e1&quot;</ETag>"
        b"<Size>12</Size><StorageClass>STANDARD</StorageClass></Version>"
    )
    result = parse_list_versions(body)
    assert result == VersionPage(
        [
            ObjectVersion(
                key="a+b%2Fc",
                version_id="v1",
                is_latest=True,
                is_delete_marker=False,
                size=12,
                etag="e1",
                last_modified=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
                storage_class="STANDARD",
            )
        ],
        False,
        None,
        None,
    )
    # The same page URL-encoded (the EncodingType is read whatever its case).
    encoded = parse_list_versions(
        body.replace(b"<Version>", b"<EncodingType>URL</EncodingType><Version>")
    )
    assert encoded.entries[0].key == "a b/c"


def test_an_entry_with_only_its_key() -> None:
    for tag, marker in ((b"Version", False), (b"DeleteMarker", True)):
        result = parse_list_versions(page(b"<%s><Key>k</Key></%s>" % (tag, tag)))
        assert result.entries == [
            ObjectVersion(
                key="k",
                version_id="null",
                is_latest=False,
                is_delete_marker=marker,
                size=0,
                etag="",
                last_modified=None,
                storage_class=None,
            )
        ]
        assert result.truncated is False


def test_an_entry_without_its_key_or_with_a_bad_size_is_refused() -> None:
    with pytest.raises(InvalidResponseError, match=r"^<Version> without the <Key> it must have$"):
        parse_list_versions(page(b"<Version><VersionId>v</VersionId></Version>"))
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed Size: '-1'$"):
        parse_list_versions(page(b"<Version><Key>k</Key><Size>-1</Size></Version>"))
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed IsLatest: 'yes'$"
    ):
        parse_list_versions(page(b"<Version><Key>k</Key><IsLatest>yes</IsLatest></Version>"))
    with pytest.raises(
        InvalidResponseError, match=r"^<CommonPrefixes> without the <Prefix> it must have$"
    ):
        parse_list_versions(page(b"<CommonPrefixes/>"))


def test_other_elements_are_not_entries() -> None:
    result = parse_list_versions(
        page(b"<Name>b</Name><Contents><Key>x</Key></Contents><Version><Key>k</Key></Version>")
    )
    assert [e.key for e in result.entries] == ["k"]


def test_prefixes_are_merged_in_by_key_keeping_each_keys_versions_in_order() -> None:
    body = page(
        b"<Version><Key>b</Key><VersionId>new</VersionId></Version>"
        b"<Version><Key>b</Key><VersionId>old</VersionId></Version>"
        b"<Version><Key>d</Key><VersionId>1</VersionId></Version>"
        b"<CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes>"
        b"<CommonPrefixes><Prefix>a+%2F</Prefix></CommonPrefixes>"
    )
    got = [(e.key, e.version_id, e.is_dir) for e in parse_list_versions(body).entries]
    assert got == [
        ("a+%2F", "", True),
        ("b", "new", False),
        ("b", "old", False),
        ("c/", "", True),
        ("d", "1", False),
    ]
    encoded = body.replace(b"<Version>", b"<EncodingType>url</EncodingType><Version>", 1)
    assert parse_list_versions(encoded).entries[0] == ObjectVersion(
        key="a /", version_id="", is_dir=True
    )


def test_without_prefixes_the_servers_order_is_kept() -> None:
    body = page(b"<Version><Key>z</Key></Version><Version><Key>a</Key></Version>")
    assert [e.key for e in parse_list_versions(body).entries] == ["z", "a"]


def test_the_next_markers() -> None:
    body = page(
        b"<IsTruncated>true</IsTruncated><NextKeyMarker>a+b%2B</NextKeyMarker>"
        b"<NextVersionIdMarker>v9</NextVersionIdMarker>"
    )
    result = parse_list_versions(body)
    assert (result.truncated, result.next_key_marker, result.next_version_id_marker) == (
        True,
        "a+b%2B",
        "v9",
    )
    encoded = parse_list_versions(body.replace(b"<IsT", b"<EncodingType>url</EncodingType><IsT"))
    assert encoded.next_key_marker == "a b+"
    assert encoded.cursor_after(None) == ("a b+", "v9")
    bare = parse_list_versions(
        page(b"<IsTruncated>true</IsTruncated><NextKeyMarker>k</NextKeyMarker>")
    )
    assert bare.next_version_id_marker is None
    assert bare.cursor_after(("k", "v1")) == ("k", None)
    assert bare.cursor_after(("j", None)) == ("k", None)
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed IsTruncated: 'maybe'$"
    ):
        parse_list_versions(page(b"<IsTruncated>maybe</IsTruncated>"))


def test_a_page_that_does_not_advance_is_refused_with_its_markers() -> None:
    stuck = VersionPage([], True, "k", "v")
    with pytest.raises(
        InvalidResponseError,
        match=r"^a truncated ListObjectVersions page that does not advance "
        r"\(next: \('k', 'v'\)\)$",
    ):
        stuck.cursor_after(("k", "v"))
    assert stuck.cursor_after(("k", "w")) == ("k", "v")
    with pytest.raises(InvalidResponseError, match=r"\(next: \('', 'v'\)\)$"):
        VersionPage([], True, "", "v").cursor_after(None)
    assert VersionPage([], False, "k", "v").cursor_after(("k", "v")) is None


def test_another_document_is_refused_with_its_body() -> None:
    body = b"<ListBucketResult><Name>b</Name></ListBucketResult>"
    with pytest.raises(
        InvalidResponseError, match=r"^unexpected <ListBucketResult> listing versions$"
    ) as info:
        parse_list_versions(body)
    assert info.value.body == body


def test_version_pages() -> None:
    def page(truncated: bool, key: str | None, version: str | None) -> VersionPage:
        return VersionPage([], truncated, key, version)

    assert page(False, "k", "v").cursor_after(None) is None
    assert page(True, "k", "v").cursor_after(None) == ("k", "v")
    assert page(True, "k", None).cursor_after(("j", None)) == ("k", None)
    assert page(True, "k", "v2").cursor_after(("k", "v1")) == ("k", "v2")
    for key, version, sent in ((None, "v", None), ("", None, None), ("k", "v", ("k", "v"))):
        with pytest.raises(InvalidResponseError, match="ListObjectVersions"):
            page(True, key, version).cursor_after(sent)


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

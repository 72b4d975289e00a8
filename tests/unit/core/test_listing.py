"""The listing pages (:mod:`aiominio.core.listing`): buckets, objects (ListObjects and
ListObjectsV2), multipart uploads and parts: defaults of absent elements, url-decoding, owner
elements cut before parsing, malformed values named, and the cursor of the next page, peeked
from the raw answer or taken from the parsed page (refused when it does not advance)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import listing
from aiominio.core.listing import ObjectPage, PartPage, UploadPage
from aiominio.errors import InvalidResponseError
from aiominio.models import ObjectInfo, Owner, Part
from tests.unit.core.test_xml import NS, NS_BYTES

# -- a page's details: absent elements, url-decoding, malformed values ---------------------------


def test_an_owner_inside_cdata_is_part_of_the_key() -> None:
    body = (
        f"<ListBucketResult {NS}><IsTruncated>false</IsTruncated><Contents>"
        "<Key><![CDATA[a<Owner>b</Owner>c]]></Key><Size>1</Size>"
        "<Owner><ID>x</ID></Owner></Contents></ListBucketResult>"
    ).encode()
    assert [e.key for e in listing.parse_list_objects(body).entries] == ["a<Owner>b</Owner>c"]


def test_a_page_without_its_optional_elements() -> None:
    body = f"<ListBucketResult {NS}><Contents><Key>k</Key></Contents></ListBucketResult>"
    page = listing.parse_list_objects(body.encode())
    assert page.truncated is False
    assert page.next_marker is None
    assert page.next_token is None
    (entry,) = page.entries
    assert (entry.size, entry.etag, entry.last_modified, entry.storage_class) == (0, "", None, None)


def test_a_listed_object_without_a_key_is_named() -> None:
    body = b"<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"
    with pytest.raises(InvalidResponseError, match=r"^a listed object without a <Key>$"):
        listing.parse_list_objects(body)


@pytest.mark.parametrize(
    ("doc", "what"),
    [
        ("<Contents><Key>k</Key><Size>x1</Size></Contents>", "Size"),
        ("<IsTruncated>maybe</IsTruncated>", "IsTruncated"),
    ],
)
def test_malformed_listing_values_are_named(doc: str, what: str) -> None:
    body = f"<ListBucketResult>{doc}</ListBucketResult>".encode()
    with pytest.raises(InvalidResponseError, match=f"malformed {what}: "):
        listing.parse_list_objects(body)


def test_url_encoded_keys_and_markers_are_decoded() -> None:
    body = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<NextMarker>a%2Fb+c</NextMarker>"
        b"<Contents><Key>x+y</Key></Contents><Contents><Key>p%25q</Key></Contents>"
        b"</ListBucketResult>"
    )
    page = listing.parse_list_objects(body)
    assert [e.key for e in page.entries] == ["x y", "p%q"]
    assert page.next_marker == "a/b c"


def test_the_continuation_token_is_its_own_element_only() -> None:
    body = (
        b"<ListBucketResult><Name>bucket</Name><IsTruncated>true</IsTruncated>"
        b"<NextContinuationToken>tok</NextContinuationToken><KeyCount>1</KeyCount>"
        b"<StartAfter>s</StartAfter><Contents><Key>k</Key></Contents></ListBucketResult>"
    )
    assert listing.parse_list_objects(body).next_token == "tok"


def test_peek_survives_invalid_utf8_in_the_last_key() -> None:
    body = b"<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a\xff</Key></Contents>"
    assert listing.peek_next_cursor(body, v2=False) == "a\ufffd"


def test_peek_leaves_a_v2_token_as_it_is_even_with_url_encoding() -> None:
    body = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<NextContinuationToken>a%2Fb+c</NextContinuationToken></ListBucketResult>"
    )
    assert listing.peek_next_cursor(body, v2=True) == "a%2Fb+c"
    assert listing.peek_next_cursor(body.replace(b"Continuation", b""), v2=False) is None
    v1 = body.replace(b"NextContinuationToken", b"NextMarker")
    assert listing.peek_next_cursor(v1, v2=False) == "a/b c"


def test_uploads_page_without_optional_elements() -> None:
    body = b"<ListMultipartUploadsResult><Upload><Key>k</Key><UploadId>u</UploadId></Upload>"
    page = listing.parse_list_uploads(body + b"</ListMultipartUploadsResult>")
    assert page.uploads[0].initiated is None
    assert page.next_key_marker is None
    assert page.next_upload_id_marker is None
    assert page.truncated is False


def test_url_encoded_uploads_page_without_a_next_marker() -> None:
    body = (
        b"<ListMultipartUploadsResult><EncodingType>url</EncodingType>"
        b"<Upload><Key>a%2Fb</Key><UploadId>u</UploadId></Upload></ListMultipartUploadsResult>"
    )
    page = listing.parse_list_uploads(body)
    assert [u.key for u in page.uploads] == ["a/b"]
    assert page.next_key_marker is None


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<ListMultipartUploadsResult><IsTruncated>1</IsTruncated>", "IsTruncated"),
        (b"<ListPartsResult><IsTruncated>1</IsTruncated>", "IsTruncated"),
        (
            b"<ListPartsResult><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part>",
            "PartNumber",
        ),
        (
            b"<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>-1</Size></Part>",
            "Size",
        ),
        (
            b"<ListPartsResult><NextPartNumberMarker>n</NextPartNumberMarker>",
            "NextPartNumberMarker",
        ),
    ],
)
def test_malformed_upload_and_part_values_are_named(body: bytes, what: str) -> None:
    root = body[1 : body.index(b">")].decode()
    parse = (
        listing.parse_list_uploads if root.startswith("ListMultipart") else listing.parse_list_parts
    )
    with pytest.raises(InvalidResponseError, match=f"malformed {what}: "):
        parse(body + f"</{root}>".encode())


def test_list_parts_page() -> None:
    body = (
        b"<ListPartsResult" + NS_BYTES + b"><IsTruncated>true</IsTruncated>"
        b"<NextPartNumberMarker>2</NextPartNumberMarker>"
        b'<Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><Size>5242880</Size>'
        b"<LastModified>2026-01-02T03:04:05.678Z</LastModified>"
        b"<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
        b"<Part><PartNumber>2</PartNumber><ETag>e2</ETag></Part>"
        b"</ListPartsResult>"
    )
    page = listing.parse_list_parts(body)
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
    last = listing.parse_list_parts(
        b"<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>"
    )
    assert (last.parts, last.truncated, last.next_marker) == ([], False, None)
    assert listing.parse_list_parts(b"<ListPartsResult/>").truncated is False


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
        listing.parse_list_parts(b"<ListPartsResult><Part>" + part + b"</Part></ListPartsResult>")


def test_list_parts_refuses_a_malformed_page() -> None:
    with pytest.raises(InvalidResponseError, match="NextPartNumberMarker"):
        listing.parse_list_parts(
            b"<ListPartsResult><NextPartNumberMarker>x</NextPartNumberMarker></ListPartsResult>"
        )
    with pytest.raises(InvalidResponseError, match="IsTruncated"):
        listing.parse_list_parts(
            b"<ListPartsResult><IsTruncated>maybe</IsTruncated></ListPartsResult>"
        )


def test_list_buckets() -> None:
    body = b"""<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
    <Owner><ID>x</ID></Owner><Buckets>
    <Bucket><Name>one</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket>
    <Bucket><Name>two</Name><CreationDate>2024-02-03T04:05:06Z</CreationDate></Bucket>
    </Buckets></ListAllMyBucketsResult>"""
    buckets = listing.parse_list_buckets(body)
    assert [b.name for b in buckets] == ["one", "two"]
    assert buckets[0].creation_date is not None
    assert buckets[0].creation_date.isoformat() == "2024-01-02T03:04:05+00:00"


# -- whole pages, and the cursor of the next one --------------------------------------------------


def test_list_objects_v2_page_url_decoded_and_merged() -> None:
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult {NS}><Name>b</Name><Prefix></Prefix><KeyCount>3</KeyCount>
<MaxKeys>3</MaxKeys><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType>
<IsTruncated>true</IsTruncated><NextContinuationToken>tok==</NextContinuationToken>
<Contents><Key>a+b%2Bc%25d</Key><LastModified>2024-05-06T07:08:09.000Z</LastModified>
<ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag><Size>42</Size>
<StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>z%E6%97%A5</Key><LastModified>2024-05-06T07:08:09Z</LastModified>
<ETag>"e-2"</ETag><Size>7</Size></Contents>
<CommonPrefixes><Prefix>m%20dir%2F</Prefix></CommonPrefixes>
</ListBucketResult>""".encode()
    page = listing.parse_list_objects(body)
    assert [(e.key, e.is_dir) for e in page.entries] == [
        ("a b+c%d", False),
        ("m dir/", True),
        ("z日", False),
    ]
    first = page.entries[0]
    assert first.size == 42 and first.etag == "0123456789abcdef0123456789abcdef"
    assert first.storage_class == "STANDARD"
    assert first.last_modified is not None and first.last_modified.year == 2024
    assert page.entries[2].etag == "e-2"
    assert page.truncated and page.next_token == "tok=="


def test_list_objects_v1_without_encoding_keeps_keys() -> None:
    body = b"""<ListBucketResult><IsTruncated>false</IsTruncated><NextMarker>a+b</NextMarker>
    <Contents><Key>a+b</Key><Size>1</Size><ETag>x</ETag></Contents></ListBucketResult>"""
    page = listing.parse_list_objects(body)
    assert page.entries[0].key == "a+b" and page.next_marker == "a+b"
    assert not page.truncated


@given(st.text(min_size=1, max_size=50).filter(lambda s: "\x00" not in s))
def test_url_encoded_keys_round_trip(key: str) -> None:
    from urllib.parse import quote_plus

    from hypothesis import assume

    assume(all(c in "\t\n\r" or ord(c) >= 0x20 for c in key))
    assume(not any(0xD800 <= ord(c) <= 0xDFFF for c in key))
    body = (
        "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
        f"<Contents><Key>{quote_plus(key, safe='/')}</Key><Size>0</Size></Contents>"
        "</ListBucketResult>"
    ).encode()
    assert listing.parse_list_objects(body).entries[0].key == key


def test_uploads_and_parts() -> None:
    uploads = listing.parse_list_uploads(
        f"""<ListMultipartUploadsResult {NS}><EncodingType>url</EncodingType>
        <IsTruncated>true</IsTruncated><NextKeyMarker>k%202</NextKeyMarker>
        <NextUploadIdMarker>id2</NextUploadIdMarker>
        <Upload><Key>k%201</Key><UploadId>id1</UploadId>
        <Initiated>2024-01-01T00:00:00.000Z</Initiated></Upload>
        <CommonPrefixes><Prefix>p%2F</Prefix></CommonPrefixes>
        </ListMultipartUploadsResult>""".encode()
    )
    assert [(u.key, u.upload_id) for u in uploads.uploads] == [("k 1", "id1")]
    assert uploads.prefixes == ["p/"]
    assert uploads.truncated and uploads.next_key_marker == "k 2"
    assert uploads.next_upload_id_marker == "id2"
    page = listing.parse_list_parts(
        b"""<ListPartsResult><IsTruncated>true</IsTruncated>
        <NextPartNumberMarker>2</NextPartNumberMarker>
        <Part><PartNumber>1</PartNumber><ETag>"aa"</ETag><Size>5242880</Size></Part>
        <Part><PartNumber>2</PartNumber><ETag>"bb"</ETag><Size>10</Size></Part>
        </ListPartsResult>"""
    )
    parts = [(p.part_number, p.etag, p.size) for p in page.parts]
    assert parts == [(1, "aa", 5242880), (2, "bb", 10)]
    assert page.truncated and page.next_marker == 2


def test_peek_next_cursor() -> None:
    v2 = (
        b"<ListBucketResult><IsTruncated>true</IsTruncated>"
        b"<NextContinuationToken>a&amp;b&quot;c</NextContinuationToken></ListBucketResult>"
    )
    assert listing.peek_next_cursor(v2, v2=True) == 'a&b"c'
    assert listing.peek_next_cursor(v2.replace(b"true", b"false"), v2=True) is None
    v1 = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<NextMarker>a%20b%2Bc</NextMarker></ListBucketResult>"
    )
    assert listing.peek_next_cursor(v1, v2=False) == "a b+c"
    assert listing.peek_next_cursor(v1, v2=True) is None  # no token in a v1 answer
    no_marker = b"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"
    assert listing.peek_next_cursor(no_marker, v2=False) is None
    # A ListObjects (v1) page without NextMarker (no delimiter asked): the cursor is the last key,
    # decoded as the parsed page decodes it.
    keys = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<Contents><Key>first</Key></Contents><Contents><Key>l%C3%BCst+%26</Key></Contents>"
        b"</ListBucketResult>"
    )
    assert listing.peek_next_cursor(keys, v2=False) == "lüst &"
    assert listing.peek_next_cursor(keys, v2=False) == listing.parse_list_objects(
        keys
    ).cursor_after(None, v2=False)
    assert listing.peek_next_cursor(keys, v2=True) is None  # v2 needs its token
    assert listing.peek_next_cursor(keys.replace(b"true", b"false"), v2=False) is None


def test_owner_elements_are_cut_before_parsing_and_nothing_else() -> None:
    """v1 pages name each object's owner; the elements are cut from the raw answer before it is
    parsed. A key that spells ``<Owner>`` (escaped, as XML text must be) is untouched."""
    body = (
        b"<ListBucketResult><IsTruncated>false</IsTruncated>"
        b"<Contents><Key>&lt;Owner&gt;x&lt;/Owner&gt;</Key><Size>3</Size>"
        b"<Owner><ID>u</ID><DisplayName>u</DisplayName></Owner><ETag>&#34;e&#34;</ETag></Contents>"
        b"<Contents><Key>b</Key><Owner><ID>u</ID></Owner><Size>4</Size></Contents>"
        b"</ListBucketResult>"
    )
    page = listing.parse_list_objects(body)
    assert [(e.key, e.size, e.etag) for e in page.entries] == [
        ("<Owner>x</Owner>", 3, "e"),
        ("b", 4, ""),
    ]


def _page(keys: list[str], truncated: bool, marker: str | None, token: str | None) -> ObjectPage:
    entries = [ObjectInfo(key=k) for k in keys]
    return ObjectPage(entries, truncated, marker, token)


def test_the_last_page_has_no_cursor() -> None:
    page = _page(["a"], False, "m", "t")
    assert page.cursor_after(None, v2=True) is None
    assert page.cursor_after("a", v2=False) is None


def test_v2_uses_the_continuation_token_only() -> None:
    assert _page(["a"], True, "marker", "tok").cursor_after(None, v2=True) == "tok"
    assert _page(["a"], True, None, "tok2").cursor_after("tok1", v2=True) == "tok2"
    for token, sent in ((None, None), ("", None), ("tok", "tok")):
        with pytest.raises(InvalidResponseError, match="ListObjectsV2 page that does not advance"):
            _page(["a"], True, "marker", token).cursor_after(sent, v2=True)


def test_v1_uses_the_next_marker_else_the_last_key() -> None:
    assert _page(["a", "b"], True, "m", None).cursor_after(None, v2=False) == "m"
    assert _page(["a", "b"], True, None, None).cursor_after(None, v2=False) == "b"
    assert _page(["a", "b"], True, "", "tok").cursor_after("a", v2=False) == "b"
    with pytest.raises(InvalidResponseError, match="ListObjects page"):
        _page([], True, None, "tok").cursor_after(None, v2=False)
    with pytest.raises(InvalidResponseError, match="'b'"):
        _page(["a", "b"], True, None, None).cursor_after("b", v2=False)


def test_upload_pages() -> None:
    def page(truncated: bool, key: str | None, upload: str | None) -> UploadPage:
        return UploadPage([], [], truncated, key, upload)

    assert page(False, "k", "u").cursor_after(None) is None
    assert page(True, "k", "u").cursor_after(None) == ("k", "u")
    assert page(True, "k", None).cursor_after(("j", "u")) == ("k", None)
    assert page(True, "k", "u2").cursor_after(("k", "u1")) == ("k", "u2")
    for key, upload, sent in (
        (None, "u", None),
        ("", "u", None),
        ("k", "u", ("k", "u")),
        ("k", None, ("k", None)),
    ):
        with pytest.raises(InvalidResponseError, match="ListMultipartUploads"):
            page(True, key, upload).cursor_after(sent)


def test_part_pages() -> None:
    assert PartPage([], False, 5).cursor_after(None) is None
    assert PartPage([], True, 5).cursor_after(None) == 5
    assert PartPage([], True, 5).cursor_after(4) == 5
    for marker, sent in ((None, None), (0, None), (5, 5), (4, 5)):
        with pytest.raises(InvalidResponseError, match="ListParts"):
            PartPage([], True, marker).cursor_after(sent)


# -- entry caps: a page with more entries than asked for -----------------------------------------


def test_a_page_over_its_entry_cap_is_refused_before_it_is_parsed() -> None:
    entries = (
        b"<Contents><Key>a</Key></Contents><s3:Contents xmlns:s3='x'><Key>b</Key></s3:Contents>"
    )
    prefixes = b"<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>" * 5
    page = b"<ListBucketResult>" + entries + prefixes + b"</ListBucketResult>"
    listing.check_page_entries(page, ("Contents",), 2, "ListObjects")  # prefixes not counted
    listing.check_page_entries(page, ("Contents",), None, "ListObjects")  # no cap
    with pytest.raises(
        InvalidResponseError,
        match=r"^a ListObjects page with 2 entries when at most 1 were asked for$",
    ):
        listing.check_page_entries(page + b"<broken", ("Contents",), 1, "ListObjects")
    with pytest.raises(InvalidResponseError, match=r"with 1,001 entries when at most 1,000 "):
        listing.check_entry_count(1001, 1000, "ListParts")
    listing.check_entry_count(1000, 1000, "ListParts")


def test_a_bucket_page_names_its_next_token_and_regions() -> None:
    body = b"""<ListAllMyBucketsResult><Buckets>
    <Bucket><Name>one</Name><BucketRegion>eu-west-1</BucketRegion></Bucket>
    <Bucket><Name>two</Name></Bucket></Buckets>
    <ContinuationToken>dHdv</ContinuationToken><Prefix>t</Prefix></ListAllMyBucketsResult>"""
    page = listing.parse_bucket_page(body)
    assert [(b.name, b.region) for b in page.buckets] == [("one", "eu-west-1"), ("two", None)]
    assert page.next_token == "dHdv"
    assert listing.parse_bucket_page(body.replace(b"dHdv", b"")).next_token is None
    with pytest.raises(InvalidResponseError, match="ListBuckets page with 2 entries"):
        listing.parse_bucket_page(body, most=1)


# MinIO's ListObjectsV2 with metadata=true (and fetch-owner=true).
MINIO_METADATA_PAGE = f"""<ListBucketResult {NS}><IsTruncated>false</IsTruncated>
<Contents><Key>a</Key><Size>5</Size><ETag>"e"</ETag>
<Owner><ID>02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4</ID>
<DisplayName>minio</DisplayName></Owner>
<UserMetadata><X-Amz-Meta-Color>red</X-Amz-Meta-Color><content-type>text/plain</content-type>
<expires>Mon, 01 Jan 0001 00:00:00 GMT</expires></UserMetadata>
<UserTags>team=data&amp;empty=</UserTags></Contents>
<Contents><Key>b</Key><Size>1</Size><ETag>"f"</ETag><UserMetadata></UserMetadata></Contents>
<Contents><Key>c</Key><Size>1</Size><ETag>"g"</ETag></Contents>
</ListBucketResult>""".encode()


def test_minio_metadata_listing_fills_metadata_content_type_and_tags() -> None:
    a, b, c = listing.parse_list_objects(MINIO_METADATA_PAGE).entries
    assert (a.metadata, a.content_type, a.tags) == (
        {"color": "red"},
        "text/plain",
        {"team": "data", "empty": ""},
    )
    assert (b.metadata, b.content_type, b.tags) == ({}, None, None)
    assert (c.metadata, c.content_type, c.tags) == (None, None, None)  # none in the answer


def test_owners_are_read_only_when_asked() -> None:
    asked = listing.parse_list_objects(MINIO_METADATA_PAGE, owners=True).entries
    assert asked[0].owner == Owner(
        "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4", "minio"
    )
    assert asked[1].owner is None
    assert all(e.owner is None for e in listing.parse_list_objects(MINIO_METADATA_PAGE).entries)


def test_a_parts_page_names_every_checksum_and_the_uploads_algorithm() -> None:
    body = b"""<ListPartsResult><ChecksumAlgorithm>SHA256</ChecksumAlgorithm>
    <IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"e"</ETag>
    <Size>5</Size><ChecksumSHA256>AQ==</ChecksumSHA256><ChecksumCRC64NVME>Ag==</ChecksumCRC64NVME>
    </Part></ListPartsResult>"""
    page = listing.parse_list_parts(body)
    assert page.algorithm == "SHA256"
    (part,) = page.parts
    assert (part.checksum("sha256"), part.checksum("CRC64NVME"), part.checksum_crc32) == (
        "AQ==",
        "Ag==",
        None,
    )
    assert (
        listing.parse_list_parts(body.replace(b"SHA256</Checksum", b"</Checksum")).algorithm is None
    )

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio import errors
from aiominio.core import xml
from aiominio.core.headers import stat_from_headers
from aiominio.models import PutResult

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


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
    page = xml.parse_list_objects(body)
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
    page = xml.parse_list_objects(body)
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
    assert xml.parse_list_objects(body).entries[0].key == key


def test_uploads_and_parts() -> None:
    uploads = xml.parse_list_uploads(
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
    page = xml.parse_list_parts(
        b"""<ListPartsResult><IsTruncated>true</IsTruncated>
        <NextPartNumberMarker>2</NextPartNumberMarker>
        <Part><PartNumber>1</PartNumber><ETag>"aa"</ETag><Size>5242880</Size></Part>
        <Part><PartNumber>2</PartNumber><ETag>"bb"</ETag><Size>10</Size></Part>
        </ListPartsResult>"""
    )
    parts = [(p.part_number, p.etag, p.size) for p in page.parts]
    assert parts == [(1, "aa", 5242880), (2, "bb", 10)]
    assert page.truncated and page.next_marker == 2


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


def test_stat_from_headers() -> None:
    stat = stat_from_headers(
        {
            "content-length": "10",
            "content-range": "bytes 0-9/1234",
            "etag": '"abc"',
            "content-type": "image/png",
            "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT",
            "x-amz-meta-owner": "alice",
            "x-amz-version-id": "v9",
        }
    )
    assert stat.size == 1234 and stat.etag == "abc" and stat.content_type == "image/png"
    assert stat.metadata == {"owner": "alice"} and stat.version_id == "v9"
    assert stat.last_modified is not None and stat.last_modified.year == 2015


def test_peek_next_cursor() -> None:
    v2 = (
        b"<ListBucketResult><IsTruncated>true</IsTruncated>"
        b"<NextContinuationToken>a&amp;b&quot;c</NextContinuationToken></ListBucketResult>"
    )
    assert xml.peek_next_cursor(v2, v2=True) == 'a&b"c'
    assert xml.peek_next_cursor(v2.replace(b"true", b"false"), v2=True) is None
    v1 = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<NextMarker>a%20b%2Bc</NextMarker></ListBucketResult>"
    )
    assert xml.peek_next_cursor(v1, v2=False) == "a b+c"
    assert xml.peek_next_cursor(v1, v2=True) is None  # no token in a v1 answer
    no_marker = b"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"
    assert xml.peek_next_cursor(no_marker, v2=False) is None
    # v1 without NextMarker (no delimiter): the last key, decoded as the parsed page decodes it.
    keys = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<Contents><Key>first</Key></Contents><Contents><Key>l%C3%BCst+%26</Key></Contents>"
        b"</ListBucketResult>"
    )
    assert xml.peek_next_cursor(keys, v2=False) == "lüst &"
    assert xml.peek_next_cursor(keys, v2=False) == xml.parse_list_objects(keys).cursor_after(
        None, v2=False
    )
    assert xml.peek_next_cursor(keys, v2=True) is None  # v2 needs its token
    assert xml.peek_next_cursor(keys.replace(b"true", b"false"), v2=False) is None


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
    page = xml.parse_list_objects(body)
    assert [(e.key, e.size, e.etag) for e in page.entries] == [
        ("<Owner>x</Owner>", 3, "e"),
        ("b", 4, ""),
    ]

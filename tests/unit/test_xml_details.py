"""The XML layer's details: which documents take the fast parser, what the refusals say and carry,
defaults of absent elements, url-decoding, bounded caches, and request bodies byte for byte with
non-ASCII text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from aiominio.core import xml, xmlparse
from aiominio.errors import InvalidResponseError

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


# -- which documents the fast C parser may read -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "plain"),
    [
        (b"<a/>", True),
        (b'<?xml version="1.0"?><a/>', True),
        (b'<?xml version="1.0" encoding="UTF-8"?><a/>', True),
        (b"<?xml version='1.0' encoding='us-ascii'?><a/>", True),
        (b'<?xml version="1.0" encoding="utf-8" standalone="yes"?><a/>', True),
        (b'<?xml version="1.0"?><a>encoding="latin-1" ?></a>', True),  # text, not declaration
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>', False),
        (b'<?xml version="1.0" encoding="utf-16"?><a/>', False),
        (b'<?xml version="1.0" encoding="utf-8', False),  # declaration never closed
        (b"<?xml", False),
        (b"<a><!-- c --></a>", False),
        (b"<a>\0</a>", False),
        (b"\xef\xbb\xbf<a/>", False),
    ],
)
def test_which_documents_are_plain_utf8(body: bytes, plain: bool) -> None:
    assert xmlparse._is_plain_utf8(body) is plain


def test_a_latin1_document_is_read_as_latin1() -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><a>café</a>'.encode("latin-1")
    assert xml.parse(body).text == "café"


# -- refusals: what they say and carry ----------------------------------------------------------


def test_unsafe_xml_is_refused_naming_the_reason_with_the_body() -> None:
    body = b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(InvalidResponseError, match=r"refused unsafe XML .*\((DTD|Entities)") as ei:
        xml.parse(body, status=200)
    assert ei.value.body == body
    assert ei.value.status == 200


def test_invalid_xml_is_refused_with_the_body_and_status() -> None:
    with pytest.raises(InvalidResponseError, match=r"^the server's answer is not valid XML") as ei:
        xml.parse(b"<a><b></a>", status=502)
    assert ei.value.body == b"<a><b></a>"
    assert ei.value.status == 502


def test_error_document_check_keeps_the_status_of_a_broken_answer() -> None:
    with pytest.raises(InvalidResponseError) as ei:
        xml.raise_if_error_document(b"<Error><Code>x</Error>", status=200, bucket="b", key="k")
    assert ei.value.status == 200


def test_flag_refusal_quotes_at_most_64_characters() -> None:
    with pytest.raises(InvalidResponseError) as ei:
        xml.parse_flag("y" * 100, "IsTruncated")
    assert str(ei.value).endswith(f"malformed IsTruncated: {'y' * 64!r}")


# -- dates ---------------------------------------------------------------------------------------


def test_date_refusal_says_so_and_quotes_at_most_64_characters() -> None:
    with pytest.raises(InvalidResponseError) as ei:
        xml.parse_iso_datetime("x" * 100)
    assert str(ei.value).endswith(f"malformed date: {'x' * 64!r}")


def test_dates_without_a_zone_are_utc_and_offsets_are_kept() -> None:
    naive = xml.parse_iso_datetime("2024-01-02T03:04:05")
    assert naive == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert naive.tzinfo is timezone.utc
    offset = xml.parse_iso_datetime("2024-01-02T03:04:05+02:00")
    assert offset.utcoffset() == timedelta(hours=2)


def test_the_date_cache_is_bounded() -> None:
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    stamps = [(start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(4098)]
    for s in stamps[:4097]:
        xml.parse_iso_datetime(s)
    assert len(xmlparse._DATETIMES) == 4097
    assert xmlparse._DATETIMES[stamps[0]] == start
    xml.parse_iso_datetime(stamps[4097])  # over the bound: start afresh
    assert list(xmlparse._DATETIMES) == [stamps[4097]]
    assert xml.parse_iso_datetime(stamps[4097]) == start + timedelta(seconds=4097)


# -- listings -------------------------------------------------------------------------------------


def test_an_owner_inside_cdata_is_part_of_the_key() -> None:
    body = (
        f"<ListBucketResult {NS}><IsTruncated>false</IsTruncated><Contents>"
        "<Key><![CDATA[a<Owner>b</Owner>c]]></Key><Size>1</Size>"
        "<Owner><ID>x</ID></Owner></Contents></ListBucketResult>"
    ).encode()
    assert [e.key for e in xml.parse_list_objects(body).entries] == ["a<Owner>b</Owner>c"]


def test_a_page_without_its_optional_elements() -> None:
    body = f"<ListBucketResult {NS}><Contents><Key>k</Key></Contents></ListBucketResult>"
    page = xml.parse_list_objects(body.encode())
    assert page.truncated is False
    assert page.next_marker is None
    assert page.next_token is None
    (entry,) = page.entries
    assert (entry.size, entry.etag, entry.last_modified, entry.storage_class) == (0, "", None, None)


def test_a_listed_object_without_a_key_is_named() -> None:
    body = b"<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"
    with pytest.raises(InvalidResponseError, match=r"^a listed object without a <Key>$"):
        xml.parse_list_objects(body)


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
        xml.parse_list_objects(body)


def test_url_encoded_keys_and_markers_are_decoded() -> None:
    body = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<NextMarker>a%2Fb+c</NextMarker>"
        b"<Contents><Key>x+y</Key></Contents><Contents><Key>p%25q</Key></Contents>"
        b"</ListBucketResult>"
    )
    page = xml.parse_list_objects(body)
    assert [e.key for e in page.entries] == ["x y", "p%q"]
    assert page.next_marker == "a/b c"


def test_the_continuation_token_is_its_own_element_only() -> None:
    body = (
        b"<ListBucketResult><Name>bucket</Name><IsTruncated>true</IsTruncated>"
        b"<NextContinuationToken>tok</NextContinuationToken><KeyCount>1</KeyCount>"
        b"<StartAfter>s</StartAfter><Contents><Key>k</Key></Contents></ListBucketResult>"
    )
    assert xml.parse_list_objects(body).next_token == "tok"


def test_peek_survives_invalid_utf8_in_the_last_key() -> None:
    body = b"<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a\xff</Key></Contents>"
    assert xml.peek_next_cursor(body, v2=False) == "a\ufffd"


def test_peek_leaves_a_v2_token_as_it_is_even_with_url_encoding() -> None:
    body = (
        b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        b"<NextContinuationToken>a%2Fb+c</NextContinuationToken></ListBucketResult>"
    )
    assert xml.peek_next_cursor(body, v2=True) == "a%2Fb+c"
    assert xml.peek_next_cursor(body.replace(b"Continuation", b""), v2=False) is None
    v1 = body.replace(b"NextContinuationToken", b"NextMarker")
    assert xml.peek_next_cursor(v1, v2=False) == "a/b c"


def test_uploads_page_without_optional_elements() -> None:
    body = b"<ListMultipartUploadsResult><Upload><Key>k</Key><UploadId>u</UploadId></Upload>"
    page = xml.parse_list_uploads(body + b"</ListMultipartUploadsResult>")
    assert page.uploads[0].initiated is None
    assert page.next_key_marker is None
    assert page.next_upload_id_marker is None
    assert page.truncated is False


def test_url_encoded_uploads_page_without_a_next_marker() -> None:
    body = (
        b"<ListMultipartUploadsResult><EncodingType>url</EncodingType>"
        b"<Upload><Key>a%2Fb</Key><UploadId>u</UploadId></Upload></ListMultipartUploadsResult>"
    )
    page = xml.parse_list_uploads(body)
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
    parse = xml.parse_list_uploads if root.startswith("ListMultipart") else xml.parse_list_parts
    with pytest.raises(InvalidResponseError, match=f"malformed {what}: "):
        parse(body + f"</{root}>".encode())


# -- other answers --------------------------------------------------------------------------------


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

"""The XML layer's details: which documents take the fast parser, what the refusals say and carry,
defaults of absent elements, url-decoding, bounded caches, and request bodies byte for byte with
non-ASCII text."""

from __future__ import annotations

import pickle
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiominio
from aiominio import errors
from aiominio.core import xml, xmlparse
from aiominio.core.xml import ObjectPage, PartPage, UploadPage
from aiominio.errors import InvalidResponseError, S3Error
from aiominio.models import ObjectInfo, Part, PutResult

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


def test_region_named_in_errors() -> None:
    body = b"<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>"
    exc = xml.parse_error(400, {}, body, bucket="b")
    assert type(exc) is errors.AuthorizationHeaderMalformed and exc.region == "eu-west-1"
    head = xml.parse_error(301, {"x-amz-bucket-region": "ap-south-1"}, b"", bucket="b", head=True)
    assert type(head) is errors.S3Error and head.region == "ap-south-1"
    assert pickle.loads(pickle.dumps(exc)).region == "eu-west-1"


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

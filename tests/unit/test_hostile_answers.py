"""Hostile and malformed answers, parsed with no server: every one is a typed error.

XML in another encoding than UTF-8 must not slip past the DTD gate, an ``<Error>`` behind any
amount of whitespace is still an error, and a malformed value (a date, a number, a flag, a
missing element) is an :class:`~aiominio.InvalidResponseError`, never a bare ``ValueError``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio import errors
from aiominio.core import xml
from aiominio.core.headers import parse_http_date, stat_from_headers
from aiominio.errors import InvalidResponseError

GOOD_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"

ENTITY_DOC = (
    '<!DOCTYPE r [<!ENTITY e "EXPANDED">]>'
    "<ListAllMyBucketsResult><Buckets><Bucket><Name>&e;</Name></Bucket></Buckets>"
    "</ListAllMyBucketsResult>"
)


@pytest.mark.parametrize(
    "body",
    [
        ('<?xml version="1.0" encoding="UTF-16"?>' + ENTITY_DOC).encode("utf-16"),
        ('<?xml version="1.0" encoding="UTF-16"?>' + ENTITY_DOC).encode("utf-16-be"),
        ENTITY_DOC.encode("utf-16-le"),
        ('<?xml version="1.0" encoding="UTF-32"?>' + ENTITY_DOC).encode("utf-32"),
        b"\xef\xbb\xbf" + ENTITY_DOC.encode(),
        b'<?xml version="1.0" encoding="utf-7"?>' + ENTITY_DOC.encode("utf-7"),
        b'<?xml version="1.0" encoding="latin-1"?>' + ENTITY_DOC.encode("latin-1"),
    ],
    ids=["utf16-bom", "utf16-be", "utf16-le-no-bom", "utf32", "utf8-bom", "utf7", "latin1"],
)
def test_entities_in_any_encoding_are_refused(body: bytes) -> None:
    with pytest.raises(errors.InvalidResponseError):
        xml.parse_list_buckets(body)


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0" encoding="UTF-16"?><ListAllMyBucketsResult '
        'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>b</Name>'
        "</Bucket></Buckets></ListAllMyBucketsResult>".encode("utf-16"),
        b"\xef\xbb\xbf<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name></Bucket>"
        b"</Buckets></ListAllMyBucketsResult>",
        b"<?xml version='1.0' encoding='utf-8'?><ListAllMyBucketsResult><Buckets><Bucket>"
        b"<Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>",
    ],
    ids=["utf16", "utf8-bom", "utf8-declared"],
)
def test_harmless_documents_in_other_encodings_still_parse(body: bytes) -> None:
    assert [b.name for b in xml.parse_list_buckets(body)] == ["b"]


ERROR = b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>"


@pytest.mark.parametrize(
    "body",
    [
        b" " * 5000 + ERROR,
        b"\n" * 70_000 + ERROR,
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + b" " * 8192 + ERROR,
        b" " * 8192 + b'<?xml version="1.0" encoding="UTF-8"?>' + ERROR,
        b"\r\n\t " * 2000 + b'<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Code>AccessDenied</Code></Error>",
    ],
    ids=["spaces", "newlines", "after-declaration", "before-declaration", "namespaced"],
)
def test_error_after_whitespace_is_raised(body: bytes) -> None:
    with pytest.raises(errors.AccessDenied):
        xml.raise_if_error_document(body, status=200, bucket="b", key="k")


def test_padded_result_is_not_an_error() -> None:
    ok = b" " * 9000 + b"<CopyObjectResult><ETag>&quot;e&quot;</ETag></CopyObjectResult>"
    xml.raise_if_error_document(ok, status=200, bucket="b", key="k")
    assert xml.parse_copy_result(ok).etag == "e"
    listed = b"<CopyObjectResult><ETag>e</ETag><Note><Error>x</Error></Note></CopyObjectResult>"
    xml.raise_if_error_document(listed, status=200, bucket="b", key="k")


def _listing(contents: str, *, extra: str = "") -> bytes:
    return f"<ListBucketResult>{extra}<Contents>{contents}</Contents></ListBucketResult>".encode()


GOOD_OBJECT = "<Key>k</Key><Size>12</Size><LastModified>2024-01-01T00:00:00Z</LastModified>"
MALFORMED: list[tuple[str, Any, bytes]] = [
    ("size", xml.parse_list_objects, _listing("<Key>k</Key><Size>12abc</Size>")),
    ("negative size", xml.parse_list_objects, _listing("<Key>k</Key><Size>-1</Size>")),
    ("unicode digits", xml.parse_list_objects, _listing("<Key>k</Key><Size>١٢</Size>")),
    ("superscript", xml.parse_list_objects, _listing("<Key>k</Key><Size>²</Size>")),
    (
        "date",
        xml.parse_list_objects,
        _listing("<Key>k</Key><LastModified>yesterday</LastModified>"),
    ),
    ("no key", xml.parse_list_objects, _listing("<Size>1</Size>")),
    (
        "flag",
        xml.parse_list_objects,
        _listing(GOOD_OBJECT, extra="<IsTruncated>maybe</IsTruncated>"),
    ),
    (
        "prefix",
        xml.parse_list_objects,
        b"<ListBucketResult><CommonPrefixes></CommonPrefixes></ListBucketResult>",
    ),
    (
        "bucket date",
        xml.parse_list_buckets,
        b"<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name>"
        b"<CreationDate>2024-13-45T00:00:00Z</CreationDate></Bucket></Buckets>"
        b"</ListAllMyBucketsResult>",
    ),
    (
        "bucket name",
        xml.parse_list_buckets,
        b"<ListAllMyBucketsResult><Buckets><Bucket/></Buckets></ListAllMyBucketsResult>",
    ),
    (
        "upload id",
        xml.parse_list_uploads,
        b"<ListMultipartUploadsResult><Upload><Key>k</Key></Upload></ListMultipartUploadsResult>",
    ),
    (
        "upload date",
        xml.parse_list_uploads,
        b"<ListMultipartUploadsResult><Upload><Key>k</Key><UploadId>u</UploadId>"
        b"<Initiated>0</Initiated></Upload></ListMultipartUploadsResult>",
    ),
    (
        "uploads flag",
        xml.parse_list_uploads,
        b"<ListMultipartUploadsResult><IsTruncated>1</IsTruncated></ListMultipartUploadsResult>",
    ),
    (
        "part number",
        xml.parse_list_parts,
        b"<ListPartsResult><Part><PartNumber>one</PartNumber><ETag>e</ETag></Part>"
        b"</ListPartsResult>",
    ),
    (
        "no part number",
        xml.parse_list_parts,
        b"<ListPartsResult><Part><ETag>e</ETag></Part></ListPartsResult>",
    ),
    (
        "part etag",
        xml.parse_list_parts,
        b"<ListPartsResult><Part><PartNumber>1</PartNumber></Part></ListPartsResult>",
    ),
    (
        "part size",
        xml.parse_list_parts,
        b"<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>5MB</Size>"
        b"</Part></ListPartsResult>",
    ),
    (
        "part marker",
        xml.parse_list_parts,
        b"<ListPartsResult><IsTruncated>true</IsTruncated>"
        b"<NextPartNumberMarker>next</NextPartNumberMarker></ListPartsResult>",
    ),
    (
        "copy date",
        xml.parse_copy_result,
        b"<CopyObjectResult><ETag>e</ETag><LastModified>now</LastModified></CopyObjectResult>",
    ),
]


@pytest.mark.parametrize(
    ("parser", "body"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_values_are_invalid_responses(parser: Any, body: bytes) -> None:
    with pytest.raises(errors.InvalidResponseError) as info:
        parser(body)
    assert not isinstance(info.value, ValueError)


GOOD_HEADERS = {"content-length": "3", "etag": '"e"', "last-modified": GOOD_DATE}


@pytest.mark.parametrize(
    "bad",
    [
        {"last-modified": "not a date"},
        {"last-modified": "Wed, 32 Oct 2015 07:28:00 GMT"},
        {"content-length": "3x"},
        {"content-range": "bytes 0-2/12abc"},
        {"content-range": "bytes 0-2/-5"},
    ],
)
def test_malformed_headers_are_invalid_responses(bad: dict[str, str]) -> None:
    with pytest.raises(errors.InvalidResponseError):
        stat_from_headers({**GOOD_HEADERS, **bad})


def test_well_formed_headers_still_parse() -> None:
    assert stat_from_headers(GOOD_HEADERS).size == 3
    assert stat_from_headers({**GOOD_HEADERS, "content-range": "bytes 0-2/*"}).size == 3
    assert stat_from_headers({}).size == 0


def _objects_page(cursor: str, *, keys: tuple[str, ...] = ("a",)) -> xml.ObjectPage:
    entries = "".join(f"<Contents><Key>{k}</Key></Contents>" for k in keys)
    return xml.parse_list_objects(
        f"<ListBucketResult><IsTruncated>true</IsTruncated>{cursor}{entries}"
        "</ListBucketResult>".encode()
    )


def test_object_pages_must_advance() -> None:
    v2 = _objects_page("<NextContinuationToken>t1</NextContinuationToken>")
    assert v2.cursor_after(None, v2=True) == "t1"
    with pytest.raises(errors.InvalidResponseError, match="does not advance"):
        v2.cursor_after("t1", v2=True)
    with pytest.raises(errors.InvalidResponseError, match="does not advance"):
        _objects_page("").cursor_after(None, v2=True)  # truncated without a token
    v1 = _objects_page("<NextMarker>m</NextMarker>")
    assert v1.cursor_after(None, v2=False) == "m"
    with pytest.raises(errors.InvalidResponseError):
        v1.cursor_after("m", v2=False)
    no_marker = _objects_page("", keys=("a", "b"))
    assert no_marker.cursor_after("a", v2=False) == "b"  # the last key
    with pytest.raises(errors.InvalidResponseError):
        no_marker.cursor_after("b", v2=False)
    with pytest.raises(errors.InvalidResponseError):
        _objects_page("", keys=()).cursor_after(None, v2=False)
    done = xml.parse_list_objects(
        b"<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"
    )
    assert done.cursor_after("t1", v2=True) is None


def test_upload_and_part_pages_must_advance() -> None:
    uploads = xml.UploadPage([], [], True, "k", "u")
    assert uploads.cursor_after(None) == ("k", "u")
    assert uploads.cursor_after(("j", "u")) == ("k", "u")
    with pytest.raises(errors.InvalidResponseError, match="does not advance"):
        uploads.cursor_after(("k", "u"))
    with pytest.raises(errors.InvalidResponseError):
        xml.UploadPage([], [], True, None, None).cursor_after(("k", "u"))
    assert xml.UploadPage([], [], False, None, None).cursor_after(("k", "u")) is None
    parts = xml.PartPage([], True, 5)
    assert parts.cursor_after(None) == parts.cursor_after(4) == 5
    for sent in (5, 6):
        with pytest.raises(errors.InvalidResponseError, match="does not advance"):
            parts.cursor_after(sent)
    with pytest.raises(errors.InvalidResponseError):
        xml.PartPage([], True, None).cursor_after(None)
    assert xml.PartPage([], False, None).cursor_after(3) is None


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31)))
def test_http_dates_read_fast_as_email_utils_reads_them(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=timezone.utc)
    text = format_datetime(moment, usegmt=True)
    assert parse_http_date(text) == moment == parsedate_to_datetime(text)


@pytest.mark.parametrize(
    "text", ["Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 25:28:00 GMT", "Wed, ٢١ Oct 2015"]
)
def test_impossible_http_dates_are_typed(text: str) -> None:
    with pytest.raises(InvalidResponseError, match="malformed date"):
        parse_http_date(text)

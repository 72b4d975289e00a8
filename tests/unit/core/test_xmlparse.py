"""Reading S3's XML safely (:mod:`aiominio.core.xmlparse`): which documents take the fast
parser, what the refusals say and carry, flags and dates (with the bounded cache of parsed
dates), and the ``<Error>`` document: the typed exception it becomes, the ids it carries, an
answer with no body read from its status, and an error inside a 200."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

import aiominio
from aiominio import errors
from aiominio.core import xmlparse
from aiominio.errors import InvalidResponseError, S3Error

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
    assert xmlparse.parse(body).text == "café"


# -- refusals: what they say and carry ----------------------------------------------------------


def test_unsafe_xml_is_refused_naming_the_reason_with_the_body() -> None:
    body = b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(InvalidResponseError, match=r"refused unsafe XML .*\((DTD|Entities)") as ei:
        xmlparse.parse(body, status=200)
    assert ei.value.body == body
    assert ei.value.status == 200


def test_invalid_xml_is_refused_with_the_body_and_status() -> None:
    with pytest.raises(InvalidResponseError, match=r"^the server's answer is not valid XML") as ei:
        xmlparse.parse(b"<a><b></a>", status=502)
    assert ei.value.body == b"<a><b></a>"
    assert ei.value.status == 502


def test_error_document_check_keeps_the_status_of_a_broken_answer() -> None:
    with pytest.raises(InvalidResponseError) as ei:
        xmlparse.raise_if_error_document(b"<Error><Code>x</Error>", status=200, bucket="b", key="k")
    assert ei.value.status == 200


def test_flag_refusal_quotes_at_most_64_characters() -> None:
    with pytest.raises(InvalidResponseError) as ei:
        xmlparse.parse_flag("y" * 100, "IsTruncated")
    assert str(ei.value).endswith(f"malformed IsTruncated: {'y' * 64!r}")


# -- dates ---------------------------------------------------------------------------------------


def test_date_refusal_says_so_and_quotes_at_most_64_characters() -> None:
    with pytest.raises(InvalidResponseError) as ei:
        xmlparse.parse_iso_datetime("x" * 100)
    assert str(ei.value).endswith(f"malformed date: {'x' * 64!r}")


def test_dates_without_a_zone_are_utc_and_offsets_are_kept() -> None:
    naive = xmlparse.parse_iso_datetime("2024-01-02T03:04:05")
    assert naive == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert naive.tzinfo is timezone.utc
    offset = xmlparse.parse_iso_datetime("2024-01-02T03:04:05+02:00")
    assert offset.utcoffset() == timedelta(hours=2)


def test_the_date_cache_is_bounded() -> None:
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    stamps = [(start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(4098)]
    for s in stamps[:4097]:
        xmlparse.parse_iso_datetime(s)
    assert len(xmlparse._DATETIMES) == 4097
    assert xmlparse._DATETIMES[stamps[0]] == start
    xmlparse.parse_iso_datetime(stamps[4097])  # over the bound: start afresh
    assert list(xmlparse._DATETIMES) == [stamps[4097]]
    assert xmlparse.parse_iso_datetime(stamps[4097]) == start + timedelta(seconds=4097)


# -- the <Error> document: typed exceptions, their ids, errors inside a 200 --------------------


HEADERS = {"x-amz-request-id": "REQ", "x-amz-id-2": "HOST", "x-amz-bucket-region": "eu-west-1"}


@pytest.mark.parametrize("body", [b"", b"  \r\n "])
def test_an_empty_body_on_a_get_is_read_from_the_status(body: bytes) -> None:
    err = xmlparse.parse_error(404, HEADERS, body, bucket="b", key="k")
    assert isinstance(err, aiominio.NoSuchKey)
    assert (err.code, err.status, err.request_id, err.host_id, err.region) == (
        "NoSuchKey",
        404,
        "REQ",
        "HOST",
        "eu-west-1",
    )
    assert (err.bucket, err.key, err.message) == ("b", "k", "")
    no_key = xmlparse.parse_error(404, {}, body, bucket="b")
    assert isinstance(no_key, S3Error) and no_key.code == "NoSuchBucket"
    assert (no_key.request_id, no_key.host_id, no_key.region) == (None, None, None)
    assert xmlparse.parse_error(403, {}, body).code == "AccessDenied"  # type: ignore[attr-defined]
    assert xmlparse.parse_error(418, {}, body).code == "HTTP418"  # type: ignore[attr-defined]


def test_a_head_answer_ignores_any_body() -> None:
    body = b"<Error><Code>Other</Code></Error>"
    err = xmlparse.parse_error(412, HEADERS, body, key="k", head=True)
    assert isinstance(err, S3Error) and err.code == "PreconditionFailed" and err.status == 412
    assert err.host_id == "HOST"


def test_the_body_ids_win_over_the_headers_and_fill_in() -> None:
    body = (
        b"<Error><Code>SlowDown</Code><Message>Reduce your rate</Message>"
        b"<RequestId>BODYREQ</RequestId><HostId>BODYHOST</HostId>"
        b"<Resource>/b/k</Resource><BucketName>bb</BucketName><Key>kk</Key>"
        b"<Region>us-west-2</Region></Error>"
    )
    err = xmlparse.parse_error(503, HEADERS, body, bucket="b", key="k")
    assert isinstance(err, S3Error) and err.code == "SlowDown"
    assert (err.message, err.request_id, err.host_id, err.resource) == (
        "Reduce your rate",
        "BODYREQ",
        "BODYHOST",
        "/b/k",
    )
    assert (err.bucket, err.key, err.region, err.status) == ("bb", "kk", "us-west-2", 503)
    bare = xmlparse.parse_error(500, HEADERS, b"<Error/>", bucket="b", key="k")
    assert isinstance(bare, S3Error)
    assert (bare.code, bare.request_id, bare.host_id, bare.resource) == (
        "HTTP500",
        "REQ",
        "HOST",
        None,
    )
    assert (bare.bucket, bare.key, bare.region) == ("b", "k", "eu-west-1")


def test_a_body_that_is_not_an_s3_error() -> None:
    html = xmlparse.parse_error(502, {}, b"<html><body>Bad gateway</body></html")
    assert isinstance(html, InvalidResponseError) and html.status == 502
    assert str(html).startswith("HTTP 502 with a body that is not S3 XML: ")
    other = xmlparse.parse_error(400, {}, b"<Other/>")
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
        xmlparse.raise_if_error_document(body, status=200, bucket="b", key="k")
    assert info.value.code == "InternalError" and info.value.status == 500
    assert (info.value.bucket, info.value.key) == ("b", "k")
    with pytest.raises(S3Error) as other:
        xmlparse.raise_if_error_document(body, status=201, bucket=None, key=None)
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
    xmlparse.raise_if_error_document(body, status=200, bucket="b", key="k")


ERROR_BODY = b"""<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
<Key>a/b.txt</Key><BucketName>bkt</BucketName><Resource>/bkt/a/b.txt</Resource>
<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id-1</HostId></Error>"""


def test_error_document_becomes_typed_exception() -> None:
    exc = xmlparse.parse_error(404, {}, ERROR_BODY, bucket="bkt", key="a/b.txt")
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
    exc = xmlparse.parse_error(400, {"x-amz-request-id": "rid"}, body)
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
    exc = xmlparse.parse_error(
        status, {"x-amz-request-id": "r1"}, b"", bucket="b", key=key, head=True
    )
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
    exc = xmlparse.parse_error(502, {}, body)
    assert type(exc) is errors.InvalidResponseError
    assert exc.status == 502


def test_parse_refuses_entities() -> None:
    with pytest.raises(errors.InvalidResponseError, match="unsafe"):
        xmlparse.parse(b'<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>')


def test_region_named_in_errors() -> None:
    body = b"<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>"
    exc = xmlparse.parse_error(400, {}, body, bucket="b")
    assert type(exc) is errors.AuthorizationHeaderMalformed and exc.region == "eu-west-1"
    head = xmlparse.parse_error(
        301, {"x-amz-bucket-region": "ap-south-1"}, b"", bucket="b", head=True
    )
    assert type(head) is errors.S3Error and head.region == "ap-south-1"
    assert pickle.loads(pickle.dumps(exc)).region == "eu-west-1"

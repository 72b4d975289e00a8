"""The low-level multipart methods of the client (:mod:`aiominio.methods.multipart`) through a
mock transport: the request each sends, the answer each reads, and the arguments each refuses
before sending anything."""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport
from tests.unit.mock_client import answer, error, mock_client

INITIATED = (
    b"<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key>"
    b"<UploadId>up-1</UploadId></InitiateMultipartUploadResult>"
)
COMPLETED = (
    b"<CompleteMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key>"
    b"<ETag>&quot;0123456789abcdef0123456789abcdef-3&quot;</ETag></CompleteMultipartUploadResult>"
)
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


async def test_initiate_starts_an_upload_without_a_checksum_algorithm() -> None:
    client, transport = mock_client(answer(INITIATED))
    async with client:
        upload_id = await client.initiate_new_multipart_upload(
            "bkt",
            "k",
            content_type="video/mp4",
            metadata={"owner": "me"},
            tags={"a": "1"},
            cache_control="no-cache",
            sse=aiominio.SseS3(),
        )
    assert upload_id == "up-1"
    (request,) = transport.requests
    assert (request.method, request.path, request.query) == ("POST", "/bkt/k", {"uploads": ""})
    assert request.header("content-type") == "video/mp4"
    assert request.header("x-amz-meta-owner") == "me"
    assert request.header("x-amz-tagging") == "a=1"
    assert request.header("cache-control") == "no-cache"
    assert request.header("x-amz-server-side-encryption") == "AES256"
    # Parts from a browser carry no checksum: the upload must not ask for one.
    assert request.header("x-amz-checksum-algorithm") is None
    assert request.header("x-amz-checksum-type") is None


async def test_upload_part_sends_content_md5_unless_given_the_uploads_checksum() -> None:
    crc = crc32_b64(b"part three")
    digest = hashlib.md5(b"part three").digest()
    client, transport = mock_client(answer(ETag=f'"{digest.hex()}"'))
    async with client:
        plain = await client.upload_part("bkt", "k", "up-1", 3, b"part three")
        checked = await client.upload_part("bkt", "k", "up-1", 3, b"part three", checksum="CRC32")
    first, second = transport.requests
    assert (first.method, first.path) == ("PUT", "/bkt/k")
    assert first.query == {"partNumber": "3", "uploadId": "up-1"}
    assert first.body == b"part three"
    # An upload created without an algorithm takes no checksum header on its parts (AWS S3
    # refuses one): Content-MD5 checks the body instead.
    assert first.header("content-md5") == base64.b64encode(digest).decode()
    assert first.header("x-amz-checksum-crc32") is None
    assert plain == aiominio.Part(3, digest.hex(), 10)
    assert second.header("x-amz-checksum-crc32") == crc
    assert checked == aiominio.Part(3, digest.hex(), 10, checksum_crc32=crc)


async def test_initiate_with_a_checksum_asks_for_its_algorithm_and_no_type() -> None:
    client, transport = mock_client(answer(INITIATED))
    async with client:
        await client.initiate_new_multipart_upload("bkt", "k", checksum="sha256")
    (request,) = transport.requests
    assert request.header("x-amz-checksum-algorithm") == "SHA256"
    assert request.header("x-amz-checksum-type") is None


async def test_a_completion_of_parts_with_checksums_names_them() -> None:
    client, transport = mock_client(answer(COMPLETED))
    parts = [
        aiominio.Part(2, "c2", 3, checksum_sha256="Ag=="),
        aiominio.Part(1, "c1", 5 << 20, checksum_sha256="AQ=="),
    ]
    async with client:
        await client.complete_multipart_upload("bkt", "k", "up-1", parts)
    body = transport.requests[0].body.decode()
    assert re.findall(r"<ChecksumSHA256>([^<]*)</ChecksumSHA256>", body) == ["AQ==", "Ag=="]


@pytest.mark.parametrize(
    "data", [bytearray(b"mutable body"), memoryview(b"xxmutable bodyxx")[2:-2]]
)
async def test_upload_part_takes_bytearray_and_memoryview(data: bytearray | memoryview) -> None:
    client, transport = mock_client(answer(ETag='"e"'))
    async with client:
        part = await client.upload_part("bkt", "k", "up-1", 1, data)
    assert transport.requests[0].body == b"mutable body"
    assert part.size == len(b"mutable body")


async def test_upload_part_with_md5_integrity_sends_content_md5() -> None:
    digest = hashlib.md5(b"body").digest()
    transport = MockTransport(answer(ETag=f'"{digest.hex()}"'))
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region="us-east-1",
        transport=transport,
        integrity="md5",
    )
    async with client:
        part = await client.upload_part("bkt", "k", "up-1", 1, b"body")
    (request,) = transport.requests
    assert request.header("content-md5") == base64.b64encode(digest).decode()
    assert request.header("x-amz-checksum-crc32") is None
    assert (part.etag, part.checksum_crc32) == (digest.hex(), None)


async def test_upload_part_with_an_answer_that_contradicts_the_crc32_fails() -> None:
    client, _ = mock_client(answer(ETag='"e"', **{"x-amz-checksum-crc32": "AAAAAA=="}))
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="part 1 of bkt/k: server CRC32"):
            await client.upload_part("bkt", "k", "up-1", 1, b"body", checksum="CRC32")


async def test_upload_part_without_an_etag_in_the_answer_fails() -> None:
    client, _ = mock_client(answer())
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="no ETag"):
            await client.upload_part("bkt", "k", "up-1", 1, b"body")


async def test_complete_sends_the_parts_sorted_without_checksums() -> None:
    client, transport = mock_client(answer(COMPLETED))
    parts = [
        (3, '"c3"'),  # as a browser reads the ETag header: quoted
        aiominio.Part(1, "c1", 5 << 20, checksum_crc32="AAAAAA=="),
        (2, "c2"),
    ]
    async with client:
        result = await client.complete_multipart_upload("bkt", "k", "up-1", parts)
    assert result == aiominio.PutResult("0123456789abcdef0123456789abcdef-3")
    (request,) = transport.requests
    assert (request.method, request.path, request.query) == ("POST", "/bkt/k", {"uploadId": "up-1"})
    sent = re.findall(r"<PartNumber>(\d+)</PartNumber><ETag>([^<]*)</ETag>", request.body.decode())
    assert sent == [("1", '"c1"'), ("2", '"c2"'), ("3", '"c3"')]
    body = request.body.decode()
    assert "Checksum" not in body  # the upload was created without a checksum algorithm
    assert request.header("x-amz-checksum-crc32") is None


async def test_complete_sends_a_write_condition() -> None:
    client, transport = mock_client(answer(COMPLETED))
    async with client:
        await client.complete_multipart_upload("bkt", "k", "up-1", [(1, "e")], if_none_match="*")
    assert transport.requests[0].header("if-none-match") == "*"


@pytest.mark.parametrize(
    ("code", "raised"),
    [
        ("InvalidPart", aiominio.InvalidPart),
        ("InvalidPartOrder", aiominio.InvalidPartOrder),
        ("EntityTooSmall", aiominio.EntityTooSmall),
        ("NoSuchUpload", aiominio.NoSuchUpload),
    ],
)
async def test_a_refused_completion_raises_its_typed_error(
    code: str, raised: type[aiominio.S3Error]
) -> None:
    client, _ = mock_client(lambda request: error(400, code))
    async with client:
        with pytest.raises(raised) as info:
            await client.complete_multipart_upload("bkt", "k", "up-1", [(1, "e")])
    assert info.value.code == code


async def test_an_error_document_in_a_200_completion_is_raised() -> None:
    body = b"<Error><Code>InvalidPart</Code><Message>gone</Message></Error>"
    client, _ = mock_client(answer(body))
    async with client:
        with pytest.raises(aiominio.InvalidPart):
            await client.complete_multipart_upload("bkt", "k", "up-1", [(1, "e")])


async def test_abort_deletes_the_upload_and_an_upload_gone_is_no_error() -> None:
    client, transport = mock_client(answer(status=204))
    async with client:
        await client.abort_multipart_upload("bkt", "k", "up-1")
    (request,) = transport.requests
    assert (request.method, request.path, request.query) == (
        "DELETE",
        "/bkt/k",
        {"uploadId": "up-1"},
    )
    client, _ = mock_client(lambda request: error(404, "NoSuchUpload"))
    async with client:
        await client.abort_multipart_upload("bkt", "k", "up-1")


def parts_page(numbers: range, *, truncated: bool, marker: int | None) -> bytes:
    parts = "".join(
        f"<Part><PartNumber>{n}</PartNumber><LastModified>2026-01-02T03:04:05.000Z</LastModified>"
        f"<ETag>&quot;e{n}&quot;</ETag><Size>{n * 100}</Size></Part>"
        for n in numbers
    )
    next_marker = f"<NextPartNumberMarker>{marker}</NextPartNumberMarker>" if marker else ""
    return (
        f"<ListPartsResult><Bucket>bkt</Bucket><Key>k</Key><UploadId>up-1</UploadId>"
        f"<IsTruncated>{str(truncated).lower()}</IsTruncated>{next_marker}{parts}"
        "</ListPartsResult>"
    ).encode()


async def test_list_parts_pages_with_part_number_markers() -> None:
    pages = {
        None: parts_page(range(1, 3), truncated=True, marker=2),
        "2": parts_page(range(3, 4), truncated=False, marker=None),
    }

    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(200, {}, pages[request.query.get("part-number-marker")])

    client, transport = mock_client(handler)
    async with client:
        parts = [p async for p in client.list_parts("bkt", "k", "up-1", page_size=2)]
    assert [(p.part_number, p.etag, p.size) for p in parts] == [
        (1, "e1", 100),
        (2, "e2", 200),
        (3, "e3", 300),
    ]
    assert parts[0].last_modified == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert [r.query for r in transport.requests] == [
        {"max-parts": "2", "uploadId": "up-1"},
        {"max-parts": "2", "uploadId": "up-1", "part-number-marker": "2"},
    ]
    assert {(r.method, r.path) for r in transport.requests} == {("GET", "/bkt/k")}


async def test_list_parts_is_lazy() -> None:
    client, transport = mock_client(answer(parts_page(range(1, 2), truncated=False, marker=None)))
    async with client:
        parts = client.list_parts("bkt", "k", "up-1")
        assert transport.requests == []
        assert [p.part_number async for p in parts] == [1]
    assert transport.requests[0].query["max-parts"] == "1000"


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (parts_page(range(1, 4), truncated=False, marker=None), "3 entries when at most 2"),
        (parts_page(range(1, 3), truncated=True, marker=None), "does not advance"),
    ],
)
async def test_a_parts_page_out_of_bounds_is_refused(body: bytes, match: str) -> None:
    client, _ = mock_client(answer(body))
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match=match):
            _ = [p async for p in client.list_parts("bkt", "k", "up-1", page_size=2)]


async def test_a_parts_page_that_goes_back_is_refused() -> None:
    def handler(request: MockRequest) -> MockResponse:
        marker = request.query.get("part-number-marker")
        return MockResponse(
            200, {}, parts_page(range(1, 3), truncated=True, marker=2 if marker is None else 1)
        )

    client, transport = mock_client(handler)
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="does not advance"):
            _ = [p async for p in client.list_parts("bkt", "k", "up-1", page_size=2)]
    assert len(transport.requests) == 2


async def test_presigned_upload_part_url_signs_the_part_query() -> None:
    client, transport = mock_client(answer(), region="eu-west-1")
    async with client:
        url = await client.presigned_upload_part_url(
            "bkt", "a b", "up/1+2", 7, 600, request_date=WHEN
        )
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert (parts.netloc, parts.path) == ("s3.test", "/bkt/a%20b")
    assert query["partNumber"] == ["7"]
    assert query["uploadId"] == ["up/1+2"]
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-SignedHeaders"] == ["host"]
    assert query["X-Amz-Credential"] == ["AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request"]
    assert transport.requests == []  # presigning is local


async def test_each_part_has_a_url_of_its_own() -> None:
    client, _ = mock_client(answer())
    async with client:
        first = await client.presigned_upload_part_url("bkt", "k", "u", 1, request_date=WHEN)
        again = await client.presigned_upload_part_url("bkt", "k", "u", 1, request_date=WHEN)
        other = await client.presigned_upload_part_url("bkt", "k", "u", 2, request_date=WHEN)
    assert first == again != other


Call = Callable[[aiominio.Client, Any], Awaitable[Any] | Any]


BAD = aiominio.InvalidArgument
UP = ("bkt", "k", "u")


@pytest.mark.parametrize(
    ("call", "value", "raised", "match"),
    [
        (lambda c, v: c.upload_part(*UP, v, b"x"), 0, BAD, "part_number"),
        (lambda c, v: c.upload_part(*UP, v, b"x"), 10_001, BAD, "part_number"),
        (lambda c, v: c.upload_part(*UP, v, b"x"), "1", TypeError, "part_number"),
        (lambda c, v: c.upload_part("bkt", "k", v, 1, b"x"), "", BAD, "upload_id"),
        (lambda c, v: c.upload_part("bkt", "k", v, 1, b"x"), None, TypeError, "upload_id"),
        (lambda c, v: c.upload_part(*UP, 1, v), "text", TypeError, "encode it first"),
        (lambda c, v: c.upload_part(*UP, 1, v), None, TypeError, "data must be"),
        (lambda c, v: c.upload_part(*UP, 1, b"x", sse=v), aiominio.SseS3(), BAD, "SseCustomer"),
        (lambda c, v: c.upload_part(v, "k", "u", 1, b"x"), "Bad_Bucket", BAD, "bucket name"),
        (lambda c, v: c.upload_part("bkt", v, "u", 1, b"x"), "", BAD, "key"),
        (lambda c, v: c.complete_multipart_upload(*UP, v), [], BAD, "at least one part"),
        (lambda c, v: c.complete_multipart_upload(*UP, v), [(2, "a"), (2, "b")], BAD, "twice"),
        (lambda c, v: c.complete_multipart_upload(*UP, v), [(0, "a")], BAD, "part_number"),
        (lambda c, v: c.complete_multipart_upload("bkt", "k", v, [(1, "a")]), "", BAD, "upload"),
        (
            lambda c, v: c.complete_multipart_upload(*UP, [(1, "a")], if_none_match=v),
            "etag",
            BAD,
            "if_none_match",
        ),
        (lambda c, v: c.abort_multipart_upload("bkt", "k", v), "", BAD, "upload_id"),
        (lambda c, v: c.abort_multipart_upload("bkt", v, "u"), None, TypeError, "key"),
        (lambda c, v: c.list_parts("bkt", "k", v), "", BAD, "upload_id"),
        (lambda c, v: c.list_parts(*UP, page_size=v), 1001, BAD, "page_size"),
        (lambda c, v: c.list_parts(v, "k", "u"), "ab", BAD, "bucket name"),
        (lambda c, v: c.presigned_upload_part_url(*UP, v), 10_001, BAD, "part_number"),
        (lambda c, v: c.presigned_upload_part_url("bkt", "k", v, 1), "a\nb", BAD, "upload_id"),
        (lambda c, v: c.presigned_upload_part_url(*UP, 1, v), 0, BAD, "expiry"),
        (
            lambda c, v: c.initiate_new_multipart_upload("bkt", "k", metadata=v),
            {"a\nb": "1"},
            BAD,
            "metadata",
        ),
        (lambda c, v: c.initiate_new_multipart_upload("bkt", "k", sse=v), "x", TypeError, "sse"),
        (lambda c, v: c.initiate_new_multipart_upload("bkt", v), "k" * 1025, BAD, "key"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    call: Call, value: object, raised: type[Exception], match: str
) -> None:
    client, transport = mock_client(answer())
    async with client:
        with pytest.raises(raised, match=match) as info:
            result = call(client, value)
            await result  # list_parts refuses when called, before this
    assert type(info.value) is raised
    assert transport.requests == []

"""The object methods of the client through a mock transport: the request each sends and the
answer each reads."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client

ETAG = '"0123456789abcdef0123456789abcdef"'


async def test_stat_object_reads_the_headers_of_a_head() -> None:
    headers = {
        "ETag": ETAG,
        "Content-Length": "5",
        "Content-Type": "text/plain",
        "Last-Modified": "Mon, 07 Dec 2026 10:00:00 GMT",
        "x-amz-meta-colour": "blue",
    }
    client, transport = mock_client(lambda request: MockResponse(200, headers))
    async with client:
        stat = await client.stat_object("bkt", "dir/k")
    assert (stat.size, stat.etag, stat.content_type) == (5, ETAG.strip('"'), "text/plain")
    assert stat.metadata == {"colour": "blue"}
    assert [(r.method, r.path) for r in transport.requests] == [("HEAD", "/bkt/dir/k")]


@pytest.mark.parametrize(
    ("bucket_status", "expected"), [(200, aiominio.NoSuchKey), (404, aiominio.NoSuchBucket)]
)
async def test_a_bodiless_404_of_a_stat_asks_whether_the_bucket_exists(
    bucket_status: int, expected: type[Exception]
) -> None:
    # A HEAD answer has no body to say which is missing: the key or its bucket.
    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(bucket_status if request.path == "/bkt" else 404)

    client, transport = mock_client(handler)
    async with client:
        with pytest.raises(expected):
            await client.stat_object("bkt", "k")
    assert [(r.method, r.path) for r in transport.requests] == [
        ("HEAD", "/bkt/k"),
        ("HEAD", "/bkt"),
    ]


async def test_put_object_sends_the_body_and_returns_the_etag() -> None:
    client, transport = mock_client(answer(ETag=ETAG))
    async with client:
        result = await client.put_object("bkt", "k", b"hello", content_type="text/plain")
    (request,) = transport.requests
    assert (request.method, request.path, request.body) == ("PUT", "/bkt/k", b"hello")
    assert request.header("content-type") == "text/plain"
    assert result.etag == ETAG.strip('"')


async def test_get_object_reads_the_body() -> None:
    md5 = '"5d41402abc4b2a76b9719d911017c592"'  # of b"hello": the reader checks it
    client, transport = mock_client(answer(b"hello", ETag=md5, **{"Content-Length": "5"}))
    async with client, client.get_object("bkt", "k") as reader:
        assert await reader.read() == b"hello"
    assert [(r.method, r.path) for r in transport.requests] == [("GET", "/bkt/k")]


async def test_remove_object_is_a_delete_of_the_key() -> None:
    client, transport = mock_client(answer(status=204))
    async with client:
        await client.remove_object("bkt", "k")
    assert [(r.method, r.path) for r in transport.requests] == [("DELETE", "/bkt/k")]


async def test_remove_objects_reports_the_keys_not_deleted() -> None:
    body = (
        b"<DeleteResult><Deleted><Key>a</Key></Deleted>"
        b"<Error><Key>b</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
        b"</DeleteResult>"
    )
    client, transport = mock_client(answer(body))
    async with client:
        errors = await client.remove_objects("bkt", ["a", "b"])
    assert [(e.key, e.code) for e in errors] == [("b", "AccessDenied")]
    (request,) = transport.requests
    assert (request.method, request.query) == ("POST", {"delete": ""})


async def test_copy_object_names_its_source() -> None:
    body = b"<CopyObjectResult><ETag>&quot;e&quot;</ETag></CopyObjectResult>"

    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(200, {"Content-Length": "3", "ETag": '"e"'})
        return MockResponse(200, {}, body)

    client, transport = mock_client(handler)
    async with client:
        await client.copy_object("bkt", "copy", source_bucket="src-bkt", source_key="orig")
    (put,) = [r for r in transport.requests if r.method == "PUT"]
    assert (put.method, put.path) == ("PUT", "/bkt/copy")
    assert put.header("x-amz-copy-source") == "/src-bkt/orig"


async def test_an_error_answer_is_raised_typed() -> None:
    client, _ = mock_client(lambda request: error(403, "AccessDenied"))
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.remove_object("bkt", "k")

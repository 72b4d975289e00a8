"""The object write methods of the client (:mod:`aiominio.methods.writes`) through a mock
transport: the request each sends and the answer each reads."""

from __future__ import annotations

from aiominio.testing import MockRequest, MockResponse
from tests.unit.methods.test_reads import ETAG
from tests.unit.mock_client import answer, mock_client


async def test_put_object_sends_the_body_and_returns_the_etag() -> None:
    client, transport = mock_client(answer(ETag=ETAG))
    async with client:
        result = await client.put_object("bkt", "k", b"hello", content_type="text/plain")
    (request,) = transport.requests
    assert (request.method, request.path, request.body) == ("PUT", "/bkt/k", b"hello")
    assert request.header("content-type") == "text/plain"
    assert result.etag == ETAG.strip('"')


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


async def test_a_copy_given_only_a_storage_class_keeps_the_source_metadata() -> None:
    body = b"<CopyObjectResult><ETag>&quot;e&quot;</ETag></CopyObjectResult>"

    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(200, {"Content-Length": "3", "ETag": '"e"'})
        return MockResponse(200, {}, body)

    client, transport = mock_client(handler)
    async with client:
        await client.copy_object("bkt", "a", "src", "k", storage_class="STANDARD_IA")
        await client.copy_object("bkt", "b", "src", "k", cache_control="no-cache")
    first, second = [r for r in transport.requests if r.method == "PUT"]
    assert first.header("x-amz-storage-class") == "STANDARD_IA"
    assert first.header("x-amz-metadata-directive") is None  # COPY: the rest is kept
    assert first.header("content-type") is None
    assert second.header("x-amz-metadata-directive") == "REPLACE"
    assert second.header("cache-control") == "no-cache"

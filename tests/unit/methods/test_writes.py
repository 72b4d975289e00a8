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

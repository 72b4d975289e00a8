"""The object read methods of the client (:mod:`aiominio.methods.reads`) through a mock
transport: the request each sends and the answer each reads."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, mock_client

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


async def test_get_object_reads_the_body() -> None:
    md5 = '"5d41402abc4b2a76b9719d911017c592"'  # of b"hello": the reader checks it
    client, transport = mock_client(answer(b"hello", ETag=md5, **{"Content-Length": "5"}))
    async with client, client.get_object("bkt", "k") as reader:
        assert await reader.read() == b"hello"
    assert [(r.method, r.path) for r in transport.requests] == [("GET", "/bkt/k")]

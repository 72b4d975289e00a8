"""Answers no real server sends on purpose, from an in-test server: listings that never
advance, an ``<Error>`` behind a long run of whitespace, malformed headers and values. Each is a
typed error after a bounded number of requests, and leaves no connection held."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

import aiominio
from tests.integration.conftest import StartWebServer

HEADERS = {"ETag": '"0123456789abcdef0123456789abcdef"', "Content-Type": "text/plain"}
GOOD_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


def fake_client(url: str, **options: Any) -> aiominio.Client:
    options.setdefault("retry", aiominio.RetryPolicy(max_attempts=2, base_delay=0.01))
    return aiominio.Client(url, access_key="a", secret_key="b", region="us-east-1", **options)


async def test_copy_error_after_long_whitespace_is_the_error(web_server: StartWebServer) -> None:
    """S3 pads a slow CopyObject answer with whitespace; an ``<Error>`` after 4 KiB of it (and
    after the XML declaration) is still that error, not an unexpected document."""

    async def head(request: web.Request) -> web.Response:
        return web.Response(headers={**HEADERS, "Content-Length": "3"})

    async def copy(request: web.Request) -> web.Response:
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + b" " * 6000
            + b"<Error><Code>AccessDenied</Code><Message>denied late</Message></Error>"
        )
        return web.Response(body=body, content_type="application/xml")

    server = await web_server(web.head("/{bucket}/{key}", head), web.put("/{bucket}/{key}", copy))
    async with fake_client(server.url, retry=aiominio.RetryPolicy(max_attempts=1)) as client:
        with pytest.raises(aiominio.AccessDenied, match="denied late"):
            await client.copy_object("dst", "k", "src", "k")
    assert server.paths("PUT") == ["/dst/k"]


@pytest.mark.parametrize(
    "bad",
    [
        {"Last-Modified": "not a date"},
        {"Last-Modified": "Wed, 32 Oct 2015 07:28:00 GMT"},
        {"Content-Range": "bytes 0-2/3x"},
    ],
)
async def test_malformed_headers_are_typed_and_release_the_connection(
    web_server: StartWebServer, bad: dict[str, str]
) -> None:
    """A GET whose headers cannot be read is an InvalidResponseError, and the opened body is
    released: with one connection in the pool, the next calls still get one."""

    async def handler(request: web.Request) -> web.Response:
        broken = request.match_info["key"] == "bad"
        headers = {**HEADERS, "Last-Modified": GOOD_DATE, **(bad if broken else {})}
        # A body large enough to be still unread when the headers are parsed.
        return web.Response(body=b"x" * 4 * 1024 * 1024 if broken else b"abc", headers=headers)

    server = await web_server(web.get("/{bucket}/{key}", handler))
    async with fake_client(server.url, max_connections=1) as client:

        async def bad_then_good() -> bytes:
            for _ in range(3):
                with pytest.raises(aiominio.InvalidResponseError, match="malformed"):
                    async with client.get_object("bkt", "bad"):
                        pass
            async with client.get_object("bkt", "good") as obj:
                return await obj.read()

        # A connection held by a failed call would keep the next one waiting for the pool.
        assert await asyncio.wait_for(bad_then_good(), 10) == b"abc"
    assert server.paths("GET") == ["/bkt/bad"] * 3 + ["/bkt/good"]


async def test_malformed_listing_value_is_typed(web_server: StartWebServer) -> None:
    async def listing(request: web.Request) -> web.Response:
        body = (
            b"<ListBucketResult><IsTruncated>false</IsTruncated>"
            b"<Contents><Key>k</Key><Size>12abc</Size></Contents></ListBucketResult>"
        )
        return web.Response(body=body, content_type="application/xml")

    server = await web_server(web.get("/{bucket}", listing))
    async with fake_client(server.url) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="Size"):
            [o async for o in client.list_objects("bkt")]
    assert len(server.paths("GET")) == 1

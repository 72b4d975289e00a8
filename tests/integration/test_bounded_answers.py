"""What a server decides is bounded: a fake server (no real server here misbehaves this way)
sends bodies far longer than any legitimate answer of their kind, listing pages with more
entries than asked for, bodies that drip a byte at a time. Each ends in a typed error, having
read no more than the cap."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc

import aiohttp
import pytest
from aiohttp import web

import aiominio
from aiominio import transport
from aiominio.core import xml
from tests.integration.conftest import StartWebServer

MiB = 1 << 20
_HEAD = b'<?xml version="1.0"?><ListBucketResult><Name>bkt</Name><IsTruncated>false</IsTruncated>'
_ENTRY = b"<Contents><Key>k%07d</Key><Size>1</Size><ETag>&quot;e&quot;</ETag></Contents>"


class Endless:
    """A chunked body that never ends (or ends after ``total`` bytes), counting what was sent."""

    def __init__(self, piece: bytes, total: int | None = None) -> None:
        self.piece = piece
        self.total = total
        self.sent = 0

    async def handle(self, request: web.Request, status: int = 200) -> web.StreamResponse:
        resp = web.StreamResponse(status=status, headers={"Content-Type": "application/xml"})
        await resp.prepare(request)
        try:
            while self.total is None or self.sent < self.total:
                await resp.write(self.piece)
                self.sent += len(self.piece)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: what this test wants
        return resp


def _client(url: str, attempts: int = 1, **kwargs: object) -> aiominio.Client:
    return aiominio.Client(
        url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0.01),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_listing_is_refused_unread(
    web_server: StartWebServer, announced: bool
) -> None:
    # 160 MiB of one element's text: a single entry, so only the size cap can catch it.
    endless = Endless(b"x" * 65536, total=160 * MiB)

    async def listing(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/xml"})
        if announced:
            resp.content_length = 160 * MiB + len(_HEAD) + 8
        await resp.prepare(request)
        await resp.write(_HEAD + b"<Prefix>")
        try:
            while endless.sent < 160 * MiB:
                await resp.write(endless.piece)
                endless.sent += len(endless.piece)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    server = await web_server(web.get("/{bucket}", listing))
    tracemalloc.start()
    try:
        async with _client(server.url) as client:
            with pytest.raises(aiominio.InvalidResponseError, match="at most 8,388,608 bytes"):
                [o async for o in client.list_objects("bkt")]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Python memory stays near the cap; the announced length is refused before any is read.
    assert peak < 3 * xml.LISTING_PAGE_LIMIT, peak
    assert endless.sent < 64 * MiB


async def test_error_bodies_are_read_only_up_to_their_cap(web_server: StartWebServer) -> None:
    endless = Endless(b"<Error>" + b"x" * 65529)

    async def failing(request: web.Request) -> web.StreamResponse:
        return await endless.handle(request, status=503)

    server = await web_server(web.get("/{bucket}", failing))
    async with _client(server.url, attempts=3) as client:
        with pytest.raises(aiominio.InvalidResponseError) as info:
            await client.get_bucket_policy("bkt")
    assert info.value.status == 503
    assert "at most 65,536 bytes" in str(info.value)
    # Retried (a 503 is transient), each attempt reading no more than the cap: the server
    # never got far past it (socket buffers hold a few MiB at most).
    assert len(server.paths("GET")) == 3
    assert endless.sent < 3 * (xml.ERROR_DOCUMENT_LIMIT + 16 * MiB)


async def test_a_page_with_more_entries_than_asked_for_is_refused(
    web_server: StartWebServer,
) -> None:
    entries = 1001  # within the size cap: only the count gives it away

    async def listing(request: web.Request) -> web.Response:
        body = _HEAD + b"".join(_ENTRY % i for i in range(entries)) + b"</ListBucketResult>"
        return web.Response(body=body, content_type="application/xml")

    server = await web_server(web.get("/{bucket}", listing))
    async with _client(server.url) as client:
        got: list[aiominio.ObjectInfo] = []
        with pytest.raises(aiominio.InvalidResponseError, match="1,001 entries when at most 1,000"):
            async for o in client.list_objects("bkt"):
                got.append(o)
        assert got == []  # nothing of the page was handed out
        # A smaller page size is held to as well.
        with pytest.raises(aiominio.InvalidResponseError, match="at most 10 were asked for"):
            [o async for o in client.list_objects_v2("bkt", page_size=10)]
    assert "max-keys=10" in server.paths("GET")[-1]


async def test_a_page_within_its_size_still_lists(web_server: StartWebServer) -> None:
    async def listing(request: web.Request) -> web.Response:
        body = _HEAD + b"".join(_ENTRY % i for i in range(1000)) + b"</ListBucketResult>"
        return web.Response(body=body, content_type="application/xml")

    server = await web_server(web.get("/{bucket}", listing))
    async with _client(server.url) as client:
        assert len([o async for o in client.list_objects("bkt")]) == 1000


async def test_credentials_answers_are_capped(web_server: StartWebServer) -> None:
    """An endless body from an STS or metadata endpoint ends at the cap, not at the timeout."""
    endless = Endless(b"x" * 65536)
    server = await web_server(web.post("/", endless.handle))
    with pytest.raises(aiominio.InvalidResponseError, match="at most 262,144 bytes"):
        await asyncio.wait_for(transport.fetch("POST", server.url + "/", timeout=30), 20)
    assert endless.sent < 64 * MiB


async def test_a_dripping_body_ends_at_the_deadline(web_server: StartWebServer) -> None:
    """A server that sends a byte every 50 ms never trips the read timeout; the deadline ends
    the request, every retry included, where a per-attempt bound would start over each time."""
    dripped: list[int] = []

    async def drip(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/xml"})
        await resp.prepare(request)
        try:
            for _ in range(10_000):
                await resp.write(b" ")
                dripped.append(1)
                await asyncio.sleep(0.05)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    server = await web_server(web.get("/", drip))
    async with _client(server.url, attempts=10, timeouts=aiominio.Timeouts(read=5)) as client:
        slow = client.with_options(timeouts=aiominio.Timeouts(read=5, deadline=1.0))
        # The outer bound only detects a hang: with attempts of 1 s each, ten would take 10 s+.
        with pytest.raises(aiominio.RequestTimeout, match="deadline of 1 s") as info:
            await asyncio.wait_for(slow.list_buckets(), 8)
    assert isinstance(info.value, TimeoutError)
    assert len(server.paths("GET")) <= 2


async def test_a_dripping_object_body_ends_at_the_deadline(web_server: StartWebServer) -> None:
    """A streamed body keeps its request's deadline through its resumes."""
    size = 100_000

    async def drip(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Length": str(size), "ETag": '"e"', "Last-Modified": _DATE}
        if request.method == "HEAD":
            return web.Response(headers=headers)
        status = 206 if "Range" in request.headers else 200
        if status == 206:
            start = int(request.headers["Range"].split("=")[1].split("-")[0])
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
            headers["Content-Length"] = str(size - start)
        resp = web.StreamResponse(status=status, headers=headers)
        await resp.prepare(request)
        try:
            for _ in range(size):
                await resp.write(b"x")
                await asyncio.sleep(0.05)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    server = await web_server(web.route("*", "/{bucket}/{key}", drip))
    timeouts = aiominio.Timeouts(read=5, attempt=0.5, deadline=1.5)
    async with _client(server.url, attempts=10, timeouts=timeouts) as client:
        with pytest.raises(aiominio.RequestTimeout, match="deadline"):
            async with client.get_object("bkt", "k", verify=False) as obj:
                await asyncio.wait_for(obj.read(), 10)
    # Attempts of 0.5 s within 1.5 s: a few resumes, not ten.
    assert len(server.paths("GET")) <= 4


_DATE = "Mon, 07 Dec 2026 10:00:00 GMT"


async def test_redirects_are_never_followed(web_server: StartWebServer) -> None:
    """A redirect to another host would carry the signed headers (and a body) there."""

    async def ok(request: web.Request) -> web.Response:
        return web.Response()

    elsewhere = await web_server(web.route("*", "/{tail:.*}", ok))

    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=307, headers={"Location": elsewhere.url + request.path_qs})

    server = await web_server(web.route("*", "/{tail:.*}", redirect))
    async with _client(server.url) as client:
        with pytest.raises(aiominio.AiominioError):
            await client.put_object("bkt", "k", b"secret data")
        with pytest.raises(aiominio.AiominioError):
            await client.stat_object("bkt", "k")
    assert server.received and elsewhere.received == []


async def test_bodies_are_never_decompressed(web_server: StartWebServer) -> None:
    """A gzip body is handed over as stored: 64 MiB of zeros stay 64 KiB."""
    bomb = gzip.compress(bytes(64 * MiB))

    async def get(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "ETag": '"e"', "Last-Modified": _DATE}
        return web.Response(body=bomb, headers=headers)

    server = await web_server(web.get("/{bucket}/{key}", get))
    async with _client(server.url) as client, client.get_object("bkt", "k", verify=False) as obj:
        assert await obj.read() == bomb


async def test_a_range_answered_with_more_bytes_is_refused(web_server: StartWebServer) -> None:
    """A chunked 206 (no Content-Length for aiohttp to hold it to) longer than the range asked
    for: the caller never gets a byte past the range."""

    async def get(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Range": "bytes 0-9/100000", "ETag": '"e"', "Last-Modified": _DATE}
        resp = web.StreamResponse(status=206, headers=headers)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        await resp.write(b"x" * 100_000)
        return resp

    server = await web_server(web.get("/{bucket}/{key}", get))
    async with _client(server.url) as client:
        got = bytearray()
        with pytest.raises(aiominio.InvalidResponseError, match="past the 10 bytes"):
            async with client.get_partial_object("bkt", "k", 0, 10) as obj:
                async for chunk in obj:
                    got += chunk
        assert len(got) <= 10


async def test_a_copy_source_beyond_the_largest_object_is_refused(
    web_server: StartWebServer,
) -> None:
    """A source HEAD of 6 TiB: an answer no S3 object can give, refused before anything is
    planned (or a multipart upload created)."""

    async def head(request: web.Request) -> web.Response:
        headers = {"Content-Length": str(6 << 40), "ETag": '"e"', "Last-Modified": _DATE}
        return web.Response(headers=headers)

    server = await web_server(web.head("/{bucket}/{key}", head))
    async with _client(server.url) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="5 TiB"):
            await client.copy_object("dst", "k", "src", "huge")
        with pytest.raises(aiominio.InvalidResponseError, match="5 TiB"):
            await client.compose_object("dst", "k", [aiominio.ComposeSource("src", "huge")])
    assert server.paths("POST") == []


async def test_a_callers_session_gets_the_clients_timeouts(web_server: StartWebServer) -> None:
    """With ``Client(session=...)`` the client's read timeout still catches a stalled server
    (the session's own default is 5 minutes of nothing)."""

    async def stall(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    server = await web_server(web.route("*", "/{tail:.*}", stall))
    async with aiohttp.ClientSession() as session:
        client = _client(server.url, session=session, timeouts=aiominio.Timeouts(read=0.3))
        async with client:
            with pytest.raises(aiominio.RequestTimeout):
                await asyncio.wait_for(client.stat_object("bkt", "k"), 20)

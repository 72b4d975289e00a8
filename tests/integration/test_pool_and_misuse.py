"""The pool's wait is not a connect timeout; misuse gets clear, typed errors.

Served by the in-test web server (a stand-in S3 whose downloads are slow but healthy), since no
real server here can hold a download open on demand.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

import aiominio
from tests.integration.conftest import StartWebServer

BODY = b"x" * 65536


async def slow_download_server(web_server: StartWebServer) -> tuple[str, asyncio.Event, list[str]]:
    """GETs send half their body at once and the rest when ``finish`` is set; HEADs answer."""
    finish = asyncio.Event()
    started: list[str] = []

    async def get(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": str(len(BODY)), "ETag": '"e"'})
        await resp.prepare(request)
        await resp.write(BODY[: len(BODY) // 2])
        started.append(request.path)
        await finish.wait()
        await resp.write(BODY[len(BODY) // 2 :])
        return resp

    async def head(request: web.Request) -> web.Response:
        return web.Response(
            headers={"Content-Length": str(len(BODY)), "ETag": '"e"', "Content-Type": "x/y"}
        )

    server = await web_server(
        web.get("/bkt/{key}", get, allow_head=False), web.head("/bkt/{key}", head)
    )
    return server.url, finish, started


def two_connections(
    url: str, timeouts: aiominio.Timeouts, retry: aiominio.RetryPolicy
) -> aiominio.Client:
    return aiominio.Client(
        url,
        access_key="a" * 8,
        secret_key="s" * 8,
        region="us-east-1",
        max_connections=2,
        timeouts=timeouts,
        retry=retry,
    )


async def hold_two_downloads(
    client: aiominio.Client, started: list[str]
) -> list[asyncio.Task[bytes]]:
    async def download(key: str) -> bytes:
        async with client.get_object("bkt", key) as obj:
            return await obj.read()

    tasks = [asyncio.create_task(download(k)) for k in ("one", "two")]
    while len(started) < 2:  # until both connections of the pool are taken
        failed = [t for t in tasks if t.done()]
        if failed:
            await failed[0]  # raises what went wrong
        await asyncio.sleep(0.01)
    return tasks


async def test_waiting_for_a_busy_pool_is_not_a_connect_timeout(
    web_server: StartWebServer,
) -> None:
    url, finish, started = await slow_download_server(web_server)
    async with two_connections(
        url, aiominio.Timeouts(connect=0.2), aiominio.RetryPolicy(max_attempts=1)
    ) as client:
        downloads = await hold_two_downloads(client, started)
        queued = asyncio.create_task(client.stat_object("bkt", "three"))
        # Five connect timeouts later the queued call is still waiting, not failed...
        done, _ = await asyncio.wait({queued}, timeout=1.0)
        assert not done, f"a call queued behind busy connections failed: {queued.exception()!r}"
        finish.set()
        # ... and it gets its connection once a download is done.
        assert (await queued).size == len(BODY)
        assert await asyncio.gather(*downloads) == [BODY, BODY]


async def test_a_pool_limit_fails_typed_and_is_not_retried(web_server: StartWebServer) -> None:
    url, finish, started = await slow_download_server(web_server)
    async with two_connections(
        url,
        aiominio.Timeouts(connect=5, pool=0.3),
        aiominio.RetryPolicy(max_attempts=3, base_delay=0.01),
    ) as client:
        downloads = await hold_two_downloads(client, started)
        with pytest.raises(TimeoutError) as info:
            await client.stat_object("bkt", "three")
        assert type(info.value) is aiominio.PoolTimeout
        assert "Timeouts.pool" in str(info.value)
        assert client.retries == 0
        finish.set()
        assert await asyncio.gather(*downloads) == [BODY, BODY]


async def test_tls_to_a_plain_http_server_suggests_http(web_server: StartWebServer) -> None:
    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="plain")

    server = await web_server(web.get("/", plain))
    port = server.url.rsplit(":", 1)[1]
    # No scheme: HTTPS by default, and this server speaks plain HTTP.
    async with aiominio.Client(f"127.0.0.1:{port}", access_key="a" * 8, secret_key="s" * 8) as c:
        with pytest.raises(aiominio.TLSError, match=r"plain HTTP: use an http:// endpoint"):
            await c.list_buckets()
        assert c.retries == 0


async def test_a_client_belongs_to_its_first_event_loop(web_server: StartWebServer) -> None:
    async def buckets(request: web.Request) -> web.Response:
        return web.Response(body=b"<ListAllMyBucketsResult/>")

    server = await web_server(web.get("/", buckets))
    async with aiominio.Client(server.url, access_key="a" * 8, secret_key="s" * 8) as c:
        assert await c.list_buckets() == []

        async def from_another_loop() -> None:
            await c.list_buckets()

        with pytest.raises(RuntimeError) as info:
            await asyncio.to_thread(asyncio.run, from_another_loop())
        assert type(info.value) is aiominio.EventLoopError
        assert "event loop it was first used in" in str(info.value)
        # Still fine in its own loop.
        assert await c.list_buckets() == []
    assert server.paths() == ["/", "/"]


async def test_concurrent_first_requests_ask_for_the_region_once(
    web_server: StartWebServer,
) -> None:
    async def location(request: web.Request) -> web.Response:
        assert "location" in request.query
        await asyncio.sleep(0.05)  # the lookup is still in flight while the others arrive
        return web.Response(
            body=b"<LocationConstraint>eu-west-1</LocationConstraint>",
            content_type="application/xml",
        )

    async def head(request: web.Request) -> web.Response:
        assert "/eu-west-1/" in request.headers["Authorization"]  # signed for the region found
        return web.Response(headers={"Content-Length": "3", "ETag": '"e"'})

    server = await web_server(web.get("/bkt", location), web.head("/bkt/{key}", head))
    async with aiominio.Client(server.url, access_key="a" * 8, secret_key="s" * 8) as c:
        stats = await asyncio.gather(*(c.stat_object("bkt", f"k{i}") for i in range(100)))
    assert [s.size for s in stats] == [3] * 100
    assert server.paths("GET") == ["/bkt?location="]
    assert len(server.paths("HEAD")) == 100

"""Streaming into web responses: ``await client.get_object(...)`` and the web recipes.

The awaitable form opens the object (status and headers in, errors raised) and hands the reader
over; its connection is released at the end of the body, on ``close()``, or, with a
ResourceWarning, by the garbage collector. The recipes in ``examples/`` (FastAPI under uvicorn,
aiohttp.web) are served over real HTTP on loopback in front of SeaweedFS.

"No connection in use" is checked the way the storm test does it: every connection of a pool of
``POOL`` is then held at once by fresh downloads, and aiohttp's trace must report no wait for a
free one. Each holds its connection because its body (``BIG``) is far larger than what aiohttp
buffers before the reader reads.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import socket
import sys
import warnings
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import uvicorn
from aiohttp import web

import aiominio
from aiominio import testing
from tests.integration.conftest import StartWebServer

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024
POOL = 3
BIG = bytes(range(256)) * (4 * MiB // 256) + b"tail"  # one PUT: a CRC32 verifies it


@pytest.fixture
def server(seaweedfs_server: testing.LocalServer) -> testing.LocalServer:
    """SeaweedFS only: these tests are about the client and the web servers, not S3 semantics."""
    return seaweedfs_server


@dataclass
class Pool:
    """Clients on one aiohttp session of ``POOL`` connections, and whether any request waited."""

    server: testing.LocalServer
    session: aiohttp.ClientSession
    waited: asyncio.Event = field(default_factory=asyncio.Event)
    made: list[aiominio.Client] = field(default_factory=list)

    def client(self) -> aiominio.Client:
        c = self.server.client(session=self.session, region="us-east-1")
        self.made.append(c)
        return c


@pytest.fixture
async def pool(server: testing.LocalServer) -> AsyncIterator[Pool]:
    waited = asyncio.Event()

    async def queued(*_: Any) -> None:
        waited.set()

    trace = aiohttp.TraceConfig()
    trace.on_connection_queued_start.append(queued)
    connector = aiohttp.TCPConnector(limit=POOL, limit_per_host=POOL)
    async with aiohttp.ClientSession(connector=connector, trace_configs=[trace]) as session:
        yield Pool(server, session, waited)


@pytest.fixture
async def big(client: aiominio.Client, bucket: str) -> str:
    await client.put_object(bucket, "big.bin", BIG, content_type="application/x-big")
    return "big.bin"


async def assert_pool_free(c: aiominio.Client, waited: asyncio.Event, bucket: str) -> None:
    """Every connection of the pool can be held at once without waiting for one."""
    waited.clear()

    async def hold_all() -> None:
        readers: list[aiominio.ObjectReader] = []
        try:
            for _ in range(POOL):
                readers.append(await c.get_object(bucket, "big.bin"))
        finally:
            for reader in readers:
                await reader.close()

    holding = asyncio.ensure_future(hold_all())
    waiting = asyncio.ensure_future(waited.wait())
    await asyncio.wait([holding, waiting], timeout=60, return_when=asyncio.FIRST_COMPLETED)
    for task in (holding, waiting):
        task.cancel()
    await asyncio.gather(holding, waiting, return_exceptions=True)
    assert not waited.is_set(), "a connection is still in use: a download waited for the pool"
    assert not holding.cancelled(), "the pool could not be held within 60 s"
    assert holding.exception() is None


@contextlib.contextmanager
def dropped_quietly() -> Iterator[None]:
    """What is dropped in the block is collected in it, with no ResourceWarning: it held no
    connection any more."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


# --- the awaitable form ---------------------------------------------------------------------


async def test_await_raises_no_such_key_before_returning(pool: Pool, bucket: str, big: str) -> None:
    c = pool.client()
    async with c:
        with pytest.raises(aiominio.NoSuchKey):
            await c.get_object(bucket, "missing")
        with pytest.raises(aiominio.NoSuchKey):
            await c.get_partial_object(bucket, "missing", 1, 2)
        await assert_pool_free(c, pool.waited, bucket)


async def test_awaited_reader_is_released_at_the_end_of_the_body(
    pool: Pool, bucket: str, big: str
) -> None:
    async with pool.client() as c:
        obj = await c.get_object(bucket, big)
        assert obj.stat.size == len(BIG) == obj.content_length
        assert obj.stat.content_type == "application/x-big"
        chunks = [chunk async for chunk in obj]
        assert b"".join(chunks) == BIG
        assert obj.verified_by is not None  # the whole-object check ran at the end
        assert await obj.read() == b""  # at the end, and stays there
        await assert_pool_free(c, pool.waited, bucket)
        assert not obj.closed
        with dropped_quietly():  # released already: no close() was needed
            del obj


async def test_awaited_reader_read_api(pool: Pool, bucket: str, big: str) -> None:
    async with pool.client() as c:
        obj = await c.get_object(bucket, big)
        assert await obj.read(10) == BIG[:10]
        assert await obj.read() == BIG[10:]
        await assert_pool_free(c, pool.waited, bucket)
        with dropped_quietly():
            del obj


async def test_close_mid_body_releases_the_connection(pool: Pool, bucket: str, big: str) -> None:
    async with pool.client() as c:
        obj = await c.get_object(bucket, big)
        first = await obj.read(1000)
        assert first == BIG[:1000]
        await obj.close()
        await obj.close()
        with pytest.raises(RuntimeError, match="closed"):
            await obj.read()
        await assert_pool_free(c, pool.waited, bucket)


async def test_a_dropped_reader_is_released_by_gc_with_a_resource_warning(
    pool: Pool, bucket: str, big: str
) -> None:
    async with pool.client() as c:
        obj = await c.get_object(bucket, big)
        assert await obj.read(1000) == BIG[:1000]
        with pytest.warns(ResourceWarning, match=r"unclosed object reader of .*/big\.bin"):
            del obj
            gc.collect()
        await assert_pool_free(c, pool.waited, bucket)


async def test_awaited_reader_is_verified_and_released_on_a_mismatch(
    web_server: StartWebServer,
) -> None:
    """A stand-in server whose body does not match the CRC32 it announces."""
    body = b"the stored bytes" * 1000
    wrong = base64.b64encode(zlib.crc32(body[::-1]).to_bytes(4, "big")).decode()

    async def get(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"ETag": '"e"', "x-amz-checksum-crc32": wrong})

    fake = await web_server(web.get("/bkt/k", get))
    async with aiominio.Client(fake.url, access_key="a", secret_key="b", region="us-east-1") as c:
        with pytest.raises(RuntimeError, match="open the reader first"):
            await c.get_object("bkt", "k").read()  # neither awaited nor entered
        obj = await c.get_object("bkt", "k")
        with pytest.raises(aiominio.InvalidResponseError, match="crc32"):
            async for _ in obj:
                pass
        assert obj.closed  # the failure released the connection
        with dropped_quietly():
            del obj


async def test_partial_object_awaitable(pool: Pool, bucket: str, big: str) -> None:
    async with pool.client() as c:
        obj = await c.get_partial_object(bucket, big, 1000, 5000)
        assert obj.content_length == 5000
        assert b"".join([chunk async for chunk in obj]) == BIG[1000:6000]
        await assert_pool_free(c, pool.waited, bucket)
        with dropped_quietly():
            del obj


async def test_async_with_still_works_and_closes_an_awaited_reader(
    pool: Pool, bucket: str, big: str
) -> None:
    async with pool.client() as c:
        async with c.get_object(bucket, big) as obj:
            assert await obj.read(3) == BIG[:3]
        assert obj.closed
        reader = c.get_object(bucket, big)
        async with reader:  # the reader itself is what the block opens
            assert await reader.read(3) == BIG[:3]
        assert reader.closed
        opened = await c.get_object(bucket, big)
        with pytest.raises(RuntimeError, match="already open"):
            await opened
        async with opened as same:  # the block only closes what 'await' opened
            assert same is opened
            assert await same.read(3) == BIG[:3]
        assert opened.closed
        with pytest.raises(RuntimeError, match="closed"):
            async with opened:
                pass
        await assert_pool_free(c, pool.waited, bucket)


# --- the web recipes over real HTTP ----------------------------------------------------------


def load_example(name: str) -> Any:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(ROOT / "examples"))


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class Served:
    """A web app on loopback, and how each of its request handlers ended (None: normally)."""

    url: str = ""
    ended: list[BaseException | None] = field(default_factory=list)
    sent: int = 0  # body bytes the app handed to the server (counted for the ASGI app)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def end(self, exc: BaseException | None) -> None:
        self.ended.append(exc)
        self.done.set()


@pytest.fixture
async def fastapi_app(pool: Pool, bucket: str) -> AsyncIterator[Served]:
    """The FastAPI recipe under uvicorn, in this event loop, on a free loopback port."""
    app = load_example("fastapi_streaming").create_app(pool.client, bucket)
    found = Served()

    async def watched(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)  # type: ignore[no-any-return]

        async def counting_send(message: Any) -> None:
            if message["type"] == "http.response.body":
                found.sent += len(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive, counting_send)
        except BaseException as exc:
            found.end(exc)
            raise
        found.end(None)
        return None

    config = uvicorn.Config(
        watched, lifespan="on", log_config=None, log_level="warning", ws="none", http="h11"
    )
    uv = uvicorn.Server(config)
    sock = free_socket()
    serving = asyncio.ensure_future(uv.serve(sockets=[sock]))
    try:
        while not uv.started:
            if serving.done():
                serving.result()  # raises why it stopped
                raise AssertionError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        found.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        yield found
    finally:
        uv.should_exit = True
        await serving
        sock.close()
    assert pool.made and all(c.closed for c in pool.made), "the lifespan did not close the client"


@pytest.fixture
async def aiohttp_app(pool: Pool, bucket: str) -> AsyncIterator[Served]:
    """The aiohttp.web recipe on a free loopback port; records how each handler ended."""
    app: web.Application = load_example("aiohttp_web_streaming").create_app(pool.client, bucket)
    found = Served()

    @web.middleware
    async def watch(request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        try:
            resp: web.StreamResponse = await handler(request)
        except BaseException as exc:
            found.end(exc)
            raise
        found.end(None)
        return resp

    app.middlewares.append(watch)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    sock = free_socket()
    site = web.SockSite(runner, sock)
    await site.start()
    found.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        yield found
    finally:
        await runner.cleanup()
    assert pool.made and all(c.closed for c in pool.made), "cleanup did not close the client"


async def check_download(url: str, client: aiominio.Client, bucket: str) -> None:
    stat = await client.stat_object(bucket, "big.bin")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/objects/big.bin") as resp:
            assert resp.status == 200
            assert resp.headers["Content-Length"] == str(len(BIG))
            assert resp.headers["Content-Type"] == "application/x-big"
            assert resp.headers["ETag"] == f'"{stat.etag}"'
            assert await resp.read() == BIG
        async with http.get(f"{url}/objects/no/such/key") as resp:
            assert resp.status == 404  # the only status line sent: no 200 went out first
            assert "no/such/key" in await resp.text()


async def check_upload(url: str, client: aiominio.Client, bucket: str) -> None:
    data = BIG * 2  # past the multipart threshold: uploaded in parts, length unknown

    async def body() -> AsyncIterator[bytes]:
        for at in range(0, len(data), 100_000):
            yield data[at : at + 100_000]

    async with (
        aiohttp.ClientSession() as http,
        http.put(
            f"{url}/objects/up/loaded.bin", data=body(), headers={"Content-Type": "x/up"}
        ) as resp,
    ):
        assert resp.status == 200, await resp.text()
        answer = await resp.json()
    async with client.get_object(bucket, "up/loaded.bin") as obj:
        assert obj.stat.content_type == "x/up"
        assert obj.stat.etag == answer["etag"]
        assert "-" in answer["etag"], "expected a multipart upload (an ETag of <md5>-<parts>)"
        assert await obj.read() == data


async def test_fastapi_download_and_upload(
    fastapi_app: Served, pool: Pool, client: aiominio.Client, bucket: str, big: str
) -> None:
    await check_download(fastapi_app.url, client, bucket)
    await check_upload(fastapi_app.url, client, bucket)
    await assert_pool_free(pool.made[0], pool.waited, bucket)


async def test_aiohttp_download_and_upload(
    aiohttp_app: Served, pool: Pool, client: aiominio.Client, bucket: str, big: str
) -> None:
    await check_download(aiohttp_app.url, client, bucket)
    await check_upload(aiohttp_app.url, client, bucket)
    await assert_pool_free(pool.made[0], pool.waited, bucket)


@pytest.fixture(params=["fastapi", "aiohttp"])
def web_app(request: pytest.FixtureRequest) -> Served:
    """Each recipe in turn."""
    app: Served = request.getfixturevalue(f"{request.param}_app")
    return app


async def test_client_gone_mid_body_leaks_nothing(
    web_app: Served,
    request: pytest.FixtureRequest,
    pool: Pool,
    client: aiominio.Client,
    bucket: str,
    big: str,
) -> None:
    app = web_app
    framework = request.node.callspec.params["web_app"]
    # Far more than the sockets and buffers between here and the app hold, so that the app is
    # normally still sending when this client goes.
    huge = BIG * 8
    await client.put_object(bucket, "huge.bin", huge)
    for attempt in range(1, 6):
        app.done.clear()
        app.sent = 0
        with dropped_quietly():
            async with aiohttp.ClientSession() as http:
                resp = await http.get(f"{app.url}/objects/huge.bin")
                assert resp.status == 200
                assert await resp.content.read(1000) == huge[:1000]
                resp.close()  # drops the connection with most of the body unsent
            await asyncio.wait_for(app.done.wait(), 60)
            assert len(app.ended) == attempt
            await assert_pool_free(pool.made[0], pool.waited, bucket)
        if framework == "aiohttp":
            # The handler ended by its write failing, not by sending the whole body.
            assert isinstance(app.ended[-1], ConnectionError), app.ended
            return
        # Starlette notices the disconnect from another task; on a busy machine the app can
        # read the whole body before it does, and then nothing was cut off: try again.
        if app.sent < len(huge):
            return
    raise AssertionError("the app sent the whole body each time: the disconnect was never seen")

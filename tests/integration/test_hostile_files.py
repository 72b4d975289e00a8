"""Downloads to a file against a hostile server: a fake server (in the test) announces sizes no
object has or sends bodies longer than it announced."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

import aiominio
from aiominio.core import planning
from tests.integration.conftest import StartWebServer, WebServer

BODY = bytes(range(256)) * 40  # 10,240 bytes
MD5 = hashlib.md5(BODY).hexdigest()
MiB = 1 << 20
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _client(server: WebServer) -> aiominio.Client:
    return aiominio.Client(
        server.url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=2, base_delay=0.01),
    )


def _serving(body: bytes = BODY, etag: str = MD5) -> Handler:
    """HEAD and GET (ranges too) of one object, honestly."""

    async def get(request: web.Request) -> web.StreamResponse:
        headers = {"ETag": f'"{etag}"'}
        rng = request.headers.get("Range")
        if rng is None:
            return web.Response(body=body, headers=headers)
        first, _, last = rng.removeprefix("bytes=").partition("-")
        lo, hi = int(first), min(int(last) if last else len(body) - 1, len(body) - 1)
        headers["Content-Range"] = f"bytes {lo}-{hi}/{len(body)}"
        return web.Response(status=206, body=body[lo : hi + 1], headers=headers)

    return get


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# -- sizes from the server ----------------------------------------------------------------------


def _head_of(size: int, get: Handler | None = None) -> Handler:
    """A HEAD announcing ``size`` bytes; a GET answered by ``get`` (a 412 by default)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            resp = web.StreamResponse(headers={"ETag": f'"{MD5}"'})
            resp.content_length = size
            await resp.prepare(request)
            return resp
        if get is not None:
            return await get(request)
        return web.Response(status=412, body=b"<Error><Code>PreconditionFailed</Code></Error>")

    return handle


@pytest.mark.parametrize("concurrency", [8, 1])
async def test_a_size_beyond_5_tib_is_refused_before_anything_is_planned(
    web_server: StartWebServer, tmp_path: Path, concurrency: int
) -> None:
    server = await web_server(web.get("/bkt/k", _head_of(10**18)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=r"10{18} bytes.*5 TiB"):
            await asyncio.wait_for(
                client.fget_object("bkt", "k", tmp_path / "f", concurrency=concurrency), 10
            )
    assert server.paths("GET") == []
    assert _files(tmp_path) == []


async def test_the_ranges_of_the_largest_object_take_no_memory(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    # 5 TiB in 1 MiB ranges: 5,242,880 of them, planned one at a time as they are fetched (the
    # partial file is sparse; every range fails at once with a 412).
    server = await web_server(web.get("/bkt/k", _head_of(planning.MAX_OBJECT_SIZE)))
    tracemalloc.start()
    try:
        async with _client(server) as client:
            with pytest.raises(aiominio.PreconditionFailed):
                await client.fget_object("bkt", "k", tmp_path / "f", part_size=MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * MiB, f"{peak} bytes at the peak"
    assert _files(tmp_path) == []


async def test_a_multipart_etag_of_a_billion_parts_sends_no_billion_heads(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    etag = f"{MD5}-1000000000"
    server = await web_server(web.get("/bkt/k", _serving(etag=etag)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="claims 1000000000 parts"):
            await asyncio.wait_for(client.fget_object("bkt", "k", tmp_path / "f"), 10)
    assert len(server.received) <= 6  # a HEAD and a GET, twice: no HEAD ?partNumber=
    assert _files(tmp_path) == []


# -- bodies longer than announced ---------------------------------------------------------------


def _overlong(announced: int, sent: int, seen: list[int], directory: Path) -> Handler:
    """HEAD announces ``announced`` bytes; a GET (ranged or not) sends ``sent`` bytes chunked,
    noting after each chunk the size of every partial file in ``directory``."""

    async def handle(request: web.Request) -> web.StreamResponse:
        headers = {"ETag": f'"{MD5}"'}
        if request.method == "HEAD":
            resp = web.StreamResponse(headers=headers)
            resp.content_length = announced
            await resp.prepare(request)
            return resp
        rng = request.headers.get("Range")
        status = 200
        if rng is not None:
            first, _, last = rng.removeprefix("bytes=").partition("-")
            headers["Content-Range"] = f"bytes {first}-{last}/{announced}"
            status = 206
        resp = web.StreamResponse(status=status, headers=headers)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            for _ in range(0, sent, 64 * 1024):
                await resp.write(b"x" * 64 * 1024)
                await asyncio.sleep(0)
                seen.extend(p.stat().st_size for p in directory.glob("*.part"))
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading: what is wanted
        return resp

    return handle


@pytest.mark.parametrize(
    ("announced", "kwargs"),
    [(10, {"concurrency": 1}), (3 * MiB, {"concurrency": 2, "part_size": MiB})],
    ids=["single-stream", "ranged"],
)
async def test_a_body_longer_than_announced_is_never_written(
    web_server: StartWebServer, tmp_path: Path, announced: int, kwargs: dict[str, int]
) -> None:
    seen: list[int] = []
    told: list[tuple[int, int | None]] = []
    folder = tmp_path / "d"
    folder.mkdir()
    server = await web_server(web.get("/bkt/k", _overlong(announced, 8 * MiB, seen, folder)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=r"more than its|runs past"):
            await client.fget_object(
                "bkt",
                "k",
                folder / "f",
                progress=lambda done, total: told.append((done, total)),
                **kwargs,  # type: ignore[arg-type]
            )
    assert all(done <= announced and total == announced for done, total in told), told
    assert max(seen, default=0) <= announced
    assert _files(folder) == []

"""Closing a client ends every transfer in flight: promptly, with ``ClientClosedError``, with
what it started aborted and no connection or file handle left behind. Slow answers come from a
fake server (no real server here stalls on purpose); the aborts are checked on SeaweedFS."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import aiominio
from aiominio import testing
from tests.integration.conftest import StartWebServer, WebServer, unique_bucket

MiB = 1 << 20
SIZE = 8 * MiB
_HEADERS = {
    "Content-Length": str(SIZE),
    "ETag": '"0123456789abcdef0123456789abcdef"',
    "Last-Modified": "Mon, 07 Dec 2026 10:00:00 GMT",
}
#: Only a hang detector: each close below ends its transfer at once.
HANG = 10


async def _slow_server(web_server: StartWebServer) -> WebServer:
    """HEAD answers at once; GET (of the whole object or a range) sends its headers, then a few
    bytes a second; a PUT to key ``stall`` is never answered."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(headers=_HEADERS)
        if request.match_info["key"] == "stall":
            await asyncio.sleep(3600)
        headers = dict(_HEADERS)
        status = 200
        if "Range" in request.headers:
            first, last = request.headers["Range"].removeprefix("bytes=").split("-")
            end = int(last) if last else SIZE - 1
            headers["Content-Range"] = f"bytes {first}-{end}/{SIZE}"
            headers["Content-Length"] = str(end + 1 - int(first))
            status = 206
        resp = web.StreamResponse(status=status, headers=headers)
        await resp.prepare(request)
        try:
            for _ in range(SIZE // 10):
                await resp.write(b"x" * 10)
                await asyncio.sleep(0.1)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    return await web_server(web.route("*", "/{bucket}/{key}", handler))


def _client(url: str) -> aiominio.Client:
    return aiominio.Client(url, access_key="a", secret_key="b", region="us-east-1")


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _files_open_under(folder: Path) -> list[str]:
    """The files under ``folder`` this process holds open."""
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith(str(folder)):
            held.append(target)
    return held


async def _no_more_fds_than(before: int) -> bool:
    """Whether the count of open descriptors comes back to ``before``; the fake server's side
    of a connection the client dropped closes at its next write (0.1 s), so give it a moment."""
    for _ in range(50):
        if _open_fds() <= before:
            return True
        await asyncio.sleep(0.05)
    return False


async def _started(task: asyncio.Task[object], server: WebServer, method: str) -> None:
    """Wait until ``server`` received a ``method`` request (the transfer is under way)."""
    for _ in range(500):
        if server.paths(method) or task.done():
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert not task.done(), task


async def test_close_ends_a_body_being_read(web_server: StartWebServer) -> None:
    server = await _slow_server(web_server)
    client = _client(server.url)

    async def read() -> bytes:
        async with client.get_object("bkt", "k", verify=False) as obj:
            return await obj.read()

    task: asyncio.Task[object] = asyncio.ensure_future(read())
    await _started(task, server, "GET")
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)


async def test_close_ends_an_awaited_reader(web_server: StartWebServer) -> None:
    """``obj = await client.get_object(...)``, read later: the read ends too."""
    server = await _slow_server(web_server)
    client = _client(server.url)
    obj = await client.get_object("bkt", "k", verify=False)
    first = await obj.read(5)
    assert first
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(obj.read(), HANG)
    assert obj.closed


async def test_close_ends_a_request_waiting_for_its_answer(web_server: StartWebServer) -> None:
    server = await _slow_server(web_server)
    client = _client(server.url)
    task: asyncio.Task[object] = asyncio.ensure_future(client.put_object("bkt", "stall", b"x"))
    await _started(task, server, "PUT")
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)


async def test_close_ends_a_single_stream_download(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    server = await _slow_server(web_server)
    client = _client(server.url)
    target = tmp_path / "out.bin"
    before = _open_fds()
    task: asyncio.Task[object] = asyncio.ensure_future(
        client.fget_object("bkt", "k", target, concurrency=1, verify=False)
    )
    await _started(task, server, "GET")
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)
    assert not target.exists()  # nothing half-written at the target
    assert _files_open_under(tmp_path) == []  # the partial file is closed
    assert await _no_more_fds_than(before)  # and the connection


async def test_close_ends_a_ranged_download(web_server: StartWebServer, tmp_path: Path) -> None:
    server = await _slow_server(web_server)
    client = _client(server.url)
    target = tmp_path / "out.bin"
    before = _open_fds()
    task: asyncio.Task[object] = asyncio.ensure_future(
        client.fget_object("bkt", "k", target, concurrency=4, part_size=MiB, verify=False)
    )
    await _started(task, server, "GET")
    for _ in range(100):  # the first GET's answer let go, the ranges follow it
        if len(server.paths("GET")) >= 5 or task.done():
            break
        await asyncio.sleep(0.05)
    ranges = [r.headers.get("Range") for r in server.received if r.method == "GET"]
    # The first GET (of the whole object) described it; then four ranges in flight.
    assert ranges[0] is None
    assert len(ranges) == 5 and all(ranges[1:]), ranges
    assert not task.done(), task
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)
    assert not target.exists()
    assert _files_open_under(tmp_path) == []
    assert await _no_more_fds_than(before)


async def _slow_parts(total: int, pause: float) -> AsyncIterator[bytes]:
    for _ in range(total // MiB):
        yield os.urandom(MiB)
        await asyncio.sleep(pause)


async def _uploads_of(server: testing.LocalServer, bucket: str, key: str) -> list[str]:
    async with server.client() as check:
        return [u.upload_id async for u in check.list_incomplete_uploads(bucket, key)]


@pytest.fixture
async def sw_bucket(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    bucket = unique_bucket("close")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(bucket)
    yield bucket
    async with seaweedfs_server.client() as c:
        async for u in c.list_incomplete_uploads(bucket, recursive=True):
            await c.remove_incomplete_upload(bucket, u.key)
        await c.remove_objects(bucket, [o.key async for o in c.list_objects(bucket)])
        await c.remove_bucket(bucket)


async def test_close_aborts_a_multipart_upload_it_cuts_off(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    client = seaweedfs_server.client()
    progressed = asyncio.Event()

    def progress(done: int, total: int | None) -> None:
        if done >= 10 * MiB:
            progressed.set()

    task: asyncio.Task[object] = asyncio.ensure_future(
        client.put_object(
            sw_bucket, "big", _slow_parts(200 * MiB, 0.05), part_size=5 * MiB, progress=progress
        )
    )
    await asyncio.wait_for(progressed.wait(), 60)
    assert await _uploads_of(seaweedfs_server, sw_bucket, "big")  # under way
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)
    assert await _uploads_of(seaweedfs_server, sw_bucket, "big") == []
    async with seaweedfs_server.client() as check:
        with pytest.raises(aiominio.NoSuchKey):
            await check.stat_object(sw_bucket, "big")


async def test_cancelling_the_task_that_owns_the_client_aborts_its_upload(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    progressed = asyncio.Event()

    def progress(done: int, total: int | None) -> None:
        if done >= 10 * MiB:
            progressed.set()

    async def owner() -> None:
        async with seaweedfs_server.client() as client:
            await client.put_object(
                sw_bucket, "big", _slow_parts(200 * MiB, 0.05), part_size=5 * MiB, progress=progress
            )

    task = asyncio.ensure_future(owner())
    await asyncio.wait_for(progressed.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, HANG)
    assert await _uploads_of(seaweedfs_server, sw_bucket, "big") == []


async def test_a_deadline_bounds_a_whole_multipart_upload(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    """Each part is quick, the upload is not: its requests share one deadline, and the upload
    that ran out of it is still aborted."""
    async with seaweedfs_server.client() as client:
        slow = client.with_options(timeouts=aiominio.Timeouts(deadline=1.5))
        with pytest.raises(aiominio.RequestTimeout, match=r"deadline of 1\.5 s"):
            await asyncio.wait_for(
                slow.put_object(sw_bucket, "late", _slow_parts(40 * MiB, 0.1), part_size=5 * MiB),
                30,
            )
    assert await _uploads_of(seaweedfs_server, sw_bucket, "late") == []


@pytest.mark.parametrize("concurrency", [1, 4], ids=["single-stream", "ranged"])
async def test_a_deadline_bounds_a_whole_download(
    web_server: StartWebServer, tmp_path: Path, concurrency: int
) -> None:
    server = await _slow_server(web_server)
    target = tmp_path / "out.bin"
    timeouts = aiominio.Timeouts(read=5, deadline=1.5)
    async with aiominio.Client(
        server.url, access_key="a", secret_key="b", region="us-east-1", timeouts=timeouts
    ) as client:
        with pytest.raises(aiominio.RequestTimeout, match="deadline"):
            await asyncio.wait_for(
                client.fget_object(
                    "bkt", "k", target, concurrency=concurrency, part_size=MiB, verify=False
                ),
                HANG,
            )
    assert not target.exists()


@pytest.mark.parametrize("pool", [1, 2])
@pytest.mark.parametrize("own_session", [False, True], ids=["own-pool", "callers-session"])
async def test_close_ends_every_request_in_flight(
    web_server: StartWebServer, pool: int, own_session: bool
) -> None:
    """Requests waiting for their answers and for a connection of the pool; with the client's
    pool or a caller's session (which close() leaves open but must not leave waiting)."""
    server = await _slow_server(web_server)
    session = aiohttp.ClientSession() if own_session else None
    try:
        client = aiominio.Client(
            server.url,
            access_key="a",
            secret_key="b",
            region="us-east-1",
            max_connections=pool,
            session=session,
        )
        tasks = [asyncio.ensure_future(client.put_object("bkt", "stall", b"x")) for _ in range(3)]
        await _started(tasks[0], server, "PUT")
        await client.close()
        for task in tasks:
            with pytest.raises(aiominio.ClientClosedError):
                await asyncio.wait_for(task, HANG)
    finally:
        if session is not None:
            await session.close()


async def test_close_ends_a_pause_between_attempts(web_server: StartWebServer) -> None:
    async def unavailable(request: web.Request) -> web.Response:
        return web.Response(status=503, body=b"<Error><Code>SlowDown</Code></Error>")

    server = await web_server(web.route("*", "/{tail:.*}", unavailable))
    client = aiominio.Client(
        server.url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=5, base_delay=30, max_delay=30),
    )
    task: asyncio.Task[object] = asyncio.ensure_future(client.stat_object("bkt", "k"))
    await _started(task, server, "HEAD")
    await client.close()  # the call is sleeping before its second attempt
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)
    assert len(server.paths("HEAD")) == 1


async def test_close_during_the_creation_of_an_upload_aborts_it(
    web_server: StartWebServer,
) -> None:
    """The server starts the upload, but its answer is cut off by close(): the upload is
    found (uploads of the key since the creation began) and aborted."""
    created = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.method == "POST" and "uploads" in request.query:
            created.set()  # the server has started it; the answer comes late
            await asyncio.sleep(30)
        if request.method == "GET" and "uploads" in request.query:
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            body = (
                "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>"
                f"<Key>big</Key><UploadId>u1</UploadId><Initiated>{now}</Initiated>"
                "</Upload></ListMultipartUploadsResult>"
            )
            return web.Response(body=body.encode(), content_type="application/xml")
        return web.Response(status=204)

    server = await web_server(
        web.route("*", "/{bucket}/{key}", handler), web.get("/{bucket}", handler)
    )
    client = _client(server.url)
    task: asyncio.Task[object] = asyncio.ensure_future(
        client.put_object("bkt", "big", _slow_parts(20 * MiB, 0), part_size=5 * MiB)
    )
    await asyncio.wait_for(created.wait(), HANG)
    await client.close()
    with pytest.raises(aiominio.ClientClosedError):
        await asyncio.wait_for(task, HANG)
    listed = [p for p in server.paths("GET") if "uploads" in p]
    assert listed and "max-uploads=1000" in listed[0]
    assert server.paths("DELETE") == ["/bkt/big?uploadId=u1"]

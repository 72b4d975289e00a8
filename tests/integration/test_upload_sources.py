"""Uploads from an async file that has ``read`` only (no ``readinto``): what
:class:`aiominio.transfer.sources.AsyncReadable` promises is enough, in one request and in parts.

``fput_object`` of what is not a regular file: a FIFO (``<(pg_dump ...)``) is streamed as a body
of unknown size and stored whole; ``/dev/zero`` streams in parts of bounded memory until stopped;
a ``/proc`` file (size 0, yet content) is stored whole; a directory is refused before any
request."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import sys
import threading
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import aiominio
from aiominio import testing
from tests.integration.conftest import StartWebServer, empty_and_remove, unique_bucket
from tests.integration.test_transfers import pattern

MIB = 1024 * 1024


class ReadOnlyAsyncFile:
    """An async binary reader with nothing but ``read``."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0
        self.reads = 0

    async def read(self, size: int) -> bytes:
        self.reads += 1
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk


@pytest.mark.parametrize("size", [1000, 11 * MIB])
async def test_an_async_reader_without_readinto_uploads(
    client: aiominio.Client, bucket: str, size: int
) -> None:
    body = os.urandom(size)
    source = ReadOnlyAsyncFile(body)
    await client.put_object(bucket, "from-reader", source, size, part_size=5 * MIB)
    assert source.reads > 0
    async with client.get_object(bucket, "from-reader") as reader:
        assert await reader.read() == body


@pytest.fixture
async def sw_bucket(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    name = unique_bucket("us")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(name)
    yield name
    async with seaweedfs_server.client() as c:
        await empty_and_remove(c, name)


@contextlib.contextmanager
def fifo_fed(path: Path, data: bytes) -> Iterator[None]:
    """A FIFO at ``path`` that a thread writes ``data`` into once a reader opens it. The writer
    opens without blocking, so a reader that never comes leaves no thread stuck."""
    os.mkfifo(path)
    failure: list[BaseException] = []

    def feed() -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as exc:
                if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                    failure.append(exc)
                    return
                time.sleep(0.01)  # no reader yet
        os.set_blocking(fd, True)
        try:
            with open(fd, "wb") as f:
                for at in range(0, len(data), 256 * 1024):
                    f.write(data[at : at + 256 * 1024])
        except BrokenPipeError as exc:
            failure.append(exc)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield
    finally:
        writer.join(35)
    assert not failure, failure


@pytest.mark.parametrize("size", [1000, 12 * MIB + 1234], ids=["one-put", "multipart"])
async def test_fput_streams_a_fifo(
    seaweedfs_server: testing.LocalServer, sw_bucket: str, tmp_path: Path, size: int
) -> None:
    data = pattern(size, seed=70)
    fifo = tmp_path / "dump.fifo"
    async with seaweedfs_server.client() as c:
        with fifo_fed(fifo, data):
            await c.fput_object(sw_bucket, "from-fifo", fifo, part_size=5 * MIB)
        async with c.get_object(sw_bucket, "from-fifo") as reader:
            assert await reader.read() == data


async def test_fput_of_a_directory_is_refused_before_any_request(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    server = await web_server()
    async with aiominio.Client(server.url, access_key="a", secret_key="b") as c:
        with pytest.raises(aiominio.InvalidArgument, match="is a directory"):
            await c.fput_object("bkt", "k", tmp_path)
    assert server.received == []


class Enough(Exception):
    pass


async def test_fput_of_dev_zero_streams_in_bounded_memory(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    # Endless: it goes up in parts, read as they are sent, until something stops it (here the
    # progress callback; unstopped, the 10,000th part: tests/unit/transfer/test_uploads.py).
    def progress(done: int, total: int | None) -> None:
        assert total is None
        if done >= 24 * MIB:
            raise Enough

    tracemalloc.start()
    try:
        async with seaweedfs_server.client() as c:
            with pytest.raises(Enough):
                await asyncio.wait_for(
                    c.fput_object(
                        sw_bucket,
                        "zeros",
                        "/dev/zero",
                        part_size=5 * MIB,
                        concurrency=2,
                        progress=progress,
                    ),
                    60,
                )
            peak = tracemalloc.get_traced_memory()[1]
            assert [u async for u in c.list_incomplete_uploads(sw_bucket)] == []  # aborted
            assert [o async for o in c.list_objects(sw_bucket)] == []
    finally:
        tracemalloc.stop()
    assert peak < 32 * MIB, f"{peak} bytes at the peak"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a /proc file")
async def test_a_file_that_says_it_is_empty_is_read_to_its_end(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    # /proc files say size 0 and have content: stored whole, never silently empty.
    async with seaweedfs_server.client() as c:
        with open("/proc/self/status", "rb") as f:
            await c.put_object(sw_bucket, "by-file", f)
        await c.fput_object(sw_bucket, "by-path", "/proc/self/status")
        for key in ("by-file", "by-path"):
            async with c.get_object(sw_bucket, key) as reader:
                assert (await reader.read()).startswith(b"Name:")

"""Files of the filesystem on the real servers: buffered reads with adaptive read-ahead (the
bytes fetched are counted), writes in multipart parts, create-only writes, aborts, pickling,
other processes and event loops, and the async files of ``open_async``."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import random
import warnings

import pytest
from fsspec.asyn import sync

from aiominio import testing
from aiominio.fsspec import AiominioFileSystem
from aiominio.fsspec.files import AdaptiveCache
from aiominio.fsspec.ranges import READ_PIECE, SPLIT_READS_FROM
from tests.conftest import RequestLog
from tests.integration.fsspec.conftest import MakeFs, options_for, ranges_fetched

MiB = 2**20


def pending_uploads(fs: AiominioFileSystem, bucket: str) -> list[str]:
    async def listed() -> list[str]:
        client = fs.current_client()
        return [u.key async for u in client.list_incomplete_uploads(bucket, recursive=True)]

    return sync(fs.loop, listed)


def test_a_written_file_goes_up_in_parts(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    payload = os.urandom(12 * MiB + 5)
    with fs.open(f"{fs_bucket}/big", "wb", block_size=5 * MiB) as f:
        for i in range(0, len(payload), MiB):
            f.write(payload[i : i + MiB])
    assert len(log.of("PUT", "partNumber=")) == 3
    assert fs.cat_file(f"{fs_bucket}/big") == payload
    with fs.open(f"{fs_bucket}/big") as f:
        f.seek(10 * MiB)
        assert f.read(100) == payload[10 * MiB : 10 * MiB + 100]
        f.seek(-5, 2)
        assert f.read() == payload[-5:]
        assert f.tell() == len(payload)


def test_a_small_file_is_one_put(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    with fs.open(f"{fs_bucket}/small", "wb") as f:
        f.write(b"abc")
    assert len(log.of("PUT")) == 1
    assert fs.cat_file(f"{fs_bucket}/small") == b"abc"


@pytest.mark.parametrize("size", [100, 11 * MiB], ids=["small", "multipart"])
def test_an_exception_inside_with_leaves_nothing(
    fs: AiominioFileSystem, fs_bucket: str, size: int
) -> None:
    path = f"{fs_bucket}/aborted"
    with pytest.raises(RuntimeError, match="boom"), fs.open(path, "wb", block_size=5 * MiB) as f:
        f.write(os.urandom(size))
        raise RuntimeError("boom")
    assert not fs.exists(path)
    assert pending_uploads(fs, fs_bucket) == []


@pytest.mark.parametrize("size", [100, 11 * MiB], ids=["small", "multipart"])
def test_xb_creates_only(fs: AiominioFileSystem, fs_bucket: str, size: int) -> None:
    path = f"{fs_bucket}/x"
    fs.pipe_file(path, b"already")
    with pytest.raises(FileExistsError):
        fs.open(path, "xb")
    # Free when opened, taken before the close: the write's If-None-Match refuses it.
    other = f"{fs_bucket}/y"
    f = fs.open(other, "xb", block_size=5 * MiB)
    f.write(os.urandom(size))
    fs.pipe_file(other, b"first")
    with pytest.raises(FileExistsError):
        f.close()
    assert fs.cat_file(other) == b"first"
    assert pending_uploads(fs, fs_bucket) == []


def test_random_reads_fetch_little_and_sequential_reads_grow(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    size = 64 * MiB
    path = f"{fs_bucket}/big"
    with fs.open(path, "wb") as w:
        for _ in range(size // (4 * MiB)):
            w.write(os.urandom(4 * MiB))
    rng = random.Random(7)
    with fs.open(path) as f:
        for _ in range(200):
            f.seek(rng.randrange(size - 4096))
            assert len(f.read(4096)) == 4096
        assert isinstance(f.cache, AdaptiveCache)
        fetched = f.cache.fetched
    ranged = ranges_fetched(log)
    assert sum(ranged) == fetched  # what the server sent is what the cache counted
    assert fetched / 200 <= 1 * MiB  # s3fs's default fetched 2.6 GiB for the same reads
    log.sent.clear()
    with fs.open(path) as f:
        while f.read(MiB):
            pass
        assert f.cache.fetched == size
        assert f.cache.policy.window == fs.default_block_size  # the read-ahead reached it
        fetches = f.cache.fetches
    ranged = ranges_fetched(log)
    assert sum(ranged) == size
    assert fetches < 12
    # A fetch of 16 MiB or more goes in pieces of 8 MiB, several at once.
    assert READ_PIECE in ranged
    assert max(ranged) < SPLIT_READS_FROM
    assert len(ranged) < 2 * fetches


def test_a_read_file_pickles_at_its_position(
    server: testing.LocalServer, make_fs: MakeFs, fs_bucket: str
) -> None:
    fs = make_fs(server)
    fs.pipe_file(f"{fs_bucket}/p", b"0123456789")
    with fs.open(f"{fs_bucket}/p") as f:
        f.seek(4)
        clone = pickle.loads(pickle.dumps(f))
    assert clone.read() == b"456789"
    clone.close()
    clone.fs.close()


def _read_in_child(blob: bytes, path: str) -> bytes:
    fs = pickle.loads(blob)
    try:
        return bytes(fs.cat_file(path))
    finally:
        fs.close()


def test_the_filesystem_works_in_another_process(
    server: testing.LocalServer, make_fs: MakeFs, fs_bucket: str
) -> None:
    fs = make_fs(server)
    fs.pipe_file(f"{fs_bucket}/p", b"from the parent")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        got = pool.apply(_read_in_child, (pickle.dumps(fs), f"{fs_bucket}/p"))
    assert got == b"from the parent"


def test_a_forked_child_makes_its_own_client(
    server: testing.LocalServer, make_fs: MakeFs, fs_bucket: str
) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    fs = make_fs(server)
    fs.pipe_file(f"{fs_bucket}/f", b"forked")
    parent_client = sync(fs.loop, _current, fs)
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # the child: use the inherited filesystem, report, leave at once
        code = 1
        try:
            child_client = sync(fs.loop, _current, fs)
            ok = fs.cat_file(f"{fs_bucket}/f") == b"forked" and child_client != parent_client
            os.write(writer, b"ok" if ok else b"bad")
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    _, status = os.waitpid(pid, 0)
    answer = os.read(reader, 10)
    os.close(reader)
    assert status == 0
    assert answer == b"ok"
    assert sync(fs.loop, _current, fs) == parent_client  # the parent's is untouched


async def _current(fs: AiominioFileSystem) -> int:
    return id(fs.current_client())


def test_one_client_per_event_loop(server: testing.LocalServer, fs_bucket: str) -> None:
    fs = AiominioFileSystem(**options_for(server), asynchronous=True, skip_instance_cache=True)

    async def use() -> bytes:
        try:
            await fs._pipe_file(f"{fs_bucket}/loop", b"v")
            return await fs._cat_file(f"{fs_bucket}/loop")
        finally:
            await fs._close()

    assert asyncio.run(use()) == b"v"
    assert asyncio.run(use()) == b"v"  # a second loop gets a client of its own


async def test_async_files(server: testing.LocalServer, fs_bucket: str) -> None:
    fs = AiominioFileSystem(**options_for(server), asynchronous=True, skip_instance_cache=True)
    try:
        path = f"{fs_bucket}/async"
        payload = os.urandom(11 * MiB)
        async with await fs.open_async(path, "wb", block_size=5 * MiB) as f:
            for i in range(0, len(payload), MiB):
                await f.write(payload[i : i + MiB])
        async with await fs.open_async(path) as f:
            assert await f.read(10) == payload[:10]
            f.seek(len(payload) - 10)
            assert await f.read() == payload[-10:]
        with pytest.raises(FileExistsError):
            await fs.open_async(path, "xb")
        with pytest.raises(RuntimeError, match="boom"):
            async with await fs.open_async(f"{fs_bucket}/gone", "wb", block_size=5 * MiB) as f:
                await f.write(os.urandom(6 * MiB))
                raise RuntimeError("boom")
        assert not await fs._exists(f"{fs_bucket}/gone")
        client = fs.current_client()
        assert [u async for u in client.list_incomplete_uploads(fs_bucket, recursive=True)] == []
        async with await fs.open_async(f"{fs_bucket}/new", "xb") as f:
            await f.write(b"created")
        assert await fs._cat_file(f"{fs_bucket}/new") == b"created"
    finally:
        await fs._close()


def test_an_object_replaced_while_read_is_refused(fs: AiominioFileSystem, fs_bucket: str) -> None:
    path = f"{fs_bucket}/changing"
    fs.pipe_file(path, b"a" * 300_000)
    with fs.open(path, cache_options={"minimum": 1024}) as f:
        assert f.read(10) == b"a" * 10
        fs.pipe_file(path, b"b" * 300_000)
        f.seek(200_000)
        with pytest.raises(OSError, match="changed"):
            f.read(10)

"""Large and interrupted transfers: concurrent multipart uploads, unknown sizes, cancellation,
resumed fput_object/fget_object, and the memory bound of a 1 GiB upload."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import aiominio
from aiominio import testing
from tests.conftest import Traced
from tests.integration.conftest import empty_and_remove

MiB = 1024 * 1024


def pattern(size: int, seed: int = 0) -> bytes:
    """Deterministic bytes that differ in every MiB (a misplaced part would show)."""
    block = hashlib.sha256(str(seed).encode()).digest() * (MiB // 32)
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(block[:64] + i.to_bytes(8, "big")).digest() + block[32:]
        i += 1
    return bytes(out[:size])


async def read_all(client: aiominio.Client, bucket: str, key: str) -> bytes:
    async with client.get_object(bucket, key) as obj:
        return await obj.read()


async def no_uploads_left(client: aiominio.Client, bucket: str) -> None:
    assert [u async for u in client.list_incomplete_uploads(bucket, recursive=True)] == []


async def test_large_upload_in_concurrent_parts(
    server: testing.LocalServer, bucket: str, traced: Traced
) -> None:
    data = pattern(104 * MiB + 12345)
    seen: list[int] = []
    c, log = traced(server)
    async with c:
        result = await c.put_object(
            bucket,
            "big",
            data,
            part_size=16 * MiB,
            concurrency=4,
            progress=lambda done, total: seen.append(done),
        )
        assert result.etag.endswith("-7")
        assert 2 <= log.peak <= 4, "parts were not uploaded concurrently, or too many at once"
        part_puts = log.of("PUT", "partNumber=")
        assert len(part_puts) == 7
        assert seen[-1] == len(data) and seen == sorted(seen)
        got = await read_all(c, bucket, "big")
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    async with server.client() as c:
        await no_uploads_left(c, bucket)


async def test_unknown_size_from_async_generator(client: aiominio.Client, bucket: str) -> None:
    data = pattern(23 * MiB + 7, seed=1)

    async def body() -> AsyncIterator[bytes]:
        view = memoryview(data)
        for start in range(0, len(data), 700_001):  # odd chunk sizes on purpose
            await asyncio.sleep(0)
            yield bytes(view[start : start + 700_001])

    result = await client.put_object(bucket, "stream", body(), part_size=5 * MiB)
    assert result.etag.endswith("-5")
    assert await read_all(client, bucket, "stream") == data
    # A small stream of unknown size goes up in one PUT.
    small = await client.put_object(bucket, "small", _chunks([b"abc", b"def"]))
    assert "-" not in small.etag
    assert await read_all(client, bucket, "small") == b"abcdef"


async def _chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for p in parts:
        yield p


async def test_cancelled_stream_upload_leaves_nothing(client: aiominio.Client, bucket: str) -> None:
    part_done = asyncio.Event()
    release = asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * (5 * MiB)
        await release.wait()  # never set: the upload hangs here until cancelled
        yield b"never"

    task = asyncio.create_task(
        client.put_object(
            bucket, "cancelled", slow_body(), part_size=5 * MiB, progress=lambda *_: part_done.set()
        )
    )
    await asyncio.wait_for(part_done.wait(), 30)
    uploads = [u async for u in client.list_incomplete_uploads(bucket, recursive=True)]
    assert [u.key for u in uploads] == ["cancelled"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await no_uploads_left(client, bucket)
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "cancelled")


async def test_failing_stream_upload_is_aborted(client: aiominio.Client, bucket: str) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"y" * (6 * MiB)
        raise OSError("the source broke")

    with pytest.raises(OSError, match="source broke"):
        await client.put_object(bucket, "broken", broken(), part_size=5 * MiB)
    await no_uploads_left(client, bucket)


async def test_fput_object_resumes(
    server: testing.LocalServer, bucket: str, tmp_path: Path, traced: Traced
) -> None:
    data = pattern(23 * MiB, seed=2)  # five parts of 5 MiB, the last 3 MiB
    path = tmp_path / "upload.bin"
    path.write_bytes(data)

    class Interrupted(Exception):
        pass

    def stop_after_two_parts(sent: int, total: int | None) -> None:
        # Bytes are counted as they are written: more than two parts' means the third is
        # being sent, so (one part at a time) the first two were stored.
        if sent > 10 * MiB:
            raise Interrupted

    async with server.client() as c:
        with pytest.raises(Interrupted):
            await c.fput_object(
                bucket,
                "resumed.bin",
                path,
                part_size=5 * MiB,
                concurrency=1,
                progress=stop_after_two_parts,
            )
        uploads = [u async for u in c.list_incomplete_uploads(bucket, recursive=True)]
        assert len(uploads) == 1 and uploads[0].size in (10 * MiB, 15 * MiB)
        kept = uploads[0].size // (5 * MiB)

    c, log = traced(server)
    async with c:
        result = await c.fput_object(bucket, "resumed.bin", path, concurrency=2)
        assert result.etag.endswith("-5")
        numbers = sorted(
            int(s.url.split("partNumber=")[1].split("&")[0]) for s in log.of("PUT", "partNumber=")
        )
        assert numbers == list(range(kept + 1, 6)), "parts already uploaded were sent again"
        assert await read_all(c, bucket, "resumed.bin") == data
        await no_uploads_left(c, bucket)
        stat = await c.stat_object(bucket, "resumed.bin")
        assert stat.content_type == "application/octet-stream"


async def test_fput_object_guesses_content_type(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    for name, expected in [("page.html", "text/html"), ("pic.png", "image/png")]:
        (tmp_path / name).write_bytes(b"content")
        await client.fput_object(bucket, name, tmp_path / name)
        assert (await client.stat_object(bucket, name)).content_type == expected
    await client.fput_object(bucket, "forced", tmp_path / "page.html", "text/plain")
    assert (await client.stat_object(bucket, "forced")).content_type == "text/plain"


async def test_fput_object_reuses_only_matching_parts(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    path = tmp_path / "changing.bin"
    first = pattern(12 * MiB, seed=3)
    path.write_bytes(first)

    def stop(sent: int, total: int | None) -> None:
        if sent > 5 * MiB:  # the second part is being sent: the first was stored
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        await client.fput_object(
            bucket, "changing", path, part_size=5 * MiB, concurrency=1, progress=stop
        )
    # The file changes before the retry: the stale part must not be reused.
    second = pattern(12 * MiB, seed=4)
    path.write_bytes(second)
    await client.fput_object(bucket, "changing", path)
    assert await read_all(client, bucket, "changing") == second


async def test_fget_object_resumes(
    server: testing.LocalServer, bucket: str, tmp_path: Path, traced: Traced
) -> None:
    data = pattern(20 * MiB, seed=5)
    target = tmp_path / "sub" / "download.bin"

    class Interrupted(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        if done >= 8 * MiB:
            raise Interrupted

    async with server.client() as c:
        await c.put_object(bucket, "dl", data)
        with pytest.raises(Interrupted):
            await c.fget_object(bucket, "dl", target, progress=stop)
        assert not target.exists()
        partial = [p for p in target.parent.iterdir() if p.name.endswith(".part")]
        assert len(partial) == 1
        have = partial[0].stat().st_size
        assert 8 * MiB <= have < len(data)

    c, log = traced(server)
    async with c:
        stat = await c.fget_object(bucket, "dl", target)
    assert stat.size == len(data)
    assert target.read_bytes() == data
    assert sorted(p.name for p in target.parent.iterdir()) == ["download.bin"]
    ranges = [s.headers.get("Range") for s in log.of("GET") if s.url.endswith("/dl")]
    # The first GET describes the object and is let go; the body comes from where the file ends.
    assert ranges == [None, f"bytes={have}-"], "the download did not resume from the partial file"


@pytest.mark.parametrize("concurrency", [1, 4], ids=["resumed", "ranged"])
async def test_two_fgets_to_one_path_through_one_connection_both_finish(
    server: testing.LocalServer, bucket: str, tmp_path: Path, concurrency: int
) -> None:
    """A pool of one connection, two downloads to one path, each needing more requests after
    its first GET (the rest of a partial file, or the ranges): the one that waits for the
    other's lock on the partial file lets its first answer go, so the other one gets the
    connection (held, it was a deadlock)."""
    data = pattern(6 * MiB, seed=8)
    target = tmp_path / "one.bin"

    class Interrupted(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        if done >= MiB:
            raise Interrupted

    async with server.client() as c:
        await c.put_object(bucket, "one", data)
        with pytest.raises(Interrupted):
            await c.fget_object(bucket, "one", target, progress=stop, concurrency=1)
    async with server.client(max_connections=1) as c:
        await asyncio.wait_for(
            asyncio.gather(
                *(
                    c.fget_object(bucket, "one", target, concurrency=concurrency, part_size=MiB)
                    for _ in range(2)
                )
            ),
            60,
        )
    assert target.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.bin"]


async def test_fget_object_restarts_when_the_object_changed(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    target = tmp_path / "changed.bin"
    old = pattern(6 * MiB, seed=6)
    await client.put_object(bucket, "obj", old)

    def stop(done: int, total: int | None) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        await client.fget_object(bucket, "obj", target, progress=stop)
    assert not target.exists()
    (old_partial,) = tmp_path.iterdir()
    old_bytes = old_partial.read_bytes()
    assert 0 < len(old_bytes) < 6 * MiB and old_bytes == old[: len(old_bytes)]
    new = pattern(7 * MiB, seed=7)
    await client.put_object(bucket, "obj", new)
    await client.fget_object(bucket, "obj", target)
    assert target.read_bytes() == new
    # The partial file of the old version is left alone, never mistaken for the new one.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, old_partial.name])
    assert old_partial.read_bytes() == old_bytes


async def test_fget_missing_object_leaves_no_file(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    target = tmp_path / "none.bin"
    with pytest.raises(aiominio.NoSuchKey):
        await client.fget_object(bucket, "missing", target)
    assert list(tmp_path.iterdir()) == []


async def test_cancelled_fget_leaves_no_target(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    await client.put_object(bucket, "obj", pattern(30 * MiB, seed=8))
    target = tmp_path / "cancelled.bin"
    started = asyncio.Event()
    task = asyncio.create_task(
        client.fget_object(bucket, "obj", target, progress=lambda *_: started.set())
    )
    await asyncio.wait_for(started.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not target.exists()


@pytest.mark.slow
async def test_one_gib_upload_stays_within_memory_bound(
    seaweedfs_server: testing.LocalServer, tmp_path: Path
) -> None:
    part_size, concurrency = 8 * MiB, 4
    path = tmp_path / "one-gib.bin"
    block = os.urandom(MiB)
    with open(path, "wb") as f:
        for i in range(1024):
            f.write(i.to_bytes(4, "big") + block[4:])
    async with seaweedfs_server.client() as c:
        bucket = f"mem-{os.urandom(4).hex()}"
        await c.make_bucket(bucket)
        try:
            tracemalloc.start()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            result = await c.fput_object(
                bucket, "one-gib", path, part_size=part_size, concurrency=concurrency
            )
            peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
            bound = part_size * (concurrency + 1) + 16 * MiB
            print(f"1 GiB upload: peak traced memory {peak / MiB:.1f} MiB, bound {bound / MiB} MiB")
            assert peak < bound
            assert result.etag.endswith("-128")
            stat = await c.stat_object(bucket, "one-gib")
            assert stat.size == 1024 * MiB
        finally:
            await c.remove_object(bucket, "one-gib")
            await c.remove_bucket(bucket)


async def test_stream_of_unknown_size_stays_within_memory_bound(
    seaweedfs_server: testing.LocalServer,
) -> None:
    """An async iterable is copied once, straight into reused part buffers: Python memory stays
    under part_size x (concurrency + 1), plus the last chunk and small change, whatever the
    chunk size the stream yields."""
    part_size, concurrency = 5 * MiB, 2
    for chunk_size in (64 * 1024, 3 * MiB + 1):
        block = os.urandom(chunk_size)
        count = (40 * MiB) // chunk_size + 1

        async def stream(block: bytes = block, count: int = count) -> AsyncIterator[bytes]:
            for _ in range(count):
                yield block

        async with seaweedfs_server.client() as c:
            bucket = f"memstream-{os.urandom(4).hex()}"
            await c.make_bucket(bucket)
            try:
                tracemalloc.start()
                tracemalloc.reset_peak()
                base = tracemalloc.get_traced_memory()[0]
                await c.put_object(
                    bucket, "s", stream(), part_size=part_size, concurrency=concurrency
                )
                peak = tracemalloc.get_traced_memory()[1] - base
                tracemalloc.stop()
                bound = part_size * (concurrency + 1) + 2 * MiB
                assert peak < bound, (chunk_size, peak / MiB)
                assert (await c.stat_object(bucket, "s")).size == count * chunk_size
            finally:
                await empty_and_remove(c, bucket)


@pytest.mark.parametrize("integrity", ["crc32", "md5"])
async def test_integrity_modes(
    server: testing.LocalServer, bucket: str, integrity: str, traced: Traced
) -> None:
    data = pattern(11 * MiB, seed=9)
    c, log = traced(server, integrity=integrity)
    async with c:
        small = await c.put_object(bucket, "small", b"checked")
        assert small.etag == hashlib.md5(b"checked").hexdigest()
        await c.put_object(bucket, "multi", data, part_size=5 * MiB)
        assert await read_all(c, bucket, "multi") == data
    puts = log.of("PUT")
    assert len(puts) == 1 + 3  # the small object, three parts
    header = "x-amz-checksum-crc32" if integrity == "crc32" else "Content-MD5"
    assert all(header in s.headers for s in puts)

"""Progress callbacks: ``progress(done, total)`` for put_object, fput_object, fget_object,
get_object and get_partial_object.

The calls must rise, end with ``done == total`` (``total`` None for a body of unknown length),
come at least every MiB, and an async callback must be awaited (each call finished before the
next begins)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import aiominio
from tests.integration.test_transfers import pattern

MiB = 1024 * 1024


def assert_progress(calls: list[tuple[int, int | None]], size: int, total: int | None) -> None:
    dones = [d for d, _ in calls]
    assert dones == sorted(set(dones)), f"not strictly rising: {dones}"
    assert all(t == total for _, t in calls), f"total should be {total}: {calls}"
    assert dones[-1] == size, f"the last call should tell all {size} bytes: {dones}"


def gaps(calls: list[tuple[int, int | None]]) -> list[int]:
    dones = [0] + [d for d, _ in calls]
    return [b - a for a, b in itertools.pairwise(dones)]


async def test_put_object_progress_every_mib(client: aiominio.Client, bucket: str) -> None:
    data = pattern(12 * MiB + 333, seed=20)
    calls: list[tuple[int, int | None]] = []
    await client.put_object(
        bucket,
        "p",
        data,
        part_size=5 * MiB,
        concurrency=1,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert_progress(calls, len(data), len(data))
    assert max(gaps(calls)) <= MiB, f"a call did not come every MiB: {gaps(calls)}"


async def test_put_object_single_put_progress(client: aiominio.Client, bucket: str) -> None:
    data = pattern(3 * MiB + 5, seed=21)
    calls: list[tuple[int, int | None]] = []
    await client.put_object(bucket, "p", data, progress=lambda d, t: calls.append((d, t)))
    assert_progress(calls, len(data), len(data))
    assert max(gaps(calls)) <= MiB, gaps(calls)
    small: list[tuple[int, int | None]] = []
    await client.put_object(bucket, "s", b"abc", progress=lambda d, t: small.append((d, t)))
    assert small == [(3, 3)]


async def test_unknown_length_upload_has_no_total(client: aiominio.Client, bucket: str) -> None:
    data = pattern(11 * MiB, seed=22)

    async def body() -> AsyncIterator[bytes]:
        for i in range(0, len(data), 256 * 1024):
            yield data[i : i + 256 * 1024]

    calls: list[tuple[int, int | None]] = []
    await client.put_object(
        bucket, "it", body(), part_size=5 * MiB, progress=lambda d, t: calls.append((d, t))
    )
    assert_progress(calls, len(data), None)
    assert len(calls) >= 11 // 4


async def test_async_callback_is_awaited(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    data = pattern(7 * MiB, seed=23)
    path = tmp_path / "up.bin"
    path.write_bytes(data)
    calls: list[tuple[int, int | None]] = []
    running = 0

    async def progress(done: int, total: int | None) -> None:
        nonlocal running
        running += 1
        assert running == 1, "a call began before the one before it had finished"
        await asyncio.sleep(0.01)
        calls.append((done, total))
        running -= 1

    await client.fput_object(bucket, "f", path, part_size=5 * MiB, concurrency=2, progress=progress)
    assert_progress(calls, len(data), len(data))
    calls.clear()
    target = tmp_path / "down.bin"
    await client.fget_object(bucket, "f", target, progress=progress)
    assert target.read_bytes() == data
    assert_progress(calls, len(data), len(data))
    assert len(calls) >= 4


async def test_fget_progress_every_mib(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    data = pattern(9 * MiB + 17, seed=24)
    await client.put_object(bucket, "g", data)
    for concurrency in (1, 3):
        calls: list[tuple[int, int | None]] = []
        target = tmp_path / f"g{concurrency}.bin"
        await client.fget_object(
            bucket,
            "g",
            target,
            concurrency=concurrency,
            part_size=2 * MiB,
            progress=lambda d, t, calls=calls: calls.append((d, t)),
        )
        assert target.read_bytes() == data
        assert_progress(calls, len(data), len(data))
        # One stream: a call every MiB; ranges in parallel: each tells its own MiBs.
        assert max(gaps(calls)) <= (MiB if concurrency == 1 else 2 * MiB), gaps(calls)
        assert len(calls) >= 5


async def test_raising_callback_stops_the_upload(client: aiominio.Client, bucket: str) -> None:
    class Stop(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        if done > 2 * MiB:
            raise Stop

    data = pattern(12 * MiB, seed=25)
    with pytest.raises(Stop):
        await client.put_object(bucket, "stopped", data, part_size=5 * MiB, progress=stop)
    assert [u async for u in client.list_incomplete_uploads(bucket, recursive=True)] == []
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "stopped")


async def test_get_object_progress(client: aiominio.Client, bucket: str) -> None:
    """As the body is read: every MiB and at the end, the total the Content-Length; async
    callbacks awaited; a range counts its own bytes."""
    data = pattern(5 * MiB + 77, seed=26)
    await client.put_object(bucket, "r", data)
    calls: list[tuple[int, int | None]] = []
    async with client.get_object(bucket, "r", progress=lambda d, t: calls.append((d, t))) as obj:
        assert await obj.read() == data
    assert_progress(calls, len(data), len(data))
    assert max(gaps(calls)) <= MiB, gaps(calls)

    seen: list[tuple[int, int | None]] = []

    async def slow(done: int, total: int | None) -> None:
        await asyncio.sleep(0)
        seen.append((done, total))

    obj = await client.get_partial_object(bucket, "r", MiB, 2 * MiB + 1, progress=slow)
    got = b"".join([chunk async for chunk in obj])
    assert got == data[MiB : 3 * MiB + 1]
    assert_progress(seen, 2 * MiB + 1, 2 * MiB + 1)


async def test_raising_callback_stops_the_download(client: aiominio.Client, bucket: str) -> None:
    class Stop(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        if done >= MiB:
            raise Stop

    await client.put_object(bucket, "s", pattern(4 * MiB, seed=27))
    obj = await client.get_object(bucket, "s", progress=stop)
    with pytest.raises(Stop):
        await obj.read()
    assert obj.closed

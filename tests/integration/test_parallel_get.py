"""Parallel ranged downloads: ``fget_object(concurrency=N, part_size=...)``.

Byte-identical results for multipart and single-PUT objects; an interrupted download resumes
the missing ranges only (from ``<partial>.ranges.json``); a changed object, or another range
size, starts over; a corrupted range is caught by the whole-file check; a cancelled download
leaves no file at the target; an object overwritten mid-download is caught by If-Match.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import aiominio
from aiominio import testing
from tests.conftest import RequestLog, Traced
from tests.faultproxy import FaultProxy
from tests.integration.test_transfers import pattern

MiB = 1024 * 1024
RANGE = MiB  # the smallest range size: many ranges from small objects


def range_gets(log: RequestLog, key: str) -> list[str]:
    return [s.headers.get("Range", "") for s in log.of("GET") if s.url.split("?")[0].endswith(key)]


def fetched(log: RequestLog, key: str) -> list[str]:
    """The ranges asked for after the download's first GET: that one asks for the whole object
    (no Range), describes it, and is let go unread when the body is fetched in ranges."""
    asked = range_gets(log, key)
    assert asked[:1] == [""], f"the download did not start with a GET of the whole object: {asked}"
    return asked[1:]


def described(log: RequestLog, key: str) -> list[str]:
    """The HEADs of ``key`` other than those asking a part's size: none, as a download's first
    GET describes the object."""
    return [
        s.url
        for s in log.of("HEAD")
        if s.url.split("?")[0].endswith(key) and "partNumber" not in s.url
    ]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


async def interrupted(
    client: aiominio.Client, bucket: str, key: str, target: Path, after: int, **kwargs: object
) -> None:
    """Start a download and cancel it once ``after`` bytes are in the file."""
    task: asyncio.Task[aiominio.ObjectStat] | None = None

    def progress(done: int, total: int | None) -> None:
        if done >= after and task is not None:
            task.cancel()

    task = asyncio.ensure_future(
        client.fget_object(bucket, key, target, progress=progress, **kwargs)  # type: ignore[arg-type]
    )
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("multipart", [True, False], ids=["multipart", "single-put"])
async def test_byte_identical(
    server: testing.LocalServer, bucket: str, tmp_path: Path, traced: Traced, multipart: bool
) -> None:
    data = pattern(11 * MiB + 12345, seed=30)
    c, log = traced(server)
    async with c:
        part_size = 5 * MiB if multipart else None
        put = await c.put_object(bucket, "obj", data, part_size=part_size)
        assert put.etag.endswith("-3") == multipart
        target = tmp_path / "out.bin"
        stat = await c.fget_object(bucket, "obj", target, concurrency=4, part_size=RANGE)
    assert stat.size == len(data)
    assert target.read_bytes() == data
    assert leftovers(tmp_path) == ["out.bin"], "the partial file or its record was left"
    ranges = fetched(log, "/obj")
    assert len(ranges) == 12, ranges
    assert sorted(ranges, key=lambda r: int(r[6:].split("-")[0])) == [
        f"bytes={i * MiB}-{min((i + 1) * MiB, len(data)) - 1}" for i in range(12)
    ]
    first, *gets = [s for s in log.of("GET") if s.url.split("?")[0].endswith("/obj")]
    # The first GET describes the object (no HEAD): no condition of the caller's to carry, the
    # checksum asked for; every range is pinned to the ETag it gave.
    assert "If-Match" not in first.headers
    assert first.headers.get("x-amz-checksum-mode") == "ENABLED"
    assert described(log, "/obj") == []
    assert all(s.headers.get("If-Match") == f'"{stat.etag}"' for s in gets)
    assert 2 <= log.peak <= 4, "ranges were not fetched concurrently, or too many at once"


async def test_small_object_is_one_stream(
    client: aiominio.Client,
    bucket: str,
    tmp_path: Path,
    traced: Traced,
    server: testing.LocalServer,
) -> None:
    data = pattern(MiB + 5, seed=31)  # under two ranges
    c, log = traced(server)
    async with c:
        await c.put_object(bucket, "small", data)
        await c.fget_object(bucket, "small", tmp_path / "s", concurrency=8, part_size=RANGE)
    assert (tmp_path / "s").read_bytes() == data
    assert range_gets(log, "/small") == [""]


async def test_resume_fetches_only_missing_ranges(
    seaweedfs_server: testing.LocalServer, tmp_path: Path, traced: Traced
) -> None:
    data = pattern(12 * MiB, seed=32)
    async with seaweedfs_server.client() as c:
        bucket = "resume-" + str(id(data) % 100000)
        await c.make_bucket(bucket)
        await c.put_object(bucket, "r", data, part_size=5 * MiB)
        target = tmp_path / "r.bin"
        await interrupted(c, bucket, "r", target, 5 * MiB, concurrency=2, part_size=RANGE)
        assert not target.exists(), "a cancelled download left a file at the target"
        (record,) = tmp_path.glob("*.ranges.json")
        done = json.loads(record.read_text())["done"]
        assert 3 <= len(done) < 12, done
        (partial,) = tmp_path.glob("*.part")
        assert partial.stat().st_size == len(data)  # preallocated
        for i in done:  # a range in the record is in the file
            assert partial.read_bytes()[i * MiB : (i + 1) * MiB] == data[i * MiB : (i + 1) * MiB]

        t, log = traced(seaweedfs_server)
        calls: list[int] = []
        async with t:
            await t.fget_object(
                bucket,
                "r",
                target,
                concurrency=2,
                part_size=RANGE,
                progress=lambda d, _: calls.append(d),
            )
        assert target.read_bytes() == data
        assert leftovers(tmp_path) == ["r.bin"]
        ranges = fetched(log, "/r")  # after the first GET, let go unread
        assert len(ranges) == 12 - len(done), "ranges already done were fetched again"
        assert sorted(int(r[6:].split("-")[0]) // MiB for r in ranges) == sorted(
            set(range(12)) - set(done)
        ), "the ranges fetched are not the ones missing"
        assert calls[0] > len(done) * MiB  # the resumed bytes count from the start
        await c.remove_object(bucket, "r")
        await c.remove_bucket(bucket)


async def test_changed_object_or_range_size_starts_over(
    client: aiominio.Client,
    bucket: str,
    tmp_path: Path,
    traced: Traced,
    server: testing.LocalServer,
) -> None:
    old = pattern(8 * MiB, seed=33)
    await client.put_object(bucket, "c", old)
    target = tmp_path / "c.bin"
    await interrupted(client, bucket, "c", target, 3 * MiB, concurrency=2, part_size=RANGE)
    (old_record,) = tmp_path.glob("*.ranges.json")
    assert json.loads(old_record.read_text())["done"]

    # Another range size: the record does not fit, every range is fetched.
    t, log = traced(server)
    async with t:
        await t.fget_object(bucket, "c", target, concurrency=2, part_size=2 * MiB)
    assert target.read_bytes() == old
    assert len(fetched(log, "/c")) == 4
    assert leftovers(tmp_path) == ["c.bin"]

    # The object changes between an interrupted download and the next: all of it again.
    target.unlink()
    await interrupted(client, bucket, "c", target, 3 * MiB, concurrency=2, part_size=RANGE)
    new = pattern(8 * MiB, seed=34)
    await client.put_object(bucket, "c", new)
    t, log = traced(server)
    async with t:
        await t.fget_object(bucket, "c", target, concurrency=2, part_size=RANGE)
    assert target.read_bytes() == new
    assert len(fetched(log, "/c")) == 8
    # The old version's partial file and record stay, never mistaken for the new one's.
    assert len(list(tmp_path.glob("*.part"))) == 1
    assert len(list(tmp_path.glob("*.ranges.json"))) == 1


async def test_overwritten_mid_download_is_caught_by_if_match(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    old, new = pattern(8 * MiB, seed=35), pattern(8 * MiB, seed=36)
    await client.put_object(bucket, "w", old)
    overwritten = False

    async def overwrite(done: int, total: int | None) -> None:
        nonlocal overwritten
        if done >= 2 * MiB and not overwritten:
            overwritten = True
            await client.put_object(bucket, "w", new)

    target = tmp_path / "w.bin"
    await client.fget_object(
        bucket, "w", target, concurrency=2, part_size=RANGE, progress=overwrite
    )
    assert overwritten
    assert target.read_bytes() == new, "ranges of two versions were spliced together"


@pytest.mark.parametrize("multipart", [True, False], ids=["multipart", "single-put"])
async def test_corrupted_range_is_detected(
    seaweedfs_server: testing.LocalServer, tmp_path: Path, multipart: bool
) -> None:
    data = pattern(10 * MiB + 7, seed=37)
    async with seaweedfs_server.client() as c:
        bucket = f"corrupt-{int(multipart)}-{id(tmp_path) % 100000}"
        await c.make_bucket(bucket)
        await c.put_object(bucket, "x", data, part_size=5 * MiB if multipart else None)
        flipped = 0

        def first_range_only(line: str) -> bool:
            nonlocal flipped
            if line.startswith("GET ") and "/x" in line and flipped == 0:
                flipped += 1
                return True
            return False

        port = urlsplit(seaweedfs_server.endpoint).port
        assert port is not None
        async with FaultProxy(
            port,
            rate=1.0,
            seed=1,
            faults=("flip",),
            flip_ranges=True,
            only=first_range_only,
        ) as proxy:
            through = aiominio.Client(
                proxy.endpoint,
                access_key=seaweedfs_server.access_key,
                secret_key=seaweedfs_server.secret_key,
                region="us-east-1",
            )
            async with through as p:
                # One range comes back corrupted: the whole-file check fails, and the download
                # starts over once, cleanly.
                await p.fget_object(bucket, "x", tmp_path / "once", concurrency=3, part_size=RANGE)
                assert proxy.injected["flip"] == 1
                assert (tmp_path / "once").read_bytes() == data
                # Every range corrupted: both tries fail; nothing is left at the target.
                proxy.only = None
                with pytest.raises(aiominio.InvalidResponseError):
                    await p.fget_object(
                        bucket, "x", tmp_path / "always", concurrency=3, part_size=RANGE
                    )
                assert not (tmp_path / "always").exists()
                assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.json"))
        await c.remove_object(bucket, "x")
        await c.remove_bucket(bucket)


async def test_cancelled_download_leaves_no_target(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    data = pattern(6 * MiB, seed=38)
    await client.put_object(bucket, "k", data)
    target = tmp_path / "k.bin"
    await interrupted(client, bucket, "k", target, 1, concurrency=4, part_size=RANGE)
    assert not target.exists()
    # What stays is for the next call: the partial file and its record.
    names = leftovers(tmp_path)
    assert len(names) == 2 and names[0].endswith(".part") and names[1].endswith(".ranges.json")
    await client.fget_object(bucket, "k", target, concurrency=4, part_size=RANGE)
    assert target.read_bytes() == data
    assert leftovers(tmp_path) == ["k.bin"]


async def test_single_stream_resumes_a_parallel_partial(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    data = pattern(8 * MiB, seed=39)
    await client.put_object(bucket, "m", data)
    target = tmp_path / "m.bin"
    await interrupted(client, bucket, "m", target, 3 * MiB, concurrency=1 + 1, part_size=RANGE)
    await client.fget_object(bucket, "m", target, concurrency=1)
    assert target.read_bytes() == data
    assert leftovers(tmp_path) == ["m.bin"]

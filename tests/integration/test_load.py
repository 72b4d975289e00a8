"""Load held by one client: 10,000 concurrent tasks on a 64-connection pool, and 1,000 slow
readers queued behind each other, against SeaweedFS. Figures are printed, not asserted as times."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
from collections.abc import AsyncIterator

import pytest

import aiominio
from aiominio import testing
from tests.integration.conftest import empty_and_remove, unique_bucket

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
TASKS = 10_000
SMALL = bytes(range(256)) * 16  # 4 KiB


@pytest.fixture
async def load_bucket(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    name = unique_bucket("load")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(name)
        await c.put_object(name, "warm", b"")  # SeaweedFS grows the bucket's volumes first
    yield name
    async with seaweedfs_server.client() as c:
        await empty_and_remove(c, name)


async def test_ten_thousand_concurrent_tasks_on_one_pool(
    seaweedfs_server: testing.LocalServer, load_bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with seaweedfs_server.client(max_connections=64) as c:
        tracemalloc.start()
        try:
            puts = await asyncio.gather(
                *(c.put_object(load_bucket, f"k/{i:05d}", SMALL) for i in range(TASKS))
            )
            put_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()

            async def get(i: int) -> bytes:
                async with c.get_object(load_bucket, f"k/{i:05d}") as obj:
                    return await obj.read()

            bodies = await asyncio.gather(*(get(i) for i in range(TASKS)))
            get_peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        md5 = hashlib.md5(SMALL).hexdigest()
        assert all(p.etag == md5 for p in puts)
        assert all(b == SMALL for b in bodies)
        listed = [o.key async for o in c.list_objects_v2(load_bucket, "k/", recursive=True)]
        assert len(listed) == TASKS
    with capsys.disabled():
        print(
            f"\n[load] {TASKS} concurrent PUTs and {TASKS} concurrent GETs of 4 KiB on 64 "
            f"connections: all succeeded; peak traced Python memory {put_peak / MiB:.1f} MiB "
            f"(PUTs), {get_peak / MiB:.1f} MiB (GETs)"
        )
    # About 10 KiB per task in flight, buffers included; a leak per request would show here.
    assert put_peak < 200 * MiB and get_peak < 200 * MiB


async def test_a_thousand_slow_readers_wait_for_the_pool_without_failing(
    seaweedfs_server: testing.LocalServer, load_bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    body = bytes(range(256)) * 256  # 64 KiB
    async with seaweedfs_server.client() as c:
        await c.put_object(load_bucket, "slow", body)
    # Each reader holds its connection for some 160 ms, so the last of 1,000 wait for the pool
    # about 2.5 s or more: past a 2 s connect timeout (roomy enough for a connect on a busy
    # machine), which must not count the waiting.
    async with seaweedfs_server.client(
        region="us-east-1",
        max_connections=64,
        timeouts=aiominio.Timeouts(connect=2.0),
        retry=aiominio.RetryPolicy(max_attempts=1),
    ) as c:

        async def slow_reader() -> int:
            got = 0
            async with c.get_object(load_bucket, "slow") as obj:
                while chunk := await obj.read(8192):
                    got += len(chunk)
                    await asyncio.sleep(0.02)
            return got

        sizes = await asyncio.gather(*(slow_reader() for _ in range(1000)))
        assert sizes == [len(body)] * 1000
        assert c.retries == 0
    with capsys.disabled():
        print("\n[load] 1000 slow readers on 64 connections, connect timeout 2 s: none failed")

"""Retries, timeouts and cancellation, through the fault-injecting proxy."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

import aiominio
from aiominio import testing
from tests.faultproxy import FaultProxy
from tests.integration.conftest import empty_and_remove, unique_bucket

MiB = 1024 * 1024


@pytest.fixture
async def sw_bucket(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    name = unique_bucket("rel")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(name)
    yield name
    async with seaweedfs_server.client() as c:
        await empty_and_remove(c, name)


def _port(server: testing.LocalServer) -> int:
    port = urlsplit(server.endpoint).port
    assert port is not None
    return port


def _through(proxy: FaultProxy, server: testing.LocalServer, **kwargs: object) -> aiominio.Client:
    return aiominio.Client(
        proxy.endpoint,
        access_key=server.access_key,
        secret_key=server.secret_key,
        region="us-east-1",
        **kwargs,  # type: ignore[arg-type]
    )


async def test_persistent_fault_surfaces_after_the_budget(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    async with FaultProxy(_port(seaweedfs_server), rate=1.0, seed=1, faults=("slowdown",)) as proxy:
        policy = aiominio.RetryPolicy(max_attempts=3, base_delay=0.01)
        async with _through(proxy, seaweedfs_server, retry=policy) as c:
            with pytest.raises(aiominio.SlowDown) as info:
                await c.stat_object(sw_bucket, "k")
        assert info.value.status == 503
        assert proxy.requests == 3
        assert c.retries == 2


class Ceiling(random.Random):
    """Full jitter at its ceiling: every wait is the longest the backoff allows."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def test_a_server_that_stays_down_fails_within_the_time_budget(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    # Attempts would allow 1,000 tries; half a second of 50 ms waits allows about ten.
    policy = aiominio.RetryPolicy(
        max_attempts=1000, base_delay=0.05, max_delay=0.05, max_retry_time=0.5, rng=Ceiling()
    )
    async with FaultProxy(_port(seaweedfs_server), rate=1.0, seed=1, faults=("slowdown",)) as proxy:
        async with _through(proxy, seaweedfs_server, retry=policy) as c:
            with pytest.raises(aiominio.SlowDown):
                await c.stat_object(sw_bucket, "k")
        # The first attempt, then one per 50 ms wait that starts within the 0.5 s budget.
        assert 2 <= proxy.requests <= 12
        assert c.retries == proxy.requests - 1


async def test_client_errors_are_never_retried(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    async with FaultProxy(_port(seaweedfs_server), rate=0.0, seed=1) as proxy:
        async with _through(proxy, seaweedfs_server) as c:
            with pytest.raises(aiominio.NoSuchKey):
                await c.stat_object(sw_bucket, "missing")
            with pytest.raises(aiominio.NoSuchBucket):
                await c.remove_bucket(unique_bucket("none"))
        assert c.retries == 0
        assert proxy.requests == 3  # the HEAD, the bucket check it triggered, the DELETE


async def test_stall_is_a_typed_timeout(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    async with (
        FaultProxy(
            _port(seaweedfs_server), rate=1.0, seed=1, faults=("stall",), stall_seconds=3
        ) as proxy,
        _through(
            proxy,
            seaweedfs_server,
            retry=aiominio.RetryPolicy(max_attempts=1),
            timeouts=aiominio.Timeouts(read=0.3),
        ) as c,
    ):
        # Typed, and catchable as the builtin TimeoutError.
        with pytest.raises(TimeoutError) as info:
            await c.list_buckets()
        assert type(info.value) is aiominio.RequestTimeout
        # A per-call bound of each attempt, through with_options.
        quick = c.with_options(timeouts=aiominio.Timeouts(read=None, attempt=0.4))
        with pytest.raises(TimeoutError) as info:
            await quick.list_buckets()
        assert type(info.value) is aiominio.RequestTimeout


async def test_error_inside_200_is_retried(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    data = bytes(range(256)) * (11 * MiB // 256)

    def complete_requests(line: str) -> bool:
        return line.startswith("POST") and "uploadId=" in line

    async with FaultProxy(
        _port(seaweedfs_server), rate=1.0, seed=3, faults=("error200",), only=complete_requests
    ) as proxy:
        async with _through(
            proxy, seaweedfs_server, retry=aiominio.RetryPolicy(max_attempts=2, base_delay=0.01)
        ) as c:
            with pytest.raises(aiominio.InternalError):
                await c.put_object(sw_bucket, "e200", data, part_size=5 * MiB)
        assert proxy.injected["error200"] == 2
    async with seaweedfs_server.client() as direct:
        assert [u async for u in direct.list_incomplete_uploads(sw_bucket, recursive=True)] == []
        with pytest.raises(aiominio.NoSuchKey):
            await direct.stat_object(sw_bucket, "e200")

    async with (
        FaultProxy(
            _port(seaweedfs_server), rate=0.5, seed=3, faults=("error200",), only=complete_requests
        ) as proxy,
        _through(
            proxy, seaweedfs_server, retry=aiominio.RetryPolicy(max_attempts=8, base_delay=0.01)
        ) as c,
    ):
        await c.put_object(sw_bucket, "e200", data, part_size=5 * MiB)
        async with c.get_object(sw_bucket, "e200") as obj:
            assert hashlib.sha256(await obj.read()).digest() == hashlib.sha256(data).digest()


async def test_download_cut_mid_body_is_resumed(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    data = bytes(range(256)) * (8 * MiB // 256)
    async with seaweedfs_server.client() as direct:
        await direct.put_object(sw_bucket, "cut", data)

    def gets(line: str) -> bool:
        return line.startswith("GET") and "/cut" in line

    async with FaultProxy(
        _port(seaweedfs_server),
        rate=0.6,
        seed=11,
        faults=("truncate", "reset_response"),
        only=gets,
    ) as proxy:
        async with _through(proxy, seaweedfs_server, retry=aiominio.RetryPolicy(10, 0.01)) as c:
            for _ in range(5):
                async with c.get_object(sw_bucket, "cut") as obj:
                    assert await obj.read() == data
        assert sum(proxy.injected.values()) > 0


async def test_cancelling_a_call_releases_its_connection(
    seaweedfs_server: testing.LocalServer, sw_bucket: str
) -> None:
    async with (
        FaultProxy(
            _port(seaweedfs_server),
            rate=1.0,
            seed=1,
            faults=("stall",),
            stall_seconds=30,
            only=lambda line: "/stalled" in line,
        ) as proxy,
        _through(proxy, seaweedfs_server, max_connections=1) as c,
    ):
        task = asyncio.create_task(c.stat_object(sw_bucket, "stalled"))
        # In flight: the proxy holds the request (and the pool's only connection).
        await asyncio.wait_for(proxy.fault_started.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The only connection of the pool is free again.
        await asyncio.wait_for(c.put_object(sw_bucket, "after", b"ok"), 10)

"""Bytes corrupted between SeaweedFS and the client, by the fault-injecting proxy: a flipped byte
in a download is caught by the stored checksum or ETag, one in an upload by the server (BadDigest,
sent again), and an answer that ignores Range is refused. No wrong byte reaches a caller or file."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import aiominio
from aiominio import testing
from tests.faultproxy import FaultProxy
from tests.integration.conftest import empty_and_remove, unique_bucket

MiB = 1024 * 1024
SMALL = bytes(range(256)) * 400
BIG = hashlib.sha256(b"seed").digest() * (11 * MiB // 32)


@pytest.fixture
async def stored(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    """A bucket holding ``small`` (one PUT) and ``big`` (three parts)."""
    name = unique_bucket("corrupt")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(name)
        await c.put_object(name, "small", SMALL)
        await c.put_object(name, "big", BIG, part_size=5 * MiB)
    yield name
    async with seaweedfs_server.client() as c:
        await empty_and_remove(c, name)


def _proxy(server: testing.LocalServer, fault: str, method: str, rate: float = 1.0) -> FaultProxy:
    port = urlsplit(server.endpoint).port
    assert port is not None
    return FaultProxy(
        port, rate=rate, seed=3, faults=(fault,), only=lambda line: line.startswith(method)
    )


def _through(proxy: FaultProxy, server: testing.LocalServer, attempts: int = 3) -> aiominio.Client:
    return aiominio.Client(
        proxy.endpoint,
        access_key=server.access_key,
        secret_key=server.secret_key,
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0.01),
    )


async def test_a_flipped_byte_in_get_object_fails_typed(
    seaweedfs_server: testing.LocalServer, stored: str
) -> None:
    async with _proxy(seaweedfs_server, "flip", "GET") as proxy:
        async with _through(proxy, seaweedfs_server) as c:
            with pytest.raises(aiominio.InvalidResponseError, match="corrupted"):
                async with c.get_object(stored, "small") as obj:
                    await obj.read()
        assert proxy.injected["flip"] == 1


async def test_a_flipped_byte_never_reaches_a_file(
    seaweedfs_server: testing.LocalServer, stored: str, tmp_path: Path
) -> None:
    async with _proxy(seaweedfs_server, "flip", "GET") as proxy:
        async with _through(proxy, seaweedfs_server) as c:
            for key in ("small", "big"):
                with pytest.raises(aiominio.InvalidResponseError, match="corrupted"):
                    await c.fget_object(stored, key, tmp_path / key)
        assert list(tmp_path.iterdir()) == []
        assert proxy.injected["flip"] == 4  # each download was tried twice
    # Half the GETs flipped: each file is either right or absent.
    async with _proxy(seaweedfs_server, "flip", "GET", rate=0.5) as proxy:
        async with _through(proxy, seaweedfs_server) as c:
            for key, data in (("small", SMALL), ("big", BIG)):
                for i in range(4):
                    target = tmp_path / f"{key}{i}"
                    try:
                        await c.fget_object(stored, key, target)
                    except aiominio.InvalidResponseError:
                        assert not target.exists()
                    else:
                        assert target.read_bytes() == data
        assert proxy.injected["flip"] > 0


async def test_a_flipped_byte_in_an_upload_is_sent_again(
    seaweedfs_server: testing.LocalServer, stored: str
) -> None:
    async with _proxy(seaweedfs_server, "flip", "PUT") as proxy:
        async with _through(proxy, seaweedfs_server, attempts=2) as c:
            with pytest.raises(aiominio.BadDigest):
                await c.put_object(stored, "up", b"x" * 1000)
        assert proxy.injected["flip"] == 2  # the server refused it twice
    async with _proxy(seaweedfs_server, "flip", "PUT", rate=0.5) as proxy:
        async with _through(proxy, seaweedfs_server, attempts=10) as c:
            for i in range(8):
                data = bytes([i]) * 70_000
                await c.put_object(stored, f"up{i}", data)
                async with c.get_object(stored, f"up{i}") as obj:
                    assert await obj.read() == data
        assert proxy.injected["flip"] > 0


async def test_a_range_answered_with_the_whole_object_is_refused(
    seaweedfs_server: testing.LocalServer, stored: str
) -> None:
    async with (
        _proxy(seaweedfs_server, "range_ignored", "GET") as proxy,
        _through(proxy, seaweedfs_server) as c,
    ):
        async with c.get_object(stored, "small") as obj:  # seen whole by the proxy
            assert await obj.read() == SMALL
        with pytest.raises(aiominio.InvalidResponseError, match="Range was ignored"):
            async with c.get_partial_object(stored, "small", 1000, 10) as obj:
                await obj.read()
    async with _proxy(seaweedfs_server, "range_ignored", "GET", rate=0.5) as proxy:
        async with _through(proxy, seaweedfs_server, attempts=10) as c:
            async with c.get_object(stored, "small") as obj:
                assert await obj.read() == SMALL
            for off in range(0, 8000, 1000):
                async with c.get_partial_object(stored, "small", off, 500) as obj:
                    assert await obj.read() == SMALL[off : off + 500]
        assert proxy.injected["range_ignored"] > 0

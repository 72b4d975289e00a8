"""The client on uvloop, the loop FastAPI runs on under ``uvicorn[standard]`` (this directory's
conftest makes it the tests' loop): every kind of transfer against SeaweedFS, with the same
results as on asyncio's own loop."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import aiohttp
import pytest

from aiominio import testing
from tests.integration.conftest import unique_bucket

uvloop = pytest.importorskip("uvloop", reason="uvloop is not built for this platform")

MiB = 1024 * 1024


async def test_the_tests_run_on_uvloop() -> None:
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


async def test_every_kind_of_transfer_on_uvloop(
    seaweedfs_server: testing.LocalServer, tmp_path: Path
) -> None:
    data = os.urandom(12 * MiB + 5)
    source, target = tmp_path / "up.bin", tmp_path / "down.bin"
    source.write_bytes(data)
    async with seaweedfs_server.client() as client:
        bucket = unique_bucket("uv")
        await client.make_bucket(bucket)
        put = await client.put_object(bucket, "mem", data, part_size=5 * MiB, concurrency=3)
        assert put.etag.endswith("-3")
        async with client.get_object(bucket, "mem") as obj:
            assert hashlib.sha256(await obj.read()).digest() == hashlib.sha256(data).digest()
        await client.fput_object(bucket, "file", source, part_size=5 * MiB)
        await client.fget_object(bucket, "file", str(target), concurrency=4, part_size=5 * MiB)
        assert target.read_bytes() == data
        async with client.get_partial_object(bucket, "file", 7, 100) as obj:
            assert await obj.read() == data[7:107]
        assert await client.get_ranges(bucket, "file", [(0, 4), (MiB, MiB + 4)]) == [
            data[:4],
            data[MiB : MiB + 4],
        ]
        listed = sorted([o.key async for o in client.list_objects_v2(bucket)])
        assert listed == ["file", "mem"]
        url = await client.presigned_get_object(bucket, "mem")
        async with aiohttp.ClientSession() as session, session.get(url) as resp:
            assert resp.status == 200 and len(await resp.read()) == len(data)
        results = await asyncio.gather(
            *(client.put_object(bucket, f"small/{i}", b"x" * i) for i in range(50))
        )
        assert len({r.etag for r in results}) == 50
        assert (
            await client.remove_objects(
                bucket, [o.key async for o in client.list_objects(bucket, recursive=True)]
            )
            == []
        )
        await client.remove_bucket(bucket)

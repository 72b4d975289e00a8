"""A cancelled ``fget_object`` closes its file even when the close has to wait for a thread.

aiofiles closes a file by a job for the event loop's executor; a cancellation that lands while
that job still waits for a free thread used to call it off, leaving the file open (found by the
cancellation storm, tests/integration/test_storm.py). Here the executor has one thread, kept
busy from the moment the last chunk is written, so the close always has to wait.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aiominio import testing
from aiominio.transfer.files import partial_path
from tests.integration.conftest import empty_and_remove, unique_bucket


@pytest.fixture
async def cf_bucket(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    name = unique_bucket("cf")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(name)
    yield name
    async with seaweedfs_server.client() as c:
        await empty_and_remove(c, name)


async def test_fget_cancelled_at_its_last_chunk_closes_its_file(
    seaweedfs_server: testing.LocalServer, cf_bucket: str, tmp_path: Path
) -> None:
    data = b"x" * 300_000
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    gate = threading.Event()
    busy: list[asyncio.Future[bool]] = []
    target = tmp_path / "out.bin"

    def progress(done: int, total: int | None) -> None:
        if done == len(data):
            busy.append(loop.run_in_executor(None, gate.wait))  # the one thread is taken
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # lands on the next wait: the file's close

    async with seaweedfs_server.client() as c:
        put = await c.put_object(cf_bucket, "k", data)
        download = asyncio.ensure_future(c.fget_object(cf_bucket, "k", target, progress=progress))
        await asyncio.wait([download])
        assert download.cancelled()
        del download  # its traceback would keep the file alive past gc.collect()
        gate.set()
        await busy[0]
        for _ in range(100):  # the close, queued behind the gate, runs now
            await asyncio.sleep(0.01)
            if len(asyncio.all_tasks()) == 1:
                break
    gc.collect()  # an unclosed file warns here, and filterwarnings=error fails the test
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        Path(partial_path(str(target), put.etag)).name
    ]

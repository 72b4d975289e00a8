"""A cancelled ``fget_object`` closes its file even when the close has to wait for a thread.

aiofiles closes a file by a job for the event loop's executor; a cancellation that lands while
that job still waits for a free thread used to call it off, leaving the file open (found by the
cancellation storm, tests/integration/test_storm.py). The partial file of a download is written
by jobs for that executor too, and its descriptor may only be closed once they have run. Here
the executor has one thread, kept busy once the first MiB is in the file, so the cancel lands
while the next write waits for it, and the close has to wait behind that write.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aiominio import testing
from aiominio.transfer.files import partial_path
from tests.integration.conftest import empty_and_remove, unique_bucket
from tests.integration.test_transfers import pattern

MiB = 1 << 20


@pytest.fixture
async def cf_bucket(seaweedfs_server: testing.LocalServer) -> AsyncIterator[str]:
    name = unique_bucket("cf")
    async with seaweedfs_server.client() as c:
        await c.make_bucket(name)
    yield name
    async with seaweedfs_server.client() as c:
        await empty_and_remove(c, name)


def open_descriptors_of(path: Path) -> list[int]:
    """This process's descriptors open on ``path``."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                found.append(int(fd))
        except OSError:
            pass  # the descriptor listdir itself used, closed since
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
async def test_fget_cancelled_while_its_write_waits_for_a_thread_closes_its_file(
    seaweedfs_server: testing.LocalServer, cf_bucket: str, tmp_path: Path
) -> None:
    data = pattern(4 * MiB, seed=40)  # read as one stream, written about a MiB at a time
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(executor)
    gate = threading.Event()
    busy: list[asyncio.Future[bool]] = []
    told: list[int] = []
    target = tmp_path / "out.bin"

    def progress(done: int, total: int | None) -> None:
        told.append(done)
        if not busy:  # the first block is in the file: the one thread is taken
            busy.append(loop.run_in_executor(None, gate.wait))

    async with seaweedfs_server.client() as c:
        put = await c.put_object(cf_bucket, "k", data)
        partial = Path(partial_path(str(target), put.etag))
        download = asyncio.ensure_future(c.fget_object(cf_bucket, "k", target, progress=progress))
        for _ in range(1000):  # until the next block's write waits behind the gate
            await asyncio.sleep(0.01)
            if executor._work_queue.qsize() or download.done():
                break
        assert executor._work_queue.qsize() == 1, "no write waited for the thread"
        assert told and told[-1] < len(data)
        download.cancel()  # lands on the download's wait for that write
        await asyncio.wait([download])
        assert download.cancelled()
        del download  # its traceback would keep the file alive past gc.collect()
        # The queued write still has the descriptor: it is not closed (nor reused) under it.
        assert len(open_descriptors_of(partial)) == 1
        gate.set()
        await busy[0]
        for _ in range(100):  # the write, then the close, queued behind the gate, run now
            await asyncio.sleep(0.01)
            if len(asyncio.all_tasks()) == 1 and not open_descriptors_of(partial):
                break
    gc.collect()  # an unclosed file warns here, and filterwarnings=error fails the test
    assert open_descriptors_of(partial) == [], "the partial file was left open"
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [partial.name]
    # What is in it is the object's start, the queued write included: for the next call.
    kept = partial.read_bytes()
    assert told[0] < len(kept) < len(data)
    assert data.startswith(kept)

"""The partial file of ``fget_object`` through :class:`aiominio.testing.MockTransport`: private
while it is written, never presented as the complete file (a short, cut-off, cancelled or
spoilt download leaves nothing at the target), resumed by the next call only when it can be
trusted, and nothing planted at its name is written through."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

import aiominio
from aiominio.testing import MockResponse
from tests.unit.transfer.objects import ObjectServer, broken, client_for, pattern, ranges

BIG = pattern(3 << 20, seed=4)


def in_pieces(body: object, size: int) -> list[bytes | BaseException]:
    """A body as it arrives over a network: in pieces of ``size`` bytes."""
    assert isinstance(body, bytes)
    return [body[i : i + size] for i in range(0, len(body), size)]


async def interrupted(server: ObjectServer, path: Path, at: int = 2_500_000) -> Path:
    """Run a download that breaks off ``at`` bytes in (one attempt); its partial file."""
    server.tamper = lambda request, answer: (
        broken(answer, at) if request.method == "GET" else answer
    )
    async with client_for(server.transport(), attempts=1) as client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.fget_object("bkt", "k", path)
    server.tamper = None
    (partial,) = path.parent.glob(f"{path.name}.*.part")
    return partial


async def test_while_the_body_streams_only_a_private_partial_file_exists(tmp_path: Path) -> None:
    seen: list[tuple[bool, list[int]]] = []
    server = ObjectServer(BIG)

    def progress(done: int, total: int | None) -> None:
        if done < len(BIG):  # told of each block written, while the rest still streams
            modes = [stat.S_IMODE(p.stat().st_mode) for p in tmp_path.glob("out.*.part")]
            seen.append(((tmp_path / "out").exists(), modes))

    async with client_for(server.transport()) as client:
        await client.fget_object("bkt", "k", tmp_path / "out", progress=progress)
    assert len(seen) >= 2
    assert all(s == (False, [0o600]) for s in seen)
    assert (tmp_path / "out").read_bytes() == BIG


async def test_a_body_that_stays_short_never_becomes_the_file(tmp_path: Path) -> None:
    server = ObjectServer(BIG)
    server.tamper = lambda request, answer: (
        # Ends cleanly, but short of its Content-Length, every time.
        MockResponse(answer.status, answer.headers, BIG[:1000])
        if request.method == "GET"
        else answer
    )
    async with client_for(server.transport(), attempts=2) as client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.fget_object("bkt", "k", tmp_path / "out")
    assert not (tmp_path / "out").exists()


async def test_a_cancelled_download_leaves_its_partial_file_for_the_next_call(
    tmp_path: Path,
) -> None:
    server = ObjectServer(BIG)
    written = asyncio.Event()

    async def progress(done: int, total: int | None) -> None:
        if done >= 2 << 20:
            written.set()
            await asyncio.sleep(3600)  # the download waits here when it is cancelled

    server.tamper = lambda request, answer: MockResponse(
        answer.status, answer.headers, in_pieces(answer.body, 1 << 16)
    )
    async with client_for(server.transport()) as client:
        task = asyncio.ensure_future(
            client.fget_object("bkt", "k", tmp_path / "out", progress=progress)
        )
        await asyncio.wait_for(written.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    assert not (tmp_path / "out").exists()
    (partial,) = tmp_path.glob("out.*.part")
    assert partial.read_bytes() == BIG[: 2 << 20]  # the blocks written before the cancel

    server.tamper = None
    resumed = server.transport()
    async with client_for(resumed) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    assert ranges(resumed) == [None, f"bytes={2 << 20}-"]  # the first one let go
    assert (tmp_path / "out").read_bytes() == BIG
    assert not partial.exists()


async def test_a_partial_file_longer_than_the_object_is_started_over(tmp_path: Path) -> None:
    server = ObjectServer(BIG)
    partial = await interrupted(server, tmp_path / "out")
    with partial.open("ab") as f:
        f.write(b"\xee" * (4 << 20))  # now longer than the object
    transport = server.transport()
    async with client_for(transport) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    # Read whole from the first answer (not after a failed round on the oversized file).
    assert [r.method for r in transport.requests] == ["GET"]
    assert ranges(transport) == [None]
    assert (tmp_path / "out").read_bytes() == BIG


async def test_a_spoilt_partial_file_is_not_presented_as_complete(tmp_path: Path) -> None:
    server = ObjectServer(BIG)
    partial = await interrupted(server, tmp_path / "out")
    size = partial.stat().st_size
    partial.write_bytes(b"\x00" * size)  # resumed from, but not the object's bytes
    transport = server.transport()
    async with client_for(transport) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    # The resumed file failed its check, was removed, and the object was fetched again whole.
    assert ranges(transport) == [None, f"bytes={size}-", None]
    assert (tmp_path / "out").read_bytes() == BIG


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
async def test_a_symlink_planted_at_the_partial_name_is_not_written_through(
    tmp_path: Path,
) -> None:
    server = ObjectServer(BIG)
    partial = await interrupted(server, tmp_path / "out")
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    partial.unlink()
    partial.symlink_to(victim)
    async with client_for(server.transport()) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    assert victim.read_bytes() == b"precious"
    assert partial.is_symlink()  # left alone
    assert (tmp_path / "out").read_bytes() == BIG
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", "victim", partial.name])

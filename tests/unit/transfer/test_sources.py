"""Upload sources: what callers have, read as exact chunks of bytes."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aiominio.transfer import sources
from aiominio.transfer.sources import make_source, read_local


async def read_all(source: object, n: int) -> list[bytes]:
    chunks = []
    while chunk := bytes(await source.read(n)):  # type: ignore[attr-defined]
        chunks.append(chunk)
    return chunks


@pytest.mark.parametrize(
    "data", [b"abcdefg", bytearray(b"abcdefg"), memoryview(b"abcdefg"), "abcdefg"]
)
async def test_buffers_and_text_are_read_in_exact_chunks(data: object) -> None:
    source = make_source(data, None)  # type: ignore[arg-type]
    assert source.size == 7
    assert await read_all(source, 3) == [b"abc", b"def", b"g"]


async def test_a_sync_file_is_read_from_where_it_stands() -> None:
    f = io.BytesIO(b"skip-body")
    f.seek(5)
    source = make_source(f, 4)
    assert await read_all(source, 10) == [b"body"]


async def test_an_async_iterable_is_regrouped_and_has_no_size() -> None:
    async def parts() -> AsyncIterator[bytes]:
        for piece in (b"ab", b"", b"cde", b"f"):
            yield piece

    source = make_source(parts(), None)
    assert source.size is None
    assert await read_all(source, 4) == [b"abcd", b"ef"]


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="size"):
        make_source(b"x", -1)


# -- local files to upload ----------------------------------------------------------------------


def test_a_small_regular_file_is_read_whole_and_closed(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"hello")
    body, size = read_local(str(tmp_path / "f"), 10)
    assert (body, size) == (b"hello", 5)


def test_a_file_above_the_limit_is_handed_over_open_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 11)
    body, size = read_local(str(tmp_path / "f"), 10)
    assert not isinstance(body, bytes)
    with body:
        assert size == 11
        assert body.read() == b"x" * 11


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        read_local(str(tmp_path), 10)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_with_no_writer_opens_at_once_and_reads_empty(tmp_path: Path) -> None:
    """A FIFO planted at the name: a plain open would wait for a writer for ever (the test
    would hang); it opens at once, tells no size, and reads to its end."""
    os.mkfifo(tmp_path / "p")
    done: list[tuple[bytes, int | None]] = []

    def upload() -> None:
        body, size = read_local(str(tmp_path / "p"), 10)
        assert not isinstance(body, bytes)
        with body:
            done.append((body.read(), size))

    worker = threading.Thread(target=upload, daemon=True)
    worker.start()
    worker.join(10)
    assert done == [(b"", None)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_with_a_writer_is_read_to_its_end(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p")
    writer = os.open(tmp_path / "p", os.O_RDWR)  # holds the FIFO open for writing
    try:
        body, size = read_local(str(tmp_path / "p"), 10)
        assert not isinstance(body, bytes) and size is None
        os.write(writer, b"from a pipe")
    finally:
        os.close(writer)
    with body:
        assert body.read() == b"from a pipe"


async def test_a_cancelled_load_closes_the_file_its_thread_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "f").write_bytes(b"x" * 100)
    gate = threading.Event()
    opened: list[object] = []

    def slow_read(path: str, limit: int) -> tuple[object, int | None]:
        gate.wait(10)  # still in the thread when the caller is cancelled
        result = read_local(path, limit)
        opened.append(result[0])
        return result

    monkeypatch.setattr(sources, "read_local", slow_read)
    task = asyncio.ensure_future(sources.load_local(str(tmp_path / "f"), 10))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    gate.set()
    for _ in range(200):
        await asyncio.sleep(0.01)
        if opened and opened[0].closed:  # type: ignore[attr-defined]
            break
    assert opened and opened[0].closed  # type: ignore[attr-defined]

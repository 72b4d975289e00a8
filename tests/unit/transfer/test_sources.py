"""Upload sources: what callers have, read as exact chunks of bytes."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest

from aiominio.transfer.sources import make_source


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

"""Uploads from an async file that has ``read`` only (no ``readinto``): what
:class:`aiominio.sources.AsyncReadable` promises is enough, in one request and in parts."""

from __future__ import annotations

import os

import pytest

import aiominio

MIB = 1024 * 1024


class ReadOnlyAsyncFile:
    """An async binary reader with nothing but ``read``."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0
        self.reads = 0

    async def read(self, size: int) -> bytes:
        self.reads += 1
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk


@pytest.mark.parametrize("size", [1000, 11 * MIB])
async def test_an_async_reader_without_readinto_uploads(
    client: aiominio.Client, bucket: str, size: int
) -> None:
    body = os.urandom(size)
    source = ReadOnlyAsyncFile(body)
    await client.put_object(bucket, "from-reader", source, size, part_size=5 * MIB)
    assert source.reads > 0
    async with client.get_object(bucket, "from-reader") as reader:
        assert await reader.read() == body

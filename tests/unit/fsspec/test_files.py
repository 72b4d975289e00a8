"""aiominio/fsspec/files.py: the adaptive read cache (with a fake fetcher) and the streamed
upload (against an in-memory S3), with no server."""

from __future__ import annotations

import pytest

from aiominio.fsspec.files import AdaptiveCache, StreamedUpload, put_whole
from tests.unit.fsspec.mockserver import FakeS3

DATA = bytes(range(256)) * 400  # 102,400 bytes


class Fetcher:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, stop: int) -> bytes:
        self.calls.append((start, stop))
        return DATA[start:stop]


def test_hits_are_served_from_the_buffer() -> None:
    fetch = Fetcher()
    cache = AdaptiveCache(64 * 1024, fetch, len(DATA), minimum=1024)
    assert cache._fetch(0, 100) == DATA[:100]
    assert cache._fetch(100, 500) == DATA[100:500]
    assert fetch.calls == [(0, 1024)]
    assert cache.hit_count == 1 and cache.miss_count == 1


def test_sequential_reads_grow_the_read_ahead() -> None:
    fetch = Fetcher()
    cache = AdaptiveCache(16 * 1024, fetch, len(DATA), minimum=1024)
    pos, out = 0, []
    while pos < len(DATA):
        out.append(cache._fetch(pos, pos + 1000))
        pos += 1000
    assert b"".join(out) == DATA
    sizes = [b - a for a, b in fetch.calls]
    assert sizes[:5] == [1024, 2048, 4096, 8192, 16384]
    assert max(sizes) == 16 * 1024
    assert cache.fetched == len(DATA)  # every byte fetched once


def test_a_seek_resets_the_read_ahead() -> None:
    fetch = Fetcher()
    cache = AdaptiveCache(16 * 1024, fetch, len(DATA), minimum=1024)
    for pos in range(0, 8000, 1000):
        cache._fetch(pos, pos + 1000)
    cache._fetch(90_000, 90_010)
    assert fetch.calls[-1] == (90_000, 91_024)


def test_reads_at_and_past_the_end() -> None:
    fetch = Fetcher()
    cache = AdaptiveCache(1024, fetch, len(DATA), minimum=512)
    assert cache._fetch(len(DATA) - 10, len(DATA) + 50) == DATA[-10:]
    assert cache._fetch(len(DATA), len(DATA) + 1) == b""
    assert cache._fetch(None, 10) == DATA[:10]


async def test_a_streamed_upload_goes_up_in_parts() -> None:
    s3 = FakeS3()
    client = s3.client()
    try:
        upload = StreamedUpload(lambda: client, "bkt", "k", part_size=5 * 2**20, create=False)
        chunk = b"x" * (3 * 2**20)
        for _ in range(3):
            await upload.send(chunk)
        result = await upload.finish(b"tail")
        assert result.etag == "m-2"
        assert s3.objects["k"] == chunk * 3 + b"tail"
    finally:
        await client.close()


async def test_an_aborted_upload_aborts_its_multipart_upload() -> None:
    s3 = FakeS3()
    client = s3.client()
    try:
        upload = StreamedUpload(lambda: client, "bkt", "k", part_size=5 * 2**20, create=False)
        for _ in range(4):
            await upload.send(b"y" * 2**20 * 2)
        await upload.abort()
        assert s3.created  # a part was read: the multipart upload had begun
        assert s3.aborted == s3.created and not s3.uploads
        assert "k" not in s3.objects
    finally:
        await client.close()


async def test_create_only_writes_raise_file_exists() -> None:
    s3 = FakeS3()
    client = s3.client()
    try:
        s3.objects["k"] = b"there"
        with pytest.raises(FileExistsError):
            await put_whole(client, "bkt", "k", b"new", create=True, part_size=5 * 2**20)
        upload = StreamedUpload(lambda: client, "bkt", "k", part_size=5 * 2**20, create=True)
        await upload.send(b"z" * 6 * 2**20)
        with pytest.raises(FileExistsError):
            await upload.finish(b"")
        assert s3.objects["k"] == b"there"
    finally:
        await client.close()


def test_a_directory_does_not_open_and_a_file_reads_through_the_cache() -> None:
    from fsspec.asyn import sync

    from aiominio.fsspec import AiominioFileSystem

    s3 = FakeS3()
    client = s3.client()
    fs = AiominioFileSystem(client=client, skip_instance_cache=True)
    try:
        s3.objects.update({"d/f": DATA})
        with pytest.raises(IsADirectoryError):
            fs.open("bkt/d")
        with pytest.raises(FileNotFoundError):
            fs.open("bkt/nope")
        with fs.open("bkt/d/f", cache_options={"minimum": 4096}) as f:
            f.seek(50_000)
            assert f.read(100) == DATA[50_000:50_100]
            assert isinstance(f.cache, AdaptiveCache) and f.cache.fetched == 4096
            ranged = [r for r in s3.of("GET") if r.header("Range")]
            assert [r.header("If-Match") for r in ranged] == ['"e"']  # pinned to the ETag
        with pytest.raises(ValueError, match="mode"):
            fs.open("bkt/d/f", "ab")
    finally:
        sync(fs.loop, client.close)

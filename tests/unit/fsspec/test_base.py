"""aiominio/fsspec/base.py: listings, ``info``, the listing cache and the loop after a fork,
against an in-memory S3 (no server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aiominio.fsspec import AiominioFileSystem, base
from tests.unit.fsspec.mockserver import FakeS3


@pytest.fixture
async def s3() -> FakeS3:
    return FakeS3()


@pytest.fixture
async def fs(s3: FakeS3) -> AsyncIterator[AiominioFileSystem]:
    client = s3.client()
    yield AiominioFileSystem(client=client, asynchronous=True, skip_instance_cache=True)
    await client.close()


async def test_info_of_a_listed_entry_asks_nothing_more(fs: AiominioFileSystem, s3: FakeS3) -> None:
    s3.objects.update({"d/a": b"12", "d/e/f": b"3"})
    await fs._ls("bkt/d")
    asked = len(s3.requests)
    assert (await fs._info("bkt/d/a"))["size"] == 2
    assert (await fs._info("bkt/d/e"))["type"] == "directory"
    assert await fs._isdir("bkt/d/e") and not await fs._isdir("bkt/d/a")
    assert len(s3.requests) == asked


async def test_info_of_files_directories_and_nothing(fs: AiominioFileSystem, s3: FakeS3) -> None:
    s3.objects.update({"f": b"1", "d/x": b"2", "m/": b""})
    assert (await fs._info("bkt/f"))["type"] == "file"
    assert (await fs._info("bkt/d"))["type"] == "directory"
    assert (await fs._info("bkt/m"))["type"] == "directory"  # a directory marker
    assert (await fs._info("bkt"))["type"] == "directory"
    with pytest.raises(FileNotFoundError):
        await fs._info("bkt/nothing")


async def test_ls_skips_the_directorys_own_marker(fs: AiominioFileSystem, s3: FakeS3) -> None:
    s3.objects.update({"m/": b"", "m/a": b"1"})
    assert await fs._ls("bkt/m", detail=False) == ["bkt/m/a"]
    with pytest.raises(FileNotFoundError):
        await fs._ls("bkt/none")


async def test_find_lists_once_and_derives_the_directories(
    fs: AiominioFileSystem, s3: FakeS3
) -> None:
    s3.objects.update({"t/a/b/c": b"1", "t/d": b"2", "t/m/": b""})
    assert await fs._find("bkt/t") == ["bkt/t/a/b/c", "bkt/t/d"]
    assert await fs._find("bkt/t", withdirs=True) == [
        "bkt/t",
        "bkt/t/a",
        "bkt/t/a/b",
        "bkt/t/a/b/c",
        "bkt/t/d",
        "bkt/t/m",
    ]
    assert len([r for r in s3.of("GET") if "list-type" in r.query]) == 2
    assert await fs._find("bkt/t/d") == ["bkt/t/d"]  # a file finds itself
    assert await fs._find("bkt/nothing") == []


def test_invalidate_cache_forgets_the_path_and_its_parents() -> None:
    fs = AiominioFileSystem(
        endpoint_url="http://s3.test", asynchronous=True, skip_instance_cache=True
    )
    for path in ("", "bkt", "bkt/a", "bkt/a/b", "bkt/z"):
        fs.dircache[path] = []
    fs.invalidate_cache("aiominio://bkt/a/b/c")
    assert sorted(fs.dircache) == ["bkt/z"]
    fs.invalidate_cache()
    assert not fs.dircache


def test_the_loop_of_a_forked_child_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    fs = AiominioFileSystem(endpoint_url="http://s3.test", skip_instance_cache=True)
    sentinel = object()
    monkeypatch.setattr(base.os, "getpid", lambda: -1)
    monkeypatch.setattr(base, "get_loop", lambda: sentinel)
    assert fs.loop is sentinel  # fsspec's own check would raise "not fork-safe"
    assert fs._pid == -1

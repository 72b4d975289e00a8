"""aiominio/fsspec/base.py: listings, ``info``, the listing cache and the loop after a fork,
against an in-memory S3 (no server)."""

from __future__ import annotations

import errno
from collections.abc import AsyncIterator

import pytest

from aiominio.fsspec import AiominioFileSystem, base
from aiominio.testing import MockRequest, MockResponse
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


# -- long reads in pieces -----------------------------------------------------------------------

MiB = 1 << 20


def pattern(size: int) -> bytes:
    block = bytes(range(251))
    return (block * (size // 251 + 1))[:size]


async def test_a_long_read_is_fetched_in_pinned_pieces(fs: AiominioFileSystem, s3: FakeS3) -> None:
    data = pattern(40 * MiB + 5)
    s3.objects["big"] = data
    got = await fs._cat_file("bkt/big", 3, 40 * MiB + 5)
    assert got == data[3:]
    gets = s3.of("GET")
    piece = base.READ_PIECE
    assert sorted(r.header("Range") for r in gets) == sorted(
        f"bytes={o}-{min(o + piece, 40 * MiB + 5) - 1}" for o in range(3, 40 * MiB + 5, piece)
    )
    # The first piece's answer gives the ETag every other piece is pinned to.
    assert gets[0].header("If-Match") is None
    assert {r.header("If-Match") for r in gets[1:]} == {'"e"'}


async def test_a_long_read_past_the_end_asks_nothing_past_it(
    fs: AiominioFileSystem, s3: FakeS3
) -> None:
    data = pattern(20 * MiB)
    s3.objects["big"] = data
    assert await fs._cat_file("bkt/big", 0, 10**12) == data
    assert len(s3.of("GET")) == -(-len(data) // base.READ_PIECE)  # 3 pieces, not 119,210


async def test_a_short_read_is_one_get(fs: AiominioFileSystem, s3: FakeS3) -> None:
    s3.objects["big"] = pattern(20 * MiB)
    assert (
        await fs._cat_file("bkt/big", 0, base.SPLIT_READS_FROM - 1)
        == pattern(20 * MiB)[: base.SPLIT_READS_FROM - 1]
    )
    assert len(s3.of("GET")) == 1


async def test_an_object_changed_between_pieces_fails_the_read(
    fs: AiominioFileSystem, s3: FakeS3, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.objects["big"] = pattern(20 * MiB)
    answer = s3.answer

    def changed(request: MockRequest) -> MockResponse:
        if request.header("If-Match") is not None:  # overwritten after the first piece
            s3.requests.append(request)
            body = b"<Error><Code>PreconditionFailed</Code><Message>m</Message></Error>"
            return MockResponse(412, {}, body)
        return answer(request)

    monkeypatch.setattr(s3, "answer", changed)
    client = s3.client()
    changed_fs = AiominioFileSystem(client=client, asynchronous=True, skip_instance_cache=True)
    try:
        with pytest.raises(OSError, match="changed") as raised:
            await changed_fs._cat_file("bkt/big", 0, 20 * MiB)
    finally:
        await client.close()
    assert raised.value.errno == errno.ESTALE


async def test_a_long_read_of_an_object_of_untold_size_is_read_in_two(
    s3: FakeS3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server answering ``Content-Range: bytes a-b/*`` tells no size to plan pieces by:
    the rest comes in one more request, all of it, and nothing is asked past the end."""
    data = pattern(20 * MiB)
    s3.objects["big"] = data
    answer = s3.answer

    def untold(request: MockRequest) -> MockResponse:
        response = answer(request)
        told = response.headers.get("Content-Range")
        if told:
            headers = {**response.headers, "Content-Range": told.rpartition("/")[0] + "/*"}
            return MockResponse(response.status, headers, response.body)
        return response

    monkeypatch.setattr(s3, "answer", untold)
    client = s3.client()
    fs = AiominioFileSystem(client=client, asynchronous=True, skip_instance_cache=True)
    try:
        assert await fs._cat_file("bkt/big", 0, 20 * MiB) == data
        assert await fs._cat_file("bkt/big", 5, 10**12) == data[5:]
    finally:
        await client.close()
    assert len(s3.of("GET")) == 4

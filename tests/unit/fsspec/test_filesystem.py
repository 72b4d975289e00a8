"""aiominio/fsspec/filesystem.py, against an in-memory S3 (no server): what each operation
asks of the server."""

from __future__ import annotations

import pickle
import re
from collections.abc import AsyncIterator

import pytest

from aiominio.fsspec import AiominioFileSystem
from tests.unit.fsspec.mockserver import FakeS3


@pytest.fixture
async def s3() -> FakeS3:
    return FakeS3()


@pytest.fixture
async def fs(s3: FakeS3) -> AsyncIterator[AiominioFileSystem]:
    client = s3.client()
    yield AiominioFileSystem(client=client, asynchronous=True, skip_instance_cache=True)
    await client.close()


async def test_rm_recursive_is_one_delete_with_the_markers_deepest_first(
    fs: AiominioFileSystem, s3: FakeS3
) -> None:
    s3.objects.update({"d/x/1": b"1", "d/x/2": b"2", "d/y": b"3", "keep": b"4"})
    await fs._rm("bkt/d", recursive=True)
    deletes = [r for r in s3.of("POST") if "delete" in r.query]
    keys = re.findall(r"<Key>(.*?)</Key>", deletes[0].body.decode())
    # the objects, and each directory both as a key and as a marker ("d/x/")
    assert sorted(keys) == ["d", "d/", "d/x", "d/x/", "d/x/1", "d/x/2", "d/y"]
    assert len(deletes) == 1
    assert keys.index("d/x/") < keys.index("d/")  # what was inside goes first
    assert s3.objects == {"keep": b"4"}


async def test_rm_clears_the_emptied_directory_above(fs: AiominioFileSystem, s3: FakeS3) -> None:
    s3.objects.update({"a/b/c": b"1", "a/keep": b"2"})
    await fs._rm("bkt/a/b/c")
    deletes = [r for r in s3.of("POST") if "delete" in r.query]
    # "a/b" is empty now: its marker goes; "a" still holds "keep": its marker stays
    assert re.findall(r"<Key>(.*?)</Key>", deletes[-1].body.decode()) == ["a/b/"]


async def test_pipe_create_asks_if_none_match(fs: AiominioFileSystem, s3: FakeS3) -> None:
    await fs._pipe_file("bkt/k", b"1", mode="create")
    assert s3.of("PUT")[-1].header("If-None-Match") == "*"
    with pytest.raises(FileExistsError):
        await fs._pipe_file("bkt/k", b"2", mode="create")
    await fs._pipe_file("bkt/k", b"3")
    assert s3.of("PUT")[-1].header("If-None-Match") is None
    assert s3.objects["k"] == b"3"


async def test_cat_ranges_merges_close_ranges_into_one_get(
    fs: AiominioFileSystem, s3: FakeS3
) -> None:
    s3.objects["k"] = bytes(range(256)) * 8
    got = await fs._cat_ranges(
        ["bkt/k", "bkt/k", "bkt/k"], [0, 20, 1000], [10, 30, 1010], max_gap=1024
    )
    data = s3.objects["k"]
    assert got == [data[0:10], data[20:30], data[1000:1010]]
    gets = s3.of("GET")
    assert len(gets) == 1 and gets[0].header("Range") == "bytes=0-1009"


async def test_cat_ranges_from_the_end_asks_the_size_once(
    fs: AiominioFileSystem, s3: FakeS3
) -> None:
    s3.objects["k"] = b"0123456789"
    assert await fs._cat_ranges(["bkt/k", "bkt/k"], [-3, None], [None, 2]) == [b"789", b"01"]
    assert len(s3.of("HEAD")) == 1


async def test_a_missing_object_is_file_not_found(fs: AiominioFileSystem) -> None:
    with pytest.raises(FileNotFoundError):
        await fs._cat_file("bkt/nope")
    with pytest.raises(FileNotFoundError):
        await fs._info("bkt/nope")
    with pytest.raises(FileNotFoundError):
        await fs._cp_file("bkt/nope", "bkt/other")


async def test_the_listing_cache_is_invalidated_by_writes(
    fs: AiominioFileSystem, s3: FakeS3
) -> None:
    s3.objects["d/a"] = b"1"
    assert await fs._ls("bkt/d", detail=False) == ["bkt/d/a"]
    await fs._pipe_file("bkt/d/b", b"2")
    assert await fs._ls("bkt/d", detail=False) == ["bkt/d/a", "bkt/d/b"]


async def test_a_filesystem_over_a_given_client_refuses_to_pickle(fs: AiominioFileSystem) -> None:
    with pytest.raises(TypeError, match="client="):
        pickle.dumps(fs)


def test_a_filesystem_from_options_pickles_without_io() -> None:
    fs = AiominioFileSystem(
        endpoint_url="http://s3.test",
        key="a",
        secret="b",
        asynchronous=True,
        skip_instance_cache=True,
    )
    clone = pickle.loads(pickle.dumps(fs))
    assert isinstance(clone, AiominioFileSystem) and clone.endpoint_url == "http://s3.test"
    assert clone._pool.made == 0


def test_strip_protocol_of_lists() -> None:
    assert AiominioFileSystem._strip_protocol(["aiominio://bkt/k", "s3://bkt/"]) == ["bkt/k", "bkt"]


def test_the_entry_point_names_the_filesystem() -> None:
    """fsspec finds ``aiominio://`` through pyproject's ``fsspec.specs`` entry point."""
    tomllib = pytest.importorskip("tomllib")
    import importlib
    from pathlib import Path

    pyproject = Path(__file__).parents[3] / "pyproject.toml"
    specs = tomllib.loads(pyproject.read_text())["project"]["entry-points"]["fsspec.specs"]
    module, _, name = specs["aiominio"].partition(":")
    assert getattr(importlib.import_module(module), name) is AiominioFileSystem


def test_register_serves_s3_urls_with_the_filesystem() -> None:
    import fsspec
    from fsspec.registry import _registry

    import aiominio.fsspec

    before = {p: _registry.get(p) for p in ("s3", "s3a", "other")}
    try:
        aiominio.fsspec.register()
        assert fsspec.get_filesystem_class("s3") is AiominioFileSystem
        assert fsspec.get_filesystem_class("s3a") is AiominioFileSystem
        aiominio.fsspec.register("other")
        assert fsspec.get_filesystem_class("other") is AiominioFileSystem
    finally:
        for protocol, cls in before.items():
            if cls is None:
                _registry.pop(protocol, None)
            else:
                fsspec.register_implementation(protocol, cls, clobber=True)


async def test_a_put_of_a_tree_asks_for_its_bucket_once(
    fs: AiominioFileSystem, s3: FakeS3, tmp_path: pytest.TempPathFactory
) -> None:
    root = tmp_path / "tree"  # type: ignore[operator]
    for d in ("a", "a/b", "c"):
        (root / d).mkdir(parents=True)
        (root / d / "f").write_bytes(d.encode())
    await fs._put(str(root), "bkt/up", recursive=True)
    assert sorted(k for k in s3.objects if k.startswith("up")) == ["up/a/b/f", "up/a/f", "up/c/f"]
    bucket_heads = [r for r in s3.of("HEAD") if r.path.rstrip("/") == "/bkt"]
    assert len(bucket_heads) == 1  # not one per directory
    fs.invalidate_cache()
    await fs._makedirs("bkt/up/again", exist_ok=True)
    assert len([r for r in s3.of("HEAD") if r.path.rstrip("/") == "/bkt"]) == 2  # asked again


async def test_a_get_of_a_tree_lists_it_once(
    fs: AiominioFileSystem, s3: FakeS3, tmp_path: pytest.TempPathFactory
) -> None:
    s3.objects.update({"t/a/1": b"1", "t/a/b/2": b"2", "t/c/3": b"3"})
    target = tmp_path / "out"  # type: ignore[operator]
    await fs._get("bkt/t", str(target), recursive=True)
    assert (target / "a" / "b" / "2").read_bytes() == b"2"
    assert (target / "c" / "3").read_bytes() == b"3"
    listings = [r for r in s3.of("GET") if "list-type" in r.query]
    assert len(listings) == 1  # the recursive listing; no listing per directory

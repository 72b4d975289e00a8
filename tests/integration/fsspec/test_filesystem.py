"""The filesystem's own behaviour on the real servers (SeaweedFS and moto), beyond fsspec's
conformance suites: URLs and storage options, listings and their cache, ranged and coalesced
reads, conditional writes, server-side copies, batched removes, presigned URLs, directories."""

from __future__ import annotations

import os
import pickle
import urllib.request
from pathlib import Path

import fsspec
import pytest
from fsspec.callbacks import Callback

import aiominio.fsspec
from aiominio import testing
from aiominio.fsspec import AiominioFileSystem
from tests.conftest import RequestLog
from tests.integration.fsspec.conftest import MakeFs, options_for


def test_fsspec_finds_the_protocol_and_opens_urls(
    server: testing.LocalServer, fs: AiominioFileSystem, fs_bucket: str
) -> None:
    found = fsspec.filesystem("aiominio", **options_for(server), skip_instance_cache=True)
    try:
        assert isinstance(found, AiominioFileSystem)
        with fsspec.open(f"aiominio://{fs_bucket}/a.txt", "wb", **options_for(server)) as f:
            f.write(b"hello")
        assert found.cat_file(f"aiominio://{fs_bucket}/a.txt") == b"hello"
        assert fs.cat(f"{fs_bucket}/a.txt") == b"hello"
    finally:
        found.close()
        of = fsspec.open(f"aiominio://{fs_bucket}/a.txt", **options_for(server)).fs
        of.close()


def test_register_serves_s3_urls(server: testing.LocalServer, fs_bucket: str) -> None:
    from fsspec.registry import _registry

    before = _registry.get("s3")
    aiominio.fsspec.register("s3")
    try:
        s3 = fsspec.filesystem("s3", **options_for(server), skip_instance_cache=True)
        assert isinstance(s3, AiominioFileSystem)
        s3.pipe_file(f"s3://{fs_bucket}/k", b"v")
        assert s3.cat_file(f"{fs_bucket}/k") == b"v"
        s3.close()
    finally:
        if before is None:
            _registry.pop("s3", None)
        else:
            fsspec.register_implementation("s3", before, clobber=True)


def test_s3fs_storage_options(server: testing.LocalServer, make_fs: MakeFs, fs_bucket: str) -> None:
    fs = make_fs(
        server,
        endpoint_url=None,
        client_kwargs={"endpoint_url": server.endpoint, "region_name": "us-east-1"},
        default_block_size=6 * 2**20,
    )
    fs.pipe_file(f"{fs_bucket}/x", b"1")
    assert fs.info(f"{fs_bucket}/x")["size"] == 1
    assert fs.open(f"{fs_bucket}/x").blocksize == 6 * 2**20
    with pytest.raises(TypeError, match="unknown storage option"):
        AiominioFileSystem(endpoint_url=server.endpoint, no_such_option=1, skip_instance_cache=True)


def test_wrong_secret_is_refused(
    server: testing.LocalServer, make_fs: MakeFs, fs_bucket: str
) -> None:
    if not server.checks_signatures:
        pytest.skip(f"{server.name} accepts any signature")
    bad = make_fs(server, secret="wrong")
    with pytest.raises(PermissionError):
        bad.cat_file(f"{fs_bucket}/nothing")


def test_info_ls_find_walk_du_glob(fs: AiominioFileSystem, fs_bucket: str) -> None:
    b = fs_bucket
    fs.pipe({f"{b}/top": b"1", f"{b}/d/one": b"22", f"{b}/d/e/two": b"333", f"{b}/d.txt": b"4"})
    assert fs.info(f"{b}/d/one")["type"] == "file"
    assert fs.info(f"{b}/d/one")["size"] == 2
    assert fs.info(f"{b}/d")["type"] == "directory"
    assert fs.info(b)["type"] == "directory"
    with pytest.raises(FileNotFoundError):
        fs.info(f"{b}/nope")
    assert fs.ls(b, detail=False) == [f"{b}/d", f"{b}/d.txt", f"{b}/top"]
    assert fs.ls(f"{b}/d/one", detail=False) == [f"{b}/d/one"]  # a file lists as itself
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{b}/nope")
    assert fs.find(b) == [f"{b}/d.txt", f"{b}/d/e/two", f"{b}/d/one", f"{b}/top"]
    assert f"{b}/d/e" in fs.find(b, withdirs=True)
    assert fs.find(b, maxdepth=1) == [f"{b}/d.txt", f"{b}/top"]
    assert fs.du(b) == 7
    assert fs.du(f"{b}/d", total=False) == {f"{b}/d/e/two": 3, f"{b}/d/one": 2}
    assert fs.glob(f"{b}/d/**/t*") == [f"{b}/d/e/two"]
    assert fs.glob(f"{b}/d*") == [f"{b}/d", f"{b}/d.txt"]
    walked = {root: (sorted(dirs), sorted(files)) for root, dirs, files in fs.walk(b)}
    assert walked == {
        b: (["d"], ["d.txt", "top"]),
        f"{b}/d": (["e"], ["one"]),
        f"{b}/d/e": ([], ["two"]),
    }
    assert fs.isdir(f"{b}/d") and not fs.isdir(f"{b}/d/one") and not fs.isdir(f"{b}/zz")
    assert fs.isfile(f"{b}/d/one") and not fs.isfile(f"{b}/d")
    assert fs.exists(f"{b}/d") and not fs.exists(f"{b}/dd")


def test_the_listing_cache_sees_every_write(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    b = fs_bucket
    fs.pipe_file(f"{b}/d/a", b"a")
    assert fs.ls(f"{b}/d", detail=False) == [f"{b}/d/a"]
    lists = len(log.of("GET", "list-type=2"))
    assert fs.ls(f"{b}/d", detail=False) == [f"{b}/d/a"]  # from the cache
    assert len(log.of("GET", "list-type=2")) == lists
    with fs.open(f"{b}/d/b", "wb") as f:
        f.write(b"b")
    assert fs.ls(f"{b}/d", detail=False) == [f"{b}/d/a", f"{b}/d/b"]
    fs.cp_file(f"{b}/d/a", f"{b}/d/c")
    assert fs.ls(f"{b}/d", detail=False) == [f"{b}/d/a", f"{b}/d/b", f"{b}/d/c"]
    fs.rm(f"{b}/d/a")
    assert fs.ls(f"{b}/d", detail=False) == [f"{b}/d/b", f"{b}/d/c"]
    fs.pipe_file(f"{b}/d/e/f", b"x")
    assert fs.ls(f"{b}/d", detail=False) == [f"{b}/d/b", f"{b}/d/c", f"{b}/d/e"]
    assert fs.ls(b, detail=False) == [f"{b}/d"]


def test_an_emptied_directory_is_gone_on_every_server(
    fs: AiominioFileSystem, fs_bucket: str
) -> None:
    # SeaweedFS keeps "a/b/" as a directory once its last object is removed; the filesystem
    # clears it, so both servers answer as S3 does.
    b = fs_bucket
    fs.pipe({f"{b}/a/b/c": b"1", f"{b}/a/keep": b"2"})
    fs.rm(f"{b}/a/b/c")
    assert fs.ls(f"{b}/a", detail=False) == [f"{b}/a/keep"]
    assert not fs.exists(f"{b}/a/b")
    fs.rm(f"{b}/a/keep")
    assert fs.ls(b, detail=False) == []
    assert not fs.isdir(f"{b}/a")


def test_mkdir_makes_buckets_and_nothing_for_prefixes(
    fs: AiominioFileSystem, fs_bucket: str
) -> None:
    fs.mkdir(f"{fs_bucket}/some/prefix")  # nothing stored: S3 has no empty directories
    assert not fs.exists(f"{fs_bucket}/some/prefix")
    with pytest.raises(FileExistsError):
        fs.mkdir(fs_bucket)
    fs.makedirs(fs_bucket, exist_ok=True)
    assert fs_bucket in fs.ls("", detail=False)


def test_cat_file_ranges(fs: AiominioFileSystem, fs_bucket: str) -> None:
    path = f"{fs_bucket}/digits"
    fs.pipe_file(path, b"0123456789")
    assert fs.cat_file(path, start=2, end=5) == b"234"
    assert fs.cat_file(path, start=-3) == b"789"
    assert fs.cat_file(path, start=1, end=-1) == b"12345678"
    assert fs.cat_file(path, start=8, end=100) == b"89"
    assert fs.cat_file(path, start=20) == b""
    with pytest.raises(FileNotFoundError):
        fs.cat_file(f"{fs_bucket}/nope")


def test_a_long_read_in_pieces_is_the_object_s_bytes(
    fs: AiominioFileSystem, fs_bucket: str
) -> None:
    """A read of 16 MiB or more goes in 8 MiB pieces at once; what comes back is the bytes,
    also where the read runs past the end or starts inside the last piece."""
    path = f"{fs_bucket}/long"
    data = os.urandom(3 << 20) * 7  # 21 MiB
    fs.pipe_file(path, data)
    assert fs.cat_file(path) == data
    assert fs.cat_file(path, start=5, end=(20 << 20) + 3) == data[5 : (20 << 20) + 3]
    assert fs.cat_file(path, start=1 << 20, end=1 << 40) == data[1 << 20 :]
    with fs.open(path, "rb") as f:
        f.seek(1000)
        assert f.read(18 << 20) == data[1000 : 1000 + (18 << 20)]


def test_cat_ranges_coalesces_nearby_ranges(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    data = bytes(range(256)) * 4096  # 1 MiB
    fs.pipe({f"{fs_bucket}/a": data, f"{fs_bucket}/b": data})
    starts = [0, 100, 5000, 900_000, 10]
    ends = [10, 200, 6000, 900_100, 20]
    paths = [f"{fs_bucket}/a"] * 4 + [f"{fs_bucket}/b"]
    gets = len(log.of("GET"))
    got = fs.cat_ranges(paths, starts, ends, max_gap=64 * 1024)
    assert got == [data[s:e] for s, e in zip(starts, ends, strict=True)]
    # a: [0, 6000) in one GET and [900000, 900100) in another; b: one
    assert len(log.of("GET")) - gets == 3
    missing = fs.cat_ranges([f"{fs_bucket}/nope"], [0], [1])
    assert isinstance(missing[0], FileNotFoundError)


def test_pipe_create_refuses_an_existing_key(fs: AiominioFileSystem, fs_bucket: str) -> None:
    path = f"{fs_bucket}/once"
    fs.pipe_file(path, b"first", mode="create")
    with pytest.raises(FileExistsError):
        fs.pipe_file(path, b"second", mode="create")
    assert fs.cat_file(path) == b"first"


class Counting(Callback):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int | None] = []

    def set_size(self, size: int | None) -> None:
        self.sizes.append(size)
        super().set_size(size)


def test_put_and_get_files_with_callbacks(
    fs: AiominioFileSystem, fs_bucket: str, tmp_path: Path
) -> None:
    local = tmp_path / "up.bin"
    payload = os.urandom(3 * 2**20 + 7)
    local.write_bytes(payload)
    up = Counting()
    fs.put_file(str(local), f"{fs_bucket}/up.bin", callback=up)
    assert up.sizes[-1] == len(payload) and up.value == len(payload)
    down = Counting()
    fs.get_file(f"{fs_bucket}/up.bin", str(tmp_path / "down.bin"), callback=down)
    assert (tmp_path / "down.bin").read_bytes() == payload
    assert down.value == len(payload)
    with pytest.raises(FileExistsError):
        fs.put_file(str(local), f"{fs_bucket}/up.bin", mode="create")


def test_copies_stay_on_the_server(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    fs.pipe_file(f"{fs_bucket}/src", b"payload")
    gets = len(log.of("GET"))
    fs.cp_file(f"{fs_bucket}/src", f"{fs_bucket}/dst")
    assert len(log.of("GET")) == gets  # no byte came to the client
    copies = [s for s in log.of("PUT") if "x-amz-copy-source" in {k.lower() for k in s.headers}]
    assert len(copies) == 1
    assert fs.cat_file(f"{fs_bucket}/dst") == b"payload"
    with pytest.raises(FileNotFoundError):
        fs.cp_file(f"{fs_bucket}/nope", f"{fs_bucket}/x")


def test_rm_removes_in_batches_of_a_thousand(
    traced_fs: tuple[AiominioFileSystem, RequestLog], fs_bucket: str
) -> None:
    fs, log = traced_fs
    fs.pipe({f"{fs_bucket}/many/{i:05}": b"" for i in range(1500)})
    fs.rm(f"{fs_bucket}/many", recursive=True)
    assert len(log.of("POST", "delete")) <= 3  # the objects in two, the directories in one
    assert fs.find(fs_bucket) == []


def test_rm_of_a_bucket_recursively_removes_it(fs: AiominioFileSystem) -> None:
    from tests.integration.conftest import unique_bucket

    name = unique_bucket("fsrm")
    fs.mkdir(name)
    fs.pipe_file(f"{name}/x/y", b"1")
    fs.rm(name, recursive=True)
    assert not fs.exists(name)


def test_modified_checksum_and_sign(fs: AiominioFileSystem, fs_bucket: str) -> None:
    path = f"{fs_bucket}/k"
    fs.pipe_file(path, b"one")
    first = fs.checksum(path)
    assert fs.modified(path).tzinfo is not None
    fs.pipe_file(path, b"two!")
    assert fs.checksum(path) != first
    url = fs.sign(path, expiration=60)
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"two!"


def test_the_filesystem_pickles(
    server: testing.LocalServer, make_fs: MakeFs, fs_bucket: str
) -> None:
    fs = make_fs(server)
    fs.pipe_file(f"{fs_bucket}/p", b"pickled")
    clone = pickle.loads(pickle.dumps(fs))
    assert clone.cat_file(f"{fs_bucket}/p") == b"pickled"
    clone.close()


def test_a_filesystem_over_a_given_client_does_not_pickle(
    traced_fs: tuple[AiominioFileSystem, RequestLog],
) -> None:
    fs, _ = traced_fs
    with pytest.raises(TypeError, match="client="):
        pickle.dumps(fs)

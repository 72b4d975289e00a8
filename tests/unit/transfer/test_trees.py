"""The trees of a directory transfer (aiominio/transfer/trees.py): a local directory walked on
``tmp_path`` (nested folders, symbolic links, a FIFO, partial downloads, unreadable entries), a
prefix listed through :class:`aiominio.testing.MockTransport` (folder markers, hostile keys kept
verbatim or refused, paging), and ``both``, which leaves no listing running when one fails."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from aiominio import InvalidResponseError, S3Prefix
from aiominio.core.sync import TreeEntry
from aiominio.testing import MockRequest, MockResponse
from aiominio.transfer.trees import PARTIAL_DOWNLOAD, both, list_tree, walk_local
from tests.unit.mock_client import mock_client

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")


# -- walk_local -------------------------------------------------------------------------------


def test_every_regular_file_by_relative_key_with_its_size_and_mtime(tmp_path: Path) -> None:
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "top.txt").write_bytes(b"12345")
    (tmp_path / "a" / "b" / "c" / "deep.bin").write_bytes(b"x" * 70)
    (tmp_path / "a" / "empty").write_bytes(b"")
    (tmp_path / "a" / "empty-dir").mkdir()
    os.utime(tmp_path / "top.txt", (1_000_000, 1_234_567.5))
    tree = walk_local(str(tmp_path))
    assert tree.entries == {
        "a/b/c/deep.bin": TreeEntry(70, (tmp_path / "a/b/c/deep.bin").stat().st_mtime),
        "a/empty": TreeEntry(0, (tmp_path / "a/empty").stat().st_mtime),
        "top.txt": TreeEntry(5, 1_234_567.5),
    }
    assert tree.paths == {
        "a/b/c/deep.bin": os.path.join(tmp_path, "a", "b", "c", "deep.bin"),
        "a/empty": os.path.join(tmp_path, "a", "empty"),
        "top.txt": os.path.join(tmp_path, "top.txt"),
    }
    assert tree.ignored == ()
    assert all(entry.etag is None for entry in tree.entries.values())


def test_a_missing_root_is_an_empty_tree_not_an_error(tmp_path: Path) -> None:
    tree = walk_local(str(tmp_path / "missing"))
    assert (tree.entries, tree.paths, tree.ignored) == ({}, {}, ())


@needs_symlinks
def test_links_to_files_are_followed_to_directories_not_broken_ones_ignored(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "target.txt").write_bytes(b"target!")
    (outside / "sub" / "hidden.txt").write_bytes(b"h")
    root = tmp_path / "root"
    root.mkdir()
    (root / "file-link").symlink_to(outside / "target.txt")
    (root / "dir-link").symlink_to(outside / "sub", target_is_directory=True)
    (root / "broken").symlink_to(tmp_path / "nowhere")
    (root / "loop").symlink_to(root / "loop")
    tree = walk_local(str(root))
    assert tree.entries == {
        "file-link": TreeEntry(7, (outside / "target.txt").stat().st_mtime),
    }
    assert tree.paths == {"file-link": os.path.join(root, "file-link")}  # the link, not the target
    assert sorted(tree.ignored) == [os.path.join(root, "broken"), os.path.join(root, "loop")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_ignored_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "d" / "pipe")  # opening it would block: a stat must not
    (tmp_path / "d" / "real").write_bytes(b"r")
    tree = walk_local(str(tmp_path))
    assert list(tree.entries) == ["d/real"]
    assert tree.ignored == (os.path.join(tmp_path, "d", "pipe"),)


def test_partial_downloads_are_no_files_of_the_tree(tmp_path: Path) -> None:
    names = [
        "f.bin.0123456789abcdef.part",  # fget_object's partial file
        "f.bin.0123456789abcdef.part.ranges.json",  # and a parallel download's record
        "f.bin",
        "notes.part",  # not one of ours: a file like any other
        "f.bin.0123456789ABCDEF.part",  # upper-case hex: not ours either
        "f.bin.0123456789abcde.part",  # 15 digits
        "x.0123456789abcdef.part.json",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"p")
    tree = walk_local(str(tmp_path))
    assert sorted(tree.entries) == sorted(names[2:])
    assert tree.ignored == ()
    assert PARTIAL_DOWNLOAD.fullmatch(names[0]) and PARTIAL_DOWNLOAD.fullmatch(names[1])


def test_unreadable_files_and_folders_are_ignored_the_others_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "secret").write_bytes(b"s")
    (tmp_path / "gone").write_bytes(b"g")
    (tmp_path / "ok").write_bytes(b"o")
    locked, gone = os.path.join(tmp_path, "locked"), os.path.join(tmp_path, "gone")
    real_scandir, real_stat = os.scandir, os.stat

    def scandir(path: str) -> object:  # as for a folder without read permission (not as root)
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    def stat(path: str, *args: object, **kwargs: object) -> os.stat_result:  # removed meanwhile
        if os.fspath(path) == gone:
            raise FileNotFoundError(2, "No such file", path)
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)
    tree = walk_local(str(tmp_path))
    assert list(tree.entries) == ["ok"]
    assert sorted(tree.ignored) == [gone, locked]


def test_a_root_that_cannot_be_read_is_not_listed_as_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def scandir(path: str) -> object:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert walk_local(str(tmp_path)).ignored == ()


def test_names_are_kept_verbatim_as_keys(tmp_path: Path) -> None:
    names = ["sp ace", "ü-nïcode", "a+b=c&d", "%41", "back\\slash", "#hash?"]
    (tmp_path / "dir.with.dots").mkdir()
    for name in names:
        (tmp_path / "dir.with.dots" / name).write_bytes(b"n")
    tree = walk_local(str(tmp_path))
    assert sorted(tree.entries) == sorted(f"dir.with.dots/{n}" for n in names)


# -- list_tree --------------------------------------------------------------------------------


def listing(
    keys: list[tuple[str, int]], *, prefix: str, truncated: str | None = None
) -> MockResponse:
    contents = "".join(
        f"<Contents><Key>{escape(k)}</Key><Size>{size}</Size><ETag>&quot;e-{size}&quot;</ETag>"
        "<LastModified>2026-12-07T10:00:00.000Z</LastModified></Contents>"
        for k, size in keys
    )
    more = f"<IsTruncated>true</IsTruncated><NextMarker>{truncated}</NextMarker>"
    body = (
        f"<ListBucketResult><Name>bkt</Name><Prefix>{escape(prefix)}</Prefix>"
        f"{more if truncated else '<IsTruncated>false</IsTruncated>'}{contents}</ListBucketResult>"
    )
    return MockResponse(200, {"Content-Type": "application/xml"}, body.encode())


MTIME = datetime(2026, 12, 7, 10, tzinfo=timezone.utc).timestamp()


async def test_a_prefix_is_listed_as_a_directory_by_relative_key() -> None:
    answer = listing([("photos/a.jpg", 3), ("photos/2024/b.jpg", 5)], prefix="photos/")
    client, transport = mock_client(lambda request: answer)
    async with client:
        tree = await list_tree(client.requester, S3Prefix("bkt", "photos"))
    assert tree == {
        "a.jpg": TreeEntry(3, MTIME, "e-3"),
        "2024/b.jpg": TreeEntry(5, MTIME, "e-5"),
    }
    (request,) = transport.requests
    assert request.method == "GET" and request.path == "/bkt"
    assert request.query.get("prefix") == "photos/"  # "photos" would also list photos-old/
    assert "delimiter" not in request.query  # recursive
    assert "list-type" not in request.query  # a version 1 listing, as every server answers


async def test_folder_markers_are_left_out_hostile_keys_kept_verbatim() -> None:
    keys = [
        ("p/", 0),  # the prefix itself
        ("p/dir/", 0),  # a folder marker
        ("p/../escape", 1),
        ("p//abs", 2),
        ("p/a/./b", 3),
        ("p/ok", 4),
    ]
    client, _ = mock_client(lambda request: listing(keys, prefix="p/"))
    async with client:
        tree = await list_tree(client.requester, S3Prefix("bkt", "p/"))
    # refused later, when a download maps them to local paths: a listing holds keys, not paths
    assert sorted(tree) == ["../escape", "/abs", "a/./b", "ok"]


async def test_a_key_outside_the_prefix_fails_the_whole_listing() -> None:
    keys = [("p/a", 1), ("pp/b", 1)]  # starts with "p" but is not under "p/"
    client, _ = mock_client(lambda request: listing(keys, prefix="p/"))
    async with client:
        with pytest.raises(InvalidResponseError, match="'pp/b' is not under 'p/'"):
            await list_tree(client.requester, S3Prefix("bkt", "p"))


async def test_the_whole_bucket_and_every_page_are_listed() -> None:
    pages = {
        "": listing([("a", 1), ("b/c", 2)], prefix="", truncated="b/c"),
        "b/c": listing([("d", 3)], prefix=""),
    }

    def handler(request: MockRequest) -> MockResponse:
        return pages[request.query.get("marker", "")]

    client, transport = mock_client(handler)
    async with client:
        tree = await list_tree(client.requester, S3Prefix("bkt"))
    assert sorted(tree) == ["a", "b/c", "d"]
    assert [r.query.get("marker") for r in transport.requests] == [None, "b/c"]


# -- both -------------------------------------------------------------------------------------


async def test_both_gives_both_results_in_order() -> None:
    async def later(value: int, turns: int) -> int:
        for _ in range(turns):
            await asyncio.sleep(0)
        return value

    assert await both(later(1, 5), later(2, 0)) == (1, 2)


async def test_when_one_fails_the_other_is_cancelled_and_the_error_raised() -> None:
    cancelled = asyncio.Event()

    async def forever() -> int:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return 0

    async def fails() -> int:
        await asyncio.sleep(0)
        raise InvalidResponseError("bad listing")

    with pytest.raises(InvalidResponseError, match="bad listing"):
        await both(forever(), fails())
    assert cancelled.is_set()

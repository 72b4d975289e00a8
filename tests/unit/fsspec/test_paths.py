"""aiominio/fsspec/paths.py: bucket/key paths, with no I/O."""

from __future__ import annotations

import pytest

from aiominio.fsspec import paths


@pytest.mark.parametrize(
    ("given", "stripped"),
    [
        ("aiominio://b/k/", "b/k"),
        ("s3://b/k", "b/k"),
        ("s3a://b", "b"),
        ("/b/k/", "b/k"),
        ("b", "b"),
        ("", ""),
        ("gs://b/k", "gs://b/k"),  # not ours: left alone
    ],
)
def test_strip_protocol(given: str, stripped: str) -> None:
    assert paths.strip_protocol(given) == stripped


def test_split_and_join() -> None:
    assert paths.split_path("aiominio://b/a/b/c") == ("b", "a/b/c")
    assert paths.split_path("b") == ("b", "")
    assert paths.join("b", "a/c") == "b/a/c"
    assert paths.join("b", "") == "b"


def test_parent_and_ancestors() -> None:
    assert paths.parent("b/x/y") == "b/x"
    assert paths.parent("b") == ""
    assert list(paths.ancestors("b/x/y/f")) == ["b/x/y", "b/x"]
    assert list(paths.ancestors("b/f")) == []


def test_dir_prefix() -> None:
    assert paths.dir_prefix("a/b") == "a/b/"
    assert paths.dir_prefix("") == ""


def test_directories_between() -> None:
    assert list(paths.directories_between("b", "b/x/y/f")) == ["b/x", "b/x/y"]
    assert list(paths.directories_between("b/x", "b/x/f")) == []
    assert list(paths.directories_between("", "b/x/f")) == ["b", "b/x"]


def test_ghost_candidates_are_the_parents_not_removed_deepest_first() -> None:
    removed = ["b/a/x/1", "b/a/x/2", "b/a/y", "b/c/d/e"]
    assert paths.ghost_candidates(removed) == ["b/a/x", "b/c/d", "b/a", "b/c"]
    assert paths.ghost_candidates(["b/a", "b/a/f"]) == []

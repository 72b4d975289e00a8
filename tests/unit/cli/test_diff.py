"""diff (:mod:`aiominio.cli.diff`): the comparison of two trees, the lines and JSON it prints,
and every bad argument refused as a usage error (exit code 2) before any connection."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from aiominio.cli import output
from aiominio.cli.diff import (
    Difference,
    compare_trees,
    difference_json,
    difference_line,
    tree_path,
)
from aiominio.cli.paths import LocalPath, S3Location
from aiominio.core.sync import TreeEntry

T0 = 1_700_000_000.0

# -- diff: the comparison ------------------------------------------------------------------------


def test_presence_and_size_are_compared_and_sorted_by_relative_path() -> None:
    source = {
        "b.txt": TreeEntry(3, T0),
        "same": TreeEntry(5, T0),
        "a/only-here": TreeEntry(1, T0),
    }
    target = {"same": TreeEntry(5, T0 + 3600), "b.txt": TreeEntry(4, T0), "z": TreeEntry(0, T0)}
    found = compare_trees(source, target)
    assert [(d.relative, d.change) for d in found] == [
        ("a/only-here", "only-source"),
        ("b.txt", "size"),
        ("z", "only-target"),
    ]
    assert found[0].target is None and found[2].source is None
    assert (found[1].source, found[1].target) == (source["b.txt"], target["b.txt"])


def test_identical_trees_have_no_difference() -> None:
    tree = {"x": TreeEntry(1, T0, "e1"), "y/z": TreeEntry(2, T0, "e2")}
    assert compare_trees(tree, dict(tree), mtime=True, etag=True) == []
    assert compare_trees({}, {}) == []


def test_times_count_only_when_asked_and_past_the_slack() -> None:
    source = {"near": TreeEntry(1, T0 + 0.9), "far": TreeEntry(1, T0 + 2)}
    target = {"near": TreeEntry(1, T0), "far": TreeEntry(1, T0)}
    assert compare_trees(source, target) == []
    assert [(d.relative, d.change) for d in compare_trees(source, target, mtime=True)] == [
        ("far", "mtime")
    ]
    older = {"far": TreeEntry(1, T0 - 2)}  # either direction: not a sync, a comparison
    assert [d.change for d in compare_trees(older, {"far": target["far"]}, mtime=True)] == ["mtime"]


def test_etags_count_only_when_asked_and_known_on_both_sides() -> None:
    source = {"a": TreeEntry(1, T0, "x"), "b": TreeEntry(1, T0, "x"), "c": TreeEntry(1, T0)}
    target = {"a": TreeEntry(1, T0, "y"), "b": TreeEntry(1, T0, "x"), "c": TreeEntry(1, T0, "z")}
    assert compare_trees(source, target) == []
    assert [(d.relative, d.change) for d in compare_trees(source, target, etag=True)] == [
        ("a", "etag")
    ]


def test_one_difference_per_path_size_first() -> None:
    source = {"k": TreeEntry(1, T0, "x")}
    target = {"k": TreeEntry(2, T0 + 100, "y")}
    [only] = compare_trees(source, target, mtime=True, etag=True)
    assert only.change == "size"


# -- diff: what it prints ------------------------------------------------------------------------


def test_tree_paths_keep_the_key_verbatim_and_join_local_parts() -> None:
    assert tree_path(S3Location("b", "dst"), "/x") == "s3://b/dst//x"
    assert tree_path(S3Location("b"), "a/b.txt") == "s3://b/a/b.txt"
    assert tree_path(S3Location("b", "p/"), "c") == "s3://b/p/c"
    assert tree_path(LocalPath("/tmp/t"), "a/b.txt") == str(Path("/tmp/t/a/b.txt"))


def test_difference_lines() -> None:
    source, target = S3Location("src", "p"), LocalPath("/d")
    a, b = TreeEntry(3, T0, "e1"), TreeEntry(5, T0 + 86400, "e2")
    assert difference_line(Difference("x", "only-source", a, None), source, target) == (
        "< s3://src/p/x"
    )
    assert difference_line(Difference("y/z", "only-target", None, b), source, target) == (
        f"> {Path('/d/y/z')}"
    )
    assert difference_line(Difference("x", "size", a, b), source, target) == (
        "! s3://src/p/x (size 3 vs 5)"
    )
    assert difference_line(Difference("x", "mtime", a, b), source, target) == (
        "! s3://src/p/x (modified 2023-11-14 22:13:20 vs 2023-11-15 22:13:20)"
    )
    assert difference_line(Difference("x", "etag", a, b), source, target) == (
        "! s3://src/p/x (etag e1 vs e2)"
    )


def test_difference_json_names_both_sides() -> None:
    a = TreeEntry(3, T0, "e1")
    found = json.loads(
        output.json_line(
            difference_json(
                Difference("k\x1b", "only-source", a, None), S3Location("s", "p/"), LocalPath("d")
            )
        )
    )
    assert found == {
        "change": "only-source",
        "relative": "k\x1b",
        "source": {
            "location": "s3://s/p/k\x1b",
            "size": 3,
            "modified": "2023-11-14T22:13:20+00:00",
            "etag": "e1",
        },
        "target": None,
    }


# -- usage errors, before any connection ---------------------------------------------------------


@pytest.mark.usefixtures("no_server")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", ".", "."], "one of SOURCE and TARGET must be an s3:// location"),
        (["diff", "s3://b/p", "./no-such-dir"], "./no-such-dir is not a directory"),
        (["diff", "--etag", "s3://b/p", "."], "--etag compares two s3:// locations"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, usage_error: Callable[[list[str]], str]
) -> None:
    err = usage_error(argv)
    assert message in err, err

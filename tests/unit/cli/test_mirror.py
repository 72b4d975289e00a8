"""Mirror planning: what a one-way sync copies, deletes and leaves alone."""

from __future__ import annotations

from pathlib import Path

from aiominio.cli.mirror import MTIME_SLACK, Entry, needs_copy, plan_mirror
from aiominio.cli.transfer import local_tree


def test_missing_entries_are_copied_and_equal_ones_left() -> None:
    source = {"a": Entry(1, 100.0), "b/c": Entry(2, 100.0)}
    dest = {"a": Entry(1, 100.0)}
    plan = plan_mirror(source, dest)
    assert plan.copy == ("b/c",)
    assert plan.delete == ()
    assert plan.unchanged == 1


def test_a_different_size_is_copied_even_when_older() -> None:
    assert needs_copy(Entry(5, 10.0), Entry(6, 500.0))


def test_a_newer_source_is_copied_an_older_one_not() -> None:
    assert needs_copy(Entry(5, 100.0 + MTIME_SLACK + 1), Entry(5, 100.0))
    assert not needs_copy(Entry(5, 100.0), Entry(5, 200.0))


def test_sub_second_differences_are_not_changes() -> None:
    # A local file keeps fractions of a second; S3 only whole seconds.
    assert not needs_copy(Entry(5, 100.7), Entry(5, 100.0))


def test_equal_etags_vouch_for_equal_content_whatever_the_times() -> None:
    assert not needs_copy(Entry(5, 900.0, "abc"), Entry(5, 100.0, "abc"))
    assert needs_copy(Entry(5, 900.0, "abc"), Entry(5, 100.0, "abd"))
    # different ETags but the destination is newer: a copy of the same bytes (CopyObject of a
    # multipart object gets a new ETag), left alone
    assert not needs_copy(Entry(5, 100.0, "abc-2"), Entry(5, 900.0, "def"))


def test_delete_only_when_asked() -> None:
    source = {"keep": Entry(1, 1.0)}
    dest = {"keep": Entry(1, 1.0), "extra": Entry(1, 1.0), "old/x": Entry(3, 1.0)}
    assert plan_mirror(source, dest).delete == ()
    plan = plan_mirror(source, dest, delete=True)
    assert plan.delete == ("extra", "old/x")
    assert plan.copy == ()
    assert plan.unchanged == 1


def test_plans_are_sorted_and_an_empty_source_deletes_everything() -> None:
    dest = {"z": Entry(1, 1.0), "a": Entry(1, 1.0)}
    plan = plan_mirror({}, dest, delete=True)
    assert plan.delete == ("a", "z")
    source = {"z": Entry(1, 1.0), "a": Entry(1, 1.0), "m": Entry(1, 1.0)}
    assert plan_mirror(source, {}).copy == ("a", "m", "z")


def test_a_local_tree_leaves_out_downloads_in_progress(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ["a.txt", "sub/report.v2.part", "sub/b.bin.0123456789abcdef.part", "sub/c"]:
        (tmp_path / name).write_bytes(b"x" * len(name))
    tree = local_tree(str(tmp_path))
    assert sorted(tree) == ["a.txt", "sub/c", "sub/report.v2.part"]
    assert tree["a.txt"].size == len("a.txt") and tree["a.txt"].etag is None

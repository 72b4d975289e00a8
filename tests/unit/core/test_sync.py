"""The pure planning of directory transfers (aiominio/core/sync.py): what a sync copies,
deletes and leaves alone, globs, and the mapping of keys to local paths."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core.sync import (
    MTIME_SLACK,
    S3Prefix,
    Selection,
    TreeEntry,
    glob_pattern,
    join_key,
    local_parts,
    needs_copy,
    parse_s3,
    plan_sync,
    relative_key,
    selection,
)
from aiominio.errors import InvalidArgument, InvalidResponseError

names = st.text(alphabet="ab/.-_x", min_size=1, max_size=12)
entries = st.builds(
    TreeEntry,
    st.integers(0, 5),
    st.floats(0, 1000, allow_nan=False),
    st.one_of(st.none(), st.sampled_from(["e1", "e2"])),
)
trees = st.dictionaries(names, entries, max_size=12)


@given(trees, trees, st.booleans(), st.sampled_from(["size-mtime", "size"]))
def test_a_plan_partitions_the_source_and_deletes_only_extras(
    source: dict[str, TreeEntry], dest: dict[str, TreeEntry], delete: bool, compare: str
) -> None:
    plan = plan_sync(source, dest, delete=delete, compare=compare)  # type: ignore[arg-type]
    assert sorted(plan.copy + plan.unchanged) == sorted(source)
    assert not set(plan.copy) & set(plan.unchanged)
    assert list(plan.copy) == sorted(plan.copy) and list(plan.delete) == sorted(plan.delete)
    assert set(plan.delete) == (set(dest) - set(source) if delete else set())
    for rel in plan.copy:
        assert needs_copy(source[rel], dest.get(rel), compare)  # type: ignore[arg-type]
    # a missing or resized file is always copied
    for rel, entry in source.items():
        if rel not in dest or dest[rel].size != entry.size:
            assert rel in plan.copy


@given(trees, trees)
def test_syncing_the_plan_makes_a_second_plan_empty(
    source: dict[str, TreeEntry], dest: dict[str, TreeEntry]
) -> None:
    plan = plan_sync(source, dest, delete=True)
    after = {rel: e for rel, e in dest.items() if rel not in plan.delete}
    after.update({rel: source[rel] for rel in plan.copy})
    again = plan_sync(source, after, delete=True)
    assert again.copy == () and again.delete == ()


@given(trees, st.lists(st.sampled_from(["*.x", "a/**", "b", "**/.a*", "?"]), max_size=3))
def test_what_a_glob_leaves_out_is_neither_copied_nor_deleted(
    source: dict[str, TreeEntry], exclude: list[str]
) -> None:
    select = Selection(exclude=tuple(exclude))
    plan = plan_sync(source, {}, select=select)
    assert set(plan.copy) == {rel for rel in source if select.selects(rel)}
    plan = plan_sync({}, source, delete=True, select=select)
    assert set(plan.delete) == {rel for rel in source if select.selects(rel)}


def test_without_a_destination_everything_selected_is_copied() -> None:
    source = {"b": TreeEntry(1, 1.0), "a": TreeEntry(1, 1.0)}
    assert plan_sync(source, None).copy == ("a", "b")


def test_changes_by_size_time_and_etag() -> None:
    assert needs_copy(TreeEntry(5, 10.0), TreeEntry(6, 500.0))
    assert needs_copy(TreeEntry(5, 100.0 + MTIME_SLACK + 1), TreeEntry(5, 100.0))
    assert not needs_copy(TreeEntry(5, 100.7), TreeEntry(5, 100.0))  # sub-second
    assert not needs_copy(TreeEntry(5, 900.0, "e"), TreeEntry(5, 1.0, "e"))
    assert needs_copy(TreeEntry(5, 900.0, "e"), TreeEntry(5, 1.0, "f"))
    assert not needs_copy(TreeEntry(5, 900.0), TreeEntry(5, 1.0), "size")
    with pytest.raises(InvalidArgument, match="compare"):
        plan_sync({}, {}, compare="checksum")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("glob", "matches", "misses"),
    [
        ("*.tmp", ["a.tmp", "d/e/a.tmp"], ["a.tmpx", "a.tmp/b"]),
        ("a/*.txt", ["a/b.txt"], ["a/b/c.txt", "x/a/b.txt"]),
        ("a/**/c", ["a/c", "a/b/c", "a/b/d/c"], ["a/bc", "x/a/c"]),
        ("**", ["x", "x/y"], []),
        ("[!a]?", ["bc", "d/bc"], ["ac", "b/"]),
        ("[]a]", ["]", "a"], ["b"]),
        ("a.b", ["a.b"], ["axb"]),
    ],
)
def test_globs(glob: str, matches: list[str], misses: list[str]) -> None:
    pattern = glob_pattern(glob)
    assert all(pattern.fullmatch(m) for m in matches), glob
    assert not any(pattern.fullmatch(m) for m in misses), glob


@given(st.text(max_size=20))
def test_a_glob_without_wildcards_matches_only_that_name(name: str) -> None:
    if not name or any(c in name for c in "*?[/"):
        return
    assert glob_pattern(name).fullmatch(name)
    assert glob_pattern(name).fullmatch("dir/" + name)
    assert not glob_pattern(name).fullmatch(name + "x")


def test_bad_globs_and_filters_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="unclosed"):
        glob_pattern("a[b")
    with pytest.raises(InvalidArgument, match="empty"):
        selection("", None)
    with pytest.raises(InvalidArgument, match="malformed"):
        glob_pattern("[z-a]")
    with pytest.raises(TypeError):
        selection(3, None)
    with pytest.raises(TypeError):
        selection(None, [b"*.x"])
    assert selection("*.jpg", ["a/**"]) == Selection(("*.jpg",), ("a/**",))
    only = selection("*.jpg", "skip/**")
    assert only.selects("x/y.jpg") and not only.selects("skip/y.jpg")
    assert not only.selects("y.png")


@given(st.text(min_size=0, max_size=8), st.text(max_size=12))
def test_keys_map_to_relative_paths_and_back_verbatim(prefix: str, rel: str) -> None:
    key = join_key(prefix, rel)
    assert key.endswith(rel) and relative_key(key, prefix) == rel


def test_a_key_outside_the_prefix_is_the_servers_fault() -> None:
    with pytest.raises(InvalidResponseError, match="'other/x' is not under 'p/'"):
        relative_key("other/x", "p")
    assert join_key("dst/", "/x") == "dst//x"


@given(st.text(alphabet="ab./\0\\:", max_size=10), st.sampled_from(["/", "\\"]))
def test_a_relative_key_never_maps_outside_the_directory(rel: str, sep: str) -> None:
    try:
        parts = local_parts(rel, sep)
    except InvalidArgument as exc:
        assert "not a safe local path" in str(exc)
        return
    assert parts and all(p not in ("", ".", "..") and "\0" not in p for p in parts)
    assert all("/" not in p for p in parts)
    if sep != "/":
        assert all(sep not in p and ":" not in p for p in parts)
    joined = os.path.normpath(os.path.join("/root", *parts))
    assert joined.startswith("/root/")


@pytest.mark.parametrize("rel", ["", "..", "a/../..", "/etc/passwd", "a//b", "./a", "a/", "a\0"])
def test_unsafe_relative_keys_are_refused(rel: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(repr(rel))):
        local_parts(rel, "/")


def test_s3_locations() -> None:
    assert parse_s3("s3://b-1/a/b") == S3Prefix("b-1", "a/b")
    assert parse_s3("S3://bkt") == S3Prefix("bkt")
    assert str(S3Prefix("bkt", "p")) == "s3://bkt/p/" and S3Prefix("bkt", "p/").directory == "p/"
    with pytest.raises(InvalidArgument, match="no bucket"):
        parse_s3("s3:///x")
    with pytest.raises(InvalidArgument):
        parse_s3("/tmp/x")
    with pytest.raises(InvalidArgument):
        S3Prefix("Not_A_Bucket")

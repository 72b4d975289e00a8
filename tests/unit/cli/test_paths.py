"""The command line's locations: parsing ``s3://`` URLs and mapping sources to destinations."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.cli.mirror import Entry
from aiominio.cli.paths import (
    LocalPath,
    PathError,
    S3Location,
    copy_key,
    dir_prefix,
    download_path,
    join_key,
    key_basename,
    local_relative_key,
    parse_location,
    parse_s3,
    relative_key,
    safe_local_relative,
    upload_key,
)
from aiominio.cli.transfer import tree_child, tree_jobs


@pytest.mark.parametrize(
    ("text", "bucket", "key"),
    [
        ("s3://photos", "photos", ""),
        ("s3://photos/", "photos", ""),
        ("s3://photos/2024/cat.jpg", "photos", "2024/cat.jpg"),
        ("s3://photos/dir/", "photos", "dir/"),
        ("S3://photos/a//b", "photos", "a//b"),  # keys are kept exactly, double slashes too
        ("s3://photos/é ü.txt", "photos", "é ü.txt"),
    ],
)
def test_s3_locations_parse(text: str, bucket: str, key: str) -> None:
    assert parse_s3(text) == S3Location(bucket, key)
    assert parse_location(text) == S3Location(bucket, key)


@pytest.mark.parametrize("text", ["s3://", "s3:///key", "photos/key", "http://x/y", ""])
def test_bad_s3_locations_are_refused(text: str) -> None:
    with pytest.raises(PathError):
        parse_s3(text)


def test_anything_else_is_a_local_path() -> None:
    assert parse_location("./data/x.bin") == LocalPath("./data/x.bin")
    assert parse_location("s3-notes.txt") == LocalPath("s3-notes.txt")
    with pytest.raises(PathError):
        parse_location("")


def test_a_location_prints_as_it_was_given() -> None:
    assert str(S3Location("b", "k/x")) == "s3://b/k/x"
    assert str(S3Location("b")) == "s3://b"
    assert S3Location("b").is_dir and S3Location("b", "p/").is_dir
    assert not S3Location("b", "p").is_dir


def test_prefixes_and_names() -> None:
    assert dir_prefix("") == ""
    assert dir_prefix("a") == "a/"
    assert dir_prefix("a/") == "a/"
    assert key_basename("a/b/c.txt") == "c.txt"
    assert key_basename("c.txt") == "c.txt"
    assert relative_key("p/sub/x", "p") == "sub/x"
    assert relative_key("p/sub/x", "p/") == "sub/x"
    assert relative_key("x", "") == "x"
    with pytest.raises(PathError):
        relative_key("q/x", "p")
    assert join_key("", "a/b") == "a/b"
    assert join_key("p", "a/b") == "p/a/b"
    assert join_key("p/", "a") == "p/a"


def test_single_file_destinations() -> None:
    assert upload_key("/tmp/x/cat.jpg", S3Location("b")) == "cat.jpg"
    assert upload_key("/tmp/x/cat.jpg", S3Location("b", "pets/")) == "pets/cat.jpg"
    assert upload_key("/tmp/x/cat.jpg", S3Location("b", "pets/tom.jpg")) == "pets/tom.jpg"
    assert copy_key("a/cat.jpg", S3Location("c", "backup/")) == "backup/cat.jpg"
    assert copy_key("a/cat.jpg", S3Location("c", "new")) == "new"
    assert download_path("a/cat.jpg", "out", dest_is_dir=True) == os.path.join("out", "cat.jpg")
    assert download_path("a/cat.jpg", "out/", dest_is_dir=False) == os.path.join("out/", "cat.jpg")
    assert download_path("a/cat.jpg", "tom.jpg", dest_is_dir=False) == "tom.jpg"
    with pytest.raises(PathError):
        download_path("a/dir/", "out", dest_is_dir=True)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [("a.txt", "a.txt"), ("sub/a.txt", os.path.join("sub", "a.txt")), ("..a", "..a")],
)
def test_safe_relative_paths(relative: str, expected: str) -> None:
    assert safe_local_relative(relative) == expected


@pytest.mark.parametrize(
    "relative", ["", "../escape", "a/../../escape", "/etc/passwd", "a//b", "./a", "a/.", "a\0b"]
)
def test_keys_that_would_escape_the_directory_are_refused(relative: str) -> None:
    with pytest.raises(PathError):
        safe_local_relative(relative)


def test_local_relative_keys_use_slashes(tmp_path: os.PathLike[str]) -> None:
    root = os.fspath(tmp_path)
    assert local_relative_key(os.path.join(root, "a", "b.txt"), root) == "a/b.txt"


# -- keys are strings: the relative part is kept verbatim -----------------------------------

#: Keys made of the characters that matter to a path join: slashes, dots, and a letter.
key_text = st.text(alphabet="/.ax", max_size=12)


@pytest.mark.parametrize(
    ("prefix", "relative", "expected"),
    [
        ("dst/", "/x", "dst//x"),
        ("dst", "/x", "dst//x"),
        ("dst/", "//x", "dst///x"),
        ("", "/x", "/x"),
        ("dst/", "../x", "dst/../x"),
        ("dst/", "", "dst/"),
    ],
)
def test_a_relative_part_starting_with_a_slash_stays_under_the_prefix(
    prefix: str, relative: str, expected: str
) -> None:
    assert join_key(prefix, relative) == expected
    assert S3Location("b", prefix).child(relative) == S3Location("b", expected)


@given(prefix=key_text, relative=key_text)
def test_a_mapped_key_is_the_destination_prefix_then_the_relative_part(
    prefix: str, relative: str
) -> None:
    mapped = join_key(prefix, relative)
    assert mapped.startswith(dir_prefix(prefix))
    assert mapped[len(dir_prefix(prefix)) :] == relative
    child = tree_child(S3Location("b", prefix), relative)
    assert isinstance(child, S3Location) and child.key == mapped


@given(source=key_text, dest=key_text, relative=key_text)
def test_copying_a_tree_maps_each_key_verbatim(source: str, dest: str, relative: str) -> None:
    key = dir_prefix(source) + relative
    rel = relative_key(key, source)
    assert rel == relative
    [job] = tree_jobs(S3Location("s", source), S3Location("d", dest), [rel], {rel: Entry(1, 0.0)})
    assert job.source == S3Location("s", key)
    assert job.dest == S3Location("d", dir_prefix(dest) + relative)


@given(relative=key_text)
def test_a_download_never_leaves_the_directory(relative: str) -> None:
    try:
        child = tree_child(LocalPath("out"), relative)
    except PathError:
        return
    assert isinstance(child, LocalPath)
    parts = os.path.relpath(child.path, "out").split(os.sep)
    assert ".." not in parts and not os.path.isabs(child.path)
    assert child.path == os.path.join("out", *relative.split("/"))


@pytest.mark.parametrize("key", ["a/..", "..", "a/.", "."])
def test_a_single_download_refuses_a_name_of_dot_or_dot_dot(key: str) -> None:
    with pytest.raises(PathError):
        download_path(key, "out", dest_is_dir=True)

"""The command line's locations: parsing ``s3://`` URLs and mapping sources to destinations."""

from __future__ import annotations

import os

import pytest

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

"""aiominio/fsspec/entries.py: info dicts and the builtin errors for S3's."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aiominio.errors import AccessDenied, NoSuchKey, S3Error, SlowDown
from aiominio.fsspec import entries
from aiominio.models import ObjectInfo, ObjectStat

WHEN = datetime(2026, 1, 2, tzinfo=timezone.utc)


def test_listed_files_directories_and_markers() -> None:
    assert entries.listed("b", ObjectInfo("a/f", 3, "e", WHEN)) == {
        "name": "b/a/f",
        "size": 3,
        "type": "file",
        "ETag": "e",
        "LastModified": WHEN,
        "StorageClass": "STANDARD",
    }
    assert entries.listed("b", ObjectInfo("a/", is_dir=True))["name"] == "b/a"
    marker = entries.listed("b", ObjectInfo("a/d/", 0, "e"))
    assert marker["type"] == "directory" and marker["name"] == "b/a/d"


def test_stat_info() -> None:
    stat = ObjectStat(5, "tag", "text/plain", WHEN, {}, version_id="v1")
    info = entries.stat_info("b", "k", stat)
    assert info["name"] == "b/k" and info["size"] == 5 and info["type"] == "file"
    assert info["ContentType"] == "text/plain" and info["VersionId"] == "v1"


def test_translated_errors() -> None:
    with pytest.raises(FileNotFoundError) as missing, entries.translated("b/k"):
        raise NoSuchKey("NoSuchKey", "gone", status=404)
    assert missing.value.filename == "b/k"
    with pytest.raises(PermissionError), entries.translated("b/k"):
        raise AccessDenied("AccessDenied", "no", status=403)
    with pytest.raises(PermissionError), entries.translated("b/k"):
        raise S3Error("SignatureDoesNotMatch", "bad", status=403)
    with pytest.raises(SlowDown), entries.translated("b/k"):
        raise SlowDown("SlowDown", "later", status=503)


def test_parents_in_bucket() -> None:
    assert list(entries.parents_in_bucket("b/x/y")) == ["b/x", "b"]


@pytest.mark.parametrize(
    ("start", "end", "size", "expected"),
    [
        (0, 10, None, (0, 10)),
        (None, None, 50, (0, 50)),
        (-10, None, 50, (40, 50)),
        (5, -5, 50, (5, 45)),
        (10, 5, None, (10, 10)),
        (40, 100, 50, (40, 50)),
    ],
)
def test_absolute_range(
    start: int | None, end: int | None, size: int | None, expected: tuple[int, int]
) -> None:
    assert entries.absolute_range(start, end, size) == expected

"""What the command line prints: error lines, sizes, JSON values; the progress adapter."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from aiominio import NoSuchKey, ObjectInfo, S3Error, Versioning
from aiominio.cli.output import error_line, human_size, to_jsonable
from aiominio.cli.transfer import library_progress


def test_an_s3_error_is_one_line_with_code_message_and_object() -> None:
    exc = NoSuchKey("NoSuchKey", "The specified key does not exist.", bucket="b", key="k")
    assert error_line(exc) == "aiominio: error: NoSuchKey: The specified key does not exist. (b/k)"
    bare = S3Error("Weird", "", bucket="b")
    assert error_line(bare) == "aiominio: error: Weird: b"


def test_other_errors_name_their_kind_and_never_span_lines() -> None:
    missing = FileNotFoundError(2, "No such file or directory", "x.txt")
    assert error_line(missing) == (
        "aiominio: error: FileNotFoundError: No such file or directory: x.txt"
    )
    two_lines = ValueError("two\nlines  here")
    assert error_line(two_lines) == "aiominio: error: ValueError: two lines here"


def test_sizes_read_well() -> None:
    assert [human_size(n) for n in (0, 1023, 1536, 5 << 20, 3 << 40)] == [
        "0 B",
        "1023 B",
        "1.5 KiB",
        "5.0 MiB",
        "3.0 TiB",
    ]


def test_results_become_plain_json() -> None:
    when = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    value = to_jsonable([ObjectInfo("k", 3, "e", when), Versioning.ENABLED, {"a": (1, 2)}])
    assert json.loads(json.dumps(value)) == [
        {
            "key": "k",
            "size": 3,
            "etag": "e",
            "last_modified": "2024-05-01T12:30:00+00:00",
            "is_dir": False,
            "storage_class": None,
            "version_id": None,
        },
        "Enabled",
        {"a": [1, 2]},
    ]


def test_the_progress_adapter_turns_totals_so_far_into_increments() -> None:
    got: list[int] = []
    callback = library_progress(got.append)
    for done in (10, 10, 25, 40):
        callback(done)
    assert got == [10, 0, 15, 15]

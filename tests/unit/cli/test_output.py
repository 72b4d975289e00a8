"""What the command line prints: error lines, sizes, JSON values; the progress adapter."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from aiominio import DeleteError, NoSuchKey, ObjectInfo, S3Error, Versioning
from aiominio.cli.output import (
    delete_error_line,
    error_line,
    human_size,
    json_line,
    key_value_table,
    printable,
    progress_label,
    to_jsonable,
)
from aiominio.cli.transfer import library_progress

#: What must never reach a terminal raw from a key, a name or a server's message.
RAW_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE = "a\x1b]0;title\x07\x1b[2J\rforged\nline\u202eexe.txt"


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
    two_lines = ValueError("two\nlines  here\n")
    assert error_line(two_lines) == "aiominio: error: ValueError: two\\nlines  here"


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
            "owner": None,
            "metadata": None,
            "content_type": None,
            "tags": None,
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


# -- control characters are escaped in every human line ----------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain/key é.txt", "plain/key é.txt"),
        ("back\\slash", "back\\slash"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\rb\nc\td", "a\\rb\\nc\\td"),
        ("\x00\x07\x7f\x9b", "\\x00\\x07\\x7f\\x9b"),
        ("\u202etxt.exe\u2066\u2028", "\\u202etxt.exe\\u2066\\u2028"),
        ("\udcff", "\\udcff"),  # a file name that is not UTF-8
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(text: str, shown: str) -> None:
    assert printable(text) == shown


@given(st.text())
def test_printable_leaves_no_control_character_and_is_idempotent(text: str) -> None:
    shown = printable(text)
    assert not RAW_CONTROL.search(shown)
    assert printable(shown) == shown
    shown.encode("utf-8")  # writable to any UTF-8 stream


@given(st.text())
def test_json_lines_escape_as_json_and_mean_the_same(text: str) -> None:
    line = json_line({"key": text})
    assert not RAW_CONTROL.search(line) and "\n" not in line
    assert json.loads(line) == {"key": text}


def test_error_lines_escape_keys_and_messages() -> None:
    exc = NoSuchKey("NoSuchKey", f"gone: {HOSTILE}", bucket="b", key=HOSTILE)
    line = error_line(exc)
    assert not RAW_CONTROL.search(line)
    assert "\\x1b[2J\\rforged\\nline\\u202e" in line
    deleted = delete_error_line(DeleteError(HOSTILE, "AccessDenied", "no\x1b[2J", "v\r1"))
    assert not RAW_CONTROL.search(deleted)
    assert deleted.startswith("aiominio: error: AccessDenied: no\\x1b[2J (a\\x1b]0;")
    assert deleted.endswith("exe.txt (version v\\r1))")


def test_tables_show_values_as_plain_escaped_text() -> None:
    out = io.StringIO()
    console = Console(file=out, width=200, markup=False, emoji=False)
    rows = {"Key": HOSTILE, "Meta x": "[/red] :smile: [bold]no markup[/bold]", "ETag": "\x9b31m"}
    console.print(key_value_table(rows))
    text = out.getvalue()
    assert not RAW_CONTROL.search(text.replace("\n", ""))
    assert "\\x1b[2J\\rforged\\nline" in text
    assert "[/red] :smile: [bold]no markup[/bold]" in text
    assert "\\x9b31m" in text


def test_progress_labels_are_the_escaped_end_of_the_name() -> None:
    assert progress_label("s3://b/dir/cat.jpg") == "cat.jpg"
    assert progress_label("s3://b/x/\x1b[2J\r.bin") == "\\x1b[2J\\r.bin"
    long = progress_label("s3://b/" + "\x1b" * 40)
    assert len(long) == 30 and long.startswith("…") and not RAW_CONTROL.search(long)


def test_rates_are_in_the_units_of_the_sizes() -> None:
    from rich.progress import Progress

    from aiominio.cli.output import BinarySpeedColumn

    progress = Progress()
    task_id = progress.add_task("x", total=100)
    task = progress.tasks[task_id]
    assert BinarySpeedColumn().render(task).plain == "?"
    object.__setattr__(task, "finished_speed", 3.5 * 1024 * 1024)
    assert BinarySpeedColumn().render(task).plain == "3.5 MiB/s"

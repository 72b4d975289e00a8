"""What the command line prints: listing lines, JSON, one-line errors, progress bars.

Data (listings, ``cat``, URLs, JSON) goes to stdout; progress, per-file messages and errors go
to stderr, so a pipe gets only the data.

Keys, bucket names, ETags, metadata and error messages come from the server (or from whoever
named the objects), and a terminal obeys control characters: a key holding ESC can clear the
screen or set the window title, a CR or LF can forge a line. So every human line goes out
through :func:`printable` (by :func:`echo`, :func:`warn`, :func:`say`, :func:`report` and the
table and progress helpers), and JSON through :func:`json_line`, which escapes them as JSON.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import sys
from collections.abc import Mapping
from datetime import datetime

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from aiominio.errors import AiominioError, S3Error
from aiominio.models import DeleteError

PROG = "aiominio"

#: What a terminal may act on or reorder instead of showing: C0 controls, DEL, C1 controls
#: (U+009B is a CSI to some terminals), the bidirectional marks, embeddings, overrides and
#: isolates (U+202E makes ``exe.txt`` read ``txt.exe``), the line and paragraph separators,
#: and lone surrogates (a file name that is not UTF-8; writing one would raise).
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, overrides, isolates
    r"\u2028\u2029"  # line and paragraph separators
    r"\ud800-\udfff]"  # lone surrogates
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape (``\\x1b``,
    ``\\r``, ``\\n``, ``\\u202e``); everything else, backslashes included, is kept, so the
    common key reads as itself. (``--json`` gives the exact strings.)"""
    return _UNSAFE.sub(_escaped, text)


def echo(line: str) -> None:
    """A human line of data on stdout."""
    sys.stdout.write(printable(line) + "\n")


def warn(line: str) -> None:
    """A line on stderr when no progress bars are drawn (a message or an error)."""
    sys.stderr.write(printable(line) + "\n")


def say(console: Console, line: str) -> None:
    """A per-file message on the stderr console (above the bars; silent when quiet)."""
    console.print(printable(line), markup=False, emoji=False, highlight=False)


def stderr_console(*, quiet: bool = False) -> Console:
    # No markup or emoji codes: a key "[red]" or ":smile:" is shown as it is.
    return Console(
        stderr=True, quiet=quiet, highlight=False, soft_wrap=True, markup=False, emoji=False
    )


def stdout_console() -> Console:
    return Console(highlight=False, soft_wrap=True, markup=False, emoji=False)


def error_line(exc: BaseException) -> str:
    """``aiominio: error: <Kind>: <message>``, one line, no secrets (the library's errors carry
    none, and no request or credentials are shown)."""
    if isinstance(exc, S3Error):
        kind, message = exc.code or type(exc).__name__, exc.message
        where = "/".join(p for p in (exc.bucket, exc.key) if p)
        if where and where not in message:
            message = f"{message} ({where})" if message else where
    elif isinstance(exc, OSError) and exc.strerror:
        kind = type(exc).__name__
        message = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        kind, message = type(exc).__name__, str(exc)
    text = f"{kind}: {message}" if message else kind
    return f"{PROG}: error: " + printable(text.strip())


def delete_error_line(err: DeleteError) -> str:
    """A key a bulk delete could not remove, as an error line."""
    where = f"{err.key} (version {err.version_id})" if err.version_id else err.key
    return printable(f"{PROG}: error: {err.code}: {err.message} ({where})")


def report(console: Console, line: str) -> None:
    """Print an error line on stderr, above the progress bars if they are drawn; even a quiet
    console shows errors."""
    if console.quiet:
        warn(line)
    else:
        say(console, line)


def is_reportable(exc: BaseException) -> bool:
    """Errors a command reports as one line (anything else is a bug and keeps its traceback)."""
    return isinstance(exc, AiominioError | OSError | ValueError | TimeoutError)


def human_size(size: int) -> str:
    """1536 -> ``1.5 KiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def date_text(when: datetime | None) -> str:
    """``2024-05-01 12:30:00`` in UTC (the width of a date, blank when unknown)."""
    return when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else " " * 19


def size_text(size: int, *, human: bool) -> str:
    return human_size(size) if human else str(size)


def to_jsonable(value: object) -> object:
    """A result dataclass (or a value in one) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def json_line(value: object) -> str:
    """``value`` as one line of JSON. Non-ASCII text stays readable, but what
    :func:`printable` escapes is written as a JSON ``\\u`` escape: ``json.dumps`` escapes only
    C0 controls, and a raw C1 control, bidi override or lone surrogate would reach the terminal
    (or fail to encode). Such characters occur only inside strings, so the JSON means the same."""
    text = json.dumps(to_jsonable(value), ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(value: object) -> None:
    sys.stdout.write(json_line(value) + "\n")


def key_value_table(rows: Mapping[str, str]) -> Table:
    """Two columns, no borders: a name and its value (values fold rather than get cut); both
    printable, and plain text (never rich markup)."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in rows.items():
        table.add_row(Text(printable(name)), Text(printable(value)))
    return table


def progress_label(text: str, width: int = 30) -> str:
    """A progress bar's label: the end of ``text`` (the file's name), printable, at most
    ``width`` characters."""
    name = printable(text.rstrip("/").rsplit("/", 1)[-1])
    return name if len(name) <= width else "…" + name[-(width - 1) :]


class BinarySpeedColumn(ProgressColumn):
    """The rate in the units of the sizes beside it (``12.5 MiB/s``; rich's own column counts
    in MB/s)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("?" if speed is None else f"{human_size(int(speed))}/s")


def transfer_progress(console: Console) -> Progress:
    """Bars with bytes done, rate and time left; drawn only on a terminal."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(binary_units=True),
        BinarySpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal or console.quiet,
        transient=False,
    )

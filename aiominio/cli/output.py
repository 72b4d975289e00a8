"""What the command line prints: listing lines, JSON, one-line errors, progress bars.

Data (listings, ``cat``, URLs, JSON) goes to stdout; progress, per-file messages and errors go
to stderr, so a pipe gets only the data.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Mapping
from datetime import datetime

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from aiominio.errors import AiominioError, S3Error

PROG = "aiominio"


def stderr_console(*, quiet: bool = False) -> Console:
    return Console(stderr=True, quiet=quiet, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    return Console(highlight=False, soft_wrap=True)


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
    return f"{PROG}: error: " + " ".join(text.split())


def report(console: Console, line: str) -> None:
    """Print an error line on stderr, above the progress bars if they are drawn; even a quiet
    console shows errors."""
    if console.quiet:
        sys.stderr.write(line + "\n")
    else:
        console.print(line, markup=False)


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


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False) + "\n")


def key_value_table(rows: Mapping[str, str]) -> Table:
    """Two columns, no borders: a name and its value (values fold rather than get cut)."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in rows.items():
        table.add_row(name, value)
    return table


def transfer_progress(console: Console) -> Progress:
    """Bars with bytes done, rate and time left; drawn only on a terminal."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal or console.quiet,
        transient=False,
    )

"""Running a command's coroutine: one event loop, Ctrl-C as a clean cancellation, errors as one
line on stderr, and the exit codes (0 done, 1 error, 2 usage, 130 interrupted)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Coroutine
from typing import TypeVar

import click

from aiominio.cli import notices
from aiominio.cli.output import PROG, error_line, is_reportable

T = TypeVar("T")

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Interrupted(Exception):
    """The user pressed Ctrl-C (or the process got SIGTERM); ``code`` is the exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


async def _guarded(coro: Coroutine[object, object, T]) -> T:
    """Await ``coro``; a SIGINT or SIGTERM cancels it, so every task in flight unwinds (aborting
    its multipart upload, removing its partial file) before the process exits."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    caught: list[int] = []

    def on_signal(signum: int) -> None:
        caught.append(signum)
        task.cancel()

    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, on_signal, signum)
            installed.append(signum)
    try:
        return await coro
    except asyncio.CancelledError:
        if caught:
            raise Interrupted(128 + caught[0]) from None
        raise
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


def run(coro: Coroutine[object, object, T]) -> T:
    """Run a command's coroutine to its end and return its result; an error the user can act on
    becomes ``aiominio: error: ...`` and exit code 1, an interruption exit code 130."""
    try:
        return asyncio.run(_guarded(coro))
    except Interrupted as stop:
        sys.stderr.write(f"{PROG}: interrupted\n")
        raise click.exceptions.Exit(stop.code) from None
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    except click.exceptions.Exit:
        raise
    except BrokenPipeError:
        # The reader of stdout went away (``aiominio ls | head``): nothing is wrong. Point
        # stdout at /dev/null so Python's flush at exit does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None
    except Exception as exc:
        if isinstance(exc, click.ClickException) or not is_reportable(exc):
            raise
        sys.stderr.write(error_line(exc) + notices.context(exc) + "\n")
        raise click.exceptions.Exit(EXIT_ERROR) from None

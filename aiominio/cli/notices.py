"""What the command line says while the library retries: a line on stderr for each attempt
that failed (``--debug``: every attempt, as the ``aiominio.trace`` logger tells them), and the
attempts and endpoint a final transport error adds to its line.

Everything comes from the library's request trace (:mod:`aiominio.transport.trace`), which logs
no header and no query value: no line here can hold a secret.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO
from urllib.parse import urlsplit

from aiominio.cli.output import PROG, printable
from aiominio.errors import TransportError
from aiominio.transport.trace import TRACE_LOGGER, TraceEvent

#: Statuses after which the library retries: an attempt that ended with one failed.
_RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def failed(event: TraceEvent) -> bool:
    """Whether an attempt failed (and so is retried while the policy allows)."""
    return event.error is not None or event.status in _RETRIED_STATUSES


def origin(url: str) -> str:
    """``scheme://host:port`` of a traced URL: where the command was trying to get."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class AttemptNotices(logging.Handler):
    """A handler of the trace logger that writes failed attempts to ``stream`` (every attempt
    with ``debug``) and keeps the last failure for the final error line."""

    def __init__(self, stream: TextIO | None, *, debug: bool, retries_shown: bool) -> None:
        super().__init__(logging.DEBUG)
        self._stream = stream
        self.debug = debug
        self.retries_shown = retries_shown
        self.failures = 0
        self.last: TraceEvent | None = None

    @property
    def stream(self) -> TextIO:
        """Where the lines go: the stream given, else stderr as it is now (a progress display
        may have put its own in place, to keep its bars below the lines)."""
        return self._stream if self._stream is not None else sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "aiominio_trace", None)
        if not isinstance(event, TraceEvent):
            return
        if failed(event):
            self.failures += 1
            self.last = event
        elif event.status is not None and event.status < 300:
            self.failures, self.last = 0, None  # a request went through: count afresh
        if self.debug:
            self.stream.write(f"{PROG}: debug: {printable(record.getMessage())}\n")
        elif failed(event) and self.retries_shown:
            reason = event.error or f"HTTP {event.status}"
            self.stream.write(
                printable(
                    f"{PROG}: attempt {event.attempt} of {event.method} {origin(event.url)} "
                    f"failed: {reason}"
                )
                + "\n"
            )
        self.stream.flush()

    def context(self, exc: BaseException) -> str:
        """What a final transport error's line adds: the endpoint it was trying and the
        attempts that failed (empty when none did, or for another error)."""
        if not isinstance(exc, TransportError) or self.last is None:
            return ""
        tried = "1 attempt" if self.failures == 1 else f"{self.failures} attempts"
        return f" ({origin(self.last.url)}, {tried} failed)"


_installed: AttemptNotices | None = None


def install(*, debug: bool, quiet: bool, max_attempts: int | None) -> AttemptNotices:
    """Attach the notices to the trace logger (once per process: a later call replaces the
    earlier handler). Retries are shown unless ``quiet``, or ``max_attempts`` is 1 (then
    there are none)."""
    global _installed
    if _installed is not None:
        TRACE_LOGGER.removeHandler(_installed)
    _installed = AttemptNotices(None, debug=debug, retries_shown=not quiet and max_attempts != 1)
    TRACE_LOGGER.addHandler(_installed)
    TRACE_LOGGER.setLevel(logging.DEBUG)
    return _installed


def context(exc: BaseException) -> str:
    """:meth:`AttemptNotices.context` of the installed notices ("" when none are)."""
    return _installed.context(exc) if _installed is not None else ""

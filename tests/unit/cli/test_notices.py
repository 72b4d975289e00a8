"""The command line's retry notices (:mod:`aiominio.cli.notices`): a line per failed attempt,
every attempt with --debug, none with one attempt or --quiet, and what a final transport error
adds to its line; all from trace events, which carry no secret."""

from __future__ import annotations

import io
import logging

import pytest

from aiominio.cli import notices
from aiominio.errors import ConnectError, NoSuchKey
from aiominio.transport.trace import TRACE_LOGGER, TraceEvent


def _record(event: TraceEvent) -> logging.LogRecord:
    record = TRACE_LOGGER.makeRecord(
        TRACE_LOGGER.name, logging.DEBUG, __file__, 1, "%s %s", (event.method, event.url), None
    )
    record.aiominio_trace = event
    return record


REFUSED = TraceEvent("GET", "http://h:9/b/k?uploadId", 1, None, "ConnectError: refused", 0.0, None)
BUSY = TraceEvent("PUT", "https://s3.test/b/k", 2, 503, None, 0.1, "R1")
FINE = TraceEvent("GET", "http://h:9/b/k", 3, 200, None, 0.1, "R2")


def test_failed_attempts_are_told_with_their_endpoint_and_reason() -> None:
    out = io.StringIO()
    shown = notices.AttemptNotices(out, debug=False, retries_shown=True)
    for event in (FINE, REFUSED, BUSY):
        shown.emit(_record(event))
    assert out.getvalue().splitlines() == [
        "aiominio: attempt 1 of GET http://h:9 failed: ConnectError: refused",
        "aiominio: attempt 2 of PUT https://s3.test failed: HTTP 503",
    ]
    assert shown.context(ConnectError("cannot connect")) == " (https://s3.test, 2 attempts failed)"
    assert shown.context(NoSuchKey("gone")) == ""  # the server's answer needs no more
    shown.emit(_record(FINE))  # a request went through: the count starts afresh
    assert shown.context(ConnectError("cannot connect")) == ""


@pytest.mark.parametrize(("debug", "lines"), [(False, 0), (True, 3)])
def test_retries_not_shown_are_quiet_unless_debugging(debug: bool, lines: int) -> None:
    out = io.StringIO()
    shown = notices.AttemptNotices(out, debug=debug, retries_shown=False)
    for event in (FINE, REFUSED, BUSY):
        shown.emit(_record(event))
    assert len(out.getvalue().splitlines()) == lines
    assert shown.context(ConnectError("x")) == " (https://s3.test, 2 attempts failed)"


def test_install_replaces_the_handler_and_enables_the_trace() -> None:
    first = notices.install(debug=False, quiet=False, max_attempts=5)
    second = notices.install(debug=False, quiet=True, max_attempts=5)
    try:
        assert first not in TRACE_LOGGER.handlers and second in TRACE_LOGGER.handlers
        assert TRACE_LOGGER.isEnabledFor(logging.DEBUG)
        assert not second.retries_shown
        assert not notices.install(debug=False, quiet=False, max_attempts=1).retries_shown
    finally:
        TRACE_LOGGER.removeHandler(notices._installed)  # type: ignore[arg-type]
        notices._installed = None
        TRACE_LOGGER.setLevel(logging.NOTSET)

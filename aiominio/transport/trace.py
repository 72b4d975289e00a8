"""Request tracing through the standard :mod:`logging` module, for debugging without writing an
aiohttp ``TraceConfig``: the ``aiominio.trace`` logger, at DEBUG, has one line per attempt of
every request::

    logging.basicConfig()
    logging.getLogger("aiominio.trace").setLevel(logging.DEBUG)

    DEBUG:aiominio.trace:GET http://s3.local/photos/a.jpg attempt 1: 503 in 0.004 s, request id 1A
    DEBUG:aiominio.trace:GET http://s3.local/photos/a.jpg attempt 2: 200 in 0.011 s, request id 1B

A line says the method, the URL without the query's values (only the parameters' names: a
value may be a presigned signature or credentials), the attempt (each time the request went
out, counted from 1: a retry, a resend on a stale pooled connection, a resend for a corrected
region; a download resumed after its body broke off is a ranged GET of its own, counted from 1
again), how it ended (the HTTP status, or the exception of a failure on the way, such as
``ConnectionLostError``), how long it took (until the headers of a streamed answer, the whole
answer otherwise) and the ``x-amz-request-id`` to quote to the server's operators. No header
is ever logged: not the Authorization header, not a session token, not an SSE-C key. The
record's ``aiominio_trace`` attribute holds the same values as a :class:`TraceEvent`, for
structured logging.

When the logger is not enabled for DEBUG this costs one :meth:`logging.Logger.isEnabledFor` per
request (:func:`traced` hands back the transport itself).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aiominio.transport.interface import BaseTransport, Body, Response, StreamingResponse
from aiominio.transport.timeouts import Timeouts

#: The logger of the request trace (DEBUG: one line per attempt).
TRACE_LOGGER = logging.getLogger("aiominio.trace")


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One attempt of a request, as the trace logs it (the ``aiominio_trace`` attribute of
    its log record).

    Attributes:
        method: ``GET``, ``PUT``, ...
        url: the URL without its query's values (``http://host/bucket/key?partNumber&uploadId``).
        attempt: the how-manieth time the request went out, from 1.
        status: the HTTP status, or ``None`` when the attempt failed before an answer.
        error: the failure on the way (``"ConnectionLostError: ..."``), or ``None``.
        elapsed: seconds from sending to the answer (its headers, for a streamed one).
        request_id: the answer's ``x-amz-request-id``, if it had one.
    """

    method: str
    url: str
    attempt: int
    status: int | None
    error: str | None
    elapsed: float
    request_id: str | None


def loggable_url(url: str) -> str:
    """``url`` with the names of its query parameters only: a value may be a signature
    (``X-Amz-Signature``), credentials (``X-Amz-Credential``, ``X-Amz-Security-Token``) or a
    customer's data, none of which belongs in a log."""
    base, _, query = url.partition("?")
    if not query:
        return base
    return base + "?" + "&".join(part.partition("=")[0] for part in query.split("&"))


def traced(transport: BaseTransport) -> BaseTransport:
    """``transport`` itself, or, when :data:`TRACE_LOGGER` is enabled for DEBUG, a view of it
    that logs each exchange of one request (make one per request: it counts the attempts)."""
    if not TRACE_LOGGER.isEnabledFor(logging.DEBUG):
        return transport
    return TracingTransport(transport)


class TracingTransport:
    """A view of a transport that logs each request or stream it sends (see the module
    docstring); everything else is the transport's own."""

    def __init__(self, transport: BaseTransport) -> None:
        self._transport = transport
        self._attempts = 0

    @property
    def timeouts(self) -> Timeouts:
        return self._transport.timeouts

    @property
    def closed(self) -> bool:
        return self._transport.closed

    @property
    def max_connections(self) -> int:
        return self._transport.max_connections

    async def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body = None,
        *,
        timeouts: Timeouts | None = None,
        sent: Callable[[int], None] | None = None,
        remaining: float | None = None,
        limit: int | None = None,
        error_limit: int | None = None,
    ) -> Response:
        self._attempts += 1
        start = time.perf_counter()
        try:
            resp = await self._transport.request(
                method,
                url,
                headers,
                body,
                timeouts=timeouts,
                sent=sent,
                remaining=remaining,
                limit=limit,
                error_limit=error_limit,
            )
        except Exception as exc:
            self._log(method, url, start, None, exc)
            raise
        self._log(method, url, start, resp.status, resp.headers)
        return resp

    async def stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body = None,
        *,
        timeouts: Timeouts | None = None,
        remaining: float | None = None,
    ) -> StreamingResponse:
        self._attempts += 1
        start = time.perf_counter()
        try:
            streamed = await self._transport.stream(
                method, url, headers, body, timeouts=timeouts, remaining=remaining
            )
        except Exception as exc:
            self._log(method, url, start, None, exc)
            raise
        self._log(method, url, start, streamed.status, streamed.headers)
        return streamed

    def _log(
        self,
        method: str,
        url: str,
        start: float,
        status: int | None,
        answer: Mapping[str, str] | Exception,
    ) -> None:
        elapsed = time.perf_counter() - start
        if isinstance(answer, Exception):
            # aiominio's exceptions hold no secret (nor does their text); another one (a bug, a
            # test's) is named by its type only.
            kind = type(answer)
            text = str(answer) if kind.__module__.startswith("aiominio") else ""
            error: str | None = f"{kind.__name__}: {text}" if text else kind.__name__
            request_id = None
        else:
            error = None
            request_id = answer.get("x-amz-request-id")
        event = TraceEvent(
            method, loggable_url(url), self._attempts, status, error, elapsed, request_id
        )
        TRACE_LOGGER.debug(
            "%s %s attempt %d: %s in %.3f s, request id %s",
            event.method,
            event.url,
            event.attempt,
            event.status if error is None else error,
            event.elapsed,
            event.request_id or "-",
            extra={"aiominio_trace": event},
        )

    async def sleep(self, delay: float) -> None:
        await self._transport.sleep(delay)

    def clock(self) -> float:
        return self._transport.clock()

    async def close(self) -> None:
        await self._transport.close()

    def spare(self, timeouts: Timeouts) -> BaseTransport:
        return self._transport.spare(timeouts)

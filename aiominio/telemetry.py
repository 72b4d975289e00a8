"""OpenTelemetry traces and metrics of a client's requests: ``Client(..., telemetry=True)``, with
the ``otel`` extra (``pip install 'aiominio[otel]'``). A client without it never imports this
module, nor OpenTelemetry; its requests pay one attribute check.

Each request (one S3 API operation: ``GetObject``, ``UploadPart``, ...) is one span of kind
CLIENT, named as the semantic conventions of the AWS SDKs name it, ``S3.GetObject`` (``S3 POST``
for a request :func:`~aiominio.core.operation.operation_name` has no name for), from its first
attempt until its answer is read; a streamed answer's span ends when the body is released. Its
attributes:

=================================  ==============================================================
``rpc.system``, ``rpc.service``    ``aws-api``, ``S3``
``rpc.method``                     the operation: ``GetObject``
``aws.s3.bucket``                  the bucket
``aws.s3.key``                     the key, with ``telemetry_keys=True`` only (keys can be
                                   personal data)
``aws.s3.upload_id``,              of the requests of a multipart upload
``aws.s3.part_number``
``http.request.method``            ``GET``, ``PUT``, ...
``server.address``,                the endpoint's host and port
``server.port``
``http.request.body.size``         the bytes of the request's body
``http.response.status_code``      the status of the last answer
``http.response.body.size``        the body bytes received (read, for a streamed answer)
``aws.request_id``,                the last answer's ``x-amz-request-id`` and ``x-amz-id-2``
``aws.extended_request_id``
``aiominio.attempts``              how many times the request went out (retries, resends on a
                                   stale pooled connection and for a corrected region included)
``error.type``                     on failure: the exception's class (``SlowDown``)
=================================  ==============================================================

Each attempt that failed and was tried again is an ``aiominio.retry`` event (its number, its
``error.type``, message, status and request id); a request that fails sets the span's status to
ERROR and records the exception as an ``exception`` event (type and message; no stack trace,
whose chained exceptions could show a URL). No header and no URL is ever recorded, and without
``telemetry_keys=True`` no message names the key either.

The metrics, on a meter named ``aiominio``: the counters ``aiominio.requests`` (by
``rpc.method``, ``http.response.status_code`` and, on failure, ``error.type``),
``aiominio.retries`` (the attempts after the first, by ``rpc.method`` and the ``error.type``
that was retried), ``aiominio.bytes.sent`` and ``aiominio.bytes.received`` (by ``rpc.method``;
every attempt's body counts), and the histogram ``aiominio.request.duration`` in seconds (as the
span: until the answer is read or released).

Spans and metrics go to the global providers (``opentelemetry.trace.set_tracer_provider``,
``opentelemetry.metrics.set_meter_provider``), or those given as ``tracer_provider=`` and
``meter_provider=``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from urllib.parse import quote

try:
    from opentelemetry import context, metrics, trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ModuleNotFoundError as exc:  # the constructor of Client(telemetry=True) says this
    raise ImportError("telemetry=True needs OpenTelemetry: pip install 'aiominio[otel]'") from exc

from aiominio.core.endpoint import Endpoint
from aiominio.core.operation import operation_name
from aiominio.errors import AiominioError, S3Error
from aiominio.request import Request
from aiominio.transport import BaseTransport, Body, Response, StreamingResponse, Timeouts
from aiominio.version import __version__

#: The buckets of ``aiominio.request.duration`` (seconds): those the semantic conventions
#: advise for HTTP client durations.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
_Attributes = dict[str, str | int | bool]


class Telemetry:
    """The tracer and the instruments of one client (shared by its views and clones); each
    request it sends is watched by an :class:`ObservedRequest` (:meth:`observe`).

    Args:
        endpoint: the client's endpoint (``server.address`` and ``server.port``).
        keys: record object keys (``aws.s3.key``); off by default, as keys can be personal data.
        tracer_provider: where spans go, instead of the global tracer provider.
        meter_provider: where metrics go, instead of the global meter provider.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        keys: bool = False,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.keys = keys
        self.tracer = trace.get_tracer("aiominio", __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter("aiominio", __version__, meter_provider=meter_provider)
        self.requests = meter.create_counter(
            "aiominio.requests", "{request}", "S3 requests sent, by outcome"
        )
        self.retries = meter.create_counter(
            "aiominio.retries", "{retry}", "attempts of S3 requests after their first"
        )
        self.bytes_sent = meter.create_counter(
            "aiominio.bytes.sent", "By", "bytes of request bodies sent, every attempt's"
        )
        self.bytes_received = meter.create_counter(
            "aiominio.bytes.received", "By", "bytes of answer bodies received"
        )
        self.duration = meter.create_histogram(
            "aiominio.request.duration",
            "s",
            "duration of S3 requests, until their answer is read or released",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.server: _Attributes = {"server.address": endpoint.host, "server.port": endpoint.port}

    def observe(self, request: Request, transport: BaseTransport) -> ObservedRequest:
        """A view of ``transport`` that records ``request``'s span and metrics (one per
        request: it counts the attempts)."""
        return ObservedRequest(self, request, transport)


class ObservedRequest:
    """A view of a transport for one request: each attempt sent through it is counted, and
    :meth:`attempt_failed`, :meth:`failed` and :meth:`done` (called by the requester) end the
    span; everything else is the transport's own."""

    def __init__(self, telemetry: Telemetry, request: Request, transport: BaseTransport) -> None:
        self._telemetry = telemetry
        self._transport = transport
        method, bucket, key, query, headers, body = request[:6]
        operation = operation_name(method, bucket, key, query, headers)
        self._key = key if key and not telemetry.keys else None  # what messages must not show
        self._metric: _Attributes = {"rpc.method": operation or method}
        attributes: _Attributes = {
            "rpc.system": "aws-api",
            "rpc.service": "S3",
            "http.request.method": method,
            **telemetry.server,
        }
        if operation:
            attributes["rpc.method"] = operation
        if bucket is not None:
            attributes["aws.s3.bucket"] = bucket
        if key is not None and telemetry.keys:
            attributes["aws.s3.key"] = key
        for name, value in query:
            if name == "uploadId":
                attributes["aws.s3.upload_id"] = value
            elif name == "partNumber" and value.isdigit():
                attributes["aws.s3.part_number"] = int(value)
        self._body = 0 if body is None else memoryview(body).nbytes
        attributes["http.request.body.size"] = self._body
        self._span = telemetry.tracer.start_span(
            f"S3.{operation}" if operation else f"S3 {method}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
        )
        self._context = trace.set_span_in_context(self._span)
        self._start = time.perf_counter()
        self._attempts = 0
        self._sent = 0
        self._received = 0
        self._status: int | None = None
        self._headers: Mapping[str, str] = {}
        #: The failure of the last attempt, until the next one shows it was retried.
        self._failure: tuple[BaseException, int] | None = None
        self._error: BaseException | None = None
        self._stream: ObservedStream | None = None
        self._handed = False  # a streamed answer was handed over: its release ends the span
        self._open = True

    # -- what the requester tells ----------------------------------------------------------

    def attempt_failed(self, exc: BaseException) -> None:
        """An attempt ended with ``exc``: an event if another attempt follows."""
        self._failure = (exc, time.time_ns())

    def failed(self, exc: BaseException) -> None:
        """The request failed with ``exc`` (the span ends in :meth:`done`)."""
        self._failure = None  # not retried: the request's failure, not an attempt's
        self._error = exc

    def done(self) -> None:
        """The request's answer was handed over, or it failed: end the span, unless a
        streamed answer was handed over (then its release ends it)."""
        if self._error is None and self._stream is not None and not self._stream.released:
            self._handed = True
            return
        self._end()

    # -- the transport ---------------------------------------------------------------------

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
        self._attempt()
        token = context.attach(self._context)  # the span is the parent of the HTTP client's
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
        finally:
            context.detach(token)
        self._status, self._headers = resp.status, resp.headers
        self._received += len(resp.body)
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
        self._attempt()
        token = context.attach(self._context)
        try:
            streamed = await self._transport.stream(
                method, url, headers, body, timeouts=timeouts, remaining=remaining
            )
        finally:
            context.detach(token)
        self._status, self._headers = streamed.status, streamed.headers
        self._stream = ObservedStream(streamed, self)
        return self._stream

    async def sleep(self, delay: float) -> None:
        await self._transport.sleep(delay)

    def clock(self) -> float:
        return self._transport.clock()

    async def close(self) -> None:
        await self._transport.close()

    def spare(self, timeouts: Timeouts) -> BaseTransport:
        return self._transport.spare(timeouts)

    # -- the records -----------------------------------------------------------------------

    def _attempt(self) -> None:
        self._attempts += 1
        self._sent += self._body
        self._status, self._headers = None, {}
        if self._failure is not None:
            exc, when = self._failure
            self._failure = None
            event = self._describe(exc)
            self._telemetry.retries.add(1, {**self._metric, "error.type": str(event["error.type"])})
            event["aiominio.attempt"] = self._attempts - 1
            self._span.add_event("aiominio.retry", event, timestamp=when)

    def received(self, size: int) -> None:
        """``size`` bytes of a streamed body were read."""
        self._received += size

    def body_failed(self, exc: BaseException) -> None:
        """Reading the streamed body failed with ``exc``."""
        self._error = exc

    def released(self, stream: ObservedStream) -> None:
        """``stream`` was released: the end of the request, if it is the answer handed over
        (an error answer is released before its exception is raised)."""
        if self._handed and stream is self._stream:
            self._end()

    def _describe(self, exc: BaseException) -> _Attributes:
        """``error.type``, and what else may be told of ``exc``: its message (without the key,
        unless keys are recorded), its status and request id."""
        kind = type(exc)
        out: _Attributes = {"error.type": kind.__name__}
        if isinstance(exc, S3Error):
            # Described anew: the exception's own text names the bucket and the key.
            text = f"{exc.code} ({exc.status})"
            out["exception.message"] = f"{text}: {exc.message}" if exc.message else text
            out["http.response.status_code"] = exc.status
            if exc.request_id:
                out["aws.request_id"] = exc.request_id
        elif isinstance(exc, AiominioError):
            out["exception.message"] = str(exc)
        # Another exception (a bug, a test's) is named by its type only: its text is not ours.
        if self._key and "exception.message" in out:
            text = str(out["exception.message"])
            for form in (self._key, quote(self._key, safe="/~")):
                text = text.replace(form, "<key>")
            out["exception.message"] = text
        return out

    def _end(self) -> None:
        if not self._open:
            return
        self._open = False
        span, metric = self._span, dict(self._metric)
        telemetry = self._telemetry
        outcome: _Attributes = {"aiominio.attempts": self._attempts}
        outcome["http.response.body.size"] = self._received
        if self._status is not None:
            outcome["http.response.status_code"] = metric["http.response.status_code"] = (
                self._status
            )
        request_id = self._headers.get("x-amz-request-id")
        if request_id:
            outcome["aws.request_id"] = request_id
        extended = self._headers.get("x-amz-id-2")
        if extended:
            outcome["aws.extended_request_id"] = extended
        error = self._error
        if error is not None:
            described = self._describe(error)
            error_type = metric["error.type"] = outcome["error.type"] = described["error.type"]
            if "http.response.status_code" in described:
                status = described["http.response.status_code"]
                outcome["http.response.status_code"] = metric["http.response.status_code"] = status
            if "aws.request_id" in described:
                outcome["aws.request_id"] = described["aws.request_id"]
            message = described.get("exception.message")
            event: _Attributes = {"exception.type": f"{type(error).__module__}.{error_type}"}
            if message is not None:
                event["exception.message"] = message
            span.add_event("exception", event)
            span.set_status(Status(StatusCode.ERROR, str(message or error_type)))
        span.set_attributes(outcome)
        span.end()
        telemetry.requests.add(1, metric)
        telemetry.duration.record(time.perf_counter() - self._start, metric)
        by_operation = self._metric
        if self._sent:
            telemetry.bytes_sent.add(self._sent, by_operation)
        if self._received:
            telemetry.bytes_received.add(self._received, by_operation)


class ObservedStream:
    """A streamed answer that counts the body bytes read and ends its request's span when
    released (see :class:`ObservedRequest`)."""

    def __init__(self, streamed: StreamingResponse, owner: ObservedRequest) -> None:
        self._streamed = streamed
        self._owner = owner
        self.status = streamed.status
        self.headers = streamed.headers
        self.released = False

    @property
    def deadline(self) -> float | None:
        return self._streamed.deadline

    @deadline.setter
    def deadline(self, value: float | None) -> None:
        self._streamed.deadline = value

    async def read_any(self) -> bytes:
        try:
            data = await self._streamed.read_any()
        except Exception as exc:
            self._owner.body_failed(exc)
            raise
        self._owner.received(len(data))
        return data

    async def read_some(self, n: int) -> bytes:
        try:
            data = await self._streamed.read_some(n)
        except Exception as exc:
            self._owner.body_failed(exc)
            raise
        self._owner.received(len(data))
        return data

    async def read_all(self, limit: int | None = None) -> bytes:
        try:
            data = await self._streamed.read_all(limit)
        except Exception as exc:
            self._owner.body_failed(exc)
            raise
        self._owner.received(len(data))
        return data

    def release(self) -> None:
        self._streamed.release()
        if not self.released:
            self.released = True
            self._owner.released(self)

"""HTTP transport: the only module that imports aiohttp.

It owns the connection pool and timeouts and translates aiohttp's exceptions into aiominio's at
this boundary. It knows nothing about S3 beyond sending bytes and reading answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ssl
import time
import warnings
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import KW_ONLY, InitVar, dataclass
from types import TracebackType
from typing import Protocol

import aiohttp
import aiohttp.abc
import aiohttp.payload
from aiohttp.connector import Connection
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.tracing import Trace
from yarl import URL

from aiominio.errors import (
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    EventLoopError,
    InvalidArgument,
    InvalidResponseError,
    PoolTimeout,
    RequestTimeout,
    TLSError,
    TransportError,
)

Body = bytes | bytearray | memoryview | AsyncIterator[bytes] | None
#: A caller's own aiohttp session may be handed to the client (it is then not closed by it).
ClientSession = aiohttp.ClientSession
DEFAULT_MAX_CONNECTIONS = 64


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Timeouts in seconds; ``None`` disables one.

    Attributes:
        connect: to open a new connection to the server (the TCP connect and the TLS handshake).
            Waiting for a free connection of the pool does not count: calls queued behind long,
            healthy transfers are not failed as if the server were unreachable.
        read: the longest silence while waiting for bytes of an answer. This is what catches a
            stalled server: it is a per-read limit, so it never cuts off a long, healthy transfer.
        attempt: one attempt of a request, from sending it to the end of its answer's body (a
            streamed body included). A failed attempt is retried as the retry policy says, so
            this alone does not bound a call: ``deadline`` does. Off by default.
        deadline: one call from its first request to its end: every attempt, the pauses
            between them, the resumes of a streamed body that broke off and, for the calls
            that send several requests (``fget_object``, ``fput_object``, a multipart
            ``put_object``, ``compose_object``, a multipart ``copy_object``), all of them
            together. When it passes, the call raises :class:`~aiominio.RequestTimeout`,
            however the server behaves (one that drips a byte a second included); an upload
            cut off by it is aborted as a failed one is. A listing gives it to each page, a
            ``get_object`` to its request and the resumes of its body. Off by default, so a
            50 GB download can run.
        pool: the longest a request may wait to get a connection at all: for a free one of the
            pool (all ``max_connections`` busy), then for a new one to be opened. Off by
            default; when it expires the call fails with :class:`~aiominio.PoolTimeout`.
    """

    connect: float | None = 30.0
    read: float | None = 60.0
    #: Deprecated alias of ``deadline`` (its old documentation promised the whole request);
    #: third, as it was, so that ``Timeouts(30, 60, 120, 10)`` keeps its meaning.
    total: InitVar[float | None] = None
    pool: float | None = None
    _: KW_ONLY
    attempt: float | None = None
    deadline: float | None = None

    def __post_init__(self, total: float | None) -> None:
        if total is not None:
            warnings.warn(
                "Timeouts(total=...) is now Timeouts(deadline=...) (the whole request, retries "
                "included); Timeouts(attempt=...) bounds one attempt",
                DeprecationWarning,
                stacklevel=3,
            )
            if self.deadline is None:
                object.__setattr__(self, "deadline", total)
        for name in ("connect", "read", "attempt", "deadline", "pool"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"Timeouts.{name} must be a number of seconds or None")
            if not value > 0:  # also refuses NaN
                raise InvalidArgument(f"Timeouts.{name} must be positive (or None), not {value}")

    def to_aiohttp(self, remaining: float | None = None) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for one attempt; ``remaining``: seconds left before the deadline."""
        total = self.attempt
        if remaining is not None:
            total = remaining if total is None else min(total, remaining)
        # aiohttp's ``connect`` covers the wait for the pool and the connect together; its
        # ``sock_connect`` covers the connect (and handshake) alone.
        return aiohttp.ClientTimeout(
            total=total, connect=self.pool, sock_connect=self.connect, sock_read=self.read
        )


class _BufferPayload(aiohttp.payload.Payload):
    """A bytes-like body written in slices, each awaiting the socket's drain.

    aiohttp's own bytes payload hands the whole buffer to the transport at once (which copies what
    the socket does not take) and warns above 1 MiB; slicing a memoryview copies nothing.
    """

    _SLICE = 1 << 20

    def __init__(
        self, value: bytes | bytearray | memoryview, sent: Callable[[int], None] | None = None
    ) -> None:
        view = memoryview(value).cast("B")
        super().__init__(view, content_type=None)
        self._size = view.nbytes
        self._sent = sent

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return bytes(self._value).decode(encoding, errors)

    async def write(self, writer: aiohttp.abc.AbstractStreamWriter) -> None:
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: aiohttp.abc.AbstractStreamWriter, content_length: int | None
    ) -> None:
        view: memoryview = self._value
        if content_length is not None:
            view = view[:content_length]
        for start in range(0, len(view), self._SLICE):
            await writer.write(view[start : start + self._SLICE])
            if self._sent is not None:
                self._sent(min(start + self._SLICE, len(view)))
            # A socket that takes every slice at once never lets the loop run: yield, so that
            # other tasks (and whoever tells the progress) get their turn between slices.
            await asyncio.sleep(0)


@dataclass(frozen=True, slots=True)
class Response:
    """A whole (buffered) answer."""

    status: int
    headers: dict[str, str]
    body: bytes


class AiohttpStreamingResponse:
    """An answer whose body is read as it arrives; release it with ``release()``.

    ``deadline``: when (``loop.time()``) the request it answers must end, set by the requester
    so that a body resumed after a break keeps the first request's deadline.
    """

    def __init__(self, resp: aiohttp.ClientResponse, owner: Transport | None = None) -> None:
        self._resp = resp
        self._owner = owner
        self.status = resp.status
        self.headers = {k.lower(): v for k, v in resp.headers.items()}
        self.deadline: float | None = None

    async def read_any(self) -> bytes:
        """Whatever body bytes have arrived (waiting for some); ``b""`` at the end."""
        try:
            return await self._resp.content.readany()
        except _AIOHTTP_ERRORS as exc:
            failure = _translated(exc)
        raise failure  # outside the handler: no context to hold aiohttp's exception

    async def read_some(self, n: int) -> bytes:
        """Between 1 and ``n`` bytes of body (whatever has arrived, waiting for some); ``b""``
        at the end."""
        try:
            return await self._resp.content.read(n)
        except _AIOHTTP_ERRORS as exc:
            failure = _translated(exc)
        raise failure  # outside the handler: no context to hold aiohttp's exception

    async def read_all(self, limit: int | None = None) -> bytes:
        """The rest of the body; more than ``limit`` bytes is an
        :class:`~aiominio.InvalidResponseError` (the connection is then dropped)."""
        if limit is not None:
            return await _read_capped(self._resp, limit)
        try:
            return await self._resp.content.read()
        except _AIOHTTP_ERRORS as exc:
            failure = _translated(exc)
        raise failure

    def release(self) -> None:
        """Give the connection back, or close it if the body was not read to the end."""
        if self._owner is not None:
            self._owner._streams.discard(self)
        if self._resp.content.at_eof():
            self._resp.release()
        else:
            self._resp.close()

    def _abort(self, exc: BaseException) -> None:
        """End the body now: a reader waiting for bytes (or arriving later) gets ``exc``.
        (Closing the connection alone would leave a waiting reader waiting for ever.)"""
        self._resp.content.set_exception(exc)
        self._resp.close()


READ_BUFSIZE = 1 << 20
_CLOSED_IN_FLIGHT = "the client was closed while this request was in flight"
#: The most bytes of an answer read whole for a credentials provider (STS, IMDS, a container
#: agent): a few KiB in practice.
CREDENTIALS_ANSWER_LIMIT = 256 * 1024
# aiohttp adds these unless told not to: S3 answers are sent as stored (never decoded), and a body
# without a Content-Type goes without one.
_SKIP_AUTO_HEADERS = ("Accept-Encoding", "Content-Type")
# Whether the request this task is sending went out on a connection reused from the pool (set
# by the pool's own connector; a caller's session does not tell).
_reused: contextvars.ContextVar[bool] = contextvars.ContextVar("aiominio_reused", default=False)


class _Connector(aiohttp.TCPConnector):
    """aiohttp's pool, telling the request being sent whether its connection had served one
    before. (A trace hook could tell too, but any trace config makes aiohttp await a dozen
    signal coroutines per request: 15-20 us of CPU for each small PUT.)"""

    def __init__(self, *, limit: int, ssl: ssl.SSLContext | bool, ttl_dns_cache: int) -> None:
        super().__init__(limit=limit, limit_per_host=limit, ssl=ssl, ttl_dns_cache=ttl_dns_cache)
        self._served: weakref.WeakSet[object] = weakref.WeakSet()

    async def connect(
        self, req: aiohttp.ClientRequest, traces: list[Trace], timeout: aiohttp.ClientTimeout
    ) -> Connection:
        conn = await super().connect(req, traces, timeout)
        protocol = conn.protocol
        try:
            if protocol in self._served:
                _reused.set(True)
            else:
                self._served.add(protocol)
        except TypeError:
            # A protocol without weak references (aiohttp's have them; a test checks): reuse is
            # then unknown, and a cut-off request is retried as any other failure.
            pass
        return conn


_AIOHTTP_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, HttpProcessingError)


def _translated(exc: BaseException, *, waited: float | None = None) -> BaseException:
    """:func:`_translate`, to be raised ``from None`` and with its context dropped: aiohttp's
    exception objects hold the request (its headers, a session token and an SSE-C key among
    them), and nothing reachable from an exception aiominio raises may hold a secret. What the
    cause said is in the message."""
    translated = _translate(exc, waited=waited)
    if translated is not exc:
        translated.__context__ = None
    return translated


async def _read_capped(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """The whole body of ``resp``, refused (and the connection dropped) past ``limit`` bytes,
    before it is read when its Content-Length says so."""
    announced = resp.content_length
    if announced is not None and announced > limit:
        resp.close()
        raise answer_too_large(resp.status, f"{announced:,} bytes", limit)
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := await resp.content.readany():
            size += len(chunk)
            if size > limit:
                resp.close()
                raise answer_too_large(resp.status, f"more than {limit:,} bytes", limit)
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except _AIOHTTP_ERRORS as exc:
        resp.close()
        failure = _translated(exc)
    raise failure


def answer_too_large(status: int, size: str, limit: int) -> InvalidResponseError:
    """The refusal of an answer over its cap of ``limit`` bytes (``size`` says how large it
    is: ``"1,234 bytes"``, ``"more than 65,536 bytes"``); for stand-in transports too."""
    return InvalidResponseError(
        f"an HTTP {status} answer of {size}, more than an answer of its kind can be "
        f"(at most {limit:,} bytes are read): refused",
        status=status,
    )


# What OpenSSL says when the other side answers a ClientHello in plain HTTP.
_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure")


def _translate(exc: BaseException, *, waited: float | None = None) -> BaseException:
    """aiohttp's exception as aiominio's. ``waited``: seconds since the request started, to tell
    a pool wait that ran out (``Timeouts.pool``) from a connect that did."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return TLSError(f"TLS certificate verification failed: {exc.certificate_error}")
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        hint = ""
        if any(sign in str(exc.os_error) for sign in _PLAIN_HTTP_SIGNS):
            hint = (
                f"; {exc.host}:{exc.port} seems to speak plain HTTP: use an http:// endpoint "
                "(or secure=False)"
            )
        return TLSError(f"TLS handshake failed: {exc.os_error}{hint}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectError(f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        if waited is not None:
            return PoolTimeout(
                f"no connection within {waited:.3g} s (Timeouts.pool): every connection of the "
                "pool stayed busy, or a new one could not be opened in time"
            )
        return RequestTimeout("timed out connecting to the server")
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return RequestTimeout("timed out waiting for the server to send data")
    if isinstance(exc, asyncio.TimeoutError):
        return RequestTimeout(
            "the attempt ran out of time (Timeouts.attempt, or what was left of Timeouts.deadline)"
        )
    if isinstance(
        exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientOSError)
    ):
        return ConnectionLostError(f"connection lost: {type(exc).__name__}: {exc}")
    if isinstance(exc, HttpProcessingError):
        return ConnectionLostError(f"malformed HTTP response: {exc.message}")
    if isinstance(exc, aiohttp.ClientError):
        return TransportError(f"{type(exc).__name__}: {exc}")
    return exc


class StreamingResponse(Protocol):
    """An answer whose body is read as it arrives (what :meth:`BaseTransport.stream` returns);
    release it with :meth:`release`."""

    status: int
    headers: dict[str, str]
    #: When (``loop.time()``) the request it answers must end; set by the requester.
    deadline: float | None

    async def read_any(self) -> bytes:
        """Whatever body bytes have arrived (waiting for some); ``b""`` at the end."""
        ...

    async def read_some(self, n: int) -> bytes:
        """Between 1 and ``n`` bytes of body; ``b""`` at the end."""
        ...

    async def read_all(self, limit: int | None = None) -> bytes:
        """The rest of the body; more than ``limit`` bytes is an InvalidResponseError."""
        ...

    def release(self) -> None:
        """Give the connection back (or drop it if the body was not read to its end)."""
        ...


class BaseTransport(Protocol):
    """What the requester sends requests through: :class:`Transport` (aiohttp's pool), or a
    stand-in such as :class:`aiominio.testing.MockTransport`."""

    @property
    def timeouts(self) -> Timeouts:
        """The timeouts of requests that are given none of their own."""
        ...

    @property
    def closed(self) -> bool: ...

    @property
    def max_connections(self) -> int: ...

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
        """Send a request and read its whole answer (see :meth:`Transport.request`)."""
        ...

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
        """Send a request; return once the headers arrived (see :meth:`Transport.stream`)."""
        ...

    async def sleep(self, delay: float) -> None:
        """Wait ``delay`` seconds, cut short by :meth:`close` (a retry's pause)."""
        ...

    def clock(self) -> float:
        """Seconds from an arbitrary start, never going back: what retry time budgets are
        measured on (``time.monotonic`` for a real transport; a test transport may make its
        pauses instant and advance this instead)."""
        ...

    async def close(self) -> None: ...

    def spare(self, timeouts: Timeouts) -> BaseTransport:
        """A transport for clean-up requests once this one is closed."""
        ...


class Transport:
    """A pool of HTTP connections, created lazily inside the running event loop.

    ``ssl_context`` is an ``ssl.SSLContext``, the path of a CA bundle, or ``False`` to verify
    nothing; by default the system's trust store verifies HTTPS (``secure``) servers.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        timeouts: Timeouts | None = None,
        ssl_context: ssl.SSLContext | str | bool | None = None,
        secure: bool = True,
    ) -> None:
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise TypeError("max_connections must be an int")
        if max_connections < 1:
            raise InvalidArgument("max_connections must be at least 1")
        if isinstance(ssl_context, str):
            ssl_context = ssl.create_default_context(cafile=ssl_context)
        elif ssl_context is None and not secure:
            ssl_context = False  # plain HTTP: no TLS context to build (tens of ms of CPU)
        self._session = session
        self._owns_session = session is None
        self._max_connections = max_connections
        self.timeouts = timeouts or Timeouts()
        self._ssl: ssl.SSLContext | bool = True if ssl_context is None else ssl_context
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        # The streamed answers not yet released, so that close() can end their bodies.
        self._streams: set[AiohttpStreamingResponse] = set()
        # The tasks waiting on this transport, and those close() cancelled (see _in_flight).
        self._waiting: set[asyncio.Task[object]] = set()
        self._cut: weakref.WeakSet[asyncio.Task[object]] = weakref.WeakSet()
        self._callers_session = session  # kept after close(), for spare()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def max_connections(self) -> int:
        """The size of the pool this transport makes (not of a session passed in)."""
        return self._max_connections

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("this client is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            # aiohttp's pool and its connections belong to the loop that made them.
            raise EventLoopError(
                "this client belongs to the event loop it was first used in"
                + (" (now closed)" if self._loop.is_closed() else "")
                + "; create one client per event loop (e.g. one per asyncio.run)"
            )
        if self._session is None:
            connector = _Connector(
                limit=self._max_connections,
                ssl=self._ssl,
                ttl_dns_cache=300,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self.timeouts.to_aiohttp(),
                # A larger stream buffer means fewer pauses of the socket reader and bigger
                # chunks per read: a third less CPU per GiB downloaded.
                read_bufsize=READ_BUFSIZE,
                auto_decompress=False,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
            )
        return self._session

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body,
        timeouts: Timeouts | None,
        sent: Callable[[int], None] | None = None,
        remaining: float | None = None,
    ) -> aiohttp.ClientResponse:
        session = self._get_session()
        kwargs: dict[str, object] = {}
        if timeouts is not None or remaining is not None or not self._owns_session:
            # (A caller's session has its own default timeouts: ours go with every request.)
            kwargs["timeout"] = (timeouts or self.timeouts).to_aiohttp(remaining)
        if not self._owns_session:
            # The pool's own session has these set once; a caller's session gets them here.
            kwargs["ssl"] = self._ssl
            kwargs["auto_decompress"] = False
            kwargs["skip_auto_headers"] = _SKIP_AUTO_HEADERS
        data: object = body
        if isinstance(body, (bytes, bytearray, memoryview)) and len(body) > 65536:
            data = _BufferPayload(body, sent)
        pool_limit = (timeouts or self.timeouts).pool
        started = asyncio.get_running_loop().time()
        _reused.set(False)
        try:
            return await session.request(
                method,
                URL(url, encoded=True),
                headers=headers,
                data=data,
                allow_redirects=False,
                **kwargs,
            )
        except BaseException as exc:
            closed = self._closed_failure(exc)
            if closed is not None:
                failure: BaseException = closed
            else:
                waited = None
                if pool_limit is not None:
                    elapsed = asyncio.get_running_loop().time() - started
                    if elapsed >= pool_limit:
                        waited = elapsed
                failure = _translated(exc, waited=waited)
                if failure is exc:
                    raise
                if isinstance(failure, ConnectionLostError) and _reused.get():
                    # No answer had begun (this is before the headers): the server or a proxy
                    # had closed the pooled connection, and the request never reached it.
                    failure.stale_connection = True
        raise failure  # outside the handler: no context to hold aiohttp's exception

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
        """Send a request and read the whole answer.

        Args:
            sent: told, as a large body is written, how many of its bytes this attempt has
                written so far.
            remaining: seconds left before the request's deadline: this attempt ends by then.
            limit, error_limit: the most body bytes read of a success (below 300) and of an
                error answer; a longer body is an :class:`~aiominio.InvalidResponseError`.
        """
        with self._in_flight():
            resp = await self._send(method, url, headers, body, timeouts, sent, remaining)
            # A HEAD's Content-Length (or a 204's, a 304's) tells of a body that is not sent.
            bodiless = method == "HEAD" or resp.status in (204, 304)
            cap = None if bodiless else limit if resp.status < 300 else error_limit
            try:
                if cap is not None:
                    data = await _read_capped(resp, cap)
                else:
                    data = await resp.read()
            except BaseException as exc:
                resp.close()
                closed = self._closed_failure(exc)
                if closed is not None:
                    failure: BaseException = closed
                else:
                    failure = _translated(exc)
                    if failure is exc:
                        raise
            else:
                resp.release()
                headers_of = {k.lower(): v for k, v in resp.headers.items()}
                return Response(resp.status, headers_of, data)
        raise failure

    async def stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body = None,
        *,
        timeouts: Timeouts | None = None,
        remaining: float | None = None,
    ) -> AiohttpStreamingResponse:
        """Send a request and return as soon as the headers arrived; the caller must release.
        :meth:`close` ends the body of every stream not yet released."""
        with self._in_flight():
            resp = await self._send(method, url, headers, body, timeouts, None, remaining)
        streamed = AiohttpStreamingResponse(resp, self)
        if self._closed:  # closed while the headers were on their way
            resp.close()
            raise ClientClosedError(_CLOSED_IN_FLIGHT)
        self._streams.add(streamed)
        return streamed

    def clock(self) -> float:
        return time.monotonic()

    async def sleep(self, delay: float) -> None:
        """``asyncio.sleep``, cut short by :meth:`close` with
        :class:`~aiominio.ClientClosedError` (a retry's pause)."""
        if self._closed:
            raise ClientClosedError(_CLOSED_IN_FLIGHT)
        with self._in_flight():
            try:
                await asyncio.sleep(delay)
            except asyncio.CancelledError as exc:
                closed = self._closed_failure(exc)
                if closed is None:
                    raise
                failure = closed
            else:
                return
        raise failure

    @contextlib.contextmanager
    def _in_flight(self) -> Iterator[None]:
        """Mark the current task as waiting on this transport, for :meth:`close` to cut off."""
        task = asyncio.current_task()
        if task is None:  # not in a task (a bare coroutine driven by hand): nothing to cut
            yield
            return
        self._waiting.add(task)
        try:
            yield
        finally:
            self._waiting.discard(task)

    def _closed_failure(self, exc: BaseException) -> ClientClosedError | None:
        """:class:`~aiominio.ClientClosedError` if ``exc`` is how :meth:`close` cut this call
        off (its cancellation, or the connection it closed), else ``None``."""
        if not self._closed:
            return None
        if isinstance(exc, asyncio.CancelledError):
            task = asyncio.current_task()
            if task is None or task not in self._cut:
                return None  # cancelled by its owner: that stands
            self._cut.discard(task)
            uncancel = getattr(task, "uncancel", None)  # Python 3.11+
            if uncancel is not None and uncancel() > 0:
                return None  # its owner cancelled it too
        elif not isinstance(exc, Exception):
            return None
        return ClientClosedError(_CLOSED_IN_FLIGHT)

    async def close(self) -> None:
        """Close the pool (a session passed in by the caller is left open). Every call in
        flight on this transport (waiting for a connection, sending, waiting for or reading an
        answer, pausing between attempts) ends at once with
        :class:`~aiominio.ClientClosedError`; so does reading a body not yet released."""
        if self._closed:
            return
        self._closed = True
        closing = asyncio.current_task()  # a progress callback may close the client it runs in
        for task in list(self._waiting):
            if task is not closing:
                self._cut.add(task)
                task.cancel()
        streams, self._streams = self._streams, set()
        for stream in streams:
            stream._abort(ClientClosedError(_CLOSED_IN_FLIGHT))
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    def spare(self, timeouts: Timeouts) -> Transport:
        """A new pool for the same server settings (and the same caller's session, if one was
        given), for the clean-up requests that must still go out once this one is closed."""
        return Transport(
            session=None if self._owns_session else self._callers_session,
            max_connections=4,
            timeouts=timeouts,
            ssl_context=self._ssl,
        )

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def fetch(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 5.0,
) -> Response:
    """One request on a short-lived connection, for credential providers (STS, IMDS).

    Raises the transport errors of this module; HTTP error statuses are returned, not raised.
    The answer ends within ``2 * timeout`` seconds, and a body over
    :data:`CREDENTIALS_ANSWER_LIMIT` bytes is refused (:class:`~aiominio.InvalidResponseError`).
    """
    async with Transport(
        max_connections=1, timeouts=Timeouts(connect=timeout, read=timeout, attempt=timeout * 2)
    ) as transport:
        return await transport.request(
            method,
            url,
            dict(headers or {}),
            body,
            limit=CREDENTIALS_ANSWER_LIMIT,
            error_limit=CREDENTIALS_ANSWER_LIMIT,
        )

"""The connection pool over aiohttp: :class:`Transport`, the streamed answers it hands out, and
:func:`fetch` for the credential providers' one-off requests."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import ssl
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType

import aiohttp
import aiohttp.abc
import aiohttp.payload
from aiohttp.connector import Connection
from aiohttp.tracing import Trace
from yarl import URL

from aiominio.errors import (
    ClientClosedError,
    ConnectionLostError,
    EventLoopError,
    InvalidArgument,
    ProxyAuthError,
)
from aiominio.transport.interface import Body, Response, answer_too_large
from aiominio.transport.proxy import ProxySettings, proxy_settings, refusal, verification
from aiominio.transport.timeouts import Timeouts
from aiominio.transport.translate import AIOHTTP_ERRORS, translated

#: A caller's own aiohttp session may be handed to the client (it is then not closed by it).
ClientSession = aiohttp.ClientSession
DEFAULT_MAX_CONNECTIONS = 64


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
        """Whatever body bytes have arrived (waiting for some); ``b""`` at the end.

        One piece as it arrived, never several joined: aiohttp's ``readany`` copies all it
        holds into one bytes, a copy of every byte of a large body that a caller gathering
        the pieces (into a file's write buffer, say) would make again.
        """
        try:
            content = self._resp.content
            while True:
                data, boundary = await content.readchunk()
                if data or not boundary:  # (b"", True): a chunked body's chunk ended
                    return data
        except AIOHTTP_ERRORS as exc:
            failure = translated(exc)
        raise failure  # outside the handler: no context to hold aiohttp's exception

    async def read_some(self, n: int) -> bytes:
        """Between 1 and ``n`` bytes of body (whatever has arrived, waiting for some); ``b""``
        at the end."""
        try:
            return await self._resp.content.read(n)
        except AIOHTTP_ERRORS as exc:
            failure = translated(exc)
        raise failure  # outside the handler: no context to hold aiohttp's exception

    async def read_all(self, limit: int | None = None) -> bytes:
        """The rest of the body; more than ``limit`` bytes is an
        :class:`~aiominio.InvalidResponseError` (the connection is then dropped)."""
        if limit is not None:
            return await _read_capped(self._resp, limit)
        try:
            return await self._resp.content.read()
        except AIOHTTP_ERRORS as exc:
            failure = translated(exc)
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
    except AIOHTTP_ERRORS as exc:
        resp.close()
        failure = translated(exc)
    raise failure


class Transport:
    """A pool of HTTP connections, created lazily inside the running event loop.

    ``ssl_context`` is an ``ssl.SSLContext``, the path of a CA bundle, or ``False`` to verify
    nothing; by default the system's trust store verifies HTTPS (``secure``) servers.

    ``proxy`` (``http://`` or ``https://``, credentials in it or as ``proxy_auth``) carries every
    request; with ``trust_env`` and no ``proxy``, the environment's ``HTTPS_PROXY`` or
    ``HTTP_PROXY`` does, except to the hosts of ``NO_PROXY`` (read once, here: see
    :func:`~aiominio.transport.proxy.proxy_settings`). ``proxy_ca``: the CA bundle of an
    ``https://`` proxy's certificate. A caller's ``session`` keeps its own proxy settings
    (``proxy=``, ``trust_env``) when none of these is given; given, they win.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        timeouts: Timeouts | None = None,
        ssl_context: ssl.SSLContext | str | bool | None = None,
        secure: bool = True,
        proxy: str | None = None,
        proxy_auth: tuple[str, str] | None = None,
        proxy_ca: str | None = None,
        trust_env: bool = False,
    ) -> None:
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise TypeError("max_connections must be an int")
        if max_connections < 1:
            raise InvalidArgument("max_connections must be at least 1")
        self._proxies = proxy_settings(
            proxy=proxy,
            proxy_auth=proxy_auth,
            trust_env=trust_env,
            secure=secure,
            environ=os.environ if trust_env else {},
        )
        https_proxy = self._proxies.proxy is not None and self._proxies.proxy.scheme == "https"
        if proxy_ca is not None and not https_proxy and (proxy is not None or not trust_env):
            raise InvalidArgument("proxy_ca verifies an https:// proxy; there is none")
        self._session = session
        self._owns_session = session is None
        self._max_connections = max_connections
        self.timeouts = timeouts or Timeouts()
        self._ssl = verification(
            ssl_context, secure=secure, proxy_tls=https_proxy, proxy_ca=proxy_ca
        )
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
    def proxies(self) -> ProxySettings:
        """The proxy settings requests go by (validated, the environment's read once)."""
        return self._proxies

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
        target = URL(url, encoded=True)
        kwargs: dict[str, object] = {}
        proxy = self._proxies.proxy_for(target.raw_host or "", target.port)
        if proxy is not None:
            kwargs["proxy"] = proxy.url
            if proxy.authorization is not None:
                # A tunnel's credentials go on its CONNECT; a plain request's on the request
                # itself (never inside a tunnel, where the server would see them).
                if target.scheme == "https":
                    kwargs["proxy_headers"] = {"Proxy-Authorization": proxy.authorization}
                else:
                    headers = {**headers, "Proxy-Authorization": proxy.authorization}
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
            resp = await session.request(
                method,
                target,
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
                failure = translated(exc, waited=waited, proxy=proxy)
                if failure is exc:
                    raise
                if isinstance(failure, ConnectionLostError) and _reused.get():
                    # No answer had begun (this is before the headers): the server or a proxy
                    # had closed the pooled connection, and the request never reached it.
                    failure.stale_connection = True
        else:
            if proxy is None or resp.status != 407 or target.scheme == "https":
                return resp
            # A plain request's proxy refused it (a tunnel's refusal is aiohttp's exception).
            resp.close()
            failure = ProxyAuthError(
                refusal(proxy, 407, resp.reason, f"{target.host}:{target.port}")
            )
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
                    failure = translated(exc)
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
        spare = Transport(
            session=None if self._owns_session else self._callers_session,
            max_connections=4,
            timeouts=timeouts,
            ssl_context=self._ssl,
        )
        spare._proxies = self._proxies
        return spare

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

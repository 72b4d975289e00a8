"""A transport that answers every request with a function: tests of code that uses a client,
and of the client's own retries, resumes and aborts, with no server at all.

::

    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(404)
        return MockResponse(200, {"ETag": '"abc"'}, b"data")

    async with aiominio.Client("http://s3.test", access_key="a", secret_key="b",
                               transport=MockTransport(handler)) as client:
        ...

The handler may be a coroutine function. It may raise one of aiominio's transport errors
(:class:`~aiominio.ConnectionLostError`, :class:`~aiominio.RequestTimeout`, ...) to stand for a
failure on the way, and a response body may be given as chunks, one of which may be such an
exception: the body then breaks off there, as a reset connection would.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from aiominio.errors import ClientClosedError, RequestTimeout
from aiominio.transport import Body, Response, Timeouts, answer_too_large


@dataclass(frozen=True, slots=True)
class MockRequest:
    """One request as it would have gone on the wire.

    Attributes:
        method: ``GET``, ``PUT``, ...
        url: the whole URL, as sent (percent-encoded).
        headers: every header, the signature included (names as sent).
        body: the body (``b""`` for none).
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        """The URL's path, percent-encoded as sent."""
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        """The URL's query parameters, decoded."""
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    def header(self, name: str, default: str | None = None) -> str | None:
        """A header's value, its name in any letter case."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), default)


@dataclass(frozen=True, slots=True)
class MockResponse:
    """What the handler answers.

    Attributes:
        status: the HTTP status.
        headers: the answer's headers (names in any case).
        body: the body, whole or as chunks; an exception among the chunks is raised when the
            reader reaches it (a body that breaks off). A ``Content-Length`` is not added: give
            one where the code under test needs it.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Sequence[bytes | BaseException] = b""

    def chunks(self) -> list[bytes | BaseException]:
        return [self.body] if isinstance(self.body, bytes) else list(self.body)


Handler = Callable[[MockRequest], "MockResponse | Awaitable[MockResponse]"]


class MockTransport:
    """A transport for :class:`~aiominio.Client` (``Client(..., transport=MockTransport(h))``)
    that hands each request to ``handler`` and returns its answer; every request is kept in
    :attr:`requests`. The client's signing, retries, resumes, checks and aborts run unchanged.

    Timeouts work as with a server: a handler that takes longer than the attempt's bound (or
    what is left of the deadline) ends that attempt with :class:`~aiominio.RequestTimeout`.

    With ``virtual_time=True`` the pauses between retries take no time: each one advances
    :meth:`clock` (on which the retry policy's ``max_retry_time`` is measured) by its length
    instead, so a test of a time budget runs in microseconds and :attr:`slept` lists the pauses.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        timeouts: Timeouts | None = None,
        max_connections: int = 64,
        virtual_time: bool = False,
    ) -> None:
        self._handler = handler
        self._virtual_time = virtual_time
        self._now = 0.0
        #: The pauses asked for, in seconds, in order.
        self.slept: list[float] = []
        self._timeouts = timeouts or Timeouts()
        self._max_connections = max_connections
        self._closed = False
        #: Every request received, in order.
        self.requests: list[MockRequest] = []

    @property
    def timeouts(self) -> Timeouts:
        return self._timeouts

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def max_connections(self) -> int:
        return self._max_connections

    async def _answer(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body,
        timeouts: Timeouts | None,
        remaining: float | None,
    ) -> MockResponse:
        if self._closed:
            raise ClientClosedError("this client is closed; create a new one")
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("the mock transport takes buffered bodies")
        request = MockRequest(method, url, dict(headers), bytes(body or b""))
        self.requests.append(request)
        bound = (timeouts or self._timeouts).attempt
        if remaining is not None:
            bound = remaining if bound is None else min(bound, remaining)
        answer = self._handler(request)
        if inspect.isawaitable(answer):
            try:
                answer = await asyncio.wait_for(_awaited(answer), bound)
            except asyncio.TimeoutError:
                raise RequestTimeout("the handler took longer than the attempt may") from None
        if not isinstance(answer, MockResponse):
            raise TypeError(f"the handler must answer a MockResponse, not {type(answer).__name__}")
        return answer

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
        """The handler's answer, read whole (a chunk that is an exception is raised)."""
        answer = await self._answer(method, url, headers, body, timeouts, remaining)
        if sent is not None and isinstance(body, (bytes, bytearray, memoryview)):
            sent(len(body))
        data = bytearray()
        cap = None if method == "HEAD" else limit if answer.status < 300 else error_limit
        for chunk in answer.chunks():
            if isinstance(chunk, BaseException):
                raise chunk
            data += chunk
            if cap is not None and len(data) > cap:
                raise answer_too_large(answer.status, f"more than {cap:,} bytes", cap)
        return Response(answer.status, _lower(answer.headers), bytes(data))

    async def stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body = None,
        *,
        timeouts: Timeouts | None = None,
        remaining: float | None = None,
    ) -> MockStream:
        """The handler's answer, its body handed out chunk by chunk."""
        answer = await self._answer(method, url, headers, body, timeouts, remaining)
        return MockStream(answer.status, _lower(answer.headers), answer.chunks())

    def clock(self) -> float:
        """``time.monotonic()``, or with ``virtual_time`` the pauses slept so far."""
        return self._now if self._virtual_time else time.monotonic()

    async def sleep(self, delay: float) -> None:
        if self._closed:
            raise ClientClosedError("this client is closed; create a new one")
        self.slept.append(delay)
        if self._virtual_time:
            self._now += delay
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(delay)

    async def close(self) -> None:
        self._closed = True

    def spare(self, timeouts: Timeouts) -> MockTransport:
        """The same handler, for the clean-up requests sent after close (they are recorded in
        this transport's :attr:`requests` too)."""
        spare = MockTransport(self._handler, timeouts=timeouts, virtual_time=self._virtual_time)
        spare.requests = self.requests
        spare.slept = self.slept
        return spare


class MockStream:
    """A streamed answer of :class:`MockTransport`."""

    def __init__(self, status: int, headers: dict[str, str], chunks: list[bytes | BaseException]):
        self.status = status
        self.headers = headers
        self.deadline: float | None = None
        self._chunks = chunks
        self.released = False

    async def read_any(self) -> bytes:
        await asyncio.sleep(0)  # a body arrives over time: others run meanwhile
        while self._chunks:
            chunk = self._chunks.pop(0)
            if isinstance(chunk, BaseException):
                raise chunk
            if chunk:
                return chunk
        return b""

    async def read_some(self, n: int) -> bytes:
        chunk = await self.read_any()
        if len(chunk) > n:
            self._chunks.insert(0, chunk[n:])
            chunk = chunk[:n]
        return chunk

    async def read_all(self, limit: int | None = None) -> bytes:
        data = bytearray()
        while chunk := await self.read_any():
            data += chunk
            if limit is not None and len(data) > limit:
                raise answer_too_large(self.status, f"more than {limit:,} bytes", limit)
        return bytes(data)

    def release(self) -> None:
        self.released = True


async def _awaited(answer: Awaitable[MockResponse]) -> MockResponse:
    return await answer


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}

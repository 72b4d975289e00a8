"""What the requester sends requests through, without aiohttp: the :class:`BaseTransport`
protocol, the answers it returns (:class:`Response`, :class:`StreamingResponse`) and the
request :data:`Body` it takes. :class:`~aiominio.transport.Transport` (aiohttp's pool) and
stand-ins such as :class:`aiominio.testing.MockTransport` implement it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from aiominio.errors import InvalidResponseError
from aiominio.transport.timeouts import Timeouts

Body = bytes | bytearray | memoryview | AsyncIterator[bytes] | None


@dataclass(frozen=True, slots=True)
class Response:
    """A whole (buffered) answer."""

    status: int
    headers: dict[str, str]
    body: bytes


def answer_too_large(status: int, size: str, limit: int) -> InvalidResponseError:
    """The refusal of an answer over its cap of ``limit`` bytes (``size`` says how large it
    is: ``"1,234 bytes"``, ``"more than 65,536 bytes"``); for stand-in transports too."""
    return InvalidResponseError(
        f"an HTTP {status} answer of {size}, more than an answer of its kind can be "
        f"(at most {limit:,} bytes are read): refused",
        status=status,
    )


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

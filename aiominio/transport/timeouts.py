"""The :class:`Timeouts` of a transport: what bounds connecting, waiting for the pool, silences
while reading, one attempt and one whole call; and their translation into aiohttp's."""

from __future__ import annotations

import warnings
from dataclasses import KW_ONLY, InitVar, dataclass

import aiohttp

from aiominio.errors import InvalidArgument


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
    #: Deprecated alias of ``deadline``: it bounds the whole call, retries included. Kept as the
    #: third field, so that ``Timeouts(30, 60, 120, 10)`` means connect, read, deadline, pool.
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

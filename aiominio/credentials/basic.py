"""The credentials and the providers that need nothing but the process: :class:`Credentials`,
the :class:`CredentialsProvider` protocol, static keys (:class:`StaticProvider`), the environment
(:class:`EnvironmentProvider`), and :class:`RefreshingProvider`, the cache that every provider of
temporary credentials (:mod:`~aiominio.credentials.remote`, :mod:`~aiominio.credentials.container`,
:mod:`~aiominio.credentials.minio_sts`, :mod:`~aiominio.credentials.profile`) refreshes through."""

from __future__ import annotations

import asyncio
import copy
import os
import threading
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Protocol, runtime_checkable

from aiominio.core.validation import check_header_value
from aiominio.errors import CredentialsError, InvalidArgument


@dataclass(frozen=True, slots=True)
class Credentials:
    """An access key, its secret, and an optional session token and expiry.

    ``repr`` shows the access key only; the secret and token are hidden.

    Raises:
        InvalidArgument: an empty key, or a key or token holding anything but visible ASCII,
            spaces and tabs (a trailing newline read from a file, say): the access key and the
            token are sent in headers, and a secret with such a character signs nothing a
            server accepts. The message names the field and the character, never the value.
        TypeError: a session token that is not a str.
    """

    access_key: str
    secret_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.access_key, str) or not self.access_key:
            raise InvalidArgument("access_key must be a non-empty string")
        if not isinstance(self.secret_key, str) or not self.secret_key:
            raise InvalidArgument("secret_key must be a non-empty string")
        if self.session_token is not None and not isinstance(self.session_token, str):
            raise TypeError("session_token must be a str or None")
        check_header_value("access_key", self.access_key)
        check_header_value("secret_key", self.secret_key)
        if self.session_token is not None:
            check_header_value("session_token", self.session_token)

    def expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        """Whether these credentials expire within ``margin`` from ``now``."""
        if self.expiration is None:
            return False
        return self.expiration - margin <= (now or datetime.now(timezone.utc))


def credentials_from(
    source: str,
    access_key: str,
    secret_key: str,
    session_token: str | None = None,
    expiration: datetime | None = None,
) -> Credentials:
    """Credentials a provider read or was sent: a value :class:`Credentials` refuses is the
    source's fault, not the caller's, so it is a :class:`CredentialsError` naming the source."""
    try:
        return Credentials(access_key, secret_key, session_token, expiration)
    except InvalidArgument as exc:
        problem = str(exc)  # names the field and the character, never the value
    raise CredentialsError(f"{source} gave unusable credentials: {problem}")


@runtime_checkable
class CredentialsProvider(Protocol):
    """Something that hands out credentials, possibly refreshing them: the protocol a provider
    of your own implements (no base class needed).

    :meth:`retrieve` is awaited before each request is signed, by as many requests at once as
    the client sends, so it must be cheap once it has credentials: cache them, and let one
    caller fetch new ones while the others wait (:class:`RefreshingProvider` does both). It
    raises :class:`~aiominio.errors.CredentialsError` when it cannot get the credentials it was
    set up for; the message must not hold a secret.
    """

    async def retrieve(self) -> Credentials | None:
        """Return the credentials to sign with, or ``None`` for anonymous requests."""
        ...


class StaticProvider:
    """Always the same credentials (or always anonymous when given ``None``)."""

    def __init__(self, credentials: Credentials | None) -> None:
        self._credentials = credentials

    def __repr__(self) -> str:
        return f"StaticProvider({self._credentials!r})"

    @property
    def credentials(self) -> Credentials | None:
        """The credentials it hands out (without awaiting :meth:`retrieve`)."""
        return self._credentials

    async def retrieve(self) -> Credentials | None:
        return self._credentials


class EnvironmentProvider:
    """``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``, else
    ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``; ``None`` when neither pair is set."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def __repr__(self) -> str:
        return "EnvironmentProvider()"

    async def retrieve(self) -> Credentials | None:
        env = os.environ if self._environ is None else self._environ
        access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        if access and secret:
            token = env.get("AWS_SESSION_TOKEN") or None
            return credentials_from("the environment (AWS_*)", access, secret, token)
        access, secret = env.get("MINIO_ACCESS_KEY"), env.get("MINIO_SECRET_KEY")
        if access and secret:
            return credentials_from("the environment (MINIO_*)", access, secret)
        return None


class LoopLocks:
    """An :class:`asyncio.Lock` for each event loop, made when that loop first asks.

    An asyncio lock belongs to the first loop it waits in, so one lock in a provider used from
    two loops (two ``asyncio.run`` one after the other, threads each running a loop) fails
    with asyncio's "bound to a different event loop". Callers in one loop still share one
    lock, hence one refresh; loops do not wait for one another (no lock could make a loop wait
    for another without blocking it), so at worst each refreshes once.
    """

    def __init__(self) -> None:
        # Weak keys: a closed loop that nothing else holds takes its lock with it.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()  # loops in other threads make their locks at once

    def get(self) -> asyncio.Lock:
        """The lock of the running loop."""
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._locks.get(loop)
            if lock is None:
                lock = self._locks[loop] = asyncio.Lock()
            return lock


class RefreshingProvider:
    """Base for providers of temporary credentials, and the cache for a fetch of your own.

    Credentials are cached and fetched again ``refresh_margin`` before they expire (halfway
    through their remaining lifetime, for credentials shorter-lived than that). Concurrent
    callers share one fetch: the first caller that finds the credentials due fetches, the others
    wait for it and take its outcome, the new credentials or its error. So a hundred requests
    arriving with expired credentials cause a single fetch, even when what it fetched is due
    again at once (a clock behind the server's), and a source that fails is asked once for them
    all, not once per waiting request. A provider may be used from any event loop, one after
    another or at once from threads (each loop has its own lock; the credentials are shared).

    Args:
        fetch_credentials: ``async def () -> Credentials``, for a provider of your own without
            a subclass: ``RefreshingProvider(vault_credentials)``. Subclasses implement
            ``_fetch`` instead.
    """

    refresh_margin = timedelta(minutes=5)

    def __init__(
        self, fetch_credentials: Callable[[], Awaitable[Credentials]] | None = None
    ) -> None:
        self._fetch_credentials = fetch_credentials
        self._cached: Credentials | None = None
        self._refresh_at: datetime | None = None
        self._locks = LoopLocks()
        # Fetches ended so far, and how the last one ended (None while one runs, or when it was
        # cancelled): a caller that waited while a fetch ended takes that fetch's outcome.
        self._ended = 0
        self._outcome: Credentials | Exception | None = None
        self._outcome_traceback: TracebackType | None = None
        self.refreshes = 0

    def __repr__(self) -> str:
        fetch = self._fetch_credentials
        if fetch is None:
            return f"{type(self).__name__}()"
        name = getattr(fetch, "__qualname__", type(fetch).__name__)
        return f"{type(self).__name__}(fetch_credentials={name})"

    def _fresh(self) -> Credentials | None:
        cached = self._cached
        if cached is None:
            return None
        if self._refresh_at is None or datetime.now(timezone.utc) < self._refresh_at:
            return cached
        return None

    async def retrieve(self) -> Credentials | None:
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        ended = self._ended
        async with self._locks.get():
            outcome = self._outcome
            if self._ended != ended and outcome is not None:
                # A fetch ended after this caller found the credentials due: it is this
                # caller's fetch too, whatever it brought.
                if isinstance(outcome, Credentials):
                    return outcome
                # A copy for each waiter, with the original traceback: one shared instance
                # would collect each raiser's context and traceback in turn.
                raise copy.copy(outcome).with_traceback(self._outcome_traceback) from None
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            self._outcome = self._outcome_traceback = None
            try:
                creds = await self._fetch()
            except Exception as exc:
                self._outcome, self._outcome_traceback = exc, exc.__traceback__
                raise
            finally:
                self._ended += 1
            self.refreshes += 1
            self._cached = self._outcome = creds
            self._refresh_at = None
            if creds.expiration is not None:
                # Refresh ``refresh_margin`` early, or halfway for credentials shorter-lived
                # than that, so a short lifetime does not mean a fetch per request.
                left = creds.expiration - datetime.now(timezone.utc)
                self._refresh_at = creds.expiration - min(self.refresh_margin, left / 2)
            return creds

    async def _fetch(self) -> Credentials:
        fetch = self._fetch_credentials
        if fetch is None:
            raise NotImplementedError(
                "subclass RefreshingProvider and implement _fetch, or pass fetch_credentials"
            )
        creds = await fetch()
        if not isinstance(creds, Credentials):
            raise TypeError(
                f"fetch_credentials must return Credentials, not {type(creds).__name__}"
            )
        return creds

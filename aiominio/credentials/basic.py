"""The credentials and the providers that need no request: :class:`Credentials`, the
:class:`CredentialsProvider` protocol, static keys (:class:`StaticProvider`), the environment
(:class:`EnvironmentProvider`), the AWS shared files (:class:`SharedFileProvider`), and
:class:`RefreshingProvider`, the cache that providers of temporary credentials (see
:mod:`aiominio.credentials.remote`) refresh through."""

from __future__ import annotations

import asyncio
import configparser
import os
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol, runtime_checkable

from aiominio.awsconfig import aws_home, profile_name
from aiominio.awsconfig import config_file as shared_config_file
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
    """Something that hands out credentials, possibly refreshing them."""

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


class SharedFileProvider:
    """Keys of a profile in the AWS shared credentials and config files.

    The profile is ``profile``, else ``AWS_PROFILE``, else ``default``. The credentials file
    (``[name]`` sections) wins over the config file (``[profile name]`` sections).
    """

    def __init__(
        self,
        profile: str | None = None,
        *,
        credentials_file: str | os.PathLike[str] | None = None,
        config_file: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.profile = profile_name(profile, env)
        self._credentials_file = Path(
            credentials_file
            or env.get("AWS_SHARED_CREDENTIALS_FILE")
            or aws_home(env) / "credentials"
        )
        self._config_file = Path(config_file or shared_config_file(env))

    def __repr__(self) -> str:
        return f"SharedFileProvider(profile={self.profile!r})"

    def _read(self) -> Credentials | None:
        for path, section in (
            (self._credentials_file, self.profile),
            (
                self._config_file,
                self.profile if self.profile == "default" else f"profile {self.profile}",
            ),
        ):
            if not path.is_file():
                continue
            parser = configparser.RawConfigParser()
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError) as exc:
                # A parse error quotes the offending line, a decode error holds the file's
                # bytes: either may be a secret. Only the kind of error leaves this block, and
                # the error is raised outside it, so that not even __context__ keeps them.
                failure: str | None = type(exc).__name__
            else:
                failure = None
            if failure is not None:
                raise CredentialsError(f"cannot parse {path}: {failure}")
            if not parser.has_section(section):
                continue
            values = parser[section]
            access = values.get("aws_access_key_id")
            secret = values.get("aws_secret_access_key")
            if access and secret:
                token = values.get("aws_session_token") or None
                return credentials_from(
                    f"profile {self.profile!r} of {path}", access, secret, token
                )
        return None

    async def retrieve(self) -> Credentials | None:
        return await asyncio.to_thread(self._read)


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
    """Base for providers of temporary credentials.

    Credentials are cached and fetched again ``refresh_margin`` before they expire. Concurrent
    callers share one fetch: a lock makes sure that a hundred requests arriving with expired
    credentials cause a single refresh. A provider may be used from any event loop, one after
    another or at once from threads (each loop has its own lock; the credentials are shared).
    """

    refresh_margin = timedelta(minutes=5)

    def __init__(self) -> None:
        self._cached: Credentials | None = None
        self._refresh_at: datetime | None = None
        self._locks = LoopLocks()
        self.refreshes = 0

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
        async with self._locks.get():
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            creds = await self._fetch()
            self.refreshes += 1
            self._cached = creds
            self._refresh_at = None
            if creds.expiration is not None:
                # Refresh ``refresh_margin`` early, or halfway for credentials shorter-lived
                # than that, so a short lifetime does not mean a fetch per request.
                left = creds.expiration - datetime.now(timezone.utc)
                self._refresh_at = creds.expiration - min(self.refresh_margin, left / 2)
            return creds

    async def _fetch(self) -> Credentials:
        raise NotImplementedError

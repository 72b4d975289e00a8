"""Credentials and where they come from.

A :class:`Credentials` value never shows its secret key or session token in ``repr``/``str``.
A provider is anything with ``async def retrieve() -> Credentials | None``; ``None`` means
anonymous access.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Credentials:
    """An access key, its secret, and an optional session token and expiry.

    ``repr`` shows the access key only; the secret and token are hidden.
    """

    access_key: str
    secret_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.access_key, str) or not self.access_key:
            raise ValueError("access_key must be a non-empty string")
        if not isinstance(self.secret_key, str) or not self.secret_key:
            raise ValueError("secret_key must be a non-empty string")
        if self.session_token is not None and not isinstance(self.session_token, str):
            raise TypeError("session_token must be a str or None")


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

    async def retrieve(self) -> Credentials | None:
        return self._credentials


class EnvironmentProvider:
    """Credentials from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``,
    else ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``; ``None`` when neither pair is set."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def __repr__(self) -> str:
        return "EnvironmentProvider()"

    async def retrieve(self) -> Credentials | None:
        env = os.environ if self._environ is None else self._environ
        access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        if access and secret:
            return Credentials(access, secret, env.get("AWS_SESSION_TOKEN") or None)
        access, secret = env.get("MINIO_ACCESS_KEY"), env.get("MINIO_SECRET_KEY")
        if access and secret:
            return Credentials(access, secret)
        return None

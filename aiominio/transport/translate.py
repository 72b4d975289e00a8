"""aiohttp's exceptions translated into aiominio's, in one place: every call into aiohttp that
can fail goes through :func:`translated`."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.http_exceptions import HttpProcessingError

from aiominio.errors import (
    ConnectError,
    ConnectionLostError,
    PoolTimeout,
    RequestTimeout,
    TLSError,
    TransportError,
)

#: The exceptions a call into aiohttp raises when the request or its answer fails.
AIOHTTP_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, HttpProcessingError)


def translated(exc: BaseException, *, waited: float | None = None) -> BaseException:
    """:func:`_translate`, to be raised ``from None`` and with its context dropped: aiohttp's
    exception objects hold the request (its headers, a session token and an SSE-C key among
    them), and nothing reachable from an exception aiominio raises may hold a secret. What the
    cause said is in the message."""
    failure = _translate(exc, waited=waited)
    if failure is not exc:
        failure.__context__ = None
    return failure


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

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
    ProxyAuthError,
    RequestTimeout,
    TLSError,
    TransportError,
)
from aiominio.transport.proxy import Proxy, refusal

#: The exceptions a call into aiohttp raises when the request or its answer fails.
AIOHTTP_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, HttpProcessingError)


def translated(
    exc: BaseException, *, waited: float | None = None, proxy: Proxy | None = None
) -> BaseException:
    """:func:`_translate`, to be raised ``from None`` and with its context dropped: aiohttp's
    exception objects hold the request (its headers, a session token, an SSE-C key and a proxy's
    credentials among them), and nothing reachable from an exception aiominio raises may hold a
    secret. What the cause said is in the message. ``proxy``: the proxy the request went
    through, named (without its credentials) when it is what failed."""
    failure = _translate(exc, waited=waited, proxy=proxy)
    if failure is not exc:
        failure.__context__ = None
    return failure


# What OpenSSL says when the other side answers a ClientHello in plain HTTP.
_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure")


def _translate(
    exc: BaseException, *, waited: float | None = None, proxy: Proxy | None = None
) -> BaseException:
    """aiohttp's exception as aiominio's. ``waited``: seconds since the request started, to tell
    a pool wait that ran out (``Timeouts.pool``) from a connect that did."""
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        # The proxy answered the CONNECT of an https:// endpoint with something else than 200.
        url = exc.request_info.url
        kind = ProxyAuthError if exc.status == 407 else ConnectError
        return kind(refusal(proxy, exc.status, exc.message, f"{url.host}:{url.port}"))
    at_proxy = (
        proxy is not None
        and isinstance(exc, aiohttp.ClientConnectorError)
        and (
            isinstance(exc, aiohttp.ClientProxyConnectionError)
            or (exc.host, exc.port) == (proxy.host, proxy.port)
        )
    )
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        if at_proxy:
            return TLSError(
                f"TLS certificate verification of the proxy {proxy} failed: "
                f"{exc.certificate_error} (proxy_ca= names the CA bundle that issued it)"
            )
        return TLSError(f"TLS certificate verification failed: {exc.certificate_error}")
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        hint = ""
        if any(sign in str(exc.os_error) for sign in _PLAIN_HTTP_SIGNS):
            hint = (
                f"; the proxy {proxy} seems to speak plain HTTP: use an http:// proxy URL"
                if at_proxy
                else f"; {exc.host}:{exc.port} seems to speak plain HTTP: use an http:// "
                "endpoint (or secure=False)"
            )
        where = f" with the proxy {proxy}" if at_proxy else ""
        return TLSError(f"TLS handshake failed{where}: {exc.os_error}{hint}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        if at_proxy:
            return ConnectError(f"cannot connect to the proxy {proxy}: {exc.os_error}")
        return ConnectError(f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        if waited is not None:
            return PoolTimeout(
                f"no connection within {waited:.3g} s (Timeouts.pool): every connection of the "
                "pool stayed busy, or a new one could not be opened in time"
            )
        via = "" if proxy is None else f" (through the proxy {proxy})"
        return RequestTimeout(f"timed out connecting to the server{via}")
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

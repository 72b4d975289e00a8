"""aiohttp's exceptions translated into aiominio's (:mod:`aiominio.transport.translate`): which
aiominio exception each failure becomes, what its message says, and that nothing of aiohttp's
exception (which holds the request, secrets included) stays reachable from it."""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from aiohttp.http_exceptions import HttpProcessingError

from aiominio.errors import (
    ConnectError,
    ConnectionLostError,
    PoolTimeout,
    RequestTimeout,
    TLSError,
    TransportError,
)
from aiominio.transport.translate import AIOHTTP_ERRORS, translated

KEY = ConnectionKey("minio.example", 9000, True, True, None, None, None, None)


def test_an_untrusted_certificate_is_a_tls_error() -> None:
    cert_error = ssl.SSLCertVerificationError("self-signed certificate")
    failure = translated(aiohttp.ClientConnectorCertificateError(KEY, cert_error))
    assert type(failure) is TLSError
    assert "certificate verification failed" in str(failure)
    assert "self-signed certificate" in str(failure)


def test_a_failed_handshake_with_a_plain_http_server_says_to_use_http() -> None:
    os_error = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    failure = translated(aiohttp.ClientConnectorSSLError(KEY, os_error))
    assert type(failure) is TLSError
    assert "minio.example:9000 seems to speak plain HTTP" in str(failure)


def test_another_failed_handshake_gives_no_plain_http_hint() -> None:
    os_error = ssl.SSLError(1, "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] handshake failure")
    failure = translated(aiohttp.ClientConnectorSSLError(KEY, os_error))
    assert type(failure) is TLSError
    assert "TLS handshake failed" in str(failure) and "plain HTTP" not in str(failure)


def test_a_refused_connection_is_a_connect_error_naming_the_server() -> None:
    os_error = ConnectionRefusedError(111, "Connection refused")
    failure = translated(aiohttp.ClientConnectorError(KEY, os_error))
    assert type(failure) is ConnectError
    assert "cannot connect to minio.example:9000" in str(failure)


def test_a_connect_timeout_is_a_pool_timeout_when_the_wait_is_known() -> None:
    # The requester passes ``waited`` when Timeouts.pool bounds the wait for a connection.
    failure = translated(aiohttp.ConnectionTimeoutError(), waited=2.5)
    assert type(failure) is PoolTimeout
    assert "2.5 s (Timeouts.pool)" in str(failure)
    failure = translated(aiohttp.ConnectionTimeoutError())
    assert type(failure) is RequestTimeout
    assert "connecting" in str(failure)


def test_a_silent_server_is_a_request_timeout_of_the_read() -> None:
    failure = translated(aiohttp.SocketTimeoutError())
    assert type(failure) is RequestTimeout
    assert "waiting for the server to send data" in str(failure)


def test_an_attempt_out_of_time_is_a_request_timeout_of_the_attempt() -> None:
    failure = translated(asyncio.TimeoutError())
    assert type(failure) is RequestTimeout
    assert "Timeouts.attempt" in str(failure)


@pytest.mark.parametrize(
    "exc",
    [
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientPayloadError("Response payload is not completed"),
        aiohttp.ClientOSError(104, "Connection reset by peer"),
    ],
)
def test_a_connection_cut_off_is_a_lost_connection(exc: BaseException) -> None:
    failure = translated(exc)
    assert type(failure) is ConnectionLostError
    assert type(exc).__name__ in str(failure)


def test_a_malformed_answer_is_a_lost_connection() -> None:
    failure = translated(HttpProcessingError(message="bad status line"))
    assert type(failure) is ConnectionLostError
    assert "malformed HTTP response: bad status line" in str(failure)


def test_any_other_aiohttp_error_is_a_transport_error() -> None:
    failure = translated(aiohttp.InvalidURL("not a url"))
    assert type(failure) is TransportError
    assert "InvalidURL" in str(failure)


def test_an_exception_not_of_aiohttp_is_returned_as_it_is() -> None:
    exc = ValueError("a bug")
    exc.__context__ = KeyError("kept")
    assert translated(exc) is exc
    assert isinstance(exc.__context__, KeyError)


def test_the_translation_holds_nothing_of_aiohttps_exception() -> None:
    # aiohttp's exception holds the request; what it said is in the message, as text only.
    exc = aiohttp.ClientPayloadError("Response payload is not completed")
    failure = translated(exc)
    assert failure.__context__ is None and failure.__cause__ is None
    assert all(isinstance(arg, str) for arg in failure.args)
    assert "Response payload is not completed" in str(failure)
    assert not any(value is exc for value in vars(failure).values())


def test_every_failure_translated_is_one_the_transport_catches() -> None:
    for exc in (
        aiohttp.ClientError(),
        asyncio.TimeoutError(),
        HttpProcessingError(message="x"),
    ):
        assert isinstance(exc, AIOHTTP_ERRORS)
        assert isinstance(translated(exc), TransportError)

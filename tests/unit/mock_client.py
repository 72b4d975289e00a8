"""A client over :class:`aiominio.testing.MockTransport` for unit tests of client methods: every
request is answered by a function and kept, with no server and no retries."""

from __future__ import annotations

from collections.abc import Callable

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport


def mock_client(
    handler: Callable[[MockRequest], MockResponse], *, region: str | None = "us-east-1"
) -> tuple[aiominio.Client, MockTransport]:
    transport = MockTransport(handler)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region=region,
        retry=aiominio.RetryPolicy(max_attempts=1),
        transport=transport,
    )
    return client, transport


def answer(
    body: bytes = b"", status: int = 200, **headers: str
) -> Callable[[MockRequest], MockResponse]:
    """A handler giving every request the same answer."""
    return lambda request: MockResponse(status, headers, body)


def error(status: int, code: str) -> MockResponse:
    body = f"<Error><Code>{code}</Code><Message>m</Message></Error>".encode()
    return MockResponse(status, {"Content-Type": "application/xml"}, body)

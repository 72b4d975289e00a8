"""Object lock methods through the client: configuration, retention and legal hold."""

from __future__ import annotations

from datetime import datetime, timezone

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client

LATER = datetime(2030, 1, 2, tzinfo=timezone.utc)


async def test_set_object_retention_sends_the_mode_and_date() -> None:
    client, transport = mock_client(answer())
    async with client:
        await client.set_object_retention(
            "bkt", "k", aiominio.Retention(aiominio.RetentionMode.GOVERNANCE, LATER)
        )
    (request,) = transport.requests
    assert (request.method, request.query) == ("PUT", {"retention": ""})
    assert b"<Mode>GOVERNANCE</Mode>" in request.body
    assert b"<RetainUntilDate>2030-01-02T00:00:00" in request.body


async def test_a_key_never_held_is_not_held() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(400, "NoSuchObjectLockConfiguration")

    client, _ = mock_client(handler)
    async with client:
        assert await client.is_object_legal_hold_enabled("bkt", "k") is False


async def test_enable_and_disable_legal_hold() -> None:
    client, transport = mock_client(answer())
    async with client:
        await client.enable_object_legal_hold("bkt", "k")
        await client.disable_object_legal_hold("bkt", "k")
    assert [r.query for r in transport.requests] == [{"legal-hold": ""}] * 2
    assert [b"<Status>ON</Status>" in r.body for r in transport.requests] == [True, False]

"""The object lock operations over a requester."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.ops import objectlock
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client


async def test_a_version_without_retention_has_none() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(404, "NoSuchObjectLockConfiguration")

    client, transport = mock_client(handler)
    async with client:
        assert await objectlock.get_retention(client.requester, "bkt", "k", version_id="v") is None
    assert transport.requests[0].query == {"retention": "", "versionId": "v"}


async def test_other_errors_of_get_legal_hold_are_raised() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(403, "AccessDenied")

    client, _ = mock_client(handler)
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await objectlock.get_legal_hold(client.requester, "bkt", "k")


async def test_get_lock_config_reads_the_default_retention() -> None:
    body = (
        b"<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule>"
        b"<DefaultRetention><Mode>COMPLIANCE</Mode><Days>3</Days></DefaultRetention>"
        b"</Rule></ObjectLockConfiguration>"
    )
    client, _ = mock_client(answer(body))
    async with client:
        config = await objectlock.get_lock_config(client.requester, "bkt")
    assert (config.mode, config.days, config.years) == (aiominio.RetentionMode.COMPLIANCE, 3, None)


async def test_clear_retention_sends_an_empty_retention_with_the_bypass() -> None:
    client, transport = mock_client(answer(b""))
    async with client:
        await objectlock.clear_retention(client.requester, "bkt", "k", version_id="v1")
    sent = transport.requests[0]
    assert (sent.method, sent.query) == ("PUT", {"retention": "", "versionId": "v1"})
    assert sent.headers["x-amz-bypass-governance-retention"] == "true"
    assert b"<Mode>" not in sent.body and b"Retention" in sent.body
    assert "Content-MD5" in sent.headers

"""Lifecycle, encryption, CORS and replication methods through the client."""

from __future__ import annotations

import base64
import hashlib

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client


async def test_set_bucket_cors_sends_the_document_with_its_md5() -> None:
    client, transport = mock_client(answer())
    config = aiominio.CorsConfig([aiominio.CorsRule(["GET"], ["*"])])
    async with client:
        await client.set_bucket_cors("bkt", config)
    (request,) = transport.requests
    assert (request.method, request.query) == ("PUT", {"cors": ""})
    md5 = base64.b64encode(hashlib.md5(request.body).digest()).decode()
    assert request.header("content-md5") == md5
    assert aiominio.CorsConfig.from_xml(request.body) == config


async def test_a_bucket_without_a_lifecycle_has_none() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(404, "NoSuchLifecycleConfiguration")

    client, _ = mock_client(handler)
    async with client:
        assert await client.get_bucket_lifecycle("bkt") is None


async def test_delete_bucket_encryption() -> None:
    client, transport = mock_client(answer(status=204))
    async with client:
        await client.delete_bucket_encryption("bkt")
    assert [(r.method, r.query) for r in transport.requests] == [("DELETE", {"encryption": ""})]

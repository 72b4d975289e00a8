"""The tagging operations over a requester."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.ops import tagging
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client


async def test_a_version_is_tagged_by_its_id() -> None:
    client, transport = mock_client(answer())
    async with client:
        await tagging.set_object_tags(
            client.requester, "bkt", "k", tags={"a": "1"}, version_id="v7"
        )
        await tagging.delete_object_tags(client.requester, "bkt", "k", version_id="v7")
    assert [(r.method, r.query) for r in transport.requests] == [
        ("PUT", {"tagging": "", "versionId": "v7"}),
        ("DELETE", {"tagging": "", "versionId": "v7"}),
    ]


async def test_other_errors_of_get_bucket_tags_are_raised() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(403, "AccessDenied")

    client, _ = mock_client(handler)
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await tagging.get_bucket_tags(client.requester, "bkt")

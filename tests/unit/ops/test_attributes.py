"""The GetObjectAttributes operation over a requester."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.ops import attributes
from tests.unit.mock_client import answer, mock_client


async def test_the_latest_version_is_asked_without_a_version_id() -> None:
    body = b"<GetObjectAttributesResponse><ObjectSize>7</ObjectSize></GetObjectAttributesResponse>"
    client, transport = mock_client(answer(body))
    async with client:
        attrs = await attributes.get_object_attributes(client.requester, "bkt", "k")
    assert attrs.size == 7
    assert transport.requests[0].query == {"attributes": ""}


async def test_an_answer_of_another_document_is_refused() -> None:
    client, _ = mock_client(answer(b"<Other/>"))
    async with client:
        with pytest.raises(aiominio.InvalidResponseError):
            await attributes.get_object_attributes(client.requester, "bkt", "k")

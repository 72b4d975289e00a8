"""Object and bucket tag methods through the client."""

from __future__ import annotations

from aiominio.core import xml
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client


async def test_set_object_tags_sends_the_tagging_document() -> None:
    client, transport = mock_client(answer())
    async with client:
        await client.set_object_tags("bkt", "k", {"colour": "blue"})
    (request,) = transport.requests
    assert (request.method, request.path, request.query) == ("PUT", "/bkt/k", {"tagging": ""})
    assert xml.parse_tagging(request.body) == {"colour": "blue"}


async def test_get_object_tags_reads_them() -> None:
    body = b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>"
    client, _ = mock_client(answer(body))
    async with client:
        assert await client.get_object_tags("bkt", "k") == {"a": "1"}


async def test_a_bucket_without_tags_has_none() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(404, "NoSuchTagSet")

    client, _ = mock_client(handler)
    async with client:
        assert await client.get_bucket_tags("bkt") == {}

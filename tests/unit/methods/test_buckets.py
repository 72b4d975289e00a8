"""The bucket methods of the client through a mock transport: the request each sends and the
answer each reads."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client

BUCKETS = (
    b"<ListAllMyBucketsResult><Buckets>"
    b"<Bucket><Name>a-one</Name><CreationDate>2026-01-02T03:04:05.000Z</CreationDate></Bucket>"
    b"<Bucket><Name>b-two</Name><CreationDate>2026-02-03T04:05:06.000Z</CreationDate></Bucket>"
    b"</Buckets></ListAllMyBucketsResult>"
)


async def test_list_buckets_reads_names_and_dates() -> None:
    client, transport = mock_client(answer(BUCKETS))
    async with client:
        found = await client.list_buckets()
    assert [(b.name, b.creation_date.month) for b in found] == [("a-one", 1), ("b-two", 2)]
    (request,) = transport.requests
    assert (request.method, request.path) == ("GET", "/")


@pytest.mark.parametrize(("status", "exists"), [(200, True), (404, False)])
async def test_bucket_exists_is_a_head_of_the_bucket(status: int, exists: bool) -> None:
    client, transport = mock_client(answer(status=status))
    async with client:
        assert await client.bucket_exists("photos") is exists
    assert [(r.method, r.path) for r in transport.requests] == [("HEAD", "/photos")]


async def test_bucket_exists_raises_what_is_not_a_missing_bucket() -> None:
    client, _ = mock_client(lambda request: MockResponse(403))
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.bucket_exists("photos")


async def test_make_and_remove_bucket() -> None:
    client, transport = mock_client(answer())
    async with client:
        await client.make_bucket("photos")
        await client.remove_bucket("photos")
    assert [(r.method, r.path) for r in transport.requests] == [
        ("PUT", "/photos"),
        ("DELETE", "/photos"),
    ]


async def test_remove_bucket_of_a_missing_bucket_is_that_error() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(404, "NoSuchBucket")

    client, _ = mock_client(handler)
    async with client:
        with pytest.raises(aiominio.NoSuchBucket):
            await client.remove_bucket("photos")


async def test_list_objects_pages_with_the_continuation_token() -> None:
    pages = {
        "": b"<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t2"
        b"</NextContinuationToken><Contents><Key>a</Key><Size>1</Size></Contents>"
        b"</ListBucketResult>",
        "t2": b"<ListBucketResult><IsTruncated>false</IsTruncated>"
        b"<Contents><Key>b</Key><Size>2</Size></Contents></ListBucketResult>",
    }

    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(200, {}, pages[request.query.get("continuation-token", "")])

    client, transport = mock_client(handler)
    async with client:
        found = [(o.key, o.size) async for o in client.list_objects_v2("bkt", recursive=True)]
    assert found == [("a", 1), ("b", 2)]
    assert [r.query.get("list-type") for r in transport.requests] == ["2", "2"]

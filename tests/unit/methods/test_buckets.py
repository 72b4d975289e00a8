"""The bucket methods of the client through a mock transport: the request each sends and the
answer each reads."""

from __future__ import annotations

import asyncio
from typing import Any

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


def _bucket_pages(request: MockRequest) -> MockResponse:
    """Three buckets, one per page, each page naming the next by a token."""
    names = ["a-one", "a-two", "b-three"]
    at = int(request.query.get("continuation-token", "0"))
    more = f"<ContinuationToken>{at + 1}</ContinuationToken>" if at + 1 < len(names) else ""
    body = (
        f"<ListAllMyBucketsResult><Buckets><Bucket><Name>{names[at]}</Name></Bucket></Buckets>"
        f"{more}</ListAllMyBucketsResult>"
    )
    return MockResponse(200, {}, body.encode())


async def test_list_buckets_follows_continuation_tokens() -> None:
    client, transport = mock_client(_bucket_pages)
    async with client:
        found = await client.list_buckets(max_buckets=1, region="eu-west-1")
    assert [b.name for b in found] == ["a-one", "a-two", "b-three"]
    assert [r.query for r in transport.requests] == [
        {"max-buckets": "1", "bucket-region": "eu-west-1"},
        {"max-buckets": "1", "bucket-region": "eu-west-1", "continuation-token": "1"},
        {"max-buckets": "1", "bucket-region": "eu-west-1", "continuation-token": "2"},
    ]


async def test_list_buckets_filters_by_prefix_where_the_server_does_not() -> None:
    client, transport = mock_client(_bucket_pages)
    async with client:
        found = await client.list_buckets(prefix="a-")
    assert [b.name for b in found] == ["a-one", "a-two"]
    assert transport.requests[0].query == {"prefix": "a-"}


async def test_a_bucket_listing_that_does_not_advance_is_refused() -> None:
    stuck = (
        b"<ListAllMyBucketsResult><Buckets><Bucket><Name>a-one</Name></Bucket></Buckets>"
        b"<ContinuationToken>same</ContinuationToken></ListAllMyBucketsResult>"
    )
    empty = b"<ListAllMyBucketsResult><Buckets/><ContinuationToken>%d</ContinuationToken>"
    tokens = iter(["A", "B"] * 50)

    def cycling(request: MockRequest) -> MockResponse:
        page = f"<ListAllMyBucketsResult><Buckets><Bucket><Name>b-{next(tokens)}</Name></Bucket>"
        return MockResponse(
            200,
            {},
            (
                page + f"</Buckets><ContinuationToken>{next(tokens)}"
                "</ContinuationToken></ListAllMyBucketsResult>"
            ).encode(),
        )

    for handler in [
        answer(stuck),
        lambda r: MockResponse(200, {}, empty % (len(r.url)) + b"</ListAllMyBucketsResult>"),
        cycling,  # A, B, A, ...: a token seen before, not only the one just sent
    ]:
        client, transport = mock_client(handler)
        async with client:
            with pytest.raises(aiominio.InvalidResponseError, match="does not end"):
                await client.list_buckets()
        assert len(transport.requests) < 200


def _objects(request: MockRequest) -> MockResponse:
    if request.method == "HEAD":
        if request.path.endswith("/gone"):
            return error(412, "PreconditionFailed")
        return MockResponse(
            200,
            {"ETag": '"e"', "Content-Type": "text/csv", "x-amz-meta-Color": "red"},
        )
    page = (
        "<ListBucketResult><IsTruncated>false</IsTruncated>"
        '<Contents><Key>a</Key><Size>1</Size><ETag>"e"</ETag>'
        "<Owner><ID>id1</ID><DisplayName>me</DisplayName></Owner></Contents>"
        '<Contents><Key>gone</Key><Size>1</Size><ETag>"old"</ETag></Contents>'
        "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes></ListBucketResult>"
    )
    return MockResponse(200, {}, page.encode())


async def test_metadata_missing_from_a_listing_is_read_by_heads_pinned_to_the_etag() -> None:
    client, transport = mock_client(_objects)
    async with client:
        found = [o async for o in client.list_objects_v2("bkt", include_user_meta=True)]
    assert [(o.key, o.metadata, o.content_type) for o in found] == [
        ("a", {"color": "red"}, "text/csv"),
        ("dir/", None, None),
        ("gone", None, None),  # rewritten since the listing: no metadata rather than another's
    ]
    listed, *heads = transport.requests
    assert listed.query["metadata"] == "true"
    assert sorted((r.path, r.header("If-Match")) for r in heads) == [
        ("/bkt/a", '"e"'),
        ("/bkt/gone", '"old"'),
    ]


async def test_owners_are_asked_for_and_read() -> None:
    client, transport = mock_client(_objects)
    async with client:
        plain = [o async for o in client.list_objects_v2("bkt")]
        owned = [o async for o in client.list_objects_v2("bkt", fetch_owner=True)]
    assert [o.owner for o in plain] == [None, None, None]
    assert owned[0].owner == aiominio.Owner("id1", "me")
    assert "fetch-owner" not in transport.requests[0].query
    assert transport.requests[1].query["fetch-owner"] == "true"
    assert len(transport.requests) == 2  # no HEADs without include_user_meta


async def test_a_head_the_server_refuses_leaves_that_objects_metadata_unknown() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(403 if request.path.endswith("/secret") else 500)
        page = (
            "<ListBucketResult><IsTruncated>false</IsTruncated>"
            '<Contents><Key>secret</Key><Size>1</Size><ETag>"e"</ETag></Contents>'
            "</ListBucketResult>"
        )
        return MockResponse(200, {}, page.encode())

    client, _ = mock_client(handler)
    async with client:
        found = [o async for o in client.list_objects_v2("bkt", include_user_meta=True)]
    assert [(o.key, o.metadata) for o in found] == [("secret", None)]


async def test_a_server_failure_of_a_head_fails_the_listing_and_stops_the_others() -> None:
    heads: list[str] = []
    cancelled: list[str] = []

    async def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            heads.append(request.path)
            if request.path.endswith("/k0"):
                return MockResponse(501)
            try:
                await asyncio.sleep(3600)  # the others hang until cancelled
            except asyncio.CancelledError:
                cancelled.append(request.path)
                raise
        page = "".join(
            f'<Contents><Key>k{i}</Key><Size>1</Size><ETag>"e"</ETag></Contents>' for i in range(20)
        )
        doc = f"<ListBucketResult><IsTruncated>false</IsTruncated>{page}</ListBucketResult>"
        return MockResponse(200, {}, doc.encode())

    client, _ = mock_client(handler)  # type: ignore[arg-type]
    async with client:
        with pytest.raises(aiominio.S3Error) as caught:
            await asyncio.wait_for(
                anext_all(client.list_objects_v2("bkt", include_user_meta=True)), 10
            )
    assert caught.value.status == 501
    assert len(heads) < 20  # 8 at a time: the rest were never sent
    assert sorted(cancelled) == sorted(heads[1:])  # none of those in flight left running


async def anext_all(listing: Any) -> list[Any]:
    return [o async for o in listing]

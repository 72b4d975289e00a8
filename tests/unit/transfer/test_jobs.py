"""transfer.jobs: the Download job value hands every step the same pinned reader."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import aiominio
from aiominio.core.sse import SseCustomerKey
from aiominio.models import ObjectStat
from aiominio.testing import MockRequest, MockResponse, MockTransport
from aiominio.transfer.jobs import Download
from aiominio.transfer.sources import ProgressReporter

BODY = bytes(range(256)) * 4


def _serve(request: MockRequest) -> MockResponse:
    start, end = 0, len(BODY) - 1
    rng = request.header("Range")
    if rng is not None:
        first, last = rng.removeprefix("bytes=").split("-")
        start, end = int(first), int(last) if last else len(BODY) - 1
    headers = {
        "ETag": '"e1"',
        "Content-Length": str(end - start + 1),
        "Content-Range": f"bytes {start}-{end}/{len(BODY)}",
    }
    return MockResponse(206 if rng else 200, headers, BODY[start : end + 1])


@pytest.fixture
def transport() -> MockTransport:
    return MockTransport(_serve)


@pytest.fixture
async def client(transport: MockTransport) -> AsyncIterator[aiominio.Client]:
    async with aiominio.Client(
        "http://s3.test", access_key="a", secret_key="b", region="us-east-1", transport=transport
    ) as c:
        yield c


def _stat(size: int, etag: str) -> ObjectStat:
    return ObjectStat(
        size=size, etag=etag, content_type="binary/octet-stream", last_modified=None, metadata={}
    )


def _job(client: aiominio.Client, *, etag: str, sse: SseCustomerKey | None = None) -> Download:
    stat = _stat(len(BODY), etag)
    reporter = ProgressReporter(None, len(BODY))
    return Download(client.requester, "b", "k", stat, "v1", sse, reporter)


async def test_the_reader_is_pinned_to_the_etag_and_version(
    client: aiominio.Client, transport: MockTransport
) -> None:
    job = _job(client, etag="e1")
    async with job.reader(100, 50) as reader:
        data = b"".join([chunk async for chunk in reader])
    assert data == BODY[100:150]
    (sent,) = transport.requests
    assert sent.header("If-Match") == '"e1"'
    assert sent.header("Range") == "bytes=100-149"
    assert sent.query.get("versionId") == "v1"


async def test_the_reader_carries_the_customer_key(
    client: aiominio.Client, transport: MockTransport
) -> None:
    job = _job(client, etag="e1", sse=SseCustomerKey(bytes(32)))
    async with job.reader(0) as reader:
        assert b"".join([chunk async for chunk in reader]) == BODY
    (sent,) = transport.requests
    assert sent.header("x-amz-server-side-encryption-customer-algorithm") == "AES256"
    assert sent.header("x-amz-server-side-encryption-customer-key") is not None


def test_where_names_the_object() -> None:
    stat = _stat(1, "e")
    job = Download(None, "b", "a/k", stat, None, None, ProgressReporter(None, 1))  # type: ignore[arg-type]
    assert job.where == "b/a/k"

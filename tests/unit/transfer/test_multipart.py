"""Multipart uploads through :class:`aiominio.testing.MockTransport`, no server: cancellation at
every request of an upload, a completion whose answer was lost, strays of a lost creation."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import zlib

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport

MiB = 1024 * 1024
ETAG = '"0123456789abcdef0123456789abcdef"'
INITIATED = b"<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>"
COMPLETED = (
    b"<CompleteMultipartUploadResult><ETag>&quot;e-3&quot;</ETag></CompleteMultipartUploadResult>"
)


def kind(request: MockRequest) -> str:
    """What an upload's request is: create, part, complete, abort, list, head."""
    q = request.query
    if request.method == "POST":
        return "create" if "uploads" in q else "complete"
    if request.method == "PUT":
        return "part"
    if request.method == "DELETE":
        return "abort"
    return "head" if request.method == "HEAD" else "list"


def answer(request: MockRequest) -> MockResponse:
    return {
        "create": MockResponse(200, {}, INITIATED),
        "part": MockResponse(200, {"ETag": ETAG}),
        "complete": MockResponse(200, {}, COMPLETED),
        "abort": MockResponse(204),
    }.get(kind(request), MockResponse(404))


def client_for(transport: MockTransport, attempts: int = 3) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0, max_delay=0),
        transport=transport,
    )


# create, 3 parts, complete: the upload is cancelled while each of them waits for its answer.
@pytest.mark.parametrize("stop_at", range(5))
async def test_cancelled_at_any_request_the_upload_is_aborted(stop_at: int) -> None:
    reached, cancelled = asyncio.Event(), asyncio.Event()
    seen = 0

    async def handler(request: MockRequest) -> MockResponse:
        nonlocal seen
        if kind(request) in ("create", "part", "complete"):
            seen += 1
            if seen == stop_at + 1:
                reached.set()
                await cancelled.wait()  # answers only once the caller was cancelled
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        task = asyncio.ensure_future(
            client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1)
        )
        await asyncio.wait_for(reached.wait(), 10)
        task.cancel()
        await asyncio.sleep(0)
        cancelled.set()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    kinds = [kind(r) for r in transport.requests]
    assert kinds.count("abort") == 1, kinds  # even while the creation was in flight
    assert kinds[-1] == "abort"
    assert "complete" not in kinds[:-1] or stop_at == 4


async def test_a_completion_whose_answer_was_lost_is_recovered() -> None:
    """The completion went through but its answer broke off; the retry finds the upload gone:
    the object is there with the ETag these parts make, so the upload succeeded."""
    completions = 0
    part_etags = ["aa" * 16, "bb" * 16, "cc" * 16]
    expected = hashlib.md5(b"".join(bytes.fromhex(e) for e in part_etags)).hexdigest()

    def handler(request: MockRequest) -> MockResponse:
        nonlocal completions
        what = kind(request)
        if what == "part":
            number = int(request.query["partNumber"])
            return MockResponse(200, {"ETag": f'"{part_etags[number - 1]}"'})
        if what == "complete":
            completions += 1
            if completions == 1:
                raise aiominio.ConnectionLostError("the answer broke off")
            return MockResponse(404, {}, b"<Error><Code>NoSuchUpload</Code></Error>")
        if what == "head":
            return MockResponse(
                200,
                {
                    "ETag": f'"{expected}-3"',
                    "Content-Length": str(11 * MiB),
                    "Last-Modified": "Mon, 07 Dec 2026 10:00:00 GMT",
                },
            )
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        result = await client.put_object(
            "bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1
        )
    assert result.etag == f"{expected}-3"
    assert completions == 2
    assert "abort" not in [kind(r) for r in transport.requests]


async def test_a_part_checksum_the_server_contradicts_fails_the_upload() -> None:
    """The server names another CRC32 than the part's: the upload fails and is aborted."""

    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            wrong = base64.b64encode((zlib.crc32(b"other") & 0xFFFFFFFF).to_bytes(4, "big"))
            return MockResponse(200, {"ETag": ETAG, "x-amz-checksum-crc32": wrong.decode()})
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    assert [kind(r) for r in transport.requests][-1] == "abort"

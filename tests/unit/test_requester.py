"""The request pipeline through :class:`aiominio.testing.MockTransport`, no server: the retry
budget, what is retried and what is not, an error inside a 200, a region learnt from a refusal,
stale pooled connections, a body resumed where it broke off, an upload aborted."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport

ETAG = '"0123456789abcdef0123456789abcdef"'
DATE = "Mon, 07 Dec 2026 10:00:00 GMT"
INITIATED = b"<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>"


def client_for(
    handler: Callable[[MockRequest], MockResponse], *, attempts: int = 3, region: str | None = "r"
) -> tuple[aiominio.Client, MockTransport]:
    transport = MockTransport(handler)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region=region,
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0, max_delay=0),
        transport=transport,
    )
    return client, transport


def error(status: int, code: str) -> MockResponse:
    body = f"<Error><Code>{code}</Code><Message>m</Message></Error>".encode()
    return MockResponse(status, {"Content-Type": "application/xml"}, body)


async def test_transient_errors_are_retried_within_the_attempts() -> None:
    client, transport = client_for(lambda r: error(503, "SlowDown"), attempts=4)
    async with client:
        with pytest.raises(aiominio.S3Error) as info:
            await client.put_object("bkt", "k", b"x")
    assert info.value.code == "SlowDown"
    assert len(transport.requests) == 4
    assert client.retries == 3


async def test_a_transient_error_then_success() -> None:
    answers = [error(500, "InternalError"), MockResponse(200, {"ETag": ETAG})]
    client, transport = client_for(lambda r: answers.pop(0))
    async with client:
        result = await client.put_object("bkt", "k", b"x")
    assert result.etag == ETAG.strip('"')
    assert len(transport.requests) == 2
    # Every attempt is signed afresh (its own date and signature).
    assert all(r.header("Authorization") for r in transport.requests)


@pytest.mark.parametrize(("status", "code"), [(403, "AccessDenied"), (404, "NoSuchBucket")])
async def test_client_errors_are_not_retried(status: int, code: str) -> None:
    client, transport = client_for(lambda r: error(status, code))
    async with client:
        with pytest.raises(aiominio.S3Error) as info:
            await client.put_object("bkt", "k", b"x")
    assert (info.value.status, info.value.code) == (status, code)
    assert len(transport.requests) == 1


async def test_connection_failures_are_retried_and_typed() -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise aiominio.ConnectionLostError("reset")

    client, transport = client_for(handler, attempts=2)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.stat_object("bkt", "k")
    assert len(transport.requests) == 2


async def test_stale_pooled_connections_are_resent_without_an_attempt() -> None:
    failures = 3  # more than the attempts allow

    def handler(request: MockRequest) -> MockResponse:
        nonlocal failures
        if failures:
            failures -= 1
            stale = aiominio.ConnectionLostError("closed by the server while idle")
            stale.stale_connection = True
            raise stale
        return MockResponse(200, {"ETag": ETAG})

    client, transport = client_for(handler, attempts=2)
    async with client:
        await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 4
    assert client.retries == 0


async def test_an_error_inside_a_200_is_that_error_and_retried() -> None:
    """CompleteMultipartUpload may answer 200, then an <Error> after whitespace."""
    completed = (
        b"<CompleteMultipartUploadResult><ETag>&quot;e-2&quot;</ETag>"
        b"</CompleteMultipartUploadResult>"
    )
    completions: list[MockRequest] = []

    def handler(request: MockRequest) -> MockResponse:
        if request.method == "POST" and "uploads" in request.query:
            return MockResponse(200, {}, INITIATED)
        if request.method == "PUT":
            return MockResponse(200, {"ETag": ETAG})
        if request.method == "POST":
            completions.append(request)
            if len(completions) == 1:
                return MockResponse(
                    200, {}, b" " * 100 + b"<Error><Code>InternalError</Code></Error>"
                )
            return MockResponse(200, {}, completed)
        raise AssertionError(request)

    client, _ = client_for(handler)
    async with client:
        result = await client.put_object(
            "bkt", "k", bytes(6 * 1024 * 1024), part_size=5 * 1024 * 1024
        )
    assert result.etag == "e-2"
    assert len(completions) == 2


async def test_a_region_named_by_a_refusal_is_learnt_and_signed_for() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if "location" in request.query:
            return MockResponse(200, {}, b"<LocationConstraint/>")
        if "/us-east-1/" in (request.header("Authorization") or ""):
            body = (
                b"<Error><Code>AuthorizationHeaderMalformed</Code>"
                b"<Region>eu-west-3</Region></Error>"
            )
            return MockResponse(400, {}, body)
        return MockResponse(200, {"ETag": ETAG})

    client, transport = client_for(handler, region=None)
    async with client:
        await client.put_object("bkt", "k", b"x")
        await client.put_object("bkt", "k", b"x")
    signed = [
        re.search(r"/\d{8}/([^/]+)/s3/", r.header("Authorization") or "")
        for r in transport.requests
    ]
    regions = [m.group(1) for m in signed if m]
    # The location, the first PUT for the guessed region, once more for the right one; then
    # the region is known.
    assert regions[-3:] == ["us-east-1", "eu-west-3", "eu-west-3"]


async def test_a_body_that_breaks_off_is_resumed_pinned_to_its_etag() -> None:
    data = b"0123456789"

    def handler(request: MockRequest) -> MockResponse:
        headers = {"ETag": ETAG, "Last-Modified": DATE}
        wanted = request.header("Range")
        if wanted is None:
            headers["Content-Length"] = str(len(data))
            return MockResponse(200, headers, [data[:4], aiominio.ConnectionLostError("reset")])
        start = int(wanted.removeprefix("bytes=").split("-")[0])
        assert request.header("If-Match") == ETAG  # the same object, or nothing
        headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        headers["Content-Length"] = str(len(data) - start)
        return MockResponse(206, headers, data[start:])

    client, transport = client_for(handler)
    async with client, client.get_object("bkt", "k", verify=False) as obj:
        assert await obj.read() == data
    assert [r.header("Range") for r in transport.requests] == [None, "bytes=4-"]


async def test_a_resumed_answer_of_another_range_is_refused() -> None:
    data = b"0123456789"

    def handler(request: MockRequest) -> MockResponse:
        headers = {"ETag": ETAG, "Last-Modified": DATE, "Content-Length": str(len(data))}
        if request.header("Range") is None:
            return MockResponse(200, headers, [data[:4], aiominio.ConnectionLostError("reset")])
        return MockResponse(200, headers, data)  # the whole object again, not the 206 asked

    client, transport = client_for(handler, attempts=3)
    async with client:
        with pytest.raises(aiominio.InvalidResponseError):
            async with client.get_object("bkt", "k", verify=False) as obj:
                await obj.read()
    assert len(transport.requests) == 3  # asked again within the budget, never spliced


async def test_a_failed_part_aborts_the_upload() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "POST" and "uploads" in request.query:
            return MockResponse(200, {}, INITIATED)
        if request.method == "PUT":
            return error(403, "AccessDenied")
        return MockResponse(204)

    client, transport = client_for(handler)
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.put_object("bkt", "k", bytes(6 * 1024 * 1024), part_size=5 * 1024 * 1024)
    deletes = [r for r in transport.requests if r.method == "DELETE"]
    assert [r.query for r in deletes] == [{"uploadId": "u"}]
    assert not any(r.method == "POST" and "uploadId" in r.query for r in transport.requests)


async def test_oversized_answers_are_refused_by_the_mock_too() -> None:
    client, _ = client_for(lambda r: MockResponse(200, {}, [b"<x>", b" " * (3 << 20)]))
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="more than"):
            await client.get_bucket_tags("bkt")


async def test_a_transport_given_takes_no_session() -> None:
    with pytest.raises(aiominio.InvalidArgument, match="belong to the transport"):
        aiominio.Client(
            "http://s3.test", transport=MockTransport(lambda r: MockResponse()), ssl_context=False
        )

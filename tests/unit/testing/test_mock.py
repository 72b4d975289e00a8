""":class:`aiominio.testing.MockTransport` itself: requests recorded as sent, answers (whole,
in chunks, breaking off) handed back as a server's would be, timeouts of slow handlers, a closed
transport, and virtual time for retry pauses."""

from __future__ import annotations

import asyncio
import random

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport

DATE = "Mon, 07 Dec 2026 10:00:00 GMT"


def client_for(transport: MockTransport, **options: object) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region="us-east-1",
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


def test_a_request_tells_its_path_query_and_headers() -> None:
    request = MockRequest(
        "GET", "http://s3.test/bkt/a%20b?uploadId=u%2B1&uploads=", {"X-Amz-Date": "d"}
    )
    assert request.path == "/bkt/a%20b"  # as sent
    assert request.query == {"uploadId": "u+1", "uploads": ""}  # decoded
    assert request.header("x-amz-date") == "d"
    assert request.header("missing", "default") == "default"


async def test_every_request_is_recorded_signed_with_its_body() -> None:
    transport = MockTransport(lambda r: MockResponse(200, {"ETag": '"e"'}))
    async with client_for(transport) as client:
        await client.put_object("bkt", "dir/k", b"body", metadata={"a": "1"})
    (request,) = transport.requests
    assert (request.method, request.path, request.body) == ("PUT", "/bkt/dir/k", b"body")
    assert (request.header("authorization") or "").startswith("AWS4-HMAC-SHA256 ")
    assert request.header("x-amz-meta-a") == "1"


async def test_answer_headers_are_read_in_any_letter_case() -> None:
    headers = {"eTaG": '"e"', "CONTENT-LENGTH": "4", "last-MODIFIED": DATE}
    transport = MockTransport(lambda r: MockResponse(200, headers))
    async with client_for(transport) as client:
        stat = await client.stat_object("bkt", "k")
    assert (stat.etag, stat.size) == ("e", 4)


async def test_a_coroutine_handler_is_awaited() -> None:
    async def handler(request: MockRequest) -> MockResponse:
        await asyncio.sleep(0)
        return MockResponse(200, {"ETag": '"e"'})

    async with client_for(MockTransport(handler)) as client:
        assert (await client.put_object("bkt", "k", b"x")).etag == "e"


async def test_a_body_in_chunks_is_read_whole_and_in_pieces() -> None:
    chunks = [b"ab", b"", b"cdef", b"g"]
    transport = MockTransport(
        lambda r: MockResponse(200, {"ETag": '"e"', "Content-Length": "7"}, chunks)
    )
    async with client_for(transport) as client:
        async with client.get_object("bkt", "k", verify=False) as obj:
            assert await obj.read(3) == b"abc"  # across two chunks (an empty one skipped)
            assert await obj.read() == b"defg"
        async with client.get_object("bkt", "k", verify=False) as obj:
            assert [c async for c in obj] == [b"ab", b"cdef", b"g"]


async def test_an_exception_among_the_chunks_breaks_the_body_off_there() -> None:
    failure = aiominio.ConnectionLostError("reset")
    transport = MockTransport(
        lambda r: MockResponse(200, {"ETag": '"e"', "Content-Length": "4"}, [b"ab", failure]),
        virtual_time=True,
    )
    received = bytearray()
    async with client_for(transport, retry=aiominio.RetryPolicy(max_attempts=1)) as client:
        with pytest.raises(aiominio.ConnectionLostError):
            async with client.get_object("bkt", "k", verify=False) as obj:
                async for chunk in obj:
                    received += chunk
    assert bytes(received) == b"ab"


async def test_a_buffered_answer_that_breaks_off_fails_the_attempt() -> None:
    answers = [
        MockResponse(200, {}, [b"<Tagging>", aiominio.ConnectionLostError("reset")]),
        MockResponse(200, {}, b"<Tagging><TagSet/></Tagging>"),
    ]
    transport = MockTransport(lambda r: answers.pop(0), virtual_time=True)
    async with client_for(transport) as client:
        assert await client.get_bucket_tags("bkt") == {}
    assert len(transport.requests) == 2


async def test_a_handler_slower_than_the_attempt_timeout_ends_the_attempt() -> None:
    async def slow(request: MockRequest) -> MockResponse:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    transport = MockTransport(slow)
    client = client_for(
        transport,
        timeouts=aiominio.Timeouts(attempt=0.01),
        retry=aiominio.RetryPolicy(max_attempts=2, base_delay=0, max_delay=0),
    )
    async with client:
        with pytest.raises(aiominio.RequestTimeout):
            await client.stat_object("bkt", "k")
    assert len(transport.requests) == 2  # a timeout is retried like any transport failure


async def test_a_handler_must_answer_a_mock_response() -> None:
    transport = MockTransport(lambda r: "OK")  # type: ignore[arg-type,return-value]
    async with client_for(transport) as client:
        with pytest.raises(TypeError, match="MockResponse"):
            await client.stat_object("bkt", "k")


async def test_a_closed_client_sends_nothing_more() -> None:
    transport = MockTransport(lambda r: MockResponse(200, {"ETag": '"e"'}))
    client = client_for(transport)
    async with client:
        await client.put_object("bkt", "k", b"x")
    assert transport.closed
    with pytest.raises(aiominio.ClientClosedError):
        await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 1


# -- virtual time -----------------------------------------------------------------------------


class Ceiling(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


def failing(request: MockRequest) -> MockResponse:
    return MockResponse(503, {}, b"<Error><Code>SlowDown</Code></Error>")


async def test_virtual_time_starts_at_zero_and_advances_by_each_pause() -> None:
    transport = MockTransport(failing, virtual_time=True)
    assert transport.clock() == 0.0
    retry = aiominio.RetryPolicy(
        max_attempts=4, base_delay=100.0, max_delay=1000.0, max_retry_time=None, rng=Ceiling()
    )
    async with client_for(transport, retry=retry) as client:
        with pytest.raises(aiominio.SlowDown):
            await client.stat_object("bkt", "k")
    # Seven minutes of backoff, on the virtual clock alone.
    assert transport.slept == [100.0, 200.0, 400.0]
    assert transport.clock() == 700.0


async def test_a_time_budget_is_spent_on_the_virtual_clock() -> None:
    transport = MockTransport(failing, virtual_time=True)
    retry = aiominio.RetryPolicy(
        max_attempts=1000, base_delay=60.0, max_delay=60.0, max_retry_time=3600.0, rng=Ceiling()
    )
    async with client_for(transport, retry=retry) as client:
        with pytest.raises(aiominio.SlowDown):
            await client.stat_object("bkt", "k")
    assert transport.clock() == pytest.approx(3600.0)  # an hour's budget, used up exactly
    assert len(transport.requests) == 61


async def test_without_virtual_time_pauses_are_recorded_and_the_clock_is_real() -> None:
    transport = MockTransport(failing)
    retry = aiominio.RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001)
    before = transport.clock()
    async with client_for(transport, retry=retry) as client:
        with pytest.raises(aiominio.SlowDown):
            await client.stat_object("bkt", "k")
    assert len(transport.slept) == 2
    assert transport.clock() >= before  # time.monotonic(), not the sum of the pauses


async def test_a_pause_after_close_raises_client_closed() -> None:
    transport = MockTransport(failing, virtual_time=True)
    await transport.close()
    with pytest.raises(aiominio.ClientClosedError):
        await transport.sleep(1.0)
    assert transport.slept == []


async def test_the_spare_transport_shares_the_record_and_the_clock_mode() -> None:
    transport = MockTransport(failing, virtual_time=True)
    spare = transport.spare(aiominio.Timeouts(attempt=1.0))
    assert spare.requests is transport.requests
    assert spare.slept is transport.slept
    await spare.sleep(5.0)
    assert spare.clock() == 5.0
    assert transport.slept == [5.0]
    assert spare.timeouts.attempt == 1.0

"""The bucket event stream over a requester: a line that is not JSON ends it, and closing it
twice is harmless."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.core.listen import listen_query
from aiominio.ops.listen import BucketEventStream
from tests.unit.mock_client import answer, mock_client


async def test_a_line_that_is_not_json_is_an_invalid_response() -> None:
    client, transport = mock_client(answer(b"<html>nope</html>\n"))
    async with client:
        stream = BucketEventStream(client.requester, "bkt", listen_query("", "", ["s3:*"]))
        async with stream:
            with pytest.raises(aiominio.InvalidResponseError):
                await stream.__anext__()
        await stream.aclose()
    assert len(transport.requests) == 1  # not reopened: the server speaks something else


async def test_reconnects_end_within_the_retry_time_budget_on_the_transport_s_clock() -> None:
    # Every connection drops at once; the pauses between reconnections take no time and
    # advance the transport's clock, on which the budget of 5 seconds is measured.
    from aiominio.testing import MockRequest, MockResponse, MockTransport

    def dropping(request: MockRequest) -> MockResponse:
        return MockResponse(200, {}, [aiominio.ConnectionLostError("dropped")])

    transport = MockTransport(dropping, virtual_time=True)
    retry = aiominio.RetryPolicy(max_attempts=200, base_delay=1.0, max_retry_time=5.0)
    client = aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="r",
        transport=transport,
        retry=retry,
    )
    async with client:
        stream = BucketEventStream(client.requester, "bkt", listen_query("", "", ["s3:*"]))
        async with stream:
            with pytest.raises(aiominio.ConnectionLostError):
                await stream.__anext__()
    assert sum(transport.slept) <= 5.0
    assert len(transport.requests) < 200

"""aiominio.request: the Request value, and how the answer to one is checked; sent through
Requester.send over MockTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import aiominio
from aiominio.core import xml
from aiominio.request import Request, check_answer, stream_error
from aiominio.testing import MockRequest, MockResponse, MockTransport
from aiominio.testing.mock import MockStream
from aiominio.transport import Response

ERROR = b"<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>"


def test_a_request_is_an_immutable_value_with_defaults() -> None:
    request = Request("GET", "bkt", "k")
    assert (request.query, request.headers, request.body) == ((), None, None)
    assert request.limit == xml.DOCUMENT_LIMIT and not request.error_document
    with pytest.raises(AttributeError):
        request.method = "PUT"  # type: ignore[misc]
    ranged = request._replace(headers={"Range": "bytes=0-9"})
    assert ranged.headers == {"Range": "bytes=0-9"} and request.headers is None
    assert ranged != request and Request("GET", "bkt", "k") == request


def test_an_error_status_is_the_typed_error_naming_the_object() -> None:
    with pytest.raises(aiominio.NoSuchKey) as info:
        check_answer(Request("GET", "bkt", "k"), Response(404, {}, ERROR))
    assert (info.value.bucket, info.value.key, info.value.message) == ("bkt", "k", "gone")


def test_a_head_error_has_no_body_to_read() -> None:
    with pytest.raises(aiominio.NoSuchKey):
        check_answer(Request("HEAD", "bkt", "k"), Response(404, {}, b""))


def test_an_error_inside_a_200_counts_only_where_the_request_says_so() -> None:
    inside = Response(200, {}, b"<Error><Code>InternalError</Code><Message>m</Message></Error>")
    check_answer(Request("GET", "bkt", "k"), inside)  # an object's body may be any bytes
    with pytest.raises(aiominio.InternalError):
        check_answer(Request("POST", "bkt", "k", error_document=True), inside)


async def test_a_streamed_error_is_read_capped_and_released() -> None:
    streamed = MockStream(404, {}, [ERROR])
    exc = await stream_error(Request("GET", "bkt", "k"), streamed)
    assert isinstance(exc, aiominio.NoSuchKey) and streamed.released
    endless = MockStream(503, {}, [b"x" * xml.ERROR_DOCUMENT_LIMIT, b"more"])
    with pytest.raises(aiominio.InvalidResponseError):
        await stream_error(Request("GET", "bkt", "k"), endless)
    assert endless.released


# -- Requester.send ----------------------------------------------------------------------------


@pytest.fixture
def transport() -> MockTransport:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "PUT":
            return MockResponse(200, {"ETag": '"e"'})
        return MockResponse(200, {}, b"data")

    return MockTransport(handler)


@pytest.fixture
async def client(transport: MockTransport) -> AsyncIterator[aiominio.Client]:
    async with aiominio.Client(
        "http://s3.test", access_key="a", secret_key="b", region="r", transport=transport
    ) as c:
        yield c


async def test_send_signs_and_sends_the_request_as_described(
    client: aiominio.Client, transport: MockTransport
) -> None:
    request = Request("PUT", "bkt", "a key", query=(("tagging", ""),), body=b"x")
    resp = await client.requester.send(request, sent=None)
    assert resp.headers["etag"] == '"e"'
    (sent,) = transport.requests
    assert sent.url == "http://s3.test/bkt/a%20key?tagging="
    assert sent.body == b"x"
    assert "Credential=a/" in (sent.header("Authorization") or "")
    assert "/r/s3/aws4_request" in (sent.header("Authorization") or "")


async def test_send_streams_when_asked(client: aiominio.Client) -> None:
    streamed = await client.requester.send(Request("GET", "bkt", "k"), stream=True)
    try:
        assert await streamed.read_all() == b"data"
    finally:
        streamed.release()


async def test_a_body_that_is_not_bytes_is_refused_before_sending(
    client: aiominio.Client, transport: MockTransport
) -> None:
    with pytest.raises(TypeError, match="buffered bytes"):
        await client.requester.send(Request("PUT", "bkt", "k", body="text"))  # type: ignore[arg-type]
    assert transport.requests == []


async def test_execute_builds_the_same_request(
    client: aiominio.Client, transport: MockTransport
) -> None:
    await client.requester.execute("PUT", "bkt", "k", body=b"x")
    await client.requester.send(Request("PUT", "bkt", "k", body=b"x"))
    first, second = transport.requests
    assert (first.method, first.url, first.body) == (second.method, second.url, second.body)

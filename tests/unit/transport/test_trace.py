"""aiominio/transport/trace.py: the ``aiominio.trace`` logger, a line per attempt, no secret in
any of them, and nothing done at all when it is off."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport
from aiominio.transport import TRACE_LOGGER, TraceEvent, traced
from aiominio.transport.trace import TracingTransport, loggable_url
from tests.unit.mock_client import answer, error, mock_client

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLEsessiontoken"
SSE_KEY = bytes(range(32))


@pytest.fixture
def trace(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="aiominio.trace")
    return caplog


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "aiominio.trace"]


def events(caplog: pytest.LogCaptureFixture) -> list[TraceEvent]:
    found = [getattr(r, "aiominio_trace", None) for r in caplog.records]
    return [e for e in found if isinstance(e, TraceEvent)]


def test_the_logger_is_named_aiominio_trace() -> None:
    assert TRACE_LOGGER is logging.getLogger("aiominio.trace")


def test_the_url_keeps_only_the_names_of_the_query() -> None:
    assert loggable_url("http://h:9000/b/k") == "http://h:9000/b/k"
    assert loggable_url("http://h/b?uploads") == "http://h/b?uploads"
    assert loggable_url(
        "https://h/b/k?X-Amz-Credential=AK%2F20240101&X-Amz-Signature=abc123&partNumber=2"
    ) == ("https://h/b/k?X-Amz-Credential&X-Amz-Signature&partNumber")


def test_off_it_hands_back_the_transport_itself(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="aiominio.trace")
    transport = MockTransport(answer())
    assert traced(transport) is transport
    caplog.set_level(logging.DEBUG, logger="aiominio.trace")
    assert isinstance(traced(transport), TracingTransport)


async def test_off_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="aiominio.trace")
    client, _ = mock_client(lambda request: MockResponse(200, {"x-amz-request-id": "R1"}))
    async with client:
        await client.bucket_exists("bucket")
    assert lines(caplog) == []


async def test_a_line_per_request(trace: pytest.LogCaptureFixture) -> None:
    client, transport = mock_client(
        lambda request: MockResponse(200, {"x-amz-request-id": "4442587FB7D0A2F9"}, b"data")
    )
    async with client:
        await client.bucket_exists("bucket")
        async with client.get_object("bucket", "a/key.txt") as reader:  # a streamed answer
            assert await reader.read() == b"data"
    assert len(transport.requests) == 2
    (head, get) = events(trace)
    assert (head.method, head.url, head.attempt, head.status, head.error, head.request_id) == (
        "HEAD",
        "http://s3.test/bucket",
        1,
        200,
        None,
        "4442587FB7D0A2F9",
    )
    assert (get.method, get.url, get.status) == ("GET", "http://s3.test/bucket/a/key.txt", 200)
    assert 0 <= head.elapsed < 5
    first = lines(trace)[0]
    assert first.startswith("HEAD http://s3.test/bucket attempt 1: 200 in ")
    assert first.endswith(" s, request id 4442587FB7D0A2F9")
    assert [r.levelno for r in trace.records] == [logging.DEBUG, logging.DEBUG]


async def test_each_attempt_of_a_retried_request(trace: pytest.LogCaptureFixture) -> None:
    answers: Iterator[MockResponse | Exception] = iter(
        [
            aiominio.ConnectionLostError("the connection was reset"),
            error(503, "SlowDown"),
            MockResponse(200, {"x-amz-request-id": "THIRD", "ETag": '"e"'}),
        ]
    )

    def handler(request: MockRequest) -> MockResponse:
        given = next(answers)
        if isinstance(given, Exception):
            raise given
        return given

    transport = MockTransport(handler, virtual_time=True)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AK",
        secret_key=SECRET,
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=3),
        transport=transport,
    )
    async with client:
        await client.put_object("bucket", "key", b"body")
    assert client.retries == 2
    found = events(trace)
    assert [(e.attempt, e.status, e.error, e.request_id) for e in found] == [
        (1, None, "ConnectionLostError: the connection was reset", None),
        (2, 503, None, None),
        (3, 200, None, "THIRD"),
    ]
    assert [line.split(" in ")[0] for line in lines(trace)] == [
        "PUT http://s3.test/bucket/key attempt 1: ConnectionLostError: the connection was reset",
        "PUT http://s3.test/bucket/key attempt 2: 503",
        "PUT http://s3.test/bucket/key attempt 3: 200",
    ]


async def test_an_exception_not_of_aiominio_is_named_by_its_type_only(
    trace: pytest.LogCaptureFixture,
) -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise RuntimeError(f"a bug that quotes {SECRET}")

    client, _ = mock_client(handler)
    async with client:
        with pytest.raises(RuntimeError):
            await client.bucket_exists("bucket")
    assert [e.error for e in events(trace)] == ["RuntimeError"]
    assert SECRET not in trace.text


async def test_no_secret_in_any_line(trace: pytest.LogCaptureFixture) -> None:
    """Signed requests with a session token and an SSE-C key, a failed attempt, and a query
    whose values look like a presigned URL's: the lines hold none of their secrets."""
    attempts = iter([error(500, "InternalError"), MockResponse(200, {"ETag": '"e"'})])
    transport = MockTransport(lambda request: next(attempts, MockResponse(200)), virtual_time=True)
    sse = aiominio.SseCustomerKey(SSE_KEY)
    client = aiominio.Client(
        "https://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key=SECRET,
        session_token=TOKEN,
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=2),
        transport=transport,
    )
    async with client:
        await client.put_object("bucket", "key", b"body", sse=sse)
        await client.requester.execute(
            "GET",
            "bucket",
            "key",
            query=(
                ("X-Amz-Credential", "AKIDEXAMPLE/20240101/us-east-1/s3/aws4_request"),
                ("X-Amz-Security-Token", TOKEN),
                ("X-Amz-Signature", "f" * 64),
            ),
        )
    assert len(lines(trace)) == 3
    signatures = [
        (r.header("Authorization") or "").rsplit("Signature=", 1)[1] for r in transport.requests
    ]
    secrets = [
        SECRET,
        TOKEN,
        "f" * 64,
        "AKIDEXAMPLE/20240101",
        base64.b64encode(SSE_KEY).decode(),
        base64.b64encode(hashlib.md5(SSE_KEY).digest()).decode(),
        *signatures,
    ]
    text = trace.text + "\n".join(repr(e) for e in events(trace))
    assert [s for s in secrets if s in text] == []
    assert "Authorization" not in text and "x-amz-server-side-encryption" not in text
    assert lines(trace)[2].startswith(
        "GET https://s3.test/bucket/key?X-Amz-Credential&X-Amz-Security-Token&X-Amz-Signature "
        "attempt 1: 200"
    )


async def test_the_view_is_the_transport_otherwise(trace: pytest.LogCaptureFixture) -> None:
    transport = MockTransport(answer(), virtual_time=True)
    view = traced(transport)
    assert view.timeouts is transport.timeouts
    assert view.max_connections == transport.max_connections
    await view.sleep(2.5)
    assert transport.slept == [2.5] and view.clock() == transport.clock() == 2.5
    assert isinstance(view.spare(transport.timeouts), MockTransport)
    assert not view.closed
    await view.close()
    assert view.closed and transport.closed

"""``get_object``'s streamed reader through :class:`aiominio.testing.MockTransport`: a body that
breaks off is resumed from the next byte, pinned to the first answer's ETag and version, within
one retry budget; a resumed answer that is not exactly the rest is refused; a body that does not
match its checksum is never handed out whole."""

from __future__ import annotations

import random

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport
from tests.unit.transfer.objects import (
    ObjectServer,
    Tamper,
    broken,
    client_for,
    crc32_b64,
    error,
    gets,
    pattern,
    ranges,
)

DATA = pattern(1000)


class Ceiling(random.Random):
    """A jitter that always waits the whole backoff ceiling, so the pauses can be named."""

    def uniform(self, a: float, b: float) -> float:
        return b


def break_first(at: int, times: int = 1) -> Tamper:
    """A tamper breaking the first ``times`` GET answers off ``at`` bytes into their body."""
    left = times

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        nonlocal left
        if request.method == "GET" and left:
            left -= 1
            return broken(answer, at)
        return answer

    return tamper


async def read_all(client: aiominio.Client, **options: object) -> bytes:
    async with client.get_object("bkt", "k", **options) as obj:  # type: ignore[arg-type]
        return await obj.read()


async def test_each_break_is_resumed_from_the_next_byte_and_the_whole_is_verified() -> None:
    server = ObjectServer(DATA)
    server.tamper = break_first(300, times=2)
    transport = server.transport()
    async with client_for(transport) as client, client.get_object("bkt", "k") as obj:
        assert await obj.read() == DATA
        assert obj.verified_by == "crc32"  # the spliced body, checked as one
    assert ranges(transport) == [None, "bytes=300-", "bytes=600-"]
    assert [r.header("If-Match") for r in gets(transport)[1:]] == [f'"{server.etag}"'] * 2


async def test_a_resume_is_pinned_by_if_match_instead_of_the_caller_s_conditions() -> None:
    server = ObjectServer(DATA)
    server.tamper = break_first(10)
    transport = server.transport()
    async with client_for(transport) as client:
        assert await read_all(client, if_none_match='"elsewhere"') == DATA
    first, resumed = gets(transport)
    assert first.header("If-None-Match") == '"elsewhere"'
    assert resumed.header("If-None-Match") is None
    assert resumed.header("If-Match") == f'"{server.etag}"'


async def test_a_resume_asks_for_the_version_the_first_answer_described() -> None:
    server = ObjectServer(DATA, version_id="v7")
    server.tamper = break_first(10)
    transport = server.transport()
    async with client_for(transport) as client:
        assert await read_all(client) == DATA
    first, resumed = gets(transport)
    assert "versionId" not in first.query
    assert resumed.query.get("versionId") == "v7"


async def test_an_object_replaced_before_the_resume_fails_the_read() -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is None:
            server.replace(pattern(1000, seed=1))  # overwritten while the first body streams
            return broken(answer, 400)
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        with pytest.raises(aiominio.PreconditionFailed):
            await read_all(client)
    assert len(gets(transport)) == 2  # the 412 is final: the old object is gone


async def test_a_resumed_answer_with_another_etag_is_refused_never_spliced() -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is None:
            return broken(answer, 400)
        # A server that ignores If-Match and sends another object's bytes.
        headers = {**answer.headers, "ETag": '"0000000000000000000000000000000f"'}
        return MockResponse(answer.status, headers, answer.body)

    server.tamper = tamper
    transport = server.transport()
    received = bytearray()
    async with client_for(transport, attempts=3) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="ETag changed"):
            async with client.get_object("bkt", "k") as obj:
                async for chunk in obj:
                    received += chunk
    assert bytes(received) == DATA[:400]
    assert len(gets(transport)) == 3  # within the one budget of the body


@pytest.mark.parametrize(
    "content_range",
    [
        "bytes 0-999/1000",  # from the start again
        "bytes 401-999/1000",  # another offset
        "bytes 400-999/1001",  # another object's size
        "bytes 400-998/1000",  # short of the end
    ],
)
async def test_a_resumed_answer_of_another_range_is_refused(content_range: str) -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is None:
            return broken(answer, 400)
        return MockResponse(206, {**answer.headers, "Content-Range": content_range}, answer.body)

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport, attempts=2) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="Content-Range"):
            await read_all(client)
    assert ranges(transport) == [None, "bytes=400-"]


async def test_a_resumed_answer_whose_length_disagrees_with_its_range_is_refused() -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is None:
            return broken(answer, 400)
        return MockResponse(206, {**answer.headers, "Content-Length": "599"}, answer.body)

    server.tamper = tamper
    async with client_for(server.transport(), attempts=2) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="disagree"):
            await read_all(client)


async def test_the_resumes_of_one_body_share_one_attempt_budget() -> None:
    server = ObjectServer(DATA)
    server.tamper = lambda request, answer: broken(answer, 100)  # every answer breaks off
    transport = server.transport()
    async with client_for(transport, attempts=4) as client:
        with pytest.raises(aiominio.ConnectionLostError):
            await read_all(client)
    assert ranges(transport) == [None, "bytes=100-", "bytes=200-", "bytes=300-"]
    assert len(transport.slept) == 3


async def test_the_resumes_of_one_body_share_one_time_budget() -> None:
    server = ObjectServer(DATA)
    server.tamper = lambda request, answer: broken(answer, 100)
    transport = server.transport()
    client = aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(
            max_attempts=100, base_delay=1.0, max_delay=1.0, max_retry_time=2.5, rng=Ceiling()
        ),
        transport=transport,
    )
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await read_all(client)
    # Counted from the first break; the last wait cut short to start within the budget.
    assert transport.slept == pytest.approx([1.0, 1.0, 0.5])
    assert ranges(transport) == [None, "bytes=100-", "bytes=200-", "bytes=300-"]


async def test_a_body_that_ends_early_without_an_error_is_resumed() -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is None:
            assert isinstance(answer.body, bytes)
            return MockResponse(200, answer.headers, answer.body[:700])  # a clean, early end
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        assert await read_all(client) == DATA
    assert ranges(transport) == [None, "bytes=700-"]


async def test_a_body_that_runs_past_its_length_is_refused() -> None:
    server = ObjectServer(DATA, checksum=False)
    server.tamper = lambda request, answer: MockResponse(
        200,
        answer.headers,
        DATA + b"more than announced",  # in one chunk: past the length
    )
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="runs past"):
            await read_all(client, verify=False)


# -- verification -------------------------------------------------------------------------------


def spoiled(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


async def test_a_body_that_does_not_match_its_crc32_withholds_its_last_chunk() -> None:
    server = ObjectServer(DATA)
    pieces = [DATA[:400], DATA[400:800], spoiled(DATA[800:])]
    server.tamper = lambda request, answer: MockResponse(200, answer.headers, pieces)
    received: list[bytes] = []
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=r"(?i)crc32"):
            async with client.get_object("bkt", "k") as obj:
                async for chunk in obj:
                    received.append(chunk)
    assert b"".join(received) == DATA[:800]  # never the whole body


async def test_a_body_that_does_not_match_its_md5_etag_is_refused() -> None:
    server = ObjectServer(DATA, checksum=False)
    server.tamper = lambda request, answer: MockResponse(200, answer.headers, spoiled(DATA))
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await read_all(client)


async def test_a_body_matching_its_md5_etag_is_verified_by_it() -> None:
    server = ObjectServer(DATA, checksum=False)
    async with client_for(server.transport()) as client, client.get_object("bkt", "k") as obj:
        assert await obj.read() == DATA
        assert obj.verified_by == "md5"


async def test_a_body_without_a_length_is_checked_at_its_end() -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        headers = {k: v for k, v in answer.headers.items() if k != "Content-Length"}
        return MockResponse(200, headers, [DATA[:500], spoiled(DATA[500:])])

    server.tamper = tamper
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await read_all(client)


async def test_a_resumed_tail_that_spoils_the_checksum_is_refused() -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is None:
            return broken(answer, 500)
        assert isinstance(answer.body, bytes)
        return MockResponse(206, answer.headers, spoiled(answer.body))

    server.tamper = tamper
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await read_all(client)


async def test_without_verify_nothing_is_checked_or_asked() -> None:
    server = ObjectServer(DATA)
    server.tamper = lambda request, answer: MockResponse(
        200, {**answer.headers, "x-amz-checksum-crc32": crc32_b64(b"other")}, DATA
    )
    transport = server.transport()
    async with client_for(transport) as client, client.get_object("bkt", "k", verify=False) as obj:
        assert await obj.read() == DATA
        assert obj.verified_by is None
    assert gets(transport)[0].header("x-amz-checksum-mode") is None


# -- opening ------------------------------------------------------------------------------------


async def test_a_transient_error_on_opening_is_retried() -> None:
    server = ObjectServer(DATA)
    answers = [error(503, "SlowDown"), error(500, "InternalError")]
    server.tamper = lambda request, answer: answers.pop(0) if answers else answer
    transport = server.transport()
    async with client_for(transport) as client:
        assert await read_all(client) == DATA
    assert len(gets(transport)) == 3


async def test_a_missing_object_is_raised_on_opening_without_a_retry() -> None:
    transport = MockTransport(lambda request: error(404, "NoSuchKey"), virtual_time=True)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.NoSuchKey):
            await client.get_object("bkt", "k")
    assert len(transport.requests) == 1


async def test_a_failed_read_releases_the_reader() -> None:
    server = ObjectServer(DATA)
    server.tamper = lambda request, answer: broken(answer, 100)
    async with client_for(server.transport(), attempts=1) as client:
        obj = await client.get_object("bkt", "k")
        with pytest.raises(aiominio.ConnectionLostError):
            await obj.read()
        assert obj.closed
        with pytest.raises(RuntimeError, match="closed"):
            await obj.read()

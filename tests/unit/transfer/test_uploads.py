"""``put_object`` in one PUT through :class:`aiominio.testing.MockTransport`: the checksum sent
with the body, the answer checked against it, every retry sending the same bytes, an answer
without an ETag completed by a HEAD."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable

import pytest

import aiominio
from aiominio.core import planning
from aiominio.core.options import WriteOptions
from aiominio.testing import MockRequest, MockResponse, MockTransport
from aiominio.transfer import uploads
from aiominio.transfer.jobs import Upload
from aiominio.transfer.sources import make_source
from tests.unit.fakes import MultipartRequester, as_requester
from tests.unit.transfer.objects import DATE, client_for, crc32_b64, error, md5_hex

BODY = b"the body of a small object"


def puts(transport: MockTransport) -> list[MockRequest]:
    return [r for r in transport.requests if r.method == "PUT"]


def md5_client(transport: MockTransport) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="us-east-1",
        integrity="md5",
        retry=aiominio.RetryPolicy(max_attempts=3, base_delay=0, max_delay=0),
        transport=transport,
    )


def echoing(headers: Callable[[MockRequest], dict[str, str]]) -> MockTransport:
    return MockTransport(lambda r: MockResponse(200, headers(r)), virtual_time=True)


async def test_the_put_carries_the_body_s_crc32_and_the_echo_is_accepted() -> None:
    transport = echoing(
        lambda r: {"ETag": f'"{md5_hex(r.body)}"', "x-amz-checksum-crc32": crc32_b64(r.body)}
    )
    async with client_for(transport) as client:
        result = await client.put_object("bkt", "k", BODY)
    (put,) = puts(transport)
    assert put.body == BODY
    assert put.header("x-amz-checksum-crc32") == crc32_b64(BODY)
    assert result.checksum_crc32 == crc32_b64(BODY)
    assert result.etag == md5_hex(BODY)


async def test_an_answer_naming_another_crc32_fails_the_put() -> None:
    transport = echoing(lambda r: {"ETag": '"e"', "x-amz-checksum-crc32": crc32_b64(b"other")})
    async with client_for(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="CRC32"):
            await client.put_object("bkt", "k", BODY)
    assert len(puts(transport)) == 1  # what the server stored is not retried over


async def test_with_md5_integrity_the_etag_must_be_the_body_s_md5() -> None:
    transport = echoing(lambda r: {"ETag": '"0123456789abcdef0123456789abcdef"'})
    async with md5_client(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="ETag"):
            await client.put_object("bkt", "k", BODY)
    assert puts(transport)[0].header("Content-MD5")


async def test_with_md5_integrity_an_etag_that_is_no_md5_is_not_held_against_it() -> None:
    """SSE-KMS and some gateways answer ETags that are no MD5 of the body: nothing to check."""
    transport = echoing(lambda r: {"ETag": '"not-an-md5-1"'})
    async with md5_client(transport) as client:
        result = await client.put_object("bkt", "k", BODY)
    assert result.etag == "not-an-md5-1"


async def test_with_md5_integrity_the_matching_etag_is_accepted() -> None:
    transport = echoing(lambda r: {"ETag": f'"{md5_hex(r.body)}"'})
    async with md5_client(transport) as client:
        result = await client.put_object("bkt", "k", BODY)
    assert result.etag == md5_hex(BODY)


async def test_a_lost_answer_is_followed_by_the_same_put_again() -> None:
    answers: list[MockResponse | Exception] = [
        aiominio.ConnectionLostError("reset before the answer"),
        MockResponse(200, {"ETag": '"e"'}),
    ]

    def handler(request: MockRequest) -> MockResponse:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    transport = MockTransport(handler, virtual_time=True)
    async with client_for(transport) as client:
        await client.put_object("bkt", "k", BODY, metadata={"a": "b"})
    first, second = puts(transport)
    assert first.body == second.body == BODY
    for name in ("x-amz-checksum-crc32", "x-amz-meta-a", "Content-Type"):
        assert first.header(name) == second.header(name)


async def test_a_stream_of_unknown_size_below_a_part_is_buffered_and_resent_whole() -> None:
    async def stream() -> AsyncIterator[bytes]:
        yield BODY[:10]
        yield BODY[10:]

    answers = [error(500, "InternalError"), MockResponse(200, {"ETag": '"e"'})]
    transport = MockTransport(lambda r: answers.pop(0), virtual_time=True)
    async with client_for(transport) as client:
        await client.put_object("bkt", "k", stream())
    assert [r.body for r in puts(transport)] == [BODY, BODY]
    assert [r.method for r in transport.requests] == ["PUT", "PUT"]  # no multipart upload


async def test_an_answer_without_an_etag_is_completed_by_a_head() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(
                200, {"ETag": '"abc"', "Content-Length": str(len(BODY)), "Last-Modified": DATE}
            )
        return MockResponse(200, {"x-amz-version-id": "v1"})

    transport = MockTransport(handler, virtual_time=True)
    async with client_for(transport) as client:
        result = await client.put_object("bkt", "k", BODY)
    assert (result.etag, result.version_id) == ("abc", "v1")
    head = transport.requests[-1]
    assert head.method == "HEAD"
    assert head.query.get("versionId") == "v1"  # the version just written, not the latest


async def test_data_shorter_than_its_size_is_refused_before_any_request() -> None:
    transport = MockTransport(lambda r: MockResponse(200, {"ETag": '"e"'}))
    async with client_for(transport) as client:
        with pytest.raises(aiominio.IncompleteBody):
            await client.put_object("bkt", "k", io.BytesIO(BODY), size=len(BODY) + 5)
    assert transport.requests == []


# -- with a fake requester -----------------------------------------------------------


async def test_an_endless_stream_stops_at_the_10000th_part_and_is_aborted() -> None:
    # What /dev/zero gives fput_object; a 1-byte part size keeps the 10,000 parts small.
    fed = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal fed
        while True:
            fed += 4096
            yield bytes(4096)

    fake = MultipartRequester()
    with pytest.raises(aiominio.InvalidArgument, match="more than 10,000 parts"):
        job = Upload(as_requester(fake), "b", "k", WriteOptions(), 1, 4, 0, "crc32")
        await uploads.put_object(job, make_source(endless(), None))
    methods = [c["method"] for c in fake.calls]
    assert methods.count("PUT") == 10_000
    assert methods[-1] == "DELETE"  # aborted: nothing is left behind
    assert "POST" not in methods[1:]  # never completed
    # 10,000 parts growing from 1 to 512 bytes; the stream is read no further than that.
    assert fed < 1000 * (1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512) + 2 * 4096


async def test_a_stream_past_the_largest_object_stops_there_and_is_aborted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Parts grow, so a stream reaches 5 TiB well before its 10,000th part; stand-in sizes.
    monkeypatch.setattr(planning, "MAX_OBJECT_SIZE", 40_000)

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield bytes(4096)

    fake = MultipartRequester()
    with pytest.raises(aiominio.InvalidArgument, match="past 5 TiB"):
        job = Upload(as_requester(fake), "b", "k", WriteOptions(), 1000, 4, 0, "crc32")
        await uploads.put_object(job, make_source(endless(), None))
    methods = [c["method"] for c in fake.calls]
    assert methods.count("PUT") <= 40
    assert methods[-1] == "DELETE"

"""Many ranges of one object in few GETs (aiominio/transfer/coalesced.py), through
``Client.get_ranges`` over :class:`aiominio.testing.MockTransport`: the object is served by the
transfer tests' :class:`ObjectServer`, and the tests count the ranged GETs it was asked: nearby
ranges merged, long spans split, results in the order given, answers that are short, whole or
of another version refused, a range past the end refused."""

from __future__ import annotations

import asyncio

import pytest

import aiominio
from aiominio import InvalidArgument, InvalidRange, InvalidResponseError, PreconditionFailed
from aiominio.testing import MockRequest, MockResponse, MockTransport
from tests.unit.transfer.objects import ObjectServer, client_for, gets, pattern, ranges

DATA = pattern(10_000)


def setup(
    data: bytes = DATA, *, attempts: int = 1
) -> tuple[ObjectServer, MockTransport, aiominio.Client]:
    server = ObjectServer(data, checksum=False)
    transport = server.transport()
    return server, transport, client_for(transport, attempts=attempts)


async def test_nearby_ranges_are_one_get_and_come_back_in_the_order_given() -> None:
    _, transport, client = setup()
    wanted = [(300, 400), (0, 10), (50, 60), (5, 55), (0, 10)]  # unsorted, overlapping, twice
    async with client:
        got = await client.get_ranges("bkt", "k", wanted, coalesce=1_000)
    assert got == [DATA[s:e] for s, e in wanted]
    assert ranges(transport) == ["bytes=0-399"]


async def test_ranges_exactly_coalesce_apart_are_merged_one_more_byte_is_not() -> None:
    _, transport, client = setup()
    async with client:
        await client.get_ranges("bkt", "k", [(0, 10), (110, 120)], coalesce=100)
        assert ranges(transport) == ["bytes=0-119"]
        transport.requests.clear()
        got = await client.get_ranges("bkt", "k", [(111, 120), (0, 10)], coalesce=100)
    assert got == [DATA[111:120], DATA[0:10]]
    assert sorted(ranges(transport)) == ["bytes=0-9", "bytes=111-119"]


async def test_coalesce_zero_still_merges_touching_and_overlapping_ranges() -> None:
    _, transport, client = setup()
    async with client:
        got = await client.get_ranges("bkt", "k", [(0, 10), (10, 20), (15, 30)], coalesce=0)
    assert got == [DATA[0:10], DATA[10:20], DATA[15:30]]
    assert ranges(transport) == ["bytes=0-29"]


async def test_a_span_longer_than_max_span_is_split_and_ranges_across_the_cuts_rejoined() -> None:
    _, transport, client = setup()
    wanted = [(1000, 3500), (1020, 1030), (2040, 2060)]  # the cuts are at 2024 and 3048
    async with client:
        got = await client.get_ranges("bkt", "k", wanted, max_span=1024)
    assert got == [DATA[s:e] for s, e in wanted]
    assert sorted(ranges(transport)) == ["bytes=1000-2023", "bytes=2024-3047", "bytes=3048-3499"]


async def test_empty_ranges_are_empty_bytes_and_ask_nothing() -> None:
    _, transport, client = setup()
    async with client:
        assert await client.get_ranges("bkt", "k", []) == []
        assert await client.get_ranges("bkt", "k", [(5, 5), (0, 0)]) == [b"", b""]
        got = await client.get_ranges("bkt", "k", [(7, 7), (20, 25), (9_999, 9_999)])
    assert got == [b"", DATA[20:25], b""]
    assert ranges(transport) == ["bytes=20-24"]


async def test_the_gets_run_concurrency_at_a_time() -> None:
    server, _, _ = setup()
    in_flight = most = 0

    async def handler(request: MockRequest) -> MockResponse:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight -= 1
        return server(request)

    transport = MockTransport(handler)
    wanted = [(n * 1000, n * 1000 + 10) for n in range(10)]
    async with client_for(transport, attempts=1) as client:
        got = await client.get_ranges("bkt", "k", wanted, coalesce=0, concurrency=3)
    assert got == [DATA[s:e] for s, e in wanted]
    assert len(gets(transport)) == 10 and most == 3


async def test_a_short_answer_is_refused() -> None:
    server, transport, client = setup()

    def shorter(request: MockRequest, answer: MockResponse) -> MockResponse:
        """A 206 one byte short of what was asked, its headers consistent with that."""
        assert isinstance(answer.body, bytes)
        first = int(answer.headers["Content-Range"].split()[1].split("-")[0])
        body = answer.body[:-1]
        headers = {
            **answer.headers,
            "Content-Range": f"bytes {first}-{first + len(body) - 1}/{len(DATA)}",
            "Content-Length": str(len(body)),
        }
        return MockResponse(206, headers, body)

    server.tamper = shorter
    async with client:
        with pytest.raises(InvalidResponseError, match="asked for 10 bytes from 100"):
            await client.get_ranges("bkt", "k", [(100, 110)])
    assert len(gets(transport)) == 1


async def test_a_whole_body_for_a_range_is_refused() -> None:
    server, transport, client = setup()
    server.tamper = lambda request, answer: MockResponse(200, {"ETag": '"e"'}, DATA)
    async with client:
        with pytest.raises(InvalidResponseError, match="the Range was ignored"):
            await client.get_ranges("bkt", "k", [(100, 110)])
    assert len(gets(transport)) == 1


async def test_answers_of_two_versions_are_refused() -> None:
    server, transport, client = setup()

    def replaced_after_the_first(request: MockRequest, answer: MockResponse) -> MockResponse:
        if len(transport.requests) > 1:
            return MockResponse(answer.status, {**answer.headers, "ETag": '"other"'}, answer.body)
        return answer

    server.tamper = replaced_after_the_first
    async with client:
        with pytest.raises(InvalidResponseError, match="changed while its ranges were read"):
            await client.get_ranges("bkt", "k", [(0, 10), (5000, 5010)], coalesce=0)
    assert len(gets(transport)) == 2


async def test_a_range_past_the_end_is_refused_one_starting_past_it_the_servers() -> None:
    _, _, client = setup()
    async with client:
        with pytest.raises(InvalidArgument, match="a range ends at 10010, past the end"):
            await client.get_ranges("bkt", "k", [(0, 5), (9_990, 10_010)], coalesce=0)
        with pytest.raises(InvalidRange):
            await client.get_ranges("bkt", "k", [(10_000, 10_005)])
        # a range ending exactly at the end is fine
        assert await client.get_ranges("bkt", "k", [(9_990, 10_000)]) == [DATA[9_990:]]


async def test_version_id_if_match_reach_every_get() -> None:
    server, transport, client = setup()
    async with client:
        got = await client.get_ranges(
            "bkt",
            "k",
            [(0, 10), (5000, 5010)],
            coalesce=0,
            version_id="v1",
            if_match=f'"{server.etag}"',
        )
        assert got == [DATA[0:10], DATA[5000:5010]]
        assert [r.query.get("versionId") for r in gets(transport)] == ["v1", "v1"]
        assert {r.header("If-Match") for r in gets(transport)} == {f'"{server.etag}"'}
        with pytest.raises(PreconditionFailed):
            await client.get_ranges("bkt", "k", [(0, 10)], if_match='"not-it"')


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"ranges": "0-9"}, TypeError),
        ({"ranges": [(0, 1, 2)]}, TypeError),
        ({"ranges": [(0, 9.5)]}, TypeError),
        ({"ranges": [(True, 9)]}, TypeError),
        ({"ranges": [(-1, 9)]}, InvalidArgument),
        ({"ranges": [(0, 9), (9, 0)]}, InvalidArgument),
        ({"coalesce": -1}, InvalidArgument),
        ({"max_span": 1023}, InvalidArgument),
        ({"concurrency": 0}, InvalidArgument),
        ({"version_id": ""}, InvalidArgument),
        ({"key": ""}, InvalidArgument),
        ({"bucket": "Bad_Bucket"}, InvalidArgument),
        ({"sse": aiominio.SseCustomerKey(b"k" * 32)}, InvalidArgument),  # SSE-C over http
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    kwargs: dict[str, object], error: type[Exception]
) -> None:
    _, transport, client = setup()
    args: dict[str, object] = {"bucket": "bkt", "key": "k", "ranges": [(0, 9)], **kwargs}
    async with client:
        with pytest.raises(error):
            await client.get_ranges(**args)  # type: ignore[arg-type]
    assert transport.requests == []

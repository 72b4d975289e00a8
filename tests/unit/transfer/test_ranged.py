"""``fget_object`` in concurrent ranges through :class:`aiominio.testing.MockTransport`: every
range pinned by If-Match, a range that breaks off resumed within itself, the record of ranges
done letting a second call fetch only the rest, and a changed object started over, never mixed
with the old one."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport
from aiominio.transfer import files as files_module
from aiominio.transfer import ranged
from tests.unit.transfer.objects import (
    ObjectServer,
    broken,
    client_for,
    error,
    gets,
    pattern,
    ranges,
)

MiB = 1 << 20
SIZE = 3 * MiB + 1000  # four ranges of 1 MiB, the last one short
DATA = pattern(SIZE)
RANGES = [f"bytes={n * MiB}-{min((n + 1) * MiB, SIZE) - 1}" for n in range(4)]


async def fget(client: aiominio.Client, path: Path, **options: object) -> aiominio.ObjectStat:
    return await client.fget_object(
        "bkt",
        "k",
        path,
        concurrency=2,
        part_size=MiB,
        **options,  # type: ignore[arg-type]
    )


def fetched(transport: MockTransport) -> list[str | None]:
    """The ranges asked for after the first GET, which describes the object and is let go."""
    asked = ranges(transport)
    assert asked[0] is None
    return asked[1:]


def described(transport: MockTransport) -> int:
    """How many GETs of the whole object started a round of the download."""
    return ranges(transport).count(None)


async def interrupted_at_the_last_range(server: ObjectServer, path: Path) -> None:
    """A download to ``path`` in ranges that fails at the last one (a 403): the ranges done
    stay in the partial file and its record; the server then answers honestly again."""
    server.tamper = lambda request, answer: (
        error(403, "AccessDenied") if request.header("Range") == RANGES[3] else answer
    )
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.AccessDenied):
            await fget(client, path)
    server.tamper = None


def leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name != "out")


async def test_every_range_is_fetched_once_pinned_to_the_first_answer_s_etag(
    tmp_path: Path,
) -> None:
    server = ObjectServer(DATA)
    transport = server.transport()
    async with client_for(transport) as client:
        stat = await fget(client, tmp_path / "out")
    assert stat.size == SIZE
    assert (tmp_path / "out").read_bytes() == DATA
    assert sorted(fetched(transport), key=str) == sorted(RANGES)
    assert {r.header("If-Match") for r in gets(transport)[1:]} == {f'"{server.etag}"'}
    assert leftovers(tmp_path) == []  # neither the partial file nor its record stays


async def test_a_range_that_breaks_off_is_resumed_within_its_range(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    done = False

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        nonlocal done
        if request.header("Range") == RANGES[2] and not done:
            done = True
            return broken(answer, 1000)
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        await fget(client, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    resumed = f"bytes={2 * MiB + 1000}-{3 * MiB - 1}"  # the rest of that range, no further
    assert sorted(fetched(transport), key=str) == sorted([*RANGES, resumed])


async def test_a_range_answered_with_another_range_is_asked_again(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    wrong = True

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        nonlocal wrong
        if request.header("Range") == RANGES[1] and wrong:
            wrong = False
            # The first range's bytes, labelled as what they are: not the range asked.
            return MockResponse(
                206,
                {**answer.headers, "Content-Range": f"bytes 0-{MiB - 1}/{SIZE}"},
                DATA[:MiB],
            )
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        await fget(client, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    assert ranges(transport).count(RANGES[1]) == 2


async def test_a_second_call_fetches_only_the_ranges_the_first_did_not(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    await interrupted_at_the_last_range(server, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    records = list(tmp_path.glob("*.ranges.json"))
    assert len(records) == 1
    done = json.loads(records[0].read_text())["done"]
    assert 3 not in done and done  # the record names the ranges in the file

    second = server.transport()
    async with client_for(second) as client:
        await fget(client, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    assert sorted(fetched(second), key=str) == sorted(RANGES[n] for n in range(4) if n not in done)
    assert leftovers(tmp_path) == []


async def test_an_object_changed_between_calls_is_downloaded_afresh(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    await interrupted_at_the_last_range(server, tmp_path / "out")

    new = pattern(SIZE, seed=5)
    server.replace(new)
    second = server.transport()
    async with client_for(second) as client:
        await fget(client, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == new  # nothing of the old object's ranges
    assert sorted(fetched(second), key=str) == sorted(RANGES)
    assert {r.header("If-Match") for r in gets(second)[1:]} == {f'"{server.etag}"'}


async def test_a_record_of_another_range_size_is_not_used(tmp_path: Path) -> None:
    """The record names the range size its ranges are of: a call with another size starts
    over rather than take range n of one size for range n of the other."""
    data = pattern(5 * MiB, seed=6)
    server = ObjectServer(data)
    server.tamper = lambda request, answer: (
        error(403, "AccessDenied")
        if request.header("Range") == f"bytes={4 * MiB}-{5 * MiB - 1}"
        else answer
    )
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.AccessDenied):
            await fget(client, tmp_path / "out")
    assert json.loads(next(tmp_path.glob("*.ranges.json")).read_text())["done"]

    server.tamper = None
    second = server.transport()
    async with client_for(second) as client:
        await client.fget_object(
            "bkt", "k", tmp_path / "out", concurrency=2, part_size=2 * MiB, verify=False
        )
    assert (tmp_path / "out").read_bytes() == data
    assert sorted(fetched(second), key=str) == sorted(
        [
            f"bytes=0-{2 * MiB - 1}",
            f"bytes={2 * MiB}-{4 * MiB - 1}",
            f"bytes={4 * MiB}-{5 * MiB - 1}",
        ]
    )


async def test_an_object_changed_during_the_download_is_started_over(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    new = pattern(SIZE, seed=9)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") == RANGES[0] and server.data is DATA:
            server.replace(new)  # overwritten once the first range went out
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        stat = await fget(client, tmp_path / "out")
    assert stat.etag == server.etag
    assert (tmp_path / "out").read_bytes() == new
    assert described(transport) == 2  # asked afresh, once
    assert leftovers(tmp_path) == []


async def test_ranges_answered_with_another_etag_fail_the_download_and_leave_nothing(
    tmp_path: Path,
) -> None:
    """A server that ignores If-Match and answers with another object's ETag: refused on each
    of the two rounds, and neither the file nor a partial one is left."""
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") is not None:
            headers = {**answer.headers, "ETag": '"0000000000000000000000000000000f"'}
            return MockResponse(answer.status, headers, answer.body)
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport, attempts=1) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await fget(client, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []
    assert described(transport) == 2


async def test_a_range_that_sends_more_than_asked_writes_nothing_past_it(tmp_path: Path) -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") == RANGES[0]:
            # A chunked answer (no Content-Length) that runs on into the next range.
            headers = {k: v for k, v in answer.headers.items() if k != "Content-Length"}
            return MockResponse(206, headers, [DATA[:MiB], b"\xff" * 10])
        return answer

    server.tamper = tamper
    async with client_for(server.transport(), attempts=1) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await fget(client, tmp_path / "out")
    assert not (tmp_path / "out").exists()


async def test_ranges_that_spoil_the_whole_object_s_checksum_are_discarded(
    tmp_path: Path,
) -> None:
    server = ObjectServer(DATA)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.header("Range") == RANGES[1]:
            assert isinstance(answer.body, bytes)
            return MockResponse(206, answer.headers, b"\x00" + answer.body[1:])
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=r"(?i)crc32"):
            await fget(client, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []  # the spoilt partial file and its record are gone
    assert ranges(transport).count(RANGES[1]) == 2  # downloaded again once, then raised


async def test_a_single_stream_call_resumes_the_ranges_done_from_the_start(
    tmp_path: Path,
) -> None:
    server = ObjectServer(DATA)
    await interrupted_at_the_last_range(server, tmp_path / "out")
    record = json.loads(next(tmp_path.glob("*.ranges.json")).read_text())
    assert 0 in record["done"]

    third = server.transport()
    async with client_for(third) as client:
        await client.fget_object("bkt", "k", tmp_path / "out", concurrency=1)
    # One stream from the end of the ranges done without a gap from the start.
    prefix = 0
    while prefix in record["done"]:
        prefix += 1
    assert fetched(third) == [f"bytes={prefix * MiB}-"]
    assert (tmp_path / "out").read_bytes() == DATA
    assert leftovers(tmp_path) == []


# -- with a fake requester -----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
async def test_a_fifo_planted_at_the_ranges_record_is_not_read(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: a planted one would hold a thread for
    ever. It is opened without waiting, and is no record."""
    record = tmp_path / "x.part.ranges.json"
    os.mkfifo(record)
    loaded = await asyncio.wait_for(asyncio.to_thread(ranged.load_record, str(record)), 10)
    assert loaded is ranged.UNUSABLE


async def test_ranges_checked_by_their_crcs_are_not_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The object's CRC32 is checked from each range's CRC, taken as it was written and
    combined in order: the file is not read back."""

    async def read_back(*args: object) -> None:
        raise AssertionError("the file was read back to be checked")

    monkeypatch.setattr(files_module, "_verify_file", read_back)
    server = ObjectServer(DATA)
    async with client_for(server.transport()) as client:
        await fget(client, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA


async def test_ranges_of_an_earlier_call_are_checked_by_reading_the_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ObjectServer(DATA)
    await interrupted_at_the_last_range(server, tmp_path / "out")
    read_back = []
    real = files_module._verify_file

    async def counted(*args: Any) -> str | None:
        read_back.append(args)
        return await real(*args)

    monkeypatch.setattr(files_module, "_verify_file", counted)
    async with client_for(server.transport()) as client:
        await fget(client, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    assert len(read_back) == 1  # the ranges kept from the first call have no CRC of this one

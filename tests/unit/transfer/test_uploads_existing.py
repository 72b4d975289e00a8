"""Streamed uploads against a fake requester: an endless stream stops at S3's limits (10,000
parts, 5 TiB) and its upload is aborted. (Existing tests, to be folded into test_uploads.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import aiominio
from aiominio.core import planning
from aiominio.transfer import uploads
from aiominio.transfer.sources import make_source
from tests.unit.fakes import MultipartRequester, as_requester


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
        await uploads.put_object(
            as_requester(fake),
            "b",
            "k",
            source=make_source(endless(), None),
            headers={},
            part_size=1,
            concurrency=4,
            threshold=0,
            integrity="crc32",
        )
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
        await uploads.put_object(
            as_requester(fake),
            "b",
            "k",
            source=make_source(endless(), None),
            headers={},
            part_size=1000,
            concurrency=4,
            threshold=0,
            integrity="crc32",
        )
    methods = [c["method"] for c in fake.calls]
    assert methods.count("PUT") <= 40
    assert methods[-1] == "DELETE"

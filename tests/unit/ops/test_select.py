"""The S3 Select result over a requester: iterated without ``async with`` it opens itself, an
answer without its end event is an error, and it cannot be opened twice."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.ops.select import SelectResult
from tests.unit.core.test_eventstream import RECORDS_1, STREAM
from tests.unit.mock_client import answer, mock_client

QUERY = aiominio.SelectRequest("SELECT * FROM S3Object", aiominio.CSVInput(), aiominio.CSVOutput())


async def test_iterating_opens_the_result() -> None:
    client, _ = mock_client(answer(STREAM))
    async with client:
        result = SelectResult(client.requester, "bkt", "k", QUERY)
        assert [r async for r in result] == [b"ann,31\nbob,", b"25\n"]


async def test_an_answer_cut_before_its_end_event_is_an_error() -> None:
    client, _ = mock_client(answer(RECORDS_1))
    async with client:
        result = SelectResult(client.requester, "bkt", "k", QUERY)
        with pytest.raises(aiominio.InvalidResponseError):
            [r async for r in result]


async def test_a_result_opens_once() -> None:
    client, _ = mock_client(answer(STREAM))
    async with client, SelectResult(client.requester, "bkt", "k", QUERY) as result:
        with pytest.raises(RuntimeError, match="already open"):
            await result.__aenter__()

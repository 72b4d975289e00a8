"""S3 Select through the client: the request document posted, the records streamed back."""

from __future__ import annotations

import aiominio
from tests.unit.core.test_eventstream import STREAM
from tests.unit.mock_client import answer, mock_client

QUERY = aiominio.SelectRequest("SELECT * FROM S3Object", aiominio.CSVInput(), aiominio.CSVOutput())


async def test_records_and_stats_are_read_off_the_event_stream() -> None:
    client, transport = mock_client(answer(STREAM))
    async with client:
        async with client.select_object_content("bkt", "data.csv", QUERY) as result:
            records = b"".join([r async for r in result])
        assert records == b"ann,31\nbob,25\n"
        assert result.stats is not None and result.stats.bytes_returned == 14
    (request,) = transport.requests
    assert (request.method, request.path) == ("POST", "/bkt/data.csv")
    assert request.query == {"select": "", "select-type": "2"}
    assert b"<Expression>SELECT * FROM S3Object</Expression>" in request.body

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

"""MinIO's bucket notifications through the client: the query asked for, bad arguments
refused when the stream is made, events read off the lines."""

from __future__ import annotations

import json

import pytest

import aiominio
from tests.unit.mock_client import answer, mock_client

RECORD = {
    "eventName": "s3:ObjectCreated:Put",
    "eventTime": "2026-12-07T04:00:00.123Z",
    "s3": {"bucket": {"name": "bkt"}, "object": {"key": "a.jpg", "size": 3}},
}


async def test_events_are_read_off_the_lines() -> None:
    line = json.dumps({"Records": [RECORD]}).encode() + b"\n"
    client, transport = mock_client(answer(b" \n" + line))
    async with client:
        stream = client.listen_bucket_notification("bkt", prefix="p/", suffix=".jpg")
        async with stream as events:
            event = await events.__anext__()
    assert (event.event_name, event.key, event.size) == ("s3:ObjectCreated:Put", "a.jpg", 3)
    request = transport.requests[0]
    assert (request.method, request.path) == ("GET", "/bkt")
    assert request.query["prefix"] == "p/" and request.query["suffix"] == ".jpg"


async def test_bad_events_are_refused_when_the_stream_is_made() -> None:
    client, transport = mock_client(answer())
    async with client:
        with pytest.raises(aiominio.InvalidArgument):
            client.listen_bucket_notification("bkt", events=["not-an-event"])
    assert transport.requests == []

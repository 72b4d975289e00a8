"""listen_bucket_notification against a FAKE MinIO: an in-test aiohttp server that follows
MinIO's documented ListenBucketNotification behaviour (no server the suite runs speaks it).

The fake answers ``GET /<bucket>?prefix=&suffix=&events=...`` with a body that does not end:
one JSON document ``{"Records": [...]}`` per line, and whitespace in between to keep the
connection alive (MinIO writes a space every half second). Each test scripts what the fake
sends on each connection: events, keep-alives, a dropped connection, a line that is not JSON.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiohttp import web

import aiominio
from tests.integration.conftest import StartWebServer, WebServer

BUCKET = "watched"
Script = Callable[[web.StreamResponse, web.Request], Awaitable[None]]


def record(name: str, key: str, size: int = 0) -> dict[str, object]:
    return {
        "eventVersion": "2.0",
        "eventSource": "minio:s3",
        "eventTime": "2026-12-07T04:00:00.000Z",
        "eventName": name,
        "s3": {
            "bucket": {"name": BUCKET},
            "object": {"key": key, "size": size, "eTag": "abc", "versionId": "v1"},
        },
    }


def query_of(path: str) -> list[tuple[str, str]]:
    """The query of a request, decoded, sorted (the signer sends it in canonical order)."""
    return sorted(parse_qsl(urlsplit(path).query, keep_blank_values=True))


def line(*records: dict[str, object]) -> bytes:
    return json.dumps({"Records": list(records)}).encode() + b"\n"


async def hold_open(resp: web.StreamResponse, gone: asyncio.Event) -> None:
    """Keep the connection alive as MinIO does, until the client goes away (a write fails, or
    aiohttp cancels the handler)."""
    try:
        while True:
            await resp.write(b" ")
            await asyncio.sleep(0.01)
    except ConnectionError:
        pass
    finally:
        gone.set()


async def fake_minio(web_server: StartWebServer, *scripts: Script) -> WebServer:
    """A fake MinIO whose n-th ListenBucketNotification connection runs ``scripts[n]``."""
    calls = 0

    async def listen(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        script = scripts[min(calls, len(scripts) - 1)]
        calls += 1
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        await script(resp, request)
        return resp

    return await web_server(web.get(f"/{BUCKET}", listen))


def client_for(server: WebServer, attempts: int = 4) -> aiominio.Client:
    return aiominio.Client(
        server.url,
        access_key="minio",
        secret_key="minio-secret",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0.01),
    )


async def test_events_arrive_and_keep_alives_are_skipped(web_server: StartWebServer) -> None:
    gone = asyncio.Event()

    async def script(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(b"   ")
        await resp.write(line(record("s3:ObjectCreated:Put", "photos/a+b%C3%A9.jpg", 42))[:10])
        await resp.write(line(record("s3:ObjectCreated:Put", "photos/a+b%C3%A9.jpg", 42))[10:])
        await resp.write(b"\n  \n \r\n")
        two = line(
            record("s3:ObjectRemoved:Delete", "photos/old.jpg"),
            record("s3:ObjectCreated:Copy", "photos/new.jpg", 7),
        )
        await resp.write(two + b" " + json.dumps({}).encode() + b"\n")
        await hold_open(resp, gone)

    server = await fake_minio(web_server, script)
    async with client_for(server) as client:
        got: list[aiominio.BucketEvent] = []
        async with client.listen_bucket_notification(
            BUCKET, prefix="photos/", suffix=".jpg", events=["s3:ObjectCreated:*"]
        ) as stream:
            async for event in stream:
                got.append(event)
                if len(got) == 3:
                    break
    assert [(e.event_name, e.key, e.size) for e in got] == [
        ("s3:ObjectCreated:Put", "photos/a bé.jpg", 42),
        ("s3:ObjectRemoved:Delete", "photos/old.jpg", 0),
        ("s3:ObjectCreated:Copy", "photos/new.jpg", 7),
    ]
    first = got[0]
    assert (first.bucket, first.etag, first.version_id) == (BUCKET, "abc", "v1")
    assert first.event_time is not None and first.event_time.year == 2026
    assert first.record["eventSource"] == "minio:s3"
    [path] = server.paths("GET")
    assert query_of(path) == [
        ("events", "s3:ObjectCreated:*"),
        ("prefix", "photos/"),
        ("suffix", ".jpg"),
    ]
    await asyncio.wait_for(gone.wait(), 10)


async def test_a_dropped_connection_is_opened_again_and_continues(
    web_server: StartWebServer,
) -> None:
    gone = asyncio.Event()

    async def drops(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(line(record("s3:ObjectCreated:Put", "one")))
        await resp.write(b'{"Records": [{"eventName": "s3:Obj')  # cut off mid-line
        assert request.transport is not None
        request.transport.close()

    async def ends(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(line(record("s3:ObjectCreated:Put", "two")))
        await resp.write_eof()  # a body that ends is a dropped stream too

    async def stays(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(line(record("s3:ObjectCreated:Put", "three")))
        await hold_open(resp, gone)

    server = await fake_minio(web_server, drops, ends, stays)
    async with client_for(server) as client:
        stream = client.listen_bucket_notification(BUCKET)
        async with stream:
            keys = []
            async for event in stream:
                keys.append(event.key)
                if len(keys) == 3:
                    break
        assert keys == ["one", "two", "three"]
        assert stream.reconnects == 2
    assert len(server.paths("GET")) == 3
    expected = [
        ("events", "s3:ObjectCreated:*"),
        ("events", "s3:ObjectRemoved:*"),
        ("prefix", ""),
        ("suffix", ""),
    ]
    assert all(query_of(p) == expected for p in server.paths("GET"))
    await asyncio.wait_for(gone.wait(), 10)


async def test_drops_past_the_retry_policy_are_raised(web_server: StartWebServer) -> None:
    async def drops(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(b" ")
        assert request.transport is not None
        request.transport.close()

    server = await fake_minio(web_server, drops)
    async with client_for(server, attempts=3) as client:
        with pytest.raises(aiominio.TransportError):
            async with client.listen_bucket_notification(BUCKET) as stream:
                async for _ in stream:
                    pass
    assert len(server.paths("GET")) == 3


async def test_breaking_out_closes_the_connection(web_server: StartWebServer) -> None:
    gone = asyncio.Event()

    async def script(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(line(record("s3:ObjectCreated:Put", "k")))
        await hold_open(resp, gone)

    server = await fake_minio(web_server, script)
    async with client_for(server) as client:
        async with client.listen_bucket_notification(BUCKET) as stream:
            async for _ in stream:
                break
        # The fake sees the disconnect while the client is still open: the stream closed it.
        await asyncio.wait_for(gone.wait(), 10)
        assert [e async for e in stream] == []


async def test_aclose_without_async_with_closes_the_connection(
    web_server: StartWebServer,
) -> None:
    gone = asyncio.Event()

    async def script(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(line(record("s3:ObjectCreated:Put", "k")))
        await hold_open(resp, gone)

    server = await fake_minio(web_server, script)
    async with client_for(server) as client:
        stream = client.listen_bucket_notification(BUCKET)
        event = await stream.__anext__()
        assert event.key == "k"
        await stream.aclose()
        await asyncio.wait_for(gone.wait(), 10)


async def test_a_line_that_is_not_json_is_a_typed_error(web_server: StartWebServer) -> None:
    async def script(resp: web.StreamResponse, request: web.Request) -> None:
        await resp.write(line(record("s3:ObjectCreated:Put", "ok")) + b"<html>oops</html>\n")
        await resp.write_eof()

    server = await fake_minio(web_server, script)
    async with client_for(server) as client:
        keys = []
        with pytest.raises(aiominio.InvalidResponseError, match="not JSON"):
            async with client.listen_bucket_notification(BUCKET) as stream:
                async for event in stream:
                    keys.append(event.key)
    assert keys == ["ok"]  # the event before the bad line first
    assert len(server.paths("GET")) == 1  # not reconnected: the server speaks something else


async def test_a_server_without_it_answers_an_error(web_server: StartWebServer) -> None:
    async def refuse(request: web.Request) -> web.Response:
        body = b"<Error><Code>NotImplemented</Code><Message>no</Message></Error>"
        return web.Response(status=501, body=body, content_type="application/xml")

    server = await web_server(web.get(f"/{BUCKET}", refuse))
    async with client_for(server, attempts=1) as client:
        with pytest.raises(aiominio.S3Error) as info:
            async with client.listen_bucket_notification(BUCKET):
                pass
    assert info.value.code == "NotImplemented"

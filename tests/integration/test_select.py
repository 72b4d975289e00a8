"""S3 Select against moto (SeaweedFS 4.48 has no SelectObjectContent: it answers
MethodNotAllowed, checked below), and against an in-test fake server for what moto never sends:
an error event in the middle of the records, an answer cut off before its End event."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

import aiominio
from aiominio import CSVInput, CSVOutput, JSONInput, JSONOutput, SelectRequest
from aiominio.testing import LocalServer
from tests.integration.conftest import StartWebServer, empty_and_remove, unique_bucket

PEOPLE_CSV = b"name,city\nann,Paris\nbob,Oslo\ncid,Lima"
PEOPLE_JSON = b'{"name":"ann","city":"Paris"}\n{"name":"bob","city":"Oslo"}\n'


@pytest.fixture
async def moto_client(moto_server: LocalServer) -> AsyncIterator[aiominio.Client]:
    async with moto_server.client() as c:
        yield c


@pytest.fixture
async def people(moto_client: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("sel")
    await moto_client.make_bucket(name)
    await moto_client.put_object(name, "people.csv", PEOPLE_CSV)
    await moto_client.put_object(name, "people.json", PEOPLE_JSON)
    yield name
    await empty_and_remove(moto_client, name)


async def test_a_csv_select_returns_the_column_and_stats(
    moto_client: aiominio.Client, people: str
) -> None:
    request = SelectRequest(
        "SELECT name FROM S3Object", CSVInput(file_header_info="USE"), CSVOutput()
    )
    async with moto_client.select_object_content(people, "people.csv", request) as result:
        assert result.stats is None
        chunks = [chunk async for chunk in result]
    assert b"".join(chunks) == b"ann\nbob\ncid\n"
    assert result.stats is not None
    assert result.stats.bytes_scanned > 0
    assert result.stats.bytes_returned == len(b"ann\nbob\ncid\n")


async def test_a_csv_select_to_json(moto_client: aiominio.Client, people: str) -> None:
    request = SelectRequest(
        "SELECT count(*) FROM S3Object", CSVInput(file_header_info="USE"), JSONOutput()
    )
    result = moto_client.select_object_content(people, "people.csv", request)
    chunks = [chunk async for chunk in result]  # no async with: released at the end
    assert b"".join(chunks) == b'{"_1":3}\n'


async def test_a_json_lines_select(moto_client: aiominio.Client, people: str) -> None:
    request = SelectRequest("SELECT * FROM S3Object", JSONInput("LINES"), JSONOutput())
    async with moto_client.select_object_content(people, "people.json", request) as result:
        body = b"".join([chunk async for chunk in result])
    assert body.splitlines() == [
        b'{"name":"ann","city":"Paris"}',
        b'{"name":"bob","city":"Oslo"}',
    ]
    assert result.stats is not None and result.stats.bytes_returned == len(body)


async def test_leaving_early_releases_the_connection(
    moto_client: aiominio.Client, people: str
) -> None:
    request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
    async with moto_client.select_object_content(people, "people.csv", request) as result:
        async for _chunk in result:
            break
    assert [chunk async for chunk in result] == []  # released: nothing more to read
    # The pool still works (an unreleased response would also fail the suite as a warning).
    assert (await moto_client.stat_object(people, "people.csv")).size == len(PEOPLE_CSV)


async def test_a_select_of_a_missing_key_is_no_such_key(
    moto_client: aiominio.Client, people: str
) -> None:
    request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
    with pytest.raises(aiominio.NoSuchKey):
        async with moto_client.select_object_content(people, "gone.csv", request):
            pass


async def test_seaweedfs_has_no_select(seaweedfs_server: LocalServer) -> None:
    async with seaweedfs_server.client() as c:
        name = unique_bucket("sel")
        await c.make_bucket(name)
        try:
            await c.put_object(name, "p.csv", PEOPLE_CSV)
            request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
            with pytest.raises(aiominio.S3Error) as info:
                async with c.select_object_content(name, "p.csv", request):
                    pass
            assert info.value.code == "MethodNotAllowed"
        finally:
            await empty_and_remove(c, name)


# -- a fake server, for the answers moto never sends --------------------------------------------


def _string(name: str, value: str) -> bytes:
    return (
        bytes([len(name)])
        + name.encode()
        + b"\x07"
        + struct.pack(">H", len(value))
        + value.encode()
    )


def _frame(headers: dict[str, str], payload: bytes = b"") -> bytes:
    block = b"".join(_string(k, v) for k, v in headers.items())
    prelude = struct.pack(">II", 16 + len(block) + len(payload), len(block))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + block + payload
    return message + struct.pack(">I", zlib.crc32(message))


RECORDS = _frame({":message-type": "event", ":event-type": "Records"}, b"ann\n")
ERROR = _frame(
    {":message-type": "error", ":error-code": "CastFailed", ":error-message": "cannot cast"}
)


async def _fake_select(web_server: StartWebServer, body: bytes) -> aiominio.Client:
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.content_type = "application/octet-stream"
        await resp.prepare(request)
        await resp.write(body)
        await resp.write_eof()
        return resp

    server = await web_server(web.post("/bkt/k.csv", handler))
    return aiominio.Client(
        server.url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=1),
    )


async def test_an_error_event_mid_stream_raises_a_typed_error(web_server: StartWebServer) -> None:
    """Against a fake server: records, then an error event."""
    request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
    async with await _fake_select(web_server, RECORDS + ERROR) as client:
        got: list[bytes] = []
        with pytest.raises(aiominio.S3Error) as info:
            async with client.select_object_content("bkt", "k.csv", request) as result:
                async for chunk in result:
                    got.append(chunk)
        assert got == [b"ann\n"]
        assert info.value.code == "CastFailed" and info.value.message == "cannot cast"


async def test_an_answer_without_its_end_is_an_error(web_server: StartWebServer) -> None:
    """Against a fake server: records, then the body ends with no Stats or End event."""
    request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
    async with await _fake_select(web_server, RECORDS + RECORDS[:9]) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="ended"):
            async with client.select_object_content("bkt", "k.csv", request) as result:
                async for _ in result:
                    pass

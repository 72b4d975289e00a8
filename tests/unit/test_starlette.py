"""aiominio/starlette.py: ObjectResponse driven as an ASGI server drives it (no server, no
network: the object comes from a client over MockTransport). Its headers, its body, and the
reader closed however the response ends; a clear ImportError without Starlette."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, MutableMapping

import pytest
from starlette.requests import ClientDisconnect

import aiominio
from aiominio.starlette import ObjectResponse, object_headers
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import mock_client

BODY = [b"first chunk, ", b"second chunk"]
STORED = {
    "Content-Type": "text/plain",
    "Content-Length": str(len(b"".join(BODY))),
    "ETag": '"0123abc"',
    "Last-Modified": "Wed, 01 Jan 2025 10:20:30 GMT",
    "Cache-Control": "max-age=60",
    "Content-Disposition": 'inline; filename="a.txt"',
    "Content-Encoding": "gzip",
    "Content-Language": "fr",
    "Expires": "Thu, 02 Jan 2025 00:00:00 GMT",
    "x-amz-meta-owner": "not passed on",
}
Message = MutableMapping[str, object]


def handler(request: MockRequest) -> MockResponse:
    return MockResponse(200, STORED, BODY)


@pytest.fixture
async def reader() -> AsyncIterator[aiominio.ObjectReader]:
    client, _ = mock_client(handler)
    async with client:
        obj = await client.get_object("bucket", "a.txt")
        try:
            yield obj
        finally:
            await obj.close()


def scope(spec_version: str = "2.4") -> dict[str, object]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "GET",
        "path": "/a.txt",
        "headers": [],
    }


async def never_disconnects() -> Message:
    raise AssertionError("not read under ASGI spec 2.4")


async def test_the_object_with_its_headers(reader: aiominio.ObjectReader) -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    response = ObjectResponse(reader)
    assert response.reader is reader
    await response(scope(), never_disconnects, send)
    start, *bodies = sent
    assert start["type"] == "http.response.start" and start["status"] == 200
    assert dict(start["headers"]) == {  # type: ignore[call-overload]
        b"content-type": b"text/plain",  # as stored: no "; charset=utf-8" added
        b"content-length": b"25",
        b"etag": b'"0123abc"',
        b"last-modified": b"Wed, 01 Jan 2025 10:20:30 GMT",
        b"cache-control": b"max-age=60",
        b"content-disposition": b'inline; filename="a.txt"',
        b"content-encoding": b"gzip",
        b"content-language": b"fr",
        b"expires": b"Thu, 02 Jan 2025 00:00:00 GMT",
    }
    assert b"".join(m.get("body", b"") for m in bodies) == b"".join(BODY)  # type: ignore[misc]
    assert bodies[-1]["more_body"] is False
    assert reader.closed


async def test_headers_given_add_to_or_replace_the_objects(
    reader: aiominio.ObjectReader,
) -> None:
    headers = object_headers(reader)
    assert headers["content-type"] == "text/plain" and "x-amz-meta-owner" not in headers
    response = ObjectResponse(
        reader,
        status_code=203,
        headers={"CONTENT-TYPE": "text/plain; charset=latin-1", "X-Served-By": "app"},
    )
    assert response.status_code == 203
    assert response.headers["content-type"] == "text/plain; charset=latin-1"
    assert response.headers.getlist("content-type") == ["text/plain; charset=latin-1"]
    assert response.headers["x-served-by"] == "app"
    assert response.headers["etag"] == '"0123abc"'
    await reader.close()


async def test_a_client_gone_mid_body_closes_the_reader(reader: aiominio.ObjectReader) -> None:
    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise OSError("the client went away")

    with pytest.raises(ClientDisconnect):
        await ObjectResponse(reader)(scope(), never_disconnects, send)
    assert reader.closed


async def test_a_disconnect_before_the_body_started_closes_the_reader(
    reader: aiominio.ObjectReader,
) -> None:
    """ASGI before 2.4: Starlette listens for the disconnect and cancels the streaming, maybe
    before the body generator ever ran (its ``finally`` would never run)."""

    async def disconnect() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        pass

    await ObjectResponse(reader)(scope("2.3"), disconnect, send)
    assert reader.closed


async def test_an_error_mid_body_closes_the_reader() -> None:
    broken = MockResponse(200, STORED, [b"first", aiominio.InvalidResponseError("corrupt")])
    client, _ = mock_client(lambda request: broken)
    async with client:
        obj = await client.get_object("bucket", "a.txt")

        async def send(message: Message) -> None:
            pass

        with pytest.raises(aiominio.AiominioError):
            await ObjectResponse(obj)(scope(), never_disconnects, send)
        assert obj.closed


def test_without_starlette_the_import_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['starlette'] = None\n"  # as if Starlette were not installed
        "try:\n"
        "    import aiominio.starlette\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout == (
        "ImportError aiominio.starlette needs Starlette (FastAPI brings it): "
        "pip install 'aiominio[starlette]' (or pip install starlette)\n"
    )

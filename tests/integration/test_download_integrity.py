"""Downloads hand back the stored bytes or fail typed: a hostile server (in the test) ignores
Range on a resumed or ranged read, or sends a body that does not match the checksum or MD5 ETag
it stored."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import aiominio
from aiominio.transfer import files as files_module
from aiominio.transfer.files import partial_path
from aiominio.transfer.partial import PartialFile
from tests.integration.conftest import StartWebServer, WebServer

BODY = bytes(range(256)) * 40  # 10,240 bytes
MD5 = hashlib.md5(BODY).hexdigest()
CRC32 = base64.b64encode(zlib.crc32(BODY).to_bytes(4, "big")).decode()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _client(server: WebServer, attempts: int = 3) -> aiominio.Client:
    return aiominio.Client(
        server.url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0.01),
    )


async def _cut_off(request: web.Request, headers: dict[str, str], body: bytes) -> web.Response:
    """Announce the whole body, send half of it, and drop the connection."""
    resp = web.StreamResponse(status=200, headers=headers)
    resp.content_length = len(body)
    await resp.prepare(request)
    await resp.write(body[: len(body) // 2])
    assert request.transport is not None
    request.transport.close()
    raise ConnectionResetError("cut off on purpose")


def _object_server(
    *, ignore_range: Callable[[int], bool], body: bytes = BODY, extra: dict[str, str] | None = None
) -> Handler:
    """GET /b/k: the first whole-object answer breaks off halfway; a Range answer is a 200
    with the whole body when ``ignore_range(n)`` holds for the n-th ranged request, else the
    206 asked for."""
    headers = {"ETag": f'"{MD5}"', **(extra or {})}
    state = {"whole": 0, "ranged": 0}

    async def get(request: web.Request) -> web.StreamResponse:
        rng = request.headers.get("Range")
        if rng is None:
            state["whole"] += 1
            if state["whole"] == 1:
                return await _cut_off(request, headers, body)
            return web.Response(body=body, headers=headers)
        state["ranged"] += 1
        if ignore_range(state["ranged"]):
            return web.Response(body=body, headers=headers)
        first, _, last = rng.removeprefix("bytes=").partition("-")
        lo, hi = int(first), int(last) if last else len(body) - 1
        cr = f"bytes {lo}-{hi}/{len(body)}"
        return web.Response(
            status=206, body=body[lo : hi + 1], headers={**headers, "Content-Range": cr}
        )

    return get


async def test_a_resume_answered_with_the_whole_body_is_not_spliced(
    web_server: StartWebServer,
) -> None:
    server = await web_server(web.get("/bkt/k", _object_server(ignore_range=lambda n: True)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="Range was ignored"):
            async with client.get_object("bkt", "k", verify=False) as obj:
                await obj.read()


async def test_a_resume_that_ignores_range_once_is_asked_again(
    web_server: StartWebServer,
) -> None:
    server = await web_server(web.get("/bkt/k", _object_server(ignore_range=lambda n: n == 1)))
    async with _client(server) as client, client.get_object("bkt", "k", verify=False) as obj:
        assert await obj.read() == BODY
    ranges = [r.headers.get("Range") for r in server.received]
    assert ranges == [None, "bytes=5120-", "bytes=5120-"]


async def test_a_range_answered_with_the_whole_body_fails_typed(
    web_server: StartWebServer,
) -> None:
    server = await web_server(web.get("/bkt/k", _object_server(ignore_range=lambda n: True)))
    async with _client(server, attempts=2) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="Range was ignored"):
            async with client.get_partial_object("bkt", "k", 100, 50) as obj:
                await obj.read()


@pytest.mark.parametrize(
    ("content_range", "problem"),
    [
        ("bytes 0-10239/10240", "asked for bytes from 5120"),
        ("bytes 5120-10239/99999", "was 10240 bytes"),
        ("bytes five-ten/10240", "unusable Content-Range"),
    ],
)
async def test_a_resume_with_a_wrong_content_range_fails_typed(
    web_server: StartWebServer, content_range: str, problem: str
) -> None:
    headers = {"ETag": f'"{MD5}"'}

    async def get(request: web.Request) -> web.StreamResponse:
        if "Range" not in request.headers:
            return await _cut_off(request, headers, BODY)
        tail = BODY[5120:]
        return web.Response(
            status=206, body=tail, headers={**headers, "Content-Range": content_range}
        )

    server = await web_server(web.get("/bkt/k", get))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=problem):
            async with client.get_object("bkt", "k") as obj:
                await obj.read()


async def test_a_resume_of_another_version_fails_typed(web_server: StartWebServer) -> None:
    async def get(request: web.Request) -> web.StreamResponse:
        if "Range" not in request.headers:
            return await _cut_off(request, {"ETag": f'"{MD5}"'}, BODY)
        cr = "bytes 5120-10239/10240"
        headers = {"ETag": '"' + "0" * 32 + '"', "Content-Range": cr}
        return web.Response(status=206, body=BODY[5120:], headers=headers)

    server = await web_server(web.get("/bkt/k", get))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="ETag changed"):
            async with client.get_object("bkt", "k") as obj:
                await obj.read()


def _flipped(body: bytes, at: int = 7000) -> bytes:
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]


@pytest.mark.parametrize(
    ("headers", "algorithm"),
    [
        ({"ETag": f'"{MD5}"', "x-amz-checksum-crc32": CRC32}, "crc32"),
        ({"ETag": f'"{MD5}"'}, "md5"),
        (
            {
                "ETag": f'"{MD5}-2"',
                "x-amz-checksum-type": "FULL_OBJECT",
                "x-amz-checksum-sha256": base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
            },
            "sha256",
        ),
    ],
    ids=["crc32", "md5-etag", "sha256-of-multipart"],
)
async def test_a_flipped_byte_is_caught(
    web_server: StartWebServer, headers: dict[str, str], algorithm: str
) -> None:
    served = {"body": _flipped(BODY)}

    async def get(request: web.Request) -> web.Response:
        return web.Response(body=served["body"], headers=headers)

    server = await web_server(web.get("/bkt/k", get))
    async with _client(server) as client:
        got = b""
        with pytest.raises(aiominio.InvalidResponseError, match=f"{algorithm}.*corrupted"):
            async with client.get_object("bkt", "k") as obj:
                async for chunk in obj:
                    got += chunk
        assert len(got) < len(BODY)  # the chunk that completed the body was never handed out
        assert server.received[0].headers["x-amz-checksum-mode"] == "ENABLED"
        # Correct bytes pass, and say what verified them; verify=False sends no checksum mode.
        served["body"] = BODY
        async with client.get_object("bkt", "k") as obj:
            assert await obj.read() == BODY
            assert obj.verified_by == algorithm
        async with client.get_object("bkt", "k", verify=False) as obj:
            assert await obj.read() == BODY
            assert obj.verified_by is None
        assert "x-amz-checksum-mode" not in server.received[-1].headers


async def test_verification_can_be_turned_off(web_server: StartWebServer) -> None:
    async def get(request: web.Request) -> web.Response:
        return web.Response(body=_flipped(BODY), headers={"ETag": f'"{MD5}"'})

    server = await web_server(web.get("/bkt/k", get))
    async with _client(server) as client, client.get_object("bkt", "k", verify=False) as obj:
        assert await obj.read() == _flipped(BODY)


PART = 4096  # a small part size: the server below makes up a multipart ETag for it


def _multipart_etag(body: bytes, sizes: list[int]) -> str:
    digests, at = b"", 0
    for size in sizes:
        digests += hashlib.md5(body[at : at + size]).digest()
        at += size
    return f"{hashlib.md5(digests).hexdigest()}-{len(sizes)}"


def _multipart_server(sizes: list[int], *, corrupt: Callable[[int], bool]) -> Handler:
    """An object stored in parts of ``sizes``: HEAD ?partNumber=n gives part n's size; the n-th
    whole-object GET is corrupted when ``corrupt(n)`` holds."""
    etag = _multipart_etag(BODY, sizes)
    gets = [0]

    async def get(request: web.Request) -> web.Response:
        headers = {"ETag": f'"{etag}"'}
        number = request.query.get("partNumber")
        if number is not None:
            at = sum(sizes[: int(number) - 1])
            size = sizes[int(number) - 1]
            headers["Content-Range"] = f"bytes {at}-{at + size - 1}/{len(BODY)}"
            return web.Response(status=206, body=BODY[at : at + size], headers=headers)
        if request.method == "HEAD":
            return web.Response(body=BODY, headers=headers)
        gets[0] += 1
        return web.Response(body=_flipped(BODY) if corrupt(gets[0]) else BODY, headers=headers)

    return get


@pytest.mark.parametrize(
    "sizes", [[PART, PART, len(BODY) - 2 * PART], [3000, 5000, len(BODY) - 8000]], ids=str
)
async def test_fget_verifies_a_multipart_etag(
    web_server: StartWebServer, tmp_path: Path, sizes: list[int]
) -> None:
    target = tmp_path / "file.bin"
    server = await web_server(web.get("/bkt/k", _multipart_server(sizes, corrupt=lambda n: True)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="corrupted"):
            await client.fget_object("bkt", "k", target)
        assert list(tmp_path.iterdir()) == []
        # A corrupted first download is thrown away and done again.
        server = await web_server(
            web.get("/bkt/k", _multipart_server(sizes, corrupt=lambda n: n == 1))
        )
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target)
    assert target.read_bytes() == BODY
    assert server.paths("GET").count("/bkt/k") == 2


async def test_fget_resume_that_ignores_range_restarts_cleanly(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    target = tmp_path / "file.bin"
    server = await web_server(web.get("/bkt/k", _object_server(ignore_range=lambda n: True)))
    part = partial_path(str(target), MD5)
    with open(part, "wb") as f:
        f.write(BODY[:3000])
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target)
    assert target.read_bytes() == BODY
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


async def test_two_fgets_to_one_path_take_turns(
    web_server: StartWebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both GETs start at once (no HEAD first); the second lets its answer go while it waits
    for the partial file's lock, which the first keeps until its file is written and renamed,
    then asks for the body again."""
    target = tmp_path / "file.bin"
    loop = asyncio.get_running_loop()
    # (partial file name, size on entry, time entered, time left, size on leaving)
    held: list[tuple[str, int, float, float, int]] = []
    real_opened = files_module.opened

    @contextlib.asynccontextmanager
    async def recorded(path: str, etag: str, **options: Any) -> AsyncIterator[PartialFile]:
        async with real_opened(path, etag, **options) as partial:
            entered, size = loop.time(), partial.size()
            try:
                yield partial
            finally:
                # Still inside the real one: the lock is held until it exits.
                held.append((partial.name, size, entered, loop.time(), partial.size()))

    monkeypatch.setattr(files_module, "opened", recorded)

    async def slow(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"ETag": f'"{MD5}"'})
        resp.content_length = len(BODY)
        await resp.prepare(request)
        for i in range(0, len(BODY), 1024):
            await asyncio.sleep(0.01)  # the body takes ~0.1 s to stream
            await resp.write(BODY[i : i + 1024])
        await resp.write_eof()
        return resp

    server = await web_server(web.get("/bkt/k", slow))
    async with _client(server) as client:
        await asyncio.gather(
            client.fget_object("bkt", "k", target), client.fget_object("bkt", "k", target)
        )
    assert target.read_bytes() == BODY
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]
    # A whole-object GET each, no HEAD; and the second's again, after its wait.
    assert server.paths("GET") == ["/bkt/k"] * 3
    assert server.paths("HEAD") == []
    first, second = sorted(held, key=lambda h: h[2])
    # Both went to the one resumable partial file (not a fresh one of a random name), each
    # found it empty and left it whole: every write of each download fell inside its span.
    assert first[0] == second[0] == partial_path(str(target), MD5)
    assert (first[1], first[4]) == (second[1], second[4]) == (0, len(BODY))
    assert second[2] >= first[3], "the two downloads held the partial file at once"

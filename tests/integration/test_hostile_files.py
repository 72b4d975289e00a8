"""Downloads to a file against a hostile server, and a hostile local user: a fake server (in the
test) announces sizes no object has or sends bodies longer than it announced; files planted at
the partial file's predictable names (symlinks, hard links) are never written through."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import stat
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import web

import aiominio
from aiominio.core import planning
from aiominio.transfer.files import partial_path
from tests.integration.conftest import StartWebServer, WebServer

BODY = bytes(range(256)) * 40  # 10,240 bytes
MD5 = hashlib.md5(BODY).hexdigest()
MiB = 1 << 20
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _client(server: WebServer) -> aiominio.Client:
    return aiominio.Client(
        server.url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=2, base_delay=0.01),
    )


def _serving(body: bytes = BODY, etag: str = MD5) -> Handler:
    """HEAD and GET (ranges too) of one object, honestly."""

    async def get(request: web.Request) -> web.StreamResponse:
        headers = {"ETag": f'"{etag}"'}
        rng = request.headers.get("Range")
        if rng is None:
            return web.Response(body=body, headers=headers)
        first, _, last = rng.removeprefix("bytes=").partition("-")
        lo, hi = int(first), min(int(last) if last else len(body) - 1, len(body) - 1)
        headers["Content-Range"] = f"bytes {lo}-{hi}/{len(body)}"
        return web.Response(status=206, body=body[lo : hi + 1], headers=headers)

    return get


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process's umask for one test; the one before is put back after it."""
    before = os.umask(0o022)
    os.umask(before)
    yield os.umask
    os.umask(before)


# -- sizes from the server ----------------------------------------------------------------------


def _announcing(size: int) -> Handler:
    """A HEAD, and a GET of the whole object (the first request of a download), announcing
    ``size`` bytes and sending none of them; a Range GET is answered with a 412."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD" or "Range" not in request.headers:
            resp = web.StreamResponse(headers={"ETag": f'"{MD5}"'})
            resp.content_length = size
            await resp.prepare(request)
            return resp
        return web.Response(status=412, body=b"<Error><Code>PreconditionFailed</Code></Error>")

    return handle


def _gets(server: WebServer) -> list[str | None]:
    """The Range header of each GET the server received (``None``: the whole object)."""
    return [r.headers.get("Range") for r in server.received if r.method == "GET"]


@pytest.mark.parametrize("concurrency", [8, 1])
async def test_a_size_beyond_5_tib_is_refused_before_anything_is_planned(
    web_server: StartWebServer, tmp_path: Path, concurrency: int
) -> None:
    server = await web_server(web.get("/bkt/k", _announcing(10**18)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=r"10{18} bytes.*5 TiB"):
            await asyncio.wait_for(
                client.fget_object("bkt", "k", tmp_path / "f", concurrency=concurrency), 10
            )
    # Refused on the first answer, once: no range asked for, no HEAD, no second round.
    assert _gets(server) == [None]
    assert server.paths("HEAD") == []
    assert _files(tmp_path) == []


async def test_the_ranges_of_the_largest_object_take_no_memory(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    # 5 TiB in 1 MiB ranges: 5,242,880 of them, planned one at a time as they are fetched (the
    # partial file is sparse; every range fails at once with a 412, and so does the round
    # started over).
    server = await web_server(web.get("/bkt/k", _announcing(planning.MAX_OBJECT_SIZE)))
    tracemalloc.start()
    try:
        async with _client(server) as client:
            with pytest.raises(aiominio.PreconditionFailed):
                await client.fget_object("bkt", "k", tmp_path / "f", part_size=MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * MiB, f"{peak} bytes at the peak"
    assert _files(tmp_path) == []
    gets = _gets(server)
    assert gets.count(None) == 2  # each round's first GET, let go
    assert len(gets) > 2, "no range was asked for"


async def test_a_multipart_etag_of_a_billion_parts_sends_no_billion_heads(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    etag = f"{MD5}-1000000000"
    server = await web_server(web.get("/bkt/k", _serving(etag=etag)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="claims 1000000000 parts"):
            await asyncio.wait_for(client.fget_object("bkt", "k", tmp_path / "f"), 10)
    # The one GET (its body checked against the ETag, refused), twice: no HEAD ?partNumber=.
    assert [(r.method, r.headers.get("Range")) for r in server.received] == [("GET", None)] * 2
    assert _files(tmp_path) == []


# -- bodies longer than announced ---------------------------------------------------------------


def _overlong(announced: int, sent: int, seen: list[int], directory: Path) -> Handler:
    """HEAD announces ``announced`` bytes; a GET (ranged or not) sends ``sent`` bytes chunked,
    noting after each chunk the size of every partial file in ``directory``. The download's
    first GET, chunked, tells no size: the HEAD is asked for it, and the body read again."""

    async def handle(request: web.Request) -> web.StreamResponse:
        headers = {"ETag": f'"{MD5}"'}
        if request.method == "HEAD":
            resp = web.StreamResponse(headers=headers)
            resp.content_length = announced
            await resp.prepare(request)
            return resp
        rng = request.headers.get("Range")
        status = 200
        if rng is not None:
            first, _, last = rng.removeprefix("bytes=").partition("-")
            headers["Content-Range"] = f"bytes {first}-{last}/{announced}"
            status = 206
        resp = web.StreamResponse(status=status, headers=headers)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            for _ in range(0, sent, 64 * 1024):
                await resp.write(b"x" * 64 * 1024)
                await asyncio.sleep(0)
                seen.extend(p.stat().st_size for p in directory.glob("*.part"))
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading: what is wanted
        return resp

    return handle


@pytest.mark.parametrize(
    ("announced", "kwargs"),
    [(10, {"concurrency": 1}), (3 * MiB, {"concurrency": 2, "part_size": MiB})],
    ids=["single-stream", "ranged"],
)
async def test_a_body_longer_than_announced_is_never_written(
    web_server: StartWebServer, tmp_path: Path, announced: int, kwargs: dict[str, int]
) -> None:
    seen: list[int] = []
    told: list[tuple[int, int | None]] = []
    folder = tmp_path / "d"
    folder.mkdir()
    server = await web_server(web.get("/bkt/k", _overlong(announced, 8 * MiB, seen, folder)))
    async with _client(server) as client:
        with pytest.raises(aiominio.InvalidResponseError, match=r"more than its|runs past"):
            await client.fget_object(
                "bkt",
                "k",
                folder / "f",
                progress=lambda done, total: told.append((done, total)),
                **kwargs,  # type: ignore[arg-type]
            )
    assert all(done <= announced and total == announced for done, total in told), told
    assert max(seen, default=0) <= announced
    assert _files(folder) == []


# -- files planted at the partial file's names --------------------------------------------------


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Another file of the user, which a planted link points at."""
    other = tmp_path / "elsewhere"
    other.mkdir()
    path = other / "victim"
    path.write_bytes(b"the victim's own data")
    return path


def _untouched(victim: Path) -> bool:
    return victim.read_bytes() == b"the victim's own data"


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
async def test_a_link_planted_at_the_partial_file_is_not_written_through(
    web_server: StartWebServer, tmp_path: Path, victim: Path, link: str
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    target = folder / "f"
    planted = Path(partial_path(str(target), MD5))
    if link == "symlink":
        planted.symlink_to(victim)
    else:
        os.link(victim, planted)
    server = await web_server(web.get("/bkt/k", _serving()))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target)
    assert target.read_bytes() == BODY
    assert _untouched(victim)
    assert not target.is_symlink()
    assert _files(folder) == sorted(["f", planted.name])  # the planted link, left alone
    assert planted.is_symlink() == (link == "symlink")


async def test_a_partial_file_of_another_user_is_not_resumed(
    web_server: StartWebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f"
    planted = Path(partial_path(str(target), MD5))
    planted.write_bytes(b"X" * 5000)  # would be resumed from byte 5,000 if it were ours
    uid = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: uid + 1)  # as if another user had made it
    server = await web_server(web.get("/bkt/k", _serving()))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target, verify=False)
    assert target.read_bytes() == BODY
    assert planted.read_bytes() == b"X" * 5000
    assert _gets(server) == [None]  # read whole from the first answer, into a fresh file


@pytest.mark.parametrize("name", ["record", "record-tmp"])
async def test_a_symlink_planted_at_the_record_is_not_followed(
    web_server: StartWebServer, tmp_path: Path, victim: Path, name: str
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    target = folder / "f"
    body = bytes(range(256)) * (3 * MiB // 256)
    etag = hashlib.md5(body).hexdigest()
    record = f"{partial_path(str(target), etag)}.ranges.json"
    if name == "record":
        # A record of the planter's making claims every range done: a file of zeros would do.
        identity = {"format": 1, "etag": etag, "size": len(body), "version_id": None}
        victim.write_text(json.dumps({**identity, "part_size": MiB, "done": [0, 1, 2]}))
        Path(record).symlink_to(victim)
    else:
        Path(f"{record}.tmp").symlink_to(victim)  # the old temporary name of a record
    before = victim.read_bytes()
    server = await web_server(web.get("/bkt/k", _serving(body, etag)))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target, verify=False, concurrency=2, part_size=MiB)
    assert target.read_bytes() == body
    assert victim.read_bytes() == before


async def test_a_symlink_at_the_destination_is_replaced_not_written_through(
    web_server: StartWebServer, tmp_path: Path, victim: Path
) -> None:
    target = tmp_path / "f"
    target.symlink_to(victim)
    server = await web_server(web.get("/bkt/k", _serving()))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target)
    assert not target.is_symlink()
    assert target.read_bytes() == BODY
    assert _untouched(victim)


# -- modes --------------------------------------------------------------------------------------


async def test_modes_private_while_partial_then_those_of_a_new_file(
    web_server: StartWebServer, tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o027)
    target = tmp_path / "f"
    modes: list[int] = []

    def progress(done: int, total: int | None) -> None:
        modes.extend(stat.S_IMODE(p.stat().st_mode) for p in tmp_path.glob("*.part"))

    server = await web_server(web.get("/bkt/k", _serving()))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target, progress=progress)
    assert modes and set(modes) == {0o600}
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # 0o666 less the umask


async def test_a_replaced_file_keeps_its_mode(
    web_server: StartWebServer, tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o022)
    target = tmp_path / "f"
    target.write_bytes(b"old secret")
    target.chmod(0o600)
    server = await web_server(web.get("/bkt/k", _serving()))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target)
    assert target.read_bytes() == BODY
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_a_partial_file_of_ours_is_still_resumed(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    target = tmp_path / "f"
    part = Path(partial_path(str(target), MD5))
    part.write_bytes(BODY[:4000])
    part.chmod(0o644)  # as an older version left it
    server = await web_server(web.get("/bkt/k", _serving()))
    async with _client(server) as client:
        await client.fget_object("bkt", "k", target, concurrency=1)
    assert target.read_bytes() == BODY
    # The first GET describes the object and is let go; the body comes from where the file ends.
    assert _gets(server) == [None, "bytes=4000-"]
    assert _files(tmp_path) == ["f"]

"""The directory engine (aiominio/transfer/directories.py, trees.py, coalesced.py) through
:class:`aiominio.testing.MockTransport`: an in-memory bucket answers, and the tests count what
was asked of it: the request budget shared by all files, failures recorded while the others go
on, hostile listings refused, bad input refused before any request, coalesced ranged GETs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import pytest

import aiominio
from aiominio import InvalidArgument, InvalidResponseError, S3Prefix, TreeProgress
from aiominio.testing import MockRequest, MockResponse, MockTransport

DATE = "Mon, 07 Dec 2026 10:00:00 GMT"


@dataclass
class FakeBucket:
    """One bucket, ``bkt``, in memory; PUTs wait a few loop turns so they overlap."""

    objects: dict[str, bytes] = field(default_factory=dict)
    listed: list[str] | None = None  # keys to list instead of the real ones (a hostile server)
    refuse: set[str] = field(default_factory=set)  # keys whose PUT is refused
    etags: list[str] | None = None  # ETags to answer GETs with, one per GET
    in_flight: int = 0
    most_in_flight: int = 0
    #: Hold every request until this many are in flight at once (at most 5 s): a test of the
    #: request budget then sees it filled, however the file reads in threads interleave.
    gate: int | None = None
    _gate_open: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, request: MockRequest) -> MockResponse:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                if self.in_flight >= self.gate:
                    self._gate_open.set()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._gate_open.wait(), 5)
            for _ in range(5):
                await asyncio.sleep(0)
            return self.answer(request)
        finally:
            self.in_flight -= 1

    def answer(self, request: MockRequest) -> MockResponse:
        path = unquote(urlsplit(request.url).path)
        key = path.split("/", 2)[2] if path.count("/") >= 2 else ""
        if request.method == "GET" and not key:
            return self.listing(request.query.get("prefix", ""))
        if request.method == "POST" and "delete" in request.query:
            for k in request.body.decode().split("<Key>")[1:]:
                self.objects.pop(k.split("</Key>")[0], None)
            return MockResponse(200, {}, b"<DeleteResult></DeleteResult>")
        if request.method == "PUT":
            if key in self.refuse:
                body = b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>"
                return MockResponse(403, {"Content-Type": "application/xml"}, body)
            self.objects[key] = request.body
            return MockResponse(200, {"ETag": f'"{md5(request.body)}"'})
        if key not in self.objects:
            body = b"<Error><Code>NoSuchKey</Code><Message>no</Message></Error>"
            return MockResponse(404, {"Content-Type": "application/xml"}, body)
        data = self.objects[key]
        etag = self.etags.pop(0) if self.etags else md5(data)
        headers = {"ETag": f'"{etag}"', "Last-Modified": DATE, "Content-Length": str(len(data))}
        if request.method == "HEAD":
            return MockResponse(200, headers)
        wanted = request.header("Range")
        if wanted is None:
            return MockResponse(200, headers, data)
        first, _, last = wanted.removeprefix("bytes=").partition("-")
        lo, hi = int(first), min(int(last), len(data) - 1)
        headers["Content-Range"] = f"bytes {lo}-{hi}/{len(data)}"
        headers["Content-Length"] = str(hi - lo + 1)
        return MockResponse(206, headers, data[lo : hi + 1])

    def listing(self, prefix: str) -> MockResponse:
        keys = self.listed if self.listed is not None else sorted(self.objects)
        contents = "".join(
            f"<Contents><Key>{escape(k)}</Key><Size>{len(self.objects.get(k, b''))}</Size>"
            f"<ETag>&quot;{md5(self.objects.get(k, b''))}&quot;</ETag>"
            "<LastModified>2026-12-07T10:00:00.000Z</LastModified></Contents>"
            for k in keys
            if self.listed is not None or k.startswith(prefix)
        )
        body = (
            f"<ListBucketResult><Name>bkt</Name><Prefix>{escape(prefix)}</Prefix>"
            f"<IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
        )
        return MockResponse(200, {"Content-Type": "application/xml"}, body.encode())


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def client_for(bucket: FakeBucket) -> tuple[aiominio.Client, MockTransport]:
    transport = MockTransport(bucket)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region="r",
        retry=aiominio.RetryPolicy(max_attempts=1),
        transport=transport,
    )
    return client, transport


def files(root: Path, count: int, size: int = 10) -> None:
    for n in range(count):
        (root / f"d{n % 3}").mkdir(parents=True, exist_ok=True)
        (root / f"d{n % 3}" / f"f{n}.bin").write_bytes(bytes([n]) * size)


async def test_all_files_share_one_request_budget(tmp_path: Path) -> None:
    files(tmp_path, 12)
    bucket = FakeBucket(gate=3)
    client, transport = client_for(bucket)
    async with client:
        result = await client.upload_dir("bkt", "up", tmp_path, concurrency=3)
    assert len(result.uploaded) == 12 and result.ok
    assert len(transport.requests) == 12
    assert bucket.most_in_flight == 3  # in parallel, and never more than the budget
    assert bucket.objects["up/d1/f4.bin"] == bytes([4]) * 10


async def test_a_failed_file_is_recorded_the_others_go_on_and_progress_adds_up(
    tmp_path: Path,
) -> None:
    files(tmp_path, 5)
    bucket = FakeBucket(refuse={"up/d1/f1.bin"})
    client, _ = client_for(bucket)
    seen: list[TreeProgress] = []

    async def progress(p: TreeProgress) -> None:  # a coroutine function is awaited
        seen.append(p)

    async with client:
        result = await client.upload_dir("bkt", "up", tmp_path, progress=progress)
    assert [f.item.relative for f in result.failed] == ["d1/f1.bin"]
    assert isinstance(result.failed[0].error, aiominio.AccessDenied)
    assert len(result.uploaded) == 4 and not result.ok
    assert all((p.files_total, p.bytes_total) == (5, 50) for p in seen)
    last = seen[-1]
    assert (last.files_done, last.files_failed, last.bytes_done) == (4, 1, 40)
    assert [p.error for p in seen if p.finished and p.error is not None] == [result.failed[0].error]


async def test_a_progress_callback_that_raises_stops_the_transfer(tmp_path: Path) -> None:
    files(tmp_path, 6)
    client, transport = client_for(FakeBucket())

    def progress(p: TreeProgress) -> None:
        raise ValueError("stop")

    async with client:
        with pytest.raises(ValueError, match="stop"):
            await client.upload_dir("bkt", "up", tmp_path, progress=progress, concurrency=1)
    assert len(transport.requests) == 1


async def test_keys_that_name_no_safe_local_path_are_refused_not_written(tmp_path: Path) -> None:
    bucket = FakeBucket(
        {"p/ok": b"ok", "p/../escape": b"x", "p//abs": b"x", "p/a/./b": b"x", "p/dir/": b""}
    )
    client, transport = client_for(bucket)
    down = tmp_path / "down"
    async with client:
        result = await client.download_dir("bkt", "p", down)
    assert [i.relative for i in result.downloaded] == ["ok"]
    assert sorted(f.item.relative for f in result.failed) == ["../escape", "/abs", "a/./b"]
    assert all(isinstance(f.error, InvalidArgument) for f in result.failed)
    assert all("not a safe local path" in str(f.error) for f in result.failed)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["down", "ok"]
    # one listing, then a GET of the one safe key: nothing asked of the others
    asked = [(r.method, unquote(r.path)) for r in transport.requests]
    assert asked == [("GET", "/bkt"), ("GET", "/bkt/p/ok")]


async def test_a_listing_outside_the_prefix_fails_before_any_write(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    bucket = FakeBucket({"p/a": b"a", "other/precious": b"x"}, listed=["p/a", "other/precious"])
    client, transport = client_for(bucket)
    async with client:
        with pytest.raises(InvalidResponseError, match="'other/precious' is not under 'p/'"):
            await client.sync(tmp_path / "src", S3Prefix("bkt", "p"), delete=True)
        with pytest.raises(InvalidResponseError):
            await client.download_dir("bkt", "p/", tmp_path / "down")
    assert {r.method for r in transport.requests} == {"GET"}
    assert bucket.objects.keys() == {"p/a", "other/precious"}
    assert not (tmp_path / "down").exists()


async def test_a_dry_run_only_lists(tmp_path: Path) -> None:
    files(tmp_path / "src", 3)
    bucket = FakeBucket({"m/extra": b"x"})
    client, transport = client_for(bucket)
    async with client:
        result = await client.sync(tmp_path / "src", "s3://bkt/m", delete=True, dry_run=True)
    assert result.dry_run and len(result.uploaded) == 3
    assert [i.destination for i in result.deleted] == ["m/extra"]
    assert [r.method for r in transport.requests] == ["GET"]
    assert bucket.objects == {"m/extra": b"x"}


async def test_bad_input_is_refused_before_any_request(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    client, transport = client_for(FakeBucket())
    async with client:
        with pytest.raises(InvalidArgument, match="not a directory"):
            await client.upload_dir("bkt", "p", tmp_path / "missing")
        with pytest.raises(InvalidArgument, match="not a directory"):
            await client.download_dir("bkt", "p", tmp_path / "file")
        with pytest.raises(InvalidArgument, match="one of source and destination"):
            await client.sync(tmp_path, tmp_path / "other")
        with pytest.raises(InvalidArgument, match="compare"):
            await client.sync(tmp_path, "s3://bkt/p", compare="md5")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="concurrency"):
            await client.upload_dir("bkt", "p", tmp_path, concurrency=0)
        with pytest.raises(InvalidArgument, match="unclosed"):
            await client.upload_dir("bkt", "p", tmp_path, include="[a")
        with pytest.raises(TypeError, match="progress"):
            await client.upload_dir("bkt", "p", tmp_path, progress=3)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await client.upload_dir("bkt", "p", 3)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument):
            await client.upload_dir("Bad_Bucket", "p", tmp_path)
        with pytest.raises(TypeError):
            await client.get_ranges("bkt", "k", [(0, "9")])  # type: ignore[list-item]
        with pytest.raises(InvalidArgument):
            await client.get_ranges("bkt", "k", [(9, 0)])
        with pytest.raises(InvalidArgument, match="max_span"):
            await client.get_ranges("bkt", "k", [(0, 9)], max_span=1)
    assert transport.requests == []


async def test_get_ranges_asks_one_get_per_merged_span(tmp_path: Path) -> None:
    data = os.urandom(10_000)
    bucket = FakeBucket({"k": data})
    client, transport = client_for(bucket)
    ranges = [(9_000, 9_100), (0, 10), (20, 30), (5_000, 5_001), (25, 40), (7, 7)]
    async with client:
        got = await client.get_ranges("bkt", "k", ranges, coalesce=100, max_span=2048)
        assert got == [data[s:e] for s, e in ranges]
        asked = sorted(r.header("Range") or "" for r in transport.requests)
        assert asked == ["bytes=0-39", "bytes=5000-5000", "bytes=9000-9099"]
        assert await client.get_ranges("bkt", "k", [(3, 3)]) == [b""]
        assert len(transport.requests) == 3
        # one span longer than max_span: several GETs, at once
        got = await client.get_ranges("bkt", "k", [(0, 10_000)], max_span=4096)
        assert got == [data] and len(transport.requests) == 6


async def test_get_ranges_refuses_answers_of_two_versions() -> None:
    bucket = FakeBucket({"k": b"x" * 5000}, etags=["a" * 32, "b" * 32])
    client, _ = client_for(bucket)
    async with client:
        with pytest.raises(InvalidResponseError, match="changed while its ranges were read"):
            await client.get_ranges("bkt", "k", [(0, 10), (4000, 4010)], coalesce=0)

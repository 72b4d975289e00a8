"""Operation functions against a fake requester: what they send and how they read the answers,
with no server and no network."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, cast

import pytest

import aiominio
from aiominio.core import planning
from aiominio.ops import buckets, listing, objects
from aiominio.requester import Request, Requester
from aiominio.transfer import files, ranged, uploads
from aiominio.transfer.sources import make_source
from aiominio.transport import Response

MiB = 1 << 20


class FakeRequester:
    """Records each request sent (as the keywords of ``execute``) and answers with a canned
    200; subclasses answer otherwise by overriding ``execute``."""

    def __init__(self, *, region: str | None = None, body: bytes = b"") -> None:
        self.region = region
        self.body = body
        self.calls: list[dict[str, Any]] = []
        self.regions: dict[str, str] = {}

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
        return Response(200, {}, self.body)

    async def send(self, request: Request, **options: Any) -> Response:
        fields = {
            f.name: getattr(request, f.name)
            for f in dataclasses.fields(request)
            if f.name not in ("method", "bucket", "key")
        }
        return await self.execute(request.method, request.bucket, request.key, **fields, **options)

    def remember_region(self, bucket: str, region: str) -> None:
        self.regions[bucket] = region

    def forget_region(self, bucket: str) -> None:
        self.regions.pop(bucket, None)

    def operation(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # no deadline

    def on_close(self, cleanup: object) -> Callable[[], None]:
        return lambda: None  # never closed


def as_requester(fake: FakeRequester) -> Requester:
    return cast(Requester, fake)


async def test_make_bucket_outside_us_east_1_sends_its_location_and_caches_it() -> None:
    fake = FakeRequester()
    await buckets.make_bucket(as_requester(fake), "photos", region="eu-west-1")
    (call,) = fake.calls
    assert (call["method"], call["bucket"], call["region"]) == ("PUT", "photos", "eu-west-1")
    assert b"<LocationConstraint>eu-west-1</LocationConstraint>" in call["body"]
    assert fake.regions == {"photos": "eu-west-1"}


async def test_remove_objects_deletes_in_batches_of_a_thousand() -> None:
    fake = FakeRequester(body=b"<DeleteResult></DeleteResult>")
    keys = [f"k{i}" for i in range(2500)]
    assert await objects.remove_objects(as_requester(fake), "b", keys=keys) == []
    bodies = [c["body"] for c in fake.calls]
    assert [b.count(b"<Object>") for b in bodies] == [1000, 1000, 500]
    headers: list[Mapping[str, str]] = [c["headers"] for c in fake.calls]
    assert all("Content-MD5" in h for h in headers)


class VanishingUploadRequester(FakeRequester):
    """Lists two incomplete uploads; the first is completed before its parts are asked for."""

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
        query = dict(kwargs.get("query", ()))
        if "uploads" in query:
            uploads = "".join(
                f"<Upload><Key>{k}</Key><UploadId>{k}-id</UploadId>"
                "<Initiated>2026-11-25T00:00:00.000Z</Initiated></Upload>"
                for k in ("gone", "kept")
            )
            return Response(
                200,
                {},
                f"<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>{uploads}"
                "</ListMultipartUploadsResult>".encode(),
            )
        if query.get("uploadId") == "gone-id":
            raise aiominio.NoSuchUpload("NoSuchUpload", "The upload does not exist.", status=404)
        return Response(
            200,
            {},
            b"<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
            b'<ETag>"e"</ETag><Size>7</Size></Part></ListPartsResult>',
        )


async def test_an_upload_finished_while_listing_is_skipped_not_an_error() -> None:
    fake = VanishingUploadRequester()
    found = [
        u async for u in listing.list_uploads(as_requester(fake), "b", prefix="", recursive=True)
    ]
    assert [(u.key, u.size) for u in found] == [("kept", 7)]
    assert [c["key"] for c in fake.calls] == [None, "gone", "kept"]


class MultipartRequester(FakeRequester):
    """Starts an upload, takes every part, and aborts on request."""

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
        if method == "POST":
            return Response(
                200,
                {},
                b"<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>",
            )
        return Response(200, {"etag": '"0123456789abcdef0123456789abcdef"'}, b"")

    def refused(self, what: str) -> bool:
        return True  # no FULL_OBJECT checksum asked for: one request less to fake

    def remember_refused(self, what: str) -> None:
        pass


async def test_an_endless_stream_stops_at_the_10000th_part_and_is_aborted() -> None:
    # What /dev/zero gives fput_object; a 1-byte part size keeps the 10,000 parts small.
    fed = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal fed
        while True:
            fed += 4096
            yield bytes(4096)

    fake = MultipartRequester()
    with pytest.raises(aiominio.InvalidArgument, match="more than 10,000 parts"):
        await uploads.put_object(
            as_requester(fake),
            "b",
            "k",
            source=make_source(endless(), None),
            headers={},
            part_size=1,
            concurrency=4,
            threshold=0,
            integrity="crc32",
        )
    methods = [c["method"] for c in fake.calls]
    assert methods.count("PUT") == 10_000
    assert methods[-1] == "DELETE"  # aborted: nothing is left behind
    assert "POST" not in methods[1:]  # never completed
    # 10,000 parts growing from 1 to 512 bytes; the stream is read no further than that.
    assert fed < 1000 * (1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512) + 2 * 4096


class ResumingRequester(MultipartRequester):
    """Lists one incomplete upload of ``k`` whose part 1 the server says is 1 TB."""

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        query = dict(kwargs.get("query", ()))
        if method == "GET" and "uploads" in query:
            self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
            return Response(
                200,
                {},
                b"<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>"
                b"<Key>k</Key><UploadId>u</UploadId></Upload></ListMultipartUploadsResult>",
            )
        if method == "GET" and "uploadId" in query:
            self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
            return Response(
                200,
                {},
                b"<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
                b'<ETag>"e"</ETag><Size>1000000000000</Size></Part></ListPartsResult>',
            )
        if method == "POST" and "uploadId" in query:
            self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
            return Response(
                200,
                {},
                b"<CompleteMultipartUploadResult><ETag>x-2</ETag></CompleteMultipartUploadResult>",
            )
        return await super().execute(method, bucket, key, **kwargs)


async def test_a_resumed_upload_takes_no_part_size_no_part_can_have(tmp_path: Path) -> None:
    # A part size from ListParts is kept only when it could be this file's (at most the file,
    # at most 5 GiB): else a server's number would size the buffers of every part.
    path = tmp_path / "f"
    path.write_bytes(bytes(17 * MiB))
    fake = ResumingRequester()
    await files.upload_file(
        as_requester(fake),
        "b",
        "k",
        path=str(path),
        headers={},
        part_size=None,
        concurrency=2,
        threshold=5 * MiB,
        integrity="crc32",
    )
    # Parts run concurrently: order them by number, not by when their request went out.
    sizes = {
        dict(c["query"])["partNumber"]: len(c["body"]) for c in fake.calls if c["method"] == "PUT"
    }
    assert sizes == {"1": 16 * MiB, "2": 1 * MiB}  # the planned part size


async def test_a_stream_past_the_largest_object_stops_there_and_is_aborted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Parts grow, so a stream reaches 5 TiB well before its 10,000th part; stand-in sizes.
    monkeypatch.setattr(planning, "MAX_OBJECT_SIZE", 40_000)

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield bytes(4096)

    fake = MultipartRequester()
    with pytest.raises(aiominio.InvalidArgument, match="past 5 TiB"):
        await uploads.put_object(
            as_requester(fake),
            "b",
            "k",
            source=make_source(endless(), None),
            headers={},
            part_size=1000,
            concurrency=4,
            threshold=0,
            integrity="crc32",
        )
    methods = [c["method"] for c in fake.calls]
    assert methods.count("PUT") <= 40
    assert methods[-1] == "DELETE"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
async def test_a_fifo_planted_at_the_ranges_record_is_not_read(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: a planted one would hold a thread for
    ever. It is opened without waiting, and is no record."""
    record = tmp_path / "x.part.ranges.json"
    os.mkfifo(record)
    loaded = await asyncio.wait_for(asyncio.to_thread(ranged.load_record, str(record)), 10)
    assert loaded is ranged.UNUSABLE

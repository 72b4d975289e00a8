"""Operation functions against a fake requester: what they send and how they read the answers,
with no server and no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import aiominio
from aiominio.ops import buckets, listing, objects
from aiominio.requester import Requester
from aiominio.transport import Response


class FakeRequester:
    """Records each ``execute`` call and answers with a canned 200."""

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

    def remember_region(self, bucket: str, region: str) -> None:
        self.regions[bucket] = region

    def forget_region(self, bucket: str) -> None:
        self.regions.pop(bucket, None)


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

"""Listing operations against a fake requester: how pages of answers are read."""

from __future__ import annotations

from typing import Any

import aiominio
from aiominio.ops import listing
from aiominio.transport import Response
from tests.unit.fakes import FakeRequester, as_requester


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

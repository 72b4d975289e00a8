"""A fake requester for testing operation functions with no server and no network: it records
each request and answers with a canned 200; subclasses answer the requests of one scenario."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, cast

from aiominio.request import Request
from aiominio.requester import Requester
from aiominio.transport import Response


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
            name: value
            for name, value in request._asdict().items()
            if name not in ("method", "bucket", "key")
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

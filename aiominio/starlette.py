"""Objects served from Starlette and FastAPI apps: :class:`ObjectResponse` streams an opened
:class:`~aiominio.ObjectReader` with the object's headers and closes the reader however the
response ends (sent in full, the client gone, an error).

Needs Starlette, which FastAPI brings (``pip install 'aiominio[starlette]'`` names it); the rest
of aiominio never imports it. Open the object first, so that a missing key is a 404 before any
status is sent, then hand the reader over::

    from aiominio.starlette import ObjectResponse

    @app.get("/objects/{key:path}")
    async def download(key: str, request: Request) -> ObjectResponse:
        try:
            obj = await request.state.client.get_object(BUCKET, key)
        except aiominio.NoSuchKey:
            raise HTTPException(404, f"no object {key!r}") from None
        return ObjectResponse(obj)

See ``docs/guides/web.md`` for why a response class, not a generator with ``finally`` or a
``BackgroundTask``, is what releases the S3 connection in every case.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

from aiominio.core.headers import format_http_date
from aiominio.transfer.reader import ObjectReader

try:
    from starlette.background import BackgroundTask
    from starlette.responses import StreamingResponse
    from starlette.types import Receive, Scope, Send
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installation
    if (exc.name or "").split(".")[0] != "starlette":
        raise
    raise ImportError(
        "aiominio.starlette needs Starlette (FastAPI brings it): "
        "pip install 'aiominio[starlette]' (or pip install starlette)"
    ) from None

__all__ = ["ObjectResponse", "object_headers"]


def object_headers(reader: ObjectReader) -> dict[str, str]:
    """The headers a download of the object answers with, as S3 would serve them: its
    Content-Type, Content-Length (of this answer), ETag, Last-Modified, and what was stored with
    it (Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires).
    Names are lower-case."""
    stat = reader.stat
    headers = {"content-type": stat.content_type, "etag": f'"{stat.etag}"'}
    if reader.content_length is not None:
        headers["content-length"] = str(reader.content_length)
    if stat.last_modified is not None:
        headers["last-modified"] = format_http_date(stat.last_modified)
    # The stored bytes are sent as they are: a gzip-encoded object stays gzip-encoded.
    for name, value in (
        ("content-encoding", stat.content_encoding),
        ("content-disposition", stat.content_disposition),
        ("content-language", stat.content_language),
        ("cache-control", stat.cache_control),
        ("expires", format_http_date(stat.expires) if stat.expires is not None else None),
    ):
        if value:
            headers[name] = value
    return headers


async def _chunks(reader: ObjectReader) -> AsyncIterator[bytes]:
    """The body, giving the event loop a turn after each chunk: chunks that are already there
    come without one, and Starlette learns that the client went away from another task, which
    would otherwise wait until the whole object was read from S3 for nothing."""
    async for chunk in reader:
        yield chunk
        await asyncio.sleep(0)


class ObjectResponse(StreamingResponse):
    """A streaming response of an opened object reader (``await client.get_object(...)`` or
    ``await client.get_partial_object(...)``), with the object's headers
    (:func:`object_headers`). The reader is closed, and its connection released, however the
    response ends: sent in full, the client gone mid-body, or an error.

    Args:
        reader: the opened reader; the response owns it from now on.
        status_code: the status (``206`` with your own ``Content-Range`` for a range).
        headers: headers to add or to use instead of the object's (names in any case):
            ``{"Content-Disposition": 'attachment; filename="cat.jpg"'}``.
        background: a task to run after the response was sent, as Starlette's own.
    """

    def __init__(
        self,
        reader: ObjectReader,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        merged = object_headers(reader)
        for name, value in (headers or {}).items():
            merged[name.lower()] = value
        # The Content-Type goes in the headers, not as media_type, which Starlette would give
        # a "; charset=utf-8" that a text object's bytes may not be in.
        super().__init__(
            _chunks(reader), status_code=status_code, headers=merged, background=background
        )
        self.reader = reader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.reader.close()

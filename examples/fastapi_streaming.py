"""Stream objects to and from web clients with FastAPI (needs ``fastapi`` and ``uvicorn``).

``GET /objects/{key}`` streams an object to the browser with its Content-Length, Content-Type
and ETag; a missing key is a 404, because the object is opened (``await client.get_object``)
before the response is returned, so its status is known before any reply starts.
``PUT /objects/{key}`` streams the request body into the store without buffering it: the
length need not be known (chunked uploads), larger bodies go up in parts.

The client is created when the app starts (its lifespan) and closed when it stops::

    AIOMINIO_ENDPOINT=... AIOMINIO_ACCESS_KEY=... AIOMINIO_SECRET_KEY=... \\
        python examples/fastapi_streaming.py   # serves http://127.0.0.1:8000/objects/<key>
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

import aiominio


async def _chunks(obj: aiominio.ObjectReader) -> AsyncIterator[bytes]:
    """The body, giving the event loop a turn after each chunk: chunks that are already there
    come without one, and Starlette learns that the client went away from another task, which
    would otherwise wait until the whole object was read from S3 for nothing."""
    async for chunk in obj:
        yield chunk
        await asyncio.sleep(0)


class ObjectResponse(StreamingResponse):
    """The body of an opened object reader, with its headers. The reader's connection is
    released however the response ends: sent in full, the client gone, or an error."""

    def __init__(self, obj: aiominio.ObjectReader) -> None:
        headers = {"ETag": f'"{obj.stat.etag}"'}
        if obj.content_length is not None:
            headers["Content-Length"] = str(obj.content_length)
        if obj.stat.content_encoding:  # the stored bytes are sent as they are (say, gzip)
            headers["Content-Encoding"] = obj.stat.content_encoding
        super().__init__(_chunks(obj), headers=headers, media_type=obj.stat.content_type)
        self.obj = obj

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.obj.close()


def create_app(make_client: Callable[[], aiominio.Client], bucket: str) -> FastAPI:
    """The app, serving ``bucket`` through a client that ``make_client`` creates at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, aiominio.Client]]:
        async with make_client() as client:
            yield {"client": client}  # each request sees it as request.state.client

    app = FastAPI(lifespan=lifespan)

    @app.get("/objects/{key:path}")
    async def download(key: str, request: Request) -> StreamingResponse:
        client: aiominio.Client = request.state.client
        try:
            obj = await client.get_object(bucket, key)  # the status is known here
        except aiominio.NoSuchKey:
            raise HTTPException(404, f"no object {key!r}") from None
        return ObjectResponse(obj)

    @app.put("/objects/{key:path}")
    async def upload(key: str, request: Request) -> dict[str, str]:
        client: aiominio.Client = request.state.client
        result = await client.put_object(
            bucket,
            key,
            request.stream(),  # an async iterable of bytes, of unknown length
            content_type=request.headers.get("content-type", "application/octet-stream"),
        )
        return {"key": key, "etag": result.etag}

    return app


if __name__ == "__main__":
    import uvicorn
    from _connect import BUCKET, client

    port = int(os.environ.get("AIOMINIO_WEB_PORT", "8000"))
    uvicorn.run(create_app(client, BUCKET), host="127.0.0.1", port=port)

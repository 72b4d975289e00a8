"""Stream objects to and from web clients with FastAPI (needs ``fastapi`` and ``uvicorn``).

``GET /objects/{key}`` streams an object to the browser with its Content-Length, Content-Type
and ETag (:class:`aiominio.starlette.ObjectResponse`, which closes the reader however the
response ends); a missing key is a 404, because the object is opened
(``await client.get_object``) before the response is returned, so its status is known before
any reply starts.
``PUT /objects/{key}`` streams the request body into the store without buffering it: the
length need not be known (chunked uploads), larger bodies go up in parts.

The client is created when the app starts (its lifespan) and closed when it stops::

    AWS_ENDPOINT_URL=... AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \\
        python examples/fastapi_streaming.py   # serves http://127.0.0.1:8000/objects/<key>
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request

import aiominio
from aiominio.starlette import ObjectResponse


def create_app(make_client: Callable[[], aiominio.Client], bucket: str) -> FastAPI:
    """The app, serving ``bucket`` through a client that ``make_client`` creates at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, aiominio.Client]]:
        async with make_client() as client:
            yield {"client": client}  # each request sees it as request.state.client

    app = FastAPI(lifespan=lifespan)

    @app.get("/objects/{key:path}")
    async def download(key: str, request: Request) -> ObjectResponse:
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

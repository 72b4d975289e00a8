"""Stream objects to and from web clients with aiohttp.web.

``GET /objects/{key}`` streams an object to the client with its Content-Length, Content-Type
and ETag; a missing key is a 404, raised when the object is opened, before the response is
prepared. A client that goes away mid-body makes ``resp.write`` raise; leaving the ``async with``
block then releases the S3 connection, so nothing leaks. ``PUT /objects/{key}`` streams the
request body into the store without buffering it (its length need not be known).

The client is created when the app starts (a cleanup context) and closed when it stops::

    AWS_ENDPOINT_URL=... AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \\
        python examples/aiohttp_web_streaming.py   # serves http://127.0.0.1:8080/objects/<key>
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable

from aiohttp import web

import aiominio

CLIENT = web.AppKey("client", aiominio.Client)
BUCKET = web.AppKey("bucket", str)


async def download(request: web.Request) -> web.StreamResponse:
    client, key = request.app[CLIENT], request.match_info["key"]
    try:
        # The handler lives as long as its response, so 'async with' can own the connection.
        async with client.get_object(request.app[BUCKET], key) as obj:
            resp = web.StreamResponse(headers={"ETag": f'"{obj.stat.etag}"'})
            resp.content_type = obj.stat.content_type
            if obj.content_length is not None:
                resp.content_length = obj.content_length
            await resp.prepare(request)
            async for chunk in obj:
                await resp.write(chunk)  # raises if the client went away
            await resp.write_eof()
            return resp
    except aiominio.NoSuchKey:
        raise web.HTTPNotFound(text=f"no object {key!r}") from None


async def upload(request: web.Request) -> web.Response:
    client, key = request.app[CLIENT], request.match_info["key"]
    result = await client.put_object(
        request.app[BUCKET],
        key,
        request.content.iter_chunked(1 << 16),  # of unknown length
        content_type=request.content_type,
    )
    return web.json_response({"key": key, "etag": result.etag})


def create_app(make_client: Callable[[], aiominio.Client], bucket: str) -> web.Application:
    """The app, serving ``bucket`` through a client that ``make_client`` creates at startup."""
    app = web.Application()
    app[BUCKET] = bucket

    async def client_context(app: web.Application) -> AsyncIterator[None]:
        async with make_client() as client:
            app[CLIENT] = client
            yield

    app.cleanup_ctx.append(client_context)
    app.router.add_get("/objects/{key:.+}", download)
    app.router.add_put("/objects/{key:.+}", upload)
    return app


if __name__ == "__main__":
    from _connect import BUCKET as bucket_name
    from _connect import client

    port = int(os.environ.get("AIOMINIO_WEB_PORT", "8080"))
    web.run_app(create_app(client, bucket_name), host="127.0.0.1", port=port)

"""A small aiohttp web app that hands the browser a presigned POST form.

The browser uploads straight to the object store; the app never sees the file::

    AWS_ENDPOINT_URL=... AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \\
        python examples/post_form_server.py   # then open http://127.0.0.1:8080/
"""

from __future__ import annotations

import html
import secrets
from datetime import datetime, timedelta, timezone

from aiohttp import web

import aiominio

CLIENT = web.AppKey("client", aiominio.Client)
BUCKET = web.AppKey("bucket", str)


async def upload_page(request: web.Request) -> web.Response:
    client = request.app[CLIENT]
    policy = client.new_post_policy()
    policy.set_bucket(request.app[BUCKET])
    policy.set_key(f"uploads/{secrets.token_hex(8)}")
    policy.set_expires(datetime.now(timezone.utc) + timedelta(minutes=15))
    policy.set_content_length_range(1, 10 * 1024 * 1024)
    policy.set_success_action_status(201)
    url, fields = await client.presigned_post_policy(policy)
    inputs = "\n".join(
        f'    <input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    page = f"""<!doctype html>
<html><body>
  <form action="{html.escape(url)}" method="post" enctype="multipart/form-data">
{inputs}
    <input type="file" name="file">
    <button type="submit">Upload</button>
  </form>
</body></html>"""
    return web.Response(text=page, content_type="text/html")


def make_app(client: aiominio.Client, bucket: str) -> web.Application:
    app = web.Application()
    app[CLIENT] = client
    app[BUCKET] = bucket
    app.router.add_get("/", upload_page)
    return app


async def _app_from_env() -> web.Application:
    from _connect import BUCKET as bucket_name
    from _connect import client

    c = client()
    app = make_app(c, bucket_name)

    async def close(_: web.Application) -> None:
        await c.close()

    app.on_cleanup.append(close)
    return app


if __name__ == "__main__":
    web.run_app(_app_from_env(), host="127.0.0.1", port=8080)

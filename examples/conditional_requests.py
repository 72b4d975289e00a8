"""Conditional requests: create only if absent, replace only an ETag you know, read only
if changed."""

import asyncio

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    async with client() as c:
        put = await c.put_object(BUCKET, "config.json", b'{"v": 1}', if_none_match="*")
        print(f"Created config.json (etag={put.etag})")
        try:
            await c.put_object(BUCKET, "config.json", b'{"v": 0}', if_none_match="*")
        except aiominio.PreconditionFailed:
            print("config.json exists already: not overwritten")
        put = await c.put_object(BUCKET, "config.json", b'{"v": 2}', if_match=put.etag)
        print(f"Replaced the version we had read (etag={put.etag})")
        try:
            async with c.get_object(BUCKET, "config.json", if_none_match=put.etag) as obj:
                print(await obj.read())
        except aiominio.NotModified:
            print("config.json is not modified since we wrote it")
        await c.copy_object(BUCKET, "config.bak", BUCKET, "config.json", source_if_match=put.etag)
        print("Copied config.json to config.bak while it still had that ETag")


asyncio.run(main())

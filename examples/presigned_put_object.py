"""presignedPutObject: a URL anyone can upload one object with, for a limited time."""

import asyncio

import aiohttp
from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        url = await c.presigned_put_object(BUCKET, "uploaded-by-url.txt", 24 * 60 * 60)
        print(url)
        async with aiohttp.ClientSession() as http, http.put(url, data=b"hello") as resp:
            print(f"PUT with plain aiohttp: HTTP {resp.status}")
        stat = await c.stat_object(BUCKET, "uploaded-by-url.txt")
        print(f"stored {stat.size} bytes")

        # Standard headers are signed into the URL: the uploader must send them as given.
        url = await c.presigned_put_object(
            BUCKET, "uploaded-by-url.txt", 3600, cache_control="no-cache", content_language="en"
        )
        headers = {"Cache-Control": "no-cache", "Content-Language": "en"}
        async with aiohttp.ClientSession() as http, http.put(url, data=b"hi", headers=headers) as r:
            print(f"PUT with its signed headers: HTTP {r.status}")
        stat = await c.stat_object(BUCKET, "uploaded-by-url.txt")
        print(f"cache_control={stat.cache_control!r} content_language={stat.content_language!r}")


asyncio.run(main())

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


asyncio.run(main())

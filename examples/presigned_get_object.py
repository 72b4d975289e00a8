"""presignedGetObject: a URL anyone can download the object with, for a limited time."""

import asyncio
from datetime import timedelta

import aiohttp
from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.put_object(BUCKET, "photo.jpg", b"not really a jpeg", content_type="image/jpeg")
        url = await c.presigned_get_object(
            BUCKET,
            "photo.jpg",
            timedelta(days=1),
            response_headers={"response-content-disposition": "attachment; filename=photo.jpg"},
        )
        print(url)
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            print(f"GET with plain aiohttp: HTTP {resp.status}, {len(await resp.read())} bytes")


asyncio.run(main())

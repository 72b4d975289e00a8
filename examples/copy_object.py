"""copyObject: a server-side copy (beyond the reference)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        result = await c.copy_object(BUCKET, "photo-copy.jpg", BUCKET, "photo.jpg")
        print(f"copied photo.jpg to photo-copy.jpg: etag={result.etag}")


asyncio.run(main())

"""statObject: size, ETag, content type, modification time and user metadata."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        stat = await c.stat_object(BUCKET, "photo.jpg")
        print(f"size={stat.size} etag={stat.etag} type={stat.content_type}")
        print(f"last_modified={stat.last_modified} metadata={stat.metadata}")


asyncio.run(main())

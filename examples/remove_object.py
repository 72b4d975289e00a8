"""removeObject: remove one object."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.remove_object(BUCKET, "photo.jpg")
        print("Removed the object photo.jpg")


asyncio.run(main())

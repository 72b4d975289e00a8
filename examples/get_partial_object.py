"""getPartialObject: download a byte range of an object."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        size = 0
        # reads 30 bytes from the offset 10.
        async with c.get_partial_object(BUCKET, "photo.jpg", 10, 30) as obj:
            async for chunk in obj:
                size += len(chunk)
        print(f"End. Total size = {size}")


asyncio.run(main())

"""getObject: download an object as a stream of chunks."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        size = 0
        async with c.get_object(BUCKET, "photo.jpg") as obj:
            async for chunk in obj:
                size += len(chunk)
        print(f"End. Total size = {size}")


asyncio.run(main())

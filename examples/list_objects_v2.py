"""listObjectsV2: the same listing with the V2 API (continuation tokens)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        async for obj in c.list_objects_v2(BUCKET, "", recursive=True):
            print(f"{obj.key}  {obj.size} bytes")


asyncio.run(main())

"""removeObjects: remove many objects, 1,000 per request (beyond the reference)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        keys = [obj.key async for obj in c.list_objects(BUCKET, recursive=True)]
        errors = await c.remove_objects(BUCKET, keys)
        print(f"Removed {len(keys) - len(errors)} objects; errors: {errors}")


asyncio.run(main())

"""removeObjectTagging: remove every tag of an object."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.delete_object_tags(BUCKET, "report.txt")
        print(f"Tags of report.txt removed: {await c.get_object_tags(BUCKET, 'report.txt')}")
        await c.remove_object(BUCKET, "report.txt")


asyncio.run(main())

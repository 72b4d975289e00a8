"""getObjectTagging: the tags of an object, as a dict."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        tags = await c.get_object_tags(BUCKET, "report.txt")
        print(f"Tags of report.txt: {tags}")


asyncio.run(main())

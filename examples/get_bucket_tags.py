"""getBucketTagging: the tags of a bucket ({} when it has none)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        tags = await c.get_bucket_tags(BUCKET)
        print(f"Tags of bucket {BUCKET!r}: {tags}")


asyncio.run(main())

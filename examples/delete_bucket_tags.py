"""removeBucketTagging: remove every tag of a bucket."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.delete_bucket_tags(BUCKET)
        print(f"Tags of bucket {BUCKET!r} removed: {await c.get_bucket_tags(BUCKET)}")


asyncio.run(main())

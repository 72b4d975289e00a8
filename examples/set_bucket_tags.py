"""setBucketTagging: replace the tags of a bucket."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.set_bucket_tags(BUCKET, {"owner": "data-team", "cost-center": "42"})
        print(f"Tags of bucket {BUCKET!r} set")


asyncio.run(main())

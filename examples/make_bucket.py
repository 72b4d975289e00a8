"""makeBucket: create a bucket (in us-east-1 unless a region is given)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.make_bucket(BUCKET, "us-east-1")
        print(f"Bucket {BUCKET!r} created successfully in 'us-east-1'.")


asyncio.run(main())

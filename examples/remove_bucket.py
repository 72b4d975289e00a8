"""removeBucket: remove an empty bucket."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.remove_bucket(BUCKET)
        print(f"Bucket {BUCKET!r} removed successfully.")


asyncio.run(main())

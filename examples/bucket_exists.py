"""bucketExists: True or False; any other problem is an exception."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        if await c.bucket_exists(BUCKET):
            print(f"Bucket {BUCKET!r} exists.")
        else:
            print(f"Bucket {BUCKET!r} does not exist.")


asyncio.run(main())

"""listBuckets: every bucket, with its creation date."""

import asyncio

from _connect import client


async def main() -> None:
    async with client() as c:
        for bucket in await c.list_buckets():
            print(f"{bucket.name}  created {bucket.creation_date:%Y-%m-%d %H:%M:%S %Z}")


asyncio.run(main())

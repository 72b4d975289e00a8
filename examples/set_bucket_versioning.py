"""setBucketVersioning: turn versioning on (it can later be suspended, never turned off)."""

import asyncio

from _connect import BUCKET, client

from aiominio import Versioning


async def main() -> None:
    async with client() as c:
        await c.set_bucket_versioning(BUCKET, Versioning.ENABLED)
        print(f"Versioning of {BUCKET!r} is now enabled")


asyncio.run(main())

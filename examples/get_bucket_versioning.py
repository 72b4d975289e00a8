"""getBucketVersioning: OFF (never enabled), ENABLED or SUSPENDED."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        state = await c.get_bucket_versioning(BUCKET)
        print(f"Versioning of {BUCKET!r}: {state.name}")


asyncio.run(main())

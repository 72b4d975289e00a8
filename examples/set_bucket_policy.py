"""setBucketPolicy: let anyone read the objects under a prefix (canned policies per prefix)."""

import asyncio

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    async with client() as c:
        await c.set_bucket_policy(BUCKET, "public-", aiominio.Policy.READONLY)
        print(f"objects under 'public-' in {BUCKET!r} are now readable by anyone")


asyncio.run(main())

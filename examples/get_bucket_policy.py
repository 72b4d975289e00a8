"""getBucketPolicy: the canned policy of a prefix, and the raw policy document."""

import asyncio

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    async with client() as c:
        for prefix in ("public-", "private-"):
            print(f"{prefix!r}: {(await c.get_bucket_policy(BUCKET, prefix)).value}")
        try:
            print(await c.get_bucket_policy_json(BUCKET))
        except aiominio.NoSuchBucketPolicy:
            print("no policy document")
        await c.set_bucket_policy(BUCKET, "public-", aiominio.Policy.NONE)
        print("policy for 'public-' removed")


asyncio.run(main())

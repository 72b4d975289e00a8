"""deleteBucketNotification: remove every notification of the bucket."""

import asyncio

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    async with client() as c:
        try:
            await c.delete_bucket_notification(BUCKET)
        except aiominio.S3Error as exc:
            print(f"this server does not take notification configurations: {exc.code}")
            return
        print(f"notifications removed from {BUCKET!r}")


asyncio.run(main())

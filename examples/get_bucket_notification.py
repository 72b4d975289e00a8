"""getBucketNotification: read the configuration back."""

import asyncio

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    async with client() as c:
        try:
            config = await c.get_bucket_notification(BUCKET)
        except aiominio.S3Error as exc:
            print(f"this server does not report notification configurations: {exc.code}")
            return
        for queue in config.queues:
            print(f"queue {queue.arn}: {queue.events} prefix={queue.prefix} suffix={queue.suffix}")
        if config.empty:
            print("no notifications configured")


asyncio.run(main())

"""setBucketNotification: send events for new .jpg objects under photos/ to a queue."""

import asyncio

from _connect import BUCKET, client

import aiominio
from aiominio import notification as n


async def main() -> None:
    arn = n.new_arn("aws", "sqs", "us-east-1", "123456789012", "uploads")
    queue = n.QueueConfig(arn)
    queue.add_event(n.ObjectCreatedAll)
    queue.add_filter_prefix("photos/")
    queue.add_filter_suffix(".jpg")
    config = n.NotificationConfig()
    config.add(queue)
    async with client() as c:
        try:
            await c.set_bucket_notification(BUCKET, config)
        except aiominio.S3Error as exc:
            print(f"this server does not take notification configurations: {exc.code}")
            return
        print(f"notifications set on {BUCKET!r}")


asyncio.run(main())

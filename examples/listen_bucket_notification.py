"""listenBucketNotification (a MinIO extension): print the bucket's events as they happen.

Against MinIO this prints each object created or removed under the bucket until interrupted
(set AIOMINIO_LISTEN_COUNT to stop after that many). SeaweedFS and S3 do not have it: there
this prints the server's refusal.
"""

import asyncio
import os

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    count = int(os.environ.get("AIOMINIO_LISTEN_COUNT", "0"))
    async with client() as c:
        try:
            async with c.listen_bucket_notification(
                BUCKET, events=["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
            ) as events:
                seen = 0
                async for event in events:
                    print(f"{event.event_name}: {event.bucket}/{event.key} ({event.size} bytes)")
                    seen += 1
                    if seen == count:
                        break
        except aiominio.S3Error as exc:
            print(f"this server does not support listening to events (MinIO does): {exc.code}")


asyncio.run(main())

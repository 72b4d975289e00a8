"""setBucketEncryption, getBucketEncryption, deleteBucketEncryption: the default encryption of
a bucket's new objects (SSE-S3 here; ``SseConfig.sse_kms(key_id)`` for SSE-KMS)."""

import asyncio

from _connect import BUCKET, client

from aiominio import SseConfig


async def main() -> None:
    async with client() as c:
        print(f"Default encryption of {BUCKET!r}: {await c.get_bucket_encryption(BUCKET)}")
        await c.set_bucket_encryption(BUCKET, SseConfig.sse_s3())
        config = await c.get_bucket_encryption(BUCKET)
        assert config is not None
        print(f"Default encryption of {BUCKET!r} now: {config.rule.algorithm}")
        await c.delete_bucket_encryption(BUCKET)
        after = await c.get_bucket_encryption(BUCKET)
        print(f"Default encryption of {BUCKET!r} after delete: {after}")


asyncio.run(main())

"""setBucketReplication, getBucketReplication, deleteBucketReplication: ask the server to copy
new objects of a versioned bucket to another bucket.

The configuration is only stored by most test servers; AWS and MinIO act on it. This example
uses a scratch bucket of its own, since replication needs versioning.
"""

import asyncio

from _connect import BUCKET, client

import aiominio
from aiominio import ReplicationConfig, ReplicationFilter, ReplicationRule, Versioning


async def main() -> None:
    source = f"{BUCKET}-replicated"
    config = ReplicationConfig(
        role="arn:aws:iam::123456789012:role/replication",
        rules=[
            ReplicationRule(
                "arn:aws:s3:::backup-bucket",
                id="docs-to-backup",
                priority=1,
                filter=ReplicationFilter(prefix="docs/"),
                storage_class="STANDARD_IA",
            )
        ],
    )
    async with client() as c:
        await c.make_bucket(source)
        try:
            await c.set_bucket_versioning(source, Versioning.ENABLED)
            try:
                await c.set_bucket_replication(source, config)
            except aiominio.S3Error as exc:
                # SeaweedFS 4.48 has no replication API (it answers BucketAlreadyOwnedByYou);
                # do not send it DeleteBucketReplication either: it takes that for DeleteBucket.
                print(f"Bucket replication is not supported by this server ({exc.code})")
                return
            stored = await c.get_bucket_replication(source)
            assert stored is not None
            print(f"Replication of {source!r}: {[r.id for r in stored.rules]}")
            await c.delete_bucket_replication(source)
            print(f"Replication after delete: {await c.get_bucket_replication(source)}")
        finally:
            await c.remove_bucket(source)


asyncio.run(main())

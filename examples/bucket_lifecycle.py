"""setBucketLifecycle, getBucketLifecycle, deleteBucketLifecycle: rules that expire objects,
old versions and abandoned uploads, and move objects to colder storage."""

import asyncio
from datetime import datetime, timezone

from _connect import BUCKET, client

import aiominio
from aiominio import (
    Expiration,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    NoncurrentVersionExpiration,
    Transition,
)


async def main() -> None:
    config = LifecycleConfig(
        rules=[
            LifecycleRule(
                id="expire-logs",
                filter=LifecycleFilter(prefix="logs/"),
                expiration=Expiration(days=30),
                abort_incomplete_multipart_upload_days=7,
            ),
            LifecycleRule(
                id="old-versions",
                filter=LifecycleFilter(tags={"retention": "short"}),
                noncurrent_version_expiration=NoncurrentVersionExpiration(
                    10, newer_noncurrent_versions=2
                ),
            ),
            LifecycleRule(
                id="end-of-project",
                enabled=False,
                filter=LifecycleFilter(prefix="project-x/"),
                expiration=Expiration(date=datetime(2030, 1, 1, tzinfo=timezone.utc)),
            ),
        ]
    )
    async with client() as c:
        await c.set_bucket_lifecycle(BUCKET, config)
        stored = await c.get_bucket_lifecycle(BUCKET)
        assert stored is not None
        print(f"Lifecycle rules of {BUCKET!r}: {[rule.id for rule in stored.rules]}")
        archive = LifecycleRule(
            id="archive",
            filter=LifecycleFilter(prefix="reports/"),
            transitions=[Transition("GLACIER", days=90)],
        )
        try:
            await c.set_bucket_lifecycle(BUCKET, LifecycleConfig(rules=[*config.rules, archive]))
            print("Added a transition to GLACIER after 90 days")
        except aiominio.S3Error as exc:  # SeaweedFS 4.48 has no storage classes to move to
            print(f"Lifecycle transitions are not supported by this server ({exc.code})")
        await c.delete_bucket_lifecycle(BUCKET)
        print(f"Lifecycle of {BUCKET!r} after delete: {await c.get_bucket_lifecycle(BUCKET)}")


asyncio.run(main())

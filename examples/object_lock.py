"""Object lock (write once, read many): a bucket created with lock, its default retention, a
version's retention and legal hold, and a governance bypass.

Runs in a bucket of its own (``<AIOMINIO_BUCKET>-locked``), emptied and removed at the end. Only
GOVERNANCE retentions are used here: a COMPLIANCE one could not be lifted by anyone.
"""

import asyncio
from datetime import datetime, timedelta, timezone

from _connect import BUCKET, client

import aiominio
from aiominio import ObjectLockConfig, Retention, RetentionMode


async def main() -> None:
    locked = f"{BUCKET}-locked"
    async with client() as c:
        await c.make_bucket(locked, object_lock=True)  # versioning comes with it
        await c.set_object_lock_config(locked, ObjectLockConfig(RetentionMode.GOVERNANCE, days=1))
        print(f"default retention of {locked!r}: {await c.get_object_lock_config(locked)}")

        until = datetime.now(timezone.utc) + timedelta(hours=1)
        put = await c.put_object(
            locked, "contract.pdf", b"signed", retention=Retention(RetentionMode.GOVERNANCE, until)
        )
        retention = await c.get_object_retention(locked, "contract.pdf", version_id=put.version_id)
        print(f"contract.pdf version {put.version_id}: {retention}")
        # Extending a retention needs no bypass; shortening a GOVERNANCE one does.
        longer = Retention(RetentionMode.GOVERNANCE, until + timedelta(hours=1))
        await c.set_object_retention(locked, "contract.pdf", longer, version_id=put.version_id)
        print(f"retention extended to {longer.retain_until:%Y-%m-%d %H:%M} UTC")
        try:
            await c.remove_object(locked, "contract.pdf", version_id=put.version_id)
        except aiominio.AccessDenied:
            print("a retained version cannot be removed: AccessDenied")

        await c.enable_object_legal_hold(locked, "contract.pdf", version_id=put.version_id)
        held = await c.is_object_legal_hold_enabled(locked, "contract.pdf")
        print(f"legal hold on contract.pdf: {held}")
        await c.disable_object_legal_hold(locked, "contract.pdf", version_id=put.version_id)

        # Clean up: every version goes, past its governance retention.
        async for v in c.list_object_versions(locked, recursive=True):
            await c.remove_object(locked, v.key, version_id=v.version_id, bypass_governance=True)
        print("removed with bypass_governance=True")
        await c.remove_bucket(locked)


asyncio.run(main())

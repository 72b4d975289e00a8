"""listObjectVersions: write a key twice, delete it, list its versions, read the first one
back by its version id, then remove every version."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        first = await c.put_object(BUCKET, "versioned.txt", b"first draft")
        await c.put_object(BUCKET, "versioned.txt", b"second draft")
        await c.remove_object(BUCKET, "versioned.txt")  # a delete marker: versions are kept
        versions = [v async for v in c.list_object_versions(BUCKET, "versioned", recursive=True)]
        for v in versions:
            what = "delete marker" if v.is_delete_marker else f"{v.size} bytes"
            print(f"{v.key} {v.version_id} {what}{'  (latest)' if v.is_latest else ''}")
        async with c.get_object(BUCKET, "versioned.txt", version_id=first.version_id) as obj:
            print(f"version {first.version_id}: {(await obj.read()).decode()}")
        errors = await c.remove_objects(BUCKET, versions)
        print(f"Removed {len(versions) - len(errors)} versions of versioned.txt")


asyncio.run(main())

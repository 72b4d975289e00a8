"""listObjects: every object, recursively (ListObjects v1, paged transparently)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        async for obj in c.list_objects(BUCKET, "", recursive=True):
            print(f"{obj.key}  {obj.size} bytes  etag={obj.etag}  {obj.last_modified}")
        print("-- one level (prefixes are entries with is_dir=True):")
        async for obj in c.list_objects(BUCKET):
            print(f"{obj.key}{'  (prefix)' if obj.is_dir else ''}")


asyncio.run(main())

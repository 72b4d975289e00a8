"""removeIncompleteUpload: abort the unfinished uploads of a key (their parts are deleted)."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        await c.remove_incomplete_upload(BUCKET, "40mbfile-from-path")
        print("Removed the incomplete uploads of 40mbfile-from-path (if any)")


asyncio.run(main())

"""fGetObject: download an object to a file (verified, renamed into place when complete)."""

import asyncio
import os
import tempfile

from _connect import BUCKET, client


async def main() -> None:
    target = os.path.join(tempfile.gettempdir(), "photo.jpg")
    async with client() as c:
        stat = await c.fget_object(
            BUCKET,
            "photo.jpg",
            target,
            concurrency=4,  # a large object comes in 4 ranges at a time
            progress=lambda done, total: print(f"  {done} of {total} bytes"),
        )
        print(f"success: {stat.size} bytes written to {target}")


asyncio.run(main())

"""listIncompleteUploads: multipart uploads that were started and not finished."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        async for upload in c.list_incomplete_uploads(BUCKET, "", recursive=True):
            print(f"{upload.key}  upload_id={upload.upload_id}  {upload.size} bytes so far")
        print("End")


asyncio.run(main())

"""fPutObject: upload a file (multipart above 5 MiB, resumable after an interruption)."""

import asyncio
import os
import tempfile

from _connect import BUCKET, client


def make_file() -> str:
    path = os.path.join(tempfile.gettempdir(), "40mbfile")
    with open(path, "wb") as f:
        f.write(os.urandom(40 * 1024 * 1024))
    return path


async def main(path: str) -> None:
    async with client() as c:
        result = await c.fput_object(
            BUCKET,
            "40mbfile-from-path",
            path,
            "application/octet-stream",
            progress=lambda sent, total: print(f"  {sent:>10} of {total} bytes sent"),
        )
        print(f"40mbfile-from-path: etag={result.etag}")


file_path = make_file()
try:
    asyncio.run(main(file_path))
finally:
    os.remove(file_path)

"""putObject: upload from a buffer, a string, a file or an async stream."""

import asyncio
import os
import tempfile

import aiofiles
from _connect import BUCKET, client

MiB = 1024 * 1024


def make_file(size: int) -> str:
    path = os.path.join(tempfile.gettempdir(), "40mbfile")
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    return path


async def main(path: str, size: int) -> None:
    async with client() as c:
        # From a "Buffer" or a "string"
        result = await c.put_object(BUCKET, "hello-file", "Hello World")
        print(f"hello-file: etag={result.etag}")

        # From a stream: a 40 MB file goes up in concurrent parts.
        async with aiofiles.open(path, "rb") as stream:
            result = await c.put_object(
                BUCKET, "40mbfile", stream, size, content_type="application/octet-stream"
            )
        print(f"40mbfile: etag={result.etag}")

        # From an async iterable of unknown length (an aiohttp/FastAPI request body, say).
        async def body():
            for i in range(3):
                yield f"line {i}\n".encode()

        result = await c.put_object(BUCKET, "photo.jpg", body(), content_type="image/jpeg")
        print(f"photo.jpg: etag={result.etag}")


file_path = make_file(40 * MiB)
try:
    asyncio.run(main(file_path, 40 * MiB))
finally:
    os.remove(file_path)

"""composeObject: concatenate ranges of objects into a new one, on the server (no bytes pass
through the client)."""

import asyncio

from _connect import BUCKET, client

from aiominio import ComposeSource

MiB = 1024 * 1024


async def main() -> None:
    async with client() as c:
        sources = [
            # Every source but the last must give at least 5 MiB.
            ComposeSource(BUCKET, "40mbfile", offset=0, length=10 * MiB),
            ComposeSource(BUCKET, "40mbfile", offset=30 * MiB, length=5 * MiB),
            ComposeSource(BUCKET, "hello-file"),
        ]
        result = await c.compose_object(
            BUCKET, "composed", sources, metadata={"composed-from": "40mbfile,hello-file"}
        )
        stat = await c.stat_object(BUCKET, "composed")
        print(f"composed: {stat.size} bytes from {len(sources)} sources, etag={result.etag}")


asyncio.run(main())

"""getObjectAttributes: size, ETag, checksum, parts and storage class in one request."""

import asyncio

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        attrs = await c.get_object_attributes(BUCKET, "40mbfile")
        print(
            f"40mbfile: {attrs.size} bytes, etag={attrs.etag}, "
            f"storage class {attrs.storage_class}, {attrs.parts_count} parts"
        )
        for part in attrs.parts[:3]:
            print(f"  part {part.part_number}: {part.size} bytes")
        if attrs.checksum is not None:
            print(f"  checksum {attrs.checksum.algorithm} ({attrs.checksum.type})")


asyncio.run(main())

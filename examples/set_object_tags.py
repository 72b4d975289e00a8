"""setObjectTagging: upload with tags and standard headers, then replace the object's tags."""

import asyncio
from datetime import datetime, timedelta, timezone

from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        # Tags and the standard headers can be stored with the upload itself.
        await c.put_object(
            BUCKET,
            "report.txt",
            b"quarterly numbers",
            content_type="text/plain",
            tags={"project": "apollo"},
            cache_control="max-age=3600",
            content_disposition='attachment; filename="report.txt"',
            content_language="en",
            expires=datetime.now(timezone.utc) + timedelta(days=30),
        )
        stat = await c.stat_object(BUCKET, "report.txt")
        print(f"report.txt: cache_control={stat.cache_control!r} expires={stat.expires}")
        # Replace every tag of the object (at most 10).
        await c.set_object_tags(BUCKET, "report.txt", {"project": "apollo", "stage": "final"})
        print("Tags of report.txt set")


asyncio.run(main())

"""presignedPostPolicy: form fields that let a browser upload straight to the bucket."""

import asyncio
from datetime import datetime, timedelta, timezone

import aiohttp
from _connect import BUCKET, client


async def main() -> None:
    async with client() as c:
        policy = c.new_post_policy()
        policy.set_bucket(BUCKET)
        policy.set_key_starts_with("uploads/")
        policy.set_expires(datetime.now(timezone.utc) + timedelta(days=10))
        policy.set_content_type("text/plain")
        policy.set_content_length_range(1, 1024 * 1024)
        url, form_data = await c.presigned_post_policy(policy)
        print(f"POST to {url} with fields {sorted(form_data)}")

        form = aiohttp.FormData()
        for name, value in form_data.items():
            form.add_field(name, "uploads/from-a-form.txt" if name == "key" else value)
        form.add_field("file", b"uploaded with a form", filename="a.txt")
        async with aiohttp.ClientSession() as http, http.post(url, data=form) as resp:
            print(f"form upload: HTTP {resp.status}")


asyncio.run(main())

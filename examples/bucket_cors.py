"""setBucketCors, getBucketCors, deleteBucketCors: let web pages of other origins use the
bucket from a browser."""

import asyncio

from _connect import BUCKET, client

from aiominio import CorsConfig, CorsRule


async def main() -> None:
    config = CorsConfig(
        rules=[
            CorsRule(
                allowed_methods=["GET", "PUT"],
                allowed_origins=["https://www.example.com"],
                allowed_headers=["*"],
                expose_headers=["ETag"],
                max_age_seconds=3000,
                id="example-site",
            ),
            CorsRule(allowed_methods=["GET"], allowed_origins=["*"], max_age_seconds=600),
        ]
    )
    async with client() as c:
        await c.set_bucket_cors(BUCKET, config)
        stored = await c.get_bucket_cors(BUCKET)
        assert stored is not None
        for rule in stored.rules:
            print(f"CORS: {rule.allowed_origins} may {rule.allowed_methods}")
        await c.delete_bucket_cors(BUCKET)
        print(f"CORS of {BUCKET!r} after delete: {await c.get_bucket_cors(BUCKET)}")


asyncio.run(main())

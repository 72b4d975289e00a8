"""Server-side encryption with a key the client keeps (SSE-C), beyond the reference.

The server encrypts with the given 32-byte key and keeps only its MD5: every read must bring the
key again. The key travels with each request, so the client refuses SSE-C over plain HTTP.
"""

import asyncio
import secrets

from _connect import BUCKET, client

import aiominio


async def main() -> None:
    key = aiominio.SseCustomerKey(secrets.token_bytes(32))  # keep it: without it the data is lost
    async with client() as c:
        if not c.endpoint.secure:
            try:
                await c.put_object(BUCKET, "secret.txt", b"top secret", sse=key)
            except aiominio.InvalidArgument as exc:
                print(f"refused over plain HTTP before sending anything: {exc}")
            return
        if not await c.bucket_exists(BUCKET):
            await c.make_bucket(BUCKET)
        await c.put_object(BUCKET, "secret.txt", b"top secret", sse=key)
        stat = await c.stat_object(BUCKET, "secret.txt", sse=key)
        print(f"secret.txt: {stat.size} bytes, encrypted with the customer key")
        async with c.get_object(BUCKET, "secret.txt", sse=key) as obj:
            print(f"read back with the key: {(await obj.read()).decode()}")
        try:
            await c.stat_object(BUCKET, "secret.txt")
        except aiominio.S3Error as exc:
            print(f"without the key the server refuses: {exc.code}")
        copy_key = aiominio.SseCustomerKey(secrets.token_bytes(32))
        await c.copy_object(
            BUCKET, "secret-copy.txt", BUCKET, "secret.txt", source_sse=key, sse=copy_key
        )
        async with c.get_object(BUCKET, "secret-copy.txt", sse=copy_key) as obj:
            print(f"copied under a new key: {(await obj.read()).decode()}")
        await c.remove_objects(BUCKET, ["secret.txt", "secret-copy.txt"])
        await c.remove_bucket(BUCKET)


asyncio.run(main())

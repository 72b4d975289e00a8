"""Quickstart: the bucket operations, step by step.

Run it against any S3 server::

    eval "$(python -m aiominio.testing start)"   # or the AWS_* variables of your server
    python examples/quickstart.py

``nox -s demo`` starts a throwaway SeaweedFS and runs this script against it.
"""

from __future__ import annotations

import asyncio
import secrets

from _connect import require_endpoint

import aiominio


async def main() -> None:
    # No endpoint: AWS_ENDPOINT_URL, AWS_REGION and the keys of the environment, as the AWS
    # SDKs read them (python -m aiominio.testing serve prints them). This script makes and
    # removes buckets: it runs only against a server the environment names.
    require_endpoint()
    client = aiominio.Client()
    async with client:
        bucket = f"quickstart-{secrets.token_hex(4)}"

        await client.make_bucket(bucket)
        print(f"make_bucket:    created {bucket!r}")

        exists = await client.bucket_exists(bucket)
        print(f"bucket_exists:  {bucket!r} exists -> {exists}")

        for b in await client.list_buckets():
            print(f"list_buckets:   {b.name} (created {b.creation_date:%Y-%m-%d %H:%M:%S %Z})")

        try:
            await client.make_bucket(bucket)
        except aiominio.BucketAlreadyOwnedByYou as exc:
            print(f"make_bucket:    again -> {type(exc).__name__} ({exc.code}, HTTP {exc.status})")

        try:
            await client.make_bucket("Not_A_Valid_Name")
        except ValueError as exc:
            print(f"make_bucket:    'Not_A_Valid_Name' refused before any request: {exc}")

        await client.remove_bucket(bucket)
        print(f"remove_bucket:  removed {bucket!r}")

        exists = await client.bucket_exists(bucket)
        print(f"bucket_exists:  {bucket!r} exists -> {exists}")


if __name__ == "__main__":
    asyncio.run(main())

"""Mistakes a user can make, each of which ``mypy --strict`` must report on its line (marked
``# error``) and nowhere else: tests/integration/test_user_types.py checks both. Never run.

Most of them pass unnoticed when a signature takes or returns ``Any``.
"""

from __future__ import annotations

from aiominio import Client, ObjectStat, PostPolicy, S3Error, StaticProvider
from aiominio.credentials import AssumeRoleProvider
from aiominio.testing import LocalServer


def progress_in_text(done: str, total: int | None) -> None:
    print(done, total)


def progress_without_total(done: int) -> None:
    print(done)


def fetch_nothing(url: str) -> None:
    print(url)


async def mistakes(server: LocalServer, client: Client, bucket: str) -> None:
    await client.put_object(bucket, "k", 42)  # error
    with open("notes.txt") as text_file:
        await client.put_object(bucket, "k", text_file)  # error
    await client.put_object(bucket, "k", b"", progress=progress_in_text)  # error
    await client.put_object(bucket, "k", b"", progress=progress_without_total)  # error
    not_a_client: int = server.client()  # error
    server.client(no_such_option=1)  # error
    server.client(max_connections="8")  # error
    S3Error.from_code("NoSuchKey", stattus=404)  # error
    await client.set_bucket_policy_json(bucket, 42)  # error
    stat: str = await client.stat_object(bucket, "k")  # error
    PostPolicy().conditions.append({"eq": "$key"})  # error
    AssumeRoleProvider("https://sts", StaticProvider(None), "arn:x", fetch=fetch_nothing)  # error
    Client(app_info="photo-sync/2.3")  # error
    right: ObjectStat = await client.stat_object(bucket, "k")
    print(not_a_client, stat, right)

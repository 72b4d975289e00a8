"""Canned object ACLs read and set, and the restore of an archived object, against both
servers (SeaweedFS has no RestoreObject: a named skip with its answer)."""

from __future__ import annotations

import aiohttp
import pytest

import aiominio
from aiominio import testing


async def test_a_canned_acl_is_set_and_read_back(client: aiominio.Client, bucket: str) -> None:
    await client.put_object(bucket, "k", b"data")
    first = await client.get_object_acl(bucket, "k")
    assert first.canned == "private"
    assert first.owner.id
    await client.set_object_acl(bucket, "k", "public-read")
    public = await client.get_object_acl(bucket, "k")
    assert public.canned == "public-read"
    assert public.owner == first.owner
    everyone = [g for g in public.grants if g.grantee.uri and g.grantee.uri.endswith("/AllUsers")]
    assert [(g.grantee.type, g.permission) for g in everyone] == [("Group", "READ")]
    await client.set_object_acl(bucket, "k", "private")
    assert (await client.get_object_acl(bucket, "k")).canned == "private"


async def test_the_acl_of_a_missing_object_is_no_such_key(
    client: aiominio.Client, bucket: str
) -> None:
    with pytest.raises(aiominio.NoSuchKey):
        await client.get_object_acl(bucket, "missing")


async def test_an_archived_object_is_restored(
    client: aiominio.Client, bucket: str, server: testing.LocalServer
) -> None:
    await client.put_object(bucket, "cold", b"archived", storage_class="GLACIER")
    await client.put_object(bucket, "warm", b"standard")
    try:
        started = await client.restore_object(bucket, "cold", days=2, tier="Bulk")
    except aiominio.S3Error as exc:
        if server.name != "moto" and exc.code == "MethodNotAllowed":
            pytest.skip(f"{server.name} has no RestoreObject (POST ?restore answers {exc.code})")
        raise
    assert started is True
    stat = await client.stat_object(bucket, "cold")
    assert stat.storage_class == "GLACIER"
    assert stat.restore is not None and stat.restore.ongoing is False  # moto restores at once
    assert stat.restore.expiry is not None
    assert (await client.stat_object(bucket, "warm")).restore is None
    with pytest.raises(aiominio.S3Error) as caught:
        await client.restore_object(bucket, "warm")
    assert caught.value.code == "InvalidObjectState"


async def test_a_public_read_object_is_readable_anonymously(
    client: aiominio.Client, bucket: str, server: testing.LocalServer
) -> None:
    await client.put_object(bucket, "shared", b"for everyone")
    url = f"{server.endpoint}/{bucket}/shared"
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            before = resp.status
        await client.set_object_acl(bucket, "shared", "public-read")
        async with session.get(url) as resp:
            after, body = resp.status, await resp.read()
    if before == 200:
        pytest.skip(f"{server.name} serves every object anonymously (it checks no ACL)")
    if after != 200:
        pytest.skip(f"{server.name} stores the ACL but does not apply it ({after} anonymously)")
    assert body == b"for everyone"

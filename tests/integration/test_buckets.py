"""Bucket operations against both servers, errors included."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

import aiominio
from aiominio import testing
from tests.integration.conftest import SECOND_USER, unique_bucket


async def test_make_list_exists_remove(client: aiominio.Client) -> None:
    name = unique_bucket()
    assert not await client.bucket_exists(name)
    before = datetime.now(timezone.utc) - timedelta(minutes=5)
    await client.make_bucket(name)
    try:
        assert await client.bucket_exists(name)
        found = [b for b in await client.list_buckets() if b.name == name]
        assert len(found) == 1
        created = found[0].creation_date
        assert created is not None and created.tzinfo is not None
        assert before < created < datetime.now(timezone.utc) + timedelta(minutes=5)
    finally:
        await client.remove_bucket(name)
    assert not await client.bucket_exists(name)
    assert name not in {b.name for b in await client.list_buckets()}


async def test_list_buckets_by_prefix_in_pages(
    client: aiominio.Client, server: testing.LocalServer
) -> None:
    stem = unique_bucket("pg")
    names = [f"{stem}-{i}" for i in range(3)]
    for name in names:
        await client.make_bucket(name)
    try:
        assert [b.name for b in await client.list_buckets(prefix=stem)] == names
        if server.name == "moto":
            pytest.skip(
                "moto 5.2.5 answers max-buckets with that many buckets and no ContinuationToken "
                "(the rest cannot be listed)"
            )
        paged = await client.list_buckets(prefix=stem, max_buckets=1)
        assert [b.name for b in paged] == names
        everything = {b.name for b in await client.list_buckets(max_buckets=2)}
        assert set(names) <= everything
    finally:
        for name in names:
            await client.remove_bucket(name)


async def test_make_bucket_in_region(server: testing.LocalServer) -> None:
    name = unique_bucket()
    async with server.client() as c:
        await c.make_bucket(name, region="eu-west-1")
    # A fresh client discovers the bucket's region before signing for it.
    async with server.client() as c:
        try:
            assert await c.bucket_exists(name)
        finally:
            await c.remove_bucket(name)


async def test_remove_missing_bucket(client: aiominio.Client) -> None:
    name = unique_bucket()
    with pytest.raises(aiominio.NoSuchBucket) as info:
        await client.remove_bucket(name)
    err = info.value
    assert err.code == "NoSuchBucket" and err.status == 404
    assert err.bucket == name


async def test_make_existing_bucket(server: testing.LocalServer, client: aiominio.Client) -> None:
    name = unique_bucket()
    # moto follows AWS: in us-east-1 re-creating your own bucket succeeds silently, elsewhere it is
    # BucketAlreadyOwnedByYou. SeaweedFS always answers BucketAlreadyOwnedByYou.
    region = "eu-west-1" if server.name == "moto" else None
    await client.make_bucket(name, region=region)
    try:
        with pytest.raises(aiominio.BucketAlreadyOwnedByYou) as info:
            await client.make_bucket(name, region=region)
        assert info.value.status == 409
        assert info.value.message
    finally:
        await client.remove_bucket(name)


async def test_bucket_owned_by_someone_else(seaweedfs_server: testing.LocalServer) -> None:
    name = unique_bucket()
    async with seaweedfs_server.client() as owner:
        await owner.make_bucket(name)
        try:
            other = seaweedfs_server.client(access_key=SECOND_USER[0], secret_key=SECOND_USER[1])
            async with other:
                # Someone else's name: BucketAlreadyExists (BucketAlreadyOwnedByYou would tell
                # the other user the bucket is theirs).
                with pytest.raises(aiominio.S3Error) as info:
                    await other.make_bucket(name)
                assert type(info.value) is aiominio.BucketAlreadyExists
                assert info.value.status == 409
        finally:
            await owner.remove_bucket(name)


async def test_remove_non_empty_bucket(
    server: testing.LocalServer, client: aiominio.Client
) -> None:
    if server.name == "seaweedfs":
        pytest.skip("SeaweedFS deletes a non-empty bucket instead of answering BucketNotEmpty")
    name = unique_bucket()
    await client.make_bucket(name)
    await client.requester.execute("PUT", name, "an-object", body=b"data")
    with pytest.raises(aiominio.BucketNotEmpty) as info:
        await client.remove_bucket(name)
    assert info.value.code == "BucketNotEmpty" and info.value.status == 409
    assert await client.bucket_exists(name)
    await client.requester.execute("DELETE", name, "an-object")
    await client.remove_bucket(name)


async def test_wrong_secret_key(server: testing.LocalServer) -> None:
    if not server.checks_signatures:
        pytest.skip(f"{server.name} does not check signatures")
    async with server.client(secret_key="not-the-secret") as c:
        with pytest.raises(aiominio.SignatureDoesNotMatch) as info:
            await c.list_buckets()
        assert info.value.status == 403
        assert "not-the-secret" not in str(info.value) + repr(info.value)
        with pytest.raises(aiominio.SignatureDoesNotMatch):
            await c.make_bucket(unique_bucket())


async def test_unknown_access_key(seaweedfs_server: testing.LocalServer) -> None:
    async with seaweedfs_server.client(access_key="nobody", secret_key="x") as c:
        with pytest.raises(aiominio.InvalidAccessKeyId):
            await c.list_buckets()


async def test_anonymous_is_denied(seaweedfs_server: testing.LocalServer) -> None:
    async with aiominio.Client(seaweedfs_server.endpoint) as c:
        with pytest.raises(aiominio.AccessDenied):
            await c.list_buckets()


async def test_closed_client_refuses_use(server: testing.LocalServer) -> None:
    c = server.client()
    async with c:
        await c.list_buckets()
    assert c.closed
    with pytest.raises(aiominio.ClientClosedError, match="closed"):
        await c.list_buckets()
    with pytest.raises(aiominio.ClientClosedError):
        async with c:
            pass
    await c.close()  # closing twice is harmless
    assert c.closed


async def test_caller_session_is_left_open(server: testing.LocalServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with server.client(session=session) as c:
            await c.list_buckets()
        assert not session.closed
        async with session.get(server.endpoint + "/") as resp:
            assert resp.status in (200, 403)


async def test_explicit_close_without_context_manager(server: testing.LocalServer) -> None:
    c = server.client()
    await c.list_buckets()
    await c.close()
    assert c.closed

"""Presigned URLs, POST policies, bucket policies and notifications, exercised over plain HTTP
(aiohttp, not the client) against the real servers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

import aiominio
from aiominio import notification as n
from aiominio import testing


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_presigned_get_and_put(
    client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    await client.put_object(bucket, "dir/a b+c ü.txt", b"presigned body")
    url = await client.presigned_get_object(
        bucket,
        "dir/a b+c ü.txt",
        timedelta(minutes=5),
        response_headers={
            "response-content-type": "text/x-aiominio",
            "response-content-disposition": 'attachment; filename="x.txt"',
        },
    )
    async with http.get(url) as resp:
        assert resp.status == 200
        assert await resp.read() == b"presigned body"
        assert resp.headers["Content-Type"] == "text/x-aiominio"
        assert resp.headers["Content-Disposition"] == 'attachment; filename="x.txt"'

    put_url = await client.presigned_put_object(bucket, "uploaded/by url.bin", 300)
    async with http.put(put_url, data=b"\x00\x01 uploaded") as resp:
        assert resp.status == 200, await resp.text()
    async with client.get_object(bucket, "uploaded/by url.bin") as obj:
        assert await obj.read() == b"\x00\x01 uploaded"


async def test_expired_url_is_refused(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    if server.name == "moto":
        pytest.skip("moto does not refuse expired presigned URLs")
    await client.put_object(bucket, "k", b"v")
    past = datetime.now(timezone.utc) - timedelta(hours=2)
    url = await client.presigned_get_object(bucket, "k", 60, request_date=past)
    async with http.get(url) as resp:
        assert resp.status == 403
        assert "expired" in (await resp.text()).lower()


async def test_tampered_url_is_refused(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    if not server.checks_signatures:
        pytest.skip(f"{server.name} does not check signatures")
    await client.put_object(bucket, "k", b"v")
    await client.put_object(bucket, "other", b"secret")
    url = await client.presigned_get_object(bucket, "k", 60)
    async with http.get(url.replace("/k?", "/other?")) as resp:
        assert resp.status == 403


async def _post(
    http: aiohttp.ClientSession, url: str, fields: dict[str, str], key: str, body: bytes
) -> tuple[int, str]:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, key if name == "key" else value)
    form.add_field("file", body, filename="upload.bin", content_type="application/octet-stream")
    async with http.post(url, data=form) as resp:
        return resp.status, await resp.text()


async def test_post_policy_upload(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    policy = client.new_post_policy()
    policy.set_bucket(bucket)
    policy.set_key_starts_with("user/")
    policy.set_expires(datetime.now(timezone.utc) + timedelta(minutes=10))
    policy.set_content_length_range(1, 1000)
    url, fields = await client.presigned_post_policy(policy)

    status, text = await _post(http, url, fields, "user/photo.bin", b"form upload")
    assert status in (200, 201, 204), text
    async with client.get_object(bucket, "user/photo.bin") as obj:
        assert await obj.read() == b"form upload"

    if server.name == "moto":
        pytest.skip("moto does not enforce POST policy conditions")
    status, text = await _post(http, url, fields, "elsewhere/photo.bin", b"x")
    assert status == 403 and "AccessDenied" in text
    status, text = await _post(http, url, fields, "user/too-big.bin", b"x" * 5000)
    assert status == 400 and "EntityTooLarge" in text
    keys = [o.key async for o in client.list_objects(bucket, recursive=True)]
    assert keys == ["user/photo.bin"]


async def test_canned_policy_allows_anonymous_reads_under_prefix(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    # Both servers follow the bucket policy for anonymous requests.
    await client.put_object(bucket, "img-x", b"image")
    await client.put_object(bucket, "doc-x", b"document")
    assert await client.get_bucket_policy(bucket, "img-") is aiominio.Policy.NONE
    await client.set_bucket_policy(bucket, "img-", aiominio.Policy.READONLY)
    assert await client.get_bucket_policy(bucket, "img-") is aiominio.Policy.READONLY
    assert await client.get_bucket_policy(bucket, "doc-") is aiominio.Policy.NONE
    base = f"{server.endpoint}/{bucket}"
    async with http.get(f"{base}/img-x") as resp:
        assert resp.status == 200 and await resp.read() == b"image"
    async with http.get(f"{base}/doc-x") as resp:
        assert resp.status == 403
    # Anonymous writes are not checked here: SeaweedFS 4.48 refuses them whatever the policy
    # says (even s3:* for everyone) and moto accepts them whatever it says.

    await client.set_bucket_policy(bucket, "img-", aiominio.Policy.NONE)
    with pytest.raises(aiominio.NoSuchBucketPolicy):
        await client.get_bucket_policy_json(bucket)  # nothing left: deleted
    async with http.get(f"{base}/img-x") as resp:
        assert resp.status == 403


async def test_policy_merge_on_the_server(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    foreign = {
        "Sid": "ForeignStatement",
        "Effect": "Allow",
        "Principal": {"AWS": ["*"]},
        "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/public/*"],
    }
    await client.set_bucket_policy_json(bucket, {"Version": "2012-10-17", "Statement": [foreign]})
    await client.set_bucket_policy(bucket, "img-", "readonly")
    await client.set_bucket_policy(bucket, "up-", aiominio.Policy.WRITEONLY)
    assert await client.get_bucket_policy(bucket, "img-") is aiominio.Policy.READONLY
    assert await client.get_bucket_policy(bucket, "up-") is aiominio.Policy.WRITEONLY
    assert await client.get_bucket_policy(bucket, "public/") is aiominio.Policy.READONLY
    await client.put_object(bucket, "public/page.html", b"<p>hi</p>")
    async with http.get(f"{server.endpoint}/{bucket}/public/page.html") as resp:
        assert resp.status == 200  # the foreign statement is in force
    await client.set_bucket_policy(bucket, "img-", aiominio.Policy.NONE)
    document = json.loads(await client.get_bucket_policy_json(bucket))
    sids = [s.get("Sid") for s in document["Statement"]]
    assert "ForeignStatement" in sids
    assert await client.get_bucket_policy(bucket, "img-") is aiominio.Policy.NONE
    assert await client.get_bucket_policy(bucket, "up-") is aiominio.Policy.WRITEONLY
    await client.delete_bucket_policy(bucket)
    with pytest.raises(aiominio.NoSuchBucketPolicy):
        await client.get_bucket_policy_json(bucket)
    # Deleting a policy that is not there is no error, as documented (SeaweedFS answers
    # NoSuchBucketPolicy to it, AWS and moto 204).
    await client.delete_bucket_policy(bucket)


async def test_notifications(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    if server.name == "seaweedfs":
        pytest.skip(
            "SeaweedFS 4.48 has no bucket notification configuration "
            "(PUT ?notification answers BucketAlreadyOwnedByYou)"
        )
    assert (await client.get_bucket_notification(bucket)).empty
    config = n.NotificationConfig()
    queue = n.QueueConfig(n.new_arn("aws", "sqs", "us-east-1", "123456789012", "uploads"))
    queue.set_id("queue-1")
    queue.add_event(n.ObjectCreatedAll)
    queue.add_filter_prefix("photos/")
    queue.add_filter_suffix(".jpg")
    topic = n.TopicConfig(n.new_arn("aws", "sns", "us-east-1", "123456789012", "t"), id="topic-1")
    topic.add_event(n.ObjectRemovedDelete)
    topic.add_event(n.ObjectReducedRedundancyLostObject)
    func = n.CloudFunctionConfig(
        n.new_arn("aws", "lambda", "us-east-1", "123456789012", "function:thumb"), id="fn-1"
    )
    func.add_event(n.ObjectCreatedPut)
    for target in (queue, topic, func):
        config.add(target)
    await client.set_bucket_notification(bucket, config)
    assert await client.get_bucket_notification(bucket) == config
    await client.delete_bucket_notification(bucket)
    assert (await client.get_bucket_notification(bucket)).empty

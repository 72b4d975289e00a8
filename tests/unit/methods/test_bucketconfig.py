"""Bucket policy and notification methods through the client."""

from __future__ import annotations

import json

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client


async def test_a_policy_given_as_a_mapping_is_sent_as_json() -> None:
    client, transport = mock_client(answer(status=204))
    document = {"Version": "2012-10-17", "Statement": []}
    async with client:
        await client.set_bucket_policy_json("bkt", document)
    (request,) = transport.requests
    assert (request.method, request.query) == ("PUT", {"policy": ""})
    assert request.header("content-type") == "application/json"
    assert json.loads(request.body) == document


async def test_a_bucket_without_a_policy_has_the_canned_policy_none() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(404, "NoSuchBucketPolicy")

    client, _ = mock_client(handler)
    async with client:
        assert await client.get_bucket_policy("bkt") is aiominio.Policy.NONE


async def test_get_bucket_notification_reads_the_configuration() -> None:
    body = (
        b"<NotificationConfiguration><QueueConfiguration><Id>q</Id>"
        b"<Queue>arn:minio:sqs::1:webhook</Queue><Event>s3:ObjectCreated:*</Event>"
        b"</QueueConfiguration></NotificationConfiguration>"
    )
    client, transport = mock_client(answer(body))
    async with client:
        config = await client.get_bucket_notification("bkt")
    assert [q.arn for q in config.queues] == ["arn:minio:sqs::1:webhook"]
    assert transport.requests[0].query == {"notification": ""}

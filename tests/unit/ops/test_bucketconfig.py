"""The bucket policy and notification operations over a requester."""

from __future__ import annotations

import json

import pytest

import aiominio
from aiominio.ops import bucketconfig
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client


async def test_a_policy_that_is_not_utf8_is_an_invalid_response() -> None:
    client, _ = mock_client(answer(b"\xff\xfe"))
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="not UTF-8"):
            await bucketconfig.get_policy_json(client.requester, "bkt")


async def test_setting_a_canned_policy_merges_it_into_the_bucket_policy() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "GET":
            return error(404, "NoSuchBucketPolicy")
        return MockResponse(204)

    client, transport = mock_client(handler)
    async with client:
        await bucketconfig.set_policy(
            client.requester, "bkt", prefix="pub/", policy=aiominio.Policy.READONLY
        )
    get, put = transport.requests
    assert (get.method, put.method) == ("GET", "PUT")
    statements = json.loads(put.body)["Statement"]
    assert statements and all(s["Effect"] == "Allow" for s in statements)


async def test_the_last_grant_removed_deletes_the_policy() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "GET":
            return error(404, "NoSuchBucketPolicy")
        return MockResponse(204)

    client, transport = mock_client(handler)
    async with client:
        await bucketconfig.set_policy(
            client.requester, "bkt", prefix="", policy=aiominio.Policy.NONE
        )
    assert [r.method for r in transport.requests] == ["GET", "DELETE"]

"""Presigning through the client: no request when the region is known, the signature and
expiry in the URL."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from tests.unit.mock_client import answer, mock_client

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


async def test_presigned_get_object_is_signed_for_the_client_region() -> None:
    client, transport = mock_client(answer(), region="eu-west-1")
    async with client:
        url = await client.presigned_get_object("bkt", "a b", 600, request_date=WHEN)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert (parts.netloc, parts.path) == ("s3.test", "/bkt/a%20b")
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Credential"] == ["AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request"]
    assert len(query["X-Amz-Signature"][0]) == 64
    assert transport.requests == []  # presigning is local


async def test_a_post_policy_gives_the_form_fields() -> None:
    client, _ = mock_client(answer())
    async with client:
        policy = client.new_post_policy()
        policy.set_bucket("bkt")
        policy.set_key("up/k")
        policy.set_expires(datetime(2030, 1, 1, tzinfo=timezone.utc))
        url, fields = await client.presigned_post_policy(policy)
    assert url == "http://s3.test/bkt"
    assert fields["key"] == "up/k"
    assert {"policy", "x-amz-signature", "x-amz-credential"} <= set(fields)

"""The presigning operations over a requester: the bucket's region is asked for once when the
client was given none, and the URL is signed for it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from aiominio.ops import presigning
from tests.unit.mock_client import answer, mock_client

LOCATION = b"<LocationConstraint>ap-south-1</LocationConstraint>"


async def test_the_region_is_asked_once_and_signed_for() -> None:
    client, transport = mock_client(answer(LOCATION), region=None)
    async with client:
        urls = [
            await presigning.presigned_url(client.requester, "bkt", "k", method="GET", expiry=60)
            for _ in range(2)
        ]
    assert [r.query for r in transport.requests] == [{"location": ""}]
    for url in urls:
        credential = parse_qs(urlsplit(url).query)["X-Amz-Credential"][0]
        assert credential.split("/")[2] == "ap-south-1"

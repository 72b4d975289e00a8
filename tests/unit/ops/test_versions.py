"""The versioning operations over a requester: the listing pages on both cursors."""

from __future__ import annotations

from aiominio.ops import versions
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import mock_client


def page(truncated: bool, version: str, cursor: str = "") -> bytes:
    return (
        f"<ListVersionsResult><IsTruncated>{str(truncated).lower()}</IsTruncated>{cursor}"
        f"<Version><Key>k{version}</Key><VersionId>{version}</VersionId><Size>1</Size></Version>"
        "</ListVersionsResult>"
    ).encode()


async def test_the_listing_follows_both_markers() -> None:
    first = page(
        True, "v1", "<NextKeyMarker>k1</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker>"
    )

    def handler(request: MockRequest) -> MockResponse:
        if "key-marker" in request.query:
            return MockResponse(200, {}, page(False, "v2"))
        return MockResponse(200, {}, first)

    client, transport = mock_client(handler)
    async with client:
        found = [
            v.version_id
            async for v in versions.list_object_versions(
                client.requester, "bkt", prefix="", recursive=True, page_size=1
            )
        ]
    assert found == ["v1", "v2"]
    second = transport.requests[1].query
    assert (second["key-marker"], second["version-id-marker"], second["max-keys"]) == (
        "k1",
        "v1",
        "1",
    )

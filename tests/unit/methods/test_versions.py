"""Bucket versioning and the listing of versions through the client."""

from __future__ import annotations

import aiominio
from tests.unit.mock_client import answer, mock_client

VERSIONS = (
    b"<ListVersionsResult><IsTruncated>false</IsTruncated>"
    b"<Version><Key>k</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest><Size>2</Size>"
    b"</Version><DeleteMarker><Key>k</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest>"
    b"</DeleteMarker></ListVersionsResult>"
)


async def test_set_and_get_bucket_versioning() -> None:
    doc = b"<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"
    client, transport = mock_client(answer(doc))
    async with client:
        await client.set_bucket_versioning("bkt", aiominio.Versioning.ENABLED)
        assert await client.get_bucket_versioning("bkt") is aiominio.Versioning.SUSPENDED
    put, get = transport.requests
    assert (put.method, put.query, get.method) == ("PUT", {"versioning": ""}, "GET")
    assert b"<Status>Enabled</Status>" in put.body


async def test_list_object_versions_gives_versions_and_delete_markers() -> None:
    client, transport = mock_client(answer(VERSIONS))
    async with client:
        found = [v async for v in client.list_object_versions("bkt", recursive=True)]
    assert [(v.version_id, v.is_delete_marker) for v in found] == [("v2", False), ("v1", True)]
    assert "versions" in transport.requests[0].query

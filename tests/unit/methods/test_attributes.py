"""GetObjectAttributes through the client: the attributes asked for and the answer read."""

from __future__ import annotations

from tests.unit.mock_client import answer, mock_client

BODY = (
    b"<GetObjectAttributesResponse><ETag>abc</ETag><ObjectSize>42</ObjectSize>"
    b"<StorageClass>STANDARD</StorageClass></GetObjectAttributesResponse>"
)


async def test_get_object_attributes_asks_for_them_and_reads_them() -> None:
    client, transport = mock_client(answer(BODY))
    async with client:
        attrs = await client.get_object_attributes("bkt", "k", version_id="v1")
    assert (attrs.etag, attrs.size, attrs.storage_class) == ("abc", 42, "STANDARD")
    (request,) = transport.requests
    assert (request.method, request.path) == ("GET", "/bkt/k")
    assert request.query == {"attributes": "", "versionId": "v1"}
    assert "ObjectSize" in (request.header("x-amz-object-attributes") or "")

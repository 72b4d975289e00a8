"""The copy operation over a requester: one CopyObject for a small source, UploadPartCopy in
ranges pinned to the source's ETag above the part size."""

from __future__ import annotations

from aiominio.ops import copy
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import mock_client

MiB = 1 << 20
INITIATED = b"<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>"


def server(size: int) -> object:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(200, {"Content-Length": str(size), "ETag": '"src-etag"'})
        if request.method == "GET" and "tagging" in request.query:  # tags copied over
            return MockResponse(200, {}, b"<Tagging><TagSet/></Tagging>")
        if request.method == "POST" and "uploads" in request.query:
            return MockResponse(200, {}, INITIATED)
        if request.method == "POST":
            return MockResponse(
                200,
                {},
                b"<CompleteMultipartUploadResult><ETag>&quot;m-3&quot;</ETag>"
                b"</CompleteMultipartUploadResult>",
            )
        if "partNumber" in request.query:
            return MockResponse(
                200, {}, b"<CopyPartResult><ETag>&quot;p&quot;</ETag></CopyPartResult>"
            )
        return MockResponse(
            200, {}, b"<CopyObjectResult><ETag>&quot;c&quot;</ETag></CopyObjectResult>"
        )

    return handler


async def test_a_small_source_is_one_copy() -> None:
    client, transport = mock_client(server(3))  # type: ignore[arg-type]
    async with client:
        result = await copy.copy_object(
            client.requester, "bkt", "dst", source_bucket="src", source_key="k", headers={}
        )
    assert result.etag == "c"
    puts = [r for r in transport.requests if r.method == "PUT"]
    assert [r.header("x-amz-copy-source") for r in puts] == ["/src/k"]


async def test_above_the_part_size_the_parts_are_copied_by_range() -> None:
    client, transport = mock_client(server(12 * MiB))  # type: ignore[arg-type]
    async with client:
        result = await copy.copy_object(
            client.requester,
            "bkt",
            "dst",
            source_bucket="src",
            source_key="k",
            headers={},
            part_size=5 * MiB,
        )
    assert result.etag == "m-3"
    parts = sorted(
        (
            int(r.query["partNumber"]),
            r.header("x-amz-copy-source-range"),
            r.header("x-amz-copy-source-if-match"),
        )
        for r in transport.requests
        if "partNumber" in r.query
    )
    assert parts == [
        (1, f"bytes=0-{5 * MiB - 1}", '"src-etag"'),
        (2, f"bytes={5 * MiB}-{10 * MiB - 1}", '"src-etag"'),
        (3, f"bytes={10 * MiB}-{12 * MiB - 1}", '"src-etag"'),
    ]


async def test_destination_conditions_go_on_the_copy_or_on_the_completion() -> None:
    for size, part_size, carrier in [(3, None, "PUT"), (12 * MiB, 5 * MiB, "POST")]:
        client, transport = mock_client(server(size))  # type: ignore[arg-type]
        async with client:
            await copy.copy_object(
                client.requester,
                "bkt",
                "dst",
                source_bucket="src",
                source_key="k",
                headers={},
                part_size=part_size,
                conditions={"If-None-Match": "*"},
            )
        conditional = [
            (r.method, "uploadId" in r.query, "partNumber" in r.query)
            for r in transport.requests
            if r.header("If-None-Match") == "*"
        ]
        # Only the request that writes the object carries it: not the HEAD of the source, the
        # initiation or the part copies.
        assert conditional == [(carrier, carrier == "POST", False)]

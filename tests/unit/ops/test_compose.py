"""The compose operation over a requester: each source's size asked for, then one part copied
from each, in order."""

from __future__ import annotations

from aiominio.core.compose import ComposeSource
from aiominio.ops import compose
from tests.unit.mock_client import mock_client
from tests.unit.ops.test_copy import MiB, server


async def test_each_source_is_a_part_copied_from_it() -> None:
    client, transport = mock_client(server(6 * MiB))  # type: ignore[arg-type]
    sources = [ComposeSource("src", "a"), ComposeSource("src", "b", offset=MiB)]
    async with client:
        result = await compose.compose_object(
            client.requester,
            "bkt",
            "whole",
            sources=sources,
            headers={},
            part_size=None,
            concurrency=2,
        )
    assert result.etag == "m-3"
    heads = [r.path for r in transport.requests if r.method == "HEAD"]
    assert heads[:2] == ["/src/a", "/src/b"]  # then, maybe, the result's own stat
    parts = sorted(
        (
            int(r.query["partNumber"]),
            r.header("x-amz-copy-source"),
            r.header("x-amz-copy-source-range"),
        )
        for r in transport.requests
        if "partNumber" in r.query
    )
    assert parts == [
        (1, "/src/a", f"bytes=0-{6 * MiB - 1}"),
        (2, "/src/b", f"bytes={MiB}-{6 * MiB - 1}"),
    ]

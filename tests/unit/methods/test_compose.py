"""compose_object through the client: sources checked before any request, the parts copied."""

from __future__ import annotations

import pytest

import aiominio
from tests.unit.mock_client import answer, mock_client
from tests.unit.ops.test_copy import MiB, server


async def test_no_sources_is_refused_before_any_request() -> None:
    client, transport = mock_client(answer())
    async with client:
        with pytest.raises(aiominio.InvalidArgument):
            await client.compose_object("bkt", "whole", [])
    assert transport.requests == []


async def test_two_sources_make_a_multipart_copy() -> None:
    client, transport = mock_client(server(6 * MiB))  # type: ignore[arg-type]
    sources = [aiominio.ComposeSource("src", "a"), aiominio.ComposeSource("src", "b")]
    async with client:
        await client.compose_object("bkt", "whole", sources)
    (complete,) = [r for r in transport.requests if r.query == {"uploadId": "u"}]
    assert complete.method == "POST"
    assert complete.body.count(b"<Part>") == 2

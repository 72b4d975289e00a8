"""The removal methods of the client (:mod:`aiominio.methods.removal`) through a mock
transport: the request each sends and the answer each reads."""

from __future__ import annotations

import pytest

import aiominio
from tests.unit.mock_client import answer, error, mock_client


async def test_remove_object_is_a_delete_of_the_key() -> None:
    client, transport = mock_client(answer(status=204))
    async with client:
        await client.remove_object("bkt", "k")
    assert [(r.method, r.path) for r in transport.requests] == [("DELETE", "/bkt/k")]


async def test_remove_objects_reports_the_keys_not_deleted() -> None:
    body = (
        b"<DeleteResult><Deleted><Key>a</Key></Deleted>"
        b"<Error><Key>b</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
        b"</DeleteResult>"
    )
    client, transport = mock_client(answer(body))
    async with client:
        errors = await client.remove_objects("bkt", ["a", "b"])
    assert [(e.key, e.code) for e in errors] == [("b", "AccessDenied")]
    (request,) = transport.requests
    assert (request.method, request.query) == ("POST", {"delete": ""})


async def test_an_error_answer_is_raised_typed() -> None:
    client, _ = mock_client(lambda request: error(403, "AccessDenied"))
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.remove_object("bkt", "k")


async def test_remove_object_if_match_sends_the_quoted_etag() -> None:
    client, transport = mock_client(answer(status=204))
    async with client:
        await client.remove_object("bkt", "k", if_match="abc")
        await client.remove_object("bkt", "k")
    assert [r.header("If-Match") for r in transport.requests] == ['"abc"', None]

"""The ACL and restore methods of the client (:mod:`aiominio.methods.acl`) through a mock
transport: the request each sends and the answer each reads."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse
from tests.unit.mock_client import answer, error, mock_client

POLICY = (
    b"<AccessControlPolicy><Owner><ID>o1</ID></Owner><AccessControlList><Grant>"
    b"<Grantee><ID>o1</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>"
    b"</AccessControlList></AccessControlPolicy>"
)


async def test_get_object_acl_reads_the_policy_of_the_version() -> None:
    client, transport = mock_client(answer(POLICY))
    async with client:
        read = await client.get_object_acl("bkt", "k", version_id="v1")
    assert (read.owner.id, read.canned) == ("o1", "private")
    (request,) = transport.requests
    assert (request.method, request.path, request.query) == (
        "GET",
        "/bkt/k",
        {"acl": "", "versionId": "v1"},
    )


async def test_set_object_acl_sends_the_canned_acl() -> None:
    client, transport = mock_client(answer())
    async with client:
        await client.set_object_acl("bkt", "k", "public-read")
    (request,) = transport.requests
    assert (request.method, request.query, request.header("x-amz-acl")) == (
        "PUT",
        {"acl": ""},
        "public-read",
    )


@pytest.mark.parametrize(("status", "started"), [(202, True), (200, False)])
async def test_restore_object_posts_a_restore_request(status: int, started: bool) -> None:
    client, transport = mock_client(answer(status=status))
    async with client:
        assert await client.restore_object("bkt", "k", days=3, tier="Expedited") is started
    (request,) = transport.requests
    assert (request.method, request.query) == ("POST", {"restore": ""})
    assert b"<Days>3</Days>" in request.body and b"<Tier>Expedited</Tier>" in request.body
    assert request.header("Content-MD5")


async def test_a_restore_of_an_object_not_archived_raises_the_servers_code() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return error(403, "InvalidObjectState")

    client, _ = mock_client(handler)
    async with client:
        with pytest.raises(aiominio.S3Error) as caught:
            await client.restore_object("bkt", "k")
    assert caught.value.code == "InvalidObjectState"

"""The ACL and restore operations over a requester (:mod:`aiominio.ops.acl`)."""

from __future__ import annotations

from aiominio.ops import acl
from tests.unit.mock_client import answer, mock_client


async def test_a_restore_of_the_latest_version_names_no_version() -> None:
    client, transport = mock_client(answer(status=202))
    async with client:
        assert await acl.restore_object(client.requester, "bkt", "k", days=1, tier=None)
        await acl.set_object_acl(client.requester, "bkt", "k", acl="private", version_id="v")
    restore, put = transport.requests
    assert restore.query == {"restore": ""}
    assert b"GlacierJobParameters" not in restore.body
    assert put.query == {"acl": "", "versionId": "v"}

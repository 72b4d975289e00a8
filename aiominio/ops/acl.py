"""An object's canned ACL, read and set, and the restore of an archived object."""

from __future__ import annotations

from aiominio.core import checksums
from aiominio.core.acl import build_restore_request, parse_acl
from aiominio.models import ObjectAcl
from aiominio.ops.objects import version_query
from aiominio.request import Query, Request
from aiominio.requester import Requester

_ACL: Query = (("acl", ""),)


async def get_object_acl(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> ObjectAcl:
    """GetObjectAcl."""
    resp = await req.send(Request("GET", bucket, key, query=_ACL + version_query(version_id)))
    return parse_acl(resp.body)


async def set_object_acl(
    req: Requester, bucket: str, key: str, *, acl: str, version_id: str | None = None
) -> None:
    """PutObjectAcl with a canned ACL (``x-amz-acl``, checked already)."""
    await req.send(
        Request(
            "PUT",
            bucket,
            key,
            query=_ACL + version_query(version_id),
            headers={"x-amz-acl": acl},
        )
    )


async def restore_object(
    req: Requester,
    bucket: str,
    key: str,
    *,
    days: int | None,
    tier: str | None,
    version_id: str | None = None,
) -> bool:
    """RestoreObject: True when a restore started (202), False when the object was restored
    already (200: the days are what changes)."""
    body = build_restore_request(days, tier)
    headers = {"Content-MD5": checksums.md5_b64(body), "Content-Type": "application/xml"}
    query = (("restore", ""), *version_query(version_id))
    resp = await req.send(Request("POST", bucket, key, query=query, headers=headers, body=body))
    return resp.status == 202

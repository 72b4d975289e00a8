"""Object lock: a bucket's lock configuration, an object version's retention and legal hold."""

from __future__ import annotations

from aiominio.core import checksums
from aiominio.core.objectlock import (
    BYPASS_GOVERNANCE_HEADER,
    ObjectLockConfig,
    Retention,
    build_legal_hold,
    build_lock_config,
    build_no_retention,
    build_retention,
    parse_legal_hold,
    parse_lock_config,
    parse_retention,
)
from aiominio.errors import S3Error
from aiominio.ops.objects import version_query
from aiominio.request import Query, Request
from aiominio.requester import Requester

_OBJECT_LOCK: Query = (("object-lock", ""),)
_RETENTION: Query = (("retention", ""),)
_LEGAL_HOLD: Query = (("legal-hold", ""),)
#: What servers answer for an object version with no retention (S3 and MinIO, SeaweedFS)...
_NO_RETENTION = frozenset({"NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"})
#: ...and with no legal hold (S3 and MinIO, SeaweedFS).
_NO_LEGAL_HOLD = frozenset({"NoSuchObjectLockConfiguration", "NoSuchObjectLegalHold"})


def _xml_headers(body: bytes) -> dict[str, str]:
    # S3 requires a Content-MD5 (or a checksum header) on each of these PUTs.
    return {"Content-Type": "application/xml", "Content-MD5": checksums.md5_b64(body)}


async def set_lock_config(req: Requester, bucket: str, *, config: ObjectLockConfig) -> None:
    """PutObjectLockConfiguration."""
    body = build_lock_config(config)
    await req.send(
        Request("PUT", bucket, query=_OBJECT_LOCK, headers=_xml_headers(body), body=body)
    )


async def get_lock_config(req: Requester, bucket: str) -> ObjectLockConfig:
    """GetObjectLockConfiguration (a bucket without lock: ObjectLockConfigurationNotFoundError)."""
    resp = await req.send(Request("GET", bucket, query=_OBJECT_LOCK))
    return parse_lock_config(resp.body)


async def set_retention(
    req: Requester,
    bucket: str,
    key: str,
    *,
    retention: Retention,
    version_id: str | None = None,
    bypass_governance: bool = False,
) -> None:
    """PutObjectRetention."""
    body = build_retention(retention)
    headers = _xml_headers(body)
    if bypass_governance:
        headers[BYPASS_GOVERNANCE_HEADER] = "true"
    query = _RETENTION + version_query(version_id)
    await req.send(Request("PUT", bucket, key, query=query, headers=headers, body=body))


async def clear_retention(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> None:
    """PutObjectRetention without a mode, with the governance bypass."""
    body = build_no_retention()
    headers = {**_xml_headers(body), BYPASS_GOVERNANCE_HEADER: "true"}
    query = _RETENTION + version_query(version_id)
    await req.send(Request("PUT", bucket, key, query=query, headers=headers, body=body))


async def get_retention(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> Retention | None:
    """GetObjectRetention; ``None`` for a version without one."""
    try:
        resp = await req.send(
            Request("GET", bucket, key, query=_RETENTION + version_query(version_id))
        )
    except S3Error as exc:
        if exc.code in _NO_RETENTION:
            return None
        raise
    return parse_retention(resp.body)


async def set_legal_hold(
    req: Requester, bucket: str, key: str, *, enabled: bool, version_id: str | None = None
) -> None:
    """PutObjectLegalHold (ON or OFF)."""
    body = build_legal_hold(enabled)
    query = _LEGAL_HOLD + version_query(version_id)
    await req.send(Request("PUT", bucket, key, query=query, headers=_xml_headers(body), body=body))


async def get_legal_hold(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> bool:
    """GetObjectLegalHold; ``False`` for a version that never had one."""
    try:
        resp = await req.send(
            Request("GET", bucket, key, query=_LEGAL_HOLD + version_query(version_id))
        )
    except S3Error as exc:
        if exc.code in _NO_LEGAL_HOLD:
            return False
        raise
    return parse_legal_hold(resp.body)

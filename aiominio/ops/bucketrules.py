"""Bucket rule documents: lifecycle, default encryption, CORS and replication configuration.

Each is one XML document per bucket, set with PUT (with a ``Content-MD5``, which S3 requires
on PutBucketLifecycleConfiguration and accepts on the others), read with GET (``None`` when the
bucket has none: S3 answers a ``NoSuch...`` code) and removed with DELETE.
"""

from __future__ import annotations

from aiominio.core import checksums
from aiominio.core.bucket_encryption import SseConfig
from aiominio.core.cors import CorsConfig
from aiominio.core.lifecycle import LifecycleConfig
from aiominio.core.replication import ReplicationConfig
from aiominio.errors import S3Error
from aiominio.request import Query, Request
from aiominio.requester import Requester

_LIFECYCLE: Query = (("lifecycle", ""),)
_ENCRYPTION: Query = (("encryption", ""),)
_CORS: Query = (("cors", ""),)
_REPLICATION: Query = (("replication", ""),)


async def _put(req: Requester, bucket: str, *, query: Query, body: bytes) -> None:
    headers = {"Content-MD5": checksums.md5_b64(body), "Content-Type": "application/xml"}
    await req.send(Request("PUT", bucket, query=query, headers=headers, body=body))


async def _get(req: Requester, bucket: str, *, query: Query, missing: str) -> bytes | None:
    """The document, or None when the server answers ``missing`` (the bucket has none)."""
    try:
        resp = await req.send(Request("GET", bucket, query=query))
    except S3Error as exc:
        if exc.code == missing:
            return None
        raise
    return resp.body


async def set_lifecycle(req: Requester, bucket: str, *, config: LifecycleConfig) -> None:
    """PutBucketLifecycleConfiguration (the configuration checked already)."""
    await _put(req, bucket, query=_LIFECYCLE, body=config.to_xml())


async def get_lifecycle(req: Requester, bucket: str) -> LifecycleConfig | None:
    """GetBucketLifecycleConfiguration; None for ``NoSuchLifecycleConfiguration``."""
    body = await _get(req, bucket, query=_LIFECYCLE, missing="NoSuchLifecycleConfiguration")
    return None if body is None else LifecycleConfig.from_xml(body)


async def delete_lifecycle(req: Requester, bucket: str) -> None:
    """DeleteBucketLifecycle."""
    await req.send(Request("DELETE", bucket, query=_LIFECYCLE))


async def set_encryption(req: Requester, bucket: str, *, config: SseConfig) -> None:
    """PutBucketEncryption (the configuration checked already)."""
    await _put(req, bucket, query=_ENCRYPTION, body=config.to_xml())


async def get_encryption(req: Requester, bucket: str) -> SseConfig | None:
    """GetBucketEncryption; None for ``ServerSideEncryptionConfigurationNotFoundError``."""
    body = await _get(
        req, bucket, query=_ENCRYPTION, missing="ServerSideEncryptionConfigurationNotFoundError"
    )
    return None if body is None else SseConfig.from_xml(body)


async def delete_encryption(req: Requester, bucket: str) -> None:
    """DeleteBucketEncryption."""
    await req.send(Request("DELETE", bucket, query=_ENCRYPTION))


async def set_cors(req: Requester, bucket: str, *, config: CorsConfig) -> None:
    """PutBucketCors (the configuration checked already)."""
    await _put(req, bucket, query=_CORS, body=config.to_xml())


async def get_cors(req: Requester, bucket: str) -> CorsConfig | None:
    """GetBucketCors; None for ``NoSuchCORSConfiguration``."""
    body = await _get(req, bucket, query=_CORS, missing="NoSuchCORSConfiguration")
    return None if body is None else CorsConfig.from_xml(body)


async def delete_cors(req: Requester, bucket: str) -> None:
    """DeleteBucketCors."""
    await req.send(Request("DELETE", bucket, query=_CORS))


async def set_replication(req: Requester, bucket: str, *, config: ReplicationConfig) -> None:
    """PutBucketReplication (the configuration checked already)."""
    await _put(req, bucket, query=_REPLICATION, body=config.to_xml())


async def get_replication(req: Requester, bucket: str) -> ReplicationConfig | None:
    """GetBucketReplication; None for ``ReplicationConfigurationNotFoundError``."""
    body = await _get(
        req, bucket, query=_REPLICATION, missing="ReplicationConfigurationNotFoundError"
    )
    return None if body is None else ReplicationConfig.from_xml(body)


async def delete_replication(req: Requester, bucket: str) -> None:
    """DeleteBucketReplication."""
    await req.send(Request("DELETE", bucket, query=_REPLICATION))

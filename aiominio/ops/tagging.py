"""Tags: an object's (or one version's) and a bucket's, set, read and removed."""

from __future__ import annotations

from collections.abc import Mapping

from aiominio.core import checksums, xml
from aiominio.errors import S3Error
from aiominio.ops.objects import version_query
from aiominio.request import Query, Request
from aiominio.requester import Requester

_TAGGING: Query = (("tagging", ""),)


def _query(version_id: str | None) -> Query:
    return _TAGGING + version_query(version_id)


async def _put_tagging(
    req: Requester, bucket: str, key: str | None, *, tags: Mapping[str, str], query: Query
) -> None:
    body = xml.build_tagging(tags)
    # S3 requires a Content-MD5 (or a checksum header) on PutObjectTagging and PutBucketTagging.
    headers = {"Content-MD5": checksums.md5_b64(body), "Content-Type": "application/xml"}
    await req.send(Request("PUT", bucket, key, query=query, headers=headers, body=body))


async def set_object_tags(
    req: Requester,
    bucket: str,
    key: str,
    *,
    tags: Mapping[str, str],
    version_id: str | None = None,
) -> None:
    """PutObjectTagging: replace the object's tags (checked already)."""
    await _put_tagging(req, bucket, key, tags=tags, query=_query(version_id))


async def get_object_tags(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> dict[str, str]:
    """GetObjectTagging."""
    resp = await req.send(Request("GET", bucket, key, query=_query(version_id)))
    return xml.parse_tagging(resp.body)


async def delete_object_tags(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> None:
    """DeleteObjectTagging."""
    await req.send(Request("DELETE", bucket, key, query=_query(version_id)))


async def set_bucket_tags(req: Requester, bucket: str, *, tags: Mapping[str, str]) -> None:
    """PutBucketTagging: replace the bucket's tags (checked already)."""
    await _put_tagging(req, bucket, None, tags=tags, query=_TAGGING)


async def get_bucket_tags(req: Requester, bucket: str) -> dict[str, str]:
    """GetBucketTagging; a bucket without tags (S3's ``NoSuchTagSet``) has none: ``{}``."""
    try:
        resp = await req.send(Request("GET", bucket, query=_TAGGING))
    except S3Error as exc:
        if exc.code == "NoSuchTagSet":
            return {}
        raise
    return xml.parse_tagging(resp.body)


async def delete_bucket_tags(req: Requester, bucket: str) -> None:
    """DeleteBucketTagging."""
    await req.send(Request("DELETE", bucket, query=_TAGGING))

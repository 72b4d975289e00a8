"""Objects: describe (HEAD) and remove, one or many."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping

from aiominio.core import checksums, xml
from aiominio.core.conditions import check_version_id
from aiominio.core.headers import stat_from_headers
from aiominio.core.objectlock import BYPASS_GOVERNANCE_HEADER
from aiominio.core.options import LATEST, ReadOptions
from aiominio.core.sse import SseCustomerKey
from aiominio.core.validation import MAX_KEYS, check_object_key
from aiominio.errors import InvalidArgument, InvalidResponseError, NoSuchBucket, NoSuchKey, S3Error
from aiominio.models import DeleteError, ObjectStat, ObjectVersion
from aiominio.ops.buckets import bucket_exists
from aiominio.request import Request
from aiominio.requester import Requester

#: What ``remove_objects`` removes: a key (its latest version), a ``(key, version_id)`` pair or
#: an :class:`ObjectVersion` from ``list_object_versions`` (that version, or delete marker).
ToDelete = str | tuple[str, str | None] | ObjectVersion


def version_query(version_id: str | None) -> tuple[tuple[str, str], ...]:
    """The query that names a version of an object (none for the latest)."""
    return (("versionId", version_id),) if version_id else ()


async def stat_object(
    req: Requester,
    bucket: str,
    key: str,
    *,
    read: ReadOptions = LATEST,
    checksum_mode: bool = False,
) -> ObjectStat:
    """HeadObject; a missing bucket is told apart from a missing key. With ``checksum_mode`` the
    answer carries the object's stored checksums (``x-amz-checksum-*``) too; ``read`` names the
    version, If-* conditions (a 412 is PreconditionFailed, a 304 NotModified) and the SSE-C key
    of an object encrypted with one."""
    headers = read.headers()
    if checksum_mode:
        headers["x-amz-checksum-mode"] = "ENABLED"
    try:
        resp = await req.send(Request("HEAD", bucket, key, query=read.query(), headers=headers))
    except NoSuchKey as exc:
        # A HEAD answer has no body to say which is missing; ask, on this error path only.
        if not await bucket_exists(req, bucket):
            raise NoSuchBucket(
                "NoSuchBucket",
                "The specified bucket does not exist",
                status=404,
                request_id=exc.request_id,
                bucket=bucket,
                key=key,
            ) from exc
        raise
    return stat_from_headers(resp.headers)


async def stat_written(
    req: Requester,
    bucket: str,
    key: str,
    *,
    version_id: str | None,
    what: str,
    sse: SseCustomerKey | None = None,
) -> ObjectStat:
    """HeadObject of an object just written, for what the write's answer left out (an empty
    ETag, no LastModified): of the version that answer named, if it named one. ``what`` names
    the write in the error raised when the HEAD has no ETag either."""
    # "null" (an unversioned bucket's version, as moto names it) is the latest one; moto refuses
    # a HEAD that asks for it by that name.
    named = version_id if version_id != "null" else None
    stat = await stat_object(req, bucket, key, read=ReadOptions(named, sse=sse))
    if not stat.etag:
        raise InvalidResponseError(f"{what} of {bucket}/{key}: no ETag in the answer nor a HEAD")
    return stat


async def remove_object(
    req: Requester,
    bucket: str,
    key: str,
    *,
    version_id: str | None = None,
    bypass_governance: bool = False,
    conditions: Mapping[str, str] | None = None,
) -> None:
    """DeleteObject (past a governance-mode retention with ``bypass_governance``; only while
    the ``If-Match`` of ``conditions`` holds)."""
    headers = {**(conditions or {})}
    if bypass_governance:
        headers[BYPASS_GOVERNANCE_HEADER] = "true"
    await req.send(Request("DELETE", bucket, key, query=version_query(version_id), headers=headers))


def delete_target(item: object) -> tuple[str, str | None]:
    """The key and version (``None``: the latest) that one item of ``remove_objects`` names.

    Raises:
        TypeError: an item that is not a key, a pair or an ObjectVersion.
        InvalidArgument: a bad key or version id, a common prefix (not an object).
    """
    if isinstance(item, str):
        return check_object_key(item), None
    if isinstance(item, ObjectVersion):
        if item.is_dir:
            raise InvalidArgument(f"a common prefix is not an object version: {item.key!r}")
        return check_object_key(item.key), check_version_id(item.version_id)
    if isinstance(item, tuple) and len(item) == 2:
        return check_object_key(item[0]), check_version_id(item[1])
    raise TypeError(
        "each key to remove must be a str, a (key, version_id) pair or an ObjectVersion, "
        f"not {type(item).__name__}"
    )


async def remove_objects(
    req: Requester, bucket: str, *, keys: Iterable[ToDelete] | AsyncIterable[ToDelete]
) -> list[DeleteError]:
    """DeleteObjects, 1,000 keys (or versions) a request; each is checked as it comes.

    A key that no XML document can carry exactly (a C0 control other than tab, LF and CR) is
    deleted with a DeleteObject of its own, where the key travels percent-encoded in the URL;
    its failure is reported as a :class:`DeleteError` too."""
    errors: list[DeleteError] = []
    batch: list[tuple[str, str | None]] = []
    async for item in _aiter_keys(keys):
        key, version = delete_target(item)
        if not xml.xml_carries(key):
            try:
                await remove_object(req, bucket, key, version_id=version)
            except S3Error as exc:
                errors.append(
                    DeleteError(key, exc.code or type(exc).__name__, exc.message, version)
                )
            continue
        batch.append((key, version))
        if len(batch) == MAX_KEYS:
            errors += await _delete_batch(req, bucket, batch)
            batch = []
    if batch:
        errors += await _delete_batch(req, bucket, batch)
    return errors


async def _delete_batch(
    req: Requester, bucket: str, keys: list[tuple[str, str | None]]
) -> list[DeleteError]:
    body = xml.build_delete_objects(keys)
    headers = {"Content-MD5": checksums.md5_b64(body), "Content-Type": "application/xml"}
    resp = await req.send(
        Request("POST", bucket, query=(("delete", ""),), headers=headers, body=body)
    )
    return xml.parse_delete_objects(resp.body)


async def _aiter_keys(
    keys: Iterable[ToDelete] | AsyncIterable[ToDelete],
) -> AsyncIterator[ToDelete]:
    if isinstance(keys, str):
        raise TypeError("keys must be an iterable of keys, not a single str")
    if hasattr(keys, "__aiter__"):
        async for k in keys:
            yield k
    else:
        for k in keys:
            yield k

"""Server-side copy: CopyObject, or UploadPartCopy in parts for sources above 5 GiB."""

from __future__ import annotations

from collections.abc import Mapping

from aiominio.core import planning, signing, xml
from aiominio.core.headers import DEFAULT_CONTENT_TYPE, META_PREFIX, STANDARD_HEADER_KEYWORDS
from aiominio.core.options import ReadOptions, WriteOptions
from aiominio.core.sse import (
    Sse,
    SseCustomerKey,
    copy_source_headers,
    part_headers,
    write_headers,
)
from aiominio.core.tagging import TAGGING_DIRECTIVE, tagging_header
from aiominio.errors import InvalidResponseError
from aiominio.models import CopyResult, ObjectStat, Part
from aiominio.ops.objects import stat_object, stat_written
from aiominio.ops.tagging import get_object_tags
from aiominio.request import Request
from aiominio.requester import Requester, one_deadline
from aiominio.transfer.multipart import (
    abort_quietly,
    aborter,
    complete_multipart,
    create_multipart,
)

#: The header that tells CopyObject to store the metadata sent instead of the source's.
METADATA_DIRECTIVE = "x-amz-metadata-directive"


@one_deadline
async def copy_object(
    req: Requester,
    bucket: str,
    key: str,
    *,
    source_bucket: str,
    source_key: str,
    headers: Mapping[str, str],
    source_version_id: str | None = None,
    part_size: int | None = None,
    source_conditions: Mapping[str, str] | None = None,
    sse: Sse | None = None,
    source_sse: SseCustomerKey | None = None,
    conditions: Mapping[str, str] | None = None,
) -> CopyResult:
    """CopyObject, or UploadPartCopy in parts for sources above 5 GiB (or ``part_size``).

    ``headers`` with :data:`METADATA_DIRECTIVE` ``REPLACE`` replace the source's content type,
    metadata and standard headers; without it they are copied over. Likewise the tags, with
    :data:`~aiominio.core.tagging.TAGGING_DIRECTIVE`. ``source_conditions`` are
    ``x-amz-copy-source-if-*`` headers, sent with the copy or with every part copy (each part
    is pinned to the source's ETag unless they name one).

    ``sse`` encrypts the copy; ``source_sse`` is the SSE-C key of the source (sent as
    ``x-amz-copy-source-server-side-encryption-customer-*``, and with the HEAD of the source).
    ``conditions`` (``If-Match`` / ``If-None-Match``) are on the destination: sent with
    CopyObject, or with the completion of a copy in parts (its parts are copied first, then
    aborted if the condition fails).
    """
    target = dict(conditions or {})
    conditions = {**(source_conditions or {}), **copy_source_headers(source_sse)}
    customer_key = sse if isinstance(sse, SseCustomerKey) else None
    source = "/" + signing.uri_encode(f"{source_bucket}/{source_key}", keep_slash=True)
    if source_version_id:
        source += f"?versionId={signing.uri_encode(source_version_id)}"
    limit = part_size or planning.MAX_SINGLE_PUT
    stat = await stat_object(
        req, source_bucket, source_key, read=ReadOptions(source_version_id, sse=source_sse)
    )
    planning.check_object_size(stat.size, f"the source {source_bucket}/{source_key}")
    in_place = (bucket, key) == (source_bucket, source_key) and not source_version_id
    if in_place and METADATA_DIRECTIVE not in headers:
        # An object copied onto itself (to change its storage class or encryption): some
        # servers (SeaweedFS) take that only with REPLACE, so the stored headers are sent again.
        headers = {**_stored_headers(stat), **headers, METADATA_DIRECTIVE: "REPLACE"}
    if stat.size <= limit:
        resp = await req.send(
            Request(
                "PUT",
                bucket,
                key,
                headers={
                    **headers,
                    **conditions,
                    **target,
                    **write_headers(sse),
                    "x-amz-copy-source": source,
                },
                error_document=True,
            )
        )
        result = xml.parse_copy_result(resp.body)
        version_id = resp.headers.get("x-amz-version-id")
        return await _completed(req, bucket, key, result, version_id, customer_key)
    # A multipart copy starts a new object: what CopyObject would copy over is carried by hand.
    if METADATA_DIRECTIVE not in headers:
        headers = {**_stored_headers(stat), **headers}
    if TAGGING_DIRECTIVE not in headers:
        source_tags = await get_object_tags(
            req, source_bucket, source_key, version_id=source_version_id
        )
        headers = {**headers, **tagging_header(source_tags)}
    headers = {k: v for k, v in headers.items() if k not in (METADATA_DIRECTIVE, TAGGING_DIRECTIVE)}
    psize = planning.plan_part_size(stat.size, part_size)
    write = WriteOptions(headers, sse, target)
    upload = await create_multipart(req, bucket, key, write=write, integrity=None)
    forget = req.on_close(aborter(upload))  # client closed mid-copy: abort, leave no parts
    try:
        parts = []
        for number, (offset, length) in enumerate(planning.part_ranges(stat.size, psize), 1):
            resp = await req.send(
                Request(
                    "PUT",
                    bucket,
                    key,
                    query=(("partNumber", str(number)), ("uploadId", upload.upload_id)),
                    headers={
                        "x-amz-copy-source-if-match": f'"{stat.etag}"',
                        **conditions,
                        **part_headers(sse),
                        "x-amz-copy-source": source,
                        "x-amz-copy-source-range": planning.range_header(offset, length),
                    },
                    error_document=True,
                )
            )
            etag = xml.parse_copy_result(resp.body).etag
            if not etag:
                raise InvalidResponseError(f"part {number} of copying to {bucket}/{key}: no ETag")
            parts.append(Part(number, etag, length))
        put = await complete_multipart(req, upload, parts)
    except BaseException:
        await abort_quietly(req, upload)
        raise
    finally:
        forget()
    # CompleteMultipartUpload does not say when the object was written.
    return await _completed(req, bucket, key, CopyResult(put.etag), put.version_id, customer_key)


def _stored_headers(stat: ObjectStat) -> dict[str, str]:
    """The headers that store the content type, metadata and standard headers ``stat`` shows."""
    headers = {
        "Content-Type": stat.content_type or DEFAULT_CONTENT_TYPE,
        **{META_PREFIX + k: v for k, v in stat.metadata.items()},
    }
    answer = stat.headers or {}
    for name in STANDARD_HEADER_KEYWORDS:
        if name not in ("content-type", "x-amz-tagging") and answer.get(name):
            headers[name] = answer[name]
    return headers


async def _completed(
    req: Requester,
    bucket: str,
    key: str,
    answer: CopyResult,
    version_id: str | None,
    sse: SseCustomerKey | None,
) -> CopyResult:
    """The copy's result with what its answer left out (the ETag, the time) from a HEAD."""
    if answer.etag and answer.last_modified is not None:
        return CopyResult(answer.etag, answer.last_modified, version_id)
    stat = await stat_written(req, bucket, key, version_id=version_id, what="CopyObject", sse=sse)
    return CopyResult(
        answer.etag or stat.etag, answer.last_modified or stat.last_modified, version_id
    )

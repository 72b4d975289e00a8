"""Server-side copy: CopyObject, or UploadPartCopy in parts for sources above 5 GiB."""

from __future__ import annotations

from collections.abc import Mapping

from aiominio.core import planning, signing, xml
from aiominio.core.headers import DEFAULT_CONTENT_TYPE, META_PREFIX
from aiominio.models import CopyResult, Part
from aiominio.ops.multipart import abort_quietly, complete_multipart, create_multipart
from aiominio.ops.objects import stat_object
from aiominio.requester import Requester

#: The header that tells CopyObject to store the metadata sent instead of the source's.
METADATA_DIRECTIVE = "x-amz-metadata-directive"


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
) -> CopyResult:
    """CopyObject, or UploadPartCopy in parts for sources above 5 GiB (or ``part_size``).

    ``headers`` with :data:`METADATA_DIRECTIVE` ``REPLACE`` replace the source's content type and
    metadata; without it they are copied over.
    """
    source = "/" + signing.uri_encode(f"{source_bucket}/{source_key}", keep_slash=True)
    if source_version_id:
        source += f"?versionId={signing.uri_encode(source_version_id)}"
    limit = part_size or planning.MAX_SINGLE_PUT
    stat = await stat_object(req, source_bucket, source_key, version_id=source_version_id)
    if stat.size <= limit:
        resp = await req.execute(
            "PUT",
            bucket,
            key,
            headers={**headers, "x-amz-copy-source": source},
            error_document=True,
        )
        result = xml.parse_copy_result(resp.body)
        return CopyResult(result.etag, result.last_modified, resp.headers.get("x-amz-version-id"))
    if METADATA_DIRECTIVE not in headers:
        # A multipart copy starts a new object: carry the source's type and metadata over.
        headers = {
            "Content-Type": stat.content_type or DEFAULT_CONTENT_TYPE,
            **{META_PREFIX + k: v for k, v in stat.metadata.items()},
        }
    headers = {k: v for k, v in headers.items() if k != METADATA_DIRECTIVE}
    psize = planning.plan_part_size(stat.size, part_size)
    upload = await create_multipart(req, bucket, key, headers=headers, integrity=None)
    try:
        parts = []
        for number, (offset, length) in enumerate(planning.part_ranges(stat.size, psize), 1):
            resp = await req.execute(
                "PUT",
                bucket,
                key,
                query=(("partNumber", str(number)), ("uploadId", upload.upload_id)),
                headers={
                    "x-amz-copy-source": source,
                    "x-amz-copy-source-range": planning.range_header(offset, length),
                    "x-amz-copy-source-if-match": f'"{stat.etag}"',
                },
                error_document=True,
            )
            parts.append(Part(number, xml.parse_copy_result(resp.body).etag, length))
        put = await complete_multipart(req, upload, parts)
    except BaseException:
        await abort_quietly(req, upload)
        raise
    return CopyResult(put.etag, None, put.version_id)

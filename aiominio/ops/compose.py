"""Compose: a new object concatenated on the server from ranges of others (UploadPartCopy)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import TypeVar

from aiominio.core import planning, signing, xml
from aiominio.core.checksums import Integrity
from aiominio.core.compose import ComposeSource, PartCopy, plan_compose
from aiominio.core.options import ReadOptions, WriteOptions
from aiominio.core.sse import Sse, SseCustomerKey, copy_source_headers, part_headers
from aiominio.errors import InvalidResponseError
from aiominio.models import CopyResult, ObjectStat, Part
from aiominio.ops.objects import stat_object, stat_written
from aiominio.request import Request
from aiominio.requester import Requester, one_deadline
from aiominio.transfer.multipart import (
    MultipartUpload,
    abort_quietly,
    aborter,
    complete_multipart,
    create_multipart,
)

T = TypeVar("T")
#: A source object: bucket, key, version id.
_Object = tuple[str, str, str | None]


@one_deadline
async def compose_object(
    req: Requester,
    bucket: str,
    key: str,
    *,
    sources: Sequence[ComposeSource],
    headers: Mapping[str, str],
    part_size: int | None,
    concurrency: int,
    sse: Sse | None = None,
    integrity: Integrity | None = None,
) -> CopyResult:
    """Concatenate ``sources`` (checked already) into ``bucket``/``key``.

    Each source object is described first (HEAD, once however many ranges of it are used), the
    part copies are planned and checked, and only then is the multipart upload created. Every
    part copy is pinned to its source's ETag (``x-amz-copy-source-if-match``): a source written
    over meanwhile fails the compose with PreconditionFailed instead of mixing two versions.
    On any failure or cancellation the upload is aborted. ``sse`` encrypts the new object; a
    source's own SSE-C key reads it. With ``integrity`` (a checksum algorithm, not ``md5``) the
    upload asks the server to keep that checksum: each part copy's answer names its part's,
    and the completion lists them (and, for a CRC the server keeps whole, their combination).
    """
    keys = {(s.bucket, s.key, s.version_id): s.sse for s in reversed(sources)}
    objects = list(dict.fromkeys((s.bucket, s.key, s.version_id) for s in sources))
    stats = await _bounded(
        concurrency,
        [
            partial(stat_object, req, o[0], o[1], read=ReadOptions(o[2], sse=keys[o]))
            for o in objects
        ],
    )
    described: dict[_Object, ObjectStat] = dict(zip(objects, stats, strict=True))
    of_source = [described[(s.bucket, s.key, s.version_id)] for s in sources]
    for src, st in zip(sources, of_source, strict=True):
        planning.check_object_size(st.size, f"the source {src.bucket}/{src.key}")
    plan = plan_compose(sources, [st.size for st in of_source], part_size=part_size)
    write = WriteOptions(headers, sse)
    checksum = integrity if integrity != "md5" else None
    upload = await create_multipart(req, bucket, key, write=write, integrity=checksum)
    forget = req.on_close(aborter(upload))  # client closed mid-compose: abort, leave no parts
    try:
        parts = await _bounded(
            concurrency,
            [
                partial(
                    _copy_part,
                    req,
                    upload,
                    p,
                    sources[p.source],
                    of_source[p.source],
                    sse,
                    checksum,
                )
                for p in plan
            ],
        )
        put = await complete_multipart(req, upload, parts)
    except BaseException:
        await abort_quietly(req, upload)
        raise
    finally:
        forget()
    # CompleteMultipartUpload does not say when the object was written.
    customer_key = sse if isinstance(sse, SseCustomerKey) else None
    stat = await stat_written(
        req, bucket, key, version_id=put.version_id, what="compose", sse=customer_key
    )
    return CopyResult(put.etag or stat.etag, stat.last_modified, put.version_id, put.checksum)


async def _copy_part(
    req: Requester,
    upload: MultipartUpload,
    part: PartCopy,
    source: ComposeSource,
    stat: ObjectStat,
    sse: Sse | None,
    checksum: Integrity | None = None,
) -> Part:
    where = f"part {part.number} of composing {upload.bucket}/{upload.key}"
    copy_source = "/" + signing.uri_encode(f"{source.bucket}/{source.key}", keep_slash=True)
    if source.version_id:
        copy_source += f"?versionId={signing.uri_encode(source.version_id)}"
    resp = await req.send(
        Request(
            "PUT",
            upload.bucket,
            upload.key,
            query=(("partNumber", str(part.number)), ("uploadId", upload.upload_id)),
            headers={
                "x-amz-copy-source": copy_source,
                "x-amz-copy-source-range": planning.range_header(part.offset, part.length),
                "x-amz-copy-source-if-match": f'"{stat.etag}"',
                **copy_source_headers(source.sse),
                **part_headers(sse),
            },
            error_document=True,
        )
    )
    copied = xml.parse_copy_result(resp.body)
    if not copied.etag:
        raise InvalidResponseError(f"{where}: no ETag in the answer")
    named = copied.checksum
    if checksum is None or named is None or named.algorithm.lower() != checksum:
        return Part(part.number, copied.etag, part.length)
    return Part(part.number, copied.etag, part.length, **{f"checksum_{checksum}": named.value})  # type: ignore[arg-type]


async def _bounded(concurrency: int, calls: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    """The results of ``calls``, at most ``concurrency`` running at once, in order; on the
    first failure (or a cancellation) the others are cancelled and waited for."""
    slots = asyncio.Semaphore(concurrency)

    async def run(call: Callable[[], Awaitable[T]]) -> T:
        async with slots:
            return await call()

    tasks = [asyncio.ensure_future(run(call)) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise

"""Files: resumable, verified downloads to a path and resumable uploads from one."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Mapping
from datetime import datetime, timezone

import aiofiles

from aiominio.core import planning
from aiominio.core.checksums import Integrity, is_md5_etag
from aiominio.errors import InvalidArgument, InvalidResponseError, PreconditionFailed
from aiominio.models import ObjectStat, Part, PutResult
from aiominio.ops.integrity import md5_digest
from aiominio.ops.listing import list_parts, uploads_of
from aiominio.ops.multipart import MultipartPlan, MultipartUpload, create_multipart, run_multipart
from aiominio.ops.objects import stat_object
from aiominio.ops.reader import ObjectReader
from aiominio.ops.uploads import put_single
from aiominio.requester import Requester
from aiominio.sources import AsyncFileSource, Progress

_WRITE_CHUNK = 1 << 20


def partial_path(path: str, etag: str) -> str:
    """Where the body of ``path`` is written while it downloads. The ETag is part of the name,
    so a partial file is only ever resumed for the same version of the object."""
    tag = hashlib.sha256(etag.encode()).hexdigest()[:16]
    return f"{path}.{tag}.part"


def _file_md5(path: str) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(_WRITE_CHUNK * 8):
            h.update(chunk)
    return h.hexdigest()


async def download_file(
    req: Requester,
    bucket: str,
    key: str,
    *,
    path: str,
    version_id: str | None = None,
    progress: Progress | None = None,
) -> ObjectStat:
    """Download to ``<path>.<tag>.part`` (resuming it), check it, rename it to ``path``."""
    if os.path.isdir(path):
        raise InvalidArgument(f"file_path is a directory: {path!r}")
    parent = os.path.dirname(os.path.abspath(path))
    for attempt in range(2):
        stat = await stat_object(req, bucket, key, version_id=version_id)
        part = partial_path(path, stat.etag)
        os.makedirs(parent, exist_ok=True)
        try:
            await _fill(req, bucket, key, stat, part, version_id, progress)
        except PreconditionFailed:
            # The object changed since the partial file was started: begin again once.
            with contextlib.suppress(FileNotFoundError):
                os.remove(part)
            if attempt:
                raise
            continue
        have = os.path.getsize(part)
        if have != stat.size:
            raise InvalidResponseError(
                f"downloaded {have} bytes of {bucket}/{key}, expected {stat.size}"
            )
        if is_md5_etag(stat.etag):
            digest = await asyncio.to_thread(_file_md5, part)
            if digest != stat.etag.lower():
                os.remove(part)
                raise InvalidResponseError(
                    f"{bucket}/{key}: downloaded data has MD5 {digest}, the ETag says {stat.etag}"
                )
        os.replace(part, path)
        return stat
    raise AssertionError("unreachable")


async def _fill(
    req: Requester,
    bucket: str,
    key: str,
    stat: ObjectStat,
    part: str,
    version_id: str | None,
    progress: Progress | None,
) -> None:
    offset = os.path.getsize(part) if os.path.exists(part) else 0
    if offset > stat.size:
        os.remove(part)
        offset = 0
    async with aiofiles.open(part, "ab") as out:
        if offset >= stat.size:
            return
        headers = {"If-Match": f'"{stat.etag}"'} if stat.etag else {}
        reader = ObjectReader(
            req, bucket, key, offset=offset, version_id=version_id, headers=headers
        )
        done = offset
        async with reader:
            async for chunk in reader:
                await out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done)


async def upload_file(
    req: Requester,
    bucket: str,
    key: str,
    *,
    path: str,
    headers: Mapping[str, str],
    part_size: int | None,
    concurrency: int,
    threshold: int,
    integrity: Integrity,
    progress: Progress | None = None,
) -> PutResult:
    """Upload a file: one PUT up to ``threshold``, else a multipart upload that resumes an
    interrupted one of the same key (keeping its parts whose MD5 matches the file)."""
    size = os.path.getsize(path)
    if size <= threshold:
        async with aiofiles.open(path, "rb") as f:
            data = await f.read()
        if len(data) != size:
            raise InvalidArgument(f"{path!r} changed size while it was read")
        return await put_single(
            req, bucket, key, data=data, headers=headers, integrity=integrity, progress=progress
        )
    upload, done, psize = await _resumable_upload(req, bucket, key, size, part_size)
    if upload is None:
        upload = await create_multipart(req, bucket, key, headers=headers, integrity=integrity)

    async def unchanged(number: int, chunk: bytes | memoryview) -> bool:
        existing = done.get(number)
        if existing is None or existing.size != len(chunk):
            return False
        return (await md5_digest(chunk)).hex() == existing.etag.lower()

    plan = MultipartPlan(upload, psize, concurrency, integrity, abort_on_error=False, done=done)
    async with aiofiles.open(path, "rb") as f:
        source = AsyncFileSource(f, size)
        return await run_multipart(req, source, plan, progress=progress, skip_part=unchanged)


async def _resumable_upload(
    req: Requester, bucket: str, key: str, size: int, part_size: int | None
) -> tuple[MultipartUpload | None, dict[int, Part], int]:
    """The newest incomplete upload of ``key`` whose part size fits this file, if any."""
    planned = planning.plan_part_size(size, part_size)
    uploads = [u async for u in uploads_of(req, bucket, key)]
    newest = max(
        uploads,
        key=lambda u: u.initiated or datetime.min.replace(tzinfo=timezone.utc),
        default=None,
    )
    if newest is None:
        return None, {}, planned
    parts = await list_parts(req, bucket, key, upload_id=newest.upload_id)
    done = {p.part_number: p for p in parts}
    first = done.get(1)
    psize = planned
    if (
        part_size is None
        and first is not None
        and first.size >= planning.MIN_PART_SIZE
        and -(-size // first.size) <= planning.MAX_PARTS
    ):
        psize = first.size  # keep the earlier attempt's part boundaries
    return MultipartUpload(bucket, key, newest.upload_id), done, psize

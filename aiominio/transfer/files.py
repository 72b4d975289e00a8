"""Files: resumable, verified downloads to a path and resumable uploads from one."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import AsyncIterator, Awaitable
from datetime import datetime, timezone
from stat import S_ISDIR, S_ISREG
from typing import TypeVar

import aiofiles
from aiofiles.threadpool.binary import AsyncBufferedIOBase, AsyncBufferedReader

from aiominio.core import planning
from aiominio.core.checksums import (
    CHECKSUM_ALGORITHMS,
    BodyCheck,
    Integrity,
    RangeCrcs,
    body_check,
    multipart_etag,
    multipart_etag_count,
)
from aiominio.core.options import LATEST, ReadOptions
from aiominio.core.sse import encrypted_view, read_headers
from aiominio.errors import InvalidArgument, InvalidResponseError, PreconditionFailed
from aiominio.models import ObjectStat, Part, PutResult
from aiominio.ops.listing import list_parts, uploads_of
from aiominio.ops.objects import stat_object, version_query
from aiominio.request import Request
from aiominio.requester import Requester, one_deadline
from aiominio.transfer.integrity import md5_digest
from aiominio.transfer.jobs import Download, Upload
from aiominio.transfer.multipart import (
    MultipartPlan,
    MultipartUpload,
    create_multipart,
    run_multipart,
)
from aiominio.transfer.partial import PartialFile, opened, write_body
from aiominio.transfer.partial import partial_path as partial_path  # tests import it from here
from aiominio.transfer.ranged import RangedDownload, contiguous_prefix, remove_record
from aiominio.transfer.reader import ObjectReader, pinned_version
from aiominio.transfer.sources import AsyncFileSource, Progress, ProgressReporter
from aiominio.transfer.uploads import put_object, put_single

_READ_CHUNK = 8 << 20
_File = TypeVar("_File", AsyncBufferedReader, AsyncBufferedIOBase)


@contextlib.asynccontextmanager
async def _opened(opening: Awaitable[_File]) -> AsyncIterator[_File]:
    """An aiofiles file, closed on exit whatever happens.

    aiofiles opens and closes a file by a job for a thread; a cancellation that lands while the
    job waits for a free thread calls the job off, and the file stays open: an open whose file
    is dropped, or a close never done (``tests/integration/test_cancel_files.py`` provokes
    both). Here the open and the close run to their end, shielded, even when the call is
    cancelled meanwhile.
    """
    opening_task = asyncio.ensure_future(opening)
    try:
        f = await asyncio.shield(opening_task)
    except asyncio.CancelledError:
        opening_task.add_done_callback(_close_opened)
        raise
    try:
        yield f
    finally:
        await asyncio.shield(_closing(f))


def _closing(f: AsyncBufferedReader | AsyncBufferedIOBase) -> asyncio.Future[None]:
    """Close ``f`` in a task of its own, which a cancellation of the caller does not reach."""
    return asyncio.ensure_future(f.close())


def _close_opened(
    opening: asyncio.Future[AsyncBufferedReader] | asyncio.Future[AsyncBufferedIOBase],
) -> None:
    if not opening.cancelled() and opening.exception() is None:
        _closing(opening.result())


@one_deadline
async def download_file(
    req: Requester,
    bucket: str,
    key: str,
    *,
    path: str,
    read: ReadOptions = LATEST,
    progress: Progress | None = None,
    verify: bool = True,
    concurrency: int = 1,
    range_size: int = planning.DEFAULT_RANGE_SIZE,
) -> ObjectStat:
    """Download to ``<path>.<tag>.part`` (resuming it), check it, rename it to ``path``.

    With ``concurrency`` > 1 an object of at least two ``range_size`` ranges is fetched in
    ranges, that many at once (:mod:`aiominio.transfer.ranged`); a smaller one as one stream.
    ``progress`` is told of the bytes in the file at least every MiB, and once at the end.

    It starts with a GET of the whole object (``x-amz-checksum-mode: ENABLED`` with ``verify``),
    which carries ``read``'s conditions (If-* headers) and describes the object: one read as a
    single stream into an empty partial file is read from that answer and checked as it
    arrives; otherwise the answer is let go and the body read, in ranges or from where the
    partial file ends, pinned to the ETag, and the version, that answer described. Its SSE-C
    key goes with every request; such an object is verified by a whole-object checksum only,
    never its ETag.

    The partial file is locked while it is written, checked and renamed, so a second download
    to the same path waits for the first (then downloads again). A partial file that fails its
    check is removed and the download starts over once; the second failure is raised. It is
    created, or reused, only as :mod:`aiominio.transfer.partial` allows: nothing planted at its name
    is followed or truncated. The file renamed to ``path`` keeps the mode of the regular file it
    replaces, else that of a new file (0o666 less the umask).

    A size the first answer gives beyond S3's largest object is refused before anything is
    planned, and no answer writes past that size.
    """
    if os.path.isdir(path):
        raise InvalidArgument(f"file_path is a directory: {path!r}")
    parent = os.path.dirname(os.path.abspath(path))
    reporter = ProgressReporter(progress, None)
    for attempt in range(2):
        # The download starts with a GET of the whole object, whose answer describes it (no
        # HEAD first): an object read as one stream is read from this very answer, checked as
        # it arrives; for one read in ranges, or a partial file to resume, it is let go.
        async with ObjectReader(req, bucket, key, read=read, verify=verify) as first:
            stat = first.stat
            if first.content_length is None:
                # A chunked answer tells no size (S3 always sends one): ask a HEAD instead.
                await first.close()
                stat = await stat_object(req, bucket, key, read=read, checksum_mode=verify)
            planning.check_object_size(stat.size, f"{bucket}/{key}")
            pinned = read.version_id or pinned_version(stat)
            os.makedirs(parent, exist_ok=True)
            reporter.total = stat.size
            ranged_fill = concurrency > 1 and stat.size >= 2 * range_size
            if ranged_fill:
                await first.close()  # its connection is for the ranges
            job = Download(req, bucket, key, stat, pinned, read.sse, reporter)
            # A download that must wait for another one to the same path lets its answer go
            # first: held, its connection could be the one the other download waits for.
            async with opened(path, stat.etag, waiting=first.close) as partial:
                if partial.size() > stat.size:
                    # Longer than the object: nothing in it (nor in its record) is of use.
                    partial.truncate(0)
                    remove_record(partial.name)
                streamed = (
                    not first.closed and first.content_length == stat.size and partial.size() == 0
                )
                if not streamed:
                    await first.close()
                try:
                    verified = False
                    if streamed:
                        await _write_first(job, partial, first)
                        verified = first.verified_by is not None
                    elif ranged_fill:
                        # A whole-object CRC is checked from the ranges' own CRCs, taken as
                        # they are written: the file is not read back.
                        crcs = RangeCrcs.of(_check_of(job)) if verify else None
                        await RangedDownload(
                            job, partial, concurrency=concurrency, range_size=range_size, crcs=crcs
                        ).run()
                        verdict = None if crcs is None else crcs.verdict(stat.size)
                        if crcs is not None and verdict is False:
                            raise InvalidResponseError(crcs.mismatch(job.where))
                        verified = verdict is True
                    else:
                        await _fill(job, partial)
                    have = partial.size()
                    if have != stat.size:
                        raise InvalidResponseError(
                            f"downloaded {have} bytes of {bucket}/{key}, expected {stat.size}"
                        )
                    if verify and not verified:
                        await _verify_file(job, partial)
                except (PreconditionFailed, InvalidResponseError):
                    # The object changed since the partial file was started, or what arrived
                    # is not what was stored: never keep it, begin again once.
                    partial.discard()
                    if attempt:
                        raise
                    continue
                partial.commit(path)
        await reporter.report(final=True)
        return stat
    raise AssertionError("unreachable")


async def _write_first(job: Download, partial: PartialFile, first: ObjectReader) -> None:
    """Write the body of the download's first answer into the empty ``partial``; the reader
    checks it as it arrives (and resumes it, pinned to its ETag, where it breaks off)."""
    remove_record(partial.name)  # a record of ranges of an earlier download: nothing of it kept
    size = job.stat.size
    job.reporter.done = 0  # an earlier attempt's bytes are gone with its file
    await write_body(
        partial,
        first,
        at=0,
        end=size,
        advance=job.reporter.advance,
        too_long=f"{job.where}: the body runs past the {size} bytes its answer gave",
    )


def _check_of(job: Download) -> BodyCheck | None:
    """How the whole object can be checked: the digest its first answer carries."""
    return body_check(encrypted_view(job.stat.headers or {}, job.sse is not None))


async def _verify_file(job: Download, partial: PartialFile) -> str | None:
    """Check a downloaded file against the object's whole-object checksum or MD5 ETag, or its
    multipart ETag recomputed from the part sizes; the name of what matched (``None``: nothing
    to check against)."""
    what, stat = job.where, job.stat
    headers = encrypted_view(stat.headers or {}, job.sse is not None)
    check = _check_of(job)
    if check is not None:
        await partial.run(_feed, check, partial)
        if not check.ok:
            raise InvalidResponseError(check.mismatch(what))
        return check.algorithm
    count = multipart_etag_count(headers)
    if count is None:
        return None
    if count > planning.MAX_PARTS or count > max(stat.size, 1):
        # Else one HEAD per part the ETag claims: a request for each of billions.
        raise InvalidResponseError(
            f"{what}: the ETag {stat.etag!r} claims {count} parts of {stat.size} bytes; "
            f"S3 makes at most {planning.MAX_PARTS}"
        )
    first = await _part_size(job, 1)
    if first and -(-stat.size // first) == count:
        sizes = [min(first, stat.size - n * first) for n in range(count)]
        if await _multipart_etag_of(partial, sizes) == stat.etag.lower():
            return "md5 of part md5s"
    # Parts of unequal size (another client's upload), or corruption: learn every part's size.
    sizes = []
    for n in range(1, count + 1):
        sizes.append(await _part_size(job, n))
        if sum(sizes) > stat.size:
            break
    if sum(sizes) != stat.size:
        return None  # the server does not tell part sizes: the ETag cannot be recomputed
    digest = await _multipart_etag_of(partial, sizes)
    if digest != stat.etag.lower():
        raise InvalidResponseError(
            f"{what}: the file's parts give the ETag {digest}, the server stored {stat.etag}; "
            "the data was corrupted in transit"
        )
    return "md5 of part md5s"


async def _part_size(job: Download, number: int) -> int:
    """The size of part ``number`` of the uploaded object (HEAD with partNumber)."""
    query = (*version_query(job.version_id), ("partNumber", str(number)))
    request = Request("HEAD", job.bucket, job.key, query=query, headers=read_headers(job.sse))
    resp = await job.requester.send(request)
    length = resp.headers.get("content-length", "")
    if not length.isdigit():
        raise InvalidResponseError(f"{job.where}: HEAD of part {number} has no Content-Length")
    return int(length)


def _feed(check: BodyCheck, partial: PartialFile) -> None:
    for chunk in partial.chunks(_READ_CHUNK):
        check.update(chunk)


async def _multipart_etag_of(partial: PartialFile, sizes: list[int]) -> str:
    """The multipart ETag a file would have as parts of ``sizes`` bytes."""

    def digest() -> str:
        part_md5s = []
        at = 0
        for size in sizes:
            h = hashlib.md5(usedforsecurity=False)
            left = size
            while left and (chunk := os.pread(partial.fd, min(left, _READ_CHUNK), at)):
                h.update(chunk)
                left -= len(chunk)
                at += len(chunk)
            part_md5s.append(h.hexdigest())
        return multipart_etag(part_md5s) or ""

    return await partial.run(digest)


async def _fill(job: Download, partial: PartialFile) -> None:
    """Append the rest of the object to ``partial`` in one stream; never a byte past its size."""
    size = job.stat.size
    offset = partial.size()
    prefix = await partial.run(contiguous_prefix, partial.name)
    if prefix is not None:
        # A download in ranges left this file: keep only the ranges done from its start.
        partial.truncate(prefix)
        remove_record(partial.name)
        offset = prefix
    if offset > size:
        partial.truncate(0)  # not removed: the file is locked
        offset = 0
    job.reporter.done = offset
    if offset >= size:
        return
    async with job.reader(offset) as reader:
        sized = reader.content_length is not None
        if (sized and reader.stat.size != size) or reader.stat.etag != job.stat.etag:
            raise InvalidResponseError(
                f"{job.where}: the answer describes another object than the first one did"
            )
        # A body without Content-Length (chunked) that runs on is stopped before a byte past
        # the size is written, or told to the progress callback.
        await write_body(
            partial,
            reader,
            at=offset,
            end=size,
            advance=job.reporter.advance,
            too_long=f"{job.where}: the body runs past the {size} bytes the first answer gave",
        )


async def upload_file(job: Upload, path: str, progress: Progress | None = None) -> PutResult:
    """Upload a file: one PUT up to the job's threshold, else a multipart upload that resumes
    an interrupted one of the same key (keeping its parts whose MD5 matches the file).

    With SSE no interrupted upload is resumed, and a failed one is aborted: the server does not
    say how an upload is encrypted, so one started without encryption (or with another key)
    could be completed in its place. ``progress`` is told of the bytes written (parts kept
    from the interrupted upload count at once) at least every MiB, and once at the end.

    What is not a regular file (a FIFO such as ``<(pg_dump ...)``, a device), or tells no size
    (``/proc`` files say 0), is read to its end once, as a body of unknown size: parts held
    ``concurrency`` at a time, never resumed nor read again, and an endless one (``/dev/zero``)
    stops at the 10,000th part. A directory is refused before any request. Every request of it
    shares one deadline (``Timeouts.deadline``)."""
    with job.requester.operation():
        return await _upload_path(job, path, progress)


async def _upload_path(job: Upload, path: str, progress: Progress | None) -> PutResult:
    if os.path.isdir(path):
        raise InvalidArgument(f"file_path is a directory: {path!r}")
    # Opened once, and sized from the open file: the name could meanwhile be another file.
    async with _opened(aiofiles.open(path, "rb")) as f:
        info = os.fstat(f.fileno())
        if S_ISDIR(info.st_mode):
            raise InvalidArgument(f"file_path is a directory: {path!r}")
        if not S_ISREG(info.st_mode) or info.st_size == 0:
            return await put_object(job, AsyncFileSource(f, None), progress)
        reporter = ProgressReporter(progress, info.st_size)
        async with reporter.pumping():
            result = await _upload_file(job, f, path, info.st_size, reporter)
    await reporter.report(final=True)
    return result


async def _upload_file(
    job: Upload, f: AsyncBufferedReader, path: str, size: int, reporter: ProgressReporter
) -> PutResult:
    if size <= job.threshold:
        data = await f.read(size + 1)  # a byte more tells a file that grew, and no more
        if len(data) != size:
            raise InvalidArgument(f"{path!r} changed size while it was read")
        return await put_single(job, data, reporter)
    req, bucket, key = job.requester, job.bucket, job.key
    encrypted = job.write.sse is not None
    if not encrypted:
        upload, done, part_size = await _resumable_upload(
            req, bucket, key, size, job.part_size, job.integrity
        )
    else:
        upload, done, part_size = None, {}, planning.plan_part_size(size, job.part_size)
    if upload is None:
        upload = await create_multipart(req, bucket, key, write=job.write, integrity=job.integrity)

    async def unchanged(number: int, chunk: bytes | memoryview) -> bool:
        existing = done.get(number)
        if existing is None or existing.size != len(chunk):
            return False
        return (await md5_digest(chunk)).hex() == existing.etag.lower()

    # An encrypted upload that is never resumed is not left behind either (nor resumed later
    # by a call without the key).
    plan = MultipartPlan(
        upload,
        part_size,
        job.concurrency,
        job.integrity,
        abort_on_error=encrypted,
        done=done,
        reuse=unchanged,
    )
    return await run_multipart(req, AsyncFileSource(f, size), plan, reporter=reporter)


async def _resumable_upload(
    req: Requester,
    bucket: str,
    key: str,
    size: int,
    part_size: int | None,
    integrity: Integrity,
) -> tuple[MultipartUpload | None, dict[int, Part], int]:
    """The newest incomplete upload of ``key`` whose part size fits this file, if any, and if
    it checks its parts with ``integrity``'s algorithm: an upload created with another (or none,
    for a checksum; one, for ``md5``), as the server names it or its parts show, is left alone
    (S3 refuses parts of another checksum type, and a completion that names other checksums)."""
    planned = planning.plan_part_size(size, part_size)
    uploads = [u async for u in uploads_of(req, bucket, key)]
    newest = max(
        uploads,
        key=lambda u: u.initiated or datetime.min.replace(tzinfo=timezone.utc),
        default=None,
    )
    if newest is None:
        return None, {}, planned
    named: list[str | None] = []
    parts = await list_parts(req, bucket, key, upload_id=newest.upload_id, algorithm=named)
    if not _same_checksum(integrity, named[0] if named else None, parts):
        return None, {}, planned
    done = {p.part_number: p for p in parts}
    first = done.get(1)
    psize = planned
    if (
        part_size is None
        and first is not None
        and planning.MIN_PART_SIZE <= first.size <= min(size, planning.MAX_PART_SIZE)
        and -(-size // first.size) <= planning.MAX_PARTS
    ):
        psize = first.size  # keep the earlier attempt's part boundaries
    return MultipartUpload(bucket, key, newest.upload_id), done, psize


def _same_checksum(integrity: Integrity, algorithm: str | None, parts: list[Part]) -> bool:
    """Whether an upload that names ``algorithm`` (``None``: the server does not say) and holds
    ``parts`` checks its parts as ``integrity`` does. With no word from the server, the parts'
    own checksums tell; parts that carry none tell nothing (servers that list none)."""
    wanted = None if integrity == "md5" else integrity.upper()
    if algorithm is not None:
        return algorithm == wanted
    carried = {a for a in CHECKSUM_ALGORITHMS for p in parts if p.checksum(a)}
    return not carried or carried == {wanted}

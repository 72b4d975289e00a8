"""Multipart uploads: create one, send its parts with bounded concurrency, complete or abort it.

Memory stays bounded: a multipart upload holds at most ``concurrency`` part buffers (the next part
is read only when a slot frees up).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from aiominio.core import planning, signing, xml
from aiominio.core.checksums import (
    CHECKSUM_ALGORITHMS,
    FULL_OBJECT_ALGORITHMS,
    Integrity,
    combine_b64,
    composite_b64,
    crc_of,
    multipart_etag,
)
from aiominio.core.headers import unquote_etag
from aiominio.core.options import ReadOptions, WriteOptions
from aiominio.core.sse import SseCustomerKey, read_headers
from aiominio.errors import (
    IncompleteBody,
    InvalidArgument,
    InvalidResponseError,
    NoSuchUpload,
    S3Error,
    TransportError,
)
from aiominio.models import Checksum, Part, PutResult
from aiominio.ops.listing import uploads_of
from aiominio.ops.objects import stat_object, stat_written
from aiominio.request import Request
from aiominio.requester import Requester, outside_operation_deadline
from aiominio.transfer.integrity import checksum_b64, checksum_headers
from aiominio.transfer.sources import FillingSource, ProgressReporter, Source

#: Uploads of the key started this long before a lost creation attempt are not its strays.
_STRAY_CLOCK_LEEWAY = timedelta(seconds=5)

_CHECKSUM_TYPE = "x-amz-checksum-type"
#: What a server that refused FULL_OBJECT checksums is remembered by (Requester.refused).
_FULL_OBJECT = "multipart checksum type FULL_OBJECT"
#: The error codes with which a server refuses a request option it does not implement.
_REFUSALS = frozenset({"InvalidArgument", "InvalidRequest", "NotImplemented"})


@dataclass(eq=False)
class _Strays:
    """When attempts to create an upload that lost their answers began, if any: the uploads of
    the key started since then may be theirs (cleared once they were aborted)."""

    since: datetime | None = None


@dataclass(frozen=True)
class MultipartUpload:
    """One multipart upload of ``bucket``/``key``.

    Attributes:
        bucket, key, upload_id: the upload.
        full_object: the server agreed to keep a CRC (CRC32, CRC32C or CRC64NVME) of the
            whole object (``x-amz-checksum-type: FULL_OBJECT``): completing it then sends
            that CRC, combined from the parts' own.
        conditions: If-Match / If-None-Match for CompleteMultipartUpload (a conditional write).
        customer_key: the SSE-C key the upload was created with: every part, the completion
            and the HEADs after it send it too.
    """

    bucket: str
    key: str
    upload_id: str
    full_object: bool = False
    conditions: Mapping[str, str] = field(default_factory=dict)
    customer_key: SseCustomerKey | None = field(default=None, repr=False)
    #: Set when an attempt to create it lost its answer, and so may have started an upload of
    #: its own: when this one ends, uploads of the key initiated since then are aborted (once).
    strays: _Strays = field(default_factory=_Strays, repr=False, compare=False)


@dataclass(frozen=True)
class MultipartPlan:
    """How to run one multipart upload: the job value of :func:`run_multipart`.

    Attributes:
        upload: the upload the parts go to.
        part_size: the size of the first parts (see
            :func:`~aiominio.core.planning.stream_part_size` for a stream of unknown size).
        concurrency: the most parts in memory and in flight at once.
        integrity: the checksum each part carries.
        abort_on_error: abort the upload when a part fails (a resumable upload keeps it).
        done: the parts already on the server (a resumed ``fput_object``), by number.
        reuse: whether a part already on the server holds these bytes (then it is not sent).
    """

    upload: MultipartUpload
    part_size: int
    concurrency: int
    integrity: Integrity
    abort_on_error: bool = True
    done: Mapping[int, Part] = field(default_factory=dict)
    reuse: Callable[[int, bytes | memoryview], Awaitable[bool]] | None = None


async def create_multipart(
    req: Requester,
    bucket: str,
    key: str,
    *,
    write: WriteOptions,
    integrity: Integrity | None,
    full_object: bool = True,
) -> MultipartUpload:
    """CreateMultipartUpload; its parts carry checksums of ``integrity``'s algorithm
    (``x-amz-checksum-algorithm``; none for ``md5``). For a CRC the server is asked to keep one
    of the whole object too (FULL_OBJECT), unless this client's server refused that before
    (then only the parts carry checksums, and the server keeps a COMPOSITE one). Without
    ``full_object`` the server's default type is asked for (COMPOSITE but for CRC64NVME).

    Cancelled while the request is in flight, it still waits for the answer (the server may
    start the upload all the same) and aborts the upload it names, so none is left behind.
    ``write``'s headers and encryption are sent here; its conditions are kept for the
    completion (a conditional write), an SSE-C key for every part.
    """
    headers = write.create_headers()

    async def create() -> MultipartUpload:
        if integrity is None or integrity == "md5":
            return await _initiate(req, bucket, key, headers, write)
        crc_headers = {**headers, "x-amz-checksum-algorithm": integrity.upper()}
        refusal = _FULL_OBJECT if integrity == "crc32" else f"{_FULL_OBJECT} {integrity}"
        if full_object and integrity in FULL_OBJECT_ALGORITHMS and not req.refused(refusal):
            try:
                return await _initiate(
                    req, bucket, key, {**crc_headers, _CHECKSUM_TYPE: "FULL_OBJECT"}, write
                )
            except S3Error as exc:
                if exc.code not in _REFUSALS:
                    raise
            upload = await _initiate(req, bucket, key, crc_headers, write)
            req.remember_refused(refusal)  # only FULL_OBJECT was refused, not the rest
            return upload
        return await _initiate(req, bucket, key, crc_headers, write)

    # Closed while the creation is in flight, the client cannot know whether the server
    # started an upload: it then aborts those of the key started since (or the one named).
    since = datetime.now(timezone.utc)
    creating = asyncio.ensure_future(create())

    async def abort_on_close(spare: Requester) -> None:
        if creating.done() and not creating.cancelled() and creating.exception() is None:
            await abort_quietly(spare, creating.result())
        else:
            await _abort_uploads_since(spare, bucket, key, since, keep=None)

    forget = req.on_close(abort_on_close)
    try:
        return await asyncio.shield(creating)
    except asyncio.CancelledError:
        cleanup = asyncio.ensure_future(_abort_once_created(req, creating))
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(cleanup)
        raise
    finally:
        forget()


async def _initiate(
    req: Requester, bucket: str, key: str, headers: Mapping[str, str], write: WriteOptions
) -> MultipartUpload:
    retried: list[BaseException] = []
    since = datetime.now(timezone.utc)
    resp = await req.send(
        Request("POST", bucket, key, query=(("uploads", ""),), headers=headers), retried=retried
    )
    strays = _Strays()
    if any(isinstance(e, TransportError) or _server_failed(e) for e in retried):
        # An attempt whose answer was lost, or that failed on the server's side (a 5xx, such as
        # a gateway whose backend restarted), may have started an upload of its own.
        strays.since = since
    return MultipartUpload(
        bucket,
        key,
        xml.parse_initiate_multipart(resp.body),
        # A server that ignores the request (no echo) keeps no whole-object checksum.
        full_object=resp.headers.get(_CHECKSUM_TYPE, "").upper() == "FULL_OBJECT",
        conditions=write.conditions,
        customer_key=write.customer_key,
        strays=strays,
    )


def _server_failed(exc: BaseException) -> bool:
    return isinstance(exc, S3Error) and exc.status >= 500


async def _abort_once_created(req: Requester, creating: asyncio.Future[MultipartUpload]) -> None:
    try:
        upload = await creating
    except (Exception, asyncio.CancelledError):
        return  # no upload id came back, so there is none to abort
    await abort_quietly(req, upload)


async def upload_part(
    req: Requester,
    upload: MultipartUpload,
    *,
    number: int,
    data: bytes | memoryview,
    integrity: Integrity,
    sent: Callable[[int], None] | None = None,
) -> Part:
    """UploadPart, with a checksum the server verifies, and the server's answer checked.
    ``sent`` is told how much of the body the current attempt has written."""
    where = f"part {number} of {upload.bucket}/{upload.key}"
    extra, check, value = await checksum_headers(data, integrity)
    resp = await req.send(
        Request(
            "PUT",
            upload.bucket,
            upload.key,
            query=(("partNumber", str(number)), ("uploadId", upload.upload_id)),
            headers={**extra, **read_headers(upload.customer_key)},
            body=data,
            payload_hash=signing.UNSIGNED_PAYLOAD,
        ),
        sent=sent,
    )
    etag = unquote_etag(resp.headers.get("etag", ""))
    if not etag:
        raise InvalidResponseError(f"{where}: no ETag in the answer")
    check(resp.headers, where)
    return _part(number, etag, len(data), integrity, value)


def _part(number: int, etag: str, size: int, integrity: Integrity, value: str | None) -> Part:
    """A part sent, with its checksum in the field of its algorithm."""
    if value is None or integrity == "md5":
        return Part(number, etag, size)
    return Part(number, etag, size, **{f"checksum_{integrity}": value})  # type: ignore[arg-type]


class _PartReader:
    """Reads a source part by part, in order: into buffers it lends and takes back (a source
    that fills a buffer), else as the source hands them (views of bytes in memory)."""

    def __init__(
        self, source: Source, part_size: int, first_chunk: bytes | memoryview | None
    ) -> None:
        self._source = source
        self._part_size = part_size
        self._first_chunk = first_chunk
        self._fill = source.read_into if isinstance(source, FillingSource) else None
        self._free: list[bytearray] = []
        self.number = 0
        self.total = 0
        self.ended = False

    async def next(self) -> tuple[bytes | memoryview, bytearray | None]:
        """The next part and the buffer it is in (to :meth:`give_back` once sent). An empty
        part past the first means the source ended exactly at the previous part's end."""
        source = self._source
        self.number += 1
        want = planning.stream_part_size(self._part_size, self.number)
        if source.size is not None:
            want = min(want, source.size - self.total)
        buf = None
        if self.number == 1 and self._first_chunk is not None:
            chunk: bytes | memoryview = self._first_chunk
        elif self._fill is not None and want > 0:
            buf = self._free.pop() if self._free else bytearray(want)
            if len(buf) < want:
                buf = bytearray(want)  # a grown part of a stream of unknown size
            chunk = memoryview(buf)[: await self._fill(memoryview(buf)[:want])]
        else:
            chunk = await source.read(want)
        got = len(chunk)
        self.total += got
        if self.total > planning.MAX_OBJECT_SIZE:
            raise InvalidArgument("the data runs past 5 TiB, S3's largest object")
        if source.size is not None and got < want:
            raise IncompleteBody(
                f"the data ended after {self.total} bytes; size said {source.size}"
            )
        # The end: all the announced bytes read, or a short read of a stream of unknown size.
        self.ended = self.total >= source.size if source.size is not None else got < want
        return chunk, buf

    def give_back(self, buf: bytearray) -> None:
        self._free.append(buf)


async def run_multipart(
    req: Requester,
    source: Source,
    plan: MultipartPlan,
    *,
    reporter: ProgressReporter | None = None,
    first_chunk: bytes | memoryview | None = None,
) -> PutResult:
    """Upload ``source`` as the parts of ``plan.upload`` with bounded concurrency, then complete.

    At most ``plan.concurrency`` parts are in memory (read but not yet acknowledged). On any
    failure or cancellation the remaining parts are cancelled and, when ``abort_on_error``, the
    multipart upload is aborted so no orphaned parts are left behind.
    """
    upload = plan.upload
    # Closing the client cuts the parts off; it then aborts the upload itself.
    forget = req.on_close(aborter(upload)) if plan.abort_on_error else None
    tasks: list[asyncio.Task[Part]] = []
    try:
        parts = await _send_parts(req, source, plan, reporter, first_chunk, tasks)
        return await complete_multipart(req, upload, parts)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if plan.abort_on_error:
            await abort_quietly(req, upload)
        raise
    finally:
        if forget is not None:
            forget()


async def _send_parts(
    req: Requester,
    source: Source,
    plan: MultipartPlan,
    reporter: ProgressReporter | None,
    first_chunk: bytes | memoryview | None,
    tasks: list[asyncio.Task[Part]],
) -> list[Part]:
    """Read the parts and send each in a task of its own (appended to ``tasks``), at most
    ``plan.concurrency`` read and unacknowledged at once; the parts, in order."""
    reader = _PartReader(source, plan.part_size, first_chunk)
    slots = asyncio.Semaphore(plan.concurrency)
    counter = reporter.body_counter if reporter is not None and reporter.active else None

    async def send(number: int, chunk: bytes | memoryview, buf: bytearray | None) -> Part:
        try:
            reused = await _reused_part(plan, number, chunk)
            if reused is not None:
                if reporter is not None:
                    reporter.add(reused.size)
                return reused
            return await upload_part(
                req,
                plan.upload,
                number=number,
                data=chunk,
                integrity=plan.integrity,
                sent=counter() if counter is not None else None,
            )
        finally:
            if buf is not None:
                reader.give_back(buf)
            slots.release()

    while not reader.ended:
        await slots.acquire()
        for t in tasks:  # a part failed: stop reading now
            if t.done() and not t.cancelled() and (failure := t.exception()) is not None:
                raise failure
        chunk, buf = await reader.next()
        if not chunk and reader.number > 1:
            slots.release()
            break
        if reader.number > planning.MAX_PARTS:
            raise InvalidArgument("the upload needs more than 10,000 parts")
        tasks.append(asyncio.ensure_future(send(reader.number, chunk, buf)))
        del chunk
    return list(await asyncio.gather(*tasks))


async def _reused_part(plan: MultipartPlan, number: int, chunk: bytes | memoryview) -> Part | None:
    """The part already on the server that holds ``chunk``, if the plan has one."""
    existing = plan.done.get(number)
    if existing is None or plan.reuse is None or not await plan.reuse(number, chunk):
        return None
    if plan.integrity == "md5":
        return Part(number, existing.etag, len(chunk))
    value = existing.checksum(plan.integrity)
    if value is None:
        value = await checksum_b64(plan.integrity, chunk)  # servers that list parts without it
    return _part(number, existing.etag, len(chunk), plan.integrity, value)


async def complete_multipart(
    req: Requester, upload: MultipartUpload, parts: list[Part]
) -> PutResult:
    """CompleteMultipartUpload; an answer lost on the way is recovered from the object's ETag.

    When every part has a checksum of one algorithm, they are listed with the parts. For a CRC
    their combination is the whole object's: sent along when the server keeps one
    (FULL_OBJECT), and compared with the one the answer gives; of a COMPOSITE checksum (the
    checksum of the parts' checksums) the answer's is compared with the one the parts make. An
    answer without an ETag is completed by a HEAD.
    """
    algorithm = next(
        (a.lower() for a in CHECKSUM_ALGORITHMS if all(p.checksum(a) for p in parts)), None
    )
    values = [p.checksum(algorithm) for p in parts] if algorithm else None
    whole = composite = None
    headers = {
        "Content-Type": "application/xml",
        **upload.conditions,
        **read_headers(upload.customer_key),
    }
    if algorithm is not None and values is not None:
        crc = crc_of(algorithm)
        if crc is not None:
            whole = combine_b64(
                crc, [(v or "", p.size) for v, p in zip(values, parts, strict=True)]
            )
            if upload.full_object:
                headers.update(
                    {f"x-amz-checksum-{algorithm}": whole, _CHECKSUM_TYPE: "FULL_OBJECT"}
                )
        composite = composite_b64(algorithm, [v or "" for v in values])
    body = xml.build_complete_multipart(
        [(p.part_number, p.etag) for p in parts], values, algorithm or "CRC32"
    )
    retried: list[BaseException] = []
    try:
        resp = await req.send(
            Request(
                "POST",
                upload.bucket,
                upload.key,
                query=(("uploadId", upload.upload_id),),
                body=body,
                headers=headers,
                error_document=True,
            ),
            retried=retried,
        )
    except NoSuchUpload:
        # An earlier attempt may have completed the upload and lost its answer: the object is
        # then there, with the ETag that these parts make.
        expected = multipart_etag([p.etag for p in parts])
        if retried and expected is not None:
            read = ReadOptions(sse=upload.customer_key)
            stat = await stat_object(req, upload.bucket, upload.key, read=read)
            if stat.etag == expected:
                return PutResult(stat.etag, stat.version_id)
        raise
    finally:
        await clean_strays(req, upload)
    answer = xml.parse_complete_multipart(resp.body)
    stored = _checked_checksum(answer.checksum, algorithm, whole, composite, upload)
    version_id = resp.headers.get("x-amz-version-id")
    etag = answer.etag
    if not etag:
        stat = await stat_written(
            req,
            upload.bucket,
            upload.key,
            version_id=version_id,
            what="CompleteMultipartUpload",
            sse=upload.customer_key,
        )
        etag = stat.etag
    if stored is None and upload.full_object and whole is not None and algorithm is not None:
        stored = Checksum(algorithm.upper(), whole, "FULL_OBJECT")  # a server that echoes none
    crc32 = (
        stored.value
        if stored and stored.algorithm == "CRC32" and stored.type == "FULL_OBJECT"
        else None
    )
    return PutResult(etag, version_id, crc32, stored)


def _checked_checksum(
    stored: Checksum | None,
    algorithm: str | None,
    whole: str | None,
    composite: str | None,
    upload: MultipartUpload,
) -> Checksum | None:
    """The checksum a CompleteMultipartUpload answer gives, once it agrees with the one the
    parts make: a FULL_OBJECT one with their combined CRC, a COMPOSITE one (``<value>-<n>``,
    the suffix optional) with the checksum of their checksums; of an untyped one, either. A
    checksum of another algorithm than the parts', or none, is not checked (the answer's is
    then what is kept)."""
    if stored is None or algorithm is None or stored.algorithm.lower() != algorithm:
        return stored
    value = stored.value.split("-")[0]
    made = {"FULL_OBJECT": whole, "COMPOSITE": composite.split("-")[0] if composite else None}
    kinds = [stored.type] if stored.type in made else list(made)
    expected = [made[k] for k in kinds if made[k] is not None]
    if expected and value not in expected:
        raise InvalidResponseError(
            f"completing {upload.bucket}/{upload.key}: server {stored.algorithm} "
            f"{stored.value}, the parts make {' or '.join(e or '' for e in expected)}"
        )
    kind = stored.type or next((k for k in kinds if made[k] == value), None)
    return Checksum(stored.algorithm, stored.value, kind)


async def abort_multipart(req: Requester, bucket: str, key: str, *, upload_id: str) -> None:
    """AbortMultipartUpload; an upload already gone is not an error (the goal is reached)."""
    with contextlib.suppress(NoSuchUpload):
        await req.send(Request("DELETE", bucket, key, query=(("uploadId", upload_id),)))


async def remove_incomplete_upload(req: Requester, bucket: str, key: str) -> None:
    """Abort every incomplete upload of ``key``."""
    async for upload in uploads_of(req, bucket, key):
        await abort_multipart(req, bucket, key, upload_id=upload.upload_id)


async def abort_quietly(req: Requester, upload: MultipartUpload) -> None:
    """Abort ``upload`` and its strays to the end, even when cancelled; errors are swallowed
    (the caller is already raising the one that matters)."""

    async def abort() -> None:
        outside_operation_deadline()  # an upload that ran out of time is aborted all the same
        await abort_multipart(req, upload.bucket, upload.key, upload_id=upload.upload_id)
        await clean_strays(req, upload)

    # Shielded: the abort must run to its end even when the upload was cancelled.
    task = asyncio.ensure_future(abort())
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await asyncio.shield(task)


def aborter(upload: MultipartUpload) -> Callable[[Requester], Awaitable[None]]:
    """A clean-up for :meth:`Requester.on_close`: abort ``upload`` (and its strays)."""

    async def abort(req: Requester) -> None:
        await abort_quietly(req, upload)

    return abort


async def clean_strays(req: Requester, upload: MultipartUpload) -> None:
    """Abort uploads of the key that lost attempts of this upload's creation started.

    Only uploads initiated since that creation began (less 5 seconds of clock leeway) are
    touched, only when a creation attempt lost its answer, and only once.
    """
    since = upload.strays.since
    if since is None:
        return
    await _abort_uploads_since(req, upload.bucket, upload.key, since, keep=upload.upload_id)
    upload.strays.since = None  # only once it worked: a failed clean-up is tried again


async def _abort_uploads_since(
    req: Requester, bucket: str, key: str, since: datetime, *, keep: str | None
) -> None:
    """Abort the uploads of ``key`` initiated since ``since`` (less the clock leeway), but
    ``keep``."""
    async for other in uploads_of(req, bucket, key):
        initiated = other.initiated
        if other.upload_id == keep or initiated is None:
            continue
        if initiated >= since - _STRAY_CLOCK_LEEWAY:
            await abort_multipart(req, bucket, key, upload_id=other.upload_id)

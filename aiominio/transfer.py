"""Upload and download orchestration: body sources, concurrent multipart uploads, object readers
and downloads to files.

Memory stays bounded: a multipart upload holds at most ``concurrency`` part buffers (the next part
is read only when a slot frees up), a download streams in chunks.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import inspect
import os
import stat
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, Union, cast

from aiominio.core import checksums, planning, signing, xml
from aiominio.errors import (
    AiominioError,
    ConnectionLostError,
    InvalidArgument,
    InvalidResponseError,
    NoSuchUpload,
    TransportError,
)
from aiominio.models import CopyResult, ObjectStat, Part, PutResult

if TYPE_CHECKING:
    from aiominio.client import Client
    from aiominio.transport import StreamingResponse

Data = Union[bytes, bytearray, memoryview, str, IO[bytes], AsyncIterable[bytes], Any]  # noqa: UP007
Progress = Callable[[int], Any]

# Hashing this much or more runs in a worker thread so the event loop keeps serving other tasks
# (hashlib releases the GIL on large buffers, so two parts hash on two cores).
_THREAD_HASH_MIN = 256 * 1024


class IncompleteBody(AiominioError, ValueError):
    """The data ended before the ``size`` the caller promised."""


# -- sources --------------------------------------------------------------------------------


class Source(Protocol):
    size: int | None

    async def read(self, n: int) -> bytes | memoryview:
        """Exactly ``n`` bytes, fewer only at the end."""
        ...


class _BufferSource:
    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0
        self.size: int | None = len(buf)

    async def read(self, n: int) -> memoryview:
        chunk = self._buf[self._pos : self._pos + n]
        self._pos += len(chunk)
        return chunk


class _SyncFileSource:
    def __init__(self, f: IO[bytes], size: int | None) -> None:
        self._f = f
        self.size = size

    def _read_exact(self, n: int) -> bytes:
        first = self._f.read(n)
        if first is None:
            raise InvalidArgument("non-blocking file objects are not supported")
        if len(first) == n or not first:
            return bytes(first)
        out = bytearray(first)
        while len(out) < n:
            more = self._f.read(n - len(out))
            if not more:
                break
            out += more
        return bytes(out)

    async def read(self, n: int) -> bytes:
        if n <= 64 * 1024:
            return self._read_exact(n)
        return await asyncio.to_thread(self._read_exact, n)

    def _fill(self, view: memoryview) -> int:
        filled = 0
        readinto = getattr(self._f, "readinto", None)
        while filled < len(view):
            if readinto is not None:
                got = readinto(view[filled:])
            else:
                data = self._f.read(len(view) - filled)
                got = len(data) if data else 0
                view[filled : filled + got] = data or b""
            if not got:
                break
            filled += got
        return filled

    async def read_into(self, view: memoryview) -> int:
        """Fill ``view`` (fewer bytes only at the end); returns how many bytes were read."""
        return await asyncio.to_thread(self._fill, view)


class _AsyncFileSource:
    def __init__(self, f: Any, size: int | None) -> None:
        self._f = f
        self.size = size

    async def read(self, n: int) -> bytes:
        first = await self._f.read(n)
        if len(first) == n or not first:
            return bytes(first)
        out = bytearray(first)
        while len(out) < n:
            more = await self._f.read(n - len(out))
            if not more:
                break
            out += more
        return bytes(out)

    async def read_into(self, view: memoryview) -> int:
        """Fill ``view`` (fewer bytes only at the end); returns how many bytes were read."""
        filled = 0
        while filled < len(view):
            got = await self._f.readinto(view[filled:])
            if not got:
                break
            filled += got
        return int(filled)


class _IterSource:
    def __init__(self, it: AsyncIterable[bytes], size: int | None) -> None:
        self._it = it.__aiter__()
        self._pending = bytearray()
        self._done = False
        self.size = size

    async def read(self, n: int) -> bytes:
        while len(self._pending) < n and not self._done:
            try:
                chunk = await self._it.__anext__()
            except StopAsyncIteration:
                self._done = True
                break
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(f"async iterables must yield bytes, got {type(chunk).__name__}")
            self._pending += chunk
        out = bytes(self._pending[:n])
        del self._pending[:n]
        return out


def make_source(data: Data, size: int | None) -> Source:
    """Wrap what the caller has (bytes, str, a file, an async iterable) as a :class:`Source`."""
    if size is not None:
        planning.check_int("size", size)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data).cast("B")
        if size is not None and size != len(view):
            if size > len(view):
                raise InvalidArgument(f"size {size} is larger than the {len(view)} bytes given")
            view = view[:size]
        return _BufferSource(view)
    read = getattr(data, "read", None)
    if read is not None:
        if inspect.iscoroutinefunction(read):
            return _AsyncFileSource(data, size)
        if size is None:
            size = _remaining_file_size(data)
        return _SyncFileSource(cast("IO[bytes]", data), size)
    if hasattr(data, "__aiter__"):
        return _IterSource(data, size)
    raise TypeError(
        "data must be bytes, bytearray, memoryview, str, a binary file object, an aiofiles file "
        f"or an async iterable of bytes, not {type(data).__name__}"
    )


def _remaining_file_size(f: Any) -> int | None:
    try:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None
        return int(st.st_size - f.tell())
    except (AttributeError, OSError, ValueError):
        return None


# -- hashing --------------------------------------------------------------------------------


async def md5_digest(data: bytes | memoryview) -> bytes:
    if len(data) >= _THREAD_HASH_MIN:
        return await asyncio.to_thread(lambda: hashlib.md5(data).digest())
    return hashlib.md5(data).digest()


def is_md5_etag(etag: str) -> bool:
    return len(etag) == 32 and all(c in "0123456789abcdef" for c in etag.lower())


# -- uploads --------------------------------------------------------------------------------


Integrity = Literal["crc32", "md5"]


async def _crc32_b64(data: bytes | memoryview) -> str:
    if len(data) >= _THREAD_HASH_MIN:
        return await asyncio.to_thread(checksums.crc32_b64, data)
    return checksums.crc32_b64(data)


async def _integrity(
    data: bytes | memoryview, mode: Integrity
) -> tuple[dict[str, str], Callable[[dict[str, str], str], None], str | None]:
    """Headers that let the server verify the body, and a check of its answer.

    ``crc32`` sends ``x-amz-checksum-crc32`` (five times cheaper to compute than MD5; S3,
    MinIO and SeaweedFS reject a body that does not match with BadDigest) and checks the checksum
    the server echoes. ``md5`` sends ``Content-MD5`` (understood by every server) and checks the
    returned ETag against it.
    """
    if mode == "crc32":
        value = await _crc32_b64(data)

        def check_crc(headers: dict[str, str], what: str) -> None:
            echoed = headers.get("x-amz-checksum-crc32")
            if echoed is not None and echoed != value:
                raise InvalidResponseError(f"{what}: server CRC32 {echoed}, expected {value}")

        return {"x-amz-checksum-crc32": value}, check_crc, value
    digest = await md5_digest(data)

    def check_md5(headers: dict[str, str], what: str) -> None:
        etag = headers.get("etag", "").strip('"')
        if is_md5_etag(etag) and etag.lower() != digest.hex():
            raise InvalidResponseError(f"{what}: server ETag {etag}, expected {digest.hex()}")

    return {"Content-MD5": base64.b64encode(digest).decode()}, check_md5, None


async def put_single(
    client: Client,
    bucket: str,
    key: str,
    data: bytes | memoryview,
    headers: dict[str, str],
) -> PutResult:
    """One PUT, with a checksum the server verifies, and the server's answer checked."""
    extra, check, _ = await _integrity(data, client._integrity)
    resp = await client._execute(
        "PUT",
        bucket,
        key,
        headers={**headers, **extra},
        body=data,
        payload_hash=signing.UNSIGNED_PAYLOAD,
    )
    check(resp.headers, f"{bucket}/{key}")
    return PutResult(resp.headers.get("etag", "").strip('"'), resp.headers.get("x-amz-version-id"))


async def upload_part(
    client: Client,
    bucket: str,
    key: str,
    upload_id: str,
    number: int,
    data: bytes | memoryview,
) -> Part:
    extra, check, crc = await _integrity(data, client._integrity)
    resp = await client._execute(
        "PUT",
        bucket,
        key,
        (("partNumber", str(number)), ("uploadId", upload_id)),
        headers=extra,
        body=data,
        payload_hash=signing.UNSIGNED_PAYLOAD,
    )
    etag = resp.headers.get("etag", "").strip('"')
    if not etag:
        raise InvalidResponseError(f"part {number} of {bucket}/{key}: no ETag in the answer")
    check(resp.headers, f"part {number} of {bucket}/{key}")
    return Part(number, etag, len(data), checksum_crc32=crc)


@dataclass
class MultipartPlan:
    """How to run one multipart upload."""

    upload_id: str
    part_size: int
    concurrency: int
    abort_on_error: bool = True
    # Parts already on the server (resumed fput_object): part number -> Part.
    done: dict[int, Part] | None = None


async def run_multipart(
    client: Client,
    bucket: str,
    key: str,
    source: Source,
    plan: MultipartPlan,
    *,
    progress: Progress | None = None,
    first_chunk: bytes | memoryview | None = None,
    skip_part: Callable[[int, bytes | memoryview], Any] | None = None,
) -> PutResult:
    """Upload ``source`` as parts of ``plan.upload_id`` with bounded concurrency, then complete.

    At most ``plan.concurrency`` parts are in memory (read but not yet acknowledged). On any
    failure or cancellation the remaining parts are cancelled and, when ``abort_on_error``, the
    multipart upload is aborted so no orphaned parts are left behind.
    """
    slots = asyncio.Semaphore(plan.concurrency)
    tasks: list[asyncio.Task[Part]] = []
    sent = 0
    # File sources read into a fixed set of reused buffers: memory stays at part_size x
    # concurrency, and no fresh pages (faults, allocator growth) are paid for each part.
    read_into = getattr(source, "read_into", None)
    free: list[bytearray] = []
    lent: dict[asyncio.Task[Part], bytearray] = {}

    def finished(task: asyncio.Task[Part]) -> None:
        buf = lent.pop(task, None)
        if buf is not None:
            free.append(buf)
        slots.release()

    async def send(number: int, chunk: bytes | memoryview, reuse: Part | None) -> Part:
        # Progress is reported from the part's own task, so a callback that raises (a way to
        # stop an upload) fails the upload like any other error.
        nonlocal sent
        if reuse is not None:
            part = reuse
        else:
            part = await upload_part(client, bucket, key, plan.upload_id, number, chunk)
        sent += part.size
        if progress is not None:
            progress(sent)
        return part

    try:
        number = 0
        read_total = 0
        while True:
            await slots.acquire()
            for t in tasks:
                if t.done() and not t.cancelled() and t.exception() is not None:
                    raise t.exception()  # type: ignore[misc]
            number += 1
            want = planning.stream_part_size(plan.part_size, number)
            if source.size is not None:
                want = min(want, source.size - read_total)
            buf = None
            if number == 1 and first_chunk is not None:
                chunk: bytes | memoryview = first_chunk
            elif read_into is not None and want > 0:
                buf = free.pop() if free else bytearray(want)
                if len(buf) < want:
                    buf = bytearray(want)  # a grown part of a stream of unknown size
                chunk = memoryview(buf)[: await read_into(memoryview(buf)[:want])]
            else:
                chunk = await source.read(want)
            last_len = len(chunk)
            read_total += last_len
            if source.size is not None and last_len < want:
                raise IncompleteBody(
                    f"the data ended after {read_total} bytes; size said {source.size}"
                )
            if not chunk and number > 1:
                slots.release()
                break
            if number > planning.MAX_PARTS:
                raise InvalidArgument("the upload needs more than 10,000 parts")
            existing = (plan.done or {}).get(number)
            reuse = None
            if existing is not None and skip_part is not None and await skip_part(number, chunk):
                crc = existing.checksum_crc32
                if crc is None and client._integrity == "crc32":
                    crc = await _crc32_b64(chunk)  # servers that list parts without it
                reuse = Part(number, existing.etag, len(chunk), checksum_crc32=crc)
            task = asyncio.ensure_future(send(number, chunk, reuse))
            if buf is not None:
                lent[task] = buf
            task.add_done_callback(finished)
            tasks.append(task)
            del chunk
            if source.size is not None and read_total >= source.size:
                break
            if source.size is None and last_len < want:
                break  # a short read is the end of the stream
        parts = await asyncio.gather(*tasks)
        return await complete_multipart(client, bucket, key, plan.upload_id, list(parts))
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if plan.abort_on_error:
            await _abort_quietly(client, bucket, key, plan.upload_id)
        raise


async def _abort_quietly(client: Client, bucket: str, key: str, upload_id: str) -> None:
    async def abort() -> None:
        await client._abort_multipart(bucket, key, upload_id)
        await client._clean_strays(bucket, key, upload_id)

    # Shielded: the abort must run to its end even when the upload was cancelled.
    task = asyncio.ensure_future(abort())
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await asyncio.shield(task)


async def complete_multipart(
    client: Client, bucket: str, key: str, upload_id: str, parts: list[Part]
) -> PutResult:
    body = xml.build_complete_multipart(
        [(p.part_number, p.etag) for p in parts],
        [p.checksum_crc32 for p in parts] if all(p.checksum_crc32 for p in parts) else None,
    )
    retried: list[BaseException] = []
    try:
        resp = await client._execute(
            "POST",
            bucket,
            key,
            (("uploadId", upload_id),),
            body=body,
            headers={"Content-Type": "application/xml"},
            error_document=True,
            retried=retried,
        )
    except NoSuchUpload:
        # An earlier attempt may have completed the upload and lost its answer: the object is
        # then there, with the ETag that these parts make.
        expected = multipart_etag([p.etag for p in parts])
        if retried and expected is not None:
            stat = await client.stat_object(bucket, key)
            if stat.etag == expected:
                return PutResult(stat.etag, stat.version_id)
        raise
    finally:
        await client._clean_strays(bucket, key, upload_id)
    etag = xml.parse_complete_multipart(resp.body)
    return PutResult(etag, resp.headers.get("x-amz-version-id"))


def multipart_etag(part_etags: list[str]) -> str | None:
    """The ETag S3 gives a multipart object: MD5 of the parts' MD5s, ``-`` and the count."""
    if not all(is_md5_etag(e) for e in part_etags):
        return None
    digest = hashlib.md5(b"".join(bytes.fromhex(e) for e in part_etags)).hexdigest()
    return f"{digest}-{len(part_etags)}"


# -- downloads ------------------------------------------------------------------------------


def stat_from_headers(headers: dict[str, str]) -> ObjectStat:
    """Build an :class:`ObjectStat` from HEAD/GET response headers."""
    size_text = headers.get("content-length", "0")
    content_range = headers.get("content-range")
    if content_range and "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            size_text = total
    modified = headers.get("last-modified")
    return ObjectStat(
        size=int(size_text) if size_text.isdigit() else 0,
        etag=headers.get("etag", "").strip('"'),
        content_type=headers.get("content-type", ""),
        last_modified=xml.parse_http_date(modified) if modified else None,
        metadata={k[11:]: v for k, v in headers.items() if k.startswith("x-amz-meta-")},
        version_id=headers.get("x-amz-version-id"),
        headers=dict(headers),
    )


class ObjectReader:
    """The body of an object being downloaded; use it as an async context manager.

    ``async for chunk in reader`` yields the body as it arrives; ``await reader.read(n)`` reads up
    to ``n`` bytes (all the rest by default). ``reader.stat`` describes the object. Leaving the
    ``async with`` block releases the connection, on error and cancellation too.
    """

    def __init__(
        self,
        client: Client,
        bucket: str,
        key: str,
        *,
        offset: int = 0,
        length: int | None = None,
        version_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._client = client
        self.bucket = bucket
        self.key = key
        self._offset = offset
        self._length = length
        self._version_id = version_id
        self._headers = dict(headers or {})
        self._resp: StreamingResponse | None = None
        self._stat: ObjectStat | None = None
        self.content_length: int | None = None
        self._received = 0
        self._resumes = 0

    async def __aenter__(self) -> ObjectReader:
        if self._resp is not None:
            raise RuntimeError("this reader is already open")
        self._resp = await self._request(self._offset, dict(self._headers))
        self._stat = stat_from_headers(self._resp.headers)
        length = self._resp.headers.get("content-length", "")
        self.content_length = int(length) if length.isdigit() else None
        return self

    async def _request(self, offset: int, headers: dict[str, str]) -> StreamingResponse:
        if offset or self._length is not None:
            length = self._length
            if length is not None:
                length -= offset - self._offset
            headers["Range"] = planning.range_header(offset, length)
        query: tuple[tuple[str, str], ...] = ()
        if self._version_id:
            query = (("versionId", self._version_id),)
        return await self._client._open("GET", self.bucket, self.key, query, headers=headers)

    async def _resume(self, exc: BaseException) -> None:
        """Reopen the body where it broke off: a Range request from the next byte, guarded by
        If-Match on the ETag so a changed object is never spliced onto the old one."""
        policy = self._client._retry
        self._resumes += 1
        done = self.content_length is not None and self._received >= self.content_length
        if done or self._resumes >= policy.max_attempts or not policy.retryable(exc):
            raise exc
        assert self._resp is not None
        self._resp.release()
        self._resp = None
        await asyncio.sleep(policy.delay(self._resumes))
        headers = dict(self._headers)
        etag = self.stat.etag
        if etag:
            headers["If-Match"] = f'"{etag}"'
        self._client._retries += 1
        self._resp = await self._request(self._offset + self._received, headers)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._resp is not None:
            self._resp.release()

    @property
    def stat(self) -> ObjectStat:
        """The object's size, ETag, content type, metadata, ... (from the GET answer)."""
        if self._stat is None:
            raise RuntimeError("open the reader with 'async with' first")
        return self._stat

    def _response(self) -> StreamingResponse:
        if self._resp is None:
            raise RuntimeError("open the reader with 'async with' first")
        return self._resp

    async def read(self, n: int = -1) -> bytes:
        """Read up to ``n`` bytes (``-1``: everything left). ``b""`` at the end.

        A connection that breaks mid-body is resumed transparently (see :meth:`__anext__`).
        """
        parts: list[bytes] = []
        got = 0
        while n < 0 or got < n:
            chunk = await self._next_chunk(None if n < 0 else n - got)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        if len(parts) == 1:
            return parts[0]  # no copy for a body that arrived in one piece
        return b"".join(parts)

    async def _next_chunk(self, limit: int | None = None) -> bytes:
        while True:
            resp = self._response()
            try:
                if limit is None:
                    chunk = await resp.read_any()
                else:
                    chunk = await resp.read_some(limit)
            except TransportError as exc:
                await self._resume(exc)
                continue
            self._received += len(chunk)
            short = self.content_length is not None and self._received < self.content_length
            if not chunk and short:
                await self._resume(ConnectionLostError("the body ended early"))
                continue
            return chunk

    def __aiter__(self) -> ObjectReader:
        return self

    async def __anext__(self) -> bytes:
        """The next chunk of the body, as it arrives.

        If the connection breaks mid-body (reset, stall past the read timeout, truncation),
        the rest is fetched with a Range request from the next byte, guarded by If-Match on
        the ETag, within the client's retry budget; the caller sees one unbroken body.
        """
        chunk = await self._next_chunk()
        if not chunk:
            raise StopAsyncIteration
        return chunk


# -- server-side copy -----------------------------------------------------------------------


async def copy_object(
    client: Client,
    bucket: str,
    key: str,
    source_bucket: str,
    source_key: str,
    headers: dict[str, str],
    source_version_id: str | None,
    part_size: int | None,
) -> CopyResult:
    """CopyObject, or UploadPartCopy in parts for sources above 5 GiB (or ``part_size``)."""
    source = "/" + signing.uri_encode(f"{source_bucket}/{source_key}", keep_slash=True)
    if source_version_id:
        source += f"?versionId={signing.uri_encode(source_version_id)}"
    limit = part_size or planning.MAX_SINGLE_PUT
    stat = await client.stat_object(source_bucket, source_key, version_id=source_version_id)
    if stat.size <= limit:
        all_headers = dict(headers)
        all_headers["x-amz-copy-source"] = source
        resp = await client._execute("PUT", bucket, key, headers=all_headers, error_document=True)
        result = xml.parse_copy_result(resp.body)
        return CopyResult(result.etag, result.last_modified, resp.headers.get("x-amz-version-id"))
    if "x-amz-metadata-directive" not in headers:
        # A multipart copy starts a new object: carry the source's type and metadata over.
        headers = {"Content-Type": stat.content_type or "application/octet-stream"}
        headers.update({f"x-amz-meta-{k}": v for k, v in stat.metadata.items()})
    headers = {k: v for k, v in headers.items() if k != "x-amz-metadata-directive"}
    psize = planning.plan_part_size(stat.size, part_size)
    upload_id = await client._create_multipart(bucket, key, headers, checksums=False)
    try:
        parts = []
        for number, (offset, length) in enumerate(planning.part_ranges(stat.size, psize), 1):
            resp = await client._execute(
                "PUT",
                bucket,
                key,
                (("partNumber", str(number)), ("uploadId", upload_id)),
                headers={
                    "x-amz-copy-source": source,
                    "x-amz-copy-source-range": f"bytes={offset}-{offset + length - 1}",
                    "x-amz-copy-source-if-match": f'"{stat.etag}"',
                },
                error_document=True,
            )
            parts.append(Part(number, xml.parse_copy_result(resp.body).etag, length))
        put = await complete_multipart(client, bucket, key, upload_id, parts)
    except BaseException:
        await _abort_quietly(client, bucket, key, upload_id)
        raise
    return CopyResult(put.etag, None, put.version_id)

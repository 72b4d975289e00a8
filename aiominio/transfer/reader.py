"""Downloads as streams: :class:`ObjectReader`, which resumes a body that breaks off and
verifies a whole object against the checksum the server stored."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Generator, Mapping
from types import TracebackType

from aiominio.core import planning
from aiominio.core.checksums import BodyCheck, body_check
from aiominio.core.conditions import READ_CONDITIONS
from aiominio.core.headers import stat_from_headers, unquote_etag
from aiominio.core.options import LATEST, ReadOptions
from aiominio.core.sse import SseCustomerKey, encrypted_view
from aiominio.errors import ConnectionLostError, InvalidResponseError, TransportError
from aiominio.models import ObjectStat
from aiominio.ops.objects import version_query
from aiominio.request import Request, Resume
from aiominio.requester import Requester
from aiominio.transfer.sources import Progress, ProgressReporter
from aiominio.transport import StreamingResponse


def pinned_version(stat: ObjectStat) -> str | None:
    """The version an answer described, to ask for that one again (``None``: the latest, for
    an unversioned object, whose version ``"null"`` some servers refuse by name)."""
    version = stat.version_id
    return version if version and version != "null" else None


class ObjectReader:
    """The body of an object being downloaded: enter it with ``async with``, or ``await`` it.

    ``async with client.get_object(b, k) as obj:`` opens the reader and releases its connection
    when the block ends, on error and cancellation too. ``obj = await client.get_object(b, k)``
    opens it and hands it over, like aiohttp's ``await session.get()``: the status is known
    (:class:`~aiominio.NoSuchKey` and the like are raised by the ``await``) but the body is not
    read yet, so a web handler can answer 404 before it starts a response. The connection is
    then released when the body has been read to its end, when reading it fails, or on
    :meth:`close` (``async with obj:`` calls it too); a reader dropped before any of these
    releases it when garbage collected, with a :class:`ResourceWarning`.

    ``async for chunk in reader`` yields the body as it arrives; ``await reader.read(n)`` reads up
    to ``n`` bytes (all the rest by default). ``reader.stat`` describes the object.

    With ``verify`` (the default), a whole object (no offset, no length) is asked for with
    ``x-amz-checksum-mode: ENABLED`` and checked as it streams against the cheapest whole-object
    digest the answer carries (CRC32, SHA-1, an MD5 ETag, SHA-256, CRC32C, CRC64NVME, in that
    order); a mismatch raises :class:`~aiominio.InvalidResponseError` in place of the last chunk
    (at the end of the body when the answer has no Content-Length).
    ``verified_by`` then names the digest that matched (``None``: nothing to verify against, such
    as the ETag of a multipart object with no full-object checksum). A range is never verified
    (no digest covers it) but, like every resumed body, must be exactly the bytes asked for.

    ``read`` names the version, the If-* conditions and the SSE-C key (or, instead of ``read``,
    ``version_id``, ``headers`` and ``sse`` one by one). The conditions are sent
    with the first request; a resumed body is asked for with If-Match on the first answer's
    ETag instead, and of the version that answer named, so it is always the rest of the same
    object. The SSE-C key of an object encrypted with one goes with every request, resumes
    included. Such an object's ETag is no MD5 of its data: only a checksum verifies it.
    """

    def __init__(
        self,
        requester: Requester,
        bucket: str,
        key: str,
        *,
        offset: int = 0,
        length: int | None = None,
        read: ReadOptions = LATEST,
        verify: bool = True,
        progress: Progress | None = None,
        version_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        sse: SseCustomerKey | None = None,
    ) -> None:
        if version_id is not None or headers is not None or sse is not None:
            # The separate keywords, still accepted from callers that build no ReadOptions.
            if read is not LATEST:
                raise TypeError("give read= or version_id / headers / sse, not both")
            read = ReadOptions(version_id, headers or {}, sse)
        self._requester = requester
        self.bucket = bucket
        self.key = key
        self._offset = offset
        self._length = length
        self._version_id = read.version_id
        self._headers = read.headers()
        self._customer_key = read.sse is not None
        self._resp: StreamingResponse | None = None
        self._stat: ObjectStat | None = None
        self.content_length: int | None = None
        self._received = 0
        self._resumes = 0
        self._broke_at: float | None = None
        self._deadline: float | None = None  # the first request's (Timeouts.deadline)
        self._most: int | None = None  # the most body bytes the answer may have
        self._verify = verify and offset == 0 and length is None
        self._check: BodyCheck | None = None
        self._total: int | None = None
        self.verified_by: str | None = None
        self._opened = False
        self._finished = False  # the body was read to its end
        self._closed = False
        self._reporter = None if progress is None else ProgressReporter(progress, None)

    async def __aenter__(self) -> ObjectReader:
        if self._closed:
            raise RuntimeError("this reader is closed")
        if not self._opened:  # else opened by ``await``: the block only closes it
            await self._start()
        return self

    def __await__(self) -> Generator[object, None, ObjectReader]:
        return self._started().__await__()

    async def _started(self) -> ObjectReader:
        await self._start()
        return self

    async def _start(self) -> None:
        """Send the request and receive the answer's status and headers (an error such as
        :class:`~aiominio.NoSuchKey` is raised here); from then on the reader holds a
        connection."""
        if self._opened or self._closed:
            raise RuntimeError("this reader is already open")
        self._opened = True
        headers = dict(self._headers)
        if self._verify:
            headers["x-amz-checksum-mode"] = "ENABLED"
        try:
            resp = self._resp = await self._open(self._offset, headers)
            self._deadline = resp.deadline
            self._stat = stat_from_headers(resp.headers)
        except BaseException:
            await self.close()  # __aexit__ does not run when __aenter__ fails
            raise
        length = resp.headers.get("content-length", "")
        self.content_length = int(length) if length.isascii() and length.isdigit() else None
        # aiohttp holds a body to its Content-Length; a chunked one is held to the range asked.
        self._most = self.content_length if self.content_length is not None else self._length
        if self._reporter is not None:
            self._reporter.total = self.content_length
        whole = resp.status == 200 and self.content_length is not None
        if whole or "content-range" in resp.headers:
            self._total = self._stat.size
        if self._verify and resp.status == 200:
            self._check = body_check(encrypted_view(resp.headers, self._customer_key))

    async def _open(
        self, offset: int, headers: dict[str, str], resume: Resume | None = None
    ) -> StreamingResponse:
        """Request the body from ``offset``; an answer that is not exactly the bytes asked for
        is refused and asked again, within the body's retry budget (then raised)."""
        while True:
            resp = await self._request(offset, headers, resume)
            if not (offset or self._length is not None):
                return resp
            length = None if self._length is None else self._length - (offset - self._offset)
            problem = planning.range_answer_problem(
                resp.status, resp.headers, offset, length, self._total
            )
            etag = unquote_etag(resp.headers.get("etag", ""))
            if problem is None and self._stat is not None and etag != self._stat.etag:
                problem = f"the ETag changed from {self._stat.etag!r} to {etag!r}"
            if problem is None:
                return resp
            resp.release()
            self._resumes += 1
            where = f"{self.bucket}/{self.key}"
            failure = InvalidResponseError(f"{where}: {problem}")
            resume = Resume(failure, self._resumes, self._first_break(), self._deadline)

    async def _request(
        self, offset: int, headers: dict[str, str], resume: Resume | None = None
    ) -> StreamingResponse:
        if offset or self._length is not None:
            length = self._length
            if length is not None:
                length -= offset - self._offset
            headers["Range"] = planning.range_header(offset, length)
        version_id = self._version_id
        if version_id is None and self._stat is not None:
            version_id = pinned_version(self._stat)  # a resume: the version the body is of
        return await self._requester.send(
            Request(
                "GET",
                self.bucket,
                self.key,
                query=version_query(version_id),
                headers=headers,
                resume=resume,
            ),
            stream=True,
        )

    async def _resume(self, exc: BaseException) -> None:
        """Reopen the body where it broke off: a Range request from the next byte, guarded by
        If-Match on the ETag so a changed object is never spliced onto the old one."""
        if self.content_length is not None and self._received >= self.content_length:
            raise exc
        assert self._resp is not None
        self._resp.release()
        self._resp = None
        self._resumes += 1
        headers = dict(self._headers)
        etag = self.stat.etag
        if etag:
            # The caller's conditions held for the first answer; the ETag pins that object.
            headers = {k: v for k, v in headers.items() if k not in READ_CONDITIONS}
            headers["If-Match"] = f'"{etag}"'
        self._resp = await self._open(
            self._offset + self._received,
            headers,
            Resume(exc, self._resumes, self._first_break(), self._deadline),
        )

    def _first_break(self) -> float:
        """When the body first broke off or came back wrong: its retry time counts from then."""
        if self._broke_at is None:
            self._broke_at = self._requester.clock()
        return self._broke_at

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Release the connection (closed if the body was not read to its end). Idempotent;
        reading after it raises ``RuntimeError``."""
        self._closed = True
        self._release()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran or the ``async with`` block ended."""
        return self._closed

    def _release(self) -> None:
        resp, self._resp = self._resp, None
        if resp is not None:
            resp.release()

    def __del__(self, _warn: Callable[..., None] = warnings.warn) -> None:
        resp = getattr(self, "_resp", None)
        if resp is None:
            return
        # After the event loop closed there is nothing left to release the connection to.
        with contextlib.suppress(Exception):
            resp.release()
        _warn(
            f"unclosed object reader of {self.bucket}/{self.key}: read it to the end, "
            "'await obj.close()' or use 'async with client.get_object(...)'",
            ResourceWarning,
            source=self,
        )

    @property
    def stat(self) -> ObjectStat:
        """The object's size, ETag, content type, metadata, ... (from the GET answer)."""
        if self._stat is None:
            raise RuntimeError(_NOT_OPEN)
        return self._stat

    def _response(self) -> StreamingResponse:
        if self._resp is None:
            raise RuntimeError("this reader is closed" if self._closed else _NOT_OPEN)
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
        if self._finished and not self._closed:
            return b""
        self._response()  # misuse (not open, closed) raises here, and changes nothing
        try:
            chunk = await self._receive(limit)
        except Exception:
            await self.close()  # the body cannot go on: give the connection back now
            raise
        if not chunk or (self.content_length is not None and self._received >= self.content_length):
            self._finished = True
            self._release()
        if self._reporter is not None:
            try:
                await self._reporter.advance(len(chunk))
                if self._finished:
                    await self._reporter.report(final=True)
            except Exception:
                await self.close()  # a callback that raises stops the download
                raise
        return chunk

    async def _receive(self, limit: int | None) -> bytes:
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
            if self._most is not None and self._received > self._most:
                raise InvalidResponseError(
                    f"{self.bucket}/{self.key}: the body runs past the {self._most} bytes asked for"
                )
            short = self.content_length is not None and self._received < self.content_length
            if not chunk and short:
                await self._resume(ConnectionLostError("the body ended early"))
                continue
            if self._check is not None:
                done = self.content_length is not None and self._received >= self.content_length
                self._verify_chunk(chunk, at_end=done or not chunk)
            return chunk

    def _verify_chunk(self, chunk: bytes, *, at_end: bool) -> None:
        check = self._check
        assert check is not None
        check.update(chunk)
        if not at_end:
            return
        self._check = None
        if not check.ok:
            raise InvalidResponseError(check.mismatch(f"{self.bucket}/{self.key}"))
        self.verified_by = check.algorithm

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


_NOT_OPEN = (
    "open the reader first: 'async with client.get_object(...) as obj' "
    "or 'obj = await client.get_object(...)'"
)

"""Downloads as streams: :class:`ObjectReader`, which resumes a body that breaks off."""

from __future__ import annotations

from types import TracebackType

from aiominio.core import planning
from aiominio.core.headers import stat_from_headers
from aiominio.errors import ConnectionLostError, TransportError
from aiominio.models import ObjectStat
from aiominio.ops.objects import version_query
from aiominio.requester import Requester, Resume
from aiominio.transport import StreamingResponse


class ObjectReader:
    """The body of an object being downloaded; use it as an async context manager.

    ``async for chunk in reader`` yields the body as it arrives; ``await reader.read(n)`` reads up
    to ``n`` bytes (all the rest by default). ``reader.stat`` describes the object. Leaving the
    ``async with`` block releases the connection, on error and cancellation too.
    """

    def __init__(
        self,
        requester: Requester,
        bucket: str,
        key: str,
        *,
        offset: int = 0,
        length: int | None = None,
        version_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._requester = requester
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
        try:
            self._stat = stat_from_headers(self._resp.headers)
        except BaseException:
            self._resp.release()  # __aexit__ does not run when __aenter__ fails
            self._resp = None
            raise
        length = self._resp.headers.get("content-length", "")
        self.content_length = int(length) if length.isdigit() else None
        return self

    async def _request(
        self, offset: int, headers: dict[str, str], resume: Resume | None = None
    ) -> StreamingResponse:
        if offset or self._length is not None:
            length = self._length
            if length is not None:
                length -= offset - self._offset
            headers["Range"] = planning.range_header(offset, length)
        return await self._requester.execute(
            "GET",
            self.bucket,
            self.key,
            query=version_query(self._version_id),
            headers=headers,
            stream=True,
            resume=resume,
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
            headers["If-Match"] = f'"{etag}"'
        self._resp = await self._request(
            self._offset + self._received, headers, Resume(exc, self._resumes)
        )

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

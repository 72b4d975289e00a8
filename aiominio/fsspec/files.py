"""The files of :class:`~aiominio.fsspec.AiominioFileSystem`: buffered (``fs.open``) and async
(``await fs.open_async``).

Reads go through :class:`AdaptiveCache`: a buffer that reads little ahead after a seek and
doubles its read-ahead while reads go on sequentially. Writes stream into one ``put_object``
running on the filesystem's loop (:class:`StreamedUpload`): a small file is one PUT, a large one
a multipart upload whose parts go up while the caller writes. ``"xb"`` creates only
(``If-None-Match: *``, :class:`FileExistsError`); an exception inside the ``with`` block aborts
the upload, so no object and no incomplete upload is left.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, cast

from fsspec.asyn import AbstractAsyncStreamedFile, sync
from fsspec.caching import BaseCache
from fsspec.spec import AbstractBufferedFile

from aiominio.client import Client
from aiominio.core.headers import DEFAULT_CONTENT_TYPE
from aiominio.errors import PreconditionFailed
from aiominio.fsspec.paths import split_path
from aiominio.fsspec.ranges import DEFAULT_BLOCK_SIZE, ReadAhead
from aiominio.models import PutResult

if TYPE_CHECKING:
    from aiominio.fsspec.base import FileSystemBase

#: The smallest part of a multipart upload (S3's minimum, but for the last part).
MIN_PART_SIZE = 5 * 1024 * 1024
#: The modes files open in.
WRITE_MODES = frozenset({"wb", "xb"})


class AdaptiveCache(BaseCache):  # type: ignore[misc]
    """A read buffer whose read-ahead adapts: :class:`~aiominio.fsspec.ranges.ReadAhead`
    decides what a miss fetches. ``fetched`` counts the bytes fetched, ``fetches`` the requests.
    """

    name: ClassVar[str] = "adaptive"

    def __init__(
        self,
        blocksize: int,
        fetcher: Callable[[int, int], bytes],
        size: int,
        minimum: int | None = None,
    ) -> None:
        super().__init__(blocksize, fetcher, size)
        self.policy = ReadAhead(blocksize) if minimum is None else ReadAhead(blocksize, minimum)
        self.buffer = b""
        self.start = 0
        self.fetched = 0
        self.fetches = 0

    @property
    def stop(self) -> int:
        return self.start + len(self.buffer)

    def _fetch(self, start: int | None, stop: int | None) -> bytes:
        start = 0 if start is None else start
        stop = self.size if stop is None else min(stop, self.size)
        if start >= self.size or start >= stop:
            return b""
        if self.start <= start and stop <= self.stop:
            self.hit_count += 1
            return self.buffer[start - self.start : stop - self.start]
        self.miss_count += 1
        sequential = self.start <= start <= self.stop and bool(self.buffer)
        if sequential:
            # Keep what is buffered from ``start`` on; fetch from where the buffer ends.
            kept = self.buffer[start - self.start :]
            _, fetch_stop = self.policy.plan(self.stop, stop, sequential=True, size=self.size)
            new = self._get(self.stop, fetch_stop)
            self.buffer, self.start = kept + new, start
        else:
            fetch_start, fetch_stop = self.policy.plan(
                start, stop, sequential=False, size=self.size
            )
            self.buffer, self.start = self._get(fetch_start, fetch_stop), fetch_start
        return self.buffer[: stop - start]

    def _get(self, start: int, stop: int) -> bytes:
        data = cast(bytes, self.fetcher(start, stop))
        self.fetched += len(data)
        self.total_requested_bytes += stop - start
        self.fetches += 1
        return data

    def close(self) -> None:
        self.buffer = b""


class StreamedUpload:
    """One ``put_object`` fed chunk by chunk, on the loop that runs it.

    The chunks travel through a queue of one, so at most a chunk waits while the upload's own
    parts are in flight. :meth:`abort` cancels the upload: ``put_object`` then aborts its
    multipart upload.
    """

    def __init__(
        self,
        client: Callable[[], Client],
        bucket: str,
        key: str,
        *,
        part_size: int,
        create: bool,
        content_type: str = DEFAULT_CONTENT_TYPE,
    ) -> None:
        self._client = client  # asked for on the loop that runs the upload
        self._bucket = bucket
        self._key = key
        self._part_size = max(MIN_PART_SIZE, part_size)
        self._create = create
        self._content_type = content_type
        self._queue: asyncio.Queue[bytes | None] | None = None
        self._task: asyncio.Task[PutResult] | None = None

    async def _chunks(self) -> AsyncIterator[bytes]:
        assert self._queue is not None
        while True:
            chunk = await self._queue.get()
            if chunk is None:
                return
            yield chunk

    async def _put(self) -> PutResult:
        return await self._client().put_object(
            self._bucket,
            self._key,
            self._chunks(),
            part_size=self._part_size,
            if_none_match="*" if self._create else None,
            content_type=self._content_type,
        )

    async def send(self, chunk: bytes | None) -> None:
        """Hand a chunk (``None``: the end) to the upload; raises its error if it failed."""
        if self._task is None:
            self._queue = asyncio.Queue(maxsize=1)
            self._task = asyncio.ensure_future(self._put())
        assert self._queue is not None
        putting = asyncio.ensure_future(self._queue.put(chunk))
        await asyncio.wait({putting, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if not putting.done():
            putting.cancel()
            await asyncio.gather(putting, return_exceptions=True)
            await self._result()  # the upload ended early: its error

    async def finish(self, last: bytes) -> PutResult:
        """Send the last chunk and the end; the result once the object is stored."""
        if last:
            await self.send(last)
        await self.send(None)
        return await self._result()

    async def _result(self) -> PutResult:
        assert self._task is not None
        try:
            return await self._task
        except PreconditionFailed as exc:
            raise FileExistsError(f"{self._bucket}/{self._key} exists") from exc

    async def abort(self) -> None:
        """Cancel the upload (its multipart upload is aborted); quietly."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)


async def put_whole(
    client: Client, bucket: str, key: str, data: bytes, *, create: bool, part_size: int
) -> PutResult:
    """One ``put_object`` of ``data`` (multipart above the client's threshold); ``create``:
    only if the key is free, else :class:`FileExistsError`."""
    try:
        return await client.put_object(
            bucket,
            key,
            data,
            part_size=max(MIN_PART_SIZE, part_size) if len(data) > MIN_PART_SIZE else None,
            if_none_match="*" if create else None,
        )
    except PreconditionFailed as exc:
        raise FileExistsError(f"{bucket}/{key} exists") from exc


class AiominioFile(AbstractBufferedFile):  # type: ignore[misc]
    """A file of the filesystem, from ``fs.open(path, mode)``: ``"rb"``, ``"wb"`` or ``"xb"``.

    Reading seeks freely; the read-ahead adapts to the access pattern (``cache_type=
    "adaptive"``, the default; fsspec's caches by name otherwise). A read file pickles (it is
    reopened at the same position). Writing buffers ``block_size`` bytes (at least 5 MiB) per
    part; an exception inside ``with`` aborts the upload.
    """

    DEFAULT_BLOCK_SIZE = DEFAULT_BLOCK_SIZE

    fs: FileSystemBase
    closed: bool
    buffer: io.BytesIO
    forced: bool
    offset: int | None

    def __init__(
        self,
        fs: FileSystemBase,
        path: str,
        mode: str = "rb",
        block_size: int | str | None = "default",
        autocommit: bool = True,
        cache_type: str = "adaptive",
        cache_options: dict[str, object] | None = None,
        size: int | None = None,
        **kwargs: object,
    ) -> None:
        bucket, key = split_path(path)
        if not key:
            raise IsADirectoryError(f"{path!r} names a bucket, not an object")
        if mode not in {"rb", *WRITE_MODES}:
            raise ValueError(f"mode {mode!r} is not supported: 'rb', 'wb' or 'xb'")
        if not autocommit:
            raise NotImplementedError("autocommit=False is not supported")
        if mode == "xb" and fs.exists(path):
            raise FileExistsError(path)
        self.bucket, self.key = bucket, key
        self.etag: str | None = None
        self._upload: StreamedUpload | None = None
        adaptive = mode == "rb" and cache_type == "adaptive"
        super().__init__(
            fs,
            path,
            mode,
            block_size,
            autocommit,
            "none" if adaptive else cache_type,
            None if adaptive else cache_options,
            size,
            **kwargs,
        )
        if mode == "rb":
            if self._details is not None and self._details.get("type") != "file":
                raise IsADirectoryError(f"{path!r} is a directory")
            if self._details is not None:
                self.etag = cast("str | None", self._details.get("ETag")) or None
            if adaptive:
                options = dict(cache_options or {})
                minimum = options.pop("minimum", None)
                if options:
                    raise TypeError(f"unknown cache_options for 'adaptive': {sorted(options)}")
                self.cache = AdaptiveCache(
                    self.blocksize, self._fetch_range, self.size, cast("int | None", minimum)
                )

    # -- reading ---------------------------------------------------------------------------

    def _fetch_range(self, start: int, end: int) -> bytes:
        return cast(
            bytes,
            sync(self.fs.loop, self.fs._cat_file, self.path, start, end, if_match=self.etag),
        )

    # -- writing ---------------------------------------------------------------------------

    def _initiate_upload(self) -> None:
        """Nothing yet: a file that ends within its first block goes up in one PUT."""

    def _upload_chunk(self, final: bool = False) -> bool:
        data = self.buffer.getvalue()
        create = self.mode == "xb"
        if final and self._upload is None:
            sync(
                self.fs.loop,
                self._put_whole,
                data,
                create,
            )
            return True
        if self._upload is None:
            self._upload = StreamedUpload(
                self.fs.current_client,
                self.bucket,
                self.key,
                part_size=self.blocksize,
                create=create,
            )
        if final:
            sync(self.fs.loop, self._upload.finish, data)
        else:
            sync(self.fs.loop, self._upload.send, data)
        return True

    async def _put_whole(self, data: bytes, create: bool) -> PutResult:
        return await put_whole(
            self.fs.current_client(),
            self.bucket,
            self.key,
            data,
            create=create,
            part_size=self.blocksize,
        )

    def abort(self) -> None:
        """Throw away what was written: the upload is aborted and no object is stored."""
        if self.closed or self.mode == "rb":
            return
        try:
            if self._upload is not None:
                sync(self.fs.loop, self._upload.abort)
        finally:
            self.buffer = io.BytesIO()
            self.closed = True

    def discard(self) -> None:
        self.abort()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and self.mode in WRITE_MODES:
            self.abort()
        else:
            self.close()


class AiominioStreamedFile(AbstractAsyncStreamedFile):  # type: ignore[misc]
    """A file for ``async with await fs.open_async(path, mode)``: ``read`` fetches what it is
    asked for (no buffer); ``write`` buffers ``block_size`` bytes per part. ``"xb"`` creates
    only; an exception inside ``async with`` aborts the upload."""

    fs: FileSystemBase
    closed: bool
    buffer: io.BytesIO
    forced: bool
    offset: int | None

    def __init__(
        self,
        fs: FileSystemBase,
        path: str,
        mode: str,
        *,
        size: int | None,
        etag: str | None = None,
        block_size: int | None = None,
    ) -> None:
        self.bucket, self.key = split_path(path)
        self.etag = etag
        self._upload: StreamedUpload | None = None
        super().__init__(
            fs,
            path,
            mode,
            block_size or DEFAULT_BLOCK_SIZE,
            True,
            "none",
            None,
            size,
        )

    def writable(self) -> bool:
        return self.mode in WRITE_MODES and not self.closed

    async def _fetch_range(self, start: int, end: int) -> bytes:
        return await self.fs._cat_file(self.path, start, end, if_match=self.etag)

    async def write(self, data: bytes) -> int:
        if not self.writable():
            raise ValueError("File not in write mode")
        if self.forced:
            raise ValueError("This file has been force-flushed, can only close")
        out = self.buffer.write(data)
        self.loc += out
        if self.buffer.tell() >= self.blocksize:
            await self.flush()
        return out

    async def flush(self, force: bool = False) -> None:
        if self.closed:
            raise ValueError("Flush on closed file")
        if force and self.forced:
            raise ValueError("Force flush cannot be called more than once")
        if force:
            self.forced = True
        if self.mode not in WRITE_MODES or (not force and self.buffer.tell() < self.blocksize):
            return
        data = self.buffer.getvalue()
        create = self.mode == "xb"
        if force and self._upload is None:
            await put_whole(
                self.fs.current_client(),
                self.bucket,
                self.key,
                data,
                create=create,
                part_size=self.blocksize,
            )
        else:
            if self._upload is None:
                self._upload = StreamedUpload(
                    self.fs.current_client,
                    self.bucket,
                    self.key,
                    part_size=self.blocksize,
                    create=create,
                )
            if force:
                await self._upload.finish(data)
            else:
                await self._upload.send(data)
        self.offset = (self.offset or 0) + len(data)
        self.buffer = io.BytesIO()

    async def close(self) -> None:
        if self.closed:
            return
        try:
            if self.mode in WRITE_MODES and not self.forced:
                await self.flush(force=True)
        finally:
            self.closed = True
            if self.mode in WRITE_MODES:
                self.fs.invalidate_cache(self.path)

    async def abort(self) -> None:
        """Throw away what was written: the upload is aborted and no object is stored."""
        if self.closed or self.mode not in WRITE_MODES:
            return
        try:
            if self._upload is not None:
                await self._upload.abort()
        finally:
            self.buffer = io.BytesIO()
            self.closed = True

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and self.mode in WRITE_MODES:
            await self.abort()
        else:
            await self.close()

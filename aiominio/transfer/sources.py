"""Upload bodies from what callers have: bytes, str, sync and aiofiles files, async iterables;
and the progress of a transfer, told to a caller's callback.

Each body is wrapped as a :class:`Source` that reads exactly ``n`` bytes at a time (fewer only at
the end), so an upload can be cut into parts without knowing what it reads from.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import os
import stat
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import IO, Protocol, Union, cast, runtime_checkable

from aiominio.core.validation import check_int
from aiominio.errors import InvalidArgument


class AsyncReadable(Protocol):
    """A binary file with an awaitable ``read``: an aiofiles file opened with ``"rb"``, or
    anything like it (a ``readinto`` is used when it has one)."""

    def read(self, size: int, /) -> Awaitable[bytes]: ...


#: What an upload reads from: bytes-like, text (sent as UTF-8), a binary file (sync or
#: :class:`AsyncReadable`), or an async iterable of bytes.
Data = Union[  # noqa: UP007
    bytes, bytearray, memoryview, str, IO[bytes], AsyncReadable, AsyncIterable[bytes]
]
#: A progress callback: ``progress(done, total)``, the bytes transferred so far and the whole
#: transfer's size (``None`` when unknown, as for an async iterable of unknown length). It may be
#: a coroutine function (it is awaited). What it returns is ignored, so a bar's method that
#: returns something fits as it is (``lambda done, total: bar.update(...)`` with tqdm). Raising
#: from it stops the transfer with that exception.
Progress = Callable[[int, int | None], object]
#: A transfer tells its progress at least this often (in bytes), and once more at its end.
PROGRESS_STEP = 1 << 20
#: Reads of a sync file up to this size run on the loop; larger ones in a worker thread.
_INLINE_READ_MAX = 64 * 1024


class Source(Protocol):
    """An upload body: read part by part, in order, once."""

    #: The bytes the source holds, if known before it is read.
    size: int | None

    async def read(self, n: int) -> bytes | memoryview:
        """Exactly ``n`` bytes, fewer only at the end."""
        ...


@runtime_checkable
class FillingSource(Source, Protocol):
    """A source that can also fill a buffer it is given: a multipart upload then reads every
    part into one of a fixed set of buffers it reuses, so memory stays at part size times
    concurrency and no fresh pages are paid for each part (files, iterators). A source of
    bytes already in memory is not one: its parts are views of those bytes, never copied."""

    async def read_into(self, view: memoryview) -> int:
        """Fill ``view`` (fewer bytes only at the end); returns how many bytes were read."""
        ...


class _BufferSource:
    """Bytes already in memory: read as views of them, never copied."""

    def __init__(self, buf: bytes | memoryview) -> None:
        self._buf = buf
        self._view = buf if isinstance(buf, memoryview) else None
        self._pos = 0
        self.size: int | None = len(buf)

    async def read(self, n: int) -> bytes | memoryview:
        if self._pos == 0 and n >= len(self._buf):
            self._pos = len(self._buf)
            return self._buf  # all of it at once (a small PUT): no view to make
        view = self._view
        if view is None:
            view = self._view = memoryview(self._buf)
        chunk = view[self._pos : self._pos + n]
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
        if n <= _INLINE_READ_MAX:
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


class AsyncFileSource:
    """An aiofiles file (any :class:`AsyncReadable`)."""

    def __init__(self, f: AsyncReadable, size: int | None) -> None:
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
        readinto: Callable[[memoryview], Awaitable[int | None]] | None = getattr(
            self._f, "readinto", None
        )
        filled = 0
        while filled < len(view):
            if readinto is not None:
                got = await readinto(view[filled:]) or 0
            else:
                data = await self._f.read(len(view) - filled)
                got = len(data)
                view[filled : filled + got] = data
            if not got:
                break
            filled += got
        return filled


class _IterSource:
    """An async iterable of bytes, copied straight into each part's buffer: one copy per byte,
    and nothing held but the part being filled and the rest of the last chunk."""

    def __init__(self, it: AsyncIterable[bytes], size: int | None) -> None:
        self._it = it.__aiter__()
        self._rest = memoryview(b"")
        self._done = False
        self.size = size

    async def read(self, n: int) -> memoryview:
        buf = bytearray(n)
        got = await self.read_into(memoryview(buf))
        return memoryview(buf)[:got]

    async def read_into(self, view: memoryview) -> int:
        """Fill ``view`` (fewer bytes only at the end); returns how many bytes were read."""
        filled = 0
        while filled < len(view):
            if not self._rest:
                if self._done:
                    break
                try:
                    chunk = await self._it.__anext__()
                except StopAsyncIteration:
                    self._done = True
                    break
                if not isinstance(chunk, (bytes, bytearray, memoryview)):
                    raise TypeError(f"async iterables must yield bytes, got {type(chunk).__name__}")
                self._rest = memoryview(chunk).cast("B")
            take = min(len(view) - filled, len(self._rest))
            view[filled : filled + take] = self._rest[:take]
            self._rest = self._rest[take:]
            filled += take
        return filled


def in_memory(source: Source) -> bytes | memoryview | None:
    """All of ``source``'s bytes when they are in memory already and none was read yet (a
    small upload then needs no read at all), else ``None``."""
    if isinstance(source, _BufferSource) and source._pos == 0:
        return source._buf
    return None


def make_source(data: Data, size: int | None) -> Source:
    """Wrap what the caller has (bytes, str, a file, an async iterable) as a :class:`Source`."""
    if size is not None:
        check_int("size", size)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if type(data) is bytes and (size is None or size == len(data)):
        return _BufferSource(data)  # immutable: sent as it is
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data).cast("B")
        if size is not None and size != len(view):
            if size > len(view):
                raise InvalidArgument(f"size {size} is larger than the {len(view)} bytes given")
            view = view[:size]
        return _BufferSource(view)
    read = getattr(data, "read", None)
    if read is not None:
        _check_file(data)
        if inspect.iscoroutinefunction(read):
            return AsyncFileSource(cast("AsyncReadable", data), size)
        sync_file = cast("IO[bytes]", data)
        if size is None:
            size = _remaining_file_size(sync_file)
        return _SyncFileSource(sync_file, size)
    if hasattr(data, "__aiter__"):
        return _IterSource(cast("AsyncIterable[bytes]", data), size)
    raise TypeError(
        "data must be bytes, bytearray, memoryview, str, a binary file object, an aiofiles file "
        f"or an async iterable of bytes, not {type(data).__name__}"
    )


def _check_file(f: object) -> None:
    """A file must be open and binary: text would be re-encoded, a closed one fails mid-upload."""
    if getattr(f, "closed", False) is True:
        raise InvalidArgument(f"the file {_file_name(f)} is closed")
    # Text files (io.TextIOWrapper, aiofiles' text wrapper) have an encoding; binary ones don't.
    if isinstance(getattr(f, "encoding", None), str):
        raise TypeError(
            f"the file {_file_name(f)} is open in text mode; open it in binary mode ('rb')"
        )


def _file_name(f: object) -> str:
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, (str, bytes)) else "object"


def _remaining_file_size(f: IO[bytes]) -> int | None:
    """What is left to read of a regular file; ``None`` (read to the end) for a pipe, a device,
    or a file that tells no size: ``/proc`` and ``/sys`` files say 0 and have content."""
    try:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
            return None
        return int(st.st_size - f.tell())
    except (AttributeError, OSError, ValueError):
        return None


def check_progress(progress: object) -> Progress | None:
    """``progress`` if it is ``None`` or callable; else TypeError, before any request is sent."""
    if progress is None or callable(progress):
        return cast("Progress | None", progress)
    raise TypeError(
        "progress must be a callable taking (done, total) (a function or a coroutine "
        f"function), not {type(progress).__name__}"
    )


class ProgressReporter:
    """Counts the bytes of one transfer and tells a :data:`Progress` callback about them.

    The callback is called each time at least :data:`PROGRESS_STEP` more bytes were done, and by
    :meth:`report` with ``final=True`` at the end (``done == total`` when the total is known);
    never twice with the same count, always with a larger one than before, one call at a time
    (an async callback is awaited before the next call begins).
    """

    def __init__(self, progress: Progress | None, total: int | None, *, done: int = 0) -> None:
        self._progress = progress
        self.total = total
        self.done = done
        self._told = -1
        self._lock: asyncio.Lock | None = None  # made by the first report that calls back
        self._wake: asyncio.Event | None = None
        self._failure: Exception | None = None

    @property
    def active(self) -> bool:
        """Whether there is a callback to tell (without one, counting bytes serves nobody)."""
        return self._progress is not None

    def add(self, n: int) -> None:
        """Count ``n`` more bytes done (a sync call: the transport's body writer makes it)."""
        self.done += n
        if self._wake is not None and self._due():
            self._wake.set()

    async def advance(self, n: int) -> None:
        """Count ``n`` more bytes done, telling the callback at each step they cross (a large
        chunk is told in steps, so no call is more than a step after the one before)."""
        if self._progress is None:
            self.add(n)
            return
        while n > 0:
            to_step = max(self._told, 0) + PROGRESS_STEP - self.done
            piece = min(n, to_step) if to_step > 0 else n
            self.add(piece)
            n -= piece
            await self.report()

    def body_counter(self) -> Callable[[int], None]:
        """A ``sent`` hook for one request body: it is told how much of the body the current
        attempt has written; bytes a retried attempt writes again are not counted twice."""
        best = 0

        def sent(position: int) -> None:
            nonlocal best
            if position > best:
                self.add(position - best)
                best = position

        return sent

    async def report(self, *, final: bool = False) -> None:
        """Call the callback if a step's worth of bytes was done since its last call, or all of
        them; with ``final``, if anything was done since its last call, or it was never called."""
        if self._progress is None or not (final or self._due()):
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            done = self.done
            if done <= self._told or not (final or self._due()):
                return
            self._told = done
            result = self._progress(done, self.total)
            if inspect.isawaitable(result):
                await result

    def _due(self) -> bool:
        if self.total is not None and self.done >= self.total:
            return True
        return self.done - max(self._told, 0) >= PROGRESS_STEP

    @contextlib.asynccontextmanager
    async def pumping(self) -> AsyncIterator[None]:
        """Call the callback from a task of its own while the block runs, as :meth:`add` is
        told of bytes written by the transport (which must not run a caller's code: an
        exception there would read as a broken connection, and be retried).

        A callback that raises cancels the block's task; the block then raises that exception.
        """
        owner = asyncio.current_task()
        if self._progress is None or owner is None:
            yield
            return
        wake = self._wake = asyncio.Event()

        async def pump() -> None:
            while True:
                await wake.wait()
                wake.clear()
                try:
                    await self.report()
                except Exception as exc:
                    self._failure = exc
                    owner.cancel()
                    return

        task = asyncio.ensure_future(pump())
        try:
            yield
        except asyncio.CancelledError:
            if self._failure is None:
                raise
            uncancel = getattr(owner, "uncancel", None)  # Python 3.11+
            if uncancel is not None:
                uncancel()
            raise self._failure from None
        finally:
            self._wake = None
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # not on Windows, which has no FIFOs to plant


def _open_fd(path: str) -> tuple[int, os.stat_result]:
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
    except PermissionError:
        if os.path.isdir(path):  # Windows refuses to open a directory
            raise IsADirectoryError(errno.EISDIR, "is a directory", path) from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", path)
        if _NONBLOCK:
            os.set_blocking(fd, True)  # reads wait for a writer's data, as they would have
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_local(path: str, limit: int) -> tuple[bytes | IO[bytes], int | None]:
    """A local file to upload, in one job for a thread: a regular file of at most ``limit``
    bytes read whole (and closed), else the open file; with the bytes to send (``None`` when
    not known: what is not a regular file, or says it is empty, such as ``/proc`` files).

    The file is described as opened (not by its name, which could meanwhile be another file),
    and opened without waiting on what is at the name: a FIFO planted there (between a
    directory walk and the open, say) would hold the thread until a writer came; opened
    non-blocking, it then reads to its end like any file (at once, when nobody writes to it).

    Raises:
        IsADirectoryError: ``path`` is a directory.
        InvalidArgument: the file changed size while it was read.
    """
    fd, info = _open_fd(path)
    regular = stat.S_ISREG(info.st_mode)
    if not regular or info.st_size == 0 or info.st_size > limit:
        try:
            return os.fdopen(fd, "rb"), info.st_size if regular and info.st_size else None
        except BaseException:
            os.close(fd)
            raise
    try:
        # A byte more than the size tells a file that grew, and no more is read.
        want = info.st_size + 1
        chunks: list[bytes] = []
        got = 0
        while got < want and (chunk := os.read(fd, want - got)):
            chunks.append(chunk)
            got += len(chunk)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) != info.st_size:
        raise InvalidArgument(f"{path!r} changed size while it was read")
    return data, len(data)


async def load_local(path: str, limit: int) -> tuple[bytes | IO[bytes], int | None]:
    """:func:`read_local` in a worker thread. Cancelled while the thread works, the file it
    opened is closed when the thread is done (the caller, gone, cannot)."""
    job = asyncio.ensure_future(asyncio.to_thread(read_local, path, limit))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        job.add_done_callback(_close_loaded)
        raise


def _close_loaded(job: asyncio.Future[tuple[bytes | IO[bytes], int | None]]) -> None:
    if not job.cancelled() and job.exception() is None:
        body = job.result()[0]
        if not isinstance(body, bytes):
            body.close()

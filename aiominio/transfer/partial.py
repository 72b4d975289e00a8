"""The partial file of a download: opened so that nothing another user planted is followed or
truncated, locked while it is written, written and read through its descriptor only, then
renamed into place.

Its name, ``<path>.<tag>.part``, is predictable on purpose: a later download of the same object
resumes it. So the name is trusted only as far as what is found there: a new file is created
with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (mode 0o600), and an existing one is reused only when it
is a regular file of ours with no other link, opened with ``O_NOFOLLOW`` and checked after the
open to be the very file looked at. Anything else at that name (a symlink, a hard link to
another file, another user's file, a FIFO) is left alone, and the download goes to a fresh file
of a random name instead, which nobody could have planted and which is never resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

from aiominio.errors import InvalidResponseError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

T = TypeVar("T")
#: The mode of a partial file: readable by its owner alone until it is complete.
PARTIAL_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where planting links needs admin
_LOCK_POLL = 0.05  # seconds between tries of a partial file another download holds


def partial_path(path: str, etag: str) -> str:
    """Where the body of ``path`` is written while it downloads. The ETag is part of the name,
    so a partial file is only ever resumed for the same version of the object."""
    tag = hashlib.sha256(etag.encode()).hexdigest()[:16]
    return f"{path}.{tag}.part"


def record_path(partial_name: str) -> str:
    """Where the record of the ranges done of the partial file ``partial_name`` is kept."""
    return f"{partial_name}.ranges.json"


def is_ours(st: os.stat_result) -> bool:
    """Whether ``st`` (of an ``lstat``) is a regular file of this user with no other name: a
    file a download of ours made, not one planted for it to write through."""
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        return False
    return sys.platform == "win32" or st.st_uid == os.geteuid()


def _present_and_not_ours(path: str) -> bool:
    try:
        return not is_ours(os.lstat(path))
    except FileNotFoundError:
        return False


class PartialFile:
    """An open partial file: its descriptor, its name, and whether it is the resumable one.

    I/O on it runs in threads through :meth:`run`; such a job runs to its end even when its
    awaiter is cancelled, and the descriptor is closed only after every job has (else a reused
    descriptor number could take a late write).
    """

    def __init__(self, fd: int, name: str, *, resumable: bool) -> None:
        self.fd = fd
        self.name = name
        self.resumable = resumable
        self._committed = False
        self._jobs: set[Awaitable[object]] = set()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        job: asyncio.Future[T] = asyncio.ensure_future(asyncio.to_thread(fn, *args))
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        return await asyncio.shield(job)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)

    async def write(self, data: bytes | bytearray | memoryview, at: int) -> None:
        """Write all of ``data`` at offset ``at``."""
        view = memoryview(data)
        while view:
            written = await self.run(os.pwrite, self.fd, view, at)
            if written <= 0:
                raise OSError(f"short write to {self.name!r} at {at}")
            view, at = view[written:], at + written

    def chunks(self, chunk_size: int) -> Iterator[bytes]:
        """The file's bytes from its start, ``chunk_size`` at a time (a sync generator, to run
        in a thread)."""
        at = 0
        while chunk := os.pread(self.fd, chunk_size, at):
            yield chunk
            at += len(chunk)

    def discard(self) -> None:
        """Remove the file (and the record beside it) from its directory; the descriptor stays
        open until the file is closed."""
        for name in (self.name, record_path(self.name)):
            # Best effort: a record another user planted in a shared folder cannot be removed
            # (and was never read); the failure that got us here is what the caller raises.
            with contextlib.suppress(OSError):
                os.remove(name)

    def commit(self, path: str) -> None:
        """Give the file its final mode and rename it to ``path``, replacing what is there (a
        symlink at ``path`` is replaced, not written through); the record goes.

        The final mode is that of the regular file replaced, or, where there was none, that of
        a new file (0o666 less the umask).
        """
        try:
            old = os.lstat(path)
        except FileNotFoundError:
            old = None
        if old is not None and stat.S_ISREG(old.st_mode):
            mode = stat.S_IMODE(old.st_mode) & 0o777  # never set-id bits on downloaded data
        else:
            mode = 0o666 & ~_umask()
        if sys.platform != "win32":
            os.fchmod(self.fd, mode)
        os.replace(self.name, path)
        self._committed = True
        with contextlib.suppress(OSError):  # not ours to remove (see discard): left alone
            os.remove(record_path(self.name))

    async def settle(self) -> None:
        """Wait for every job to end (a failed one too: its awaiter has its exception)."""
        if self._jobs:
            await asyncio.gather(*self._jobs, return_exceptions=True)

    def close(self, *, discard: bool) -> None:
        """Close the descriptor (and with ``discard`` remove the file, unless it was committed)
        once every job has ended.

        Not awaited: a cancelled download returns at once, while a job it left in a thread
        (queued behind other work, perhaps) still has its descriptor when it runs.
        """

        def done(_: object = None) -> None:
            try:
                if discard and not self._committed:
                    self.discard()
            finally:
                os.close(self.fd)

        if not self._jobs:
            done()
            return
        asyncio.gather(*self._jobs, return_exceptions=True).add_done_callback(done)


@contextlib.asynccontextmanager
async def opened(
    path: str, etag: str, *, waiting: Callable[[], Awaitable[None]] | None = None
) -> AsyncIterator[PartialFile]:
    """The partial file of a download of the object of ``etag`` to ``path``: the resumable one
    (created, or reused when it is ours), locked against other downloads to the same path, which
    wait for this one; or, when something else holds its name, a fresh one of a random name.
    ``waiting`` is awaited once, before such a wait (to let go of what the wait would hold).

    On exit the descriptor is closed; a file of a random name that was not committed is
    removed (nobody could resume it). Both wait for the file's jobs, not its caller.
    """
    name = partial_path(path, etag)
    partial = await _open_resumable(name, waiting)
    if partial is None:
        directory, base = os.path.split(path)
        fd, fresh = tempfile.mkstemp(prefix=f"{base}.", suffix=".part", dir=directory or ".")
        partial = PartialFile(fd, fresh, resumable=False)
    try:
        yield partial
    finally:
        partial.close(discard=not partial.resumable)


async def _open_resumable(
    name: str, waiting: Callable[[], Awaitable[None]] | None
) -> PartialFile | None:
    """The resumable partial file ``name``, locked; ``None`` when its name, or its record's,
    holds something that is not ours."""
    while True:
        if _present_and_not_ours(record_path(name)):
            return None
        fd = _open_ours(name)
        if fd is None:
            return None
        try:
            if waiting is not None and not _try_lock(fd):
                await waiting()
                waiting = None
            # Polled: the holder may be another process, which no asyncio.Event can tell of.
            while not _try_lock(fd):  # noqa: ASYNC110
                await asyncio.sleep(_LOCK_POLL)
            # A file renamed into place or removed while we waited is opened afresh.
            if _is_file_at(fd, name):
                return PartialFile(fd, name, resumable=True)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _open_ours(name: str) -> int | None:
    """A descriptor of the regular file of ours at ``name``, created if there is none; ``None``
    when something else is there."""
    flags = os.O_RDWR | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    while True:
        with contextlib.suppress(FileExistsError):
            return os.open(name, flags | os.O_CREAT | os.O_EXCL, PARTIAL_MODE)
        try:
            seen = os.lstat(name)
        except FileNotFoundError:
            continue  # removed since: create it
        if not is_ours(seen):
            return None
        try:
            fd = os.open(name, flags)
        except FileNotFoundError:
            continue
        except OSError:
            return None  # swapped for a symlink since the lstat (ELOOP)
        opened_st = os.fstat(fd)
        if not (os.path.samestat(opened_st, seen) and is_ours(opened_st)):
            os.close(fd)
            return None  # swapped for another file since the lstat
        if sys.platform != "win32" and stat.S_IMODE(opened_st.st_mode) != PARTIAL_MODE:
            os.fchmod(fd, PARTIAL_MODE)  # older releases gave it the final mode at once
        return fd


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _is_file_at(fd: int, name: str) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(name))
    except FileNotFoundError:
        return False


def _umask() -> int:
    """The process's umask, without changing it where the system tells it (Linux): setting it
    to read it back would, for that moment, apply to files other threads create."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as f,
    ):
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    # Elsewhere: read it by setting the strictest mask, so a file another thread creates in
    # that moment is, if anything, too private.
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


#: Bytes a download gathers before one positioned write: fewer, larger writes of the file.
WRITE_SIZE = 1 << 20


async def write_body(
    partial: PartialFile,
    chunks: AsyncIterator[bytes],
    *,
    at: int,
    end: int,
    advance: Callable[[int], Awaitable[None]],
    too_long: str,
    seen: Callable[[bytearray], None] | None = None,
) -> int:
    """Write ``chunks`` into ``partial`` from ``at``, gathered into blocks of :data:`WRITE_SIZE`,
    telling ``advance`` of each block written (and ``seen`` of each block, in order, before it
    is written); the position after the last byte.

    Raises:
        InvalidResponseError: (with the message ``too_long``) the chunks run past ``end``,
            raised before a byte past it is written or told: what lies beyond is another
            range's, or nothing the server announced.
    """
    pending = bytearray()
    async for chunk in chunks:
        if at + len(pending) + len(chunk) > end:
            raise InvalidResponseError(too_long)
        pending += chunk
        if len(pending) >= WRITE_SIZE:
            if seen is not None:
                seen(pending)
            await partial.write(pending, at)
            at += len(pending)
            await advance(len(pending))
            pending = bytearray()
    if pending:
        if seen is not None:
            seen(pending)
        await partial.write(pending, at)
        at += len(pending)
        await advance(len(pending))
    return at

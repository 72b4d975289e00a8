"""Parallel ranged downloads: ranges fetched at once into a preallocated partial file, with a
record of the ranges done beside it so an interrupted download resumes where it stopped.

The record (``<partial>.ranges.json``, a :class:`RangeRecord`) names the object it is of (ETag,
size, version) and the range size; one that does not match is ignored and the download starts
over. A range is marked done only once its bytes were written to the file, so a range in the
record is in the file.
A record is read only when it is a regular file of ours (another user's, or a symlink, counts
as none), and written to a temporary file of a random name that then replaces it.

No range writes past its end: a range whose answer runs longer than asked fails the download
before its excess is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TypeGuard

from aiominio.core import planning
from aiominio.core.checksums import RangeCrcs
from aiominio.errors import InvalidResponseError
from aiominio.transfer.jobs import Download
from aiominio.transfer.partial import PartialFile, is_ours, record_path, write_body

_RECORD_VERSION = 1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True, slots=True)
class RangeRecord:
    """The record of a download in ranges: which object it is of, how it was cut, which ranges
    are in the partial file.

    Attributes:
        etag, size, version_id: the object the partial file holds ranges of.
        range_size: the size every range but the last has.
        done: the indices of the ranges whose bytes are in the file.
    """

    etag: str
    size: int
    version_id: str | None
    range_size: int
    done: frozenset[int] = frozenset()

    def same_download(self, other: RangeRecord) -> bool:
        """Whether both are of the same object cut the same way (their ranges can mix)."""
        return (self.etag, self.size, self.version_id, self.range_size) == (
            other.etag,
            other.size,
            other.version_id,
            other.range_size,
        )

    def with_done(self, done: frozenset[int]) -> RangeRecord:
        return replace(self, done=done)

    def to_json(self) -> dict[str, object]:
        # The range size is stored as "part_size", the name records already on disk use:
        # a download interrupted under an older aiominio release still resumes.
        return {
            "format": _RECORD_VERSION,
            "etag": self.etag,
            "size": self.size,
            "version_id": self.version_id,
            "part_size": self.range_size,
            "done": sorted(self.done),
        }

    @classmethod
    def from_json(cls, data: object) -> RangeRecord:
        """The record ``data`` describes; one malformed in any way is :data:`UNUSABLE`."""
        if not isinstance(data, dict) or data.get("format") != _RECORD_VERSION:
            return UNUSABLE
        etag, size, version_id = data.get("etag"), data.get("size"), data.get("version_id")
        range_size, done = data.get("part_size"), data.get("done")
        if not (
            isinstance(etag, str)
            and _is_count(size)
            and (version_id is None or isinstance(version_id, str))
            and _is_count(range_size)
            and range_size > 0
            and isinstance(done, list)
        ):
            return UNUSABLE
        count = -(-size // range_size)
        indices = frozenset(i for i in done if _is_count(i) and i < count)
        return cls(etag, size, version_id, range_size, indices)

    def contiguous_prefix(self) -> int:
        """The bytes from the start of the file that are all in ranges done."""
        if self.range_size <= 0:
            return 0
        n = 0
        while n in self.done:
            n += 1
        return min(n * self.range_size, self.size)


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


#: A record that is there but cannot be used (unreadable, not ours, malformed): it matches no
#: download, so the download it stands beside starts over.
UNUSABLE = RangeRecord(etag="", size=0, version_id=None, range_size=0)


def load_record(path: str) -> RangeRecord | None:
    """The record at ``path``; ``None`` when there is none, :data:`UNUSABLE` when what is
    there is not a record of ours."""
    try:
        # Non-blocking: a FIFO planted there would hold the opening thread for ever.
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError:
        return UNUSABLE  # unreadable, or a symlink: present but of nothing
    try:
        with open(fd, encoding="utf-8", closefd=False) as f:
            # Checked on the open file: what was read is what was checked.
            st = os.fstat(fd)
            if not (stat.S_ISREG(st.st_mode) and is_ours(st)):
                return UNUSABLE
            return RangeRecord.from_json(json.load(f))
    except (OSError, ValueError):
        return UNUSABLE
    finally:
        os.close(fd)


def save_record(path: str, record: RangeRecord) -> None:
    # A temporary name nobody can guess, created O_EXCL: a planted file is never written through.
    directory, base = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{base}.", suffix=".tmp", dir=directory or ".")
    try:
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(record.to_json(), f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def remove_record(partial_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(record_path(partial_name))


def contiguous_prefix(partial_name: str) -> int | None:
    """For a single-stream resume of a partial file a download in ranges left: the bytes from
    the start that are all in ranges done (``None``: no record, the file is append-only)."""
    record = load_record(record_path(partial_name))
    return None if record is None else record.contiguous_prefix()


def _ranges_done(partial: PartialFile, wanted: RangeRecord) -> frozenset[int]:
    """The ranges of ``wanted`` already in the partial file: those of a matching record; or,
    where no record was kept, the whole ranges of what a single-stream download appended."""
    record = load_record(record_path(partial.name))
    if record is None:
        have = partial.size()
        if have > wanted.size:
            return frozenset()
        return frozenset(range(have // wanted.range_size))
    if not record.same_download(wanted):
        return frozenset()  # another object, or cut another way: start over
    return record.done


class RangedDownload:
    """A download into ``partial`` in ranges of ``range_size`` bytes, ``concurrency`` at a time,
    each pinned to the ETag by If-Match and written at its place; the record beside the file
    is rewritten after each range.

    The ranges are worked out one at a time as they are fetched
    (:class:`~aiominio.core.planning.RangePlan`); the size they cut must have passed
    :func:`~aiominio.core.planning.check_object_size`.
    """

    def __init__(
        self,
        job: Download,
        partial: PartialFile,
        *,
        concurrency: int,
        range_size: int,
        crcs: RangeCrcs | None = None,
    ) -> None:
        self._job = job
        self._partial = partial
        self._concurrency = concurrency
        self._ranges = planning.plan_ranges(job.stat.size, range_size)
        stat = job.stat
        self._record = RangeRecord(stat.etag, stat.size, job.version_id, range_size)
        self._record_file = record_path(partial.name)
        self._saving = asyncio.Lock()
        self._done: set[int] = set()
        #: Each range's CRC, taken as it is written (with a whole-object CRC to check).
        self.crcs = crcs

    async def run(self) -> None:
        """Fetch the ranges the partial file lacks; raise the first failure, the others
        cancelled."""
        partial, job = self._partial, self._job
        self._done = set(await partial.run(_ranges_done, partial, self._record))
        # The record is written before the file is grown: a file of full size with no record
        # would read as a complete single-stream download.
        await self._save()
        partial.truncate(job.stat.size)
        job.reporter.done = sum(self._ranges[i][1] for i in self._done)
        # Lazy: 5 TiB in 1 MiB ranges are five million indices.
        todo = (i for i in range(len(self._ranges)) if i not in self._done)
        workers = [asyncio.ensure_future(self._work(todo)) for _ in range(self._concurrency)]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        finally:
            # A record save in a thread would otherwise land after the caller removed the file.
            await asyncio.shield(partial.settle())

    async def _work(self, todo: Iterator[int]) -> None:
        for index in todo:  # one iterator shared by the workers: each range is taken once
            await self._fetch(index)

    async def _fetch(self, index: int) -> None:
        job = self._job
        start, length = self._ranges[index]
        end = start + length
        crcs, value = self.crcs, 0

        def seen(block: bytearray) -> None:
            nonlocal value
            assert crcs is not None
            value = crcs.fn(memoryview(block), value)

        async with job.reader(start, length) as reader:
            if reader.stat.etag != job.stat.etag:
                raise InvalidResponseError(
                    f"{job.where}: a range describes another object than the first answer did"
                )
            # Past the range lie other ranges' bytes: nothing past it is written.
            at = await write_body(
                self._partial,
                reader,
                at=start,
                end=end,
                advance=job.reporter.advance,
                too_long=f"{job.where}: range {start}-{end - 1} sent more than its {length} bytes",
                seen=None if crcs is None else seen,
            )
        if at - start != length:
            raise InvalidResponseError(
                f"{job.where}: range {start}-{end - 1} gave {at - start} bytes"
            )
        if crcs is not None:
            crcs.add(start, length, value)
        self._done.add(index)
        await self._save()
        await job.reporter.report()

    async def _save(self) -> None:
        async with self._saving:
            record = self._record.with_done(frozenset(self._done))
            await self._partial.run(save_record, self._record_file, record)

"""Parallel ranged downloads: ranges fetched at once into a preallocated partial file, with a
record of the ranges done beside it so an interrupted download resumes where it stopped.

The record (``<partial>.ranges.json``) names the object it is of (ETag, size, version) and the
range size; one that does not match is ignored and the download starts over. A range is marked
done only once its bytes were written to the file, so a range in the record is in the file.
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

from aiominio.core import planning
from aiominio.core.sse import SseCustomerKey
from aiominio.errors import InvalidResponseError
from aiominio.models import ObjectStat
from aiominio.requester import Requester
from aiominio.transfer.partial import PartialFile, is_ours, record_path, write_body
from aiominio.transfer.reader import ObjectReader
from aiominio.transfer.sources import ProgressReporter

_RECORD_VERSION = 1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _identity(stat: ObjectStat, version_id: str | None, part_size: int) -> dict[str, object]:
    return {
        "format": _RECORD_VERSION,
        "etag": stat.etag,
        "size": stat.size,
        "version_id": version_id,
        "part_size": part_size,
    }


def _load_record(path: str) -> dict[str, object] | None:
    try:
        # Non-blocking: a FIFO planted there would hold the opening thread for ever.
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError:
        return {}  # unreadable, or a symlink: present but of nothing
    try:
        with open(fd, encoding="utf-8", closefd=False) as f:
            # Checked on the open file: what was read is what was checked.
            st = os.fstat(fd)
            record = json.load(f) if stat.S_ISREG(st.st_mode) and is_ours(st) else {}
    except (OSError, ValueError):
        return {}
    finally:
        os.close(fd)
    return record if isinstance(record, dict) else {}


def _save_record(path: str, record: dict[str, object]) -> None:
    # A temporary name nobody can guess, created O_EXCL: a planted file is never written through.
    directory, base = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{base}.", suffix=".tmp", dir=directory or ".")
    try:
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def remove_record(part: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(record_path(part))


def contiguous_prefix(part: str) -> int | None:
    """For a single-stream resume of a partial file a parallel download left: the bytes from
    the start that are all in ranges done (``None``: no record, the file is append-only)."""
    record = _load_record(record_path(part))
    if record is None:
        return None
    listed = record.get("done")
    done = set(listed) if isinstance(listed, list) else set()
    part_size = record.get("part_size")
    size = record.get("size")
    if not isinstance(part_size, int) or not isinstance(size, int) or part_size <= 0:
        return 0
    n = 0
    while n in done:
        n += 1
    return min(n * part_size, size)


def _done_ranges(
    part: PartialFile, identity: dict[str, object], size: int, part_size: int
) -> set[int]:
    """The ranges already in the partial file: those of a matching record; or, where no record
    was kept, the whole ranges of what a single-stream download had appended."""
    record = _load_record(record_path(part.name))
    if record is None:
        have = part.size()
        if have > size:
            return set()
        return set(range(have // part_size))
    if {k: record.get(k) for k in identity} != identity:
        return set()  # another object, or cut another way: start over
    count = len(planning.plan_ranges(size, part_size))
    listed = record.get("done")
    if not isinstance(listed, list):
        return set()
    return {i for i in listed if isinstance(i, int) and 0 <= i < count}


async def fill_ranges(
    req: Requester,
    bucket: str,
    key: str,
    stat: ObjectStat,
    part: PartialFile,
    version_id: str | None,
    sse: SseCustomerKey | None,
    *,
    concurrency: int,
    part_size: int,
    reporter: ProgressReporter,
) -> None:
    """Fetch the ranges of ``stat``'s object that ``part`` lacks, ``concurrency`` at a time,
    each pinned to the ETag by If-Match, into their places in ``part``.

    The ranges are worked out one at a time as they are fetched (:class:`~aiominio.core.planning.
    RangePlan`); the size they cut must have passed :func:`~aiominio.core.planning.
    check_object_size`."""
    ranges = planning.plan_ranges(stat.size, part_size)
    identity = _identity(stat, version_id, part_size)
    record_file = record_path(part.name)
    done = await part.run(_done_ranges, part, identity, stat.size, part_size)
    # The record is written before the file is grown: a file of full size with no record
    # would read as a complete single-stream download.
    await part.run(_save_record, record_file, {**identity, "done": sorted(done)})
    part.truncate(stat.size)
    reporter.done = sum(ranges[i][1] for i in done)
    todo = (i for i in range(len(ranges)) if i not in done)
    saving = asyncio.Lock()

    async def fetch(index: int) -> None:
        start, length = ranges[index]
        end = start + length
        reader = ObjectReader(
            req,
            bucket,
            key,
            offset=start,
            length=length,
            version_id=version_id,
            headers={"If-Match": f'"{stat.etag}"'} if stat.etag else {},
            verify=False,
            sse=sse,
        )
        async with reader:
            if reader.stat.etag != stat.etag:
                raise InvalidResponseError(
                    f"{bucket}/{key}: a range describes another object than the HEAD did"
                )
            # Past the range lie other ranges' bytes: nothing past it is written.
            at = await write_body(
                part,
                reader,
                at=start,
                end=end,
                advance=reporter.advance,
                too_long=(
                    f"{bucket}/{key}: range {start}-{end - 1} sent more than its {length} bytes"
                ),
            )
        if at - start != length:
            raise InvalidResponseError(
                f"{bucket}/{key}: range {start}-{start + length - 1} gave {at - start} bytes"
            )
        done.add(index)
        async with saving:
            record = {**identity, "done": sorted(done)}
            await part.run(_save_record, record_file, record)
        await reporter.report()

    async def worker() -> None:
        for index in todo:  # shared: each range is taken by one worker
            await fetch(index)

    workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        raise
    finally:
        # A record save in a thread would otherwise land after the caller removed the file.
        await asyncio.shield(part.settle())

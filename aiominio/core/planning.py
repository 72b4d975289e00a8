"""Part planning for multipart uploads and copies, and byte-range checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import overload

from aiominio.core.validation import check_int
from aiominio.errors import InvalidArgument, InvalidResponseError

MiB = 1024 * 1024
GiB = 1024 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
#: The largest object S3 stores (5 TiB): a larger size announced by a server is refused.
MAX_OBJECT_SIZE = 5 * 1024 * GiB
DEFAULT_PART_SIZE = 16 * MiB
MAX_SINGLE_PUT = 5 * GiB
#: Bodies up to this size go in one PUT, larger ones in parts (the smallest part S3 allows).
DEFAULT_MULTIPART_THRESHOLD = MIN_PART_SIZE
# Parts of a stream of unknown size double in size every this many parts, so 10,000 parts reach
# past 5 TiB while a stream of a few GB still uses the part size the caller chose.
_GROWTH_STEP = 1000


# No byte count S3 can mean has more digits (5 TiB has 13); int() of a longer one is slow, and
# past 4,300 digits a bare ValueError.
_MAX_DIGITS = 20


def check_object_size(size: int, what: str) -> int:
    """``size``, an object's size a server announced, if S3 could store an object that large.

    Raises:
        InvalidResponseError: more than :data:`MAX_OBJECT_SIZE`, before anything is planned
            or allocated for it.
    """
    if size > MAX_OBJECT_SIZE:
        raise InvalidResponseError(
            f"{what}: the server announced {size} bytes, more than the "
            f"{MAX_OBJECT_SIZE} bytes (5 TiB) of S3's largest object"
        )
    return size


def check_part_size(part_size: object) -> int:
    size = check_int("part_size", part_size)
    if not MIN_PART_SIZE <= size <= MAX_PART_SIZE:
        raise InvalidArgument(f"part_size must be between 5 MiB and 5 GiB, got {size}")
    return size


def plan_part_size(size: int | None, part_size: int | None = None) -> int:
    """The part size for an upload of ``size`` bytes (``None``: unknown).

    A given ``part_size`` is checked (5 MiB .. 5 GiB, and at most 10,000 parts for ``size``).
    Otherwise the default (16 MiB) is used, grown in whole MiB where the object would need more
    than 10,000 parts, so anything up to 5 TiB fits.
    """
    if size is not None:
        check_int("size", size)
        if size > MAX_OBJECT_SIZE:
            raise InvalidArgument(f"size {size} exceeds the S3 maximum object size of 5 TiB")
    if part_size is not None:
        chosen = check_part_size(part_size)
        if size is not None and -(-size // chosen) > MAX_PARTS:
            raise InvalidArgument(
                f"part_size {chosen} would need more than 10,000 parts for {size} bytes"
            )
        return chosen
    if size is None:
        return DEFAULT_PART_SIZE
    needed = -(-size // MAX_PARTS)
    needed = -(-needed // MiB) * MiB
    return max(DEFAULT_PART_SIZE, needed)


def stream_part_size(base: int, part_number: int) -> int:
    """Size of part ``part_number`` (1-based) of a stream of unknown length."""
    growth = (part_number - 1) // _GROWTH_STEP
    return min(MAX_PART_SIZE, base << growth)


def part_ranges(size: int, part_size: int) -> list[tuple[int, int]]:
    """``(offset, length)`` of each part of an object of ``size`` bytes."""
    if size == 0:
        return [(0, 0)]
    return [(off, min(part_size, size - off)) for off in range(0, size, part_size)]


def range_header(offset: int, length: int | None) -> str:
    """The ``Range`` header for ``length`` bytes from ``offset`` (to the end when None)."""
    if length is None:
        return f"bytes={offset}-"
    return f"bytes={offset}-{offset + length - 1}"


def check_range(offset: object, length: object) -> tuple[int, int | None]:
    """Check a byte range before any request: offset >= 0, length None or >= 1."""
    off = check_int("offset", offset)
    if length is None:
        return off, None
    return off, check_int("length", length, minimum=1)


def parse_content_range(value: str) -> tuple[int, int, int | None] | None:
    """``(first, last, total)`` of a ``Content-Range: bytes first-last/total`` header (total
    ``None`` for ``*``), or ``None`` when it is not one."""
    unit, _, spec = value.strip().partition(" ")
    span, _, total = spec.partition("/")
    first, _, last = span.partition("-")
    if unit != "bytes" or not (_is_count(first) and _is_count(last)):
        return None
    if not (_is_count(total) or total == "*"):
        return None
    lo, hi = int(first), int(last)
    size = int(total) if total.isdigit() else None
    if hi < lo or (size is not None and hi >= size):
        return None
    return lo, hi, size


def _is_count(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS


def range_answer_problem(
    status: int,
    headers: Mapping[str, str],
    offset: int,
    length: int | None,
    total: int | None = None,
) -> str | None:
    """What is wrong with the answer to a request for ``length`` bytes from ``offset`` (to the
    end when None), or ``None`` when it is exactly that range.

    It must be a 206 whose ``Content-Range`` starts at ``offset``, ends where asked (or at the
    object's end), agrees with ``Content-Length`` and, when ``total`` is known from an earlier
    answer about the same object, has that total: a server or proxy that ignores ``Range`` and
    sends the whole body (a 200) must not have it spliced onto the bytes already read.
    """
    if status != 206:
        return f"asked for bytes from {offset}, got a {status} (the Range was ignored)"
    raw = headers.get("content-range", "")
    parsed = parse_content_range(raw)
    if parsed is None:
        return f"a 206 answer with an unusable Content-Range {raw!r}"
    first, last, size = parsed
    if first != offset:
        return f"asked for bytes from {offset}, got Content-Range {raw!r}"
    if total is not None and size != total:
        return f"the object was {total} bytes, the Content-Range {raw!r} says otherwise"
    if length is not None and size is not None and last != min(offset + length, size) - 1:
        return f"asked for {length} bytes from {offset}, got Content-Range {raw!r}"
    declared = headers.get("content-length")
    if declared is not None and declared != str(last - first + 1):
        return f"Content-Range {raw!r} and Content-Length {declared} disagree"
    return None


#: The smallest range a parallel download (``fget_object(concurrency=...)``) fetches.
MIN_RANGE_SIZE = 1 << 20
#: The range size of a parallel download when none is given (see benchmarks/README.md).
DEFAULT_RANGE_SIZE = 16 << 20
#: Ranges a download fetches at once when no concurrency is given (see benchmarks/README.md).
DEFAULT_DOWNLOAD_CONCURRENCY = 8


def check_range_size(part_size: object) -> int:
    """The range size of a parallel download: 1 MiB to 5 GiB."""
    size = check_int("part_size", part_size)
    if not MIN_RANGE_SIZE <= size <= MAX_PART_SIZE:
        raise InvalidArgument(f"part_size must be between 1 MiB and 5 GiB, got {size}")
    return size


@dataclass(frozen=True, slots=True)
class RangePlan(Sequence[tuple[int, int]]):
    """``(start, length)`` of each range of an object of ``size`` bytes cut every ``range_size``,
    worked out when asked for: the plan of the largest object takes no more memory than that of
    the smallest."""

    size: int
    range_size: int

    def __len__(self) -> int:
        return -(-self.size // self.range_size)

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, int] | Sequence[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(f"range {index} of {count}")
        start = index * self.range_size
        return start, min(self.range_size, self.size - start)


def plan_ranges(size: int, part_size: int) -> RangePlan:
    """``(start, length)`` of each range of an object of ``size`` bytes cut every ``part_size``."""
    return RangePlan(size, part_size)

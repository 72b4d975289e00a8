"""Part planning for multipart uploads and copies, and byte-range checks."""

from __future__ import annotations

from aiominio.core.validation import check_int
from aiominio.errors import InvalidArgument

MiB = 1024 * 1024
GiB = 1024 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
MAX_OBJECT_SIZE = 5 * 1024 * GiB
DEFAULT_PART_SIZE = 16 * MiB
MAX_SINGLE_PUT = 5 * GiB
#: Bodies up to this size go in one PUT, larger ones in parts (the smallest part S3 allows).
DEFAULT_MULTIPART_THRESHOLD = MIN_PART_SIZE
# Parts of a stream of unknown size double in size every this many parts, so 10,000 parts reach
# past 5 TiB while a stream of a few GB still uses the part size the caller chose.
_GROWTH_STEP = 1000


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

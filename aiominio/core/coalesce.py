"""Coalescing byte ranges: the few GETs that fetch many ranges of one object, and the ranges cut
back out of what they return. Pure: no I/O."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from aiominio.core.validation import check_int
from aiominio.errors import InvalidArgument, InvalidResponseError

#: Ranges closer than this are fetched by one GET by default: the bytes between them cost less
#: than another request's round trip.
DEFAULT_COALESCE = 1 << 20
#: A merged span longer than this is fetched as several GETs, at once.
DEFAULT_MAX_SPAN = 16 << 20
#: The smallest ``max_span`` accepted.
MIN_SPAN = 1 << 10


def check_ranges(ranges: object) -> list[tuple[int, int]]:
    """``ranges`` as a list of ``(start, end)`` pairs, ``0 <= start <= end``, ``end``
    exclusive (as in ``data[start:end]``).

    Raises:
        TypeError: not an iterable of pairs of ints.
        InvalidArgument: a negative start, or an end before its start.
    """
    if isinstance(ranges, (str, bytes, bytearray)) or not isinstance(ranges, Iterable):
        raise TypeError("ranges must be an iterable of (start, end) pairs")
    checked = []
    for pair in ranges:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"each range must be a (start, end) pair, not {pair!r}")
        start = check_int("a range's start", pair[0])
        end = check_int("a range's end", pair[1])
        if end < start:
            raise InvalidArgument(f"the range ({start}, {end}) ends before it starts")
        checked.append((start, end))
    return checked


def coalesce_ranges(
    ranges: Sequence[tuple[int, int]], *, coalesce: int, max_span: int
) -> list[tuple[int, int]]:
    """The spans to GET, sorted and disjoint, covering every non-empty range: ranges that
    overlap or lie at most ``coalesce`` bytes apart are merged, and a merged span longer than
    ``max_span`` is cut into pieces of at most ``max_span`` bytes."""
    merged: list[list[int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1] + coalesce:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    spans = []
    for start, end in merged:
        spans += [(at, min(at + max_span, end)) for at in range(start, end, max_span)]
    return spans


def cut_ranges(
    ranges: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    bodies: Sequence[bytes],
) -> list[bytes]:
    """The bytes of each range, in the order given, cut out of the ``bodies`` of ``spans``
    (those of :func:`coalesce_ranges` for the same ranges).

    Raises:
        InvalidResponseError: a body is not as long as its span.
    """
    for (start, end), body in zip(spans, bodies, strict=True):
        if len(body) != end - start:
            raise InvalidResponseError(
                f"asked for {end - start} bytes from {start}, got {len(body)}"
            )
    starts = [start for start, _ in spans]
    out = []
    for start, end in ranges:
        pieces = []
        at = start
        i = bisect.bisect_right(starts, start) - 1
        while at < end:
            span_start, span_end = spans[i]
            pieces.append(memoryview(bodies[i])[at - span_start : min(end, span_end) - span_start])
            at = min(end, span_end)
            i += 1
        out.append(b"".join(pieces))
    return out


def check_span_options(coalesce: object, max_span: object) -> tuple[int, int]:
    """``coalesce`` (>= 0) and ``max_span`` (>= 1 KiB), checked."""
    gap = check_int("coalesce", coalesce)
    span = check_int("max_span", max_span, minimum=MIN_SPAN)
    return gap, span

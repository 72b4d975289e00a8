"""Byte ranges: coalescing many small ranges into few requests, and how far a file reads ahead.

Pure logic, no I/O: :func:`coalesce` plans the GETs of ``cat_ranges``; :class:`ReadAhead` decides
what a buffered file fetches on a miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: Ranges closer than this are fetched in one GET: a round trip costs more than reading
#: this many bytes more.
DEFAULT_MAX_GAP = 256 * 1024
#: ... but no merged GET grows past this.
DEFAULT_MAX_SPAN = 64 * 1024 * 1024

#: A file's block: the read-ahead ceiling, and the part size of a written file.
DEFAULT_BLOCK_SIZE = 16 * 1024 * 1024

#: A read of at least this many bytes is fetched in pieces, several at once.
SPLIT_READS_FROM = 16 * 1024 * 1024
#: The bytes of one piece of such a read.
READ_PIECE = 8 * 1024 * 1024
#: The pieces of one read fetched at once.
PIECES_AT_ONCE = 4


#: What a read fetches past what it asked for, after a seek (a random read).
MIN_READ_AHEAD = 64 * 1024


@dataclass(frozen=True)
class Span:
    """One GET of ``[start, stop)`` that serves the ranges at ``members`` (indexes into the
    list given to :func:`coalesce`)."""

    start: int
    stop: int
    members: tuple[int, ...] = field(default=())


def coalesce(
    ranges: Sequence[tuple[int, int]],
    *,
    max_gap: int = DEFAULT_MAX_GAP,
    max_span: int = DEFAULT_MAX_SPAN,
) -> list[Span]:
    """Merge ``[start, stop)`` ranges of one object that overlap or lie within ``max_gap`` of
    each other into spans of at most ``max_span`` bytes (a single range longer than that stays
    whole). Every range is served by exactly one span; the spans are in offset order."""
    if max_gap < 0 or max_span < 1:
        raise ValueError("max_gap must be >= 0 and max_span >= 1")
    order = sorted(range(len(ranges)), key=lambda i: ranges[i])
    spans: list[Span] = []
    for i in order:
        start, stop = ranges[i]
        stop = max(start, stop)
        if spans:
            last = spans[-1]
            merged_stop = max(last.stop, stop)
            if start <= last.stop + max_gap and merged_stop - last.start <= max_span:
                spans[-1] = Span(last.start, merged_stop, (*last.members, i))
                continue
        spans.append(Span(start, stop, (i,)))
    return spans


class ReadAhead:
    """How much a buffered file reads ahead: little after a seek, doubling while reads go on
    sequentially, up to ``maximum``.

    A run of random 4 KiB reads then fetches about ``minimum`` + 4 KiB each, and a sequential
    read reaches ``maximum``-sized requests after a few of them.
    """

    def __init__(self, maximum: int, minimum: int = MIN_READ_AHEAD) -> None:
        self.minimum = max(0, min(minimum, maximum))
        self.maximum = max(maximum, self.minimum)
        self.window = self.minimum

    def plan(self, start: int, stop: int, *, sequential: bool, size: int) -> tuple[int, int]:
        """The range to fetch for a miss on ``[start, stop)`` of an object of ``size`` bytes:
        ``sequential`` when the read continues where the buffer ends."""
        if sequential:
            self.window = min(self.maximum, max(self.minimum, self.window * 2))
        else:
            self.window = self.minimum
        return start, min(size, max(stop, start + self.window))

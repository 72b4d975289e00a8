"""Coalescing ranges into few GETs and cutting them back out (aiominio/core/coalesce.py)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core.coalesce import check_ranges, check_span_options, coalesce_ranges, cut_ranges
from aiominio.errors import InvalidArgument, InvalidResponseError

SIZE = 4000
data = bytes(range(256)) * (SIZE // 256 + 1)
pairs = st.tuples(st.integers(0, SIZE), st.integers(0, SIZE)).map(lambda p: (min(p), max(p)))


@given(st.lists(pairs, max_size=12), st.integers(0, 500), st.integers(1, 900))
def test_spans_cover_every_range_and_give_back_its_bytes(
    ranges: list[tuple[int, int]], coalesce: int, max_span: int
) -> None:
    spans = coalesce_ranges(ranges, coalesce=coalesce, max_span=max_span)
    # sorted, disjoint, none empty or over max_span
    assert all(s < e and e - s <= max_span for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    # never more GETs than needed: without splitting, at most one per non-empty range
    unsplit = coalesce_ranges(ranges, coalesce=coalesce, max_span=SIZE + 1)
    assert len(unsplit) <= len([r for r in ranges if r[1] > r[0]])
    # spans further apart than coalesce stay apart; closer ones merge
    assert all(b[0] - a[1] > coalesce for a, b in itertools.pairwise(unsplit))
    bodies = [data[s:e] for s, e in spans]
    assert cut_ranges(ranges, spans, bodies) == [data[s:e] for s, e in ranges]


def test_near_ranges_merge_and_far_ones_do_not() -> None:
    assert coalesce_ranges([(0, 10), (15, 20)], coalesce=5, max_span=100) == [(0, 20)]
    assert coalesce_ranges([(0, 10), (16, 20)], coalesce=5, max_span=100) == [(0, 10), (16, 20)]
    assert coalesce_ranges([(0, 250)], coalesce=0, max_span=100) == [
        (0, 100),
        (100, 200),
        (200, 250),
    ]
    assert coalesce_ranges([(5, 5)], coalesce=0, max_span=100) == []


def test_a_short_body_is_refused() -> None:
    with pytest.raises(InvalidResponseError, match="asked for 10 bytes from 0, got 9"):
        cut_ranges([(0, 10)], [(0, 10)], [b"x" * 9])


def test_bad_ranges_are_refused_before_any_request() -> None:
    assert check_ranges([(0, 1), [2, 2]]) == [(0, 1), (2, 2)]
    with pytest.raises(InvalidArgument, match="ends before it starts"):
        check_ranges([(5, 4)])
    with pytest.raises(InvalidArgument):
        check_ranges([(-1, 4)])
    for bad in ([(1, 2, 3)], [(0, 1.5)], "ab", 3, [(True, 2)]):
        with pytest.raises(TypeError):
            check_ranges(bad)
    with pytest.raises(InvalidArgument):
        check_span_options(-1, 1 << 20)
    with pytest.raises(InvalidArgument):
        check_span_options(0, 10)

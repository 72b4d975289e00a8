"""aiominio/fsspec/ranges.py: coalescing ranges and the adaptive read-ahead, with no I/O."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.fsspec.ranges import ReadAhead, Span, coalesce


def test_close_ranges_merge_and_far_ones_do_not() -> None:
    spans = coalesce([(0, 10), (100, 200), (5000, 6000), (900_000, 900_100)], max_gap=10_000)
    assert spans == [Span(0, 6000, (0, 1, 2)), Span(900_000, 900_100, (3,))]


def test_overlapping_and_unsorted_ranges() -> None:
    assert coalesce([(50, 60), (0, 100), (90, 120)], max_gap=0) == [Span(0, 120, (1, 0, 2))]


def test_a_span_stops_growing_at_max_span() -> None:
    spans = coalesce([(0, 60), (60, 120), (120, 180)], max_gap=0, max_span=130)
    assert spans == [Span(0, 120, (0, 1)), Span(120, 180, (2,))]
    assert coalesce([(0, 500)], max_span=100) == [Span(0, 500, (0,))]  # one range stays whole


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        coalesce([(0, 1)], max_gap=-1)


@given(
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 500)), max_size=30),
    st.integers(0, 2000),
)
def test_every_range_is_served_by_exactly_one_span(pairs: list[tuple[int, int]], gap: int) -> None:
    ranges = [(s, s + n) for s, n in pairs]
    spans = coalesce(ranges, max_gap=gap)
    served = sorted(i for span in spans for i in span.members)
    assert served == list(range(len(ranges)))
    for span in spans:
        for i in span.members:
            assert span.start <= ranges[i][0] and ranges[i][1] <= span.stop
    # spans that could have merged did: the next starts past the gap
    assert all(a.stop + gap < b.start for a, b in itertools.pairwise(spans))


def test_sequential_reads_double_the_read_ahead_up_to_the_maximum() -> None:
    policy = ReadAhead(maximum=1024, minimum=64)
    assert policy.plan(0, 10, sequential=False, size=10_000) == (0, 64)
    sizes = [policy.plan(0, 10, sequential=True, size=10_000)[1] for _ in range(6)]
    assert sizes == [128, 256, 512, 1024, 1024, 1024]
    assert policy.plan(5000, 5004, sequential=False, size=10_000) == (5000, 5064)  # a seek


def test_the_plan_covers_the_read_and_stops_at_the_end() -> None:
    policy = ReadAhead(maximum=1024, minimum=64)
    assert policy.plan(0, 5000, sequential=False, size=10_000) == (0, 5000)
    assert policy.plan(9990, 10_000, sequential=False, size=10_000) == (9990, 10_000)


def test_random_reads_fetch_about_the_minimum() -> None:
    policy = ReadAhead(maximum=16 << 20)
    rng = random.Random(1)
    fetched = 0
    for _ in range(200):
        start = rng.randrange(64 << 20)
        a, b = policy.plan(start, start + 4096, sequential=False, size=64 << 20)
        fetched += b - a
    assert fetched / 200 <= 64 * 1024 + 4096

"""Part planning at its limits (a part of exactly 5 GiB, exactly 10,000 parts, one byte at offset
0) and over random sizes: the parts cover the object exactly, in order, within the S3 limits."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import planning
from aiominio.core.planning import GiB, MiB, parse_content_range, range_answer_problem
from aiominio.errors import InvalidArgument, InvalidResponseError


def test_part_size_limits_are_inclusive() -> None:
    assert planning.check_part_size(5 * GiB) == 5 * GiB
    assert planning.check_part_size(5 * MiB) == 5 * MiB
    for bad in (5 * GiB + 1, 5 * MiB - 1):
        with pytest.raises(InvalidArgument, match="between 5 MiB and 5 GiB"):
            planning.check_part_size(bad)
    assert planning.check_range_size(5 * GiB) == 5 * GiB
    assert planning.check_range_size(MiB) == MiB
    for bad in (5 * GiB + 1, MiB - 1):
        with pytest.raises(InvalidArgument, match="between 1 MiB and 5 GiB"):
            planning.check_range_size(bad)


def test_exactly_ten_thousand_parts() -> None:
    part = 5 * MiB
    assert planning.plan_part_size(10_000 * part, part) == part
    with pytest.raises(InvalidArgument, match="more than 10,000 parts"):
        planning.plan_part_size(10_000 * part + 1, part)
    assert len(planning.part_ranges(10_000 * part, part)) == 10_000
    # the default grows only past 10,000 parts of 16 MiB
    assert planning.plan_part_size(10_000 * 16 * MiB) == 16 * MiB
    assert planning.plan_part_size(10_000 * 16 * MiB + 1) == 17 * MiB
    assert planning.plan_part_size(None) == 16 * MiB
    assert planning.plan_part_size(0) == 16 * MiB


def test_the_largest_object() -> None:
    largest = 5 * 1024 * GiB
    size = planning.plan_part_size(largest)
    assert -(-largest // size) <= 10_000 and size <= 5 * GiB and size % MiB == 0
    with pytest.raises(InvalidArgument, match="5 TiB"):
        planning.plan_part_size(largest + 1)
    assert planning.plan_part_size(largest, 5 * GiB) == 5 * GiB


def test_a_stream_grows_its_parts_every_thousand() -> None:
    base = 16 * MiB
    assert planning.stream_part_size(base, 1) == base
    assert planning.stream_part_size(base, 1000) == base
    assert planning.stream_part_size(base, 1001) == 2 * base
    assert planning.stream_part_size(base, 2001) == 4 * base
    assert planning.stream_part_size(base, 10_000) == 5 * GiB  # capped
    assert sum(planning.stream_part_size(base, n) for n in range(1, 10_001)) > 5 * 1024 * GiB


def test_one_byte_ranges() -> None:
    assert planning.range_header(0, 1) == "bytes=0-0"
    assert planning.range_header(0, None) == "bytes=0-"
    assert planning.range_header(7, 2) == "bytes=7-8"
    assert planning.check_range(0, 1) == (0, 1)
    with pytest.raises(InvalidArgument):
        planning.check_range(0, 0)
    with pytest.raises(InvalidArgument):
        planning.check_range(-1, None)
    ok = {"content-range": "bytes 0-0/10", "content-length": "1"}
    assert planning.range_answer_problem(206, ok, 0, 1) is None
    assert planning.range_answer_problem(206, ok, 0, 1, total=10) is None
    assert planning.range_answer_problem(206, ok, 0, 1, total=11) is not None
    assert planning.range_answer_problem(206, ok, 0, 2) is not None
    assert planning.range_answer_problem(206, ok, 1, 1) is not None
    assert planning.range_answer_problem(200, ok, 0, 1) is not None
    bad_length = {"content-range": "bytes 0-0/10", "content-length": "2"}
    assert planning.range_answer_problem(206, bad_length, 0, 1) is not None
    # the last byte of an object, and a range running past its end
    assert planning.range_answer_problem(206, {"content-range": "bytes 9-9/10"}, 9, 5) is None
    assert planning.range_answer_problem(206, {"content-range": "bytes 9-9/*"}, 9, None) is None


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes 0-0/1", (0, 0, 1)),
        (" bytes 0-9/* ", (0, 9, None)),
        ("bytes 0-0/0", None),
        ("bytes 1-0/5", None),
        ("bytes 0-5/5", None),
        ("items 0-1/5", None),
        ("bytes -1/5", None),
        ("bytes 0-1/x", None),
        ("bytes 0-1", None),
        ("bytes ١-٢/5", None),  # non-ASCII digits, which int() would take
        (f"bytes 0-{'9' * 5000}/*", None),  # int() of it: a bare ValueError
        (f"bytes 0-1/{'9' * 21}", None),
    ],
)
def test_content_range(value: str, parsed: tuple[int, int, int | None] | None) -> None:
    assert planning.parse_content_range(value) == parsed


@given(st.integers(0, 5 * 1024 * GiB))
def test_planned_parts_cover_any_size(size: int) -> None:
    part = planning.plan_part_size(size)
    assert 16 * MiB <= part <= 5 * GiB and part % MiB == 0
    count = max(1, -(-size // part))
    assert count <= 10_000
    # the plan for the largest sizes is too long to list: check its arithmetic instead
    if count <= 2000:
        ranges = planning.part_ranges(size, part)
        assert len(ranges) == count
        assert ranges[0][0] == 0
        assert all(a + n == b for (a, n), (b, _) in itertools.pairwise(ranges))
        assert sum(n for _, n in ranges) == size
        assert all(n == part for _, n in ranges[:-1])
        assert ranges[-1][1] <= part and (ranges[-1][1] > 0 or size == 0)


@given(st.integers(1, 10**9), st.integers(1, 10**8))
def test_download_ranges_cover_the_object(size: int, range_size: int) -> None:
    if -(-size // range_size) > 5000:
        return
    ranges = planning.plan_ranges(size, range_size)
    assert [start for start, _ in ranges] == list(range(0, size, range_size))
    assert sum(n for _, n in ranges) == size
    assert all(0 < n <= range_size for _, n in ranges)


def test_messages_name_the_argument() -> None:
    for call, name in (
        (lambda: planning.check_part_size("5"), "part_size"),
        (lambda: planning.check_range_size("5"), "part_size"),
        (lambda: planning.plan_part_size("5"), "size"),  # type: ignore[arg-type]
        (lambda: planning.check_range("0", None), "offset"),
        (lambda: planning.check_range(0, "1"), "length"),
    ):
        with pytest.raises(TypeError, match=f"^{name} "):
            call()
    assert planning.range_answer_problem(206, {}, 0, 1) == (
        "a 206 answer with an unusable Content-Range ''"
    )


def test_planned_sizes_are_ints() -> None:
    for size in (0, 10_000 * 16 * MiB + 1, 5 * 1024 * GiB):
        assert type(planning.plan_part_size(size)) is int


def test_a_server_given_size_beyond_5_tib_is_refused() -> None:
    largest = planning.MAX_OBJECT_SIZE
    assert planning.check_object_size(largest, "b/k") == largest
    with pytest.raises(InvalidResponseError) as exc:
        planning.check_object_size(10**18, "b/k")
    assert str(exc.value) == (
        "b/k: the server announced 1000000000000000000 bytes, more than the "
        "5497558138880 bytes (5 TiB) of S3's largest object"
    )


def test_the_ranges_of_the_largest_object_are_worked_out_when_asked_for() -> None:
    largest = planning.MAX_OBJECT_SIZE
    plan = planning.plan_ranges(largest, 1)  # a list of it would take a petabyte
    assert len(plan) == largest
    assert plan[0] == (0, 1)
    assert plan[-1] == plan[largest - 1] == (largest - 1, 1)
    small = planning.plan_ranges(10, 4)
    assert list(small) == [(0, 4), (4, 4), (8, 2)]
    assert small[1:] == [(4, 4), (8, 2)]
    assert (8, 2) in small
    with pytest.raises(IndexError):
        small[3]
    with pytest.raises(IndexError):
        small[-4]
    assert list(planning.plan_ranges(0, 4)) == []


@given(st.integers(min_value=0, max_value=planning.MAX_OBJECT_SIZE))
def test_any_size_up_to_5_tib_fits_in_10000_parts(size: int) -> None:
    part = planning.plan_part_size(size)
    assert planning.MIN_PART_SIZE <= part <= planning.MAX_PART_SIZE
    assert -(-size // part) <= planning.MAX_PARTS
    assert part % MiB == 0


def test_default_and_explicit_part_sizes() -> None:
    assert planning.plan_part_size(100 * MiB) == 16 * MiB
    assert planning.plan_part_size(None) == 16 * MiB
    assert planning.plan_part_size(5 * 1024 * GiB) == 525 * MiB
    assert planning.plan_part_size(100 * MiB, 5 * MiB) == 5 * MiB
    with pytest.raises(InvalidArgument, match="10,000 parts"):
        planning.plan_part_size(100 * GiB, 5 * MiB)
    with pytest.raises(InvalidArgument, match="5 TiB"):
        planning.plan_part_size(planning.MAX_OBJECT_SIZE + 1)
    for bad in (5 * MiB - 1, 5 * GiB + 1, 0):
        with pytest.raises(InvalidArgument, match="between 5 MiB and 5 GiB"):
            planning.plan_part_size(None, bad)
    with pytest.raises(TypeError):
        planning.plan_part_size(None, 5.5 * MiB)  # type: ignore[arg-type]


def test_stream_parts_grow_to_cover_5_tib() -> None:
    base = 16 * MiB
    sizes = [planning.stream_part_size(base, n) for n in range(1, planning.MAX_PARTS + 1)]
    assert sizes[0] == base and sizes[999] == base and sizes[1000] == 2 * base
    assert sum(sizes) >= planning.MAX_OBJECT_SIZE
    assert max(sizes) <= planning.MAX_PART_SIZE


def test_part_ranges_and_range_header() -> None:
    assert planning.part_ranges(12, 5) == [(0, 5), (5, 5), (10, 2)]
    assert planning.part_ranges(0, 5) == [(0, 0)]
    assert planning.range_header(10, 30) == "bytes=10-39"
    assert planning.range_header(7, None) == "bytes=7-"


@pytest.mark.parametrize(
    ("offset", "length", "exc"),
    [
        (-1, None, InvalidArgument),
        (0, 0, InvalidArgument),
        (1.0, None, TypeError),
        (0, "5", TypeError),
        (False, None, TypeError),
    ],
)
def test_check_range_rejects(offset: object, length: object, exc: type) -> None:
    with pytest.raises(exc):
        planning.check_range(offset, length)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes 0-9/10", (0, 9, 10)),
        ("bytes 5-9/*", (5, 9, None)),
        ("bytes 5-9/9", None),  # past the end
        ("bytes 9-5/10", None),
        ("bytes -5/10", None),
        ("items 0-9/10", None),
        ("bytes 0-9/ten", None),
        ("", None),
    ],
)
def test_parse_content_range(value: str, parsed: tuple[int, int, int | None] | None) -> None:
    assert parse_content_range(value) == parsed


def _problem(status: int, cr: str | None, offset: int, length: int | None, **kw: int) -> str | None:
    headers = {} if cr is None else {"content-range": cr}
    return range_answer_problem(status, headers, offset, length, **kw)


def test_the_range_asked_for_passes() -> None:
    assert _problem(206, "bytes 10-19/100", 10, 10) is None
    assert _problem(206, "bytes 10-99/100", 10, None, total=100) is None
    assert _problem(206, "bytes 90-99/100", 90, 50) is None  # clipped at the end
    headers = {"content-range": "bytes 10-19/100", "content-length": "10"}
    assert range_answer_problem(206, headers, 10, 10) is None


@pytest.mark.parametrize(
    ("status", "cr", "offset", "length", "total", "says"),
    [
        (200, None, 10, None, None, "Range was ignored"),
        (206, None, 10, None, None, "unusable"),
        (206, "bytes 0-99/100", 10, None, None, "from 10"),
        (206, "bytes 10-99/100", 10, None, 200, "was 200 bytes"),
        (206, "bytes 10-29/100", 10, 10, None, "asked for 10 bytes"),
    ],
)
def test_anything_else_is_a_problem(
    status: int, cr: str | None, offset: int, length: int | None, total: int | None, says: str
) -> None:
    problem = range_answer_problem(
        status, {} if cr is None else {"content-range": cr}, offset, length, total
    )
    assert problem is not None and says in problem


def test_content_length_must_agree() -> None:
    headers = {"content-range": "bytes 10-19/100", "content-length": "100"}
    assert "disagree" in (range_answer_problem(206, headers, 10, 10) or "")

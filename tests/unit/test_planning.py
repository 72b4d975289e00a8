from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import planning
from aiominio.core.planning import GiB, MiB
from aiominio.errors import InvalidArgument


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

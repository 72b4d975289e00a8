"""Compose: the exact refusals of check_sources and plan_compose, and the 5 MiB / 10,000-part
boundaries on both sides."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.core.compose import ComposeSource, PartCopy, check_sources, plan_compose
from aiominio.core.sse import SseCustomerKey
from aiominio.errors import InvalidArgument

MiB = 1024 * 1024
GiB = 1024 * MiB
FIVE_MIB = 5_242_880  # S3's smallest part, written out


def src(**kw: object) -> ComposeSource:
    return ComposeSource("b-one", "k", **kw)  # type: ignore[arg-type]


def test_a_source_defaults_to_the_whole_latest_object() -> None:
    s = ComposeSource("b-one", "k")
    assert (s.offset, s.length, s.version_id, s.sse) == (None, None, None, None)
    with pytest.raises(TypeError):
        ComposeSource("b-one", "k", 0)  # type: ignore[misc]


def test_sources_that_are_not_a_sequence() -> None:
    for value, kind in (("ab", "str"), (b"ab", "bytes"), ({src()}, "set"), (None, "NoneType")):
        with pytest.raises(
            TypeError, match=rf"^sources must be a sequence of ComposeSource, not {kind}$"
        ):
            check_sources(value)


def test_no_source_and_too_many() -> None:
    with pytest.raises(InvalidArgument, match=r"^sources: compose needs at least one source$"):
        check_sources([])
    assert len(check_sources([src()] * 10_000)) == 10_000
    with pytest.raises(InvalidArgument, match=r"^sources: at most 10,000, got 10001$"):
        check_sources([src()] * 10_001)


def test_an_item_that_is_not_a_source_is_named_by_index() -> None:
    with pytest.raises(TypeError, match=r"^sources\[1\] must be a ComposeSource, not tuple$"):
        check_sources([src(), ("b-one", "k")])


def test_a_bad_field_is_refused_with_the_source_index_and_its_type_kept() -> None:
    with pytest.raises(TypeError, match=r"^sources\[0\]: bucket name must be a str, not int$"):
        check_sources([ComposeSource(1, "k")])  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument, match=r"^sources\[1\]: bucket name must be 3 to 63 characters long: 'b'$"
    ):
        check_sources([src(), ComposeSource("b", "k")])
    with pytest.raises(TypeError, match=r"^sources\[0\]: offset must be an int, not str$"):
        check_sources([src(offset="1")])
    with pytest.raises(InvalidArgument, match=r"^sources\[0\]: offset must be >= 0, got -1$"):
        check_sources([src(offset=-1)])
    with pytest.raises(InvalidArgument, match=r"^sources\[0\]: length must be >= 1, got 0$"):
        check_sources([src(length=0)])
    with pytest.raises(TypeError, match=r"^sources\[0\]: length must be an int, not float$"):
        check_sources([src(length=1.0)])
    with pytest.raises(TypeError, match=r"^sources\[0\]: version_id must be a str, not int$"):
        check_sources([src(version_id=3)])
    with pytest.raises(
        InvalidArgument, match=r"^sources\[0\]: version_id must be a non-empty ASCII string: ''$"
    ):
        check_sources([src(version_id="")])
    with pytest.raises(InvalidArgument, match=r"^sources\[0\]: "):
        check_sources([ComposeSource("b-one", "")])


def test_valid_fields_pass() -> None:
    key = SseCustomerKey(bytes(32))
    sources = [src(offset=0, length=FIVE_MIB, version_id="v1", sse=key), src(offset=7, length=1)]
    checked = check_sources(sources)
    assert checked == sources
    assert type(checked) is list


def test_a_given_length_is_checked_against_5_mib_except_for_the_last() -> None:
    assert check_sources([src(length=FIVE_MIB), src(length=1)])
    message = (
        r"^sources\[0\]: 5242879 bytes; every source but the last must give at least "
        r"5 MiB \(5,242,880 bytes\), the smallest part S3 allows$"
    )
    with pytest.raises(InvalidArgument, match=message):
        check_sources([src(length=FIVE_MIB - 1), src(length=1)])
    # One source is also the last: any length goes.
    assert check_sources([src(length=1)]) == [src(length=1)]


def test_a_piece_of_exactly_5_mib_is_planned_one_byte_less_is_refused() -> None:
    assert plan_compose([src(), src()], [FIVE_MIB, 1]) == [
        PartCopy(1, 0, 0, FIVE_MIB),
        PartCopy(2, 1, 0, 1),
    ]
    with pytest.raises(InvalidArgument, match=r"^sources\[0\]: 5242879 bytes; every source"):
        plan_compose([src(), src()], [FIVE_MIB - 1, 1])
    assert plan_compose([src()], [1]) == [PartCopy(1, 0, 0, 1)]


def test_ranges_on_both_sides_of_the_object_end() -> None:
    assert plan_compose([src(offset=9)], [10]) == [PartCopy(1, 0, 9, 1)]
    assert plan_compose([src(offset=4, length=6)], [10]) == [PartCopy(1, 0, 4, 6)]
    assert plan_compose([src(offset=0)], [10]) == [PartCopy(1, 0, 0, 10)]
    with pytest.raises(
        InvalidArgument, match=r"^sources\[0\]: 7 bytes from 4, but the object has 10 bytes$"
    ):
        plan_compose([src(offset=4, length=7)], [10])
    with pytest.raises(
        InvalidArgument, match=r"^sources\[0\]: from byte 10, but the object has 10 bytes$"
    ):
        plan_compose([src(offset=10)], [10])
    with pytest.raises(
        InvalidArgument, match=r"^sources\[0\]: 1 bytes from 10, but the object has 10 bytes$"
    ):
        plan_compose([src(offset=10, length=1)], [10])


def test_an_empty_object_is_refused_with_its_index() -> None:
    with pytest.raises(
        InvalidArgument, match=r"^sources\[1\]: the object is empty \(a part cannot be\)$"
    ):
        plan_compose([src(), src()], [FIVE_MIB, 0])


def test_sources_and_sizes_must_pair_up() -> None:
    with pytest.raises(ValueError):
        plan_compose([src(), src()], [FIVE_MIB])


def test_the_default_limit_is_5_gib() -> None:
    assert plan_compose([src()], [5 * GiB]) == [PartCopy(1, 0, 0, 5 * GiB)]
    assert plan_compose([src()], [5 * GiB + 1]) == [
        PartCopy(1, 0, 0, 2_684_354_561),
        PartCopy(2, 0, 2_684_354_561, 2_684_354_560),
    ]


def test_a_given_part_size_splits_into_near_equal_pieces() -> None:
    # 30 MiB + 2 at 10 MiB: three pieces of 10 MiB would leave 2 bytes over, so four pieces of
    # 7.5 MiB, the 2 bytes left going to the first two.
    size = 30 * MiB + 2
    plan = plan_compose([src(offset=0)], [size], part_size=10 * MiB)
    q = size // 4
    assert [(p.number, p.offset, p.length) for p in plan] == [
        (1, 0, q + 1),
        (2, q + 1, q + 1),
        (3, 2 * q + 2, q),
        (4, 3 * q + 2, q),
    ]


def test_a_source_exactly_the_part_size_is_one_piece() -> None:
    assert plan_compose([src(), src()], [10 * MiB, 1], part_size=10 * MiB) == [
        PartCopy(1, 0, 0, 10 * MiB),
        PartCopy(2, 1, 0, 1),
    ]


def test_fewer_pieces_when_equal_ones_would_be_under_5_mib() -> None:
    # 11 MiB at part_size 5 MiB: three pieces would be 3.67 MiB each; two of 5.5 MiB instead.
    plan = plan_compose([src()], [11 * MiB], part_size=5 * MiB)
    assert [p.length for p in plan] == [11 * MiB // 2, 11 * MiB // 2]
    # 10 MiB at 5 MiB: two pieces of exactly 5 MiB, no fewer.
    assert [p.length for p in plan_compose([src()], [10 * MiB], part_size=5 * MiB)] == [
        5 * MiB,
        5 * MiB,
    ]


def test_a_bad_part_size_is_refused() -> None:
    with pytest.raises(
        InvalidArgument, match=r"^part_size must be between 5 MiB and 5 GiB, got 1$"
    ):
        plan_compose([src()], [10], part_size=1)


def test_exactly_10000_parts_is_planned_one_more_is_refused() -> None:
    plan = plan_compose([src()] * 10_000, [FIVE_MIB] * 9_999 + [1])
    assert len(plan) == 10_000
    assert plan[-1] == PartCopy(10_000, 9_999, 0, 1)
    with pytest.raises(
        InvalidArgument, match=r"^sources: the compose needs 10001 parts, at most 10,000$"
    ):
        plan_compose([src()] * 10_001, [FIVE_MIB] * 10_001)


def test_part_numbers_continue_across_sources() -> None:
    plan = plan_compose(
        [src(offset=1), src(), src()], [FIVE_MIB * 2 + 1, FIVE_MIB, 3], part_size=FIVE_MIB
    )
    assert plan == [
        PartCopy(1, 0, 1, FIVE_MIB),
        PartCopy(2, 0, FIVE_MIB + 1, FIVE_MIB),
        PartCopy(3, 1, 0, FIVE_MIB),
        PartCopy(4, 2, 0, 3),
    ]


def test_whole_sources_one_part_each() -> None:
    plan = plan_compose([src(), src(), src()], [5 * MiB, 7 * MiB, 1])
    assert plan == [
        PartCopy(1, 0, 0, 5 * MiB),
        PartCopy(2, 1, 0, 7 * MiB),
        PartCopy(3, 2, 0, 1),
    ]


def test_ranges_and_an_offset_to_the_end() -> None:
    plan = plan_compose([src(offset=3, length=5 * MiB), src(offset=10)], [6 * MiB, 20])
    assert plan == [PartCopy(1, 0, 3, 5 * MiB), PartCopy(2, 1, 10, 10)]


def test_a_source_over_5_gib_is_split_in_equal_parts_within_the_limits() -> None:
    plan = plan_compose([src(), src()], [11 * GiB, 1])
    third = 11 * GiB // 3  # 11 GiB is 2 bytes over three equal thirds
    assert [p.length for p in plan[:-1]] == [third + 1, third + 1, third]
    assert sum(p.length for p in plan if p.source == 0) == 11 * GiB
    assert [p.offset for p in plan[:3]] == [0, plan[0].length, plan[0].length + plan[1].length]
    assert all(p.length <= 5 * GiB for p in plan)
    assert [p.number for p in plan] == [1, 2, 3, 4]


@pytest.mark.parametrize("size", [5 * MiB + 1, 9 * MiB, 10 * MiB, 12 * MiB, 101 * MiB])
def test_a_small_part_size_never_makes_a_piece_under_5_mib(size: int) -> None:
    plan = plan_compose([src(), src()], [size, 1], part_size=5 * MiB)
    pieces = [p.length for p in plan if p.source == 0]
    assert sum(pieces) == size
    assert all(5 * MiB <= n <= 10 * MiB for n in pieces)


def test_a_small_piece_that_is_not_the_last_is_refused_with_its_index() -> None:
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[1\]: 100 bytes"):
        plan_compose([src(), src(), src()], [5 * MiB, 100, 5 * MiB])
    # The last may be as small as one byte.
    assert plan_compose([src(), src(length=1)], [5 * MiB, 9])[-1].length == 1


def test_a_range_beyond_its_object_or_an_empty_object_is_refused() -> None:
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: 11 bytes from 0"):
        plan_compose([src(offset=0, length=11)], [10])
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: from byte 10"):
        plan_compose([src(offset=10)], [10])
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: the object is empty"):
        plan_compose([src()], [0])


def test_more_than_10000_parts_is_refused() -> None:
    with pytest.raises(aiominio.InvalidArgument, match="needs 10001 parts"):
        plan_compose([src()] * 10_001, [5 * MiB] * 10_001)
    with pytest.raises(aiominio.InvalidArgument, match="at most 10,000"):
        plan_compose([src(), src()], [10_000 * 5 * MiB, 1], part_size=5 * MiB)


def test_check_sources_knows_given_lengths_before_any_request() -> None:
    ok = [src(length=5 * MiB), src(length=1)]
    assert check_sources(tuple(ok)) == ok
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: 4 bytes"):
        check_sources([src(length=4), src()])
    with pytest.raises(TypeError, match=r"sources\[1\] must be a ComposeSource"):
        check_sources([src(), ("b-one", "k")])

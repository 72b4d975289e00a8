"""The checks of the low-level multipart calls' arguments (:mod:`aiominio.core.parts`): upload
ids, part numbers, part bodies and the parts of a completion."""

from __future__ import annotations

import array
from typing import Any

import pytest

from aiominio import InvalidArgument, Part
from aiominio.core.parts import (
    check_part_data,
    check_part_number,
    check_upload_id,
    completion_parts,
)


def test_an_upload_id_is_a_non_empty_line() -> None:
    assert check_upload_id("2~abc/def+==") == "2~abc/def+=="
    for bad in ("", "a\nb", "a\rb", "a\0b", "a\ud800"):
        with pytest.raises(InvalidArgument, match="upload_id"):
            check_upload_id(bad)
    for wrong in (None, b"id", 3):
        with pytest.raises(TypeError, match="upload_id"):
            check_upload_id(wrong)


def test_part_numbers_run_from_1_to_10000() -> None:
    assert check_part_number(1) == 1
    assert check_part_number(10_000) == 10_000
    for bad in (0, -1, 10_001):
        with pytest.raises(InvalidArgument, match="part_number must be 1 to 10,000"):
            check_part_number(bad)
    for wrong in (True, "1", 1.0, None):
        with pytest.raises(TypeError, match="part_number must be an int"):
            check_part_number(wrong)


def test_part_data_is_bytes_like_and_sent_as_a_flat_view() -> None:
    data = b"abc"
    assert check_part_data(data) is data
    view = check_part_data(bytearray(b"abcd"))
    assert isinstance(view, memoryview) and bytes(view) == b"abcd"
    ints = array.array("I", [1, 2])  # a view of 4-byte items is sent as its 8 bytes
    flat = check_part_data(memoryview(ints))
    assert len(flat) == 8 and bytes(flat) == ints.tobytes()
    assert check_part_data(b"") == b""  # an empty last part is the server's to judge


def test_part_data_of_another_type_is_refused() -> None:
    with pytest.raises(TypeError, match=r"not str \(encode it first\)"):
        check_part_data("text")
    for wrong in (None, 5, [1, 2], iter([b"a"])):
        with pytest.raises(TypeError, match="data must be bytes, bytearray or memoryview"):
            check_part_data(wrong)
    with pytest.raises(TypeError, match="contiguous"):
        check_part_data(memoryview(b"abcdef")[::2])


def test_completion_parts_are_sorted_and_parts_keep_their_size_and_checksums() -> None:
    parts = completion_parts(
        [
            (3, '"c"'),
            Part(1, '"a"', 5, checksum_crc32="AAAAAA=="),
            (2, "b"),
        ]
    )
    assert parts == [Part(1, "a", 5, checksum_crc32="AAAAAA=="), Part(2, "b"), Part(3, "c")]


def test_completion_parts_may_come_from_any_iterable() -> None:
    assert completion_parts(iter([(2, "b"), (1, "a")])) == [Part(1, "a"), Part(2, "b")]
    assert completion_parts({(1, "a")}) == [Part(1, "a")]


@pytest.mark.parametrize(
    ("parts", "match"),
    [
        ([], "at least one part"),
        ([(1, "a"), (1, "a")], "part 1 is given twice"),
        ([(2, "a"), Part(2, "b")], "part 2 is given twice"),
        ([(0, "a")], "part_number must be 1 to 10,000"),
        ([(10_001, "a")], "part_number must be 1 to 10,000"),
        ([(1, "")], "ETag of part 1 is empty"),
        ([(1, '""')], "ETag of part 1 is empty"),
        ([(1, "a\nb")], "ETag of part 1"),
    ],
)
def test_bad_completion_parts_are_refused(parts: list[Any], match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        completion_parts(parts)


@pytest.mark.parametrize(
    ("parts", "match"),
    [
        ("1a", "parts must be an iterable"),
        (b"1a", "parts must be an iterable"),
        (Part(1, "a"), "parts must be an iterable"),
        (None, "parts must be an iterable"),
        ([1], "each part must be a Part or a"),
        ([(1, "a", 3)], "each part must be a Part or a"),
        (["a"], "each part must be a Part or a"),
        ([("1", "a")], "part_number must be an int"),
        ([(1, b"a")], "ETag of part 1 must be a str"),
    ],
)
def test_completion_parts_of_the_wrong_type_are_refused(parts: object, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        completion_parts(parts)

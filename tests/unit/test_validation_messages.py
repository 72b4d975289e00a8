"""The validators' exact messages and their boundaries: a refusal must say which argument, what
was wrong and what was given, and the limits must be inclusive where the docs say so."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from aiominio.core import validation as v
from aiominio.errors import InvalidArgument


@pytest.mark.parametrize(
    ("check", "given", "message"),
    [
        (lambda x: v.check_int("n", x), 1.5, "n must be an int, not float"),
        (lambda x: v.check_int("n", x), True, "n must be an int, not bool"),
        (v.check_bucket_name, b"bucket", "bucket name must be a str, not bytes"),
        (v.check_object_key, 7, "object key must be a str, not int"),
        (v.check_region, 5, "region must be a str, not int"),
        (v.check_prefix, ["p"], "prefix must be a str, not list"),
        (v.check_page_size, "10", "page_size must be an int, not str"),
        (v.check_concurrency, 2.0, "concurrency must be an int, not float"),
    ],
)
def test_type_errors_name_the_argument_and_the_type_given(
    check: Callable[[object], object], given: object, message: str
) -> None:
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        check(given)


@pytest.mark.parametrize(
    ("check", "given", "message"),
    [
        (
            v.check_bucket_name,
            "Bucket",
            "bucket name may hold only lower-case letters, digits, '.' and '-', and must start "
            "and end with a letter or digit: 'Bucket'",
        ),
        (v.check_object_key, "", "object key must not be empty"),
        (v.check_object_key, "a\ud800", "object key must be valid Unicode (no lone surrogates)"),
        (v.check_object_key, "é" * 513, "object key is 1026 bytes of UTF-8; the limit is 1024"),
        (v.check_prefix, "p" * 1025, "prefix is longer than 1024 bytes"),
        (
            v.check_prefix,
            "p/\ud800",
            "prefix may hold only text that UTF-8 can encode: '\\ud800' at position 2",
        ),
        (v.check_page_size, 0, "page_size must be >= 1, got 0"),
        (v.check_page_size, 1001, "page_size must be at most 1000"),
        (v.check_concurrency, 0, "concurrency must be >= 1, got 0"),
        (v.check_concurrency, 65, "concurrency must be at most 64"),
    ],
)
def test_refusals_say_what_was_wrong(
    check: Callable[[object], object], given: object, message: str
) -> None:
    with pytest.raises(InvalidArgument, match=f"^{re.escape(message)}$"):
        check(given)


def test_the_limits_themselves_are_accepted() -> None:
    assert v.check_prefix("p" * 1024) == "p" * 1024
    assert v.check_prefix("") == ""
    assert v.check_object_key("k" * 1024) == "k" * 1024
    assert v.check_page_size(1) == 1
    assert v.check_page_size(1000) == 1000
    assert v.check_concurrency(1) == 1
    assert v.check_concurrency(64) == 64
    assert v.check_concurrency(None) == v.DEFAULT_CONCURRENCY == 4

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import validation as v
from aiominio.core.validation import (
    check_bucket_name,
    check_encodable,
    check_header_name,
    check_header_value,
    check_headers,
    check_object_key,
    check_one_line,
    check_region,
)
from aiominio.errors import InvalidArgument


@pytest.mark.parametrize(
    "name", ["abc", "a" * 63, "my-bucket", "my.bucket.name", "0bucket9", "a-b.c-d"]
)
def test_valid_bucket_names(name: str) -> None:
    assert check_bucket_name(name) == name


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("ab", "3 to 63"),
        ("a" * 64, "3 to 63"),
        ("", "3 to 63"),
        ("MyBucket", "lower-case"),
        ("my_bucket", "lower-case"),
        ("-bucket", "start"),
        ("bucket-", "start"),
        ("my..bucket", r"'\.\.'"),
        ("my.-bucket", r"'\.-'"),
        ("my-.bucket", r"'-\.'"),
        ("192.168.5.4", "IP address"),
        ("xn--bucket", "reserved"),
        ("sthree-bucket", "reserved"),
        ("bucket-s3alias", "reserved"),
        ("bucket--ol-s3", "reserved"),
        ("bucket name", "lower-case"),
    ],
)
def test_invalid_bucket_names(name: str, match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        check_bucket_name(name)


@pytest.mark.parametrize("value", [None, 3, b"bucket"])
def test_bucket_name_type(value: object) -> None:
    with pytest.raises(TypeError):
        check_bucket_name(value)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=3, max_size=63))
def test_accepted_names_follow_the_rules(name: str) -> None:
    try:
        check_bucket_name(name)
    except InvalidArgument:
        return
    assert name[0].isalnum() and name[-1].isalnum()
    assert ".." not in name and ".-" not in name and "-." not in name


def test_object_keys() -> None:
    assert check_object_key("a") == "a"
    assert check_object_key("é" * 512) == "é" * 512  # 1,024 bytes
    with pytest.raises(InvalidArgument, match="1024"):
        check_object_key("é" * 513)
    with pytest.raises(InvalidArgument, match="empty"):
        check_object_key("")
    with pytest.raises(InvalidArgument, match="surrogate"):
        check_object_key("\ud800")
    with pytest.raises(TypeError):
        check_object_key(b"key")


def test_regions() -> None:
    assert check_region("eu-central-1") == "eu-central-1"
    for bad in ("", "EU WEST", "us_east_1", "x" * 70):
        with pytest.raises(InvalidArgument):
            check_region(bad)


# -- header text: what may be sent in a header as it is, and what a message may show ------------

HEADER_TEXT = frozenset("\t" + "".join(map(chr, range(0x20, 0x7F))))


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x08", "\n", "\r", "\x0b", "\x1f", "\x7f", "\x80", "é", "\u2028", "\ud800"],
)
def test_header_values_refuse_controls_and_non_ascii(char: str) -> None:
    value = f"secret{char}b"
    with pytest.raises(InvalidArgument) as exc:
        check_header_value("what", value)
    assert str(exc.value) == (
        f"what may hold only visible ASCII, spaces and tabs: {char!a} at position 6"
    )
    assert "secret" not in str(exc.value)  # the value may be a secret: only the character


def test_header_values_keep_tab_space_and_visible_ascii() -> None:
    for value in ("a\tb", " ~", "", "".join(sorted(HEADER_TEXT)), "\t"):
        assert check_header_value("what", value) == value


@given(st.text())
def test_header_values_accepted_exactly_when_every_character_may_be_sent(value: str) -> None:
    if set(value) <= HEADER_TEXT:
        assert check_header_value("what", value) == value
    else:
        with pytest.raises(InvalidArgument) as exc:
            check_header_value("what", value)
        bad = next(i for i, c in enumerate(value) if c not in HEADER_TEXT)
        assert str(exc.value).endswith(f": {value[bad]!a} at position {bad}")


def test_header_names_are_tokens() -> None:
    assert check_header_name("x-amz-meta-a_b.c~1") == "x-amz-meta-a_b.c~1"
    for bad in ("", "a b", "a:b", "a\nb", "a\r", "é", "a\x00"):
        with pytest.raises(InvalidArgument) as exc:
            check_header_name(bad)
        assert str(exc.value) == f"header name is not an HTTP token: {bad!a}"
    with pytest.raises(TypeError, match=r"^a header name must be a str, not bytes$"):
        check_header_name(b"x")


def test_check_headers_names_the_header_never_the_value() -> None:
    check_headers({"Host": "h", "x-amz-meta-a": "b\tc"})
    with pytest.raises(InvalidArgument) as exc:
        check_headers({"Host": "h", "x-amz-security-token": "tok-secret\n"})
    assert str(exc.value) == (
        "header 'x-amz-security-token' may hold only visible ASCII, spaces and tabs: "
        "'\\n' at position 10"
    )
    with pytest.raises(InvalidArgument, match=r"^header name is not an HTTP token: 'a b'$"):
        check_headers({"a b": "v"})
    with pytest.raises(TypeError, match=r"^header 'n' must be a str, not int$"):
        check_headers({"n": 1})  # type: ignore[dict-item]


def test_one_line_and_encodable_text() -> None:
    for value in ("", "é/ü", "a\tb", "\u2028"):
        assert check_one_line("what", value) == value
    for char in ("\n", "\r", "\x00", "\x7f"):
        with pytest.raises(InvalidArgument) as exc:
            check_one_line("what", f"ab{char}")
        assert str(exc.value) == (
            f"what may hold only one line without control characters: {char!a} at position 2"
        )
    for check in (check_one_line, check_encodable):
        with pytest.raises(InvalidArgument) as exc:
            check("what", "é\udc80")
        assert str(exc.value) == (
            "what may hold only text that UTF-8 can encode: '\\udc80' at position 1"
        )
    assert check_encodable("what", "a\nb\x00é") == "a\nb\x00é"


@given(
    st.dictionaries(
        st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=6),
        st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=6),
        max_size=5,
    )
)
def test_all_headers_at_once_agree_with_one_by_one(headers: dict[str, str]) -> None:
    """check_headers' fast path (every header in one test) refuses what the checks of each
    header refuse, and nothing else."""
    try:
        for name, value in headers.items():
            check_header_name(name)
            check_header_value(name, value)
    except InvalidArgument:
        with pytest.raises(InvalidArgument):
            check_headers(headers)
    else:
        check_headers(headers)


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

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core.validation import check_bucket_name, check_object_key, check_region
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

"""Tags: S3's limits on both sides of each boundary, the exact refusals, the exact header."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiominio
from aiominio.core import tagging, xml
from aiominio.errors import InvalidArgument


def test_published_limits() -> None:
    # S3's documented limits: 10 tags on an object, 50 on a bucket, keys of 128 characters,
    # values of 256; the header names are those of the S3 API reference.
    assert (tagging.MAX_OBJECT_TAGS, tagging.MAX_BUCKET_TAGS) == (10, 50)
    assert (tagging.MAX_TAG_KEY_CHARS, tagging.MAX_TAG_VALUE_CHARS) == (128, 256)
    assert tagging.TAGGING_HEADER == "x-amz-tagging"
    assert tagging.TAGGING_DIRECTIVE == "x-amz-tagging-directive"


def test_an_eleventh_object_tag_is_refused() -> None:
    ten = {f"k{i}": "v" for i in range(10)}
    assert tagging.check_tags(ten) == ten
    with pytest.raises(InvalidArgument, match=r"^tags: at most 10 tags, got 11$"):
        tagging.check_tags({**ten, "k10": "v"})


def test_a_fifty_first_bucket_tag_is_refused() -> None:
    fifty = {f"k{i}": "v" for i in range(50)}
    assert tagging.check_tags(fifty, limit=50) == fifty
    with pytest.raises(InvalidArgument, match=r"^tags: at most 50 tags, got 51$"):
        tagging.check_tags({**fifty, "k50": "v"}, limit=50)
    with pytest.raises(InvalidArgument, match=r"^tags: at most 2 tags, got 3$"):
        tagging.check_tags({"a": "", "b": "", "c": ""}, limit=2)


def test_key_length_on_both_sides() -> None:
    assert tagging.check_tags({"k": "v"}) == {"k": "v"}
    assert tagging.check_tags({"k" * 128: "v"}) == {"k" * 128: "v"}
    for key in ("", "k" * 129):
        with pytest.raises(InvalidArgument, match=r"^tags: a key must be 1 to 128 characters$"):
            tagging.check_tags({key: "v"})


def test_value_length_on_both_sides() -> None:
    assert tagging.check_tags({"k": ""}) == {"k": ""}
    assert tagging.check_tags({"k": "v" * 256}) == {"k": "v" * 256}
    with pytest.raises(InvalidArgument, match=r"^tags: the value of 'k' is over 256 characters$"):
        tagging.check_tags({"k": "v" * 257})


@pytest.mark.parametrize("char", ["\x00", "\n", "\x1f", "\x7f"])
def test_control_characters_are_refused_in_keys_and_values(char: str) -> None:
    with pytest.raises(InvalidArgument, match=r"^tags: a control character in ") as key_exc:
        tagging.check_tags({f"a{char}b": "v"})
    assert str(key_exc.value) == f"tags: a control character in {f'a{char}b'!r}: 'v'"
    with pytest.raises(InvalidArgument) as value_exc:
        tagging.check_tags({"k": f"x{char}"})
    assert str(value_exc.value) == f"tags: a control character in 'k': {f'x{char}'!r}"


def test_printable_neighbours_of_the_controls_are_kept() -> None:
    tags = {" ~key": "\x20value~", "é": "ü"}
    assert tagging.check_tags(tags) == tags


def test_wrong_types_are_named() -> None:
    with pytest.raises(TypeError, match=r"^tags must be a mapping of str to str, not list$"):
        tagging.check_tags([("k", "v")])
    with pytest.raises(TypeError, match=r"^tags must map str to str, got 1: 'v'$"):
        tagging.check_tags({1: "v"})
    with pytest.raises(TypeError, match=r"^tags must map str to str, got 'k': 2$"):
        tagging.check_tags({"k": 2})


def test_the_result_is_a_new_dict_in_order() -> None:
    given = {"b": "2", "a": "1"}
    checked = tagging.check_tags(given)
    assert checked is not given
    assert list(checked.items()) == [("b", "2"), ("a", "1")]
    assert type(checked) is dict


def test_the_header_escapes_every_reserved_character() -> None:
    # RFC 3986 percent-encoding with nothing left "safe": "/" too, and a space as %20, never "+".
    assert tagging.tagging_header({"a/b c": "x+y/z", "n": "1"}) == {
        "x-amz-tagging": "a%2Fb%20c=x%2By%2Fz&n=1"
    }


def test_tags_refuse_lone_surrogates() -> None:
    # Sent percent-encoded as UTF-8 or in XML: a lone surrogate would raise a bare
    # UnicodeEncodeError half-way through building the request.
    with pytest.raises(InvalidArgument) as exc:
        tagging.check_tags({"k": "v\ud800"})
    assert str(exc.value) == (
        "tags: the value of 'k' may hold only text that UTF-8 can encode: '\\ud800' at position 1"
    )
    with pytest.raises(InvalidArgument, match=r"^tags: a key may hold only text that UTF-8 "):
        tagging.check_tags({"\udc80": "v"})
    assert tagging.check_tags({"ké": "vü"}) == {"ké": "vü"}


# AWS's example answer of GetObjectTagging (S3 API reference, "GetObjectTagging", Example).
AWS_GET_OBJECT_TAGGING = b"""<?xml version="1.0" encoding="UTF-8"?>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TagSet>
     <Tag>
       <Key>tag1</Key>
       <Value>val1</Value>
     </Tag>
  </TagSet>
</Tagging>"""


tag_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn")),
    min_size=1,
    max_size=tagging.MAX_TAG_KEY_CHARS,
)


tag_sets = st.dictionaries(
    tag_text,
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=256),
    max_size=10,
)


def test_aws_example_answer() -> None:
    assert xml.parse_tagging(AWS_GET_OBJECT_TAGGING) == {"tag1": "val1"}


def test_empty_tag_set() -> None:
    assert xml.parse_tagging(b"<Tagging><TagSet/></Tagging>") == {}
    assert xml.parse_tagging(b"<Tagging/>") == {}
    assert xml.parse_tagging(b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>") == {
        "k": ""
    }


@pytest.mark.parametrize(
    "body",
    [
        b"<Other/>",
        b"<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
        b"<Tagging><TagSet><Tag><Key>k</Key></Tag><Tag><Key>k</Key></Tag></TagSet></Tagging>",
        b"not xml",
    ],
)
def test_malformed_answers(body: bytes) -> None:
    with pytest.raises(aiominio.InvalidResponseError):
        xml.parse_tagging(body)


@given(tag_sets)
def test_document_round_trip(tags: dict[str, str]) -> None:
    assert xml.parse_tagging(xml.build_tagging(tagging.check_tags(tags))) == tags


@given(tag_sets)
def test_header_round_trip(tags: dict[str, str]) -> None:
    value = tagging.tagging_header(tags).get("x-amz-tagging", "")
    assert value.isascii() and "+" not in value and " " not in value
    assert dict(parse_qsl(value, keep_blank_values=True)) == tags


def test_header_encoding() -> None:
    assert tagging.tagging_header({"a b": "c&d=e", "k": ""}) == {
        "x-amz-tagging": "a%20b=c%26d%3De&k="
    }
    assert tagging.tagging_header({}) == {}


def test_limits_are_inclusive() -> None:
    tags = {f"{i:0128d}": "v" * 256 for i in range(10)}
    assert tagging.check_tags(tags) == tags
    fifty = {f"k{i}": "" for i in range(50)}
    assert tagging.check_tags(fifty, limit=tagging.MAX_BUCKET_TAGS) == fifty

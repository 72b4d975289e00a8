"""The parts the bucket rule documents share, in detail: the exact refusals of values (limits on
both sides, control characters at the edges of the range), the ``<Filter>`` grammar (``<And>``
only around two or more conditions), and the parse of statuses, numbers and texts present,
empty or absent."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import MappingProxyType
from typing import Any

import pytest

from aiominio import (
    CorsConfig,
    Expiration,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    ReplicationConfig,
    SseConfig,
)
from aiominio.core import ruledoc
from aiominio.core.xml import parse
from aiominio.errors import InvalidArgument, InvalidResponseError

NS = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


# -- values ------------------------------------------------------------------------------------


def test_check_text_returns_the_value_and_refuses_a_non_str() -> None:
    assert ruledoc.check_text("origin", "https://a.example") == "https://a.example"
    with pytest.raises(TypeError, match=r"^origin must be a str, not int$"):
        ruledoc.check_text("origin", 5)
    with pytest.raises(TypeError, match=r"^origin must be a str, not bytes$"):
        ruledoc.check_text("origin", b"x", empty=True)


def test_check_text_empty_only_when_allowed() -> None:
    with pytest.raises(InvalidArgument, match=r"^role must not be empty$"):
        ruledoc.check_text("role", "")
    with pytest.raises(InvalidArgument, match=r"^role must not be empty$"):
        ruledoc.check_text("role", "", limit=5)
    assert ruledoc.check_text("role", "", empty=True) == ""


def test_check_text_limit_on_both_sides() -> None:
    assert ruledoc.check_text("id", "x" * 7, limit=7) == "x" * 7
    with pytest.raises(InvalidArgument, match=r"^id must be at most 7 characters, got 8$"):
        ruledoc.check_text("id", "x" * 8, limit=7)
    # No limit: any length.
    assert ruledoc.check_text("id", "x" * 5000) == "x" * 5000


@pytest.mark.parametrize("char", ["\x00", "\x01", "\t", "\n", "\x1f", "\x7f"])
def test_check_text_refuses_every_control_character(char: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        ruledoc.check_text("v", f"a{char}b")
    assert str(info.value) == f"v must not contain control characters: {f'a{char}b'!r}"


@pytest.mark.parametrize("char", [" ", "~", "\x80", "\xa0", "é", "*"])
def test_check_text_takes_the_characters_next_to_the_controls(char: str) -> None:
    assert ruledoc.check_text("v", f"a{char}b") == f"a{char}b"


def test_check_text_quotes_at_most_64_characters() -> None:
    value = "\n" + "y" * 100
    with pytest.raises(InvalidArgument) as info:
        ruledoc.check_text("v", value)
    assert str(info.value) == f"v must not contain control characters: {value[:64]!r}"


def test_rule_ids_of_1_to_255_characters_or_none() -> None:
    ruledoc.check_rule_id("rule id", None)
    ruledoc.check_rule_id("rule id", "a")
    ruledoc.check_rule_id("rule id", "a" * 255)
    with pytest.raises(InvalidArgument, match=r"^rule id must be at most 255 characters, got 256$"):
        ruledoc.check_rule_id("rule id", "a" * 256)
    with pytest.raises(InvalidArgument, match=r"^rule id must not be empty$"):
        ruledoc.check_rule_id("rule id", "")
    with pytest.raises(TypeError, match=r"^rule id must be a str, not int$"):
        ruledoc.check_rule_id("rule id", 1)


def test_check_bool_and_check_sequence() -> None:
    ruledoc.check_bool("enabled", True)
    ruledoc.check_bool("enabled", False)
    with pytest.raises(TypeError, match=r"^enabled must be a bool, not int$"):
        ruledoc.check_bool("enabled", 1)
    with pytest.raises(TypeError, match=r"^enabled must be a bool, not NoneType$"):
        ruledoc.check_bool("enabled", None)
    items = (1, 2)
    assert ruledoc.check_sequence("rules", items) is items
    assert ruledoc.check_sequence("rules", ()) == ()
    with pytest.raises(TypeError, match=r"^rules must be a list or tuple, not list$"):
        ruledoc.check_sequence("rules", [1])
    with pytest.raises(TypeError, match=r"^rules must be a list or tuple, not str$"):
        ruledoc.check_sequence("rules", "ab")


def test_unique_ids_ignore_unnamed_rules() -> None:
    ruledoc.check_unique_ids("rules", [None, None, "a", "b"])
    ruledoc.check_unique_ids("rules", [])
    with pytest.raises(InvalidArgument, match=r"^rules: two rules have the same id$"):
        ruledoc.check_unique_ids("rules", ["a", None, "a"])


def test_as_tuple_and_as_dict() -> None:
    assert ruledoc.as_tuple([1, 2]) == (1, 2)
    assert isinstance(ruledoc.as_tuple([]), tuple)
    same = (1,)
    assert ruledoc.as_tuple(same) is same
    assert ruledoc.as_tuple("ab") == "ab"
    proxy = MappingProxyType({"a": "1"})
    converted = ruledoc.as_dict(proxy)
    assert type(converted) is dict
    assert converted == {"a": "1"}
    assert ruledoc.as_dict([("a", "1")]) == [("a", "1")]


def test_sub_and_status_text() -> None:
    root = ET.Element("R")
    ruledoc.sub(root, "A", None)
    ruledoc.sub(root, "B", 0)
    ruledoc.sub(root, "C", "")
    ruledoc.sub(root, "D", "x")
    assert ET.tostring(root) == b"<R><B>0</B><C /><D>x</D></R>"
    assert ruledoc.status_text(True) == "Enabled"
    assert ruledoc.status_text(False) == "Disabled"


def test_document_and_serialize() -> None:
    root = ruledoc.document("X")
    ET.SubElement(root, "Y").text = "é"
    assert ruledoc.serialize(root) == b"<X " + NS + b"><Y>\xc3\xa9</Y></X>"
    assert type(ruledoc.serialize(root)) is bytes


# -- answers -----------------------------------------------------------------------------------


def el(xml: str) -> ET.Element:
    return parse(xml.encode())


def test_parse_status() -> None:
    assert ruledoc.parse_status(el("<R><Status>Enabled</Status></R>"), "rule") is True
    assert ruledoc.parse_status(el("<R><Status>Disabled</Status></R>"), "rule") is False
    assert ruledoc.parse_status(el("<R><Status>\n Enabled \n</Status></R>"), "rule") is True
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a lifecycle rule with status 'enabled'$"
    ):
        ruledoc.parse_status(el("<R><Status>enabled</Status></R>"), "lifecycle rule")
    with pytest.raises(InvalidResponseError, match=r"^the server sent a rule with status ''$"):
        ruledoc.parse_status(el("<R/>"), "rule")
    with pytest.raises(InvalidResponseError) as info:
        ruledoc.parse_status(el(f"<R><Status>{'s' * 70}</Status></R>"), "rule")
    assert str(info.value) == f"the server sent a rule with status {'s' * 64!r}"


def test_optional_int_and_text() -> None:
    root = el("<R><N> 42 </N><E/><T>t</T></R>")
    assert ruledoc.optional_int(root, "N") == 42
    assert ruledoc.optional_int(root, "Missing") is None
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed E: ''$"):
        ruledoc.optional_int(root, "E")
    assert ruledoc.optional_text(root, "T") == "t"
    assert ruledoc.optional_text(root, "E") == ""
    assert ruledoc.optional_text(root, "Missing") is None


def test_parse_document_checks_the_root() -> None:
    body = b"<CORSConfiguration " + NS + b"><CORSRule/></CORSConfiguration>"
    assert ruledoc.parse_document(body, "CORSConfiguration").tag == "CORSConfiguration"
    with pytest.raises(
        InvalidResponseError, match=r"^expected <CORSConfiguration>, got <Tagging>$"
    ) as info:
        ruledoc.parse_document(b"<Tagging/>", "CORSConfiguration")
    assert info.value.body == b"<Tagging/>"


# -- the filter --------------------------------------------------------------------------------


def built(**kwargs: object) -> bytes:
    root = ET.Element("Rule")
    ruledoc.build_filter(root, **kwargs)  # type: ignore[arg-type]
    return ET.tostring(root)


@pytest.mark.parametrize(
    ("kwargs", "inner"),
    [
        ({"prefix": None, "tags": {}}, b"<Filter />"),
        ({"prefix": "", "tags": {}}, b"<Filter><Prefix /></Filter>"),
        ({"prefix": "p/", "tags": {}}, b"<Filter><Prefix>p/</Prefix></Filter>"),
        (
            {"prefix": None, "tags": {"k": "v"}},
            b"<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>",
        ),
        (
            {"prefix": None, "tags": {}, "greater": 0},
            b"<Filter><ObjectSizeGreaterThan>0</ObjectSizeGreaterThan></Filter>",
        ),
        (
            {"prefix": None, "tags": {}, "less": 5},
            b"<Filter><ObjectSizeLessThan>5</ObjectSizeLessThan></Filter>",
        ),
        (
            {"prefix": None, "tags": {"a": "1", "b": ""}},
            b"<Filter><And><Tag><Key>a</Key><Value>1</Value></Tag>"
            b"<Tag><Key>b</Key><Value /></Tag></And></Filter>",
        ),
        (
            {"prefix": "", "tags": {}, "less": 5},
            b"<Filter><And><Prefix /><ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter>",
        ),
        (
            {"prefix": None, "tags": {}, "greater": 1, "less": 5},
            b"<Filter><And><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan>"
            b"<ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter>",
        ),
        (
            {"prefix": "p", "tags": {"k": "v"}, "greater": 1, "less": 5},
            b"<Filter><And><Prefix>p</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
            b"<ObjectSizeGreaterThan>1</ObjectSizeGreaterThan>"
            b"<ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter>",
        ),
        (
            {"prefix": None, "tags": {"k": "v"}, "greater": 2},
            b"<Filter><And><Tag><Key>k</Key><Value>v</Value></Tag>"
            b"<ObjectSizeGreaterThan>2</ObjectSizeGreaterThan></And></Filter>",
        ),
    ],
)
def test_build_filter_uses_and_only_around_two_or_more_conditions(
    kwargs: dict[str, object], inner: bytes
) -> None:
    assert built(**kwargs) == b"<Rule>" + inner + b"</Rule>"


def test_parse_filter_forms() -> None:
    assert ruledoc.parse_filter(el("<Rule/>")) == (None, {}, None, None)
    assert ruledoc.parse_filter(el("<Rule><Prefix>old/</Prefix></Rule>")) == (
        "old/",
        {},
        None,
        None,
    )
    # The older rule-level prefix is not read when there is a <Filter>.
    assert ruledoc.parse_filter(el("<Rule><Prefix>old/</Prefix><Filter/></Rule>")) == (
        None,
        {},
        None,
        None,
    )
    assert ruledoc.parse_filter(
        el(
            "<Rule><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
            "<ObjectSizeGreaterThan>1</ObjectSizeGreaterThan>"
            "<ObjectSizeLessThan>9</ObjectSizeLessThan></Filter></Rule>"
        )
    ) == ("a", {"k": "v"}, 1, 9)
    assert ruledoc.parse_filter(
        el(
            "<Rule><Filter><And><Prefix/><Tag><Key>k</Key></Tag><Tag><Key>j</Key><Value>w</Value>"
            "</Tag><ObjectSizeGreaterThan>3</ObjectSizeGreaterThan></And></Filter></Rule>"
        )
    ) == ("", {"k": "", "j": "w"}, 3, None)
    assert ruledoc.parse_filter(
        el("<Rule><Filter><And><ObjectSizeLessThan>7</ObjectSizeLessThan></And></Filter></Rule>")
    ) == (None, {}, None, 7)


def test_parse_filter_refuses_empty_and_repeated_tag_keys() -> None:
    with pytest.raises(
        InvalidResponseError, match=r"^a filter tag with an empty or repeated key: ''$"
    ):
        ruledoc.parse_filter(el("<Rule><Filter><Tag><Value>v</Value></Tag></Filter></Rule>"))
    with pytest.raises(
        InvalidResponseError, match=r"^a filter tag with an empty or repeated key: 'k'$"
    ):
        ruledoc.parse_filter(
            el(
                "<Rule><Filter><And><Tag><Key>k</Key><Value>1</Value></Tag>"
                "<Tag><Key>k</Key><Value>1</Value></Tag></And></Filter></Rule>"
            )
        )
    with pytest.raises(InvalidResponseError) as info:
        ruledoc.parse_filter(
            el(
                f"<Rule><Filter><And><Tag><Key>{'k' * 70}</Key></Tag>"
                f"<Tag><Key>{'k' * 70}</Key></Tag></And></Filter></Rule>"
            )
        )
    assert str(info.value) == f"a filter tag with an empty or repeated key: {'k' * 64!r}"


def test_parse_filter_refuses_a_malformed_size() -> None:
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed ObjectSizeGreaterThan: '-1'$"
    ):
        ruledoc.parse_filter(
            el("<Rule><Filter><ObjectSizeGreaterThan>-1</ObjectSizeGreaterThan></Filter></Rule>")
        )
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed ObjectSizeLessThan: 'x'$"
    ):
        ruledoc.parse_filter(
            el("<Rule><Filter><ObjectSizeLessThan>x</ObjectSizeLessThan></Filter></Rule>")
        )


def test_check_filter_parts() -> None:
    ruledoc.check_filter_parts("filter", None, {})
    ruledoc.check_filter_parts("filter", "", {})
    ruledoc.check_filter_parts("filter", "p" * 1024, {f"k{i}": "v" for i in range(10)})
    with pytest.raises(InvalidArgument, match=r"^prefix is longer than 1024 bytes$"):
        ruledoc.check_filter_parts("filter", "p" * 1025, {})
    with pytest.raises(TypeError, match=r"^prefix must be a str, not int$"):
        ruledoc.check_filter_parts("filter", 3, {})
    with pytest.raises(
        InvalidArgument, match=r"^filter.prefix must not contain control characters: 'a\\nb'$"
    ):
        ruledoc.check_filter_parts("filter", "a\nb", {})
    with pytest.raises(
        TypeError, match=r"^rule.tags must be a mapping of str to str, not mappingproxy$"
    ):
        ruledoc.check_filter_parts("rule", None, MappingProxyType({}))
    with pytest.raises(InvalidArgument, match=r"^tags: at most 10 tags, got 11$"):
        ruledoc.check_filter_parts("filter", None, {f"k{i}": "v" for i in range(11)})


PARSERS = {
    "LifecycleConfiguration": LifecycleConfig.from_xml,
    "ServerSideEncryptionConfiguration": SseConfig.from_xml,
    "CORSConfiguration": CorsConfig.from_xml,
    "ReplicationConfiguration": ReplicationConfig.from_xml,
}


@pytest.mark.parametrize("root", PARSERS)
def test_entities_are_refused(root: str) -> None:
    body = f'<!DOCTYPE r [<!ENTITY e "EXPANDED">]><{root}><Role>&e;</Role></{root}>'
    with pytest.raises(InvalidResponseError):
        PARSERS[root](body.encode())


MALFORMED_ANSWERS = [
    (
        "lifecycle date",
        LifecycleConfig.from_xml,
        "<LifecycleConfiguration><Rule><Status>Enabled</Status><Expiration><Date>soon</Date>"
        "</Expiration></Rule></LifecycleConfiguration>",
    ),
    (
        "lifecycle flag",
        LifecycleConfig.from_xml,
        "<LifecycleConfiguration><Rule><Status>Enabled</Status><Expiration>"
        "<ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration></Rule>"
        "</LifecycleConfiguration>",
    ),
    (
        "lifecycle size",
        LifecycleConfig.from_xml,
        "<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><ObjectSizeLessThan>1e3"
        "</ObjectSizeLessThan></Filter></Rule></LifecycleConfiguration>",
    ),
    (
        "cors max age",
        CorsConfig.from_xml,
        "<CORSConfiguration><CORSRule><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule>"
        "</CORSConfiguration>",
    ),
    (
        "bucket key flag",
        SseConfig.from_xml,
        "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
        "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
        "<BucketKeyEnabled>1</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>",
    ),
    (
        "replication priority",
        ReplicationConfig.from_xml,
        "<ReplicationConfiguration><Rule><Status>Enabled</Status><Priority>first</Priority>"
        "<Destination><Bucket>arn:aws:s3:::d</Bucket></Destination></Rule>"
        "</ReplicationConfiguration>",
    ),
    (
        "replication marker status",
        ReplicationConfig.from_xml,
        "<ReplicationConfiguration><Rule><Status>Enabled</Status><DeleteMarkerReplication>"
        "<Status>On</Status></DeleteMarkerReplication><Destination><Bucket>arn:aws:s3:::d</Bucket>"
        "</Destination></Rule></ReplicationConfiguration>",
    ),
    ("wrong document", CorsConfig.from_xml, "<LifecycleConfiguration/>"),
    ("not xml", ReplicationConfig.from_xml, "<html>502 Bad Gateway"),
]


@pytest.mark.parametrize(
    ("parser", "body"), [m[1:] for m in MALFORMED_ANSWERS], ids=[m[0] for m in MALFORMED_ANSWERS]
)
def test_malformed_values_are_invalid_responses(parser: Any, body: str) -> None:
    with pytest.raises(InvalidResponseError) as info:
        parser(body.encode())
    assert not isinstance(info.value, ValueError)


def test_an_empty_id_reads_as_none_and_and_with_one_condition_as_that_condition() -> None:
    body = (
        "<LifecycleConfiguration><Rule><ID></ID><Filter><And><Prefix>a/</Prefix></And></Filter>"
        "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"
        "</LifecycleConfiguration>"
    )
    (rule,) = LifecycleConfig.from_xml(body.encode()).rules
    assert rule == LifecycleRule(filter=LifecycleFilter(prefix="a/"), expiration=Expiration(1))
    rule.validate()  # what a server sends can be sent back

"""The parts the bucket rule documents share (lifecycle, replication, CORS, default
encryption): checks of the values they carry, the ``<Status>`` and ``<Filter>`` grammar, and
the building and parsing of the documents with the safe parser of :mod:`aiominio.core.xmlparse`.

``<Filter>`` holds nothing (every object), one condition, or ``<And>`` around several: a
prefix, tags, and (lifecycle only) an object size range.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from aiominio.core.headers import parse_count
from aiominio.core.tagging import MAX_OBJECT_TAGS, check_tags
from aiominio.core.validation import check_prefix
from aiominio.core.xmlparse import S3_NS, parse, text
from aiominio.errors import InvalidArgument, InvalidResponseError

#: S3's limit on the characters of a rule id.
MAX_RULE_ID_CHARS = 255

_CONTROL = re.compile("[\x00-\x1f\x7f]")


def check_text(name: str, value: object, *, empty: bool = False, limit: int | None = None) -> str:
    """A str that can travel in an XML document: no control characters, not empty (unless
    ``empty``), at most ``limit`` characters.

    Raises:
        TypeError: not a str.
        InvalidArgument: empty, too long, or with a control character.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value and not empty:
        raise InvalidArgument(f"{name} must not be empty")
    if limit is not None and len(value) > limit:
        raise InvalidArgument(f"{name} must be at most {limit} characters, got {len(value)}")
    if _CONTROL.search(value):
        raise InvalidArgument(f"{name} must not contain control characters: {value[:64]!r}")
    return value


def check_rule_id(name: str, value: object) -> None:
    """A rule id: ``None`` (the server names the rule) or 1 to 255 characters."""
    if value is not None:
        check_text(name, value, limit=MAX_RULE_ID_CHARS)


def check_bool(name: str, value: object) -> None:
    """A bool, nothing else (``1`` or ``"true"`` would hide a mistake)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


def check_sequence(name: str, value: object) -> tuple[object, ...]:
    """A tuple (the dataclasses turn a list into one): the items of a repeated element."""
    if not isinstance(value, tuple):
        raise TypeError(f"{name} must be a list or tuple, not {type(value).__name__}")
    return value


def check_unique_ids(what: str, ids: list[str | None]) -> None:
    """No two rules with the same id."""
    named = [i for i in ids if i is not None]
    if len(named) != len(set(named)):
        raise InvalidArgument(f"{what}: two rules have the same id")


def as_tuple(value: object) -> object:
    """A list turned into a tuple (so that a parsed config equals the one built), else as is."""
    return tuple(value) if isinstance(value, list) else value


def as_dict(value: object) -> object:
    """A mapping turned into a dict, else as is (``validate()`` refuses it)."""
    return dict(value) if isinstance(value, Mapping) else value


def sub(parent: ET.Element, name: str, value: str | int | None) -> None:
    """Append ``<name>value</name>`` unless ``value`` is None."""
    if value is not None:
        ET.SubElement(parent, name).text = str(value)


def status_text(enabled: bool) -> str:
    return "Enabled" if enabled else "Disabled"


def parse_status(el: ET.Element, what: str) -> bool:
    """``<Status>Enabled</Status>`` as True, ``Disabled`` as False.

    Raises:
        InvalidResponseError: any other status.
    """
    status = text(el, "Status").strip()
    if status not in ("Enabled", "Disabled"):
        raise InvalidResponseError(f"the server sent a {what} with status {status[:64]!r}")
    return status == "Enabled"


def optional_int(el: ET.Element, name: str) -> int | None:
    """The number in the child ``name``, or None when it is absent."""
    child = el.find(name)
    if child is None:
        return None
    return parse_count(child.text or "", name)


def optional_text(el: ET.Element, name: str) -> str | None:
    """The text of the child ``name`` (``""`` when empty), or None when it is absent."""
    child = el.find(name)
    if child is None:
        return None
    return child.text or ""


def document(root_name: str) -> ET.Element:
    return ET.Element(root_name, xmlns=S3_NS)


def serialize(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8"))


def parse_document(body: bytes, root_name: str) -> ET.Element:
    """Parse an answer whose root must be ``root_name``."""
    root = parse(body)
    if root.tag != root_name:
        raise InvalidResponseError(f"expected <{root_name}>, got <{root.tag}>", body=body)
    return root


def build_filter(
    parent: ET.Element,
    *,
    prefix: str | None,
    tags: Mapping[str, str],
    greater: int | None = None,
    less: int | None = None,
) -> None:
    """Append ``<Filter>``: empty (every object), one condition, or ``<And>`` around several."""
    el = ET.SubElement(parent, "Filter")
    count = (prefix is not None) + len(tags) + (greater is not None) + (less is not None)
    if count > 1:
        el = ET.SubElement(el, "And")
    sub(el, "Prefix", prefix)
    for key, value in tags.items():
        tag = ET.SubElement(el, "Tag")
        ET.SubElement(tag, "Key").text = key
        ET.SubElement(tag, "Value").text = value
    sub(el, "ObjectSizeGreaterThan", greater)
    sub(el, "ObjectSizeLessThan", less)


def parse_filter(
    rule: ET.Element,
) -> tuple[str | None, dict[str, str], int | None, int | None]:
    """``(prefix, tags, greater than, less than)`` of a rule's ``<Filter>`` (or of the older
    ``<Prefix>`` directly in the rule)."""
    el = rule.find("Filter")
    if el is None:
        return optional_text(rule, "Prefix"), {}, None, None
    conditions = el.find("And")
    if conditions is not None:
        el = conditions
    tags: dict[str, str] = {}
    for tag in el.findall("Tag"):
        key = text(tag, "Key")
        if not key or key in tags:
            raise InvalidResponseError(f"a filter tag with an empty or repeated key: {key[:64]!r}")
        tags[key] = text(tag, "Value")
    return (
        optional_text(el, "Prefix"),
        tags,
        optional_int(el, "ObjectSizeGreaterThan"),
        optional_int(el, "ObjectSizeLessThan"),
    )


def check_filter_parts(what: str, prefix: object, tags: object) -> None:
    if prefix is not None:
        check_prefix(prefix)
        check_text(f"{what}.prefix", prefix, empty=True)
    if not isinstance(tags, dict):
        raise TypeError(f"{what}.tags must be a mapping of str to str, not {type(tags).__name__}")
    check_tags(tags, limit=MAX_OBJECT_TAGS)

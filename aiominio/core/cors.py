"""A bucket's CORS configuration (PutBucketCors): typed rules, checked, and their XML.

::

    CorsConfig(rules=[CorsRule(allowed_methods=["GET", "PUT"],
                               allowed_origins=["https://www.example.com"],
                               allowed_headers=["*"], max_age_seconds=3000)])
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from aiominio.core.ruledoc import (
    as_tuple,
    check_rule_id,
    check_sequence,
    check_text,
    check_unique_ids,
    document,
    optional_int,
    optional_text,
    parse_document,
    serialize,
    sub,
)
from aiominio.core.validation import check_int
from aiominio.errors import InvalidArgument

#: The methods a CORS rule may allow, and S3's limit on rules per configuration.
CORS_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_CORS_RULES = 100


@dataclass(frozen=True, slots=True)
class CorsRule:
    """One CORS rule: which origins may send which methods and headers.

    Attributes:
        allowed_methods: some of GET, PUT, HEAD, POST and DELETE.
        allowed_origins: origins such as ``https://www.example.com``; each may hold one ``*``.
        allowed_headers: request headers a preflight may ask for; each may hold one ``*``.
        expose_headers: response headers the browser may show to scripts.
        max_age_seconds: how long a browser may cache the preflight answer.
        id: the rule's name, up to 255 characters.
    """

    allowed_methods: Sequence[str]
    allowed_origins: Sequence[str]
    allowed_headers: Sequence[str] = ()
    expose_headers: Sequence[str] = ()
    max_age_seconds: int | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        for name in ("allowed_methods", "allowed_origins", "allowed_headers", "expose_headers"):
            object.__setattr__(self, name, as_tuple(getattr(self, name)))

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError: no method or origin, an unknown method, more
        than one ``*`` in an origin or header, a negative max age, a bad id."""
        check_rule_id("cors rule id", self.id)
        methods = check_sequence("allowed_methods", self.allowed_methods)
        if not methods:
            raise InvalidArgument("allowed_methods: a CORS rule allows at least one method")
        for method in methods:
            if method not in CORS_METHODS:
                raise InvalidArgument(
                    f"allowed_methods: {method!r} is not one of {', '.join(CORS_METHODS)}"
                )
        if not check_sequence("allowed_origins", self.allowed_origins):
            raise InvalidArgument("allowed_origins: a CORS rule allows at least one origin")
        for name in ("allowed_origins", "allowed_headers", "expose_headers"):
            for value in check_sequence(name, getattr(self, name)):
                value = check_text(f"{name}[]", value)
                if name != "expose_headers" and value.count("*") > 1:
                    raise InvalidArgument(f"{name}: at most one '*' in {value!r}")
        if self.max_age_seconds is not None:
            check_int("max_age_seconds", self.max_age_seconds, minimum=0)


@dataclass(frozen=True, slots=True)
class CorsConfig:
    """A bucket's CORS configuration: 1 to 100 rules."""

    rules: Sequence[CorsRule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", as_tuple(self.rules))

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for what S3 would refuse."""
        rules = check_sequence("rules", self.rules)
        if not 1 <= len(rules) <= MAX_CORS_RULES:
            raise InvalidArgument(f"rules: 1 to {MAX_CORS_RULES} CORS rules, got {len(rules)}")
        for rule in rules:
            if not isinstance(rule, CorsRule):
                raise TypeError(f"rules[] must be a CorsRule, not {type(rule).__name__}")
            rule.validate()
        check_unique_ids("rules", [r.id for r in self.rules])

    def to_xml(self) -> bytes:
        """The ``<CORSConfiguration>`` document (call :meth:`validate` first)."""
        root = document("CORSConfiguration")
        for rule in self.rules:
            el = ET.SubElement(root, "CORSRule")
            sub(el, "ID", rule.id)
            for name, values in (
                ("AllowedHeader", rule.allowed_headers),
                ("AllowedMethod", rule.allowed_methods),
                ("AllowedOrigin", rule.allowed_origins),
                ("ExposeHeader", rule.expose_headers),
            ):
                for value in values:
                    sub(el, name, value)
            sub(el, "MaxAgeSeconds", rule.max_age_seconds)
        return serialize(root)

    @classmethod
    def from_xml(cls, body: bytes) -> CorsConfig:
        """Parse a GetBucketCors answer.

        Raises:
            InvalidResponseError: not a CORS configuration, or a malformed max age.
        """
        root = parse_document(body, "CORSConfiguration")
        return cls(
            rules=tuple(
                CorsRule(
                    allowed_methods=_texts(el, "AllowedMethod"),
                    allowed_origins=_texts(el, "AllowedOrigin"),
                    allowed_headers=_texts(el, "AllowedHeader"),
                    expose_headers=_texts(el, "ExposeHeader"),
                    max_age_seconds=optional_int(el, "MaxAgeSeconds"),
                    id=optional_text(el, "ID") or None,
                )
                for el in root.findall("CORSRule")
            )
        )


def _texts(el: ET.Element, name: str) -> tuple[str, ...]:
    return tuple(child.text or "" for child in el.findall(name))

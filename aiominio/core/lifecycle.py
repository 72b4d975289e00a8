"""Bucket lifecycle configuration: typed rules, checked before sending, and their XML.

A :class:`LifecycleConfig` holds up to 1000 :class:`LifecycleRule` objects; each rule selects
objects with a :class:`LifecycleFilter` (prefix, tags, object size range: several conditions are
sent inside ``<And>``) and says what happens to them: an :class:`Expiration`,
:class:`Transition` objects, a :class:`NoncurrentVersionExpiration`,
:class:`NoncurrentVersionTransition` objects and the number of days after which incomplete
multipart uploads are aborted. ``validate()`` applies S3's rules (PutBucketLifecycleConfiguration)
before anything is sent; ``to_xml()`` and ``from_xml()`` build and parse the document, and
``from_xml(to_xml(config)) == config``.

The filter grammar and the checks of the values are those of :mod:`aiominio.core.ruledoc`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from aiominio.core.ruledoc import (
    as_dict,
    as_tuple,
    build_filter,
    check_bool,
    check_filter_parts,
    check_rule_id,
    check_sequence,
    check_text,
    check_unique_ids,
    document,
    optional_int,
    optional_text,
    parse_document,
    parse_filter,
    parse_status,
    serialize,
    status_text,
    sub,
)
from aiominio.core.validation import check_int
from aiominio.core.xmlparse import parse_flag, parse_iso_datetime, text
from aiominio.errors import InvalidArgument

#: S3's limits: rules in one lifecycle configuration, noncurrent versions a rule can keep.
MAX_LIFECYCLE_RULES = 1000
MAX_NEWER_NONCURRENT_VERSIONS = 100


def _check_date(name: str, value: object) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    offset = value.utcoffset()
    if offset is None or offset != timedelta(0):
        raise InvalidArgument(f"{name} must be a UTC datetime (tzinfo=timezone.utc): {value}")
    if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
        raise InvalidArgument(f"{name} must be at midnight UTC: {value.isoformat()}")


def _date_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT00:00:00Z")


def _parse_date(el: ET.Element) -> datetime | None:
    raw = el.find("Date")
    if raw is None:
        return None
    return parse_iso_datetime(raw.text or "").astimezone(timezone.utc)


def _exactly_one_of_days_or_date(what: str, days: object, date: object) -> None:
    if (days is None) == (date is None):
        raise InvalidArgument(f"{what}: give exactly one of days and date")


# -- the types ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LifecycleFilter:
    """Which objects a rule applies to; with no condition, every object of the bucket.

    Attributes:
        prefix: keys starting with it.
        tags: objects carrying every one of these tags.
        object_size_greater_than: objects larger than this many bytes.
        object_size_less_than: objects smaller than this many bytes.
    """

    prefix: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    object_size_greater_than: int | None = None
    object_size_less_than: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", as_dict(self.tags))

    def validate(self) -> None:
        """Check the filter against S3's rules.

        Raises:
            InvalidArgument / TypeError: a bad prefix or tag, a negative size, or a size range
                that selects nothing.
        """
        check_filter_parts("filter", self.prefix, self.tags)
        greater, less = self.object_size_greater_than, self.object_size_less_than
        if greater is not None:
            check_int("filter.object_size_greater_than", greater, minimum=0)
        if less is not None:
            check_int("filter.object_size_less_than", less, minimum=1)
        if greater is not None and less is not None and greater >= less:
            raise InvalidArgument(
                "filter.object_size_greater_than must be below filter.object_size_less_than"
            )


@dataclass(frozen=True, slots=True)
class Expiration:
    """When current objects expire: after ``days`` days, on ``date`` (midnight UTC), or, with
    ``expired_object_delete_marker``, remove delete markers left with no noncurrent version.
    Exactly one of the three."""

    days: int | None = None
    date: datetime | None = None
    expired_object_delete_marker: bool = False

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for values S3 refuses."""
        check_bool("expiration.expired_object_delete_marker", self.expired_object_delete_marker)
        given = (self.days is not None) + (self.date is not None)
        if given + self.expired_object_delete_marker != 1:
            raise InvalidArgument(
                "expiration: give exactly one of days, date and expired_object_delete_marker"
            )
        if self.days is not None:
            check_int("expiration.days", self.days, minimum=1)
        if self.date is not None:
            _check_date("expiration.date", self.date)


@dataclass(frozen=True, slots=True)
class Transition:
    """Move current objects to ``storage_class`` after ``days`` days or on ``date`` (one of
    the two)."""

    storage_class: str
    days: int | None = None
    date: datetime | None = None

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for values S3 refuses."""
        check_text("transition.storage_class", self.storage_class)
        _exactly_one_of_days_or_date("transition", self.days, self.date)
        if self.days is not None:
            check_int("transition.days", self.days, minimum=0)
        if self.date is not None:
            _check_date("transition.date", self.date)


@dataclass(frozen=True, slots=True)
class NoncurrentVersionExpiration:
    """Delete versions ``noncurrent_days`` days after they stopped being current, keeping the
    ``newer_noncurrent_versions`` newest (1 to 100) when given."""

    noncurrent_days: int
    newer_noncurrent_versions: int | None = None

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for values S3 refuses."""
        check_int("noncurrent_version_expiration.noncurrent_days", self.noncurrent_days, minimum=1)
        _check_newer("noncurrent_version_expiration", self.newer_noncurrent_versions)


@dataclass(frozen=True, slots=True)
class NoncurrentVersionTransition:
    """Move versions to ``storage_class`` ``noncurrent_days`` days after they stopped being
    current, keeping the ``newer_noncurrent_versions`` newest where they are when given."""

    noncurrent_days: int
    storage_class: str
    newer_noncurrent_versions: int | None = None

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for values S3 refuses."""
        what = "noncurrent_version_transition"
        check_int(f"{what}.noncurrent_days", self.noncurrent_days, minimum=0)
        check_text(f"{what}.storage_class", self.storage_class)
        _check_newer(what, self.newer_noncurrent_versions)


def _check_newer(what: str, value: int | None) -> None:
    if value is None:
        return
    check_int(f"{what}.newer_noncurrent_versions", value, minimum=1)
    if value > MAX_NEWER_NONCURRENT_VERSIONS:
        raise InvalidArgument(
            f"{what}.newer_noncurrent_versions must be at most {MAX_NEWER_NONCURRENT_VERSIONS}"
        )


@dataclass(frozen=True, slots=True)
class LifecycleRule:
    """One lifecycle rule: the objects it selects and at least one action.

    Attributes:
        id: the rule's name, up to 255 characters (the server makes one up when None).
        enabled: ``Status`` Enabled or Disabled.
        filter: which objects; the default selects the whole bucket.
        expiration: when current objects expire.
        transitions: storage-class moves of current objects.
        noncurrent_version_expiration: when noncurrent versions are deleted.
        noncurrent_version_transitions: storage-class moves of noncurrent versions.
        abort_incomplete_multipart_upload_days: abort multipart uploads left incomplete this
            many days after they were started.
    """

    id: str | None = None
    enabled: bool = True
    filter: LifecycleFilter = field(default_factory=LifecycleFilter)
    expiration: Expiration | None = None
    transitions: Sequence[Transition] = ()
    noncurrent_version_expiration: NoncurrentVersionExpiration | None = None
    noncurrent_version_transitions: Sequence[NoncurrentVersionTransition] = ()
    abort_incomplete_multipart_upload_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "transitions", as_tuple(self.transitions))
        object.__setattr__(
            self, "noncurrent_version_transitions", as_tuple(self.noncurrent_version_transitions)
        )

    def validate(self) -> None:
        """Check the rule against S3's rules.

        Raises:
            InvalidArgument / TypeError: a bad id, filter or action, no action at all, or an
                action S3 does not allow with a tag filter.
        """
        check_rule_id("rule id", self.id)
        check_bool("enabled", self.enabled)
        _check_type("filter", self.filter, LifecycleFilter)
        self.filter.validate()
        check_sequence("transitions", self.transitions)
        check_sequence("noncurrent_version_transitions", self.noncurrent_version_transitions)
        if self.expiration is not None:
            _check_type("expiration", self.expiration, Expiration)
        if self.noncurrent_version_expiration is not None:
            _check_type(
                "noncurrent_version_expiration",
                self.noncurrent_version_expiration,
                NoncurrentVersionExpiration,
            )
        for transition in self.transitions:
            _check_type("transitions[]", transition, Transition)
        for nct in self.noncurrent_version_transitions:
            _check_type("noncurrent_version_transitions[]", nct, NoncurrentVersionTransition)
        parts: list[_Action] = [
            *self.transitions,
            *self.noncurrent_version_transitions,
            *(a for a in (self.expiration, self.noncurrent_version_expiration) if a is not None),
        ]
        for part in parts:
            part.validate()
        days = self.abort_incomplete_multipart_upload_days
        if days is not None:
            check_int("abort_incomplete_multipart_upload_days", days, minimum=1)
        if not parts and days is None:
            raise InvalidArgument(f"lifecycle rule {self.id!r} has no action")
        if self.filter.tags and (
            days is not None
            or (self.expiration is not None and self.expiration.expired_object_delete_marker)
        ):
            raise InvalidArgument(
                "a rule with a tag filter cannot abort incomplete multipart uploads or expire "
                "delete markers (S3 refuses it)"
            )


_Action = Expiration | Transition | NoncurrentVersionExpiration | NoncurrentVersionTransition


def _check_type(name: str, value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class LifecycleConfig:
    """A bucket's lifecycle configuration: 1 to 1000 rules with distinct ids."""

    rules: Sequence[LifecycleRule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", as_tuple(self.rules))

    def validate(self) -> None:
        """Check every rule, their number and ids.

        Raises:
            InvalidArgument / TypeError: what S3 would refuse.
        """
        rules = check_sequence("rules", self.rules)
        if not 1 <= len(rules) <= MAX_LIFECYCLE_RULES:
            raise InvalidArgument(
                f"rules: 1 to {MAX_LIFECYCLE_RULES} lifecycle rules, got {len(rules)}"
            )
        for rule in rules:
            _check_type("rules[]", rule, LifecycleRule)
            assert isinstance(rule, LifecycleRule)
            rule.validate()
        check_unique_ids("rules", [r.id for r in self.rules])

    def to_xml(self) -> bytes:
        """The ``<LifecycleConfiguration>`` document (call :meth:`validate` first)."""
        root = document("LifecycleConfiguration")
        for rule in self.rules:
            el = ET.SubElement(root, "Rule")
            sub(el, "ID", rule.id)
            f = rule.filter
            build_filter(
                el,
                prefix=f.prefix,
                tags=f.tags,
                greater=f.object_size_greater_than,
                less=f.object_size_less_than,
            )
            sub(el, "Status", status_text(rule.enabled))
            for t in rule.transitions:
                child = ET.SubElement(el, "Transition")
                sub(child, "Date", _date_text(t.date) if t.date is not None else None)
                sub(child, "Days", t.days)
                sub(child, "StorageClass", t.storage_class)
            if rule.expiration is not None:
                child = ET.SubElement(el, "Expiration")
                exp = rule.expiration
                sub(child, "Date", _date_text(exp.date) if exp.date is not None else None)
                sub(child, "Days", exp.days)
                if exp.expired_object_delete_marker:
                    sub(child, "ExpiredObjectDeleteMarker", "true")
            for nt in rule.noncurrent_version_transitions:
                child = ET.SubElement(el, "NoncurrentVersionTransition")
                sub(child, "NoncurrentDays", nt.noncurrent_days)
                sub(child, "StorageClass", nt.storage_class)
                sub(child, "NewerNoncurrentVersions", nt.newer_noncurrent_versions)
            if rule.noncurrent_version_expiration is not None:
                nve = rule.noncurrent_version_expiration
                child = ET.SubElement(el, "NoncurrentVersionExpiration")
                sub(child, "NoncurrentDays", nve.noncurrent_days)
                sub(child, "NewerNoncurrentVersions", nve.newer_noncurrent_versions)
            if rule.abort_incomplete_multipart_upload_days is not None:
                child = ET.SubElement(el, "AbortIncompleteMultipartUpload")
                sub(child, "DaysAfterInitiation", rule.abort_incomplete_multipart_upload_days)
        return serialize(root)

    @classmethod
    def from_xml(cls, body: bytes) -> LifecycleConfig:
        """Parse a GetBucketLifecycleConfiguration answer.

        Raises:
            InvalidResponseError: not a lifecycle configuration, or a malformed value.
        """
        root = parse_document(body, "LifecycleConfiguration")
        return cls(rules=tuple(_parse_rule(el) for el in root.findall("Rule")))


def _parse_rule(el: ET.Element) -> LifecycleRule:
    prefix, tags, greater, less = parse_filter(el)
    expiration = None
    exp = el.find("Expiration")
    if exp is not None:
        expiration = Expiration(
            days=optional_int(exp, "Days"),
            date=_parse_date(exp),
            expired_object_delete_marker=parse_flag(
                text(exp, "ExpiredObjectDeleteMarker"), "ExpiredObjectDeleteMarker"
            ),
        )
    nve = el.find("NoncurrentVersionExpiration")
    abort = el.find("AbortIncompleteMultipartUpload")
    return LifecycleRule(
        id=optional_text(el, "ID") or None,
        enabled=parse_status(el, "lifecycle rule"),
        filter=LifecycleFilter(prefix, tags, greater, less),
        expiration=expiration,
        transitions=tuple(
            Transition(
                storage_class=text(t, "StorageClass"),
                days=optional_int(t, "Days"),
                date=_parse_date(t),
            )
            for t in el.findall("Transition")
        ),
        noncurrent_version_expiration=None
        if nve is None
        else NoncurrentVersionExpiration(
            noncurrent_days=optional_int(nve, "NoncurrentDays") or 0,
            newer_noncurrent_versions=optional_int(nve, "NewerNoncurrentVersions"),
        ),
        noncurrent_version_transitions=tuple(
            NoncurrentVersionTransition(
                noncurrent_days=optional_int(t, "NoncurrentDays") or 0,
                storage_class=text(t, "StorageClass"),
                newer_noncurrent_versions=optional_int(t, "NewerNoncurrentVersions"),
            )
            for t in el.findall("NoncurrentVersionTransition")
        ),
        abort_incomplete_multipart_upload_days=None
        if abort is None
        else optional_int(abort, "DaysAfterInitiation"),
    )

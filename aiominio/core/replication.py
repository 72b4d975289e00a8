"""A bucket's replication configuration (PutBucketReplication): typed rules and their XML.

The configuration is stored by the server; whether objects are then copied depends on the
server (AWS and MinIO replicate to the destination; no local test server here does).

::

    ReplicationConfig(
        role="arn:aws:iam::123456789012:role/replication",
        rules=[ReplicationRule("arn:aws:s3:::backup", id="docs", priority=1,
                               filter=ReplicationFilter(prefix="docs/"))],
    )
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
from aiominio.core.xmlparse import required_text
from aiominio.errors import InvalidArgument, InvalidResponseError

#: S3's limit on rules in one replication configuration.
MAX_REPLICATION_RULES = 1000


@dataclass(frozen=True, slots=True)
class ReplicationFilter:
    """Which objects a rule replicates: keys under ``prefix`` carrying every one of ``tags``;
    with neither, every object."""

    prefix: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", as_dict(self.tags))


@dataclass(frozen=True, slots=True)
class ReplicationRule:
    """One replication rule.

    Attributes:
        destination_bucket: the ARN of the bucket to copy to (``arn:aws:s3:::name``).
        id: the rule's name, up to 255 characters.
        enabled: ``Status`` Enabled or Disabled.
        priority: which rule wins when several select an object (higher wins); distinct.
        filter: which objects; the default selects every object.
        storage_class: the storage class of the copies (the source's when None).
        account: the account that owns the destination bucket, when another.
        delete_marker_replication: replicate delete markers too.
        existing_object_replication: replicate objects that existed before the rule (None:
            not said).
    """

    destination_bucket: str
    id: str | None = None
    enabled: bool = True
    priority: int | None = None
    filter: ReplicationFilter = field(default_factory=ReplicationFilter)
    storage_class: str | None = None
    account: str | None = None
    delete_marker_replication: bool = False
    existing_object_replication: bool | None = None

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for values S3 refuses."""
        dest = check_text("destination_bucket", self.destination_bucket)
        if not dest.startswith("arn:"):
            raise InvalidArgument(
                f"destination_bucket must be a bucket ARN (arn:aws:s3:::name): {dest[:64]!r}"
            )
        check_rule_id("replication rule id", self.id)
        check_bool("enabled", self.enabled)
        if self.priority is not None:
            check_int("priority", self.priority, minimum=0)
        if not isinstance(self.filter, ReplicationFilter):
            raise TypeError(f"filter must be a ReplicationFilter, not {type(self.filter).__name__}")
        check_filter_parts("filter", self.filter.prefix, self.filter.tags)
        if self.storage_class is not None:
            check_text("storage_class", self.storage_class)
        if self.account is not None:
            check_text("account", self.account)
        check_bool("delete_marker_replication", self.delete_marker_replication)
        if self.existing_object_replication is not None:
            check_bool("existing_object_replication", self.existing_object_replication)
        if self.delete_marker_replication and self.filter.tags:
            raise InvalidArgument(
                "delete_marker_replication cannot be used with a tag filter (S3 refuses it)"
            )


@dataclass(frozen=True, slots=True)
class ReplicationConfig:
    """A bucket's replication configuration: the IAM role S3 replicates as, and 1 to 1000
    rules (distinct ids and priorities)."""

    role: str
    rules: Sequence[ReplicationRule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", as_tuple(self.rules))

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError for what S3 would refuse."""
        role = check_text("role", self.role, empty=True)
        if role and not role.startswith("arn:"):
            raise InvalidArgument(f"role must be an IAM role ARN: {role[:64]!r}")
        rules = check_sequence("rules", self.rules)
        if not 1 <= len(rules) <= MAX_REPLICATION_RULES:
            raise InvalidArgument(
                f"rules: 1 to {MAX_REPLICATION_RULES} replication rules, got {len(rules)}"
            )
        for rule in rules:
            if not isinstance(rule, ReplicationRule):
                raise TypeError(f"rules[] must be a ReplicationRule, not {type(rule).__name__}")
            rule.validate()
        check_unique_ids("rules", [r.id for r in self.rules])
        priorities = [r.priority for r in self.rules if r.priority is not None]
        if len(priorities) != len(set(priorities)):
            raise InvalidArgument("rules: two replication rules have the same priority")

    def to_xml(self) -> bytes:
        """The ``<ReplicationConfiguration>`` document (call :meth:`validate` first)."""
        root = document("ReplicationConfiguration")
        sub(root, "Role", self.role)
        for rule in self.rules:
            el = ET.SubElement(root, "Rule")
            sub(el, "ID", rule.id)
            sub(el, "Status", status_text(rule.enabled))
            sub(el, "Priority", rule.priority)
            marker = ET.SubElement(el, "DeleteMarkerReplication")
            sub(marker, "Status", status_text(rule.delete_marker_replication))
            build_filter(el, prefix=rule.filter.prefix, tags=rule.filter.tags)
            if rule.existing_object_replication is not None:
                existing = ET.SubElement(el, "ExistingObjectReplication")
                sub(existing, "Status", status_text(rule.existing_object_replication))
            dest = ET.SubElement(el, "Destination")
            sub(dest, "Bucket", rule.destination_bucket)
            sub(dest, "Account", rule.account)
            sub(dest, "StorageClass", rule.storage_class)
        return serialize(root)

    @classmethod
    def from_xml(cls, body: bytes) -> ReplicationConfig:
        """Parse a GetBucketReplication answer.

        Raises:
            InvalidResponseError: not a replication configuration, a rule without destination,
                or a malformed value.
        """
        root = parse_document(body, "ReplicationConfiguration")
        return cls(
            role=optional_text(root, "Role") or "",
            rules=tuple(_parse_rule(el) for el in root.findall("Rule")),
        )


def _parse_rule(el: ET.Element) -> ReplicationRule:
    dest = el.find("Destination")
    if dest is None:
        raise InvalidResponseError("a replication rule without a <Destination>")
    prefix, tags, _, _ = parse_filter(el)
    marker = el.find("DeleteMarkerReplication")
    existing = el.find("ExistingObjectReplication")
    return ReplicationRule(
        destination_bucket=required_text(dest, "Bucket"),
        id=optional_text(el, "ID") or None,
        enabled=parse_status(el, "replication rule"),
        priority=optional_int(el, "Priority"),
        filter=ReplicationFilter(prefix, tags),
        storage_class=optional_text(dest, "StorageClass"),
        account=optional_text(dest, "Account"),
        delete_marker_replication=marker is not None
        and parse_status(marker, "delete marker replication"),
        existing_object_replication=None
        if existing is None
        else parse_status(existing, "existing object replication"),
    )

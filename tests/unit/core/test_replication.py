"""Replication configurations in detail: the exact refusals of every value (quotes cut at 64
characters), the limits on both sides (1000 rules, priority 0, an empty role), and the exact
refusals of malformed answers."""

from __future__ import annotations

import pytest

from aiominio.core.replication import ReplicationConfig, ReplicationFilter, ReplicationRule
from aiominio.errors import InvalidArgument, InvalidResponseError

ROLE = "arn:aws:iam::123456789012:role/r"
DEST = "arn:aws:s3:::dest"


def refused(config: ReplicationConfig, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        config.validate()
    assert str(info.value) == message


def one(**kwargs: object) -> ReplicationConfig:
    return ReplicationConfig(ROLE, [ReplicationRule(**kwargs)])  # type: ignore[arg-type]


def test_rule_refusals_exact_messages() -> None:
    refused(one(destination_bucket=""), InvalidArgument, "destination_bucket must not be empty")
    refused(
        one(destination_bucket="b" * 70),
        InvalidArgument,
        f"destination_bucket must be a bucket ARN (arn:aws:s3:::name): {'b' * 64!r}",
    )
    refused(
        one(destination_bucket=DEST, id="i" * 256),
        InvalidArgument,
        "replication rule id must be at most 255 characters, got 256",
    )
    refused(one(destination_bucket=DEST, enabled=1), TypeError, "enabled must be a bool, not int")
    refused(
        one(destination_bucket=DEST, priority=-1),
        InvalidArgument,
        "priority must be >= 0, got -1",
    )
    refused(
        one(destination_bucket=DEST, priority="1"), TypeError, "priority must be an int, not str"
    )
    refused(
        one(destination_bucket=DEST, filter="docs/"),
        TypeError,
        "filter must be a ReplicationFilter, not str",
    )
    refused(
        one(destination_bucket=DEST, filter=ReplicationFilter(prefix="a\x7f")),
        InvalidArgument,
        "filter.prefix must not contain control characters: 'a\\x7f'",
    )
    refused(
        one(destination_bucket=DEST, filter=ReplicationFilter(prefix="p" * 1025)),
        InvalidArgument,
        "prefix is longer than 1024 bytes",
    )
    refused(
        one(destination_bucket=DEST, filter=ReplicationFilter(tags=[("a", "b")])),  # type: ignore[arg-type]
        TypeError,
        "filter.tags must be a mapping of str to str, not list",
    )
    refused(
        one(destination_bucket=DEST, storage_class=""),
        InvalidArgument,
        "storage_class must not be empty",
    )
    refused(one(destination_bucket=DEST, account=""), InvalidArgument, "account must not be empty")
    refused(
        one(destination_bucket=DEST, delete_marker_replication=None),
        TypeError,
        "delete_marker_replication must be a bool, not NoneType",
    )
    refused(
        one(destination_bucket=DEST, existing_object_replication="Enabled"),
        TypeError,
        "existing_object_replication must be a bool, not str",
    )
    refused(
        one(
            destination_bucket=DEST,
            filter=ReplicationFilter(tags={"a": "b"}),
            delete_marker_replication=True,
        ),
        InvalidArgument,
        "delete_marker_replication cannot be used with a tag filter (S3 refuses it)",
    )


def test_what_is_accepted_at_the_edges() -> None:
    # An empty role (MinIO's own replication has none), priority 0, a prefix-only filter with
    # delete markers, every optional value.
    ReplicationConfig(
        "",
        [
            ReplicationRule(
                DEST,
                id="r" * 255,
                enabled=False,
                priority=0,
                filter=ReplicationFilter(prefix="p" * 1024),
                storage_class="GLACIER",
                account="123456789012",
                delete_marker_replication=True,
                existing_object_replication=False,
            ),
            ReplicationRule(DEST, filter=ReplicationFilter(tags={"a": "b"})),
        ],
    ).validate()
    ReplicationConfig(ROLE, [ReplicationRule(DEST)] * 1000).validate()


def test_config_refusals_exact_messages() -> None:
    rule = ReplicationRule(DEST)
    refused(ReplicationConfig(None, [rule]), TypeError, "role must be a str, not NoneType")  # type: ignore[arg-type]
    refused(
        ReplicationConfig("r" * 70, [rule]),
        InvalidArgument,
        f"role must be an IAM role ARN: {'r' * 64!r}",
    )
    refused(
        ReplicationConfig(ROLE, rule),  # type: ignore[arg-type]
        TypeError,
        "rules must be a list or tuple, not ReplicationRule",
    )
    refused(
        ReplicationConfig(ROLE, []), InvalidArgument, "rules: 1 to 1000 replication rules, got 0"
    )
    refused(
        ReplicationConfig(ROLE, [rule] * 1001),
        InvalidArgument,
        "rules: 1 to 1000 replication rules, got 1001",
    )
    refused(
        ReplicationConfig(ROLE, [DEST]),  # type: ignore[list-item]
        TypeError,
        "rules[] must be a ReplicationRule, not str",
    )
    refused(
        ReplicationConfig(ROLE, [ReplicationRule(DEST, id="a")] * 2),
        InvalidArgument,
        "rules: two rules have the same id",
    )
    refused(
        ReplicationConfig(ROLE, [ReplicationRule(DEST, priority=0)] * 2),
        InvalidArgument,
        "rules: two replication rules have the same priority",
    )


def doc(rule: str) -> bytes:
    return f"<ReplicationConfiguration><Rule>{rule}</Rule></ReplicationConfiguration>".encode()


DESTINATION = "<Destination><Bucket>arn:aws:s3:::d</Bucket></Destination>"


def parse_refused(body: bytes, message: str) -> None:
    with pytest.raises(InvalidResponseError) as info:
        ReplicationConfig.from_xml(body)
    assert str(info.value) == message


def test_malformed_answers_exact_messages() -> None:
    parse_refused(doc("<Status>Enabled</Status>"), "a replication rule without a <Destination>")
    parse_refused(
        doc(f"<Status>On</Status>{DESTINATION}"),
        "the server sent a replication rule with status 'On'",
    )
    parse_refused(
        doc(
            f"<Status>Enabled</Status><DeleteMarkerReplication><Status>on</Status>"
            f"</DeleteMarkerReplication>{DESTINATION}"
        ),
        "the server sent a delete marker replication with status 'on'",
    )
    parse_refused(
        doc(
            f"<Status>Enabled</Status><ExistingObjectReplication><Status/>"
            f"</ExistingObjectReplication>{DESTINATION}"
        ),
        "the server sent a existing object replication with status ''",
    )
    parse_refused(
        doc("<Status>Enabled</Status><Destination><Bucket/></Destination>"),
        "<Destination> without the <Bucket> it must have",
    )


def test_an_answer_with_every_optional_element_absent_or_empty() -> None:
    assert ReplicationConfig.from_xml(
        doc(f"<ID/><Status>Disabled</Status>{DESTINATION}")
    ) == ReplicationConfig("", (ReplicationRule("arn:aws:s3:::d", enabled=False),))
    assert ReplicationConfig.from_xml(
        b"<ReplicationConfiguration><Role/><Rule><Status>Enabled</Status><Prefix>old/</Prefix>"
        b"<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>"
        b"<ExistingObjectReplication><Status>Disabled</Status></ExistingObjectReplication>"
        b"<Destination><Bucket>arn:aws:s3:::d</Bucket><Account/><StorageClass/></Destination>"
        b"</Rule></ReplicationConfiguration>"
    ) == ReplicationConfig(
        "",
        (
            ReplicationRule(
                "arn:aws:s3:::d",
                filter=ReplicationFilter(prefix="old/"),
                storage_class="",
                account="",
                delete_marker_replication=True,
                existing_object_replication=False,
            ),
        ),
    )

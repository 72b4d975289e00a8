"""Replication configurations in detail: the exact refusals of every value (quotes cut at 64
characters), the limits on both sides (1000 rules, priority 0, an empty role), and the exact
refusals of malformed answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiominio import LifecycleFilter
from aiominio.core.replication import ReplicationConfig, ReplicationFilter, ReplicationRule
from aiominio.errors import InvalidArgument, InvalidResponseError
from tests.unit.core.rule_documents import NS, XML_TEXT, compact

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


AWS_ROLE = "arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3"


AWS_REPLICATION = ReplicationConfig(
    role=AWS_ROLE,
    rules=[
        ReplicationRule(
            "arn:aws:s3:::exampletargetbucket",
            id="rule1",
            priority=1,
            filter=ReplicationFilter(prefix="TaxDocs", tags={"key1": "value1"}),
        ),
        ReplicationRule(
            "arn:aws:s3:::exampletargetbucket",
            id="rule2",
            enabled=False,
            priority=2,
            storage_class="STANDARD_IA",
            account="123456789012",
            delete_marker_replication=True,
            existing_object_replication=True,
        ),
    ],
)


def test_replication_document() -> None:
    AWS_REPLICATION.validate()
    assert AWS_REPLICATION.to_xml() == compact(f"""
        <ReplicationConfiguration{NS}>
          <Role>{AWS_ROLE}</Role>
          <Rule>
            <ID>rule1</ID>
            <Status>Enabled</Status>
            <Priority>1</Priority>
            <DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>
            <Filter><And>
              <Prefix>TaxDocs</Prefix><Tag><Key>key1</Key><Value>value1</Value></Tag>
            </And></Filter>
            <Destination><Bucket>arn:aws:s3:::exampletargetbucket</Bucket></Destination>
          </Rule>
          <Rule>
            <ID>rule2</ID>
            <Status>Disabled</Status>
            <Priority>2</Priority>
            <DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>
            <Filter />
            <ExistingObjectReplication><Status>Enabled</Status></ExistingObjectReplication>
            <Destination>
              <Bucket>arn:aws:s3:::exampletargetbucket</Bucket>
              <Account>123456789012</Account>
              <StorageClass>STANDARD_IA</StorageClass>
            </Destination>
          </Rule>
        </ReplicationConfiguration>""")
    assert ReplicationConfig.from_xml(AWS_REPLICATION.to_xml()) == AWS_REPLICATION


def test_parse_the_aws_example_replication_answer() -> None:
    body = f"""<ReplicationConfiguration{NS}>
  <Role>{AWS_ROLE}</Role>
  <Rule>
    <ID>rule1</ID>
    <Status>Enabled</Status>
    <Priority>1</Priority>
    <DeleteMarkerReplication>
       <Status>Disabled</Status>
    </DeleteMarkerReplication>
    <Filter>
       <And>
           <Prefix>TaxDocs</Prefix>
           <Tag>
             <Key>key1</Key>
             <Value>value1</Value>
           </Tag>
       </And>
    </Filter>
    <Destination>
      <Bucket>arn:aws:s3:::exampletargetbucket</Bucket>
    </Destination>
  </Rule>
</ReplicationConfiguration>""".encode()
    assert ReplicationConfig.from_xml(body) == ReplicationConfig(
        role=AWS_ROLE, rules=AWS_REPLICATION.rules[:1]
    )
    no_destination = f"<ReplicationConfiguration{NS}><Rule><Status>Enabled</Status></Rule>"
    with pytest.raises(InvalidResponseError):
        ReplicationConfig.from_xml(f"{no_destination}</ReplicationConfiguration>".encode())


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (ReplicationConfig(AWS_ROLE, []), InvalidArgument, "1 to 1000"),
        (ReplicationConfig("role/x", [ReplicationRule(DEST)]), InvalidArgument, "role"),
        (ReplicationConfig(AWS_ROLE, [ReplicationRule("dest")]), InvalidArgument, "ARN"),
        (
            ReplicationConfig(AWS_ROLE, [ReplicationRule(DEST, priority=-1)]),
            InvalidArgument,
            "priority",
        ),
        (
            ReplicationConfig(AWS_ROLE, [ReplicationRule(DEST, priority=1)] * 2),
            InvalidArgument,
            "same priority",
        ),
        (
            ReplicationConfig(AWS_ROLE, [ReplicationRule(DEST, id="r")] * 2),
            InvalidArgument,
            "same id",
        ),
        (
            ReplicationConfig(
                AWS_ROLE,
                [
                    ReplicationRule(
                        DEST,
                        filter=ReplicationFilter(tags={"a": "b"}),
                        delete_marker_replication=True,
                    )
                ],
            ),
            InvalidArgument,
            "tag filter",
        ),
        (
            ReplicationConfig(AWS_ROLE, [ReplicationRule(DEST, storage_class="")]),
            InvalidArgument,
            "storage_class",
        ),
        (
            ReplicationConfig(AWS_ROLE, [ReplicationRule(DEST, filter=LifecycleFilter())]),  # type: ignore[arg-type]
            TypeError,
            "ReplicationFilter",
        ),
        (ReplicationConfig(None, [ReplicationRule(DEST)]), TypeError, "role"),  # type: ignore[arg-type]
        (ReplicationConfig(AWS_ROLE, [DEST]), TypeError, "ReplicationRule"),  # type: ignore[list-item]
    ],
)
def test_replication_rules_are_checked(
    config: ReplicationConfig, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        config.validate()


@settings(max_examples=100)
@given(
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=10),
    st.lists(
        st.builds(
            ReplicationRule,
            destination_bucket=XML_TEXT,
            id=st.none() | XML_TEXT,
            enabled=st.booleans(),
            priority=st.none() | st.integers(0, 1000),
            filter=st.builds(
                ReplicationFilter,
                prefix=st.none() | XML_TEXT,
                tags=st.dictionaries(XML_TEXT, XML_TEXT, max_size=2),
            ),
            storage_class=st.none() | XML_TEXT,
            account=st.none() | XML_TEXT,
            delete_marker_replication=st.booleans(),
            existing_object_replication=st.none() | st.booleans(),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_replication_xml_round_trips(role: str, rules: list[ReplicationRule]) -> None:
    config = ReplicationConfig(role, rules)
    assert ReplicationConfig.from_xml(config.to_xml()) == config

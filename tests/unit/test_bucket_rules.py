"""Lifecycle, bucket encryption, CORS and replication documents: the exact XML built for the
configurations of the AWS documentation's examples, the parse of its example answers, S3's
rules checked before sending, and round trips (property tests)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiominio import (
    CorsConfig,
    CorsRule,
    Expiration,
    InvalidArgument,
    InvalidResponseError,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    NoncurrentVersionExpiration,
    NoncurrentVersionTransition,
    ReplicationConfig,
    ReplicationFilter,
    ReplicationRule,
    SseConfig,
    SseRule,
    Transition,
)
from aiominio.errors import S3Error
from aiominio.ops import bucketrules
from aiominio.transport import Response
from tests.unit.test_ops_offline import FakeRequester, as_requester

NS = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
UTC = timezone.utc


def compact(xml: str) -> bytes:
    """The document written over several lines, without the indentation between elements."""
    return "".join(line.strip() for line in xml.splitlines()).encode()


# -- lifecycle ---------------------------------------------------------------------------------


def test_lifecycle_document_of_the_aws_example() -> None:
    # PutBucketLifecycleConfiguration's example: an archive rule with prefix and two tags, and a
    # log rule that expires after ten years.
    config = LifecycleConfig(
        rules=[
            LifecycleRule(
                id="id1",
                filter=LifecycleFilter(
                    prefix="documents/", tags={"key1": "value1", "key2": "value2"}
                ),
                transitions=[Transition("GLACIER", days=365)],
            ),
            LifecycleRule(
                id="id2",
                filter=LifecycleFilter(prefix="logs/"),
                expiration=Expiration(days=3650),
            ),
        ]
    )
    config.validate()
    assert config.to_xml() == compact(f"""
        <LifecycleConfiguration{NS}>
          <Rule>
            <ID>id1</ID>
            <Filter><And>
              <Prefix>documents/</Prefix>
              <Tag><Key>key1</Key><Value>value1</Value></Tag>
              <Tag><Key>key2</Key><Value>value2</Value></Tag>
            </And></Filter>
            <Status>Enabled</Status>
            <Transition><Days>365</Days><StorageClass>GLACIER</StorageClass></Transition>
          </Rule>
          <Rule>
            <ID>id2</ID>
            <Filter><Prefix>logs/</Prefix></Filter>
            <Status>Enabled</Status>
            <Expiration><Days>3650</Days></Expiration>
          </Rule>
        </LifecycleConfiguration>""")


def test_lifecycle_document_with_every_action() -> None:
    config = LifecycleConfig(
        rules=[
            LifecycleRule(
                id="all",
                enabled=False,
                filter=LifecycleFilter(object_size_greater_than=500, object_size_less_than=64000),
                expiration=Expiration(date=datetime(2031, 1, 1, tzinfo=UTC)),
                transitions=[Transition("STANDARD_IA", date=datetime(2030, 6, 1, tzinfo=UTC))],
                noncurrent_version_expiration=NoncurrentVersionExpiration(
                    30, newer_noncurrent_versions=5
                ),
                noncurrent_version_transitions=[
                    NoncurrentVersionTransition(10, "GLACIER", newer_noncurrent_versions=2)
                ],
                abort_incomplete_multipart_upload_days=7,
            ),
            LifecycleRule(filter=LifecycleFilter(tags={"temp": "yes"}), expiration=Expiration(1)),
            LifecycleRule(expiration=Expiration(expired_object_delete_marker=True)),
        ]
    )
    config.validate()
    assert config.to_xml() == compact(f"""
        <LifecycleConfiguration{NS}>
          <Rule>
            <ID>all</ID>
            <Filter><And>
              <ObjectSizeGreaterThan>500</ObjectSizeGreaterThan>
              <ObjectSizeLessThan>64000</ObjectSizeLessThan>
            </And></Filter>
            <Status>Disabled</Status>
            <Transition>
              <Date>2030-06-01T00:00:00Z</Date><StorageClass>STANDARD_IA</StorageClass>
            </Transition>
            <Expiration><Date>2031-01-01T00:00:00Z</Date></Expiration>
            <NoncurrentVersionTransition>
              <NoncurrentDays>10</NoncurrentDays><StorageClass>GLACIER</StorageClass>
              <NewerNoncurrentVersions>2</NewerNoncurrentVersions>
            </NoncurrentVersionTransition>
            <NoncurrentVersionExpiration>
              <NoncurrentDays>30</NoncurrentDays>
              <NewerNoncurrentVersions>5</NewerNoncurrentVersions>
            </NoncurrentVersionExpiration>
            <AbortIncompleteMultipartUpload>
              <DaysAfterInitiation>7</DaysAfterInitiation>
            </AbortIncompleteMultipartUpload>
          </Rule>
          <Rule>
            <Filter><Tag><Key>temp</Key><Value>yes</Value></Tag></Filter>
            <Status>Enabled</Status>
            <Expiration><Days>1</Days></Expiration>
          </Rule>
          <Rule>
            <Filter />
            <Status>Enabled</Status>
            <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
          </Rule>
        </LifecycleConfiguration>""")


def test_parse_the_aws_example_lifecycle_answer() -> None:
    # GetBucketLifecycleConfiguration's example answer, indented as AWS shows it.
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<LifecycleConfiguration{NS}>
  <Rule>
    <ID>id1</ID>
    <Filter>
      <Prefix>documents/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <Transition>
      <Days>30</Days>
      <StorageClass>GLACIER</StorageClass>
    </Transition>
  </Rule>
  <Rule>
    <ID>id2</ID>
    <Filter>
      <Prefix>logs/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <Expiration>
      <Days>365</Days>
    </Expiration>
  </Rule>
</LifecycleConfiguration>""".encode()
    assert LifecycleConfig.from_xml(body) == LifecycleConfig(
        rules=(
            LifecycleRule(
                id="id1",
                filter=LifecycleFilter(prefix="documents/"),
                transitions=(Transition("GLACIER", days=30),),
            ),
            LifecycleRule(
                id="id2", filter=LifecycleFilter(prefix="logs/"), expiration=Expiration(days=365)
            ),
        )
    )


def test_parse_the_older_rule_prefix_and_a_date() -> None:
    body = f"""<LifecycleConfiguration{NS}><Rule><ID>old</ID><Prefix>tmp/</Prefix>
        <Status>Disabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration>
        </Rule></LifecycleConfiguration>""".encode()
    (rule,) = LifecycleConfig.from_xml(body).rules
    assert rule.filter == LifecycleFilter(prefix="tmp/")
    assert rule.enabled is False
    assert rule.expiration == Expiration(date=datetime(2030, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "body",
    [
        b"<Tagging><TagSet/></Tagging>",
        f"<LifecycleConfiguration{NS}><Rule><Status>On</Status></Rule></LifecycleConfiguration>",
        f"<LifecycleConfiguration{NS}><Rule><Status>Enabled</Status>"
        "<Expiration><Days>-3</Days></Expiration></Rule></LifecycleConfiguration>",
        f"<LifecycleConfiguration{NS}><Rule><Status>Enabled</Status><Filter><And>"
        "<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag>"
        "</And></Filter></Rule></LifecycleConfiguration>",
        b"<LifecycleConfiguration><Rule>",
    ],
)
def test_malformed_lifecycle_answers_are_refused(body: str | bytes) -> None:
    raw = body.encode() if isinstance(body, str) else body
    with pytest.raises(InvalidResponseError):
        LifecycleConfig.from_xml(raw)


MIDNIGHT = datetime(2030, 1, 1, tzinfo=UTC)
ONE = [LifecycleRule(expiration=Expiration(days=1))]


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (LifecycleConfig(rules=[]), InvalidArgument, "1 to 1000"),
        (LifecycleConfig(rules=ONE * 1001), InvalidArgument, "1 to 1000"),
        (
            LifecycleConfig(rules=[LifecycleRule(id="x" * 256, expiration=Expiration(1))]),
            InvalidArgument,
            "rule id",
        ),
        (LifecycleConfig(rules=[LifecycleRule(id="")]), InvalidArgument, "rule id"),
        (
            LifecycleConfig(rules=[LifecycleRule(id="a", expiration=Expiration(1))] * 2),
            InvalidArgument,
            "same id",
        ),
        (LifecycleConfig(rules=[LifecycleRule(id="a")]), InvalidArgument, "no action"),
        (
            LifecycleConfig(rules=[LifecycleRule(expiration=Expiration(days=0))]),
            InvalidArgument,
            "expiration.days",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(expiration=Expiration())]),
            InvalidArgument,
            "exactly one",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(expiration=Expiration(1, date=MIDNIGHT))]),
            InvalidArgument,
            "exactly one",
        ),
        (
            LifecycleConfig(
                rules=[LifecycleRule(expiration=Expiration(1, expired_object_delete_marker=True))]
            ),
            InvalidArgument,
            "exactly one",
        ),
        (
            LifecycleConfig(
                rules=[LifecycleRule(expiration=Expiration(date=MIDNIGHT + timedelta(hours=1)))]
            ),
            InvalidArgument,
            "midnight",
        ),
        (
            LifecycleConfig(
                rules=[LifecycleRule(expiration=Expiration(date=datetime(2030, 1, 1)))]
            ),
            InvalidArgument,
            "UTC",
        ),
        (
            LifecycleConfig(
                rules=[
                    LifecycleRule(
                        expiration=Expiration(
                            date=datetime(2030, 1, 1, tzinfo=timezone(timedelta(hours=2)))
                        )
                    )
                ]
            ),
            InvalidArgument,
            "UTC",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(transitions=[Transition("GLACIER")])]),
            InvalidArgument,
            "exactly one of days and date",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(transitions=[Transition("", days=3)])]),
            InvalidArgument,
            "storage_class",
        ),
        (
            LifecycleConfig(
                rules=[LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(0))]
            ),
            InvalidArgument,
            "noncurrent_days",
        ),
        (
            LifecycleConfig(
                rules=[
                    LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(1, 101))
                ]
            ),
            InvalidArgument,
            "newer_noncurrent_versions",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(abort_incomplete_multipart_upload_days=0)]),
            InvalidArgument,
            "abort_incomplete",
        ),
        (
            LifecycleConfig(
                rules=[
                    LifecycleRule(
                        filter=LifecycleFilter(tags={"a": "b"}),
                        abort_incomplete_multipart_upload_days=1,
                    )
                ]
            ),
            InvalidArgument,
            "tag filter",
        ),
        (
            LifecycleConfig(
                rules=[
                    LifecycleRule(
                        filter=LifecycleFilter(
                            object_size_greater_than=10, object_size_less_than=10
                        ),
                        expiration=Expiration(1),
                    )
                ]
            ),
            InvalidArgument,
            "below",
        ),
        (
            LifecycleConfig(
                rules=[
                    LifecycleRule(filter=LifecycleFilter(prefix="a\nb"), expiration=Expiration(1))
                ]
            ),
            InvalidArgument,
            "control",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(expiration=Expiration(days=1.5))]),  # type: ignore[arg-type]
            TypeError,
            "expiration.days",
        ),
        (
            LifecycleConfig(rules=[LifecycleRule(enabled="yes", expiration=Expiration(1))]),  # type: ignore[arg-type]
            TypeError,
            "enabled",
        ),
        (LifecycleConfig(rules=[{"id": "x"}]), TypeError, "LifecycleRule"),  # type: ignore[list-item]
        (LifecycleConfig(rules="rule"), TypeError, "rules"),  # type: ignore[arg-type]
    ],
)
def test_lifecycle_rules_of_s3_are_checked(
    config: LifecycleConfig, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        config.validate()


def test_the_largest_lifecycle_configuration_is_accepted() -> None:
    rules = [LifecycleRule(id=f"{i:0255d}", expiration=Expiration(1)) for i in range(1000)]
    LifecycleConfig(rules=rules).validate()


# XML 1.0 text: no controls, surrogates or non-characters.
XML_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=20)
DATES = st.dates(min_value=datetime(1970, 1, 1).date(), max_value=datetime(9999, 1, 1).date())
MIDNIGHTS = DATES.map(lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC))
DAYS = st.integers(1, 100_000)
OPTIONAL = st.none() | DAYS


def _filters() -> st.SearchStrategy[LifecycleFilter]:
    return st.builds(
        LifecycleFilter,
        prefix=st.none() | st.just("") | XML_TEXT,
        tags=st.dictionaries(XML_TEXT, st.just("") | XML_TEXT, max_size=3),
        object_size_greater_than=OPTIONAL,
        object_size_less_than=OPTIONAL,
    )


def _expirations() -> st.SearchStrategy[Expiration]:
    return st.one_of(
        st.builds(Expiration, days=DAYS),
        st.builds(Expiration, date=MIDNIGHTS),
        st.just(Expiration(expired_object_delete_marker=True)),
    )


LIFECYCLE_RULES = st.builds(
    LifecycleRule,
    id=st.none() | XML_TEXT,
    enabled=st.booleans(),
    filter=_filters(),
    expiration=st.none() | _expirations(),
    transitions=st.lists(
        st.builds(Transition, storage_class=XML_TEXT, days=DAYS)
        | st.builds(Transition, storage_class=XML_TEXT, date=MIDNIGHTS),
        max_size=2,
    ),
    noncurrent_version_expiration=st.none()
    | st.builds(
        NoncurrentVersionExpiration, noncurrent_days=DAYS, newer_noncurrent_versions=OPTIONAL
    ),
    noncurrent_version_transitions=st.lists(
        st.builds(
            NoncurrentVersionTransition,
            noncurrent_days=DAYS,
            storage_class=XML_TEXT,
            newer_noncurrent_versions=OPTIONAL,
        ),
        max_size=2,
    ),
    abort_incomplete_multipart_upload_days=OPTIONAL,
)


@settings(max_examples=200)
@given(st.lists(LIFECYCLE_RULES, min_size=1, max_size=4))
def test_lifecycle_xml_round_trips(rules: list[LifecycleRule]) -> None:
    config = LifecycleConfig(rules=rules)
    assert LifecycleConfig.from_xml(config.to_xml()) == config


# -- bucket encryption -------------------------------------------------------------------------


def test_encryption_documents() -> None:
    assert SseConfig.sse_s3().to_xml() == compact(f"""
        <ServerSideEncryptionConfiguration{NS}><Rule>
          <ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>
          </ApplyServerSideEncryptionByDefault>
        </Rule></ServerSideEncryptionConfiguration>""")
    kms = SseConfig.sse_kms("arn:aws:kms:us-east-1:1234/5678example", bucket_key_enabled=True)
    kms.validate()
    assert kms.to_xml() == compact(f"""
        <ServerSideEncryptionConfiguration{NS}><Rule>
          <ApplyServerSideEncryptionByDefault>
            <SSEAlgorithm>aws:kms</SSEAlgorithm>
            <KMSMasterKeyID>arn:aws:kms:us-east-1:1234/5678example</KMSMasterKeyID>
          </ApplyServerSideEncryptionByDefault>
          <BucketKeyEnabled>true</BucketKeyEnabled>
        </Rule></ServerSideEncryptionConfiguration>""")
    assert SseConfig.from_xml(kms.to_xml()) == kms
    assert SseConfig.from_xml(SseConfig.sse_kms().to_xml()).rule == SseRule("aws:kms")


def test_parse_the_aws_example_encryption_answer() -> None:
    body = f"""<ServerSideEncryptionConfiguration{NS}>
  <Rule>
    <ApplyServerSideEncryptionByDefault>
      <SSEAlgorithm>aws:kms</SSEAlgorithm>
      <KMSMasterKeyID>arn:aws:kms:us-east-1:1234/5678example</KMSMasterKeyID>
    </ApplyServerSideEncryptionByDefault>
  </Rule>
</ServerSideEncryptionConfiguration>""".encode()
    config = SseConfig.from_xml(body)
    assert config.rule == SseRule("aws:kms", "arn:aws:kms:us-east-1:1234/5678example")
    for bad in (
        f"<ServerSideEncryptionConfiguration{NS}/>",
        f"<ServerSideEncryptionConfiguration{NS}><Rule/></ServerSideEncryptionConfiguration>",
        f"<ServerSideEncryptionConfiguration{NS}><Rule><ApplyServerSideEncryptionByDefault/>"
        "</Rule></ServerSideEncryptionConfiguration>",
    ):
        with pytest.raises(InvalidResponseError):
            SseConfig.from_xml(bad.encode())


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (SseConfig(rules=[]), InvalidArgument, "exactly one"),
        (SseConfig(rules=[SseRule("AES256")] * 2), InvalidArgument, "exactly one"),
        (SseConfig(rules=[SseRule("aes256")]), InvalidArgument, "algorithm"),
        (SseConfig(rules=[SseRule("AES256", "key")]), InvalidArgument, "kms_key_id"),
        (SseConfig(rules=[SseRule("aws:kms", "")]), InvalidArgument, "kms_key_id"),
        (SseConfig(rules=[SseRule("aws:kms", bucket_key_enabled=1)]), TypeError, "bucket_key"),  # type: ignore[arg-type]
        (SseConfig(rules=["AES256"]), TypeError, "SseRule"),  # type: ignore[list-item]
    ],
)
def test_encryption_rules_are_checked(
    config: SseConfig, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        config.validate()


# -- CORS --------------------------------------------------------------------------------------

AWS_CORS = CorsConfig(
    rules=[
        CorsRule(
            allowed_methods=["PUT", "POST", "DELETE"],
            allowed_origins=["http://www.example.com"],
            allowed_headers=["*"],
            expose_headers=["x-amz-server-side-encryption"],
            max_age_seconds=3000,
        ),
        CorsRule(allowed_methods=["GET"], allowed_origins=["*"], id="public-read"),
    ]
)


def test_cors_document_of_the_aws_example() -> None:
    AWS_CORS.validate()
    assert AWS_CORS.to_xml() == compact(f"""
        <CORSConfiguration{NS}>
          <CORSRule>
            <AllowedHeader>*</AllowedHeader>
            <AllowedMethod>PUT</AllowedMethod>
            <AllowedMethod>POST</AllowedMethod>
            <AllowedMethod>DELETE</AllowedMethod>
            <AllowedOrigin>http://www.example.com</AllowedOrigin>
            <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
            <MaxAgeSeconds>3000</MaxAgeSeconds>
          </CORSRule>
          <CORSRule>
            <ID>public-read</ID>
            <AllowedMethod>GET</AllowedMethod>
            <AllowedOrigin>*</AllowedOrigin>
          </CORSRule>
        </CORSConfiguration>""")


def test_parse_the_aws_example_cors_answer() -> None:
    # The elements in AWS's answer order (origin first), which the parser must not mind.
    body = f"""<CORSConfiguration{NS}>
  <CORSRule>
    <AllowedOrigin>http://www.example.com</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
    <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <ID>public-read</ID>
  </CORSRule>
</CORSConfiguration>""".encode()
    assert CorsConfig.from_xml(body) == AWS_CORS


GET = ["GET"]
ANY = ["*"]


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (CorsConfig(rules=[]), InvalidArgument, "1 to 100"),
        (CorsConfig(rules=[CorsRule(GET, ANY)] * 101), InvalidArgument, "1 to 100"),
        (CorsConfig(rules=[CorsRule([], ANY)]), InvalidArgument, "allowed_methods"),
        (CorsConfig(rules=[CorsRule(["PATCH"], ANY)]), InvalidArgument, "allowed_methods"),
        (CorsConfig(rules=[CorsRule(["get"], ANY)]), InvalidArgument, "allowed_methods"),
        (CorsConfig(rules=[CorsRule(GET, [])]), InvalidArgument, "allowed_origins"),
        (CorsConfig(rules=[CorsRule(GET, ["*.*.com"])]), InvalidArgument, "allowed_origins"),
        (CorsConfig(rules=[CorsRule(GET, ANY, ["x-*-*"])]), InvalidArgument, "allowed_headers"),
        (CorsConfig(rules=[CorsRule(GET, ["a\nb"])]), InvalidArgument, "control"),
        (CorsConfig(rules=[CorsRule(GET, ANY, max_age_seconds=-1)]), InvalidArgument, "max_age"),
        (CorsConfig(rules=[CorsRule(GET, ANY, id="a")] * 2), InvalidArgument, "same id"),
        (CorsConfig(rules=[CorsRule(GET, ANY, id="i" * 256)]), InvalidArgument, "rule id"),
        (CorsConfig(rules=[CorsRule("GET", ANY)]), TypeError, "allowed_methods"),  # type: ignore[arg-type]
        (CorsConfig(rules=[CorsRule(GET, ANY, max_age_seconds="1")]), TypeError, "max_age"),  # type: ignore[arg-type]
        (CorsConfig(rules=[GET]), TypeError, "CorsRule"),  # type: ignore[list-item]
    ],
)
def test_cors_rules_are_checked(config: CorsConfig, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        config.validate()


@settings(max_examples=100)
@given(
    st.lists(
        st.builds(
            CorsRule,
            allowed_methods=st.lists(st.sampled_from(["GET", "PUT", "HEAD", "POST"]), min_size=1),
            allowed_origins=st.lists(XML_TEXT, min_size=1, max_size=3),
            allowed_headers=st.lists(XML_TEXT, max_size=3),
            expose_headers=st.lists(XML_TEXT, max_size=3),
            max_age_seconds=st.none() | st.integers(0, 10**6),
            id=st.none() | XML_TEXT,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_cors_xml_round_trips(rules: list[CorsRule]) -> None:
    config = CorsConfig(rules=rules)
    assert CorsConfig.from_xml(config.to_xml()) == config


# -- replication -------------------------------------------------------------------------------

ROLE = "arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3"
AWS_REPLICATION = ReplicationConfig(
    role=ROLE,
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
          <Role>{ROLE}</Role>
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
  <Role>{ROLE}</Role>
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
        role=ROLE, rules=AWS_REPLICATION.rules[:1]
    )
    no_destination = f"<ReplicationConfiguration{NS}><Rule><Status>Enabled</Status></Rule>"
    with pytest.raises(InvalidResponseError):
        ReplicationConfig.from_xml(f"{no_destination}</ReplicationConfiguration>".encode())


DEST = "arn:aws:s3:::dest"


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (ReplicationConfig(ROLE, []), InvalidArgument, "1 to 1000"),
        (ReplicationConfig("role/x", [ReplicationRule(DEST)]), InvalidArgument, "role"),
        (ReplicationConfig(ROLE, [ReplicationRule("dest")]), InvalidArgument, "ARN"),
        (
            ReplicationConfig(ROLE, [ReplicationRule(DEST, priority=-1)]),
            InvalidArgument,
            "priority",
        ),
        (
            ReplicationConfig(ROLE, [ReplicationRule(DEST, priority=1)] * 2),
            InvalidArgument,
            "same priority",
        ),
        (ReplicationConfig(ROLE, [ReplicationRule(DEST, id="r")] * 2), InvalidArgument, "same id"),
        (
            ReplicationConfig(
                ROLE,
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
            ReplicationConfig(ROLE, [ReplicationRule(DEST, storage_class="")]),
            InvalidArgument,
            "storage_class",
        ),
        (
            ReplicationConfig(ROLE, [ReplicationRule(DEST, filter=LifecycleFilter())]),  # type: ignore[arg-type]
            TypeError,
            "ReplicationFilter",
        ),
        (ReplicationConfig(None, [ReplicationRule(DEST)]), TypeError, "role"),  # type: ignore[arg-type]
        (ReplicationConfig(ROLE, [DEST]), TypeError, "ReplicationRule"),  # type: ignore[list-item]
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


def test_configs_are_frozen() -> None:
    config: Any = LifecycleConfig(rules=ONE)
    with pytest.raises(AttributeError):
        config.rules = ()


# -- what the operations send ------------------------------------------------------------------


class MissingConfigRequester(FakeRequester):
    """Answers every GET with the S3 error ``code`` (the bucket has no such configuration)."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        if method == "GET":
            raise S3Error(self.code, "none", status=404, bucket=bucket)
        return await super().execute(method, bucket, key, **kwargs)


DOCUMENTS: list[tuple[str, Any, str]] = [
    ("lifecycle", LifecycleConfig(rules=ONE), "NoSuchLifecycleConfiguration"),
    ("encryption", SseConfig.sse_s3(), "ServerSideEncryptionConfigurationNotFoundError"),
    ("cors", AWS_CORS, "NoSuchCORSConfiguration"),
    ("replication", AWS_REPLICATION, "ReplicationConfigurationNotFoundError"),
]


@pytest.mark.parametrize(("name", "config", "missing"), DOCUMENTS)
async def test_operations_send_the_document_with_its_md5(
    name: str, config: Any, missing: str
) -> None:
    fake = MissingConfigRequester(missing)
    req = as_requester(fake)
    await getattr(bucketrules, f"set_{name}")(req, "b", config=config)
    assert await getattr(bucketrules, f"get_{name}")(req, "b") is None
    await getattr(bucketrules, f"delete_{name}")(req, "b")
    put, delete = fake.calls
    body = config.to_xml()
    assert (put["method"], put["bucket"], put["query"], put["body"]) == (
        "PUT",
        "b",
        ((name, ""),),
        body,
    )
    assert put["headers"] == {
        "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
        "Content-Type": "application/xml",
    }
    assert (delete["method"], delete["query"]) == ("DELETE", ((name, ""),))


@pytest.mark.parametrize(("name", "config", "missing"), DOCUMENTS)
async def test_other_errors_are_not_read_as_no_configuration(
    name: str, config: Any, missing: str
) -> None:
    with pytest.raises(S3Error) as info:
        await getattr(bucketrules, f"get_{name}")(
            as_requester(MissingConfigRequester("NoSuchBucket")), "b"
        )
    assert info.value.code == "NoSuchBucket"


# -- hostile and odd answers -------------------------------------------------------------------

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

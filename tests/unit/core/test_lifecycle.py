"""Lifecycle configurations in detail: the exact refusal of every value, the limits on both
sides (sizes, days, newer noncurrent versions), and dates read in UTC whatever the machine's
time zone."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiominio.core.lifecycle import (
    Expiration,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    NoncurrentVersionExpiration,
    NoncurrentVersionTransition,
    Transition,
)
from aiominio.errors import InvalidArgument, InvalidResponseError
from tests.unit.core.rule_documents import NS, XML_TEXT, compact

UTC = timezone.utc
MIDNIGHT = datetime(2030, 1, 1, tzinfo=UTC)
EXPIRE = Expiration(days=1)


def refused(rule: LifecycleRule, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        LifecycleConfig(rules=[rule]).validate()
    assert str(info.value) == message


def accepted(rule: LifecycleRule) -> None:
    LifecycleConfig(rules=[rule]).validate()


def test_filter_refusals_and_bounds() -> None:
    refused(
        LifecycleRule(filter=LifecycleFilter(prefix="a\x00"), expiration=EXPIRE),
        InvalidArgument,
        "filter.prefix must not contain control characters: 'a\\x00'",
    )
    refused(
        LifecycleRule(filter=LifecycleFilter(tags=(("a", "b"),)), expiration=EXPIRE),  # type: ignore[arg-type]
        TypeError,
        "filter.tags must be a mapping of str to str, not tuple",
    )
    refused(
        LifecycleRule(filter=LifecycleFilter(object_size_greater_than=-1), expiration=EXPIRE),
        InvalidArgument,
        "filter.object_size_greater_than must be >= 0, got -1",
    )
    accepted(LifecycleRule(filter=LifecycleFilter(object_size_greater_than=0), expiration=EXPIRE))
    refused(
        LifecycleRule(filter=LifecycleFilter(object_size_less_than=0), expiration=EXPIRE),
        InvalidArgument,
        "filter.object_size_less_than must be >= 1, got 0",
    )
    accepted(LifecycleRule(filter=LifecycleFilter(object_size_less_than=1), expiration=EXPIRE))
    refused(
        LifecycleRule(
            filter=LifecycleFilter(object_size_greater_than=5, object_size_less_than=5),
            expiration=EXPIRE,
        ),
        InvalidArgument,
        "filter.object_size_greater_than must be below filter.object_size_less_than",
    )
    accepted(
        LifecycleRule(
            filter=LifecycleFilter(object_size_greater_than=4, object_size_less_than=5),
            expiration=EXPIRE,
        )
    )
    refused(
        LifecycleRule(filter="logs/", expiration=EXPIRE),  # type: ignore[arg-type]
        TypeError,
        "filter must be a LifecycleFilter, not str",
    )


def test_expiration_refusals() -> None:
    refused(
        LifecycleRule(expiration=Expiration(expired_object_delete_marker=1)),  # type: ignore[arg-type]
        TypeError,
        "expiration.expired_object_delete_marker must be a bool, not int",
    )
    refused(
        LifecycleRule(expiration=Expiration()),
        InvalidArgument,
        "expiration: give exactly one of days, date and expired_object_delete_marker",
    )
    refused(
        LifecycleRule(expiration=Expiration(days=0)),
        InvalidArgument,
        "expiration.days must be >= 1, got 0",
    )
    refused(
        LifecycleRule(expiration=Expiration(date="2030-01-01")),  # type: ignore[arg-type]
        TypeError,
        "expiration.date must be a datetime, not str",
    )
    refused(
        LifecycleRule(expiration=Expiration(date=datetime(2030, 1, 1, 0, 0, 0, 1, tzinfo=UTC))),
        InvalidArgument,
        "expiration.date must be at midnight UTC: 2030-01-01T00:00:00.000001+00:00",
    )
    refused(
        LifecycleRule(expiration=Expiration(date=datetime(2030, 1, 1))),
        InvalidArgument,
        "expiration.date must be a UTC datetime (tzinfo=timezone.utc): 2030-01-01 00:00:00",
    )
    refused(
        LifecycleRule(expiration="1"),  # type: ignore[arg-type]
        TypeError,
        "expiration must be a Expiration, not str",
    )


def test_transition_refusals_and_bounds() -> None:
    refused(
        LifecycleRule(transitions=[Transition("", days=1)]),
        InvalidArgument,
        "transition.storage_class must not be empty",
    )
    refused(
        LifecycleRule(transitions=[Transition("GLACIER")]),
        InvalidArgument,
        "transition: give exactly one of days and date",
    )
    refused(
        LifecycleRule(transitions=[Transition("GLACIER", days=1, date=MIDNIGHT)]),
        InvalidArgument,
        "transition: give exactly one of days and date",
    )
    refused(
        LifecycleRule(transitions=[Transition("GLACIER", days=-1)]),
        InvalidArgument,
        "transition.days must be >= 0, got -1",
    )
    accepted(LifecycleRule(transitions=[Transition("GLACIER", days=0)]))
    accepted(LifecycleRule(transitions=[Transition("GLACIER", date=MIDNIGHT)]))
    refused(
        LifecycleRule(
            transitions=[Transition("GLACIER", date=datetime(2030, 1, 1, 1, tzinfo=UTC))]
        ),
        InvalidArgument,
        "transition.date must be at midnight UTC: 2030-01-01T01:00:00+00:00",
    )
    refused(
        LifecycleRule(transitions=Transition("GLACIER", days=1)),  # type: ignore[arg-type]
        TypeError,
        "transitions must be a list or tuple, not Transition",
    )
    refused(
        LifecycleRule(transitions=["GLACIER"]),  # type: ignore[list-item]
        TypeError,
        "transitions[] must be a Transition, not str",
    )


def test_noncurrent_refusals_and_bounds() -> None:
    nve = "noncurrent_version_expiration"
    nvt = "noncurrent_version_transition"
    refused(
        LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(0)),
        InvalidArgument,
        f"{nve}.noncurrent_days must be >= 1, got 0",
    )
    accepted(LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(1)))
    for newer in (1, 100):
        accepted(LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(1, newer)))
        accepted(
            LifecycleRule(
                noncurrent_version_transitions=[NoncurrentVersionTransition(0, "GLACIER", newer)]
            )
        )
    refused(
        LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(1, 0)),
        InvalidArgument,
        f"{nve}.newer_noncurrent_versions must be >= 1, got 0",
    )
    refused(
        LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(1, 101)),
        InvalidArgument,
        f"{nve}.newer_noncurrent_versions must be at most 100",
    )
    refused(
        LifecycleRule(noncurrent_version_transitions=[NoncurrentVersionTransition(-1, "GLACIER")]),
        InvalidArgument,
        f"{nvt}.noncurrent_days must be >= 0, got -1",
    )
    refused(
        LifecycleRule(noncurrent_version_transitions=[NoncurrentVersionTransition(1, "")]),
        InvalidArgument,
        f"{nvt}.storage_class must not be empty",
    )
    refused(
        LifecycleRule(
            noncurrent_version_transitions=[NoncurrentVersionTransition(1, "GLACIER", 101)]
        ),
        InvalidArgument,
        f"{nvt}.newer_noncurrent_versions must be at most 100",
    )
    refused(
        LifecycleRule(
            noncurrent_version_transitions=[NoncurrentVersionTransition(1, "GLACIER", 0)]
        ),
        InvalidArgument,
        f"{nvt}.newer_noncurrent_versions must be >= 1, got 0",
    )
    refused(
        LifecycleRule(noncurrent_version_transitions="x"),  # type: ignore[arg-type]
        TypeError,
        "noncurrent_version_transitions must be a list or tuple, not str",
    )
    refused(
        LifecycleRule(noncurrent_version_transitions=[Transition("G", days=1)]),  # type: ignore[list-item]
        TypeError,
        "noncurrent_version_transitions[] must be a NoncurrentVersionTransition, not Transition",
    )
    refused(
        LifecycleRule(noncurrent_version_expiration=Expiration(1)),  # type: ignore[arg-type]
        TypeError,
        "noncurrent_version_expiration must be a NoncurrentVersionExpiration, not Expiration",
    )


def test_rule_refusals() -> None:
    refused(
        LifecycleRule(id="i" * 256, expiration=EXPIRE),
        InvalidArgument,
        "rule id must be at most 255 characters, got 256",
    )
    refused(
        LifecycleRule(enabled=None, expiration=EXPIRE),  # type: ignore[arg-type]
        TypeError,
        "enabled must be a bool, not NoneType",
    )
    refused(LifecycleRule(id="x"), InvalidArgument, "lifecycle rule 'x' has no action")
    refused(LifecycleRule(), InvalidArgument, "lifecycle rule None has no action")
    refused(
        LifecycleRule(abort_incomplete_multipart_upload_days=0),
        InvalidArgument,
        "abort_incomplete_multipart_upload_days must be >= 1, got 0",
    )
    accepted(LifecycleRule(abort_incomplete_multipart_upload_days=1))
    tagged = LifecycleFilter(tags={"a": "b"})
    message = (
        "a rule with a tag filter cannot abort incomplete multipart uploads or expire "
        "delete markers (S3 refuses it)"
    )
    refused(
        LifecycleRule(filter=tagged, abort_incomplete_multipart_upload_days=1),
        InvalidArgument,
        message,
    )
    refused(
        LifecycleRule(filter=tagged, expiration=Expiration(expired_object_delete_marker=True)),
        InvalidArgument,
        message,
    )
    accepted(LifecycleRule(filter=tagged, expiration=EXPIRE))


def test_config_refusals() -> None:
    with pytest.raises(TypeError, match=r"^rules must be a list or tuple, not LifecycleRule$"):
        LifecycleConfig(rules=LifecycleRule(expiration=EXPIRE)).validate()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"^rules: 1 to 1000 lifecycle rules, got 0$"):
        LifecycleConfig(rules=[]).validate()
    with pytest.raises(InvalidArgument, match=r"^rules: 1 to 1000 lifecycle rules, got 1001$"):
        LifecycleConfig(rules=[LifecycleRule(expiration=EXPIRE)] * 1001).validate()
    with pytest.raises(TypeError, match=r"^rules\[\] must be a LifecycleRule, not int$"):
        LifecycleConfig(rules=[1]).validate()  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match=r"^rules: two rules have the same id$"):
        LifecycleConfig(rules=[LifecycleRule(id="a", expiration=EXPIRE)] * 2).validate()


def doc(rule: str) -> bytes:
    return f"<LifecycleConfiguration><Rule>{rule}</Rule></LifecycleConfiguration>".encode()


def test_malformed_answers_exact_messages() -> None:
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed ExpiredObjectDeleteMarker: 'on'$"
    ):
        LifecycleConfig.from_xml(
            doc(
                "<Status>Enabled</Status><Expiration>"
                "<ExpiredObjectDeleteMarker>on</ExpiredObjectDeleteMarker></Expiration>"
            )
        )
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed date: ''$"):
        LifecycleConfig.from_xml(doc("<Status>Enabled</Status><Expiration><Date/></Expiration>"))
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a lifecycle rule with status 'on'$"
    ):
        LifecycleConfig.from_xml(doc("<Status>on</Status>"))


def test_an_answer_with_optional_elements_absent_or_empty() -> None:
    (rule,) = LifecycleConfig.from_xml(
        doc(
            "<Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true"
            "</ExpiredObjectDeleteMarker></Expiration>"
            "<Transition><StorageClass>G</StorageClass><Days>0</Days></Transition>"
            "<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays>"
            "</NoncurrentVersionExpiration>"
            "<NoncurrentVersionTransition><StorageClass>G</StorageClass>"
            "<NewerNoncurrentVersions>4</NewerNoncurrentVersions></NoncurrentVersionTransition>"
            "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
            "</AbortIncompleteMultipartUpload>"
        )
    ).rules
    assert rule == LifecycleRule(
        expiration=Expiration(expired_object_delete_marker=True),
        transitions=(Transition("G", days=0),),
        noncurrent_version_expiration=NoncurrentVersionExpiration(3),
        noncurrent_version_transitions=(NoncurrentVersionTransition(0, "G", 4),),
        abort_incomplete_multipart_upload_days=2,
    )
    (rule,) = LifecycleConfig.from_xml(
        doc(
            "<Status>Enabled</Status><AbortIncompleteMultipartUpload/>"
            "<NoncurrentVersionExpiration/>"
        )
    ).rules
    # A missing day count reads as 0, which validate() refuses rather than inventing one.
    assert rule == LifecycleRule(noncurrent_version_expiration=NoncurrentVersionExpiration(0))


def test_dates_are_read_in_utc_whatever_the_local_time_zone(
    local_time_zone: Callable[[str], None],
) -> None:
    local_time_zone("EST+5")  # UTC-5
    assert time.localtime(0).tm_hour == 19  # the machine's zone is UTC-5 now
    body = (
        b'<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
        b"<Filter /><Status>Enabled</Status>"
        b"<Transition><Date>2030-06-01T00:00:00Z</Date><StorageClass>G</StorageClass>"
        b"</Transition><Expiration><Date>2031-01-01T00:00:00Z</Date></Expiration>"
        b"</Rule></LifecycleConfiguration>"
    )
    config = LifecycleConfig.from_xml(body)
    (rule,) = config.rules
    assert rule.expiration is not None and rule.expiration.date is not None
    assert rule.expiration.date.utcoffset() is not None
    assert rule.expiration.date.tzinfo is UTC
    assert rule.transitions[0].date is not None and rule.transitions[0].date.tzinfo is UTC
    config.validate()
    assert config.to_xml() == body
    # A date with another offset is moved to UTC.
    (rule,) = LifecycleConfig.from_xml(
        doc(
            "<Status>Enabled</Status>"
            "<Expiration><Date>2031-01-01T02:00:00+02:00</Date></Expiration>"
        )
    ).rules
    assert rule.expiration == Expiration(date=datetime(2031, 1, 1, tzinfo=UTC))
    assert rule.expiration.date is not None and rule.expiration.date.tzinfo is UTC


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


def test_configs_are_frozen() -> None:
    config: Any = LifecycleConfig(rules=ONE)
    with pytest.raises(AttributeError):
        config.rules = ()

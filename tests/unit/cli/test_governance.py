"""The pure parts of retention, legal-hold, ilm and anonymous (:mod:`aiominio.cli.governance`):
durations and dates, the rules built from options, the lifecycle JSON, the tables, the prefixes
read from a policy, and the usage errors given before any connection."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest

from aiominio import (
    Expiration,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    NoncurrentVersionExpiration,
    NoncurrentVersionTransition,
    ObjectLockConfig,
    Policy,
    RetentionMode,
    Transition,
)
from aiominio.cli import main
from aiominio.cli.governance import (
    ACCESS,
    NO_RETENTION,
    actions_text,
    anonymous_rules,
    build_rule,
    clear_retention_request,
    default_retention,
    default_retention_text,
    filter_text,
    lifecycle_from_json,
    parse_date,
    parse_tags,
    parse_validity,
    retain_until,
    rule_table,
)
from aiominio.cli.output import json_line
from aiominio.policy import apply_policy, parse_document

UTC = timezone.utc
NOW = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)


# -- retention ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2y", (2, timedelta(0))),
        ("30d", (0, timedelta(days=30))),
        ("12h", (0, timedelta(hours=12))),
    ],
)
def test_validity(text: str, expected: tuple[int, timedelta]) -> None:
    assert parse_validity(text) == expected


@pytest.mark.parametrize("text", ["", "y", "1.5y", "-1y", "2 years", "3x"])
def test_bad_validity(text: str) -> None:
    with pytest.raises(click.BadParameter, match="duration"):
        parse_validity(text)


@pytest.mark.parametrize(
    ("validity", "until", "expected"),
    [
        ("12h", None, datetime(2024, 3, 1, 0, 0, tzinfo=UTC)),
        ("1w", None, datetime(2024, 3, 7, 12, 0, tzinfo=UTC)),
        ("1y", None, datetime(2025, 2, 28, 12, 0, tzinfo=UTC)),  # no 29 February in 2025
        ("4y", None, datetime(2028, 2, 29, 12, 0, tzinfo=UTC)),
        (None, "2030-01-02", datetime(2030, 1, 2, tzinfo=UTC)),
        (None, "2030-01-02T03:04:05Z", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (None, "2030-01-02T03:04:05", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (None, "2030-01-02T05:04:05+02:00", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_retain_until(validity: str | None, until: str | None, expected: datetime) -> None:
    assert retain_until(validity, until, now=NOW) == expected


@pytest.mark.parametrize(
    ("validity", "until", "message"),
    [
        (None, None, "give --validity or --until"),
        ("1d", "2030-01-01", "give --validity or --until"),
        ("0d", None, "must end in the future"),
        (None, "2024-02-29T11:59:59Z", "must end in the future"),
        (None, "tomorrow", "ISO 8601"),
        ("soon", None, "duration"),
    ],
)
def test_bad_retain_until(validity: str | None, until: str | None, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        retain_until(validity, until, now=NOW)


def test_dates_without_an_offset_are_utc() -> None:
    assert parse_date("2030-06-01", "x") == datetime(2030, 6, 1, tzinfo=UTC)
    assert parse_date(" 2030-06-01T10:00:00z ", "x") == datetime(2030, 6, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("mode", "validity", "expected"),
    [
        ("GOVERNANCE", "30d", ObjectLockConfig(RetentionMode.GOVERNANCE, days=30)),
        ("COMPLIANCE", "2w", ObjectLockConfig(RetentionMode.COMPLIANCE, days=14)),
        ("GOVERNANCE", "48h", ObjectLockConfig(RetentionMode.GOVERNANCE, days=2)),
        ("COMPLIANCE", "3y", ObjectLockConfig(RetentionMode.COMPLIANCE, years=3)),
    ],
)
def test_default_retention(mode: str, validity: str, expected: ObjectLockConfig) -> None:
    assert default_retention(mode, validity, None) == expected


@pytest.mark.parametrize(
    ("validity", "until", "message"),
    [
        (None, None, "takes --validity"),
        ("1d", "2030-01-01", "takes --validity"),
        ("36h", None, "whole days or years"),
        ("0d", None, "exactly one of days and years"),
        ("36501d", None, "between 1 and 36500"),
        ("101y", None, "between 1 and 100"),
    ],
)
def test_bad_default_retention(validity: str | None, until: str | None, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        default_retention("GOVERNANCE", validity, until)


def test_default_retention_text() -> None:
    assert default_retention_text(ObjectLockConfig()) == "object lock on, no default retention"
    days = ObjectLockConfig(RetentionMode.GOVERNANCE, days=30)
    assert default_retention_text(days) == "default retention GOVERNANCE for 30 day(s)"
    years = ObjectLockConfig(RetentionMode.COMPLIANCE, years=1)
    assert default_retention_text(years) == "default retention COMPLIANCE for 1 year(s)"


def test_retention_clear_sends_a_retention_without_mode_and_the_bypass() -> None:
    assert NO_RETENTION == b'<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>'
    put = clear_retention_request("b", "k.txt", "v1")
    assert (put.method, put.bucket, put.key, put.body) == ("PUT", "b", "k.txt", NO_RETENTION)
    assert put.query == (("retention", ""), ("versionId", "v1"))
    assert put.headers == {
        "x-amz-bypass-governance-retention": "true",
        "Content-MD5": base64.b64encode(hashlib.md5(NO_RETENTION).digest()).decode(),
        "Content-Type": "application/xml",
    }
    assert clear_retention_request("b", "k.txt", None).query == (("retention", ""),)


# -- ilm ---------------------------------------------------------------------------------------


def test_build_rule() -> None:
    rule = build_rule("logs/", rule_id="r1", expire_days=30, tags={"a": "1"})
    assert rule == LifecycleRule(
        id="r1", filter=LifecycleFilter(prefix="logs/", tags={"a": "1"}), expiration=Expiration(30)
    )
    whole = build_rule("", rule_id="r2", noncurrent_expire_days=7, abort_uploads_days=2)
    assert whole.filter == LifecycleFilter()  # no prefix: every object
    assert whole.noncurrent_version_expiration == NoncurrentVersionExpiration(7)
    assert whole.abort_incomplete_multipart_upload_days == 2 and whole.expiration is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "a rule needs --expire-days"),
        ({"abort_uploads_days": 1, "tags": {"a": "1"}}, "tag filter cannot abort"),
        ({"expire_days": 1, "rule_id": "x" * 256}, "at most 255 characters"),
        ({"expire_days": 1, "tags": {"a\x00": "1"}}, "tags: a control character"),
    ],
)
def test_bad_rules(kwargs: dict[str, object], message: str) -> None:
    options: dict[str, object] = {"rule_id": "r", **kwargs}
    with pytest.raises(click.BadParameter, match=message):
        build_rule("p/", **options)  # type: ignore[arg-type]


def test_bad_rule_prefix() -> None:
    with pytest.raises(click.BadParameter, match="prefix must not contain control characters"):
        build_rule("p\x01/", rule_id="r", expire_days=1)


def test_tags() -> None:
    assert parse_tags(["a=1&b=2", "c=", "d=x=y"]) == {"a": "1", "b": "2", "c": "", "d": "x=y"}
    assert parse_tags([]) == {}
    for bad in (["a"], ["=1"], ["a=1&"]):
        with pytest.raises(click.BadParameter, match="KEY=VALUE"):
            parse_tags(bad)


#: A rule with every kind of filter and action the library knows.
FULL = LifecycleRule(
    id="full",
    enabled=False,
    filter=LifecycleFilter(
        prefix="logs/",
        tags={"class": "tmp"},
        object_size_greater_than=1024,
        object_size_less_than=10**9,
    ),
    expiration=Expiration(date=datetime(2031, 1, 1, tzinfo=UTC)),
    transitions=[Transition("GLACIER", days=30)],
    noncurrent_version_expiration=NoncurrentVersionExpiration(7, newer_noncurrent_versions=3),
    noncurrent_version_transitions=[NoncurrentVersionTransition(10, "STANDARD_IA")],
)


def test_rule_texts() -> None:
    assert filter_text(FULL.filter) == "prefix=logs/ tag:class=tmp size>1024 size<1000000000"
    assert filter_text(LifecycleFilter()) == "(all)"
    assert actions_text(FULL) == (
        "expire 2031-01-01, transition 30d GLACIER, noncurrent expire 7d keep 3, "
        "noncurrent transition 10d STANDARD_IA"
    )
    markers = LifecycleRule(expiration=Expiration(expired_object_delete_marker=True))
    assert actions_text(markers) == "expire delete markers"
    abort = LifecycleRule(abort_incomplete_multipart_upload_days=4)
    assert actions_text(abort) == "abort uploads 4d"


def test_rule_table_aligns_columns_and_escapes_control_characters() -> None:
    rules = [
        build_rule("a/", rule_id="short", expire_days=1),
        LifecycleRule(
            id="evil\x1b[2J", filter=LifecycleFilter(prefix="x"), expiration=Expiration(2)
        ),
        LifecycleRule(expiration=Expiration(3)),  # no id (SeaweedFS names none)
    ]
    assert rule_table(rules) == [
        "ID           STATUS   FILTER     ACTIONS",
        "short        enabled  prefix=a/  expire 1d",
        "evil\\x1b[2J  enabled  prefix=x   expire 2d",
        "-            enabled  (all)      expire 3d",
    ]
    assert rule_table([]) == ["ID  STATUS  FILTER  ACTIONS"]


def test_exported_lifecycle_json_imports_to_the_same_configuration() -> None:
    config = LifecycleConfig(
        rules=[
            FULL,
            build_rule("", rule_id="plain", expire_days=30, abort_uploads_days=2),
            LifecycleRule(id="marker", expiration=Expiration(expired_object_delete_marker=True)),
        ]
    )
    exported = json_line(config)  # what ilm export prints
    assert json.loads(exported)["rules"][0]["expiration"]["date"] == "2031-01-01T00:00:00+00:00"
    assert lifecycle_from_json(exported) == config


def test_a_hand_written_lifecycle_document() -> None:
    text = '{"rules": [{"id": "x", "filter": {"prefix": "tmp/"}, "expiration": {"days": 1}}]}'
    (rule,) = lifecycle_from_json(text).rules
    assert rule == LifecycleRule(id="x", filter=LifecycleFilter("tmp/"), expiration=Expiration(1))
    dated = '{"rules": [{"expiration": {"date": "2031-01-01"}}]}'
    (rule,) = lifecycle_from_json(dated).rules
    assert rule.expiration == Expiration(date=datetime(2031, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{", "not JSON"),
        ("[]", "configuration must be a JSON object"),
        ('{"Rules": []}', "unknown member"),
        ('{"rules": {}}', "rules must be a JSON array"),
        ('{"rules": []}', "1 to 1000 lifecycle rules"),
        ('{"rules": [1]}', r"rules\[0\] must be a JSON object"),
        ('{"rules": [{"id": "x"}]}', "has no action"),
        ('{"rules": [{"expiration": {"days": 0}}]}', "expiration.days"),
        ('{"rules": [{"expiration": {"days": "1"}}]}', "expiration.days"),
        ('{"rules": [{"expiration": {"days": 1, "weeks": 1}}]}', "'weeks'"),
        ('{"rules": [{"expiration": {"date": "soon"}}]}', "ISO 8601"),
        ('{"rules": [{"expiration": {"date": "2031-01-01T10:00:00Z"}}]}', "midnight"),
        ('{"rules": [{"transitions": [{"days": 1}]}]}', "storage_class"),
        ('{"rules": [{"enabled": "yes", "expiration": {"days": 1}}]}', "enabled must be a bool"),
        (
            json.dumps({"rules": [{"id": "a", "expiration": {"days": d}} for d in (1, 2)]}),
            "same id",
        ),
    ],
)
def test_bad_lifecycle_documents(document: str, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        lifecycle_from_json(document)


# -- anonymous ---------------------------------------------------------------------------------


def test_mc_access_names() -> None:
    assert ACCESS == {
        "none": Policy.NONE,
        "download": Policy.READONLY,
        "upload": Policy.WRITEONLY,
        "public": Policy.READWRITE,
    }


def test_anonymous_rules_of_a_policy() -> None:
    document = parse_document("")
    for prefix, policy in (("img-", Policy.READONLY), ("up/", Policy.WRITEONLY), ("", Policy.NONE)):
        document = apply_policy(document, "b", prefix, policy)
    document = apply_policy(document, "b", "pub/", Policy.READWRITE)
    statements = document["Statement"]
    assert isinstance(statements, list)
    statements += [
        # Someone else's statement, with a Sid: still anonymous access.
        {"Sid": "Site", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/site/*"},
        # Not anonymous, another bucket, one object, a denial: none of them count.
        {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root"]},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/team/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::other/x/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/one.txt"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/secret/*"},
        "not a statement",
    ]  # fmt: skip
    assert anonymous_rules(document, "b") == [
        ("img-", Policy.READONLY),
        ("pub/", Policy.READWRITE),
        ("site/", Policy.READONLY),
        ("up/", Policy.WRITEONLY),
    ]


def test_a_bucket_wide_grant_is_listed_with_an_empty_prefix() -> None:
    document = apply_policy(parse_document(""), "b", "", Policy.READWRITE)
    assert anonymous_rules(document, "b") == [("", Policy.READWRITE)]
    assert anonymous_rules(document, "bb") == []
    assert anonymous_rules(parse_document(""), "b") == []


# -- usage errors, before any connection -------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A closed port as the endpoint: a command that reached the network would fail with exit
    code 1, not 2."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-never-shown")
    monkeypatch.setenv("AIOMINIO_CONFIG_DIR", str(tmp_path / "config"))


SET = ["retention", "set", "--mode", "GOVERNANCE"]


@pytest.mark.usefixtures("no_server")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([*SET, "s3://b/k"], "give --validity or --until"),
        ([*SET, "--validity", "1d", "--until", "2030-01-01", "s3://b/k"], "one of them"),
        ([*SET, "--validity", "3x", "s3://b/k"], "a duration is a number"),
        ([*SET, "--until", "2001-01-01", "s3://b/k"], "must end in the future"),
        ([*SET, "--validity", "1d", "s3://b"], "s3://b is not an object"),
        ([*SET, "--validity", "1d", "s3://b/dir/"], "s3://b/dir/ is not an object"),
        (["retention", "set", "--mode", "forever", "--validity", "1d", "s3://b/k"], "'forever'"),
        (["retention", "set", "--validity", "1d", "s3://b/k"], "Missing option '--mode'"),
        ([*SET, "--default", "--validity", "1d", "s3://b/k"], "s3://b/k is not a bucket"),
        ([*SET, "--default", "--validity", "12h", "s3://b"], "whole days or years"),
        ([*SET, "--default", "--until", "2030-01-01", "s3://b"], "takes --validity"),
        ([*SET, "--default", "--version-id", "v", "--validity", "1d", "s3://b"], "no --version-id"),
        (["retention", "info", "--default", "s3://b/p/"], "is not a bucket"),
        (["retention", "info", "s3://b"], "s3://b is not an object"),
        (["retention", "clear", "s3://b/"], "s3://b is not an object"),
        (["retention", "clear", "--default", "--version-id", "v", "s3://b"], "no --version-id"),
        (["retention", "clear", "b/k"], "not an s3:// location"),
        (["legal-hold", "set", "s3://b"], "s3://b is not an object"),
        (["legal-hold", "lift", "s3://b/k"], "'lift' is not one of"),
        (["legal-hold", "info", "s3://b/d/"], "s3://b/d/ is not an object"),
        (["ilm", "rule", "add", "s3://b"], "a rule needs --expire-days"),
        (["ilm", "rule", "add", "--expire-days", "0", "s3://b"], "0 is not in the range x>=1"),
        (["ilm", "rule", "add", "--expire-days", "1", "--tags", "x", "s3://b"], "KEY=VALUE"),
        (["ilm", "rule", "add", "--abort-uploads-days", "1", "--tags", "a=1", "s3://b"], "tag"),
        (["ilm", "rule", "ls", "s3://b/p"], "s3://b/p is not a bucket"),
        (["ilm", "rule", "rm", "s3://b"], "give --id ID (one or more) or --all"),
        (["ilm", "rule", "rm", "--all", "--id", "x", "s3://b"], "give --id ID"),
        (["ilm", "export", "s3://b/p"], "is not a bucket"),
        (["anonymous", "set", "readonly", "s3://b"], "'readonly' is not one of"),
        (["anonymous", "list", "s3://b/p"], "s3://b/p is not a bucket"),
        (["anonymous", "get", "nobucket"], "not an s3:// location"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "secret-never-shown" not in err


@pytest.mark.usefixtures("no_server")
def test_ilm_import_refuses_a_bad_document_before_any_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"rules": [{"id": "x"}]}'))
    with pytest.raises(SystemExit) as stop:
        main(["ilm", "import", "s3://b"])
    assert stop.value.code == 2
    assert "lifecycle rule 'x' has no action" in capsys.readouterr().err

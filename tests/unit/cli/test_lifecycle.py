"""ilm (:mod:`aiominio.cli.lifecycle`): the rules built from options, the tables, the
lifecycle JSON that export writes and import reads, and the usage errors given before any
connection."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime, timezone

import click
import pytest

from aiominio import (
    Expiration,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    NoncurrentVersionExpiration,
    NoncurrentVersionTransition,
    Transition,
)
from aiominio.cli import main
from aiominio.cli.lifecycle import (
    actions_text,
    build_rule,
    filter_text,
    lifecycle_from_json,
    parse_tags,
    rule_table,
)
from aiominio.cli.output import json_line

UTC = timezone.utc


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


# -- usage errors, before any connection -------------------------------------------------------


@pytest.mark.usefixtures("no_server")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ilm", "rule", "add", "s3://b"], "a rule needs --expire-days"),
        (["ilm", "rule", "add", "--expire-days", "0", "s3://b"], "0 is not in the range x>=1"),
        (["ilm", "rule", "add", "--expire-days", "1", "--tags", "x", "s3://b"], "KEY=VALUE"),
        (["ilm", "rule", "add", "--abort-uploads-days", "1", "--tags", "a=1", "s3://b"], "tag"),
        (["ilm", "rule", "ls", "s3://b/p"], "s3://b/p is not a bucket"),
        (["ilm", "rule", "rm", "s3://b"], "give --id ID (one or more) or --all"),
        (["ilm", "rule", "rm", "--all", "--id", "x", "s3://b"], "give --id ID"),
        (["ilm", "export", "s3://b/p"], "is not a bucket"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, usage_error: Callable[[list[str]], str]
) -> None:
    err = usage_error(argv)
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

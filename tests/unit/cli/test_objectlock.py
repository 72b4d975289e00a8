"""retention and legal-hold (:mod:`aiominio.cli.objectlock`): durations and dates, a bucket's
default retention, the calls and JSON of the commands (over a mock transport), and the usage
errors given before any connection."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import click
import pytest

from aiominio import Client, ObjectLockConfig, RetentionMode
from aiominio.cli import main
from aiominio.cli.objectlock import (
    default_retention,
    default_retention_text,
    parse_date,
    parse_validity,
    retain_until,
)
from aiominio.testing import MockRequest, MockResponse
from tests.unit.cli.conftest import Handler

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


# -- the commands, over a mock transport -------------------------------------------------------

Serve = Callable[[Handler], list[MockRequest]]


def ran(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Run the command line (it must succeed): its stdout and stderr."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    out, err = capsys.readouterr()
    assert stop.value.code == 0, err
    return out, err


def test_retention_clear_lifts_it_through_the_client(
    mock_s3: Serve, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = mock_s3(lambda request: MockResponse(500))  # never reached
    calls = []

    async def clear(self: Client, bucket: str, key: str, *, version_id: str | None = None) -> None:
        calls.append((bucket, key, version_id))

    monkeypatch.setattr(Client, "clear_object_retention", clear)
    out, err = ran(["retention", "clear", "--version-id", "v1", "s3://bkt/k.txt"], capsys)
    assert (out, err) == ("", "removed the retention of s3://bkt/k.txt\n")
    out, err = ran(["retention", "clear", "--json", "s3://bkt/dir/k"], capsys)
    assert json.loads(out) == {"target": "s3://bkt/dir/k", "version_id": None, "retention": None}
    assert err == ""
    assert calls == [("bkt", "k.txt", "v1"), ("bkt", "dir/k", None)]
    assert sent == []


def test_retention_set_json_is_what_was_set(
    mock_s3: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = mock_s3(lambda request: MockResponse(200))
    argv = ["retention", "set", "--json", "--mode", "governance", "--until", "2031-01-02"]
    out, err = ran([*argv, "--version-id", "v1", "s3://bkt/k"], capsys)
    assert json.loads(out) == {
        "target": "s3://bkt/k",
        "version_id": "v1",
        "retention": {"mode": "GOVERNANCE", "retain_until": "2031-01-02T00:00:00+00:00"},
    }
    assert err == ""
    out, err = ran(["retention", "set", "--json", "--default", "--mode", "COMPLIANCE",
                    "--validity", "2y", "s3://bkt"], capsys)  # fmt: skip
    assert json.loads(out) == {
        "target": "s3://bkt",
        "default_retention": {"mode": "COMPLIANCE", "days": None, "years": 2},
    }
    out, err = ran(["retention", "clear", "--json", "--default", "s3://bkt/"], capsys)
    assert json.loads(out) == {
        "target": "s3://bkt",
        "default_retention": {"mode": None, "days": None, "years": None},
    }
    assert [(r.method, r.query) for r in sent] == [
        ("PUT", {"retention": "", "versionId": "v1"}),
        ("PUT", {"object-lock": ""}),
        ("PUT", {"object-lock": ""}),
    ]


def test_legal_hold_set_and_clear_say_what_they_did(
    mock_s3: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = mock_s3(lambda request: MockResponse(200))
    out, err = ran(["legal-hold", "set", "--json", "s3://bkt/k"], capsys)
    assert json.loads(out) == {"target": "s3://bkt/k", "version_id": None, "legal_hold": True}
    assert err == ""
    out, err = ran(["legal-hold", "clear", "--json", "--version-id", "v", "s3://bkt/k"], capsys)
    assert json.loads(out) == {"target": "s3://bkt/k", "version_id": "v", "legal_hold": False}
    assert ran(["legal-hold", "clear", "s3://bkt/k"], capsys) == (
        "",
        "legal hold cleared from s3://bkt/k\n",
    )
    assert [r.body.count(b"<Status>ON<") for r in sent] == [1, 0, 0]


# -- usage errors, before any connection -------------------------------------------------------


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
        (
            [*SET, "--default", "--bypass-governance", "--validity", "1d", "s3://b"],
            "--default is the bucket's: no --bypass-governance",
        ),
        (["retention", "clear", "b/k"], "not an s3:// location"),
        (["legal-hold", "set", "s3://b"], "s3://b is not an object"),
        (["legal-hold", "lift", "s3://b/k"], "'lift' is not one of"),
        (["legal-hold", "info", "s3://b/d/"], "s3://b/d/ is not an object"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, usage_error: Callable[[list[str]], str]
) -> None:
    err = usage_error(argv)
    assert message in err and "secret-never-shown" not in err


@pytest.mark.parametrize("validity", ["9000y", "99999y", "9999999999999999d", "\u0663d"])
def test_a_validity_past_what_a_date_holds_is_a_usage_error(validity: str) -> None:
    with pytest.raises(click.BadParameter):
        retain_until(validity, None, now=datetime(2026, 12, 8, tzinfo=timezone.utc))

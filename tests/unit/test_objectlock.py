"""Object lock's sans-IO part: the values, the upload headers and the XML both ways."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import aiominio
from aiominio import ObjectLockConfig, Retention, RetentionMode
from aiominio.core.objectlock import (
    build_legal_hold,
    build_lock_config,
    build_retention,
    format_lock_date,
    lock_headers,
    parse_legal_hold,
    parse_lock_config,
    parse_retention,
)
from aiominio.core.xml import parse

GOV, COMP = RetentionMode.GOVERNANCE, RetentionMode.COMPLIANCE
WHEN = datetime(2030, 2, 3, 4, 5, 6, 789000, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "config",
    [ObjectLockConfig(), ObjectLockConfig(GOV, days=30), ObjectLockConfig(COMP, years=7)],
)
def test_lock_config_round_trips(config: ObjectLockConfig) -> None:
    body = build_lock_config(config)
    assert parse(body).findtext("ObjectLockEnabled") == "Enabled"
    assert parse_lock_config(body) == config


def test_lock_config_answers_as_servers_send_them() -> None:
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    moto = (
        f"<ObjectLockConfiguration {ns}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule>"
        "<DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>0</Years>"
        "</DefaultRetention></Rule></ObjectLockConfiguration>"
    ).encode()
    assert parse_lock_config(moto) == ObjectLockConfig(GOV, days=1)
    bare = b"<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
    assert parse_lock_config(bare + b"</ObjectLockConfiguration>") == ObjectLockConfig()
    for bad in (
        b"<Mode>FOREVER</Mode><Days>1</Days>",
        b"<Mode>GOVERNANCE</Mode>",
        b"<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>",
        b"<Mode>GOVERNANCE</Mode><Days>-1</Days>",
    ):
        doc = bare + b"<Rule><DefaultRetention>" + bad + b"</DefaultRetention></Rule>"
        with pytest.raises(aiominio.InvalidResponseError):
            parse_lock_config(doc + b"</ObjectLockConfiguration>")


def test_retention_round_trips_in_utc_with_milliseconds() -> None:
    paris = timezone(timedelta(hours=1))
    retention = Retention(COMP, WHEN.astimezone(paris))
    body = build_retention(retention)
    assert parse(body).findtext("RetainUntilDate") == "2030-02-03T04:05:06.789Z"
    assert parse_retention(body) == retention
    assert parse_retention(b"<Retention/>") is None
    with pytest.raises(aiominio.InvalidResponseError):
        parse_retention(b"<Retention><Mode>GOVERNANCE</Mode></Retention>")


def test_legal_hold_both_ways() -> None:
    assert parse_legal_hold(build_legal_hold(True)) is True
    assert parse_legal_hold(build_legal_hold(False)) is False
    assert parse_legal_hold(b"<LegalHold/>") is False  # moto, for a version never held
    with pytest.raises(aiominio.InvalidResponseError, match="legal hold"):
        parse_legal_hold(b"<LegalHold><Status>MAYBE</Status></LegalHold>")


def test_upload_headers() -> None:
    assert lock_headers(None, None) == {}
    assert lock_headers(Retention(GOV, WHEN), True) == {
        "x-amz-object-lock-mode": "GOVERNANCE",
        "x-amz-object-lock-retain-until-date": "2030-02-03T04:05:06.789Z",
        "x-amz-object-lock-legal-hold": "ON",
    }
    assert lock_headers(None, False) == {"x-amz-object-lock-legal-hold": "OFF"}
    assert format_lock_date(datetime(2030, 1, 1, tzinfo=timezone.utc)) == (
        "2030-01-01T00:00:00.000Z"
    )

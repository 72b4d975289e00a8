"""Object lock in detail: the exact refusals of the values, the period boundaries on both sides,
the request bodies byte for byte and the answers' edge cases."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

import aiominio
from aiominio.core.objectlock import (
    MAX_DAYS,
    MAX_YEARS,
    ObjectLockConfig,
    Retention,
    RetentionMode,
    build_legal_hold,
    build_lock_config,
    build_retention,
    check_config,
    check_flag,
    check_retention,
    format_lock_date,
    lock_headers,
    parse_legal_hold,
    parse_lock_config,
    parse_retention,
)
from aiominio.core.xml import parse
from aiominio.errors import InvalidArgument, InvalidResponseError

GOV, COMP = RetentionMode.GOVERNANCE, RetentionMode.COMPLIANCE
NS = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
WHEN = datetime(2030, 2, 3, 4, 5, 6, 789000, tzinfo=timezone.utc)


def test_the_published_limits() -> None:
    assert (MAX_DAYS, MAX_YEARS) == (36500, 100)


@pytest.mark.parametrize(("name", "limit"), [("days", 36500), ("years", 100)])
def test_period_boundaries(name: str, limit: int) -> None:
    for good in (1, limit):
        assert getattr(ObjectLockConfig(GOV, **{name: good}), name) == good
    for bad in (0, limit + 1, -1):
        with pytest.raises(
            InvalidArgument, match=rf"^{name} must be between 1 and {limit}: {bad}$"
        ):
            ObjectLockConfig(GOV, **{name: bad})
    for wrong, type_name in ((True, "bool"), (1.0, "float"), ("1", "str")):
        with pytest.raises(TypeError, match=rf"^{name} must be an int, not {type_name}$"):
            ObjectLockConfig(GOV, **{name: wrong})


def test_config_refusals() -> None:
    assert ObjectLockConfig() == ObjectLockConfig(None, None, None)
    for kwargs in ({"days": 1}, {"years": 1}, {"days": 1, "years": 1}):
        with pytest.raises(InvalidArgument, match=r"^ObjectLockConfig: days or years need a mode$"):
            ObjectLockConfig(**kwargs)  # type: ignore[arg-type]
    for kwargs in ({}, {"days": 1, "years": 1}):
        with pytest.raises(
            InvalidArgument, match=r"^ObjectLockConfig: give exactly one of days and years$"
        ):
            ObjectLockConfig(GOV, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^ObjectLockConfig.mode must be a RetentionMode, not str$"
    ):
        ObjectLockConfig("GOVERNANCE", days=1)  # type: ignore[arg-type]


def test_retention_refusals() -> None:
    with pytest.raises(TypeError, match=r"^Retention.mode must be a RetentionMode, not str$"):
        Retention("GOVERNANCE", WHEN)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^Retention.retain_until must be a datetime, not str$"):
        Retention(GOV, "2030-01-01")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument, match=r"^Retention.retain_until must be a timezone-aware datetime$"
    ):
        Retention(GOV, datetime(2030, 1, 1))
    assert Retention(COMP, WHEN).retain_until is WHEN


def test_the_checks_name_what_they_refuse() -> None:
    config = ObjectLockConfig()
    assert check_config(config) is config
    with pytest.raises(TypeError, match=r"^config must be an ObjectLockConfig, not dict$"):
        check_config({})
    retention = Retention(GOV, WHEN)
    assert check_retention(retention) is retention
    with pytest.raises(TypeError, match=r"^retention must be a Retention, not NoneType$"):
        check_retention(None)
    with pytest.raises(TypeError, match=r"^other must be a Retention, not int$"):
        check_retention(1, "other")
    assert check_flag("f", False) is False and check_flag("f", True) is True
    with pytest.raises(TypeError, match=r"^f must be a bool, not int$"):
        check_flag("f", 1)


def test_upload_header_refusals() -> None:
    with pytest.raises(TypeError, match=r"^retention must be a Retention, not str$"):
        lock_headers("GOVERNANCE", None)
    with pytest.raises(TypeError, match=r"^legal_hold must be a bool, not str$"):
        lock_headers(None, "ON")
    assert lock_headers(Retention(COMP, WHEN), None) == {
        "x-amz-object-lock-mode": "COMPLIANCE",
        "x-amz-object-lock-retain-until-date": "2030-02-03T04:05:06.789Z",
    }


def test_lock_dates_are_utc_with_truncated_milliseconds() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert format_lock_date(datetime(2030, 1, 1, 8, 0, 0, 5999, tzinfo=tokyo)) == (
        "2029-12-31T23:00:00.005Z"
    )
    assert format_lock_date(datetime(2030, 1, 1, 0, 0, 0, 999999, tzinfo=timezone.utc)) == (
        "2030-01-01T00:00:00.999Z"
    )
    assert format_lock_date(datetime(2030, 1, 1, 0, 0, 0, 999, tzinfo=timezone.utc)) == (
        "2030-01-01T00:00:00.000Z"
    )


def test_lock_dates_do_not_depend_on_the_local_time_zone(
    local_time_zone: Callable[[str], None],
) -> None:
    local_time_zone("JST-9")  # UTC+9
    assert time.localtime(0).tm_hour == 9  # the machine's zone is UTC+9 now
    assert format_lock_date(datetime(2030, 1, 1, 12, tzinfo=timezone.utc)) == (
        "2030-01-01T12:00:00.000Z"
    )
    assert lock_headers(Retention(GOV, datetime(2030, 6, 1, tzinfo=timezone.utc)), None) == {
        "x-amz-object-lock-mode": "GOVERNANCE",
        "x-amz-object-lock-retain-until-date": "2030-06-01T00:00:00.000Z",
    }


def test_lock_config_bodies_byte_for_byte() -> None:
    head = b"<ObjectLockConfiguration " + NS + b"><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
    tail = b"</ObjectLockConfiguration>"
    assert build_lock_config(ObjectLockConfig()) == head + tail
    assert build_lock_config(ObjectLockConfig(GOV, days=30)) == (
        head + b"<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>30</Days>"
        b"</DefaultRetention></Rule>" + tail
    )
    assert build_lock_config(ObjectLockConfig(COMP, years=7)) == (
        head + b"<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>7</Years>"
        b"</DefaultRetention></Rule>" + tail
    )


def test_retention_and_legal_hold_bodies_byte_for_byte() -> None:
    assert build_retention(Retention(GOV, WHEN)) == (
        b"<Retention " + NS + b"><Mode>GOVERNANCE</Mode>"
        b"<RetainUntilDate>2030-02-03T04:05:06.789Z</RetainUntilDate></Retention>"
    )
    assert build_legal_hold(True) == b"<LegalHold " + NS + b"><Status>ON</Status></LegalHold>"
    assert build_legal_hold(False) == b"<LegalHold " + NS + b"><Status>OFF</Status></LegalHold>"


def lock(rule: bytes) -> bytes:
    return (
        b"<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
        + rule
        + b"</ObjectLockConfiguration>"
    )


def retention(inner: bytes) -> bytes:
    return lock(b"<Rule><DefaultRetention>" + inner + b"</DefaultRetention></Rule>")


def test_lock_config_answers_in_detail() -> None:
    assert parse_lock_config(lock(b"<Rule/>")) == ObjectLockConfig()
    assert parse_lock_config(retention(b"<Mode> governance\n</Mode><Days> 7 </Days>")) == (
        ObjectLockConfig(GOV, days=7)
    )
    assert parse_lock_config(retention(b"<Mode>COMPLIANCE</Mode><Years>100</Years>")) == (
        ObjectLockConfig(COMP, years=100)
    )
    assert parse_lock_config(
        retention(b"<Mode>COMPLIANCE</Mode><Days>36500</Days><Years>0</Years>")
    ) == ObjectLockConfig(COMP, days=36500)
    assert parse_lock_config(
        retention(b"<Mode>COMPLIANCE</Mode><Days>0</Days><Years>2</Years>")
    ) == ObjectLockConfig(COMP, years=2)


def test_lock_config_answer_refusals() -> None:
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent an unknown retention mode: ' forever'$"
    ):
        parse_lock_config(retention(b"<Mode> forever</Mode><Days>1</Days>"))
    with pytest.raises(
        InvalidResponseError,
        match=r"^the server sent an unknown retention mode: '" + "m" * 64 + "'$",
    ):
        parse_lock_config(retention(b"<Mode>" + b"m" * 65 + b"</Mode><Days>1</Days>"))
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed Days: '36501'$"):
        parse_lock_config(retention(b"<Mode>GOVERNANCE</Mode><Days>36501</Days>"))
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed Years: '101'$"):
        parse_lock_config(retention(b"<Mode>GOVERNANCE</Mode><Years>101</Years>"))
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed Days: '1e3'$"):
        parse_lock_config(retention(b"<Mode>GOVERNANCE</Mode><Days>1e3</Days>"))
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed Years: '\uff11'$"
    ):
        parse_lock_config(retention("<Mode>GOVERNANCE</Mode><Years>\uff11</Years>".encode()))
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed Days: '" + "9" * 64 + "'$"
    ):
        parse_lock_config(retention(b"<Mode>GOVERNANCE</Mode><Days>" + b"9" * 70 + b"</Days>"))
    for periods in (b"", b"<Days>0</Days><Years>0</Years>", b"<Days>1</Days><Years>1</Years>"):
        with pytest.raises(
            InvalidResponseError,
            match=r"^a default retention needs exactly one of Days and Years$",
        ):
            parse_lock_config(retention(b"<Mode>GOVERNANCE</Mode>" + periods))


def test_retention_answers_in_detail() -> None:
    doc = b"<Retention><Mode>%s</Mode><RetainUntilDate>%s</RetainUntilDate></Retention>"
    assert parse_retention(doc % (b" compliance ", b"2030-02-03T04:05:06.789Z")) == Retention(
        COMP, WHEN
    )
    assert parse_retention(doc % (b"  ", b"2030-02-03T04:05:06.789Z")) is None
    with pytest.raises(InvalidResponseError, match=r"^a retention without its RetainUntilDate$"):
        parse_retention(doc % (b"GOVERNANCE", b" "))
    with pytest.raises(InvalidResponseError, match=r"^the server sent an unknown retention mode"):
        parse_retention(doc % (b"LOOSE", b"2030-02-03T04:05:06.789Z"))


def test_legal_hold_answers_in_detail() -> None:
    doc = b"<LegalHold><Status>%s</Status></LegalHold>"
    assert parse_legal_hold(doc % b" on\n") is True
    assert parse_legal_hold(doc % b"Off") is False
    assert parse_legal_hold(doc % b" ") is False
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent an unknown legal hold: 'MAYBE'$"
    ):
        parse_legal_hold(doc % b" maybe ")
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent an unknown legal hold: '" + "X" * 64 + "'$"
    ):
        parse_legal_hold(doc % (b"x" * 65))


GOV, COMP = RetentionMode.GOVERNANCE, RetentionMode.COMPLIANCE


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

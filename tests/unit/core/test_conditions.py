"""Conditional headers: exact names and values, every refusal's message, the ETag forms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import conditions
from aiominio.core.conditions import (
    COPY_SOURCE_PREFIX,
    check_version_id,
    http_date,
    read_conditions,
    write_conditions,
)
from aiominio.core.headers import parse_http_date
from aiominio.errors import InvalidArgument

# One day of each week day and month, written out by hand (2026-01-05 was a Monday).
WEEK = [
    (datetime(2026, 1, 5, tzinfo=timezone.utc), "Mon, 05 Jan 2026 00:00:00 GMT"),
    (datetime(2026, 2, 10, 1, 2, 3, tzinfo=timezone.utc), "Tue, 10 Feb 2026 01:02:03 GMT"),
    (datetime(2026, 3, 11, 23, 59, 59, tzinfo=timezone.utc), "Wed, 11 Mar 2026 23:59:59 GMT"),
    (datetime(2026, 4, 16, 12, 0, 0, tzinfo=timezone.utc), "Thu, 16 Apr 2026 12:00:00 GMT"),
    (datetime(2026, 5, 1, tzinfo=timezone.utc), "Fri, 01 May 2026 00:00:00 GMT"),
    (datetime(2026, 6, 6, tzinfo=timezone.utc), "Sat, 06 Jun 2026 00:00:00 GMT"),
    (datetime(2026, 7, 5, tzinfo=timezone.utc), "Sun, 05 Jul 2026 00:00:00 GMT"),
    (datetime(2026, 8, 3, tzinfo=timezone.utc), "Mon, 03 Aug 2026 00:00:00 GMT"),
    (datetime(2026, 9, 1, tzinfo=timezone.utc), "Tue, 01 Sep 2026 00:00:00 GMT"),
    (datetime(2026, 10, 7, tzinfo=timezone.utc), "Wed, 07 Oct 2026 00:00:00 GMT"),
    (datetime(2026, 11, 5, tzinfo=timezone.utc), "Thu, 05 Nov 2026 00:00:00 GMT"),
    (datetime(2026, 12, 25, tzinfo=timezone.utc), "Fri, 25 Dec 2026 00:00:00 GMT"),
    (datetime(999, 1, 1, tzinfo=timezone.utc), "Tue, 01 Jan 0999 00:00:00 GMT"),
]


@pytest.mark.parametrize(("when", "expected"), WEEK)
def test_http_date_by_hand(when: datetime, expected: str) -> None:
    assert http_date(when) == expected


def test_http_date_converts_to_utc() -> None:
    paris = timezone(timedelta(hours=2))
    assert http_date(datetime(2026, 6, 1, 1, 30, tzinfo=paris)) == "Sun, 31 May 2026 23:30:00 GMT"


def test_published_names() -> None:
    assert {
        "If-Match",
        "If-None-Match",
        "If-Modified-Since",
        "If-Unmodified-Since",
    } == conditions.READ_CONDITIONS
    assert conditions.COPY_SOURCE_PREFIX == "x-amz-copy-source-"


def test_version_ids() -> None:
    assert check_version_id(None) is None
    assert (
        check_version_id("3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY") == "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"
    )
    assert check_version_id("null") == "null"
    with pytest.raises(TypeError, match=r"^version_id must be a str, not int$"):
        check_version_id(1)
    with pytest.raises(TypeError, match=r"^source_version_id must be a str, not bytes$"):
        check_version_id(b"v", "source_version_id")
    for bad in ("", "vé"):
        with pytest.raises(
            InvalidArgument, match=rf"^version_id must be a non-empty ASCII string: {bad!r}$"
        ):
            check_version_id(bad)
    with pytest.raises(
        InvalidArgument,
        match=r"^v may hold only visible ASCII, spaces and tabs: '\\n' at position 1$",
    ):
        check_version_id("a\nb", "v")


def test_read_conditions_exact_headers() -> None:
    when = datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert read_conditions() == {}
    assert read_conditions(
        if_match="abc",
        if_none_match='"def"',
        if_modified_since=when,
        if_unmodified_since=when + timedelta(seconds=1),
    ) == {
        "If-Match": '"abc"',
        "If-None-Match": '"def"',
        "If-Modified-Since": "Mon, 05 Jan 2026 00:00:00 GMT",
        "If-Unmodified-Since": "Mon, 05 Jan 2026 00:00:01 GMT",
    }


def test_copy_source_conditions_exact_headers() -> None:
    when = datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert read_conditions(
        if_match="*",
        if_none_match='W/"x"',
        if_modified_since=when,
        if_unmodified_since=when,
        prefix="x-amz-copy-source-",
    ) == {
        "x-amz-copy-source-if-match": "*",
        "x-amz-copy-source-if-none-match": 'W/"x"',
        "x-amz-copy-source-if-modified-since": "Mon, 05 Jan 2026 00:00:00 GMT",
        "x-amz-copy-source-if-unmodified-since": "Mon, 05 Jan 2026 00:00:00 GMT",
    }


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("abc", '"abc"'),
        ('  "abc"  ', '"abc"'),
        ("  abc ", '"abc"'),
        ('W/"abc"', 'W/"abc"'),
        ("*", "*"),
        (" * ", "*"),
        ('""', '""'),
        ("a\tb", '"a\tb"'),
    ],
)
def test_etag_forms(given: str, sent: str) -> None:
    assert read_conditions(if_match=given) == {"If-Match": sent}


@pytest.mark.parametrize("bad", ['"', 'ab"', '"ab', 'a"b'])
def test_a_stray_quote_is_refused(bad: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        read_conditions(if_none_match=bad)
    assert str(exc.value) == f"if_none_match must be an ETag, quoted or not: {bad!r}"


def test_etag_refusals_name_the_argument() -> None:
    with pytest.raises(TypeError, match=r"^if_match must be a str \(an ETag\), not int$"):
        read_conditions(if_match=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^source_if_none_match must be a str \(an ETag\), not"):
        read_conditions(if_none_match=b"x", prefix="x-amz-copy-source-")  # type: ignore[arg-type]
    for bad in ("", "  ", "é"):
        with pytest.raises(InvalidArgument) as exc:
            read_conditions(if_match=bad)
        assert str(exc.value) == f"if_match must be a non-empty ASCII ETag: {bad!r}"
    with pytest.raises(
        InvalidArgument,
        match=r"^if_match may hold only visible ASCII, spaces and tabs: '\\r' at position 1$",
    ):
        read_conditions(if_match="a\rb")


def test_date_refusals_name_the_argument() -> None:
    naive = datetime(2026, 1, 1)
    with pytest.raises(TypeError, match=r"^if_modified_since must be a datetime, not str$"):
        read_conditions(if_modified_since="yesterday")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument,
        match=r"^source_if_unmodified_since must be timezone-aware "
        r"\(say datetime.now\(timezone.utc\)\)$",
    ):
        read_conditions(if_unmodified_since=naive, prefix="x-amz-copy-source-")
    with pytest.raises(InvalidArgument, match=r"^source_if_modified_since must be timezone"):
        read_conditions(if_modified_since=naive, prefix="x-amz-copy-source-")
    with pytest.raises(InvalidArgument, match=r"^if_unmodified_since must be timezone"):
        read_conditions(if_unmodified_since=naive)


def test_a_tzinfo_without_an_offset_is_naive() -> None:
    class Vague(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta | None:
            return None

    when = datetime(2026, 1, 1, tzinfo=Vague())
    with pytest.raises(InvalidArgument, match=r"^if_modified_since must be timezone-aware"):
        read_conditions(if_modified_since=when)


def test_write_conditions_exact() -> None:
    assert write_conditions() == {}
    assert write_conditions(if_none_match="*") == {"If-None-Match": "*"}
    assert write_conditions(if_match="abc") == {"If-Match": '"abc"'}
    assert write_conditions(if_match='"abc"') == {"If-Match": '"abc"'}


def test_write_conditions_refusals() -> None:
    with pytest.raises(TypeError, match=r"^if_none_match must be a str, not int$"):
        write_conditions(if_none_match=1)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument, match=r"^if_none_match on a write must be '\*' \(create only\): 'abc'$"
    ):
        write_conditions(if_none_match="abc")
    with pytest.raises(
        InvalidArgument, match=r"^give if_match or if_none_match on a write, not both$"
    ):
        write_conditions(if_none_match="*", if_match="abc")
    with pytest.raises(InvalidArgument, match=r"^if_match must be an ETag, not '\*'$"):
        write_conditions(if_match="*")
    with pytest.raises(InvalidArgument, match=r"^if_match must be a non-empty ASCII ETag: ''$"):
        write_conditions(if_match="")


OFFSETS = st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)


@given(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 1, 1), timezones=OFFSETS)
)
def test_http_date_is_the_fixed_form_in_utc(when: datetime) -> None:
    text = http_date(when)
    assert text == format_datetime(when.astimezone(timezone.utc), usegmt=True)
    assert parse_http_date(text) == when.replace(microsecond=0)


def test_read_conditions_quote_etags_and_name_copy_source_headers() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert read_conditions(
        if_match="abc", if_none_match='"def"', if_modified_since=when, if_unmodified_since=when
    ) == {
        "If-Match": '"abc"',
        "If-None-Match": '"def"',
        "If-Modified-Since": "Mon, 06 May 2024 05:08:09 GMT",
        "If-Unmodified-Since": "Mon, 06 May 2024 05:08:09 GMT",
    }
    assert read_conditions(if_match="*", if_none_match='W/"x"') == {
        "If-Match": "*",
        "If-None-Match": 'W/"x"',
    }
    assert read_conditions(if_none_match="abc-2", prefix=COPY_SOURCE_PREFIX) == {
        "x-amz-copy-source-if-none-match": '"abc-2"'
    }
    assert read_conditions() == {}


def test_write_conditions() -> None:
    assert write_conditions(if_none_match="*") == {"If-None-Match": "*"}
    assert write_conditions(if_match="abc") == {"If-Match": '"abc"'}
    with pytest.raises(InvalidArgument, match="not both"):
        write_conditions(if_match="abc", if_none_match="*")
    with pytest.raises(InvalidArgument, match="'\\*'"):
        write_conditions(if_match="*")

"""The shortcuts of the signing hot path give exactly what the plain computation gives."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import signing


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_trimming_a_header_value(value: str) -> None:
    assert signing._trim(value) == " ".join(value.split())


@given(st.lists(st.datetimes(timezones=st.just(timezone.utc)), min_size=1, max_size=20))
def test_the_date_of_the_same_second_is_reused_and_no_other(moments: list[datetime]) -> None:
    for moment in moments:
        assert signing.amz_date(moment) == moment.strftime("%Y%m%dT%H%M%SZ")


def test_amz_date_across_a_second_and_time_zones() -> None:
    before = datetime(2026, 12, 7, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    assert signing.amz_date(before) == "20261207T235959Z"
    assert signing.amz_date(before + timedelta(microseconds=1)) == "20261208T000000Z"
    paris = timezone(timedelta(hours=1))
    assert signing.amz_date(datetime(2026, 12, 8, 1, 0, 0, tzinfo=paris)) == "20261208T000000Z"


def test_amz_date_either_side_of_the_epoch() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert signing.amz_date(epoch + timedelta(milliseconds=500)) == "19700101T000000Z"
    assert signing.amz_date(epoch - timedelta(milliseconds=500)) == "19691231T235959Z"

"""Unit-test fixtures.

The pure core keeps a few memo caches (the signing key per day, the ``X-Amz-Date`` of the current
second, parsed timestamps, CRC combination powers). Each unit test starts with them empty, so a
test exercises the code that fills them, not a value an earlier test left behind: otherwise a
fault in that code could go unnoticed depending on the order tests run in (mutation testing,
which runs tests in processes forked after a full run, sees exactly that).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from aiominio.core import checksums, signing, xmlparse


def _clear() -> None:
    signing.signing_key.cache_clear()
    signing._AMZ_DATE = (None, "")
    xmlparse._DATETIMES.clear()
    checksums._x2n.cache_clear()
    checksums._x8n.cache_clear()


@pytest.fixture(autouse=True)
def _empty_memo_caches() -> Iterator[None]:
    _clear()
    yield
    _clear()


@pytest.fixture
def local_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the process's local time zone for one test, as a POSIX ``TZ`` string (``"JST-9"`` is
    UTC+9; no time zone database needed); the zone is restored afterwards. Skipped where
    ``time.tzset`` does not exist (not POSIX)."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset (POSIX)")

    def set_zone(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()

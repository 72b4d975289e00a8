"""Unit-test fixtures.

The pure core keeps a few memo caches (the signing key per day, the ``X-Amz-Date`` of the current
second, parsed timestamps, CRC combination powers). Each unit test starts with them empty, so a
test exercises the code that fills them, not a value an earlier test left behind: otherwise a
fault in that code could go unnoticed depending on the order tests run in (mutation testing,
which runs tests in processes forked after a full run, sees exactly that).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aiominio.core import checksums, signing, xml


def _clear() -> None:
    signing.signing_key.cache_clear()
    signing._AMZ_DATE = (None, "")
    xml._DATETIMES.clear()
    checksums._x2n.cache_clear()
    checksums._x8n.cache_clear()


@pytest.fixture(autouse=True)
def _empty_memo_caches() -> Iterator[None]:
    _clear()
    yield
    _clear()

"""The durations and sizes the explore commands take (:mod:`aiominio.cli.explore`)."""

from __future__ import annotations

from datetime import timedelta

import click
import pytest

from aiominio.cli.explore import parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", 90), ("15m", 900), ("12h", 43200), ("7d", 604800), ("2w", 1209600), (" 1d ", 86400)],
)
def test_durations(text: str, expected: int) -> None:
    assert parse_duration(text) == timedelta(seconds=expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("512", 512), ("64K", 65536), ("10M", 10 << 20), ("2g", 2 << 30), ("1TiB", 1 << 40)],
)
def test_sizes(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "1.5h", "-1d", "7 days"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(click.BadParameter, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["", "M", "1.5M", "-1", "10X"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(click.BadParameter, match="size"):
        parse_size(text)

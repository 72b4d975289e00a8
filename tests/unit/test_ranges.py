"""The check of an answer to a Range request, without a server."""

from __future__ import annotations

import pytest

from aiominio.core.planning import parse_content_range, range_answer_problem


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes 0-9/10", (0, 9, 10)),
        ("bytes 5-9/*", (5, 9, None)),
        ("bytes 5-9/9", None),  # past the end
        ("bytes 9-5/10", None),
        ("bytes -5/10", None),
        ("items 0-9/10", None),
        ("bytes 0-9/ten", None),
        ("", None),
    ],
)
def test_parse_content_range(value: str, parsed: tuple[int, int, int | None] | None) -> None:
    assert parse_content_range(value) == parsed


def _problem(status: int, cr: str | None, offset: int, length: int | None, **kw: int) -> str | None:
    headers = {} if cr is None else {"content-range": cr}
    return range_answer_problem(status, headers, offset, length, **kw)


def test_the_range_asked_for_passes() -> None:
    assert _problem(206, "bytes 10-19/100", 10, 10) is None
    assert _problem(206, "bytes 10-99/100", 10, None, total=100) is None
    assert _problem(206, "bytes 90-99/100", 90, 50) is None  # clipped at the end
    headers = {"content-range": "bytes 10-19/100", "content-length": "10"}
    assert range_answer_problem(206, headers, 10, 10) is None


@pytest.mark.parametrize(
    ("status", "cr", "offset", "length", "total", "says"),
    [
        (200, None, 10, None, None, "Range was ignored"),
        (206, None, 10, None, None, "unusable"),
        (206, "bytes 0-99/100", 10, None, None, "from 10"),
        (206, "bytes 10-99/100", 10, None, 200, "was 200 bytes"),
        (206, "bytes 10-29/100", 10, 10, None, "asked for 10 bytes"),
    ],
)
def test_anything_else_is_a_problem(
    status: int, cr: str | None, offset: int, length: int | None, total: int | None, says: str
) -> None:
    problem = range_answer_problem(
        status, {} if cr is None else {"content-range": cr}, offset, length, total
    )
    assert problem is not None and says in problem


def test_content_length_must_agree() -> None:
    headers = {"content-range": "bytes 10-19/100", "content-length": "100"}
    assert "disagree" in (range_answer_problem(206, headers, 10, 10) or "")

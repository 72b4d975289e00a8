"""The timeouts of a transport (:mod:`aiominio.transport.timeouts`): their defaults, the
positions and the checks of :class:`~aiominio.Timeouts`, and their translation into aiohttp's
timeouts for one attempt."""

from __future__ import annotations

import aiohttp
import pytest

import aiominio
from aiominio.transport import Timeouts


def test_default_timeouts_allow_long_transfers() -> None:
    t = aiominio.Timeouts()
    assert t.attempt is None, "an attempt timeout would cut off a 50 GB download"
    assert t.deadline is None, "a deadline would cut off a 50 GB download"
    assert t.read is not None and t.read > 0, "a stalled socket must still be caught"
    assert t.connect is not None and t.connect > 0


def test_timeouts_keep_their_old_positions() -> None:
    """``Timeouts(connect, read, total, pool)`` as before; the new bounds are keyword-only."""
    with pytest.warns(DeprecationWarning, match="deadline"):
        t = aiominio.Timeouts(30, 60, 120, 10)
    assert (t.connect, t.read, t.deadline, t.pool, t.attempt) == (30, 60, 120, 10, None)
    with pytest.raises(TypeError):
        aiominio.Timeouts(1, 2, 3, 4, 5)  # type: ignore[misc]
    for bad in (0, -1, float("nan")):
        with pytest.raises(aiominio.InvalidArgument, match=r"Timeouts\.deadline"):
            aiominio.Timeouts(deadline=bad)
    with pytest.raises(TypeError):
        aiominio.Timeouts(read="5")  # type: ignore[arg-type]


def test_the_deprecated_total_gives_way_to_an_explicit_deadline() -> None:
    with pytest.warns(DeprecationWarning, match="deadline"):
        t = Timeouts(total=120, deadline=30)
    assert t.deadline == 30


@pytest.mark.parametrize("name", ["connect", "read", "attempt", "deadline", "pool"])
def test_every_bound_refuses_a_boolean_and_a_non_positive_number(name: str) -> None:
    with pytest.raises(TypeError, match=rf"Timeouts\.{name}"):
        Timeouts(**{name: True})
    with pytest.raises(aiominio.InvalidArgument, match=rf"Timeouts\.{name}"):
        Timeouts(**{name: 0})
    assert getattr(Timeouts(**{name: 0.5}), name) == 0.5


def test_each_bound_goes_to_its_own_aiohttp_timeout() -> None:
    # aiohttp's connect covers the wait for the pool and the connect together: it is the pool
    # bound; its sock_connect is the connect alone.
    t = Timeouts(connect=1, read=2, pool=3, attempt=4, deadline=50)
    assert t.to_aiohttp() == aiohttp.ClientTimeout(total=4, connect=3, sock_connect=1, sock_read=2)


def test_the_default_timeouts_bound_no_whole_attempt() -> None:
    assert Timeouts().to_aiohttp() == aiohttp.ClientTimeout(
        total=None, connect=None, sock_connect=30.0, sock_read=60.0
    )


@pytest.mark.parametrize(
    ("attempt", "remaining", "total"),
    [(None, 7.5, 7.5), (4.0, 7.5, 4.0), (10.0, 2.5, 2.5), (4.0, None, 4.0)],
)
def test_an_attempt_ends_at_its_own_bound_or_the_deadline_whichever_comes_first(
    attempt: float | None, remaining: float | None, total: float
) -> None:
    assert Timeouts(attempt=attempt).to_aiohttp(remaining).total == total

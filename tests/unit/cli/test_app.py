"""The options every command shares, as the library's values."""

from __future__ import annotations

from aiominio import RetryPolicy, Timeouts
from aiominio.cli.app import Settings


def settings(
    *,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    deadline: float | None = None,
    max_attempts: int | None = None,
) -> Settings:
    return Settings(
        None,
        None,
        None,
        False,
        False,
        max_attempts,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
    )


def test_timeouts_not_given_keep_the_library_defaults() -> None:
    assert settings().timeouts() == Timeouts()
    assert settings().retry() is None


def test_given_timeouts_and_attempts_map_onto_the_library() -> None:
    chosen = settings(connect_timeout=1.5, read_timeout=7, deadline=90, max_attempts=1)
    assert chosen.timeouts() == Timeouts(connect=1.5, read=7, deadline=90)
    retry = chosen.retry()
    assert isinstance(retry, RetryPolicy) and retry.max_attempts == 1


def test_zero_turns_a_limit_off() -> None:
    off = settings(connect_timeout=0, read_timeout=0, deadline=0).timeouts()
    assert (off.connect, off.read, off.deadline) == (None, None, None)

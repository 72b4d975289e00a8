"""Which answers the retry policy tries again, and its budget of attempts and time."""

from __future__ import annotations

import random

import pytest

import aiominio
from aiominio.core.retry import RetryPolicy


def test_a_body_corrupted_on_the_way_is_sent_again() -> None:
    bad = aiominio.S3Error.from_code("BadDigest", "The Content-MD5 you specified did not match")
    assert isinstance(bad, aiominio.BadDigest)
    assert RetryPolicy.retryable(bad)


def test_other_client_errors_are_not_retried() -> None:
    for code in ("AccessDenied", "NoSuchKey", "InvalidArgument", "EntityTooLarge"):
        assert not RetryPolicy.retryable(aiominio.S3Error.from_code(code, status=400))


class Ceiling(random.Random):
    """Full jitter at its ceiling: every wait is the longest the backoff allows."""

    def uniform(self, a: float, b: float) -> float:
        return b


TRANSIENT = aiominio.S3Error.from_code("SlowDown", status=503)


def test_the_budget_is_attempts_and_time() -> None:
    policy = RetryPolicy(max_attempts=4, max_retry_time=10.0)
    assert [policy.may_retry(TRANSIENT, n, elapsed=0.0) for n in (1, 2, 3, 4)] == [
        True,
        True,
        True,
        False,
    ]
    assert policy.may_retry(TRANSIENT, 1, elapsed=9.99)
    assert not policy.may_retry(TRANSIENT, 1, elapsed=10.0)
    assert not policy.may_retry(aiominio.S3Error.from_code("AccessDenied", status=403), 1, 0.0)
    assert RetryPolicy(max_attempts=100, max_retry_time=None).may_retry(TRANSIENT, 99, 1e9)


def test_a_wait_never_runs_past_the_time_budget() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, max_retry_time=5.0, rng=Ceiling())
    assert [policy.pause(n, elapsed=0.0) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.pause(3, elapsed=3.5) == 1.5
    assert policy.pause(1, elapsed=7.0) == 0.0
    assert RetryPolicy(base_delay=1.0, max_retry_time=None, rng=Ceiling()).pause(3, 1e9) == 4.0


def test_the_default_waits_span_half_a_minute_within_the_time_budget() -> None:
    policy = RetryPolicy(rng=Ceiling())
    assert policy.max_attempts == 10 and policy.max_retry_time == 60.0
    waits = [policy.delay(n) for n in range(1, policy.max_attempts)]
    assert 30 < sum(waits) < 60  # the longest the nine waits can be, all under the time budget


@pytest.mark.parametrize(
    ("value", "error"),
    [(0, aiominio.InvalidArgument), (-1.0, aiominio.InvalidArgument), ("60", TypeError)],
)
def test_a_bad_time_budget_is_refused(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_retry_time"):
        RetryPolicy(max_retry_time=value)  # type: ignore[arg-type]

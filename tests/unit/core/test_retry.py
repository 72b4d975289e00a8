"""The retry policy's two decisions on their own: ``retryable`` (which failures are worth another
attempt) and ``delay`` (the backoff ceiling doubling from ``base_delay`` up to ``max_delay``,
with full jitter between 0 and the ceiling)."""

from __future__ import annotations

import random
import re

import pytest

import aiominio
from aiominio.core.retry import RESEND_CODES, TRANSIENT_CODES, TRANSIENT_STATUSES, RetryPolicy
from aiominio.errors import (
    ConnectError,
    InvalidResponseError,
    PoolTimeout,
    RequestTimeout,
    S3Error,
    TLSError,
    TransportError,
)


class Recording(random.Random):
    """Answers the middle of the range asked for and records each range."""

    def __init__(self) -> None:
        super().__init__(0)
        self.asked: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.asked.append((a, b))
        return (a + b) / 2


def test_delay_doubles_from_the_base_up_to_the_ceiling() -> None:
    rng = Recording()
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, rng=rng)
    waits = [policy.delay(n) for n in (1, 2, 3, 4, 5)]
    assert rng.asked == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 3.0), (0, 3.0)]
    assert waits == [0.25, 0.5, 1.0, 1.5, 1.5]


def test_the_default_backoff() -> None:
    rng = Recording()
    policy = RetryPolicy(rng=rng)
    assert (policy.base_delay, policy.max_delay, policy.max_retry_time) == (0.1, 10.0, 60.0)
    for n in range(1, 10):
        policy.delay(n)
    ceilings = [b for _, b in rng.asked]
    assert ceilings == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 10.0, 10.0])


def test_delay_is_jittered_within_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0, rng=random.Random(7))
    waits = [policy.delay(3) for _ in range(200)]
    assert all(0 <= w <= 4.0 for w in waits)
    assert len(set(waits)) > 100  # not a constant: full jitter
    assert max(waits) > 3.0 and min(waits) < 1.0


def test_zero_delays_never_wait() -> None:
    policy = RetryPolicy(base_delay=0.0, max_delay=0.0)
    assert [policy.delay(n) for n in (1, 5, 50)] == [0.0, 0.0, 0.0]
    assert policy.pause(1, elapsed=0.0) == 0.0


@pytest.mark.parametrize("code", sorted(TRANSIENT_CODES | RESEND_CODES))
def test_transient_codes_are_retried_whatever_the_status(code: str) -> None:
    assert RetryPolicy.retryable(S3Error(code, status=400))


@pytest.mark.parametrize("status", sorted(TRANSIENT_STATUSES))
def test_transient_statuses_are_retried_whatever_the_code(status: int) -> None:
    assert RetryPolicy.retryable(S3Error("SomethingElse", status=status))


@pytest.mark.parametrize("status", [400, 403, 404, 409, 412, 416, 501, 505])
def test_other_statuses_are_not_retried(status: int) -> None:
    assert not RetryPolicy.retryable(S3Error("SomethingElse", status=status))


def test_transport_failures() -> None:
    assert RetryPolicy.retryable(TransportError("reset"))
    assert RetryPolicy.retryable(ConnectError("refused"))
    assert RetryPolicy.retryable(RequestTimeout("slow"))
    assert not RetryPolicy.retryable(TLSError("untrusted certificate"))
    assert not RetryPolicy.retryable(PoolTimeout("pool full"))


@pytest.mark.parametrize(
    ("status", "retried"),
    [(None, True), (200, True), (500, True), (503, True), (400, False), (404, False), (501, False)],
)
def test_unusable_answers(status: int | None, retried: bool) -> None:
    assert RetryPolicy.retryable(InvalidResponseError("cut off", status=status)) is retried


def test_anything_else_is_not_retried() -> None:
    for exc in (ValueError("x"), OSError("x"), aiominio.InvalidArgument("x"), KeyboardInterrupt()):
        assert not RetryPolicy.retryable(exc)


def _exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def test_the_policy_checks_its_own_settings() -> None:
    for bad in (0, -1):
        with pytest.raises(
            aiominio.InvalidArgument, match=_exactly("max_attempts must be at least 1")
        ):
            RetryPolicy(max_attempts=bad)
    for bad_type in (True, 2.0, "3"):
        with pytest.raises(TypeError, match=_exactly("max_attempts must be an int")):
            RetryPolicy(max_attempts=bad_type)  # type: ignore[arg-type]
    for delays in ({"base_delay": -0.1}, {"max_delay": -1}):
        with pytest.raises(aiominio.InvalidArgument, match=_exactly("delays must not be negative")):
            RetryPolicy(**delays)  # type: ignore[arg-type]
    for bad_time in (True, "60"):
        with pytest.raises(
            TypeError, match=_exactly("max_retry_time must be a number of seconds or None")
        ):
            RetryPolicy(max_retry_time=bad_time)  # type: ignore[arg-type]
    for nonpositive in (0, -1.0):
        with pytest.raises(
            aiominio.InvalidArgument, match=_exactly("max_retry_time must be positive (or None)")
        ):
            RetryPolicy(max_retry_time=nonpositive)
    RetryPolicy(max_attempts=1, base_delay=0, max_delay=0, max_retry_time=1)  # the edges are fine
    assert RetryPolicy(max_retry_time=None).may_retry(TransportError("x"), 1, 1e9)
    assert not RetryPolicy(max_attempts=1).may_retry(TransportError("x"), 1, 0.0)


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

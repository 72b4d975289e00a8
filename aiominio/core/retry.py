"""The retry policy: which failures are retried, and how long to wait in between.

Modelled on the AWS SDKs' "standard" mode: exponential backoff with full jitter, a bounded number
of attempts, retrying transport failures and the transient or throttling answers
(``RequestTimeout`` among them, though its status is 400) and a body the server found corrupted
(``BadDigest``: it is sent again, byte for byte), never another client error. Pure: the random
source is a parameter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from aiominio.errors import (
    InvalidArgument,
    InvalidResponseError,
    PoolTimeout,
    ProxyAuthError,
    S3Error,
    TLSError,
    TransportError,
)

#: S3 error codes that say "try again".
TRANSIENT_CODES = frozenset(
    {
        "InternalError",
        "ServiceUnavailable",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "TransactionInProgressException",
        "IDPCommunicationError",
    }
)
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
#: Client errors worth one more try because every request body is buffered and sent again byte
#: for byte: a body that was corrupted on the way (it did not match its checksum) arrives intact.
RESEND_CODES = frozenset({"BadDigest"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: a budget of attempts and of time.

    A request is retried while both last: attempts remain, and less than ``max_retry_time`` has
    passed since its first failure. With the defaults an outage of some 15 to 30 seconds is
    ridden out (backoff ceilings 0.1, 0.2, ... 6.4, then 10 s: the nine waits between ten attempts
    add up to about 16 s on average, at most 33 s), and a server that stays down, even one that
    lets every attempt run into its timeouts, fails the call within ``max_retry_time`` plus the
    last attempt's own timeouts.

    Attributes:
        max_attempts: attempts in all, the first included (1 disables retries).
        base_delay: the first backoff ceiling, in seconds; it doubles on every retry.
        max_delay: the largest backoff ceiling, in seconds.
        max_retry_time: seconds from a request's first failure after which no further attempt
            starts (``None``: attempts alone bound the retries). A wait is cut short so that the
            last attempt starts within it.
    """

    max_attempts: int = 10
    base_delay: float = 0.1
    max_delay: float = 10.0
    max_retry_time: float | None = 60.0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise TypeError("max_attempts must be an int")
        if self.max_attempts < 1:
            raise InvalidArgument("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise InvalidArgument("delays must not be negative")
        if self.max_retry_time is not None:
            if isinstance(self.max_retry_time, bool) or not isinstance(
                self.max_retry_time, (int, float)
            ):
                raise TypeError("max_retry_time must be a number of seconds or None")
            if not self.max_retry_time > 0:
                raise InvalidArgument("max_retry_time must be positive (or None)")

    def may_retry(self, exc: BaseException, attempt: int, elapsed: float) -> bool:
        """Whether to make attempt ``attempt + 1`` after ``exc``, ``elapsed`` seconds after the
        request first failed."""
        if attempt >= self.max_attempts or not self.retryable(exc):
            return False
        return self.max_retry_time is None or elapsed < self.max_retry_time

    def pause(self, attempt: int, elapsed: float) -> float:
        """Seconds to wait before attempt ``attempt + 1``: the backoff, cut short so the attempt
        starts within ``max_retry_time``."""
        wait = self.delay(attempt)
        if self.max_retry_time is not None:
            wait = min(wait, max(0.0, self.max_retry_time - elapsed))
        return wait

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (full jitter: uniform in 0..ceiling)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return self.rng.uniform(0, ceiling)

    @staticmethod
    def retryable(exc: BaseException) -> bool:
        """Whether a failure is transient: worth another attempt."""
        if isinstance(exc, (TLSError, PoolTimeout, ProxyAuthError)):
            # An untrusted certificate stays untrusted, refused proxy credentials stay refused;
            # a pool limit the caller set is theirs.
            return False
        if isinstance(exc, TransportError):
            return True
        if isinstance(exc, S3Error):
            if exc.code in TRANSIENT_CODES or exc.status in TRANSIENT_STATUSES:
                return True
            return exc.code in RESEND_CODES
        if isinstance(exc, InvalidResponseError):
            # A proxy's HTML error page or a cut-off XML answer on a 5xx (or a 200 whose body
            # broke off) is transient; a malformed answer to a 4xx is not.
            return exc.status is None or exc.status in TRANSIENT_STATUSES or exc.status == 200
        return False

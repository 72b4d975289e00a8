"""Which answers the retry policy tries again."""

from __future__ import annotations

import aiominio
from aiominio.core.retry import RetryPolicy


def test_a_body_corrupted_on_the_way_is_sent_again() -> None:
    bad = aiominio.S3Error.from_code("BadDigest", "The Content-MD5 you specified did not match")
    assert isinstance(bad, aiominio.BadDigest)
    assert RetryPolicy.retryable(bad)


def test_other_client_errors_are_not_retried() -> None:
    for code in ("AccessDenied", "NoSuchKey", "InvalidArgument", "EntityTooLarge"):
        assert not RetryPolicy.retryable(aiominio.S3Error.from_code(code, status=400))

"""No secret key or session token in any repr, str, exception or log line of the operations.

(Presigned URLs and POST forms carry the session token by design, as S3 requires; they are the
one output that must, and are left out of the search.)"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from tests.integration.conftest import empty_and_remove, unique_bucket

TOKEN = "SessionTokenThatMustNeverLeak0123456789"


async def _exercise(client: aiominio.Client, seen: list[Any], region: str | None = None) -> None:
    """Successful and failing operations; everything they return or raise goes into ``seen``.
    ``region``: where re-creating one's own bucket is an error (moto allows it in us-east-1)."""
    seen += [client, client.endpoint]
    bucket = unique_bucket("sec")
    await client.make_bucket(bucket, region=region)
    try:
        seen.append(await client.put_object(bucket, "k", b"data", metadata={"a": "b"}))
        seen.append(await client.stat_object(bucket, "k"))
        seen.append([o async for o in client.list_objects(bucket)])
        seen.append(await client.list_buckets())
        async with client.get_object(bucket, "k") as obj:
            seen += [obj, obj.stat]
        failing: list[tuple[type[aiominio.S3Error], Callable[[], Awaitable[object]]]] = [
            (aiominio.NoSuchKey, lambda: client.stat_object(bucket, "missing")),
            (aiominio.NoSuchBucket, lambda: client.remove_bucket(unique_bucket("none"))),
            (aiominio.BucketAlreadyOwnedByYou, lambda: client.make_bucket(bucket, region=region)),
        ]
        for expected, call in failing:
            with pytest.raises(expected) as info:
                await call()
            seen += [info.value, info.value.args, pickle.loads(pickle.dumps(info.value))]
    finally:
        await empty_and_remove(client, bucket)


def _search(seen: list[Any], records: list[logging.LogRecord], secrets: list[str]) -> None:
    texts = [repr(x) for x in seen] + [str(x) for x in seen]
    texts += [r.getMessage() for r in records] + [repr(r.args) for r in records]
    for secret in secrets:
        assert len(secret) >= 8  # a short "secret" would be found by chance, or always
        leaks = [t for t in texts if secret in t]
        assert not leaks, f"a secret leaked into: {leaks[0][:200]}"


async def test_no_secret_anywhere(
    seaweedfs_server: testing.LocalServer,
    moto_server: testing.LocalServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[Any] = []
    async with seaweedfs_server.client() as client:
        await _exercise(client, seen)
    # A wrong secret produces signature errors that must not echo it.
    async with seaweedfs_server.client(secret_key="WrongSecretThatMustNotLeak") as wrong:
        with pytest.raises(aiominio.SignatureDoesNotMatch) as info:
            await wrong.list_buckets()
        seen += [wrong, info.value]
    # Temporary credentials with a session token, on moto.
    provider = cr.StaticProvider(cr.Credentials("ASIATEST", "TemporarySecret0123456789", TOKEN))
    async with aiominio.Client(moto_server.endpoint, credentials=provider) as client:
        await _exercise(client, seen, region="eu-west-1")
        seen += [provider, await provider.retrieve()]
    # Every failure happened and is searched, the original and its unpickled copy.
    failures = [aiominio.NoSuchKey, aiominio.NoSuchBucket, aiominio.BucketAlreadyOwnedByYou]
    exercised = [kind for kind in failures for _ in range(2)]
    errors = [type(x) for x in seen if isinstance(x, aiominio.AiominioError)]
    assert errors == [*exercised, aiominio.SignatureDoesNotMatch, *exercised]
    _search(
        seen,
        caplog.records,
        [
            seaweedfs_server.secret_key,
            "WrongSecretThatMustNotLeak",
            "TemporarySecret0123456789",
            TOKEN,
        ],
    )

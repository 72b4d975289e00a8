"""No secret key, session token or SSE-C key in any repr, str, exception or log line of the
operations.

(Presigned URLs and POST forms carry the session token by design, as S3 requires; they are the
one output that must, and are left out of the search.)"""

from __future__ import annotations

import base64
import logging
import pickle
from collections.abc import Awaitable, Callable
from pathlib import Path
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


CUSTOMER_KEY = b"CustomerKeyThatMustNeverLeak0123"


async def test_no_customer_key_anywhere(
    tls_seaweedfs: testing.LocalServer,
    tls_ca_bundle: str,
    moto_server: testing.LocalServer,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    """An SSE-C key in no repr, str, exception or log: of the key, the operations' results and
    the server's refusals (no key, another key), nor of the client's own (a key over HTTP)."""
    caplog.set_level(logging.DEBUG)
    key = aiominio.SseCustomerKey(CUSTOMER_KEY)
    other = aiominio.SseCustomerKey(CUSTOMER_KEY[::-1])
    seen: list[Any] = [key, other]
    async with tls_seaweedfs.client(ssl_context=tls_ca_bundle) as client:
        bucket = unique_bucket("ssec")
        await client.make_bucket(bucket)
        try:
            seen.append(await client.put_object(bucket, "k", b"data", sse=key))
            seen.append(await client.stat_object(bucket, "k", sse=key))
            seen.append(await client.copy_object(bucket, "c", bucket, "k", source_sse=key, sse=key))
            seen.append(await client.fget_object(bucket, "c", tmp_path / "c", sse=key))
            async with client.get_object(bucket, "k", sse=key) as obj:
                seen += [obj, obj.stat, await obj.read()]
            failing: list[Callable[[], Awaitable[object]]] = [
                lambda: client.stat_object(bucket, "k", sse=other),
                lambda: client.stat_object(bucket, "k"),
                lambda: client.copy_object(bucket, "d", bucket, "k", source_sse=other),
                lambda: client.fget_object(bucket, "k", tmp_path / "k", sse=other),
            ]
            for call in failing:
                with pytest.raises(aiominio.S3Error) as info:
                    await call()
                seen += [info.value, info.value.args, pickle.loads(pickle.dumps(info.value))]
            with pytest.raises(aiominio.AccessDenied) as denied:
                async with client.get_object(bucket, "k", sse=other) as obj:
                    await obj.read()
            seen.append(denied.value)
        finally:
            await empty_and_remove(client, bucket)
    async with moto_server.client() as plain:
        with pytest.raises(aiominio.InvalidArgument) as refused:
            await plain.put_object("b", "k", b"x", sse=key)
        seen.append(refused.value)
    with pytest.raises(aiominio.InvalidArgument) as short:
        aiominio.SseCustomerKey(CUSTOMER_KEY[:31])
    seen.append(short.value)
    assert sum(isinstance(x, aiominio.S3Error) for x in seen) == 2 * len(failing) + 1
    raw = CUSTOMER_KEY.decode()
    _search(
        seen,
        caplog.records,
        [raw, raw[:31], base64.b64encode(CUSTOMER_KEY).decode(), CUSTOMER_KEY.hex()],
    )

"""No secret key, session token or SSE-C key in any repr, str, exception or log line of the
operations.

(Presigned URLs and POST forms carry the session token by design, as S3 requires; they are the
one output that must, and are left out of the search.)"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import pickle
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from tests.chains import reachable
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
    assert any(r.name == "aiominio.trace" for r in caplog.records)  # the trace is searched too
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
    assert any(r.name == "aiominio.trace" for r in caplog.records)  # the trace is searched too
    raw = CUSTOMER_KEY.decode()
    _search(
        seen,
        caplog.records,
        [raw, raw[:31], base64.b64encode(CUSTOMER_KEY).decode(), CUSTOMER_KEY.hex()],
    )


async def _raw_server(
    answer: bytes, tls: ssl.SSLContext, *, close: bool = True
) -> tuple[asyncio.Server, str]:
    """A loopback HTTPS server that sends ``answer`` to every request, as raw bytes."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
            if not close:
                await asyncio.sleep(30)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    return server, f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"


_FLOOD = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(200_000)) + b"\r\n"
_ANSWERS = {
    # aiohttp's parser refuses these, and its exception holds the request and its headers.
    "header flood": _FLOOD,
    "bad status line": b"HTTP/1.1 2000 WHAT\r\n\r\n",
    "bad header": b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
    "short body": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc",
    "error": (
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 41\r\n\r\n"
        b"<Error><Code>AccessDenied</Code></Error>\n"
    ),
    "html": b"HTTP/1.1 502 Bad\r\nContent-Length: 13\r\n\r\n<html></html>",
}


@pytest.mark.parametrize("kind", [*_ANSWERS, "refused", "timeout"])
async def test_no_secret_in_any_exception_chain(kind: str, tls_ca: trustme.CA) -> None:
    """Every error a request can end in, walked through ``__cause__`` and ``__context__``: no
    session token, secret key or SSE-C key in any repr, str or args on the way."""
    secret, token = "SecretKeyThatMustNotLeak01", "TokenThatMustNotLeakInChains01"
    key = aiominio.SseCustomerKey(CUSTOMER_KEY)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    tls_ca.configure_trust(client_tls)
    servers: list[asyncio.Server] = []
    if kind == "refused":
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        url = f"https://127.0.0.1:{probe.sockets[0].getsockname()[1]}"
        probe.close()
        await probe.wait_closed()
    elif kind == "timeout":
        server, url = await _raw_server(b"", server_tls, close=False)
        servers.append(server)
    else:
        server, url = await _raw_server(_ANSWERS[kind], server_tls)
        servers.append(server)
    provider = cr.StaticProvider(cr.Credentials("ASIAKEY", secret, token))
    try:
        async with aiominio.Client(
            url,
            credentials=provider,
            ssl_context=client_tls,
            region="us-east-1",
            retry=aiominio.RetryPolicy(max_attempts=2, base_delay=0.01),
            timeouts=aiominio.Timeouts(read=0.5),
        ) as client:
            with pytest.raises(aiominio.AiominioError) as info:
                await client.stat_object("bkt", "k", sse=key)
            with pytest.raises(aiominio.AiominioError) as info_get:
                async with client.get_object("bkt", "k", sse=key) as obj:
                    await obj.read()
    finally:
        for server in servers:
            server.close()
    key_text = base64.b64encode(CUSTOMER_KEY).decode()
    for raised in (info.value, info_get.value):
        # The request went out (with the key and the token) and failed on the way back.
        assert isinstance(
            raised, (aiominio.TransportError, aiominio.InvalidResponseError, aiominio.S3Error)
        ), repr(raised)
        chain = reachable(raised)
        texts = [repr(e) for e in chain] + [str(e) for e in chain]
        texts += [repr(e.args) for e in chain] + [
            repr(vars(e)) for e in chain if hasattr(e, "__dict__")
        ]
        for needle in (secret, token, key_text, CUSTOMER_KEY.decode()):
            leaks = [t for t in texts if needle in t]
            assert not leaks, f"{kind}: {type(raised).__name__} chain leaks: {leaks[0][:300]}"

"""Server-side encryption against the real servers.

SSE-C runs against SeaweedFS over HTTPS (the ``tls_seaweedfs`` fixture): the client refuses to
send a key over plain HTTP, and SeaweedFS enforces the key (moto 5.2.5 accepts SSE-C but does
not enforce it, and is served over HTTP here, so it is not used for SSE-C). SSE-S3 runs on moto;
SeaweedFS 4.48 has no KMS configured and answers InternalError (a named skip). No server here
has a KMS: moto records an SSE-KMS key id and answers it back without encrypting anything, and
the headers themselves are tested in tests/unit/core/test_sse.py.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import ssl
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import aiominio
from aiominio import testing
from aiominio.transfer.files import partial_path
from aiominio.transfer.reader import ObjectReader
from tests.conftest import Traced
from tests.integration.conftest import StartWebServer, empty_and_remove, unique_bucket

MiB = 1 << 20
#: For the answers SeaweedFS gives features it lacks (InternalError), which are retried else.
NO_RETRY = aiominio.RetryPolicy(max_attempts=1)


@pytest.fixture
async def sse_client(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str
) -> AsyncIterator[aiominio.Client]:
    async with tls_seaweedfs.client(ssl_context=tls_ca_bundle) as client:
        yield client


@pytest.fixture
async def tls_bucket(sse_client: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("sse")
    await sse_client.make_bucket(name)
    yield name
    await empty_and_remove(sse_client, name)


def new_key() -> aiominio.SseCustomerKey:
    return aiominio.SseCustomerKey(secrets.token_bytes(32))


async def test_ssec_put_get_stat(sse_client: aiominio.Client, tls_bucket: str) -> None:
    key = new_key()
    data = os.urandom(100_000)
    put = await sse_client.put_object(tls_bucket, "secret", data, sse=key)
    stat = await sse_client.stat_object(tls_bucket, "secret", sse=key)
    assert stat.size == len(data)
    assert stat.etag == put.etag
    async with sse_client.get_object(tls_bucket, "secret", sse=key) as obj:
        assert await obj.read() == data
        # The ETag of an SSE-C object is no MD5 of the data: only the CRC32 verifies it.
        assert obj.verified_by == "crc32"
    async with sse_client.get_partial_object(tls_bucket, "secret", 10, 20, sse=key) as obj:
        assert await obj.read() == data[10:30]


async def test_ssec_without_or_with_another_key_is_refused(
    sse_client: aiominio.Client, tls_bucket: str
) -> None:
    key = new_key()
    await sse_client.put_object(tls_bucket, "secret", b"hidden data", sse=key)
    # SeaweedFS 4.48: a GET without the key is an InvalidArgument (400), a HEAD a BadRequest
    # (400); another key is AccessDenied (403) for both.
    with pytest.raises(aiominio.S3Error) as info:
        async with sse_client.get_object(tls_bucket, "secret") as obj:
            await obj.read()
    assert (info.value.status, info.value.code) == (400, "InvalidArgument")
    assert "customer key" in info.value.message
    with pytest.raises(aiominio.S3Error) as info:
        await sse_client.stat_object(tls_bucket, "secret")
    assert info.value.status == 400
    with pytest.raises(aiominio.AccessDenied):
        async with sse_client.get_object(tls_bucket, "secret", sse=new_key()) as obj:
            await obj.read()
    with pytest.raises(aiominio.AccessDenied):
        await sse_client.stat_object(tls_bucket, "secret", sse=new_key())


async def test_ssec_multipart_put_and_fget(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str, tmp_path: Path, traced: Traced
) -> None:
    client, log = traced(tls_seaweedfs, ssl_context=tls_ca_bundle)
    bucket = unique_bucket("ssemp")
    await client.make_bucket(bucket)
    try:
        key = new_key()
        data = os.urandom(11 * MiB)
        await client.put_object(bucket, "big", data, part_size=5 * MiB, sse=key)
        parts = log.of("PUT", "partNumber=")
        assert len(parts) == 3
        assert all(p.headers.get("x-amz-server-side-encryption-customer-key") for p in parts)
        target = tmp_path / "big.bin"
        stat = await client.fget_object(bucket, "big", target, sse=key)
        assert target.read_bytes() == data
        assert stat.size == len(data)
        # The multipart ETag of an SSE-C object cannot be recomputed: no part HEADs asked.
        assert not log.of("HEAD", "partNumber=")
        async with client.get_object(bucket, "big", sse=key) as obj:
            assert await obj.read() == data
        src = tmp_path / "src.bin"
        src.write_bytes(data[: 6 * MiB])
        await client.fput_object(bucket, "from-file", src, part_size=5 * MiB, sse=key)
        async with client.get_object(bucket, "from-file", sse=key) as obj:
            assert await obj.read() == data[: 6 * MiB]
        with pytest.raises(aiominio.S3Error) as info:
            await client.stat_object(bucket, "from-file")
        assert info.value.status == 400
    finally:
        await empty_and_remove(client, bucket)


async def test_ssec_copy_with_source_key(sse_client: aiominio.Client, tls_bucket: str) -> None:
    first, second = new_key(), new_key()
    await sse_client.put_object(tls_bucket, "src", b"copy me", sse=first)
    await sse_client.copy_object(tls_bucket, "dst", tls_bucket, "src", source_sse=first, sse=second)
    async with sse_client.get_object(tls_bucket, "dst", sse=second) as obj:
        assert await obj.read() == b"copy me"
    with pytest.raises(aiominio.AccessDenied):
        await sse_client.stat_object(tls_bucket, "dst", sse=first)
    # Decrypted into a plain copy: readable without a key.
    await sse_client.copy_object(tls_bucket, "plain", tls_bucket, "src", source_sse=first)
    async with sse_client.get_object(tls_bucket, "plain") as obj:
        assert await obj.read() == b"copy me"


async def test_ssec_presigned_get_needs_the_headers(
    sse_client: aiominio.Client, tls_bucket: str, tls_ca_bundle: str
) -> None:
    key = new_key()
    await sse_client.put_object(tls_bucket, "shared", b"presigned secret", sse=key)
    url = await sse_client.presigned_get_object(tls_bucket, "shared", 300, sse=key)
    assert key.headers()["x-amz-server-side-encryption-customer-key"] not in url
    context = ssl.create_default_context(cafile=tls_ca_bundle)
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=key.headers(), ssl=context) as resp:
            assert resp.status == 200
            assert await resp.read() == b"presigned secret"
        async with session.get(url, ssl=context) as resp:
            assert resp.status == 403  # the signed SSE-C headers are missing


async def test_sse_s3(server: testing.LocalServer, traced: Traced) -> None:
    client, log = traced(server, retry=NO_RETRY)  # InternalError is retried otherwise
    bucket = unique_bucket("sses3")
    await client.make_bucket(bucket)
    try:
        try:
            await client.put_object(bucket, "k", b"server keys", sse=aiominio.SseS3())
        except aiominio.InternalError:
            if server.name == "seaweedfs":
                pytest.skip("SeaweedFS 4.48 has no KMS configured: SSE-S3 answers InternalError")
            raise
        stat = await client.stat_object(bucket, "k")
        assert stat.headers is not None
        assert stat.headers.get("x-amz-server-side-encryption") == "AES256"
        async with client.get_object(bucket, "k") as obj:
            assert await obj.read() == b"server keys"
        data = os.urandom(6 * MiB)
        await client.put_object(bucket, "big", data, part_size=5 * MiB, sse=aiominio.SseS3())
        # Asked for once, at CreateMultipartUpload; not on the parts.
        creates = log.of("POST", "uploads")
        assert creates[-1].headers.get("x-amz-server-side-encryption") == "AES256"
        parts = log.of("PUT", "partNumber=")
        assert parts and not any("x-amz-server-side-encryption" in p.headers for p in parts)
        async with client.get_object(bucket, "big") as obj:
            assert await obj.read() == data
        await client.copy_object(bucket, "copy", bucket, "k", sse=aiominio.SseS3())
        copied = await client.stat_object(bucket, "copy")
        assert copied.headers is not None
        assert copied.headers.get("x-amz-server-side-encryption") == "AES256"
    finally:
        await empty_and_remove(client, bucket)


async def test_ssec_resume_keeps_the_key_and_never_trusts_the_etag(
    web_server: StartWebServer,
) -> None:
    """An in-test server (plain HTTP, so the reader is built on the requester: the client's
    methods refuse SSE-C there) whose first answer breaks off halfway: the resumed request
    carries the key too. The ETag is the MD5 of the body, as SeaweedFS gives an SSE-C object,
    yet, read with a key, it is not taken as a verified digest: only the CRC32 is."""
    body = os.urandom(10_000)
    crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    headers = {"ETag": f'"{hashlib.md5(body).hexdigest()}"', "x-amz-checksum-crc32": crc}
    served = {"n": 0}

    async def get(request: web.Request) -> web.StreamResponse:
        served["n"] += 1
        rng = request.headers.get("Range")
        if rng is None:
            resp = web.StreamResponse(status=200, headers=headers)
            resp.content_length = len(body)
            await resp.prepare(request)
            await resp.write(body[:5000])
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("cut off on purpose")
        lo = int(rng.removeprefix("bytes=").rstrip("-"))
        content_range = f"bytes {lo}-{len(body) - 1}/{len(body)}"
        return web.Response(
            status=206, body=body[lo:], headers={**headers, "Content-Range": content_range}
        )

    server = await web_server(web.get("/bkt/k", get))
    key = new_key()
    async with (
        aiominio.Client(server.url, access_key="a", secret_key="b", region="us-east-1") as client,
        ObjectReader(client.requester, "bkt", "k", sse=key) as obj,
    ):
        assert await obj.read() == body
        assert obj.verified_by == "crc32"
    assert len(server.received) == 2
    for received in server.received:
        for name, value in key.headers().items():
            assert received.headers.get(name) == value
    assert server.received[1].headers.get("Range") == "bytes=5000-"
    # Without the CRC32 nothing verifies an SSE-C body (its ETag is no MD5 of the data).
    del headers["x-amz-checksum-crc32"]
    headers["ETag"] = '"00000000000000000000000000000000"'
    async with (
        aiominio.Client(server.url, access_key="a", secret_key="b", region="us-east-1") as client,
        ObjectReader(client.requester, "bkt", "k", sse=key) as obj,
    ):
        assert await obj.read() == body
        assert obj.verified_by is None


async def test_ssec_copy_in_parts(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str, traced: Traced
) -> None:
    """UploadPartCopy sends the destination's key with every part, and the source's key as
    ``x-amz-copy-source-server-side-encryption-customer-*``. SeaweedFS 4.48 accepts the part
    copies of a plain source into an SSE-C object but then answers InternalError to its GET, and
    answers NotImplemented to a part copy from an SSE-C source: what the client sends is checked,
    then the test is skipped, by name."""
    client, log = traced(tls_seaweedfs, ssl_context=tls_ca_bundle, retry=NO_RETRY)
    bucket = unique_bucket("ssecp")
    await client.make_bucket(bucket)
    try:
        first, second = new_key(), new_key()
        data = os.urandom(6 * MiB)
        await client.put_object(bucket, "plain", data)
        await client.copy_object(bucket, "enc", bucket, "plain", part_size=5 * MiB, sse=second)
        part_copies = [s for s in log.of("PUT", "partNumber=") if "x-amz-copy-source" in s.headers]
        assert len(part_copies) == 2
        for sent in part_copies:
            assert (
                sent.headers["x-amz-server-side-encryption-customer-key"]
                == (second.headers()["x-amz-server-side-encryption-customer-key"])
            )
        with pytest.raises(aiominio.S3Error):
            await client.stat_object(bucket, "enc")  # encrypted: not without the key
        try:
            async with client.get_object(bucket, "enc", sse=second) as obj:
                assert await obj.read() == data
        except aiominio.InternalError:
            if tls_seaweedfs.name != "seaweedfs":
                raise
            broken_get = True  # checked below, after the copy from an SSE-C source
        else:
            broken_get = False

        await client.put_object(bucket, "src", data, sse=first)
        try:
            await client.copy_object(
                bucket, "dst", bucket, "src", part_size=5 * MiB, source_sse=first, sse=second
            )
        except aiominio.S3Error as exc:
            if exc.code != "NotImplemented":
                raise
            sent = [s for s in log.of("PUT", "partNumber=") if "x-amz-copy-source" in s.headers]
            assert (
                sent[-1].headers["x-amz-copy-source-server-side-encryption-customer-key"]
                == first.headers()["x-amz-server-side-encryption-customer-key"]
            )
            assert [u async for u in client.list_incomplete_uploads(bucket)] == []  # aborted
            pytest.skip(
                "SeaweedFS 4.48: UploadPartCopy from an SSE-C source is NotImplemented"
                + ("; an SSE-C object copied in parts answers InternalError" if broken_get else "")
            )
        async with client.get_object(bucket, "dst", sse=second) as obj:
            assert await obj.read() == data
        assert not broken_get
    finally:
        await empty_and_remove(client, bucket)


async def test_ssec_presigned_put_needs_the_headers(
    sse_client: aiominio.Client, tls_bucket: str, tls_ca_bundle: str
) -> None:
    key = new_key()
    url = await sse_client.presigned_put_object(tls_bucket, "up", 300, sse=key)
    context = ssl.create_default_context(cafile=tls_ca_bundle)
    async with aiohttp.ClientSession() as session:
        async with session.put(url, data=b"no key", ssl=context) as resp:
            assert resp.status == 403  # the signed SSE-C headers are missing
        async with session.put(url, data=b"uploaded", headers=key.headers(), ssl=context) as resp:
            assert resp.status == 200
    async with sse_client.get_object(tls_bucket, "up", sse=key) as obj:
        assert await obj.read() == b"uploaded"
    with pytest.raises(aiominio.S3Error):
        await sse_client.stat_object(tls_bucket, "up")


async def test_sse_kms_as_the_server_records_it(server: testing.LocalServer) -> None:
    """Neither server has a KMS: moto 5.2.5 records the key id and answers it back (nothing is
    encrypted with it), which shows the headers arrive as S3 reads them; SeaweedFS refuses."""
    kms = aiominio.SseKms("arn:aws:kms:us-east-1:123456789012:key/test", {"team": "web"})
    async with server.client(retry=NO_RETRY) as client:
        bucket = unique_bucket("ssekms")
        await client.make_bucket(bucket)
        try:
            try:
                await client.put_object(bucket, "k", b"kms", sse=kms)
            except aiominio.S3Error as exc:
                if server.name == "seaweedfs":
                    pytest.skip(f"SeaweedFS 4.48 has no KMS configured: SSE-KMS answers {exc.code}")
                raise
            stat = await client.stat_object(bucket, "k")
            assert stat.headers is not None
            assert stat.headers.get("x-amz-server-side-encryption") == "aws:kms"
            assert stat.headers.get("x-amz-server-side-encryption-aws-kms-key-id") == kms.key_id
            async with client.get_object(bucket, "k") as obj:
                assert await obj.read() == b"kms"
        finally:
            await empty_and_remove(client, bucket)


async def test_ssec_fget_resumes_a_partial_file_with_the_key(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str, tmp_path: Path, traced: Traced
) -> None:
    client, log = traced(tls_seaweedfs, ssl_context=tls_ca_bundle)
    bucket = unique_bucket("ssefg")
    await client.make_bucket(bucket)
    try:
        key = new_key()
        data = os.urandom(100_000)
        await client.put_object(bucket, "k", data, sse=key)
        stat = await client.stat_object(bucket, "k", sse=key)
        target = tmp_path / "k.bin"
        Path(partial_path(str(target), stat.etag)).write_bytes(data[:40_000])
        await client.fget_object(bucket, "k", target, sse=key)
        assert target.read_bytes() == data
        # The first GET describes the object and is let go; the body comes from where the file
        # ends. Both carry the key (the first one too: the server answers nothing without it).
        first, resumed = log.of("GET", f"{bucket}/k")
        assert first.headers.get("Range") is None
        assert resumed.headers.get("Range") == "bytes=40000-"
        for get in (first, resumed):
            assert (
                get.headers["x-amz-server-side-encryption-customer-key"]
                == (key.headers()["x-amz-server-side-encryption-customer-key"])
            )
    finally:
        await empty_and_remove(client, bucket)


async def test_compose_with_sse_s3(server: testing.LocalServer, traced: Traced) -> None:
    """compose_object(sse=SseS3()) asks for the encryption once, at CreateMultipartUpload."""
    client, log = traced(server, retry=NO_RETRY)
    bucket = unique_bucket("cmps3")
    await client.make_bucket(bucket)
    try:
        first, second = os.urandom(5 * MiB), os.urandom(1000)
        await client.put_object(bucket, "a", first)
        await client.put_object(bucket, "b", second)
        sources = [aiominio.ComposeSource(bucket, "a"), aiominio.ComposeSource(bucket, "b")]
        try:
            await client.compose_object(bucket, "ab", sources, sse=aiominio.SseS3())
        except aiominio.InternalError:
            if server.name == "seaweedfs":
                pytest.skip("SeaweedFS 4.48 has no KMS configured: SSE-S3 answers InternalError")
            raise
        creates = log.of("POST", "uploads")
        assert creates[-1].headers.get("x-amz-server-side-encryption") == "AES256"
        parts = log.of("PUT", "partNumber=")
        assert len(parts) == 2
        assert not any("x-amz-server-side-encryption" in p.headers for p in parts)
        stat = await client.stat_object(bucket, "ab")
        assert stat.headers is not None
        assert stat.headers.get("x-amz-server-side-encryption") == "AES256"
        async with client.get_object(bucket, "ab") as obj:
            assert await obj.read() == first + second
    finally:
        await empty_and_remove(client, bucket)


async def test_ssec_compose(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str, traced: Traced
) -> None:
    """compose_object sends the new object's SSE-C key with CreateMultipartUpload, every part
    copy and CompleteMultipartUpload, and a source's key (``ComposeSource(sse=)``) as
    ``x-amz-copy-source-server-side-encryption-customer-*``. SeaweedFS 4.48 answers
    NotImplemented to a part copy from an SSE-C source: what is sent is checked, the upload is
    seen aborted, and the test is skipped by name."""
    client, log = traced(tls_seaweedfs, ssl_context=tls_ca_bundle, retry=NO_RETRY)
    bucket = unique_bucket("ssecmp")
    await client.make_bucket(bucket)
    try:
        source_key, target_key = new_key(), new_key()
        first, second = os.urandom(5 * MiB), os.urandom(1000)
        await client.put_object(bucket, "plain", first)
        await client.put_object(bucket, "enc", second, sse=source_key)
        sources = [
            aiominio.ComposeSource(bucket, "plain"),
            aiominio.ComposeSource(bucket, "enc", sse=source_key),
        ]
        sent_key = target_key.headers()["x-amz-server-side-encryption-customer-key"]
        try:
            await client.compose_object(bucket, "both", sources, sse=target_key)
        except aiominio.S3Error as exc:
            if exc.code != "NotImplemented":
                raise
            creates = log.of("POST", "uploads")
            assert creates[-1].headers["x-amz-server-side-encryption-customer-key"] == sent_key
            copies = [s for s in log.of("PUT", "partNumber=") if "x-amz-copy-source" in s.headers]
            assert all(
                c.headers["x-amz-server-side-encryption-customer-key"] == sent_key for c in copies
            )
            from_enc = [c for c in copies if c.headers["x-amz-copy-source"].endswith("/enc")]
            assert from_enc
            assert (
                from_enc[-1].headers["x-amz-copy-source-server-side-encryption-customer-key"]
                == source_key.headers()["x-amz-server-side-encryption-customer-key"]
            )
            assert [u async for u in client.list_incomplete_uploads(bucket)] == []  # aborted
            pytest.skip("SeaweedFS 4.48: UploadPartCopy from an SSE-C source is NotImplemented")
        with pytest.raises(aiominio.S3Error):
            await client.stat_object(bucket, "both")  # encrypted: not without the key
        async with client.get_object(bucket, "both", sse=target_key) as obj:
            assert await obj.read() == first + second
    finally:
        await empty_and_remove(client, bucket)

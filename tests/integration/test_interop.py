"""What aiominio writes, other clients read, and the other way round; what it presigns, plain HTTP
clients can use, and it signs as minio-py and botocore do.

minio-py and boto3 (the ``test`` extra only) are synchronous: they run in threads. Everything runs
against the strict server, SeaweedFS (it checks signatures and checksums); SSE-C against the HTTPS
one, whose CA bundle every client is given.
"""

from __future__ import annotations

import asyncio
import base64
import io
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.auth
import botocore.config
import minio
import minio.commonconfig
import minio.sse
import pytest
import urllib3

import aiominio
from aiominio import testing
from tests.integration.conftest import empty_and_remove, unique_bucket

pytestmark = pytest.mark.integration

MiB = 1024 * 1024
#: Keys that trip up URL encoding: spaces, non-ASCII, an encoded slash, the query characters.
KEYS = ["plain.txt", "a b/ü/%2F/+&=?#", "日本語/ファイル名.bin", "x~!@$^*()[]{};:',.txt", "é"]
METADATA = {"color": "blue", "owner-id": "42"}
TAGS = {"project": "interop", "stage": "test run"}
NOW = datetime(2026, 12, 7, 4, 5, 6, tzinfo=timezone.utc)


def boto3_client(server: testing.LocalServer, *, verify: str | bool = True) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name="us-east-1",
        verify=verify,
        config=botocore.config.Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def minio_client(server: testing.LocalServer, *, ca_bundle: str | None = None) -> minio.Minio:
    url = urlsplit(server.endpoint)
    http = urllib3.PoolManager(ca_certs=ca_bundle) if ca_bundle else None
    return minio.Minio(
        url.netloc,
        access_key=server.access_key,
        secret_key=server.secret_key,
        secure=url.scheme == "https",
        region="us-east-1",
        http_client=http,
    )


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.fixture
async def strict(seaweedfs_server: testing.LocalServer) -> AsyncIterator[aiominio.Client]:
    async with seaweedfs_server.client() as client:
        yield client


@pytest.fixture
async def shared_bucket(strict: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("io")
    await strict.make_bucket(name)
    yield name
    await empty_and_remove(strict, name)


@pytest.fixture
def boto(seaweedfs_server: testing.LocalServer) -> Iterator[Any]:
    client = boto3_client(seaweedfs_server)
    yield client
    client.close()


@pytest.fixture
def mc(seaweedfs_server: testing.LocalServer) -> minio.Minio:
    return minio_client(seaweedfs_server)


async def test_aiominio_writes_boto3_and_minio_read(
    strict: aiominio.Client, shared_bucket: str, boto: Any, mc: minio.Minio
) -> None:
    small = b"small object \x00\xff" * 100
    big = bytes(range(256)) * (11 * MiB // 256 + 7)  # 3 parts of 5 MiB at most
    for key in KEYS:
        await strict.put_object(
            shared_bucket, key, small, metadata=METADATA, tags=TAGS, content_type="text/x-test"
        )
    await strict.put_object(shared_bucket, "big/multipart.bin", big, part_size=5 * MiB)

    def read_with_boto3() -> None:
        for key in KEYS:
            got = boto.get_object(Bucket=shared_bucket, Key=key)
            assert got["Body"].read() == small, key
            assert got["Metadata"] == METADATA
            assert got["ContentType"] == "text/x-test"
            tags = boto.get_object_tagging(Bucket=shared_bucket, Key=key)["TagSet"]
            assert {t["Key"]: t["Value"] for t in tags} == TAGS
        listed = boto.list_objects_v2(Bucket=shared_bucket)["Contents"]
        assert sorted(o["Key"] for o in listed) == sorted([*KEYS, "big/multipart.bin"])
        got = boto.get_object(Bucket=shared_bucket, Key="big/multipart.bin", ChecksumMode="ENABLED")
        assert got["Body"].read() == big
        # The multipart upload kept a CRC32 of the whole object, which boto3 reads (and checks).
        assert got["ChecksumCRC32"] == crc32_b64(big)

    def read_with_minio() -> None:
        for key in KEYS:
            resp = mc.get_object(shared_bucket, key)
            try:
                assert resp.data == small, key
            finally:
                resp.close()
                resp.release_conn()
            stat = mc.stat_object(shared_bucket, key)
            assert {k.lower(): v for k, v in (stat.metadata or {}).items()}.get(
                "x-amz-meta-color"
            ) == "blue"
            tags = mc.get_object_tags(shared_bucket, key)
            assert dict(tags or {}) == TAGS
        listed = [o.object_name for o in mc.list_objects(shared_bucket, recursive=True)]
        assert sorted(listed) == sorted([*KEYS, "big/multipart.bin"])
        resp = mc.get_object(shared_bucket, "big/multipart.bin")
        try:
            assert resp.data == big
        finally:
            resp.close()
            resp.release_conn()

    await asyncio.to_thread(read_with_boto3)
    await asyncio.to_thread(read_with_minio)


async def test_boto3_and_minio_write_aiominio_reads(
    strict: aiominio.Client, shared_bucket: str, boto: Any, mc: minio.Minio
) -> None:
    small = b"theirs" * 1000
    big = bytes(range(251)) * (6 * MiB // 251)

    def write_with_boto3() -> None:
        for key in KEYS:
            boto.put_object(
                Bucket=shared_bucket,
                Key=f"boto/{key}",
                Body=small,
                Metadata=METADATA,
                Tagging="project=interop&stage=test%20run",
                ContentType="text/x-test",
            )
        transfer = boto3.s3.transfer.TransferConfig(
            multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB
        )
        boto.upload_fileobj(io.BytesIO(big), shared_bucket, "boto/big.bin", Config=transfer)

    def write_with_minio() -> None:
        tags = minio.commonconfig.Tags.new_object_tags()
        tags.update(TAGS)
        for key in KEYS:
            mc.put_object(
                shared_bucket,
                f"minio/{key}",
                io.BytesIO(small),
                len(small),
                content_type="text/x-test",
                metadata=dict(METADATA),
                tags=tags,
            )
        mc.put_object(shared_bucket, "minio/big.bin", io.BytesIO(big), len(big), part_size=5 * MiB)

    await asyncio.to_thread(write_with_boto3)
    await asyncio.to_thread(write_with_minio)
    for who in ("boto", "minio"):
        for key in KEYS:
            name = f"{who}/{key}"
            async with strict.get_object(shared_bucket, name) as reader:
                assert await reader.read() == small, name
            stat = await strict.stat_object(shared_bucket, name)
            assert stat.metadata == METADATA, name
            assert stat.content_type == "text/x-test"
            assert await strict.get_object_tags(shared_bucket, name) == TAGS, name
        async with strict.get_object(shared_bucket, f"{who}/big.bin") as reader:
            assert await reader.read() == big
    listed = [o.key async for o in strict.list_objects(shared_bucket, recursive=True)]
    expected = [f"{who}/{k}" for who in ("boto", "minio") for k in [*KEYS, "big.bin"]]
    assert sorted(listed) == sorted(expected)


async def test_sse_c_across_clients(tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str) -> None:
    raw_key = uuid.uuid4().bytes * 2  # 32 bytes
    ours = aiominio.SseCustomerKey(raw_key)
    theirs = minio.sse.SseCustomerKey(raw_key)
    data = b"secret data " * 4096
    async with tls_seaweedfs.client(ssl_context=tls_ca_bundle) as client:
        bucket = unique_bucket("iosse")
        await client.make_bucket(bucket)
        boto = boto3_client(tls_seaweedfs, verify=tls_ca_bundle)
        mc = minio_client(tls_seaweedfs, ca_bundle=tls_ca_bundle)
        try:
            await client.put_object(bucket, "by-aiominio", data, sse=ours)

            def others() -> None:
                got = boto.get_object(
                    Bucket=bucket,
                    Key="by-aiominio",
                    SSECustomerAlgorithm="AES256",
                    SSECustomerKey=raw_key,
                )
                assert got["Body"].read() == data
                resp = mc.get_object(bucket, "by-aiominio", ssec=theirs)
                try:
                    assert resp.data == data
                finally:
                    resp.close()
                    resp.release_conn()
                # Without the key the object is refused to them as to anyone.
                with pytest.raises(boto.exceptions.ClientError):
                    boto.get_object(Bucket=bucket, Key="by-aiominio")
                boto.put_object(
                    Bucket=bucket,
                    Key="by-boto3",
                    Body=data,
                    SSECustomerAlgorithm="AES256",
                    SSECustomerKey=raw_key,
                )
                mc.put_object(bucket, "by-minio", io.BytesIO(data), len(data), sse=theirs)

            await asyncio.to_thread(others)
            for key in ("by-boto3", "by-minio"):
                async with client.get_object(bucket, key, sse=ours) as reader:
                    assert await reader.read() == data, key
                with pytest.raises(aiominio.S3Error):
                    async with client.get_object(bucket, key) as reader:
                        await reader.read()
        finally:
            boto.close()
            await empty_and_remove(client, bucket)


def urllib_call(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def form_data(fields: dict[str, str], body: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body (the file last, as S3 wants it) and its content type."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
    )
    out.write(body + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


async def test_presigned_urls_and_post_policy_with_urllib(
    strict: aiominio.Client, shared_bucket: str
) -> None:
    key = "a b/ü/%2F/+&=?#"
    put_url = await strict.presigned_put_object(shared_bucket, key, expires=300)
    status, _ = await asyncio.to_thread(urllib_call, "PUT", put_url, b"via urllib")
    assert status == 200
    get_url = await strict.presigned_get_object(shared_bucket, key, expires=300)
    assert await asyncio.to_thread(urllib_call, "GET", get_url) == (200, b"via urllib")
    # The signature covers the method: the GET URL does not delete.
    status, body = await asyncio.to_thread(urllib_call, "DELETE", get_url)
    assert status == 403, body

    policy = strict.new_post_policy()
    policy.set_bucket(shared_bucket)
    policy.set_key_starts_with("posted/")
    policy.set_expires(datetime.now(timezone.utc) + timedelta(minutes=5))
    policy.set_content_length_range(1, 1000)
    url, fields = await strict.presigned_post_policy(policy)
    body, content_type = form_data({**fields, "key": "posted/ü.bin"}, b"posted by urllib")
    status, answer = await asyncio.to_thread(
        urllib_call, "POST", url, body, {"Content-Type": content_type}
    )
    assert status in (200, 201, 204), answer
    async with strict.get_object(shared_bucket, "posted/ü.bin") as reader:
        assert await reader.read() == b"posted by urllib"
    body, content_type = form_data({**fields, "key": "elsewhere/x"}, b"x")
    status, answer = await asyncio.to_thread(
        urllib_call, "POST", url, body, {"Content-Type": content_type}
    )
    assert status == 403 and b"AccessDenied" in answer


CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
async def test_presigned_urls_and_post_policy_with_curl(
    strict: aiominio.Client, shared_bucket: str, tmp_path: Path
) -> None:
    assert CURL is not None

    async def curl(*args: str) -> tuple[int, bytes]:
        proc = await asyncio.create_subprocess_exec(
            CURL, "-sS", "-o", "-", "-w", "\n%{http_code}", *args, stdout=subprocess.PIPE
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0
        body, _, status = out.rpartition(b"\n")
        return int(status), body

    upload = tmp_path / "upload.bin"
    upload.write_bytes(b"via curl \x00\x01")
    key = "curl/a b/ü/+&=?#"
    put_url = await strict.presigned_put_object(shared_bucket, key, expires=300)
    # --globoff: the URL's brackets and braces are no curl patterns.
    status, body = await curl("--globoff", "-T", str(upload), put_url)
    assert status == 200, body
    get_url = await strict.presigned_get_object(shared_bucket, key, expires=300)
    assert await curl("--globoff", get_url) == (200, b"via curl \x00\x01")

    policy = strict.new_post_policy()
    policy.set_bucket(shared_bucket)
    policy.set_key("curl/posted.bin")
    policy.set_expires(datetime.now(timezone.utc) + timedelta(minutes=5))
    url, fields = await strict.presigned_post_policy(policy)
    # --form-string: no @ or < magic in the values; the file last.
    form = [arg for name, value in fields.items() for arg in ("--form-string", f"{name}={value}")]
    status, body = await curl(*form, "-F", f"file=@{upload}", url)
    assert status in (200, 201, 204), body
    async with strict.get_object(shared_bucket, "curl/posted.bin") as reader:
        assert await reader.read() == b"via curl \x00\x01"


@pytest.mark.parametrize("key", ["plain.txt", "a b/ü/%2F/+&=?#", "k~e_y-.~"])
async def test_presigned_urls_equal_minio_py_and_botocore(
    seaweedfs_server: testing.LocalServer,
    strict: aiominio.Client,
    shared_bucket: str,
    key: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = shared_bucket  # aiominio asks for the bucket's region first
    expires = timedelta(hours=2)
    ours_get = await strict.presigned_get_object(bucket, key, expires=expires, request_date=NOW)
    ours_put = await strict.presigned_put_object(bucket, key, expires=expires, request_date=NOW)
    mc = minio_client(seaweedfs_server)
    assert ours_get == mc.presigned_get_object(bucket, key, expires=expires, request_date=NOW)

    # botocore reads its clock (naive UTC) when it signs, with its Python signer (with awscrt
    # installed, as the speedups extra does, it picks the CRT's, which reads the clock itself).
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW.replace(tzinfo=None))
    monkeypatch.setitem(botocore.auth.AUTH_TYPE_MAPS, "s3v4", botocore.auth.S3SigV4Auth)
    monkeypatch.setitem(botocore.auth.AUTH_TYPE_MAPS, "s3v4-query", botocore.auth.S3SigV4QueryAuth)
    boto = boto3_client(seaweedfs_server)
    try:
        theirs = {
            url: boto.generate_presigned_url(
                op, Params={"Bucket": bucket, "Key": key}, ExpiresIn=int(expires.total_seconds())
            )
            for url, op in ((ours_get, "get_object"), (ours_put, "put_object"))
        }
    finally:
        boto.close()
    assert theirs == {ours_get: ours_get, ours_put: ours_put}

"""What uploads promise: a whole-object CRC32 on multipart uploads (FULL_OBJECT, combined from the
parts' CRC32s), no upload left behind by a cancelled CreateMultipartUpload, and results whose
fields are filled even when the server's answer leaves them out."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web

import aiominio
from aiominio import testing
from tests.faultproxy import FaultProxy
from tests.integration.conftest import StartWebServer, WebServer

MiB = 1024 * 1024
# Two parts of 5 MiB and a short third: the part lengths differ, as a combination must handle.
DATA = os.urandom(10 * MiB + 1000)


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


async def stored_checksum(client: aiominio.Client, bucket: str, key: str) -> dict[str, str]:
    """The checksum headers a HEAD with ``x-amz-checksum-mode: ENABLED`` answers."""
    resp = await client.requester.execute(
        "HEAD", bucket, key, headers={"x-amz-checksum-mode": "ENABLED"}
    )
    return {k: v for k, v in resp.headers.items() if k.startswith("x-amz-checksum-")}


async def no_uploads_left(client: aiominio.Client, bucket: str) -> None:
    assert [u async for u in client.list_incomplete_uploads(bucket, recursive=True)] == []


# -- A. full-object checksums -------------------------------------------------------------------


async def test_multipart_upload_stores_the_whole_object_crc32(
    client: aiominio.Client, bucket: str
) -> None:
    result = await client.put_object(bucket, "whole", DATA, part_size=5 * MiB)
    assert result.etag.endswith("-3")
    assert result.checksum_crc32 == crc32_b64(DATA)
    stored = await stored_checksum(client, bucket, "whole")
    assert stored["x-amz-checksum-crc32"] == crc32_b64(DATA)
    assert stored["x-amz-checksum-type"] == "FULL_OBJECT"


async def test_stream_of_unknown_size_stores_the_whole_object_crc32(
    client: aiominio.Client, bucket: str
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(DATA), 3 * MiB):
            yield DATA[i : i + 3 * MiB]

    result = await client.put_object(bucket, "stream", chunks(), part_size=5 * MiB)
    assert result.checksum_crc32 == crc32_b64(DATA)
    assert (await stored_checksum(client, bucket, "stream"))["x-amz-checksum-crc32"] == (
        crc32_b64(DATA)
    )


async def test_single_put_reports_its_crc32(client: aiominio.Client, bucket: str) -> None:
    result = await client.put_object(bucket, "small", b"small body")
    assert result.checksum_crc32 == crc32_b64(b"small body")


async def test_md5_mode_keeps_composite_uploads(server: testing.LocalServer, bucket: str) -> None:
    async with server.client(integrity="md5") as c:
        result = await c.put_object(bucket, "md5", DATA, part_size=5 * MiB)
        assert result.checksum_crc32 is None
        assert (await stored_checksum(c, bucket, "md5")).get("x-amz-checksum-type") != (
            "FULL_OBJECT"
        )


async def test_resumed_fput_object_claims_only_a_checked_crc32(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    """Parts reused from an earlier attempt get their CRC32 from the file; the upload's type is
    not known after a resume (neither server lists it with the parts), so the result carries a
    CRC32 only when the server's answer gave one, after comparing it with the parts'."""
    path = tmp_path / "resumed.bin"
    path.write_bytes(DATA)

    def stop(sent: int, total: int | None) -> None:
        if sent > 5 * MiB:  # the second part is being sent: the first was stored
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        await client.fput_object(
            bucket, "resumed", path, part_size=5 * MiB, concurrency=1, progress=stop
        )
    result = await client.fput_object(bucket, "resumed", path)
    assert result.checksum_crc32 in (None, crc32_b64(DATA))
    stored = await stored_checksum(client, bucket, "resumed")
    assert stored["x-amz-checksum-type"] == "FULL_OBJECT"
    assert stored["x-amz-checksum-crc32"] == crc32_b64(DATA)
    await no_uploads_left(client, bucket)


# -- A fake S3 for what the real servers never answer ---------------------------------------------


class FakeS3:
    """Multipart uploads, single PUTs, copies and HEADs of one object, with answers the test
    shapes: a refusal of FULL_OBJECT, a Complete answer's ETag and checksum, a copy's ETag."""

    def __init__(
        self,
        *,
        refuse_full_object: bool = False,
        complete_etag: str | None = '"real-etag-2"',
        complete_crc32: str | None = None,
        copy_etag: str | None = '"real-etag"',
        put_etag: str | None = '"real-etag"',
    ) -> None:
        self.refuse_full_object = refuse_full_object
        self.complete_etag = complete_etag
        self.complete_crc32 = complete_crc32
        self.copy_etag = copy_etag
        self.put_etag = put_etag

    @staticmethod
    def _xml(body: str, status: int = 200) -> web.Response:
        return web.Response(status=status, body=body.encode(), content_type="application/xml")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        if request.method == "HEAD":
            return web.Response(
                headers={
                    "ETag": '"real-etag"',
                    "Content-Length": "0",
                    "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT",
                }
            )
        if request.method == "POST" and "uploads" in q:
            kind = request.headers.get("x-amz-checksum-type")
            if kind and self.refuse_full_object:
                return self._xml(
                    "<Error><Code>InvalidArgument</Code><Message>no</Message></Error>", 400
                )
            headers = {"x-amz-checksum-type": kind} if kind else {}
            resp = self._xml(
                "<InitiateMultipartUploadResult><UploadId>u1</UploadId>"
                "</InitiateMultipartUploadResult>"
            )
            resp.headers.update(headers)
            return resp
        body = await request.read()
        if request.method == "PUT" and "partNumber" in q:
            if "x-amz-copy-source" in request.headers:
                return self._xml('<CopyPartResult><ETag>"p"</ETag></CopyPartResult>')
            return web.Response(headers={"ETag": f'"{hashlib.md5(body).hexdigest()}"'})
        if request.method == "POST" and "uploadId" in q:
            etag = f"<ETag>{self.complete_etag}</ETag>" if self.complete_etag is not None else ""
            crc = ""
            if self.complete_crc32 is not None:
                crc = f"<ChecksumCRC32>{self.complete_crc32}</ChecksumCRC32>"
                crc += "<ChecksumType>FULL_OBJECT</ChecksumType>"
            return self._xml(
                f"<CompleteMultipartUploadResult>{etag}{crc}</CompleteMultipartUploadResult>"
            )
        if request.method == "PUT" and "x-amz-copy-source" in request.headers:
            etag = f"<ETag>{self.copy_etag}</ETag>" if self.copy_etag is not None else ""
            return self._xml(f"<CopyObjectResult>{etag}</CopyObjectResult>")
        if request.method == "PUT":
            return web.Response(headers={"ETag": self.put_etag} if self.put_etag else {})
        if request.method == "DELETE":
            return web.Response(status=204)
        return web.Response(status=501)

    async def start(self, web_server: StartWebServer) -> WebServer:
        app = web.Application(client_max_size=8 * MiB)
        return await web_server(web.route("*", "/{bucket}/{key:.+}", self.handle), app=app)


def fake_client(server: WebServer) -> aiominio.Client:
    return aiominio.Client(server.url, access_key="a", secret_key="b", region="us-east-1")


async def test_a_server_refusing_full_object_gets_part_checksums(
    web_server: StartWebServer,
) -> None:
    fake = await FakeS3(refuse_full_object=True).start(web_server)
    async with fake_client(fake) as c:
        first = await c.put_object("bkt", "k", DATA, part_size=5 * MiB)
        second = await c.put_object("bkt", "k", DATA, part_size=5 * MiB)
    creates = [r for r in fake.received if r.method == "POST" and r.path_qs.endswith("uploads=")]
    types = [r.headers.get("x-amz-checksum-type") for r in creates]
    # Asked once, refused, asked without; the second upload does not ask again.
    assert types == ["FULL_OBJECT", None, None]
    assert all(r.headers["x-amz-checksum-algorithm"] == "CRC32" for r in creates)
    completes = [r for r in fake.received if r.method == "POST" and "uploadId=" in r.path_qs]
    assert all("x-amz-checksum-crc32" not in r.headers for r in completes)
    assert first.checksum_crc32 is None and second.checksum_crc32 is None


async def test_complete_sends_the_combined_crc32(web_server: StartWebServer) -> None:
    fake = await FakeS3().start(web_server)
    async with fake_client(fake) as c:
        result = await c.put_object("bkt", "k", DATA, part_size=5 * MiB)
    (complete,) = [r for r in fake.received if r.method == "POST" and "uploadId=" in r.path_qs]
    assert complete.headers["x-amz-checksum-crc32"] == crc32_b64(DATA)
    assert complete.headers["x-amz-checksum-type"] == "FULL_OBJECT"
    assert result.checksum_crc32 == crc32_b64(DATA)
    parts = [r for r in fake.received if r.method == "PUT" and "partNumber=" in r.path_qs]
    assert len(parts) == 3, "the data was not sent once per part"


async def test_a_wrong_whole_object_crc32_in_the_answer_is_an_error(
    web_server: StartWebServer,
) -> None:
    fake = await FakeS3(complete_crc32=crc32_b64(b"other data")).start(web_server)
    async with fake_client(fake) as c:
        with pytest.raises(aiominio.InvalidResponseError, match="CRC32"):
            await c.put_object("bkt", "k", DATA, part_size=5 * MiB)


# -- C. answers without an ETag -----------------------------------------------------------------


@pytest.mark.parametrize("etag", ["", None], ids=["empty", "missing"])
async def test_complete_without_etag_asks_with_head(
    web_server: StartWebServer, etag: str | None
) -> None:
    fake = await FakeS3(complete_etag=etag).start(web_server)
    async with fake_client(fake) as c:
        result = await c.put_object("bkt", "k", DATA, part_size=5 * MiB)
    assert result.etag == "real-etag"
    assert fake.paths("HEAD") == ["/bkt/k"]


@pytest.mark.parametrize("etag", ["", None], ids=["empty", "missing"])
async def test_copy_without_etag_asks_with_head(
    web_server: StartWebServer, etag: str | None
) -> None:
    fake = await FakeS3(copy_etag=etag).start(web_server)
    async with fake_client(fake) as c:
        result = await c.copy_object("bkt", "copy", "bkt", "k")
    assert result.etag == "real-etag"
    assert result.last_modified is not None


async def test_copy_without_time_asks_with_head(web_server: StartWebServer) -> None:
    fake = await FakeS3().start(web_server)
    async with fake_client(fake) as c:
        result = await c.copy_object("bkt", "copy", "bkt", "k")
    assert result.etag == "real-etag"
    assert result.last_modified is not None  # the answer had no LastModified


async def test_put_without_etag_asks_with_head(web_server: StartWebServer) -> None:
    fake = await FakeS3(put_etag=None).start(web_server)
    async with fake_client(fake) as c:
        result = await c.put_object("bkt", "k", b"small")
    assert result.etag == "real-etag"


# -- B. cancelled during CreateMultipartUpload --------------------------------------------------


def first_create_only() -> Callable[[str], bool]:
    """A proxy filter that faults the first CreateMultipartUpload and nothing else."""
    seen = []

    def only(line: str) -> bool:
        if line.startswith("POST") and "?uploads" in line and not seen:
            seen.append(line)
            return True
        return False

    return only


@pytest.mark.parametrize("server", ["seaweedfs"], indirect=True)
@pytest.mark.parametrize("operation", ["put_object", "copy_object"])
async def test_cancel_during_create_leaves_no_upload(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, operation: str
) -> None:
    """The proxy passes the first CreateMultipartUpload to the server (which starts an upload),
    holds the answer back and then drops it; the caller is cancelled meanwhile. The creation goes
    on (its retry starts a second upload) and both are aborted.

    SeaweedFS only: moto dates every upload 2010-11-10, so the upload of a lost answer cannot be
    told from an older upload of the key, and is left alone (see ``clean_strays``)."""
    if operation == "copy_object":
        await client.put_object(bucket, "source", DATA[: 6 * MiB])
    port = int(server.endpoint.rsplit(":", 1)[1])
    async with (
        FaultProxy(
            port, rate=1.0, seed=1, faults=("stall",), stall_seconds=1.0, only=first_create_only()
        ) as proxy,
        aiominio.Client(
            proxy.endpoint,
            access_key=server.access_key,
            secret_key=server.secret_key,
            retry=aiominio.RetryPolicy(max_attempts=3, base_delay=0.01),
        ) as c,
    ):
        if operation == "put_object":
            call = c.put_object(bucket, "target", DATA, part_size=5 * MiB)
        else:
            call = c.copy_object(bucket, "target", bucket, "source", part_size=5 * MiB)
        task = asyncio.ensure_future(call)
        await asyncio.wait_for(proxy.fault_started.wait(), 30)
        await asyncio.sleep(0.2)  # the request reaches the server
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    await no_uploads_left(client, bucket)
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "target")

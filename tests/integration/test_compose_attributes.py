"""compose_object (UploadPartCopy ranges) and get_object_attributes, on SeaweedFS and moto."""

from __future__ import annotations

import asyncio
import base64
import os
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

import aiominio
from aiominio import ComposeSource, testing
from aiominio.request import Request
from tests.conftest import Traced

MiB = 1024 * 1024
#: moto 5.2.5 copies a part whatever ``x-amz-copy-source-if-match`` says (observed 2026-11-25).
MOTO_IGNORES_COPY_CONDITIONS = "moto 5.2.5 ignores x-amz-copy-source-if-match on UploadPartCopy"


async def read(client: aiominio.Client, bucket: str, key: str) -> bytes:
    async with client.get_object(bucket, key) as obj:
        return await obj.read()


async def compose(
    client: aiominio.Client, server: testing.LocalServer, *args: Any, **kw: Any
) -> Any:
    """compose_object, with a named skip where the server has no UploadPartCopy."""
    try:
        return await client.compose_object(*args, **kw)
    except aiominio.S3Error as exc:
        if exc.code == "NotImplemented":
            pytest.skip(f"{server.name} lacks UploadPartCopy: {exc}")
        raise


@pytest.fixture
async def big(client: aiominio.Client, bucket: str) -> AsyncIterator[bytes]:
    """An 11 MiB object ``big`` and a small one ``tail`` in ``bucket``; yields big's bytes."""
    data = os.urandom(11 * MiB)
    await client.put_object(bucket, "big", data)
    await client.put_object(bucket, "tail", b"the small last piece")
    yield data


async def test_compose_ranges_of_one_object_and_a_small_last_piece(
    client: aiominio.Client, server: testing.LocalServer, bucket: str, big: bytes
) -> None:
    sources = [
        ComposeSource(bucket, "big", offset=0, length=5 * MiB + 1),
        ComposeSource(bucket, "big", offset=3 * MiB, length=5 * MiB + 7),
        ComposeSource(bucket, "tail"),
    ]
    result = await compose(
        client,
        server,
        bucket,
        "composed",
        sources,
        metadata={"origin": "compose"},
        content_type="text/plain",
        tags={"kind": "composed"},
    )
    expected = big[: 5 * MiB + 1] + big[3 * MiB : 8 * MiB + 7] + b"the small last piece"
    assert await read(client, bucket, "composed") == expected
    stat = await client.stat_object(bucket, "composed")
    assert result.etag == stat.etag and stat.etag.endswith("-3")
    assert result.last_modified == stat.last_modified
    assert stat.size == len(expected)
    assert (stat.content_type, stat.metadata) == ("text/plain", {"origin": "compose"})
    assert await client.get_object_tags(bucket, "composed") == {"kind": "composed"}
    assert [u async for u in client.list_incomplete_uploads(bucket)] == []


async def test_a_source_over_part_size_is_copied_in_several_parts(
    client: aiominio.Client, server: testing.LocalServer, bucket: str, big: bytes
) -> None:
    # 11 MiB at part_size 5 MiB: two parts of 5.5 MiB (three would be under 5 MiB each).
    sources = [ComposeSource(bucket, "big"), ComposeSource(bucket, "tail")]
    result = await compose(client, server, bucket, "split", sources, part_size=5 * MiB)
    assert result.etag.endswith("-3")
    assert await read(client, bucket, "split") == big + b"the small last piece"


async def test_part_copies_run_at_most_concurrency_at_once(
    server: testing.LocalServer, traced: Traced, bucket: str, big: bytes
) -> None:
    client, log = traced(server)
    sources = [ComposeSource(bucket, "big", offset=n * MiB, length=5 * MiB) for n in range(6)]
    await client.compose_object(bucket, "six", sources, concurrency=2)
    assert len(log.of("PUT", "partNumber=")) == 6
    assert len(log.of("HEAD", "/big")) == 1  # one HEAD per source object, not per range
    assert log.peak <= 2
    expected = b"".join(big[n * MiB : (n + 5) * MiB] for n in range(6))
    assert await read(client, bucket, "six") == expected


async def test_compose_from_an_older_version(client: aiominio.Client, bucket: str) -> None:
    await client.set_bucket_versioning(bucket, aiominio.Versioning.ENABLED)
    old, new = os.urandom(6 * MiB), b"the newer version"
    first = await client.put_object(bucket, "v", old)
    await client.put_object(bucket, "v", new)
    sources = [
        ComposeSource(bucket, "v", length=5 * MiB, version_id=first.version_id),
        ComposeSource(bucket, "v"),
    ]
    await client.compose_object(bucket, "from-versions", sources)
    assert await read(client, bucket, "from-versions") == old[: 5 * MiB] + new
    versions = [v async for v in client.list_object_versions(bucket, recursive=True)]
    assert await client.remove_objects(bucket, versions) == []


async def test_a_small_middle_piece_is_refused_before_anything_is_written(
    server: testing.LocalServer, traced: Traced, bucket: str, big: bytes
) -> None:
    client, log = traced(server)
    await client.put_object(bucket, "small", b"x" * 100)
    # The length is given: refused before any request.
    given = [
        ComposeSource(bucket, "big"),
        ComposeSource(bucket, "big", offset=0, length=MiB),
        ComposeSource(bucket, "tail"),
    ]
    log.sent.clear()
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[1\]: 1048576 bytes"):
        await client.compose_object(bucket, "never", given)
    assert log.sent == []
    # The size is the server's: refused after the HEADs that learn it, before any write.
    learnt = [ComposeSource(bucket, "big"), ComposeSource(bucket, "small"), given[2]]
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[1\]: 100 bytes"):
        await client.compose_object(bucket, "never", learnt)
    assert {s.method for s in log.sent} == {"HEAD"}
    assert len(log.sent) == 3
    # A range beyond its object, likewise.
    beyond = [ComposeSource(bucket, "big"), ComposeSource(bucket, "tail", offset=0, length=999)]
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[1\]: 999 bytes from 0"):
        await client.compose_object(bucket, "never", beyond)
    assert {s.method for s in log.sent} == {"HEAD"}


async def test_a_missing_source_is_no_such_key_and_nothing_is_started(
    client: aiominio.Client, bucket: str, big: bytes
) -> None:
    with pytest.raises(aiominio.NoSuchKey):
        await client.compose_object(
            bucket, "never", [ComposeSource(bucket, "big"), ComposeSource(bucket, "missing")]
        )
    assert [u async for u in client.list_incomplete_uploads(bucket)] == []


async def test_a_source_written_over_mid_compose_fails_typed_and_is_aborted(
    client: aiominio.Client,
    server: testing.LocalServer,
    bucket: str,
    big: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if server.name == "moto":
        pytest.skip(MOTO_IGNORES_COPY_CONDITIONS)
    req = client.requester
    send = req.send
    copies = 0

    async def overwrite_after_the_first_part(request: Request, **kw: Any) -> Any:
        nonlocal copies
        is_copy = "x-amz-copy-source" in (request.headers or {})
        copies += is_copy
        resp = await send(request, **kw)
        if is_copy and copies == 1:
            await send(Request("PUT", bucket, "big", body=b"new bytes, another ETag"))
        return resp

    monkeypatch.setattr(req, "send", overwrite_after_the_first_part)
    sources = [
        ComposeSource(bucket, "big", length=5 * MiB),
        ComposeSource(bucket, "big", offset=5 * MiB, length=5 * MiB),
        ComposeSource(bucket, "tail"),
    ]
    with pytest.raises(aiominio.PreconditionFailed):
        await compose(client, server, bucket, "mixed", sources, concurrency=1)
    monkeypatch.undo()
    assert copies >= 2  # the part copy after the overwrite was refused
    assert [u async for u in client.list_incomplete_uploads(bucket)] == []
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "mixed")


async def test_cancelled_mid_compose_leaves_no_incomplete_upload(
    client: aiominio.Client, bucket: str, big: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    req = client.requester
    send = req.send
    first_copied = asyncio.Event()

    async def slow_after_the_first_part(request: Request, **kw: Any) -> Any:
        is_copy = "x-amz-copy-source" in (request.headers or {})
        if is_copy and first_copied.is_set():
            await asyncio.sleep(30)  # cancelled here
        resp = await send(request, **kw)
        if is_copy:
            first_copied.set()
        return resp

    monkeypatch.setattr(req, "send", slow_after_the_first_part)
    sources = [ComposeSource(bucket, "big", offset=n * MiB, length=5 * MiB) for n in range(4)]
    task = asyncio.ensure_future(
        client.compose_object(bucket, "cancelled", [*sources, ComposeSource(bucket, "tail")])
    )
    await asyncio.wait_for(first_copied.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    monkeypatch.undo()
    assert [u async for u in client.list_incomplete_uploads(bucket)] == []
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "cancelled")


# -- get_object_attributes ---------------------------------------------------------------------


async def test_attributes_of_a_single_put_and_a_multipart_object(
    client: aiominio.Client, server: testing.LocalServer, bucket: str
) -> None:
    await client.put_object(bucket, "one", b"0123456789")
    data = os.urandom(6 * MiB)
    await client.put_object(bucket, "parts", data, part_size=5 * MiB)
    one = await client.get_object_attributes(bucket, "one")
    stat = await client.stat_object(bucket, "one")
    assert (one.etag, one.size, one.last_modified) == (stat.etag, 10, stat.last_modified)
    assert one.storage_class == "STANDARD"
    parts = await client.get_object_attributes(bucket, "parts")
    assert parts.size == 6 * MiB
    assert parts.etag == (await client.stat_object(bucket, "parts")).etag
    assert parts.etag.endswith("-2")
    if server.name == "seaweedfs":
        # SeaweedFS lists the parts (a single PUT as one part) and keeps no checksum to show.
        assert parts.parts_count == 2
        assert [(p.part_number, p.size) for p in parts.parts] == [(1, 5 * MiB), (2, MiB)]
        assert not parts.parts_truncated
        assert parts.checksum is None
    else:
        # moto shows the multipart upload's whole-object CRC32 (FULL_OBJECT) and no parts.
        crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
        assert parts.checksum == aiominio.Checksum("CRC32", crc, "FULL_OBJECT")
        assert parts.parts_count is None and parts.parts == ()


async def test_attributes_of_a_version_and_of_a_missing_key(
    client: aiominio.Client, bucket: str
) -> None:
    await client.set_bucket_versioning(bucket, aiominio.Versioning.ENABLED)
    first = await client.put_object(bucket, "k", b"first")
    await client.put_object(bucket, "k", b"second, longer")
    assert first.version_id
    old = await client.get_object_attributes(bucket, "k", version_id=first.version_id)
    assert (old.size, old.etag) == (5, first.etag)
    assert old.version_id in (first.version_id, None)
    assert (await client.get_object_attributes(bucket, "k")).size == 14
    with pytest.raises(aiominio.NoSuchKey):
        await client.get_object_attributes(bucket, "missing")
    # Every version goes, so the bucket fixture can remove the bucket.
    versions = [v async for v in client.list_object_versions(bucket, recursive=True)]
    assert await client.remove_objects(bucket, versions) == []

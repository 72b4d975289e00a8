"""The low-level multipart calls (``initiate_new_multipart_upload``, ``upload_part``,
``list_parts``, ``complete_multipart_upload``, ``abort_multipart_upload``,
``presigned_upload_part_url``) against the real servers."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator

import aiohttp
import pytest

import aiominio
from aiominio import testing

MiB = 1024 * 1024


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def read_all(client: aiominio.Client, bucket: str, key: str) -> bytes:
    async with client.get_object(bucket, key) as obj:
        return await obj.read()


async def upload_ids(client: aiominio.Client, bucket: str) -> set[str]:
    return {u.upload_id async for u in client.list_incomplete_uploads(bucket, recursive=True)}


@pytest.mark.parametrize("checksum", ["CRC32C", "SHA256"])
async def test_an_upload_with_a_checksum_algorithm_names_its_parts_checksums(
    client: aiominio.Client, bucket: str, server: testing.LocalServer, checksum: str
) -> None:
    data = [os.urandom(5 * MiB), os.urandom(1000)]
    upload_id = await client.initiate_new_multipart_upload(bucket, "c", checksum=checksum)
    parts = [
        await client.upload_part(bucket, "c", upload_id, n, data[n - 1], checksum=checksum)
        for n in (1, 2)
    ]
    assert all(p.checksum(checksum) for p in parts)
    result = await client.complete_multipart_upload(bucket, "c", upload_id, parts)
    if result.checksum is not None:
        assert result.checksum.algorithm == checksum
    elif server.name != "moto":
        pytest.fail(f"{server.name} named no checksum of an upload created with {checksum}")
    if not (server.name == "moto" and checksum == "CRC32C"):  # moto 5.2.5 stores its CRC32
        assert await read_all(client, bucket, "c") == b"".join(data)


async def test_parts_uploaded_out_of_order_make_the_object(
    client: aiominio.Client, bucket: str
) -> None:
    data = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(MiB + 123)]
    # No "+" in the key: SeaweedFS 4.48 lists uploads as EncodingType url without encoding
    # their keys, so a "+" comes back as a space and list_incomplete_uploads misses the upload.
    key = "video/a b ü.bin"
    upload_id = await client.initiate_new_multipart_upload(
        bucket, key, content_type="video/mp4", metadata={"origin": "parts"}
    )
    assert upload_id in await upload_ids(client, bucket)

    # From the last part to the first, at once: the object is the parts in number order.
    uploaded = await asyncio.gather(
        *(client.upload_part(bucket, key, upload_id, n, data[n - 1]) for n in (3, 2, 1))
    )
    assert [p.part_number for p in uploaded] == [3, 2, 1]
    assert [p.size for p in uploaded] == [len(data[2]), 5 * MiB, 5 * MiB]
    # No checksum algorithm on the upload: each part went with Content-MD5, its ETag.
    assert [p.etag for p in uploaded] == [hashlib.md5(data[n - 1]).hexdigest() for n in (3, 2, 1)]
    assert all(p.checksum_crc32 is None for p in uploaded)

    listed = [p async for p in client.list_parts(bucket, key, upload_id, page_size=2)]
    assert [(p.part_number, p.etag, p.size) for p in listed] == [
        (p.part_number, p.etag, p.size) for p in reversed(uploaded)
    ]
    assert all(p.last_modified is not None for p in listed)

    result = await client.complete_multipart_upload(bucket, key, upload_id, uploaded)
    assert result.etag.endswith("-3")
    assert await read_all(client, bucket, key) == b"".join(data)
    stat = await client.stat_object(bucket, key)
    assert (stat.size, stat.etag, stat.content_type) == (
        sum(map(len, data)),
        result.etag,
        "video/mp4",
    )
    assert stat.metadata == {"origin": "parts"}
    assert upload_id not in await upload_ids(client, bucket)


async def test_parts_listed_complete_the_upload(client: aiominio.Client, bucket: str) -> None:
    # A process that did not upload the parts completes the upload from its listing.
    upload_id = await client.initiate_new_multipart_upload(bucket, "k")
    first, last = os.urandom(5 * MiB), b"tail"
    await client.upload_part(bucket, "k", upload_id, 1, bytearray(first))
    await client.upload_part(bucket, "k", upload_id, 2, memoryview(last))
    parts = [p async for p in client.list_parts(bucket, "k", upload_id)]
    await client.complete_multipart_upload(bucket, "k", upload_id, parts)
    assert await read_all(client, bucket, "k") == first + last


async def test_a_part_uploaded_again_replaces_the_first(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    upload_id = await client.initiate_new_multipart_upload(bucket, "k")
    first = await client.upload_part(bucket, "k", upload_id, 1, b"first attempt")
    again = await client.upload_part(bucket, "k", upload_id, 1, b"second attempt")
    listed = [(p.part_number, p.etag) async for p in client.list_parts(bucket, "k", upload_id)]
    await client.complete_multipart_upload(bucket, "k", upload_id, [(1, again.etag)])
    assert await read_all(client, bucket, "k") == b"second attempt"
    if server.name == "seaweedfs" and sorted(listed) == sorted([(1, first.etag), (1, again.etag)]):
        pytest.skip("SeaweedFS 4.48: ListParts lists both uploads of a part number sent twice")
    assert listed == [(1, again.etag)]


async def test_abort_removes_the_upload(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    upload_id = await client.initiate_new_multipart_upload(bucket, "doomed")
    await client.upload_part(bucket, "doomed", upload_id, 1, os.urandom(1000))
    assert upload_id in await upload_ids(client, bucket)

    await client.abort_multipart_upload(bucket, "doomed", upload_id)
    assert upload_id not in await upload_ids(client, bucket)
    with pytest.raises(aiominio.NoSuchUpload):
        _ = [p async for p in client.list_parts(bucket, "doomed", upload_id)]
    await client.abort_multipart_upload(bucket, "doomed", upload_id)  # gone already: no error
    try:
        await client.complete_multipart_upload(bucket, "doomed", upload_id, [(1, "0" * 32)])
    except aiominio.InvalidResponseError as exc:
        if server.name != "moto":
            raise
        pytest.skip(f"moto: CompleteMultipartUpload of an aborted upload answers {exc}")
    except aiominio.NoSuchUpload:
        pass
    else:
        pytest.fail("an aborted upload was completed")
    assert [o.key async for o in client.list_objects(bucket)] == []


async def test_a_part_for_no_such_upload_is_refused(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    try:
        await client.upload_part(bucket, "k", "no-such-upload-id", 1, b"x")
    except aiominio.InvalidResponseError as exc:
        if server.name != "moto":
            raise
        pytest.skip(f"moto: UploadPart to an unknown upload id answers {exc}")
    except aiominio.NoSuchUpload:
        pass
    else:
        pytest.fail("a part was taken for an upload that does not exist")


async def test_a_part_uploaded_to_its_presigned_url(
    client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    first, second = os.urandom(5 * MiB), os.urandom(300_000)
    upload_id = await client.initiate_new_multipart_upload(bucket, "from/url")
    part1 = await client.upload_part(bucket, "from/url", upload_id, 1, first)
    url = await client.presigned_upload_part_url(bucket, "from/url", upload_id, 2, 300)
    async with http.put(url, data=second) as resp:
        assert resp.status == 200, await resp.text()
        etag = resp.headers["ETag"]  # quoted, as a browser reads it

    result = await client.complete_multipart_upload(
        bucket, "from/url", upload_id, [part1, (2, etag)]
    )
    assert result.etag.endswith("-2")
    assert await read_all(client, bucket, "from/url") == first + second


async def test_a_presigned_part_url_for_another_part_is_refused(
    server: testing.LocalServer, client: aiominio.Client, bucket: str, http: aiohttp.ClientSession
) -> None:
    if not server.checks_signatures:
        pytest.skip(f"{server.name} does not check signatures")
    upload_id = await client.initiate_new_multipart_upload(bucket, "k")
    url = await client.presigned_upload_part_url(bucket, "k", upload_id, 1, 300)
    async with http.put(url.replace("partNumber=1&", "partNumber=2&"), data=b"x") as resp:
        assert resp.status == 403
    assert [p async for p in client.list_parts(bucket, "k", upload_id)] == []


async def test_completing_with_a_wrong_etag_raises_invalid_part(
    client: aiominio.Client, bucket: str
) -> None:
    upload_id = await client.initiate_new_multipart_upload(bucket, "k")
    part = await client.upload_part(bucket, "k", upload_id, 1, b"only part")
    with pytest.raises(aiominio.InvalidPart) as info:
        await client.complete_multipart_upload(bucket, "k", upload_id, [(1, "0" * 32)])
    assert (info.value.code, info.value.status) == ("InvalidPart", 400)
    # The upload is still there: completed with the right ETag, it makes the object.
    await client.complete_multipart_upload(bucket, "k", upload_id, [part])
    assert await read_all(client, bucket, "k") == b"only part"


async def test_completing_with_a_part_never_uploaded_raises_invalid_part(
    client: aiominio.Client, bucket: str
) -> None:
    upload_id = await client.initiate_new_multipart_upload(bucket, "k")
    # 5 MiB: a smaller first part may be refused as EntityTooSmall before part 2 is looked for.
    part = await client.upload_part(bucket, "k", upload_id, 1, os.urandom(5 * MiB))
    with pytest.raises(aiominio.InvalidPart):
        await client.complete_multipart_upload(bucket, "k", upload_id, [part, (2, part.etag)])


async def test_a_small_part_but_the_last_raises_entity_too_small(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    upload_id = await client.initiate_new_multipart_upload(bucket, "k")
    parts = [await client.upload_part(bucket, "k", upload_id, n, b"tiny") for n in (1, 2)]
    try:
        await client.complete_multipart_upload(bucket, "k", upload_id, parts)
    except aiominio.EntityTooSmall as exc:
        assert exc.status == 400
    else:
        pytest.skip(f"{server.name} completes an upload whose first part is 4 bytes")


async def test_conditional_completion(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    await client.put_object(bucket, "taken", b"already here")
    upload_id = await client.initiate_new_multipart_upload(bucket, "taken")
    part = await client.upload_part(bucket, "taken", upload_id, 1, b"new")
    try:
        await client.complete_multipart_upload(
            bucket, "taken", upload_id, [part], if_none_match="*"
        )
    except aiominio.PreconditionFailed:
        pass
    else:
        pytest.skip(f"{server.name} ignores If-None-Match on CompleteMultipartUpload")
    assert await read_all(client, bucket, "taken") == b"already here"
    # The upload stays, to be completed otherwise or aborted.
    assert [p.etag async for p in client.list_parts(bucket, "taken", upload_id)] == [part.etag]
    await client.complete_multipart_upload(bucket, "taken", upload_id, [part])
    assert await read_all(client, bucket, "taken") == b"new"

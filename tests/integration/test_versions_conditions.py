"""Versioning and conditional requests against both servers, and a resumed download that keeps
the version and ETag of its first answer (against an in-test server that breaks the body off)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import aiominio
from aiominio import Versioning
from aiominio.testing import LocalServer
from tests.integration.conftest import StartWebServer, unique_bucket

PAST = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _future() -> datetime:
    return datetime.now(timezone.utc) + timedelta(hours=1)


@pytest.fixture
async def versioned(client: aiominio.Client) -> AsyncIterator[str]:
    """A fresh bucket with versioning enabled, emptied of every version afterwards."""
    name = unique_bucket("v")
    await client.make_bucket(name)
    await client.set_bucket_versioning(name, Versioning.ENABLED)
    yield name
    with contextlib.suppress(aiominio.NoSuchBucket):
        if await client.get_bucket_versioning(name) is not Versioning.ENABLED:
            await client.set_bucket_versioning(name, Versioning.ENABLED)
        versions = [v async for v in client.list_object_versions(name, recursive=True)]
        assert await client.remove_objects(name, versions) == []
        await client.remove_bucket(name)


# -- versioning --------------------------------------------------------------------------------


async def test_versioning_state_goes_on_and_is_suspended(
    client: aiominio.Client, bucket: str
) -> None:
    assert await client.get_bucket_versioning(bucket) is Versioning.OFF
    await client.set_bucket_versioning(bucket, Versioning.ENABLED)
    assert await client.get_bucket_versioning(bucket) is Versioning.ENABLED
    await client.set_bucket_versioning(bucket, Versioning.SUSPENDED)
    assert await client.get_bucket_versioning(bucket) is Versioning.SUSPENDED


async def test_versioning_of_a_missing_bucket_is_no_such_bucket(client: aiominio.Client) -> None:
    with pytest.raises(aiominio.NoSuchBucket):
        await client.get_bucket_versioning(unique_bucket("gone"))


async def test_every_version_is_listed_read_and_removed(
    client: aiominio.Client, versioned: str, tmp_path: Path
) -> None:
    b = versioned
    first = await client.put_object(b, "doc.txt", b"first")
    second = await client.put_object(b, "doc.txt", b"second!")
    assert first.version_id and second.version_id and first.version_id != second.version_id
    await client.remove_object(b, "doc.txt")  # a delete marker on top
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(b, "doc.txt")

    listed = [v async for v in client.list_object_versions(b, recursive=True)]
    assert all(v.key == "doc.txt" for v in listed)
    markers = [v for v in listed if v.is_delete_marker]
    data = {v.version_id: v for v in listed if not v.is_delete_marker}
    assert len(markers) == 1 and markers[0].is_latest
    assert set(data) == {first.version_id, second.version_id}
    assert data[first.version_id].size == 5 and data[first.version_id].etag == first.etag
    assert data[second.version_id].size == 7 and not data[second.version_id].is_latest
    assert data[first.version_id].last_modified is not None

    stat = await client.stat_object(b, "doc.txt", version_id=first.version_id)
    assert (stat.size, stat.version_id) == (5, first.version_id)
    async with client.get_object(b, "doc.txt", version_id=first.version_id) as obj:
        assert await obj.read() == b"first"
        assert obj.stat.version_id == first.version_id
    async with client.get_partial_object(b, "doc.txt", 1, 3, version_id=second.version_id) as obj:
        assert await obj.read() == b"eco"
    target = tmp_path / "doc.txt"
    got = await client.fget_object(b, "doc.txt", target, version_id=second.version_id)
    assert target.read_bytes() == b"second!" and got.version_id == second.version_id
    url = await client.presigned_get_object(b, "doc.txt", version_id=first.version_id)
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert (resp.status, await resp.read()) == (200, b"first")

    copied = await client.copy_object(
        b, "copy.txt", b, "doc.txt", source_version_id=first.version_id
    )
    assert copied.version_id and copied.etag == first.etag
    async with client.get_object(b, "copy.txt") as obj:
        assert await obj.read() == b"first"

    # The marker goes by its version id: the newest data version is the latest again.
    await client.remove_object(b, "doc.txt", version_id=markers[0].version_id)
    async with client.get_object(b, "doc.txt") as obj:
        assert await obj.read() == b"second!"
    errors = await client.remove_objects(
        b, [("doc.txt", first.version_id), data[second.version_id]]
    )
    assert errors == []
    assert [v.key async for v in client.list_object_versions(b, recursive=True)] == ["copy.txt"]


async def test_multipart_writes_name_their_versions_and_fget_pins_them(
    client: aiominio.Client, versioned: str, tmp_path: Path
) -> None:
    body = bytes(range(256)) * (24 * 1024)  # 6 MiB: a multipart upload and a multipart copy
    put = await client.put_object(versioned, "big", body, part_size=5 * 1024 * 1024)
    assert put.version_id and put.etag.endswith("-2")
    copied = await client.copy_object(
        versioned, "big-copy", versioned, "big", part_size=5 * 1024 * 1024
    )
    assert copied.version_id and copied.version_id != put.version_id
    stat = await client.stat_object(versioned, "big-copy")
    assert stat.version_id == copied.version_id
    # No version_id: the download is pinned to the version its first GET described, and its
    # multipart ETag is checked part by part against that version's parts.
    got = await client.fget_object(versioned, "big", tmp_path / "big")
    assert got.version_id == put.version_id and got.etag == put.etag
    assert (tmp_path / "big").read_bytes() == body


async def test_version_listing_pages_by_key_and_version_markers(
    client: aiominio.Client, versioned: str
) -> None:
    keys = ["a/1", "a/2", "b", "c/d/e"]
    for key in keys:
        for n in range(2):
            await client.put_object(versioned, key, f"{key}:{n}".encode())
    paged = [v async for v in client.list_object_versions(versioned, recursive=True, page_size=1)]
    whole = [v async for v in client.list_object_versions(versioned, recursive=True)]
    assert paged == whole
    assert sorted(v.key for v in paged) == sorted(k for k in keys for _ in range(2))
    assert len({v.version_id for v in paged}) == 8
    assert sum(v.is_latest for v in paged) == 4
    top = [v async for v in client.list_object_versions(versioned, page_size=1)]
    assert [(v.key, v.is_dir) for v in top] == [
        ("a/", True),
        ("b", False),
        ("b", False),
        ("c/", True),
    ]
    under = [v.key async for v in client.list_object_versions(versioned, "a/", recursive=True)]
    assert under == ["a/1", "a/1", "a/2", "a/2"]


async def test_an_unversioned_bucket_lists_one_version_per_object(
    client: aiominio.Client, bucket: str
) -> None:
    put = await client.put_object(bucket, "k", b"data")
    (only,) = [v async for v in client.list_object_versions(bucket, recursive=True)]
    assert (only.key, only.is_latest, only.etag, only.size) == ("k", True, put.etag, 4)
    assert only.version_id == "null"
    assert await client.remove_objects(bucket, [only]) == []
    assert [o async for o in client.list_objects(bucket, recursive=True)] == []


# -- conditional reads ------------------------------------------------------------------------


async def test_read_conditions(client: aiominio.Client, bucket: str, tmp_path: Path) -> None:
    put = await client.put_object(bucket, "k", b"0123456789")
    stat = await client.stat_object(bucket, "k", if_match=put.etag, if_unmodified_since=_future())
    assert stat.etag == put.etag
    await client.stat_object(bucket, "k", if_none_match="other", if_modified_since=PAST)
    async with client.get_object(bucket, "k", if_match=f'"{put.etag}"') as obj:
        assert await obj.read() == b"0123456789"
    async with client.get_partial_object(bucket, "k", 2, 3, if_none_match="*other*") as obj:
        assert await obj.read() == b"234"
    target = tmp_path / "k"
    await client.fget_object(bucket, "k", target, if_match=put.etag)
    assert target.read_bytes() == b"0123456789"

    failing = [{"if_match": "0" * 32}, {"if_unmodified_since": PAST}]
    unchanged = [{"if_none_match": put.etag}, {"if_modified_since": _future()}]
    for conditions, error in [
        *((c, aiominio.PreconditionFailed) for c in failing),
        *((c, aiominio.NotModified) for c in unchanged),
    ]:
        with pytest.raises(error) as info:
            await client.stat_object(bucket, "k", **conditions)
        assert info.value.status in (304, 412)
        with pytest.raises(error):
            async with client.get_object(bucket, "k", **conditions):
                pass
        with pytest.raises(error):
            async with client.get_partial_object(bucket, "k", 1, 2, **conditions):
                pass
        other = tmp_path / "other"
        with pytest.raises(error):
            await client.fget_object(bucket, "k", other, **conditions)
        assert list(tmp_path.iterdir()) == [target]  # no partial file, nothing at the target
    assert isinstance(aiominio.NotModified("NotModified"), aiominio.S3Error)


async def test_copy_source_conditions(
    client: aiominio.Client, bucket: str, server: LocalServer
) -> None:
    put = await client.put_object(bucket, "src", b"source")
    await client.copy_object(bucket, "ok", bucket, "src", source_if_match=put.etag)
    await client.copy_object(
        bucket, "ok", bucket, "src", source_if_none_match="other", source_if_modified_since=PAST
    )
    with pytest.raises(aiominio.PreconditionFailed):
        await client.copy_object(bucket, "no", bucket, "src", source_if_none_match=put.etag)
    if server.name == "moto":
        pytest.skip(
            "moto 5.2.5 ignores x-amz-copy-source-if-match, -if-modified-since and "
            "-if-unmodified-since (it copies anyway); only -if-none-match is enforced"
        )
    for conditions in [
        {"source_if_match": "0" * 32},
        {"source_if_unmodified_since": PAST},
        {"source_if_modified_since": _future()},
    ]:
        with pytest.raises(aiominio.PreconditionFailed):
            await client.copy_object(bucket, "no", bucket, "src", **conditions)
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "no")


async def test_copy_in_parts_keeps_source_conditions(
    client: aiominio.Client, bucket: str, server: LocalServer
) -> None:
    body = b"x" * (5 * 1024 * 1024 + 10)
    put = await client.put_object(bucket, "big", body)
    done = await client.copy_object(
        bucket, "yes", bucket, "big", part_size=5 * 1024 * 1024, source_if_match=put.etag
    )
    assert (await client.stat_object(bucket, "yes")).size == len(body)
    assert done.etag
    if server.name == "moto":
        pytest.skip("moto 5.2.5 ignores x-amz-copy-source-if-* on UploadPartCopy")
    with pytest.raises(aiominio.PreconditionFailed):
        await client.copy_object(
            bucket, "no", bucket, "big", part_size=5 * 1024 * 1024, source_if_none_match=put.etag
        )
    assert [u async for u in client.list_incomplete_uploads(bucket, recursive=True)] == []
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "no")


# -- conditional writes ------------------------------------------------------------------------


async def test_put_if_none_match_creates_only(client: aiominio.Client, bucket: str) -> None:
    created = await client.put_object(bucket, "once", b"first", if_none_match="*")
    with pytest.raises(aiominio.PreconditionFailed):
        await client.put_object(bucket, "once", b"second", if_none_match="*")
    async with client.get_object(bucket, "once") as obj:
        assert await obj.read() == b"first"
    assert (await client.stat_object(bucket, "once")).etag == created.etag


async def test_put_if_match_replaces_only_that_etag(
    client: aiominio.Client, bucket: str, server: LocalServer
) -> None:
    first = await client.put_object(bucket, "k", b"first")
    second = await client.put_object(bucket, "k", b"second", if_match=first.etag)
    with pytest.raises(aiominio.PreconditionFailed):
        await client.put_object(bucket, "k", b"third", if_match=first.etag)
    assert (await client.stat_object(bucket, "k")).etag == second.etag
    missing: type[Exception] = aiominio.PreconditionFailed
    if server.name == "moto":
        missing = aiominio.NoSuchKey  # moto 5.2.5 answers If-Match on a missing key with 404
    with pytest.raises(missing):
        await client.put_object(bucket, "absent", b"x", if_match=first.etag)


async def test_multipart_put_if_none_match(
    client: aiominio.Client, bucket: str, server: LocalServer
) -> None:
    body = b"m" * (6 * 1024 * 1024)
    await client.put_object(bucket, "big", b"small")
    try:
        await client.put_object(bucket, "big", body, if_none_match="*")
    except aiominio.PreconditionFailed:
        pass
    else:
        pytest.skip(f"{server.name} ignores If-None-Match on CompleteMultipartUpload")
    assert (await client.stat_object(bucket, "big")).size == 5
    assert [u async for u in client.list_incomplete_uploads(bucket, recursive=True)] == []
    await client.put_object(bucket, "new-big", body, if_none_match="*")
    assert (await client.stat_object(bucket, "new-big")).size == len(body)


async def test_copy_conditions_on_the_destination(
    client: aiominio.Client, bucket: str, server: LocalServer
) -> None:
    await client.put_object(bucket, "src", b"source")
    old = await client.put_object(bucket, "dst", b"old")
    created = await client.copy_object(bucket, "fresh", bucket, "src", if_none_match="*")
    assert (await client.stat_object(bucket, "fresh")).etag == created.etag
    if server.name == "moto":
        pytest.skip("moto 5.2.5 ignores If-None-Match and If-Match on CopyObject (it copies)")
    with pytest.raises(aiominio.PreconditionFailed):
        await client.copy_object(bucket, "dst", bucket, "src", if_none_match="*")
    with pytest.raises(aiominio.PreconditionFailed):
        await client.copy_object(bucket, "dst", bucket, "src", if_match="0" * 32)
    assert (await client.stat_object(bucket, "dst")).etag == old.etag  # untouched
    await client.copy_object(bucket, "dst", bucket, "src", if_match=old.etag)
    async with client.get_object(bucket, "dst") as obj:
        assert await obj.read() == b"source"


async def test_copy_in_parts_conditions_on_the_destination(
    client: aiominio.Client, bucket: str, server: LocalServer
) -> None:
    part = 5 * 1024 * 1024
    await client.put_object(bucket, "big", b"b" * (part + 10))
    await client.put_object(bucket, "dst", b"old")
    try:
        await client.copy_object(bucket, "dst", bucket, "big", part_size=part, if_none_match="*")
    except aiominio.PreconditionFailed:
        pass
    else:
        pytest.skip(f"{server.name} ignores If-None-Match on CompleteMultipartUpload")
    assert (await client.stat_object(bucket, "dst")).size == 3
    assert [u async for u in client.list_incomplete_uploads(bucket, recursive=True)] == []
    await client.copy_object(bucket, "new", bucket, "big", part_size=part, if_none_match="*")
    assert (await client.stat_object(bucket, "new")).size == part + 10


async def test_remove_if_match_removes_only_that_etag(client: aiominio.Client, bucket: str) -> None:
    first = await client.put_object(bucket, "k", b"first")
    second = await client.put_object(bucket, "k", b"second")
    with pytest.raises(aiominio.PreconditionFailed):
        await client.remove_object(bucket, "k", if_match=first.etag)
    assert (await client.stat_object(bucket, "k")).etag == second.etag
    await client.remove_object(bucket, "k", if_match=second.etag)
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "k")


# -- resumes keep the version ------------------------------------------------------------------


async def test_a_resume_keeps_the_first_answers_version_and_etag(
    web_server: StartWebServer,
) -> None:
    body = bytes(range(256)) * 40
    etag = "0123456789abcdef0123456789abcdef"
    headers = {"ETag": f'"{etag}"', "x-amz-version-id": "v7"}

    async def get(request: web.Request) -> web.StreamResponse:
        rng = request.headers.get("Range")
        if rng is None:
            resp = web.StreamResponse(status=200, headers=headers)
            resp.content_length = len(body)
            await resp.prepare(request)
            await resp.write(body[: len(body) // 2])
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("cut off on purpose")
        lo = int(rng.removeprefix("bytes=").split("-")[0])
        cr = f"bytes {lo}-{len(body) - 1}/{len(body)}"
        return web.Response(status=206, body=body[lo:], headers={**headers, "Content-Range": cr})

    server = await web_server(web.get("/bkt/k", get))
    retry = aiominio.RetryPolicy(max_attempts=3, base_delay=0.01)
    client = aiominio.Client(
        server.url, access_key="a", secret_key="b", region="us-east-1", retry=retry
    )
    async with (
        client,
        client.get_object(
            "bkt", "k", if_none_match="other", if_modified_since=PAST, verify=False
        ) as obj,
    ):
        assert await obj.read() == body
    first, resumed = server.received
    assert first.path_qs == "/bkt/k"
    assert first.headers["If-None-Match"] == '"other"'
    assert resumed.path_qs == "/bkt/k?versionId=v7"
    assert resumed.headers["If-Match"] == f'"{etag}"'
    assert "If-None-Match" not in resumed.headers
    assert "If-Modified-Since" not in resumed.headers

"""Tags (object, version-less, bucket) and the standard headers of uploads, on both servers."""

from __future__ import annotations

import base64
import gzip
import hashlib
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest

import aiominio
from aiominio import testing

MiB = 1024 * 1024
#: Characters S3 allows in tags beyond letters and digits, and a non-ASCII letter.
ODD_TAGS = {"team name": "a+b=c.d_e:f/g@h", "ü-key": "wert ü", "empty": ""}
EXPIRES = datetime(2031, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
STANDARD = {
    "cache_control": "max-age=3600, public",
    "content_disposition": 'attachment; filename="report.txt"',
    "content_language": "de-CH",
    "expires": EXPIRES,
}


def assert_standard(stat: aiominio.ObjectStat) -> None:
    assert stat.cache_control == STANDARD["cache_control"]
    assert stat.content_disposition == STANDARD["content_disposition"]
    assert stat.content_language == STANDARD["content_language"]
    assert stat.expires == EXPIRES


async def test_object_tags(client: aiominio.Client, bucket: str) -> None:
    await client.put_object(bucket, "k", b"data", tags=ODD_TAGS)
    assert await client.get_object_tags(bucket, "k") == ODD_TAGS
    ten = {f"t{i}": str(i) for i in range(10)}
    await client.set_object_tags(bucket, "k", ten)
    assert await client.get_object_tags(bucket, "k") == ten
    await client.delete_object_tags(bucket, "k")
    assert await client.get_object_tags(bucket, "k") == {}
    await client.delete_object_tags(bucket, "k")  # none left: not an error
    await client.put_object(bucket, "plain", b"data")
    assert await client.get_object_tags(bucket, "plain") == {}


async def test_object_tags_of_a_missing_object(client: aiominio.Client, bucket: str) -> None:
    with pytest.raises(aiominio.NoSuchKey):
        await client.set_object_tags(bucket, "missing", {"a": "b"})
    with pytest.raises(aiominio.NoSuchKey):
        await client.get_object_tags(bucket, "missing")


async def test_bucket_tags(client: aiominio.Client, bucket: str) -> None:
    # A bucket without tags: S3 (and both servers) answer NoSuchTagSet; the client says {}.
    assert await client.get_bucket_tags(bucket) == {}
    longest = {"k" * 128: "v" * 256, **{f"tag-{i}": f"v{i}" for i in range(9)}}
    await client.set_bucket_tags(bucket, longest)
    assert await client.get_bucket_tags(bucket) == longest
    await client.set_bucket_tags(bucket, ODD_TAGS)
    assert await client.get_bucket_tags(bucket) == ODD_TAGS
    await client.delete_bucket_tags(bucket)
    assert await client.get_bucket_tags(bucket) == {}
    await client.delete_bucket_tags(bucket)  # none left: not an error


async def test_fifty_bucket_tags(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    fifty = {f"tag-{i}": f"v{i}" for i in range(50)}
    if server.name == "seaweedfs":
        # SeaweedFS 4.48 holds a bucket to the object limit (10); AWS allows 50.
        with pytest.raises(aiominio.S3Error) as info:
            await client.set_bucket_tags(bucket, fifty)
        assert info.value.code == "InvalidTag"
        return
    await client.set_bucket_tags(bucket, fifty)
    assert await client.get_bucket_tags(bucket) == fifty


async def test_bucket_tags_of_a_missing_bucket(client: aiominio.Client) -> None:
    with pytest.raises(aiominio.NoSuchBucket):
        await client.get_bucket_tags("no-such-bucket-for-tags")


async def test_fput_object_with_tags_and_headers(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"a report")
    await client.fput_object(bucket, "report.txt", path, tags={"kind": "report"}, **STANDARD)
    assert await client.get_object_tags(bucket, "report.txt") == {"kind": "report"}
    stat = await client.stat_object(bucket, "report.txt")
    assert_standard(stat)
    assert stat.content_type == "text/plain"


async def test_put_object_standard_headers(client: aiominio.Client, bucket: str) -> None:
    await client.put_object(
        bucket, "k", b"hello", content_type="text/plain", metadata={"color": "red"}, **STANDARD
    )
    stat = await client.stat_object(bucket, "k")
    assert_standard(stat)
    assert stat.metadata == {"color": "red"}
    async with client.get_object(bucket, "k") as obj:
        assert_standard(obj.stat)
        assert await obj.read() == b"hello"


async def test_multipart_upload_with_tags_and_headers(client: aiominio.Client, bucket: str) -> None:
    data = b"m" * (6 * MiB)
    await client.put_object(bucket, "big", data, tags={"size": "big"}, **STANDARD)
    assert await client.get_object_tags(bucket, "big") == {"size": "big"}
    assert_standard(await client.stat_object(bucket, "big"))


async def test_content_encoding_is_not_decoded(client: aiominio.Client, bucket: str) -> None:
    plain = b"squeeze me " * 1000
    packed = gzip.compress(plain)
    await client.put_object(
        bucket, "page.html", packed, content_type="text/html", content_encoding="gzip"
    )
    stat = await client.stat_object(bucket, "page.html")
    assert stat.content_encoding == "gzip"
    assert stat.size == len(packed)
    async with client.get_object(bucket, "page.html") as obj:
        assert await obj.read() == packed
    async with client.get_partial_object(bucket, "page.html", 0, 10) as obj:
        assert await obj.read() == packed[:10]


async def test_storage_class(client: aiominio.Client, bucket: str) -> None:
    await client.put_object(bucket, "k", b"x", storage_class="REDUCED_REDUNDANCY")
    assert (await client.stat_object(bucket, "k")).storage_class == "REDUCED_REDUNDANCY"
    # An open str: the server, not the client, knows its classes.
    with pytest.raises(aiominio.S3Error) as info:
        await client.put_object(bucket, "k", b"x", storage_class="NOT_A_CLASS")
    assert info.value.code == "InvalidStorageClass"


async def test_copy_tags(client: aiominio.Client, bucket: str) -> None:
    await client.put_object(bucket, "src", b"data", tags={"from": "source"}, metadata={"a": "1"})
    await client.copy_object(bucket, "same-tags", bucket, "src")
    assert await client.get_object_tags(bucket, "same-tags") == {"from": "source"}
    await client.copy_object(bucket, "new-tags", bucket, "src", tags={"from": "copy"})
    assert await client.get_object_tags(bucket, "new-tags") == {"from": "copy"}
    assert (await client.stat_object(bucket, "new-tags")).metadata == {"a": "1"}
    await client.copy_object(bucket, "no-tags", bucket, "src", tags={})
    assert await client.get_object_tags(bucket, "no-tags") == {}


async def test_copy_standard_headers(client: aiominio.Client, bucket: str) -> None:
    await client.put_object(
        bucket, "src", b"data", content_type="text/plain", metadata={"a": "1"}, **STANDARD
    )
    await client.copy_object(bucket, "kept", bucket, "src")
    kept = await client.stat_object(bucket, "kept")
    assert_standard(kept)
    assert kept.metadata == {"a": "1"}
    # One standard header given: everything is replaced by what is given.
    await client.copy_object(bucket, "replaced", bucket, "src", cache_control="no-store")
    replaced = await client.stat_object(bucket, "replaced")
    assert replaced.cache_control == "no-store"
    assert replaced.content_disposition is None and replaced.expires is None
    assert replaced.metadata == {}
    # A storage class alone is not metadata: the rest is copied with it.
    await client.copy_object(bucket, "classed", bucket, "src", storage_class="STANDARD")
    classed = await client.stat_object(bucket, "classed")
    assert_standard(classed)
    assert classed.metadata == {"a": "1"} and classed.content_type == "text/plain"
    # ... and onto itself, where some servers want REPLACE: the stored headers are sent again.
    await client.copy_object(bucket, "src", bucket, "src", storage_class="STANDARD")
    itself = await client.stat_object(bucket, "src")
    assert_standard(itself)
    assert itself.metadata == {"a": "1"} and itself.content_type == "text/plain"


async def test_multipart_copy_carries_tags_and_headers(
    client: aiominio.Client, bucket: str
) -> None:
    data = b"c" * (6 * MiB)
    await client.put_object(
        bucket, "src", data, metadata={"a": "1"}, tags={"from": "source"}, **STANDARD
    )
    await client.copy_object(bucket, "copy", bucket, "src", part_size=5 * MiB)
    assert await client.get_object_tags(bucket, "copy") == {"from": "source"}
    stat = await client.stat_object(bucket, "copy")
    assert_standard(stat)
    assert stat.metadata == {"a": "1"}
    await client.copy_object(
        bucket, "copy2", bucket, "src", part_size=5 * MiB, tags={"t": "2"}, cache_control="no-store"
    )
    assert await client.get_object_tags(bucket, "copy2") == {"t": "2"}
    stat = await client.stat_object(bucket, "copy2")
    assert stat.cache_control == "no-store" and stat.metadata == {}


async def test_presigned_put_with_standard_headers(client: aiominio.Client, bucket: str) -> None:
    url = await client.presigned_put_object(
        bucket,
        "up.txt",
        300,
        cache_control="no-cache",
        content_language="fr",
        expires_header=EXPIRES,
        storage_class="STANDARD_IA",
    )
    sent = {
        "Cache-Control": "no-cache",
        "Content-Language": "fr",
        "Expires": format_datetime(EXPIRES, usegmt=True),
        "x-amz-storage-class": "STANDARD_IA",
    }
    async with aiohttp.ClientSession() as session, session.put(url, data=b"up", headers=sent) as r:
        assert r.status == 200, await r.text()
    stat = await client.stat_object(bucket, "up.txt")
    assert (stat.cache_control, stat.content_language) == ("no-cache", "fr")
    assert stat.expires == EXPIRES
    assert stat.storage_class == "STANDARD_IA"


async def test_presigned_put_refused_without_its_headers(
    server: testing.LocalServer, client: aiominio.Client, bucket: str
) -> None:
    if not server.checks_signatures:
        pytest.skip(f"{server.name} does not check signatures")
    url = await client.presigned_put_object(bucket, "up.txt", 300, cache_control="no-cache")
    async with aiohttp.ClientSession() as session:
        async with session.put(url, data=b"up") as resp:
            assert resp.status == 403, await resp.text()
        async with session.put(url, data=b"up", headers={"Cache-Control": "max-age=1"}) as resp:
            assert resp.status == 403, await resp.text()
    with pytest.raises(aiominio.NoSuchKey):
        await client.stat_object(bucket, "up.txt")


async def test_tags_of_each_version(client: aiominio.Client, bucket: str) -> None:
    # Versioning is switched on by hand here: its own methods are not part of this change.
    body = (
        b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Status>Enabled</Status></VersioningConfiguration>"
    )
    await client.requester.execute(
        "PUT",
        bucket,
        query=(("versioning", ""),),
        headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()},
        body=body,
    )
    first = await client.put_object(bucket, "k", b"one", tags={"v": "1"})
    second = await client.put_object(bucket, "k", b"two", tags={"v": "2"})
    assert first.version_id and second.version_id and first.version_id != second.version_id
    assert await client.get_object_tags(bucket, "k") == {"v": "2"}
    assert await client.get_object_tags(bucket, "k", version_id=first.version_id) == {"v": "1"}
    await client.set_object_tags(bucket, "k", {"old": "yes"}, version_id=first.version_id)
    assert await client.get_object_tags(bucket, "k", version_id=first.version_id) == {"old": "yes"}
    assert await client.get_object_tags(bucket, "k") == {"v": "2"}
    await client.delete_object_tags(bucket, "k", version_id=first.version_id)
    assert await client.get_object_tags(bucket, "k", version_id=first.version_id) == {}
    assert await client.get_object_tags(bucket, "k") == {"v": "2"}
    for version in (first.version_id, second.version_id):
        await client.remove_object(bucket, "k", version_id=version)


async def test_gzip_file_is_downloaded_as_stored(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    packed = gzip.compress(b"plain text " * 500)
    await client.put_object(bucket, "a.txt.gz", packed, content_encoding="gzip")
    stat = await client.fget_object(bucket, "a.txt.gz", tmp_path / "a.txt.gz")
    assert stat.content_encoding == "gzip"
    assert (tmp_path / "a.txt.gz").read_bytes() == packed

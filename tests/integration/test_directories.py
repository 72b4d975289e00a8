"""Directory transfers, syncs and coalesced ranged reads against the real servers (SeaweedFS
and moto; see tests/integration/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import aiominio
from aiominio import InvalidArgument, InvalidRange, S3Prefix, TreeProgress

pytestmark = pytest.mark.integration


def make_tree(root: Path) -> dict[str, bytes]:
    files = {
        "a.txt": b"alpha\n",
        "sub/b.bin": os.urandom(70_000),
        "sub/deeper/c.json": b'{"c": 1}',
        "space name \u00e9.txt": b"unicode",
        "skip.tmp": b"left out by the glob",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def keys(client: aiominio.Client, bucket: str, prefix: str = "") -> list[str]:
    return sorted([o.key async for o in client.list_objects(bucket, prefix, recursive=True)])


async def body(client: aiominio.Client, bucket: str, key: str) -> bytes:
    async with client.get_object(bucket, key) as obj:
        return await obj.read()


async def test_upload_then_download_a_tree_with_globs_and_progress(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")
    seen: list[TreeProgress] = []
    result = await client.upload_dir(
        bucket, "t", tmp_path / "src", exclude="*.tmp", progress=seen.append, concurrency=3
    )
    wanted = {rel: data for rel, data in files.items() if not rel.endswith(".tmp")}
    assert result.ok and not result.dry_run
    assert sorted(i.relative for i in result.uploaded) == sorted(wanted)
    assert await keys(client, bucket) == sorted(f"t/{rel}" for rel in wanted)
    # totals known from the first call; counts only rise; the last call has them all
    assert {(p.files_total, p.bytes_total) for p in seen} == {
        (len(wanted), sum(map(len, wanted.values())))
    }
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    assert seen[-1].files_done == len(wanted) and seen[-1].bytes_done == seen[-1].bytes_total

    back = tmp_path / "back"
    got = await client.download_dir(bucket, "t/", back, include=["sub/**"])
    assert got.ok and [i.relative for i in got.downloaded] == ["sub/b.bin", "sub/deeper/c.json"]
    assert read_tree(back) == {k: v for k, v in wanted.items() if k.startswith("sub/")}
    # the downloaded files carry the objects' modification times
    stat = await client.stat_object(bucket, "t/sub/b.bin")
    assert stat.last_modified is not None
    assert abs((back / "sub/b.bin").stat().st_mtime - stat.last_modified.timestamp()) < 1


async def test_sync_up_and_down_only_changes_with_delete_and_dry_run(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    files = make_tree(src)
    dest = f"s3://{bucket}/m"
    dry = await client.sync(src, dest, dry_run=True)
    assert dry.dry_run and len(dry.uploaded) == len(files)
    assert await keys(client, bucket) == []

    first = await client.sync(src, dest)
    assert len(first.uploaded) == len(files) and first.ok
    again = await client.sync(src, dest)
    assert again.transferred == () and len(again.skipped) == len(files)

    (src / "a.txt").write_bytes(b"alpha, longer now\n")
    (src / "sub" / "b.bin").unlink()
    (src / "new.txt").write_bytes(b"new")
    dry = await client.sync(src, S3Prefix(bucket, "m"), delete=True, dry_run=True)
    assert [i.destination for i in dry.deleted] == ["m/sub/b.bin"]
    assert "m/sub/b.bin" in await keys(client, bucket)
    ran = await client.sync(src, dest, delete=True)
    assert sorted(i.relative for i in ran.uploaded) == ["a.txt", "new.txt"]
    assert [i.relative for i in ran.deleted] == ["sub/b.bin"]
    assert await body(client, bucket, "m/a.txt") == b"alpha, longer now\n"

    back = tmp_path / "back"
    (back / "old").mkdir(parents=True)
    (back / "old" / "extra.txt").write_bytes(b"not in the source")
    (back / "keep.tmp").write_bytes(b"excluded: neither copied nor deleted")
    down = await client.sync(dest, back, delete=True, exclude="keep.tmp")
    assert [i.relative for i in down.deleted] == ["old/extra.txt"]
    expected = {k: v for k, v in read_tree(src).items() if k != "keep.tmp"}
    assert {k: v for k, v in read_tree(back).items() if k != "keep.tmp"} == expected
    assert (back / "keep.tmp").exists()
    settled = await client.sync(dest, back)
    assert settled.transferred == ()


async def test_uploaded_trees_carry_the_attributes_given(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    make_tree(src)
    # Large enough to go up in parts: the attributes go with CreateMultipartUpload then.
    (src / "big.bin").write_bytes(os.urandom(client.multipart_threshold + 1))
    await client.upload_dir(
        bucket,
        "up",
        src,
        metadata={"Owner": "ada"},
        tags={"team": "data"},
        cache_control="max-age=60",
        concurrency=2,
    )
    for key, guessed in [("up/a.txt", "text/plain"), ("up/big.bin", "application/octet-stream")]:
        stat = await client.stat_object(bucket, key)
        assert stat.metadata == {"owner": "ada"}
        assert stat.cache_control == "max-age=60"
        assert stat.content_type == guessed  # each file's own, guessed from its name
        assert await client.get_object_tags(bucket, key) == {"team": "data"}

    # A sync stores them with what it uploads, and a given content type with every file.
    (src / "a.txt").write_bytes(b"changed")
    ran = await client.sync(src, f"s3://{bucket}/up", content_type="text/x-given", tags={"v": "2"})
    assert [i.relative for i in ran.uploaded] == ["a.txt"]
    stat = await client.stat_object(bucket, "up/a.txt")
    assert stat.content_type == "text/x-given" and stat.metadata == {}
    assert await client.get_object_tags(bucket, "up/a.txt") == {"v": "2"}


async def test_given_attributes_are_not_lost_to_an_incomplete_upload_of_the_key(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    big = os.urandom(client.multipart_threshold + 1)
    (tmp_path / "big.bin").write_bytes(big)
    # A leftover of an earlier attempt without attributes, its first part already there:
    # resuming it would complete the object with that attempt's content type and no metadata.
    left = await client.initiate_new_multipart_upload(bucket, "t/big.bin")
    await client.upload_part(bucket, "t/big.bin", left, 1, big[: 5 * 2**20])
    await client.upload_dir(
        bucket, "t", tmp_path, content_type="text/csv", metadata={"owner": "ada"}
    )
    stat = await client.stat_object(bucket, "t/big.bin")
    assert (stat.content_type, stat.metadata) == ("text/csv", {"owner": "ada"})
    async with client.get_object(bucket, "t/big.bin") as obj:
        assert await obj.read() == big
    await client.abort_multipart_upload(bucket, "t/big.bin", left)


async def test_without_attributes_an_incomplete_upload_of_the_key_is_resumed(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    big = os.urandom(client.multipart_threshold + 1)
    (tmp_path / "big.bin").write_bytes(big)
    left = await client.initiate_new_multipart_upload(bucket, "t/big.bin")
    await client.upload_part(bucket, "t/big.bin", left, 1, big[: 5 * 2**20])
    await client.upload_dir(bucket, "t", tmp_path)
    # The leftover upload was the one completed (resumed), not left beside a new object.
    assert [u.upload_id async for u in client.list_incomplete_uploads(bucket, "t/")] == []
    async with client.get_object(bucket, "t/big.bin") as obj:
        assert await obj.read() == big


async def test_bad_tree_attributes_are_refused_before_any_request(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    make_tree(tmp_path)
    with pytest.raises(InvalidArgument, match="metadata"):
        await client.upload_dir(bucket, "x", tmp_path, metadata={"bad name": "v"})
    with pytest.raises(InvalidArgument, match="content_type"):
        await client.sync(tmp_path, f"s3://{bucket}/x", content_type="text/\u00e9")
    assert await keys(client, bucket) == []


async def test_sync_between_prefixes_copies_on_the_server(
    client: aiominio.Client, bucket: str
) -> None:
    await client.put_object(bucket, "src/a", b"a")
    await client.put_object(bucket, "src/d/b", b"bb")
    await client.put_object(bucket, "mir/extra", b"x")
    result = await client.sync(f"s3://{bucket}/src/", f"s3://{bucket}/mir", delete=True)
    assert [i.relative for i in result.copied] == ["a", "d/b"]
    assert [i.destination for i in result.deleted] == ["mir/extra"]
    assert await keys(client, bucket, "mir/") == ["mir/a", "mir/d/b"]
    assert await body(client, bucket, "mir/d/b") == b"bb"


async def test_a_failed_file_is_recorded_and_the_others_go_on(
    client: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_bytes(b"g")
    # not UTF-8: no valid key; refused before any request
    with open(os.path.join(os.fsencode(src), b"bad\xff.txt"), "wb") as f:
        f.write(b"b")
    os.mkfifo(src / "pipe")
    result = await client.upload_dir(bucket, "t", src)
    assert [i.relative for i in result.uploaded] == ["good.txt"]
    assert len(result.failed) == 1 and isinstance(result.failed[0].error, InvalidArgument)
    assert result.ignored == (str(src / "pipe"),)
    assert await keys(client, bucket) == ["t/good.txt"]


async def test_get_ranges_coalesces_and_returns_each_range_in_order(
    client: aiominio.Client, bucket: str
) -> None:
    data = os.urandom(300_000)
    await client.put_object(bucket, "r.bin", data)
    ranges = [(250_000, 250_010), (0, 4), (10, 5000), (100, 100), (120_000, 300_000), (3, 12)]
    got = await client.get_ranges(bucket, "r.bin", ranges, coalesce=1024, max_span=64 << 10)
    assert got == [data[s:e] for s, e in ranges]
    assert await client.get_ranges(bucket, "r.bin", [(299_999, 300_000)]) == [data[-1:]]
    with pytest.raises(InvalidArgument, match="past the end"):
        await client.get_ranges(bucket, "r.bin", [(299_000, 300_001)])
    with pytest.raises(InvalidRange):
        await client.get_ranges(bucket, "r.bin", [(400_000, 400_001)])

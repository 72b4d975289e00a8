"""The command line's choosing and storing options, run for real (``python -m aiominio``) against
SeaweedFS: --include/--exclude and --dry-run on cp, mv, mirror and rm; the attributes cp and
mirror store (--content-type, --metadata, --tags, --cache-control, --storage-class, --sse);
ls --long --summarize; presign TARGET as a GET with a duration."""

# ruff: noqa: F811  (the fixtures of test_cli, imported by name, are parameters here)
from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path

import pytest

import aiominio
from tests.integration.test_cli import (  # noqa: F401  (fixtures)
    bucket,
    cli,
    env,
    keys,
    make_tree,
    ok,
    read_tree,
    sw,
)

pytestmark = pytest.mark.integration


# -- --include, --exclude, --dry-run ----------------------------------------------------------


async def test_cp_r_up_and_down_takes_only_what_the_globs_choose(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")
    (tmp_path / "src" / "sub" / "skip.tmp").write_bytes(b"left out")
    await ok(
        env, "cp", "-r", "--exclude", "*.tmp", "--exclude", "a.txt", str(tmp_path / "src"),
        f"s3://{bucket}/t",
    )  # fmt: skip
    wanted = sorted(f"t/{rel}" for rel in files if rel != "a.txt")
    assert sorted(await keys(sw, bucket)) == wanted

    await ok(env, "cp", "-r", "--include", "sub/**", f"s3://{bucket}/t", str(tmp_path / "back"))
    assert read_tree(tmp_path / "back") == {k: v for k, v in files.items() if k.startswith("sub/")}

    # Server-side copies of a prefix filter the same way.
    await ok(env, "cp", "-r", "--include", "*.json", f"s3://{bucket}/t", f"s3://{bucket}/c")
    assert await keys(sw, bucket, "c/") == ["c/sub/deeper/c.json"]


async def test_cp_and_mv_dry_run_send_nothing(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    make_tree(tmp_path / "src")
    ran = await ok(
        env, "cp", "-r", "-n", "--include", "*.txt", str(tmp_path / "src"), f"s3://{bucket}/t"
    )
    lines = sorted(ran.text.splitlines())
    src, dest = tmp_path / "src", f"s3://{bucket}/t"
    assert lines == [
        f"would upload: {src / 'a.txt'} -> {dest}/a.txt",
        f"would upload: {src / 'space name é.txt'} -> {dest}/space name é.txt",
    ]
    assert await keys(sw, bucket) == []

    await sw.put_object(bucket, "one.txt", b"1")
    ran = await ok(env, "mv", "--dry-run", f"s3://{bucket}/one.txt", f"s3://{bucket}/two.txt")
    assert ran.text == f"would move: s3://{bucket}/one.txt -> s3://{bucket}/two.txt\n"
    assert await keys(sw, bucket) == ["one.txt"]

    ran = await ok(env, "cp", "-n", f"s3://{bucket}/one.txt", str(tmp_path / "got"))
    assert ran.text.startswith("would download: ") and not (tmp_path / "got").exists()


async def test_rm_r_with_globs_and_dry_run(
    env: dict[str, str], sw: aiominio.Client, bucket: str
) -> None:
    for key in ["p/a.log", "p/b.txt", "p/d/c.log", "q.log"]:
        await sw.put_object(bucket, key, b"x")
    ran = await ok(env, "rm", "-r", "--dry-run", "--include", "*.log", f"s3://{bucket}/p")
    assert sorted(ran.text.splitlines()) == [
        f"would remove: s3://{bucket}/p/a.log",
        f"would remove: s3://{bucket}/p/d/c.log",
    ]
    assert "would remove 2 objects" in ran.err
    assert sorted(await keys(sw, bucket)) == ["p/a.log", "p/b.txt", "p/d/c.log", "q.log"]

    ran = await ok(env, "rm", "-r", "--include", "*.log", "--exclude", "d/*", f"s3://{bucket}/p")
    assert "removed 1 object" in ran.err
    assert sorted(await keys(sw, bucket)) == ["p/b.txt", "p/d/c.log", "q.log"]

    ran = await ok(env, "rm", "-r", "--json", "-n", f"s3://{bucket}/")
    assert json.loads(ran.text.splitlines()[-1])["would_remove"] == 3
    assert len(await keys(sw, bucket)) == 3


async def test_mirror_globs_leave_out_what_they_do_not_choose(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    make_tree(tmp_path / "src")
    await sw.put_object(bucket, "m/keep.tmp", b"not deleted: excluded")
    await ok(env, "mirror", "--delete", "--exclude", "*.tmp", "--exclude", "sub/**",
             str(tmp_path / "src"), f"s3://{bucket}/m")  # fmt: skip
    assert sorted(await keys(sw, bucket)) == ["m/a.txt", "m/keep.tmp", "m/space name é.txt"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["cp", "--include", "*.txt", "a.txt", "s3://b/k"], "--recursive"),
        (["rm", "--exclude", "*.txt", "s3://b/k"], "--recursive"),
        (["cp", "-r", "--include", "", "d", "s3://b/k"], "glob"),
        (["cp", "--metadata", "novalue", "a.txt", "s3://b/k"], "KEY=VALUE"),
        (["cp", "--metadata", "bad name=v", "a.txt", "s3://b/k"], "metadata"),
        (["cp", "--tags", "a=1&a=2", "a.txt", "s3://b/k"], "twice"),
        (["cp", "--sse", "aws:kms", "a.txt", "s3://b/k"], "--sse-kms-key-id"),
        (["cp", "--sse-kms-key-id", "k", "a.txt", "s3://b/k"], "aws:kms"),
        (["cp", "--content-type", "text/plain", "s3://b/k", "out"], "not downloads"),
        (["mirror", "--tags", "a=1", "s3://b/p", "out"], "local directory"),
        (["presign", "put", "get", "s3://b/k"], "presign [get|put] TARGET"),
        (["presign", "--expires", "8d", "s3://b/k"], "7 days"),
        (["presign", "s3://b/"], "not an object"),
        (["ls", "--summarize"], "--summarize"),
    ],
)
async def test_bad_options_are_usage_errors_before_any_request(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / "d").mkdir()
    # An endpoint nothing listens on: any request would fail with exit code 1, not 2.
    env = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "no-such-secret",
        "AWS_REGION": "us-east-1",
        "AIOMINIO_CONFIG_DIR": str(tmp_path / "cfg"),
        "AWS_CONFIG_FILE": str(tmp_path / "no"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no"),
        "PATH": "/usr/bin:/bin",
    }
    ran = await cli(env, *args, cwd=tmp_path)
    assert ran.code == 2, ran.err
    assert message in ran.err


# -- what uploads store -------------------------------------------------------------------------


async def test_cp_stores_the_attributes_given_on_uploads_and_copies(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "page.html"
    src.write_bytes(b"<p>hi</p>")
    await ok(
        env, "cp", str(src), f"s3://{bucket}/site/", "--content-type", "text/x-mine",
        "--metadata", "Owner=ada", "--metadata", "x=1", "--tags", "team=web&tier=1",
        "--cache-control", "max-age=600", "--storage-class", "STANDARD",
    )  # fmt: skip
    stat = await sw.stat_object(bucket, "site/page.html")
    assert stat.content_type == "text/x-mine"
    assert stat.metadata == {"owner": "ada", "x": "1"}
    assert stat.cache_control == "max-age=600"
    assert await sw.get_object_tags(bucket, "site/page.html") == {"team": "web", "tier": "1"}

    # A copy keeps the source's attributes but those given, as aws s3 cp does.
    await ok(env, "cp", f"s3://{bucket}/site/page.html", f"s3://{bucket}/same.html")
    assert (await sw.stat_object(bucket, "same.html")).metadata == {"owner": "ada", "x": "1"}
    await ok(env, "cp", f"s3://{bucket}/site/page.html", f"s3://{bucket}/new.html",
             "--metadata", "owner=grace")  # fmt: skip
    new = await sw.stat_object(bucket, "new.html")
    assert new.metadata == {"owner": "grace"}
    assert (new.content_type, new.cache_control) == ("text/x-mine", "max-age=600")
    await ok(env, "cp", f"s3://{bucket}/site/page.html", f"s3://{bucket}/classed.html",
             "--storage-class", "STANDARD")  # fmt: skip
    classed = await sw.stat_object(bucket, "classed.html")
    assert classed.metadata == {"owner": "ada", "x": "1"}
    assert classed.content_type == "text/x-mine"

    # A tree and stdin carry them too.
    make_tree(tmp_path / "tree")
    await ok(env, "cp", "-r", str(tmp_path / "tree"), f"s3://{bucket}/tree",
             "--metadata", "batch=7", "--tags", "k=v")  # fmt: skip
    for key in await keys(sw, bucket, "tree/"):
        assert (await sw.stat_object(bucket, key)).metadata == {"batch": "7"}, key
        assert await sw.get_object_tags(bucket, key) == {"k": "v"}, key
    await ok(env, "cp", "-", f"s3://{bucket}/in.json", "--content-type", "application/json",
             stdin=b"{}")  # fmt: skip
    assert (await sw.stat_object(bucket, "in.json")).content_type == "application/json"


async def test_mirror_stores_the_attributes_with_what_it_uploads(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    make_tree(tmp_path / "src")
    await ok(env, "mirror", str(tmp_path / "src"), f"s3://{bucket}/m", "--cache-control",
             "no-cache")  # fmt: skip
    stat = await sw.stat_object(bucket, "m/sub/deeper/c.json")
    assert stat.cache_control == "no-cache" and stat.content_type == "application/json"


def fetch(request: urllib.request.Request) -> bytes:
    with urllib.request.urlopen(request, timeout=10) as answer:
        body: bytes = answer.read()
        return body


# -- ls, presign --------------------------------------------------------------------------------


async def test_ls_long_and_summarize(env: dict[str, str], sw: aiominio.Client, bucket: str) -> None:
    await sw.put_object(bucket, "a", b"12345")
    await sw.put_object(bucket, "d/b", b"123")
    ran = await ok(env, "ls", "-r", "--summarize", f"s3://{bucket}")
    lines = ran.text.splitlines()
    assert lines[-2:] == ["Total Objects: 2", "   Total Size: 8"]
    ran = await ok(env, "ls", "-l", f"s3://{bucket}")
    etag = (await sw.stat_object(bucket, "a")).etag
    first = ran.text.splitlines()[0].split()
    assert first[-3:] == ["STANDARD", etag, "a"] or first[-2:] == [etag, "a"]
    assert "DIR" in ran.text  # the common prefix d/
    ran = await ok(env, "ls", "--summarize", "--json", "-r", f"s3://{bucket}")
    assert json.loads(ran.text.splitlines()[-1]) == {
        "target": f"s3://{bucket}",
        "objects": 2,
        "size": 8,
    }


async def test_presign_target_alone_is_a_get_and_expires_takes_a_duration(
    env: dict[str, str], sw: aiominio.Client, bucket: str
) -> None:
    await sw.put_object(bucket, "k.txt", b"presigned")
    url = (await ok(env, "presign", f"s3://{bucket}/k.txt", "--expires", "2h")).text.strip()
    assert "X-Amz-Expires=7200" in url
    assert await asyncio.to_thread(fetch, urllib.request.Request(url)) == b"presigned"
    ran = await ok(env, "presign", "put", f"s3://{bucket}/up.txt", "--json")
    shown = json.loads(ran.text)
    assert shown["method"] == "PUT" and shown["expires"] == 3600
    put = urllib.request.Request(shown["url"], data=b"via url", method="PUT")
    await asyncio.to_thread(fetch, put)
    async with sw.get_object(bucket, "up.txt") as obj:
        assert await obj.read() == b"via url"


# -- --json on the commands that move data ----------------------------------------------------


async def test_cp_mv_mirror_json_is_one_object_per_file(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")
    ran = await ok(env, "cp", "-r", "--json", str(tmp_path / "src"), f"s3://{bucket}/t")
    records = [json.loads(line) for line in ran.text.splitlines()]
    assert ran.err == ""  # no bars, no messages: the lines are the report
    assert sorted(r["dest"] for r in records) == sorted(f"s3://{bucket}/t/{k}" for k in files)
    assert {r["action"] for r in records} == {"upload"}
    assert {r["dest"]: r["size"] for r in records}[f"s3://{bucket}/t/a.txt"] == 6

    ran = await ok(env, "cp", "--json", "-", f"s3://{bucket}/in.txt", stdin=b"piped")
    assert json.loads(ran.text) == {
        "action": "upload",
        "source": "-",
        "dest": f"s3://{bucket}/in.txt",
        "size": None,
    }
    ran = await cli(env, "cp", "--json", f"s3://{bucket}/in.txt", "-")
    assert ran.code == 2 and "stdout carries the object's bytes" in ran.err

    ran = await ok(env, "mv", "--json", f"s3://{bucket}/t/a.txt", f"s3://{bucket}/moved.txt")
    assert json.loads(ran.text) == {
        "action": "move",
        "source": f"s3://{bucket}/t/a.txt",
        "dest": f"s3://{bucket}/moved.txt",
        "size": 6,
    }

    (tmp_path / "src" / "a.txt").write_bytes(b"changed!")
    ran = await ok(env, "mirror", "--json", "-n", str(tmp_path / "src"), f"s3://{bucket}/t")
    planned = [json.loads(line) for line in ran.text.splitlines()]
    assert planned == [
        {
            "action": "upload",
            "source": str(tmp_path / "src" / "a.txt"),
            "dest": f"s3://{bucket}/t/a.txt",
            "size": 8,
            "dry_run": True,
        }
    ]


async def test_tree_tag_and_version_json(
    env: dict[str, str], sw: aiominio.Client, bucket: str
) -> None:
    await sw.put_object(bucket, "a/b/c.txt", b"c")
    ran = await ok(env, "tree", "-f", "--json", f"s3://{bucket}")
    assert [json.loads(line) for line in ran.text.splitlines()] == [
        {"type": "prefix", "key": "a/", "depth": 1},
        {"type": "prefix", "key": "a/b/", "depth": 2},
        {"type": "object", "key": "a/b/c.txt", "depth": 3},
    ]
    ran = await ok(env, "tag", "set", "--json", f"s3://{bucket}/a/b/c.txt", "k=v")
    assert json.loads(ran.text) == {"target": f"s3://{bucket}/a/b/c.txt", "tags": {"k": "v"}}
    ran = await ok(env, "version", "--json", "info", f"s3://{bucket}")
    assert json.loads(ran.text)["bucket"] == bucket

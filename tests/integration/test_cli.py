"""The ``aiominio`` command line, run for real (``python -m aiominio``) against SeaweedFS.

Each test starts the command as a subprocess with the endpoint and keys in its environment, as
a user's shell would, and checks what it did through a library client.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

import aiominio
from aiominio import testing
from aiominio.models import Versioning
from tests.integration.conftest import StartWebServer, empty_and_remove, unique_bucket

pytestmark = pytest.mark.integration

BIG = 200 << 20  # large enough that an upload or download is still running when interrupted


@dataclass(frozen=True)
class Ran:
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode()


def cli_env(server: testing.LocalServer, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=server.secret_key,
        AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
        AWS_CONFIG_FILE=str(home / "none"),
        AIOMINIO_CONFIG_DIR=str(home / "aiominio-config"),  # never the user's own aliases
        COLUMNS="200",
    )
    return env


@pytest.fixture
def env(seaweedfs_server: testing.LocalServer, tmp_path: Path) -> dict[str, str]:
    return cli_env(seaweedfs_server, tmp_path)


async def start(
    env: dict[str, str], *args: str, cwd: Path | None = None, pass_fds: tuple[int, ...] = ()
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aiominio",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=cwd,
        pass_fds=pass_fds,
    )


async def cli(env: dict[str, str], *args: str, cwd: Path | None = None, stdin: bytes = b"") -> Ran:
    proc = await start(env, *args, cwd=cwd)
    out, err = await asyncio.wait_for(proc.communicate(stdin), 60)
    assert proc.returncode is not None
    ran = Ran(proc.returncode, out, err.decode())
    assert "Traceback" not in ran.err, ran.err
    secret = env.get("AWS_SECRET_ACCESS_KEY")
    assert not secret or secret not in ran.err + out.decode(errors="replace")
    return ran


async def ok(env: dict[str, str], *args: str, cwd: Path | None = None, stdin: bytes = b"") -> Ran:
    ran = await cli(env, *args, cwd=cwd, stdin=stdin)
    assert ran.code == 0, (args, ran.err)
    return ran


@pytest.fixture
async def sw(seaweedfs_server: testing.LocalServer) -> AsyncIterator[aiominio.Client]:
    async with seaweedfs_server.client() as c:
        yield c


@pytest.fixture
async def bucket(sw: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("cli")
    await sw.make_bucket(name)
    yield name
    await empty_and_remove(sw, name)


def make_tree(root: Path) -> dict[str, bytes]:
    files = {
        "a.txt": b"alpha\n",
        "sub/b.bin": os.urandom(70_000),
        "sub/deeper/c.json": b'{"c": 1}',
        "space name é.txt": b"unicode",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def keys(client: aiominio.Client, bucket: str, prefix: str = "") -> list[str]:
    return [o.key async for o in client.list_objects(bucket, prefix, recursive=True)]


# -- buckets, single objects ----------------------------------------------------------------


async def test_mb_ls_cp_both_ways_stat_cat(
    env: dict[str, str], sw: aiominio.Client, tmp_path: Path
) -> None:
    name = unique_bucket("cli")
    await ok(env, "mb", f"s3://{name}")
    try:
        assert name in (await ok(env, "ls")).text.split()
        data = os.urandom(6 << 20)  # above the 5 MiB multipart threshold
        src = tmp_path / "up.bin"
        src.write_bytes(data)
        await ok(env, "cp", str(src), f"s3://{name}/dir/")
        assert await keys(sw, name) == ["dir/up.bin"]
        down = tmp_path / "down.bin"
        await ok(env, "cp", f"s3://{name}/dir/up.bin", str(down))
        assert down.read_bytes() == data

        line = (await ok(env, "ls", f"s3://{name}/dir/")).text.strip()
        date, time, size, key = line.split()
        assert (size, key) == (str(len(data)), "dir/up.bin")
        assert len(date) == 10 and len(time) == 8
        listed = json.loads((await ok(env, "ls", "--json", f"s3://{name}", "-r")).text)
        assert listed["key"] == "dir/up.bin" and listed["size"] == len(data)

        stat = json.loads((await ok(env, "stat", "--json", f"s3://{name}/dir/up.bin")).text)
        real = await sw.stat_object(name, "dir/up.bin")
        assert stat["size"] == len(data) and stat["etag"] == real.etag
        assert stat["bucket"] == name and stat["key"] == "dir/up.bin"
        human = (await ok(env, "stat", f"s3://{name}/dir/up.bin")).text
        assert real.etag in human and str(len(data)) in human

        assert (await ok(env, "cat", f"s3://{name}/dir/up.bin")).out == data

        piped = os.urandom(5_500_000)  # from stdin, of unknown size: in parts
        await ok(env, "cp", "-", f"s3://{name}/piped.bin", stdin=piped)
        assert (await ok(env, "cp", f"s3://{name}/piped.bin", "-")).out == piped
    finally:
        await empty_and_remove(sw, name)


async def test_recursive_cp_both_ways_and_server_side_copy(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")
    await ok(env, "cp", "-r", "-j", "3", str(tmp_path / "src"), f"s3://{bucket}/t")
    assert sorted(await keys(sw, bucket)) == sorted(f"t/{rel}" for rel in files)
    await ok(env, "cp", "--recursive", f"s3://{bucket}/t", str(tmp_path / "back"))
    assert read_tree(tmp_path / "back") == files
    await ok(env, "cp", "-r", f"s3://{bucket}/t/sub", f"s3://{bucket}/copy")
    assert sorted(await keys(sw, bucket, "copy/")) == ["copy/b.bin", "copy/deeper/c.json"]
    async with sw.get_object(bucket, "copy/b.bin") as obj:
        assert await obj.read() == files["sub/b.bin"]


async def test_mv_removes_the_source_only_after_the_copy(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "m.txt"
    src.write_bytes(b"move me")
    assert (await ok(env, "--quiet", "mv", str(src), f"s3://{bucket}/m.txt")).err == ""
    assert not src.exists()
    await ok(env, "mv", f"s3://{bucket}/m.txt", f"s3://{bucket}/n.txt")
    assert await keys(sw, bucket) == ["n.txt"]
    await ok(env, "mv", f"s3://{bucket}/n.txt", str(tmp_path))
    assert (tmp_path / "n.txt").read_bytes() == b"move me"
    assert await keys(sw, bucket) == []
    # a copy that fails (no such bucket) leaves the source where it is
    ran = await cli(env, "mv", "-q", str(tmp_path / "n.txt"), "s3://no-such-bucket-cli-test/n.txt")
    assert ran.code == 1 and ran.err.startswith("aiominio: error: NoSuchBucket:")
    assert (tmp_path / "n.txt").exists()


async def test_rm_rm_recursive_and_rb(
    env: dict[str, str], sw: aiominio.Client, tmp_path: Path
) -> None:
    name = unique_bucket("cli")
    await sw.make_bucket(name)
    try:
        for key in ["keep.txt", "p/a", "p/b", "p/q/c", "px"]:
            await sw.put_object(name, key, b"x")
        assert (await ok(env, "rm", f"s3://{name}/keep.txt")).err == "removed 1 object\n"
        missing = await ok(env, "rm", f"s3://{name}/keep.txt")  # S3 says yes; rm says what
        assert missing.err == f"nothing removed: no object at s3://{name}/keep.txt\n"
        as_json = await ok(env, "rm", "--json", f"s3://{name}/keep.txt")
        assert json.loads(as_json.out) == {
            "removed": 0,
            "failed": 0,
            "target": f"s3://{name}/keep.txt",
        }
        ran = await ok(env, "rm", "-r", f"s3://{name}/p")
        assert "removed 3 objects" in ran.err
        assert await keys(sw, name) == ["px"]  # "p" is a directory: px is not under it
        refused = await cli(env, "rb", f"s3://{name}")
        assert refused.code == 1
        assert refused.err.startswith("aiominio: error: BucketNotEmpty:")
        assert await sw.bucket_exists(name)
        removed = await ok(env, "rb", "--force", f"s3://{name}")
        assert removed.err.endswith(f"removed bucket s3://{name}\n")
        assert not await sw.bucket_exists(name)
        made = await ok(env, "mb", f"s3://{name}")
        assert made.err == f"made bucket s3://{name}\n"
        assert json.loads((await ok(env, "rb", "--json", f"s3://{name}")).out) == {
            "removed": f"s3://{name}"
        }
        assert (await ok(env, "mb", "-q", f"s3://{name}")).err == ""
    finally:
        await empty_and_remove(sw, name)


async def test_rb_force_removes_every_version(env: dict[str, str], sw: aiominio.Client) -> None:
    name = unique_bucket("cliv")
    await sw.make_bucket(name)
    try:
        await sw.set_bucket_versioning(name, Versioning.ENABLED)
        await sw.put_object(name, "k", b"one")
        await sw.put_object(name, "k", b"two")
        await sw.remove_object(name, "k")  # a delete marker
        listed = (await ok(env, "ls", "--versions", f"s3://{name}", "-r")).text
        assert "DELETED" in listed and len(listed.strip().splitlines()) == 3
        await ok(env, "rb", "--force", f"s3://{name}")
        assert not await sw.bucket_exists(name)
    finally:
        if await sw.bucket_exists(name):
            versions = [v async for v in sw.list_object_versions(name, recursive=True)]
            await sw.remove_objects(name, versions)
            await sw.remove_bucket(name)


# -- du, find, tree, head, tag, version, sync -------------------------------------------------


async def test_du_find_tree_and_head(env: dict[str, str], sw: aiominio.Client, bucket: str) -> None:
    await sw.put_object(bucket, "logs/2024/a.csv", b"x,y\n1,2\n3,4\n")
    await sw.put_object(bucket, "logs/2024/b.txt", b"b" * 2048)
    await sw.put_object(bucket, "logs/c.csv", b"")
    await sw.put_object(bucket, "top.bin", b"t" * 100)
    du = await ok(env, "du", f"s3://{bucket}/logs")
    assert du.text == f"{12 + 2048}  3 objects  s3://{bucket}/logs\n"
    assert json.loads((await ok(env, "du", "--json", f"s3://{bucket}")).out) == {
        "target": f"s3://{bucket}",
        "size": 12 + 2048 + 100,
        "objects": 4,
    }
    found = await ok(env, "find", f"s3://{bucket}", "--name", "*.csv")
    assert found.text.split() == [f"s3://{bucket}/logs/2024/a.csv", f"s3://{bucket}/logs/c.csv"]
    large = await ok(env, "find", f"s3://{bucket}", "--larger", "1K", "--newer", "1h")
    assert large.text.split() == [f"s3://{bucket}/logs/2024/b.txt"]
    assert (await ok(env, "find", f"s3://{bucket}", "--older", "1d")).text == ""
    bad = await cli(env, "find", f"s3://{bucket}", "--older", "soon")
    assert bad.code == 2 and "duration" in bad.err
    tree = await ok(env, "tree", "-f", f"s3://{bucket}")
    assert tree.text.splitlines() == [
        f"s3://{bucket}",
        "  logs/",
        "    2024/",
        "      a.csv",
        "      b.txt",
        "    c.csv",
        "  top.bin",
    ]
    head = await ok(env, "head", "-n", "2", f"s3://{bucket}/logs/2024/a.csv")
    assert head.out == b"x,y\n1,2\n"
    assert (await ok(env, "head", f"s3://{bucket}/logs/c.csv")).out == b""


async def test_tag_and_version(env: dict[str, str], sw: aiominio.Client, bucket: str) -> None:
    await sw.put_object(bucket, "k", b"x")
    await ok(env, "tag", "set", f"s3://{bucket}/k", "team=data", "tier=hot")
    assert (await ok(env, "tag", "list", f"s3://{bucket}/k")).text == "team=data\ntier=hot\n"
    assert await sw.get_object_tags(bucket, "k") == {"team": "data", "tier": "hot"}
    assert (await cli(env, "tag", "set", f"s3://{bucket}/k", "novalue")).code == 2
    await ok(env, "tag", "remove", f"s3://{bucket}/k")
    assert await sw.get_object_tags(bucket, "k") == {}
    info = await ok(env, "version", "info", f"s3://{bucket}")
    assert info.text == f"s3://{bucket}: versioning off\n"
    enabled = await ok(env, "version", "enable", f"s3://{bucket}")
    assert enabled.text == f"s3://{bucket}: versioning enabled\n"
    suspended = await ok(env, "version", "suspend", f"s3://{bucket}")
    assert suspended.text == f"s3://{bucket}: versioning suspended\n"


async def test_cat_offset_and_tail_and_mb_flags(
    env: dict[str, str], sw: aiominio.Client, bucket: str
) -> None:
    await sw.put_object(bucket, "k", b"0123456789")
    assert (await ok(env, "cat", "--offset", "7", f"s3://{bucket}/k")).out == b"789"
    assert (await ok(env, "cat", "--tail", "3", f"s3://{bucket}/k")).out == b"789"
    assert (await ok(env, "cat", "--tail", "99", f"s3://{bucket}/k")).out == b"0123456789"
    both = await cli(env, "cat", "--offset", "1", "--tail", "1", f"s3://{bucket}/k")
    assert both.code == 2
    assert (await ok(env, "cat", "--tail", "0", f"s3://{bucket}/k")).out == b""
    assert (await ok(env, "cat", "--offset", "10", f"s3://{bucket}/k")).out == b""
    await sw.put_object(bucket, "empty", b"")
    assert (await ok(env, "cat", "--offset", "5", f"s3://{bucket}/empty")).out == b""
    again = await cli(env, "mb", f"s3://{bucket}")
    assert again.code == 1 and "BucketAlreadyOwnedByYou" in again.err
    ignored = await ok(env, "mb", "--ignore-existing", "--with-versioning", f"s3://{bucket}")
    assert ignored.err == f"s3://{bucket} is there already\n"
    assert await sw.get_bucket_versioning(bucket) is aiominio.Versioning.ENABLED
    name = unique_bucket("cli")
    try:
        await ok(env, "mb", "--with-versioning", f"s3://{name}")
        assert await sw.get_bucket_versioning(name) is aiominio.Versioning.ENABLED
    finally:
        await empty_and_remove(sw, name)


async def test_sync_is_mirror_and_dash_r_is_recursive(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    files = make_tree(src)
    await ok(env, "sync", str(src), f"s3://{bucket}/s")
    assert len(await keys(sw, bucket)) == len(files)
    await ok(env, "rm", "-R", f"s3://{bucket}/s")
    assert await keys(sw, bucket) == []


# -- aliases -----------------------------------------------------------------------------------


async def test_an_alias_saves_an_endpoint_and_its_keys_for_every_command(
    seaweedfs_server: testing.LocalServer, bucket: str, tmp_path: Path
) -> None:
    server = seaweedfs_server
    env = cli_env(server, tmp_path)
    # The alias alone must connect: nothing of the server in the environment.
    bare = {k: v for k, v in env.items() if k not in ("AWS_ENDPOINT_URL", "AWS_SECRET_ACCESS_KEY")}
    bare["AWS_ACCESS_KEY_ID"] = "not-the-servers"
    saved = await ok(
        bare,
        "alias",
        "set",
        "local",
        server.endpoint,
        server.access_key,
        "-",
        stdin=server.secret_key.encode() + b"\n",
    )
    assert saved.err.startswith(f"saved alias local ({server.endpoint}) in ")
    config = tmp_path / "aiominio-config" / "config.json"
    assert config.stat().st_mode & 0o777 == 0o600
    assert server.secret_key in config.read_text()

    listed = await ok(bare, "alias", "list")
    assert listed.text == f"local  {server.endpoint}  {server.access_key} ****\n"
    assert server.secret_key not in listed.text + listed.err
    as_json = json.loads((await ok(bare, "alias", "list", "--json")).out)
    assert as_json["secret_key"] == "****" and as_json["name"] == "local"

    src = tmp_path / "a.txt"
    src.write_bytes(b"through the alias")
    await ok(bare, "cp", str(src), f"local/{bucket}/dir/a.txt")
    assert "dir/a.txt" in (await ok(bare, "ls", "-r", f"local/{bucket}")).text
    assert bucket in (await ok(bare, "ls", "local")).text  # the alias's buckets
    assert (await ok(bare, "cat", f"local/{bucket}/dir/a.txt")).out == b"through the alias"

    both = await cli(env, "--endpoint-url", server.endpoint, "ls", f"local/{bucket}")
    assert both.code == 2 and "not both" in both.err
    # One endpoint per command: an alias beside an s3:// location is refused, either order.
    for args in (
        ["cp", f"local/{bucket}/dir/a.txt", f"s3://{bucket}/b.txt"],
        ["cp", f"s3://{bucket}/dir/a.txt", f"local/{bucket}/b.txt"],
    ):
        mixed = await cli(bare, *args)
        assert mixed.code == 2 and "one endpoint per command" in mixed.err, mixed.err
    # A path whose first part is no alias stays a local path.
    plain = await cli(bare, "cp", str(src), "nonalias/x")
    assert plain.code == 2 and "must be an s3:// location" in plain.err, plain.err

    await ok(bare, "alias", "remove", "local")
    assert (await ok(bare, "alias", "list")).text == ""
    gone = await cli(bare, "ls", f"local/{bucket}")
    assert gone.code == 2  # no alias now: not an s3:// location


@pytest.mark.parametrize(
    "args",
    [
        ["alias", "set", "s3", "http://127.0.0.1:9000"],
        ["alias", "set", "9lives", "http://127.0.0.1:9000"],
        ["alias", "set", "ok", "ftp://127.0.0.1:9000"],
        ["alias", "set", "ok", "http://127.0.0.1:9000", "--region", "Not A Region"],
        ["alias", "remove", "never-saved"],
    ],
)
async def test_bad_aliases_are_refused(
    env: dict[str, str], tmp_path: Path, args: list[str]
) -> None:
    ran = await cli(env, *args)
    assert ran.code == 1 and ran.err.startswith("Error: "), ran.err
    assert not (tmp_path / "aiominio-config" / "config.json").exists()


# -- presign, mirror ------------------------------------------------------------------------


async def test_presigned_urls_work(env: dict[str, str], sw: aiominio.Client, bucket: str) -> None:
    await sw.put_object(bucket, "p.txt", b"presigned body")
    url = (await ok(env, "presign", "get", f"s3://{bucket}/p.txt", "--expires", "120")).text
    url = url.strip()
    assert "X-Amz-Expires=120" in url

    def fetch() -> bytes:
        with urllib.request.urlopen(url, timeout=10) as resp:
            body: bytes = resp.read()
            return body

    assert await asyncio.to_thread(fetch) == b"presigned body"
    put_url = (await ok(env, "presign", "put", f"s3://{bucket}/up.txt")).text.strip()

    def upload() -> int:
        req = urllib.request.Request(put_url, data=b"put via url", method="PUT")
        with urllib.request.urlopen(req, timeout=10) as resp:
            status: int = resp.status
            return status

    assert await asyncio.to_thread(upload) == 200
    async with sw.get_object(bucket, "up.txt") as obj:
        assert await obj.read() == b"put via url"


async def test_mirror_up_and_down_with_delete_and_dry_run(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    files = make_tree(src)
    dest = f"s3://{bucket}/m"
    dry = await ok(env, "mirror", "--dry-run", str(src), dest)
    assert dry.text.count("would upload:") == len(files)
    assert await keys(sw, bucket) == []

    ran = await ok(env, "mirror", str(src), dest)
    assert f"{len(files)} copied" in ran.err
    assert sorted(await keys(sw, bucket)) == sorted(f"m/{rel}" for rel in files)
    again = await ok(env, "mirror", str(src), dest)
    assert f"0 copied, 0 deleted, {len(files)} unchanged" in again.err

    (src / "a.txt").write_bytes(b"alpha, longer now\n")
    (src / "sub" / "b.bin").unlink()
    (src / "new.txt").write_bytes(b"new")
    dry = await ok(env, "mirror", "-n", "--delete", str(src), dest)
    assert "would delete: " + f"{dest}/sub/b.bin" in dry.text
    assert "m/sub/b.bin" in await keys(sw, bucket)
    ran = await ok(env, "mirror", "--delete", str(src), dest)
    assert "2 copied, 1 deleted" in ran.err
    assert read_tree(src).keys() == {k[2:] for k in await keys(sw, bucket)}
    async with sw.get_object(bucket, "m/a.txt") as obj:
        assert await obj.read() == b"alpha, longer now\n"

    back = tmp_path / "back"
    (back / "old").mkdir(parents=True)
    (back / "old" / "extra.txt").write_bytes(b"not in the source")
    await ok(env, "mirror", "--delete", dest, str(back))
    assert read_tree(back) == read_tree(src)
    again = await ok(env, "mirror", dest, str(back))
    assert "0 copied" in again.err


# -- errors, exit codes ---------------------------------------------------------------------


async def test_errors_are_one_line_with_exit_codes(
    env: dict[str, str], bucket: str, tmp_path: Path
) -> None:
    ran = await cli(env, "ls", "s3://no-such-bucket-cli-test")
    assert ran.code == 1
    assert ran.err.startswith("aiominio: error: NoSuchBucket:")
    assert ran.err.count("\n") == 1
    ran = await cli(env, "cat", f"s3://{bucket}/missing")
    assert (ran.code, ran.out) == (1, b"")
    assert ran.err.startswith("aiominio: error: NoSuchKey:") and ran.err.count("\n") == 1
    ran = await cli(env, "cp", str(tmp_path / "missing"), f"s3://{bucket}/x")
    assert ran.code == 1 and ran.err.startswith("aiominio: error: FileNotFoundError:")
    for usage in (["ls", "not-s3"], ["cp", "a", "b"], ["rm", f"s3://{bucket}"]):
        ran = await cli(env, *usage)
        assert ran.code == 2, usage
    closed = f"http://127.0.0.1:{testing.find_free_port()}"
    ran = await cli(env, "--endpoint-url", closed, "--max-attempts", "1", "ls")
    assert ran.code == 1 and ran.err.startswith("aiominio: error: ConnectError:")
    wrong = {**env, "AWS_SECRET_ACCESS_KEY": "wrong-secret-value"}
    ran = await cli(wrong, "ls", f"s3://{bucket}")
    assert ran.code == 1 and ran.err.startswith("aiominio: error: SignatureDoesNotMatch")
    assert "wrong-secret-value" not in ran.err


async def test_profile_credentials(
    seaweedfs_server: testing.LocalServer, bucket: str, tmp_path: Path
) -> None:
    env = cli_env(seaweedfs_server, tmp_path)
    creds = tmp_path / "credentials"
    creds.write_text(
        f"[other]\naws_access_key_id = {seaweedfs_server.access_key}\n"
        f"aws_secret_access_key = {seaweedfs_server.secret_key}\n"
    )
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(creds)
    assert (await cli(env, "ls", f"s3://{bucket}")).code == 1  # no keys: anonymous, refused
    await ok(env, "--profile", "other", "ls", f"s3://{bucket}")
    env["AWS_PROFILE"] = "other"
    await ok(env, "ls", f"s3://{bucket}")


# -- Ctrl-C ---------------------------------------------------------------------------------


async def wait_for(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 30) -> None:
    """Poll ``check`` (a server or file-system state no event tells us about)."""
    for _ in range(int(timeout / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


async def test_ctrl_c_aborts_uploads_and_downloads_cleanly(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(BIG)
    proc = await start(env, "cp", str(big), f"s3://{bucket}/big.bin")

    async def uploading() -> bool:
        return bool([u async for u in sw.list_incomplete_uploads(bucket, recursive=True)])

    await wait_for(uploading, "the multipart upload to start")
    proc.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 130, err
    assert "interrupted" in err.decode() and b"Traceback" not in err
    assert not await uploading()
    assert await keys(sw, bucket) == []

    await sw.fput_object(bucket, "big.bin", big)
    target = tmp_path / "down"
    target.mkdir()
    proc = await start(env, "cp", f"s3://{bucket}/big.bin", str(target / "big.bin"))

    async def downloading() -> bool:
        return any(p.stat().st_size > 0 for p in target.iterdir())

    await wait_for(downloading, "the download to start")
    proc.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert list(target.iterdir()) == []  # neither the file nor its partial download


# -- keys are strings, not paths (moto keeps "//" in keys, as AWS does) ----------------------


@pytest.fixture
async def moto(moto_server: testing.LocalServer) -> AsyncIterator[aiominio.Client]:
    async with moto_server.client() as c:
        yield c


@pytest.fixture
async def moto_bucket(moto: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("cli")
    await moto.make_bucket(name)
    yield name
    await empty_and_remove(moto, name)


async def body(client: aiominio.Client, bucket: str, key: str) -> bytes:
    async with client.get_object(bucket, key) as obj:
        return await obj.read()


async def test_cp_r_keeps_a_double_slash_under_the_destination(
    moto_server: testing.LocalServer, moto: aiominio.Client, moto_bucket: str, tmp_path: Path
) -> None:
    env, b = cli_env(moto_server, tmp_path), moto_bucket
    await moto.put_object(b, "src//x", b"from src")
    await moto.put_object(b, "/x", b"unrelated")
    await ok(env, "cp", "-r", f"s3://{b}/src/", f"s3://{b}/dst/")
    assert await body(moto, b, "dst//x") == b"from src"
    assert await body(moto, b, "/x") == b"unrelated"
    await ok(env, "mv", "-r", f"s3://{b}/dst", f"s3://{b}/moved")
    assert sorted(await keys(moto, b)) == ["/x", "moved//x", "src//x"]

    # a download cannot give "/x" a local name below the directory: refused, nothing written
    ran = await cli(env, "cp", "-r", f"s3://{b}/src/", str(tmp_path / "down"))
    assert ran.code == 1 and "not a safe local path" in ran.err
    assert not (tmp_path / "down").exists()


async def test_mirror_copies_a_double_slash_key_under_the_destination(
    moto_server: testing.LocalServer, moto: aiominio.Client, moto_bucket: str, tmp_path: Path
) -> None:
    env, b = cli_env(moto_server, tmp_path), moto_bucket
    await moto.put_object(b, "src//x", b"from src")
    await moto.put_object(b, "/x", b"unrelated")
    dry = await ok(env, "mirror", "-n", f"s3://{b}/src/", f"s3://{b}/mir/")
    assert f"would copy: s3://{b}/src//x -> s3://{b}/mir//x" in dry.text
    await ok(env, "mirror", f"s3://{b}/src/", f"s3://{b}/mir/")
    assert await body(moto, b, "mir//x") == b"from src"
    assert await body(moto, b, "/x") == b"unrelated"


async def test_mirror_delete_removes_only_under_the_destination(
    moto_server: testing.LocalServer, moto: aiominio.Client, moto_bucket: str, tmp_path: Path
) -> None:
    env, b = cli_env(moto_server, tmp_path), moto_bucket
    local = tmp_path / "local"
    local.mkdir()
    (local / "kept.txt").write_bytes(b"kept")
    await moto.put_object(b, "dst//victim", b"extra in the mirror")
    await moto.put_object(b, "/victim", b"not the mirror's")
    dry = await ok(env, "mirror", "-n", "--delete", str(local), f"s3://{b}/dst/")
    assert f"would delete: s3://{b}/dst//victim" in dry.text
    ran = await ok(env, "mirror", "--delete", str(local), f"s3://{b}/dst/")
    assert f"delete: s3://{b}/dst//victim" in ran.err
    assert sorted(await keys(moto, b)) == ["/victim", "dst/kept.txt"]
    assert await body(moto, b, "/victim") == b"not the mirror's"


# -- control characters from keys and servers are shown escaped ------------------------------

#: Raw characters a terminal would act on (what the CLI's human lines must never contain).
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
HOSTILE_KEYS = {
    "t/e\x1b]0;pwned\x07\x1b[2J.txt": "t/e\\x1b]0;pwned\\x07\\x1b[2J.txt",
    "t/c\rforged.txt": "t/c\\rforged.txt",
    "t/l\nforged line.txt": "t/l\\nforged line.txt",
    "t/\u202etxt.exe": "t/\\u202etxt.exe",
}


async def remove_each(client: aiominio.Client, bucket: str) -> None:
    """Empty ``bucket`` a key at a time (a DeleteObjects body cannot carry these keys)."""
    async for obj in client.list_objects(bucket, recursive=True):
        await client.remove_object(bucket, obj.key)


def no_raw_controls(text: str) -> bool:
    return RAW_CONTROL.search(text) is None


async def test_keys_with_control_characters_are_shown_escaped(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    try:
        for key in HOSTILE_KEYS:
            await sw.put_object(bucket, key, b"x")
        listed = await ok(env, "ls", "-r", f"s3://{bucket}/t/")
        assert no_raw_controls(listed.text)
        lines = listed.text.splitlines()
        assert len(lines) == len(HOSTILE_KEYS)
        assert sorted(line.split("  ")[-1] for line in lines) == sorted(HOSTILE_KEYS.values())
        exact = await ok(env, "ls", "--json", "-r", f"s3://{bucket}/t/")
        assert no_raw_controls(exact.text) and "\u202e" not in exact.text
        assert {json.loads(line)["key"] for line in exact.text.splitlines()} == set(HOSTILE_KEYS)

        copied = await ok(env, "cp", "-r", f"s3://{bucket}/t/", f"s3://{bucket}/u/")
        assert no_raw_controls(copied.err)
        assert len(copied.err.splitlines()) == len(HOSTILE_KEYS)
        for shown in HOSTILE_KEYS.values():
            assert f"copy: s3://{bucket}/{shown} -> s3://{bucket}/u/{shown[2:]}" in copied.err
        assert len(await keys(sw, bucket, "u/")) == len(HOSTILE_KEYS)

        key = next(iter(HOSTILE_KEYS))
        stat = await ok(env, "stat", f"s3://{bucket}/{key}")
        assert no_raw_controls(stat.text) and HOSTILE_KEYS[key] in stat.text
        missing = await cli(env, "cat", f"s3://{bucket}/{key}.missing")
        assert missing.code == 1 and no_raw_controls(missing.err)
        assert missing.err.count("\n") == 1
        local = await cli(env, "cp", str(tmp_path / key), f"s3://{bucket}/k")
        assert local.code == 1 and no_raw_controls(local.err)
        assert local.err.count("\n") == 1 and HOSTILE_KEYS[key] in local.err

        removed = await ok(env, "rm", "-r", f"s3://{bucket}/u/")
        assert no_raw_controls(removed.err)
        assert f"removed {len(HOSTILE_KEYS)} objects" in removed.err
        assert await keys(sw, bucket, "u/") == []
    finally:
        await remove_each(sw, bucket)


async def test_a_refused_key_is_reported_escaped(
    moto_server: testing.LocalServer, moto: aiominio.Client, moto_bucket: str, tmp_path: Path
) -> None:
    env, b = cli_env(moto_server, tmp_path), moto_bucket
    try:
        await moto.put_object(b, "t//\x1b[2J\r", b"x")
        ran = await cli(env, "cp", "-r", f"s3://{b}/t/", str(tmp_path / "down"))
        assert ran.code == 1 and no_raw_controls(ran.err)
        assert "not a safe local path" in ran.err and "\\x1b[2J\\r" in ran.err
    finally:
        await remove_each(moto, b)


async def test_rm_and_mirror_delete_remove_the_key_named_not_a_look_alike(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    # A DeleteObjects body written with a raw CR is read as LF by the server's XML parser.
    try:
        src = tmp_path / "src"
        src.mkdir()
        (src / "c\nr").write_bytes(b"in the source")
        await sw.put_object(bucket, "m/c\nr", b"in the source")
        await sw.put_object(bucket, "m/c\rr", b"extra")
        await sw.put_object(bucket, "m/e\x1bx", b"extra")
        ran = await ok(env, "mirror", "--delete", str(src), f"s3://{bucket}/m/")
        assert "0 copied, 2 deleted, 1 unchanged" in ran.err
        assert await keys(sw, bucket) == ["m/c\nr"]

        await sw.put_object(bucket, "r/c\rr", b"x")
        await sw.put_object(bucket, "r/e\x1bx", b"x")
        await sw.put_object(bucket, "r/plain", b"x")
        await ok(env, "rm", "-r", f"s3://{bucket}/r/")
        assert await keys(sw, bucket) == ["m/c\nr"]
    finally:
        await remove_each(sw, bucket)


# -- pipes and devices as sources -------------------------------------------------------------


async def read_object(client: aiominio.Client, bucket: str, key: str) -> bytes:
    async with client.get_object(bucket, key) as obj:
        return await obj.read()


async def feed_fifo(fifo: Path, data: bytes) -> asyncio.subprocess.Process:
    """A writer process: it opens the FIFO (waiting for a reader) and writes ``data`` in pieces
    with pauses, as a slow producer (pg_dump) would."""
    script = (
        "import sys, time\n"
        "data = sys.stdin.buffer.read()\n"
        "with open(sys.argv[1], 'wb', buffering=0) as f:\n"
        "    for i in range(0, len(data), 1 << 20):\n"
        "        f.write(data[i : i + (1 << 20)]); time.sleep(0.05)\n"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(fifo), stdin=asyncio.subprocess.PIPE
    )
    assert proc.stdin is not None
    proc.stdin.write(data)
    proc.stdin.close()
    return proc


async def test_cp_from_a_fifo_streams_it_to_its_end(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    for name, data in [("small", b"a dump\n" * 100), ("big", os.urandom((6 << 20) + 7))]:
        fifo = tmp_path / f"{name}.fifo"
        os.mkfifo(fifo)
        writer = await feed_fifo(fifo, data)
        try:
            await ok(env, "cp", str(fifo), f"s3://{bucket}/{name}")
            assert await read_object(sw, bucket, name) == data
        finally:
            if writer.returncode is None:
                writer.kill()
            await writer.wait()


async def test_cp_from_dev_fd_and_stdin_streams_them(
    env: dict[str, str], sw: aiominio.Client, bucket: str
) -> None:
    data = os.urandom(300_000)
    read_end, write_end = os.pipe()
    try:
        proc = await start(
            env, "cp", f"/dev/fd/{read_end}", f"s3://{bucket}/fd", pass_fds=(read_end,)
        )
    finally:
        os.close(read_end)
    await asyncio.to_thread(os.write, write_end, data[:1000])
    await asyncio.sleep(0.2)  # the first bytes alone, as a slow producer writes
    with open(write_end, "wb") as w:
        await asyncio.to_thread(w.write, data[1000:])
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err
    assert await read_object(sw, bucket, "fd") == data

    piped = os.urandom(200_000)
    await ok(env, "cp", "/dev/stdin", f"s3://{bucket}/dev-stdin", stdin=piped)
    assert await read_object(sw, bucket, "dev-stdin") == piped
    await ok(env, "cp", "-", f"s3://{bucket}/dash", stdin=piped)
    assert await read_object(sw, bucket, "dash") == piped


async def test_what_cannot_be_read_as_bytes_is_refused_before_any_request(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        ran = await cli(env, "cp", str(sock_path), f"s3://{bucket}/sock")
    assert ran.code == 1 and "is a socket" in ran.err
    sock_path.unlink()
    fifo = tmp_path / "m.fifo"
    os.mkfifo(fifo)
    ran = await cli(env, "mv", str(fifo), f"s3://{bucket}/moved")
    assert ran.code == 1 and "not mv" in ran.err and fifo.exists()
    assert (await cli(env, "cp", str(tmp_path), f"s3://{bucket}/dir")).code == 2
    assert await keys(sw, bucket) == []

    # a recursive copy skips the FIFO (reading it could block forever) and says so
    (tmp_path / "a.txt").write_bytes(b"a")
    ran = await ok(env, "cp", "-r", str(tmp_path), f"s3://{bucket}/tree")
    assert f"skipping {fifo}: not a regular file" in ran.err
    assert await keys(sw, bucket) == ["tree/a.txt"]


# -- timeouts and attempts ------------------------------------------------------------------


def closed_port() -> int:
    """A loopback port that refuses connections: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_refused_endpoint_fails_at_once_and_is_named(env: dict[str, str]) -> None:
    port = closed_port()
    endpoint = f"http://127.0.0.1:{port}"
    ran = await cli(
        env, "--endpoint-url", endpoint, "--connect-timeout", "1", "--max-attempts", "1", "ls"
    )
    assert ran.code == 1 and ran.err.count("\n") == 1
    assert ran.err.startswith("aiominio: error: ConnectError:")
    assert f"127.0.0.1:{port}" in ran.err


async def test_retries_are_told_on_stderr_and_the_last_line_names_the_endpoint(
    env: dict[str, str],
) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    ran = await cli(env, "--endpoint-url", endpoint, "ls")
    lines = ran.err.splitlines()
    assert ran.code == 1
    # The default of 5 attempts: each failure told as it happens, then the error, which says
    # where and how often it was tried.
    assert [line.split(" failed: ")[0] for line in lines[:-1]] == [
        f"aiominio: attempt {n} of GET {endpoint}" for n in range(1, 6)
    ]
    assert lines[-1].startswith("aiominio: error: ConnectError:")
    assert lines[-1].endswith(f"({endpoint}, 5 attempts failed)")
    quiet = await cli(env, "--endpoint-url", endpoint, "--quiet", "ls")
    assert quiet.err.count("\n") == 1 and quiet.err.startswith("aiominio: error: ConnectError:")
    debug = await cli(env, "--endpoint-url", endpoint, "--debug", "--max-attempts", "2", "ls")
    traced = [line for line in debug.err.splitlines() if line.startswith("aiominio: debug: ")]
    assert len(traced) == 2 and all(f"GET {endpoint}/ attempt" in line for line in traced)
    assert env["AWS_SECRET_ACCESS_KEY"] not in debug.err


async def test_a_silent_server_is_cut_off_by_the_read_timeout(
    env: dict[str, str], web_server: StartWebServer
) -> None:
    async def silent(request: web.Request) -> web.Response:
        await asyncio.sleep(60)
        return web.Response()

    server = await web_server(web.get("/", silent))
    args = ["--endpoint-url", server.url, "--max-attempts", "1", "--read-timeout", "0.5", "ls"]
    ran = await cli(env, *args)
    assert ran.code == 1 and ran.err.startswith("aiominio: error: RequestTimeout:"), ran.err
    assert len(server.received) == 1


async def test_the_deadline_ends_the_retries(
    env: dict[str, str], web_server: StartWebServer
) -> None:
    busy = (
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code>"
        "<Message>Please reduce your request rate.</Message></Error>"
    )

    async def slow_down(request: web.Request) -> web.Response:
        return web.Response(status=503, text=busy, content_type="application/xml")

    server = await web_server(web.get("/", slow_down))
    # Ten attempts would take some 16 s of backoff and end with SlowDown; the deadline ends
    # them first, as a timeout. (Each failed attempt is told first, a line each.)
    args = ["--endpoint-url", server.url, "--max-attempts", "10", "--deadline", "1", "ls"]
    ran = await cli(env, *args)
    last = ran.err.splitlines()[-1]
    assert ran.code == 1 and last.startswith("aiominio: error: RequestTimeout:"), ran.err
    assert 1 <= len(server.received) < 10
    assert ran.err.count("\n") == len(server.received) + 1
    before = len(server.received)
    ran = await cli(env, "--endpoint-url", server.url, "--max-attempts", "2", "ls")
    last = ran.err.splitlines()[-1]
    assert ran.code == 1 and last.startswith("aiominio: error: SlowDown:"), ran.err
    assert len(server.received) - before == 2


@pytest.mark.parametrize("option", ["--connect-timeout", "--read-timeout", "--deadline"])
async def test_bad_timeouts_are_usage_errors(env: dict[str, str], option: str) -> None:
    for value in ("-1", "soon", "1e9"):
        ran = await cli(env, option, value, "ls")
        assert ran.code == 2 and option in ran.err


# -- a listing is the server's word -----------------------------------------------------------


async def test_rm_r_never_removes_a_listed_key_outside_the_prefix(
    env: dict[str, str], web_server: StartWebServer, tmp_path: Path
) -> None:
    # A server that ignores ``prefix`` (a bug, a proxy, a hostile server) lists every key.
    listing = (
        b'<?xml version="1.0"?><ListBucketResult><Name>bkt</Name><Prefix>p/</Prefix>'
        b"<IsTruncated>false</IsTruncated>"
        b"<Contents><Key>p/a</Key><Size>1</Size><ETag>&quot;e&quot;</ETag></Contents>"
        b"<Contents><Key>other/precious</Key><Size>1</Size><ETag>&quot;e&quot;</ETag></Contents>"
        b"</ListBucketResult>"
    )
    deleted: list[bytes] = []

    async def list_objects(request: web.Request) -> web.Response:
        return web.Response(body=listing, content_type="application/xml")

    async def delete_objects(request: web.Request) -> web.Response:
        deleted.append(await request.read())
        return web.Response(
            body=b'<?xml version="1.0"?><DeleteResult></DeleteResult>',
            content_type="application/xml",
        )

    server = await web_server(
        web.get("/{bucket}", list_objects), web.post("/{bucket}", delete_objects)
    )
    args = ["--endpoint-url", server.url, "--region", "us-east-1", "--max-attempts", "1"]
    ran = await cli(env, *args, "rm", "-r", "s3://bkt/p/")
    assert ran.code == 1
    assert "the server listed other/precious under 'p/': not removed" in ran.err
    assert "removed 1 object\n" in ran.err
    assert len(deleted) == 1 and b"<Key>p/a</Key>" in deleted[0]
    assert b"precious" not in deleted[0]
    assert server.paths("DELETE") == []

    # cp -r and mirror refuse such a listing as a whole, before any copy or delete
    (tmp_path / "empty").mkdir()
    for command in (
        ["cp", "-r", "s3://bkt/p/", "s3://bkt/q/"],
        ["mirror", "--delete", str(tmp_path / "empty"), "s3://bkt/p/"],
    ):
        ran = await cli(env, *args, *command)
        assert ran.code == 1 and "'other/precious' is not under 'p/'" in ran.err, ran.err
    assert len(deleted) == 1
    assert {r.method for r in server.received} == {"GET", "POST"}


async def test_a_file_name_that_is_not_utf8_is_reported_not_crashed_on(
    env: dict[str, str], sw: aiominio.Client, bucket: str, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_bytes(b"g")
    with open(os.path.join(os.fsencode(src), b"bad\xff\x1b[2J.txt"), "wb") as f:
        f.write(b"b")
    ran = await cli(env, "cp", "-r", str(src), f"s3://{bucket}/t/")
    assert ran.code == 1 and no_raw_controls(ran.err)
    assert "bad\\udcff\\x1b[2J.txt" in ran.err
    assert await keys(sw, bucket) == ["t/good.txt"]

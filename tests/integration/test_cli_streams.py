"""diff (:mod:`aiominio.cli.diff`), and event, sql and watch (:mod:`aiominio.cli.streams`), run
for real (``python -m aiominio``), their effects checked through a library client.

- diff: against SeaweedFS.
- event: against each server that keeps a notification configuration. SeaweedFS 4.48 does not
  (a PUT ``?notification`` answers BucketAlreadyOwnedByYou): probed, and skipped by name.
- sql: against each server that speaks S3 Select. SeaweedFS 4.48 does not (MethodNotAllowed):
  probed, and skipped by name. moto does, with quirks (it ignores an input field delimiter and
  an output record delimiter of CSV; a WHERE clause answers 500), so the tests stay with what
  it honours.
- watch: ListenBucketNotification is a MinIO extension no server here speaks (SeaweedFS answers
  NotImplemented, checked below; moto answers it as a listing). So the events come from a FAKE
  MinIO: an in-test aiohttp server that writes MinIO's documented answer (one JSON document
  of records per line, whitespace to keep the connection alive), as in test_listen.py.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiohttp import web

import aiominio
from aiominio import CSVInput, CSVOutput, SelectRequest, testing
from tests.integration.conftest import StartWebServer, WebServer, empty_and_remove, unique_bucket
from tests.integration.test_cli import (
    HOSTILE_KEYS,
    cli,
    cli_env,
    make_tree,
    no_raw_controls,
    ok,
    remove_each,
    start,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def sw(seaweedfs_server: testing.LocalServer) -> AsyncIterator[aiominio.Client]:
    async with seaweedfs_server.client() as c:
        yield c


@pytest.fixture
async def sw_bucket(sw: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("cli")
    await sw.make_bucket(name)
    yield name
    await remove_each(sw, name)  # a DeleteObjects body cannot carry every key used here
    await empty_and_remove(sw, name)


@pytest.fixture
def sw_env(seaweedfs_server: testing.LocalServer, tmp_path: Path) -> dict[str, str]:
    return cli_env(seaweedfs_server, tmp_path)


@pytest.fixture(params=["seaweedfs", "moto"])
def any_server(request: pytest.FixtureRequest) -> testing.LocalServer:
    found: testing.LocalServer = request.getfixturevalue(f"{request.param}_server")
    return found


@pytest.fixture
async def any_client(any_server: testing.LocalServer) -> AsyncIterator[aiominio.Client]:
    async with any_server.client() as c:
        yield c


@pytest.fixture
async def any_bucket(any_client: aiominio.Client) -> AsyncIterator[str]:
    name = unique_bucket("cli")
    await any_client.make_bucket(name)
    yield name
    await empty_and_remove(any_client, name)


# -- diff (SeaweedFS) ------------------------------------------------------------------------------


async def put_tree(
    client: aiominio.Client, bucket: str, prefix: str, files: dict[str, bytes]
) -> None:
    for rel, data in files.items():
        await client.put_object(bucket, prefix + rel, data)


async def test_diff_finds_nothing_between_equal_trees_in_any_order(
    sw_env: dict[str, str], sw: aiominio.Client, sw_bucket: str, tmp_path: Path
) -> None:
    b = sw_bucket
    files = make_tree(tmp_path / "src")
    await put_tree(sw, b, "one/", files)
    await sw.put_object(b, "one/folder/", b"")  # a folder marker takes no part
    for pair in (
        (str(tmp_path / "src"), f"s3://{b}/one"),
        (f"s3://{b}/one/", str(tmp_path / "src")),
        (f"s3://{b}/one", f"s3://{b}/one/"),
    ):
        same = await ok(sw_env, "diff", *pair)
        assert same.out == b"" and same.err == "", same
        assert (await ok(sw_env, "diff", "--json", *pair)).out == b""


async def test_diff_prints_each_difference_and_exits_1(
    sw_env: dict[str, str], sw: aiominio.Client, sw_bucket: str, tmp_path: Path
) -> None:
    b, src = sw_bucket, tmp_path / "src"
    files = make_tree(src)
    await put_tree(sw, b, "one/", files)
    changed = {k: v for k, v in files.items() if k != "a.txt"}
    changed["extra.txt"] = b"new"
    changed["sub/b.bin"] = b"shorter"
    await put_tree(sw, b, "two/", changed)

    ran = await cli(sw_env, "diff", f"s3://{b}/one", f"s3://{b}/two")
    assert ran.code == 1, ran.err
    assert ran.text.splitlines() == [
        f"< s3://{b}/one/a.txt",
        f"> s3://{b}/two/extra.txt",
        f"! s3://{b}/one/sub/b.bin (size 70000 vs 7)",
    ]
    assert ran.err == ""

    ran = await cli(sw_env, "diff", f"s3://{b}/two/", str(src))
    assert ran.code == 1
    assert ran.text.splitlines() == [
        f"> {src / 'a.txt'}",
        f"< s3://{b}/two/extra.txt",
        f"! s3://{b}/two/sub/b.bin (size 7 vs 70000)",
    ]

    ran = await cli(sw_env, "diff", "--json", str(src), f"s3://{b}/two")
    assert ran.code == 1
    found = [json.loads(line) for line in ran.text.splitlines()]
    assert [(d["change"], d["relative"]) for d in found] == [
        ("only-source", "a.txt"),
        ("only-target", "extra.txt"),
        ("size", "sub/b.bin"),
    ]
    stat = await sw.stat_object(b, "two/extra.txt")
    assert found[1]["source"] is None
    assert found[1]["target"]["location"] == f"s3://{b}/two/extra.txt"
    assert found[1]["target"]["size"] == 3 and found[1]["target"]["etag"] == stat.etag
    assert found[2]["source"] == {
        "location": str(src / "sub" / "b.bin"),
        "size": 70000,
        "modified": found[2]["source"]["modified"],
        "etag": None,
    }
    assert found[2]["target"]["size"] == 7


async def test_diff_compares_etags_and_times_only_when_asked(
    sw_env: dict[str, str], sw: aiominio.Client, sw_bucket: str, tmp_path: Path
) -> None:
    b = sw_bucket
    await sw.put_object(b, "three/x", b"aaaa")
    await sw.put_object(b, "four/x", b"bbbb")
    assert (await ok(sw_env, "diff", f"s3://{b}/three", f"s3://{b}/four")).out == b""
    ran = await cli(sw_env, "diff", "--etag", f"s3://{b}/three", f"s3://{b}/four")
    e3, e4 = (await sw.stat_object(b, "three/x")).etag, (await sw.stat_object(b, "four/x")).etag
    assert e3 != e4
    assert (ran.code, ran.text) == (1, f"! s3://{b}/three/x (etag {e3} vs {e4})\n")

    local = tmp_path / "m"
    local.mkdir()
    (local / "x").write_bytes(b"cccc")
    two_days_ago = time.time() - 2 * 86400
    os.utime(local / "x", (two_days_ago, two_days_ago))
    assert (await ok(sw_env, "diff", str(local), f"s3://{b}/three")).out == b""
    ran = await cli(sw_env, "diff", "--compare-mtime", str(local), f"s3://{b}/three")
    assert ran.code == 1
    [line] = ran.text.splitlines()
    assert line.startswith(f"! {local / 'x'} (modified ") and " vs " in line


async def test_diff_shows_hostile_keys_escaped(
    sw_env: dict[str, str], sw: aiominio.Client, sw_bucket: str
) -> None:
    key, shown = next(iter(HOSTILE_KEYS.items()))
    await sw.put_object(sw_bucket, f"h/{key}", b"x")
    await sw.put_object(sw_bucket, "g/keep", b"x")
    ran = await cli(sw_env, "diff", f"s3://{sw_bucket}/h", f"s3://{sw_bucket}/g")
    assert ran.code == 1 and no_raw_controls(ran.text)
    assert ran.text.splitlines() == [f"> s3://{sw_bucket}/g/keep", f"< s3://{sw_bucket}/h/{shown}"]
    exact = await cli(sw_env, "diff", "--json", f"s3://{sw_bucket}/h", f"s3://{sw_bucket}/g")
    assert no_raw_controls(exact.text)
    assert {json.loads(line)["relative"] for line in exact.text.splitlines()} == {key, "keep"}


async def test_diff_trouble_is_exit_code_2_with_one_error_line(
    sw_env: dict[str, str], tmp_path: Path
) -> None:
    ran = await cli(sw_env, "diff", str(tmp_path), "s3://no-such-bucket-here/p")
    assert ran.code == 2
    assert ran.err.startswith("aiominio: error: NoSuchBucket") and ran.err.count("\n") == 1
    assert ran.out == b""


# -- event (each server that keeps a notification configuration) -----------------------------------

QUEUE = "arn:aws:sqs:us-east-1:123456789012:uploads"
TOPIC = "arn:aws:sns:us-east-1:123456789012:removals"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:thumbs"


async def needs_notifications(client: aiominio.Client, bucket: str, server: str) -> None:
    try:
        await client.delete_bucket_notification(bucket)  # sets an empty configuration
    except aiominio.S3Error as exc:
        pytest.skip(f"{server} keeps no notification configuration (PUT ?notification: {exc.code})")


async def test_event_add_ls_rm(
    any_server: testing.LocalServer, any_client: aiominio.Client, any_bucket: str, tmp_path: Path
) -> None:
    b, c = any_bucket, any_client
    await needs_notifications(c, b, any_server.name)
    env = cli_env(any_server, tmp_path)

    added = await ok(
        env, "event", "add", f"s3://{b}", QUEUE, "--event", "put", "--prefix", "photos/",
        "--suffix", ".jpg", "--id", "up",
    )  # fmt: skip
    assert added.out == b""
    assert added.err == f"added a notification of s3:ObjectCreated:* on s3://{b} to {QUEUE}\n"
    config = await c.get_bucket_notification(b)
    [queue] = config.queues
    assert (queue.arn, queue.id, queue.events) == (QUEUE, "up", ["s3:ObjectCreated:*"])
    assert (queue.prefix, queue.suffix) == ("photos/", ".jpg")

    await ok(env, "event", "add", f"s3://{b}", TOPIC, "--events", "delete,s3:ObjectTagging:Put")
    config = await c.get_bucket_notification(b)
    assert [q.id for q in config.queues] == ["up"]  # the first one stays
    [topic] = config.topics
    assert topic.events == ["s3:ObjectRemoved:*", "s3:ObjectTagging:Put"]

    again = await cli(env, "event", "add", f"s3://{b}", FUNCTION, "--id", "up")
    assert again.code == 1
    assert (
        again.err == f"aiominio: error: s3://{b} already has a notification up (event rm --id up)\n"
    )
    assert await c.get_bucket_notification(b) == config

    listed = (await ok(env, "event", "ls", f"s3://{b}")).text.splitlines()
    assert len(listed) == 2
    assert listed[0].split() == ["up", QUEUE, "s3:ObjectCreated:*", "prefix=photos/", "suffix=.jpg"]
    assert listed[1].split()[1:] == [TOPIC, "s3:ObjectRemoved:*,s3:ObjectTagging:Put"]
    rows = [
        json.loads(line)
        for line in (await ok(env, "event", "ls", "--json", f"s3://{b}")).text.splitlines()
    ]
    assert rows == [
        {"id": "up", "type": "queue", "arn": QUEUE, "events": ["s3:ObjectCreated:*"],
         "prefix": "photos/", "suffix": ".jpg"},
        {"id": topic.id, "type": "topic", "arn": TOPIC,
         "events": ["s3:ObjectRemoved:*", "s3:ObjectTagging:Put"], "prefix": None, "suffix": None},
    ]  # fmt: skip

    missing = await cli(env, "event", "rm", f"s3://{b}", "--id", "nope", "--id", "up")
    assert missing.code == 1 and "has no notification nope (nothing removed)" in missing.err
    assert await c.get_bucket_notification(b) == config

    removed = await ok(env, "event", "rm", f"s3://{b}", "--id", "up")
    assert removed.err == f"removed 1 notification(s) from s3://{b}\n"
    config = await c.get_bucket_notification(b)
    assert (config.queues, [t.arn for t in config.topics]) == ([], [TOPIC])

    await ok(env, "event", "add", f"s3://{b}", FUNCTION)
    await ok(env, "event", "rm", f"s3://{b}", TOPIC)
    config = await c.get_bucket_notification(b)
    assert (config.topics, [f.arn for f in config.cloud_functions]) == ([], [FUNCTION])
    gone = await cli(env, "event", "rm", f"s3://{b}", TOPIC)
    assert gone.code == 1 and f"has no notification to {TOPIC}" in gone.err

    await ok(env, "event", "rm", f"s3://{b}", "--all")
    assert (await c.get_bucket_notification(b)).empty
    empty = await ok(env, "event", "ls", f"s3://{b}")
    assert empty.out == b"" and empty.err == f"s3://{b}: no notifications\n"
    assert (await ok(env, "--quiet", "event", "ls", f"s3://{b}")).err == ""


async def test_event_add_and_rm_json_say_what_changed(
    any_server: testing.LocalServer, any_client: aiominio.Client, any_bucket: str, tmp_path: Path
) -> None:
    b, c = any_bucket, any_client
    await needs_notifications(c, b, any_server.name)
    env = cli_env(any_server, tmp_path)
    ran = await ok(env, "event", "add", "--json", f"s3://{b}", QUEUE, "--event", "put",
                   "--suffix", ".jpg", "--id", "up")  # fmt: skip
    assert ran.err == ""
    up = {"id": "up", "type": "queue", "arn": QUEUE, "events": ["s3:ObjectCreated:*"],
          "prefix": None, "suffix": ".jpg"}  # fmt: skip
    assert json.loads(ran.text) == {"bucket": b, "added": up}
    ran = await ok(env, "event", "add", "--json", f"s3://{b}", TOPIC, "--events", "delete")
    # No --id: the server may name it, but the command says what it sent.
    topic = {"id": None, "type": "topic", "arn": TOPIC, "events": ["s3:ObjectRemoved:*"],
             "prefix": None, "suffix": None}  # fmt: skip
    assert json.loads(ran.text) == {"bucket": b, "added": topic}
    rows = [
        json.loads(line)
        for line in (await ok(env, "event", "ls", "--json", f"s3://{b}")).text.splitlines()
    ]
    assert rows[0] == up and rows[1] == {**topic, "id": rows[1]["id"]}

    ran = await ok(env, "event", "rm", "--json", f"s3://{b}", "--id", "up")
    assert ran.err == ""
    assert json.loads(ran.text) == {"bucket": b, "removed": [up]}
    ran = await ok(env, "event", "rm", "--json", f"s3://{b}", "--all")
    assert json.loads(ran.text) == {"bucket": b, "removed": rows[1:]}
    assert (await c.get_bucket_notification(b)).empty
    ran = await ok(env, "event", "rm", "--json", f"s3://{b}", "--all")  # nothing left
    assert json.loads(ran.text) == {"bucket": b, "removed": []}


async def test_event_server_refusals_are_one_error_line(
    any_server: testing.LocalServer, any_client: aiominio.Client, any_bucket: str, tmp_path: Path
) -> None:
    await needs_notifications(any_client, any_bucket, any_server.name)
    env = cli_env(any_server, tmp_path)
    # S3 (and moto) notify of no reads: s3:ObjectAccessed:* is a MinIO event.
    refused = await cli(env, "event", "add", f"s3://{any_bucket}", QUEUE, "--event", "get")
    assert refused.code == 1
    assert refused.err.startswith("aiominio: error: InvalidArgument: ")
    assert refused.err.count("\n") == 1
    assert (await any_client.get_bucket_notification(any_bucket)).empty
    nobody = await cli(env, "event", "ls", "s3://no-such-bucket-here")
    assert nobody.code == 1 and nobody.err.startswith("aiominio: error: NoSuchBucket")


# -- sql (each server that speaks S3 Select) -------------------------------------------------------

PEOPLE_CSV = b"name,city\nann,Paris\nbob,Oslo\ncid,Lima"
PEOPLE_JSONL = b'{"name":"ann","city":"Paris"}\n{"name":"bob","city":"Oslo"}\n'


async def needs_select(client: aiominio.Client, bucket: str, server: str) -> None:
    await client.put_object(bucket, "people.csv", PEOPLE_CSV)
    request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
    try:
        async with client.select_object_content(bucket, "people.csv", request) as result:
            async for _ in result:
                pass
    except aiominio.S3Error as exc:
        pytest.skip(f"{server} has no S3 Select (SelectObjectContent: {exc.code})")


async def test_sql_streams_the_records(
    any_server: testing.LocalServer, any_client: aiominio.Client, any_bucket: str, tmp_path: Path
) -> None:
    b, c = any_bucket, any_client
    await needs_select(c, b, any_server.name)
    env = cli_env(any_server, tmp_path)
    await c.put_object(b, "people.jsonl", PEOPLE_JSONL)
    await c.put_object(b, "gz/people.csv.gz", gzip.compress(PEOPLE_CSV))

    names = await ok(
        env, "sql", "--query", "SELECT name FROM S3Object", "--csv-input", "header=USE,fd=,",
        f"s3://{b}/people.csv",
    )  # fmt: skip
    assert (names.out, names.err) == (b"ann\nbob\ncid\n", "")
    request = SelectRequest("SELECT name FROM S3Object", CSVInput("USE"), CSVOutput())
    async with c.select_object_content(b, "people.csv", request) as result:
        assert b"".join([chunk async for chunk in result]) == names.out

    # No header use: the first line is a record; the output is CSV, as the input.
    plain = await ok(env, "sql", "-e", "SELECT * FROM S3Object", f"s3://{b}/people.csv")
    assert plain.out == PEOPLE_CSV + b"\n"

    as_json = await ok(
        env, "sql", "-e", "SELECT * FROM S3Object", "--csv-input", "fh=USE", "--json-output",
        f"s3://{b}/people.csv",
    )  # fmt: skip
    assert [json.loads(line) for line in as_json.out.splitlines()] == [
        {"name": "ann", "city": "Paris"},
        {"name": "bob", "city": "Oslo"},
        {"name": "cid", "city": "Lima"},
    ]
    semi = await ok(
        env, "sql", "-e", "SELECT * FROM S3Object", "--csv-input", "fh=USE",
        "--output-options", "fd=;", f"s3://{b}/people.csv",
    )  # fmt: skip
    assert semi.out == b"ann;Paris\nbob;Oslo\ncid;Lima\n"
    delimited = await ok(
        env, "sql", "-e", "SELECT * FROM S3Object", "--csv-input", "fh=USE", "--json-output",
        "--output-options", "rd=|", f"s3://{b}/people.csv",
    )  # fmt: skip
    assert delimited.out.count(b"}|") == 3 and b"\n" not in delimited.out

    # By the name: JSON lines, and CSV compressed with gzip.
    lines = await ok(env, "sql", "-e", "SELECT * FROM S3Object", f"s3://{b}/people.jsonl")
    assert lines.out.splitlines() == PEOPLE_JSONL.splitlines()
    packed = await ok(
        env, "sql", "-e", "SELECT * FROM S3Object", "--csv-input", "fh=USE",
        f"s3://{b}/gz/people.csv.gz",
    )  # fmt: skip
    assert packed.out == b"ann,Paris\nbob,Oslo\ncid,Lima\n"

    missing = await cli(env, "sql", "-e", "SELECT * FROM S3Object", f"s3://{b}/gone.csv")
    assert missing.code == 1 and missing.out == b""
    assert missing.err.startswith("aiominio: error: NoSuchKey") and missing.err.count("\n") == 1


# -- watch (a FAKE MinIO: no server here speaks ListenBucketNotification) --------------------------

WATCHED = "watched"
LOCATION = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>'
)


def record(name: str, key: str, size: int | None = None) -> dict[str, object]:
    obj: dict[str, object] = {"key": key, "eTag": "abc", "versionId": "v1"}
    if size is not None:
        obj["size"] = size
    return {
        "eventVersion": "2.0",
        "eventSource": "minio:s3",
        "eventTime": "2026-12-07T04:00:00.000Z",
        "eventName": name,
        "userIdentity": {"principalId": "minio"},
        "s3": {"bucket": {"name": WATCHED}, "object": obj},
    }


def line(*records: dict[str, object]) -> bytes:
    return json.dumps({"Records": list(records)}).encode() + b"\n"


async def fake_minio(web_server: StartWebServer, *lines: bytes) -> WebServer:
    """A fake MinIO that sends ``lines`` on each ListenBucketNotification and then keeps the
    connection alive, as MinIO does, until the client goes away. It answers the bucket's
    region too (the command asks first, as none is configured)."""

    async def listen(request: web.Request) -> web.StreamResponse:
        if "location" in request.query:
            return web.Response(text=LOCATION, content_type="application/xml")
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        for chunk in lines:
            await resp.write(chunk)
        try:
            while True:
                await resp.write(b" ")
                await asyncio.sleep(0.05)
        except ConnectionError:
            pass
        return resp

    return await web_server(web.get(f"/{WATCHED}", listen))


def listens(server: WebServer) -> list[list[tuple[str, str]]]:
    """The query of each ListenBucketNotification the fake received, sorted."""
    queries = [urlsplit(path).query for path in server.paths("GET")]
    return [
        sorted(parse_qsl(query, keep_blank_values=True)) for query in queries if "events=" in query
    ]


def fake_env(server: WebServer, tmp_path: Path) -> dict[str, str]:
    fake = testing.LocalServer("fake-minio", server.url, "minio", "minio-secret-key")
    return cli_env(fake, tmp_path)


async def watch_until_interrupted(
    env: dict[str, str], *args: str, lines: int
) -> tuple[list[str], str, int]:
    """Run ``watch``, read ``lines`` lines of its stdout, press Ctrl-C: the lines, stderr and
    the exit code."""
    proc = await start(env, "watch", *args)
    assert proc.stdout is not None
    got = [(await asyncio.wait_for(proc.stdout.readline(), 30)).decode() for _ in range(lines)]
    proc.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode is not None
    return got, err.decode(), proc.returncode


async def test_watch_prints_each_event_until_ctrl_c(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    server = await fake_minio(
        web_server,
        b"  \n",
        line(record("s3:ObjectCreated:Put", "photos/a+b%C3%A9.jpg", 42)),
        line(record("s3:ObjectCreated:Copy", "photos/e%1B%5B2J.jpg", 7)),
    )
    env = fake_env(server, tmp_path)
    got, err, code = await watch_until_interrupted(
        env, f"s3://{WATCHED}/photos/", "--events", "put", "--suffix", ".jpg", lines=2
    )
    assert got == [
        f"2026-12-07 04:00:00  s3:ObjectCreated:Put  s3://{WATCHED}/photos/a bé.jpg  42\n",
        f"2026-12-07 04:00:00  s3:ObjectCreated:Copy  s3://{WATCHED}/photos/e\\x1b[2J.jpg  7\n",
    ]
    assert code == 130, err
    assert err.splitlines() == [
        f"watching s3://{WATCHED}/photos/ for s3:ObjectCreated:* (Ctrl-C ends)",
        "aiominio: interrupted",
    ]
    assert listens(server) == [
        [("events", "s3:ObjectCreated:*"), ("prefix", "photos/"), ("suffix", ".jpg")]
    ]


async def test_watch_json_names_the_fields_not_the_identity(
    web_server: StartWebServer, tmp_path: Path
) -> None:
    server = await fake_minio(
        web_server,
        line(
            record("s3:ObjectRemoved:Delete", "old.txt"),
            record("s3:ObjectCreated:Put", "new.txt", 3),
        ),
    )
    env = fake_env(server, tmp_path)
    got, err, code = await watch_until_interrupted(env, f"s3://{WATCHED}", "--json", lines=2)
    assert code == 130, err
    assert [json.loads(g) for g in got] == [
        {"time": "2026-12-07T04:00:00+00:00", "event": "s3:ObjectRemoved:Delete",
         "bucket": WATCHED, "key": "old.txt", "size": None, "etag": "abc", "version_id": "v1"},
        {"time": "2026-12-07T04:00:00+00:00", "event": "s3:ObjectCreated:Put",
         "bucket": WATCHED, "key": "new.txt", "size": 3, "etag": "abc", "version_id": "v1"},
    ]  # fmt: skip
    assert "principalId" not in "".join(got)
    assert listens(server) == [
        [
            ("events", "s3:ObjectCreated:*"),
            ("events", "s3:ObjectRemoved:*"),
            ("prefix", ""),
            ("suffix", ""),
        ]
    ]


async def test_watch_on_seaweedfs_is_one_error_line(sw_env: dict[str, str], sw_bucket: str) -> None:
    # SeaweedFS 4.48 does not speak the MinIO extension: the refusal is reported, not hung on.
    ran = await cli(sw_env, "watch", f"s3://{sw_bucket}")
    assert ran.code == 1 and ran.out == b""
    assert ran.err.startswith("aiominio: error: NotImplemented") and ran.err.count("\n") == 1

"""The client's directory methods (aiominio/methods/directories.py): ``upload_dir``,
``download_dir`` and ``sync`` refuse bad arguments before any request, and hand the others to
the engine, which the tests see through what the in-memory bucket of the transfer tests was
asked (globs, prefixes, dry runs, deletes, comparisons, concurrency, resume). ``get_ranges``'
arguments are tested with its engine, in tests/unit/transfer/test_coalesced.py."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

import pytest

import aiominio
from aiominio import InvalidArgument, S3Prefix
from aiominio.testing import MockRequest, MockResponse, MockTransport
from tests.unit.transfer.test_directories import FakeBucket, client_for, md5

Call = Callable[[aiominio.Client, Path], Awaitable[object]]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``src/`` holding a.txt, b.jpg, sub/c.txt, sub/deep/d.jpg; ``file``, a plain file."""
    src = tmp_path / "src"
    (src / "sub" / "deep").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"a" * 1)
    (src / "b.jpg").write_bytes(b"b" * 2)
    (src / "sub" / "c.txt").write_bytes(b"c" * 3)
    (src / "sub" / "deep" / "d.jpg").write_bytes(b"d" * 4)
    (tmp_path / "file").write_bytes(b"f")
    return tmp_path


def client_of(handler: Callable[[MockRequest], Awaitable[MockResponse]]) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region="r",
        retry=aiominio.RetryPolicy(max_attempts=1),
        transport=MockTransport(handler),
    )


class CopyingBucket(FakeBucket):
    """The fake bucket, also answering server-side copies."""

    def answer(self, request: MockRequest) -> MockResponse:
        source = request.header("x-amz-copy-source")
        if request.method != "PUT" or source is None:
            return super().answer(request)
        key = unquote(request.path).split("/", 2)[2]
        self.objects[key] = self.objects[unquote(source).split("/", 2)[2]]
        body = f"<CopyObjectResult><ETag>&quot;{md5(self.objects[key])}&quot;</ETag>"
        body += "<LastModified>2026-12-07T10:00:00.000Z</LastModified></CopyObjectResult>"
        return MockResponse(200, {"Content-Type": "application/xml"}, body.encode())


def puts(bucket: FakeBucket) -> list[str]:
    return sorted(bucket.objects)


# -- bad input --------------------------------------------------------------------------------

BAD: list[tuple[str, Call, type[Exception]]] = [
    ("bucket", lambda c, t: c.upload_dir("Bad_Bucket", "p", t / "src"), InvalidArgument),
    ("prefix type", lambda c, t: c.upload_dir("bkt", 3, t / "src"), TypeError),  # type: ignore[arg-type]
    ("prefix surrogate", lambda c, t: c.upload_dir("bkt", "\ud800", t / "src"), InvalidArgument),
    ("prefix too long", lambda c, t: c.upload_dir("bkt", "p" * 1025, t / "src"), InvalidArgument),
    ("missing dir", lambda c, t: c.upload_dir("bkt", "p", t / "missing"), InvalidArgument),
    ("a file", lambda c, t: c.upload_dir("bkt", "p", t / "file"), InvalidArgument),
    ("empty path", lambda c, t: c.upload_dir("bkt", "p", ""), InvalidArgument),
    ("bytes path", lambda c, t: c.upload_dir("bkt", "p", os.fsencode(t)), TypeError),  # type: ignore[arg-type]
    ("prefix as dir", lambda c, t: c.upload_dir("bkt", "p", S3Prefix("bkt")), TypeError),  # type: ignore[arg-type]
    ("int dir", lambda c, t: c.upload_dir("bkt", "p", 3), TypeError),  # type: ignore[arg-type]
    ("conc 0", lambda c, t: c.upload_dir("bkt", "p", t, concurrency=0), InvalidArgument),
    ("conc 257", lambda c, t: c.upload_dir("bkt", "p", t, concurrency=257), InvalidArgument),
    ("conc str", lambda c, t: c.upload_dir("bkt", "p", t, concurrency="8"), TypeError),  # type: ignore[arg-type]
    ("conc bool", lambda c, t: c.upload_dir("bkt", "p", t, concurrency=True), TypeError),
    ("empty glob", lambda c, t: c.upload_dir("bkt", "p", t, include=""), InvalidArgument),
    ("unclosed [", lambda c, t: c.upload_dir("bkt", "p", t, exclude=["*", "[a"]), InvalidArgument),
    ("int glob", lambda c, t: c.upload_dir("bkt", "p", t, include=3), TypeError),  # type: ignore[arg-type]
    ("int in globs", lambda c, t: c.upload_dir("bkt", "p", t, exclude=["*", 3]), TypeError),  # type: ignore[list-item]
    ("bytes glob", lambda c, t: c.upload_dir("bkt", "p", t, include=b"*"), TypeError),  # type: ignore[arg-type]
    ("progress", lambda c, t: c.upload_dir("bkt", "p", t, progress=3), TypeError),  # type: ignore[arg-type]
    ("dry_run", lambda c, t: c.upload_dir("bkt", "p", t, dry_run="yes"), TypeError),  # type: ignore[arg-type]
    ("resume", lambda c, t: c.upload_dir("bkt", "p", t, resume=None), TypeError),  # type: ignore[arg-type]
    ("down bucket", lambda c, t: c.download_dir("a", "p", t / "d"), InvalidArgument),
    ("down a file", lambda c, t: c.download_dir("bkt", "p", t / "file"), InvalidArgument),
    ("down glob", lambda c, t: c.download_dir("bkt", "p", t / "d", exclude=""), InvalidArgument),
    ("down dry_run", lambda c, t: c.download_dir("bkt", "p", t / "d", dry_run=1), TypeError),  # type: ignore[arg-type]
    (
        "down conc",
        lambda c, t: c.download_dir("bkt", "p", t / "d", concurrency=-1),
        InvalidArgument,
    ),
    ("sync two dirs", lambda c, t: c.sync(t / "src", t / "d"), InvalidArgument),
    ("sync two strs", lambda c, t: c.sync(str(t / "src"), str(t / "d")), InvalidArgument),
    ("sync no source", lambda c, t: c.sync(t / "missing", "s3://bkt/p"), InvalidArgument),
    ("sync file source", lambda c, t: c.sync(t / "file", "s3://bkt/p"), InvalidArgument),
    ("sync file dest", lambda c, t: c.sync("s3://bkt/p", t / "file"), InvalidArgument),
    ("sync no bucket", lambda c, t: c.sync(t / "src", "s3://"), InvalidArgument),
    ("sync no bucket /", lambda c, t: c.sync(t / "src", "s3:///p"), InvalidArgument),
    ("sync bad bucket", lambda c, t: c.sync("S3://Bad_Bucket/p", t / "d"), InvalidArgument),
    ("sync int side", lambda c, t: c.sync(3, "s3://bkt/p"), TypeError),  # type: ignore[arg-type]
    ("sync compare", lambda c, t: c.sync(t / "src", "s3://bkt/p", compare="md5"), InvalidArgument),  # type: ignore[arg-type]
    ("sync delete", lambda c, t: c.sync(t / "src", "s3://bkt/p", delete="no"), TypeError),  # type: ignore[arg-type]
    ("sync glob", lambda c, t: c.sync(t / "src", "s3://bkt/p", include=[""]), InvalidArgument),
    ("sync conc", lambda c, t: c.sync(t / "src", "s3://bkt/p", concurrency=300), InvalidArgument),
    ("sync resume", lambda c, t: c.sync(t / "src", "s3://bkt/p", resume=0), TypeError),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
async def test_bad_arguments_are_refused_before_any_request(
    tree: Path, call: Call, error: type[Exception]
) -> None:
    client, transport = client_for(FakeBucket())
    async with client:
        with pytest.raises(error):
            await call(client, tree)
    assert transport.requests == []
    assert not (tree / "d").exists()


async def test_a_dangling_link_is_no_download_directory(tree: Path) -> None:
    (tree / "dangling").symlink_to(tree / "nowhere")
    client, transport = client_for(FakeBucket({"p/x": b"x"}))
    async with client:
        with pytest.raises(InvalidArgument, match="not a directory"):
            await client.download_dir("bkt", "p", tree / "dangling")
        with pytest.raises(InvalidArgument, match="not a directory"):
            await client.sync("s3://bkt/p", tree / "dangling")
    assert transport.requests == [] and not (tree / "nowhere").exists()


# -- upload_dir -------------------------------------------------------------------------------


async def test_upload_dir_puts_every_file_under_the_prefix_as_a_directory(tree: Path) -> None:
    bucket = FakeBucket()
    client, transport = client_for(bucket)
    async with client:
        first = await client.upload_dir("bkt", "up", tree / "src")
        second = await client.upload_dir("bkt", "up/", str(tree / "src"))  # the same
        top = await client.upload_dir("bkt", "", tree / "src" / "sub")
    keys = ["a.txt", "b.jpg", "sub/c.txt", "sub/deep/d.jpg"]
    assert puts(bucket) == ["c.txt", "deep/d.jpg"] + [f"up/{k}" for k in keys]
    assert [i.destination for i in first.uploaded] == [f"up/{k}" for k in keys]
    assert first == second and first.ok and not first.dry_run
    assert [i.source for i in top.uploaded] == [
        os.path.join(tree, "src", "sub", "c.txt"),
        os.path.join(tree, "src", "sub", "deep", "d.jpg"),
    ]
    assert bucket.objects["up/sub/deep/d.jpg"] == b"dddd"
    assert {r.method for r in transport.requests} == {"PUT"}  # no listing: everything goes


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ("*.txt", None, ["a.txt", "sub/c.txt"]),  # a name glob, at any depth
        (["*.jpg", "sub/*.txt"], None, ["b.jpg", "sub/c.txt", "sub/deep/d.jpg"]),
        ("sub/**", "*.jpg", ["sub/c.txt"]),  # exclude after include
        (None, ("sub/**",), ["a.txt", "b.jpg"]),
        (None, "sub/*", ["a.txt", "b.jpg", "sub/deep/d.jpg"]),  # * stops at /
        ("nothing", None, []),
    ],
)
async def test_upload_dir_takes_what_include_and_exclude_select(
    tree: Path, include: object, exclude: object, expected: list[str]
) -> None:
    bucket = FakeBucket()
    client, _ = client_for(bucket)
    async with client:
        result = await client.upload_dir(
            "bkt",
            "p",
            tree / "src",
            include=include,  # type: ignore[arg-type]
            exclude=exclude,  # type: ignore[arg-type]
        )
    assert puts(bucket) == [f"p/{k}" for k in expected]
    assert [i.relative for i in result.uploaded] == expected


async def test_upload_dir_dry_run_sends_nothing_at_all(tree: Path) -> None:
    bucket = FakeBucket()
    client, transport = client_for(bucket)
    async with client:
        result = await client.upload_dir(
            "bkt", "p", tree / "src", dry_run=True, include="*.txt", concurrency=256
        )
    assert result.dry_run and [i.destination for i in result.uploaded] == ["p/a.txt", "p/sub/c.txt"]
    assert transport.requests == [] and bucket.objects == {}


async def test_upload_dir_concurrency_bounds_the_requests_in_flight(tree: Path) -> None:
    bucket = FakeBucket()
    client, _ = client_for(bucket)
    async with client:
        result = await client.upload_dir("bkt", "p", tree / "src", concurrency=1)
    assert len(result.uploaded) == 4 and bucket.most_in_flight == 1


async def test_upload_dir_a_name_that_is_no_key_fails_alone_without_a_request(
    tree: Path,
) -> None:
    src = tree / "src"
    try:
        (src / os.fsdecode(b"bad-\xff.bin")).write_bytes(b"x")  # not UTF-8
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    bucket = FakeBucket()
    client, transport = client_for(bucket)
    async with client:
        result = await client.upload_dir("bkt", "p", src)
    assert [type(f.error) for f in result.failed] == [InvalidArgument]
    assert len(result.uploaded) == 4 and len(transport.requests) == 4


async def test_upload_dir_progress_is_called(tree: Path) -> None:
    seen: list[aiominio.TreeProgress] = []
    client, _ = client_for(FakeBucket())
    async with client:
        await client.upload_dir("bkt", "p", tree / "src", progress=seen.append)
    assert seen and seen[-1].files_done == seen[-1].files_total == 4


# -- download_dir -----------------------------------------------------------------------------


#: The modification time the fake bucket gives every object.
MTIME = datetime(2026, 12, 7, 10, tzinfo=timezone.utc).timestamp()
OBJECTS = {"p/a.txt": b"A", "p/x/b.jpg": b"BB", "p/x/y/c.txt": b"CCC", "other/z": b"Z"}


async def test_download_dir_writes_every_object_under_the_prefix_creating_folders(
    tmp_path: Path,
) -> None:
    client, _ = client_for(FakeBucket(dict(OBJECTS)))
    down = tmp_path / "new" / "down"
    async with client:
        result = await client.download_dir("bkt", "p", down, exclude="*.jpg")
    assert [i.relative for i in result.downloaded] == ["a.txt", "x/y/c.txt"]
    assert (down / "a.txt").read_bytes() == b"A"
    assert (down / "x" / "y" / "c.txt").read_bytes() == b"CCC"
    assert not (down / "x" / "b.jpg").exists()
    # given the object's modification time, so a later sync sees it up to date
    assert (down / "a.txt").stat().st_mtime == MTIME


async def test_download_dir_dry_run_only_lists_and_writes_nothing(tmp_path: Path) -> None:
    client, transport = client_for(FakeBucket(dict(OBJECTS)))
    async with client:
        result = await client.download_dir("bkt", "p/", tmp_path / "down", dry_run=True)
    assert result.dry_run and len(result.downloaded) == 3
    assert [(r.method, r.query.get("prefix")) for r in transport.requests] == [("GET", "p/")]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("resume", [True, False])
async def test_download_dir_resume_keeps_or_removes_a_failed_partial_file(
    tmp_path: Path, resume: bool
) -> None:
    bucket = FakeBucket({"p/big": b"0123456789"})

    async def breaking(request: MockRequest) -> MockResponse:
        answer = await bucket(request)
        if request.method == "GET" and unquote(request.path) == "/bkt/p/big":
            assert isinstance(answer.body, bytes)
            chunks = [answer.body[:4], aiominio.ConnectionLostError("reset")]
            return MockResponse(answer.status, answer.headers, chunks)
        return answer

    client = client_of(breaking)
    async with client:
        result = await client.download_dir("bkt", "p", tmp_path, resume=resume)
    assert [f.item.relative for f in result.failed] == ["big"]
    partial = [p.name for p in tmp_path.iterdir() if p.name.startswith("big.")]
    assert not (tmp_path / "big").exists()
    assert len(partial) == (1 if resume else 0), partial


# -- sync -------------------------------------------------------------------------------------


async def test_sync_uploads_only_what_changed_and_deletes_only_when_asked(tree: Path) -> None:
    src = tree / "src"
    for path in src.rglob("*"):  # older than the objects (the fake bucket lists one time)
        os.utime(path, (MTIME - 60, MTIME - 60))
    bucket = FakeBucket({"m/a.txt": b"a", "m/b.jpg": b"old", "m/extra": b"e", "m/keep.jpg": b"k"})
    client, transport = client_for(bucket)
    async with client:
        kept = await client.sync(src, "s3://bkt/m", exclude="keep.jpg")
        assert [i.relative for i in kept.uploaded] == ["b.jpg", "sub/c.txt", "sub/deep/d.jpg"]
        assert [i.relative for i in kept.skipped] == ["a.txt"] and kept.deleted == ()
        assert "m/extra" in bucket.objects
        gone = await client.sync(src, S3Prefix("bkt", "m/"), delete=True, exclude="keep.jpg")
    assert [i.destination for i in gone.deleted] == ["m/extra"] and gone.uploaded == ()
    assert puts(bucket) == ["m/a.txt", "m/b.jpg", "m/keep.jpg", "m/sub/c.txt", "m/sub/deep/d.jpg"]
    assert bucket.objects["m/b.jpg"] == b"bb"
    assert sum(r.method == "POST" for r in transport.requests) == 1  # the one batch delete


@pytest.mark.parametrize(("compare", "downloaded"), [("size-mtime", ["a.txt"]), ("size", [])])
async def test_sync_compare_decides_what_counts_as_changed(
    tmp_path: Path, compare: str, downloaded: list[str]
) -> None:
    (tmp_path / "a.txt").write_bytes(b"?")  # the same size, older than the object
    os.utime(tmp_path / "a.txt", (MTIME - 60, MTIME - 60))
    client, transport = client_for(FakeBucket({"p/a.txt": b"A"}))
    async with client:
        result = await client.sync("s3://bkt/p", tmp_path, compare=compare)  # type: ignore[arg-type]
    assert [i.relative for i in result.downloaded] == downloaded
    assert (tmp_path / "a.txt").read_bytes() == (b"A" if downloaded else b"?")
    assert (len(transport.requests) > 1) == bool(downloaded)


async def test_sync_dry_run_only_lists(tree: Path) -> None:
    bucket = FakeBucket({"m/extra": b"e"})
    client, transport = client_for(bucket)
    async with client:
        result = await client.sync(tree / "src", "s3://bkt/m", delete=True, dry_run=True)
    assert result.dry_run and len(result.uploaded) == 4 and len(result.deleted) == 1
    assert [r.method for r in transport.requests] == ["GET"]
    assert bucket.objects == {"m/extra": b"e"}


async def test_sync_between_two_prefixes_copies_on_the_server(tmp_path: Path) -> None:
    bucket = CopyingBucket({"from/a": b"A", "from/sub/b": b"B"})
    client, transport = client_for(bucket)
    async with client:
        result = await client.sync("S3://bkt/from", S3Prefix("bkt", "to"))  # any case of s3://
    assert [(i.source, i.destination) for i in result.copied] == [
        ("from/a", "to/a"),
        ("from/sub/b", "to/sub/b"),
    ]
    copies = [r for r in transport.requests if r.method == "PUT"]
    assert sorted(unquote(r.header("x-amz-copy-source") or "") for r in copies) == [
        "/bkt/from/a",
        "/bkt/from/sub/b",
    ]
    assert all(r.body == b"" for r in copies)  # no byte through the client
    assert bucket.objects["to/sub/b"] == b"B"


async def test_sync_a_local_directory_named_s3_colon_given_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s3:" / "bkt").mkdir(parents=True)
    (tmp_path / "s3:" / "bkt" / "f").write_bytes(b"f")
    bucket = FakeBucket()
    client, _ = client_for(bucket)
    async with client:
        result = await client.sync(Path("s3:"), "s3://bkt/up")
    assert [i.destination for i in result.uploaded] == ["up/bkt/f"]
    assert puts(bucket) == ["up/bkt/f"]

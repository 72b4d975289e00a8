"""Running transfers: uploads, downloads and server-side copies, several files at once, with
one overall progress bar and a bar of its own for each large file."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import mimetypes
import os
import stat
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from rich.console import Console
from rich.progress import Progress, TaskID

from aiominio.cli.attributes import NO_ATTRIBUTES, Attributes
from aiominio.cli.mirror import Entry
from aiominio.cli.output import (
    PROG,
    echo,
    error_line,
    is_reportable,
    print_json,
    progress_label,
    report,
    say,
    transfer_progress,
    warn,
)
from aiominio.cli.paths import (
    LocalPath,
    Location,
    PathError,
    S3Location,
    dir_prefix,
    join_key,
    safe_local_relative,
)
from aiominio.client import Client
from aiominio.core.headers import DEFAULT_CONTENT_TYPE
from aiominio.core.sync import S3Prefix, TreeItem, TreeProgress, TreeResult
from aiominio.transfer import trees
from aiominio.transfer.sources import Data
from aiominio.transfer.sources import Progress as LibraryProgress

#: Files at least this large get a progress bar of their own (and so does a stream).
LARGE_FILE = 8 << 20
DEFAULT_CONCURRENCY = 8
#: The most a read of a pipe asks for (it returns what the writer has written so far).
STREAM_CHUNK = 1 << 20


def library_progress(advance: Callable[[int], None]) -> LibraryProgress:
    """The ``progress=`` callback for the library: it reports the bytes done so far; ``advance``
    gets the bytes added since the last call. (The one place that knows the callback's
    signature.)"""
    last = 0

    def on_progress(done: int, total: int | None = None) -> None:
        nonlocal last
        advance(done - last)
        last = done

    return on_progress


@dataclass(frozen=True, slots=True)
class Job:
    """One file or object to transfer.

    Attributes:
        source, dest: a local file and an object, in either order, or two objects.
        size: the bytes to move (for the progress bars); ``None`` for a pipe or device,
            read to its end.
        mtime: when set, the downloaded file's modification time (seconds since the epoch),
            so a later ``mirror`` sees it as up to date.
    """

    source: Location
    dest: Location
    size: int | None
    mtime: float | None = None

    @property
    def verb(self) -> str:
        if isinstance(self.source, LocalPath):
            return "upload"
        return "download" if isinstance(self.dest, LocalPath) else "copy"


# -- the trees on either side ------------------------------------------------------------------


def walk_local(root: str, *, quiet: bool = False) -> Iterator[tuple[str, str]]:
    """``(path, relative key)`` of every regular file under ``root``, in sorted order, as the
    library's directory transfers walk it (symbolic links to files are followed, to directories
    not; partial downloads left out). Anything else that is not a directory (a pipe, socket,
    device or broken link) is skipped, and said so on stderr unless ``quiet``: a pipe in a tree
    could block the walk forever."""
    tree = trees.walk_local(root)
    if not quiet:
        for path in tree.ignored:
            warn(f"{PROG}: skipping {path}: not a regular file")
    for rel in sorted(tree.paths):
        yield tree.paths[rel], rel


def local_tree(root: str) -> dict[str, Entry]:
    """Every file under ``root`` by relative key."""
    return trees.walk_local(root).entries


async def objects_under(client: Client, location: S3Location) -> AsyncIterator[tuple[str, int]]:
    """``(key, size)`` of every object under the "directory" ``location``."""
    prefix = dir_prefix(location.key)
    async for obj in client.list_objects(location.bucket, prefix, recursive=True):
        if not obj.is_dir and not obj.key.endswith("/"):
            yield obj.key, obj.size


def tree_jobs(
    source: Location,
    dest: Location,
    relatives: Iterable[str],
    sizes: dict[str, Entry],
    *,
    keep_mtime: bool = False,
) -> list[Job]:
    """The jobs that copy each relative path of the tree ``source`` into the tree ``dest``."""
    jobs = []
    for rel in relatives:
        entry = sizes[rel]
        jobs.append(
            Job(
                tree_child(source, rel),
                tree_child(dest, rel),
                entry.size,
                mtime=entry.mtime if keep_mtime and isinstance(dest, LocalPath) else None,
            )
        )
    return jobs


def tree_child(root: Location, rel: str) -> Location:
    """The file or object ``rel`` (a relative key) of the tree ``root``."""
    if isinstance(root, S3Location):
        return S3Location(root.bucket, join_key(root.key, rel))
    return LocalPath(os.path.join(root.path, safe_local_relative(rel)))


async def remove_location(client: Client, location: Location) -> None:
    """Remove one file or object."""
    if isinstance(location, S3Location):
        await client.remove_object(location.bucket, location.key)
    else:
        await asyncio.to_thread(os.remove, location.path)


async def to_stdout(
    client: Client,
    source: S3Location,
    *,
    version_id: str | None = None,
    offset: int | None = None,
) -> None:
    """Stream an object to stdout (from byte ``offset``, when given)."""
    out = sys.stdout.buffer
    if offset:
        reading = client.get_partial_object(
            source.bucket, source.key, offset, version_id=version_id
        )
    else:
        reading = client.get_object(source.bucket, source.key, version_id=version_id)
    async with reading as obj:
        async for chunk in obj:
            await asyncio.to_thread(out.write, chunk)
        await asyncio.to_thread(out.flush)


def upload_size(path: str) -> int | None:
    """The bytes an upload of ``path`` sends: a regular file's size, or ``None`` for a pipe or
    character device (``<(pg_dump ...)``, ``/dev/fd/3``, ``/dev/stdin``), read to its end;
    their size on disk is 0, and an upload of that size would store nothing.

    Raises:
        PathError: a directory, socket, block device or anything else that is not read as a
            stream of bytes.
    """
    st = os.stat(path)
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return st.st_size
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return None
    kinds = {stat.S_ISDIR: "a directory", stat.S_ISSOCK: "a socket", stat.S_ISBLK: "a block device"}
    kind = next((name for test, name in kinds.items() if test(mode)), "not a regular file")
    raise PathError(f"{path} is {kind}: upload a regular file, a pipe or stdin (-)")


async def stream_chunks(read: Callable[[int], bytes]) -> AsyncIterator[bytes]:
    """What ``read`` returns until it returns nothing, each read in a worker thread: a read of
    a pipe blocks until the writer writes, and must not stop the event loop (progress, other
    transfers, Ctrl-C)."""
    while chunk := await asyncio.to_thread(read, STREAM_CHUNK):
        yield chunk


async def from_stdin(
    client: Client, dest: S3Location, attributes: Attributes = NO_ATTRIBUTES
) -> None:
    """Upload stdin to an object: a redirected file with its size, a pipe or terminal streamed
    to its end (in parts once it passes the multipart threshold; a failed or interrupted
    upload is aborted)."""
    fd = sys.stdin.fileno()
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode):
        size = st.st_size - os.lseek(fd, 0, os.SEEK_CUR)
        await client.put_object(
            dest.bucket,
            dest.key,
            sys.stdin.buffer,
            size,
            content_type=attributes.content_type or DEFAULT_CONTENT_TYPE,
            metadata=attributes.metadata,
            tags=attributes.tags,
            cache_control=attributes.cache_control,
            storage_class=attributes.storage_class,
            sse=attributes.sse,
        )
        return
    await client.put_object(
        dest.bucket,
        dest.key,
        stream_chunks(partial(os.read, fd)),
        content_type=attributes.content_type or DEFAULT_CONTENT_TYPE,
        metadata=attributes.metadata,
        tags=attributes.tags,
        cache_control=attributes.cache_control,
        storage_class=attributes.storage_class,
        sse=attributes.sse,
    )


# -- running jobs ------------------------------------------------------------------------------


class Transfers:
    """Runs jobs ``concurrency`` at a time, drawing the bars on ``console`` (stderr).

    A job that fails is reported as one line and the others go on; :attr:`failed` counts them.
    Cancelled (Ctrl-C), the jobs in flight are cancelled and clean up after themselves: a
    multipart upload is aborted, a partial download removed.
    """

    def __init__(
        self,
        client: Client,
        console: Console,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        move: bool = False,
        attributes: Attributes = NO_ATTRIBUTES,
        as_json: bool = False,
    ) -> None:
        self.client = client
        self.console = console
        self.concurrency = max(1, concurrency)
        self.move = move
        self.attributes = attributes
        self.as_json = as_json
        self.failed = 0
        self.done = 0

    async def run(self, jobs: list[Job]) -> None:
        sizes = [job.size for job in jobs]
        total = None if None in sizes else sum(size or 0 for size in sizes)
        with transfer_progress(self.console) as progress:
            overall = progress.add_task(self._summary(len(jobs)), total=total or None)
            pending = iter(jobs)

            async def worker() -> None:
                for job in pending:
                    await self._one(job, progress, overall, len(jobs))

            workers = [asyncio.ensure_future(worker()) for _ in range(self.concurrency)]
            try:
                await asyncio.gather(*workers)
            finally:
                for w in workers:
                    w.cancel()
                await asyncio.gather(*workers, return_exceptions=True)

    def _summary(self, count: int) -> str:
        return f"{self.done}/{count} files"

    async def _one(self, job: Job, progress: Progress, overall: TaskID, count: int) -> None:
        own: TaskID | None = None
        if (job.size is None or job.size >= LARGE_FILE) and not progress.disable:
            own = progress.add_task(progress_label(str(job.source)), total=job.size)

        def advance(n: int) -> None:
            progress.advance(overall, n)
            if own is not None:
                progress.advance(own, n)

        try:
            await self._transfer(job, library_progress(advance))
            if self.move:
                await remove_location(self.client, job.source)
        except Exception as exc:
            if not is_reportable(exc):
                raise
            self.failed += 1
            report(progress.console, f"{error_line(exc)} ({job.source})")
        else:
            self.done += 1
            verb = "move" if self.move else job.verb
            if self.as_json:
                print_json(done_record(verb, job.source, job.dest, job.size))
            else:
                say(progress.console, f"{verb}: {job.source} -> {job.dest}")
        finally:
            if own is not None:
                progress.remove_task(own)
            progress.update(overall, description=self._summary(count))

    async def _transfer(self, job: Job, on_progress: LibraryProgress) -> None:
        src, dst = job.source, job.dest
        if isinstance(src, LocalPath) and isinstance(dst, S3Location):
            await upload(
                self.client,
                src.path,
                dst,
                size=job.size,
                progress=on_progress,
                attributes=self.attributes,
            )
        elif isinstance(src, S3Location) and isinstance(dst, LocalPath):
            await download(self.client, src, dst.path, progress=on_progress, mtime=job.mtime)
        elif isinstance(src, S3Location) and isinstance(dst, S3Location):
            await copy(self.client, src, dst, self.attributes)
            on_progress(job.size or 0, job.size)
        else:
            raise PathError("copy local files with cp(1); one side must be s3://")


async def copy(client: Client, src: S3Location, dst: S3Location, attributes: Attributes) -> None:
    """A server-side copy storing the attributes given and keeping the source's others, as
    ``aws s3 cp`` does: S3 replaces all of an object's metadata or none of it, so with a
    content type, metadata or Cache-Control given, the rest (the other of those, and
    Content-Disposition, -Encoding, -Language, Expires) is read from the source first and sent
    again, the copy pinned to the ETag read (a source replaced meanwhile fails the copy)."""
    given = attributes
    if given.content_type is None and given.metadata is None and given.cache_control is None:
        await client.copy_object(
            dst.bucket,
            dst.key,
            src.bucket,
            src.key,
            tags=given.tags,
            storage_class=given.storage_class,
            sse=given.sse,
        )
        return
    source = await client.stat_object(src.bucket, src.key)
    await client.copy_object(
        dst.bucket,
        dst.key,
        src.bucket,
        src.key,
        content_type=given.content_type or source.content_type,
        metadata=source.metadata if given.metadata is None else given.metadata,
        cache_control=given.cache_control or source.cache_control,
        content_disposition=source.content_disposition,
        content_encoding=source.content_encoding,
        content_language=source.content_language,
        expires=source.expires,
        tags=given.tags,
        storage_class=given.storage_class,
        sse=given.sse,
        source_if_match=source.etag,
    )


async def upload(
    client: Client,
    path: str,
    dest: S3Location,
    *,
    size: int | None,
    progress: LibraryProgress,
    attributes: Attributes = NO_ATTRIBUTES,
) -> None:
    """Upload one file, or with ``size`` None a pipe or device to its end. A multipart upload
    that fails or is cancelled is aborted (the library's ``put_object`` does so;
    ``fput_object`` would keep it to resume, and would take a pipe's size on disk, 0)."""
    content_type = attributes.content_type or mimetypes.guess_type(path)[0] or DEFAULT_CONTENT_TYPE
    # Unbuffered: closing it never waits for a read of a pipe still blocked in a thread.
    f = await asyncio.to_thread(open, path, "rb", buffering=0)
    try:
        data: Data = f if size is not None else stream_chunks(f.read)
        await client.put_object(
            dest.bucket,
            dest.key,
            data,
            size,
            progress=progress,
            content_type=content_type,
            metadata=attributes.metadata,
            tags=attributes.tags,
            cache_control=attributes.cache_control,
            storage_class=attributes.storage_class,
            sse=attributes.sse,
        )
    finally:
        f.close()


async def download(
    client: Client,
    source: S3Location,
    path: str,
    *,
    progress: LibraryProgress,
    mtime: float | None = None,
) -> None:
    """Download one object to ``path``. The library writes it to a partial file beside ``path``
    and renames it into place when complete and verified; if the download fails or is cancelled,
    the partial file is removed too (the library keeps it to resume; a command line should
    leave nothing behind)."""
    folder = os.path.dirname(path) or "."
    await asyncio.to_thread(os.makedirs, folder, exist_ok=True)
    # The partial file, and the record of the ranges done that a parallel download keeps.
    pattern = glob.escape(path) + ".*.part*"
    before = set(glob.glob(pattern))
    try:
        await client.fget_object(source.bucket, source.key, path, progress=progress)
    except BaseException:
        for leftover in set(glob.glob(pattern)) - before:
            with contextlib.suppress(OSError):
                os.remove(leftover)
        raise
    if mtime is not None:
        os.utime(path, (mtime, mtime))


# -- whole trees, by the library ---------------------------------------------------------------


def tree_side(location: Location) -> str | S3Prefix:
    """A location as a side of the library's directory transfers."""
    if isinstance(location, S3Location):
        return S3Prefix(location.bucket, location.key)
    return location.path


def shown(root: Location, name: str) -> str:
    """How the command shows ``name`` (a key or a path) of the tree ``root``."""
    return str(S3Location(root.bucket, name)) if isinstance(root, S3Location) else name


def item_text(source: Location, dest: Location, item: TreeItem) -> str:
    """``verb: source -> destination`` of one item (without the verb for a delete)."""
    if item.action == "delete":
        return shown(dest, item.destination)
    src = shown(source, item.source)
    return f"{src} -> {shown(dest, item.destination)}" if item.destination else src


def done_record(
    action: str, source: Location | None, dest: Location, size: int | None, *, dry_run: bool = False
) -> dict[str, object]:
    """The ``--json`` line of one file or object transferred (or, with ``dry_run``, that
    would be)."""
    record: dict[str, object] = {"action": action}
    if source is not None:
        record["source"] = str(source)
    record.update(dest=str(dest), size=size)
    if dry_run:
        record["dry_run"] = True
    return record


def item_record(
    source: Location, dest: Location, item: TreeItem, *, dry_run: bool = False
) -> dict[str, object]:
    """The ``--json`` line of one item of a directory transfer."""
    origin = None if item.action == "delete" else _located(source, item.source)
    return done_record(
        item.action, origin, _located(dest, item.destination), item.size, dry_run=dry_run
    )


def _located(root: Location, name: str) -> Location:
    return S3Location(root.bucket, name) if isinstance(root, S3Location) else LocalPath(name)


def print_planned(
    source: Location, dest: Location, planned: TreeResult, *, as_json: bool = False
) -> TreeResult:
    """Print what a dry run of a directory transfer would do, a line each on stdout (``would
    upload: a -> s3://b/a``, or with ``as_json`` a JSON object), and what could not be planned
    on stderr."""
    for item in (*planned.transferred, *planned.deleted):
        if as_json:
            print_json(item_record(source, dest, item, dry_run=True))
        else:
            echo(f"would {item.action}: {item_text(source, dest, item)}")
    for failure in planned.failed:
        warn(f"{error_line(failure.error)} ({item_text(source, dest, failure.item)})")
    return planned


async def run_tree(
    console: Console,
    source: Location,
    dest: Location,
    transfer: Callable[[Callable[[TreeProgress], None]], Awaitable[TreeResult]],
    *,
    verb: str | None = None,
    as_json: bool = False,
) -> TreeResult:
    """Run a library directory transfer with one overall bar (files and bytes, known up
    front), a bar of its own for each large file, a line for each file done (with ``as_json``
    a JSON object on stdout), and the failures and skipped entries reported once it ends (the
    failures as one line each, escaped)."""
    with transfer_progress(console) as progress:
        # Drawn once there is something to move: a sync with nothing to do draws no empty bar.
        overall: list[TaskID] = []
        own: dict[str, TaskID] = {}

        def on_progress(p: TreeProgress) -> None:
            if not overall:
                overall.append(progress.add_task("", total=None))
            progress.update(
                overall[0],
                completed=p.bytes_done,
                total=p.bytes_total or None,
                description=f"{p.files_done}/{p.files_total} files",
            )
            rel = p.item.relative
            large = p.item.size >= LARGE_FILE and not progress.disable
            if not p.finished and large and rel not in own:
                label = progress_label(shown(source, p.item.source))
                own[rel] = progress.add_task(label, total=p.item.size)
            if rel in own:
                if p.finished:
                    progress.remove_task(own.pop(rel))
                else:
                    progress.update(own[rel], completed=p.item_done)
            if p.finished and p.error is None and as_json:
                print_json(item_record(source, dest, p.item))
            elif p.finished and p.error is None:
                say(progress.console, f"{verb or p.item.action}: {item_text(source, dest, p.item)}")

        result = await transfer(on_progress)
        for path in result.ignored:
            say(progress.console, f"{PROG}: skipping {path}: not a regular file")
        for failure in result.failed:
            where = item_text(source, dest, failure.item)
            report(progress.console, f"{error_line(failure.error)} ({where})")
    return result

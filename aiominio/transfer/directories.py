"""Directory transfers: a local directory to a key prefix, a prefix to a directory, a prefix to
another prefix, everything or only what changed (a sync), with one concurrency budget for all
the files.

The planning (what goes where, what changed, what to delete) is :mod:`aiominio.core.sync`; here
the trees are read (a walk of the directory in a worker thread, a listing of the prefix), the
plan's items run, and a :class:`~aiominio.core.sync.TreeResult` says how each ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import inspect
import mimetypes
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from aiominio.core import planning
from aiominio.core.checksums import Integrity
from aiominio.core.headers import DEFAULT_CONTENT_TYPE, upload_headers
from aiominio.core.options import WriteOptions
from aiominio.core.sync import (
    EVERYTHING,
    Compare,
    S3Prefix,
    Selection,
    SyncPlan,
    TreeEntry,
    TreeFailure,
    TreeItem,
    TreeProgress,
    TreeResult,
    join_key,
    local_parts,
    plan_sync,
)
from aiominio.core.validation import MAX_CONCURRENCY, check_object_key
from aiominio.errors import AiominioError, ClientClosedError, EventLoopError, S3Error
from aiominio.ops.copy import copy_object
from aiominio.ops.objects import remove_objects
from aiominio.requester import Requester
from aiominio.transfer.files import download_file, upload_file
from aiominio.transfer.jobs import Upload
from aiominio.transfer.sources import Progress, load_local, make_source
from aiominio.transfer.trees import LocalTree, both, list_tree, walk_local
from aiominio.transfer.uploads import put_object

#: Told where a directory transfer stands; a coroutine function is awaited (one call at a time).
TreeProgressCallback = Callable[[TreeProgress], object]
#: A local directory (a path) or a prefix of a bucket.
Side = str | S3Prefix
#: ``"all"``: every file of the source (``cp -r``); ``"sync"``: what changed.
Mode = Literal["all", "sync"]

#: Files transferred at once by default, and the most.
DEFAULT_TREE_CONCURRENCY = 8
MAX_TREE_CONCURRENCY = 256
#: What a failed item records; anything else (a bug, a closed client) stops the transfer.
_ITEM_ERRORS = (AiominioError, OSError, ValueError, TimeoutError)
_NOT_ITEM_ERRORS = (ClientClosedError, EventLoopError)


@dataclass(frozen=True, slots=True)
class TreeOptions:
    """How the items of a directory transfer run.

    Attributes:
        concurrency: the budget of requests in flight for all files together.
        resume: keep what a failed file leaves for the next call to resume (an incomplete
            multipart upload, a partial download), as ``fput_object`` and ``fget_object``
            do; ``False`` leaves nothing (the upload is aborted, the partial file removed).
        threshold: the client's multipart threshold.
        integrity: the client's upload integrity mode.
        progress: told where the transfer stands.
        attributes: what every uploaded file is stored with (user metadata, tags, standard
            headers, encryption), checked; its Content-Type is replaced by ``content_type``.
            ``None``: nothing was given (each file's content type guessed, resumable).
        content_type: every uploaded file's content type; ``None`` guesses it from the name.
    """

    concurrency: int = DEFAULT_TREE_CONCURRENCY
    resume: bool = True
    threshold: int = planning.DEFAULT_MULTIPART_THRESHOLD
    integrity: Integrity = "crc32"
    progress: TreeProgressCallback | None = None
    attributes: WriteOptions | None = None
    content_type: str | None = None


async def _tree(req: Requester, side: Side, *, local: LocalTree | None) -> dict[str, TreeEntry]:
    if isinstance(side, S3Prefix):
        return await list_tree(req, side)
    assert local is not None
    return local.entries


# -- the plan's items -------------------------------------------------------------------------


def _action(source: Side, dest: Side) -> Literal["upload", "download", "copy"]:
    if isinstance(source, S3Prefix):
        return "copy" if isinstance(dest, S3Prefix) else "download"
    return "upload"


def _where(side: Side, rel: str, local: LocalTree | None) -> str:
    """The key or local path of ``rel`` in the tree ``side``.

    Raises:
        InvalidArgument: a key that no safe local path can hold, or a local name that is no
            valid key.
    """
    if isinstance(side, S3Prefix):
        return check_object_key(join_key(side.prefix, rel))
    if local is not None and rel in local.paths:
        return local.paths[rel]
    return os.path.join(side, *local_parts(rel))


@dataclass(slots=True)
class _Planned:
    """The plan's items: those to run, those refused before any request, and the others."""

    run: list[tuple[TreeItem, TreeEntry]] = field(default_factory=list)
    refused: list[TreeFailure] = field(default_factory=list)
    delete: list[TreeItem] = field(default_factory=list)
    skipped: list[TreeItem] = field(default_factory=list)


def _items(
    plan: SyncPlan,
    source: Side,
    dest: Side,
    src_tree: dict[str, TreeEntry],
    dst_tree: dict[str, TreeEntry] | None,
    src_local: LocalTree | None,
    dst_local: LocalTree | None,
) -> _Planned:
    action = _action(source, dest)
    out = _Planned()
    for rel in plan.copy:
        entry = src_tree[rel]
        src_name = _describe(source, rel)
        try:
            src_name = _where(source, rel, src_local)
            dst_name = _where(dest, rel, dst_local)
        except ValueError as exc:
            out.refused.append(TreeFailure(TreeItem(action, rel, src_name, "", entry.size), exc))
            continue
        out.run.append((TreeItem(action, rel, src_name, dst_name, entry.size), entry))
    for rel in plan.unchanged:
        with contextlib.suppress(ValueError):
            src_name = _where(source, rel, src_local)
            dst_name = _where(dest, rel, dst_local)
            out.skipped.append(TreeItem(action, rel, src_name, dst_name, src_tree[rel].size))
    assert dst_tree is not None or not plan.delete
    for rel in plan.delete:
        size = dst_tree[rel].size if dst_tree is not None else 0
        try:
            out.delete.append(TreeItem("delete", rel, "", _where(dest, rel, dst_local), size))
        except ValueError as exc:
            out.refused.append(TreeFailure(TreeItem("delete", rel, "", "", size), exc))
    return out


def _describe(side: Side, rel: str) -> str:
    return join_key(side.prefix, rel) if isinstance(side, S3Prefix) else rel


# -- running them -----------------------------------------------------------------------------


class Budget:
    """Request slots shared by every file of a transfer: a file takes as many as it can use
    and are free (at least one, waiting for it), so the requests in flight never exceed the
    budget, however the files divide it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.free = total
        self._waiters: list[asyncio.Future[None]] = []

    async def take(self, want: int) -> int:
        """Take up to ``want`` slots, at least one (waiting until one is free)."""
        while self.free < 1:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                self._waiters.remove(waiter)
        got = max(1, min(want, self.free))
        self.free -= got
        return got

    def give(self, count: int) -> None:
        """Give back ``count`` slots taken."""
        self.free += count
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)


class _Tally:
    """Counts what is done and tells the progress callback, one call at a time."""

    def __init__(self, callback: TreeProgressCallback | None, files: int, size: int) -> None:
        self.callback = callback
        self.files_total = files
        self.bytes_total = size
        self.files_done = 0
        self.files_failed = 0
        self.bytes_done = 0
        self.failure: Exception | None = None  # raised by the callback: it stops everything
        self._item_done: dict[str, int] = {}
        self._lock = asyncio.Lock()

    def item_progress(self, item: TreeItem) -> Progress | None:
        """The ``progress=`` of the library call that moves ``item``."""
        if self.callback is None:
            return None

        async def moved(done: int, total: int | None) -> None:
            await self._tell(item, done, finished=False)

        return moved

    async def finished(self, item: TreeItem, error: Exception | None = None) -> None:
        if error is None:
            self.files_done += 1
        else:
            self.files_failed += 1
        await self._tell(item, item.size if error is None else None, finished=True, error=error)

    async def _tell(
        self,
        item: TreeItem,
        done: int | None,
        *,
        finished: bool,
        error: Exception | None = None,
    ) -> None:
        before = self._item_done.get(item.relative, 0)
        now = before if done is None else max(before, min(done, item.size))
        self._item_done[item.relative] = now
        self.bytes_done += now - before
        if self.callback is None:
            return
        async with self._lock:
            snapshot = TreeProgress(
                files_done=self.files_done,
                files_failed=self.files_failed,
                files_total=self.files_total,
                bytes_done=self.bytes_done,
                bytes_total=self.bytes_total,
                item=item,
                item_done=now,
                finished=finished,
                error=error,
            )
            try:
                result = self.callback(snapshot)
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                self.failure = exc
                raise


def _slots_wanted(item: TreeItem, threshold: int, budget: int) -> int:
    """How many requests a file could keep in flight: its parts, or its ranges."""
    if item.action == "upload" and item.size > threshold:
        want = -(-item.size // planning.plan_part_size(item.size, None))
    elif item.action == "download" and item.size >= 2 * planning.DEFAULT_RANGE_SIZE:
        want = -(-item.size // planning.DEFAULT_RANGE_SIZE)
    else:
        want = 1
    return max(1, min(want, budget, MAX_CONCURRENCY))


async def _run_one(
    req: Requester,
    item: TreeItem,
    entry: TreeEntry,
    source: Side,
    dest: Side,
    *,
    slots: int,
    options: TreeOptions,
    progress: Progress | None,
) -> None:
    if item.action == "upload":
        assert isinstance(dest, S3Prefix)
        await _upload(req, item, dest.bucket, slots=slots, options=options, progress=progress)
    elif item.action == "download":
        assert isinstance(source, S3Prefix)
        await _download(
            req, item, source.bucket, entry, slots=slots, options=options, progress=progress
        )
    else:
        assert isinstance(source, S3Prefix) and isinstance(dest, S3Prefix)
        await copy_object(
            req,
            dest.bucket,
            item.destination,
            source_bucket=source.bucket,
            source_key=item.source,
            headers={},
        )


async def _upload(
    req: Requester,
    item: TreeItem,
    bucket: str,
    *,
    slots: int,
    options: TreeOptions,
    progress: Progress | None,
) -> None:
    content_type = (
        options.content_type or mimetypes.guess_type(item.source)[0] or DEFAULT_CONTENT_TYPE
    )
    attributes = options.attributes or WriteOptions()
    write = attributes._replace(
        headers={**attributes.headers, **upload_headers(content_type, None)}
    )
    job = Upload(
        req,
        bucket,
        item.destination,
        write,
        None,
        slots,
        options.threshold,
        options.integrity,
    )
    # An incomplete upload of the key would be completed with the attributes of the attempt
    # that started it: with attributes given, the file is sent anew (and not kept to resume).
    given = options.attributes is not None
    if options.resume and not given:
        await upload_file(job, item.source, progress)
        return
    # put_object aborts a multipart upload that fails or is cancelled; upload_file keeps it.
    # One thread job opens the file (never waiting on a FIFO planted at its name) and reads a
    # file that goes in one PUT whole (a PUT holds its body in memory anyway).
    body, size = await load_local(item.source, options.threshold)
    try:
        await put_object(job, make_source(body, size), progress)
    finally:
        if not isinstance(body, bytes):
            body.close()


async def _download(
    req: Requester,
    item: TreeItem,
    bucket: str,
    entry: TreeEntry,
    *,
    slots: int,
    options: TreeOptions,
    progress: Progress | None,
) -> None:
    path = item.destination
    leftovers = glob.escape(path) + ".*.part*"
    before = set() if options.resume else await asyncio.to_thread(_matching, leftovers)
    try:
        await download_file(
            req,
            bucket,
            item.source,
            path=path,
            progress=progress,
            concurrency=slots,
            range_size=planning.DEFAULT_RANGE_SIZE,
        )
    except BaseException:
        if not options.resume:
            await asyncio.shield(asyncio.to_thread(_remove_new, leftovers, before))
        raise
    if entry.mtime > 0:  # a later sync then sees the file as up to date
        await asyncio.to_thread(os.utime, path, (entry.mtime, entry.mtime))


def _matching(pattern: str) -> set[str]:
    return set(glob.glob(pattern))


def _remove_new(pattern: str, before: set[str]) -> None:
    for leftover in _matching(pattern) - before:
        with contextlib.suppress(OSError):
            os.remove(leftover)


async def _delete(
    req: Requester, dest: Side, items: list[TreeItem]
) -> tuple[list[TreeItem], list[TreeFailure]]:
    """Remove the destination's extra items; those removed and those that failed."""
    if not items:
        return [], []
    if isinstance(dest, S3Prefix):
        by_key = {item.destination: item for item in items}
        errors = await remove_objects(req, dest.bucket, keys=list(by_key))
        failed = [
            TreeFailure(
                by_key[e.key],
                S3Error.from_code(e.code, e.message, bucket=dest.bucket, key=e.key),
            )
            for e in errors
            if e.key in by_key
        ]
        failed_keys = {f.item.destination for f in failed}
        return [i for i in items if i.destination not in failed_keys], failed
    return await asyncio.to_thread(_delete_local, items)


def _delete_local(items: list[TreeItem]) -> tuple[list[TreeItem], list[TreeFailure]]:
    done, failed = [], []
    for item in items:
        try:
            os.remove(item.destination)
        except OSError as exc:
            failed.append(TreeFailure(item, exc))
        else:
            done.append(item)
    return done, failed


async def transfer_tree(
    req: Requester,
    source: Side,
    dest: Side,
    *,
    mode: Mode,
    delete: bool = False,
    dry_run: bool = False,
    compare: Compare = "size-mtime",
    select: Selection = EVERYTHING,
    options: TreeOptions = TreeOptions(),
) -> TreeResult:
    """Transfer the tree ``source`` into the tree ``dest`` (one of them a prefix).

    ``mode="all"`` transfers every selected file (the destination is not looked at);
    ``"sync"`` only what the destination lacks or holds changed (by ``compare``), and with
    ``delete`` removes what it has that the source has not. Each file is one call of the
    library (``fput_object``'s upload, ``fget_object``'s download, ``copy_object``); a file
    that fails is recorded and the others go on. ``options.concurrency`` bounds the requests
    in flight for all files together (see :class:`Budget`). Deletes come after the transfers.
    """
    src_local = await asyncio.to_thread(walk_local, source) if isinstance(source, str) else None
    dst_local = None
    if mode == "sync" and isinstance(dest, str):
        dst_local = await asyncio.to_thread(walk_local, dest)
    if mode == "sync":
        src_tree, dst_tree_found = await both(
            _tree(req, source, local=src_local), _tree(req, dest, local=dst_local)
        )
        dst_tree: dict[str, TreeEntry] | None = dst_tree_found
    else:
        src_tree, dst_tree = await _tree(req, source, local=src_local), None
    plan = plan_sync(src_tree, dst_tree, delete=delete, compare=compare, select=select)
    planned = _items(plan, source, dest, src_tree, dst_tree, src_local, dst_local)
    ignored = src_local.ignored if src_local is not None else ()
    transferred = [item for item, _ in planned.run]
    if dry_run:
        return _result(
            transferred, planned.delete, planned.skipped, planned.refused, ignored, dry_run=True
        )
    done, failed = await _run_all(req, planned.run, source, dest, options)
    deleted, not_deleted = await _delete(req, dest, planned.delete)
    return _result(
        done, deleted, planned.skipped, [*planned.refused, *failed, *not_deleted], ignored
    )


def _result(
    transferred: list[TreeItem],
    deleted: list[TreeItem],
    skipped: list[TreeItem],
    failed: list[TreeFailure],
    ignored: tuple[str, ...],
    *,
    dry_run: bool = False,
) -> TreeResult:
    def of(action: str) -> tuple[TreeItem, ...]:
        return tuple(sorted((i for i in transferred if i.action == action), key=_by_path))

    return TreeResult(
        uploaded=of("upload"),
        downloaded=of("download"),
        copied=of("copy"),
        deleted=tuple(deleted),
        skipped=tuple(skipped),
        failed=tuple(sorted(failed, key=lambda f: f.item.relative)),
        ignored=ignored,
        dry_run=dry_run,
    )


def _by_path(item: TreeItem) -> str:
    return item.relative


async def _run_all(
    req: Requester,
    items: list[tuple[TreeItem, TreeEntry]],
    source: Side,
    dest: Side,
    options: TreeOptions,
) -> tuple[list[TreeItem], list[TreeFailure]]:
    """Run every item, ``options.concurrency`` requests in flight at most; a callback that
    raises, a closed client or a bug stops them all and is raised."""
    tally = _Tally(options.progress, len(items), sum(item.size for item, _ in items))
    budget = Budget(options.concurrency)
    pending: Iterator[tuple[TreeItem, TreeEntry]] = iter(items)
    done: list[TreeItem] = []
    failed: list[TreeFailure] = []

    async def worker() -> None:
        for item, entry in pending:
            slots = await budget.take(_slots_wanted(item, options.threshold, budget.total))
            try:
                await _run_one(
                    req,
                    item,
                    entry,
                    source,
                    dest,
                    slots=slots,
                    options=options,
                    progress=tally.item_progress(item),
                )
            except _NOT_ITEM_ERRORS:
                raise
            except _ITEM_ERRORS as exc:
                if tally.failure is not None:
                    raise tally.failure from None
                failed.append(TreeFailure(item, exc))
                await tally.finished(item, exc)
                continue
            except Exception:
                if tally.failure is not None:
                    raise tally.failure from None
                raise
            finally:
                budget.give(slots)
            done.append(item)
            await tally.finished(item)

    workers = [asyncio.ensure_future(worker()) for _ in range(min(options.concurrency, len(items)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return done, failed

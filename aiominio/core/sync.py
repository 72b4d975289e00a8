"""Planning directory transfers and syncs: which files and objects to upload, download, copy,
delete or leave alone, and where each one goes. Pure: no I/O, no event loop.

A tree is a mapping of *relative paths* (``/``-separated, below a local directory or a key
prefix) to :class:`TreeEntry`. Keys are strings, not paths: the part of a key below the prefix
is kept verbatim on the other side (``src//x`` under ``src/`` is ``/x``, which goes to
``dst//x``), and a relative path that cannot name a file inside a local directory (``..``,
``.``, an empty part, an absolute path) is refused, never written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from aiominio.core.validation import check_bucket_name, check_prefix
from aiominio.errors import InvalidArgument, InvalidResponseError

#: Local file systems keep sub-second times and S3 keeps whole seconds: a source counts as
#: newer only when it is more than this many seconds newer.
MTIME_SLACK = 1.0

#: How a sync tells an unchanged file: ``"size-mtime"`` (the sizes are equal and the source is
#: not newer, or the ETags are equal), or ``"size"`` (the sizes alone, as ``aws s3 sync
#: --size-only``).
Compare = Literal["size-mtime", "size"]
COMPARE_MODES: tuple[Compare, ...] = ("size-mtime", "size")

#: What happens to one item of a directory transfer.
Action = Literal["upload", "download", "copy", "delete"]

#: The scheme of an S3 location given to :meth:`~aiominio.Client.sync` as text.
S3_SCHEME = "s3://"


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One file or object of a tree.

    Attributes:
        size: bytes.
        mtime: last modified, in seconds since the epoch.
        etag: the object's ETag (``None`` for a local file).
    """

    size: int
    mtime: float
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class S3Prefix:
    """A "directory" of a bucket: every key under ``prefix`` (the whole bucket when empty).

    ``S3Prefix("photos", "2024")`` and ``S3Prefix("photos", "2024/")`` are the same directory,
    ``2024/``. Text such as ``"s3://photos/2024/"`` means the same to
    :meth:`~aiominio.Client.sync`.
    """

    bucket: str
    prefix: str = ""

    def __post_init__(self) -> None:
        check_bucket_name(self.bucket)
        check_prefix(self.prefix)

    def __str__(self) -> str:
        return f"{S3_SCHEME}{self.bucket}/{dir_prefix(self.prefix)}"

    @property
    def directory(self) -> str:
        """The prefix as a directory: empty, or ending with ``/``."""
        return dir_prefix(self.prefix)


def parse_s3(text: str) -> S3Prefix:
    """``s3://bucket[/prefix]`` as an :class:`S3Prefix`.

    Raises:
        InvalidArgument: no bucket, or a bucket name or prefix S3 refuses.
    """
    if not text[: len(S3_SCHEME)].lower() == S3_SCHEME:
        raise InvalidArgument(f"not an s3:// location: {text!r}")
    bucket, _, prefix = text[len(S3_SCHEME) :].partition("/")
    if not bucket:
        raise InvalidArgument(f"no bucket in {text!r}")
    return S3Prefix(bucket, prefix)


# -- keys and paths ---------------------------------------------------------------------------


def dir_prefix(prefix: str) -> str:
    """``prefix`` as a "directory": empty stays empty, else it ends with ``/``."""
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def join_key(prefix: str, relative: str) -> str:
    """``relative`` under the directory ``prefix``, verbatim: ``dst/`` + ``/x`` is ``dst//x``.

    A path join would drop the prefix when ``relative`` starts with ``/`` and write outside the
    destination; the inverse of :func:`relative_key` keeps every character.
    """
    return dir_prefix(prefix) + relative


def relative_key(key: str, prefix: str) -> str:
    """``key`` relative to the directory ``prefix``.

    Raises:
        InvalidResponseError: ``key`` is not under ``prefix``: a listing of that prefix named
            it, so the server (or something between) did not list what was asked for.
    """
    prefix = dir_prefix(prefix)
    if not key.startswith(prefix):
        raise InvalidResponseError(
            f"{key!r} is not under {prefix!r}: the listing named a key outside the prefix "
            "asked for; nothing was transferred or deleted"
        )
    return key[len(prefix) :]


def is_folder_marker(relative: str) -> bool:
    """Whether an object is a "folder" marker (its key ends with ``/``, or is the prefix
    itself): it holds no file and is left out of a tree."""
    return not relative or relative.endswith("/")


def local_parts(relative: str, sep: str = os.sep) -> tuple[str, ...]:
    """The path parts of the local file a relative key names below a directory, refusing
    anything that would land outside it or name it: ``..`` and ``.`` parts, empty parts
    (``a//b``, a leading ``/``), NUL, and where ``sep`` is not ``/`` (Windows) a part holding
    ``sep`` or a drive's ``:``.

    Raises:
        InvalidArgument: the key part is not a safe local path.
    """
    parts = tuple(relative.split("/"))
    bad = not relative or any(p in ("", ".", "..") or "\0" in p for p in parts)
    if sep != "/":
        bad = bad or any(sep in p or ":" in p for p in parts)
    if bad:
        raise InvalidArgument(f"the key part {relative!r} is not a safe local path")
    return parts


def local_relative_key(parts: Sequence[str]) -> str:
    """A local file's path parts below the tree's root as a relative key."""
    return "/".join(parts)


# -- filters ----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def glob_pattern(glob: str) -> re.Pattern[str]:
    """A glob over relative paths as a regular expression.

    ``*`` matches any run of characters but ``/``, ``?`` one character but ``/``, ``**`` any
    run of characters, ``/`` included (``**/`` also none: ``a/**/b`` matches ``a/b``), and
    ``[...]`` / ``[!...]`` a character of a set or not of it. A glob without ``/`` is matched
    against each file's name (``*.tmp`` matches ``a/b/c.tmp``); one with ``/`` against the
    whole relative path.

    Raises:
        InvalidArgument: an empty glob, or an unclosed ``[``.
    """
    if not isinstance(glob, str):
        raise TypeError(f"a glob must be a str, not {type(glob).__name__}")
    if not glob:
        raise InvalidArgument("a glob must not be empty")
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = i + 1
            if j < n and glob[j] == "!":
                j += 1
            if j < n and glob[j] == "]":
                j += 1  # a ] first in the set is one of its characters
            end = glob.find("]", j)
            if end < 0:
                raise InvalidArgument(f"the glob {glob!r} has an unclosed [")
            body = glob[i + 1 : end]
            negate = body.startswith("!")
            members = "".join(ch if ch == "-" else re.escape(ch) for ch in body[negate:])
            out.append(f"[^/{members}]" if negate else f"[{members}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    anchor = "" if "/" in glob else "(?:.*/)?"
    try:
        return re.compile(anchor + "".join(out), re.DOTALL)
    except re.error as exc:
        raise InvalidArgument(f"the glob {glob!r} is malformed: {exc}") from None


@dataclass(frozen=True, slots=True)
class Selection:
    """Which relative paths a transfer takes: those that match one of ``include`` (all when
    it is empty) and none of ``exclude``. The globs are those of :func:`glob_pattern`."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for glob in (*self.include, *self.exclude):
            glob_pattern(glob)

    def selects(self, relative: str) -> bool:
        """Whether the transfer takes ``relative``."""
        if self.include and not any(glob_pattern(g).fullmatch(relative) for g in self.include):
            return False
        return not any(glob_pattern(g).fullmatch(relative) for g in self.exclude)


#: Every relative path.
EVERYTHING = Selection()


def selection(include: object, exclude: object) -> Selection:
    """The :class:`Selection` of an ``include`` and ``exclude`` argument: ``None``, one glob or
    an iterable of globs each.

    Raises:
        TypeError: not a str nor an iterable of str.
        InvalidArgument: an empty or malformed glob.
    """
    return Selection(_globs("include", include), _globs("exclude", exclude))


def _globs(name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable) or isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{name} must be a glob or an iterable of globs")
    globs = tuple(value)
    for g in globs:
        if not isinstance(g, str):
            raise TypeError(f"{name} must hold str globs, not {type(g).__name__}")
    return globs


# -- plans ------------------------------------------------------------------------------------


def needs_copy(source: TreeEntry, dest: TreeEntry | None, compare: Compare = "size-mtime") -> bool:
    """Whether ``source`` must be copied over ``dest``: it is missing or the sizes differ; with
    ``"size-mtime"`` also when (no equal ETags vouching for it) the source is newer by more
    than :data:`MTIME_SLACK`."""
    if dest is None or source.size != dest.size:
        return True
    if compare == "size":
        return False
    if source.etag is not None and dest.etag is not None and source.etag == dest.etag:
        return False
    return source.mtime > dest.mtime + MTIME_SLACK


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What a transfer of one tree into another does, by relative path, each sorted.

    Attributes:
        copy: what to transfer (missing on the destination, or changed).
        delete: what to remove from the destination (it has it, the source has not).
        unchanged: what is the same on both sides and is left alone.
    """

    copy: tuple[str, ...]
    delete: tuple[str, ...]
    unchanged: tuple[str, ...]


def plan_sync(
    source: Mapping[str, TreeEntry],
    dest: Mapping[str, TreeEntry] | None,
    *,
    delete: bool = False,
    compare: Compare = "size-mtime",
    select: Selection = EVERYTHING,
) -> SyncPlan:
    """Plan making ``dest`` hold what ``source`` holds.

    What ``select`` leaves out is ignored on both sides: neither copied nor deleted. With
    ``dest`` ``None`` (not looked at: a plain copy of a tree) everything selected is copied.
    With ``delete``, what ``dest`` has and ``source`` has not is removed.
    """
    if compare not in COMPARE_MODES:
        raise InvalidArgument(f"compare must be 'size-mtime' or 'size', not {compare!r}")
    chosen = sorted(rel for rel in source if select.selects(rel))
    if dest is None:
        return SyncPlan(tuple(chosen), (), ())
    copy = tuple(rel for rel in chosen if needs_copy(source[rel], dest.get(rel), compare))
    copied = set(copy)
    unchanged = tuple(rel for rel in chosen if rel not in copied)
    removed: tuple[str, ...] = ()
    if delete:
        removed = tuple(sorted(rel for rel in dest if rel not in source and select.selects(rel)))
    return SyncPlan(copy, removed, unchanged)


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeItem:
    """One file or object of a directory transfer.

    Attributes:
        action: ``"upload"``, ``"download"``, ``"copy"`` (server side) or ``"delete"``; for
            an item left unchanged, what it would have been.
        relative: its ``/``-separated path below both roots.
        source: the local path or key it comes from (``""`` for a delete).
        destination: the local path or key written, or removed.
        size: its bytes (of the source; for a delete, of what is removed).
    """

    action: Action
    relative: str
    source: str
    destination: str
    size: int


@dataclass(frozen=True, slots=True)
class TreeFailure:
    """An item that was not transferred or removed, and why.

    Attributes:
        item: what was to be done.
        error: the exception: an :class:`~aiominio.S3Error` or transport error, an
            :class:`OSError` of a local file, or an :class:`~aiominio.InvalidArgument` for an
            item refused before any request (a key that names no safe local path, a file name
            that is no valid key).
    """

    item: TreeItem
    error: Exception


@dataclass(frozen=True, slots=True)
class TreeResult:
    """What a directory transfer or sync did (with ``dry_run``: would do).

    Attributes:
        uploaded: files uploaded.
        downloaded: objects downloaded.
        copied: objects copied on the server.
        deleted: files or objects removed (``delete=True``).
        skipped: items left alone because the destination already had them unchanged.
        failed: items that failed, each with its exception (the others went on).
        ignored: local paths under the source directory that are not regular files (a FIFO,
            a socket, a device, a broken link) or could not be read, left out.
        dry_run: nothing was changed; the lists say what would have been.
    """

    uploaded: tuple[TreeItem, ...] = ()
    downloaded: tuple[TreeItem, ...] = ()
    copied: tuple[TreeItem, ...] = ()
    deleted: tuple[TreeItem, ...] = ()
    skipped: tuple[TreeItem, ...] = ()
    failed: tuple[TreeFailure, ...] = ()
    ignored: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return not self.failed

    @property
    def transferred(self) -> tuple[TreeItem, ...]:
        """Everything uploaded, downloaded or copied."""
        return self.uploaded + self.downloaded + self.copied

    @property
    def bytes_transferred(self) -> int:
        """The bytes of everything uploaded, downloaded or copied."""
        return sum(item.size for item in self.transferred)


@dataclass(frozen=True, slots=True)
class TreeProgress:
    """Where a directory transfer stands, given to its ``progress`` callback.

    The totals are known before the first byte moves; the counts only rise. Each call is
    about one item: some of its bytes moved, or it ``finished`` (done or failed).

    Attributes:
        files_done: items transferred so far.
        files_failed: items that failed so far.
        files_total: items to transfer (deletes not counted).
        bytes_done: bytes moved so far, all items together.
        bytes_total: the bytes of all items to transfer.
        item: the item this call is about.
        item_done: its bytes moved so far.
        finished: whether it is over (transferred, or failed).
        error: when it failed, the exception (also in the result's ``failed``).
    """

    files_done: int
    files_failed: int
    files_total: int
    bytes_done: int
    bytes_total: int
    item: TreeItem
    item_done: int
    finished: bool
    error: Exception | None = None

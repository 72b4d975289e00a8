"""Planning a one-way sync: which entries to copy and which to delete. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Local file systems keep sub-second times and S3 keeps whole seconds: a source counts as
#: newer only when it is more than this many seconds newer.
MTIME_SLACK = 1.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One file or object of a tree, by its ``/``-separated path relative to the tree's root.

    Attributes:
        size: bytes.
        mtime: last modified, in seconds since the epoch.
        etag: the object's ETag (``None`` for a local file).
    """

    size: int
    mtime: float
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class MirrorPlan:
    """What a sync does: ``copy`` and ``delete`` are relative paths, sorted; ``unchanged`` is
    how many entries are already the same on both sides."""

    copy: tuple[str, ...]
    delete: tuple[str, ...]
    unchanged: int


def needs_copy(source: Entry, dest: Entry | None) -> bool:
    """Whether ``source`` must be copied over ``dest``: it is missing, the sizes differ, or
    (with no equal ETags to vouch for it) the source is newer."""
    if dest is None or source.size != dest.size:
        return True
    if source.etag is not None and dest.etag is not None and source.etag == dest.etag:
        return False
    return source.mtime > dest.mtime + MTIME_SLACK


def plan_mirror(
    source: Mapping[str, Entry], dest: Mapping[str, Entry], *, delete: bool = False
) -> MirrorPlan:
    """Plan making ``dest`` look like ``source``: copy what is missing or differs; with
    ``delete``, remove what ``dest`` has and ``source`` has not."""
    copy = sorted(rel for rel, entry in source.items() if needs_copy(entry, dest.get(rel)))
    removed = sorted(rel for rel in dest if rel not in source) if delete else []
    return MirrorPlan(tuple(copy), tuple(removed), len(source) - len(copy))

"""The trees of a directory transfer: the regular files under a local directory (a walk) and
the objects under a key prefix (a listing), each by relative key."""

from __future__ import annotations

import asyncio
import os
import re
import stat
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from aiominio.core.sync import (
    S3Prefix,
    TreeEntry,
    is_folder_marker,
    local_relative_key,
    relative_key,
)
from aiominio.ops.listing import list_objects
from aiominio.requester import Requester

#: A download in progress: ``fget_object`` writes ``<name>.<16 hex digits>.part``, and a
#: parallel one its record beside it; neither is a file of the tree.
PARTIAL_DOWNLOAD = re.compile(r".+\.[0-9a-f]{16}\.part(?:\.ranges\.json)?")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class LocalTree:
    """Every regular file under a directory.

    Attributes:
        entries: size and modification time by relative key.
        paths: the local path by relative key.
        ignored: what is not a regular file (a FIFO, socket, device, broken link), or could
            not be read, and is left out.
    """

    entries: dict[str, TreeEntry] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()


def walk_local(root: str) -> LocalTree:
    """Every regular file under ``root``, by relative key (a blocking walk: run it in a
    thread). Symbolic links to files are followed, to directories not; a partial download of
    ``fget_object`` is no file of the tree. A ``root`` that does not exist is an empty tree."""
    entries: dict[str, TreeEntry] = {}
    paths: dict[str, str] = {}
    ignored: list[str] = []

    def unreadable(exc: OSError) -> None:
        if exc.filename is not None and os.fspath(exc.filename) != root:
            ignored.append(os.fsdecode(exc.filename))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs.sort()
        for name in sorted(files):
            if PARTIAL_DOWNLOAD.fullmatch(name):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                ignored.append(path)
                continue
            if not stat.S_ISREG(st.st_mode):
                ignored.append(path)
                continue
            rel = local_relative_key(os.path.relpath(path, root).split(os.sep))
            entries[rel] = TreeEntry(st.st_size, st.st_mtime)
            paths[rel] = path
    return LocalTree(entries, paths, tuple(ignored))


async def list_tree(req: Requester, where: S3Prefix) -> dict[str, TreeEntry]:
    """Every object under the prefix by relative key; "folder" markers are left out.

    Raises:
        InvalidResponseError: the listing named a key outside the prefix (nothing is then
            transferred or deleted: the server does not list what was asked).
    """
    prefix = where.directory
    tree: dict[str, TreeEntry] = {}
    listing = list_objects(
        req,
        where.bucket,
        prefix=prefix,
        recursive=True,
        start=None,
        page_size=1000,
        v2=False,
    )
    async for obj in listing:
        rel = relative_key(obj.key, prefix)
        if obj.is_dir or is_folder_marker(rel):
            continue
        mtime = obj.last_modified.timestamp() if obj.last_modified else 0.0
        tree[rel] = TreeEntry(obj.size, mtime, obj.etag)
    return tree


async def both(first: Awaitable[_T], second: Awaitable[_T]) -> tuple[_T, _T]:
    """Both results; when one fails the other is cancelled (no listing left running)."""
    tasks = [asyncio.ensure_future(first), asyncio.ensure_future(second)]
    try:
        a, b = await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return a, b

"""The diff command: two trees (an s3:// prefix and a local directory, or two prefixes)
compared by relative path, size and, when asked, modification time or ETag; exit codes as
diff(1)'s."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

import click

from aiominio.cli import output
from aiominio.cli.app import any_location, cli, json_option, settings_of
from aiominio.cli.paths import LocalPath, Location, S3Location, dir_prefix, join_key
from aiominio.cli.runner import EXIT_ERROR, run
from aiominio.client import Client
from aiominio.core.sync import MTIME_SLACK, TreeEntry, is_folder_marker, relative_key
from aiominio.transfer import trees

#: diff's exit codes, as diff(1) and cmp(1): 1 says only that the trees differ; trouble (an
#: error, a usage error) is 2.
DIFF_DIFFERENT = 1
DIFF_TROUBLE = 2

#: How an entry differs: on one side only, or in size, modification time or ETag.
Change = Literal["only-source", "only-target", "size", "mtime", "etag"]
Tree = Mapping[str, TreeEntry]


@dataclass(frozen=True, slots=True)
class Difference:
    """One relative path the two trees do not agree on, and its entry on each side."""

    relative: str
    change: Change
    source: TreeEntry | None
    target: TreeEntry | None


def _change(a: TreeEntry | None, b: TreeEntry | None, mtime: bool, etag: bool) -> Change | None:
    if a is None or b is None:
        return "only-target" if a is None else "only-source"
    if a.size != b.size:
        return "size"
    if mtime and abs(a.mtime - b.mtime) > MTIME_SLACK:
        return "mtime"
    return "etag" if etag and a.etag and b.etag and a.etag != b.etag else None


def compare_trees(
    source: Tree, target: Tree, *, mtime: bool = False, etag: bool = False
) -> list[Difference]:
    """What differs, sorted by relative path: presence and size; with ``mtime`` modification
    times more than :data:`MTIME_SLACK` apart; with ``etag`` ETags (where both sides have
    one). One difference per path, the first of these that applies."""
    found = []
    for rel in sorted(source.keys() | target.keys()):
        a, b = source.get(rel), target.get(rel)
        change = _change(a, b, mtime, etag)
        if change is not None:
            found.append(Difference(rel, change, a, b))
    return found


def tree_path(root: Location, relative: str) -> str:
    """The file or object ``relative`` of the tree ``root``, as shown (never opened)."""
    if isinstance(root, S3Location):
        return str(S3Location(root.bucket, join_key(root.key, relative)))
    return os.path.join(root.path, *relative.split("/"))


def _stamp(entry: TreeEntry) -> datetime:
    return datetime.fromtimestamp(entry.mtime, timezone.utc)


def difference_line(diff: Difference, source: Location, target: Location) -> str:
    """``< SOURCE-PATH`` (only in source), ``> TARGET-PATH`` (only in target) or
    ``! SOURCE-PATH (size 3 vs 5)`` (on both sides, differing)."""
    a, b = diff.source, diff.target
    if a is None:
        return f"> {tree_path(target, diff.relative)}"
    if b is None:
        return f"< {tree_path(source, diff.relative)}"
    if diff.change == "size":
        detail = f"size {a.size} vs {b.size}"
    elif diff.change == "mtime":
        detail = f"modified {output.date_text(_stamp(a))} vs {output.date_text(_stamp(b))}"
    else:
        detail = f"etag {a.etag} vs {b.etag}"
    return f"! {tree_path(source, diff.relative)} ({detail})"


def difference_json(diff: Difference, source: Location, target: Location) -> dict[str, object]:
    """One difference as JSON: the change, the relative path, and each side's location, size,
    modification time and ETag (``null`` for a side without the entry)."""
    found: dict[str, object] = {"change": diff.change, "relative": diff.relative}
    for name, root, e in (("source", source, diff.source), ("target", target, diff.target)):
        where = tree_path(root, diff.relative)
        found[name] = e and dict(location=where, size=e.size, modified=_stamp(e), etag=e.etag)
    return found


async def s3_tree(client: Client, where: S3Location) -> dict[str, TreeEntry]:
    """Every object under the "directory" ``where`` by relative key, as mirror sees it
    (folder markers left out)."""
    prefix = dir_prefix(where.key)
    tree: dict[str, TreeEntry] = {}
    async for obj in client.list_objects(where.bucket, prefix, recursive=True):
        rel = relative_key(obj.key, prefix)
        if not (obj.is_dir or is_folder_marker(rel)):
            mtime = obj.last_modified.timestamp() if obj.last_modified else 0.0
            tree[rel] = TreeEntry(obj.size, mtime, obj.etag)
    return tree


async def _tree(client: Client, where: Location, *, quiet: bool) -> dict[str, TreeEntry]:
    if isinstance(where, S3Location):
        return await s3_tree(client, where)
    local = await asyncio.to_thread(trees.walk_local, where.path)
    for path in () if quiet else local.ignored:
        output.warn(f"{output.PROG}: skipping {path}: not a regular file")
    return local.entries


@cli.command()
@click.argument("source", callback=any_location)
@click.argument("target", callback=any_location)
@click.option("--compare-mtime", "mtime", is_flag=True, help="Also times (over 1 s apart).")
@click.option("--etag", "--checksum", is_flag=True, help="Also ETags (of two s3:// locations).")
@json_option
@click.pass_context
def diff(
    ctx: click.Context, source: Location, target: Location, mtime: bool, etag: bool, as_json: bool
) -> None:
    """Compare two trees: an s3:// prefix and a local directory (either order), or two prefixes.

    Entries are matched by relative path and compared by size (and with the options by time or
    ETag). A line per difference: "< PATH" only in SOURCE, "> PATH" only in TARGET,
    "! PATH (size 3 vs 5)" on both sides but different.

    Exit code, as diff(1): 0 the trees are the same, 1 they differ, 2 trouble (a usage error,
    or an error such as a missing bucket).
    """
    if isinstance(source, LocalPath) and isinstance(target, LocalPath):
        raise click.UsageError("one of SOURCE and TARGET must be an s3:// location")
    for side in (source, target):
        if isinstance(side, LocalPath) and not os.path.isdir(side.path):
            raise click.UsageError(output.printable(f"{side.path} is not a directory"))
    if etag and not (isinstance(source, S3Location) and isinstance(target, S3Location)):
        raise click.UsageError("--etag compares two s3:// locations (a file has no ETag)")
    settings = settings_of(ctx)

    async def main() -> int:
        async with settings.client() as client:
            sides = [_tree(client, where, quiet=settings.quiet) for where in (source, target)]
            a, b = await trees.both(*sides)
        found = compare_trees(a, b, mtime=mtime, etag=etag)
        for difference in found:  # printed here: a reader that goes away is no error
            if as_json:
                output.print_json(difference_json(difference, source, target))
            else:
                output.echo(difference_line(difference, source, target))
        return len(found)

    try:
        different = run(main())
    except click.exceptions.Exit as stop:
        code = DIFF_TROUBLE if stop.exit_code == EXIT_ERROR else stop.exit_code
        raise click.exceptions.Exit(code) from None
    if different:
        raise click.exceptions.Exit(DIFF_DIFFERENT)

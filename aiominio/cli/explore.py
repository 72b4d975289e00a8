"""The commands mc and aws users look for beyond ls: du, find, tree and head over listings and
ranged reads; tag and version over an object's tags and a bucket's versioning. Durations are
``90s``, ``15m``, ``12h``, ``7d`` or ``2w``; sizes ``512``, ``64K``, ``10M``, ``2G`` (powers of
1,024, as the sizes printed)."""

from __future__ import annotations

import fnmatch
import re
import sys
from datetime import datetime, timedelta, timezone

import click

from aiominio.cli import output
from aiominio.cli.app import cli, json_option, s3_location, settings_of
from aiominio.cli.paths import S3Location, dir_prefix, key_basename
from aiominio.cli.runner import run
from aiominio.models import ObjectInfo, Versioning

_DURATION = re.compile(r"(\d{1,12})([smhdw])", re.ASCII)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SIZE = re.compile(r"(\d{1,18})([KMGT]?)(?:i?B)?", re.IGNORECASE | re.ASCII)
_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
#: The most bytes ``head`` reads (a line never ends in a binary object otherwise).
HEAD_LIMIT = 1 << 20


def parse_duration(text: str) -> timedelta:
    """``7d`` -> 7 days (``s``, ``m``, ``h``, ``d``, ``w``).

    Raises:
        click.BadParameter: anything else.
    """
    found = _DURATION.fullmatch(text.strip())
    if found is None:
        raise click.BadParameter(f"a duration is a number and s, m, h, d or w (7d): {text!r}")
    try:
        return timedelta(seconds=int(found.group(1)) * _UNITS[found.group(2)])
    except OverflowError:
        raise click.BadParameter(f"a duration that long cannot be: {text!r}") from None


def parse_size(text: str) -> int:
    """``10M`` -> 10 MiB (``K``, ``M``, ``G``, ``T``; powers of 1,024).

    Raises:
        click.BadParameter: anything else.
    """
    found = _SIZE.fullmatch(text.strip())
    if found is None:
        raise click.BadParameter(f"a size is a number and K, M, G or T (10M): {text!r}")
    return int(found.group(1)) * _SIZE_UNITS[found.group(2).upper()]


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta | None:
    return None if value is None else parse_duration(value)


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    return None if value is None else parse_size(value)


def _bucket_or_prefix(target: S3Location) -> str:
    return dir_prefix(target.key)


# -- du ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--human-readable", "-H", "human", is_flag=True, help="Sizes as KiB, MiB, ...")
@json_option
@click.pass_context
def du(ctx: click.Context, target: S3Location, human: bool, as_json: bool) -> None:
    """The total size and number of objects under a bucket or prefix."""
    settings = settings_of(ctx)

    async def main() -> tuple[int, int]:
        size = count = 0
        async with settings.client() as client:
            prefix = _bucket_or_prefix(target)
            async for obj in client.list_objects(target.bucket, prefix, recursive=True):
                if not obj.is_dir:
                    size += obj.size
                    count += 1
        return size, count

    size, count = run(main())
    if as_json:
        output.print_json({"target": str(target), "size": size, "objects": count})
    else:
        shown = output.size_text(size, human=human)
        output.echo(f"{shown}  {count} object{'' if count == 1 else 's'}  {target}")


# -- find --------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--name", "pattern", metavar="GLOB", help="Only keys whose last part matches.")
@click.option("--larger", callback=_size, metavar="SIZE", help="Only objects larger (10M).")
@click.option("--smaller", callback=_size, metavar="SIZE", help="Only objects smaller.")
@click.option("--older", callback=_duration, metavar="AGE", help="Only older than (7d).")
@click.option("--newer", callback=_duration, metavar="AGE", help="Only newer than (12h).")
@json_option
@click.pass_context
def find(
    ctx: click.Context,
    target: S3Location,
    pattern: str | None,
    larger: int | None,
    smaller: int | None,
    older: timedelta | None,
    newer: timedelta | None,
    as_json: bool,
) -> None:
    """Objects under a bucket or prefix by name, size and age, one s3:// location a line."""
    settings = settings_of(ctx)
    now = datetime.now(timezone.utc)

    def wanted(obj: ObjectInfo) -> bool:
        if pattern is not None and not fnmatch.fnmatchcase(key_basename(obj.key), pattern):
            return False
        if larger is not None and obj.size <= larger:
            return False
        if smaller is not None and obj.size >= smaller:
            return False
        age = now - obj.last_modified if obj.last_modified else None
        if older is not None and (age is None or age <= older):
            return False
        return newer is None or (age is not None and age < newer)

    async def main() -> None:
        async with settings.client() as client:
            prefix = _bucket_or_prefix(target)
            async for obj in client.list_objects(target.bucket, prefix, recursive=True):
                if obj.is_dir or not wanted(obj):
                    continue
                if as_json:
                    output.print_json(obj)
                else:
                    output.echo(str(S3Location(target.bucket, obj.key)))

    run(main())


# -- tree --------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--files", "-f", is_flag=True, help="Objects too, not only the prefixes.")
@json_option
@click.pass_context
def tree(ctx: click.Context, target: S3Location, files: bool, as_json: bool) -> None:
    """The prefixes ("directories") under a bucket or prefix as a tree."""
    settings = settings_of(ctx)
    root = _bucket_or_prefix(target)

    def entry(kind: str, key: str, depth: int, name: str) -> None:
        if as_json:
            output.print_json({"type": kind, "key": key, "depth": depth})
        else:
            output.echo(f"{'  ' * depth}{name}")

    async def main() -> None:
        if not as_json:
            output.echo(str(target))
        async with settings.client() as client:
            shown: set[str] = set()
            async for obj in client.list_objects(target.bucket, root, recursive=True):
                parts = obj.key[len(root) :].split("/")
                for depth in range(1, len(parts)):
                    folder = "/".join(parts[:depth])
                    if folder not in shown:
                        shown.add(folder)
                        entry("prefix", f"{root}{folder}/", depth, f"{parts[depth - 1]}/")
                if files and parts[-1]:
                    entry("object", obj.key, len(parts), parts[-1])

    run(main())


# -- head --------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--lines", "-n", default=10, show_default=True, type=click.IntRange(0, 100_000))
@click.pass_context
def head(ctx: click.Context, target: S3Location, lines: int) -> None:
    """The first lines of an object (reads at most its first MiB)."""
    if target.is_dir:
        raise click.UsageError(output.printable(f"{target} is not an object"))
    settings = settings_of(ctx)

    async def main() -> bytes:
        async with settings.client() as client:
            stat = await client.stat_object(target.bucket, target.key)
            length = min(stat.size, HEAD_LIMIT)
            if length == 0:
                return b""
            async with client.get_partial_object(target.bucket, target.key, 0, length) as obj:
                return await obj.read()

    data = run(main())
    kept = b"".join(data.splitlines(keepends=True)[:lines])
    sys.stdout.buffer.write(kept)
    sys.stdout.buffer.flush()


# -- tag, version ------------------------------------------------------------------------------


@cli.group()
def tag() -> None:
    """Set, list and remove an object's tags."""


@tag.command("set")
@click.argument("target", callback=s3_location)
@click.argument("tags", nargs=-1, required=True, metavar="KEY=VALUE...")
@json_option
@click.pass_context
def tag_set(ctx: click.Context, target: S3Location, tags: tuple[str, ...], as_json: bool) -> None:
    """Replace the object's tags with KEY=VALUE pairs."""
    pairs = {}
    for pair in tags:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"a tag is KEY=VALUE: {pair!r}", ctx)
        pairs[name] = value
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            await client.set_object_tags(target.bucket, target.key, pairs)

    run(main())
    if as_json:
        output.print_json({"target": str(target), "tags": pairs})
    else:
        output.say(output.stderr_console(), f"tagged {target} with {len(pairs)} tag(s)")


@tag.command("list")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def tag_list(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The object's tags, KEY=VALUE a line."""
    settings = settings_of(ctx)

    async def main() -> dict[str, str]:
        async with settings.client() as client:
            return await client.get_object_tags(target.bucket, target.key)

    found = run(main())
    if as_json:
        output.print_json(found)
    for name, value in sorted(found.items()) if not as_json else ():
        output.echo(f"{name}={value}")


@tag.command("remove")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def tag_remove(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """Remove every tag of the object."""
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            await client.delete_object_tags(target.bucket, target.key)

    run(main())
    if as_json:
        output.print_json({"target": str(target), "tags": {}})
    else:
        output.say(output.stderr_console(), f"removed the tags of {target}")


@cli.command()
@click.argument("action", type=click.Choice(["info", "enable", "suspend"]))
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def version(ctx: click.Context, action: str, target: S3Location, as_json: bool) -> None:
    """A bucket's versioning: info, enable or suspend."""
    settings = settings_of(ctx)

    async def main() -> Versioning:
        async with settings.client() as client:
            if action != "info":
                state = Versioning.ENABLED if action == "enable" else Versioning.SUSPENDED
                await client.set_bucket_versioning(target.bucket, state)
            return await client.get_bucket_versioning(target.bucket)

    state = run(main())
    if as_json:
        output.print_json({"bucket": target.bucket, "versioning": state.value})
    else:
        output.echo(f"s3://{target.bucket}: versioning {state.value.lower()}")

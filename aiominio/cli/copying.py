"""The commands that move data: cp, mv and mirror."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TypeVar

import click
from rich.console import Console

from aiominio.cli import output
from aiominio.cli.app import STDIO, any_location, cli, fail_if, quiet_option, settings_of
from aiominio.cli.mirror import Entry, plan_mirror
from aiominio.cli.paths import (
    LocalPath,
    Location,
    PathError,
    S3Location,
    copy_key,
    dir_prefix,
    download_path,
    join_key,
    relative_key,
    upload_key,
)
from aiominio.cli.runner import run
from aiominio.cli.transfer import (
    DEFAULT_CONCURRENCY,
    Job,
    Transfers,
    from_stdin,
    local_tree,
    objects_under,
    remove_location,
    s3_tree,
    to_stdout,
    tree_child,
    tree_jobs,
    upload_size,
    walk_local,
)
from aiominio.client import Client

_Command = TypeVar("_Command", bound=Callable[..., object])

# -- cp, mv ------------------------------------------------------------------------------------


def _transfer_options(f: _Command) -> _Command:
    f = click.option("--recursive", "-r", is_flag=True, help="Everything below SOURCE.")(f)
    f = click.option(
        "--concurrency",
        "-j",
        type=click.IntRange(1, 256),
        default=DEFAULT_CONCURRENCY,
        show_default=True,
        help="Files transferred at once.",
    )(f)
    return quiet_option(f)


@cli.command()
@click.argument("source", callback=any_location)
@click.argument("dest", callback=any_location)
@_transfer_options
@click.pass_context
def cp(
    ctx: click.Context,
    source: Location,
    dest: Location,
    recursive: bool,
    concurrency: int,
    quiet: bool,
) -> None:
    """Copy files and objects.

    A local file to S3, an object to a local file, or an object to another (a server-side
    copy). With --recursive, a directory or prefix with everything below it. "-" as SOURCE
    reads stdin, as DEST writes stdout.
    """
    _copy(ctx, source, dest, recursive=recursive, concurrency=concurrency, quiet=quiet, move=False)


@cli.command()
@click.argument("source", callback=any_location)
@click.argument("dest", callback=any_location)
@_transfer_options
@click.pass_context
def mv(
    ctx: click.Context,
    source: Location,
    dest: Location,
    recursive: bool,
    concurrency: int,
    quiet: bool,
) -> None:
    """Move files and objects.

    Copies as cp does, then removes each source once its copy succeeded.
    """
    _copy(ctx, source, dest, recursive=recursive, concurrency=concurrency, quiet=quiet, move=True)


def _copy(
    ctx: click.Context,
    source: Location,
    dest: Location,
    *,
    recursive: bool,
    concurrency: int,
    quiet: bool,
    move: bool,
) -> None:
    if isinstance(source, LocalPath) and isinstance(dest, LocalPath):
        raise click.UsageError("one of SOURCE and DEST must be an s3:// location")
    if STDIO in (source, dest):
        _copy_stdio(ctx, source, dest, recursive=recursive, move=move)
        return
    if isinstance(source, LocalPath) and os.path.isdir(source.path) and not recursive:
        raise click.UsageError(output.printable(f"{source.path} is a directory (use --recursive)"))
    settings = settings_of(ctx, quiet)
    console = output.stderr_console(quiet=settings.quiet)

    async def main() -> int:
        async with settings.client() as client:
            jobs, failed = await _plan_copy(
                client, source, dest, recursive=recursive, move=move, quiet=settings.quiet
            )
            transfers = Transfers(client, console, concurrency=concurrency, move=move)
            await transfers.run(jobs)
            return failed + transfers.failed

    fail_if(run(main()))


def _copy_stdio(
    ctx: click.Context, source: Location, dest: Location, *, recursive: bool, move: bool
) -> None:
    """``cp - s3://b/k`` uploads stdin; ``cp s3://b/k -`` writes the object to stdout."""
    if recursive or move:
        raise click.UsageError("- (stdin or stdout) works with cp of one object only")
    if isinstance(dest, S3Location) and dest.is_dir:
        raise click.UsageError(
            output.printable(f"{dest} is a bucket or prefix: name the object to write stdin to")
        )
    if isinstance(source, S3Location) and source.is_dir:
        raise click.UsageError(output.printable(f"{source} is not an object"))
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            if isinstance(dest, S3Location):
                await from_stdin(client, dest)
            elif isinstance(source, S3Location):
                await to_stdout(client, source)

    run(main())


async def _plan_copy(
    client: Client, source: Location, dest: Location, *, recursive: bool, move: bool, quiet: bool
) -> tuple[list[Job], int]:
    """The jobs of a cp or mv, and how many sources could not be planned (already reported)."""
    if not recursive:
        return [await _single_job(client, source, dest, move=move)], 0
    jobs: list[Job] = []
    failed = 0
    if isinstance(source, LocalPath):
        if not os.path.isdir(source.path):
            raise NotADirectoryError(20, "Not a directory", source.path)
        for path, rel in walk_local(source.path, quiet=quiet):
            jobs.append(Job(LocalPath(path), tree_child(dest, rel), os.path.getsize(path)))
        return jobs, failed
    async for key, size in objects_under(client, source):
        rel = relative_key(key, dir_prefix(source.key))
        try:
            jobs.append(Job(S3Location(source.bucket, key), tree_child(dest, rel), size))
        except PathError as exc:
            failed += 1
            output.warn(f"{output.error_line(exc)} ({S3Location(source.bucket, key)})")
    return jobs, failed


async def _single_job(client: Client, source: Location, dest: Location, *, move: bool) -> Job:
    if isinstance(source, LocalPath):
        size = upload_size(source.path)
        if not isinstance(dest, S3Location):
            raise PathError("one side must be s3://")
        if size is None and move:
            raise PathError(f"{source.path} is a pipe or device: copy it with cp, not mv")
        return Job(source, S3Location(dest.bucket, upload_key(source.path, dest)), size)
    if not source.key or source.key.endswith("/"):
        raise PathError(f"{source} names a bucket or prefix, not an object (use --recursive)")
    stat = await client.stat_object(source.bucket, source.key)
    if isinstance(dest, LocalPath):
        path = download_path(source.key, dest.path, dest_is_dir=os.path.isdir(dest.path))
        return Job(source, LocalPath(path), stat.size)
    return Job(source, S3Location(dest.bucket, copy_key(source.key, dest)), stat.size)


# -- mirror ------------------------------------------------------------------------------------


@cli.command()
@click.argument("source", callback=any_location)
@click.argument("dest", callback=any_location)
@click.option("--delete", is_flag=True, help="Remove what DEST has and SOURCE has not.")
@click.option("--dry-run", "-n", is_flag=True, help="Only print what would be done.")
@click.option(
    "--concurrency",
    "-j",
    type=click.IntRange(1, 256),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Files transferred at once.",
)
@quiet_option
@click.pass_context
def mirror(
    ctx: click.Context,
    source: Location,
    dest: Location,
    delete: bool,
    dry_run: bool,
    concurrency: int,
    quiet: bool,
) -> None:
    """Sync a directory or prefix, one way.

    Makes DEST (a local directory or an s3:// prefix) a copy of SOURCE: copies what is missing
    or differs (size, else ETag or a newer modification time) and, with --delete, removes what
    SOURCE has not.
    """
    if isinstance(source, LocalPath) and isinstance(dest, LocalPath):
        raise click.UsageError("one of SOURCE and DEST must be an s3:// location")
    if isinstance(source, LocalPath) and not os.path.isdir(source.path):
        raise click.UsageError(output.printable(f"{source.path} is not a directory"))
    settings = settings_of(ctx, quiet)
    console = output.stderr_console(quiet=settings.quiet)

    async def tree(client: Client, root: Location) -> dict[str, Entry]:
        if isinstance(root, S3Location):
            return await s3_tree(client, root)
        return await asyncio.to_thread(local_tree, root.path, quiet=settings.quiet)

    async def main() -> int:
        async with settings.client() as client:
            src_tree, dst_tree = await asyncio.gather(tree(client, source), tree(client, dest))
            plan = plan_mirror(src_tree, dst_tree, delete=delete)
            jobs, failed = [], 0
            for rel in plan.copy:
                try:
                    jobs.extend(tree_jobs(source, dest, [rel], src_tree, keep_mtime=True))
                except PathError as exc:
                    failed += 1
                    output.warn(f"{output.error_line(exc)} ({source}: {rel})")
            if dry_run:
                for job in jobs:
                    output.echo(f"would {job.verb}: {job.source} -> {job.dest}")
                for rel in plan.delete:
                    output.echo(f"would delete: {_child_text(dest, rel)}")
                return failed
            transfers = Transfers(client, console, concurrency=concurrency)
            await transfers.run(jobs)
            failed += transfers.failed
            not_deleted = await _delete_extra(client, dest, plan.delete, console)
            failed += not_deleted
            output.say(
                console,
                f"mirror: {transfers.done} copied, {len(plan.delete) - not_deleted} deleted, "
                f"{plan.unchanged} unchanged",
            )
            return failed

    fail_if(run(main()))


def _child_text(root: Location, rel: str) -> str:
    try:
        return str(tree_child(root, rel))
    except PathError as exc:
        return f"{root}: {rel} ({exc})"


async def _delete_extra(
    client: Client, root: Location, rels: tuple[str, ...], console: Console
) -> int:
    """Remove the mirror's extra entries; how many could not be."""
    if not rels:
        return 0
    if isinstance(root, S3Location):
        keys = [join_key(root.key, rel) for rel in rels]
        errors = await client.remove_objects(root.bucket, keys)
        failed_keys = {e.key for e in errors}
        for err in errors:
            output.warn(output.delete_error_line(err))
        for key in keys:
            if key not in failed_keys:
                output.say(console, f"delete: {S3Location(root.bucket, key)}")
        return len(errors)
    failed = 0
    for rel in rels:
        try:
            target = tree_child(root, rel)
            await remove_location(client, target)
        except (OSError, PathError) as exc:
            failed += 1
            output.warn(output.error_line(exc))
        else:
            output.say(console, f"delete: {target}")
    return failed

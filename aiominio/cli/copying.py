"""The commands that move data: cp, mv and mirror."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import click
from rich.console import Console

from aiominio.cli import output
from aiominio.cli.app import (
    STDIO,
    any_location,
    cli,
    fail_if,
    json_option,
    quiet_option,
    settings_of,
)
from aiominio.cli.attributes import (
    Attributes,
    attribute_options,
    attributes_of,
    filter_options,
    selection_of,
)
from aiominio.cli.paths import (
    LocalPath,
    Location,
    PathError,
    S3Location,
    copy_key,
    dir_prefix,
    download_path,
    relative_key,
    upload_key,
)
from aiominio.cli.runner import run
from aiominio.cli.transfer import (
    DEFAULT_CONCURRENCY,
    Job,
    Transfers,
    done_record,
    from_stdin,
    item_record,
    item_text,
    objects_under,
    print_planned,
    run_tree,
    to_stdout,
    tree_child,
    tree_side,
    upload_size,
    walk_local,
)
from aiominio.client import Client
from aiominio.core.sync import EVERYTHING, Selection, TreeProgress, TreeResult

_Command = TypeVar("_Command", bound=Callable[..., object])

# -- cp, mv ------------------------------------------------------------------------------------


def _transfer_options(f: _Command) -> _Command:
    f = attribute_options(f)
    f = click.option("--dry-run", "-n", is_flag=True, help="Only print what would be done.")(f)
    f = filter_options(f)
    f = json_option(f)
    f = click.option("--recursive", "-r", "-R", is_flag=True, help="Everything below SOURCE.")(f)
    f = click.option(
        "--concurrency",
        "-j",
        type=click.IntRange(1, 256),
        default=DEFAULT_CONCURRENCY,
        show_default=True,
        help="Requests in flight at once, all files together.",
    )(f)
    return quiet_option(f)


@cli.command()
@click.argument("source", callback=any_location)
@click.argument("dest", callback=any_location)
@_transfer_options
@click.pass_context
def cp(
    ctx: click.Context,
    /,
    source: Location,
    dest: Location,
    recursive: bool,
    concurrency: int,
    quiet: bool,
    as_json: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    dry_run: bool,
    **attributes: object,
) -> None:
    """Copy files and objects.

    A local file to S3, an object to a local file, or an object to another (a server-side
    copy). With --recursive, a directory or prefix with everything below it. "-" as SOURCE
    reads stdin, as DEST writes stdout. What is uploaded or copied gets the attributes given
    (--content-type, --metadata, --tags, ...); --include and --exclude choose among the files
    of a --recursive copy by their path below SOURCE.
    """
    choices = _choices(recursive, include, exclude, dry_run, attributes, as_json)
    _copy(ctx, source, dest, choices, concurrency=concurrency, quiet=quiet, move=False)


@cli.command()
@click.argument("source", callback=any_location)
@click.argument("dest", callback=any_location)
@_transfer_options
@click.pass_context
def mv(
    ctx: click.Context,
    /,
    source: Location,
    dest: Location,
    recursive: bool,
    concurrency: int,
    quiet: bool,
    as_json: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    dry_run: bool,
    **attributes: object,
) -> None:
    """Move files and objects.

    Copies as cp does, then removes each source once its copy succeeded.
    """
    choices = _choices(recursive, include, exclude, dry_run, attributes, as_json)
    _copy(ctx, source, dest, choices, concurrency=concurrency, quiet=quiet, move=True)


@dataclass(frozen=True, slots=True)
class _Choices:
    """What a cp or mv takes, and how it stores it."""

    recursive: bool
    select: Selection
    dry_run: bool
    attributes: Attributes
    #: Print a JSON object a line (each file done) instead of messages and bars.
    as_json: bool = False


def _choices(
    recursive: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    dry_run: bool,
    attributes: dict[str, object],
    as_json: bool,
) -> _Choices:
    """The options of a cp or mv, checked before any request."""
    if (include or exclude) and not recursive:
        raise click.UsageError("--include and --exclude choose files of a --recursive copy")
    return _Choices(
        recursive, selection_of(include, exclude), dry_run, attributes_of(attributes), as_json
    )


def _copy(
    ctx: click.Context,
    source: Location,
    dest: Location,
    choices: _Choices,
    *,
    concurrency: int,
    quiet: bool,
    move: bool,
) -> None:
    recursive = choices.recursive
    if isinstance(source, LocalPath) and isinstance(dest, LocalPath):
        raise click.UsageError("one of SOURCE and DEST must be an s3:// location")
    if choices.attributes.given and isinstance(dest, LocalPath):
        raise click.UsageError(
            "--content-type, --metadata, --tags, --storage-class, --cache-control and --sse "
            "are stored with uploads and copies, not downloads"
        )
    if STDIO in (source, dest):
        _copy_stdio(ctx, source, dest, choices, move=move)
        return
    if isinstance(source, LocalPath) and os.path.isdir(source.path) and not recursive:
        raise click.UsageError(output.printable(f"{source.path} is a directory (use --recursive)"))
    settings = settings_of(ctx, quiet or choices.as_json)
    console = output.stderr_console(quiet=settings.quiet)

    async def main() -> int:
        async with settings.client() as client:
            if recursive and not move and _is_tree_transfer(source, dest):
                result = await _copy_tree(client, console, source, dest, concurrency, choices)
                return len(result.failed)
            jobs, failed = await _plan_copy(
                client,
                source,
                dest,
                recursive=recursive,
                move=move,
                quiet=settings.quiet,
                select=choices.select,
            )
            if choices.dry_run:
                for job in jobs:
                    verb = "move" if move else job.verb
                    if choices.as_json:
                        output.print_json(
                            done_record(verb, job.source, job.dest, job.size, dry_run=True)
                        )
                    else:
                        output.echo(f"would {verb}: {job.source} -> {job.dest}")
                return failed
            transfers = Transfers(
                client,
                console,
                concurrency=concurrency,
                move=move,
                attributes=choices.attributes,
                as_json=choices.as_json,
            )
            await transfers.run(jobs)
            return failed + transfers.failed

    fail_if(run(main()))


def _is_tree_transfer(source: Location, dest: Location) -> bool:
    """Whether a recursive copy is an upload or a download of a tree (the library's
    ``upload_dir`` / ``download_dir``), rather than server-side copies."""
    return isinstance(source, LocalPath) != isinstance(dest, LocalPath)


async def _copy_tree(
    client: Client,
    console: Console,
    source: Location,
    dest: Location,
    concurrency: int,
    choices: _Choices,
) -> TreeResult:
    """``cp -r`` of a directory to a prefix, or of a prefix to a directory. What fails or is
    interrupted leaves nothing behind (an upload is aborted, a partial download removed)."""
    select, stored = choices.select, choices.attributes
    if isinstance(source, LocalPath) and isinstance(dest, S3Location):
        if not os.path.isdir(source.path):
            raise NotADirectoryError(20, "Not a directory", source.path)
        up_from, up_to = source, dest

        def upload(on_progress: Callable[[TreeProgress], None] | None) -> Awaitable[TreeResult]:
            return client.upload_dir(
                up_to.bucket,
                up_to.key,
                up_from.path,
                include=select.include,
                exclude=select.exclude,
                concurrency=concurrency,
                progress=on_progress,
                dry_run=choices.dry_run,
                resume=False,
                content_type=stored.content_type,
                metadata=stored.metadata,
                tags=stored.tags,
                cache_control=stored.cache_control,
                storage_class=stored.storage_class,
                sse=stored.sse,
            )

        transfer = upload
    else:
        assert isinstance(source, S3Location) and isinstance(dest, LocalPath)
        down_from, down_to = source, dest

        def download(on_progress: Callable[[TreeProgress], None] | None) -> Awaitable[TreeResult]:
            return client.download_dir(
                down_from.bucket,
                down_from.key,
                down_to.path,
                include=select.include,
                exclude=select.exclude,
                concurrency=concurrency,
                progress=on_progress,
                dry_run=choices.dry_run,
                resume=False,
            )

        transfer = download
    if choices.dry_run:
        return print_planned(source, dest, await transfer(None), as_json=choices.as_json)
    return await run_tree(console, source, dest, transfer, as_json=choices.as_json)


def _copy_stdio(
    ctx: click.Context, source: Location, dest: Location, choices: _Choices, *, move: bool
) -> None:
    """``cp - s3://b/k`` uploads stdin; ``cp s3://b/k -`` writes the object to stdout."""
    if choices.recursive or move:
        raise click.UsageError("- (stdin or stdout) works with cp of one object only")
    if isinstance(dest, S3Location) and dest.is_dir:
        raise click.UsageError(
            output.printable(f"{dest} is a bucket or prefix: name the object to write stdin to")
        )
    if isinstance(source, S3Location) and source.is_dir:
        raise click.UsageError(output.printable(f"{source} is not an object"))
    if dest == STDIO and choices.as_json and not choices.dry_run:
        raise click.UsageError("--json with - as DEST: stdout carries the object's bytes")
    if choices.dry_run:
        verb = "upload" if source == STDIO else "download"
        if choices.as_json:
            output.print_json(done_record(verb, source, dest, None, dry_run=True))
        else:
            output.echo(f"would {verb}: {source} -> {dest}")
        return
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            if isinstance(dest, S3Location):
                await from_stdin(client, dest, choices.attributes)
            elif isinstance(source, S3Location):
                await to_stdout(client, source)

    run(main())
    if choices.as_json:  # an upload of stdin (its size is not known up front)
        output.print_json(done_record("upload", source, dest, None))


async def _plan_copy(
    client: Client,
    source: Location,
    dest: Location,
    *,
    recursive: bool,
    move: bool,
    quiet: bool,
    select: Selection = EVERYTHING,
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
            if select.selects(rel):
                jobs.append(Job(LocalPath(path), tree_child(dest, rel), os.path.getsize(path)))
        return jobs, failed
    async for key, size in objects_under(client, source):
        rel = relative_key(key, dir_prefix(source.key))
        if not select.selects(rel):
            continue
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
@filter_options
@attribute_options
@json_option
@click.option(
    "--concurrency",
    "-j",
    type=click.IntRange(1, 256),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Requests in flight at once, all files together.",
)
@quiet_option
@click.pass_context
def mirror(
    ctx: click.Context,
    /,
    source: Location,
    dest: Location,
    delete: bool,
    dry_run: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    concurrency: int,
    quiet: bool,
    as_json: bool,
    **attributes: object,
) -> None:
    """Sync a directory or prefix, one way.

    Makes DEST (a local directory or an s3:// prefix) a copy of SOURCE: copies what is missing
    or differs (size, else ETag or a newer modification time) and, with --delete, removes what
    SOURCE has not. --include and --exclude choose by the path below SOURCE (what they leave
    out is neither copied nor deleted); the attributes (--content-type, --metadata, ...) are
    stored with what is uploaded.
    """
    select = selection_of(include, exclude)
    stored = attributes_of(attributes)
    if isinstance(source, LocalPath) and isinstance(dest, LocalPath):
        raise click.UsageError("one of SOURCE and DEST must be an s3:// location")
    if stored.given and not isinstance(source, LocalPath):
        raise click.UsageError(
            "--content-type, --metadata, --tags, --storage-class, --cache-control and --sse "
            "are stored with uploads: SOURCE must be a local directory"
        )
    if isinstance(source, LocalPath) and not os.path.isdir(source.path):
        raise click.UsageError(output.printable(f"{source.path} is not a directory"))
    settings = settings_of(ctx, quiet or as_json)
    console = output.stderr_console(quiet=settings.quiet)
    src, dst = tree_side(source), tree_side(dest)

    async def main() -> int:
        async with settings.client() as client:

            def sync(on_progress: Callable[[TreeProgress], None] | None) -> Awaitable[TreeResult]:
                return client.sync(
                    src,
                    dst,
                    delete=delete,
                    dry_run=dry_run,
                    include=select.include,
                    exclude=select.exclude,
                    concurrency=concurrency,
                    progress=on_progress,
                    resume=False,
                    content_type=stored.content_type,
                    metadata=stored.metadata,
                    tags=stored.tags,
                    cache_control=stored.cache_control,
                    storage_class=stored.storage_class,
                    sse=stored.sse,
                )

            if dry_run:
                return len(print_planned(source, dest, await sync(None), as_json=as_json).failed)

            result = await run_tree(console, source, dest, sync, as_json=as_json)
            for item in result.deleted:
                if as_json:
                    output.print_json(item_record(source, dest, item))
                else:
                    output.say(console, f"delete: {item_text(source, dest, item)}")
            output.say(
                console,
                f"mirror: {len(result.transferred)} copied, {len(result.deleted)} deleted, "
                f"{len(result.skipped)} unchanged",
            )
            return len(result.failed)

    fail_if(run(main()))


cli.add_command(mirror, name="sync")  # aws's name for it

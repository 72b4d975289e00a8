"""The ``aiominio`` commands (click): ls, cp, mv, rm, mb, rb, stat, cat, presign, mirror."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

import click
from rich.console import Console

from aiominio.cli import output
from aiominio.cli.mirror import plan_mirror
from aiominio.cli.paths import (
    LocalPath,
    Location,
    PathError,
    S3Location,
    copy_key,
    dir_prefix,
    download_path,
    join_key,
    parse_location,
    parse_s3,
    relative_key,
    upload_key,
)
from aiominio.cli.runner import EXIT_ERROR, run
from aiominio.cli.transfer import (
    DEFAULT_CONCURRENCY,
    Job,
    Transfers,
    local_tree,
    objects_under,
    remove_location,
    s3_tree,
    tree_child,
    tree_jobs,
    walk_local,
)
from aiominio.client import Client
from aiominio.credentials import CredentialsProvider, SharedFileProvider, StaticProvider
from aiominio.errors import BucketNotEmpty, S3Error
from aiominio.models import ObjectVersion
from aiominio.version import __version__

AWS_ENDPOINT = "https://s3.amazonaws.com"
#: ``-`` as cp's SOURCE or DEST: stdin or stdout.
STDIO = LocalPath("-")


@dataclass(frozen=True, slots=True)
class Settings:
    """The options every command shares."""

    endpoint_url: str | None
    profile: str | None
    region: str | None
    no_sign_request: bool
    quiet: bool

    def client(self) -> Client:
        """A client for the endpoint, with credentials from ``--profile`` or the default chain
        (environment, shared files with ``AWS_PROFILE``, web identity)."""
        endpoint = self.endpoint_url
        if not endpoint:
            endpoint = f"https://s3.{self.region}.amazonaws.com" if self.region else AWS_ENDPOINT
        credentials: CredentialsProvider | None = None
        if self.no_sign_request:
            credentials = StaticProvider(None)
        elif self.profile:
            credentials = SharedFileProvider(self.profile)
        return Client(endpoint, region=self.region, credentials=credentials)


def _parsed(
    ctx: click.Context, param: click.Parameter, value: str | None, *, s3_only: bool
) -> Location | None:
    """An argument as an :class:`S3Location` (``s3://bucket/key``) or a :class:`LocalPath`;
    a bad one is a usage error (exit code 2)."""
    if value is None:
        return None
    try:
        return parse_s3(value) if s3_only else parse_location(value)
    except PathError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def s3_location(ctx: click.Context, param: click.Parameter, value: str | None) -> Location | None:
    """An ``s3://`` location argument."""
    return _parsed(ctx, param, value, s3_only=True)


def any_location(ctx: click.Context, param: click.Parameter, value: str | None) -> Location | None:
    """An ``s3://`` location or local path argument."""
    return _parsed(ctx, param, value, s3_only=False)


quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress bars or per-file messages."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (one per line).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=output.PROG)
@click.option(
    "--endpoint-url",
    envvar=["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"],
    metavar="URL",
    help="The S3 endpoint (env AWS_ENDPOINT_URL); default AWS.",
)
@click.option(
    "--profile", metavar="NAME", help="A profile of ~/.aws/credentials (env AWS_PROFILE)."
)
@click.option(
    "--region",
    envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],
    help="The region to sign for (env AWS_REGION); discovered per bucket when not given.",
)
@click.option("--no-sign-request", is_flag=True, help="Send anonymous requests.")
@quiet_option
@click.pass_context
def cli(
    ctx: click.Context,
    endpoint_url: str | None,
    profile: str | None,
    region: str | None,
    no_sign_request: bool,
    quiet: bool,
) -> None:
    """Work with buckets and objects of Amazon S3 and S3-compatible storage.

    Locations are s3://bucket/key; anything else is a local path.
    """
    ctx.obj = Settings(endpoint_url, profile, region, no_sign_request, quiet)


def _settings(ctx: click.Context, quiet: bool = False) -> Settings:
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    if quiet and not settings.quiet:
        settings = Settings(
            settings.endpoint_url,
            settings.profile,
            settings.region,
            settings.no_sign_request,
            True,
        )
    return settings


def _fail_if(failed: int) -> None:
    if failed:
        raise click.exceptions.Exit(EXIT_ERROR)


# -- ls ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location, required=False)
@click.option("--recursive", "-r", is_flag=True, help="List every key under the prefix.")
@click.option("--versions", is_flag=True, help="List every version and delete marker.")
@click.option("--human-readable", "-H", "human", is_flag=True, help="Sizes as KiB, MiB, ...")
@json_option
@click.pass_context
def ls(
    ctx: click.Context,
    target: S3Location | None,
    recursive: bool,
    versions: bool,
    human: bool,
    as_json: bool,
) -> None:
    """List buckets, or objects under a prefix.

    With no TARGET, the buckets; else the objects under s3://bucket[/prefix]. Lines are:
    date (UTC), size in bytes, key; DIR for a common prefix.
    """
    settings = _settings(ctx)

    async def main() -> None:
        async with settings.client() as client:
            if target is None:
                for bucket in await client.list_buckets():
                    if as_json:
                        output.print_json(bucket)
                    else:
                        click.echo(f"{output.date_text(bucket.creation_date)}  {bucket.name}")
            elif versions:
                async for version in client.list_object_versions(
                    target.bucket, target.key, recursive=recursive
                ):
                    _print_version(version, human=human, as_json=as_json)
            else:
                async for obj in client.list_objects(target.bucket, target.key, recursive):
                    if as_json:
                        output.print_json(obj)
                    elif obj.is_dir:
                        click.echo(f"{'':19}  {'DIR':>12}  {obj.key}")
                    else:
                        size = output.size_text(obj.size, human=human)
                        click.echo(f"{output.date_text(obj.last_modified)}  {size:>12}  {obj.key}")

    run(main())


def _print_version(version: ObjectVersion, *, human: bool, as_json: bool) -> None:
    if as_json:
        output.print_json(version)
        return
    if version.is_dir:
        click.echo(f"{'':19}  {'DIR':>12}  {'':36}  {version.key}")
        return
    size = "DELETED" if version.is_delete_marker else output.size_text(version.size, human=human)
    latest = "  (latest)" if version.is_latest else ""
    when = output.date_text(version.last_modified)
    click.echo(f"{when}  {size:>12}  {version.version_id:<36}  {version.key}{latest}")


# -- cp, mv ------------------------------------------------------------------------------------


def _transfer_options(f: Any) -> Any:
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
        raise click.UsageError(f"{source.path} is a directory (use --recursive)")
    settings = _settings(ctx, quiet)
    console = output.stderr_console(quiet=settings.quiet)

    async def main() -> int:
        async with settings.client() as client:
            jobs, failed = await _plan_copy(client, source, dest, recursive=recursive)
            transfers = Transfers(client, console, concurrency=concurrency, move=move)
            await transfers.run(jobs)
            return failed + transfers.failed

    _fail_if(run(main()))


def _copy_stdio(
    ctx: click.Context, source: Location, dest: Location, *, recursive: bool, move: bool
) -> None:
    """``cp - s3://b/k`` uploads stdin; ``cp s3://b/k -`` writes the object to stdout."""
    if recursive or move:
        raise click.UsageError("- (stdin or stdout) works with cp of one object only")
    if isinstance(dest, S3Location) and dest.is_dir:
        raise click.UsageError(f"{dest} is a bucket or prefix: name the object to write stdin to")
    if isinstance(source, S3Location) and source.is_dir:
        raise click.UsageError(f"{source} is not an object")
    settings = _settings(ctx)

    async def main() -> None:
        async with settings.client() as client:
            if isinstance(dest, S3Location):
                await _from_stdin(client, dest)
            elif isinstance(source, S3Location):
                await _to_stdout(client, source)

    run(main())


async def _plan_copy(
    client: Client, source: Location, dest: Location, *, recursive: bool
) -> tuple[list[Job], int]:
    """The jobs of a cp or mv, and how many sources could not be planned (already reported)."""
    if not recursive:
        return [await _single_job(client, source, dest)], 0
    jobs: list[Job] = []
    failed = 0
    if isinstance(source, LocalPath):
        if not os.path.isdir(source.path):
            raise NotADirectoryError(20, "Not a directory", source.path)
        for path, rel in walk_local(source.path):
            jobs.append(Job(LocalPath(path), tree_child(dest, rel), os.path.getsize(path)))
        return jobs, failed
    async for key, size in objects_under(client, source):
        rel = relative_key(key, dir_prefix(source.key))
        try:
            jobs.append(Job(S3Location(source.bucket, key), tree_child(dest, rel), size))
        except PathError as exc:
            failed += 1
            sys.stderr.write(f"{output.error_line(exc)} (s3://{source.bucket}/{key})\n")
    return jobs, failed


async def _single_job(client: Client, source: Location, dest: Location) -> Job:
    if isinstance(source, LocalPath):
        size = os.path.getsize(source.path)
        if not isinstance(dest, S3Location):
            raise PathError("one side must be s3://")
        return Job(source, S3Location(dest.bucket, upload_key(source.path, dest)), size)
    if not source.key or source.key.endswith("/"):
        raise PathError(f"{source} names a bucket or prefix, not an object (use --recursive)")
    stat = await client.stat_object(source.bucket, source.key)
    if isinstance(dest, LocalPath):
        path = download_path(source.key, dest.path, dest_is_dir=os.path.isdir(dest.path))
        return Job(source, LocalPath(path), stat.size)
    return Job(source, S3Location(dest.bucket, copy_key(source.key, dest)), stat.size)


# -- rm, mb, rb --------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--recursive", "-r", is_flag=True, help="Every object under the prefix.")
@click.option("--versions", is_flag=True, help="Every version and delete marker, for good.")
@quiet_option
@click.pass_context
def rm(
    ctx: click.Context, target: S3Location, recursive: bool, versions: bool, quiet: bool
) -> None:
    """Remove objects.

    One object, or with --recursive every object under a prefix (in batches of up to 1,000
    keys). In a versioned bucket this adds delete markers unless --versions is given.
    """
    if not recursive and target.is_dir:
        raise click.UsageError(f"{target} is a bucket or prefix (use --recursive)")
    settings = _settings(ctx, quiet)
    console = output.stderr_console(quiet=settings.quiet)

    async def main() -> int:
        async with settings.client() as client:
            removed, failed = await _remove_all(
                client, target, recursive=recursive, versions=versions, console=console
            )
            what = "versions" if versions else "objects"
            console.print(f"removed {removed} {what}", markup=False)
            return failed

    _fail_if(run(main()))


async def _remove_all(
    client: Client,
    target: S3Location,
    *,
    recursive: bool,
    versions: bool,
    console: Console,
) -> tuple[int, int]:
    """Remove what ``target`` names; ``(removed, failed)``. Failures are reported as lines."""
    bucket = target.bucket
    if not recursive and not versions:
        await client.remove_object(bucket, target.key)
        return 1, 0
    count = 0
    prefix = dir_prefix(target.key) if recursive else target.key

    async def keys() -> AsyncIterator[Any]:
        nonlocal count
        if versions:
            async for v in client.list_object_versions(bucket, prefix, recursive=True):
                if not v.is_dir and (recursive or v.key == target.key):
                    count += 1
                    yield v
        else:
            async for obj in client.list_objects(bucket, prefix, recursive=True):
                if not obj.is_dir:
                    count += 1
                    yield obj.key

    errors = await client.remove_objects(bucket, keys())
    for err in errors:
        sys.stderr.write(f"{output.PROG}: error: {err.code}: {err.message} ({err.key})\n")
    return count - len(errors), len(errors)


@cli.command()
@click.argument("target", callback=s3_location)
@click.pass_context
def mb(ctx: click.Context, target: S3Location) -> None:
    """Make a bucket (in --region, when given)."""
    if target.key:
        raise click.UsageError("mb takes a bucket: s3://bucket")
    settings = _settings(ctx)

    async def main() -> None:
        async with settings.client() as client:
            await client.make_bucket(target.bucket, settings.region)

    run(main())


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--force", is_flag=True, help="Remove every object, version and upload first.")
@click.pass_context
def rb(ctx: click.Context, target: S3Location, force: bool) -> None:
    """Remove a bucket; it must be empty unless --force is given."""
    if target.key:
        raise click.UsageError("rb takes a bucket: s3://bucket")
    settings = _settings(ctx)
    console = output.stderr_console(quiet=True)

    async def main() -> int:
        async with settings.client() as client:
            failed = 0
            if force:
                failed = await _empty_bucket(client, target.bucket, console)
            else:
                await _check_empty(client, target.bucket)
            if not failed:
                await client.remove_bucket(target.bucket)
            return failed

    _fail_if(run(main()))


async def _check_empty(client: Client, bucket: str) -> None:
    """Refuse to remove a bucket with objects in it (some servers, SeaweedFS among them, would
    remove it with everything in it)."""
    async for _ in client.list_objects(bucket, recursive=True, page_size=1):
        raise BucketNotEmpty(
            "BucketNotEmpty",
            "the bucket is not empty (use --force to remove everything in it)",
            bucket=bucket,
        )


async def _empty_bucket(client: Client, bucket: str, console: Console) -> int:
    async for upload in client.list_incomplete_uploads(bucket, recursive=True):
        await client.remove_incomplete_upload(bucket, upload.key)
    whole = S3Location(bucket)
    failed = 0
    try:
        _, failed = await _remove_all(client, whole, recursive=True, versions=True, console=console)
    except S3Error as exc:
        if exc.code != "NotImplemented":
            raise  # a server without versioning: plain objects below
    _, more = await _remove_all(client, whole, recursive=True, versions=False, console=console)
    return failed + more


# -- stat, cat, presign ------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--version-id", help="A version of the object.")
@json_option
@click.pass_context
def stat(ctx: click.Context, target: S3Location, version_id: str | None, as_json: bool) -> None:
    """Describe an object.

    Size, ETag, content type, last modified, version, standard headers and metadata.
    """
    if target.is_dir:
        raise click.UsageError(f"{target} is not an object")
    settings = _settings(ctx)

    async def main() -> None:
        async with settings.client() as client:
            info = await client.stat_object(target.bucket, target.key, version_id=version_id)
        if as_json:
            fields = output.to_jsonable(info)
            fields.pop("headers", None)
            output.print_json({"bucket": target.bucket, "key": target.key, **fields})
            return
        rows = {
            "Key": str(target),
            "Size": f"{info.size} ({output.human_size(info.size)})",
            "ETag": info.etag,
            "Content-Type": info.content_type,
            "Last-Modified": output.date_text(info.last_modified).strip() or "-",
        }
        optional = {
            "Version": info.version_id,
            "Storage-Class": info.storage_class,
            "Cache-Control": info.cache_control,
            "Content-Disposition": info.content_disposition,
            "Content-Encoding": info.content_encoding,
            "Content-Language": info.content_language,
        }
        rows.update({name: value for name, value in optional.items() if value})
        rows.update({f"Meta {name}": value for name, value in sorted(info.metadata.items())})
        output.stdout_console().print(output.key_value_table(rows))

    run(main())


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--version-id", help="A version of the object.")
@click.pass_context
def cat(ctx: click.Context, target: S3Location, version_id: str | None) -> None:
    """Write an object's bytes to stdout."""
    if target.is_dir:
        raise click.UsageError(f"{target} is not an object")
    settings = _settings(ctx)

    async def main() -> None:
        async with settings.client() as client:
            await _to_stdout(client, target, version_id=version_id)

    run(main())


async def _to_stdout(client: Client, source: S3Location, *, version_id: str | None = None) -> None:
    """Stream an object to stdout."""
    out = sys.stdout.buffer
    async with client.get_object(source.bucket, source.key, version_id=version_id) as obj:
        async for chunk in obj:
            await asyncio.to_thread(out.write, chunk)
        await asyncio.to_thread(out.flush)


async def _from_stdin(client: Client, dest: S3Location) -> None:
    """Upload stdin to an object (in parts once it passes the multipart threshold; a failed or
    interrupted upload is aborted)."""
    await client.put_object(dest.bucket, dest.key, sys.stdin.buffer)


@cli.command()
@click.argument("method", type=click.Choice(["get", "put"]))
@click.argument("target", callback=s3_location)
@click.option(
    "--expires",
    type=click.IntRange(1, 7 * 24 * 3600),
    default=3600,
    show_default=True,
    help="Seconds the URL stays valid (up to 7 days).",
)
@click.pass_context
def presign(
    ctx: click.Context, method: Literal["get", "put"], target: S3Location, expires: int
) -> None:
    """Print a presigned URL.

    Anyone can GET (download) or PUT (upload) the object with it until it expires.
    """
    if target.is_dir:
        raise click.UsageError(f"{target} is not an object")
    settings = _settings(ctx)

    async def main() -> str:
        async with settings.client() as client:
            if method == "get":
                return await client.presigned_get_object(target.bucket, target.key, expires)
            return await client.presigned_put_object(target.bucket, target.key, expires)

    click.echo(run(main()))


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
        raise click.UsageError(f"{source.path} is not a directory")
    settings = _settings(ctx, quiet)
    console = output.stderr_console(quiet=settings.quiet)

    async def tree(client: Client, root: Location) -> dict[str, Any]:
        if isinstance(root, S3Location):
            return await s3_tree(client, root)
        return await asyncio.to_thread(local_tree, root.path)

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
                    sys.stderr.write(f"{output.error_line(exc)} ({source}: {rel})\n")
            if dry_run:
                for job in jobs:
                    click.echo(f"would {job.verb}: {job.source} -> {job.dest}")
                for rel in plan.delete:
                    click.echo(f"would delete: {_child_text(dest, rel)}")
                return failed
            transfers = Transfers(client, console, concurrency=concurrency)
            await transfers.run(jobs)
            failed += transfers.failed
            not_deleted = await _delete_extra(client, dest, plan.delete, console)
            failed += not_deleted
            console.print(
                f"mirror: {transfers.done} copied, {len(plan.delete) - not_deleted} deleted, "
                f"{plan.unchanged} unchanged",
                markup=False,
            )
            return failed

    _fail_if(run(main()))


def _child_text(root: Location, rel: str) -> str:
    if isinstance(root, S3Location):
        return str(S3Location(root.bucket, join_key(root.key, rel)))
    return os.path.join(root.path, rel)


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
            sys.stderr.write(f"{output.PROG}: error: {err.code}: {err.message} ({err.key})\n")
        for key in keys:
            if key not in failed_keys:
                console.print(f"delete: {S3Location(root.bucket, key)}", markup=False)
        return len(errors)
    failed = 0
    for rel in rels:
        try:
            target = tree_child(root, rel)
            await remove_location(client, target)
        except (OSError, PathError) as exc:
            failed += 1
            sys.stderr.write(f"{output.error_line(exc)}\n")
        else:
            console.print(f"delete: {target}", markup=False)
    return failed

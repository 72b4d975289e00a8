"""The commands that list, describe, print and remove: ls, stat, cat, presign, rm, mb, rb."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import click

from aiominio.cli import output
from aiominio.cli.app import cli, fail_if, json_option, quiet_option, s3_location, settings_of
from aiominio.cli.attributes import filter_options, selection_of
from aiominio.cli.explore import parse_duration
from aiominio.cli.paths import S3Location, dir_prefix
from aiominio.cli.runner import run
from aiominio.cli.transfer import to_stdout
from aiominio.client import Client
from aiominio.core.sync import EVERYTHING, Selection
from aiominio.errors import BucketAlreadyOwnedByYou, BucketNotEmpty, NoSuchKey, S3Error
from aiominio.models import ObjectInfo, ObjectVersion, Versioning

# -- ls ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location, required=False)
@click.option("--recursive", "-r", "-R", is_flag=True, help="List every key under the prefix.")
@click.option("--versions", is_flag=True, help="List every version and delete marker.")
@click.option("--human-readable", "-H", "human", is_flag=True, help="Sizes as KiB, MiB, ...")
@click.option("--long", "-l", is_flag=True, help="Also the storage class and the ETag.")
@click.option("--summarize", is_flag=True, help="End with the number of objects and their size.")
@json_option
@click.pass_context
def ls(
    ctx: click.Context,
    target: S3Location | None,
    recursive: bool,
    versions: bool,
    human: bool,
    long: bool,
    summarize: bool,
    as_json: bool,
) -> None:
    """List buckets, or objects under a prefix.

    With no TARGET, the buckets; else the objects under s3://bucket[/prefix]. Lines are:
    date (UTC), size in bytes, key; DIR for a common prefix. --long adds the storage class
    and the ETag before the key; --summarize ends with the totals (as aws s3 ls).
    """
    if summarize and target is None:
        raise click.UsageError("--summarize totals the objects of s3://bucket[/prefix]")
    settings = settings_of(ctx)
    totals = [0, 0]  # objects, bytes

    def count(size: int) -> None:
        totals[0] += 1
        totals[1] += size

    async def main() -> None:
        async with settings.client() as client:
            if target is None:
                for bucket in await client.list_buckets():
                    if as_json:
                        output.print_json(bucket)
                    else:
                        output.echo(f"{output.date_text(bucket.creation_date)}  {bucket.name}")
            elif versions:
                async for version in client.list_object_versions(
                    target.bucket, target.key, recursive=recursive
                ):
                    if not version.is_dir and not version.is_delete_marker:
                        count(version.size)
                    _print_version(version, human=human, as_json=as_json)
            else:
                async for obj in client.list_objects(target.bucket, target.key, recursive):
                    if not obj.is_dir:
                        count(obj.size)
                    _print_object(obj, human=human, long=long, as_json=as_json)

    run(main())
    if summarize and target is not None:
        objects, size = totals
        if as_json:
            output.print_json({"target": str(target), "objects": objects, "size": size})
        else:
            output.echo("")
            output.echo(f"Total Objects: {objects}")
            output.echo(f"   Total Size: {output.size_text(size, human=human)}")


def _print_object(obj: ObjectInfo, *, human: bool, long: bool, as_json: bool) -> None:
    if as_json:
        output.print_json(obj)
        return
    extra = ""
    if obj.is_dir:
        extra = f"{'':14}  {'':34}  " if long else ""
        output.echo(f"{'':19}  {'DIR':>12}  {extra}{obj.key}")
        return
    if long:
        extra = f"{obj.storage_class or 'STANDARD':<14}  {obj.etag or '':<34}  "
    size = output.size_text(obj.size, human=human)
    output.echo(f"{output.date_text(obj.last_modified)}  {size:>12}  {extra}{obj.key}")


def _print_version(version: ObjectVersion, *, human: bool, as_json: bool) -> None:
    if as_json:
        output.print_json(version)
        return
    if version.is_dir:
        output.echo(f"{'':19}  {'DIR':>12}  {'':36}  {version.key}")
        return
    size = "DELETED" if version.is_delete_marker else output.size_text(version.size, human=human)
    latest = "  (latest)" if version.is_latest else ""
    when = output.date_text(version.last_modified)
    output.echo(f"{when}  {size:>12}  {version.version_id:<36}  {version.key}{latest}")


# -- rm, mb, rb --------------------------------------------------------------------------------


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--recursive", "-r", "-R", is_flag=True, help="Every object under the prefix.")
@click.option("--versions", is_flag=True, help="Every version and delete marker, for good.")
@filter_options
@click.option("--dry-run", "-n", is_flag=True, help="Only print what would be removed.")
@quiet_option
@json_option
@click.pass_context
def rm(
    ctx: click.Context,
    target: S3Location,
    recursive: bool,
    versions: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    dry_run: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Remove objects.

    One object, or with --recursive every object under a prefix (in batches of up to 1,000
    keys); --include and --exclude choose among them by the key below the prefix. In a
    versioned bucket this adds delete markers unless --versions is given. --dry-run lists what
    would be removed, and removes nothing.
    """
    if not recursive and target.is_dir:
        raise click.UsageError(
            output.printable(f"{target} is a bucket or prefix (use --recursive)")
        )
    if (include or exclude) and not recursive:
        raise click.UsageError("--include and --exclude choose objects of a --recursive rm")
    select = selection_of(include, exclude)
    settings = settings_of(ctx, quiet)
    console = output.stderr_console(quiet=settings.quiet)
    what = "version" if versions else "object"

    async def main() -> int:
        async with settings.client() as client:
            if not recursive and not versions and not await _exists(client, target):
                removed, failed = 0, 0  # S3 would answer success: say what happened
            else:
                removed, failed = await _remove_all(
                    client,
                    target,
                    recursive=recursive,
                    versions=versions,
                    select=select,
                    dry_run=dry_run,
                )
            if as_json:
                output.print_json(
                    {
                        "removed": 0 if dry_run else removed,
                        "failed": failed,
                        "target": str(target),
                        **({"would_remove": removed} if dry_run else {}),
                    }
                )
            elif removed == 0 and not failed:
                output.say(console, f"nothing removed: no {what} at {target}")
            else:
                plural = "" if removed == 1 else "s"
                verb = "would remove" if dry_run else "removed"
                output.say(console, f"{verb} {removed} {what}{plural}")
            return failed

    fail_if(run(main()))


async def _exists(client: Client, target: S3Location) -> bool:
    """Whether the object ``target`` names is there (rm says so rather than "removed 1").
    Only a missing key says no: credentials that may delete but not read, or an SSE-C object,
    refuse the HEAD, and the DELETE goes ahead."""
    try:
        await client.stat_object(target.bucket, target.key)
    except NoSuchKey:
        return False
    except S3Error:
        return True
    return True


async def _remove_all(
    client: Client,
    target: S3Location,
    *,
    recursive: bool,
    versions: bool,
    select: Selection = EVERYTHING,
    dry_run: bool = False,
) -> tuple[int, int]:
    """Remove what ``target`` names (with ``dry_run``, print each instead); ``(removed,
    failed)``. Failures are reported as lines."""
    bucket = target.bucket
    if not recursive and not versions:
        if dry_run:
            output.echo(f"would remove: {target}")
        else:
            await client.remove_object(bucket, target.key)
        return 1, 0
    count = 0
    prefix = dir_prefix(target.key) if recursive else target.key
    outside: list[str] = []

    def wanted(key: str) -> bool:
        # A listing is the server's word: one that ignores the prefix (a bug, a proxy, a
        # hostile server) must not make rm -r remove keys the user did not name.
        if recursive:
            if key.startswith(prefix):
                return select.selects(key[len(prefix) :])
            outside.append(key)
            return False
        return key == target.key

    async def keys() -> AsyncIterator[str | ObjectVersion]:
        nonlocal count
        if versions:
            async for v in client.list_object_versions(bucket, prefix, recursive=True):
                if not v.is_dir and wanted(v.key):
                    count += 1
                    yield v
        else:
            async for obj in client.list_objects(bucket, prefix, recursive=True):
                if not obj.is_dir and wanted(obj.key):
                    count += 1
                    yield obj.key

    if dry_run:
        async for item in keys():
            version = f" (version {item.version_id})" if isinstance(item, ObjectVersion) else ""
            key = item.key if isinstance(item, ObjectVersion) else item
            output.echo(f"would remove: {S3Location(bucket, key)}{version}")
        errors = []
    else:
        errors = await client.remove_objects(bucket, keys())
    for err in errors:
        output.warn(output.delete_error_line(err))
    for key in outside:
        output.warn(f"{output.PROG}: error: the server listed {key} under {prefix!r}: not removed")
    return count - len(errors), len(errors) + len(outside)


@cli.command()
@click.argument("target", callback=s3_location)
@click.option(
    "--ignore-existing", "-p", is_flag=True, help="A bucket of yours already there is fine."
)
@click.option("--with-lock", is_flag=True, help="With object lock (and so versioning) enabled.")
@click.option("--with-versioning", is_flag=True, help="With versioning enabled.")
@quiet_option
@json_option
@click.pass_context
def mb(
    ctx: click.Context,
    target: S3Location,
    ignore_existing: bool,
    with_lock: bool,
    with_versioning: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Make a bucket (in --region, when given)."""
    if target.key:
        raise click.UsageError("mb takes a bucket: s3://bucket")
    settings = settings_of(ctx, quiet)

    async def main() -> bool:
        async with settings.client() as client:
            made = True
            try:
                await client.make_bucket(target.bucket, settings.region, object_lock=with_lock)
            except BucketAlreadyOwnedByYou:
                if not ignore_existing:
                    raise
                made = False
            if with_versioning and not with_lock:
                await client.set_bucket_versioning(target.bucket, Versioning.ENABLED)
            return made

    made = run(main())
    if as_json:
        output.print_json({"made": str(target) if made else None, "region": settings.region})
    elif not made:
        output.say(output.stderr_console(quiet=settings.quiet), f"{target} is there already")
    else:
        where = f" in {settings.region}" if settings.region else ""
        output.say(output.stderr_console(quiet=settings.quiet), f"made bucket {target}{where}")


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--force", is_flag=True, help="Remove every object, version and upload first.")
@quiet_option
@json_option
@click.pass_context
def rb(ctx: click.Context, target: S3Location, force: bool, quiet: bool, as_json: bool) -> None:
    """Remove a bucket; it must be empty unless --force is given."""
    if target.key:
        raise click.UsageError("rb takes a bucket: s3://bucket")
    settings = settings_of(ctx, quiet)

    async def main() -> int:
        async with settings.client() as client:
            failed = 0
            if force:
                failed = await _empty_bucket(client, target.bucket)
            else:
                await _check_empty(client, target.bucket)
            if not failed:
                await client.remove_bucket(target.bucket)
            return failed

    failed = run(main())
    if not failed:
        if as_json:
            output.print_json({"removed": str(target)})
        else:
            output.say(output.stderr_console(quiet=settings.quiet), f"removed bucket {target}")
    fail_if(failed)


async def _check_empty(client: Client, bucket: str) -> None:
    """Refuse to remove a bucket with objects in it (some servers, SeaweedFS among them, would
    remove it with everything in it)."""
    async for _ in client.list_objects(bucket, recursive=True, page_size=1):
        raise BucketNotEmpty(
            "BucketNotEmpty",
            "the bucket is not empty (use --force to remove everything in it)",
            bucket=bucket,
        )


async def _empty_bucket(client: Client, bucket: str) -> int:
    async for upload in client.list_incomplete_uploads(bucket, recursive=True):
        await client.remove_incomplete_upload(bucket, upload.key)
    whole = S3Location(bucket)
    failed = 0
    try:
        _, failed = await _remove_all(client, whole, recursive=True, versions=True)
    except S3Error as exc:
        if exc.code != "NotImplemented":
            raise  # a server without versioning: plain objects below
    _, more = await _remove_all(client, whole, recursive=True, versions=False)
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
        raise click.UsageError(output.printable(f"{target} is not an object"))
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            info = await client.stat_object(target.bucket, target.key, version_id=version_id)
        if as_json:
            fields = output.to_jsonable(info)
            assert isinstance(fields, dict)  # a dataclass becomes a dict
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
@click.option("--offset", type=click.IntRange(0), help="Start at this byte.")
@click.option("--tail", type=click.IntRange(0), help="Only the last N bytes.")
@click.pass_context
def cat(
    ctx: click.Context,
    target: S3Location,
    version_id: str | None,
    offset: int | None,
    tail: int | None,
) -> None:
    """Write an object's bytes to stdout (all of them, from --offset, or the last --tail)."""
    if target.is_dir:
        raise click.UsageError(output.printable(f"{target} is not an object"))
    if offset is not None and tail is not None:
        raise click.UsageError("give --offset or --tail, not both")
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            start = offset
            if tail is not None or offset:
                stat = await client.stat_object(target.bucket, target.key, version_id=version_id)
                start = max(0, stat.size - tail) if tail is not None else offset
                if start is not None and start >= stat.size:
                    return  # nothing from there on: no GET of an empty range
            await to_stdout(client, target, version_id=version_id, offset=start or None)

    run(main())


#: The longest a presigned URL stays valid (SigV4's limit).
PRESIGN_LIMIT = timedelta(days=7)


def _expiry(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """``--expires``: seconds (``3600``) or a duration (``90m``, ``12h``, ``7d``), up to 7 days."""
    text = value.strip()
    plain = text.isascii() and text.isdigit() and len(text) <= 12
    seconds = int(text) if plain else int(parse_duration(text).total_seconds())
    if not 1 <= seconds <= PRESIGN_LIMIT.total_seconds():
        raise click.BadParameter(f"from 1 second to 7 days, not {value!r}")
    return seconds


@cli.command()
@click.argument("words", nargs=-1, required=True, metavar="[get|put] TARGET")
@click.option(
    "--expires",
    callback=_expiry,
    default="3600",
    show_default=True,
    metavar="SECONDS|DURATION",
    help="How long the URL stays valid: seconds or a duration (90m, 12h, 7d; up to 7 days).",
)
@json_option
@click.pass_context
def presign(ctx: click.Context, words: tuple[str, ...], expires: int, as_json: bool) -> None:
    """Print a presigned URL.

    Anyone can GET (download) or PUT (upload) the object with it until it expires. With TARGET
    alone the URL is a GET, as in aws s3 presign.
    """
    if len(words) == 1:
        method, where = "get", words[0]
    elif len(words) == 2 and words[0] in ("get", "put"):
        method, where = words
    else:
        raise click.UsageError("presign [get|put] TARGET")
    param = next(p for p in ctx.command.params if p.name == "words")
    target = s3_location(ctx, param, where)
    if not isinstance(target, S3Location) or target.is_dir:
        raise click.UsageError(output.printable(f"{where} is not an object"))
    settings = settings_of(ctx)
    place = target

    async def main() -> str:
        async with settings.client() as client:
            if method == "get":
                return await client.presigned_get_object(place.bucket, place.key, expires)
            return await client.presigned_put_object(place.bucket, place.key, expires)

    url = run(main())
    if as_json:
        output.print_json({"url": url, "method": method.upper(), "expires": expires})
    else:
        output.echo(url)

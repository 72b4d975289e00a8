"""The commands that follow a bucket or query an object: event (a bucket's notification
configuration), sql (S3 Select over one object) and watch (a bucket's events as they happen, a
MinIO extension)."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import click

from aiominio import BucketEvent, CSVInput, CSVOutput, JSONInput, JSONOutput, ParquetInput
from aiominio.cli import output
from aiominio.cli.app import cli, json_option, s3_location, settings_of
from aiominio.cli.paths import S3Location
from aiominio.cli.runner import EXIT_ERROR, run
from aiominio.core.select import (
    Compression,
    FileHeaderInfo,
    InputSerialization,
    OutputSerialization,
    QuoteFields,
    SelectRequest,
)
from aiominio.errors import InvalidArgument
from aiominio.notification import CloudFunctionConfig, NotificationConfig, QueueConfig, TopicConfig

# -- event -------------------------------------------------------------------------------------

#: mc's short event names, and the S3 event each stands for.
EVENT_NAMES = {"put": "s3:ObjectCreated:*", "delete": "s3:ObjectRemoved:*"}
EVENT_NAMES |= {"get": "s3:ObjectAccessed:*", "restore": "s3:ObjectRestore:*"}
EVENT_NAMES |= {"tagging": "s3:ObjectTagging:*", "replica": "s3:Replication:*"}
EVENT_NAMES |= {"ilm": "s3:LifecycleExpiration:*"}
Target = QueueConfig | TopicConfig | CloudFunctionConfig
Kind = type[Target]
#: The configuration an ARN's service names.
KINDS: dict[str, Kind] = {"sqs": QueueConfig, "sns": TopicConfig, "lambda": CloudFunctionConfig}
#: Each kind's name in the JSON of a notification (its "type").
KIND_NAMES: dict[Kind, str] = {QueueConfig: "queue", TopicConfig: "topic"}
KIND_NAMES[CloudFunctionConfig] = "function"


def parse_events(text: str) -> tuple[str, ...]:
    """``put,delete`` -> ``("s3:ObjectCreated:*", "s3:ObjectRemoved:*")``: short names
    (:data:`EVENT_NAMES`) or full ``s3:...`` names, comma-separated, without repeats; else
    :class:`click.BadParameter`."""
    names: list[str] = []
    for word in filter(None, (part.strip() for part in text.split(","))):
        name = EVENT_NAMES.get(word.lower(), word)
        if not name.startswith("s3:") or len(name) <= 3 or output.printable(name) != name:
            shorts = ", ".join(EVENT_NAMES)
            raise click.BadParameter(
                output.printable(f"an event is one of {shorts} or an s3:... name: {word!r}")
            )
        if name not in names:
            names.append(name)
    if not names:
        raise click.BadParameter("name at least one event (put,delete)")
    return tuple(names)


events_option = click.option(
    "--event",
    "--events",
    "events",
    default="put,delete",
    show_default=True,
    callback=lambda ctx, param, value: parse_events(value),
    metavar="NAMES",
    help=f"Comma-separated: {', '.join(EVENT_NAMES)} or full s3:... names.",
)


def notification_target(
    arn: str, events: tuple[str, ...], *, id: str | None = None, prefix: str = "", suffix: str = ""
) -> Target:
    """The queue, topic or function configuration the ARN's service names (sqs, sns, lambda),
    with the events and the key filters (``""``: none); else :class:`click.BadParameter`."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[1] or not parts[5]:
        raise click.BadParameter(
            output.printable(f"not an ARN (arn:partition:service:region:account:name): {arn!r}")
        )
    kind = KINDS.get(parts[2])
    if kind is None:
        message = f"the ARN's service must be sqs, sns or lambda: {parts[2]!r}"
        raise click.BadParameter(output.printable(message))
    if id == "":
        raise click.BadParameter("--id must not be empty")
    target = kind(arn, id=id)
    for name in events:
        target.add_event(name)
    if prefix:
        target.add_filter_prefix(prefix)
    if suffix:
        target.add_filter_suffix(suffix)
    return target


def _targets(config: NotificationConfig) -> list[Target]:
    """The queues, then the topics, then the functions."""
    found: list[Target] = [*config.queues, *config.topics, *config.cloud_functions]
    return found


def notification_row(t: Target) -> dict[str, object]:
    """A target as JSON: id, type, arn, events, prefix, suffix."""
    names = ("id", "type", "arn", "events", "prefix", "suffix")
    values = (t.id, KIND_NAMES[type(t)], t.arn, list(t.events), t.prefix, t.suffix)
    return dict(zip(names, values, strict=True))


def notification_rows(config: NotificationConfig) -> list[dict[str, object]]:
    """Each target of the configuration as JSON (:func:`notification_row`)."""
    return [notification_row(t) for t in _targets(config)]


def notification_lines(config: NotificationConfig) -> list[str]:
    """One aligned line per target: id (``-`` when none), ARN, events, filter."""
    rows = []
    for t in _targets(config):
        pairs = (("prefix", t.prefix), ("suffix", t.suffix))
        filters = " ".join(f"{name}={value}" for name, value in pairs if value)
        cells = (t.id or "-", t.arn, ",".join(t.events), filters)
        rows.append([output.printable(cell) for cell in cells])
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)), row[3]]).rstrip()
        for row in rows
    ]


def _bucket(target: S3Location) -> str:
    if target.key:
        raise click.UsageError(output.printable(f"{target} names an object: give s3://bucket"))
    return target.bucket


def _refuse(message: str) -> None:
    """End with an error line and exit code 1: the bucket does not allow it (nothing changed)."""
    output.warn(f"{output.PROG}: error: {message}")
    raise click.exceptions.Exit(EXIT_ERROR)


@cli.group()
def event() -> None:
    """Add, list and remove a bucket's event notifications (to SQS, SNS, Lambda or MinIO
    targets)."""


@event.command("add")
@click.argument("target", callback=s3_location)
@click.argument("arn")
@events_option
@click.option("--prefix", default="", help="Only keys starting with this.")
@click.option("--suffix", default="", help="Only keys ending with this.")
@click.option("--id", "ident", metavar="ID", help="Name it (the server makes one up otherwise).")
@json_option
@click.pass_context
def event_add(
    ctx: click.Context,
    target: S3Location,
    arn: str,
    events: tuple[str, ...],
    prefix: str,
    suffix: str,
    ident: str | None,
    as_json: bool,
) -> None:
    """Notify ARN of the bucket's events (its other notifications stay)."""
    bucket = _bucket(target)
    new = notification_target(arn, events, id=ident, prefix=prefix, suffix=suffix)
    settings = settings_of(ctx)

    async def main() -> bool:
        async with settings.client() as client:
            config = await client.get_bucket_notification(bucket)
            if ident is not None and any(t.id == ident for t in _targets(config)):
                return False
            config.add(new)
            await client.set_bucket_notification(bucket, config)
            return True

    if not run(main()):
        _refuse(f"s3://{bucket} already has a notification {ident} (event rm --id {ident})")
    if as_json:
        output.print_json({"bucket": bucket, "added": notification_row(new)})
    else:
        line = f"added a notification of {','.join(events)} on s3://{bucket} to {arn}"
        output.say(output.stderr_console(quiet=settings.quiet), line)


@event.command("ls")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def event_ls(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The bucket's notifications, a line each: ID, ARN, events, filter."""
    bucket = _bucket(target)
    settings = settings_of(ctx)

    async def main() -> NotificationConfig:
        async with settings.client() as client:
            return await client.get_bucket_notification(bucket)

    config = run(main())
    for row in notification_rows(config) if as_json else ():
        output.print_json(row)
    for line in () if as_json else notification_lines(config):
        output.echo(line)
    if config.empty and not as_json:
        output.say(output.stderr_console(quiet=settings.quiet), f"s3://{bucket}: no notifications")


@event.command("rm")
@click.argument("target", callback=s3_location)
@click.argument("arn", required=False)
@click.option("--id", "ids", multiple=True, metavar="ID", help="The one with this ID (repeat).")
@click.option("--all", "everything", is_flag=True, help="Every notification of the bucket.")
@json_option
@click.pass_context
def event_rm(
    ctx: click.Context,
    target: S3Location,
    arn: str | None,
    ids: tuple[str, ...],
    everything: bool,
    as_json: bool,
) -> None:
    """Remove the bucket's notifications to ARN, those with an --id, or --all."""
    bucket = _bucket(target)
    if sum((arn is not None, bool(ids), everything)) != 1:
        raise click.UsageError("name what to remove: ARN, --id ID or --all (one of them)")
    settings = settings_of(ctx)

    def doomed(t: Target) -> bool:
        return everything or t.arn == arn or t.id in ids

    async def main() -> tuple[list[dict[str, object]], list[str]]:
        async with settings.client() as client:
            config = await client.get_bucket_notification(bucket)
            missing = [i for i in ids if i not in {t.id for t in _targets(config)}]
            removed = [notification_row(t) for t in _targets(config) if doomed(t)]
            if missing or not (removed or everything):
                return [], missing
            config.queues[:] = [t for t in config.queues if not doomed(t)]
            config.topics[:] = [t for t in config.topics if not doomed(t)]
            config.cloud_functions[:] = [t for t in config.cloud_functions if not doomed(t)]
            await client.set_bucket_notification(bucket, config)
            return removed, []

    removed, missing = run(main())
    if missing:
        _refuse(f"s3://{bucket} has no notification {', '.join(missing)} (nothing removed)")
    if arn is not None and not removed:
        _refuse(f"s3://{bucket} has no notification to {arn}")
    if as_json:
        output.print_json({"bucket": bucket, "removed": removed})
    else:
        line = f"removed {len(removed)} notification(s) from s3://{bucket}"
        output.say(output.stderr_console(quiet=settings.quiet), line)


# -- sql ---------------------------------------------------------------------------------------

#: The names a --csv-input or --output-options spec takes (mc's), and the field each sets.
SPEC_FIELDS = {"fh": "file_header_info", "header": "file_header_info", "cc": "comments"}
SPEC_FIELDS |= {"fd": "field_delimiter", "rd": "record_delimiter", "qf": "quote_fields"}
SPEC_FIELDS |= {"qc": "quote_character", "qec": "quote_escape_character"}
_CSV_INPUT = ("fh", "header", "fd", "rd", "qc", "qec", "cc")
_CSV_OUTPUT = ("fd", "rd", "qc", "qec", "qf")
_HEADERS: dict[str, FileHeaderInfo] = {"USE": "USE", "IGNORE": "IGNORE", "NONE": "NONE"}
_QUOTING: dict[str, QuoteFields] = {"ALWAYS": "ALWAYS", "ASNEEDED": "ASNEEDED"}
_CHOICES = {"file_header_info": tuple(_HEADERS), "quote_fields": tuple(_QUOTING)}
COMPRESSIONS: dict[str, Compression] = {"none": "NONE", "gzip": "GZIP", "bzip2": "BZIP2"}
_PACKED: dict[str, Compression] = {".gz": "GZIP", ".bz2": "BZIP2"}
# A comma separates two pairs only where a name= follows: "fd=,,fh=USE" sets fd to ",".
_SPEC_SEPARATOR = re.compile(r",(?=\s*[A-Za-z]+=)")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def parse_spec(text: str, allowed: tuple[str, ...], option: str) -> dict[str, str]:
    """``fh=USE,fd=;`` -> ``{"file_header_info": "USE", "field_delimiter": ";"}``: NAME=VALUE
    pairs, comma-separated, of the names ``allowed``; ``\\t``, ``\\n``, ``\\r``, ``\\\\`` in a
    value are a tab, newline, carriage return, backslash. Else :class:`click.BadParameter`."""
    found: dict[str, str] = {}
    for pair in _SPEC_SEPARATOR.split(text) if text.strip() else ():
        name, sep, value = pair.partition("=")
        name = name.strip().lower()
        if not sep or name not in allowed:
            message = f"{option} takes {', '.join(allowed)} (NAME=VALUE): {pair!r}"
            raise click.BadParameter(output.printable(message))
        field = SPEC_FIELDS[name]
        value = re.sub(r"\\([tnr\\])", lambda m: _ESCAPES[m.group(1)], value)
        choices = _CHOICES.get(field)
        if choices is not None and value.upper() not in choices:
            message = f"{option}: {name} is {' or '.join(choices)}: {value!r}"
            raise click.BadParameter(output.printable(message))
        found[field] = value.upper() if choices else value
    return found


def select_input(
    key: str,
    *,
    csv: str | None = None,
    json: str | None = None,
    parquet: bool = False,
    compression: str | None = None,
) -> InputSerialization:
    """What the object is: as the options say, else as its name ends (``.parquet``; ``.json``
    a document, ``.jsonl`` and ``.ndjson`` lines; else CSV), compressed as ``compression``
    says, else as a ``.gz`` or ``.bz2`` ending says. Else a usage error or InvalidArgument."""
    if sum((csv is not None, json is not None, parquet)) > 1:
        raise click.UsageError("give one of --csv-input, --json-input and --parquet-input")
    name, ending = os.path.splitext(key.lower())
    packed = _PACKED.get(ending, "NONE")
    if ending in _PACKED:
        ending = os.path.splitext(name)[1]
    packed = COMPRESSIONS[compression.lower()] if compression else packed
    guess = csv is None and json is None
    if parquet or (guess and ending == ".parquet"):
        if packed != "NONE":
            raise click.UsageError("a Parquet object is compressed inside: no --compression")
        return ParquetInput()
    if guess and ending in (".json", ".jsonl", ".ndjson"):
        json = "document" if ending == ".json" else "lines"
    if json is not None:
        return JSONInput("LINES" if json == "lines" else "DOCUMENT", packed)
    spec = parse_spec(csv or "", _CSV_INPUT, "--csv-input")
    header = spec.get("file_header_info")
    return CSVInput(
        file_header_info=None if header is None else _HEADERS[header],
        field_delimiter=spec.get("field_delimiter"),
        record_delimiter=spec.get("record_delimiter"),
        quote_character=spec.get("quote_character"),
        quote_escape_character=spec.get("quote_escape_character"),
        comments=spec.get("comments"),
        compression=packed,
    )


def select_output(
    source: InputSerialization, *, as_csv: bool = False, as_json: bool = False, spec: str = ""
) -> OutputSerialization:
    """How records come back: as asked, else CSV for a CSV object and JSON for the others;
    ``spec`` (--output-options) sets delimiters and quoting."""
    if as_csv and as_json:
        raise click.UsageError("give --csv-output or --json-output, not both")
    if as_csv or (not as_json and isinstance(source, CSVInput)):
        found = parse_spec(spec, _CSV_OUTPUT, "--output-options")
        quoting = found.get("quote_fields")
        return CSVOutput(
            quote_fields=None if quoting is None else _QUOTING[quoting],
            field_delimiter=found.get("field_delimiter"),
            record_delimiter=found.get("record_delimiter"),
            quote_character=found.get("quote_character"),
            quote_escape_character=found.get("quote_escape_character"),
        )
    found = parse_spec(spec, ("rd",), "--output-options (JSON)")
    return JSONOutput(record_delimiter=found.get("record_delimiter"))


_COMPRESSION = click.Choice(list(COMPRESSIONS), case_sensitive=False)


def _json_type(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    kind = None if value is None else value.lower().removeprefix("type=")
    if kind not in (None, "lines", "document"):
        raise click.BadParameter(output.printable(f"lines or document: {value!r}"))
    return kind


@cli.command()
@click.argument("target", callback=s3_location)
@click.option("--query", "-e", required=True, help="The SQL expression (S3 Select's dialect).")
@click.option("--csv-input", "csv", metavar="SPEC", help='CSV, with "fh=USE,fd=;" options.')
@click.option("--json-input", "json", callback=_json_type, metavar="lines|document", help="JSON.")
@click.option("--parquet-input", "parquet", is_flag=True, help="Apache Parquet.")
@click.option("--compression", type=_COMPRESSION, help="Of a CSV or JSON object.")
@click.option("--csv-output", "as_csv", is_flag=True, help="Records as CSV.")
@click.option("--json-output", "as_json", is_flag=True, help="Records as JSON, one a line.")
@click.option("--output-options", default="", metavar="SPEC", help='As "fd=;,rd=\\n,qf=ALWAYS".')
@click.pass_context
def sql(
    ctx: click.Context,
    target: S3Location,
    query: str,
    csv: str | None,
    json: str | None,
    parquet: bool,
    compression: str | None,
    as_csv: bool,
    as_json: bool,
    output_options: str,
) -> None:
    """Run an S3 Select query over one object and stream the records to stdout.

    The object is CSV, JSON or Parquet as the options say, else as its name ends (.parquet;
    .json, .jsonl, .ndjson; else CSV; .gz and .bz2 compressed). A --csv-input SPEC takes fh
    (USE, IGNORE, NONE), fd, rd, qc, qec and cc; --output-options fd, rd, qc, qec and qf
    (ALWAYS, ASNEEDED), or rd alone for JSON. \\t in a value is a tab.
    """
    if target.is_dir:
        raise click.UsageError(output.printable(f"{target} is not an object"))
    try:
        source = select_input(
            target.key, csv=csv, json=json, parquet=parquet, compression=compression
        )
        shape = select_output(source, as_csv=as_csv, as_json=as_json, spec=output_options)
        request = SelectRequest(query, source, shape)
    except (InvalidArgument, TypeError) as exc:
        raise click.BadParameter(output.printable(str(exc))) from None
    settings = settings_of(ctx)

    async def main() -> None:
        out = sys.stdout.buffer
        async with (
            settings.client() as client,
            client.select_object_content(target.bucket, target.key, request) as result,
        ):
            async for chunk in result:
                await asyncio.to_thread(out.write, chunk)
                await asyncio.to_thread(out.flush)

    run(main())


# -- watch -------------------------------------------------------------------------------------


def event_line(event: BucketEvent, bucket: str = "") -> str:
    """``2024-05-01 12:30:00  s3:ObjectCreated:Put  s3://bucket/key  42`` (the size blank when
    the record has none, the time too; ``bucket`` where the record names none)."""
    where = S3Location(event.bucket or bucket, event.key)
    size = "" if event.size is None else str(event.size)
    return f"{output.date_text(event.event_time)}  {event.event_name}  {where}  {size}".rstrip()


def event_json(event: BucketEvent) -> dict[str, object]:
    """An event as JSON: its named fields, not the whole record (which carries the identity
    and address of whoever made the change)."""
    names = ("time", "event", "bucket", "key", "size", "etag", "version_id")
    values = (event.event_time, event.event_name, event.bucket, event.key, event.size)
    return dict(zip(names, (*values, event.etag, event.version_id), strict=True))


@cli.command()
@click.argument("target", callback=s3_location)
@events_option
@click.option("--suffix", default="", help="Only keys ending with this.")
@json_option
@click.pass_context
def watch(
    ctx: click.Context, target: S3Location, events: tuple[str, ...], suffix: str, as_json: bool
) -> None:
    """Print a bucket's events as they happen, until Ctrl-C (a MinIO extension).

    TARGET is s3://bucket or s3://bucket/prefix (keys starting with the prefix). A line per
    event: time, event name, location, size.
    """
    for option, value in (("TARGET's prefix", target.key), ("--suffix", suffix)):
        if output.printable(value) != value:
            raise click.BadParameter(f"{option} holds a control character")
    settings = settings_of(ctx)

    async def main() -> None:
        async with settings.client() as client:
            listening = client.listen_bucket_notification(target.bucket, target.key, suffix, events)
            async with listening as stream:
                console = output.stderr_console(quiet=settings.quiet)
                output.say(console, f"watching {target} for {','.join(events)} (Ctrl-C ends)")
                async for found in stream:
                    if as_json:
                        output.print_json(event_json(found))
                    else:
                        output.echo(event_line(found, target.bucket))
                    sys.stdout.flush()

    run(main())

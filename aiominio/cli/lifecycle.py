"""The ilm commands, as mc names them: a bucket's lifecycle rules, added and removed one by one
(``ilm rule``) or exported and imported as a whole as JSON.

A bad argument (a location, a rule S3 would refuse, a malformed lifecycle document) is a usage
error before any connection; a change is told on stderr (with --json, as one JSON object on
stdout), data goes to stdout.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

import click

from aiominio import Client, InvalidArgument
from aiominio.cli import output
from aiominio.cli.app import (
    bucket_only,
    cli,
    json_option,
    report_done,
    s3_location,
    settings_of,
    with_client,
)
from aiominio.cli.objectlock import parse_date
from aiominio.cli.paths import S3Location
from aiominio.core import lifecycle
from aiominio.core.lifecycle import LifecycleConfig, LifecycleFilter, LifecycleRule

T = TypeVar("T")


def _say(ctx: click.Context, line: str) -> None:
    """A message on stderr (unless --quiet)."""
    output.say(output.stderr_console(quiet=settings_of(ctx).quiet), line)


# -- ilm: lifecycle rules ----------------------------------------------------------------------


def _checked(value: T) -> T:
    """A rule or a configuration, if S3 would take it."""
    try:
        value.validate()  # type: ignore[attr-defined]
    except (InvalidArgument, TypeError) as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def parse_tags(values: Iterable[str]) -> dict[str, str]:
    """``--tags 'a=1&b=2'`` (repeatable) as a dict."""
    found: dict[str, str] = {}
    for pair in (p for text in values for p in text.split("&")):
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"a tag is KEY=VALUE: {pair!r}", param_hint="--tags")
        found[name] = value
    return found


_ACTIONS = "--expire-days, --noncurrent-expire-days or --abort-uploads-days"


def build_rule(
    prefix: str,
    *,
    rule_id: str,
    tags: Mapping[str, str] | None = None,
    expire_days: int | None = None,
    noncurrent_expire_days: int | None = None,
    abort_uploads_days: int | None = None,
) -> LifecycleRule:
    """The rule ``ilm rule add`` sends, for the keys under ``prefix`` (all for ``""``); no
    action, or anything :meth:`LifecycleRule.validate` refuses, is a click.BadParameter."""
    if expire_days is None and noncurrent_expire_days is None and abort_uploads_days is None:
        raise click.BadParameter(f"a rule needs {_ACTIONS}")
    return _checked(
        LifecycleRule(
            id=rule_id,
            filter=LifecycleFilter(prefix=prefix or None, tags=dict(tags or {})),
            expiration=None if expire_days is None else lifecycle.Expiration(days=expire_days),
            noncurrent_version_expiration=None
            if noncurrent_expire_days is None
            else lifecycle.NoncurrentVersionExpiration(noncurrent_expire_days),
            abort_incomplete_multipart_upload_days=abort_uploads_days,
        )
    )


def filter_text(f: LifecycleFilter) -> str:
    parts = [f"prefix={f.prefix}"] if f.prefix else []
    parts += [f"tag:{k}={v}" for k, v in f.tags.items()]
    parts += [f"size>{f.object_size_greater_than}"] if f.object_size_greater_than else []
    parts += [f"size<{f.object_size_less_than}"] if f.object_size_less_than else []
    return " ".join(parts) or "(all)"


def _after(days: int | None, date: datetime | None) -> str:
    return f"{days}d" if days is not None else f"{date:%Y-%m-%d}"


def actions_text(rule: LifecycleRule) -> str:
    """What a rule does, in short: ``expire 30d, noncurrent expire 7d, abort uploads 3d``."""
    parts, exp, nve = [], rule.expiration, rule.noncurrent_version_expiration
    if exp is not None:
        marker = exp.expired_object_delete_marker
        parts.append("expire delete markers" if marker else f"expire {_after(exp.days, exp.date)}")
    parts += [f"transition {_after(t.days, t.date)} {t.storage_class}" for t in rule.transitions]
    if nve is not None:
        kept = f" keep {nve.newer_noncurrent_versions}" if nve.newer_noncurrent_versions else ""
        parts.append(f"noncurrent expire {nve.noncurrent_days}d{kept}")
    for nvt in rule.noncurrent_version_transitions:
        parts.append(f"noncurrent transition {nvt.noncurrent_days}d {nvt.storage_class}")
    if rule.abort_incomplete_multipart_upload_days is not None:
        parts.append(f"abort uploads {rule.abort_incomplete_multipart_upload_days}d")
    return ", ".join(parts)


def rule_table(rules: Sequence[LifecycleRule]) -> list[str]:
    """``ilm rule ls``'s lines: a header, then a rule a line, in aligned columns."""
    rows = [["ID", "STATUS", "FILTER", "ACTIONS"]]
    for r in rules:
        status = "enabled" if r.enabled else "disabled"
        rows.append([r.id or "-", status, filter_text(r.filter), actions_text(r)])
    shown = [[output.printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in shown) for i in range(3)]
    return ["  ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]) for row in shown]


#: The members of ``ilm export``'s JSON (the library's field names) that hold values to build.
_NESTED = {"filter": LifecycleFilter, "expiration": lifecycle.Expiration}
_NESTED["noncurrent_version_expiration"] = lifecycle.NoncurrentVersionExpiration
_REPEATED = {"rules": LifecycleRule, "transitions": lifecycle.Transition}
_REPEATED["noncurrent_version_transitions"] = lifecycle.NoncurrentVersionTransition


def _build(kind: type[T], value: object, where: str) -> T:
    if not isinstance(value, dict):
        raise click.BadParameter(f"{where} must be a JSON object")
    unknown = sorted(set(value) - {f.name for f in dataclasses.fields(kind)})  # type: ignore[arg-type]
    if unknown:
        raise click.BadParameter(f"{where}: unknown member(s) {', '.join(map(repr, unknown))}")
    args: dict[str, object] = {}
    for name, item in value.items():
        if name in _NESTED and item is not None:
            item = _build(_NESTED[name], item, f"{where}.{name}")
        elif name in _REPEATED:
            if not isinstance(item, list):
                raise click.BadParameter(f"{where}.{name} must be a JSON array")
            item = [_build(_REPEATED[name], x, f"{where}.{name}[{i}]") for i, x in enumerate(item)]
        elif name == "date" and isinstance(item, str):
            item = parse_date(item, f"{where}.date")
        args[name] = item
    try:
        return kind(**args)
    except TypeError as exc:  # a required member is missing
        raise click.BadParameter(f"{where}: {exc}") from None


def lifecycle_from_json(text: str) -> LifecycleConfig:
    """``ilm export``'s JSON (``{"rules": [...]}``, the library's field names), checked: not
    JSON, unknown members, no rule or what S3 would refuse is a click.BadParameter."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"the lifecycle configuration is not JSON: {exc}") from None
    return _checked(_build(LifecycleConfig, document, "configuration"))


@cli.group()
def ilm() -> None:
    """A bucket's lifecycle rules: expire objects, old versions and unfinished uploads."""


@ilm.group("rule")
def ilm_rule() -> None:
    """Add, list and remove lifecycle rules."""


_DAYS = click.IntRange(1)


@ilm_rule.command("add")
@click.argument("target", callback=s3_location)
@click.option("--id", "rule_id", metavar="ID", help="The rule's name (default: rule-<random>).")
@click.option("--expire-days", type=_DAYS, metavar="N", help="Expire objects after N days.")
@click.option("--noncurrent-expire-days", type=_DAYS, metavar="N", help="Remove old versions.")
@click.option("--abort-uploads-days", type=_DAYS, metavar="N", help="Abort unfinished uploads.")
@click.option("--tags", multiple=True, metavar="K=V&...", help="Only objects with these tags.")
@json_option
@click.pass_context
def ilm_rule_add(
    ctx: click.Context,
    /,
    target: S3Location,
    rule_id: str | None,
    tags: tuple[str, ...],
    as_json: bool,
    **actions: int | None,
) -> None:
    """Add a rule for the objects under s3://bucket[/prefix] to the bucket's rules (old
    versions: N days after they stopped being current; uploads: N days after they began)."""
    rule_id = rule_id if rule_id is not None else f"rule-{secrets.token_hex(4)}"
    rule = build_rule(target.key, rule_id=rule_id, tags=parse_tags(tags), **actions)
    bucket = target.bucket

    async def add(client: Client) -> None:
        config = await client.get_bucket_lifecycle(bucket)
        rules = list(config.rules) if config is not None else []
        if any(r.id == rule.id for r in rules):
            raise InvalidArgument(f"s3://{bucket} already has a lifecycle rule {rule.id!r}")
        await client.set_bucket_lifecycle(bucket, LifecycleConfig([*rules, rule]))

    with_client(ctx, add)
    line = f"s3://{bucket}: added lifecycle rule {rule.id} ({actions_text(rule)})"
    report_done(ctx, as_json, {"bucket": bucket, "added": rule}, line)


@ilm_rule.command("ls")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def ilm_rule_ls(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The bucket's lifecycle rules as a table (or a JSON object a rule)."""
    bucket = bucket_only(target)
    config = with_client(ctx, lambda c: c.get_bucket_lifecycle(bucket))
    rules = config.rules if config is not None else ()
    if as_json:
        for rule in rules:
            output.print_json(rule)
    elif not rules:
        _say(ctx, f"s3://{bucket}: no lifecycle rules")
    else:
        for line in rule_table(rules):
            output.echo(line)


@ilm_rule.command("rm")
@click.argument("target", callback=s3_location)
@click.option("--id", "ids", multiple=True, metavar="ID", help="The rule to remove (repeatable).")
@click.option("--all", "remove_all", is_flag=True, help="Every rule.")
@json_option
@click.pass_context
def ilm_rule_rm(
    ctx: click.Context, target: S3Location, ids: tuple[str, ...], remove_all: bool, as_json: bool
) -> None:
    """Remove rules by id, or all of them."""
    bucket = bucket_only(target)
    if bool(ids) == remove_all:
        raise click.UsageError("give --id ID (one or more) or --all")

    async def remove(client: Client) -> list[str | None]:
        config = await client.get_bucket_lifecycle(bucket)
        rules = config.rules if config is not None else ()
        missing = sorted(set(ids) - {r.id for r in rules})
        if missing:
            raise InvalidArgument(f"s3://{bucket} has no lifecycle rule {', '.join(missing)}")
        kept = [r for r in rules if not remove_all and r.id not in ids]
        if kept:
            await client.set_bucket_lifecycle(bucket, LifecycleConfig(kept))
        else:
            await client.delete_bucket_lifecycle(bucket)
        return [r.id for r in rules if remove_all or r.id in ids]

    removed = with_client(ctx, remove)
    line = f"s3://{bucket}: removed {'every lifecycle rule' if remove_all else ', '.join(ids)}"
    report_done(ctx, as_json, {"bucket": bucket, "removed": removed}, line)


@ilm.command("export")
@click.argument("target", callback=s3_location)
@click.pass_context
def ilm_export(ctx: click.Context, target: S3Location) -> None:
    """The bucket's lifecycle configuration as JSON (what ilm import reads)."""
    bucket = bucket_only(target)
    config = with_client(ctx, lambda c: c.get_bucket_lifecycle(bucket))
    output.print_json(config if config is not None else {"rules": []})


@ilm.command("import")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def ilm_import(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """Replace the bucket's lifecycle configuration with the JSON on stdin (ilm export's)."""
    bucket = bucket_only(target)
    if sys.stdin.isatty():
        raise click.UsageError("give the configuration on stdin: ilm import s3://b < rules.json")
    config = lifecycle_from_json(sys.stdin.read())
    with_client(ctx, lambda c: c.set_bucket_lifecycle(bucket, config))
    line = f"s3://{bucket}: imported {len(config.rules)} lifecycle rule(s)"
    report_done(ctx, as_json, {"bucket": bucket, "imported": config.rules}, line)

"""The commands over a bucket's and an object's rules, as mc names them: retention, legal-hold,
ilm (lifecycle rules) and anonymous (canned bucket policies).

A bad argument (a location, a duration, a rule S3 would refuse, a malformed lifecycle document)
is a usage error before any connection; a change is told on stderr, data goes to stdout.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import sys
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import click

from aiominio import Client, InvalidArgument, NoSuchBucketPolicy, Policy, Retention, RetentionMode
from aiominio.cli import output
from aiominio.cli.app import cli, json_option, s3_location, settings_of
from aiominio.cli.explore import parse_duration
from aiominio.cli.paths import S3Location
from aiominio.cli.runner import run
from aiominio.core import checksums, lifecycle
from aiominio.core.lifecycle import LifecycleConfig, LifecycleFilter, LifecycleRule
from aiominio.core.objectlock import BYPASS_GOVERNANCE_HEADER, ObjectLockConfig
from aiominio.core.xmlparse import S3_NS
from aiominio.ops.objects import version_query
from aiominio.policy import PolicyDocument, derive_policy, parse_document
from aiominio.request import Request

T = TypeVar("T")

#: mc's names for the canned anonymous policies.
ACCESS = {"none": Policy.NONE, "download": Policy.READONLY, "upload": Policy.WRITEONLY}
ACCESS["public"] = Policy.READWRITE
ACCESS_NAMES = {policy: name for name, policy in ACCESS.items()}
#: The body of a PutObjectRetention that removes a retention (sent with the governance bypass).
NO_RETENTION = f'<Retention xmlns="{S3_NS}"/>'.encode()

_version_option = click.option("--version-id", "version", metavar="ID", help="Not the latest one.")
_MODES = click.Choice([m.value for m in RetentionMode], case_sensitive=False)
_default_option = click.option("--default", is_flag=True, help="The bucket's default retention.")


def _call(ctx: click.Context, action: Callable[[Client], Awaitable[T]]) -> T:
    """Run ``action`` with a client of the command's settings (errors as the runner tells)."""
    settings = settings_of(ctx)

    async def main() -> T:
        async with settings.client() as client:
            return await action(client)

    return run(main())


def _say(ctx: click.Context, line: str) -> None:
    """A change done, on stderr (unless --quiet)."""
    output.say(output.stderr_console(quiet=settings_of(ctx).quiet), line)


def _object(target: S3Location) -> S3Location:
    if target.is_dir:
        raise click.UsageError(output.printable(f"{target} is not an object"))
    return target


def _bucket(target: S3Location) -> str:
    if target.key:
        raise click.UsageError(output.printable(f"{target} is not a bucket (no key or prefix)"))
    return target.bucket


def _time_text(when: datetime) -> str:
    return f"{output.date_text(when.astimezone(timezone.utc))} UTC"


# -- retention ---------------------------------------------------------------------------------


def parse_validity(text: str) -> tuple[int, timedelta]:
    """``2y`` -> ``(2, 0)``; else as :func:`~aiominio.cli.explore.parse_duration` (``30d`` ->
    ``(0, 30 days)``), which raises click.BadParameter for anything else."""
    found = re.fullmatch(r"(\d+)y", text.strip())
    return (int(found.group(1)), timedelta(0)) if found else (0, parse_duration(text))


def parse_date(text: str, what: str) -> datetime:
    """An ISO 8601 date or time (``Z`` is UTC); UTC unless it says otherwise."""
    try:
        when = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text.strip()))
    except ValueError:
        raise click.BadParameter(f"{what} is an ISO 8601 date or time: {text!r}") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def retain_until(validity: str | None, until: str | None, *, now: datetime) -> datetime:
    """When an object's retention ends: ``validity`` after ``now`` (years as calendar years),
    or the date ``until``.

    Raises:
        click.BadParameter: neither or both, a malformed value, a time not after ``now``.
    """
    if (validity is None) == (until is None):
        raise click.BadParameter("give --validity or --until (one of them)")
    if validity is not None:
        years, delta = parse_validity(validity)
        try:
            when = now.replace(year=now.year + years) + delta
        except ValueError:  # 29 February, in a year that has none
            when = now.replace(year=now.year + years, day=28) + delta
    else:
        when = parse_date(until or "", "--until")
    if when <= now:
        raise click.BadParameter(f"the retention must end in the future: {when.isoformat()}")
    return when


def default_retention(mode: str, validity: str | None, until: str | None) -> ObjectLockConfig:
    """A bucket's default retention: ``mode`` for ``validity``, whole days or years (else
    click.BadParameter, as for an ``until`` or a period out of range)."""
    if until is not None or validity is None:
        raise click.BadParameter("a default retention takes --validity (days or years)")
    years, delta = parse_validity(validity)
    days, rest = divmod(delta, timedelta(days=1))
    if rest:
        raise click.BadParameter(f"a default retention is whole days or years: {validity!r}")
    try:
        return ObjectLockConfig(RetentionMode(mode), days=days or None, years=years or None)
    except InvalidArgument as exc:
        raise click.BadParameter(str(exc)) from None


def default_retention_text(config: ObjectLockConfig) -> str:
    if config.mode is None:
        return "object lock on, no default retention"
    period = f"{config.years} year(s)" if config.years else f"{config.days} day(s)"
    return f"default retention {config.mode.value} for {period}"


def clear_retention_request(bucket: str, key: str, version: str | None) -> Request:
    """A PutObjectRetention without a mode, with the governance bypass: the client has no method
    for it, and its requester sends it signed and retried as the client's own requests."""
    headers = {BYPASS_GOVERNANCE_HEADER: "true", "Content-MD5": checksums.md5_b64(NO_RETENTION)}
    headers["Content-Type"] = "application/xml"
    query = (("retention", ""), *version_query(version))
    return Request("PUT", bucket, key, query=query, headers=headers, body=NO_RETENTION)


def _where(target: S3Location, default: bool, version: str | None) -> S3Location | str:
    """The object a retention command is about, or with ``--default`` the bucket."""
    if not default:
        return _object(target)
    if version is not None:
        raise click.UsageError("--default is the bucket's: no --version-id")
    return _bucket(target)


@cli.group()
def retention() -> None:
    """An object's retention (object lock), or a bucket's default retention."""


@retention.command("set")
@click.argument("target", callback=s3_location)
@click.option("--mode", required=True, type=_MODES, metavar="GOVERNANCE|COMPLIANCE")
@click.option("--validity", metavar="DURATION", help="How long from now: 12h, 30d, 2w, 1y.")
@click.option("--until", metavar="DATE", help="An ISO 8601 date or time (UTC unless given).")
@click.option("--bypass-governance", "bypass", is_flag=True, help="To shorten a GOVERNANCE one.")
@_default_option
@_version_option
@click.pass_context
def retention_set(
    ctx: click.Context,
    target: S3Location,
    mode: str,
    validity: str | None,
    until: str | None,
    bypass: bool,
    default: bool,
    version: str | None,
) -> None:
    """Keep an object version from deletion until a time (or with --default, each new object
    of a bucket for a while)."""
    where = _where(target, default, version)
    if isinstance(where, str):
        config = default_retention(mode, validity, until)
        _call(ctx, lambda c: c.set_object_lock_config(where, config))
        _say(ctx, f"s3://{where}: {default_retention_text(config)}")
        return
    now = datetime.now(timezone.utc)
    kept = Retention(RetentionMode(mode), retain_until(validity, until, now=now))
    b, k = where.bucket, where.key
    _call(
        ctx,
        lambda c: c.set_object_retention(b, k, kept, version_id=version, bypass_governance=bypass),
    )
    _say(ctx, f"retention {mode} until {_time_text(kept.retain_until)} on {where}")


@retention.command("info")
@click.argument("target", callback=s3_location)
@_default_option
@_version_option
@json_option
@click.pass_context
def retention_info(
    ctx: click.Context, target: S3Location, default: bool, version: str | None, as_json: bool
) -> None:
    """An object's retention (or with --default, the bucket's default retention)."""
    where = _where(target, default, version)
    if isinstance(where, str):
        config = _call(ctx, lambda c: c.get_object_lock_config(where))
        if as_json:
            output.print_json({"target": str(target), "default_retention": config})
        else:
            output.echo(f"s3://{where}: {default_retention_text(config)}")
        return
    b, k = where.bucket, where.key
    found = _call(ctx, lambda c: c.get_object_retention(b, k, version_id=version))
    if as_json:
        output.print_json({"target": str(where), "version_id": version, "retention": found})
    elif found is None:
        output.echo(f"{where}: no retention")
    else:
        output.echo(f"{where}: {found.mode.value} until {_time_text(found.retain_until)}")


@retention.command("clear")
@click.argument("target", callback=s3_location)
@_default_option
@_version_option
@click.pass_context
def retention_clear(
    ctx: click.Context, target: S3Location, default: bool, version: str | None
) -> None:
    """Remove an object's GOVERNANCE retention with the governance bypass (or with --default,
    the bucket's default retention). A COMPLIANCE retention cannot be removed."""
    where = _where(target, default, version)
    if isinstance(where, str):
        _call(ctx, lambda c: c.set_object_lock_config(where, ObjectLockConfig()))
        _say(ctx, f"s3://{where}: removed the default retention")
        return
    put = clear_retention_request(where.bucket, where.key, version)
    _call(ctx, lambda c: c.requester.send(put))
    _say(ctx, f"removed the retention of {where}")


# -- legal-hold --------------------------------------------------------------------------------


@cli.command("legal-hold")
@click.argument("action", type=click.Choice(["set", "clear", "info"]))
@click.argument("target", callback=s3_location)
@_version_option
@json_option
@click.pass_context
def legal_hold(
    ctx: click.Context, action: str, target: S3Location, version: str | None, as_json: bool
) -> None:
    """An object's legal hold (while it is on, no one can delete the version): set, clear, or
    info (on or off)."""
    obj = _object(target)
    b, k = obj.bucket, obj.key
    if action == "set":
        _call(ctx, lambda c: c.enable_object_legal_hold(b, k, version_id=version))
        _say(ctx, f"legal hold set on {obj}")
        return
    if action == "clear":
        _call(ctx, lambda c: c.disable_object_legal_hold(b, k, version_id=version))
        _say(ctx, f"legal hold cleared from {obj}")
        return
    held = _call(ctx, lambda c: c.is_object_legal_hold_enabled(b, k, version_id=version))
    if as_json:
        output.print_json({"target": str(obj), "version_id": version, "legal_hold": held})
    else:
        output.echo(f"{obj}: legal hold {'on' if held else 'off'}")


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
    args: dict[str, Any] = {}
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
@click.pass_context
def ilm_rule_add(
    ctx: click.Context,
    /,
    target: S3Location,
    rule_id: str | None,
    tags: tuple[str, ...],
    **actions: Any,
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

    _call(ctx, add)
    _say(ctx, f"s3://{bucket}: added lifecycle rule {rule.id} ({actions_text(rule)})")


@ilm_rule.command("ls")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def ilm_rule_ls(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The bucket's lifecycle rules as a table (or a JSON object a rule)."""
    bucket = _bucket(target)
    config = _call(ctx, lambda c: c.get_bucket_lifecycle(bucket))
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
@click.pass_context
def ilm_rule_rm(
    ctx: click.Context, target: S3Location, ids: tuple[str, ...], remove_all: bool
) -> None:
    """Remove rules by id, or all of them."""
    bucket = _bucket(target)
    if bool(ids) == remove_all:
        raise click.UsageError("give --id ID (one or more) or --all")

    async def remove(client: Client) -> None:
        config = await client.get_bucket_lifecycle(bucket)
        rules = config.rules if config is not None else ()
        missing = sorted(set(ids) - {r.id for r in rules})
        if missing:
            raise InvalidArgument(f"s3://{bucket} has no lifecycle rule {', '.join(missing)}")
        kept = [r for r in rules if r.id not in ids]
        if kept:
            await client.set_bucket_lifecycle(bucket, LifecycleConfig(kept))
        else:
            await client.delete_bucket_lifecycle(bucket)

    _call(ctx, lambda c: c.delete_bucket_lifecycle(bucket) if remove_all else remove(c))
    _say(ctx, f"s3://{bucket}: removed {'every lifecycle rule' if remove_all else ', '.join(ids)}")


@ilm.command("export")
@click.argument("target", callback=s3_location)
@click.pass_context
def ilm_export(ctx: click.Context, target: S3Location) -> None:
    """The bucket's lifecycle configuration as JSON (what ilm import reads)."""
    bucket = _bucket(target)
    config = _call(ctx, lambda c: c.get_bucket_lifecycle(bucket))
    output.print_json(config if config is not None else {"rules": []})


@ilm.command("import")
@click.argument("target", callback=s3_location)
@click.pass_context
def ilm_import(ctx: click.Context, target: S3Location) -> None:
    """Replace the bucket's lifecycle configuration with the JSON on stdin (ilm export's)."""
    bucket = _bucket(target)
    if sys.stdin.isatty():
        raise click.UsageError("give the configuration on stdin: ilm import s3://b < rules.json")
    config = lifecycle_from_json(sys.stdin.read())
    _call(ctx, lambda c: c.set_bucket_lifecycle(bucket, config))
    _say(ctx, f"s3://{bucket}: imported {len(config.rules)} lifecycle rule(s)")


# -- anonymous: canned bucket policies ---------------------------------------------------------


def anonymous_rules(document: PolicyDocument, bucket: str) -> list[tuple[str, Policy]]:
    """The prefixes the policy ``document`` names for ``bucket``'s objects (``B/prefix*``),
    with the canned access anonymous users have there; prefixes with none are left out."""
    head = f"arn:aws:s3:::{bucket}/"
    statements = document.get("Statement")
    prefixes: set[str] = set()
    for statement in statements if isinstance(statements, list) else []:
        resources = statement.get("Resource") if isinstance(statement, dict) else None
        for resource in resources if isinstance(resources, list) else [resources]:
            if isinstance(resource, str) and resource.startswith(head) and resource.endswith("*"):
                prefixes.add(resource[len(head) : -1])
    found = [(p, derive_policy(document, bucket, p)) for p in sorted(prefixes) if "*" not in p]
    return [(prefix, policy) for prefix, policy in found if policy is not Policy.NONE]


@cli.group()
def anonymous() -> None:
    """Anonymous access to a bucket or prefix: none, download, upload or public."""


@anonymous.command("set")
@click.argument("access", type=click.Choice(list(ACCESS)))
@click.argument("target", callback=s3_location)
@click.pass_context
def anonymous_set(ctx: click.Context, access: str, target: S3Location) -> None:
    """Let anyone download, upload or both under s3://bucket[/prefix] (none: no one)."""
    _call(ctx, lambda c: c.set_bucket_policy(target.bucket, target.key, ACCESS[access]))
    _say(ctx, f"anonymous access to {target}: {access}")


@anonymous.command("get")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def anonymous_get(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The anonymous access to s3://bucket[/prefix]."""
    access = ACCESS_NAMES[_call(ctx, lambda c: c.get_bucket_policy(target.bucket, target.key))]
    if as_json:
        output.print_json({"bucket": target.bucket, "prefix": target.key, "access": access})
    else:
        output.echo(f"{target}: {access}")


@anonymous.command("list")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def anonymous_list(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The prefixes of the bucket anonymous users have access to, and what access."""
    bucket = _bucket(target)

    async def rules(client: Client) -> list[tuple[str, Policy]]:
        try:
            text = await client.get_bucket_policy_json(bucket)
        except NoSuchBucketPolicy:
            return []
        return anonymous_rules(parse_document(text), bucket)

    for prefix, policy in _call(ctx, rules):
        if as_json:
            output.print_json({"bucket": bucket, "prefix": prefix, "access": ACCESS_NAMES[policy]})
        else:
            output.echo(f"{ACCESS_NAMES[policy]:<8}  s3://{bucket}/{prefix}*")

"""The commands over an object's lock, as mc names them: retention (an object's, or a bucket's
default retention) and legal-hold.

A bad argument (a location, a duration, a date) is a usage error before any connection; a
change is told on stderr (with --json, as one JSON object on stdout), data goes to stdout.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import click

from aiominio import InvalidArgument, Retention, RetentionMode
from aiominio.cli import output
from aiominio.cli.app import (
    bucket_only,
    cli,
    json_option,
    object_only,
    report_done,
    s3_location,
    with_client,
)
from aiominio.cli.explore import parse_duration
from aiominio.cli.paths import S3Location
from aiominio.core.objectlock import ObjectLockConfig

_version_option = click.option("--version-id", "version", metavar="ID", help="Not the latest one.")
_MODES = click.Choice([m.value for m in RetentionMode], case_sensitive=False)
_default_option = click.option("--default", is_flag=True, help="The bucket's default retention.")


def _time_text(when: datetime) -> str:
    return f"{output.date_text(when.astimezone(timezone.utc))} UTC"


# -- retention ---------------------------------------------------------------------------------


def parse_validity(text: str) -> tuple[int, timedelta]:
    """``2y`` -> ``(2, 0)``; else as :func:`~aiominio.cli.explore.parse_duration` (``30d`` ->
    ``(0, 30 days)``), which raises click.BadParameter for anything else."""
    found = re.fullmatch(r"(\d{1,4})y", text.strip(), re.ASCII)
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
            try:
                when = now.replace(year=now.year + years) + delta
            except ValueError:  # 29 February, in a year that has none
                when = now.replace(year=now.year + years, day=28) + delta
        except (ValueError, OverflowError):  # past the year 9999
            raise click.BadParameter(f"a retention that long cannot be: {validity!r}") from None
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


def _where(target: S3Location, default: bool, version: str | None) -> S3Location | str:
    """The object a retention command is about, or with ``--default`` the bucket."""
    if not default:
        return object_only(target)
    if version is not None:
        raise click.UsageError("--default is the bucket's: no --version-id")
    return bucket_only(target)


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
@json_option
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
    as_json: bool,
) -> None:
    """Keep an object version from deletion until a time (or with --default, each new object
    of a bucket for a while)."""
    if default and bypass:
        raise click.UsageError("--default is the bucket's: no --bypass-governance")
    where = _where(target, default, version)
    if isinstance(where, str):
        config = default_retention(mode, validity, until)
        with_client(ctx, lambda c: c.set_object_lock_config(where, config))
        record = {"target": str(target), "default_retention": config}
        report_done(ctx, as_json, record, f"s3://{where}: {default_retention_text(config)}")
        return
    now = datetime.now(timezone.utc)
    kept = Retention(RetentionMode(mode), retain_until(validity, until, now=now))
    b, k = where.bucket, where.key
    with_client(
        ctx,
        lambda c: c.set_object_retention(b, k, kept, version_id=version, bypass_governance=bypass),
    )
    record = {"target": str(where), "version_id": version, "retention": kept}
    line = f"retention {kept.mode.value} until {_time_text(kept.retain_until)} on {where}"
    report_done(ctx, as_json, record, line)


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
        config = with_client(ctx, lambda c: c.get_object_lock_config(where))
        if as_json:
            output.print_json({"target": str(target), "default_retention": config})
        else:
            output.echo(f"s3://{where}: {default_retention_text(config)}")
        return
    b, k = where.bucket, where.key
    found = with_client(ctx, lambda c: c.get_object_retention(b, k, version_id=version))
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
@json_option
@click.pass_context
def retention_clear(
    ctx: click.Context, target: S3Location, default: bool, version: str | None, as_json: bool
) -> None:
    """Remove an object's GOVERNANCE retention with the governance bypass (or with --default,
    the bucket's default retention). A COMPLIANCE retention cannot be removed."""
    where = _where(target, default, version)
    if isinstance(where, str):
        none = ObjectLockConfig()
        with_client(ctx, lambda c: c.set_object_lock_config(where, none))
        record = {"target": str(target), "default_retention": none}
        report_done(ctx, as_json, record, f"s3://{where}: removed the default retention")
        return
    b, k = where.bucket, where.key
    with_client(ctx, lambda c: c.clear_object_retention(b, k, version_id=version))
    record = {"target": str(where), "version_id": version, "retention": None}
    report_done(ctx, as_json, record, f"removed the retention of {where}")


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
    obj = object_only(target)
    b, k = obj.bucket, obj.key
    if action == "info":
        held = with_client(ctx, lambda c: c.is_object_legal_hold_enabled(b, k, version_id=version))
    elif action == "set":
        held = True
        with_client(ctx, lambda c: c.enable_object_legal_hold(b, k, version_id=version))
    else:
        held = False
        with_client(ctx, lambda c: c.disable_object_legal_hold(b, k, version_id=version))
    record = {"target": str(obj), "version_id": version, "legal_hold": held}
    if action != "info":
        report_done(
            ctx, as_json, record, f"legal hold {'set on' if held else 'cleared from'} {obj}"
        )
    elif as_json:
        output.print_json(record)
    else:
        output.echo(f"{obj}: legal hold {'on' if held else 'off'}")

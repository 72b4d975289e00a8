"""``aiominio alias set NAME URL [ACCESS_KEY SECRET_KEY]``, ``alias list``, ``alias remove NAME``:
saved endpoints (:mod:`aiominio.cli.aliases`)."""

from __future__ import annotations

import sys

import click

from aiominio.cli import output
from aiominio.cli.aliases import Alias, AliasError, check_name, load, save
from aiominio.cli.app import cli, json_option
from aiominio.core.endpoint import parse_endpoint
from aiominio.core.validation import check_region


@cli.group()
def alias() -> None:
    """Save, list and remove endpoints: then NAME/bucket/key is a target."""


@alias.command("set")
@click.argument("name")
@click.argument("url")
@click.argument("access_key", required=False)
@click.argument("secret_key", required=False)
@click.option("--region", help="The region to sign for (discovered per bucket when not given).")
@json_option
def set_alias(
    name: str,
    url: str,
    access_key: str | None,
    secret_key: str | None,
    region: str | None,
    as_json: bool,
) -> None:
    """Save URL (and keys) as NAME. A SECRET_KEY of '-' is read from stdin; an ACCESS_KEY
    without SECRET_KEY asks for it (hidden)."""
    check_name(name)
    try:
        parse_endpoint(url)
        if region is not None:
            check_region(region)
    except ValueError as exc:
        raise AliasError(str(exc)) from None
    if access_key is not None and secret_key is None:
        secret_key = click.prompt("Secret key", hide_input=True, err=True)
    elif secret_key == "-":
        secret_key = sys.stdin.readline().rstrip("\r\n")
    if access_key is not None and not secret_key:
        raise AliasError("an access key needs its secret key")
    aliases = load()
    aliases[name] = Alias(url, access_key, secret_key, region)
    path = save(aliases)
    if as_json:
        output.print_json({"saved": name, "url": url, "config": str(path)})
    else:
        output.say(output.stderr_console(), f"saved alias {name} ({url}) in {path}")


@alias.command("list")
@json_option
def list_aliases(as_json: bool) -> None:
    """Show the saved aliases (secret keys as ****)."""
    for name, saved in sorted(load().items()):
        shown = {
            "name": name,
            "url": saved.url,
            "access_key": saved.access_key,
            "secret_key": "****" if saved.secret_key else None,
            "region": saved.region,
        }
        if as_json:
            output.print_json(shown)
        else:
            keys = f"  {saved.access_key} ****" if saved.access_key else ""
            where = f"  ({saved.region})" if saved.region else ""
            output.echo(f"{name}  {saved.url}{keys}{where}")


@alias.command("remove")
@click.argument("name")
@json_option
def remove_alias(name: str, as_json: bool) -> None:
    """Forget the alias NAME."""
    aliases = load()
    if name not in aliases:
        raise AliasError(f"no alias {name!r}")
    del aliases[name]
    save(aliases)
    if as_json:
        output.print_json({"removed": name})
    else:
        output.say(output.stderr_console(), f"removed alias {name}")

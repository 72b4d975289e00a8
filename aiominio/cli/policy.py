"""The anonymous commands, as mc names them: who may read or write a bucket or prefix without
credentials, as canned bucket policies (none, download, upload, public).

A bad argument (a location, an access name) is a usage error before any connection; a change
is told on stderr (with --json, as one JSON object on stdout), data goes to stdout.
"""

from __future__ import annotations

import click

from aiominio import Client, NoSuchBucketPolicy, Policy
from aiominio.cli import output
from aiominio.cli.app import (
    bucket_only,
    cli,
    json_option,
    s3_location,
    settings_of,
    with_client,
)
from aiominio.cli.paths import S3Location
from aiominio.policy import PolicyDocument, derive_policy, parse_document

#: mc's names for the canned anonymous policies.
ACCESS = {"none": Policy.NONE, "download": Policy.READONLY, "upload": Policy.WRITEONLY}
ACCESS["public"] = Policy.READWRITE
ACCESS_NAMES = {policy: name for name, policy in ACCESS.items()}


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
@json_option
@click.pass_context
def anonymous_set(ctx: click.Context, access: str, target: S3Location, as_json: bool) -> None:
    """Let anyone download, upload or both under s3://bucket[/prefix] (none: no one)."""
    with_client(ctx, lambda c: c.set_bucket_policy(target.bucket, target.key, ACCESS[access]))
    if as_json:
        output.print_json({"bucket": target.bucket, "prefix": target.key, "access": access})
    else:
        console = output.stderr_console(quiet=settings_of(ctx).quiet)
        output.say(console, f"anonymous access to {target}: {access}")


@anonymous.command("get")
@click.argument("target", callback=s3_location)
@json_option
@click.pass_context
def anonymous_get(ctx: click.Context, target: S3Location, as_json: bool) -> None:
    """The anonymous access to s3://bucket[/prefix]."""
    access = ACCESS_NAMES[
        with_client(ctx, lambda c: c.get_bucket_policy(target.bucket, target.key))
    ]
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
    bucket = bucket_only(target)

    async def rules(client: Client) -> list[tuple[str, Policy]]:
        try:
            text = await client.get_bucket_policy_json(bucket)
        except NoSuchBucketPolicy:
            return []
        return anonymous_rules(parse_document(text), bucket)

    for prefix, policy in with_client(ctx, rules):
        if as_json:
            output.print_json({"bucket": bucket, "prefix": prefix, "access": ACCESS_NAMES[policy]})
        else:
            output.echo(f"{ACCESS_NAMES[policy]:<8}  s3://{bucket}/{prefix}*")

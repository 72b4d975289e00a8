"""The ``aiominio`` command group: the options every command shares (endpoint, credentials,
region, quiet), the client they make, and the location arguments."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import click

from aiominio.awsconfig import aws_endpoint, configured
from aiominio.cli import aliases, notices, output
from aiominio.cli.paths import (
    LocalPath,
    Location,
    PathError,
    S3Location,
    is_s3,
    parse_location,
    parse_s3,
)
from aiominio.cli.runner import EXIT_ERROR, run
from aiominio.client import Client
from aiominio.core.retry import RetryPolicy
from aiominio.credentials import (
    Credentials,
    CredentialsProvider,
    SharedFileProvider,
    StaticProvider,
)
from aiominio.transport import Timeouts
from aiominio.version import __version__

T = TypeVar("T")

#: Attempts per request on the command line, as the AWS CLI's (the library's default is 10,
#: over up to a minute: a person at a terminal wants to hear sooner).
DEFAULT_MAX_ATTEMPTS = 5
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
    max_attempts: int | None = None
    #: Seconds; 0 turns a limit off; ``None`` keeps the library's default.
    connect_timeout: float | None = None
    read_timeout: float | None = None
    deadline: float | None = None
    #: The saved alias a ``NAME/bucket/key`` target named (its endpoint and keys are used).
    alias: str | None = None

    def timeouts(self) -> Timeouts:
        """The library's default timeouts, with the ones given on the command line."""
        default = Timeouts()

        def chosen(given: float | None, otherwise: float | None) -> float | None:
            return otherwise if given is None else given or None

        return Timeouts(
            connect=chosen(self.connect_timeout, default.connect),
            read=chosen(self.read_timeout, default.read),
            pool=default.pool,
            attempt=default.attempt,
            deadline=chosen(self.deadline, default.deadline),
        )

    def retry(self) -> RetryPolicy | None:
        return RetryPolicy(self.max_attempts) if self.max_attempts is not None else None

    def client(self) -> Client:
        """A client for the endpoint, with credentials from ``--profile`` or the default chain
        (environment, shared files with ``AWS_PROFILE``, web identity).

        As in the AWS CLI, the endpoint and the region not given on the command line come from
        the environment and the profile (:func:`aiominio.awsconfig.configured`: the endpoint
        from ``AWS_ENDPOINT_URL_S3``, the profile's s3 services, ``AWS_ENDPOINT_URL``, the
        profile's ``endpoint_url``; the region from ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the
        profile's ``region``), else Amazon S3 (in the region, if one is known).
        """
        if self.alias is not None:
            return self._alias_client(self.alias)
        endpoint, region = self.endpoint_url, self.region
        if not endpoint or not region:
            found = configured(profile=self.profile)
            region = region or found.region
            endpoint = endpoint or found.endpoint or aws_endpoint(region)
        credentials: CredentialsProvider | None = None
        if self.no_sign_request:
            credentials = StaticProvider(None)
        elif self.profile:
            credentials = SharedFileProvider(self.profile)
        return Client(
            endpoint,
            region=region,
            credentials=credentials,
            retry=self.retry(),
            timeouts=self.timeouts(),
            trust_env=True,  # HTTPS_PROXY, HTTP_PROXY, NO_PROXY, as the AWS CLI reads them
        )

    def _alias_client(self, name: str) -> Client:
        """A client for the saved alias ``name``: its URL, its keys (else the default chain),
        its region unless --region is given."""
        saved = aliases.load()[name]
        credentials: CredentialsProvider | None = None
        if self.no_sign_request:
            credentials = StaticProvider(None)
        elif saved.access_key and saved.secret_key:
            credentials = StaticProvider(Credentials(saved.access_key, saved.secret_key))
        elif self.profile:
            credentials = SharedFileProvider(self.profile)
        return Client(
            saved.url,
            region=self.region or saved.region,
            credentials=credentials,
            retry=self.retry(),
            timeouts=self.timeouts(),
            trust_env=True,
        )


def _parsed(
    ctx: click.Context, param: click.Parameter, value: str | None, *, s3_only: bool
) -> Location | None:
    """An argument as an :class:`S3Location` (``s3://bucket/key``, or ``NAME/bucket/key`` for a
    saved alias ``NAME``) or a :class:`LocalPath`; a bad one is a usage error (exit code 2)."""
    if value is None:
        return None
    try:
        if is_s3(value):
            _no_alias_beside(ctx, param, value)
        elif (not value.startswith(("/", ".", "~")) and "/" in value.rstrip("/")) or (
            s3_only and value
        ):
            saved = aliases.load()
            target = aliases.split_target(value, saved)
            if target is not None or (s3_only and value.rstrip("/") in saved):
                name, bucket, key = target or (value.rstrip("/"), "", "")
                _choose_alias(ctx, param, name)
                if not bucket:
                    if s3_only and ctx.command.name == "ls":
                        return None  # "ls NAME": the alias's buckets
                    raise PathError(f"no bucket in {value!r}")
                return S3Location(bucket, key)
        return parse_s3(value) if s3_only else parse_location(value)
    except PathError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    except aliases.AliasError as exc:
        raise click.BadParameter(exc.message, ctx, param) from None


def _no_alias_beside(ctx: click.Context, param: click.Parameter, value: str) -> None:
    """Refuse an ``s3://`` location in a command that names an alias: its client is the
    alias's, and the location would be read or written there, not where it seems to point."""
    chosen = settings_of(ctx).alias
    if chosen is not None:
        raise click.BadParameter(
            f"{value} beside the alias {chosen}: one endpoint per command (an alias's "
            f"locations are {chosen}/bucket/key; write ./{chosen}/... for a local path)",
            ctx,
            param,
        )


def _choose_alias(ctx: click.Context, param: click.Parameter, name: str) -> None:
    """Make the command use the alias ``name`` (one per command, and not with --endpoint-url
    or an ``s3://`` location)."""
    settings = settings_of(ctx)
    if any(isinstance(v, S3Location) for v in ctx.params.values()):
        raise click.BadParameter(
            f"{name}/... beside an s3:// location: one endpoint per command (write ./{name}/..."
            " for a local path)",
            ctx,
            param,
        )
    if settings.endpoint_url:
        raise click.BadParameter(
            f"{name}/... names a saved alias: give it or --endpoint-url, not both", ctx, param
        )
    if settings.alias not in (None, name):
        raise click.BadParameter(f"one alias per command: {settings.alias} and {name}", ctx, param)
    ctx.obj = dataclasses.replace(settings, alias=name)


def s3_location(ctx: click.Context, param: click.Parameter, value: str | None) -> Location | None:
    """An ``s3://`` location argument."""
    return _parsed(ctx, param, value, s3_only=True)


def any_location(ctx: click.Context, param: click.Parameter, value: str | None) -> Location | None:
    """An ``s3://`` location or local path argument."""
    return _parsed(ctx, param, value, s3_only=False)


#: A timeout in seconds: 0 or more (0 turns the limit off), and finite.
_SECONDS = click.FloatRange(0, 7 * 24 * 3600)

quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress bars or per-file messages."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (one per line).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=output.PROG)
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="The S3 endpoint (env AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, or the profile's "
    "endpoint_url); default AWS.",
)
@click.option(
    "--profile", metavar="NAME", help="A profile of ~/.aws/credentials (env AWS_PROFILE)."
)
@click.option(
    "--region",
    help="The region to sign for (env AWS_REGION or AWS_DEFAULT_REGION, or the profile's "
    "region); discovered per bucket when not given.",
)
@click.option("--no-sign-request", is_flag=True, help="Send anonymous requests.")
@click.option(
    "--max-attempts",
    envvar="AWS_MAX_ATTEMPTS",
    type=click.IntRange(1, 100),
    help=f"Attempts per request, the first included (env AWS_MAX_ATTEMPTS; default "
    f"{DEFAULT_MAX_ATTEMPTS}: a refused connection fails in about a second). Each failed "
    "attempt is told on stderr.",
)
@click.option(
    "--connect-timeout",
    type=_SECONDS,
    metavar="SECONDS",
    help="To open a connection (0: no limit; default 30).",
)
@click.option(
    "--read-timeout",
    type=_SECONDS,
    metavar="SECONDS",
    help="The longest silence of the server during an answer (0: no limit; default 60).",
)
@click.option(
    "--deadline",
    type=_SECONDS,
    metavar="SECONDS",
    help="Each transfer as a whole, its retries and the pauses between them included "
    "(0 or not given: no limit); a recursive command gives each object its own.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Trace every request on stderr (method, URL without query values, attempt, status, "
    "time, request id; never a header or a secret).",
)
@quiet_option
@click.pass_context
def cli(
    ctx: click.Context,
    endpoint_url: str | None,
    profile: str | None,
    region: str | None,
    no_sign_request: bool,
    max_attempts: int | None,
    connect_timeout: float | None,
    read_timeout: float | None,
    deadline: float | None,
    debug: bool,
    quiet: bool,
) -> None:
    """Work with buckets and objects of Amazon S3 and S3-compatible storage.

    Locations are s3://bucket/key; anything else is a local path.
    """
    attempts = DEFAULT_MAX_ATTEMPTS if max_attempts is None else max_attempts
    notices.install(debug=debug, quiet=quiet, max_attempts=attempts)
    ctx.obj = Settings(
        endpoint_url,
        profile,
        region,
        no_sign_request,
        quiet,
        attempts,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
    )


def settings_of(ctx: click.Context, quiet: bool = False) -> Settings:
    """The group's settings; ``quiet`` (a command's own ``--quiet``) turns quiet on."""
    settings = ctx.find_object(Settings)
    assert settings is not None, "a command runs inside the aiominio group"
    return dataclasses.replace(settings, quiet=True) if quiet else settings


def fail_if(failed: int) -> None:
    if failed:
        raise click.exceptions.Exit(EXIT_ERROR)


def with_client(ctx: click.Context, action: Callable[[Client], Awaitable[T]]) -> T:
    """Run ``action`` with a client of the command's settings; what it returns (an error
    becomes the runner's one line and exit code)."""
    settings = settings_of(ctx)

    async def main() -> T:
        async with settings.client() as client:
            return await action(client)

    return run(main())


def report_done(ctx: click.Context, as_json: bool, record: Mapping[str, object], line: str) -> None:
    """A change done: with --json ``record`` as one JSON object on stdout, else ``line`` on
    stderr (unless --quiet)."""
    if as_json:
        output.print_json(record)
    else:
        output.say(output.stderr_console(quiet=settings_of(ctx).quiet), line)


def object_only(target: S3Location) -> S3Location:
    """``target``, which must name an object (a usage error otherwise)."""
    if target.is_dir:
        raise click.UsageError(output.printable(f"{target} is not an object"))
    return target


def bucket_only(target: S3Location) -> str:
    """The bucket ``target`` names, without a key or prefix (a usage error otherwise)."""
    if target.key:
        raise click.UsageError(output.printable(f"{target} is not a bucket (no key or prefix)"))
    return target.bucket

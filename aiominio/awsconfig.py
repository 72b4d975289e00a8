"""Where a client connects when it is not told, found as the AWS SDKs and the AWS CLI find it:
in the environment and in the profile of the AWS shared config file.

The endpoint (the SDKs' "service-specific endpoints", in their order):

1. ``AWS_ENDPOINT_URL_S3``;
2. ``endpoint_url`` under ``s3`` in the profile's ``services`` section;
3. ``AWS_ENDPOINT_URL``;
4. the profile's ``endpoint_url``;

none of them when ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` (or the profile's
``ignore_configured_endpoint_urls``) is ``true``. The region: ``AWS_REGION``, then
``AWS_DEFAULT_REGION``, then the profile's ``region``. The profile is the one named, else
``AWS_PROFILE``, else ``default``; the file ``AWS_CONFIG_FILE``, else ``~/.aws/config``::

    [profile dev]
    region = eu-west-1
    endpoint_url = http://127.0.0.1:9000

With none of them, the endpoint is Amazon S3 (:func:`aws_endpoint`), as it is for the SDKs.
:class:`~aiominio.Client`, the command line and the fsspec filesystem all ask :func:`configured`.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiominio.errors import InvalidArgument

#: Amazon S3's global endpoint: where a client goes when nothing names an endpoint or a region.
AWS_ENDPOINT = "https://s3.amazonaws.com"


@dataclass(frozen=True, slots=True)
class Configured:
    """What the environment and the profile say about the endpoint and the region.

    Attributes:
        endpoint: the endpoint URL found, or ``None``.
        endpoint_source: where it was found, for messages: ``"AWS_ENDPOINT_URL"``, ``"the
            profile 'dev' of /home/me/.aws/config"``; ``None`` with no endpoint.
        region: the region found, or ``None``.
        region_source: where it was found; ``None`` with no region.
    """

    endpoint: str | None = None
    endpoint_source: str | None = None
    region: str | None = None
    region_source: str | None = None


def aws_endpoint(region: str | None = None) -> str:
    """Amazon S3's endpoint for ``region`` (``https://s3.eu-west-1.amazonaws.com``), or its
    global one without a region."""
    if not region:
        return AWS_ENDPOINT
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://s3.{region}.{domain}"


def profile_name(profile: str | None, environ: Mapping[str, str]) -> str:
    """The profile to read: ``profile``, else ``AWS_PROFILE``, else ``default``."""
    return profile or environ.get("AWS_PROFILE") or "default"


def aws_home(environ: Mapping[str, str]) -> Path:
    """The directory of the AWS shared files: ``~/.aws`` (``HOME`` from ``environ``)."""
    return Path(environ.get("HOME", str(Path.home()))) / ".aws"


def config_file(environ: Mapping[str, str]) -> Path:
    """The AWS shared config file: ``AWS_CONFIG_FILE``, else ``~/.aws/config``."""
    return Path(environ.get("AWS_CONFIG_FILE") or aws_home(environ) / "config")


def configured(
    *, profile: str | None = None, environ: Mapping[str, str] | None = None
) -> Configured:
    """The endpoint and the region the environment and the profile name (see the module
    docstring).

    Raises:
        InvalidArgument: the config file cannot be parsed (the message names the file and the
            kind of error, never a line of it: the file may hold keys).
    """
    env = os.environ if environ is None else environ
    name = profile_name(profile, env)
    path = config_file(env)
    settings, s3_settings = _read_profile(path, name)
    where = f"the profile {name!r} of {path}"
    region = _first(
        ("AWS_REGION", env.get("AWS_REGION")),
        ("AWS_DEFAULT_REGION", env.get("AWS_DEFAULT_REGION")),
        (where, settings.get("region")),
    )
    endpoint = _first(
        ("AWS_ENDPOINT_URL_S3", env.get("AWS_ENDPOINT_URL_S3")),
        (f"the s3 services of {where}", s3_settings.get("endpoint_url")),
        ("AWS_ENDPOINT_URL", env.get("AWS_ENDPOINT_URL")),
        (where, settings.get("endpoint_url")),
    )
    if _true(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) or _true(
        settings.get("ignore_configured_endpoint_urls")
    ):
        endpoint = None
    endpoint_source, endpoint_value = endpoint or (None, None)
    region_source, region_value = region or (None, None)
    return Configured(endpoint_value, endpoint_source, region_value, region_source)


def _first(*candidates: tuple[str, str | None]) -> tuple[str, str] | None:
    """``(source, value)`` of the first candidate with a value that is not blank."""
    for source, value in candidates:
        if value and value.strip():
            return source, value.strip()
    return None


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _read_profile(path: Path, profile: str) -> tuple[dict[str, str], dict[str, str]]:
    """The settings of ``profile`` in the config file at ``path``, and those of the ``s3``
    entry of the ``services`` section it names (both empty when there is no file or no such
    profile)."""
    if not path.is_file():
        return {}, {}
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        # A parse error quotes the offending line, a decode error holds the file's bytes: either
        # may be a secret (keys may live in this file too). Only the kind of error leaves this
        # block, and the error is raised outside it, so that not even __context__ keeps them.
        failure: str | None = type(exc).__name__
    else:
        failure = None
    if failure is not None:
        raise InvalidArgument(f"cannot parse the AWS config file {path}: {failure}")
    sections = ["default", "profile default"] if profile == "default" else [f"profile {profile}"]
    section = next((s for s in sections if parser.has_section(s)), None)
    if section is None:
        return {}, {}
    settings = dict(parser[section])
    services = f"services {settings.get('services', '').strip()}"
    s3: dict[str, str] = {}
    if parser.has_section(services):
        # A service's settings are indented lines under its name: "s3 =\n  endpoint_url = ...".
        for line in parser[services].get("s3", "").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                s3[key.strip().lower()] = value.strip()
    return settings, s3

"""Storage options: what fsspec users pass (s3fs's names) turned into a Client's arguments.

Pure: no client is made here. ``fsspec.filesystem("aiominio", key=..., secret=...,
endpoint_url=..., client_kwargs={"region_name": ...})`` takes the options s3fs takes; the
Client's own keywords (``region``, ``max_connections``, ``timeouts``, ``retry``, ...) are taken as
they are.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from aiominio.awsconfig import AWS_ENDPOINT as AWS_ENDPOINT  # the default: URLs name no server
from aiominio.awsconfig import aws_endpoint, configured
from aiominio.credentials import StaticProvider

#: ``client_kwargs`` entries (botocore's names) and the Client keyword each becomes.
_CLIENT_KWARGS = {
    "region_name": "region",
    "endpoint_url": "endpoint_url",
    "verify": "ssl_context",
    "use_ssl": "secure",
    "aws_access_key_id": "access_key",
    "aws_secret_access_key": "secret_key",
    "aws_session_token": "session_token",
}

#: The Client's own keywords, passed through as they are.
CLIENT_OPTIONS = frozenset(
    {
        "access_key",
        "secret_key",
        "session_token",
        "secure",
        "port",
        "region",
        "credentials",
        "max_connections",
        "timeouts",
        "addressing_style",
        "ssl_context",
        "multipart_threshold",
        "retry",
        "integrity",
        "app_info",
        "proxy",
        "proxy_auth",
        "proxy_ca",
        "trust_env",
    }
)


def client_arguments(
    *,
    key: str | None = None,
    secret: str | None = None,
    token: str | None = None,
    endpoint_url: str | None = None,
    anon: bool = False,
    client_kwargs: Mapping[str, object] | None = None,
    options: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, dict[str, object]]:
    """The endpoint and the keyword arguments of the Client these storage options describe.

    ``key``/``secret``/``token`` are the static credentials; ``anon=True`` sends requests
    unsigned; ``client_kwargs`` takes botocore's names (``region_name``, ``endpoint_url``,
    ``verify``, ``use_ssl``); ``options`` are Client keywords. Without an endpoint, the one
    ``environ`` and the AWS profile name is used (``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``,
    the profile's ``endpoint_url``: :func:`aiominio.awsconfig.configured`), with their region
    unless one is given, as :class:`~aiominio.Client` does; else AWS.

    Raises:
        TypeError: an option neither s3fs nor the Client knows, or one given twice.
    """
    env = os.environ if environ is None else environ
    out: dict[str, object] = {}
    for name, value in (client_kwargs or {}).items():
        target = _CLIENT_KWARGS.get(name)
        if target is None:
            raise TypeError(
                f"client_kwargs: unknown option {name!r} (known: {sorted(_CLIENT_KWARGS)})"
            )
        if target == "ssl_context" and value is True:
            continue  # botocore's default: verify
        out[target] = value
    for name, value in (options or {}).items():
        if name not in CLIENT_OPTIONS:
            raise TypeError(f"unknown storage option {name!r}")
        if name in out:
            raise TypeError(f"{name!r} given twice")
        out[name] = value
    for name, value in (("access_key", key), ("secret_key", secret), ("session_token", token)):
        if value is not None:
            if name in out:
                raise TypeError(f"{name!r} given twice")
            out[name] = value
    given_endpoint = out.pop("endpoint_url", None)
    if endpoint_url is not None and given_endpoint is not None and endpoint_url != given_endpoint:
        raise TypeError("endpoint_url given twice, differently")
    endpoint = endpoint_url or given_endpoint
    if endpoint is None:
        found = configured(environ=env)
        if out.get("region") is None and found.region is not None:
            out["region"] = found.region
        region = out.get("region")
        endpoint = found.endpoint or aws_endpoint(region if isinstance(region, str) else None)
    if not isinstance(endpoint, str):
        raise TypeError("endpoint_url must be a str")
    if anon:
        if any(out.get(n) is not None for n in ("access_key", "secret_key", "credentials")):
            raise TypeError("anon=True takes no credentials")
        out["credentials"] = StaticProvider(None)
    return endpoint, out

"""Credentials and where they come from.

A :class:`Credentials` value never shows its secret key or session token in ``repr``/``str``.
A provider is anything with ``async def retrieve() -> Credentials | None``; ``None`` means
anonymous access. Providers of temporary credentials (STS, instance metadata) refresh them
shortly before they expire, once, however many requests wait for them at the same time.

The chain a :class:`~aiominio.Client` uses when given no keys (:func:`default_chain`):

1. the environment: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``, then
   ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``;
2. the AWS shared files (``~/.aws/credentials`` and ``~/.aws/config``; ``AWS_PROFILE``,
   ``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``);
3. web identity, when ``AWS_WEB_IDENTITY_TOKEN_FILE`` and ``AWS_ROLE_ARN`` are set;
4. the EC2 instance metadata service (IMDSv2), only when asked for (``imds=True``), so a client
   off EC2 never waits on a link-local address;

and anonymous access when none of them has credentials.
"""

from __future__ import annotations

# The package's modules: basic (Credentials, the provider protocol, the providers that need no
# request, RefreshingProvider), remote (STS, web identity, IMDS), chain (ChainProvider,
# default_chain, provider_for). Every name is imported from here.
from aiominio.credentials.basic import (
    Credentials,
    CredentialsProvider,
    EnvironmentProvider,
    RefreshingProvider,
    SharedFileProvider,
    StaticProvider,
)
from aiominio.credentials.chain import ChainProvider, default_chain, provider_for
from aiominio.credentials.remote import (
    AssumeRoleProvider,
    Fetch,
    FetchResponse,
    IMDSProvider,
    WebIdentityProvider,
)
from aiominio.errors import CredentialsError as CredentialsError  # what providers raise

__all__ = [
    "AssumeRoleProvider",
    "ChainProvider",
    "Credentials",
    "CredentialsError",
    "CredentialsProvider",
    "EnvironmentProvider",
    "Fetch",
    "FetchResponse",
    "IMDSProvider",
    "RefreshingProvider",
    "SharedFileProvider",
    "StaticProvider",
    "WebIdentityProvider",
    "default_chain",
    "provider_for",
]

"""Credentials and where they come from.

A :class:`Credentials` value never shows its secret key or session token in ``repr``/``str``.
A provider is anything with ``async def retrieve() -> Credentials | None``
(:class:`CredentialsProvider`); ``None`` means anonymous access. Providers of temporary
credentials (STS, MinIO's STS flavours, instance metadata, the container agent, a
``credential_process``) refresh them shortly before they expire, once, however many requests
wait for them at the same time (:class:`RefreshingProvider`).

The chain a :class:`~aiominio.Client` uses when given no keys (:func:`default_chain`), in the
AWS SDKs' order:

1. the environment: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``, then
   ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``;
2. web identity, when ``AWS_WEB_IDENTITY_TOKEN_FILE`` and ``AWS_ROLE_ARN`` are set;
3. the AWS shared files (``~/.aws/credentials`` and ``~/.aws/config``; ``AWS_PROFILE``,
   ``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``): the profile's keys, else its
   ``credential_process``;
4. the container agent (ECS, EKS Pod Identity), when ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI``
   or ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` is set;
5. the EC2 instance metadata service (IMDSv2), only when asked for (``imds=True``), so a client
   off EC2 never waits on a link-local address;

and anonymous access when none of them has credentials.
"""

from __future__ import annotations

# The package's modules: basic (Credentials, the provider protocol, static keys, the
# environment, RefreshingProvider), profile (the shared files, credential_process), remote (STS,
# web identity, IMDS), container (ECS and EKS Pod Identity), minio_sts (MinIO's STS flavours),
# chain (ChainProvider, default_chain, provider_for). Every name is imported from here.
from aiominio.credentials.basic import (
    Credentials,
    CredentialsProvider,
    EnvironmentProvider,
    RefreshingProvider,
    StaticProvider,
)
from aiominio.credentials.chain import ChainProvider, default_chain, provider_for
from aiominio.credentials.container import ContainerProvider
from aiominio.credentials.minio_sts import (
    CertificateIdentityProvider,
    ClientGrantsProvider,
    CustomTokenProvider,
    LDAPIdentityProvider,
)
from aiominio.credentials.profile import ProcessProvider, SharedFileProvider
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
    "CertificateIdentityProvider",
    "ChainProvider",
    "ClientGrantsProvider",
    "ContainerProvider",
    "Credentials",
    "CredentialsError",
    "CredentialsProvider",
    "CustomTokenProvider",
    "EnvironmentProvider",
    "Fetch",
    "FetchResponse",
    "IMDSProvider",
    "LDAPIdentityProvider",
    "ProcessProvider",
    "RefreshingProvider",
    "SharedFileProvider",
    "StaticProvider",
    "WebIdentityProvider",
    "default_chain",
    "provider_for",
]

"""Which provider a client signs with: :class:`ChainProvider`, the first of several that has
credentials; :func:`default_chain`, the chain of a client given no keys; :func:`provider_for`,
a client's arguments made a provider."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.credentials.basic import (
    Credentials,
    CredentialsProvider,
    EnvironmentProvider,
    LoopLocks,
    StaticProvider,
)
from aiominio.credentials.container import ContainerProvider, wants_container_credentials
from aiominio.credentials.profile import SharedFileProvider
from aiominio.credentials.remote import IMDSProvider, WebIdentityProvider
from aiominio.errors import CredentialsError, InvalidArgument


class ChainProvider:
    """The first provider in order that has credentials; anonymous when none has.

    The provider that answered is remembered, so the chain is walked once, not per request.
    """

    def __init__(self, providers: Sequence[CredentialsProvider]) -> None:
        self._providers = list(providers)
        self._chosen: CredentialsProvider | None = None
        self._locks = LoopLocks()  # usable from any loop, as RefreshingProvider

    def __repr__(self) -> str:
        return f"ChainProvider({self._providers!r})"

    async def retrieve(self) -> Credentials | None:
        if self._chosen is not None:
            return await self._chosen.retrieve()
        async with self._locks.get():
            if self._chosen is not None:
                return await self._chosen.retrieve()
            for provider in self._providers:
                found = await provider.retrieve()
                if found is not None:
                    self._chosen = provider
                    return found
            return None


def provider_for(
    access_key: str | None,
    secret_key: str | None,
    session_token: str | None,
    credentials: CredentialsProvider | None,
) -> CredentialsProvider:
    """The provider a :class:`~aiominio.Client` gets from its arguments: ``credentials``, else
    static keys, else :func:`default_chain` (anonymous when it finds none; pass
    ``StaticProvider(None)`` to force anonymous access).

    Raises:
        InvalidArgument: half a key pair, a session token without keys, or keys and a provider.
        TypeError: ``credentials`` is not a provider.
    """
    if (access_key is None) != (secret_key is None):
        raise InvalidArgument("give both access_key and secret_key, or neither")
    if credentials is not None:
        if access_key is not None:
            raise InvalidArgument("give either credentials or access_key/secret_key, not both")
        if not isinstance(credentials, CredentialsProvider):
            raise TypeError("credentials must be a provider (see aiominio.credentials)")
        return credentials
    if access_key is not None and secret_key is not None:
        return StaticProvider(Credentials(access_key, secret_key, session_token))
    if session_token is not None:
        raise InvalidArgument("session_token needs access_key and secret_key")
    return default_chain()


def default_chain(*, imds: bool = False, environ: Mapping[str, str] | None = None) -> ChainProvider:
    """The chain of a client given no keys, in the AWS SDKs' order: the environment's keys; web
    identity, when ``AWS_WEB_IDENTITY_TOKEN_FILE`` and ``AWS_ROLE_ARN`` are set; the profile of
    the shared files (its keys, else its ``credential_process``); the container agent, when
    ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` or ``_FULL_URI`` is set; and, if asked, IMDSv2.

    Raises:
        InvalidArgument: the container settings are set but unusable (a full URI to a host
            that may not be sent the token in clear, a token with a line break).
    """
    env = os.environ if environ is None else environ
    providers: list[CredentialsProvider] = [EnvironmentProvider(environ)]
    token_file, role_arn = env.get("AWS_WEB_IDENTITY_TOKEN_FILE"), env.get("AWS_ROLE_ARN")
    if token_file and role_arn:
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
        sts = env.get("AWS_ENDPOINT_URL_STS") or f"https://sts.{region}.amazonaws.com"
        providers.append(
            WebIdentityProvider(
                sts, role_arn, token_file, session_name=env.get("AWS_ROLE_SESSION_NAME", "aiominio")
            )
        )
    providers.append(SharedFileProvider(environ=environ))
    if wants_container_credentials(env):
        try:
            providers.append(ContainerProvider(environ=env))
        except InvalidArgument as exc:
            # Misconfigured, it must not stop the providers before it (keys in the
            # environment): it fails when the chain reaches it, and only then.
            providers.append(_Misconfigured(f"container credentials: {exc}"))
    if imds:
        providers.append(IMDSProvider())
    return ChainProvider(providers)


class _Misconfigured:
    """A provider of the chain whose settings are wrong: it fails when it is asked."""

    def __init__(self, message: str) -> None:
        self._message = message

    def __repr__(self) -> str:
        return "_Misconfigured()"

    async def retrieve(self) -> Credentials | None:
        raise CredentialsError(self._message)

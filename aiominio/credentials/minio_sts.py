"""MinIO's own STS flavours: temporary credentials for an LDAP user
(:class:`LDAPIdentityProvider`), an OAuth2 client's token (:class:`ClientGrantsProvider`), a
TLS client certificate (:class:`CertificateIdentityProvider`) and a token an identity plugin
checks (:class:`CustomTokenProvider`).

MinIO's STS endpoint is the server itself. Each provider POSTs a form to it, unsigned (the form
carries the proof of identity), and reads the ``<Action>Response`` as AWS STS answers are read.
"""

from __future__ import annotations

import inspect
import ssl
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlencode, urlsplit

from aiominio.credentials.basic import Credentials, RefreshingProvider
from aiominio.credentials.remote import (
    Fetch,
    FetchResponse,
    default_fetch,
    parse_sts_answer,
    sts_refusal,
)
from aiominio.errors import CredentialsError, InvalidArgument

#: A token, or what gives a fresh one at each refresh: a function, plain or ``async``.
TokenSource = str | Callable[[], str | Awaitable[str]]

#: The lifetimes MinIO grants, in seconds: 15 minutes to 365 days.
MIN_DURATION, MAX_DURATION = 900, 365 * 24 * 3600

_FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class MinioSTSProvider(RefreshingProvider):
    """What MinIO's STS flavours share: the endpoint, the lifetime asked for, the POST, the
    answer. A subclass names its ``action`` and gives its form fields (:meth:`_form`)."""

    action = ""

    def __init__(
        self, sts_endpoint: str, *, duration: int | None = None, fetch: Fetch | None = None
    ) -> None:
        super().__init__()
        parts = urlsplit(sts_endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidArgument("sts_endpoint must be an http or https URL")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            # Every flavour sends a secret (a password, a token) in the request's body.
            raise InvalidArgument(
                "sts_endpoint must be https (plain http only to a loopback address): the "
                "request carries a password or token"
            )
        if duration is not None and (
            isinstance(duration, bool) or not MIN_DURATION <= duration <= MAX_DURATION
        ):
            raise InvalidArgument(f"duration must be {MIN_DURATION} to {MAX_DURATION} seconds")
        self._endpoint = sts_endpoint.rstrip("/")
        self._duration = duration
        self._fetch_fn = fetch or default_fetch()

    async def _form(self) -> tuple[Mapping[str, str], tuple[str, ...]]:
        """The action's own form fields, and the secrets among them (cut out of a refusal)."""
        raise NotImplementedError

    async def _fetch(self) -> Credentials:
        fields, secrets = await self._form()
        form = {"Action": self.action, "Version": "2011-06-15", **fields}
        if self._duration is not None:
            form["DurationSeconds"] = str(self._duration)
        resp: FetchResponse = await self._fetch_fn(
            "POST", self._endpoint + "/", headers=_FORM, body=urlencode(form).encode()
        )
        if resp.status != 200:
            raise sts_refusal(resp.status, resp.body, secrets)
        return parse_sts_answer(resp.body, f"{self.action}Result")


class LDAPIdentityProvider(MinioSTSProvider):
    """Temporary credentials for an LDAP user, from MinIO's ``AssumeRoleWithLDAPIdentity``.

    ``policy`` (a policy JSON document) narrows what the credentials may do. The password is
    sent at each refresh and appears in no repr, log line or exception.
    """

    action = "AssumeRoleWithLDAPIdentity"

    def __init__(
        self,
        sts_endpoint: str,
        username: str,
        password: str,
        *,
        duration: int | None = None,
        policy: str | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__(sts_endpoint, duration=duration, fetch=fetch)
        if not username or not password:
            raise InvalidArgument("username and password must be non-empty strings")
        self._username = username
        self._password = password
        self._policy = policy

    def __repr__(self) -> str:
        return f"LDAPIdentityProvider({self._endpoint!r}, username={self._username!r})"

    async def _form(self) -> tuple[Mapping[str, str], tuple[str, ...]]:
        fields = {"LDAPUsername": self._username, "LDAPPassword": self._password}
        if self._policy:
            fields["Policy"] = self._policy
        return fields, (self._password,)


class ClientGrantsProvider(MinioSTSProvider):
    """Temporary credentials for an OAuth2/OpenID client, from MinIO's
    ``AssumeRoleWithClientGrants``.

    ``token`` is the client's access token (a JWT), or a function (plain or ``async``) that
    gets a fresh one: it is called at each refresh, as the token usually lives no longer than
    the credentials. Without ``duration`` MinIO makes them last as long as the token.
    """

    action = "AssumeRoleWithClientGrants"

    def __init__(
        self,
        sts_endpoint: str,
        token: TokenSource,
        *,
        duration: int | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__(sts_endpoint, duration=duration, fetch=fetch)
        self._token = _check_token_source(token)

    def __repr__(self) -> str:
        return f"ClientGrantsProvider({self._endpoint!r})"

    async def _form(self) -> tuple[Mapping[str, str], tuple[str, ...]]:
        token = await _token_of(self._token, self.action)
        return {"Token": token}, (token,)


class CustomTokenProvider(MinioSTSProvider):
    """Temporary credentials for a token that MinIO's identity plugin checks, from MinIO's
    ``AssumeRoleWithCustomToken``: ``role_arn`` is the plugin's role (``mc admin info``).

    ``token`` is the token, or a function (plain or ``async``) called at each refresh.
    """

    action = "AssumeRoleWithCustomToken"

    def __init__(
        self,
        sts_endpoint: str,
        token: TokenSource,
        role_arn: str,
        *,
        duration: int | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__(sts_endpoint, duration=duration, fetch=fetch)
        if not role_arn.startswith("arn:"):
            raise InvalidArgument(f"role_arn is not an ARN: {role_arn!r}")
        self._token = _check_token_source(token)
        self._role_arn = role_arn

    def __repr__(self) -> str:
        return f"CustomTokenProvider({self._endpoint!r}, role_arn={self._role_arn!r})"

    async def _form(self) -> tuple[Mapping[str, str], tuple[str, ...]]:
        token = await _token_of(self._token, self.action)
        return {"Token": token, "RoleArn": self._role_arn}, (token,)


class CertificateIdentityProvider(MinioSTSProvider):
    """Temporary credentials for a TLS client certificate, from MinIO's
    ``AssumeRoleWithCertificate``: the certificate is the proof, so the endpoint must be
    ``https`` and ``ssl_context`` must hold the certificate chain and its key::

        context = ssl.create_default_context(cafile="ca.pem")
        context.load_cert_chain("client.pem", "client.key")
        provider = CertificateIdentityProvider("https://minio:9000", context)

    MinIO maps the certificate's subject common name to a policy of that name.
    """

    action = "AssumeRoleWithCertificate"

    def __init__(
        self,
        sts_endpoint: str,
        ssl_context: ssl.SSLContext,
        *,
        duration: int | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        if not isinstance(ssl_context, ssl.SSLContext):
            raise TypeError("ssl_context must be an ssl.SSLContext holding the client certificate")
        if urlsplit(sts_endpoint).scheme != "https":
            raise InvalidArgument("AssumeRoleWithCertificate needs an https sts_endpoint")
        super().__init__(sts_endpoint, duration=duration, fetch=fetch or tls_fetch(ssl_context))

    def __repr__(self) -> str:
        return f"CertificateIdentityProvider({self._endpoint!r})"

    async def _form(self) -> tuple[Mapping[str, str], tuple[str, ...]]:
        return {}, ()


def tls_fetch(ssl_context: ssl.SSLContext) -> Fetch:
    """A :class:`~aiominio.credentials.Fetch` that connects with ``ssl_context`` (its client
    certificate, its trusted CAs), otherwise as :func:`aiominio.transport.fetch`."""
    from aiominio.transport import CREDENTIALS_ANSWER_LIMIT, Timeouts, Transport

    async def fetch(
        method: str,
        url: str,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 5.0,
    ) -> FetchResponse:
        async with Transport(
            max_connections=1,
            timeouts=Timeouts(connect=timeout, read=timeout, attempt=timeout * 2),
            ssl_context=ssl_context,
        ) as transport:
            return await transport.request(
                method,
                url,
                dict(headers or {}),
                body,
                limit=CREDENTIALS_ANSWER_LIMIT,
                error_limit=CREDENTIALS_ANSWER_LIMIT,
            )

    return fetch


def _check_token_source(token: TokenSource) -> TokenSource:
    if isinstance(token, str):
        if not token:
            raise InvalidArgument("token must not be empty")
    elif not callable(token):
        raise TypeError("token must be a str or a function that returns one")
    return token


async def _token_of(source: TokenSource, action: str) -> str:
    """The token to send now: ``source`` itself, or what it gives."""
    if isinstance(source, str):
        return source
    token = source()
    if inspect.isawaitable(token):
        token = await token
    if not isinstance(token, str) or not token:
        raise CredentialsError(f"the token function of {action} gave no token (no str, or empty)")
    return token

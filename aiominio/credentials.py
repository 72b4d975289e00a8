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

import asyncio
import configparser
import hashlib
import json
import os
import re
import threading
import weakref
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import urlencode

from aiominio.core import signing, xml
from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.validation import check_header_value
from aiominio.errors import AiominioError, InvalidArgument, InvalidResponseError
from aiominio.errors import CredentialsError as CredentialsError  # raised here; named here too


@dataclass(frozen=True, slots=True)
class Credentials:
    """An access key, its secret, and an optional session token and expiry.

    ``repr`` shows the access key only; the secret and token are hidden.

    Raises:
        InvalidArgument: an empty key, or a key or token holding anything but visible ASCII,
            spaces and tabs (a trailing newline read from a file, say): the access key and the
            token are sent in headers, and a secret with such a character signs nothing a
            server accepts. The message names the field and the character, never the value.
        TypeError: a session token that is not a str.
    """

    access_key: str
    secret_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.access_key, str) or not self.access_key:
            raise InvalidArgument("access_key must be a non-empty string")
        if not isinstance(self.secret_key, str) or not self.secret_key:
            raise InvalidArgument("secret_key must be a non-empty string")
        if self.session_token is not None and not isinstance(self.session_token, str):
            raise TypeError("session_token must be a str or None")
        check_header_value("access_key", self.access_key)
        check_header_value("secret_key", self.secret_key)
        if self.session_token is not None:
            check_header_value("session_token", self.session_token)

    def expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        """Whether these credentials expire within ``margin`` from ``now``."""
        if self.expiration is None:
            return False
        return self.expiration - margin <= (now or datetime.now(timezone.utc))


def _fetched(
    source: str,
    access_key: str,
    secret_key: str,
    session_token: str | None = None,
    expiration: datetime | None = None,
) -> Credentials:
    """Credentials a provider read or was sent: a value :class:`Credentials` refuses is the
    source's fault, not the caller's, so it is a :class:`CredentialsError` naming the source."""
    try:
        return Credentials(access_key, secret_key, session_token, expiration)
    except InvalidArgument as exc:
        problem = str(exc)  # names the field and the character, never the value
    raise CredentialsError(f"{source} gave unusable credentials: {problem}")


def _check_fetched_header(source: str, what: str, value: str) -> str:
    """``value``, read or sent by ``source``, if it can be sent in a header; else a
    :class:`CredentialsError` naming the source (and the character, never the value)."""
    try:
        return check_header_value(what, value)
    except InvalidArgument as exc:
        problem = str(exc)
    raise CredentialsError(f"{source}: {problem}")


@runtime_checkable
class CredentialsProvider(Protocol):
    """Something that hands out credentials, possibly refreshing them."""

    async def retrieve(self) -> Credentials | None:
        """Return the credentials to sign with, or ``None`` for anonymous requests."""
        ...


class StaticProvider:
    """Always the same credentials (or always anonymous when given ``None``)."""

    def __init__(self, credentials: Credentials | None) -> None:
        self._credentials = credentials

    def __repr__(self) -> str:
        return f"StaticProvider({self._credentials!r})"

    @property
    def credentials(self) -> Credentials | None:
        """The credentials it hands out (without awaiting :meth:`retrieve`)."""
        return self._credentials

    async def retrieve(self) -> Credentials | None:
        return self._credentials


class EnvironmentProvider:
    """``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``, else
    ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``; ``None`` when neither pair is set."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def __repr__(self) -> str:
        return "EnvironmentProvider()"

    async def retrieve(self) -> Credentials | None:
        env = os.environ if self._environ is None else self._environ
        access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        if access and secret:
            token = env.get("AWS_SESSION_TOKEN") or None
            return _fetched("the environment (AWS_*)", access, secret, token)
        access, secret = env.get("MINIO_ACCESS_KEY"), env.get("MINIO_SECRET_KEY")
        if access and secret:
            return _fetched("the environment (MINIO_*)", access, secret)
        return None


class SharedFileProvider:
    """Keys of a profile in the AWS shared credentials and config files.

    The profile is ``profile``, else ``AWS_PROFILE``, else ``default``. The credentials file
    (``[name]`` sections) wins over the config file (``[profile name]`` sections).
    """

    def __init__(
        self,
        profile: str | None = None,
        *,
        credentials_file: str | os.PathLike[str] | None = None,
        config_file: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.profile = profile or env.get("AWS_PROFILE") or "default"
        home = Path(env.get("HOME", str(Path.home())))
        self._credentials_file = Path(
            credentials_file or env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws/credentials"
        )
        self._config_file = Path(config_file or env.get("AWS_CONFIG_FILE") or home / ".aws/config")

    def __repr__(self) -> str:
        return f"SharedFileProvider(profile={self.profile!r})"

    def _read(self) -> Credentials | None:
        for path, section in (
            (self._credentials_file, self.profile),
            (
                self._config_file,
                self.profile if self.profile == "default" else f"profile {self.profile}",
            ),
        ):
            if not path.is_file():
                continue
            parser = configparser.RawConfigParser()
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError) as exc:
                # A parse error quotes the offending line, a decode error holds the file's
                # bytes: either may be a secret. Only the kind of error leaves this block, and
                # the error is raised outside it, so that not even __context__ keeps them.
                failure: str | None = type(exc).__name__
            else:
                failure = None
            if failure is not None:
                raise CredentialsError(f"cannot parse {path}: {failure}")
            if not parser.has_section(section):
                continue
            values = parser[section]
            access = values.get("aws_access_key_id")
            secret = values.get("aws_secret_access_key")
            if access and secret:
                token = values.get("aws_session_token") or None
                return _fetched(f"profile {self.profile!r} of {path}", access, secret, token)
        return None

    async def retrieve(self) -> Credentials | None:
        return await asyncio.to_thread(self._read)


class _LoopLocks:
    """An :class:`asyncio.Lock` for each event loop, made when that loop first asks.

    An asyncio lock belongs to the first loop it waits in, so one lock in a provider used from
    two loops (two ``asyncio.run`` one after the other, threads each running a loop) fails
    with asyncio's "bound to a different event loop". Callers in one loop still share one
    lock, hence one refresh; loops do not wait for one another (no lock could make a loop wait
    for another without blocking it), so at worst each refreshes once.
    """

    def __init__(self) -> None:
        # Weak keys: a closed loop that nothing else holds takes its lock with it.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()  # loops in other threads make their locks at once

    def get(self) -> asyncio.Lock:
        """The lock of the running loop."""
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._locks.get(loop)
            if lock is None:
                lock = self._locks[loop] = asyncio.Lock()
            return lock


class RefreshingProvider:
    """Base for providers of temporary credentials.

    Credentials are cached and fetched again ``refresh_margin`` before they expire. Concurrent
    callers share one fetch: a lock makes sure that a hundred requests arriving with expired
    credentials cause a single refresh. A provider may be used from any event loop, one after
    another or at once from threads (each loop has its own lock; the credentials are shared).
    """

    refresh_margin = timedelta(minutes=5)

    def __init__(self) -> None:
        self._cached: Credentials | None = None
        self._refresh_at: datetime | None = None
        self._locks = _LoopLocks()
        self.refreshes = 0

    def _fresh(self) -> Credentials | None:
        cached = self._cached
        if cached is None:
            return None
        if self._refresh_at is None or datetime.now(timezone.utc) < self._refresh_at:
            return cached
        return None

    async def retrieve(self) -> Credentials | None:
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        async with self._locks.get():
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            creds = await self._fetch()
            self.refreshes += 1
            self._cached = creds
            self._refresh_at = None
            if creds.expiration is not None:
                # Refresh ``refresh_margin`` early, or halfway for credentials shorter-lived
                # than that, so a short lifetime does not mean a fetch per request.
                left = creds.expiration - datetime.now(timezone.utc)
                self._refresh_at = creds.expiration - min(self.refresh_margin, left / 2)
            return creds

    async def _fetch(self) -> Credentials:
        raise NotImplementedError


class Fetch(Protocol):
    """How a credentials provider sends one HTTP request (:func:`aiominio.transport.fetch`, or a
    stand-in in tests)."""

    def __call__(
        self,
        method: str,
        url: str,
        /,
        *,
        headers: Mapping[str, str] | None = ...,
        body: bytes | None = ...,
        timeout: float = ...,
    ) -> Awaitable[FetchResponse]: ...


class FetchResponse(Protocol):
    """What a credentials provider needs of an HTTP answer."""

    @property
    def status(self) -> int: ...

    @property
    def body(self) -> bytes: ...


def _default_fetch() -> Fetch:
    from aiominio.transport import fetch

    return fetch


def _parse_sts(body: bytes, result_tag: str) -> Credentials:
    try:
        root = xml.parse(body)
    except InvalidResponseError as exc:
        # Its ``body`` (and the parser's error under it) holds the answer, keys and all: only
        # the message leaves this block, and the error is raised outside it, so that not even
        # __context__ keeps the answer.
        problem: str | None = str(exc)
    else:
        problem = None
    if problem is not None:
        raise InvalidResponseError(f"STS: {problem}")
    creds = root.find(f"{result_tag}/Credentials")
    if creds is None:
        raise CredentialsError(f"STS answer without {result_tag}/Credentials")
    expiration = xml.text(creds, "Expiration")
    return _fetched(
        "STS",
        xml.required_text(creds, "AccessKeyId"),
        xml.required_text(creds, "SecretAccessKey"),
        xml.text(creds, "SessionToken") or None,
        xml.parse_iso_datetime(expiration) if expiration else None,
    )


def _parse_imds(body: bytes) -> Credentials:
    """The credentials in an IMDS answer (a JSON document)."""
    try:
        doc = json.loads(body)
    except ValueError as exc:
        # The decode error keeps the whole document (``exc.doc``): only its message leaves
        # this block, raised outside it so that not even __context__ holds the keys.
        problem: str | None = str(exc)
    else:
        problem = None
    if problem is not None:
        raise InvalidResponseError(f"IMDS answered with no JSON ({problem})")
    if not isinstance(doc, dict):
        raise InvalidResponseError("IMDS answered with no JSON object")
    if doc.get("Code", "Success") != "Success":
        raise CredentialsError(f"IMDS answered {doc.get('Code')}")
    key, secret = doc.get("AccessKeyId"), doc.get("SecretAccessKey")
    token, expiration = doc.get("Token") or None, doc.get("Expiration") or None
    if not (key and secret and isinstance(key, str) and isinstance(secret, str)):
        raise InvalidResponseError("IMDS answered without an AccessKeyId and a SecretAccessKey")
    if not isinstance(token, (str, type(None))) or not isinstance(expiration, (str, type(None))):
        raise InvalidResponseError("IMDS answered with a Token or Expiration that is no string")
    return _fetched(
        "IMDS", key, secret, token, xml.parse_iso_datetime(expiration) if expiration else None
    )


def _sts_error(status: int, body: bytes, secrets: Sequence[str | None]) -> CredentialsError:
    """The error of an STS refusal; ``secrets`` sent with the request are cut out of what the
    server says (a server may quote the token it refuses)."""
    try:
        root = xml.parse(body)
        code = xml.text(root, "Error/Code") or xml.text(root, "Code")
        message = xml.text(root, "Error/Message") or xml.text(root, "Message")
    except AiominioError:
        code, message = f"HTTP{status}", ""
    text = f"STS refused: {code} (HTTP {status}) {message}".strip()
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<hidden>")
    return CredentialsError(text)


class AssumeRoleProvider(RefreshingProvider):
    """Temporary credentials from STS ``AssumeRole``, signed with a source provider's keys."""

    def __init__(
        self,
        sts_endpoint: str,
        source: CredentialsProvider,
        role_arn: str,
        *,
        session_name: str = "aiominio",
        duration: int = 3600,
        region: str = DEFAULT_REGION,
        external_id: str | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__()
        if not role_arn.startswith("arn:"):
            raise InvalidArgument(f"role_arn is not an ARN: {role_arn!r}")
        if not 900 <= duration <= 43200:
            raise InvalidArgument("duration must be 900 to 43200 seconds")
        self._endpoint = sts_endpoint.rstrip("/")
        self._source = source
        self._params = {
            "Action": "AssumeRole",
            "Version": "2011-06-15",
            "RoleArn": role_arn,
            "RoleSessionName": session_name,
            "DurationSeconds": str(duration),
        }
        if external_id:
            self._params["ExternalId"] = external_id
        self._region = region
        self._fetch_fn = fetch or _default_fetch()

    def __repr__(self) -> str:
        return f"AssumeRoleProvider(role_arn={self._params['RoleArn']!r})"

    async def _fetch(self) -> Credentials:
        source = await self._source.retrieve()
        if source is None:
            raise CredentialsError("AssumeRole needs source credentials")
        body = urlencode(self._params).encode()
        headers = signing.sign_request(
            "POST",
            self._endpoint + "/",
            {"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
            payload_hash=hashlib.sha256(body).hexdigest(),
            credentials=source,
            region=self._region,
            service="sts",
            now=datetime.now(timezone.utc),
        )
        resp = await self._fetch_fn("POST", self._endpoint + "/", headers=headers, body=body)
        if resp.status != 200:
            raise _sts_error(resp.status, resp.body, (source.secret_key, source.session_token))
        return _parse_sts(resp.body, "AssumeRoleResult")


class WebIdentityProvider(RefreshingProvider):
    """Temporary credentials from STS ``AssumeRoleWithWebIdentity`` (an OIDC token, such as a
    Kubernetes service account token, read from ``token_file`` at every refresh)."""

    def __init__(
        self,
        sts_endpoint: str,
        role_arn: str,
        token_file: str | os.PathLike[str],
        *,
        session_name: str = "aiominio",
        duration: int = 3600,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__()
        self._endpoint = sts_endpoint.rstrip("/")
        self._role_arn = role_arn
        self._token_file = Path(token_file)
        self._session_name = session_name
        self._duration = duration
        self._fetch_fn = fetch or _default_fetch()

    def __repr__(self) -> str:
        return f"WebIdentityProvider(role_arn={self._role_arn!r})"

    async def _fetch(self) -> Credentials:
        token = await asyncio.to_thread(self._read_token)
        body = urlencode(
            {
                "Action": "AssumeRoleWithWebIdentity",
                "Version": "2011-06-15",
                "RoleArn": self._role_arn,
                "RoleSessionName": self._session_name,
                "WebIdentityToken": token,
                "DurationSeconds": str(self._duration),
            }
        ).encode()
        headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
        resp = await self._fetch_fn("POST", self._endpoint + "/", headers=headers, body=body)
        if resp.status != 200:
            raise _sts_error(resp.status, resp.body, (token,))
        return _parse_sts(resp.body, "AssumeRoleWithWebIdentityResult")

    def _read_token(self) -> str:
        try:
            token = self._token_file.read_text("utf-8").strip()
        except (OSError, UnicodeError) as exc:
            # A decode error holds the file's bytes, the token: only the kind of error and the
            # OS's reason leave this block, raised outside it (not even __context__ keeps it).
            failure: str | None = f"{type(exc).__name__} {getattr(exc, 'strerror', '') or ''}"
        else:
            failure = None
        if failure is not None:
            raise CredentialsError(
                f"cannot read the web identity token file {self._token_file}: {failure.strip()}"
            )
        if not token:
            raise CredentialsError(f"the web identity token file {self._token_file} is empty")
        return token


#: An IAM role name, as IAM allows them.
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)


class IMDSProvider(RefreshingProvider):
    """The instance role's credentials from the EC2 instance metadata service, version 2
    (a session token is fetched with PUT first, then sent with every GET)."""

    def __init__(
        self,
        endpoint: str = "http://169.254.169.254",
        *,
        timeout: float = 1.0,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__()
        self._endpoint = endpoint.rstrip("/")
        self._timeout = timeout
        self._fetch_fn = fetch or _default_fetch()

    def __repr__(self) -> str:
        return f"IMDSProvider(endpoint={self._endpoint!r})"

    async def _fetch(self) -> Credentials:

        token = await self._fetch_fn(
            "PUT",
            f"{self._endpoint}/latest/api/token",
            headers={"x-aws-ec2-metadata-token-ttl-seconds": "21600"},
            timeout=self._timeout,
        )
        if token.status != 200:
            raise CredentialsError(f"IMDS refused a session token (HTTP {token.status})")
        session = token.body.decode("ascii", "replace").strip()
        if not session:
            raise CredentialsError("IMDS answered with an empty session token")
        # Sent back in a header: a line break would end it and start another.
        _check_fetched_header("IMDS", "the session token", session)
        auth = {"x-aws-ec2-metadata-token": session}
        base = f"{self._endpoint}/latest/meta-data/iam/security-credentials/"
        roles = await self._fetch_fn("GET", base, headers=auth, timeout=self._timeout)
        if roles.status != 200 or not roles.body.strip():
            raise CredentialsError(f"IMDS has no instance role (HTTP {roles.status})")
        role = roles.body.decode("utf-8", "replace").split()[0]
        if not _ROLE_NAME.fullmatch(role) or not role.strip("."):
            # It becomes a path segment of the next URL ("..", "?", "#" would change it).
            raise CredentialsError(
                f"IMDS named an instance role that is no role name: {role[:64]!r}"
            )
        resp = await self._fetch_fn("GET", base + role, headers=auth, timeout=self._timeout)
        if resp.status != 200:
            raise CredentialsError(f"IMDS refused the role's credentials (HTTP {resp.status})")
        return _parse_imds(resp.body)


class ChainProvider:
    """The first provider in order that has credentials; anonymous when none has.

    The provider that answered is remembered, so the chain is walked once, not per request.
    """

    def __init__(self, providers: Sequence[CredentialsProvider]) -> None:
        self._providers = list(providers)
        self._chosen: CredentialsProvider | None = None
        self._locks = _LoopLocks()  # usable from any loop, as RefreshingProvider

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
    """Environment, shared files, web identity (from the environment) and, if asked, IMDSv2."""
    env = os.environ if environ is None else environ
    providers: list[CredentialsProvider] = [
        EnvironmentProvider(environ),
        SharedFileProvider(environ=environ),
    ]
    token_file, role_arn = env.get("AWS_WEB_IDENTITY_TOKEN_FILE"), env.get("AWS_ROLE_ARN")
    if token_file and role_arn:
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
        sts = env.get("AWS_ENDPOINT_URL_STS") or f"https://sts.{region}.amazonaws.com"
        providers.append(
            WebIdentityProvider(
                sts, role_arn, token_file, session_name=env.get("AWS_ROLE_SESSION_NAME", "aiominio")
            )
        )
    if imds:
        providers.append(IMDSProvider())
    return ChainProvider(providers)

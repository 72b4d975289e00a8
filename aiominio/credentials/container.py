"""Credentials from the agent of the container a program runs in: Amazon ECS tasks, EKS Pod
Identity, and anything that serves the same protocol (:class:`ContainerProvider`)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from aiominio.core.validation import check_header_value
from aiominio.credentials.basic import Credentials, RefreshingProvider
from aiominio.credentials.remote import (
    Fetch,
    FetchResponse,
    check_fetched_header,
    default_fetch,
    parse_json_credentials,
)
from aiominio.errors import CredentialsError, InvalidArgument, TransportError

#: Where ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` is resolved: the ECS agent's link-local
#: address (``base_url=`` of :class:`ContainerProvider` changes it, for a stand-in).
ECS_CONTAINER_ENDPOINT = "http://169.254.170.2"
#: The hosts a plain-HTTP full URI may name besides loopback addresses, as the AWS SDKs allow:
#: the ECS agent, and the EKS Pod Identity agent on IPv4 and IPv6.
CONTAINER_AGENT_HOSTS = frozenset({"169.254.170.2", "169.254.170.23", "fd00:ec2::23"})

RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
AUTHORIZATION_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
AUTHORIZATION_TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"

_SOURCE = "the container credentials agent"
_PATH = re.compile(r"/[!-~]*", re.ASCII)  # a path and query of visible ASCII: no host, no space
# Seconds before the second and third attempts: the agent answers in milliseconds when it is up.
_PAUSES = (0.1, 0.4)


def wants_container_credentials(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` points at a container agent (``AWS_CONTAINER_CREDENTIALS_*``)."""
    return bool(environ.get(RELATIVE_URI) or environ.get(FULL_URI))


class ContainerProvider(RefreshingProvider):
    """Credentials from the container agent: the ECS task role, or EKS Pod Identity.

    Given neither ``relative_uri`` nor ``full_uri``, all four settings come from the environment
    (``environ``, else ``os.environ``), as the AWS SDKs read them:

    - ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI``: a path fetched from the ECS agent,
      ``http://169.254.170.2`` (``base_url``); it wins over
    - ``AWS_CONTAINER_CREDENTIALS_FULL_URI``: a whole URL, which must be ``https``, or name a
      loopback host (``127.0.0.1``, ``::1``, ``localhost``) or an agent's link-local address
      (``169.254.170.2``, ``169.254.170.23``, ``fd00:ec2::23``): an ``Authorization`` token must
      not go in clear anywhere else;
    - ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE``: a file holding the token sent as the
      ``Authorization`` header, read again at every refresh (EKS rotates it); it wins over
    - ``AWS_CONTAINER_AUTHORIZATION_TOKEN``: the token itself.

    The agent answers JSON (``AccessKeyId``, ``SecretAccessKey``, ``Token``, ``Expiration``),
    of at most 256 KiB. Each attempt has ``timeout`` seconds to connect and as many to read;
    a connection that fails, a timeout or a 5xx/429 answer is tried again, up to ``attempts``
    times in all. A refusal (another 4xx) is not.

    Raises:
        InvalidArgument: no URI given or set, a relative URI that is no path, a full URI not
            allowed (see above), or a token that is no header value (a line break in it would
            end the header and start another); the message names the setting and the host,
            never the token.
    """

    def __init__(
        self,
        *,
        relative_uri: str | None = None,
        full_uri: str | None = None,
        authorization_token: str | None = None,
        authorization_token_file: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        base_url: str = ECS_CONTAINER_ENDPOINT,
        timeout: float = 1.0,
        attempts: int = 3,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__()
        names = ("relative_uri", "full_uri", "authorization_token", "authorization_token_file")
        if relative_uri is None and full_uri is None:
            env = os.environ if environ is None else environ
            relative_uri = env.get(RELATIVE_URI) or None
            full_uri = env.get(FULL_URI) or None
            authorization_token = env.get(AUTHORIZATION_TOKEN) or None
            authorization_token_file = env.get(AUTHORIZATION_TOKEN_FILE) or None
            names = (RELATIVE_URI, FULL_URI, AUTHORIZATION_TOKEN, AUTHORIZATION_TOKEN_FILE)
        if relative_uri is not None:
            if not _PATH.fullmatch(relative_uri):
                raise InvalidArgument(
                    f"{names[0]} must be a path of visible ASCII starting with '/'"
                )
            self._url = base_url.rstrip("/") + relative_uri
        elif full_uri is not None:
            self._url = check_full_uri(names[1], full_uri)
        else:
            raise InvalidArgument(f"set {RELATIVE_URI} or {FULL_URI}, or pass one of them")
        if authorization_token is not None:
            check_header_value(names[2], authorization_token)
        if not isinstance(attempts, int) or attempts < 1:
            raise InvalidArgument("attempts must be an int of at least 1")
        self._token = authorization_token
        self._token_file = (
            None if authorization_token_file is None else Path(authorization_token_file)
        )
        self._host = urlsplit(self._url).hostname or ""
        self._timeout = timeout
        self._attempts_per_fetch = attempts
        self._fetch_fn = fetch or default_fetch()

    def __repr__(self) -> str:
        return f"ContainerProvider(host={self._host!r})"

    async def _fetch(self) -> Credentials:
        headers: dict[str, str] = {}
        token = await asyncio.to_thread(self._read_token)
        if token is not None:
            headers["authorization"] = token
        resp: FetchResponse | None = None
        for attempt in range(self._attempts_per_fetch):
            if attempt:
                await asyncio.sleep(_PAUSES[min(attempt, len(_PAUSES)) - 1])
            try:
                resp = await self._fetch_fn(
                    "GET", self._url, headers=headers, timeout=self._timeout
                )
            except TransportError as exc:
                if attempt + 1 == self._attempts_per_fetch:
                    # A credentials error: the request that wanted them does not retry it
                    # again, each retry a round of agent attempts of its own.
                    raise CredentialsError(
                        f"{_SOURCE} at {self._host} did not answer {self._attempts_per_fetch}"
                        f" times: {exc}"
                    ) from None
                continue
            if resp.status != 429 and resp.status < 500:
                break
        assert resp is not None
        if resp.status != 200:
            raise CredentialsError(
                f"{_SOURCE} at {self._host} refused (HTTP {resp.status})"
                + _agent_says(resp.body, token)
            )
        return parse_json_credentials(_SOURCE, resp.body)

    def _read_token(self) -> str | None:
        """The token to send: the file's, read now, else the one given."""
        if self._token_file is None:
            return self._token
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
                f"cannot read the container authorization token file {self._token_file}: "
                f"{failure.strip()}"
            )
        if not token:
            raise CredentialsError(
                f"the container authorization token file {self._token_file} is empty"
            )
        return check_fetched_header(
            f"the container authorization token file {self._token_file}", "the token", token
        )


def check_full_uri(what: str, url: str) -> str:
    """``url``, if a container agent may be asked there (see :class:`ContainerProvider`).

    Raises:
        InvalidArgument: not an http(s) URL with a host, or a plain-HTTP URL whose host is
            neither a loopback address nor an agent's (:data:`CONTAINER_AGENT_HOSTS`).
    """
    try:
        parts = urlsplit(url)
        host, scheme = parts.hostname, parts.scheme.lower()
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError:
        host = scheme = None
    if scheme not in ("http", "https") or not host:
        raise InvalidArgument(f"{what} is not an http or https URL with a host")
    if scheme == "https" or host == "localhost" or host in CONTAINER_AGENT_HOSTS:
        return url
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False  # a name: resolving it here would block, and DNS could be spoofed
    if not loopback:
        allowed = ", ".join(sorted(CONTAINER_AGENT_HOSTS))
        raise InvalidArgument(
            f"{what} names the host {host!r}: over plain HTTP only a loopback address or a "
            f"container agent ({allowed}) may be asked; use https for another host"
        )
    return url


def _agent_says(body: bytes, token: str | None) -> str:
    """The ``code`` and ``message`` of the agent's error answer (``{"code": ..., "message":
    ...}``), on one line, without the token it was sent; nothing else of the body, which may
    hold anything."""
    try:
        doc = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(doc, dict):
        return ""
    said = [
        value
        for name in ("code", "Code", "message", "Message")
        if isinstance(value := doc.get(name), str) and value
    ]
    text = " ".join(" ".join(said).split())
    if token:
        text = text.replace(token, "<hidden>")
    text = "".join(c if c.isprintable() else "?" for c in text)[:200]
    return f": {text}" if text else ""

"""Providers of temporary credentials from AWS services: STS ``AssumeRole``
(:class:`AssumeRoleProvider`) and ``AssumeRoleWithWebIdentity`` (:class:`WebIdentityProvider`),
the EC2 instance metadata service (:class:`IMDSProvider`); :class:`Fetch`, how every provider
that asks a server sends its requests, and the reading of STS and JSON answers that the
container agent (:mod:`~aiominio.credentials.container`) and MinIO's STS flavours
(:mod:`~aiominio.credentials.minio_sts`) share."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol
from urllib.parse import quote_plus, urlencode

from aiominio.core import signing, xml
from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.validation import check_header_value
from aiominio.credentials.basic import (
    Credentials,
    CredentialsProvider,
    RefreshingProvider,
    credentials_from,
)
from aiominio.errors import AiominioError, CredentialsError, InvalidArgument, InvalidResponseError


def check_fetched_header(source: str, what: str, value: str) -> str:
    """``value``, read or sent by ``source``, if it can be sent in a header; else a
    :class:`CredentialsError` naming the source (and the character, never the value)."""
    try:
        return check_header_value(what, value)
    except InvalidArgument as exc:
        problem = str(exc)
    raise CredentialsError(f"{source}: {problem}")


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


def default_fetch() -> Fetch:
    from aiominio.transport import fetch

    return fetch


def parse_sts_answer(body: bytes, result_tag: str) -> Credentials:
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
    return credentials_from(
        "STS",
        xml.required_text(creds, "AccessKeyId"),
        xml.required_text(creds, "SecretAccessKey"),
        xml.text(creds, "SessionToken") or None,
        xml.parse_iso_datetime(expiration) if expiration else None,
    )


def parse_json_credentials(source: str, body: bytes) -> Credentials:
    """The credentials in the JSON answer of ``source``, an instance metadata service or a
    container agent: ``AccessKeyId``, ``SecretAccessKey``, ``Token``, ``Expiration``."""
    try:
        doc = json.loads(body)
    except ValueError as exc:
        # The decode error keeps the whole document (``exc.doc``): only its message leaves
        # this block, raised outside it so that not even __context__ holds the keys.
        problem: str | None = str(exc)
    else:
        problem = None
    if problem is not None:
        raise InvalidResponseError(f"{source} answered with no JSON ({problem})")
    if not isinstance(doc, dict):
        raise InvalidResponseError(f"{source} answered with no JSON object")
    if doc.get("Code", "Success") != "Success":
        raise CredentialsError(f"{source} answered {doc.get('Code')}")
    key, secret = doc.get("AccessKeyId"), doc.get("SecretAccessKey")
    token, expiration = doc.get("Token") or None, doc.get("Expiration") or None
    if not (key and secret and isinstance(key, str) and isinstance(secret, str)):
        raise InvalidResponseError(
            f"{source} answered without an AccessKeyId and a SecretAccessKey"
        )
    if not isinstance(token, (str, type(None))) or not isinstance(expiration, (str, type(None))):
        raise InvalidResponseError(
            f"{source} answered with a Token or Expiration that is no string"
        )
    expires = None
    if expiration is not None:
        try:
            expires = xml.parse_iso_datetime(expiration)
        except InvalidResponseError:
            expires = None
        if expires is None:
            raise InvalidResponseError(
                f"{source} answered with an Expiration that is no ISO 8601 time"
            )
    return credentials_from(source, key, secret, token, expires)


def sts_refusal(status: int, body: bytes, secrets: Sequence[str | None]) -> CredentialsError:
    """The error of an STS refusal; ``secrets`` sent with the request are cut out of what the
    server says (a server may quote the token it refuses), as sent and form-encoded."""
    try:
        root = xml.parse(body)
        code = xml.text(root, "Error/Code") or xml.text(root, "Code")
        message = xml.text(root, "Error/Message") or xml.text(root, "Message")
    except AiominioError:
        code, message = f"HTTP{status}", ""
    text = f"STS refused: {code} (HTTP {status}) {message}".strip()
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<hidden>").replace(quote_plus(secret), "<hidden>")
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
        self._fetch_fn = fetch or default_fetch()

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
            raise sts_refusal(resp.status, resp.body, (source.secret_key, source.session_token))
        return parse_sts_answer(resp.body, "AssumeRoleResult")


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
        self._fetch_fn = fetch or default_fetch()

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
            raise sts_refusal(resp.status, resp.body, (token,))
        return parse_sts_answer(resp.body, "AssumeRoleWithWebIdentityResult")

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
        self._fetch_fn = fetch or default_fetch()

    def __repr__(self) -> str:
        return f"IMDSProvider(endpoint={self._endpoint!r})"

    async def _fetch(self) -> Credentials:

        answer = await self._fetch_fn(
            "PUT",
            f"{self._endpoint}/latest/api/token",
            headers={"x-aws-ec2-metadata-token-ttl-seconds": "21600"},
            timeout=self._timeout,
        )
        if answer.status != 200:
            raise CredentialsError(f"IMDS refused a session token (HTTP {answer.status})")
        imds_token = answer.body.decode("ascii", "replace").strip()
        if not imds_token:
            raise CredentialsError("IMDS answered with an empty session token")
        # Sent back in a header: a line break would end it and start another.
        check_fetched_header("IMDS", "the session token", imds_token)
        auth = {"x-aws-ec2-metadata-token": imds_token}
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
        return parse_json_credentials("IMDS", resp.body)

"""AWS Signature Version 4, as S3 uses it.

The signing time is always a parameter (``now``), so the published vectors can be reproduced byte
for byte. S3 differs from the generic SigV4 services in two ways that matter here: the path is not
normalised (``a//b/../c`` is a different object from ``a/c``) and each path segment is encoded
exactly once. ``canonical_uri(..., normalize=True)`` gives the generic behaviour, which exists only
so the generic test suite can be checked too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Protocol
from urllib.parse import unquote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ENCODE_TABLE = tuple(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256))
_SAFE = re.compile(r"[A-Za-z0-9\-._~]*")
_SAFE_PATH = re.compile(r"[A-Za-z0-9\-._~/]*")


def uri_encode(value: str, *, keep_slash: bool = False) -> str:
    """Percent-encode ``value`` the way SigV4 wants it.

    Every byte of the UTF-8 form except the unreserved characters ``A-Z a-z 0-9 - . _ ~`` becomes
    ``%XX`` with upper-case hex. With ``keep_slash`` the ``/`` stays as it is (object key paths).
    """
    table = _ENCODE_TABLE
    if (_SAFE_PATH if keep_slash else _SAFE).fullmatch(value):
        return value
    out = []
    for b in value.encode("utf-8"):
        out.append("/" if keep_slash and b == 0x2F else table[b])
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    segments: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    trailing = path.endswith(("/", "/.", "/..")) and bool(segments)
    return "/" + "/".join(segments) + ("/" if trailing else "")


def canonical_uri(path: str, *, normalize: bool = False) -> str:
    """The canonical URI of a raw (not yet encoded) request path.

    S3 (the default) keeps the path exactly as given, ``//`` and ``..`` included, and encodes each
    segment once. ``normalize=True`` is the generic-service rule (RFC 3986 dot-segment removal and
    merged slashes), used by the generic SigV4 test suite and never by S3 requests.
    """
    if not path.startswith("/"):
        path = "/" + path
    if normalize:
        path = _remove_dot_segments(path)
    return uri_encode(path, keep_slash=True)


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Encode and sort query parameters (by encoded name, then encoded value)."""
    encoded = sorted((uri_encode(k), uri_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _trim(value: str) -> str:
    if "  " not in value and value.isprintable() and value.strip() == value:
        return value  # the usual case: nothing to fold (isprintable: no tab, CR or LF)
    return " ".join(value.split())


def canonical_headers(headers: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """Return ``(canonical_headers, signed_headers)`` for the given header pairs.

    Names are lower-cased and sorted; values are trimmed with inner runs of whitespace folded to one
    space; repeated names are joined with ``,`` in the order given.
    """
    merged: dict[str, str] = {}  # values joined as they come: no list per header
    for name, value in headers:
        key = name.strip().lower()
        if key in merged:
            merged[key] += "," + _trim(value)
        else:
            merged[key] = _trim(value)
    names = sorted(merged)
    lines = "".join([f"{n}:{merged[n]}\n" for n in names])
    return lines, ";".join(names)


def canonical_request(
    method: str,
    uri: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    payload_hash: str,
) -> tuple[str, str]:
    """Build the canonical request; returns ``(canonical_request, signed_headers)``.

    ``uri`` and ``query`` are already canonical (see :func:`canonical_uri` and
    :func:`canonical_query`).
    """
    lines, signed = canonical_headers(headers)
    return f"{method}\n{uri}\n{query}\n{lines}\n{signed}\n{payload_hash}", signed


def amz_date(now: datetime) -> str:
    """Format an aware datetime as the ``X-Amz-Date`` value (``YYYYMMDDTHHMMSSZ``)."""
    if now.tzinfo is None:
        raise ValueError("the signing time must be timezone-aware")
    global _AMZ_DATE
    second = int(now.timestamp() // 1)  # floor: int() would merge -0.5 and 0.5
    cached_second, cached = _AMZ_DATE  # one read: another thread may replace it meanwhile
    if cached_second == second:
        return cached  # every request of the same second: strftime once
    value = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    _AMZ_DATE = (second, value)
    return value


_AMZ_DATE: tuple[int | None, str] = (None, "")  # nothing cached (not -1: a real second, in 1969)


def scope(date: str, region: str, service: str = "s3") -> str:
    """The credential scope ``yyyymmdd/region/service/aws4_request``."""
    return f"{date[:8]}/{region}/{service}/aws4_request"


def string_to_sign(timestamp: str, credential_scope: str, canonical: str) -> str:
    """The SigV4 string to sign for a canonical request."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{credential_scope}\n{digest}"


@lru_cache(maxsize=64)
def signing_key(secret_key: str, date: str, region: str, service: str = "s3") -> bytes:
    """Derive the SigV4 signing key (``AWS4`` + secret, date, region, service, ``aws4_request``)."""
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), date[:8])
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signature(key: bytes, to_sign: str) -> str:
    """Hex HMAC-SHA256 of ``to_sign`` under a derived signing key."""
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """What header signing adds to a request."""

    authorization: str
    amz_date: str
    signature: str
    signed_headers: str
    canonical_request: str
    string_to_sign: str


def sign_headers(
    *,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    payload_hash: str,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime,
    service: str = "s3",
    normalize_path: bool = False,
) -> SignedHeaders:
    """Sign a request with an ``Authorization`` header.

    ``headers`` must already hold every header to sign, ``host`` and ``x-amz-date`` (the value
    ``amz_date(now)``) included, and ``x-amz-content-sha256``/``x-amz-security-token`` where used.
    ``path`` is the raw path (not percent-encoded); ``query`` the raw name/value pairs.
    """
    timestamp = amz_date(now)
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    creq, signed = canonical_request(
        method,
        canonical_uri(path, normalize=normalize_path),
        canonical_query(query),
        pairs,
        payload_hash,
    )
    auth, sig, sts = _authorization(
        creq, signed, timestamp, access_key, secret_key, region, service
    )
    return SignedHeaders(auth, timestamp, sig, signed, creq, sts)


def _authorization(
    creq: str,
    signed: str,
    timestamp: str,
    access_key: str,
    secret_key: str,
    region: str,
    service: str,
) -> tuple[str, str, str]:
    """The ``Authorization`` value of a canonical request, its signature and string to sign."""
    cscope = scope(timestamp, region, service)
    sts = string_to_sign(timestamp, cscope, creq)
    sig = signature(signing_key(secret_key, timestamp[:8], region, service), sts)
    auth = f"{ALGORITHM} Credential={access_key}/{cscope}, SignedHeaders={signed}, Signature={sig}"
    return auth, sig, sts


class SigningKeys(Protocol):
    """What signing needs of credentials (:class:`aiominio.Credentials` has it)."""

    @property
    def access_key(self) -> str: ...

    @property
    def secret_key(self) -> str: ...

    @property
    def session_token(self) -> str | None: ...


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    *,
    payload_hash: str,
    credentials: SigningKeys,
    region: str,
    service: str = "s3",
    now: datetime,
) -> dict[str, str]:
    """The headers to send for a request signed with SigV4: ``headers`` and ``host`` (taken from
    ``url`` when not among them), ``x-amz-date``, ``x-amz-content-sha256``,
    ``x-amz-security-token`` (for a session token) and ``Authorization``.

    ``url`` is the URL as sent (path and query percent-encoded); every header given is signed.
    """
    parts = urlsplit(url)
    out = dict(headers)
    if not any(name.lower() == "host" for name in out):
        out["host"] = parts.netloc
    query = [
        (unquote(name), unquote(value))
        for name, _, value in (pair.partition("=") for pair in parts.query.split("&") if pair)
    ]
    return sign_canonical(
        method,
        canonical_uri(unquote(parts.path) or "/"),
        canonical_query(query),
        out,
        payload_hash=payload_hash,
        credentials=credentials,
        region=region,
        service=service,
        now=now,
    )


def sign_canonical(
    method: str,
    uri: str,
    query: str,
    headers: dict[str, str],
    *,
    payload_hash: str,
    credentials: SigningKeys,
    region: str,
    service: str = "s3",
    now: datetime,
) -> dict[str, str]:
    """:func:`sign_request` for a request whose canonical URI and query string are at hand (as
    :func:`~aiominio.core.endpoint.build_target` makes them): nothing is parsed back out of a URL.

    ``headers`` must hold ``host`` (in any case); it is completed in place (``x-amz-date``,
    ``x-amz-content-sha256``, ``x-amz-security-token`` for a session token, ``Authorization``)
    and returned. Every header in it is signed.
    """
    timestamp = amz_date(now)
    headers["x-amz-date"] = timestamp
    headers["x-amz-content-sha256"] = payload_hash
    if credentials.session_token:
        headers["x-amz-security-token"] = credentials.session_token
    creq, signed = canonical_request(method, uri, query, headers.items(), payload_hash)
    headers["Authorization"] = _authorization(
        creq,
        signed,
        timestamp,
        credentials.access_key,
        credentials.secret_key,
        region,
        service,
    )[0]
    return headers


def presign_query(
    *,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    host: str,
    access_key: str,
    secret_key: str,
    session_token: str | None,
    region: str,
    now: datetime,
    expiry: int,
    service: str = "s3",
    headers: Iterable[tuple[str, str]] = (),
) -> str:
    """Return the full, encoded query string of a presigned URL.

    The signature covers the canonical (sorted) query. The URL lists the caller's parameters
    first, then the ``X-Amz-*`` ones with ``X-Amz-Signature`` last, the order botocore and the
    AWS documentation use. The payload is ``UNSIGNED-PAYLOAD``, as S3 presigning requires.
    ``headers`` are signed besides ``host``: whoever uses the URL must send each of them with
    exactly that value. ``expiry`` is the URL's lifetime in seconds (``X-Amz-Expires``).
    """
    timestamp = amz_date(now)
    cscope = scope(timestamp, region, service)
    user = list(query)
    signed_pairs = [("host", host), *headers]
    _, signed_names = canonical_headers(signed_pairs)
    auth = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{access_key}/{cscope}"),
        ("X-Amz-Date", timestamp),
        ("X-Amz-Expires", str(expiry)),
        ("X-Amz-SignedHeaders", signed_names),
    ]
    if session_token:
        auth.append(("X-Amz-Security-Token", session_token))
    creq, _ = canonical_request(
        method,
        canonical_uri(path),
        canonical_query(user + auth),
        signed_pairs,
        UNSIGNED_PAYLOAD,
    )
    sts = string_to_sign(timestamp, cscope, creq)
    sig = signature(signing_key(secret_key, timestamp[:8], region, service), sts)
    ordered = [*user, *auth, ("X-Amz-Signature", sig)]
    return "&".join(f"{uri_encode(k)}={uri_encode(v)}" for k, v in ordered)


def post_policy_signature(
    policy_base64: str, *, secret_key: str, date: str, region: str, service: str = "s3"
) -> str:
    """Sign a base64-encoded POST policy document (the base64 text is the string to sign)."""
    return signature(signing_key(secret_key, date[:8], region, service), policy_base64)


def chunk_string_to_sign(
    timestamp: str, credential_scope: str, previous_signature: str, chunk: bytes
) -> str:
    """String to sign for one chunk of an ``aws-chunked`` (STREAMING-...-PAYLOAD) body."""
    digest = hashlib.sha256(chunk).hexdigest()
    return (
        f"{ALGORITHM}-PAYLOAD\n{timestamp}\n{credential_scope}\n"
        f"{previous_signature}\n{EMPTY_SHA256}\n{digest}"
    )


def trailer_string_to_sign(
    timestamp: str, credential_scope: str, previous_signature: str, trailer: bytes
) -> str:
    """String to sign for the trailing headers of an ``aws-chunked`` body with a trailer."""
    digest = hashlib.sha256(trailer).hexdigest()
    return f"{ALGORITHM}-TRAILER\n{timestamp}\n{credential_scope}\n{previous_signature}\n{digest}"

"""Presigned URLs and browser POST policies, as pure functions.

Nothing here does I/O: credentials, region, endpoint and the signing time are all arguments, so
a presigned URL can be made (and tested) without a client, a loop or a server.
:class:`~aiominio.Client` wraps these with its own endpoint, credentials and the bucket's region.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Union

from aiominio.core import signing
from aiominio.core.endpoint import AddressingStyle, Endpoint, build_target, parse_endpoint
from aiominio.core.headers import META_PREFIX
from aiominio.core.validation import (
    TOKEN_CHARS,
    check_bucket_name,
    check_encodable,
    check_header_name,
    check_header_value,
    check_object_key,
    check_one_line,
)
from aiominio.credentials import Credentials
from aiominio.errors import InvalidArgument

MAX_EXPIRY = 7 * 24 * 3600
PRESIGN_METHODS = frozenset({"GET", "PUT", "HEAD", "DELETE", "POST"})
DEFAULT_EXPIRY = timedelta(days=7)

#: Query parameters that override headers of a presigned GET's answer.
RESPONSE_HEADER_PARAMS = frozenset(
    {
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
    }
)

#: The query parameters the signer of a presigned URL sets (lower-cased): one given in ``query``
#: too would be sent twice, and which of the two a server reads is anyone's guess.
SIGNER_QUERY_PARAMS = frozenset(
    {
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-expires",
        "x-amz-security-token",
        "x-amz-signature",
        "x-amz-signedheaders",
    }
)
#: The headers the signer of a presigned URL owns: ``host`` is always signed; ``authorization``
#: would make the request one signed in its headers; the others are the query's ``X-Amz-*``
#: parameters, which a header of the same name would contradict.
SIGNER_HEADERS = frozenset({"host", "authorization"}) | SIGNER_QUERY_PARAMS
#: The form fields the signer of a POST policy sets (lower-cased; S3 reads field names
#: regardless of case).
SIGNER_POST_FIELDS = frozenset(
    {
        "policy",
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-signature",
    }
)


def check_presign_query(query: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """The further query parameters of a presigned URL, sorted, checked before anything is
    signed.

    Raises:
        TypeError: ``query`` is not a mapping, or a name or value is not a str.
        InvalidArgument: a name the signer sets (:data:`SIGNER_QUERY_PARAMS`, in any case), an
            empty name, or a lone surrogate (which no encoding can send).
    """
    if query is None:
        return ()
    if not isinstance(query, Mapping):
        raise TypeError(f"query must be a mapping of str to str, not {type(query).__name__}")
    for name, value in query.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"query must map str to str, got {name!r}: {type(value).__name__}")
        if not name:
            raise InvalidArgument("query: a parameter name must not be empty")
        if name.lower() in SIGNER_QUERY_PARAMS:
            raise InvalidArgument(
                f"query: {name!r} is set by the signer of the URL; it cannot be given"
            )
        check_encodable("query: a parameter name", name)
        check_encodable(f"query: the value of {name!r}", value)
    return tuple(sorted(query.items()))


def check_presign_headers(headers: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """The headers to sign into a presigned URL besides ``host``, checked.

    Raises:
        TypeError: a name or value that is not a str.
        InvalidArgument: a name that is no HTTP token or that the signer owns
            (:data:`SIGNER_HEADERS`), a value a header cannot carry as it is.
    """
    checked = []
    for name, value in (headers or {}).items():
        check_header_name(name)
        if name.lower() in SIGNER_HEADERS:
            raise InvalidArgument(
                f"headers: {name!r} is set by the signer of the URL; it cannot be given"
            )
        if not isinstance(value, str):
            raise TypeError(f"header {name!r} must be a str, not {type(value).__name__}")
        checked.append((name, check_header_value(f"header {name!r}", value)))
    return tuple(checked)


def expiry_seconds(expires: int | timedelta) -> int:
    """Expiry as whole seconds, checked to lie within 1 second .. 7 days."""
    if isinstance(expires, timedelta):
        seconds = expires.total_seconds()
        if seconds != int(seconds):
            raise InvalidArgument("expiry must be a whole number of seconds")
        value = int(seconds)
    elif isinstance(expires, bool) or not isinstance(expires, int):
        raise TypeError(
            f"expires must be seconds (int) or a timedelta, not {type(expires).__name__}"
        )
    else:
        value = expires
    if not 1 <= value <= MAX_EXPIRY:
        raise InvalidArgument(f"expiry must be between 1 second and 7 days, got {value} seconds")
    return value


def _signing_time(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if not isinstance(now, datetime):
        raise TypeError("request_date must be a datetime")
    if now.tzinfo is None:
        raise InvalidArgument("request_date must be timezone-aware")
    return now


def presign_url(
    method: str,
    endpoint: Endpoint | str,
    bucket: str,
    key: str | None,
    *,
    credentials: Credentials,
    region: str,
    expires: int | timedelta = DEFAULT_EXPIRY,
    now: datetime | None = None,
    query: Mapping[str, str] | None = None,
    style: AddressingStyle = "auto",
    headers: Mapping[str, str] | None = None,
) -> str:
    """A presigned URL for ``method`` on ``bucket``/``key`` (SigV4 query-string signing).

    Args:
        method: the HTTP method the URL allows (``GET``, ``PUT``, ``HEAD``, ``DELETE``).
        endpoint: where the server is: a parsed :class:`~aiominio.core.endpoint.Endpoint` or
            a string as the client takes it (``https://s3.amazonaws.com``, ``localhost:9000``).
        bucket: the bucket.
        key: the object key (``None`` for a bucket-level URL).
        credentials: the keys to sign with; a session token is included in the URL.
        region: the bucket's region.
        expires: seconds or a timedelta, 1 second to 7 days.
        now: the signing time (default: now).
        query: further query parameters to sign (``response-content-type``, ``versionId``, ...);
            not the ``X-Amz-*`` ones the signer sets (:data:`SIGNER_QUERY_PARAMS`).
        style: path or virtual-host addressing, as :func:`build_target` decides it.
        headers: headers to sign besides ``host``: whoever uses the URL must send each with
            exactly this value, or the server refuses the signature.

    Raises:
        InvalidArgument: a bad method, bucket, key, expiry or signing time; a ``query`` name
            the signer sets; a header the signer owns or whose value a header cannot carry.
        TypeError: an argument of the wrong type.
    """
    if method not in PRESIGN_METHODS:
        raise InvalidArgument(f"unsupported method for a presigned URL: {method!r}")
    if isinstance(endpoint, str):
        endpoint = parse_endpoint(endpoint)
    check_bucket_name(bucket)
    if key is not None:
        check_object_key(key)
    seconds = expiry_seconds(expires)
    when = _signing_time(now)
    params = check_presign_query(query)
    signed = check_presign_headers(headers)
    target = build_target(endpoint, bucket, key, (), style=style, region=region)
    qs = signing.presign_query(
        method=method,
        path=target.path,
        query=params,
        host=target.host,
        access_key=credentials.access_key,
        secret_key=credentials.secret_key,
        session_token=credentials.session_token,
        region=region,
        now=when,
        expiry=seconds,
        headers=signed,
    )
    return f"{target.url}?{qs}"


def response_header_query(response_headers: Mapping[str, str] | None) -> dict[str, str]:
    """Check ``response-*`` overrides for a presigned GET (names as S3 spells them)."""
    out: dict[str, str] = {}
    for name, value in (response_headers or {}).items():
        lowered = name.lower()
        if lowered not in RESPONSE_HEADER_PARAMS:
            raise InvalidArgument(
                f"unsupported response header override {name!r}; use one of "
                + ", ".join(sorted(RESPONSE_HEADER_PARAMS))
            )
        if not isinstance(value, str):
            raise TypeError(f"the value of {name!r} must be a str")
        if lowered in out:
            raise InvalidArgument(f"response header override {name!r} is given twice")
        # A query parameter (sent percent-encoded) that the server answers as a header.
        out[lowered] = check_one_line(f"response header override {name!r}", value)
    return out


#: One condition of a POST policy: ``["eq", "$key", "a.txt"]``, ``["content-length-range", 1, 9]``.
Condition = list[Union[str, int]]  # noqa: UP007


class PostPolicy:
    """A browser-upload (POST) policy, built step by step as in the MinIO reference.

    Example::

        policy = client.new_post_policy()
        policy.set_bucket("uploads")
        policy.set_key_starts_with("user-42/")
        policy.set_expires(datetime.now(timezone.utc) + timedelta(hours=1))
        policy.set_content_length_range(1, 10 * 1024 * 1024)
        url, fields = await client.presigned_post_policy(policy)
    """

    def __init__(self) -> None:
        self.bucket: str | None = None
        self.expiration: datetime | None = None
        self.conditions: list[Condition] = []
        self.form_data: dict[str, str] = {}
        self._key_set = False

    def __repr__(self) -> str:
        return f"PostPolicy(bucket={self.bucket!r}, expiration={self.expiration!r})"

    def _set_eq(self, field: str, value: str) -> None:
        self.conditions = [c for c in self.conditions if not _targets(c, field)]
        self.conditions.append(["eq", f"${field}", value])
        self.form_data[field] = value

    def set_expires(self, when: datetime) -> PostPolicy:
        """The time after which the policy refuses uploads (timezone-aware)."""
        if not isinstance(when, datetime):
            raise TypeError("set_expires needs a datetime")
        if when.tzinfo is None:
            raise InvalidArgument("set_expires needs a timezone-aware datetime")
        self.expiration = when.astimezone(timezone.utc)
        return self

    def set_bucket(self, bucket: str) -> PostPolicy:
        """The bucket the form uploads to."""
        check_bucket_name(bucket)
        self.bucket = bucket
        self._set_eq("bucket", bucket)
        return self

    def set_key(self, key: str) -> PostPolicy:
        """The exact key of the uploaded object."""
        check_object_key(key)
        self._set_eq("key", key)
        self._key_set = True
        return self

    def set_key_starts_with(self, prefix: str) -> PostPolicy:
        """Allow any key starting with ``prefix`` (the form's ``key`` field is set to it)."""
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        self.conditions = [c for c in self.conditions if not _targets(c, "key")]
        self.conditions.append(["starts-with", "$key", prefix])
        self.form_data["key"] = prefix
        self._key_set = True
        return self

    def set_content_type(self, content_type: str) -> PostPolicy:
        """The exact Content-Type of the upload."""
        _check_text("content_type", content_type)
        check_header_value("content_type", content_type)  # stored, and served, as a header
        self._set_eq("Content-Type", content_type)
        return self

    def set_content_type_starts_with(self, prefix: str) -> PostPolicy:
        """Allow any Content-Type starting with ``prefix`` (``image/``)."""
        _check_text("prefix", prefix, allow_empty=True)
        check_header_value("prefix", prefix)
        self.conditions = [c for c in self.conditions if not _targets(c, "Content-Type")]
        self.conditions.append(["starts-with", "$Content-Type", prefix])
        self.form_data["Content-Type"] = prefix
        return self

    def set_content_disposition(self, value: str) -> PostPolicy:
        """The exact Content-Disposition of the upload."""
        _check_text("content_disposition", value)
        check_header_value("content_disposition", value)
        self._set_eq("Content-Disposition", value)
        return self

    def set_content_length_range(self, minimum: int, maximum: int) -> PostPolicy:
        """Refuse uploads smaller than ``minimum`` or larger than ``maximum`` bytes."""
        for name, v in (("minimum", minimum), ("maximum", maximum)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be an int")
        if minimum < 0 or maximum < minimum:
            raise InvalidArgument(f"invalid content length range {minimum}..{maximum}")
        self.conditions = [
            c
            for c in self.conditions
            if not (isinstance(c, list) and c[0] == "content-length-range")
        ]
        self.conditions.append(["content-length-range", minimum, maximum])
        return self

    def set_user_metadata(self, metadata: Mapping[str, str]) -> PostPolicy:
        """User metadata the upload must carry (``x-amz-meta-*`` fields)."""
        for name, value in metadata.items():
            _check_text("metadata name", name)
            _check_text("metadata value", value, allow_empty=True)
            # The server stores each as an x-amz-meta-* header and serves it back as one; the
            # name also goes into the form's Content-Disposition line.
            if not set(name) <= TOKEN_CHARS:
                raise InvalidArgument(f"metadata name must be an HTTP token: {name!r}")
            check_header_value(f"metadata value for {name!r}", value)
            field = name.lower()
            if not field.startswith(META_PREFIX):
                field = META_PREFIX + field
            self._set_eq(field, value)
        return self

    def set_success_action_status(self, status: int) -> PostPolicy:
        """The status the server answers a successful upload with (200, 201 or 204)."""
        if status not in (200, 201, 204):
            raise InvalidArgument("success_action_status must be 200, 201 or 204")
        self._set_eq("success_action_status", str(status))
        return self

    def check(self) -> None:
        """Raise ``ValueError`` unless the policy has a bucket, a key rule and an expiry, and
        no form field or condition on a field the signer sets (:data:`SIGNER_POST_FIELDS`)."""
        if not self.bucket:
            raise InvalidArgument("the POST policy has no bucket; call set_bucket()")
        if self.expiration is None:
            raise InvalidArgument("the POST policy has no expiry; call set_expires()")
        if not self._key_set:
            raise InvalidArgument(
                "the POST policy has no key; call set_key() or set_key_starts_with()"
            )
        _check_signer_fields(self)


def _targets(condition: Condition, field: str) -> bool:
    if isinstance(condition, list) and len(condition) == 3:
        return str(condition[1]).lower() == f"${field}".lower()
    return False


def _check_signer_fields(policy: PostPolicy) -> None:
    """Refuse a form field or condition (set through the public ``form_data`` or
    ``conditions``) on a field the signer sets: the form would carry it twice."""
    for name in policy.form_data:
        if name.lower() in SIGNER_POST_FIELDS:
            raise InvalidArgument(
                f"form field {name!r} is set by the signer of the policy; it cannot be given"
            )
    for condition in policy.conditions:
        if isinstance(condition, list) and len(condition) == 3:
            target = condition[1]
            if isinstance(target, str) and target.lower().lstrip("$") in SIGNER_POST_FIELDS:
                raise InvalidArgument(
                    f"a condition on {target!r}: the signer of the policy sets that field"
                )


def _check_text(name: str, value: object, *, allow_empty: bool = False) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str")
    if not value and not allow_empty:
        raise InvalidArgument(f"{name} must not be empty")


def presign_post_policy(
    policy: PostPolicy,
    endpoint: Endpoint | str,
    *,
    credentials: Credentials,
    region: str,
    now: datetime | None = None,
    style: AddressingStyle = "auto",
) -> tuple[str, dict[str, str]]:
    """Sign a POST policy: returns the URL to post to and the form fields to send with the file.

    The file goes last in the multipart form, in a field named ``file``.
    """
    policy.check()
    assert policy.bucket is not None and policy.expiration is not None
    if isinstance(endpoint, str):
        endpoint = parse_endpoint(endpoint)
    when = _signing_time(now)
    stamp = signing.amz_date(when)
    credential = f"{credentials.access_key}/{signing.scope(stamp, region)}"
    conditions = list(policy.conditions)
    conditions += [
        ["eq", "$x-amz-date", stamp],
        ["eq", "$x-amz-algorithm", signing.ALGORITHM],
        ["eq", "$x-amz-credential", credential],
    ]
    if credentials.session_token:
        conditions.append(["eq", "$x-amz-security-token", credentials.session_token])
    document = {
        "expiration": policy.expiration.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{policy.expiration.microsecond // 1000:03d}Z",
        "conditions": conditions,
    }
    encoded = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
    fields = dict(policy.form_data)
    fields.pop("bucket", None)
    fields.update(
        {
            "x-amz-date": stamp,
            "x-amz-algorithm": signing.ALGORITHM,
            "x-amz-credential": credential,
            "policy": encoded,
            "x-amz-signature": signing.post_policy_signature(
                encoded, secret_key=credentials.secret_key, date=stamp, region=region
            ),
        }
    )
    if credentials.session_token:
        fields["x-amz-security-token"] = credentials.session_token
    url = build_target(endpoint, policy.bucket, None, (), style=style, region=region).url
    return url, fields

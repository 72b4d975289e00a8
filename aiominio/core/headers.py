"""HTTP headers of objects: ETags, user metadata, the standard headers an upload stores
(Cache-Control, Expires, ...), and the stat of an object read off an answer; and the
User-Agent every request carries."""

from __future__ import annotations

import platform
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from aiominio.core.tagging import check_tags, tagging_header
from aiominio.core.validation import TOKEN_CHARS, check_header_value
from aiominio.errors import InvalidArgument, InvalidResponseError
from aiominio.models import ObjectStat, RestoreStatus
from aiominio.version import __version__

#: The prefix of user-metadata headers (``x-amz-meta-color: red`` is the metadata ``color``).
META_PREFIX = "x-amz-meta-"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
#: The header of an object's storage class (not metadata: a copy keeps the rest with it).
STORAGE_CLASS_HEADER = "x-amz-storage-class"

#: Headers a ``metadata`` name must not be (without the ``x-amz-meta-`` prefix), each with the
#: keyword that sets it: stored as ``x-amz-meta-cache-control`` it would be user metadata that
#: no browser or CDN reads.
STANDARD_HEADER_KEYWORDS = {
    "cache-control": "cache_control",
    "content-type": "content_type",
    "content-disposition": "content_disposition",
    "content-encoding": "content_encoding",
    "content-language": "content_language",
    "expires": "expires",
    "x-amz-storage-class": "storage_class",
    "x-amz-tagging": "tags",
}


#: The User-Agent of every request: aiominio, its version, and the Python it runs on.
USER_AGENT = f"aiominio/{__version__} (Python {platform.python_version()})"


def user_agent(app_info: tuple[str, str] | None = None) -> str:
    """The User-Agent of a client's requests: :data:`USER_AGENT`, then ``name/version`` of the
    application when ``app_info`` names it (as minio-py's ``set_app_info`` and minio-js's
    ``setAppInfo`` append it): ``aiominio/1.0 (Python 3.12.1) photo-sync/2.3``.

    Raises:
        TypeError: ``app_info`` is not a pair of strings.
        InvalidArgument: the name or the version is empty or holds anything but the
            characters of an HTTP token (letters, digits and ``!#$%&'*+-.^_`|~``; no space,
            no ``/``, no line break), which is what a User-Agent product must be.
    """
    if app_info is None:
        return USER_AGENT
    if not isinstance(app_info, (tuple, list)) or len(app_info) != 2:
        raise TypeError("app_info must be a pair of strings: (name, version)")
    for what, value in zip(("name", "version"), app_info, strict=True):
        if not isinstance(value, str):
            raise TypeError(f"app_info's {what} must be a str, not {type(value).__name__}")
        if not value or not set(value) <= TOKEN_CHARS:
            raise InvalidArgument(
                f"app_info's {what} must be a non-empty HTTP token (letters, digits and "
                f"!#$%&'*+-.^_`|~; no spaces, slashes or line breaks): {value[:64]!a}"
            )
    name, version = app_info
    return f"{USER_AGENT} {name}/{version}"


def unquote_etag(value: str) -> str:
    """An ETag without its quotes (header ``"abc"``, XML ``&quot;abc&quot;``, or already bare)."""
    if value[:1] == '"' and value[-1:] == '"':
        return value[1:-1]
    return value.strip().strip('"').replace("&quot;", "")


# RFC 9110's preferred HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT".
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_IMF_FIXDATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) "
    f"({'|'.join(_MONTH_NAMES)}) "
    r"([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_http_date(when: datetime) -> str:
    """An aware datetime as an HTTP date in GMT (the locale plays no part)."""
    utc = when.astimezone(timezone.utc)
    return (
        f"{_DAY_NAMES[utc.weekday()]}, {utc.day:02d} {_MONTH_NAMES[utc.month - 1]} "
        f"{utc.year:04d} {utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} GMT"
    )


def parse_http_date(value: str) -> datetime:
    """Parse an HTTP date (``Last-Modified``) to an aware datetime.

    Raises:
        InvalidResponseError: the value is not an HTTP date.
    """
    fixed = _IMF_FIXDATE.fullmatch(value)
    if fixed is not None:  # what S3 servers send: read without email.utils (5x faster)
        day, month, year, hh, mm, ss = fixed.groups()
        try:
            return datetime(
                int(year), _MONTHS[month], int(day), int(hh), int(mm), int(ss), tzinfo=timezone.utc
            )
        except ValueError as exc:
            raise InvalidResponseError(f"the server sent a malformed date: {value[:64]!r}") from exc
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise InvalidResponseError(f"the server sent a malformed date: {value[:64]!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def parse_count(value: str, what: str) -> int:
    """A non-negative decimal number read off an answer (a size, a part number).

    Raises:
        InvalidResponseError: anything but ASCII digits (``int()`` would take ``"1_0"``,
            ``"-1"`` or non-ASCII digits, and raise a bare ``ValueError`` on ``"12abc"``).
    """
    digits = value.strip()
    # 20 digits hold any count S3 can mean; int() of thousands is slow, or a bare ValueError.
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 20):
        raise InvalidResponseError(f"the server sent a malformed {what}: {value[:64]!r}")
    return int(digits)


def metadata_headers(metadata: Mapping[str, str]) -> dict[str, str]:
    """``x-amz-meta-*`` headers for user metadata (names lower-cased; a prefix already there is
    not doubled).

    Raises:
        InvalidArgument: two names that are one header once lower-cased (``Foo``, ``foo`` and
            ``x-amz-meta-foo``): one value would silently replace the other.
    """
    headers = {}
    for name, value in metadata.items():
        lowered = name.lower()
        if lowered.startswith(META_PREFIX):
            lowered = lowered[len(META_PREFIX) :]
        header = META_PREFIX + lowered
        if not lowered:
            raise InvalidArgument(f"metadata name must not be empty: {name!r}")
        if lowered == name.lower() and lowered in STANDARD_HEADER_KEYWORDS:
            raise InvalidArgument(
                f"metadata name {name!r} is a standard header, not user metadata; "
                f"use the {STANDARD_HEADER_KEYWORDS[lowered]}= keyword"
            )
        if header in headers:
            raise InvalidArgument(f"metadata names collide once lower-cased: {name!r}")
        headers[header] = value
    return headers


def user_metadata(headers: Mapping[str, str]) -> dict[str, str]:
    """The user metadata in (lower-cased) answer headers, without the prefix."""
    return {k[len(META_PREFIX) :]: v for k, v in headers.items() if k.startswith(META_PREFIX)}


def object_headers(content_type: object, metadata: Mapping[str, str] | None) -> dict[str, str]:
    """The headers that store an object's content type and user metadata, checked first.

    Raises:
        InvalidArgument: a content type or metadata that is not ASCII or holds a control
            character (CR, LF, NUL, ...), a name that is not an HTTP token, two names that
            collide once lower-cased.
        TypeError: a metadata value that is not a str.
    """
    if not isinstance(content_type, str) or not content_type or not content_type.isascii():
        raise InvalidArgument(f"content_type must be a non-empty ASCII string: {content_type!r}")
    check_header_value("content_type", content_type)
    for name, value in (metadata or {}).items():
        if not isinstance(name, str) or not name or not set(name) <= TOKEN_CHARS:
            raise InvalidArgument(f"metadata name must be an HTTP token: {name!r}")
        if not isinstance(value, str):
            raise TypeError(f"metadata value for {name!r} must be a str")
        if not value.isascii():
            raise InvalidArgument(f"metadata value for {name!r} must be ASCII")
        check_header_value(f"metadata value for {name!r}", value)
    return {"Content-Type": content_type, **metadata_headers(metadata or {})}


def _standard_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value or not value.isascii():
        raise InvalidArgument(f"{name} must be a non-empty ASCII string: {value!r}")
    return check_header_value(name, value)


def standard_headers(
    *,
    cache_control: str | None = None,
    content_disposition: str | None = None,
    content_encoding: str | None = None,
    content_language: str | None = None,
    expires: datetime | None = None,
    storage_class: str | None = None,
) -> dict[str, str]:
    """The standard headers an upload stores with the object, checked (none for ``None``).

    Raises:
        TypeError: a value of the wrong type (``expires`` must be a datetime).
        InvalidArgument: an empty or non-ASCII value, a control character (CR, LF, NUL, ...),
            a naive ``expires``, a ``storage_class`` that is not an HTTP token.
    """
    headers: dict[str, str] = {}
    for name, header, value in (
        ("cache_control", "Cache-Control", cache_control),
        ("content_disposition", "Content-Disposition", content_disposition),
        ("content_encoding", "Content-Encoding", content_encoding),
        ("content_language", "Content-Language", content_language),
    ):
        if value is not None:
            headers[header] = _standard_text(name, value)
    if expires is not None:
        if not isinstance(expires, datetime):
            raise TypeError(f"expires must be a datetime, not {type(expires).__name__}")
        if expires.tzinfo is None:
            raise InvalidArgument("expires must be a timezone-aware datetime")
        headers["Expires"] = format_http_date(expires)
    if storage_class is not None:
        value = _standard_text("storage_class", storage_class)
        if not set(value) <= TOKEN_CHARS:
            raise InvalidArgument(f"storage_class must be an HTTP token: {value!r}")
        headers[STORAGE_CLASS_HEADER] = value
    return headers


def upload_headers(
    content_type: object,
    metadata: Mapping[str, str] | None,
    *,
    tags: Mapping[str, str] | None = None,
    cache_control: str | None = None,
    content_disposition: str | None = None,
    content_encoding: str | None = None,
    content_language: str | None = None,
    expires: datetime | None = None,
    storage_class: str | None = None,
) -> dict[str, str]:
    """Every header an upload stores with the object: content type, user metadata, standard
    headers and tags, all checked (see :func:`object_headers`, :func:`standard_headers` and
    :func:`~aiominio.core.tagging.check_tags` for what is refused)."""
    headers = object_headers(content_type, metadata)
    headers.update(
        standard_headers(
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
        )
    )
    if tags is not None:
        headers.update(tagging_header(check_tags(tags)))
    return headers


def _lenient_date(value: str | None) -> datetime | None:
    """A stored ``Expires``: HTTP allows any value (``0`` means already expired), so one that is
    not a date is ``None`` here rather than an error; ``ObjectStat.headers`` keeps it."""
    if not value:
        return None
    try:
        return parse_http_date(value)
    except InvalidResponseError:
        return None


_RESTORE_FIELD = re.compile(r'([a-z-]+)\s*=\s*"([^"]*)"')


def parse_restore_header(value: str | None) -> RestoreStatus | None:
    """The ``x-amz-restore`` header (``ongoing-request="false", expiry-date="..."``) of an
    archived object, or ``None`` without one. A malformed expiry date is left out, not raised:
    the header is informative, and the rest of the HEAD stands without it."""
    if not value:
        return None
    fields = dict(_RESTORE_FIELD.findall(value))
    ongoing = fields.get("ongoing-request", "").strip().lower()
    if ongoing not in ("true", "false"):
        return None
    return RestoreStatus(ongoing == "true", _lenient_date(fields.get("expiry-date")))


def stat_from_headers(headers: Mapping[str, str]) -> ObjectStat:
    """Build an :class:`ObjectStat` from (lower-cased) HEAD/GET answer headers.

    Raises:
        InvalidResponseError: a malformed size or date.
    """
    size = parse_count(headers.get("content-length", "0"), "Content-Length")
    content_range = headers.get("content-range")
    if content_range and "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total != "*":  # "*": the total is unknown
            size = parse_count(total, "Content-Range")
    modified = headers.get("last-modified")
    return ObjectStat(
        size=size,
        etag=unquote_etag(headers.get("etag", "")),
        content_type=headers.get("content-type", ""),
        last_modified=parse_http_date(modified) if modified else None,
        metadata=user_metadata(headers),
        version_id=headers.get("x-amz-version-id"),
        headers=dict(headers),
        cache_control=headers.get("cache-control"),
        content_disposition=headers.get("content-disposition"),
        content_encoding=headers.get("content-encoding"),
        content_language=headers.get("content-language"),
        expires=_lenient_date(headers.get("expires")),
        storage_class=headers.get("x-amz-storage-class"),
        restore=parse_restore_header(headers.get("x-amz-restore")),
    )

"""Conditional requests: the If-* headers of reads, copy sources and writes, checked first."""

from __future__ import annotations

from datetime import datetime, timezone

from aiominio.core.validation import check_header_value
from aiominio.errors import InvalidArgument

#: The conditions a read (GET, HEAD) may carry; a resumed body drops them for an If-Match on
#: the ETag the first answer had, which pins the same object more tightly.
READ_CONDITIONS = frozenset(
    {"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}
)
#: The prefix of a copy's conditions on its source (``x-amz-copy-source-if-match``, ...).
COPY_SOURCE_PREFIX = "x-amz-copy-source-"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(when: datetime) -> str:
    """``when`` as an HTTP date (``Sun, 06 Nov 1994 08:49:37 GMT``), in UTC, locale-free."""
    utc = when.astimezone(timezone.utc)
    return (
        f"{_DAYS[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year:04d} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} GMT"
    )


def check_version_id(version_id: object, name: str = "version_id") -> str | None:
    """A version id to send (``None``: the latest version).

    Raises:
        TypeError: not a str.
        InvalidArgument: empty, not ASCII, or holding a control character.
    """
    if version_id is None:
        return None
    if not isinstance(version_id, str):
        raise TypeError(f"{name} must be a str, not {type(version_id).__name__}")
    if not version_id or not version_id.isascii():
        raise InvalidArgument(f"{name} must be a non-empty ASCII string: {version_id!r}")
    return check_header_value(name, version_id)


def _etag(name: str, value: object, *, star: bool = True) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str (an ETag), not {type(value).__name__}")
    bare = value.strip()
    if not bare or not bare.isascii():
        raise InvalidArgument(f"{name} must be a non-empty ASCII ETag: {value!r}")
    check_header_value(name, bare)
    if bare == "*":
        if not star:
            raise InvalidArgument(f"{name} must be an ETag, not '*'")
        return bare
    if bare.startswith('W/"') or (bare[:1] == '"' and bare[-1:] == '"' and len(bare) > 1):
        return bare
    if '"' in bare:
        raise InvalidArgument(f"{name} must be an ETag, quoted or not: {value!r}")
    return f'"{bare}"'


def _date(name: str, value: object) -> str:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{name} must be timezone-aware (say datetime.now(timezone.utc))")
    return http_date(value)


def read_conditions(
    *,
    if_match: str | None = None,
    if_none_match: str | None = None,
    if_modified_since: datetime | None = None,
    if_unmodified_since: datetime | None = None,
    prefix: str = "",
) -> dict[str, str]:
    """The conditional headers of a read (or, with ``prefix`` :data:`COPY_SOURCE_PREFIX`, of a
    copy's source). ETags are sent quoted; ``"*"`` matches any object.

    Raises:
        TypeError: an ETag that is not a str, a date that is not a datetime.
        InvalidArgument: an empty or non-ASCII ETag, a naive datetime.
    """
    names = ["If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"]
    if prefix:
        names = [prefix + n.lower() for n in names]
    arg = "source_if_" if prefix else "if_"
    headers = {}
    if if_match is not None:
        headers[names[0]] = _etag(f"{arg}match", if_match)
    if if_none_match is not None:
        headers[names[1]] = _etag(f"{arg}none_match", if_none_match)
    if if_modified_since is not None:
        headers[names[2]] = _date(f"{arg}modified_since", if_modified_since)
    if if_unmodified_since is not None:
        headers[names[3]] = _date(f"{arg}unmodified_since", if_unmodified_since)
    return headers


def write_conditions(
    *, if_match: str | None = None, if_none_match: str | None = None
) -> dict[str, str]:
    """The conditional headers of a write: ``if_none_match="*"`` creates the object only if the
    key is free; ``if_match=etag`` replaces it only while it still has that ETag.

    Raises:
        InvalidArgument: ``if_none_match`` other than ``"*"``, ``if_match`` that is ``"*"`` or
            empty, or both at once (they contradict each other).
        TypeError: a value that is not a str.
    """
    headers = {}
    if if_none_match is not None:
        if not isinstance(if_none_match, str):
            raise TypeError(f"if_none_match must be a str, not {type(if_none_match).__name__}")
        if if_none_match != "*":
            raise InvalidArgument(
                f"if_none_match on a write must be '*' (create only): {if_none_match!r}"
            )
        headers["If-None-Match"] = "*"
    if if_match is not None:
        if headers:
            raise InvalidArgument("give if_match or if_none_match on a write, not both")
        headers["If-Match"] = _etag("if_match", if_match, star=False)
    return headers

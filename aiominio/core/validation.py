"""Argument checks made before any request is sent."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from aiominio.errors import InvalidArgument

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
_REGION = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_KEY_BYTES = 1024
#: The most keys S3 returns in one listing page, and accepts in one multi-object delete.
MAX_KEYS = 1000
#: Parts of one upload sent at once, by default and at the most.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 64

#: What a header value may not hold: anything but visible ASCII, space and tab. CR and LF would
#: end the header (and could start another); NUL and the other controls are refused by servers
#: or cut short by proxies; anything past ASCII would go out as raw UTF-8, which servers read
#: as Latin-1 or refuse, so that a signature computed over the text would no longer match.
_NOT_HEADER_TEXT = re.compile("[^\t\x20-\x7e]")
#: What a one-line value that travels percent-encoded (a query parameter) may not hold: CR, LF,
#: NUL and the other controls (tab aside). Anything past ASCII is encoded on the way.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
#: A lone surrogate: a str may hold one, but no encoding can send it.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The characters of an HTTP token (RFC 9110), which a header name must be.
TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_TOKENS = re.compile(r"[!#$%&'*+\-.^_`|~0-9a-zA-Z]*")


def check_int(name: str, value: object, *, minimum: int = 0) -> int:
    """An int >= ``minimum`` (bools refused), or a clear error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise InvalidArgument(f"{name} must be >= {minimum}, got {value}")
    return value


def check_bucket_name(bucket: object) -> str:
    """Validate a bucket name with the S3 naming rules and return it.

    3 to 63 characters of lower-case letters, digits, dots and hyphens; starting and ending with a
    letter or digit; no ``..``, ``.-`` or ``-.``; not an IPv4 address; not one of the reserved
    prefixes (``xn--``, ``sthree-``) or suffixes (``-s3alias``, ``--ol-s3``).

    Raises:
        TypeError: the name is not a string.
        InvalidArgument: (a ValueError) the name breaks a rule; the message says which.
    """
    if not isinstance(bucket, str):
        raise TypeError(f"bucket name must be a str, not {type(bucket).__name__}")
    if not 3 <= len(bucket) <= 63:
        raise InvalidArgument(f"bucket name must be 3 to 63 characters long: {bucket!r}")
    if not _BUCKET_CHARS.fullmatch(bucket):
        raise InvalidArgument(
            "bucket name may hold only lower-case letters, digits, '.' and '-', and must start "
            f"and end with a letter or digit: {bucket!r}"
        )
    if ".." in bucket or ".-" in bucket or "-." in bucket:
        raise InvalidArgument(f"bucket name must not contain '..', '.-' or '-.': {bucket!r}")
    if bucket.count(".") == 3:  # what an IPv4 address has; the parse is the costly part
        try:
            ipaddress.IPv4Address(bucket)
        except ValueError:
            pass
        else:
            raise InvalidArgument(f"bucket name must not look like an IP address: {bucket!r}")
    if bucket.startswith(("xn--", "sthree-")) or bucket.endswith(("-s3alias", "--ol-s3")):
        raise InvalidArgument(f"bucket name uses a reserved prefix or suffix: {bucket!r}")
    return bucket


def check_object_key(key: object) -> str:
    """Validate an object key (1 to 1,024 bytes of UTF-8) and return it.

    Raises:
        TypeError: the key is not a string.
        InvalidArgument: the key is empty, too long or not encodable as UTF-8.
    """
    if not isinstance(key, str):
        raise TypeError(f"object key must be a str, not {type(key).__name__}")
    if not key:
        raise InvalidArgument("object key must not be empty")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidArgument("object key must be valid Unicode (no lone surrogates)") from None
    if size > MAX_KEY_BYTES:
        raise InvalidArgument(f"object key is {size} bytes of UTF-8; the limit is 1024")
    return key


def check_region(region: object) -> str:
    """Validate a region name (``us-east-1``, ``eu-central-1``, or a custom server's name)."""
    if not isinstance(region, str):
        raise TypeError(f"region must be a str, not {type(region).__name__}")
    if not _REGION.fullmatch(region):
        raise InvalidArgument(f"invalid region name: {region!r}")
    return region


def check_prefix(prefix: object, what: str = "prefix") -> str:
    """Validate a key prefix (a str of at most 1,024 bytes of UTF-8) and return it; ``what``
    names it in messages (a listing's start key is checked the same way).

    Raises:
        TypeError: not a str.
        InvalidArgument: longer than 1,024 bytes, or holding a lone surrogate (which the
            query it is sent in could not encode).
    """
    if not isinstance(prefix, str):
        raise TypeError(f"{what} must be a str, not {type(prefix).__name__}")
    check_encodable(what, prefix)
    if len(prefix.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidArgument(f"{what} is longer than 1024 bytes")
    return prefix


def check_page_size(page_size: object) -> int:
    """Validate the keys per listing request (1 to 1,000) and return it."""
    value = check_int("page_size", page_size, minimum=1)
    if value > MAX_KEYS:
        raise InvalidArgument("page_size must be at most 1000")
    return value


def check_concurrency(concurrency: object) -> int:
    """The parts in flight at once: the default for ``None``, else 1 to 64."""
    if concurrency is None:
        return DEFAULT_CONCURRENCY
    value = check_int("concurrency", concurrency, minimum=1)
    if value > MAX_CONCURRENCY:
        raise InvalidArgument("concurrency must be at most 64")
    return value


def _bad_character(what: str, found: re.Match[str], allowed: str) -> InvalidArgument:
    # The offending character, escaped, and where it is, never the value: it may be a secret
    # (a session token, a key) or hold the very line break that must not reach a log line.
    return InvalidArgument(
        f"{what} may hold only {allowed}: {found.group()!a} at position {found.start()}"
    )


def check_header_value(what: str, value: str) -> str:
    """``value``, if it can be sent as one header value as it is: visible ASCII, spaces and
    tabs, nothing else.

    Raises:
        InvalidArgument: another character (CR, LF, NUL, another control, or anything past
            ASCII); the message names ``what``, the character (escaped) and its position, never
            the value, which may be a secret.
    """
    if value.isascii() and value.isprintable():  # the usual value: one C-speed test
        return value
    found = _NOT_HEADER_TEXT.search(value)
    if found is not None:
        raise _bad_character(what, found, "visible ASCII, spaces and tabs")
    return value


def check_header_name(name: object) -> str:
    """``name``, if it is an HTTP token (what a header name must be).

    Raises:
        TypeError: not a str.
        InvalidArgument: empty, or a character no token may hold (space, ``:``, CR, LF, ...).
    """
    if not isinstance(name, str):
        raise TypeError(f"a header name must be a str, not {type(name).__name__}")
    if not name or not set(name) <= TOKEN_CHARS:
        raise InvalidArgument(f"header name is not an HTTP token: {name[:64]!a}")
    return name


def check_headers(headers: Mapping[str, str]) -> None:
    """Check every name and value of a request's headers (:func:`check_header_name`,
    :func:`check_header_value`), the last safety net before a request is signed and sent.

    Raises:
        TypeError: a name or value that is not a str.
        InvalidArgument: a name that is no token, a value that cannot be sent as it is.
    """
    try:
        names, values = "".join(headers), "".join(headers.values())
    except TypeError:
        names = values = ""  # a name or value that is no str: the loop below says which
    else:
        # The usual request: every name a token, every value visible ASCII, in three C-speed
        # tests of all of them at once (a per-header loop cost more than signing's share).
        fine = values.isascii() and values.isprintable() and _TOKENS.fullmatch(names)
        if fine and "" not in headers:
            return
    for name, value in headers.items():
        check_header_name(name)
        if not isinstance(value, str):
            raise TypeError(f"header {name!r} must be a str, not {type(value).__name__}")
        check_header_value(f"header {name!r}", value)


def check_encodable(what: str, value: str) -> str:
    """``value``, if UTF-8 can encode it (a str may hold a lone surrogate; no encoding can send
    one, and ``str.encode`` would raise a bare ``UnicodeEncodeError`` half-way through a request).

    Raises:
        InvalidArgument: a lone surrogate, named escaped, with its position.
    """
    if not value.isascii():
        found = _SURROGATE.search(value)
        if found is not None:
            raise _bad_character(what, found, "text that UTF-8 can encode")
    return value


def check_one_line(what: str, value: str) -> str:
    """``value``, if it holds no control character but tab: for values sent percent-encoded
    (query parameters), where anything past ASCII is fine but a line break is not.

    Raises:
        InvalidArgument: a control character or a lone surrogate (which no encoding can
            send), named escaped, with its position.
    """
    found = _CONTROL.search(value)
    if found is not None:
        raise _bad_character(what, found, "one line without control characters")
    return check_encodable(what, value)

"""Tags: S3's limits, checked before anything is sent, and the ``x-amz-tagging`` header.

The ``<Tagging>`` documents themselves are built and parsed in :mod:`aiominio.core.xml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from aiominio.core.validation import check_encodable
from aiominio.errors import InvalidArgument

#: S3's tag limits: tags per object and per bucket, characters in a key and in a value.
MAX_OBJECT_TAGS = 10
MAX_BUCKET_TAGS = 50
MAX_TAG_KEY_CHARS = 128
MAX_TAG_VALUE_CHARS = 256
#: The header that carries an upload's tags, URL-encoded as a query string.
TAGGING_HEADER = "x-amz-tagging"
#: The header that tells CopyObject to store the tags sent instead of the source's.
TAGGING_DIRECTIVE = "x-amz-tagging-directive"

_CONTROL = re.compile("[\x00-\x1f\x7f]")


def check_tags(tags: object, *, limit: int = MAX_OBJECT_TAGS) -> dict[str, str]:
    """A copy of ``tags`` (a mapping of str to str) within S3's limits.

    Keys are case-sensitive in S3 and a mapping cannot hold one key twice, so there is no
    duplicate to look for here (:func:`aiominio.core.xml.parse_tagging` refuses one in answers).

    Raises:
        TypeError: ``tags`` is not a mapping, or a key or value is not a str.
        InvalidArgument: more than ``limit`` tags, a key of 0 or more than 128 characters, a
            value of more than 256, a control character or a lone surrogate in either.
    """
    if not isinstance(tags, Mapping):
        raise TypeError(f"tags must be a mapping of str to str, not {type(tags).__name__}")
    if len(tags) > limit:
        raise InvalidArgument(f"tags: at most {limit} tags, got {len(tags)}")
    checked: dict[str, str] = {}
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"tags must map str to str, got {key!r}: {value!r}")
        if not 1 <= len(key) <= MAX_TAG_KEY_CHARS:
            raise InvalidArgument(f"tags: a key must be 1 to {MAX_TAG_KEY_CHARS} characters")
        if len(value) > MAX_TAG_VALUE_CHARS:
            raise InvalidArgument(
                f"tags: the value of {key!r} is over {MAX_TAG_VALUE_CHARS} characters"
            )
        if _CONTROL.search(key) or _CONTROL.search(value):
            raise InvalidArgument(f"tags: a control character in {key!r}: {value!r}")
        # Sent percent-encoded as UTF-8 (a header, a query) or in an XML document.
        check_encodable("tags: a key", key)
        check_encodable(f"tags: the value of {key!r}", value)
        checked[key] = value
    return checked


def tagging_header(tags: Mapping[str, str]) -> dict[str, str]:
    """The ``x-amz-tagging`` header of an upload (tags checked already; none when empty)."""
    if not tags:
        return {}
    return {TAGGING_HEADER: urlencode(tags, quote_via=quote, safe="")}

"""Option values: what a call asks of the object it reads or writes, built and checked once by
the client's method and handed down whole, instead of a dozen keywords passed from layer to
layer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple

from aiominio.core.conditions import check_version_id, read_conditions, write_conditions
from aiominio.core.endpoint import Endpoint
from aiominio.core.headers import object_headers, standard_headers
from aiominio.core.objectlock import lock_headers
from aiominio.core.sse import Sse, SseCustomerKey, check_read_sse, check_sse, write_headers
from aiominio.core.tagging import check_tags, tagging_header

#: No headers: the default of the option values' mappings, shared and read-only.
NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class WriteOptions(NamedTuple):
    """What a write stores with the object, and on which condition (an immutable value).

    Attributes:
        headers: the object's headers: content type, user metadata, tags, the standard headers
            (Cache-Control, ..., Expires), the storage class and object lock, all checked.
        sse: the server-side encryption asked for (an SSE-C key also goes with every part).
        conditions: If-Match / If-None-Match: on the PUT, or on the completion of a multipart
            upload.
    """

    headers: Mapping[str, str] = NO_HEADERS
    sse: Sse | None = None
    conditions: Mapping[str, str] = NO_HEADERS

    @property
    def customer_key(self) -> SseCustomerKey | None:
        """The SSE-C key, when the encryption is SSE-C: later requests of the write send it."""
        return self.sse if isinstance(self.sse, SseCustomerKey) else None

    def create_headers(self) -> dict[str, str]:
        """The headers of CreateMultipartUpload (the conditions wait for the completion)."""
        return {**self.headers, **write_headers(self.sse)}

    def put_headers(self) -> dict[str, str]:
        """The headers of a single PUT: the object's, the conditions and the encryption."""
        headers = dict(self.headers)
        if self.conditions:
            headers.update(self.conditions)
        if self.sse is not None:
            headers.update(self.sse.headers())
        return headers


class ReadOptions(NamedTuple):
    """What a read asks of the object (an immutable value).

    Attributes:
        version_id: the version read (``None``: the latest).
        conditions: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since.
        sse: the SSE-C key of an object stored with one (it goes with every request).
    """

    version_id: str | None = None
    conditions: Mapping[str, str] = NO_HEADERS
    sse: SseCustomerKey | None = None

    def headers(self) -> dict[str, str]:
        """The conditions and the SSE-C headers of a GET or HEAD."""
        headers = dict(self.conditions)
        if self.sse is not None:
            headers.update(self.sse.headers())
        return headers

    def query(self) -> tuple[tuple[str, str], ...]:
        """The query that names the version (none for the latest)."""
        return (("versionId", self.version_id),) if self.version_id else ()


#: A read of the latest version, on no condition, of an unencrypted object.
LATEST = ReadOptions()


def read_options(
    endpoint: Endpoint,
    *,
    version_id: str | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
    if_modified_since: datetime | None = None,
    if_unmodified_since: datetime | None = None,
    sse: object = None,
) -> ReadOptions:
    """The :class:`ReadOptions` of a read's keywords, every one checked (see
    :func:`~aiominio.core.conditions.check_version_id`, :func:`~aiominio.core.conditions.
    read_conditions` and :func:`~aiominio.core.sse.check_read_sse`; SSE-C needs an HTTPS
    ``endpoint``)."""
    if (
        version_id is None
        and sse is None
        and if_match is None
        and if_none_match is None
        and if_modified_since is None
        and if_unmodified_since is None
    ):
        return LATEST  # the usual read: nothing to check, nothing to build
    check_version_id(version_id)
    conditions: Mapping[str, str] = NO_HEADERS
    if (
        if_match is not None
        or if_none_match is not None
        or if_modified_since is not None
        or if_unmodified_since is not None
    ):
        conditions = read_conditions(
            if_match=if_match,
            if_none_match=if_none_match,
            if_modified_since=if_modified_since,
            if_unmodified_since=if_unmodified_since,
        )
    key = None if sse is None else check_read_sse(sse, endpoint)
    return ReadOptions(version_id, conditions, key)


def write_options(
    endpoint: Endpoint,
    *,
    content_type: object,
    metadata: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
    cache_control: str | None = None,
    content_disposition: str | None = None,
    content_encoding: str | None = None,
    content_language: str | None = None,
    expires: datetime | None = None,
    storage_class: str | None = None,
    retention: object = None,
    legal_hold: object = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
    sse: object = None,
) -> WriteOptions:
    """The :class:`WriteOptions` of an upload's keywords, every one checked (see
    :func:`~aiominio.core.headers.object_headers`, :func:`~aiominio.core.headers.
    standard_headers`, :func:`~aiominio.core.tagging.check_tags`, :func:`~aiominio.core.objectlock.
    lock_headers`, :func:`~aiominio.core.conditions.write_conditions` and
    :func:`~aiominio.core.sse.check_sse` for what is refused; SSE-C needs an HTTPS
    ``endpoint``)."""
    headers = object_headers(content_type, metadata)
    # The usual upload sets none of the rest: each is checked only when given.
    if (
        cache_control is not None
        or content_disposition is not None
        or content_encoding is not None
        or content_language is not None
        or expires is not None
        or storage_class is not None
    ):
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
    if retention is not None or legal_hold is not None:
        headers.update(lock_headers(retention, legal_hold))
    conditions: Mapping[str, str] = NO_HEADERS
    if if_match is not None or if_none_match is not None:
        conditions = write_conditions(if_match=if_match, if_none_match=if_none_match)
    return WriteOptions(headers, None if sse is None else check_sse(sse, endpoint), conditions)

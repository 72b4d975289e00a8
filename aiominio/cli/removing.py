"""Removing many objects: DeleteObjects batches for the keys its XML body carries exactly, one
DELETE each for the others."""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable

from aiominio.client import Client
from aiominio.errors import S3Error
from aiominio.models import DeleteError, ObjectVersion

Removable = str | ObjectVersion

#: Characters a DeleteObjects body cannot carry as they are: XML 1.0 has no way to write most
#: C0 controls (the server answers MalformedXML and the whole batch fails), and an XML parser
#: reads a raw CR as LF, so ``a\rb`` would delete the object ``a\nb`` instead. A DELETE puts
#: the key in the URL, percent-encoded, where every character survives.
_NOT_IN_XML = re.compile(r"[\x00-\x1f\ufffe\uffff]")


def batchable(key: str) -> bool:
    """Whether a DeleteObjects request names ``key`` exactly."""
    return _NOT_IN_XML.search(key) is None


async def remove_many(
    client: Client, bucket: str, items: Iterable[Removable] | AsyncIterable[Removable]
) -> list[DeleteError]:
    """Remove every key (or version) of ``items``; the ones the server refused."""
    singles: list[Removable] = []

    async def batched() -> AsyncIterator[Removable]:
        async for item in _aiter(items):
            if batchable(item if isinstance(item, str) else item.key):
                yield item
            else:
                singles.append(item)

    errors = await client.remove_objects(bucket, batched())
    for item in singles:
        key, version = (item, None) if isinstance(item, str) else (item.key, item.version_id)
        try:
            await client.remove_object(bucket, key, version_id=version)
        except S3Error as exc:
            errors.append(DeleteError(key, exc.code or type(exc).__name__, exc.message, version))
    return errors


async def _aiter(
    items: Iterable[Removable] | AsyncIterable[Removable],
) -> AsyncIterator[Removable]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item

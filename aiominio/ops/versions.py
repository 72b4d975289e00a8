"""Versioning: a bucket's versioning state and the listing of every version of its objects."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiominio.core import checksums, xml
from aiominio.core.versioning import (
    VersionCursor,
    build_versioning,
    parse_list_versions,
    parse_versioning,
)
from aiominio.models import ObjectVersion, Versioning
from aiominio.request import Query, Request
from aiominio.requester import Requester

_VERSIONING: Query = (("versioning", ""),)


async def get_versioning(req: Requester, bucket: str) -> Versioning:
    """GetBucketVersioning."""
    resp = await req.send(Request("GET", bucket, query=_VERSIONING))
    return parse_versioning(resp.body)


async def set_versioning(req: Requester, bucket: str, *, state: Versioning) -> None:
    """PutBucketVersioning (Enabled or Suspended)."""
    body = build_versioning(state)
    headers = {"Content-Type": "application/xml", "Content-MD5": checksums.md5_b64(body)}
    await req.send(Request("PUT", bucket, query=_VERSIONING, headers=headers, body=body))


async def list_object_versions(
    req: Requester, bucket: str, *, prefix: str, recursive: bool, page_size: int
) -> AsyncIterator[ObjectVersion]:
    """ListObjectVersions under ``prefix``, following the key and version-id markers."""
    base = [
        ("versions", ""),
        ("encoding-type", "url"),
        ("max-keys", str(page_size)),
        ("prefix", prefix),
    ]
    if not recursive:
        base.append(("delimiter", "/"))
    cursor: VersionCursor | None = None
    # Some servers repeat common prefixes on every page; yield each once.
    seen_prefixes: set[str] = set()
    while True:
        query = list(base)
        if cursor is not None:
            query.append(("key-marker", cursor[0]))
            if cursor[1]:
                query.append(("version-id-marker", cursor[1]))
        resp = await req.send(
            Request("GET", bucket, query=tuple(query), limit=xml.LISTING_PAGE_LIMIT)
        )
        page = parse_list_versions(resp.body, most=page_size)
        for entry in page.entries:
            if entry.is_dir:
                if entry.key in seen_prefixes:
                    continue
                seen_prefixes.add(entry.key)
            yield entry
        cursor = page.cursor_after(cursor)
        if cursor is None:
            return

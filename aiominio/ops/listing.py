"""Listings: objects (v1 and v2), incomplete multipart uploads, the parts of one upload.

Listings are lazy async iterators that page transparently.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace

from aiominio.core import xml
from aiominio.core.options import ReadOptions
from aiominio.errors import NoSuchUpload, S3Error
from aiominio.models import ObjectInfo, Part, Upload
from aiominio.ops.objects import stat_object
from aiominio.request import Query, Request
from aiominio.requester import Requester
from aiominio.transport import Response

#: The page size asked of ListMultipartUploads (max-uploads) and ListParts (max-parts): S3's
#: default and maximum (MinIO's default is 10,000, so it is always sent).
_SERVER_PAGE_SIZE = 1000


async def list_objects(
    req: Requester,
    bucket: str,
    *,
    prefix: str,
    recursive: bool,
    start: str | None,
    page_size: int,
    v2: bool,
    fetch_owner: bool = False,
    metadata: bool = False,
) -> AsyncIterator[ObjectInfo]:
    """ListObjects (``v2``: ListObjectsV2) from ``start`` (a marker or start-after key).

    ``fetch_owner`` asks each object's owner (``fetch-owner``, v2); ``metadata`` its user
    metadata, content type and tags (MinIO's ``metadata=true``). A server that answers without
    them has each object's metadata and content type read with a HEAD instead (see
    :func:`_fill_metadata`).
    """
    base: list[tuple[str, str]] = [
        ("encoding-type", "url"),
        ("max-keys", str(page_size)),
        ("prefix", prefix),
    ]
    if not recursive:
        base.append(("delimiter", "/"))
    if v2:
        base.append(("list-type", "2"))
        if start:
            base.append(("start-after", start))
        if fetch_owner:
            base.append(("fetch-owner", "true"))
    if metadata:
        base.append(("metadata", "true"))

    def query_for(cursor: str | None) -> Query:
        if not cursor:
            return tuple(base)
        return (*base, ("continuation-token" if v2 else "marker", cursor))

    def fetch(cursor: str | None) -> Awaitable[Response]:
        return req.send(
            Request("GET", bucket, query=query_for(cursor), limit=xml.LISTING_PAGE_LIMIT)
        )

    cursor: str | None = None if v2 else start
    # Some servers (moto) repeat common prefixes on every page; yield each once.
    seen_prefixes: set[str] = set()
    ahead: tuple[str, asyncio.Task[Response]] | None = None
    try:
        resp = await fetch(cursor)
        while True:
            # The next page is requested before this one is parsed (its cursor is read off
            # the raw answer), so the server works on it while the client parses.
            peeked = xml.peek_next_cursor(resp.body, v2=v2)
            if peeked and peeked != cursor:
                ahead = (
                    peeked,
                    asyncio.ensure_future(fetch(peeked)),
                )
                # Parsing never yields to the loop: let the task send its request first, or
                # it would only start once this page has been parsed and consumed.
                await asyncio.sleep(0)
            page = xml.parse_list_objects(resp.body, most=page_size, owners=fetch_owner)
            entries = page.entries
            if metadata:
                entries = await _fill_metadata(req, bucket, entries)
            for entry in entries:
                if entry.is_dir:
                    if entry.key in seen_prefixes:
                        continue
                    seen_prefixes.add(entry.key)
                yield entry
            cursor = page.cursor_after(cursor, v2=v2)
            if cursor is None:
                return
            if ahead is not None and ahead[0] == cursor:
                resp = await ahead[1]
            else:
                if ahead is not None:  # the hint was wrong: that page is not the next one
                    ahead[1].cancel()
                    with contextlib.suppress(BaseException):
                        await ahead[1]
                resp = await fetch(cursor)
            ahead = None
    finally:
        if ahead is not None:
            ahead[1].cancel()
            with contextlib.suppress(BaseException):
                await ahead[1]


#: HEADs at once when a listing's metadata is read object by object.
_METADATA_HEADS = 8


async def _fill_metadata(
    req: Requester, bucket: str, entries: list[ObjectInfo]
) -> list[ObjectInfo]:
    """The entries of a page, each object without metadata (a server without MinIO's listing
    extension) completed by a HEAD pinned to its listed ETag, ``_METADATA_HEADS`` at a time.
    An object whose HEAD the server refuses (gone or rewritten since the page was listed, an
    SSE-C object, no permission to read it: any 4xx) keeps ``metadata`` ``None``; any other
    failure fails the listing, and the page's other HEADs are cancelled."""
    missing = [i for i, e in enumerate(entries) if not e.is_dir and e.metadata is None]
    if not missing:
        return entries
    limit = asyncio.Semaphore(_METADATA_HEADS)

    async def head(entry: ObjectInfo) -> ObjectInfo:
        pinned = ReadOptions(conditions={"If-Match": f'"{entry.etag}"'} if entry.etag else {})
        async with limit:
            try:
                stat = await stat_object(req, bucket, entry.key, read=pinned)
            except S3Error as exc:
                if 400 <= exc.status < 500:
                    return entry
                raise
        return replace(entry, metadata=stat.metadata, content_type=stat.content_type)

    tasks = [asyncio.ensure_future(head(entries[i])) for i in missing]
    try:
        filled = await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    out = list(entries)
    for i, entry in zip(missing, filled, strict=True):
        out[i] = entry
    return out


async def upload_pages(
    req: Requester, bucket: str, *, prefix: str, recursive: bool
) -> AsyncIterator[xml.UploadPage]:
    """The pages of ListMultipartUploads for ``prefix``, following the markers."""
    cursor: tuple[str, str | None] | None = None
    while True:
        query = [
            ("uploads", ""),
            ("encoding-type", "url"),
            ("max-uploads", str(_SERVER_PAGE_SIZE)),  # MinIO's default is 10,000
            ("prefix", prefix),
        ]
        if not recursive:
            query.append(("delimiter", "/"))
        if cursor is not None:
            key_marker, id_marker = cursor
            query.append(("key-marker", key_marker))
            if id_marker:
                query.append(("upload-id-marker", id_marker))
        resp = await req.send(
            Request("GET", bucket, query=tuple(query), limit=xml.LISTING_PAGE_LIMIT)
        )
        page = xml.parse_list_uploads(resp.body, most=_SERVER_PAGE_SIZE)
        yield page
        cursor = page.cursor_after(cursor)
        if cursor is None:
            return


async def list_uploads(
    req: Requester, bucket: str, *, prefix: str, recursive: bool
) -> AsyncIterator[Upload]:
    """The incomplete uploads under ``prefix``, each with the size of its parts so far."""
    async for page in upload_pages(req, bucket, prefix=prefix, recursive=recursive):
        for upload in page.uploads:
            try:
                parts = await list_parts(req, bucket, upload.key, upload_id=upload.upload_id)
            except NoSuchUpload:
                continue  # completed or aborted since the page was listed: no longer incomplete
            yield replace(upload, size=sum(p.size for p in parts))


async def uploads_of(req: Requester, bucket: str, key: str) -> AsyncIterator[Upload]:
    """The incomplete uploads of exactly ``key`` (a prefix listing, filtered)."""
    async for page in upload_pages(req, bucket, prefix=key, recursive=True):
        for upload in page.uploads:
            if upload.key == key:
                yield upload
        if (page.next_key_marker or "") > key:
            return  # listed past the key: no more uploads of it


async def iter_parts(
    req: Requester,
    bucket: str,
    key: str,
    *,
    upload_id: str,
    page_size: int = _SERVER_PAGE_SIZE,
    algorithm: list[str | None] | None = None,
) -> AsyncIterator[Part]:
    """The parts of an incomplete upload, lazily: ListParts, ``page_size`` parts a request,
    following the part-number markers (a page that does not advance them is refused). The
    upload's checksum algorithm, as the first page names it, is appended to ``algorithm``."""
    marker: int | None = None
    while True:
        query = [("max-parts", str(page_size)), ("uploadId", upload_id)]
        if marker:
            query.append(("part-number-marker", str(marker)))
        resp = await req.send(
            Request("GET", bucket, key, query=tuple(query), limit=xml.LISTING_PAGE_LIMIT)
        )
        page = xml.parse_list_parts(resp.body, most=page_size)
        if algorithm is not None and marker is None:
            algorithm.append(page.algorithm)
        for part in page.parts:
            yield part
        marker = page.cursor_after(marker)
        if marker is None:
            return


async def list_parts(
    req: Requester,
    bucket: str,
    key: str,
    *,
    upload_id: str,
    algorithm: list[str | None] | None = None,
) -> list[Part]:
    """Every part of an incomplete upload (ListParts, following the markers); the upload's
    checksum algorithm is appended to ``algorithm`` (see :func:`iter_parts`)."""
    return [
        part
        async for part in iter_parts(req, bucket, key, upload_id=upload_id, algorithm=algorithm)
    ]

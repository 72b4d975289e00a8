"""Buckets: create, list, probe, remove. Each keeps the requester's region cache up to date."""

from __future__ import annotations

from aiominio.core import xml
from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.objectlock import BUCKET_LOCK_HEADER
from aiominio.errors import InvalidArgument, InvalidResponseError, NoSuchBucket
from aiominio.models import Bucket
from aiominio.request import Request
from aiominio.requester import Requester


async def make_bucket(
    req: Requester, bucket: str, *, region: str | None = None, object_lock: bool = False
) -> None:
    """CreateBucket, in ``region`` (default: the client's, else us-east-1); with
    ``object_lock``, with object lock (and so versioning) enabled."""
    if region is not None and req.region and region != req.region:
        raise InvalidArgument(f"region {region!r} differs from the client's region {req.region!r}")
    region = region or req.default_region or DEFAULT_REGION
    body = None if region == DEFAULT_REGION else xml.build_create_bucket(region)
    headers = {BUCKET_LOCK_HEADER: "true"} if object_lock else None
    await req.send(Request("PUT", bucket, headers=headers, body=body, region=region))
    req.remember_region(bucket, region)


#: The most buckets one account may have on AWS S3 (its quota since 2024): a listing that goes
#: on past this many is refused, as is one of more than ``_EMPTY_PAGES`` empty pages in a row.
MAX_BUCKETS = 1_000_000
_EMPTY_PAGES = 100


async def list_buckets(
    req: Requester,
    *,
    prefix: str | None = None,
    page_size: int | None = None,
    region: str | None = None,
) -> list[Bucket]:
    """ListBuckets, following its continuation tokens: ``page_size`` is sent as
    ``max-buckets``, ``prefix`` and ``region`` (``bucket-region``) narrow the listing. A server
    that ignores ``prefix`` has its answer filtered here."""
    base: list[tuple[str, str]] = []
    if page_size is not None:
        base.append(("max-buckets", str(page_size)))
    if prefix:
        base.append(("prefix", prefix))
    if region is not None:
        base.append(("bucket-region", region))
    found: list[Bucket] = []
    token: str | None = None
    listed = empty = 0
    seen: set[str] = set()
    while True:
        query = (*base, ("continuation-token", token)) if token else tuple(base)
        resp = await req.send(
            Request(
                "GET",
                None,
                query=query,
                region=req.region or DEFAULT_REGION,
                limit=xml.LISTING_PAGE_LIMIT,
            )
        )
        page = xml.parse_bucket_page(resp.body, most=page_size)
        found.extend(b for b in page.buckets if not prefix or b.name.startswith(prefix))
        if page.next_token is None:
            return found
        listed += len(page.buckets)
        empty = 0 if page.buckets else empty + 1
        if page.next_token in seen or listed > MAX_BUCKETS or empty > _EMPTY_PAGES:
            raise InvalidResponseError(
                f"a ListBuckets listing that does not end: {listed:,} buckets, {empty} empty "
                f"pages in a row (next: {page.next_token!r})"
            )
        token = page.next_token
        seen.add(token)


async def bucket_exists(req: Requester, bucket: str) -> bool:
    """HeadBucket: False for a missing bucket; other errors are raised."""
    try:
        await req.send(Request("HEAD", bucket))
    except NoSuchBucket:
        req.forget_region(bucket)
        return False
    return True


async def remove_bucket(req: Requester, bucket: str) -> None:
    """DeleteBucket."""
    await req.send(Request("DELETE", bucket))
    req.forget_region(bucket)

"""Buckets: create, list, probe, remove. Each keeps the requester's region cache up to date."""

from __future__ import annotations

from aiominio.core import xml
from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.objectlock import BUCKET_LOCK_HEADER
from aiominio.errors import InvalidArgument, NoSuchBucket
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
    region = region or req.region or DEFAULT_REGION
    body = None if region == DEFAULT_REGION else xml.build_create_bucket(region)
    headers = {BUCKET_LOCK_HEADER: "true"} if object_lock else None
    await req.send(Request("PUT", bucket, headers=headers, body=body, region=region))
    req.remember_region(bucket, region)


async def list_buckets(req: Requester) -> list[Bucket]:
    """ListBuckets."""
    resp = await req.send(
        Request("GET", None, region=req.region or DEFAULT_REGION, limit=xml.LISTING_PAGE_LIMIT)
    )
    return xml.parse_list_buckets(resp.body)


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

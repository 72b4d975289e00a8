"""Presigned URLs and POST policies signed with the client's keys for the bucket's region.

The signing itself is pure (:mod:`aiominio.presign`); what this adds is the client's endpoint,
addressing style and current credentials, and the bucket's region (asked once when the client has
none).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from aiominio import presign
from aiominio.credentials import Credentials
from aiominio.errors import InvalidArgument
from aiominio.presign import PostPolicy
from aiominio.requester import Requester


async def _credentials(req: Requester) -> Credentials:
    creds = await req.credentials()
    if creds is None:
        raise InvalidArgument("presigning needs credentials; this client is anonymous")
    return creds


async def presigned_url(
    req: Requester,
    bucket: str,
    key: str | None,
    *,
    method: str,
    expiry: int | timedelta,
    query: Mapping[str, str] | None = None,
    request_date: datetime | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """A presigned URL for ``method`` on the bucket or object, valid for ``expiry`` (seconds or
    a timedelta; ``headers`` signed with it)."""
    creds = await _credentials(req)
    region = await req.region_for(bucket)
    return presign.presign_url(
        method,
        req.endpoint,
        bucket,
        key,
        credentials=creds,
        region=region,
        expires=expiry,
        now=request_date,
        query=query,
        style=req.style,
        headers=headers,
    )


async def presigned_post_policy(
    req: Requester, *, policy: PostPolicy, request_date: datetime | None = None
) -> tuple[str, dict[str, str]]:
    """The URL and form fields of a browser upload under ``policy`` (checked already)."""
    assert policy.bucket is not None
    creds = await _credentials(req)
    region = await req.region_for(policy.bucket)
    return presign.presign_post_policy(
        policy, req.endpoint, credentials=creds, region=region, now=request_date, style=req.style
    )

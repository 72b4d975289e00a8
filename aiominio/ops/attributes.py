"""GetObjectAttributes: an object's size, ETag, checksum, parts and storage class in one request."""

from __future__ import annotations

from aiominio.core.attributes import ALL_ATTRIBUTES, ATTRIBUTES_HEADER, parse_object_attributes
from aiominio.models import ObjectAttributes
from aiominio.ops.objects import version_query
from aiominio.request import Request
from aiominio.requester import Requester


async def get_object_attributes(
    req: Requester, bucket: str, key: str, *, version_id: str | None = None
) -> ObjectAttributes:
    """GET ``?attributes`` asking for every attribute S3 has."""
    resp = await req.send(
        Request(
            "GET",
            bucket,
            key,
            query=(("attributes", ""), *version_query(version_id)),
            headers={ATTRIBUTES_HEADER: ALL_ATTRIBUTES},
        )
    )
    return parse_object_attributes(resp.body, resp.headers)

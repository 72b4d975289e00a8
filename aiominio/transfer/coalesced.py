"""Many ranges of one object in few GETs: :meth:`~aiominio.Client.get_ranges`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from aiominio.core.coalesce import coalesce_ranges, cut_ranges
from aiominio.core.options import ReadOptions
from aiominio.core.sse import SseCustomerKey
from aiominio.errors import InvalidArgument, InvalidResponseError
from aiominio.models import ObjectStat
from aiominio.requester import Requester
from aiominio.transfer.reader import ObjectReader


async def get_ranges(
    req: Requester,
    bucket: str,
    key: str,
    ranges: Sequence[tuple[int, int]],
    *,
    coalesce: int,
    max_span: int,
    concurrency: int,
    version_id: str | None = None,
    conditions: Mapping[str, str] | None = None,
    sse: SseCustomerKey | None = None,
) -> list[bytes]:
    """The bytes of each ``(start, end)`` range, in the order given.

    The ranges are merged into spans (:func:`~aiominio.core.coalesce.coalesce_ranges`), each
    fetched by a ranged GET, ``concurrency`` at once, then cut back into the ranges. Every
    answer must be exactly the span asked for and all must describe one object (the same
    ETag). A range that ends past the object's end raises
    :class:`~aiominio.InvalidArgument` (once an answer told the size); one that starts past
    it, the server's :class:`~aiominio.InvalidRange`.
    """
    spans = coalesce_ranges(ranges, coalesce=coalesce, max_span=max_span)
    read = ReadOptions(version_id, conditions or {}, sse)
    if not spans:
        return [b"" for _ in ranges]
    slots = asyncio.Semaphore(concurrency)

    async def fetch(start: int, end: int) -> tuple[bytes, ObjectStat]:
        async with slots:
            reader = ObjectReader(
                req, bucket, key, offset=start, length=end - start, read=read, verify=False
            )
            async with reader:
                return await reader.read(), reader.stat

    tasks = [asyncio.ensure_future(fetch(start, end)) for start, end in spans]
    try:
        answers = await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    size = answers[0][1].size
    if len({stat.etag for _, stat in answers}) > 1:
        raise InvalidResponseError(
            f"{bucket}/{key} changed while its ranges were read (the answers give different "
            "ETags); read it again, or pin it with version_id or if_match"
        )
    last = max(end for _, end in ranges)
    if last > size:
        raise InvalidArgument(
            f"a range ends at {last}, past the end of {bucket}/{key} ({size} bytes)"
        )
    return cut_ranges(ranges, spans, [body for body, _ in answers])

"""``put_object``: one verified PUT up to the multipart threshold, a multipart upload above it."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping

from aiominio.core import signing
from aiominio.core.checksums import Integrity
from aiominio.core.headers import unquote_etag
from aiominio.core.sse import Sse, SseCustomerKey, write_headers
from aiominio.errors import IncompleteBody
from aiominio.models import PutResult
from aiominio.ops.objects import stat_written
from aiominio.requester import Request, Requester
from aiominio.transfer.integrity import checksum_headers
from aiominio.transfer.multipart import MultipartPlan, create_multipart, run_multipart
from aiominio.transfer.sources import Progress, ProgressReporter, Source


async def put_single(
    req: Requester,
    bucket: str,
    key: str,
    *,
    data: bytes | memoryview,
    headers: Mapping[str, str],
    integrity: Integrity,
    reporter: ProgressReporter | None = None,
    sse: Sse | None = None,
) -> PutResult:
    """One PUT, with a checksum the server verifies, and the server's answer checked (an answer
    without an ETag is completed by a HEAD). ``sse``: the encryption to ask for; ``reporter``
    counts the body's bytes as they are written."""
    extra, check, crc = await checksum_headers(data, integrity)
    if crc is not None:
        # Named as the SDKs name it: a bucket with object lock (moto, and S3 for a retention)
        # refuses a PUT with neither Content-MD5 nor this header.
        extra["x-amz-sdk-checksum-algorithm"] = "CRC32"
    counter = reporter.body_counter() if reporter is not None and reporter.active else None
    resp = await req.send(
        Request(
            "PUT",
            bucket,
            key,
            headers={**headers, **extra, **write_headers(sse)},
            body=data,
            payload_hash=signing.UNSIGNED_PAYLOAD,
        ),
        sent=counter,
    )
    check(resp.headers, f"{bucket}/{key}")
    if counter is not None:
        counter(len(data))  # a small body is written in one piece, without telling
    etag = unquote_etag(resp.headers.get("etag", ""))
    version_id = resp.headers.get("x-amz-version-id")
    if not etag:
        customer_key = sse if isinstance(sse, SseCustomerKey) else None
        stat = await stat_written(
            req, bucket, key, version_id=version_id, what="PUT", sse=customer_key
        )
        etag = stat.etag
    return PutResult(etag, version_id, crc)


def put_object(
    req: Requester,
    bucket: str,
    key: str,
    *,
    source: Source,
    headers: Mapping[str, str],
    part_size: int,
    concurrency: int,
    threshold: int,
    integrity: Integrity,
    progress: Progress | None = None,
    conditions: Mapping[str, str] | None = None,
    sse: Sse | None = None,
) -> Awaitable[PutResult]:
    """Upload ``source``: bodies up to ``threshold`` bytes (and streams that end before it) in
    one PUT, larger ones as a multipart upload that is aborted if it fails. ``conditions``
    (If-Match, If-None-Match) go on the PUT, or on the CompleteMultipartUpload. ``sse`` is
    asked for on the PUT or the CreateMultipartUpload (an SSE-C key goes with every part).
    ``progress`` is told of the bytes written at least every MiB, and once at the end."""
    reporter = ProgressReporter(progress, source.size)
    put = _put(
        req,
        bucket,
        key,
        source=source,
        headers=headers,
        part_size=part_size,
        concurrency=concurrency,
        threshold=threshold,
        integrity=integrity,
        reporter=reporter,
        conditions=conditions,
        sse=sse,
    )
    if progress is None:
        return put  # nobody to tell: no progress pump, no final report, no extra coroutine frame
    return _reporting(reporter, put)


async def _reporting(reporter: ProgressReporter, put: Awaitable[PutResult]) -> PutResult:
    async with reporter.pumping():
        result = await put
    await reporter.report(final=True)
    return result


async def _put(
    req: Requester,
    bucket: str,
    key: str,
    *,
    source: Source,
    headers: Mapping[str, str],
    part_size: int,
    concurrency: int,
    threshold: int,
    integrity: Integrity,
    reporter: ProgressReporter,
    conditions: Mapping[str, str] | None,
    sse: Sse | None,
) -> PutResult:
    single_headers = {**headers, **(conditions or {})}
    if source.size is not None and source.size <= threshold:
        body = await source.read(source.size)
        if len(body) < source.size:
            raise IncompleteBody(f"the data ended after {len(body)} bytes; size said {source.size}")
        return await put_single(
            req,
            bucket,
            key,
            data=body,
            headers=single_headers,
            integrity=integrity,
            reporter=reporter,
            sse=sse,
        )
    first = None
    if source.size is None:
        first = await source.read(part_size)
        if len(first) < part_size and len(first) <= threshold:
            return await put_single(
                req,
                bucket,
                key,
                data=first,
                headers=single_headers,
                integrity=integrity,
                reporter=reporter,
                sse=sse,
            )
    with req.operation():  # one deadline for all its requests
        upload = await create_multipart(
            req, bucket, key, headers=headers, integrity=integrity, sse=sse, conditions=conditions
        )
        plan = MultipartPlan(upload, part_size, concurrency, integrity, abort_on_error=True)
        return await run_multipart(req, source, plan, reporter=reporter, first_chunk=first)

"""``put_object``: one verified PUT up to the multipart threshold, a multipart upload above it."""

from __future__ import annotations

from collections.abc import Awaitable

from aiominio.core import planning, signing
from aiominio.core.headers import unquote_etag
from aiominio.errors import IncompleteBody
from aiominio.models import Checksum, PutResult
from aiominio.ops.objects import stat_written
from aiominio.request import Request
from aiominio.transfer.integrity import checksum_headers
from aiominio.transfer.jobs import Upload
from aiominio.transfer.multipart import MultipartPlan, create_multipart, run_multipart
from aiominio.transfer.sources import Progress, ProgressReporter, Source, in_memory


async def put_single(
    job: Upload, data: bytes | memoryview, reporter: ProgressReporter | None = None
) -> PutResult:
    """One PUT, with a checksum the server verifies, and the server's answer checked (an answer
    without an ETag is completed by a HEAD); ``reporter`` counts the body's bytes as they are
    written."""
    extra, check, value = await checksum_headers(data, job.integrity)
    if value is not None:
        # Named as the SDKs name it: a bucket with object lock (moto, and S3 for a retention)
        # refuses a PUT with neither Content-MD5 nor this header.
        extra["x-amz-sdk-checksum-algorithm"] = job.integrity.upper()
    counter = reporter.body_counter() if reporter is not None and reporter.active else None
    req = job.requester
    headers = job.write.put_headers()
    headers.update(extra)
    resp = await req.send(
        Request(
            "PUT",
            job.bucket,
            job.key,
            headers=headers,
            body=data,
            payload_hash=signing.UNSIGNED_PAYLOAD,
        ),
        sent=counter,
    )
    check(resp.headers, job.where)
    if counter is not None:
        counter(len(data))  # a small body is written in one piece, without telling
    etag = unquote_etag(resp.headers.get("etag", ""))
    version_id = resp.headers.get("x-amz-version-id")
    if not etag:
        stat = await stat_written(
            req,
            job.bucket,
            job.key,
            version_id=version_id,
            what="PUT",
            sse=job.write.customer_key,
        )
        etag = stat.etag
    stored = Checksum(job.integrity.upper(), value, "FULL_OBJECT") if value else None
    return PutResult(etag, version_id, value if job.integrity == "crc32" else None, stored)


def put_object(
    job: Upload, source: Source, progress: Progress | None = None
) -> Awaitable[PutResult]:
    """Upload ``source``: bodies up to the job's threshold (and streams that end before it) in
    one PUT, larger ones as a multipart upload that is aborted if it fails. The write's
    conditions go on the PUT, or on the CompleteMultipartUpload; its encryption is asked for on
    the PUT or the CreateMultipartUpload (an SSE-C key goes with every part). ``progress`` is
    told of the bytes written at least every MiB, and once at the end."""
    reporter = ProgressReporter(progress, source.size)
    whole = in_memory(source)
    if whole is not None and len(whole) <= job.threshold:
        put = put_single(job, whole, reporter)  # small bytes in memory: PUT them, nothing to read
    else:
        put = _put(job, source, reporter)
    if progress is None:
        return put  # no callback: skip the progress task and the coroutine that wraps the upload
    return _reporting(reporter, put)


async def _reporting(reporter: ProgressReporter, put: Awaitable[PutResult]) -> PutResult:
    async with reporter.pumping():
        result = await put
    await reporter.report(final=True)
    return result


async def _put(job: Upload, source: Source, reporter: ProgressReporter) -> PutResult:
    part_size = job.part_size
    if part_size is None:
        part_size = planning.plan_part_size(source.size, None)
    if source.size is not None and source.size <= job.threshold:
        body = await source.read(source.size)
        if len(body) < source.size:
            raise IncompleteBody(f"the data ended after {len(body)} bytes; size said {source.size}")
        return await put_single(job, body, reporter)
    first = None
    if source.size is None:
        first = await source.read(part_size)
        if len(first) < part_size and len(first) <= job.threshold:
            return await put_single(job, first, reporter)
    req = job.requester
    with req.operation():  # one deadline for all its requests
        upload = await create_multipart(
            req, job.bucket, job.key, write=job.write, integrity=job.integrity
        )
        plan = MultipartPlan(upload, part_size, job.concurrency, job.integrity)
        return await run_multipart(req, source, plan, reporter=reporter, first_chunk=first)

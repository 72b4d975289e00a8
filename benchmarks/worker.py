"""One library, one workload, in its own process: prints one JSON line with the measurements.

Run by ``benchmarks/run.py``; not meant to be run by hand (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

CONCURRENCY = 32
# Every client is told the region (as a service configures it), so none spends a request of
# the timed section asking the server for it.
REGION = "us-east-1"


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mib() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork/exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def gather_limited(
    n: int, fn: Callable[[int], Awaitable[Any]], concurrency: int = CONCURRENCY
) -> None:
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with sem:
            await fn(i)

    await asyncio.gather(*(one(i) for i in range(n)))


def threads_limited(n: int, fn: Callable[[int], Any], concurrency: int = CONCURRENCY) -> None:
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fn, range(n)))


def small(i: int) -> str:
    """The key of the ``i``-th small GET: the prepared ``--objects`` small objects, in turn."""
    return f"small/{i % A.objects}"


def error_name(e: BaseException) -> str:
    return f"{type(e).__module__}.{type(e).__name__}"


async def conc_async(n: int, fn: Callable[[int], Awaitable[Any]]) -> dict[str, Any]:
    """``n`` calls, ``--concurrency`` at once, every exception counted by its type instead of
    raised (the concurrency sweep reports failures next to ops/s)."""
    errors: Counter[str] = Counter()

    async def one(i: int) -> None:
        try:
            await fn(i)
        except Exception as e:
            errors[error_name(e)] += 1

    await gather_limited(n, one, A.concurrency)
    return {"ok": n - sum(errors.values()), "errors": dict(errors)}


def conc_threads(n: int, fn: Callable[[int], Any]) -> dict[str, Any]:
    errors: Counter[str] = Counter()

    def one(i: int) -> None:
        try:
            fn(i)
        except Exception as e:
            errors[error_name(e)] += 1  # Counter += from threads: under the GIL, good enough

    threads_limited(n, one, A.concurrency)
    return {"ok": n - sum(errors.values()), "errors": dict(errors)}


def preallocate(path: str, size: int) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.ftruncate(fd, size)
    return fd


# -- the libraries ----------------------------------------------------------------------------


class Aiominio:
    def options(self) -> dict[str, Any]:
        """Client keywords beyond the endpoint, keys and region."""
        return {"max_connections": A.pool} if A.pool else {}

    async def __aenter__(self) -> Aiominio:
        import aiominio

        self.c = aiominio.Client(
            A.endpoint,
            access_key=A.access_key,
            secret_key=A.secret_key,
            region=REGION,
            **self.options(),
        )
        await self.c.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.c.close()

    async def put_large(self, data: bytes) -> None:
        await self.c.put_object(A.bucket, "large/aiominio", data)

    async def put_file(self, path: str) -> None:
        await self.c.fput_object(A.bucket, "file/aiominio", path)

    async def get_large(self) -> dict[str, Any]:
        n = 0
        async with self.c.get_object(A.bucket, "large-source", verify=True) as obj:
            async for chunk in obj:
                n += len(chunk)
        return {"bytes": n, "verified_by": obj.verified_by}

    async def size_put(self, ops: int, data: bytes) -> None:
        for i in range(ops):
            await self.c.put_object(A.bucket, f"sweep-put/aiominio/{len(data)}/{i}", data)

    async def size_get(self, ops: int) -> dict[str, Any]:
        n, by = 0, set()
        for _ in range(ops):
            async with self.c.get_object(A.bucket, A.key, verify=True) as obj:
                async for chunk in obj:
                    n += len(chunk)
            by.add(str(obj.verified_by))
        return {"bytes": n, "verified_by": ",".join(sorted(by))}

    async def conc_get(self, count: int) -> dict[str, Any]:
        async def get(i: int) -> None:
            async with self.c.get_object(A.bucket, small(i), verify=True) as obj:
                await obj.read()

        return await conc_async(count, get)

    async def conc_put(self, count: int, data: bytes) -> dict[str, Any]:
        return await conc_async(
            count, lambda i: self.c.put_object(A.bucket, f"cp/aiominio/{i}", data)
        )

    async def list_v1(self) -> int:
        return len([o async for o in self.c.list_objects(A.bucket, "list/", recursive=True)])

    async def parallel_get(self, path: str) -> dict[str, Any]:
        try:
            await self.c.fget_object(
                A.bucket,
                A.key,
                path,
                verify=True,
                concurrency=A.concurrency,
                part_size=A.part_size,
            )
        except TypeError as e:  # an aiominio whose fget_object has no parallel ranges yet
            if "concurrency" not in str(e) and "part_size" not in str(e):
                raise
            if A.concurrency != 1:
                return {"unsupported": "this aiominio's fget_object has no concurrency="}
            await self.c.fget_object(A.bucket, A.key, path, verify=True)
        return {"bytes": os.path.getsize(path)}

    async def small_put(self, count: int, data: bytes) -> None:
        await gather_limited(count, lambda i: self.c.put_object(A.bucket, f"sp/aiominio/{i}", data))

    async def small_get(self, count: int) -> dict[str, Any]:
        by: set[str] = set()

        async def get(i: int) -> None:
            async with self.c.get_object(A.bucket, small(i), verify=True) as obj:
                await obj.read()
            by.add(str(obj.verified_by))

        await gather_limited(count, get)
        return {"verified_by": ",".join(sorted(by))}

    async def list_v2(self) -> int:
        return len([o async for o in self.c.list_objects_v2(A.bucket, "list/", recursive=True)])

    async def stat(self, count: int) -> None:
        await gather_limited(count, lambda i: self.c.stat_object(A.bucket, small(i)))

    async def delete(self, count: int) -> None:
        await gather_limited(count, lambda i: self.c.remove_object(A.bucket, f"del/aiominio/{i}"))


class AiominioOtel(Aiominio):
    """aiominio with ``telemetry=True`` and the OpenTelemetry SDK recording every span and
    metric in the process, as a service exporting them would, minus the export itself: spans
    through a ``BatchSpanProcessor`` (its thread's CPU counts) to an exporter that drops them,
    metrics aggregated for an ``InMemoryMetricReader`` that is never read."""

    def options(self) -> dict[str, Any]:
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            SpanExporter,
            SpanExportResult,
        )

        class Dropped(SpanExporter):
            def export(self, spans: Any) -> SpanExportResult:
                return SpanExportResult.SUCCESS

        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(BatchSpanProcessor(Dropped()))
        self.meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
        return {
            **super().options(),
            "telemetry": True,
            "tracer_provider": self.tracer_provider,
            "meter_provider": self.meter_provider,
        }

    async def __aexit__(self, *exc: object) -> None:
        await super().__aexit__(*exc)
        self.tracer_provider.shutdown()  # the spans still queued are processed (and timed)
        self.meter_provider.shutdown()


class AiominioOtelApi(Aiominio):
    """aiominio with ``telemetry=True`` and no OpenTelemetry SDK: the API's no-op providers,
    what telemetry costs an application that installed the extra but records nothing."""

    def options(self) -> dict[str, Any]:
        return {**super().options(), "telemetry": True}


class Obstore:
    async def __aenter__(self) -> Obstore:
        from obstore.store import S3Store

        self.s = S3Store(
            A.bucket,
            endpoint=A.endpoint,
            access_key_id=A.access_key,
            secret_access_key=A.secret_key,
            region=REGION,
            client_options={"allow_http": True},
        )
        return self

    async def size_put(self, ops: int, data: bytes) -> None:
        import obstore

        for i in range(ops):
            await obstore.put_async(self.s, f"sweep-put/obstore/{len(data)}/{i}", data)

    async def size_get(self, ops: int) -> int:
        import obstore

        n = 0
        for _ in range(ops):
            resp = await obstore.get_async(self.s, A.key)
            async for chunk in resp.stream():
                n += len(chunk)
        return n

    async def conc_get(self, count: int) -> dict[str, Any]:
        import obstore

        async def get(i: int) -> None:
            resp = await obstore.get_async(self.s, small(i))
            await resp.bytes_async()

        return await conc_async(count, get)

    async def conc_put(self, count: int, data: bytes) -> dict[str, Any]:
        import obstore

        return await conc_async(count, lambda i: obstore.put_async(self.s, f"cp/obstore/{i}", data))

    async def parallel_get(self, path: str) -> dict[str, Any]:
        """Ranges of ``part_size``, ``concurrency`` at once, each written at its offset of a
        preallocated file. One ``get_range_async`` per range: ``get_ranges_async`` merges
        adjacent ranges into one request (object_store's coalescing), which would be one stream.
        """
        import obstore

        size = (await obstore.head_async(self.s, A.key))["size"]
        fd = preallocate(path, size)
        sem = asyncio.Semaphore(A.concurrency)

        async def one(start: int) -> None:
            async with sem:
                end = min(start + A.part_size, size)
                buf = await obstore.get_range_async(self.s, A.key, start=start, end=end)
                await asyncio.to_thread(os.pwrite, fd, memoryview(buf), start)

        try:
            await asyncio.gather(*(one(s) for s in range(0, size, A.part_size)))
        finally:
            os.close(fd)
        return {"bytes": size}

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def put_large(self, data: bytes) -> None:
        import obstore

        await obstore.put_async(self.s, "large/obstore", data)

    async def put_file(self, path: str) -> None:
        from pathlib import Path

        import obstore

        await obstore.put_async(self.s, "file/obstore", Path(path))

    async def get_large(self) -> int:
        import obstore

        resp = await obstore.get_async(self.s, "large-source")
        n = 0
        async for chunk in resp.stream():
            n += len(chunk)
        return n

    async def small_put(self, count: int, data: bytes) -> None:
        import obstore

        await gather_limited(count, lambda i: obstore.put_async(self.s, f"sp/obstore/{i}", data))

    async def small_get(self, count: int) -> None:
        import obstore

        async def get(i: int) -> None:
            resp = await obstore.get_async(self.s, small(i))
            await resp.bytes_async()

        await gather_limited(count, get)

    async def list_v2(self) -> int:  # obstore has one listing (ListObjectsV2)
        import obstore

        n = 0
        async for batch in obstore.list(self.s, "list/"):
            n += len(batch)
        return n

    async def stat(self, count: int) -> None:
        import obstore

        await gather_limited(count, lambda i: obstore.head_async(self.s, small(i)))

    async def delete(self, count: int) -> None:
        import obstore

        await gather_limited(count, lambda i: obstore.delete_async(self.s, f"del/obstore/{i}"))


class MiniopyAsync:
    async def __aenter__(self) -> MiniopyAsync:
        import aiohttp
        from miniopy_async import Minio

        host = A.endpoint.split("://", 1)[1]
        self.c = Minio(
            host, access_key=A.access_key, secret_key=A.secret_key, secure=False, region=REGION
        )
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()
        close = getattr(self.c, "close_session", None)
        if close is not None:
            await close()

    async def put_large(self, data: bytes) -> None:
        await self.c.put_object(A.bucket, "large/miniopy", io.BytesIO(data), len(data))

    async def put_file(self, path: str) -> None:
        await self.c.fput_object(A.bucket, "file/miniopy", path)

    async def get_large(self) -> int:
        resp = await self.c.get_object(A.bucket, "large-source")
        n = 0
        async for chunk in resp.content.iter_chunked(1 << 20):
            n += len(chunk)
        resp.release()
        return n

    async def small_put(self, count: int, data: bytes) -> None:
        await gather_limited(
            count,
            lambda i: self.c.put_object(A.bucket, f"sp/miniopy/{i}", io.BytesIO(data), len(data)),
        )

    async def small_get(self, count: int) -> None:
        async def get(i: int) -> None:
            resp = await self.c.get_object(A.bucket, small(i))
            await resp.read()
            resp.release()

        await gather_limited(count, get)

    async def list_v2(self) -> int:
        return len([o async for o in self.c.list_objects(A.bucket, "list/", recursive=True)])

    async def list_v1(self) -> int:
        objs = self.c.list_objects(A.bucket, "list/", recursive=True, use_api_v1=True)
        return len([o async for o in objs])

    async def stat(self, count: int) -> None:
        await gather_limited(count, lambda i: self.c.stat_object(A.bucket, small(i)))

    async def delete(self, count: int) -> None:
        await gather_limited(
            count, lambda i: self.c.remove_object(A.bucket, f"del/miniopy-async/{i}")
        )

    async def size_put(self, ops: int, data: bytes) -> None:
        for i in range(ops):
            key = f"sweep-put/miniopy/{len(data)}/{i}"
            await self.c.put_object(A.bucket, key, io.BytesIO(data), len(data))

    async def size_get(self, ops: int) -> int:
        n = 0
        for _ in range(ops):
            resp = await self.c.get_object(A.bucket, A.key)
            async for chunk in resp.content.iter_chunked(1 << 20):
                n += len(chunk)
            resp.release()
        return n

    async def conc_get(self, count: int) -> dict[str, Any]:
        async def get(i: int) -> None:
            resp = await self.c.get_object(A.bucket, small(i))
            await resp.read()
            resp.release()

        return await conc_async(count, get)

    async def conc_put(self, count: int, data: bytes) -> dict[str, Any]:
        return await conc_async(
            count,
            lambda i: self.c.put_object(A.bucket, f"cp/miniopy/{i}", io.BytesIO(data), len(data)),
        )


class Aiobotocore:
    async def __aenter__(self) -> Aiobotocore:
        from aiobotocore.session import get_session
        from botocore.config import Config

        self._cm = get_session().create_client(
            "s3",
            endpoint_url=A.endpoint,
            aws_access_key_id=A.access_key,
            aws_secret_access_key=A.secret_key,
            region_name=REGION,
            config=Config(max_pool_connections=A.pool or CONCURRENCY),
        )
        self.c = await self._cm.__aenter__()
        return self

    async def size_put(self, ops: int, data: bytes) -> None:
        for i in range(ops):
            key = f"sweep-put/aiobotocore/{len(data)}/{i}"
            await self.c.put_object(Bucket=A.bucket, Key=key, Body=data)

    async def size_get(self, ops: int) -> int:
        n = 0
        for _ in range(ops):
            resp = await self.c.get_object(Bucket=A.bucket, Key=A.key)
            async with resp["Body"] as body:
                while chunk := await body.read(1 << 20):
                    n += len(chunk)
        return n

    async def conc_get(self, count: int) -> dict[str, Any]:
        async def get(i: int) -> None:
            resp = await self.c.get_object(Bucket=A.bucket, Key=small(i))
            async with resp["Body"] as body:
                await body.read()

        return await conc_async(count, get)

    async def conc_put(self, count: int, data: bytes) -> dict[str, Any]:
        return await conc_async(
            count,
            lambda i: self.c.put_object(Bucket=A.bucket, Key=f"cp/aiobotocore/{i}", Body=data),
        )

    async def _list(self, api: str) -> int:
        n = 0
        async for page in self.c.get_paginator(api).paginate(Bucket=A.bucket, Prefix="list/"):
            n += len(page.get("Contents", []))
        return n

    async def list_v1(self) -> int:
        return await self._list("list_objects")

    async def list_v2(self) -> int:
        return await self._list("list_objects_v2")

    async def __aexit__(self, *exc: object) -> None:
        await self._cm.__aexit__(None, None, None)

    async def put_large(self, data: bytes) -> None:
        await self.c.put_object(Bucket=A.bucket, Key="large/aiobotocore", Body=data)

    async def put_file(self, path: str) -> None:
        with open(path, "rb") as f:  # no transfer manager in aiobotocore: one PUT
            await self.c.put_object(Bucket=A.bucket, Key="file/aiobotocore", Body=f)

    async def get_large(self) -> int:
        resp = await self.c.get_object(Bucket=A.bucket, Key="large-source")
        n = 0
        async with resp["Body"] as body:
            while chunk := await body.read(1 << 20):
                n += len(chunk)
        return n

    async def small_put(self, count: int, data: bytes) -> None:
        await gather_limited(
            count,
            lambda i: self.c.put_object(Bucket=A.bucket, Key=f"sp/aiobotocore/{i}", Body=data),
        )

    async def small_get(self, count: int) -> None:
        async def get(i: int) -> None:
            resp = await self.c.get_object(Bucket=A.bucket, Key=small(i))
            async with resp["Body"] as body:
                await body.read()

        await gather_limited(count, get)

    async def stat(self, count: int) -> None:
        await gather_limited(count, lambda i: self.c.head_object(Bucket=A.bucket, Key=small(i)))

    async def delete(self, count: int) -> None:
        await gather_limited(
            count, lambda i: self.c.delete_object(Bucket=A.bucket, Key=f"del/aiobotocore/{i}")
        )


class MinioPy:
    """Synchronous: concurrency from a pool of 32 threads."""

    def __init__(self) -> None:
        import urllib3
        from minio import Minio

        host = A.endpoint.split("://", 1)[1]
        pool = urllib3.PoolManager(maxsize=A.pool or CONCURRENCY)
        self.c = Minio(
            host, A.access_key, A.secret_key, secure=False, region=REGION, http_client=pool
        )

    def put_large(self, data: bytes) -> None:
        self.c.put_object(A.bucket, "large/minio", io.BytesIO(data), len(data))

    def put_file(self, path: str) -> None:
        self.c.fput_object(A.bucket, "file/minio", path)

    def get_large(self) -> int:
        resp = self.c.get_object(A.bucket, "large-source")
        n = sum(len(c) for c in resp.stream(1 << 20))
        resp.close()
        resp.release_conn()
        return n

    def small_put(self, count: int, data: bytes) -> None:
        threads_limited(
            count,
            lambda i: self.c.put_object(A.bucket, f"sp/minio/{i}", io.BytesIO(data), len(data)),
        )

    def small_get(self, count: int) -> None:
        def get(i: int) -> None:
            resp = self.c.get_object(A.bucket, small(i))
            resp.read()
            resp.close()
            resp.release_conn()

        threads_limited(count, get)

    def list_v2(self) -> int:
        return len(list(self.c.list_objects(A.bucket, "list/", recursive=True)))

    def list_v1(self) -> int:
        objs = self.c.list_objects(A.bucket, "list/", recursive=True, use_api_v1=True)
        return len(list(objs))

    def size_put(self, ops: int, data: bytes) -> None:
        for i in range(ops):
            key = f"sweep-put/minio/{len(data)}/{i}"
            self.c.put_object(A.bucket, key, io.BytesIO(data), len(data))

    def size_get(self, ops: int) -> int:
        n = 0
        for _ in range(ops):
            resp = self.c.get_object(A.bucket, A.key)
            n += sum(len(c) for c in resp.stream(1 << 20))
            resp.close()
            resp.release_conn()
        return n

    def conc_get(self, count: int) -> dict[str, Any]:
        def get(i: int) -> None:
            resp = self.c.get_object(A.bucket, small(i))
            resp.read()
            resp.close()
            resp.release_conn()

        return conc_threads(count, get)

    def conc_put(self, count: int, data: bytes) -> dict[str, Any]:
        return conc_threads(
            count,
            lambda i: self.c.put_object(A.bucket, f"cp/minio/{i}", io.BytesIO(data), len(data)),
        )

    def stat(self, count: int) -> None:
        threads_limited(count, lambda i: self.c.stat_object(A.bucket, small(i)))

    def delete(self, count: int) -> None:
        threads_limited(count, lambda i: self.c.remove_object(A.bucket, f"del/minio-py/{i}"))


class Boto3:
    """Synchronous: concurrency from a pool of 32 threads; files through the transfer manager."""

    def __init__(self) -> None:
        import boto3
        from botocore.config import Config

        self.c = boto3.client(
            "s3",
            endpoint_url=A.endpoint,
            aws_access_key_id=A.access_key,
            aws_secret_access_key=A.secret_key,
            region_name=REGION,
            config=Config(max_pool_connections=A.pool or CONCURRENCY),
        )

    def size_put(self, ops: int, data: bytes) -> None:
        for i in range(ops):
            key = f"sweep-put/boto3/{len(data)}/{i}"
            self.c.put_object(Bucket=A.bucket, Key=key, Body=data)

    def size_get(self, ops: int) -> int:
        n = 0
        for _ in range(ops):
            body = self.c.get_object(Bucket=A.bucket, Key=A.key)["Body"]
            n += sum(len(c) for c in body.iter_chunks(1 << 20))
        return n

    def conc_get(self, count: int) -> dict[str, Any]:
        return conc_threads(
            count, lambda i: self.c.get_object(Bucket=A.bucket, Key=small(i))["Body"].read()
        )

    def conc_put(self, count: int, data: bytes) -> dict[str, Any]:
        return conc_threads(
            count, lambda i: self.c.put_object(Bucket=A.bucket, Key=f"cp/boto3/{i}", Body=data)
        )

    def _list(self, api: str) -> int:
        n = 0
        for page in self.c.get_paginator(api).paginate(Bucket=A.bucket, Prefix="list/"):
            n += len(page.get("Contents", []))
        return n

    def list_v1(self) -> int:
        return self._list("list_objects")

    def list_v2(self) -> int:
        return self._list("list_objects_v2")

    def put_large(self, data: bytes) -> None:
        self.c.upload_fileobj(io.BytesIO(data), A.bucket, "large/boto3")

    def put_file(self, path: str) -> None:
        self.c.upload_file(path, A.bucket, "file/boto3")

    def get_large(self) -> int:
        body = self.c.get_object(Bucket=A.bucket, Key="large-source")["Body"]
        return sum(len(c) for c in body.iter_chunks(1 << 20))

    def small_put(self, count: int, data: bytes) -> None:
        threads_limited(
            count, lambda i: self.c.put_object(Bucket=A.bucket, Key=f"sp/boto3/{i}", Body=data)
        )

    def small_get(self, count: int) -> None:
        threads_limited(
            count, lambda i: self.c.get_object(Bucket=A.bucket, Key=small(i))["Body"].read()
        )

    def stat(self, count: int) -> None:
        threads_limited(count, lambda i: self.c.head_object(Bucket=A.bucket, Key=small(i)))

    def delete(self, count: int) -> None:
        threads_limited(
            count, lambda i: self.c.delete_object(Bucket=A.bucket, Key=f"del/boto3/{i}")
        )


class BareAiohttp:
    """Not a client: aiohttp's own cost of a large GET (a presigned URL, ``iter_any``), the
    floor under any aiohttp-based client's streamed download, and of a small signed PUT."""

    async def __aenter__(self) -> BareAiohttp:
        import aiohttp

        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    async def _get(self) -> int:
        n = 0
        async with self.session.get(A.url) as resp:
            resp.raise_for_status()
            async for chunk in resp.content.iter_any():
                n += len(chunk)
        return n

    async def get_large(self) -> int:
        return await self._get()

    async def size_get(self, ops: int) -> int:
        return sum([await self._get() for _ in range(ops)])

    async def small_put(self, count: int, data: bytes) -> None:
        """The same request aiominio sends (SigV4 by aiominio's pure signer, the CRC32 the
        server verifies), sent by a bare session: aiohttp's and asyncio's share of a small PUT."""
        import base64
        import zlib
        from datetime import datetime, timezone

        from aiominio.core.signing import UNSIGNED_PAYLOAD, sign_request
        from aiominio.credentials import Credentials

        creds = Credentials(A.access_key, A.secret_key)
        crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()

        async def put(i: int) -> None:
            url = f"{A.endpoint}/{A.bucket}/sp/aiohttp/{i}"
            headers = sign_request(
                "PUT",
                url,
                {
                    "x-amz-checksum-crc32": crc,
                    "x-amz-sdk-checksum-algorithm": "CRC32",
                    "Content-Type": "application/octet-stream",
                },
                payload_hash=UNSIGNED_PAYLOAD,
                credentials=creds,
                region=REGION,
                now=datetime.now(timezone.utc),
            )
            async with self.session.put(url, data=data, headers=headers) as resp:
                resp.raise_for_status()
                await resp.read()

        await gather_limited(count, put)


class Floor:
    """Not a client: the local file I/O of ``put_file`` and ``parallel_get`` alone, no network,
    the floor under any client's file transfer on this machine.

    ``put_file``: the file read once, in 16 MiB parts (the default part size), each into one
    reused buffer (``readinto``, unbuffered): what an upload of it must read. ``parallel_get``:
    a new file of the object's size written in 1 MiB ``os.pwrite`` calls at their offsets, the
    ranges of ``--part-size`` shared by ``--concurrency`` threads: what a download must write.
    """

    def put_file(self, path: str) -> dict[str, Any]:
        view = memoryview(bytearray(16 << 20))
        n = 0
        with open(path, "rb", buffering=0) as f:
            while got := f.readinto(view):
                n += got
        return {"bytes": n}

    def parallel_get(self, path: str) -> dict[str, Any]:
        import concurrent.futures

        size, part = A.size, A.part_size
        chunk = os.urandom(1 << 20)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.ftruncate(fd, size)

            def write_range(start: int) -> None:
                stop = min(start + part, size)
                for at in range(start, stop, len(chunk)):
                    os.pwrite(fd, chunk[: stop - at], at)

            with concurrent.futures.ThreadPoolExecutor(max(1, A.concurrency)) as pool:
                list(pool.map(write_range, range(0, size, part)))
        finally:
            os.close(fd)
        return {"bytes": os.path.getsize(path)}


# -- fsspec filesystems (the fs_* workloads) -------------------------------------------------
#
# The same workload code for each filesystem, through fsspec's synchronous API as a user calls
# it (the filesystems run their coroutines on fsspec's IO thread; obstore's adapter on its Rust
# runtime as well): only the filesystem, its URL scheme and its storage options differ.


class FsLibrary:
    """One filesystem: ``scheme`` for URLs, ``options`` as storage_options, ``make()``."""

    scheme = ""

    def options(self) -> dict[str, Any]:
        raise NotImplementedError

    def setup(self) -> None:
        """Whatever makes ``scheme://`` URLs reach this filesystem (before anything is timed)."""

    def make(self) -> Any:
        import fsspec

        return fsspec.filesystem(self.scheme, **self.options())


class AiominioFs(FsLibrary):
    scheme = "aiominio"

    def options(self) -> dict[str, Any]:
        return {
            "endpoint_url": A.endpoint,
            "key": A.access_key,
            "secret": A.secret_key,
            "client_kwargs": {"region_name": REGION},
        }

    def setup(self) -> None:
        import fsspec

        from aiominio.fsspec import AiominioFileSystem

        # The entry point of an installed aiominio names the class; register it here too, in
        # case the aiominio imported (PYTHONPATH) is not the installed one.
        fsspec.register_implementation("aiominio", AiominioFileSystem, clobber=True)


class S3fsFs(FsLibrary):
    scheme = "s3"

    def options(self) -> dict[str, Any]:
        return {
            "endpoint_url": A.endpoint,
            "key": A.access_key,
            "secret": A.secret_key,
            "client_kwargs": {"region_name": REGION},
        }

    def setup(self) -> None:
        import fsspec
        import s3fs

        fsspec.register_implementation("s3", s3fs.S3FileSystem, clobber=True)


class ObstoreFs(FsLibrary):
    """obstore's adapter, ``obstore.fsspec.FsspecStore``, serving ``s3://``.

    Registered as the class itself, told its protocol in the storage options: the subclass
    ``obstore.fsspec.register("s3")`` makes (``FsspecStore_s3``, built at run time) cannot be
    pickled, and Dask pickles the filesystem of every file it reads (its tokens)."""

    scheme = "s3"

    def options(self) -> dict[str, Any]:
        return {
            "protocol": "s3",
            "endpoint": A.endpoint,
            "access_key_id": A.access_key,
            "secret_access_key": A.secret_key,
            "region": REGION,
            "client_options": {"allow_http": True},
        }

    def setup(self) -> None:
        import fsspec
        from obstore.fsspec import FsspecStore

        fsspec.register_implementation("s3", FsspecStore, clobber=True)

    def make(self) -> Any:
        from obstore.fsspec import FsspecStore

        return FsspecStore(**self.options())


FS_LIBRARIES: dict[str, type[FsLibrary]] = {
    "aiominio": AiominioFs,
    "s3fs": S3fsFs,
    "obstore": ObstoreFs,
}


def fs_url(lib: FsLibrary, path: str) -> str:
    return f"{lib.scheme}://{A.bucket}/{path}"


def count_files(root: str) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def fs_cat(lib: FsLibrary) -> Callable[[], Any]:
    """``fs.cat(list_of_paths)``: one call for the ``--count`` small objects (fsspec gathers
    the GETs, ``batch_size`` at once)."""
    fs = lib.make()
    paths = [f"{A.bucket}/{A.prefix}{i}" for i in range(A.count)]

    def run() -> dict[str, Any]:
        out = fs.cat(paths)
        n = sum(len(v) for v in out.values())
        if len(out) != A.count or n != A.count * A.small_size:
            raise RuntimeError(f"cat: {len(out)} objects, {n} bytes")
        return {"bytes": n}

    return run


def fs_get(lib: FsLibrary) -> Callable[[], Any]:
    """``fs.get("bucket/tree/", "local/", recursive=True)`` into an empty directory (made
    under ``--file``, removed after the clock stops)."""
    import shutil
    import tempfile

    fs = lib.make()
    into = tempfile.mkdtemp(prefix="fs-get-", dir=A.file or None)

    def run() -> dict[str, Any]:
        fs.get(f"{A.bucket}/{A.prefix}", into + "/", recursive=True)
        return {"files": count_files(into)}

    def check(result: dict[str, Any]) -> None:
        shutil.rmtree(into, ignore_errors=True)
        if result["files"] != A.count:
            raise RuntimeError(f"get: {result['files']} files of {A.count}")

    run.check = check  # type: ignore[attr-defined]
    return run


def fs_put(lib: FsLibrary) -> Callable[[], Any]:
    """``fs.put("local/tree/", "bucket/fs-put/LIB/RUN/", recursive=True)`` (a new prefix)."""
    import uuid

    fs = lib.make()
    dest = f"{A.bucket}/fs-put/{A.library}/{uuid.uuid4().hex}/"

    def run() -> dict[str, Any]:
        fs.put(A.file.rstrip("/") + "/", dest, recursive=True)
        return {}

    def check(result: dict[str, Any]) -> None:
        n = len(fs.find(dest))  # untimed; a listing of what arrived
        if n != A.count:
            raise RuntimeError(f"put: {n} files of {A.count} arrived")

    run.check = check  # type: ignore[attr-defined]
    return run


def fs_parquet(lib: FsLibrary) -> Callable[[], Any]:
    """``pandas.read_parquet(URL, storage_options=...)`` (pyarrow engine, the default)."""
    import pandas as pd
    import pyarrow.parquet  # noqa: F401  (imported before the clock starts)

    url, options = fs_url(lib, A.key), lib.options()

    def run() -> dict[str, Any]:
        df = pd.read_parquet(url, storage_options=options)
        if len(df) != A.count:
            raise RuntimeError(f"read_parquet: {len(df)} rows of {A.count}")
        return {"rows": len(df)}

    return run


def fs_random(lib: FsLibrary) -> Callable[[], Any]:
    """``--count`` reads of ``--read-size`` at random offsets (the same for every library)
    of one ``--size`` object, through one ``fs.open(path, "rb")`` with the filesystem's
    default block size and cache."""
    import random

    fs = lib.make()
    rng = random.Random(A.seed)
    offsets = [rng.randrange(0, max(1, A.size - A.read_size)) for _ in range(A.count)]
    path = f"{A.bucket}/{A.key}"

    def run() -> dict[str, Any]:
        n = 0
        with fs.open(path, "rb") as f:
            for off in offsets:
                f.seek(off)
                data = f.read(A.read_size)
                if len(data) != A.read_size:
                    raise RuntimeError(f"read {len(data)} of {A.read_size} at {off}")
                n += len(data)
        return {"bytes": n}

    return run


def fs_dask(lib: FsLibrary) -> Callable[[], Any]:
    """``dask.dataframe.read_csv(URL glob, storage_options=...)`` over the ``--count`` CSV
    objects, computed on dask's threaded scheduler (its default for dataframes), said
    explicitly."""
    import dask
    import dask.dataframe as dd

    url, options = fs_url(lib, f"{A.prefix}*.csv"), lib.options()

    def run() -> dict[str, Any]:
        df = dd.read_csv(url, storage_options=options)
        with dask.config.set(scheduler="threads"):
            rows = len(df.compute())
        if rows != A.count:
            raise RuntimeError(f"read_csv: {rows} rows of {A.count}")
        return {"rows": rows}

    return run


FS_WORKLOADS = {
    "fs_cat": fs_cat,
    "fs_get": fs_get,
    "fs_put": fs_put,
    "fs_parquet": fs_parquet,
    "fs_random": fs_random,
    "fs_dask": fs_dask,
}


def run_fs() -> dict[str, Any]:
    if A.library not in FS_LIBRARIES:
        return {"unsupported": f"{A.library} is not an fsspec filesystem"}
    lib = FS_LIBRARIES[A.library]()
    lib.setup()
    work = FS_WORKLOADS[A.workload](lib)
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    result = work()
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    check = getattr(work, "check", None)
    if check is not None:
        check(result)
    return {"wall": wall, "cpu": cpu, "rss_mib": peak_rss_mib(), "result": result}


LIBRARIES: dict[str, type] = {
    "aiominio": Aiominio,
    "aiominio-otel": AiominioOtel,
    "aiominio-otel-api": AiominioOtelApi,
    "obstore": Obstore,
    "miniopy-async": MiniopyAsync,
    "aiobotocore": Aiobotocore,
    "minio-py": MinioPy,
    "boto3": Boto3,
    "aiohttp": BareAiohttp,
    "floor": Floor,
}


#: The fresh_* workloads run these methods, in a bucket made just before (by the harness).
FRESH = {"fresh_small_put": "small_put", "fresh_put_large": "put_large"}


def call_args(workload: str) -> tuple[Any, ...]:
    workload = FRESH.get(workload, workload)
    if workload == "put_large":
        return (os.urandom(A.size),)
    if workload in ("put_file", "parallel_get"):
        return (A.file,)
    if workload in ("get_large", "list_v1", "list_v2"):
        return ()
    if workload == "size_put":
        return (A.count, os.urandom(A.size))
    if workload in ("small_put", "conc_put"):
        return (A.count, os.urandom(A.small_size))
    return (A.count,)


async def run_async(lib: Any) -> tuple[float, float, Any]:
    async with lib as ready:
        args = call_args(A.workload)
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        result = await getattr(ready, FRESH.get(A.workload, A.workload))(*args)
        return time.perf_counter() - t0, cpu_seconds() - cpu0, result


def run_sync(lib: Any) -> tuple[float, float, Any]:
    args = call_args(A.workload)
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    result = getattr(lib, FRESH.get(A.workload, A.workload))(*args)
    return time.perf_counter() - t0, cpu_seconds() - cpu0, result


def main() -> None:
    if A.workload in FS_WORKLOADS:
        print(json.dumps(run_fs()), flush=True)
        return
    kind = LIBRARIES.get(A.library)
    if kind is None or not hasattr(kind, FRESH.get(A.workload, A.workload)):
        print(json.dumps({"unsupported": f"{A.library} has no {A.workload}"}), flush=True)
        return
    if kind in (MinioPy, Boto3, Floor):
        wall, cpu, result = run_sync(kind())
    else:
        wall, cpu, result = run_loop(run_async(kind()))
    if isinstance(result, dict) and "unsupported" in result:
        print(json.dumps({"unsupported": result["unsupported"]}), flush=True)
        return
    print(
        json.dumps({"wall": wall, "cpu": cpu, "rss_mib": peak_rss_mib(), "result": result}),
        flush=True,
    )


def run_loop(coro: Any) -> Any:
    """Run ``coro`` on the loop ``--loop`` names: asyncio's own, or uvloop (FastAPI's under
    ``uvicorn[standard]``), the same for every asyncio library of the run."""
    if A.loop == "uvloop":
        import uvloop

        return uvloop.run(coro)
    return asyncio.run(coro)


parser = argparse.ArgumentParser()
parser.add_argument("library", choices=sorted(set(LIBRARIES) | set(FS_LIBRARIES)))
parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
parser.add_argument("workload")
parser.add_argument("--endpoint", required=True)
parser.add_argument("--bucket", required=True)
parser.add_argument("--size", type=int, default=0)
parser.add_argument("--file", default="")
parser.add_argument("--count", type=int, default=0)
parser.add_argument("--small-size", type=int, default=4096)
parser.add_argument("--objects", type=int, default=1, help="small objects prepared")
parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="conc_*, parallel_get")
parser.add_argument("--pool", type=int, default=0, help="connection pool size (0: default)")
parser.add_argument("--key", default="", help="the object of size_get and parallel_get")
parser.add_argument("--part-size", type=int, default=16 << 20, help="parallel_get range size")
parser.add_argument("--url", default="", help="presigned URL of the object (bare aiohttp)")
parser.add_argument("--prefix", default="", help="fs_*: the objects' prefix in the bucket")
parser.add_argument("--read-size", type=int, default=4096, help="fs_random: bytes per read")
parser.add_argument("--seed", type=int, default=0, help="fs_random: the offsets' seed")
A = parser.parse_args()
A.access_key = os.environ["BENCH_ACCESS_KEY"]
A.secret_key = os.environ["BENCH_SECRET_KEY"]

if __name__ == "__main__":
    sys.exit(main())

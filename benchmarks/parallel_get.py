"""fget_object: one stream against parallel ranges, on loopback and through a shaped link.

Stand-alone (not part of the test suite)::

    python benchmarks/parallel_get.py                      # 256 MiB and 1 GiB, both links
    python benchmarks/parallel_get.py --sizes 256 --links shaped --repeat 3
    python benchmarks/parallel_get.py --io                 # positioned writes: pwrite vs aiofiles

Starts SeaweedFS on loopback (``aiominio.testing.seaweedfs()``), uploads one object per size
(random bytes, 16 MiB parts), then times ``fget_object`` (wall time of the whole call: HEAD,
ranges, verification, rename) with ``concurrency=1`` (one stream) and with each concurrency and
range size asked for. "shaped" goes through ``benchmarks/shaping_proxy.py`` run in a process of
its own (each connection delayed ``--delay-ms`` each way and capped at ``--mib-per-s``), so the
proxy does not share the client's event loop. Prints a Markdown table: MiB/s, and the ratio to
one stream on the same link. The best of ``--repeat`` runs is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiofiles

import aiominio
from aiominio import testing

MiB = 1024 * 1024
HERE = Path(__file__).resolve().parent


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[256, 1024], help="MiB")
    p.add_argument("--concurrency", type=int, nargs="+", default=[2, 4, 8])
    p.add_argument("--part-mib", type=int, nargs="+", default=[8, 16, 32])
    p.add_argument("--links", nargs="+", default=["loopback", "shaped"])
    p.add_argument("--delay-ms", type=float, default=10.0)
    p.add_argument("--mib-per-s", type=float, default=40.0)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--io", action="store_true", help="only measure positioned writes")
    return p.parse_args()


async def upload(server: testing.LocalServer, bucket: str, path: str, sizes: list[int]) -> None:
    async with server.client() as c:
        if not await c.bucket_exists(bucket):
            await c.make_bucket(bucket)
        for size in sizes:
            with open(path, "rb") as f:
                await c.put_object(bucket, f"obj-{size}", f, size * MiB, part_size=16 * MiB)


async def timed_get(
    server: testing.LocalServer,
    endpoint: str,
    bucket: str,
    key: str,
    target: str,
    concurrency: int,
    part_mib: int,
) -> float:
    async with aiominio.Client(
        endpoint,
        access_key=server.access_key,
        secret_key=server.secret_key,
        region="us-east-1",
        max_connections=max(16, concurrency * 2),
    ) as c:
        await c.bucket_exists(bucket)  # the connection pool and region are warm
        started = time.perf_counter()
        await c.fget_object(bucket, key, target, concurrency=concurrency, part_size=part_mib * MiB)
        elapsed = time.perf_counter() - started
    os.remove(target)
    return elapsed


def start_proxy(upstream: int, args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "shaping_proxy.py"),
            str(upstream),
            "--delay-ms",
            str(args.delay_ms),
            "--mib-per-s",
            str(args.mib_per_s),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "shaping http://127.0.0.1:PORT -> ..."
    return proc, line.split()[1]


def bench(args: argparse.Namespace) -> None:
    rows: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="aiominio-pget-") as tmp,
        testing.seaweedfs(as_deployed=True) as server,
    ):
        source = os.path.join(tmp, "source.bin")
        with open(source, "wb") as f:
            for _ in range(max(args.sizes)):
                f.write(os.urandom(MiB))
        bucket = "pget"
        print(f"SeaweedFS at {server.endpoint}; uploading ...", file=sys.stderr, flush=True)
        asyncio.run(upload(server, bucket, source, args.sizes))
        os.remove(source)
        upstream = int(server.endpoint.rsplit(":", 1)[1])
        target = os.path.join(tmp, "target.bin")
        configs = [(1, 16)] + [(c, p) for c in args.concurrency for p in args.part_mib]
        header = "| link | object | " + " | ".join(
            "1 stream" if c == 1 else f"c={c}, {p} MiB" for c, p in configs
        )
        rows.append(header + " |")
        rows.append("|" + "---|" * (len(configs) + 2))
        for link in args.links:
            proxy = None
            endpoint = server.endpoint
            if link == "shaped":
                proxy, endpoint = start_proxy(upstream, args)
            try:
                for size in args.sizes:
                    cells = []
                    base = 0.0
                    for concurrency, part_mib in configs:
                        best = min(
                            asyncio.run(
                                timed_get(
                                    server,
                                    endpoint,
                                    bucket,
                                    f"obj-{size}",
                                    target,
                                    concurrency,
                                    part_mib,
                                )
                            )
                            for _ in range(args.repeat)
                        )
                        speed = size / best
                        if concurrency == 1:
                            base = speed
                            cells.append(f"{speed:,.0f}")
                        else:
                            cells.append(f"{speed:,.0f} ({speed / base:.2f}x)")
                        print(
                            f"{link} {size} MiB c={concurrency} part={part_mib} MiB: "
                            f"{speed:,.0f} MiB/s",
                            file=sys.stderr,
                            flush=True,
                        )
                    rows.append(f"| {link} | {size} MiB | " + " | ".join(cells) + " |")
            finally:
                if proxy is not None:
                    proxy.terminate()
                    proxy.wait()
    print("\n".join(rows))


async def positioned_writes(total_mib: int = 256, tasks: int = 4) -> None:
    """Write ``total_mib`` in 1 MiB pieces from ``tasks`` tasks at their own offsets: os.pwrite
    on one descriptor in a worker thread, against one aiofiles file per task with seek+write."""
    chunk = os.urandom(MiB)
    with tempfile.TemporaryDirectory(prefix="aiominio-pwrite-") as tmp:
        path = os.path.join(tmp, "f")
        share = total_mib // tasks

        async def with_pwrite() -> None:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.truncate(path, total_mib * MiB)

            async def one(n: int) -> None:
                for i in range(share):
                    await asyncio.to_thread(os.pwrite, fd, chunk, (n * share + i) * MiB)

            await asyncio.gather(*(one(n) for n in range(tasks)))
            os.close(fd)

        async def with_aiofiles() -> None:
            with open(path, "wb") as f:
                f.truncate(total_mib * MiB)

            async def one(n: int) -> None:
                async with aiofiles.open(path, "r+b") as f:
                    for i in range(share):
                        await f.seek((n * share + i) * MiB)
                        await f.write(chunk)

            await asyncio.gather(*(one(n) for n in range(tasks)))

        ways = (("os.pwrite in a thread", with_pwrite), ("aiofiles seek+write", with_aiofiles))
        for name, fn in ways:
            best = float("inf")
            cpu_best = float("inf")
            for _ in range(3):
                t0, c0 = time.perf_counter(), time.process_time()
                await fn()
                best = min(best, time.perf_counter() - t0)
                cpu_best = min(cpu_best, time.process_time() - c0)
                os.remove(path)
            print(
                f"| {name} | {total_mib / best:,.0f} MiB/s | {cpu_best / total_mib * 1024:.2f} "
                "CPU s per GiB |"
            )


def main() -> int:
    args = parse_args()
    if args.io:
        asyncio.run(positioned_writes())
        return 0
    bench(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

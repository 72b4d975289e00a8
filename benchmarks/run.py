"""Benchmark aiominio against its peers, side by side, against one local SeaweedFS.

Each library runs each workload in a process of its own (``worker.py``), so the CPU time and
peak RSS measured are that library's alone. Figures are medians over ``--repeat`` runs and are
shown with their ratio to aiominio's from the same run; charts go beside the tables when
matplotlib is installed (the ``bench`` nox session installs it). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiominio import testing

HERE = Path(__file__).resolve().parent
KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
MODULES = {
    "aiominio": "aiominio",
    "obstore": "obstore",
    "miniopy-async": "miniopy_async",
    "aiobotocore": "aiobotocore",
    "minio-py": "minio",
    "boto3": "boto3",
    "aiohttp": "aiohttp",  # bare aiohttp: the floor under a streamed GET, not a client
    "floor": "os",  # not a client: the local file I/O of put_file / parallel_get alone
    "s3fs": "s3fs",  # the fs_* workloads only
    # aiominio with telemetry=True: the OpenTelemetry SDK recording spans and metrics, or the
    # API alone (no-op providers). Not run unless named in --libraries.
    "aiominio-otel": "opentelemetry.sdk",
    "aiominio-otel-api": "opentelemetry",
}
#: Libraries run only when --libraries names them.
OPT_IN = {"aiominio-otel", "aiominio-otel-api"}
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
# The workloads a library has no method for are "n/a" without starting a process.
ONLY = {"aiohttp": {"get_large", "size_get", "small_put"}, "floor": {"put_file", "parallel_get"}}
LACKS = {"obstore": {"list_v1"}}
# The fsspec workloads: aiominio.fsspec.AiominioFileSystem, s3fs, obstore.fsspec.FsspecStore.
FS_WORKLOADS = ["fs_cat", "fs_get", "fs_put", "fs_parquet", "fs_random", "fs_dask"]
FS_LIBS = ["aiominio", "s3fs", "obstore"]
WORKLOADS = [
    "put_large",
    "put_file",
    "get_large",
    "small_put",
    "small_get",
    "list_v1",
    "list_v2",
    "stat",
    "delete",
    "size_put",
    "size_get",
    "conc_get",
    "conc_put",
    "fresh_small_put",
    "fresh_put_large",
    "parallel_get",
    *FS_WORKLOADS,
]
#: Workloads timed in a bucket made just before (untimed), one per run: the first writes of a
#: young bucket, and the worker method each runs.
FRESH = {"fresh_small_put": "small_put", "fresh_put_large": "put_large"}
DEFAULT_WORKLOADS = [w for w in WORKLOADS if w != "parallel_get"]
# Byte workloads: MiB/s and CPU s/GiB; the rest per operation (or key).
BYTES = {
    "put_large",
    "fresh_put_large",
    "put_file",
    "get_large",
    "size_put",
    "size_get",
    "parallel_get",
    "fs_parquet",
    "fs_dask",
}
# Units of the per-operation fs_* workloads: (throughput, CPU).
FS_UNITS = {
    "fs_cat": ("objects/s", "CPU ms/object"),
    "fs_get": ("files/s", "CPU ms/file"),
    "fs_put": ("files/s", "CPU ms/file"),
    "fs_random": ("reads/s", "CPU ms/read"),
}
LISTS = {"list_v1", "list_v2"}
SHAPEABLE = {"small_put", "small_get", "parallel_get"}
SIZES = {"1K": KiB, "64K": 64 * KiB, "1M": MiB, "16M": 16 * MiB, "256M": 256 * MiB, "1G": GiB}
DEFAULT_SIZES = ["1K", "64K", "1M", "16M", "256M"]
NOTES = {
    "list_v1": "obstore has a single listing (ListObjectsV2): it is in the v2 row only",
    "get_large": "aiohttp: a bare aiohttp GET of a presigned URL (`iter_any`), no client",
    "small_put": (
        "aiohttp: the PUT aiominio sends (signed by aiominio's `sign_request`, CRC32 header) from "
        "a default `aiohttp.ClientSession`, no client"
    ),
    "parallel_get": (
        "aiominio: `fget_object(concurrency=N, part_size=P)` (verified); obstore: one "
        "`get_range_async` per range, N at once, each `pwrite` at its offset of a preallocated "
        "file (`get_ranges_async` merges adjacent ranges into one request)"
    ),
    "fs_cat": (
        "fs_cat: one `fs.cat(list_of_paths)` call (fsspec runs the `_cat_file` GETs, up to its "
        "batch size of 1,280 at once, on its IO thread)"
    ),
    "fs_get": (
        "fs_get: `fs.get('bench/fs-tree/', 'local/', recursive=True)` into an empty directory"
    ),
    "fs_put": "fs_put: `fs.put('local/', 'bench/fs-put/LIB/RUN/', recursive=True)` to a new prefix",
    "fs_parquet": "fs_parquet: `pandas.read_parquet(URL, storage_options=...)` (pyarrow engine)",
    "fs_random": (
        "fs_random: random reads through one `fs.open(path, 'rb')` with each filesystem's "
        "defaults (aiominio: adaptive read-ahead up to 16 MiB; s3fs: 'readahead' cache, "
        "50 MiB blocks; obstore: `open_reader`, 1 MiB buffer); bytes fetched and requests "
        "from one more, untimed run per library through benchmarks/counting_proxy.py"
    ),
    "fs_dask": (
        "fs_dask: `dask.dataframe.read_csv(URL glob, storage_options=...).compute()` on "
        "dask's threaded scheduler (its default for dataframes)"
    ),
    "fresh_small_put": (
        "fresh_*: the same PUTs as small_put and put_large, timed in a bucket the harness made "
        "just before (untimed), a new one for each run of each library: a young bucket's first "
        "writes (SeaweedFS grows its volumes for them)"
    ),
}


FS_NOTE = (
    "fsspec: each filesystem with its defaults through fsspec's synchronous API, one process "
    "each: aiominio `aiominio://` (`AiominioFileSystem`), s3fs `s3://`, obstore `s3://` served "
    "by `obstore.fsspec.FsspecStore` (registered as that class with `protocol='s3'` in the "
    "storage options: the subclass `obstore.fsspec.register('s3')` builds cannot be pickled, "
    "and Dask pickles the filesystem); the ratio in brackets is that filesystem's figure over "
    "aiominio's"
)


@dataclass(frozen=True)
class Case:
    """One row of the tables: a workload, its parameter (size or concurrency), plain or shaped."""

    workload: str
    param: int = 0
    shaped: bool = False

    @property
    def key(self) -> str:
        return ":".join([self.workload, str(self.param)] + (["shaped"] if self.shaped else []))


def supports(lib: str, workload: str) -> bool:
    """Whether ``lib`` runs ``workload`` at all (else "n/a" without starting a process)."""
    workload = FRESH.get(workload, workload)
    if workload in FS_WORKLOADS:
        return lib in FS_LIBS
    if lib == "s3fs":
        return False
    if lib in ONLY:
        return workload in ONLY[lib]
    return workload not in LACKS.get(lib, ())


def tree_paths(n: int) -> list[str]:
    """The relative paths of the ``n`` files of fs_get/fs_put's tree: 10 directories of 5
    subdirectories (10 files in each at 500)."""
    return [f"d{i % 10:02d}/s{i // 10 % 5}/f{i:05d}.bin" for i in range(n)]


def size_name(n: int) -> str:
    for name, unit in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= unit and n % unit == 0:
            return f"{n // unit} {name}"
    return f"{n} B"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument(
        "--libraries",
        nargs="*",
        default=[lib for lib in MODULES if lib not in OPT_IN],
        choices=list(MODULES),
    )
    p.add_argument("--workloads", nargs="*", default=DEFAULT_WORKLOADS, choices=WORKLOADS)
    p.add_argument("--large-mib", type=int, default=256, help="large PUT/GET size (MiB)")
    p.add_argument("--file-mib", type=int, default=256, help="file PUT size (MiB); try 1024")
    p.add_argument("--count", type=int, default=2000, help="small objects per workload")
    p.add_argument("--small-size", type=int, default=4096, help="small object size (bytes)")
    p.add_argument("--list-keys", type=int, default=10000, help="keys to list")
    p.add_argument(
        "--sizes",
        nargs="+",
        choices=list(SIZES),
        help=f"object sizes of size_put/size_get (default {' '.join(DEFAULT_SIZES)}; "
        "--full adds 1G)",
    )
    p.add_argument("--full", action="store_true", help="the size sweep includes 1 GiB")
    p.add_argument(
        "--sweep-mib",
        type=int,
        default=64,
        help="bytes moved per size of the sweep: min(--count, max(1, this / size)) requests",
    )
    p.add_argument(
        "--concurrency-sweep",
        nargs="+",
        type=int,
        default=[1, 8, 64, 256],
        help="concurrent tasks (threads for the sync libraries) of conc_get/conc_put",
    )
    p.add_argument(
        "--conc-count",
        type=int,
        default=5000,
        help="requests at each level of the concurrency sweep (over the --count small objects)",
    )
    p.add_argument(
        "--pool",
        choices=["match", "default"],
        default="match",
        help="conc_*: every pool sized to the concurrency (match), or aiominio's default "
        "max_connections (64) with tasks queueing for a connection (default)",
    )
    p.add_argument("--pget-mib", type=int, default=1024, help="parallel_get object size (MiB)")
    p.add_argument("--pget-concurrency", nargs="+", type=int, default=[1, 8])
    p.add_argument("--pget-part-mib", type=int, default=16, help="parallel_get range size")
    p.add_argument(
        "--shaped",
        action="store_true",
        help="also run small_put, small_get and parallel_get through benchmarks/shaping_proxy.py",
    )
    p.add_argument("--shape-delay-ms", type=float, default=10.0, help="each way")
    p.add_argument("--shape-mib-per-s", type=float, default=40.0, help="per connection")
    fs = p.add_argument_group("fsspec workloads (fs_*)")
    fs.add_argument("--fs-count", type=int, default=1000, help="fs_cat: objects of --small-size")
    fs.add_argument("--fs-files", type=int, default=500, help="fs_get/fs_put: files in the tree")
    fs.add_argument(
        "--fs-file-size", type=int, default=64 * KiB, help="fs_get/fs_put: bytes per file"
    )
    fs.add_argument("--fs-parquet-mib", type=int, default=256, help="fs_parquet: file size")
    fs.add_argument("--fs-random-mib", type=int, default=256, help="fs_random: object size")
    fs.add_argument("--fs-random-reads", type=int, default=1000, help="fs_random: reads")
    fs.add_argument("--fs-random-size", type=int, default=4096, help="fs_random: bytes per read")
    fs.add_argument("--fs-csv-files", type=int, default=100, help="fs_dask: CSV objects")
    fs.add_argument("--fs-csv-rows", type=int, default=20000, help="fs_dask: rows per CSV")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--loop",
        choices=["asyncio", "uvloop"],
        default="asyncio",
        help="the event loop of every asyncio library (uvloop: FastAPI's under uvicorn[standard])",
    )
    p.add_argument("--out", type=Path, default=HERE / "results")
    args = p.parse_args()
    names = args.sizes or DEFAULT_SIZES + (["1G"] if args.full else [])
    args.size_bytes = sorted({SIZES[n] for n in names})
    return args


def cases(args: argparse.Namespace, shaped: bool) -> list[Case]:
    out: list[Case] = []
    for w in args.workloads:
        if w in ("size_put", "size_get"):
            out += [Case(w, size) for size in args.size_bytes]
        elif w in ("conc_get", "conc_put"):
            out += [Case(w, c) for c in args.concurrency_sweep]
        elif w == "parallel_get":
            out += [Case(w, c) for c in args.pget_concurrency]
        else:
            out.append(Case(w))
    if shaped:
        out += [Case(c.workload, c.param, True) for c in out if c.workload in SHAPEABLE]
    return out


def sweep_ops(size: int, args: argparse.Namespace) -> int:
    return min(args.count, max(1, args.sweep_mib * MiB // size))


def label(case: Case, args: argparse.Namespace) -> str:
    w, p = case.workload, case.param
    text = {
        "put_large": f"PUT {args.large_mib} MiB from memory",
        "put_file": f"PUT {args.file_mib} MiB from a file",
        "get_large": f"GET {args.large_mib} MiB (streamed)",
        "small_put": f"{args.count} x {args.small_size} B PUT, 32 at once",
        "small_get": f"{args.count} x {args.small_size} B GET, 32 at once",
        "list_v1": f"list {args.list_keys} keys, v1",
        "list_v2": f"list {args.list_keys} keys, v2",
        "stat": f"{args.count} x stat, 32 at once",
        "delete": f"{args.count} x delete, 32 at once",
        "size_put": f"PUT {size_name(p)} x {sweep_ops(p, args) if p else 0}, one at a time",
        "size_get": f"GET {size_name(p)} x {sweep_ops(p, args) if p else 0}, one at a time",
        "conc_get": f"{args.conc_count} x {args.small_size} B GET, {p} at once",
        "conc_put": f"{args.conc_count} x {args.small_size} B PUT, {p} at once",
        "fresh_small_put": f"{args.count} x {args.small_size} B PUT, 32 at once, fresh bucket",
        "fresh_put_large": f"PUT {args.large_mib} MiB from memory, fresh bucket",
        "parallel_get": f"fget {args.pget_mib} MiB, {p} x {args.pget_part_mib} MiB ranges",
        "fs_cat": f"fs_cat: cat {args.fs_count} x {args.small_size} B",
        "fs_get": f"fs_get: get {args.fs_files} files x {size_name(args.fs_file_size)}",
        "fs_put": f"fs_put: put {args.fs_files} files x {size_name(args.fs_file_size)}",
        "fs_parquet": f"fs_parquet: read_parquet {args.fs_parquet_mib} MiB",
        "fs_random": (
            f"fs_random: {args.fs_random_reads} x {size_name(args.fs_random_size)} "
            f"random reads of {args.fs_random_mib} MiB"
        ),
        "fs_dask": f"fs_dask: read_csv {args.fs_csv_files} objects",
    }[w]
    return text + (" (shaped link)" if case.shaped else "")


def put_many(c: Any, bucket: str, items: Iterator[tuple[str, bytes]], n: int) -> Any:
    sem = asyncio.Semaphore(n)

    async def put(key: str, data: bytes) -> None:
        async with sem:
            await c.put_object(bucket, key, data)

    return asyncio.gather(*(put(k, d) for k, d in items))


def pattern(size: int) -> bytes:
    """``size`` bytes of random data (a random 64 MiB block repeated for larger sizes)."""
    block = os.urandom(min(size, 64 * MiB))
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


async def prepare(
    server: testing.LocalServer, bucket: str, args: argparse.Namespace, todo: list[Case]
) -> dict[str, str]:
    """Create the bucket and every object the workloads read, before anything is timed (aiominio
    writes them, 128 requests at once); returns presigned URLs for the bare aiohttp GET."""
    workloads = {c.workload for c in todo}
    urls: dict[str, str] = {}
    async with server.client(max_connections=128) as c:
        await c.make_bucket(bucket)
        if workloads & {"get_large"}:
            await c.put_object(bucket, "large-source", pattern(args.large_mib * MiB))
            urls["large-source"] = await c.presigned_get_object(bucket, "large-source")
        for size in sorted({c.param for c in todo if c.workload == "size_get"}):
            key = f"sweep/{size}"
            await c.put_object(bucket, key, pattern(size))
            urls[key] = await c.presigned_get_object(bucket, key)
        if "parallel_get" in workloads:
            await c.put_object(bucket, "pget-source", pattern(args.pget_mib * MiB))
        if workloads & {"small_get", "stat", "conc_get"}:
            small = os.urandom(args.small_size)
            await put_many(c, bucket, ((f"small/{i}", small) for i in range(args.count)), 128)
        if workloads & LISTS:
            keys = ((f"list/{i:06d}", b"") for i in range(args.list_keys))
            await put_many(c, bucket, keys, 128)
    return urls


def write_parquet(path: Path, mib: int) -> int:
    """A parquet file of about ``mib`` MiB (8 float64 columns of random numbers, which do not
    compress); returns its rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = max(1, mib * MiB // 64)
    rng = np.random.default_rng(0)
    pq.write_table(pa.table({f"c{j}": rng.random(rows) for j in range(8)}), path)
    return rows


def csv_text(index: int, rows: int) -> bytes:
    lines = ["id,x,y,name"]
    base = index * rows
    lines += [
        f"{base + i},{(base + i) * 0.37 % 1:.6f},{(base + i) * 7919 % 10**6},n{i % 97}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


async def prepare_fs(
    server: testing.LocalServer, bucket: str, args: argparse.Namespace, tmp: Path
) -> None:
    """The objects (and the local tree) of the fs_* workloads; sets on ``args`` what the
    workers and the figures need: ``fs_tree`` (the local tree of fs_put), ``fs_parquet_bytes``
    and ``fs_parquet_rows``, ``fs_csv_bytes`` and ``fs_csv_rows_total``."""
    workloads = set(args.workloads)
    async with server.client(max_connections=128) as c:
        if "fs_cat" in workloads:
            small = os.urandom(args.small_size)
            items = ((f"fs-small/{i}", small) for i in range(args.fs_count))
            await put_many(c, bucket, items, 128)
        paths = tree_paths(args.fs_files)
        if "fs_get" in workloads:
            data = os.urandom(args.fs_file_size)
            await put_many(c, bucket, ((f"fs-tree/{p}", data) for p in paths), 128)
        args.fs_tree = str(tmp / "fs-tree")
        if "fs_put" in workloads:
            for rel in paths:
                local = tmp / "fs-tree" / rel
                local.parent.mkdir(parents=True, exist_ok=True)
                local.write_bytes(os.urandom(args.fs_file_size))
        if "fs_parquet" in workloads:
            local = tmp / "data.parquet"
            args.fs_parquet_rows = await asyncio.to_thread(
                write_parquet, local, args.fs_parquet_mib
            )
            args.fs_parquet_bytes = local.stat().st_size
            await c.fput_object(bucket, "fs/data.parquet", str(local))
            local.unlink()
        if "fs_random" in workloads:
            await c.put_object(bucket, "fs-random", pattern(args.fs_random_mib * MiB))
        if "fs_dask" in workloads:
            texts = [csv_text(i, args.fs_csv_rows) for i in range(args.fs_csv_files)]
            args.fs_csv_bytes = sum(len(t) for t in texts)
            args.fs_csv_rows_total = args.fs_csv_rows * args.fs_csv_files
            items = ((f"fs-csv/{i:04d}.csv", t) for i, t in enumerate(texts))
            await put_many(c, bucket, items, 128)


def fs_worker_args(case: Case, args: argparse.Namespace, tmp: str) -> list[str]:
    """The worker's arguments of an fs_* workload (after the common ones: argparse keeps the
    last of each)."""
    w = case.workload
    if w == "fs_cat":
        return ["--prefix", "fs-small/", "--count", str(args.fs_count)]
    if w == "fs_get":
        return ["--prefix", "fs-tree/", "--count", str(args.fs_files), "--file", tmp]
    if w == "fs_put":
        return ["--file", args.fs_tree, "--count", str(args.fs_files)]
    if w == "fs_parquet":
        return ["--key", "fs/data.parquet", "--count", str(args.fs_parquet_rows)]
    if w == "fs_random":
        return [
            "--key",
            "fs-random",
            "--size",
            str(args.fs_random_mib * MiB),
            "--count",
            str(args.fs_random_reads),
            "--read-size",
            str(args.fs_random_size),
        ]
    if w == "fs_dask":
        return ["--prefix", "fs-csv/", "--count", str(args.fs_csv_rows_total)]
    raise ValueError(w)


async def make_bucket(server: testing.LocalServer, name: str) -> None:
    """A new, empty bucket: a fresh_* run's own."""
    async with server.client() as c:
        await c.make_bucket(name)


async def remove_bucket(server: testing.LocalServer, name: str) -> None:
    """Remove a fresh_* run's bucket and what it holds (each grows volumes of its own: kept,
    they would use up the server's volume slots over a long run)."""
    async with server.client() as c:
        async for upload in c.list_incomplete_uploads(name, recursive=True):
            await c.remove_incomplete_upload(name, upload.key)
        keys = [o.key async for o in c.list_objects(name, recursive=True)]
        errors = await c.remove_objects(name, keys)
        if errors:
            raise RuntimeError(f"could not empty {name}: {errors[0]}")
        await c.remove_bucket(name)


async def prepare_deletes(server: testing.LocalServer, bucket: str, lib: str, n: int) -> None:
    async with server.client(max_connections=128) as c:
        await put_many(c, bucket, ((f"del/{lib}/{i}", b"x") for i in range(n)), 128)


@contextlib.contextmanager
def shaping_proxy(server: testing.LocalServer, args: argparse.Namespace) -> Iterator[str | None]:
    """The endpoint of benchmarks/shaping_proxy.py in front of the server, in a process of its
    own; None (and a message) when that module is not there."""
    if not (HERE / "shaping_proxy.py").exists():
        print("--shaped: benchmarks/shaping_proxy.py not found, skipped", file=sys.stderr)
        yield None
        return
    upstream = urlsplit(server.endpoint).port
    cmd = [sys.executable, str(HERE / "shaping_proxy.py"), str(upstream)]
    cmd += ["--delay-ms", str(args.shape_delay_ms), "--mib-per-s", str(args.shape_mib_per_s)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "shaping http://127.0.0.1:PORT -> ..."
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def server_pid(server: testing.LocalServer) -> int | None:
    """The process id of the ``weed`` serving ``server`` (its command line names its work
    directory), or None where /proc cannot tell."""
    if server.workdir is None:
        return None
    mark = str(server.workdir).encode()
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            cmdline = (entry / "cmdline").read_bytes()
            if b"weed" in cmdline.split(b"\0", 1)[0] and mark in cmdline:
                return int(entry.name)
    return None


def server_cpu(pid: int | None) -> float:
    """Seconds of CPU (user+sys) the process ``pid`` has used so far (0 without one)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_worker(
    lib: str,
    case: Case,
    endpoint: str,
    server: testing.LocalServer,
    bucket: str,
    args: argparse.Namespace,
    file_path: str,
    urls: dict[str, str],
) -> dict[str, Any]:
    w = case.workload
    size, count, key, url = args.large_mib * MiB, args.count, "", urls.get("large-source", "")
    concurrency, pool = 32, 0
    if w in ("size_put", "size_get"):
        size, count, key = case.param, sweep_ops(case.param, args), f"sweep/{case.param}"
        url = urls.get(key, "")
    elif w in ("conc_get", "conc_put"):
        concurrency, count = case.param, args.conc_count
        pool = case.param if args.pool == "match" or not lib.startswith("aiominio") else 0
    elif w == "parallel_get":
        concurrency, key, size = case.param, "pget-source", args.pget_mib * MiB
    cmd = [sys.executable, str(HERE / "worker.py"), lib, w]
    cmd += ["--endpoint", endpoint, "--bucket", bucket, "--size", str(size)]
    cmd += ["--file", file_path, "--count", str(count), "--small-size", str(args.small_size)]
    cmd += ["--objects", str(args.count)]
    cmd += ["--concurrency", str(concurrency), "--pool", str(pool), "--key", key, "--url", url]
    cmd += ["--part-size", str(args.pget_part_mib * MiB), "--loop", args.loop]
    if w in FS_WORKLOADS:
        cmd += fs_worker_args(case, args, str(Path(file_path).parent))
    env = dict(os.environ, BENCH_ACCESS_KEY=server.access_key, BENCH_SECRET_KEY=server.secret_key)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600, check=False)
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            # Measured; a non-zero exit after that (a runtime torn down noisily) is not ours.
            return dict(json.loads(line))
    lines = (done.stderr or done.stdout).strip().splitlines() or ["?"]
    # The exception's own line (a multi-line message, such as obstore's, ends elsewhere).
    raised = [line for line in lines if EXCEPTION_LINE.match(line)]
    return {"error": (raised or lines)[-1][:300]}


def count_fetched(
    lib: str,
    case: Case,
    server: testing.LocalServer,
    bucket: str,
    args: argparse.Namespace,
    file_path: str,
) -> dict[str, float]:
    """One more run of ``case`` by ``lib`` through benchmarks/counting_proxy.py (in a process
    of its own, untimed): the MiB the server sent and the requests the client made."""
    upstream = urlsplit(server.endpoint).port
    cmd = [sys.executable, str(HERE / "counting_proxy.py"), str(upstream)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        endpoint = proc.stdout.readline().split()[1]  # "counting http://127.0.0.1:PORT -> ..."
        m = run_worker(lib, case, endpoint, server, bucket, args, file_path, {})
        if "error" in m:
            print(f"{lib} {case.key} (counted): {m['error']}", file=sys.stderr)
            return {}
        time.sleep(0.2)  # what is still in flight from a connection the worker dropped
        proc.stdin.write("read\n")
        proc.stdin.flush()
        counts = dict(item.split("=") for item in proc.stdout.readline().split())
        return {"fetched": int(counts["down"]) / MiB, "requests": float(counts["requests"])}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def figures(case: Case, m: dict[str, Any], args: argparse.Namespace) -> dict[str, float]:
    wall, cpu, w = m["wall"], m["cpu"], case.workload
    result = m.get("result")
    if w in BYTES:
        size = {
            "put_file": args.file_mib * MiB,
            "put_large": args.large_mib * MiB,
            "fresh_put_large": args.large_mib * MiB,
            "get_large": args.large_mib * MiB,
            "parallel_get": args.pget_mib * MiB,
            "fs_parquet": getattr(args, "fs_parquet_bytes", 0),
            "fs_dask": getattr(args, "fs_csv_bytes", 0),
        }.get(w, case.param * (sweep_ops(case.param, args) if case.param else 1))
        return {"throughput": size / MiB / wall, "cpu": cpu / (size / GiB), "rss": m["rss_mib"]}
    n = args.list_keys if w in LISTS else args.count
    if w in ("conc_get", "conc_put"):
        n = args.conc_count
    n = {
        "fs_cat": args.fs_count,
        "fs_get": args.fs_files,
        "fs_put": args.fs_files,
        "fs_random": args.fs_random_reads,
    }.get(w, n)
    out = {"throughput": n / wall, "cpu": cpu * 1000 / n, "rss": m["rss_mib"]}
    if isinstance(result, dict) and "errors" in result:
        out["errors"] = float(sum(result["errors"].values()))
        out["throughput"] = result["ok"] / wall  # completed operations only
    return out


def unit(metric: str, w: str) -> str:
    if metric == "rss":
        return "peak RSS MiB"
    if metric == "errors":
        return "failed requests"
    if metric == "fetched":
        return "MiB fetched"
    if metric == "requests":
        return "requests"
    if w in FS_UNITS:
        return FS_UNITS[w][0 if metric == "throughput" else 1]
    if w in BYTES:
        return "MiB/s" if metric == "throughput" else "CPU s/GiB"
    if w in LISTS:
        return "keys/s" if metric == "throughput" else "CPU ms/key"
    return "ops/s" if metric == "throughput" else "CPU ms/op"


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


Results = dict[Case, dict[str, dict[str, float]]]


def table(
    rows: list[tuple[Case, str]], results: Results, libs: list[str], args: argparse.Namespace
) -> list[str]:
    """Markdown rows of (case, metric), a column per library; a figure of another library is
    followed by its ratio to aiominio's."""
    out = ["| workload | unit | " + " | ".join(libs) + " |", "|---|---|" + "---|" * len(libs)]
    for case, metric in rows:
        per_lib = results[case]
        base = per_lib.get("aiominio", {}).get(metric)
        cells = []
        for lib in libs:
            value = per_lib.get(lib, {}).get(metric)
            if value is None:
                cells.append("n/a")
            elif metric in ("errors", "requests"):
                ratio = f" ({value / base:.2f}x)" if base and lib != "aiominio" else ""
                cells.append(f"{value:,.0f}" + (ratio if metric == "requests" else ""))
            elif base and lib != "aiominio":
                cells.append(f"{fmt(value)} ({value / base:.2f}x)")
            else:
                cells.append(fmt(value))
        row = f"| {label(case, args)} | {unit(metric, case.workload)} | "
        out.append(row + " | ".join(cells) + " |")
    out.append("")
    return out


def markdown(results: Results, libs: list[str], args: argparse.Namespace, notes: list[str]) -> str:
    out = []
    core = [c for c in results if c.workload not in FS_WORKLOADS]
    fs = [c for c in results if c.workload in FS_WORKLOADS]
    core_libs = [lib for lib in libs if any(supports(lib, c.workload) for c in core)]
    fs_libs = [lib for lib in FS_LIBS if lib in libs]
    for group, cols, prefix in ((core, core_libs, ""), (fs, fs_libs, "fsspec: ")):
        for metric, title in (
            ("throughput", "Throughput (higher is better)"),
            ("cpu", "Client CPU, user+sys (lower is better)"),
            (
                "server_cpu",
                "Server CPU: SeaweedFS's user+sys while the library ran (lower is better)",
            ),
            ("rss", "Peak RSS of the client process (lower is better)"),
            ("errors", "Failed requests of the concurrency sweep (every one is a failure)"),
        ):
            rows = [
                (c, metric)
                for c in group
                if metric != "errors" or c.workload in ("conc_get", "conc_put")
            ]
            if rows:
                out.append(f"### {prefix}{title}\n")
                out += table(rows, results, cols, args)
    fetched = [
        (c, metric)
        for c in fs
        for metric in ("fetched", "requests")
        if any(metric in v for v in results[c].values())
    ]
    if fetched:
        out.append(
            "### fsspec: what fs_random fetched (one untimed run through "
            "benchmarks/counting_proxy.py; lower is better)\n"
        )
        out += table(fetched, results, fs_libs, args)
    if notes:
        out.append("### Notes\n")
        out += [f"- {n}" for n in notes]
        out.append("")
    return "\n".join(out)


def fs_notes(results: Results, libs: list[str]) -> list[str]:
    """aiominio's throughput and CPU over s3fs's and obstore's, per fs_* workload."""
    notes = []
    for case, per_lib in results.items():
        mine = per_lib.get("aiominio")
        if case.workload not in FS_WORKLOADS or not mine:
            continue
        parts = []
        for peer in ("s3fs", "obstore"):
            theirs = per_lib.get(peer)
            if peer in libs and theirs and theirs["throughput"] and theirs["cpu"]:
                parts.append(
                    f"over {peer} {mine['throughput'] / theirs['throughput']:.2f}x the "
                    f"throughput at {mine['cpu'] / theirs['cpu']:.2f}x the CPU"
                )
        if parts:
            notes.append(f"{case.workload}: aiominio " + "; ".join(parts))
    return notes


def scale_notes(results: Results, libs: list[str], args: argparse.Namespace) -> list[str]:
    """The issue's "no collapse" check: ops/s at the highest concurrency / at the one below."""
    notes = []
    levels = sorted(args.concurrency_sweep)
    if len(levels) < 2:
        return notes
    hi, lo = levels[-1], levels[-2]
    for w in ("conc_get", "conc_put"):
        a, b = results.get(Case(w, hi), {}), results.get(Case(w, lo), {})
        ratios = [
            f"{lib} {a[lib]['throughput'] / b[lib]['throughput']:.2f}x"
            for lib in libs
            if lib in a and lib in b and b[lib]["throughput"]
        ]
        if ratios:
            notes.append(f"{w}: ops/s at {hi} / at {lo}: " + ", ".join(ratios))
    return notes


def charts(results: Results, libs: list[str], args: argparse.Namespace) -> list[Path]:
    """throughput_vs_size.png, ops_vs_concurrency.png, cpu_per_gib.png, peak_rss.png in --out."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no charts", file=sys.stderr)
        return []
    written: list[Path] = []

    def save(fig: Any, name: str) -> None:
        fig.tight_layout()
        path = args.out / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    def lines(workloads: tuple[str, str], xlabel: str, ylabel: str, name: str) -> None:
        rows = {
            w: sorted(
                (c for c in results if c.workload == w and not c.shaped), key=lambda c: c.param
            )
            for w in workloads
        }
        if not any(rows.values()):
            return
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for ax, w in zip(axes, workloads, strict=True):
            for lib in libs:
                pts = [
                    (c.param, results[c][lib]["throughput"]) for c in rows[w] if lib in results[c]
                ]
                if pts:
                    ax.plot([x for x, _ in pts], [y for _, y in pts], marker="o", label=lib)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(w)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ticks = [c.param for c in rows[w]]
            if ticks:
                ax.set_xticks(ticks)
                ax.set_xticklabels(
                    [size_name(t) if "size" in w else str(t) for t in ticks], fontsize=8
                )
            ax.grid(True, which="both", alpha=0.3)
        for ax in axes:
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8)
        save(fig, name)

    lines(
        ("size_put", "size_get"),
        "object size",
        "MiB/s (one request at a time)",
        "throughput_vs_size.png",
    )
    lines(("conc_get", "conc_put"), "concurrent tasks", "ops/s", "ops_vs_concurrency.png")

    big = [
        c
        for c in results
        if c.workload in BYTES
        and c.workload not in FS_WORKLOADS
        and (c.workload not in ("size_put", "size_get") or c.param >= 16 * MiB)
    ]
    top = max(args.concurrency_sweep)
    small = [c for c in results if c.workload in ("small_get", "conc_get") and c.param in (0, top)]

    def bars(rows: list[Case], metric: str, ylabel: str, name: str) -> None:
        if not rows:
            return
        fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(rows) + 2), 4.5))
        width = 0.8 / len(libs)
        for i, lib in enumerate(libs):
            xs = [j + i * width for j, c in enumerate(rows) if lib in results[c]]
            ys = [results[c][lib][metric] for c in rows if lib in results[c]]
            if xs:
                ax.bar(xs, ys, width, label=lib)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(rows))])
        ax.set_xticklabels([label(c, args) for c in rows], rotation=20, ha="right", fontsize=8)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.grid(True, axis="y", alpha=0.3)
        save(fig, name)

    bars(big, "cpu", "client CPU s per GiB (lower is better)", "cpu_per_gib.png")
    bars(big + small, "rss", "peak RSS MiB (lower is better)", "peak_rss.png")

    # fsspec.png: each fs_* workload's throughput and CPU relative to s3fs's (to the first
    # filesystem measured where s3fs was not), one bar per filesystem, log axes.
    fs_rows = [c for c in results if c.workload in FS_WORKLOADS and results[c]]
    fs_libs = [lib for lib in FS_LIBS if lib in libs]
    if fs_rows and fs_libs:
        fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
        width = 0.8 / len(fs_libs)
        for ax, metric, title in (
            (axes[0], "throughput", "throughput relative to s3fs (higher is better)"),
            (axes[1], "cpu", "client CPU relative to s3fs (lower is better)"),
        ):
            for i, lib in enumerate(fs_libs):
                xs, ys = [], []
                for j, c in enumerate(fs_rows):
                    ref = next(results[c][r] for r in ("s3fs", *fs_libs) if r in results[c])
                    if lib in results[c] and ref[metric]:
                        xs.append(j + i * width)
                        ys.append(results[c][lib][metric] / ref[metric])
                if xs:
                    ax.bar(xs, ys, width, label=lib)
            ax.set_yscale("log")  # ratios: 2x and 0.5x as far from s3fs
            ax.axhline(1.0, color="grey", linewidth=0.8)
            ax.set_xticks([j + 0.4 - width / 2 for j in range(len(fs_rows))])
            ax.set_xticklabels([c.workload for c in fs_rows], rotation=20, ha="right", fontsize=8)
            ax.set_title(title, fontsize=10)
            ax.grid(True, axis="y", alpha=0.3)
            ax.legend(fontsize=8)
        save(fig, "fsspec.png")
    return written


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose package is missing
        return False


def main() -> int:
    args = parse_args()
    libs = [lib for lib in args.libraries if installed(MODULES[lib])]
    missing = sorted(set(args.libraries) - set(libs))
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}", file=sys.stderr)
    results: Results = {}
    raw: dict[str, Any] = {}
    notes: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory(prefix="aiominio-bench-") as tmp,
        testing.seaweedfs(as_deployed=True) as server,
        contextlib.ExitStack() as stack,
    ):
        proxy = stack.enter_context(shaping_proxy(server, args)) if args.shaped else None
        todo = cases(args, shaped=proxy is not None)
        upload = str(Path(tmp) / "upload.bin")
        if "put_file" in args.workloads:
            with open(upload, "wb") as f:
                for _ in range(args.file_mib):
                    f.write(os.urandom(MiB))
        weed = server_pid(server)  # its CPU is measured beside each library's
        bucket = "bench"
        print(f"SeaweedFS at {server.endpoint}; preparing objects ...", file=sys.stderr, flush=True)
        urls = asyncio.run(prepare(server, bucket, args, todo))
        if set(args.workloads) & set(FS_WORKLOADS):
            asyncio.run(prepare_fs(server, bucket, args, Path(tmp)))
        for case in todo:
            results[case] = {}
            endpoint = proxy if case.shaped and proxy else server.endpoint
            active = [lib for lib in libs if supports(lib, case.workload)]
            runs: dict[str, list[dict[str, float]]] = {lib: [] for lib in active}
            # Round by round, every library once per round, in the opposite order each next
            # round: SeaweedFS's state drifts over a run (volumes grow, overwritten data is
            # reclaimed in the background), so a library measured in a block of its own, or
            # always right after the same other one, would get a different server.
            for round_number in range(args.repeat):
                for lib in active[:: -1 if round_number % 2 else 1]:
                    if case.workload == "delete":
                        asyncio.run(prepare_deletes(server, bucket, lib, args.count))
                    into = bucket
                    if case.workload in FRESH:
                        into = f"fresh-{lib}-{round_number}-{secrets.token_hex(3)}"
                        asyncio.run(make_bucket(server, into))
                    path = (
                        str(Path(tmp) / "download.bin")
                        if case.workload == "parallel_get"
                        else upload
                    )
                    served0 = server_cpu(weed)
                    try:
                        m = run_worker(lib, case, endpoint, server, into, args, path, urls)
                    finally:
                        served = server_cpu(weed) - served0
                        if into != bucket:
                            asyncio.run(remove_bucket(server, into))
                    if case.workload == "parallel_get":
                        with contextlib.suppress(FileNotFoundError):
                            os.remove(path)
                    if "error" in m or "unsupported" in m:
                        why = m.get("error") or m["unsupported"]
                        print(f"{lib} {case.key}: {why}", file=sys.stderr)
                        if "unsupported" in m:
                            notes[f"{lib}:{case.workload}"] = f"{lib}, {case.workload}: n/a ({why})"
                        else:
                            notes[f"failed:{lib}:{case.key}"] = (
                                f"{lib}, {label(case, args)}: failed ({why})"
                            )
                        active.remove(lib)  # no more rounds for it
                        continue
                    figs = figures(case, m, args)
                    if weed and "cpu" in m:
                        # The server's CPU over the worker's run, in the unit of the client's.
                        figs["server_cpu"] = figures(case, {**m, "cpu": served}, args)["cpu"]
                    runs[lib].append(figs)
                    result = m.get("result")
                    if isinstance(result, dict) and result.get("verified_by"):
                        notes[f"verified:{case.key}"] = (
                            f"aiominio verified `{label(case, args)}` by: {result['verified_by']}"
                        )
                    if isinstance(result, dict) and result.get("errors"):
                        errs = ", ".join(f"{k} x{v}" for k, v in result["errors"].items())
                        notes[f"errors:{lib}:{case.key}"] = f"{lib}, {label(case, args)}: {errs}"
            for lib, lib_runs in runs.items():
                raw.setdefault(case.key, {})[lib] = lib_runs
                if lib_runs:
                    results[case][lib] = {
                        k: statistics.median(r[k] for r in lib_runs) for k in lib_runs[0]
                    }
                    if case.workload == "fs_random":
                        counted = count_fetched(lib, case, server, bucket, args, upload)
                        results[case][lib].update(counted)
                        raw[case.key][lib + " (counted)"] = [counted]
                    print(
                        f"{case.key:>22} {lib:>14}: "
                        + ", ".join(f"{k}={fmt(v)}" for k, v in results[case][lib].items()),
                        file=sys.stderr,
                        flush=True,
                    )
    done_workloads = {c.workload for c in results}
    # notes about one library's cells
    shown = {
        "list_v1": "obstore",
        "get_large": "aiohttp",
        "small_put": "aiohttp",
        **{w: "aiominio" for w in FS_WORKLOADS},
    }
    note_list = [
        NOTES[w] for w in NOTES if w in done_workloads and shown.get(w, "aiominio") in libs
    ]
    if done_workloads & set(FS_WORKLOADS):
        note_list.insert(0, FS_NOTE)
    if done_workloads & {"conc_get", "conc_put"}:
        note_list.append(
            "concurrency sweep: every library's pool sized to the concurrency (`--pool match`)"
            if args.pool == "match"
            else "concurrency sweep: aiominio at its default pool (64 connections, `--pool "
            "default`), the others' pools sized to the concurrency"
        )
    note_list += scale_notes(results, libs, args) + fs_notes(results, libs)
    note_list += list(notes.values())
    if args.loop == "uvloop":
        note_list.append("every asyncio library ran on uvloop (`--loop uvloop`)")
    table = markdown(results, libs, args, note_list)
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    medians = {c.key: v for c, v in results.items()}
    (args.out / "latest.json").write_text(
        json.dumps({"meta": meta, "medians": medians, "runs": raw, "notes": note_list}, indent=2)
    )
    (args.out / "latest.md").write_text(table)
    for path in charts(results, libs, args):
        print(f"chart: {path}", file=sys.stderr)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

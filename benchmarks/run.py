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
}
# The workloads a library has no method for are "n/a" without starting a process.
ONLY = {"aiohttp": {"get_large", "size_get", "small_put"}}
LACKS = {"obstore": {"list_v1"}}
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
    "parallel_get",
]
DEFAULT_WORKLOADS = [w for w in WORKLOADS if w != "parallel_get"]
# Byte workloads: MiB/s and CPU s/GiB; the rest per operation (or key).
BYTES = {"put_large", "put_file", "get_large", "size_put", "size_get", "parallel_get"}
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
}


@dataclass(frozen=True)
class Case:
    """One row of the tables: a workload, its parameter (size or concurrency), plain or shaped."""

    workload: str
    param: int = 0
    shaped: bool = False

    @property
    def key(self) -> str:
        return ":".join([self.workload, str(self.param)] + (["shaped"] if self.shaped else []))


def size_name(n: int) -> str:
    for name, unit in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= unit and n % unit == 0:
            return f"{n // unit} {name}"
    return f"{n} B"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--libraries", nargs="*", default=list(MODULES), choices=list(MODULES))
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
    p.add_argument("--repeat", type=int, default=3)
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
        "parallel_get": f"fget {args.pget_mib} MiB, {p} x {args.pget_part_mib} MiB ranges",
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
        pool = case.param if args.pool == "match" or lib != "aiominio" else 0
    elif w == "parallel_get":
        concurrency, key = case.param, "pget-source"
    cmd = [sys.executable, str(HERE / "worker.py"), lib, w]
    cmd += ["--endpoint", endpoint, "--bucket", bucket, "--size", str(size)]
    cmd += ["--file", file_path, "--count", str(count), "--small-size", str(args.small_size)]
    cmd += ["--objects", str(args.count)]
    cmd += ["--concurrency", str(concurrency), "--pool", str(pool), "--key", key, "--url", url]
    cmd += ["--part-size", str(args.pget_part_mib * MiB)]
    env = dict(os.environ, BENCH_ACCESS_KEY=server.access_key, BENCH_SECRET_KEY=server.secret_key)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600, check=False)
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            # Measured; a non-zero exit after that (a runtime torn down noisily) is not ours.
            return dict(json.loads(line))
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
    return {"error": tail[0][:300]}


def figures(case: Case, m: dict[str, Any], args: argparse.Namespace) -> dict[str, float]:
    wall, cpu, w = m["wall"], m["cpu"], case.workload
    result = m.get("result")
    if w in BYTES:
        size = {
            "put_file": args.file_mib * MiB,
            "put_large": args.large_mib * MiB,
            "get_large": args.large_mib * MiB,
            "parallel_get": args.pget_mib * MiB,
        }.get(w, case.param * (sweep_ops(case.param, args) if case.param else 1))
        return {"throughput": size / MiB / wall, "cpu": cpu / (size / GiB), "rss": m["rss_mib"]}
    n = args.list_keys if w in LISTS else args.count
    if w in ("conc_get", "conc_put"):
        n = args.conc_count
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


def markdown(results: Results, libs: list[str], args: argparse.Namespace, notes: list[str]) -> str:
    out = []
    for metric, title in (
        ("throughput", "Throughput (higher is better)"),
        ("cpu", "Client CPU, user+sys (lower is better)"),
        ("rss", "Peak RSS of the client process (lower is better)"),
        ("errors", "Failed requests of the concurrency sweep (every one is a failure)"),
    ):
        rows = [c for c in results if metric != "errors" or c.workload in ("conc_get", "conc_put")]
        if not rows:
            continue
        out.append(f"### {title}\n")
        out.append("| workload | unit | " + " | ".join(libs) + " |")
        out.append("|---|---|" + "---|" * len(libs))
        for case in rows:
            per_lib = results[case]
            base = per_lib.get("aiominio", {}).get(metric)
            cells = []
            for lib in libs:
                value = per_lib.get(lib, {}).get(metric)
                if value is None:
                    cells.append("n/a")
                elif metric == "errors":
                    cells.append(f"{value:.0f}")
                elif base and lib != "aiominio":
                    cells.append(f"{fmt(value)} ({value / base:.2f}x)")
                else:
                    cells.append(fmt(value))
            row = f"| {label(case, args)} | {unit(metric, case.workload)} | "
            out.append(row + " | ".join(cells) + " |")
        out.append("")
    if notes:
        out.append("### Notes\n")
        out += [f"- {n}" for n in notes]
        out.append("")
    return "\n".join(out)


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
    return written


def main() -> int:
    args = parse_args()
    libs = [lib for lib in args.libraries if importlib.util.find_spec(MODULES[lib]) is not None]
    missing = sorted(set(args.libraries) - set(libs))
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}", file=sys.stderr)
    results: Results = {}
    raw: dict[str, Any] = {}
    notes: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory(prefix="aiominio-bench-") as tmp,
        testing.seaweedfs() as server,
        contextlib.ExitStack() as stack,
    ):
        proxy = stack.enter_context(shaping_proxy(server, args)) if args.shaped else None
        todo = cases(args, shaped=proxy is not None)
        upload = str(Path(tmp) / "upload.bin")
        if "put_file" in args.workloads:
            with open(upload, "wb") as f:
                for _ in range(args.file_mib):
                    f.write(os.urandom(MiB))
        bucket = "bench"
        print(f"SeaweedFS at {server.endpoint}; preparing objects ...", file=sys.stderr, flush=True)
        urls = asyncio.run(prepare(server, bucket, args, todo))
        for case in todo:
            results[case] = {}
            endpoint = proxy if case.shaped and proxy else server.endpoint
            active = [
                lib
                for lib in libs
                if not (lib in ONLY and case.workload not in ONLY[lib])
                and case.workload not in LACKS.get(lib, ())
            ]
            runs: dict[str, list[dict[str, float]]] = {lib: [] for lib in active}
            # Round by round, every library once per round, in the opposite order each next
            # round: SeaweedFS's state drifts over a run (volumes grow, overwritten data is
            # reclaimed in the background), so a library measured in a block of its own, or
            # always right after the same other one, would get a different server.
            for round_number in range(args.repeat):
                for lib in active[:: -1 if round_number % 2 else 1]:
                    if case.workload == "delete":
                        asyncio.run(prepare_deletes(server, bucket, lib, args.count))
                    path = (
                        str(Path(tmp) / "download.bin")
                        if case.workload == "parallel_get"
                        else upload
                    )
                    m = run_worker(lib, case, endpoint, server, bucket, args, path, urls)
                    if case.workload == "parallel_get":
                        with contextlib.suppress(FileNotFoundError):
                            os.remove(path)
                    if "error" in m or "unsupported" in m:
                        why = m.get("error") or m["unsupported"]
                        print(f"{lib} {case.key}: {why}", file=sys.stderr)
                        if "unsupported" in m:
                            notes[f"{lib}:{case.workload}"] = f"{lib}, {case.workload}: n/a ({why})"
                        active.remove(lib)  # no more rounds for it
                        continue
                    runs[lib].append(figures(case, m, args))
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
                    print(
                        f"{case.key:>22} {lib:>14}: "
                        + ", ".join(f"{k}={fmt(v)}" for k, v in results[case][lib].items()),
                        file=sys.stderr,
                        flush=True,
                    )
    done_workloads = {c.workload for c in results}
    # notes about one library's cells
    shown = {"list_v1": "obstore", "get_large": "aiohttp", "small_put": "aiohttp"}
    note_list = [
        NOTES[w] for w in NOTES if w in done_workloads and shown.get(w, "aiominio") in libs
    ]
    if done_workloads & {"conc_get", "conc_put"}:
        note_list.append(
            "concurrency sweep: every library's pool sized to the concurrency (`--pool match`)"
            if args.pool == "match"
            else "concurrency sweep: aiominio at its default pool (64 connections, `--pool "
            "default`), the others' pools sized to the concurrency"
        )
    note_list += scale_notes(results, libs, args) + list(notes.values())
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

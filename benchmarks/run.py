"""Benchmark aiominio against its peers, side by side, against one local SeaweedFS.

Each library runs each workload in a process of its own (``worker.py``), so the CPU time and
peak RSS measured are that library's alone. Figures are medians over ``--repeat`` runs and are
shown with their ratio to aiominio's from the same run. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiominio import testing

HERE = Path(__file__).resolve().parent
MiB = 1024 * 1024
GiB = 1024 * MiB
MODULES = {
    "aiominio": "aiominio",
    "obstore": "obstore",
    "miniopy-async": "miniopy_async",
    "aiobotocore": "aiobotocore",
    "minio-py": "minio",
    "boto3": "boto3",
}
WORKLOADS = [
    "put_large",
    "put_file",
    "get_large",
    "small_put",
    "small_get",
    "list_keys",
    "stat",
    "delete",
]
LABELS = {
    "put_large": "PUT {large} MiB from memory",
    "put_file": "PUT {file} MiB from a file",
    "get_large": "GET {large} MiB (streamed)",
    "small_put": "{count} x {small} B PUT, 32 at once",
    "small_get": "{count} x {small} B GET, 32 at once",
    "list_keys": "list {keys} keys",
    "stat": "{count} x stat, 32 at once",
    "delete": "{count} x delete, 32 at once",
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--libraries", nargs="*", default=list(MODULES), choices=list(MODULES))
    p.add_argument("--workloads", nargs="*", default=WORKLOADS, choices=WORKLOADS)
    p.add_argument("--large-mib", type=int, default=256, help="large PUT/GET size (MiB)")
    p.add_argument("--file-mib", type=int, default=256, help="file PUT size (MiB); try 1024")
    p.add_argument("--count", type=int, default=2000, help="small objects per workload")
    p.add_argument("--small-size", type=int, default=4096, help="small object size (bytes)")
    p.add_argument("--list-keys", type=int, default=2000, help="keys to list")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", type=Path, default=HERE / "results")
    return p.parse_args()


async def prepare(server: testing.LocalServer, bucket: str, args: argparse.Namespace) -> None:
    async with server.client() as c:
        await c.make_bucket(bucket)
        await c.put_object(bucket, "large-source", os.urandom(args.large_mib * MiB))
        small = os.urandom(args.small_size)
        sem = asyncio.Semaphore(32)

        async def put(key: str, data: bytes) -> None:
            async with sem:
                await c.put_object(bucket, key, data)

        await asyncio.gather(*(put(f"small/{i}", small) for i in range(args.count)))
        await asyncio.gather(*(put(f"list/{i:06d}", b"") for i in range(args.list_keys)))


async def prepare_deletes(server: testing.LocalServer, bucket: str, lib: str, n: int) -> None:
    async with server.client() as c:
        sem = asyncio.Semaphore(32)

        async def put(i: int) -> None:
            async with sem:
                await c.put_object(bucket, f"del/{lib}/{i}", b"x")

        await asyncio.gather(*(put(i) for i in range(n)))


def run_worker(
    lib: str,
    workload: str,
    server: testing.LocalServer,
    bucket: str,
    args: argparse.Namespace,
    file_path: str,
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(HERE / "worker.py"),
        lib,
        workload,
        "--endpoint",
        server.endpoint,
        "--bucket",
        bucket,
        "--size",
        str(args.large_mib * MiB),
        "--file",
        file_path,
        "--count",
        str(args.count),
        "--small-size",
        str(args.small_size),
    ]
    env = dict(os.environ, BENCH_ACCESS_KEY=server.access_key, BENCH_SECRET_KEY=server.secret_key)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800, check=False)
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            # Measured; a non-zero exit after that (a runtime torn down noisily) is not ours.
            return dict(json.loads(line))
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
    return {"error": tail[0][:200]}


def figures(workload: str, m: dict[str, Any], args: argparse.Namespace) -> dict[str, float]:
    wall, cpu = m["wall"], m["cpu"]
    if workload in ("put_large", "get_large", "put_file"):
        size = (args.file_mib if workload == "put_file" else args.large_mib) * MiB
        return {"throughput": size / MiB / wall, "cpu": cpu / (size / GiB), "rss": m["rss_mib"]}
    n = args.list_keys if workload == "list_keys" else args.count
    return {"throughput": n / wall, "cpu": cpu * 1000 / n, "rss": m["rss_mib"]}


UNITS = {
    "throughput": lambda w: (
        "MiB/s"
        if w in ("put_large", "get_large", "put_file")
        else ("keys/s" if w == "list_keys" else "ops/s")
    ),
    "cpu": lambda w: (
        "CPU s/GiB"
        if w in ("put_large", "get_large", "put_file")
        else ("CPU ms/key" if w == "list_keys" else "CPU ms/op")
    ),
    "rss": lambda w: "peak RSS MiB",
}


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def markdown(
    results: dict[str, dict[str, dict[str, float]]], libs: list[str], args: argparse.Namespace
) -> str:
    out = []
    for metric, title in (
        ("throughput", "Throughput (higher is better)"),
        ("cpu", "Client CPU, user+sys (lower is better)"),
        ("rss", "Peak RSS of the client process (lower is better)"),
    ):
        out.append(f"### {title}\n")
        out.append("| workload | unit | " + " | ".join(libs) + " |")
        out.append("|---|---|" + "---|" * len(libs))
        for workload, per_lib in results.items():
            label = LABELS[workload].format(
                large=args.large_mib,
                file=args.file_mib,
                count=args.count,
                small=args.small_size,
                keys=args.list_keys,
            )
            base = per_lib.get("aiominio", {}).get(metric)
            cells = []
            for lib in libs:
                value = per_lib.get(lib, {}).get(metric)
                if value is None:
                    cells.append("n/a")
                elif base and lib != "aiominio":
                    cells.append(f"{fmt(value)} ({value / base:.2f}x)")
                else:
                    cells.append(fmt(value))
            out.append(f"| {label} | {UNITS[metric](workload)} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    args = parse_args()
    libs = [lib for lib in args.libraries if importlib.util.find_spec(MODULES[lib]) is not None]
    missing = sorted(set(args.libraries) - set(libs))
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}", file=sys.stderr)
    results: dict[str, dict[str, dict[str, float]]] = {}
    raw: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="aiominio-bench-") as tmp,
        testing.seaweedfs() as server,
    ):
        file_path = str(Path(tmp) / "upload.bin")
        with open(file_path, "wb") as f:
            for _ in range(args.file_mib):
                f.write(os.urandom(MiB))
        bucket = "bench"
        print(f"SeaweedFS at {server.endpoint}; preparing objects ...", file=sys.stderr, flush=True)
        asyncio.run(prepare(server, bucket, args))
        for workload in args.workloads:
            results[workload] = {}
            for lib in libs:
                runs = []
                for _ in range(args.repeat):
                    if workload == "delete":
                        asyncio.run(prepare_deletes(server, bucket, lib, args.count))
                    m = run_worker(lib, workload, server, bucket, args, file_path)
                    if "error" in m:
                        print(f"{lib} {workload}: {m['error']}", file=sys.stderr)
                        break
                    runs.append(figures(workload, m, args))
                raw.setdefault(workload, {})[lib] = runs
                if runs:
                    results[workload][lib] = {
                        k: statistics.median(r[k] for r in runs) for k in runs[0]
                    }
                    print(
                        f"{workload:>10} {lib:>14}: "
                        + ", ".join(f"{k}={fmt(v)}" for k, v in results[workload][lib].items()),
                        file=sys.stderr,
                        flush=True,
                    )
    table = markdown(results, libs, args)
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    (args.out / "latest.json").write_text(
        json.dumps({"meta": meta, "medians": results, "runs": raw}, indent=2)
    )
    (args.out / "latest.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

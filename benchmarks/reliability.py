"""aiominio and its peers on the reliability workloads of docs/guides/reliability.md ("Next to
the peers"), side by side.

Two workloads, each library in its own process, each with its shipped defaults (retries,
timeouts, part sizes), against one local SeaweedFS:

- ``faults``: 150 put+get pairs of 64 KiB objects (16 at once) and one 12 MiB object put and
  read back, through ``tests/faultproxy.py`` at 12%, 30% and 50% of connections faulted (resets,
  stalls, truncations, 503 SlowDown, 500 InternalError; the same seed for every library). A pair
  counts as completed when both calls succeeded and the bytes read back are the bytes written.
- ``load``: 10,000 concurrent 4 KiB PUTs as tasks, then 10,000 concurrent GETs, straight to the
  server, with 64 connections where the library lets that be set. Completed calls, the first
  error of each kind, and the process's peak RSS.

Run with ``python -m nox -s reliability`` (installs the peers) or, in an environment that has
them, ``python benchmarks/reliability.py [--libraries ...] [--workloads ...]``. It prints a
Markdown table and writes ``benchmarks/results/reliability.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LIBRARIES = ["aiominio", "obstore", "aiobotocore", "miniopy-async"]
WORKLOADS = ["faults", "load"]
RATES = [0.12, 0.30, 0.50]
SEED = 20261207
PAIRS = 150
SMALL = 64 * 1024
BIG = 12 * 1024 * 1024
LOAD_TASKS = 10_000
LOAD_SIZE = 4096
CONNECTIONS = 64


def peak_rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- each library: put(key, bytes), get(key) -> bytes ------------------------------------------


class Aiominio:
    def __init__(self, endpoint: str, access: str, secret: str, bucket: str) -> None:
        import aiominio

        self.bucket = bucket
        self.c = aiominio.Client(
            endpoint, access_key=access, secret_key=secret, max_connections=CONNECTIONS
        )

    async def put(self, key: str, data: bytes) -> None:
        await self.c.put_object(self.bucket, key, data)

    async def get(self, key: str) -> bytes:
        async with self.c.get_object(self.bucket, key) as obj:
            return await obj.read()

    async def close(self) -> None:
        await self.c.close()


class Obstore:
    def __init__(self, endpoint: str, access: str, secret: str, bucket: str) -> None:
        from obstore.store import S3Store

        self.s = S3Store(
            bucket,
            endpoint=endpoint,
            access_key_id=access,
            secret_access_key=secret,
            region="us-east-1",
            client_options={"allow_http": True},
        )

    async def put(self, key: str, data: bytes) -> None:
        import obstore

        await obstore.put_async(self.s, key, data)  # multipart above its 5 MiB chunk size

    async def get(self, key: str) -> bytes:
        import obstore

        resp = await obstore.get_async(self.s, key)
        return bytes(await resp.bytes_async())

    async def close(self) -> None:
        pass


class Aiobotocore:
    def __init__(self, endpoint: str, access: str, secret: str, bucket: str) -> None:
        self.args = (endpoint, access, secret)
        self.bucket = bucket
        self.c: Any = None

    async def open(self) -> None:
        from aiobotocore.session import get_session
        from botocore.config import Config

        endpoint, access, secret = self.args
        self._cm = get_session().create_client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            region_name="us-east-1",
            config=Config(max_pool_connections=CONNECTIONS),
        )
        self.c = await self._cm.__aenter__()

    async def put(self, key: str, data: bytes) -> None:
        # aiobotocore has no transfer manager: one PUT, whatever the size.
        await self.c.put_object(Bucket=self.bucket, Key=key, Body=data)

    async def get(self, key: str) -> bytes:
        resp = await self.c.get_object(Bucket=self.bucket, Key=key)
        async with resp["Body"] as body:
            return bytes(await body.read())

    async def close(self) -> None:
        await self._cm.__aexit__(None, None, None)


class MiniopyAsync:
    def __init__(self, endpoint: str, access: str, secret: str, bucket: str) -> None:
        from miniopy_async import Minio

        self.bucket = bucket
        host = urlsplit(endpoint).netloc
        self.c = Minio(host, access_key=access, secret_key=secret, secure=False)

    async def put(self, key: str, data: bytes) -> None:
        await self.c.put_object(self.bucket, key, io.BytesIO(data), len(data))

    async def get(self, key: str) -> bytes:
        resp = await self.c.get_object(self.bucket, key)
        try:
            return bytes(await resp.read())
        finally:
            resp.release()

    async def close(self) -> None:
        close = getattr(self.c, "close_session", None)
        if close is not None:
            await close()


CLASSES: dict[str, Callable[[str, str, str, str], Any]] = {
    "aiominio": Aiominio,
    "obstore": Obstore,
    "aiobotocore": Aiobotocore,
    "miniopy-async": MiniopyAsync,
}


def _error_name(exc: BaseException) -> str:
    return f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}"


async def _faults(lib: Any, tag: str) -> dict[str, Any]:
    rng = random.Random(SEED)
    datas = [rng.randbytes(SMALL) for _ in range(PAIRS)] + [rng.randbytes(BIG)]
    errors: Counter[str] = Counter()
    first: dict[str, str] = {}
    wrong = 0
    slots = asyncio.Semaphore(16)

    async def pair(i: int) -> bool:
        nonlocal wrong
        key = f"{tag}/{i}"
        async with slots:
            try:
                await lib.put(key, datas[i])
                back = await lib.get(key)
            except Exception as exc:
                errors[_error_name(exc)] += 1
                first.setdefault(_error_name(exc), str(exc)[:300])
                return False
        if back != datas[i]:
            wrong += 1
            return False
        return True

    done = await asyncio.gather(*(pair(i) for i in range(len(datas))))
    return {
        "completed": sum(done),
        "total": len(datas),
        "big_completed": bool(done[-1]),
        "wrong_bytes": wrong,
        "errors": dict(errors),
        "first_error": first,
    }


async def _load(lib: Any, tag: str) -> dict[str, Any]:
    data = os.urandom(LOAD_SIZE)
    result: dict[str, Any] = {}
    for phase in ("put", "get"):
        errors: Counter[str] = Counter()
        first: dict[str, str] = {}

        async def one(
            i: int,
            phase: str = phase,
            errors: Counter[str] = errors,
            first: dict[str, str] = first,
        ) -> bool:
            try:
                if phase == "put":
                    await lib.put(f"{tag}/{i}", data)
                else:
                    return await lib.get(f"{tag}/{i}") == data
            except Exception as exc:
                name = _error_name(exc)
                errors[name] += 1
                first.setdefault(name, str(exc)[:160])
                return False
            return True

        started = time.perf_counter()
        tasks = [asyncio.ensure_future(one(i)) for i in range(LOAD_TASKS)]
        done = await asyncio.gather(*tasks)
        result[phase] = {
            "completed": sum(done),
            "total": LOAD_TASKS,
            "seconds": round(time.perf_counter() - started, 2),
            "errors": dict(errors),
            "first_error": first,
        }
    return result


async def _worker(args: argparse.Namespace) -> None:
    lib = CLASSES[args.lib](args.endpoint, args.access_key, args.secret_key, args.bucket)
    opener = getattr(lib, "open", None)
    if opener is not None:
        await opener()
    started = time.perf_counter()
    try:
        work = _faults if args.workload == "faults" else _load
        out = await work(lib, f"{args.workload}-{args.lib}-{args.tag}")
    finally:
        await lib.close()
    out["seconds_total"] = round(time.perf_counter() - started, 1)
    out["peak_rss_mib"] = round(peak_rss_mib(), 1)
    print(json.dumps(out), flush=True)


# -- the driver ---------------------------------------------------------------------------------


async def _run_worker(
    lib: str, workload: str, endpoint: str, server: Any, bucket: str, tag: str
) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "worker",
        "--lib",
        lib,
        "--workload",
        workload,
        "--endpoint",
        endpoint,
        "--access-key",
        server.access_key,
        "--secret-key",
        server.secret_key,
        "--bucket",
        bucket,
        "--tag",
        tag,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=1800)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return {"crashed": "timed out after 30 minutes"}
    lines = out.decode().strip().splitlines()
    if proc.returncode != 0 or not lines:
        last = (err.decode().strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        return {"crashed": last[:200]}
    found: dict[str, Any] = json.loads(lines[-1])
    return found


async def _drive(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import aiominio
    from aiominio import testing
    from tests.faultproxy import FaultProxy

    results: dict[str, Any] = {"faults": {}, "load": {}}
    with testing.seaweedfs(as_deployed=True) as server:
        bucket = "reliability"
        async with server.client() as direct:
            await direct.make_bucket(bucket)
        upstream = urlsplit(server.endpoint).port
        assert upstream is not None
        if "faults" in args.workloads:
            for rate in args.rates:
                for lib in args.libraries:
                    async with FaultProxy(upstream, rate=rate, seed=SEED) as proxy:
                        started = time.perf_counter()
                        found = await _run_worker(
                            lib, "faults", proxy.endpoint, server, bucket, f"{rate:.2f}"
                        )
                        found["requests_seen"] = proxy.requests
                        found["faults_injected"] = sum(proxy.injected.values())
                        found["wall_seconds"] = round(time.perf_counter() - started, 1)
                    results["faults"].setdefault(f"{rate:.0%}", {})[lib] = found
                    print(f"faults {rate:.0%} {lib}: {json.dumps(found)}", flush=True)
        if "load" in args.workloads:
            for lib in args.libraries:
                found = await _run_worker(lib, "load", server.endpoint, server, bucket, "load")
                results["load"][lib] = found
                print(f"load {lib}: {json.dumps(found)}", flush=True)
        async with aiominio.Client(
            server.endpoint, access_key=server.access_key, secret_key=server.secret_key
        ) as direct:
            leftovers = [u.key async for u in direct.list_incomplete_uploads(bucket, "", True)]
        # Keys are "<workload>-<library>-<tag>/<n>".
        by_run = Counter(key.split("/")[0] for key in leftovers)
        results["incomplete_uploads_left"] = dict(by_run)
    return results


def _table(results: dict[str, Any]) -> str:
    rows = ["| workload | " + " | ".join(LIBRARIES) + " |", "|---" * (len(LIBRARIES) + 1) + "|"]
    for rate, by_lib in results["faults"].items():
        cells = []
        for lib in LIBRARIES:
            r = by_lib.get(lib)
            if r is None:
                cells.append("")
            elif "crashed" in r:
                cells.append(f"crashed: {r['crashed']}")
            else:
                errs = ", ".join(f"{k} x{v}" for k, v in sorted(r["errors"].items()))
                cells.append(
                    f"{r['completed']}/{r['total']}"
                    + (f" ({errs})" if errs else "")
                    + (f", {r['wrong_bytes']} wrong bytes" if r["wrong_bytes"] else "")
                    + f", {r['wall_seconds']} s"
                )
        rows.append(f"| faults at {rate} | " + " | ".join(cells) + " |")
    for phase in ("put", "get"):
        cells = []
        for lib in LIBRARIES:
            r = results["load"].get(lib)
            if r is None:
                cells.append("")
            elif "crashed" in r:
                cells.append(f"crashed: {r['crashed']}")
            else:
                p = r[phase]
                errs = ", ".join(f"{k} x{v}" for k, v in sorted(p["errors"].items()))
                cells.append(
                    f"{p['completed']}/{p['total']} in {p['seconds']} s"
                    + (f" ({errs})" if errs else "")
                    + (f", peak RSS {r['peak_rss_mib']} MiB" if phase == "get" else "")
                )
        rows.append(f"| 10,000 concurrent {phase.upper()}s | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        p = argparse.ArgumentParser()
        p.add_argument("worker")
        for name in ("lib", "workload", "endpoint", "access-key", "secret-key", "bucket", "tag"):
            p.add_argument(f"--{name}", required=True)
        asyncio.run(_worker(p.parse_args()))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--libraries", nargs="*", default=LIBRARIES, choices=LIBRARIES)
    p.add_argument("--workloads", nargs="*", default=WORKLOADS, choices=WORKLOADS)
    p.add_argument("--rates", nargs="*", type=float, default=RATES)
    p.add_argument("--out", type=Path, default=HERE / "results")
    args = p.parse_args()
    results = asyncio.run(_drive(args))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reliability.json").write_text(json.dumps(results, indent=2))
    print()
    print(_table(results))
    print(f"\nincomplete uploads left behind, by run: {results['incomplete_uploads_left']}")


if __name__ == "__main__":
    main()

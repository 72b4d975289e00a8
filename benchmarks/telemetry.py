"""The client CPU of a small GET with telemetry off and on, without a server: every GET answered
by :class:`aiominio.testing.MockTransport` in the process, so the figure is the client's own
(signing, the pipeline, the reader, telemetry) with no socket, no server and no noise from
either. Each mode runs in a process of its own (``off`` must not import OpenTelemetry).

    python benchmarks/telemetry.py [--gets 20000]

Modes: ``off`` (``telemetry=False``, the default), ``api`` (``telemetry=True`` with the
OpenTelemetry API alone: no-op providers), ``sdk`` (``telemetry=True``, the SDK recording
every span through a ``BatchSpanProcessor`` to an exporter that drops them, and every metric
for an ``InMemoryMetricReader``). The benchmark with a server is ``run.py --libraries aiominio
aiominio-otel aiominio-otel-api --workloads small_get`` (see benchmarks/README.md, "What
telemetry costs").
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from typing import Any

MODES = ("off", "api", "sdk")
SIZE = 4096


def options(mode: str) -> dict[str, Any]:
    if mode == "off":
        return {}
    if mode == "api":
        return {"telemetry": True}
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class Dropped(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    # A queue as large as the run: no span is dropped for want of room.
    tracer_provider.add_span_processor(BatchSpanProcessor(Dropped(), max_queue_size=1 << 20))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return {"telemetry": True, "tracer_provider": tracer_provider, "meter_provider": meter_provider}


async def measure(mode: str, gets: int, rounds: int) -> float:
    """The least CPU seconds per GET over ``rounds`` rounds of ``gets / rounds`` GETs."""
    import aiominio
    from aiominio.testing import MockResponse, MockTransport

    answer = MockResponse(
        200,
        {
            "ETag": '"0123456789abcdef0123456789abcdef"',
            "Last-Modified": "Mon, 07 Dec 2026 10:00:00 GMT",
            "Content-Length": str(SIZE),
            "x-amz-request-id": "R",
        },
        b"x" * SIZE,
    )
    async with aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="s",
        region="us-east-1",
        transport=MockTransport(lambda request: answer),
        **options(mode),
    ) as client:

        async def get(i: int) -> None:
            async with client.get_object("bench", f"small/{i}", verify=False) as obj:
                await obj.read()

        for i in range(500):  # warm up
            await get(i)
        per_round = gets // rounds
        best = float("inf")
        for _ in range(rounds):
            start = time.process_time()
            for i in range(per_round):
                await get(i)
            best = min(best, (time.process_time() - start) / per_round)
    return best


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--gets", type=int, default=20000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)  # one mode, in this process
    args = p.parse_args()
    if args.mode:
        if args.mode == "off":
            assert "opentelemetry" not in sys.modules
        seconds = asyncio.run(measure(args.mode, args.gets, args.rounds))
        if args.mode == "off":
            assert "opentelemetry" not in sys.modules, "telemetry off imported OpenTelemetry"
        print(f"{seconds * 1e6:.1f}")
        return 0
    results = {}
    for mode in MODES:
        cmd = [sys.executable, __file__, "--mode", mode, "--gets", str(args.gets)]
        cmd += ["--rounds", str(args.rounds)]
        results[mode] = float(subprocess.run(cmd, check=True, capture_output=True).stdout)
    print("| telemetry | client CPU per 4 KiB GET, µs | over off |")
    print("|---|---|---|")
    for mode, micros in results.items():
        print(f"| {mode} | {micros:.1f} | {micros - results['off']:+.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

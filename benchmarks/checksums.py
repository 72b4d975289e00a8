"""What verifying a download costs: the speed of each digest a body can be checked with, on one
core (``python benchmarks/checksums.py [MiB]``). hashlib runs in C; CRC32 is ISA-L's (or zlib's
without the ``speedups`` extra), CRC32C google-crc32c's (or pure Python), CRC64NVME pure Python."""

from __future__ import annotations

import os
import sys
import time

from aiominio.core.checksums import VERIFY_ORDER, BodyCheck


def speed(algorithm: str, data: bytes, chunk: int = 1 << 20) -> float:
    """MB/s of the best of three runs over ``data``, fed in 1 MiB chunks as a download is."""
    best = float("inf")
    for _ in range(3):
        check = BodyCheck(algorithm, "")
        start = time.perf_counter()
        for at in range(0, len(data), chunk):
            check.update(data[at : at + chunk])
        best = min(best, time.perf_counter() - start)
    return len(data) / best / 1e6


def main() -> None:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    data = os.urandom(mib << 20)
    print("| digest (cheapest first) | MB/s, one core |\n|---|---|")
    for algorithm in VERIFY_ORDER:
        print(f"| {algorithm} | {speed(algorithm, data):,.0f} |")


if __name__ == "__main__":
    main()

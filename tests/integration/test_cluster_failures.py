"""A SeaweedFS cluster loses a node in the middle of a mixed workload.

Three volume servers with replication 001 (every volume on two of them), a filer and the S3
gateway, each its own process. A seeded workload of a few hundred operations (small and multipart
puts, gets, ranged gets, listings, deletes) runs on several tasks while one volume server is
killed with SIGKILL and started again, or while the filer is killed and restarted. Every operation
either succeeds or raises an aiominio error (no aiohttp or OSError escapes); nothing hangs; after
the node is back every acknowledged write reads back byte for byte and no multipart upload is
left behind. What the cluster answered meanwhile is printed (run with ``-s`` to see it).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pytest

import aiominio
from aiominio import testing
from tests.conftest import RequestLog, Traced
from tests.integration.conftest import empty_and_remove, unique_bucket

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKERS = 6
OPS_PER_WORKER = 50
#: No single operation may take longer: the retry budget (60 s) plus the last attempt's time.
OP_TIMEOUT = 120.0
MiB = 1024 * 1024
GONE = None  # the expected content of a deleted key


@pytest.fixture(scope="module")
def cluster() -> Iterator[testing.LocalCluster]:
    """A cluster of this module's own: its nodes are killed."""
    with testing.seaweedfs_cluster(volume_servers=3, replication="001") as found:
        yield found


@dataclass
class Outcomes:
    """What the operations of one workload ended with, by phase of the disruption."""

    by_phase: dict[str, Counter[str]] = field(
        default_factory=lambda: {p: Counter() for p in ("before", "during", "after")}
    )
    raw: list[BaseException] = field(default_factory=list)
    wrong_data: list[str] = field(default_factory=list)
    phase: str = "before"

    def record(self, what: str) -> None:
        self.by_phase[self.phase][what] += 1


class Worker:
    """One task of the workload: it alone writes the keys under its prefix, so that what each key
    may hold is known: a set of contents, ``GONE`` among them when it may be absent (an operation
    that failed may or may not have taken effect)."""

    def __init__(self, client: aiominio.Client, bucket: str, index: int, seed: int) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = f"w{index}/"
        self.rng = random.Random(seed)
        self.expected: dict[str, set[bytes | None]] = {}
        #: Whether a multipart upload of this worker is in flight.
        self.uploading = False

    def body(self, multipart: bool) -> bytes:
        size = (
            MiB * 5 + self.rng.randrange(1, 512 * 1024)
            if multipart
            else self.rng.randrange(0, 256 * 1024)
        )
        return self.rng.randbytes(size)

    def pick_key(self) -> str:
        return f"{self.prefix}k{self.rng.randrange(12)}"

    async def op(self) -> str:
        """One random operation; the name of what it did."""
        kind = self.rng.choices(
            ["put", "multipart", "get", "range", "list", "delete"], [30, 4, 25, 15, 12, 14]
        )[0]
        key = self.pick_key()
        possible = self.expected.get(key, {GONE})
        if kind in ("put", "multipart"):
            data = self.body(kind == "multipart")
            self.expected[key] = possible | {data}
            self.uploading = kind == "multipart"
            try:
                await self.client.put_object(self.bucket, key, data, part_size=5 * MiB)
            finally:
                self.uploading = False
            self.expected[key] = {data}
        elif kind == "delete":
            self.expected[key] = possible | {GONE}
            await self.client.remove_object(self.bucket, key)
            self.expected[key] = {GONE}
        elif kind in ("get", "range"):
            try:
                if kind == "get":
                    async with self.client.get_object(self.bucket, key) as reader:
                        got = await reader.read()
                    matches = got in possible
                else:
                    offset = self.rng.randrange(0, 64 * 1024)
                    length = self.rng.randrange(1, 64 * 1024)
                    async with self.client.get_partial_object(
                        self.bucket, key, offset, length
                    ) as reader:
                        got = await reader.read()
                    matches = any(
                        d is not None and d[offset : offset + length] == got for d in possible
                    )
            except aiominio.NoSuchKey:
                matches = GONE in possible
            except aiominio.InvalidRange:
                matches = any(d is not None and len(d) <= offset for d in possible)
            if not matches:
                raise AssertionError(f"{kind} of {key} returned what was never written")
        else:
            listed = {o.key async for o in self.client.list_objects(self.bucket, self.prefix)}
            for k, contents in self.expected.items():
                if (k in listed and GONE in contents and len(contents) == 1) or (
                    k not in listed and GONE not in contents
                ):
                    raise AssertionError(f"the listing disagrees about {k}")
        return kind


def error_name(exc: BaseException) -> str:
    if isinstance(exc, aiominio.S3Error):
        return f"{type(exc).__name__}({exc.code}, {exc.status})"
    return type(exc).__name__


async def run_workload(
    client: aiominio.Client,
    bucket: str,
    seed: int,
    disrupt: Callable[[], Awaitable[None]],
    heal: Callable[[], Awaitable[None]],
) -> tuple[Outcomes, list[Worker]]:
    """The workload on ``WORKERS`` tasks; ``disrupt`` runs after a third of the operations,
    ``heal`` after two thirds."""
    outcomes = Outcomes()
    workers = [Worker(client, bucket, i, seed * 100 + i) for i in range(WORKERS)]
    total = WORKERS * OPS_PER_WORKER
    done = 0
    healed = asyncio.Event()
    progress = asyncio.Event()

    async def until(ready: Callable[[], bool]) -> None:
        while not ready():
            await progress.wait()
            progress.clear()

    async def milestones() -> None:
        # The disruption hits a multipart upload in flight (or, failing that, whatever is).
        await until(
            lambda: (
                (done >= total // 3 and sum(w.uploading for w in workers) > 0) or done >= total // 2
            )
        )
        outcomes.phase = "during"
        await disrupt()
        await until(lambda: done >= 2 * total // 3)
        await heal()
        outcomes.phase = "after"
        healed.set()

    async def work(worker: Worker) -> None:
        nonlocal done
        for _ in range(OPS_PER_WORKER):
            try:
                kind = await asyncio.wait_for(worker.op(), OP_TIMEOUT)
                outcomes.record(f"{kind} ok")
            except AssertionError as exc:
                outcomes.wrong_data.append(str(exc))
            except asyncio.TimeoutError:
                outcomes.record("HUNG")
            except aiominio.AiominioError as exc:
                outcomes.record(error_name(exc))
            except Exception as exc:
                outcomes.raw.append(exc)
            done += 1
            progress.set()

    await asyncio.wait_for(
        asyncio.gather(milestones(), *(work(w) for w in workers)), OP_TIMEOUT * 4
    )
    assert healed.is_set()
    return outcomes, workers


async def verify(client: aiominio.Client, bucket: str, workers: list[Worker]) -> int:
    """Every key holds what its last acknowledged write left (or one of the contents a failed
    operation may have left); no incomplete upload remains. Returns how many keys hold data."""
    holding = 0
    for worker in workers:
        for key, contents in worker.expected.items():
            try:
                async with client.get_object(bucket, key) as reader:
                    got: bytes | None = await reader.read()
            except aiominio.NoSuchKey:
                got = GONE
            assert got in contents, f"{key} does not hold what was written"
            holding += got is not None
    uploads = [u.key async for u in client.list_incomplete_uploads(bucket, recursive=True)]
    assert uploads == [], f"orphaned multipart uploads: {uploads}"
    return holding


def report(title: str, outcomes: Outcomes, log: RequestLog, client: aiominio.Client) -> str:
    lines = [f"{title}: {len(log.sent)} requests, {client.retries} retried"]
    lines.append(f"  HTTP statuses: {dict(sorted(log.statuses.items()))}")
    if log.exceptions:
        lines.append(f"  no answer: {dict(log.exceptions)}")
    for phase, counts in outcomes.by_phase.items():
        lines.append(f"  {phase}: {dict(sorted(counts.items()))}")
    return "\n".join(lines)


async def check(
    cluster: testing.LocalCluster,
    traced: Traced,
    bucket: str,
    title: str,
    seed: int,
    disrupt: Callable[[], Awaitable[None]],
    heal: Callable[[], Awaitable[None]],
) -> Outcomes:
    client, log = traced(cluster)
    await client.make_bucket(bucket)
    try:
        outcomes, workers = await run_workload(client, bucket, seed, disrupt, heal)
        print("\n" + report(title, outcomes, log, client))
        assert outcomes.raw == [], f"exceptions that are not aiominio's: {outcomes.raw!r}"
        assert outcomes.wrong_data == []
        for counts in outcomes.by_phase.values():
            assert counts["HUNG"] == 0
        holding = await asyncio.wait_for(verify(client, bucket, workers), OP_TIMEOUT)
        assert holding > 0
        return outcomes
    finally:
        await empty_and_remove(client, bucket)


async def test_a_volume_server_killed_mid_workload(
    cluster: testing.LocalCluster, traced: Traced
) -> None:
    victim = random.Random(16).randrange(cluster.volume_servers)
    bucket = unique_bucket("cf")

    held: list[tuple[int, int]] = []

    async def disrupt() -> None:
        # The victim holds copies of the workload's data: the kill takes some away.
        held.append(await asyncio.to_thread(cluster.volumes_on, victim, bucket))
        await asyncio.to_thread(cluster.kill_volume, victim)

    async def heal() -> None:
        await asyncio.to_thread(cluster.start_volume, victim)

    outcomes = await check(
        cluster, traced, bucket, f"volume server {victim} killed (SIGKILL)", 16, disrupt, heal
    )
    volumes, size = held[0]
    print(f"  the killed server held {volumes} volumes of the bucket, {size} bytes")
    assert volumes > 0 and size > 0
    # The workload went on while the node was down, and ended with it back.
    assert sum(outcomes.by_phase["during"].values()) > 0
    assert sum(outcomes.by_phase["after"].values()) > 0


async def test_the_filer_restarted_mid_workload(
    cluster: testing.LocalCluster, traced: Traced
) -> None:
    async def disrupt() -> None:
        await asyncio.to_thread(cluster.restart_filer)

    async def heal() -> None:
        pass

    outcomes = await check(
        cluster, traced, unique_bucket("cf"), "filer killed and restarted", 17, disrupt, heal
    )
    assert sum(outcomes.by_phase["during"].values()) > 0

"""The test proxy's fault schedule is a function of the seed and each request, not of timing."""

from __future__ import annotations

import random

from tests.faultproxy import FAULTS, FaultProxy

LINES = [
    "PUT /b-1/obj/0001/plain HTTP/1.1",
    "PUT /b-1/big/0?partNumber=3&uploadId=abc HTTP/1.1",
    "GET /b-1/obj/0002/a%20b HTTP/1.1",
    "HEAD /b-1/obj/0003/q HTTP/1.1",
    "GET /b-1?list-type=2&prefix=obj%2F00&max-keys=50 HTTP/1.1",
    "DELETE /b-1/obj/0004/plain HTTP/1.1",
] * 4  # the same requests again, as retries


def schedule(proxy: FaultProxy, order: list[tuple[str, str]]) -> dict[tuple[str, int], str | None]:
    """Feed requests in the given order; return the fault each (identity, attempt) received."""
    seen: dict[str, int] = {}
    out: dict[tuple[str, int], str | None] = {}
    for line, rng in order:
        identity = proxy.identity(line, rng)
        attempt = seen.get(identity, 0)
        seen[identity] = attempt + 1
        out[identity, attempt] = proxy.choose(line, rng)
    return out


def test_same_seed_same_faults_in_any_arrival_order() -> None:
    requests = [(line, "") for line in LINES] + [("GET /b-1/big/0 HTTP/1.1", "bytes=10-99")]
    shuffled = requests[:]
    random.Random(5).shuffle(shuffled)
    first = schedule(FaultProxy(1, rate=0.5, seed=42), requests)
    second = schedule(FaultProxy(1, rate=0.5, seed=42), shuffled)
    assert first == second
    faults = [f for f in first.values() if f is not None]
    assert faults and len(faults) < len(first), "rate 0.5 faults some requests, not all"
    assert set(faults) <= set(FAULTS)
    # Another seed gives another schedule.
    assert schedule(FaultProxy(1, rate=0.5, seed=43), requests) != first


def test_identity_ignores_what_changes_between_runs() -> None:
    identity = FaultProxy.identity
    # The bucket (random per test) and the upload id (random per upload) do not count...
    assert identity("PUT /b-1/k?partNumber=2&uploadId=x HTTP/1.1") == identity(
        "PUT /b-2/k?uploadId=y&partNumber=2 HTTP/1.1"
    )
    # ... the key, the method, the part number and where a range ends do.
    assert identity("PUT /b/k?partNumber=2 HTTP/1.1") != identity("PUT /b/k?partNumber=3 HTTP/1.1")
    assert identity("GET /b/k HTTP/1.1") != identity("HEAD /b/k HTTP/1.1")
    assert identity("GET /b/k HTTP/1.1") != identity("GET /b/k2 HTTP/1.1")
    assert identity("GET /b/k HTTP/1.1", "bytes=0-9") != identity("GET /b/k HTTP/1.1", "bytes=0-19")
    # A resume (the same request from wherever the cut fell) is the same request.
    assert identity("GET /b/k HTTP/1.1", "bytes=0-") == identity("GET /b/k HTTP/1.1", "bytes=512-")


def test_rate_bounds() -> None:
    never, always = FaultProxy(1, rate=0.0, seed=7), FaultProxy(1, rate=1.0, seed=7)
    for attempt in range(50):
        assert never.decide(f"GET k{attempt}", attempt) is None
        assert always.decide(f"GET k{attempt}", attempt) in FAULTS
    only = FaultProxy(1, rate=1.0, seed=7, only=lambda line: "/hit" in line)
    assert only.choose("GET /b/miss HTTP/1.1", "") is None
    assert only.choose("GET /b/hit HTTP/1.1", "") in FAULTS
    assert only.requests == 2 and sum(only.injected.values()) == 1

"""The test proxy's fault schedule is a function of the seed and each request, not of timing."""

from __future__ import annotations

import random

from tests.faultproxy import CORRUPTING, FAULTS, FaultProxy

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


def test_corrupting_faults_apply_only_where_a_checksum_could_tell() -> None:
    applies = FaultProxy.applies
    assert applies("flip", "PUT /b/k HTTP/1.1", "")
    assert applies("flip", "PUT /b/k?partNumber=2&uploadId=u HTTP/1.1", "")
    assert applies("flip", "GET /b/k HTTP/1.1", "")
    assert applies("flip", "GET /b/k?versionId=v HTTP/1.1", "bytes=100-")  # a resume
    assert not applies("flip", "GET /b/k HTTP/1.1", "bytes=0-99")  # a range: no digest
    assert not applies("flip", "GET /b?list-type=2 HTTP/1.1", "")  # XML
    assert not applies("flip", "GET /b/k?uploadId=u HTTP/1.1", "")  # ListParts
    assert not applies("flip", "POST /b/k?uploadId=u HTTP/1.1", "")
    assert applies("range_ignored", "GET /b/k HTTP/1.1", "bytes=0-99")
    assert not applies("range_ignored", "GET /b/k HTTP/1.1", "")
    assert applies("reset_request", "POST /b/k?uploads HTTP/1.1", "")


def test_flip_changes_one_byte_of_the_body() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nabcdefgh"
    split = answer.find(b"\r\n\r\n") + 4
    flipped = FaultProxy._flip(answer, split)
    assert flipped[:split] == answer[:split]
    assert sum(a != b for a, b in zip(flipped, answer, strict=True)) == 1
    assert FaultProxy._flip(b"", 0) == b""


def test_corrupting_faults_are_drawn_only_when_asked_for() -> None:
    proxy = FaultProxy(1, rate=1.0, seed=3, faults=FAULTS + CORRUPTING)
    drawn = {proxy.choose(f"PUT /b/k{i} HTTP/1.1", "") for i in range(200)}
    assert "flip" in drawn and "range_ignored" not in drawn  # not a Range GET
    # A Range is answered whole only with an answer the proxy saw whole before.
    assert proxy.choose("GET /b/k HTTP/1.1", "bytes=0-9") != "range_ignored"
    assert not set(CORRUPTING) & {
        FaultProxy(1, rate=1.0, seed=3).choose(line, "") for line in LINES
    }

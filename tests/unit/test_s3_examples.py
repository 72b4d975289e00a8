"""The S3 worked examples in ``tests/data/s3-sigv4-examples.json`` (origin and licence in
tests/data/README.md), byte for byte."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from aiominio.core import checksums, signing
from aiominio.core.endpoint import build_target, parse_endpoint

DATA = Path(__file__).resolve().parents[1] / "data" / "s3-sigv4-examples.json"
EXAMPLES: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
ACCESS = EXAMPLES["credentials"]["access_key_id"]
SECRET = EXAMPLES["credentials"]["secret_access_key"]


@dataclass(frozen=True)
class Keys:
    access_key: str = ACCESS
    secret_key: str = SECRET
    session_token: str | None = None


def by_kind(*kinds: str) -> list[dict[str, Any]]:
    return [e for e in EXAMPLES["examples"] if e["kind"].split(" ")[0] in kinds]


def when(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def split_target(target: str) -> tuple[str, list[tuple[str, str]]]:
    path, _, qs = target.partition("?")
    query = []
    for part in qs.split("&") if qs else []:
        k, _, v = part.partition("=")
        query.append((unquote(k), unquote(v)))
    return unquote(path), query


def test_every_example_is_covered() -> None:
    kinds = {e["kind"].split(" ")[0] for e in EXAMPLES["examples"]}
    assert kinds == {"authorization-header", "query-string", "post-policy", "streaming"}
    assert len(EXAMPLES["examples"]) == 8


@pytest.mark.parametrize("ex", by_kind("authorization-header", "streaming"), ids=lambda e: e["id"])
def test_header_signing(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    path, query = split_target(inp["request_target"])
    signed = signing.sign_headers(
        method=inp["method"],
        path=path,
        query=query,
        headers=inp["headers"],
        payload_hash=inp["headers"]["x-amz-content-sha256"],
        access_key=ACCESS,
        secret_key=SECRET,
        region=inp["region"],
        now=when(inp["amz_date"]),
    )
    assert signed.canonical_request == exp["canonical_request"]
    assert signed.string_to_sign == exp["string_to_sign"]
    assert signed.signed_headers == exp["signed_headers"]
    assert signed.signature == exp.get("signature", exp.get("seed_signature"))
    assert signed.authorization.replace(", ", ",") == exp["authorization"]
    if ex["kind"].startswith("authorization-header") and inp["payload_utf8"]:
        digest = hashlib.sha256(inp["payload_utf8"].encode()).hexdigest()
        assert digest == inp["headers"]["x-amz-content-sha256"]


@pytest.mark.parametrize("ex", by_kind("authorization-header"), ids=lambda e: e["id"])
def test_header_signing_from_a_built_target(ex: dict[str, Any]) -> None:
    # The requester's way: the URL built by build_target, signed from its canonical parts.
    inp, exp = ex["input"], ex["expected"]
    path, query = split_target(inp["request_target"])
    host = inp["headers"]["host"]
    endpoint = parse_endpoint("https://s3.amazonaws.com")
    bucket = host.split(".")[0]
    target = build_target(
        endpoint, bucket, path[1:], tuple(query), style="virtual", region=inp["region"]
    )
    assert target.host == host
    # The URL holds the canonical URI and query string exactly (`$` encoded, `lifecycle=`).
    canonical_lines = exp["canonical_request"].split("\n")
    assert (target.uri, target.canonical_query) == (canonical_lines[1], canonical_lines[2])
    assert target.url == f"https://{host}{target.uri}" + (
        f"?{target.canonical_query}" if query else ""
    )
    headers = {
        k: v for k, v in inp["headers"].items() if k not in ("x-amz-date", "x-amz-content-sha256")
    }
    out = signing.sign_canonical(
        inp["method"],
        target.uri,
        target.canonical_query,
        headers,
        payload_hash=inp["headers"]["x-amz-content-sha256"],
        credentials=Keys(),
        region=inp["region"],
        now=when(inp["amz_date"]),
    )
    assert out is headers  # completed in place
    assert out["Authorization"].replace(", ", ",") == exp["authorization"]
    assert {k: v for k, v in out.items() if k != "Authorization"} == inp["headers"]


@pytest.mark.parametrize("ex", by_kind("streaming"), ids=lambda e: e["id"])
def test_streaming_chunks(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    stamp = inp["amz_date"]
    cscope = signing.scope(stamp, inp["region"])
    key = signing.signing_key(SECRET, stamp[:8], inp["region"])
    payload = b"a" * int(inp["headers"]["x-amz-decoded-content-length"])
    previous = exp["seed_signature"]
    offset = 0
    assert exp["chunks"]
    for chunk in exp["chunks"]:
        data = payload[offset : offset + chunk["chunk_data_length"]]
        offset += len(data)
        sts = signing.chunk_string_to_sign(stamp, cscope, previous, data)
        assert sts == chunk["string_to_sign"]
        previous = signing.signature(key, sts)
        assert previous == chunk["signature"]
    assert offset == len(payload)  # the chunks cover the payload, ending with the empty one
    assert exp["chunks"][-1]["chunk_data_length"] == 0
    if "trailer" in exp:
        trailer_value = checksums.crc32c_b64(payload)
        trailer = f"x-amz-checksum-crc32c:{trailer_value}\n".encode()
        assert trailer.decode() == exp["trailer"]["trailer_bytes_hashed"]
        sts = signing.trailer_string_to_sign(stamp, cscope, previous, trailer)
        assert sts == exp["trailer"]["string_to_sign"]
        assert signing.signature(key, sts) == exp["trailer"]["signature"]


@pytest.mark.parametrize("ex", by_kind("query-string"), ids=lambda e: e["id"])
def test_presigned_url(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    path, query = split_target(inp["request_target"])
    host = inp["headers"]["host"]
    qs = signing.presign_query(
        method=inp["method"],
        path=path,
        query=query,
        host=host,
        access_key=ACCESS,
        secret_key=SECRET,
        session_token=None,
        region=inp["region"],
        now=when(inp["amz_date"]),
        expiry=inp["expires_seconds"],
    )
    url = f"https://{host}{signing.canonical_uri(path)}?{qs}"
    assert url == exp["url"]


@pytest.mark.parametrize("ex", by_kind("post-policy"), ids=lambda e: e["id"])
def test_post_policy(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    policy_b64 = base64.b64encode(inp["policy_json_utf8"].encode("utf-8")).decode()
    assert policy_b64 == exp["policy_base64"] == exp["string_to_sign"]
    sig = signing.post_policy_signature(
        policy_b64, secret_key=SECRET, date=inp["amz_date"], region=inp["region"]
    )
    assert sig == exp["signature"]


@pytest.mark.parametrize(
    "vector", EXAMPLES["checksum_vectors"]["vectors"], ids=lambda v: v["input"][:20]
)
def test_checksum_vectors(vector: dict[str, str]) -> None:
    text = vector["input"]
    if text.startswith("ascii"):
        data = b"123456789"
    elif text == "empty":
        data = b""
    else:
        data = b"a" * int(text.split(" ")[0])
    assert checksums.crc32_b64(data) == vector["x-amz-checksum-crc32"]
    assert checksums.crc32c_b64(data) == vector["x-amz-checksum-crc32c"]
    assert checksums.sha256_b64(data) == vector["x-amz-checksum-sha256"]
    assert checksums.md5_b64(data) == vector["content-md5"]
    assert (
        base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
        == (vector["x-amz-checksum-crc32"])
    )

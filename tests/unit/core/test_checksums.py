"""The checksums of aiominio's core: the pure-Python CRCs against their check values and the
published vectors, which digest an answer's headers let a download be checked against, and CRC
combination (the checksum of a whole object from its parts' checksums, without the data)."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import checksums
from aiominio.core.checksums import (
    CRC32,
    CRC32C,
    CRC64NVME,
    Crc,
    body_check,
    combine_b64,
    crc_combine,
)

VECTORS = json.loads((Path(__file__).parents[2] / "data" / "s3-sigv4-examples.json").read_text())


def _data(text: str) -> bytes:
    if text.startswith("ascii"):
        return b"123456789"
    if text == "empty":
        return b""
    return b"a" * int(text.split(" ")[0])


@pytest.mark.parametrize(
    "vector", VECTORS["checksum_vectors"]["vectors"], ids=lambda v: v["input"][:20]
)
def test_published_vectors(vector: dict[str, str]) -> None:
    data = _data(vector["input"])
    assert checksums.crc32c_b64(data) == vector["x-amz-checksum-crc32c"]
    assert checksums.crc64nvme_b64(data) == vector["x-amz-checksum-crc64nvme"]
    assert checksums.sha1_b64(data) == vector["x-amz-checksum-sha1"]


@pytest.mark.parametrize("cut", [0, 1, 7, 8, 9, 100, 1001])
def test_crcs_continue_across_chunks(cut: int) -> None:
    data = bytes(range(256)) * 5 + b"tail"
    for fn in (checksums.crc32c, checksums.crc64nvme):
        assert fn(data[cut:], fn(data[:cut])) == fn(data)
        assert fn(memoryview(data)) == fn(data)


BODY = b"the body of an object"
BODY_CRC32 = base64.b64encode(zlib.crc32(BODY).to_bytes(4, "big")).decode()
SHA256 = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
MD5 = hashlib.md5(BODY).hexdigest()


def _verdict(headers: dict[str, str], body: bytes = BODY) -> tuple[str, bool] | None:
    check = body_check(headers)
    if check is None:
        return None
    for i in range(0, len(body), 5):
        check.update(body[i : i + 5])
    return check.algorithm, check.ok


def test_the_cheapest_digest_is_chosen() -> None:
    headers = {
        "x-amz-checksum-sha256": SHA256,
        "x-amz-checksum-crc32": BODY_CRC32,
        "etag": f'"{MD5}"',
    }
    assert _verdict(headers) == ("crc32", True)
    assert _verdict({"x-amz-checksum-sha256": SHA256, "etag": f'"{MD5}"'}) == ("md5", True)
    assert _verdict({"x-amz-checksum-sha256": SHA256}) == ("sha256", True)
    crc32c = checksums.crc32c_b64(BODY)
    # CRC32C beats MD5 only when google-crc32c is installed (the test extra installs it).
    assert checksums.VERIFY_ORDER.index("crc32c") < checksums.VERIFY_ORDER.index("md5")
    assert _verdict({"x-amz-checksum-crc32c": crc32c, "etag": f'"{MD5}"'}) == ("crc32c", True)
    assert _verdict({"x-amz-checksum-crc32c": crc32c}) == ("crc32c", True)


def test_a_changed_byte_fails() -> None:
    flipped = b"the body of an objecT"
    assert _verdict({"x-amz-checksum-crc32": BODY_CRC32}, flipped) == ("crc32", False)
    assert _verdict({"etag": f'"{MD5.upper()}"'}, flipped) == ("md5", False)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"etag": f'"{MD5}-2"'},
        {"x-amz-checksum-crc32": BODY_CRC32, "x-amz-checksum-type": "COMPOSITE"},
        {"x-amz-checksum-crc32": BODY_CRC32 + "-3"},
        {"x-amz-checksum-crc32": BODY_CRC32, "etag": f'"{MD5}-3"'},
        {"etag": f'"{MD5}"', "x-amz-server-side-encryption": "aws:kms"},
        {"etag": f'"{MD5}"', "x-amz-server-side-encryption-customer-algorithm": "AES256"},
    ],
    ids=[
        "nothing",
        "multipart-etag",
        "composite",
        "part-count-suffix",
        "multipart-untyped",
        "sse-kms",
        "sse-c",
    ],
)
def test_what_cannot_be_verified_is_not(headers: dict[str, str]) -> None:
    assert _verdict(headers) is None


def test_full_object_checksum_of_a_multipart_object_is_used() -> None:
    headers = {
        "x-amz-checksum-crc32": BODY_CRC32,
        "x-amz-checksum-type": "FULL_OBJECT",
        "etag": f'"{MD5}-2"',
    }
    assert _verdict(headers) == ("crc32", True)


CHECK = b"123456789"


def test_published_check_values() -> None:
    assert zlib.crc32(CHECK) == 0xCBF43926
    assert checksums.crc32(CHECK) == 0xCBF43926
    assert checksums.crc32c(CHECK) == 0xE3069283
    assert checksums.crc32c_python(CHECK) == 0xE3069283
    assert checksums.crc64nvme(CHECK) == 0xAE8B14860A799888


def test_the_speedups_are_used_when_installed() -> None:
    """The test extra installs ``aiominio[speedups]``: the native CRCs must be the ones used."""
    assert checksums._fast_crc32 is not zlib.crc32
    assert checksums._fast_crc32c is not None


@given(st.binary(max_size=3000), st.integers(0, 0xFFFFFFFF), st.integers(0, 40))
def test_native_and_fallback_crcs_agree(data: bytes, start: int, cut: int) -> None:
    view = memoryview(data)[cut:]
    assert checksums.crc32(data, start) == zlib.crc32(data, start)
    assert checksums.crc32(view, start) == zlib.crc32(view, start)
    assert checksums.crc32c(data, start) == checksums.crc32c_python(data, start)
    assert checksums.crc32c(view, start) == checksums.crc32c_python(view, start)


def reference(crc: Crc, data: bytes) -> int:
    functions = {
        CRC32: zlib.crc32,
        CRC32C: checksums.crc32c_python,
        CRC64NVME: checksums.crc64nvme,
    }
    return functions[crc](data)


algorithms = st.sampled_from([CRC32, CRC32C, CRC64NVME])


@given(algorithms, st.binary(max_size=300), st.binary(max_size=300))
def test_combine_is_the_crc_of_the_concatenation(crc: Crc, a: bytes, b: bytes) -> None:
    combined = crc_combine(crc, reference(crc, a), reference(crc, b), len(b))
    assert combined == reference(crc, a + b)


@given(algorithms, st.lists(st.binary(max_size=200), max_size=8))
def test_combining_parts_in_base64(crc: Crc, parts: list[bytes]) -> None:
    width = crc.width // 8

    def b64(value: int) -> str:
        return base64.b64encode(value.to_bytes(width, "big")).decode()

    whole = combine_b64(crc, [(b64(reference(crc, p)), len(p)) for p in parts])
    assert whole == b64(reference(crc, b"".join(parts)))


def test_long_parts_without_their_data() -> None:
    # Two 5 MiB parts (part-sized lengths, longer than any the property test draws).
    five_mib = zlib.crc32(bytes(5 << 20))
    assert crc_combine(CRC32, five_mib, five_mib, 5 << 20) == zlib.crc32(bytes(10 << 20))
    assert crc_combine(CRC32, 0x12345678, 0, 0) == 0x12345678


def test_lengths_out_of_range() -> None:
    with pytest.raises(ValueError, match="length"):
        crc_combine(CRC32, 0, 0, -1)
    with pytest.raises(ValueError, match="length"):
        crc_combine(CRC64NVME, 0, 0, 1 << 64)

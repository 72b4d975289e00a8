"""Payload checksums in the form S3 headers carry them (base64 of the big-endian digest), and
what an ETag says about the data."""

from __future__ import annotations

import base64
import functools
import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

#: How uploads are verified: ``x-amz-checksum-crc32`` or ``Content-MD5``.
Integrity = Literal["crc32", "md5"]
INTEGRITY_MODES: tuple[Integrity, ...] = ("crc32", "md5")


@dataclass(frozen=True, slots=True)
class Crc:
    """A reflected CRC with an all-ones start and final XOR, as S3's checksums are.

    Attributes:
        name: the S3 algorithm name (``x-amz-checksum-algorithm``).
        width: the width in bits.
        poly: the polynomial, bit-reversed (the form table-driven reflected CRCs use).
    """

    name: str
    width: int
    poly: int

    @property
    def mask(self) -> int:
        return (1 << self.width) - 1


CRC32 = Crc("CRC32", 32, 0xEDB88320)
CRC32C = Crc("CRC32C", 32, 0x82F63B78)
CRC64NVME = Crc("CRC64NVME", 64, 0x9A6C9329AC4BC9B5)


@functools.cache
def _table(crc: Crc) -> tuple[int, ...]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ crc.poly if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


def crc_update(crc: Crc, data: bytes | memoryview, value: int = 0) -> int:
    """``crc`` of ``data``, continuing from ``value`` (the CRC of what came before). Pure
    Python, so meant for small payloads and test vectors."""
    c = value ^ crc.mask
    table = _table(crc)
    for b in bytes(data):
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ crc.mask


def crc32c(data: bytes, value: int = 0) -> int:
    """CRC-32C (Castagnoli). Pure Python, so meant for small payloads and test vectors."""
    return crc_update(CRC32C, data, value)


def crc64nvme(data: bytes, value: int = 0) -> int:
    """CRC-64/NVME. Pure Python, so meant for small payloads and test vectors."""
    return crc_update(CRC64NVME, data, value)


# Combining two CRCs (as zlib's crc32_combine does): CRC(A + B) is CRC(A) multiplied by x^(8 |B|)
# modulo the polynomial, XOR CRC(B). The CRC's start and final XOR cancel out in that sum, so it
# holds for the finished values. Polynomials are bit-reversed: x^0 is the top bit.


def _multmodp(crc: Crc, a: int, b: int) -> int:
    """a(x) * b(x) modulo the polynomial."""
    top = 1 << (crc.width - 1)
    product = 0
    while a:
        if a & top:
            product ^= b
        a = (a << 1) & crc.mask
        b = (b >> 1) ^ crc.poly if b & 1 else b >> 1
    return product


@functools.cache
def _x2n(crc: Crc) -> tuple[int, ...]:
    """x^(2^k) modulo the polynomial, for k = 0 .. 66 (every length below 2^64 bytes)."""
    powers = [1 << (crc.width - 2)]  # x^1
    for _ in range(66):
        powers.append(_multmodp(crc, powers[-1], powers[-1]))
    return tuple(powers)


@functools.lru_cache(maxsize=64)
def _x8n(crc: Crc, n: int) -> int:
    """x^(8n) modulo the polynomial (cached: the parts of an upload share one or two sizes)."""
    power = 1 << (crc.width - 1)  # x^0
    k = 3  # x^(8n) = x^(n * 2^3)
    while n:
        if n & 1:
            power = _multmodp(crc, _x2n(crc)[k], power)
        n >>= 1
        k += 1
    return power


def crc_combine(crc: Crc, crc_a: int, crc_b: int, len_b: int) -> int:
    """The CRC of ``A + B`` from the CRC of ``A``, the CRC of ``B`` and the length of ``B``
    (no data needed: O(log len_b) polynomial products, one once the length was seen)."""
    if not 0 <= len_b < 1 << 64:
        raise ValueError(f"length out of range: {len_b}")
    return _multmodp(crc, _x8n(crc, len_b), crc_a) ^ crc_b


def combine_b64(crc: Crc, parts: Iterable[tuple[str, int]]) -> str:
    """The checksum of the whole object, in S3's base64 form, from each part's (in order) and
    its length: the FULL_OBJECT checksum of a multipart upload."""
    nbytes = crc.width // 8
    total = 0
    for value, length in parts:
        total = crc_combine(crc, total, int.from_bytes(base64.b64decode(value), "big"), length)
    return _b64(total.to_bytes(nbytes, "big"))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def crc32_b64(data: bytes | memoryview) -> str:
    """``x-amz-checksum-crc32`` value."""
    return _b64(zlib.crc32(data).to_bytes(4, "big"))


def crc32c_b64(data: bytes) -> str:
    """``x-amz-checksum-crc32c`` value."""
    return _b64(crc32c(data).to_bytes(4, "big"))


def sha256_b64(data: bytes) -> str:
    """``x-amz-checksum-sha256`` value."""
    return _b64(hashlib.sha256(data).digest())


def md5_b64(data: bytes) -> str:
    """``Content-MD5`` value."""
    return _b64(hashlib.md5(data).digest())


def is_md5_etag(etag: str) -> bool:
    """Whether an (unquoted) ETag is an MD5 of the data: 32 hex digits, as S3 gives a single PUT
    without server-side encryption."""
    return len(etag) == 32 and all(c in "0123456789abcdef" for c in etag.lower())


def multipart_etag(part_etags: list[str]) -> str | None:
    """The ETag S3 gives a multipart object: MD5 of the parts' MD5s, ``-`` and the count
    (``None`` when a part's ETag is not an MD5)."""
    if not all(is_md5_etag(e) for e in part_etags):
        return None
    digest = hashlib.md5(b"".join(bytes.fromhex(e) for e in part_etags)).hexdigest()
    return f"{digest}-{len(part_etags)}"

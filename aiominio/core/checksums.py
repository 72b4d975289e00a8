"""Payload checksums in the form S3 headers carry them (base64 of the big-endian digest), and
what an ETag says about the data."""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Literal

#: How uploads are verified: ``x-amz-checksum-crc32`` or ``Content-MD5``.
Integrity = Literal["crc32", "md5"]
INTEGRITY_MODES: tuple[Integrity, ...] = ("crc32", "md5")

_CRC32C_POLY = 0x82F63B78


def _crc32c_table() -> tuple[int, ...]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ _CRC32C_POLY if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_TABLE = _crc32c_table()


def crc32c(data: bytes, value: int = 0) -> int:
    """CRC-32C (Castagnoli). Pure Python, so meant for small payloads and test vectors."""
    crc = value ^ 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


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

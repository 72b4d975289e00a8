"""Payload checksums in the form S3 headers carry them (base64 of the big-endian digest), and
what an ETag says about the data."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from aiominio.errors import InvalidArgument

_HEX32 = re.compile(r"[0-9a-fA-F]{32}")

# Optional accelerated CRCs (``pip install 'aiominio[speedups]'``), measured here on one core:
# ISA-L's CRC32 0.05 s/GiB against zlib's 0.28; google-crc32c's CRC32C 0.10 s/GiB against
# some 40 s/GiB in pure Python. Same results either way (tests/unit/core/test_checksums.py).
_fast_crc32: Callable[[bytes | memoryview, int], int]
try:
    from isal.isal_zlib import crc32 as _fast_crc32
except ImportError:  # pragma: no cover - depends on the installation
    _fast_crc32 = zlib.crc32
_fast_crc32c: Callable[[int, bytes], int] | None
try:
    from google_crc32c import extend as _fast_crc32c
except ImportError:  # pragma: no cover - depends on the installation
    _fast_crc32c = None
# The AWS Common Runtime's CRC64NVME: 0.04 s/GiB here, against some 65 s/GiB in pure Python.
_fast_crc64nvme: Callable[[bytes | memoryview, int], int] | None
try:
    from awscrt import checksums as _crt  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - depends on the installation
    _fast_crc64nvme = None
else:
    _fast_crc64nvme = _crt.crc64nvme

#: How uploads are verified: an ``x-amz-checksum-*`` header of one of S3's five algorithms, or
#: ``Content-MD5``.
Integrity = Literal["crc32", "crc32c", "crc64nvme", "sha1", "sha256", "md5"]
INTEGRITY_MODES: tuple[Integrity, ...] = ("crc32", "crc32c", "crc64nvme", "sha1", "sha256", "md5")
#: The checksum algorithms S3 stores (``x-amz-checksum-<name>``), by their S3 names.
CHECKSUM_ALGORITHMS: tuple[str, ...] = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
#: The algorithms whose checksum of a whole multipart object S3 can keep (FULL_OBJECT): CRCs
#: combine; a SHA of parts is only a checksum of their checksums (COMPOSITE).
FULL_OBJECT_ALGORITHMS: tuple[str, ...] = ("crc32", "crc32c", "crc64nvme")


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


def _slicing_tables(poly: int) -> tuple[tuple[int, ...], ...]:
    """Eight tables for slicing-by-8: table ``k`` is the CRC of a byte followed by ``k`` zero
    bytes, so eight bytes are folded in with eight lookups and one Python loop step."""
    base = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        base.append(c)
    tables = [base]
    for _ in range(7):
        prev = tables[-1]
        tables.append([(v >> 8) ^ base[v & 0xFF] for v in prev])
    return tuple(tuple(t) for t in tables)


_CRC32C_TABLES = _slicing_tables(CRC32C.poly)
_CRC64NVME_TABLES = _slicing_tables(CRC64NVME.poly)


def _words(data: bytes | memoryview) -> tuple[Iterator[tuple[int, ...]], bytes]:
    """The bytes of ``data`` eight at a time (as eight-tuples) and the bytes left over."""
    cut = len(data) - len(data) % 8
    words = bytes(data[:cut])
    return zip(*(words[i::8] for i in range(8)), strict=True), bytes(data[cut:])


def _bytewise(crc: int, tail: bytes, table: tuple[int, ...]) -> int:
    for byte in tail:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def crc32(data: bytes | memoryview, value: int = 0) -> int:
    """CRC-32 (zlib's), continuing from ``value``: ISA-L's when ``isal`` is installed."""
    return _fast_crc32(data, value)


def crc32c(data: bytes | memoryview, value: int = 0) -> int:
    """CRC-32C (Castagnoli), continuing from ``value``: google-crc32c's when installed, else
    :func:`crc32c_python`."""
    if _fast_crc32c is not None:
        return _fast_crc32c(value, data if isinstance(data, bytes) else bytes(data))
    return crc32c_python(data, value)


def crc32c_python(data: bytes | memoryview, value: int = 0) -> int:
    """CRC-32C in pure Python (table-driven, slicing-by-8, about 25 MB/s): zlib has none, and the
    native one is an optional extra."""
    t0, t1, t2, t3, t4, t5, t6, t7 = _CRC32C_TABLES
    crc = value ^ 0xFFFFFFFF
    words, tail = _words(data)
    for a, b, c, d, e, f, g, h in words:
        crc = (
            t7[(crc ^ a) & 0xFF]
            ^ t6[((crc >> 8) ^ b) & 0xFF]
            ^ t5[((crc >> 16) ^ c) & 0xFF]
            ^ t4[(crc >> 24) ^ d]
            ^ t3[e]
            ^ t2[f]
            ^ t1[g]
            ^ t0[h]
        )
    return _bytewise(crc, tail, t0) ^ 0xFFFFFFFF


def crc64nvme(data: bytes | memoryview, value: int = 0) -> int:
    """CRC-64/NVME, continuing from ``value``: the AWS Common Runtime's when ``awscrt`` is
    installed, else :func:`crc64nvme_python`."""
    if _fast_crc64nvme is not None:
        return _fast_crc64nvme(data, value)
    return crc64nvme_python(data, value)


def crc64nvme_python(data: bytes | memoryview, value: int = 0) -> int:
    """CRC-64/NVME in pure Python (slicing-by-8, about 15 MB/s)."""
    t0, t1, t2, t3, t4, t5, t6, t7 = _CRC64NVME_TABLES
    crc = value ^ 0xFFFFFFFFFFFFFFFF
    words, tail = _words(data)
    for a, b, c, d, e, f, g, h in words:
        crc = (
            t7[(crc ^ a) & 0xFF]
            ^ t6[((crc >> 8) ^ b) & 0xFF]
            ^ t5[((crc >> 16) ^ c) & 0xFF]
            ^ t4[((crc >> 24) ^ d) & 0xFF]
            ^ t3[((crc >> 32) ^ e) & 0xFF]
            ^ t2[((crc >> 40) ^ f) & 0xFF]
            ^ t1[((crc >> 48) ^ g) & 0xFF]
            ^ t0[(crc >> 56) ^ h]
        )
    return _bytewise(crc, tail, t0) ^ 0xFFFFFFFFFFFFFFFF


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def crc32_b64(data: bytes | memoryview) -> str:
    """``x-amz-checksum-crc32`` value."""
    return _b64(crc32(data).to_bytes(4, "big"))


def crc32c_b64(data: bytes | memoryview) -> str:
    """``x-amz-checksum-crc32c`` value."""
    return _b64(crc32c(data).to_bytes(4, "big"))


def crc64nvme_b64(data: bytes | memoryview) -> str:
    """``x-amz-checksum-crc64nvme`` value."""
    return _b64(crc64nvme(data).to_bytes(8, "big"))


def sha1_b64(data: bytes | memoryview) -> str:
    """``x-amz-checksum-sha1`` value."""
    return _b64(hashlib.sha1(data).digest())


def sha256_b64(data: bytes) -> str:
    """``x-amz-checksum-sha256`` value."""
    return _b64(hashlib.sha256(data).digest())


def check_checksum(name: object, what: str = "checksum") -> Integrity:
    """The integrity mode of an S3 checksum algorithm's name (``"CRC32C"`` is ``"crc32c"``;
    any case).

    Raises:
        TypeError: not a str.
        InvalidArgument: not one of :data:`CHECKSUM_ALGORITHMS`.
    """
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, not {type(name).__name__}")
    if not name.isascii() or name.upper() not in CHECKSUM_ALGORITHMS:
        raise InvalidArgument(f"{what} must be one of {', '.join(CHECKSUM_ALGORITHMS)}: {name!r}")
    mode: Integrity = name.lower()  # type: ignore[assignment]
    return mode


def checksum_b64(algorithm: str, data: bytes | memoryview) -> str:
    """The ``x-amz-checksum-<algorithm>`` value of ``data`` (``algorithm`` in lower case)."""
    return _b64(checksum_digest(algorithm, data))


def checksum_digest(algorithm: str, data: bytes | memoryview) -> bytes:
    """The raw checksum of ``data`` by ``algorithm`` (a lower-case S3 name)."""
    digest = _hasher(algorithm)
    digest.update(data)
    return digest.digest()


def composite_b64(algorithm: str, part_checksums: Iterable[str]) -> str:
    """S3's COMPOSITE checksum of a multipart object: the checksum of the parts' raw checksums,
    concatenated, with ``-<count>`` after it."""
    raw = [base64.b64decode(value) for value in part_checksums]
    return f"{checksum_b64(algorithm, b''.join(raw))}-{len(raw)}"


def md5_b64(data: bytes) -> str:
    """``Content-MD5`` value."""
    return _b64(hashlib.md5(data).digest())


def is_md5_etag(etag: str) -> bool:
    """Whether an (unquoted) ETag is an MD5 of the data: 32 hex digits, as S3 gives a single PUT
    without server-side encryption."""
    return len(etag) == 32 and _HEX32.fullmatch(etag) is not None


def multipart_etag(part_etags: list[str]) -> str | None:
    """The ETag S3 gives a multipart object: MD5 of the parts' MD5s, ``-`` and the count
    (``None`` when a part's ETag is not an MD5)."""
    if not all(is_md5_etag(e) for e in part_etags):
        return None
    digest = hashlib.md5(b"".join(bytes.fromhex(e) for e in part_etags)).hexdigest()
    return f"{digest}-{len(part_etags)}"


#: The whole-object digests a download can be checked against, in the order they are preferred
#: (roughly cheapest first; SHA-256 beats MD5 where the CPU has SHA instructions): CRC32 and
#: hashlib's digests run in C; CRC32C and CRC64NVME in pure Python (about 15-25 MB/s) unless
#: google-crc32c and awscrt are installed (``aiominio[speedups]``).
VERIFY_ORDER: tuple[str, ...] = (
    "crc32",
    *(["crc32c"] if _fast_crc32c is not None else []),
    *(["crc64nvme"] if _fast_crc64nvme is not None else []),
    "sha1",
    "md5",
    "sha256",
    *(["crc32c"] if _fast_crc32c is None else []),
    *(["crc64nvme"] if _fast_crc64nvme is None else []),
)
_CHECKSUM_HEADERS = ("crc32", "crc32c", "crc64nvme", "sha1", "sha256")
_KMS = ("aws:kms", "aws:kms:dsse")


class _Digest(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...
    def digest(self) -> bytes: ...


class _Crc:
    """A CRC with the ``update``/``digest`` shape of a hashlib object."""

    def __init__(self, fn: Callable[[bytes | memoryview, int], int], size: int) -> None:
        self._fn = fn
        self._size = size
        self._value = 0

    def update(self, data: bytes | memoryview) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


#: The CRCs S3 stores, by their header name: the polynomial and the function computing it.
_CRCS: dict[str, tuple[Crc, Callable[[bytes | memoryview, int], int]]] = {
    "crc32": (CRC32, crc32),
    "crc32c": (CRC32C, crc32c),
    "crc64nvme": (CRC64NVME, crc64nvme),
}


def crc_of(algorithm: str) -> Crc | None:
    """The CRC named ``algorithm`` (lower case), or ``None`` for a digest (SHA-1, SHA-256)."""
    found = _CRCS.get(algorithm)
    return found[0] if found is not None else None


def _hasher(algorithm: str) -> _Digest:
    if algorithm in _CRCS:
        crc, fn = _CRCS[algorithm]
        return _Crc(fn, crc.width // 8)
    return hashlib.new(algorithm, usedforsecurity=False)


class BodyCheck:
    """A body checked as it streams against the digest the server stored for the object.

    Feed every byte of the body to :meth:`update`, in order; then :attr:`ok` says whether it
    matched. ``algorithm`` is the checksum's name (``md5`` is the ETag's).
    """

    def __init__(self, algorithm: str, expected: str) -> None:
        self.algorithm = algorithm
        self.expected = expected
        self._hash = _hasher(algorithm)

    def update(self, data: bytes | memoryview) -> None:
        self._hash.update(data)

    @property
    def actual(self) -> str:
        """The digest of the bytes seen so far, in the form ``expected`` has."""
        raw = self._hash.digest()
        return raw.hex() if self.algorithm == "md5" else _b64(raw)

    @property
    def ok(self) -> bool:
        return self.actual == self.expected

    def mismatch(self, what: str) -> str:
        """A message for a body that did not match."""
        return (
            f"{what}: the body has {self.algorithm} {self.actual}, "
            f"the server stored {self.expected}; the data was corrupted in transit"
        )


class RangeCrcs:
    """A whole-object CRC checked from its ranges: the CRC of each range, taken as it arrives
    in any order, combined in offset order (:func:`crc_combine`) once all are there; for a
    download in ranges, which then need not read its file back. ``None`` from :func:`of` for a
    digest that does not combine (MD5, SHA).
    """

    def __init__(self, check: BodyCheck, crc: Crc, fn: Callable[[bytes | memoryview, int], int]):
        self.check = check
        self._crc = crc
        self.fn = fn
        self._ranges: dict[int, tuple[int, int]] = {}  # offset -> (length, crc)
        self.actual: str | None = None

    @classmethod
    def of(cls, check: BodyCheck | None) -> RangeCrcs | None:
        if check is None or check.algorithm not in _CRCS:
            return None
        return cls(check, *_CRCS[check.algorithm])

    def add(self, offset: int, length: int, value: int) -> None:
        """The CRC ``value`` of the ``length`` bytes at ``offset``."""
        self._ranges[offset] = (length, value)

    def verdict(self, size: int) -> bool | None:
        """Whether the ranges, which must cover ``[0, size)`` end to end, give the stored CRC;
        ``None`` when they do not cover it (some came from an earlier call)."""
        total, at = 0, 0
        for offset in sorted(self._ranges):
            length, value = self._ranges[offset]
            if offset != at:
                return None
            total = crc_combine(self._crc, total, value, length)
            at += length
        if at != size:
            return None
        self.actual = _b64(total.to_bytes(self._crc.width // 8, "big"))
        return self.actual == self.check.expected

    def mismatch(self, what: str) -> str:
        """A message for ranges that did not give the stored CRC."""
        return (
            f"{what}: the ranges give {self.check.algorithm} {self.actual}, "
            f"the server stored {self.check.expected}; the data was corrupted in transit"
        )


def body_check(headers: Mapping[str, str]) -> BodyCheck | None:
    """How the whole body of an object's answer (lower-cased headers) can be verified: the
    cheapest of the whole-object checksums it carries and an MD5 ETag, or ``None``.

    A composite checksum (``x-amz-checksum-type: COMPOSITE``, or a value ending in ``-N``) is a
    checksum of the parts' checksums, not of the body, and is not used; so is the checksum of a
    multipart object (an ``-N`` ETag) not marked ``FULL_OBJECT`` (moto's HEAD gives the composite
    value bare). Neither is the ETag of an object encrypted with SSE-KMS or SSE-C, which is no
    MD5 of the data.
    """
    found: dict[str, str] = {}
    if not _composite(headers):
        for name in _CHECKSUM_HEADERS:
            value = headers.get(f"x-amz-checksum-{name}", "").strip()
            if value and "-" not in value:
                found[name] = value
    etag = headers.get("etag", "").strip().strip('"')
    if is_md5_etag(etag) and not _etag_encrypted(headers):
        found["md5"] = etag.lower()
    for name in VERIFY_ORDER:
        if name in found:
            return BodyCheck(name, found[name])
    return None


def multipart_etag_count(headers: Mapping[str, str]) -> int | None:
    """The part count ``N`` of an ``<md5>-N`` ETag that is the MD5 of the parts' MD5s (so can be
    recomputed from the data and the part sizes), or ``None`` (another ETag, or SSE-KMS/SSE-C,
    whose part ETags are no MD5s)."""
    digest, dash, count = headers.get("etag", "").strip().strip('"').partition("-")
    if not dash or not count.isdigit() or int(count) < 1 or not is_md5_etag(digest):
        return None
    return None if _etag_encrypted(headers) else int(count)


def _composite(headers: Mapping[str, str]) -> bool:
    kind = headers.get("x-amz-checksum-type", "").upper()
    multipart = "-" in headers.get("etag", "")
    return kind == "COMPOSITE" or (multipart and kind != "FULL_OBJECT")


def _etag_encrypted(headers: Mapping[str, str]) -> bool:
    """Whether the object is encrypted in a way that makes its ETag no MD5 of the data."""
    return (
        headers.get("x-amz-server-side-encryption", "").lower() in _KMS
        or "x-amz-server-side-encryption-customer-algorithm" in headers
    )

"""The checksums of aiominio's core: the pure-Python CRCs against their check values and the
published vectors, which digest an answer's headers let a download be checked against, and CRC
combination (the checksum of a whole object from its parts' checksums, without the data)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import checksums
from aiominio.core import checksums as c
from aiominio.core.checksums import (
    CRC32,
    CRC32C,
    CRC64NVME,
    Crc,
    body_check,
    combine_b64,
    crc_combine,
)
from aiominio.errors import InvalidArgument

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
    assert checksums._fast_crc64nvme is not None


@given(st.binary(max_size=3000), st.integers(0, 0xFFFFFFFF), st.integers(0, 40))
def test_native_and_fallback_crcs_agree(data: bytes, start: int, cut: int) -> None:
    view = memoryview(data)[cut:]
    assert checksums.crc32(data, start) == zlib.crc32(data, start)
    assert checksums.crc32(view, start) == zlib.crc32(view, start)
    assert checksums.crc32c(data, start) == checksums.crc32c_python(data, start)
    assert checksums.crc32c(view, start) == checksums.crc32c_python(view, start)
    assert checksums.crc64nvme(data, start << 32) == checksums.crc64nvme_python(data, start << 32)
    assert checksums.crc64nvme(view, start) == checksums.crc64nvme_python(view, start)


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


# The "check" values of the CRC catalogue (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME).
CRC32_CHECK = 0xCBF43926


CRC32C_CHECK = 0xE3069283


CRC64NVME_CHECK = 0xAE8B14860A799888


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_crc_parameters() -> None:
    assert (c.CRC32.name, c.CRC32.width, c.CRC32.mask) == ("CRC32", 32, 0xFFFFFFFF)
    assert (c.CRC32C.name, c.CRC32C.mask) == ("CRC32C", 0xFFFFFFFF)
    assert (c.CRC64NVME.name, c.CRC64NVME.width) == ("CRC64NVME", 64)
    assert c.CRC64NVME.mask == 0xFFFFFFFFFFFFFFFF
    assert c.INTEGRITY_MODES == ("crc32", "crc32c", "crc64nvme", "sha1", "sha256", "md5")


def test_check_values_in_base64() -> None:
    assert c.crc32_b64(CHECK) == b64(CRC32_CHECK.to_bytes(4, "big")) == "y/Q5Jg=="
    assert c.crc32c_b64(CHECK) == b64(CRC32C_CHECK.to_bytes(4, "big")) == "4waSgw=="
    assert c.crc64nvme_b64(CHECK) == b64(CRC64NVME_CHECK.to_bytes(8, "big"))
    assert c.crc64nvme(CHECK) == CRC64NVME_CHECK
    assert c.crc32c_python(CHECK) == CRC32C_CHECK
    # RFC 3174 and FIPS 180-2 "abc", RFC 1321 "abc".
    assert c.sha1_b64(b"abc") == b64(bytes.fromhex("a9993e364706816aba3e25717850c26c9cd0d89d"))
    assert c.sha256_b64(b"abc") == b64(
        bytes.fromhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    )
    assert c.md5_b64(b"abc") == b64(bytes.fromhex("900150983cd24fb0d6963f7d28e17f72"))


def test_small_values_keep_their_leading_zero_bytes() -> None:
    # The CRC of no bytes is 0: the base64 keeps every (zero) byte of the width.
    assert c.crc32_b64(b"") == "AAAAAA=="
    assert c.crc32c_b64(b"") == "AAAAAA=="
    assert c.crc64nvme_b64(b"") == "AAAAAAAAAAA="


def test_crcs_continue_from_a_value() -> None:
    for fn in (c.crc32, c.crc32c, c.crc32c_python, c.crc64nvme, c.crc64nvme_python):
        assert fn(CHECK[4:], fn(CHECK[:4])) == fn(CHECK)
        assert fn(memoryview(CHECK)) == fn(CHECK)
    # Seventeen bytes: two eight-byte words and a byte left over.
    long = CHECK * 2
    for fn in (c.crc32c_python, c.crc64nvme, c.crc64nvme_python):
        assert fn(long[9:], fn(long[:9])) == fn(long)
        assert fn(long[3:], fn(long[:3])) == fn(long)


def test_crc32c_python_against_a_bitwise_reference() -> None:
    def bitwise(data: bytes, poly: int, mask: int) -> int:
        crc = mask
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        return crc ^ mask

    data = bytes(range(256)) * 2 + b"tail!"
    assert c.crc32c_python(data) == bitwise(data, 0x82F63B78, 0xFFFFFFFF)
    assert c.crc64nvme_python(data) == bitwise(data, 0x9A6C9329AC4BC9B5, 0xFFFFFFFFFFFFFFFF)
    assert c.crc64nvme(data) == bitwise(data, 0x9A6C9329AC4BC9B5, 0xFFFFFFFFFFFFFFFF)


def test_combine_of_known_halves() -> None:
    a, b = CHECK[:5], CHECK[5:]
    for crc, fn in ((c.CRC32, c.crc32), (c.CRC32C, c.crc32c_python), (c.CRC64NVME, c.crc64nvme)):
        assert c.crc_combine(crc, fn(a), fn(b), len(b)) == fn(CHECK)
        assert c.crc_combine(crc, 0, fn(CHECK), len(CHECK)) == fn(CHECK)


def test_combine_b64_of_parts() -> None:
    parts = [(c.crc32_b64(CHECK[:3]), 3), (c.crc32_b64(CHECK[3:]), 6)]
    assert c.combine_b64(c.CRC32, parts) == "y/Q5Jg=="
    parts64 = [(c.crc64nvme_b64(CHECK[:8]), 8), (c.crc64nvme_b64(CHECK[8:]), 1)]
    assert c.combine_b64(c.CRC64NVME, parts64) == c.crc64nvme_b64(CHECK)
    assert c.combine_b64(c.CRC32, []) == "AAAAAA=="


def test_combine_length_bounds_exact() -> None:
    assert c.crc_combine(c.CRC32, 0, 0, (1 << 64) - 1) == 0
    with pytest.raises(ValueError, match=r"^length out of range: -1$"):
        c.crc_combine(c.CRC32, 0, 0, -1)
    with pytest.raises(ValueError, match=rf"^length out of range: {1 << 64}$"):
        c.crc_combine(c.CRC32, 0, 0, 1 << 64)


@pytest.mark.parametrize(
    ("etag", "md5"),
    [
        ("900150983cd24fb0d6963f7d28e17f72", True),
        ("900150983CD24FB0D6963F7D28E17F72", True),
        ("900150983cd24fb0d6963f7d28e17f7", False),
        ("900150983cd24fb0d6963f7d28e17f72a", False),
        ("900150983cd24fb0d6963f7d28e17f7g", False),
        ("900150983cd24fb0d6963f7d28e17f72-1", False),
        ("", False),
    ],
)
def test_is_md5_etag(etag: str, md5: bool) -> None:
    assert c.is_md5_etag(etag) is md5


def test_multipart_etag() -> None:
    one = "900150983cd24fb0d6963f7d28e17f72"  # MD5("abc")
    two = "e2fc714c4727ee9395f324cd2e7f331f"  # MD5("abcd")
    raw = bytes.fromhex(one) + bytes.fromhex(two)
    assert c.multipart_etag([one, two]) == hashlib.md5(raw).hexdigest() + "-2"
    assert c.multipart_etag([one]) == hashlib.md5(bytes.fromhex(one)).hexdigest() + "-1"
    assert c.multipart_etag([one, "x"]) is None
    assert c.multipart_etag([one + "-1"]) is None


@pytest.mark.skipif(
    c._fast_crc32c is None or c._fast_crc64nvme is None,
    reason="google-crc32c or awscrt (aiominio[speedups]) is not installed",
)
def test_verify_order_with_the_speedups() -> None:
    assert c.VERIFY_ORDER == ("crc32", "crc32c", "crc64nvme", "sha1", "md5", "sha256")


ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("crc32", c.crc32_b64(b"abc")),
        ("crc32c", c.crc32c_b64(b"abc")),
        ("crc64nvme", c.crc64nvme_b64(b"abc")),
        ("sha1", c.sha1_b64(b"abc")),
        ("sha256", c.sha256_b64(b"abc")),
    ],
)
def test_each_checksum_header_is_read(name: str, value: str) -> None:
    check = c.body_check({f"x-amz-checksum-{name}": f"  {value} "})
    assert check is not None
    assert (check.algorithm, check.expected) == (name, value)
    check.update(b"a")
    check.update(memoryview(b"bc"))
    assert check.actual == value
    assert check.ok is True
    check.update(b"!")
    assert check.ok is False


def test_the_order_of_preference() -> None:
    all_five = {f"x-amz-checksum-{n}": "AAAA" for n in ("crc32", "crc32c", "crc64nvme", "sha1")}
    all_five["x-amz-checksum-sha256"] = "AAAA"
    all_five["etag"] = ABC_MD5
    order = []
    while (check := c.body_check(all_five)) is not None:
        order.append(check.algorithm)
        if check.algorithm == "md5":
            del all_five["etag"]
        else:
            del all_five[f"x-amz-checksum-{check.algorithm}"]
    assert order == ["crc32", "crc32c", "crc64nvme", "sha1", "md5", "sha256"]


def test_the_md5_etag_check() -> None:
    check = c.body_check({"etag": f' "{ABC_MD5.upper()}" '})
    assert check is not None
    assert (check.algorithm, check.expected) == ("md5", ABC_MD5)
    check.update(b"abc")
    assert check.actual == ABC_MD5
    assert check.ok


def test_mismatch_message() -> None:
    check = c.BodyCheck("crc32", "AAAAAA==")
    check.update(b"abc")
    assert check.mismatch("GET b/k") == (
        f"GET b/k: the body has crc32 {c.crc32_b64(b'abc')}, "
        "the server stored AAAAAA==; the data was corrupted in transit"
    )
    md5 = c.BodyCheck("md5", "0" * 32)
    assert md5.actual == "d41d8cd98f00b204e9800998ecf8427e"  # MD5 of nothing, in hex


def test_what_is_not_used() -> None:
    crc = c.crc32_b64(b"abc")
    assert c.body_check({"x-amz-checksum-crc32": "   "}) is None
    assert c.body_check({"x-amz-checksum-crc32": crc, "x-amz-checksum-type": "composite"}) is None
    assert c.body_check({"x-amz-checksum-crc32": crc + "-2"}) is None
    assert c.body_check({"etag": ABC_MD5, "x-amz-server-side-encryption": "AWS:KMS"}) is None
    assert c.body_check({"etag": ABC_MD5, "x-amz-server-side-encryption": "aws:kms:dsse"}) is None
    kept = c.body_check({"etag": ABC_MD5, "x-amz-server-side-encryption": "AES256"})
    assert kept is not None and kept.algorithm == "md5"
    typed = c.body_check(
        {"x-amz-checksum-crc32": crc, "etag": ABC_MD5 + "-2", "x-amz-checksum-type": "full_object"}
    )
    assert typed is not None and typed.algorithm == "crc32"
    plain = c.body_check({"x-amz-checksum-crc32": crc, "x-amz-checksum-type": "FULL_OBJECT"})
    assert plain is not None and plain.algorithm == "crc32"


@pytest.mark.parametrize(
    ("etag", "count"),
    [
        (f'"{ABC_MD5}-3"', 3),
        (f" {ABC_MD5}-10000 ", 10000),
        (f"{ABC_MD5}-1", 1),
        (f"{ABC_MD5}-0", None),
        (f"{ABC_MD5}-", None),
        (f"{ABC_MD5}-x", None),
        (f"{ABC_MD5}", None),
        (f"{ABC_MD5[:-1]}-2", None),
        ("", None),
    ],
)
def test_multipart_etag_count(etag: str, count: int | None) -> None:
    assert c.multipart_etag_count({"etag": etag}) == count


def test_multipart_etag_count_of_encrypted_objects() -> None:
    etag = f"{ABC_MD5}-2"
    assert c.multipart_etag_count({"etag": etag, "x-amz-server-side-encryption": "aws:kms"}) is None
    assert (
        c.multipart_etag_count(
            {"etag": etag, "x-amz-server-side-encryption-customer-algorithm": "AES256"}
        )
        is None
    )
    assert c.multipart_etag_count({"etag": etag, "x-amz-server-side-encryption": "AES256"}) == 2
    assert c.multipart_etag_count({}) is None


def test_slicing_tables_against_a_bitwise_reference() -> None:
    # Table k, entry n: the CRC register (no start or final XOR) after the byte n and then k
    # zero bytes, computed here bit by bit.
    def register(data: bytes, poly: int) -> int:
        crc = 0
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        return crc

    for poly in (c.CRC32C.poly, c.CRC64NVME.poly, c.CRC32.poly):
        tables = c._slicing_tables(poly)
        assert type(tables) is tuple and len(tables) == 8
        assert all(type(t) is tuple and len(t) == 256 for t in tables)
        for k, table in enumerate(tables):
            for n in (0, 1, 2, 0x80, 0xA5, 0xFE, 0xFF):
                assert table[n] == register(bytes([n]) + bytes(k), poly), (hex(poly), k, n)


def test_crc32c_without_the_speedup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(c, "_fast_crc32c", None)
    assert c.crc32c(CHECK) == CRC32C_CHECK
    assert c.crc32c(memoryview(CHECK[4:]), c.crc32c(CHECK[:4])) == CRC32C_CHECK
    assert c.crc32c_b64(CHECK) == "4waSgw=="


def test_only_quotes_are_taken_off_an_etag() -> None:
    # Anything else around the 32 hex digits makes the ETag no MD5.
    for etag in (f"X{ABC_MD5}", f"{ABC_MD5}X", f"'{ABC_MD5}'"):
        assert c.body_check({"etag": etag}) is None
        assert c.multipart_etag_count({"etag": f"{etag}-2"}) is None
        assert c.multipart_etag_count({"etag": f"X{ABC_MD5}-2X"}) is None


# -- a whole-object CRC from the CRCs of ranges ------------------------------------------------


@given(st.binary(min_size=1, max_size=3000), st.lists(st.integers(1, 3000), max_size=6))
def test_ranges_taken_in_any_order_give_the_whole_crc(data: bytes, cuts: list[int]) -> None:
    bounds = sorted({0, len(data), *(c % len(data) for c in cuts)})
    spans = list(itertools.pairwise(bounds))
    for name, fn in (
        ("crc32", checksums.crc32),
        ("crc32c", checksums.crc32c),
        ("crc64nvme", checksums.crc64nvme),
    ):
        width = 8 if name == "crc64nvme" else 4
        expected = base64.b64encode(fn(data).to_bytes(width, "big")).decode()
        crcs = checksums.RangeCrcs.of(checksums.BodyCheck(name, expected))
        assert crcs is not None
        for start, stop in reversed(spans):  # arrival order is not offset order
            crcs.add(start, stop - start, crcs.fn(data[start:stop], 0))
        assert crcs.verdict(len(data)) is True


def test_ranges_that_leave_a_gap_decide_nothing_and_a_wrong_one_fails() -> None:
    data = bytes(range(256)) * 10
    expected = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    crcs = checksums.RangeCrcs.of(checksums.BodyCheck("crc32", expected))
    assert crcs is not None
    crcs.add(0, 1000, zlib.crc32(data[:1000]))
    assert crcs.verdict(len(data)) is None  # [1000, 2560) was not seen (an earlier call's)
    crcs.add(1000, 1560, zlib.crc32(data[1000:1559] + b"\x00"))
    assert crcs.verdict(len(data)) is False
    assert "corrupted" in crcs.mismatch("bkt/k")


def test_digests_that_do_not_combine_have_no_range_check() -> None:
    assert checksums.RangeCrcs.of(checksums.BodyCheck("md5", "0" * 32)) is None
    assert checksums.RangeCrcs.of(checksums.BodyCheck("sha256", "x")) is None
    assert checksums.RangeCrcs.of(None) is None


def test_checksum_names_are_checked_and_computed() -> None:
    assert [c.check_checksum(n) for n in ("CRC32", "crc32c", "Crc64Nvme", "SHA1", "sha256")] == [
        "crc32",
        "crc32c",
        "crc64nvme",
        "sha1",
        "sha256",
    ]
    for bad in ("", "MD5", "crc16", "sha-256", "\u017fha1"):  # "ſha1".upper() == "SHA1"
        with pytest.raises(InvalidArgument, match="checksum must be one of"):
            c.check_checksum(bad)
    with pytest.raises(TypeError):
        c.check_checksum(None)
    assert c.checksum_b64("crc64nvme", CHECK) == c.crc64nvme_b64(CHECK)
    assert c.checksum_b64("sha256", b"abc") == c.sha256_b64(b"abc")


def test_a_composite_checksum_is_the_checksum_of_the_parts_checksums() -> None:
    one, two = hashlib.sha256(b"part one").digest(), hashlib.sha256(b"part two").digest()
    values = [base64.b64encode(d).decode() for d in (one, two)]
    expected = base64.b64encode(hashlib.sha256(one + two).digest()).decode() + "-2"
    assert c.composite_b64("sha256", values) == expected
    crcs = [c.crc32_b64(b"a"), c.crc32_b64(b"b")]
    raw = b"".join(base64.b64decode(v) for v in crcs)
    assert c.composite_b64("crc32", crcs) == c.crc32_b64(raw) + "-2"

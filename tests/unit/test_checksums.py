"""CRC combination: the checksum of a whole object from its parts' checksums, without the data.

The reference CRC32 is zlib's; CRC32C and CRC64NVME are checked against their published check
values ("123456789") first, then used as references for the combination."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import checksums
from aiominio.core.checksums import CRC32, CRC32C, CRC64NVME, Crc, combine_b64, crc_combine

CHECK = b"123456789"


def test_published_check_values() -> None:
    assert checksums.crc_update(CRC32, CHECK) == 0xCBF43926 == zlib.crc32(CHECK)
    assert checksums.crc32c(CHECK) == 0xE3069283
    assert checksums.crc64nvme(CHECK) == 0xAE8B14860A799888


def reference(crc: Crc, data: bytes) -> int:
    return zlib.crc32(data) if crc is CRC32 else checksums.crc_update(crc, data)


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

"""The checksum an upload sends and the check of the server's answer, without a server. The
expected checksums are computed here with zlib and hashlib, not with aiominio's helpers."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest

import aiominio
from aiominio.transfer.integrity import checksum_headers

PAYLOAD = b"payload"
CRC32 = base64.b64encode(zlib.crc32(PAYLOAD).to_bytes(4, "big")).decode()
MD5 = hashlib.md5(PAYLOAD)


async def test_crc32_is_sent_and_the_echo_checked() -> None:
    headers, check, value = await checksum_headers(PAYLOAD, "crc32")
    assert headers == {"x-amz-checksum-crc32": CRC32}
    assert value == CRC32
    check({"x-amz-checksum-crc32": CRC32}, "ok")
    check({}, "a server that does not echo it")
    with pytest.raises(aiominio.InvalidResponseError, match="CRC32"):
        check({"x-amz-checksum-crc32": "AAAAAA=="}, "corrupted")


async def test_md5_is_sent_and_the_etag_checked() -> None:
    headers, check, value = await checksum_headers(PAYLOAD, "md5")
    assert headers == {"Content-MD5": base64.b64encode(MD5.digest()).decode()}
    assert value is None
    check({"etag": f'"{MD5.hexdigest()}"'}, "ok")
    check({"etag": f'"{MD5.hexdigest().upper()}"'}, "ok, in capitals")
    check({"etag": '"0123456789abcdef0123456789abcdef-3"'}, "a multipart ETag is no MD5")
    with pytest.raises(aiominio.InvalidResponseError, match="ETag"):
        check({"etag": '"' + "0" * 32 + '"'}, "corrupted")

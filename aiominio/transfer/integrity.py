"""How the server verifies an uploaded body, and how its answer is checked in turn.

Hashing a large buffer runs in a worker thread so the event loop keeps serving other tasks
(hashlib and zlib release the GIL on large buffers, so two parts hash on two cores).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable

from aiominio.core import checksums
from aiominio.core.checksums import Integrity
from aiominio.core.headers import unquote_etag
from aiominio.errors import InvalidResponseError

_THREAD_HASH_MIN = 256 * 1024

#: Raises unless the answer's headers agree with the body sent; the str names the request.
AnswerCheck = Callable[[dict[str, str], str], None]


async def md5_digest(data: bytes | memoryview) -> bytes:
    """The MD5 of ``data`` (in a worker thread when large)."""
    if len(data) >= _THREAD_HASH_MIN:
        return await asyncio.to_thread(lambda: hashlib.md5(data).digest())
    return hashlib.md5(data).digest()


async def crc32_b64(data: bytes | memoryview) -> str:
    """The ``x-amz-checksum-crc32`` value of ``data`` (in a worker thread when large)."""
    if len(data) >= _THREAD_HASH_MIN:
        return await asyncio.to_thread(checksums.crc32_b64, data)
    return checksums.crc32_b64(data)


async def checksum_headers(
    data: bytes | memoryview, mode: Integrity
) -> tuple[dict[str, str], AnswerCheck, str | None]:
    """Headers that let the server verify the body, a check of its answer, and the CRC32.

    ``crc32`` sends ``x-amz-checksum-crc32`` (about seven times cheaper to compute than MD5; S3,
    MinIO and SeaweedFS reject a body that does not match with BadDigest) and checks the checksum
    the server echoes. ``md5`` sends ``Content-MD5`` (understood by every server) and checks the
    returned ETag against it.
    """
    small = len(data) < _THREAD_HASH_MIN  # hashed inline: cheaper than a thread or a coroutine
    if mode == "crc32":
        value = checksums.crc32_b64(data) if small else await crc32_b64(data)

        def check_crc(headers: dict[str, str], what: str) -> None:
            echoed = headers.get("x-amz-checksum-crc32")
            if echoed is not None and echoed != value:
                raise InvalidResponseError(f"{what}: server CRC32 {echoed}, expected {value}")

        return {"x-amz-checksum-crc32": value}, check_crc, value
    digest = hashlib.md5(data).digest() if small else await md5_digest(data)

    def check_md5(headers: dict[str, str], what: str) -> None:
        etag = unquote_etag(headers.get("etag", ""))
        if checksums.is_md5_etag(etag) and etag.lower() != digest.hex():
            raise InvalidResponseError(f"{what}: server ETag {etag}, expected {digest.hex()}")

    return {"Content-MD5": base64.b64encode(digest).decode()}, check_md5, None

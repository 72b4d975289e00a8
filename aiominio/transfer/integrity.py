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


async def checksum_b64(algorithm: str, data: bytes | memoryview) -> str:
    """The ``x-amz-checksum-<algorithm>`` value of ``data`` (in a worker thread when large)."""
    if len(data) >= _THREAD_HASH_MIN:
        return await asyncio.to_thread(checksums.checksum_b64, algorithm, data)
    return checksums.checksum_b64(algorithm, data)


async def checksum_headers(
    data: bytes | memoryview, mode: Integrity
) -> tuple[dict[str, str], AnswerCheck, str | None]:
    """Headers that let the server verify the body, a check of its answer, and the checksum
    sent (base64; ``None`` for ``md5``).

    ``crc32`` (the default), ``crc32c``, ``crc64nvme``, ``sha1`` and ``sha256`` send
    ``x-amz-checksum-<mode>`` (S3, MinIO and SeaweedFS reject a body that does not match with
    BadDigest) and check the checksum the server echoes. ``md5`` sends ``Content-MD5``
    (understood by every server) and checks the returned ETag against it.
    """
    small = len(data) < _THREAD_HASH_MIN  # hashed inline: cheaper than a thread or a coroutine
    if mode != "md5":
        value = checksums.checksum_b64(mode, data) if small else await checksum_b64(mode, data)
        header = f"x-amz-checksum-{mode}"

        def check_echo(headers: dict[str, str], what: str) -> None:
            echoed = headers.get(header)
            if echoed is not None and echoed != value:
                raise InvalidResponseError(
                    f"{what}: server {mode.upper()} {echoed}, expected {value}"
                )

        return {header: value}, check_echo, value
    digest = hashlib.md5(data).digest() if small else await md5_digest(data)

    def check_md5(headers: dict[str, str], what: str) -> None:
        etag = unquote_etag(headers.get("etag", ""))
        if checksums.is_md5_etag(etag) and etag.lower() != digest.hex():
            raise InvalidResponseError(f"{what}: server ETag {etag}, expected {digest.hex()}")

    return {"Content-MD5": base64.b64encode(digest).decode()}, check_md5, None

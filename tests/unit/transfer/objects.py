"""One object served through :class:`aiominio.testing.MockTransport` as S3 serves it (HEAD, GET
whole or in a Range, If-Match), with a hook to spoil any answer: the transfer tests' server."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport

DATE = "Mon, 07 Dec 2026 10:00:00 GMT"
Tamper = Callable[[MockRequest, MockResponse], MockResponse]


def crc32_b64(data: bytes) -> str:
    return base64.b64encode((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")).decode()


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def pattern(size: int, seed: int = 0) -> bytes:
    """``size`` bytes in which every range differs from the others (so a misplaced range shows)."""
    block = bytes((i * 7 + seed) % 251 for i in range(251))
    return (block * (size // len(block) + 1))[:size]


def error(status: int, code: str) -> MockResponse:
    return MockResponse(status, {}, f"<Error><Code>{code}</Code></Error>".encode())


def broken(response: MockResponse, at: int) -> MockResponse:
    """``response`` with its body breaking off after ``at`` bytes (a reset connection)."""
    assert isinstance(response.body, bytes)
    chunks: list[bytes | BaseException] = [
        response.body[:at],
        aiominio.ConnectionLostError("connection reset"),
    ]
    return MockResponse(response.status, response.headers, chunks)


def parse_range(value: str, size: int) -> tuple[int, int]:
    """``bytes=a-b`` / ``bytes=a-``: the first and last byte asked for."""
    first, _, last = value.removeprefix("bytes=").partition("-")
    return int(first), min(int(last), size - 1) if last else size - 1


class ObjectServer:
    """Serves ``data`` as ``bkt``/any key. ``etag`` defaults to the data's MD5 (a plain PUT's);
    ``checksum`` adds the CRC32 a server returns with ``x-amz-checksum-mode: ENABLED``.
    ``tamper(request, answer)`` may replace any answer; :meth:`replace` changes the object.
    """

    def __init__(
        self,
        data: bytes,
        *,
        etag: str | None = None,
        checksum: bool = True,
        version_id: str | None = None,
    ) -> None:
        self.tamper: Tamper | None = None
        self.version_id = version_id
        self.checksum = checksum
        self.replace(data, etag=etag)

    def replace(self, data: bytes, *, etag: str | None = None) -> None:
        self.data = data
        self.etag = etag or md5_hex(data)

    def transport(self, *, virtual_time: bool = True, max_connections: int = 64) -> MockTransport:
        return MockTransport(self, virtual_time=virtual_time, max_connections=max_connections)

    def __call__(self, request: MockRequest) -> MockResponse:
        answer = self.answer(request)
        return answer if self.tamper is None else self.tamper(request, answer)

    def headers(self, request: MockRequest) -> dict[str, str]:
        headers = {"ETag": f'"{self.etag}"', "Last-Modified": DATE}
        if self.version_id:
            headers["x-amz-version-id"] = self.version_id
        if self.checksum and request.header("x-amz-checksum-mode") == "ENABLED":
            headers["x-amz-checksum-crc32"] = crc32_b64(self.data)
        return headers

    def answer(self, request: MockRequest) -> MockResponse:
        if request.method not in ("GET", "HEAD"):
            raise AssertionError(f"unexpected {request.method} {request.url}")
        wanted = request.header("If-Match")
        if wanted is not None and wanted.strip('"') != self.etag:
            return error(412, "PreconditionFailed")
        size = len(self.data)
        headers = self.headers(request)
        if request.method == "HEAD":
            return MockResponse(200, {**headers, "Content-Length": str(size)})
        asked = request.header("Range")
        if asked is None:
            return MockResponse(200, {**headers, "Content-Length": str(size)}, self.data)
        first, last = parse_range(asked, size)
        if first >= size:
            return error(416, "InvalidRange")
        headers.pop("x-amz-checksum-crc32", None)  # a range has no checksum of its own
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        headers["Content-Length"] = str(last - first + 1)
        return MockResponse(206, headers, self.data[first : last + 1])


def client_for(
    transport: MockTransport, *, attempts: int = 3, budget: float | None = None
) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region="us-east-1",
        retry=aiominio.RetryPolicy(
            max_attempts=attempts, base_delay=0.01, max_delay=0.01, max_retry_time=budget
        ),
        transport=transport,
    )


def gets(transport: MockTransport) -> list[MockRequest]:
    return [r for r in transport.requests if r.method == "GET"]


def ranges(transport: MockTransport) -> list[str | None]:
    return [r.header("Range") for r in gets(transport)]

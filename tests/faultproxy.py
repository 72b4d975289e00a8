"""A fault-injecting HTTP proxy for tests (test code, not part of the library).

It sits between the client and a real S3 server on loopback and, one request per connection,
resets the connection while the request body is arriving or while the answer is going out, stalls,
truncates the answer's body, or answers 503 SlowDown / 500 InternalError itself. Every other
request is forwarded untouched.

Two faults corrupt data instead, and are opt-in (``faults=FAULTS + CORRUPTING``): ``flip`` flips
one byte of a PUT's body before forwarding it, or of the body of an object GET's answer;
``range_ignored`` answers a Range GET with the whole object, a 200, as a cache that does not do
ranges would (a Range is signed, so it cannot be dropped on the way: the whole answer is one the
proxy forwarded earlier for the same path, and a Range GET for a path not seen whole yet is
forwarded untouched).
``flip`` spares what no checksum covers, so no client could notice: XML answers (listings) and
closed ranges (``bytes=a-b``, whose bytes S3 keeps no digest of). Over plain HTTP those are
unprotected; TLS protects them in production.

Which request gets which fault is a pure function of the seed and the request's own identity
(method, key, the query's stable parameters, where its Range ends, and how many times the same
request was seen before), never of a shared random stream: the same seed replays the same faults
whatever order concurrent requests arrive in. The bucket name and upload ids are left out of the
identity, since tests draw them at random.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import struct
from collections import Counter
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

FAULTS = ("reset_request", "reset_response", "stall", "truncate", "slowdown", "internal")
CORRUPTING = ("flip", "range_ignored")

# Query parameters that differ between runs with the same seed (random upload ids, signatures).
_UNSTABLE_QUERY = ("uploadId", "X-Amz-")
# Query parameters of a GET that still answers with an object's body.
_BODY_QUERY = ("versionId", "partNumber")

_CANNED = {
    "slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "internal": (500, "InternalError", "We encountered an internal error. Please try again."),
}


class FaultProxy:
    def __init__(
        self,
        upstream_port: int,
        *,
        rate: float,
        seed: int,
        stall_seconds: float = 3.0,
        faults: tuple[str, ...] = FAULTS,
        only: Callable[[str], bool] | None = None,
        flip_ranges: bool = False,
    ) -> None:
        self.upstream_port = upstream_port
        self.rate = rate
        self.seed = seed
        self.stall_seconds = stall_seconds
        self.faults = faults
        self.only = only  # fault only requests whose request line this accepts
        # ``flip`` also corrupts closed ranges: only a check of the whole downloaded file
        # (fget_object's, after a parallel ranged download) can catch those.
        self.flip_ranges = flip_ranges
        self.requests = 0
        self.injected: Counter[str] = Counter()
        self.seen: Counter[str] = Counter()  # attempts per request identity
        self.fault_started = asyncio.Event()  # set when the first fault is being injected
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._whole: dict[str, bytes] = {}  # path -> the last 200 answer to a GET without Range
        self.port = 0

    async def __aenter__(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        # A handler cancelled before it first ran never reached its own cleanup.
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        task = asyncio.ensure_future(self._handle(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def identity(request_line: str, range_header: str = "") -> str:
        """What makes a request the same request in another run: not the bucket, not upload ids.

        Of a Range only its end counts: a resumed download asks for the rest from wherever the cut
        fell, which depends on timing, so the resume must count as another attempt of the same
        request, not as a new request.
        """
        method, _, rest = request_line.partition(" ")
        target = rest.rsplit(" ", 1)[0]
        parts = urlsplit(target)
        key = parts.path.lstrip("/").partition("/")[2]  # path-style: drop the bucket
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.startswith(_UNSTABLE_QUERY)
        ]
        range_end = range_header.rpartition("-")[2] if range_header else "none"
        return f"{method} {key}?{urlencode(sorted(query))} range-end={range_end}"

    def decide(self, identity: str, attempt: int) -> str | None:
        """The fault (or None) for the ``attempt``-th sighting of a request: a pure function."""
        digest = hashlib.sha256(f"{self.seed}|{identity}|{attempt}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        if draw >= self.rate:
            return None
        return self.faults[int.from_bytes(digest[8:16], "big") % len(self.faults)]

    def choose(self, request_line: str, range_header: str) -> str | None:
        """Count a request and pick its fault (or None)."""
        self.requests += 1
        if self.only is not None and not self.only(request_line):
            return None
        identity = self.identity(request_line, range_header)
        attempt = self.seen[identity]
        self.seen[identity] += 1
        fault = self.decide(identity, attempt)
        if fault is not None and not self.applies(fault, request_line, range_header):
            ranged_get = request_line.startswith("GET ") and bool(range_header)
            if not (fault == "flip" and self.flip_ranges and ranged_get):
                fault = None
        if fault == "range_ignored" and self._path(request_line) not in self._whole:
            fault = None
        if fault is not None:
            self.injected[fault] += 1
            self.fault_started.set()
        return fault

    @staticmethod
    def applies(fault: str, request_line: str, range_header: str) -> bool:
        """Whether a fault can be done to this request (see the module docstring)."""
        method, _, rest = request_line.partition(" ")
        if fault == "range_ignored":
            return method == "GET" and bool(range_header)
        if fault != "flip":
            return True
        if method == "PUT":
            return True
        parts = urlsplit(rest.rsplit(" ", 1)[0])
        has_key = bool(parts.path.lstrip("/").partition("/")[2])
        query = parse_qsl(parts.query, keep_blank_values=True)
        object_body = has_key and all(k in _BODY_QUERY or k.startswith("X-Amz-") for k, _ in query)
        return method == "GET" and object_body and not range_header.rpartition("-")[2]

    @staticmethod
    def _path(request_line: str) -> str:
        return urlsplit(request_line.split(" ")[1]).path

    @staticmethod
    def _flip(data: bytes, start: int = 0) -> bytes:
        """``data`` with one byte flipped, in the middle of what follows ``start``."""
        if len(data) <= start:
            return data
        at = start + (len(data) - start) // 2
        return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]

    @staticmethod
    def _reset(writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve_one(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        range_header = ""
        expect_continue = False
        lines = head.decode("latin-1").split("\r\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            if name.strip().lower() == "range":
                range_header = value.strip()
            if name.strip().lower() in ("connection", "keep-alive"):
                continue
            if name.strip().lower() == "expect" and value.strip().lower() == "100-continue":
                # botocore asks for it on uploads; the proxy reads the whole body before going
                # upstream, so it says "go on" itself (as a load balancer may).
                expect_continue = True
                continue
            kept.append(line)
        kept.append("Connection: close")
        fault = self.choose(lines[0], range_header)
        if expect_continue and length:
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        if fault == "reset_request":
            if length:
                await reader.readexactly(length // 2)
            self._reset(writer)
            return
        body = await reader.readexactly(length) if length else b""
        if fault == "flip" and lines[0].startswith("PUT"):
            body = self._flip(body)
        if fault == "range_ignored":
            writer.write(self._whole[self._path(lines[0])])
            await writer.drain()
            return
        if fault in _CANNED:
            status, code, message = _CANNED[fault]
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                f"<Message>{message}</Message><RequestId>proxy</RequestId></Error>"
            ).encode()
            writer.write(
                f"HTTP/1.1 {status} Fault\r\nContent-Type: application/xml\r\n"
                f"Content-Length: {len(xml)}\r\nConnection: close\r\n\r\n".encode()
                + (b"" if lines[0].startswith("HEAD") else xml)
            )
            await writer.drain()
            return
        if fault == "error200":
            # S3's worst habit: "200 OK" whose body is an error (CompleteMultipartUpload);
            # the request is not forwarded, as the server failed it.
            xml = (
                b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code>'
                b"<Message>We encountered an internal error.</Message></Error>"
            )
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                + f"Content-Length: {len(xml)}\r\nConnection: close\r\n\r\n".encode()
                + xml
            )
            await writer.drain()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            up_writer.write(("\r\n".join(kept) + "\r\n\r\n").encode("latin-1") + body)
            await up_writer.drain()
            answer = await up_reader.read()
        finally:
            up_writer.close()
            with contextlib.suppress(Exception):
                await up_writer.wait_closed()
        answer = self._force_close(answer)
        if lines[0].startswith("GET") and not range_header and answer[9:12] == b"200":
            self._whole[self._path(lines[0])] = answer
        if fault == "flip" and lines[0].startswith("GET") and answer[9:10] == b"2":
            answer = self._flip(answer, answer.find(b"\r\n\r\n") + 4)
        if fault == "stall":
            await asyncio.sleep(self.stall_seconds)
            self._reset(writer)
            return
        if fault == "reset_response":
            writer.write(answer[: max(1, len(answer) // 2)])
            await writer.drain()
            self._reset(writer)
            return
        if fault == "truncate":
            split = answer.find(b"\r\n\r\n") + 4
            body_len = len(answer) - split
            if body_len > 1:
                writer.write(answer[: split + body_len // 2])
            else:
                writer.write(answer[: max(1, split // 2)])
            await writer.drain()
            return
        writer.write(answer)
        await writer.drain()

    @staticmethod
    def _force_close(answer: bytes) -> bytes:
        split = answer.find(b"\r\n\r\n")
        if split < 0:
            return answer
        lines = answer[:split].decode("latin-1").split("\r\n")
        kept = [ln for ln in lines if ln.split(":", 1)[0].strip().lower() != "connection"]
        kept.append("Connection: close")
        return "\r\n".join(kept).encode("latin-1") + answer[split:]

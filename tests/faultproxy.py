"""A fault-injecting HTTP proxy for tests (test code, not part of the library).

It sits between the client and a real S3 server on loopback and, one request per connection, on
a seeded schedule: resets the connection while the request body is arriving or while the answer
is going out, stalls, truncates the answer's body, or answers 503 SlowDown / 500 InternalError
itself. Every other request is forwarded untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections import Counter
from collections.abc import Callable

FAULTS = ("reset_request", "reset_response", "stall", "truncate", "slowdown", "internal")

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
    ) -> None:
        self.upstream_port = upstream_port
        self.rate = rate
        self.seed = seed
        self.stall_seconds = stall_seconds
        self.faults = faults
        self.only = only  # fault only requests whose request line this accepts
        self._rng = random.Random(seed)
        self.requests = 0
        self.injected: Counter[str] = Counter()
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
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
        await self._server.wait_closed()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._handle(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _choose(self, request_line: str) -> str | None:
        self.requests += 1
        if self.only is not None and not self.only(request_line):
            return None
        if self._rng.random() < self.rate:
            fault = self._rng.choice(self.faults)
            self.injected[fault] += 1
            return fault
        return None

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
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        lines = head.decode("latin-1").split("\r\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            if name.strip().lower() in ("connection", "keep-alive"):
                continue
            kept.append(line)
        kept.append("Connection: close")
        fault = self._choose(lines[0])
        if fault == "reset_request":
            if length:
                await reader.readexactly(length // 2)
            self._reset(writer)
            return
        body = await reader.readexactly(length) if length else b""
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

"""A keep-alive HTTP proxy whose idle connections go stale (test code, not part of the library).

It keeps every client connection open after an answer (``Connection: keep-alive``), as a load
balancer does, and closes it at the worst moment: once a connection has served
``answers_per_connection`` answers, the first bytes of the next request on it make the proxy close
it, unanswered and unforwarded. That is the race a client loses behind a load balancer whose idle
timeout fires as a pooled connection is reused: the request was (partly) written, no byte of an
answer came back, and the server never saw it.

Each forwarded request goes upstream on a connection of its own (``Connection: close``); the
answer is read whole and sent back with a length the client can frame it by.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter


class StaleProxy:
    def __init__(self, upstream_port: int, *, answers_per_connection: int = 1) -> None:
        self.upstream_port = upstream_port
        self.answers_per_connection = answers_per_connection
        self.connections = 0
        self.answered: Counter[str] = Counter()  # by method
        self.closed_on_reuse: Counter[str] = Counter()  # by the method of the request cut off
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def __aenter__(self) -> StaleProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.ensure_future(self._handle(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            served = 0
            while True:
                first = await reader.read(65536)  # idle until the next request starts
                if not first:
                    return
                if served >= self.answers_per_connection:
                    self.closed_on_reuse[first.split(b" ", 1)[0].decode("latin-1")] += 1
                    return  # closed with the request unread: the client sees no answer
                await self._serve(first, reader, writer)
                served += 1
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(
        self, first: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        data = first
        while b"\r\n\r\n" not in data:
            more = await reader.read(65536)
            if not more:
                raise asyncio.IncompleteReadError(data, None)
            data += more
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method = lines[0].split(" ", 1)[0]
        length = 0
        kept = [lines[0]]
        for line in lines[1:]:
            name = line.partition(":")[0].strip().lower()
            if name == "content-length":
                length = int(line.partition(":")[2].strip())
            if name in ("connection", "keep-alive"):
                continue
            kept.append(line)
        kept.append("Connection: close")
        if len(body) < length:
            body += await reader.readexactly(length - len(body))
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            up_writer.write(("\r\n".join(kept) + "\r\n\r\n").encode("latin-1") + body)
            await up_writer.drain()
            answer = await up_reader.read()
        finally:
            up_writer.close()
            with contextlib.suppress(Exception):
                await up_writer.wait_closed()
        writer.write(self._keep_alive(answer, head_request=method == "HEAD"))
        await writer.drain()
        self.answered[method] += 1

    @staticmethod
    def _keep_alive(answer: bytes, *, head_request: bool) -> bytes:
        """The answer with ``Connection: keep-alive`` and a length to frame it by (an answer the
        server delimited by closing the connection gets a Content-Length)."""
        split = answer.find(b"\r\n\r\n")
        lines = answer[:split].decode("latin-1").split("\r\n")
        body = answer[split + 4 :]
        names = {ln.partition(":")[0].strip().lower() for ln in lines[1:]}
        kept = [ln for ln in lines if ln.partition(":")[0].strip().lower() != "connection"]
        kept.append("Connection: keep-alive")
        status = int(lines[0].split(" ")[1])
        framed = "content-length" in names or "transfer-encoding" in names
        if not framed and not head_request and status >= 200 and status not in (204, 304):
            kept.append(f"Content-Length: {len(body)}")
        return "\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + body

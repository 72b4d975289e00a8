"""A link-shaping TCP proxy: each connection through it behaves like one over a long, narrow link.

Every byte is delayed by ``delay`` seconds in each direction (so a round trip costs twice that),
and each connection carries at most ``rate`` bytes per second in each direction. That is what
a single TCP stream to a distant object store looks like (a per-flow cap, the latency a window
must cover), and what parallel ranged downloads are meant to beat.

Use it from code::

    async with ShapingProxy(upstream_port, delay=0.010, rate=40 * MiB) as proxy:
        client = aiominio.Client(proxy.endpoint, ...)

or stand-alone: ``python benchmarks/shaping_proxy.py UPSTREAM_PORT [--port P] [--delay-ms 10]
[--mib-per-s 40]``.

Data is read as it arrives, stamped, and forwarded once its delay has passed and the
connection's rate allows (a token bucket per direction); at most ``buffer`` bytes wait in each
direction, so a slow reader pushes back on the sender as a real link would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections import deque

MiB = 1024 * 1024
_READ = 256 * 1024


class _Pipe:
    """One direction of one connection: delay, then rate-limit, then write."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        delay: float,
        rate: float,
        buffer: int,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.delay = delay
        self.rate = rate
        self.buffer = buffer
        self.queue: deque[tuple[float, bytes]] = deque()
        self.queued = 0
        self.arrived = asyncio.Event()
        self.room = asyncio.Event()
        self.room.set()
        self.eof = False
        self.forwarded = 0

    async def pull(self) -> None:
        try:
            while True:
                await self.room.wait()
                data = await self.reader.read(_READ)
                if not data:
                    break
                self.queue.append((time.monotonic() + self.delay, data))
                self.queued += len(data)
                if self.queued >= self.buffer:
                    self.room.clear()
                self.arrived.set()
        finally:
            self.eof = True
            self.arrived.set()

    async def push(self) -> None:
        free_at = time.monotonic()  # when the link is free to send the next byte
        try:
            while True:
                if not self.queue:
                    if self.eof:
                        break
                    self.arrived.clear()
                    await self.arrived.wait()
                    continue
                due, data = self.queue.popleft()
                self.queued -= len(data)
                if self.queued < self.buffer:
                    self.room.set()
                start = max(due, free_at)
                wait = start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                free_at = start + len(data) / self.rate
                self.writer.write(data)
                await self.writer.drain()
                self.forwarded += len(data)
        finally:
            with contextlib.suppress(Exception):
                if self.writer.can_write_eof():
                    self.writer.write_eof()


class ShapingProxy:
    """Forwards loopback connections to ``upstream_port``, each shaped (see the module)."""

    def __init__(
        self,
        upstream_port: int,
        *,
        delay: float = 0.010,
        rate: float = 40 * MiB,
        buffer: int = 2 * MiB,
        port: int = 0,
        upstream_host: str = "127.0.0.1",
    ) -> None:
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.delay = delay
        self.rate = rate
        self.buffer = buffer
        self.port = port
        self.connections = 0
        self.forwarded = 0
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ShapingProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            writer.close()
            return
        shape = {"delay": self.delay, "rate": self.rate, "buffer": self.buffer}
        pipes = [_Pipe(reader, up_writer, **shape), _Pipe(up_reader, writer, **shape)]
        jobs = [asyncio.ensure_future(j) for p in pipes for j in (p.pull(), p.push())]
        try:
            await asyncio.gather(*jobs)
        except (ConnectionError, OSError):
            pass
        finally:
            for j in jobs:
                j.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            self.forwarded += sum(p.forwarded for p in pipes)
            for w in (writer, up_writer):
                w.close()
                with contextlib.suppress(Exception):
                    await w.wait_closed()


async def _main(args: argparse.Namespace) -> None:
    proxy = ShapingProxy(
        args.upstream_port,
        delay=args.delay_ms / 1000,
        rate=args.mib_per_s * MiB,
        port=args.port,
    )
    async with proxy:
        print(f"shaping {proxy.endpoint} -> 127.0.0.1:{args.upstream_port}", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("upstream_port", type=int)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--delay-ms", type=float, default=10.0)
    p.add_argument("--mib-per-s", type=float, default=40.0)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(p.parse_args()))

"""A TCP proxy that counts what a client fetches: bytes each way, connections, HTTP requests.

``python benchmarks/counting_proxy.py UPSTREAM_PORT`` prints ``counting http://127.0.0.1:PORT``
and then answers lines on its standard input: ``read`` with ``down=N up=N requests=N
connections=N`` (bytes from the server to the client, bytes the other way, requests sent,
connections opened, since the last ``reset``), ``reset`` with ``ok``. ``benchmarks/run.py``
sends the ``fs_random`` workload through it once per library, untimed, for the bytes fetched.

Requests are counted by their request lines (`` HTTP/1.1\\r\\n`` in what the client sends), which
holds for the bodiless GETs and HEADs of the workload it serves. Nothing is delayed or limited.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import threading

_READ = 256 * 1024
_REQUEST_LINE = b" HTTP/1.1\r\n"


class Counts:
    def __init__(self) -> None:
        self.down = self.up = self.requests = self.connections = 0

    def line(self) -> str:
        return (
            f"down={self.down} up={self.up} requests={self.requests} connections={self.connections}"
        )


COUNTS = Counts()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: bool) -> None:
    tail = b""
    try:
        while data := await reader.read(_READ):
            if up:
                COUNTS.up += len(data)
                seen = tail + data
                COUNTS.requests += seen.count(_REQUEST_LINE)
                tail = seen[-(len(_REQUEST_LINE) - 1) :]
            else:
                COUNTS.down += len(data)
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int) -> None:
    COUNTS.connections += 1
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        writer.close()
        return
    try:
        await asyncio.gather(_pipe(reader, up_writer, True), _pipe(up_reader, writer, False))
    except (ConnectionError, OSError):
        pass
    finally:
        for w in (writer, up_writer):
            w.close()


def _control() -> None:
    """Answer ``read`` and ``reset`` from standard input (a thread: the counters are ints,
    read and zeroed under the GIL)."""
    for line in sys.stdin:
        command = line.strip()
        if command == "read":
            print(COUNTS.line(), flush=True)
        elif command == "reset":
            COUNTS.down = COUNTS.up = COUNTS.requests = COUNTS.connections = 0
            print("ok", flush=True)


async def _main(upstream: int, port: int) -> None:
    server = await asyncio.start_server(
        lambda r, w: _serve(r, w, upstream), "127.0.0.1", port, limit=_READ
    )
    listening = server.sockets[0].getsockname()[1]
    print(f"counting http://127.0.0.1:{listening} -> 127.0.0.1:{upstream}", flush=True)
    threading.Thread(target=_control, daemon=True).start()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("upstream_port", type=int)
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.upstream_port, args.port))

"""One :class:`~aiominio.Client` per event loop and per process, for a filesystem.

A client's connection pool belongs to the loop it was first used in, and a child process after
``fork`` must never write to the sockets it inherited from its parent. :class:`ClientPool`
makes a client for each running loop of this process on first use, and forgets (never closes,
never reuses) the clients of another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable

from aiominio.client import Client

#: Clients of a parent process, kept alive in the child so that no finalizer of theirs runs
#: here and touches connections that are the parent's.
_INHERITED: list[Client] = []


class ClientPool:
    """The clients of one filesystem: ``make()`` builds one, on the loop that will use it.

    With ``given``, that client is used on every loop (and closing the pool leaves it open:
    it is the caller's).
    """

    def __init__(self, make: Callable[[], Client], given: Client | None = None) -> None:
        self._make = make
        self.given = given
        self._pid = os.getpid()
        self._clients: list[tuple[asyncio.AbstractEventLoop, Client]] = []
        self._lock = threading.Lock()

    def get(self) -> Client:
        """The client of the running loop (made on first use)."""
        if self.given is not None:
            return self.given
        loop = asyncio.get_running_loop()
        with self._lock:
            self._forget_if_forked()
            for owner, client in self._clients:
                if owner is loop:
                    return client
            # A closed loop's client can never be used or closed again; let it go.
            self._clients = [(o, c) for o, c in self._clients if not o.is_closed()]
            client = self._make()
            self._clients.append((loop, client))
            return client

    def _forget_if_forked(self) -> None:
        if self._pid != os.getpid():
            _INHERITED.extend(c for _, c in self._clients)
            self._clients = []
            self._pid = os.getpid()

    @property
    def made(self) -> int:
        """How many clients of this process are open."""
        return len(self._clients)

    async def close_current(self) -> None:
        """Close the client of the running loop, if one was made."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._forget_if_forked()
            mine = [c for o, c in self._clients if o is loop]
            self._clients = [(o, c) for o, c in self._clients if o is not loop]
        for client in mine:
            await client.close()

    def close_all_nowait(self) -> None:
        """Schedule the close of every client on its own loop, where that loop still runs
        (for a finalizer: it cannot wait)."""
        with self._lock:
            if self._pid != os.getpid():
                return
            clients, self._clients = self._clients, []
        for loop, client in clients:
            if loop.is_closed() or not loop.is_running():
                continue
            try:
                closing = asyncio.run_coroutine_threadsafe(client.close(), loop)
            except RuntimeError:  # the loop closed meanwhile
                continue
            if not _on_loop(loop):
                # (at exit, give the close a moment before fsspec's IO thread is gone)
                with contextlib.suppress(Exception):
                    closing.result(timeout=2)


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False

"""The connection pool of the transport (:mod:`aiominio.transport.pool`): what it relies on in
aiohttp."""

from __future__ import annotations

import asyncio
import weakref

from aiohttp.client_proto import ResponseHandler


async def test_aiohttp_protocols_can_be_weakly_referenced() -> None:
    # The pool tells a reused connection from a new one by keeping every protocol it handed out
    # in a WeakSet (aiominio.transport.pool._Connector). Without weak references it would still
    # work, but could no longer resend a request cut off on a stale pooled connection at once.
    protocol = ResponseHandler(asyncio.get_running_loop())
    seen: weakref.WeakSet[ResponseHandler] = weakref.WeakSet()
    seen.add(protocol)
    assert protocol in seen
    del protocol
    assert len(seen) == 0

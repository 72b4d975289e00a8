"""HTTP transport: the only package that imports aiohttp.

It owns the connection pool and timeouts and translates aiohttp's exceptions into aiominio's at
this boundary. It knows nothing about S3 beyond sending bytes and reading answers. Its names are
imported from here (``from aiominio.transport import Timeouts, Transport``); the modules are:

=========  ================================================================================
timeouts   :class:`Timeouts`, and their translation into aiohttp's
interface  what the requester sends through, without aiohttp: the :class:`BaseTransport`
           protocol, :class:`Response`, :class:`StreamingResponse`, the request ``Body``
proxy      forward proxies without aiohttp: proxy URLs checked, the environment's proxies and
           NO_PROXY (:func:`proxy_settings`), the TLS setting an https:// proxy needs
translate  aiohttp's exceptions as aiominio's, in one place
pool       :class:`Transport` (aiohttp's pool), its streamed answers, :func:`fetch` for the
           credential providers
trace      the ``aiominio.trace`` logger: a line per attempt of each request, at DEBUG
           (:func:`traced`)
=========  ================================================================================
"""

from __future__ import annotations

from aiominio.transport.interface import (
    BaseTransport,
    Body,
    Response,
    StreamingResponse,
    answer_too_large,
)
from aiominio.transport.pool import (
    CREDENTIALS_ANSWER_LIMIT,
    DEFAULT_MAX_CONNECTIONS,
    READ_BUFSIZE,
    AiohttpStreamingResponse,
    ClientSession,
    Transport,
    fetch,
)
from aiominio.transport.proxy import Proxy, ProxySettings, proxy_settings
from aiominio.transport.timeouts import Timeouts
from aiominio.transport.trace import TRACE_LOGGER, TraceEvent, traced

__all__ = [
    "CREDENTIALS_ANSWER_LIMIT",
    "DEFAULT_MAX_CONNECTIONS",
    "READ_BUFSIZE",
    "TRACE_LOGGER",
    "AiohttpStreamingResponse",
    "BaseTransport",
    "Body",
    "ClientSession",
    "Proxy",
    "ProxySettings",
    "Response",
    "StreamingResponse",
    "Timeouts",
    "TraceEvent",
    "Transport",
    "answer_too_large",
    "fetch",
    "proxy_settings",
    "traced",
]

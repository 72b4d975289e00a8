"""The client's User-Agent (``app_info``) and its request trace (the ``aiominio.trace`` logger),
over real HTTP through aiohttp's pool: the in-test web server records the header as received;
SeaweedFS answers the traced requests with its own request ids."""

from __future__ import annotations

import logging
import platform

import pytest
from aiohttp import web

import aiominio
from aiominio import testing
from tests.integration.conftest import StartWebServer


async def test_the_user_agent_as_the_server_receives_it(web_server: StartWebServer) -> None:
    async def head(request: web.Request) -> web.Response:
        return web.Response()

    server = await web_server(web.head("/bkt", head))
    base = f"aiominio/{aiominio.__version__} (Python {platform.python_version()})"
    async with aiominio.Client(
        server.url, access_key="a", secret_key="b", region="us-east-1"
    ) as plain:
        assert await plain.bucket_exists("bkt")
    async with aiominio.Client(
        server.url,
        access_key="a",
        secret_key="b",
        region="us-east-1",
        app_info=("photo-sync", "2.3"),
    ) as app:
        assert await app.bucket_exists("bkt")
    plain_agent, app_agent = (r.headers.getall("User-Agent") for r in server.received)
    assert plain_agent == [base]  # one header, ours, not aiohttp's own
    assert app_agent == [f"{base} photo-sync/2.3"]


async def test_the_trace_of_requests_to_a_real_server(
    seaweedfs_server: testing.LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiominio.trace")
    async with seaweedfs_server.client(region="us-east-1") as client:
        assert not await client.bucket_exists("no-such-bucket-for-the-trace")
    (record,) = [r for r in caplog.records if r.name == "aiominio.trace"]
    line = record.getMessage()
    assert line.startswith(
        f"HEAD {seaweedfs_server.endpoint}/no-such-bucket-for-the-trace attempt 1: 404 in "
    )
    request_id = line.rsplit("request id ", 1)[1]
    assert request_id != "-" and request_id.isalnum()
    assert seaweedfs_server.secret_key not in caplog.text

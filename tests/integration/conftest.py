"""Real servers for the integration tests, started once per test session.

SeaweedFS (strict: checks signatures and checksums) and moto (AWS semantics, notifications, STS)
run from the ``test`` extra on free loopback ports in temporary directories and are stopped at the
end. Tests that take the ``server`` fixture run once against each.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

import aiominio
from aiominio import testing

SECOND_USER = ("aiominio-other", "other-" + secrets.token_hex(8))


@pytest.fixture(scope="session")
def seaweedfs_server() -> Iterator[testing.LocalServer]:
    with testing.seaweedfs(identities=[SECOND_USER]) as server:
        yield server


@pytest.fixture(scope="session")
def moto_server() -> Iterator[testing.LocalServer]:
    with testing.moto() as server:
        yield server


@pytest.fixture(params=["seaweedfs", "moto"])
def server(request: pytest.FixtureRequest) -> testing.LocalServer:
    found: testing.LocalServer = request.getfixturevalue(f"{request.param}_server")
    return found


@pytest.fixture
async def client(server: testing.LocalServer) -> AsyncIterator[aiominio.Client]:
    async with server.client() as c:
        yield c


def unique_bucket(prefix: str = "t") -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


async def empty_and_remove(client: aiominio.Client, bucket: str) -> None:
    """Remove a test bucket with every object and incomplete upload in it."""
    with contextlib.suppress(aiominio.NoSuchBucket):
        async for upload in client.list_incomplete_uploads(bucket, recursive=True):
            await client.remove_incomplete_upload(bucket, upload.key)
        keys = [o.key async for o in client.list_objects(bucket, recursive=True)]
        errors = await client.remove_objects(bucket, keys)
        assert not errors, errors
        await client.remove_bucket(bucket)


@pytest.fixture
def http_log() -> tuple[aiohttp.TraceConfig, list[tuple[str, str, dict[str, str]]]]:
    """A trace config recording (method, url, headers) of every request a session sends."""
    log: list[tuple[str, str, dict[str, str]]] = []

    async def on_start(
        session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        log.append((params.method, str(params.url), dict(params.headers)))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    return trace, log


@pytest.fixture
async def bucket(client: aiominio.Client) -> AsyncIterator[str]:
    """A fresh, empty bucket for one test, removed afterwards with everything in it."""
    name = unique_bucket()
    await client.make_bucket(name)
    yield name
    await empty_and_remove(client, name)

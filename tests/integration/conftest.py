"""Real servers for the integration tests, started once per test session.

SeaweedFS (strict: checks signatures and checksums) and moto (AWS semantics, notifications, STS)
run from the ``test`` extra on free loopback ports in temporary directories and are stopped at the
end. Tests that take the ``server`` fixture run once against each, and the object and listing tests
also against a SeaweedFS cluster (``cluster_server``) with ``--run-cluster`` or ``--run-slow``.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pytest
import trustme
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler
from multidict import CIMultiDict

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


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_seaweedfs(
    tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[testing.LocalServer]:
    """SeaweedFS serving S3 over HTTPS only, with a certificate of ``tls_ca`` (clients need
    ``ssl_context=tls_ca_bundle``)."""
    folder = tmp_path_factory.mktemp("tls-session")
    cert = tls_ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(cert_file), append=True)
    cert.private_key_pem.write_to_path(str(key_file))
    with testing.seaweedfs(tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        yield server


@pytest.fixture(scope="session")
def tls_ca_bundle(tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The path of a CA bundle that trusts ``tls_seaweedfs``."""
    bundle = tmp_path_factory.mktemp("tls-ca") / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(bundle))
    return str(bundle)


@pytest.fixture(scope="session")
def cluster_server() -> Iterator[testing.LocalCluster]:
    """SeaweedFS as a cluster: a master, three volume servers (replication 001), a filer and the
    S3 gateway, each a process. Its nodes stay up: tests that kill nodes start a cluster of their
    own."""
    with testing.seaweedfs_cluster(identities=[SECOND_USER]) as server:
        yield server


# "cluster" runs only for the modules of tests/conftest.py CLUSTER_MODULES, and only with
# --run-cluster or --run-slow; elsewhere it is deselected.
@pytest.fixture(params=["seaweedfs", "moto", "cluster"])
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


@dataclass(frozen=True)
class Received:
    """One request an in-test web server received."""

    method: str
    path_qs: str
    headers: CIMultiDict[str]


@dataclass
class WebServer:
    """An in-test HTTP server on loopback: its base URL and every request it received."""

    url: str
    received: list[Received] = field(default_factory=list)

    def paths(self, method: str | None = None) -> list[str]:
        """The path (with query) of each request received, in order, of one method or all."""
        return [r.path_qs for r in self.received if method in (None, r.method)]


StartWebServer = Callable[..., Awaitable[WebServer]]


@pytest.fixture
async def web_server() -> AsyncIterator[StartWebServer]:
    """Serve fake (hostile, broken, stand-in) answers from the test itself.

    ``server = await web_server(web.get("/{bucket}", handler), ...)`` starts a server with those
    routes (or ``app=`` a whole ``web.Application``) on a free loopback port; every request is
    recorded in ``server.received`` before its handler runs. Servers stop at teardown.
    """
    running: list[TestServer] = []

    async def start(*routes: web.AbstractRouteDef, app: web.Application | None = None) -> WebServer:
        app = app if app is not None else web.Application()
        app.add_routes(routes)
        server = WebServer("")

        @web.middleware
        async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
            server.received.append(
                Received(request.method, request.path_qs, CIMultiDict(request.headers))
            )
            return await handler(request)

        app.middlewares.insert(0, record)
        test_server = TestServer(app, host="127.0.0.1")
        running.append(test_server)
        await test_server.start_server()
        server.url = f"http://127.0.0.1:{test_server.port}"
        return server

    yield start
    for test_server in running:
        await test_server.close()


@pytest.fixture
async def bucket(client: aiominio.Client) -> AsyncIterator[str]:
    """A fresh, empty bucket for one test, removed afterwards with everything in it."""
    name = unique_bucket()
    await client.make_bucket(name)
    yield name
    await empty_and_remove(client, name)

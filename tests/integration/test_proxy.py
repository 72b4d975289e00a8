"""Requests through a real forward proxy (proxy.py, started on loopback): plain HTTP to SeaweedFS,
HTTPS to the TLS SeaweedFS through a CONNECT tunnel, an ``https://`` proxy verified with its own
CA, proxy credentials right and wrong, the environment's proxies (``trust_env``) and NO_PROXY,
and a proxy that refuses the connection: each failure a typed error naming the proxy, never its
credentials."""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Iterator

import aiohttp
import pytest
import trustme

import aiominio
from aiominio import testing
from tests.forwardproxy import ForwardProxy, forward_proxy
from tests.integration.conftest import unique_bucket

USER = "aiominio-proxy"
PASSWORD = "pr0xy-" + secrets.token_hex(8)
WRONG = "not-the-" + secrets.token_hex(8)
ONCE = aiominio.RetryPolicy(max_attempts=1)
ENV_NAMES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy")


@pytest.fixture(scope="module")
def http_proxy() -> Iterator[ForwardProxy]:
    """An ``http://`` proxy asking for Basic credentials."""
    with forward_proxy(auth=(USER, PASSWORD)) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def proxy_ca() -> trustme.CA:
    """The CA of the ``https://`` proxy's certificate: not the one of ``tls_seaweedfs``."""
    return trustme.CA()


@pytest.fixture(scope="module")
def proxy_ca_bundle(proxy_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    bundle = tmp_path_factory.mktemp("proxy-ca") / "ca.pem"
    proxy_ca.cert_pem.write_to_path(str(bundle))
    return str(bundle)


@pytest.fixture(scope="module")
def tls_proxy(
    proxy_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ForwardProxy]:
    """An ``https://`` proxy (TLS to the proxy itself), asking for Basic credentials."""
    folder = tmp_path_factory.mktemp("proxy-tls")
    cert = proxy_ca.issue_cert("127.0.0.1")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    with forward_proxy(
        auth=(USER, PASSWORD), cert_file=str(cert_file), key_file=str(key_file)
    ) as p:
        yield p


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable of the machine's in the way, in either case."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def port_of(server: testing.LocalServer) -> str:
    return server.endpoint.rsplit(":", 1)[1]


async def round_trip(client: aiominio.Client) -> None:
    bucket = unique_bucket("proxy")
    await client.make_bucket(bucket)
    try:
        await client.put_object(bucket, "k", b"through the proxy")
        async with client.get_object(bucket, "k") as obj:
            assert await obj.read() == b"through the proxy"
        assert [o.key async for o in client.list_objects(bucket)] == ["k"]
        await client.remove_object(bucket, "k")
    finally:
        await client.remove_bucket(bucket)


def assert_no_secret(exc: BaseException) -> None:
    for text in (str(exc), repr(exc)):
        assert PASSWORD not in text and WRONG not in text
    assert exc.__cause__ is None and exc.__context__ is None


# -- through the proxy ---------------------------------------------------------------------------


async def test_a_plain_http_endpoint_through_the_proxy(
    seaweedfs_server: testing.LocalServer, http_proxy: ForwardProxy
) -> None:
    before = len(http_proxy.lines())
    async with seaweedfs_server.client(proxy=http_proxy.url_with_credentials()) as client:
        await round_trip(client)
    # The proxy forwarded the requests themselves (absolute-form, no tunnel); it logs the first
    # request of each connection, here the PUT that made the bucket.
    assert http_proxy.seen(f"PUT 127.0.0.1:{port_of(seaweedfs_server)}/", after=before)
    assert not http_proxy.seen("CONNECT", after=before, timeout=0)


async def test_an_https_endpoint_through_a_connect_tunnel(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str, http_proxy: ForwardProxy
) -> None:
    before = len(http_proxy.lines())
    async with tls_seaweedfs.client(
        ssl_context=tls_ca_bundle, proxy=http_proxy.url, proxy_auth=(USER, PASSWORD)
    ) as client:
        await round_trip(client)
    assert http_proxy.seen(f"CONNECT 127.0.0.1:{port_of(tls_seaweedfs)}", after=before)


async def test_an_https_proxy_verified_with_its_ca(
    seaweedfs_server: testing.LocalServer,
    tls_proxy: ForwardProxy,
    proxy_ca_bundle: str,
) -> None:
    before = len(tls_proxy.lines())
    async with seaweedfs_server.client(
        proxy=tls_proxy.url_with_credentials(), proxy_ca=proxy_ca_bundle
    ) as client:
        await round_trip(client)
    assert tls_proxy.seen(f" 127.0.0.1:{port_of(seaweedfs_server)}/", after=before)


async def test_an_https_endpoint_through_an_https_proxy(
    tls_seaweedfs: testing.LocalServer,
    tls_ca_bundle: str,
    tls_proxy: ForwardProxy,
    proxy_ca_bundle: str,
) -> None:
    # TLS to the proxy, and within it TLS to the server: each verified with its own CA.
    before = len(tls_proxy.lines())
    async with tls_seaweedfs.client(
        ssl_context=tls_ca_bundle,
        proxy=tls_proxy.url_with_credentials(),
        proxy_ca=proxy_ca_bundle,
    ) as client:
        await round_trip(client)
    assert tls_proxy.seen(f"CONNECT 127.0.0.1:{port_of(tls_seaweedfs)}", after=before)


async def test_an_https_proxy_not_trusted_is_a_tls_error_naming_it(
    seaweedfs_server: testing.LocalServer, tls_proxy: ForwardProxy
) -> None:
    async with seaweedfs_server.client(proxy=tls_proxy.url_with_credentials()) as client:
        with pytest.raises(aiominio.TLSError) as info:
            await client.list_buckets()
    assert f"the proxy {tls_proxy.url}" in str(info.value)
    assert "proxy_ca" in str(info.value)
    assert client.retries == 0
    assert_no_secret(info.value)


async def test_a_callers_session_goes_through_the_clients_proxy(
    seaweedfs_server: testing.LocalServer, http_proxy: ForwardProxy
) -> None:
    before = len(http_proxy.lines())
    async with aiohttp.ClientSession() as session:
        async with seaweedfs_server.client(
            session=session, proxy=http_proxy.url_with_credentials()
        ) as client:
            await client.list_buckets()
        assert not session.closed
    assert http_proxy.seen(f" 127.0.0.1:{port_of(seaweedfs_server)}/", after=before)


async def test_a_callers_session_keeps_its_own_proxy_when_the_client_has_none(
    seaweedfs_server: testing.LocalServer, http_proxy: ForwardProxy
) -> None:
    before = len(http_proxy.lines())
    session = aiohttp.ClientSession(proxy=http_proxy.url_with_credentials())
    async with session, seaweedfs_server.client(session=session) as client:
        await client.list_buckets()
    assert http_proxy.seen(f" 127.0.0.1:{port_of(seaweedfs_server)}/", after=before)


# -- credentials ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https-connect"])
async def test_wrong_credentials_are_a_connect_error_naming_the_proxy(
    tls: bool,
    seaweedfs_server: testing.LocalServer,
    tls_seaweedfs: testing.LocalServer,
    tls_ca_bundle: str,
    http_proxy: ForwardProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = tls_seaweedfs if tls else seaweedfs_server
    caplog.set_level(logging.DEBUG, logger="aiominio")
    async with server.client(
        ssl_context=tls_ca_bundle if tls else None,
        proxy=http_proxy.url_with_credentials(password=WRONG),
    ) as client:  # the default retry policy: a 407 is not retried
        with pytest.raises(aiominio.ProxyAuthError) as info:
            await client.list_buckets()
    attempts = [r for r in caplog.records if r.name == "aiominio.trace"]
    assert len(attempts) == 1, [r.getMessage() for r in attempts]
    message = str(info.value)
    assert f"the proxy {http_proxy.url} refused" in message
    assert "407" in message and "credentials were refused" in message
    assert_no_secret(info.value)
    assert PASSWORD not in caplog.text and WRONG not in caplog.text


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https-connect"])
async def test_no_credentials_for_a_proxy_that_asks_says_to_give_them(
    tls: bool,
    seaweedfs_server: testing.LocalServer,
    tls_seaweedfs: testing.LocalServer,
    tls_ca_bundle: str,
    http_proxy: ForwardProxy,
) -> None:
    server = tls_seaweedfs if tls else seaweedfs_server
    async with server.client(
        ssl_context=tls_ca_bundle if tls else None, proxy=http_proxy.url, retry=ONCE
    ) as client:
        with pytest.raises(aiominio.ProxyAuthError, match="407") as info:
            await client.list_buckets()
    assert "asks for credentials" in str(info.value)
    assert http_proxy.url in str(info.value)


# -- a proxy that is not there -------------------------------------------------------------------


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https-connect"])
async def test_a_refused_proxy_is_a_connect_error_naming_it_without_credentials(
    tls: bool,
    seaweedfs_server: testing.LocalServer,
    tls_seaweedfs: testing.LocalServer,
    tls_ca_bundle: str,
    closed_port: int,
) -> None:
    server = tls_seaweedfs if tls else seaweedfs_server
    async with server.client(
        ssl_context=tls_ca_bundle if tls else None,
        proxy=f"http://{USER}:{PASSWORD}@127.0.0.1:{closed_port}",
        retry=ONCE,
    ) as client:
        with pytest.raises(aiominio.ConnectError) as info:
            await client.list_buckets()
    assert type(info.value) is aiominio.ConnectError
    assert f"cannot connect to the proxy http://127.0.0.1:{closed_port}" in str(info.value)
    assert USER not in str(info.value)
    assert_no_secret(info.value)


async def test_a_tunnel_the_proxy_cannot_open_names_the_proxy_and_the_server(
    http_proxy: ForwardProxy, closed_port: int
) -> None:
    async with aiominio.Client(
        f"https://127.0.0.1:{closed_port}",
        access_key="k",
        secret_key=PASSWORD,
        proxy=http_proxy.url_with_credentials(),
        retry=ONCE,
    ) as client:
        with pytest.raises(aiominio.ConnectError) as info:
            await client.list_buckets()
    assert str(info.value) == (
        f"the proxy {http_proxy.url} could not carry the request to 127.0.0.1:{closed_port} "
        "(502 Bad Gateway)"
    )
    assert_no_secret(info.value)


# -- the environment -----------------------------------------------------------------------------


async def test_trust_env_takes_http_proxy_for_a_plain_endpoint(
    seaweedfs_server: testing.LocalServer,
    http_proxy: ForwardProxy,
    clean_env: pytest.MonkeyPatch,
    closed_port: int,
) -> None:
    clean_env.setenv("HTTP_PROXY", http_proxy.url_with_credentials())
    clean_env.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port}")  # not for plain HTTP
    before = len(http_proxy.lines())
    async with seaweedfs_server.client(trust_env=True) as client:
        await client.list_buckets()
    assert http_proxy.seen(f" 127.0.0.1:{port_of(seaweedfs_server)}/", after=before)


async def test_trust_env_takes_https_proxy_for_an_https_endpoint(
    tls_seaweedfs: testing.LocalServer,
    tls_ca_bundle: str,
    http_proxy: ForwardProxy,
    clean_env: pytest.MonkeyPatch,
    closed_port: int,
) -> None:
    # A bare host:port is an http:// proxy, as the SDKs read it; lower case wins over upper.
    clean_env.setenv("https_proxy", http_proxy.url_with_credentials().split("://")[1])
    clean_env.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port}")
    clean_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")  # not for HTTPS
    before = len(http_proxy.lines())
    async with tls_seaweedfs.client(ssl_context=tls_ca_bundle, trust_env=True) as client:
        await client.list_buckets()
    assert http_proxy.seen(f"CONNECT 127.0.0.1:{port_of(tls_seaweedfs)}", after=before)


@pytest.mark.parametrize(
    "no_proxy",
    ["127.0.0.1", "localhost, 127.0.0.1", "127.0.0.0/8", "127.0.0.1:{port}", "*"],
)
async def test_no_proxy_sends_its_hosts_direct(
    no_proxy: str,
    seaweedfs_server: testing.LocalServer,
    clean_env: pytest.MonkeyPatch,
    closed_port: int,
) -> None:
    # The environment's proxy refuses every connection: only a bypass can succeed.
    clean_env.setenv("HTTP_PROXY", f"http://{USER}:{PASSWORD}@127.0.0.1:{closed_port}")
    clean_env.setenv("NO_PROXY", no_proxy.format(port=port_of(seaweedfs_server)))
    async with seaweedfs_server.client(trust_env=True, retry=ONCE) as client:
        await client.list_buckets()


async def test_no_proxy_for_other_hosts_or_ports_leaves_the_proxy_in_use(
    seaweedfs_server: testing.LocalServer, clean_env: pytest.MonkeyPatch, closed_port: int
) -> None:
    clean_env.setenv("HTTP_PROXY", f"http://{USER}:{PASSWORD}@127.0.0.1:{closed_port}")
    clean_env.setenv("NO_PROXY", "example.com,127.0.0.2,10.0.0.0/8,127.0.0.1:1")
    async with seaweedfs_server.client(trust_env=True, retry=ONCE) as client:
        with pytest.raises(aiominio.ConnectError) as info:
            await client.list_buckets()
    assert f"the proxy http://127.0.0.1:{closed_port}" in str(info.value)
    assert_no_secret(info.value)


async def test_without_trust_env_the_environment_is_not_read(
    seaweedfs_server: testing.LocalServer, clean_env: pytest.MonkeyPatch, closed_port: int
) -> None:
    clean_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
    async with seaweedfs_server.client(retry=ONCE) as client:
        await client.list_buckets()


async def test_an_explicit_proxy_wins_over_the_environment(
    seaweedfs_server: testing.LocalServer,
    http_proxy: ForwardProxy,
    clean_env: pytest.MonkeyPatch,
    closed_port: int,
) -> None:
    clean_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
    clean_env.setenv("NO_PROXY", "*")
    before = len(http_proxy.lines())
    async with seaweedfs_server.client(
        proxy=http_proxy.url_with_credentials(), trust_env=True
    ) as client:
        await client.list_buckets()
    assert http_proxy.seen(f" 127.0.0.1:{port_of(seaweedfs_server)}/", after=before)

"""SeaweedFS over HTTPS with a CA made by trustme: verified by default, custom CAs accepted,
untrusted certificates refused with a clear error."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

import aiominio
from aiominio import testing


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(
    ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[testing.LocalServer]:
    folder: Path = tmp_path_factory.mktemp("tls")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(cert_file), append=True)
    cert.private_key_pem.write_to_path(str(key_file))
    with testing.seaweedfs(tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        yield server


async def test_verified_with_a_ca_bundle_path(
    tls_server: testing.LocalServer, ca: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    assert tls_server.endpoint.startswith("https://")
    async with tls_server.client(ssl_context=str(bundle)) as client:
        await client.make_bucket("tls-bucket")
        await client.put_object("tls-bucket", "k", b"over tls")
        async with client.get_object("tls-bucket", "k") as obj:
            assert await obj.read() == b"over tls"
        await client.remove_object("tls-bucket", "k")
        await client.remove_bucket("tls-bucket")


async def test_verified_with_an_ssl_context(
    tls_server: testing.LocalServer, ca: trustme.CA
) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    async with tls_server.client(ssl_context=context) as client:
        await client.list_buckets()


async def test_untrusted_certificate_is_refused(tls_server: testing.LocalServer) -> None:
    async with tls_server.client() as client:  # verification is on by default
        with pytest.raises(aiominio.ConnectError, match="certificate") as info:
            await client.list_buckets()
        assert type(info.value) is aiominio.TLSError
        assert client.retries == 0  # a certificate does not become trusted by retrying

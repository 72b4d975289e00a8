"""SeaweedFS over HTTPS with a CA made by trustme: verified by default, custom CAs accepted,
untrusted certificates refused with a clear error."""

from __future__ import annotations

import ssl

import pytest
import trustme

import aiominio
from aiominio import testing
from tests.integration.conftest import unique_bucket


async def test_verified_with_a_ca_bundle_path(
    tls_seaweedfs: testing.LocalServer, tls_ca_bundle: str
) -> None:
    assert tls_seaweedfs.endpoint.startswith("https://")
    bucket = unique_bucket("tls")
    async with tls_seaweedfs.client(ssl_context=tls_ca_bundle) as client:
        await client.make_bucket(bucket)
        await client.put_object(bucket, "k", b"over tls")
        async with client.get_object(bucket, "k") as obj:
            assert await obj.read() == b"over tls"
        await client.remove_object(bucket, "k")
        await client.remove_bucket(bucket)


async def test_verified_with_an_ssl_context(
    tls_seaweedfs: testing.LocalServer, tls_ca: trustme.CA
) -> None:
    context = ssl.create_default_context()
    tls_ca.configure_trust(context)
    async with tls_seaweedfs.client(ssl_context=context) as client:
        await client.list_buckets()


async def test_untrusted_certificate_is_refused(tls_seaweedfs: testing.LocalServer) -> None:
    async with tls_seaweedfs.client() as client:  # verification is on by default
        with pytest.raises(aiominio.ConnectError, match="certificate") as info:
            await client.list_buckets()
        assert type(info.value) is aiominio.TLSError
        assert client.retries == 0  # a certificate does not become trusted by retrying

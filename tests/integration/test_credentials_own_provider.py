"""A provider of the user's own, as the credentials guide writes one, signing real requests to
the session's SeaweedFS: a plain class with ``async def retrieve()``, and a fetch of one's own
cached by :class:`~aiominio.credentials.RefreshingProvider` (the secret store is a fake: a
dict read after a pause)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

import aiominio
from aiominio import credentials as cr
from aiominio import testing


class FakeVault:
    """A fake secret store: hands out the keys it holds, after a pause, and counts reads."""

    def __init__(self, keys: dict[str, str]) -> None:
        self.keys, self.reads = keys, 0

    async def read(self, path: str) -> dict[str, str]:
        self.reads += 1
        await asyncio.sleep(0.05)
        return dict(self.keys)


class VaultProvider:
    """The guide's example: no base class, only ``retrieve``."""

    def __init__(self, vault: FakeVault) -> None:
        self._vault = vault

    async def retrieve(self) -> cr.Credentials | None:
        secret = await self._vault.read("s3/uploader")
        return cr.Credentials(secret["access_key"], secret["secret_key"])


@pytest.fixture
def vault(seaweedfs_server: testing.LocalServer) -> FakeVault:
    return FakeVault(
        {"access_key": seaweedfs_server.access_key, "secret_key": seaweedfs_server.secret_key}
    )


async def test_a_class_with_retrieve(
    vault: FakeVault, seaweedfs_server: testing.LocalServer
) -> None:
    provider = VaultProvider(vault)
    async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
        await client.list_buckets()
    assert vault.reads == 1
    vault.keys["secret_key"] = "not-the-secret"
    async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
        with pytest.raises(aiominio.SignatureDoesNotMatch):
            await client.list_buckets()  # its keys, read at each request, are the ones used


async def test_a_fetch_of_ones_own_refreshed_once(
    vault: FakeVault, seaweedfs_server: testing.LocalServer
) -> None:
    async def vault_credentials() -> cr.Credentials:
        secret = await vault.read("s3/uploader")
        expires = datetime.now(timezone.utc) + timedelta(hours=1)
        return cr.Credentials(secret["access_key"], secret["secret_key"], expiration=expires)

    provider = cr.RefreshingProvider(vault_credentials)
    async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
        await asyncio.gather(*(client.list_buckets() for _ in range(50)))
        assert vault.reads == 1

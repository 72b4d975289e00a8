"""Temporary credentials from moto's STS, and from a local stand-in for the EC2 instance
metadata service (IMDSv2) served by this test."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from tests.integration.conftest import unique_bucket

ROLE = "arn:aws:iam::123456789012:role/aiominio-test"


async def test_assume_role(moto_server: testing.LocalServer) -> None:
    source = cr.StaticProvider(cr.Credentials(moto_server.access_key, moto_server.secret_key))
    provider = cr.AssumeRoleProvider(moto_server.endpoint, source, ROLE, duration=900)
    creds = await provider.retrieve()
    assert creds is not None and creds.session_token
    assert creds.access_key != moto_server.access_key
    assert creds.expiration is not None and creds.expiration > datetime.now(timezone.utc)
    assert await provider.retrieve() is creds  # cached, not fetched again
    async with aiominio.Client(moto_server.endpoint, credentials=provider) as client:
        name = unique_bucket("sts")
        await client.make_bucket(name)
        assert await client.bucket_exists(name)
        await client.remove_bucket(name)


async def test_assume_role_with_web_identity(
    moto_server: testing.LocalServer, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJIUzI1NiJ9.e30.signature")
    provider = cr.WebIdentityProvider(moto_server.endpoint, ROLE, token)
    creds = await provider.retrieve()
    assert creds is not None and creds.session_token and creds.expiration is not None
    async with aiominio.Client(moto_server.endpoint, credentials=provider) as client:
        await client.list_buckets()


async def test_web_identity_from_the_environment(
    moto_server: testing.LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJIUzI1NiJ9.e30.signature")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_server.endpoint)
    chain = cr.default_chain()
    creds = await chain.retrieve()
    assert creds is not None and creds.session_token


@pytest.fixture
async def imds() -> AsyncIterator[tuple[str, dict[str, int]]]:
    """A stand-in for the instance metadata service: IMDSv2 tokens are required."""
    counts = {"token": 0, "credentials": 0}
    session_token = "imds-session-token"

    async def token(request: web.Request) -> web.Response:
        assert request.headers.get("x-aws-ec2-metadata-token-ttl-seconds")
        counts["token"] += 1
        return web.Response(text=session_token)

    def check(request: web.Request) -> None:
        if request.headers.get("x-aws-ec2-metadata-token") != session_token:
            raise web.HTTPUnauthorized()

    async def roles(request: web.Request) -> web.Response:
        check(request)
        return web.Response(text="instance-role")

    async def role(request: web.Request) -> web.Response:
        check(request)
        counts["credentials"] += 1
        expires = datetime.now(timezone.utc) + timedelta(hours=6)
        return web.Response(
            text=json.dumps(
                {
                    "Code": "Success",
                    "Type": "AWS-HMAC",
                    "AccessKeyId": "ASIAIMDS",
                    "SecretAccessKey": "imds-secret",
                    "Token": "imds-token",
                    "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            )
        )

    app = web.Application()
    app.router.add_put("/latest/api/token", token)
    app.router.add_get("/latest/meta-data/iam/security-credentials/", roles)
    app.router.add_get("/latest/meta-data/iam/security-credentials/instance-role", role)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}", counts
    await server.close()


async def test_imds_v2(imds: tuple[str, dict[str, int]], moto_server: testing.LocalServer) -> None:
    endpoint, counts = imds
    provider = cr.IMDSProvider(endpoint)
    creds = await provider.retrieve()
    assert creds == cr.Credentials(
        "ASIAIMDS", "imds-secret", "imds-token", creds.expiration if creds else None
    )
    assert counts == {"token": 1, "credentials": 1}
    async with aiominio.Client(moto_server.endpoint, credentials=provider) as client:
        for _ in range(5):
            await client.list_buckets()
    assert counts == {"token": 1, "credentials": 1}  # cached until near expiry


async def test_chain_falls_back_to_anonymous(seaweedfs_server: testing.LocalServer) -> None:
    # The suite runs with no credentials in the environment or shared files (tests/conftest).
    async with aiominio.Client(seaweedfs_server.endpoint) as client:
        with pytest.raises(aiominio.AccessDenied):
            await client.list_buckets()

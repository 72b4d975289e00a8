"""Temporary credentials from moto's STS, and from a local stand-in for the EC2 instance
metadata service (IMDSv2) served by this test."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from tests.integration.conftest import StartWebServer, WebServer, unique_bucket

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


IMDS_TOKEN = "imds-session-token"
IMDS_ROLE = "/latest/meta-data/iam/security-credentials/instance-role"


@pytest.fixture
async def imds(web_server: StartWebServer) -> tuple[WebServer, list[datetime]]:
    """A stand-in for the instance metadata service: IMDSv2 tokens are required. Also gives the
    expiry of each set of credentials it served."""
    served: list[datetime] = []

    async def token(request: web.Request) -> web.Response:
        if not request.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
            raise web.HTTPBadRequest()
        return web.Response(text=IMDS_TOKEN)

    def check(request: web.Request) -> None:
        if request.headers.get("x-aws-ec2-metadata-token") != IMDS_TOKEN:
            raise web.HTTPUnauthorized()

    async def roles(request: web.Request) -> web.Response:
        check(request)
        return web.Response(text="instance-role")

    async def role(request: web.Request) -> web.Response:
        check(request)
        expires = (datetime.now(timezone.utc) + timedelta(hours=6)).replace(microsecond=0)
        served.append(expires)
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

    server = await web_server(
        web.put("/latest/api/token", token),
        web.get("/latest/meta-data/iam/security-credentials/", roles),
        web.get(IMDS_ROLE, role),
    )
    return server, served


async def test_imds_v2(
    imds: tuple[WebServer, list[datetime]], moto_server: testing.LocalServer
) -> None:
    server, served = imds
    provider = cr.IMDSProvider(server.url)
    creds = await provider.retrieve()
    assert len(served) == 1
    assert creds == cr.Credentials("ASIAIMDS", "imds-secret", "imds-token", served[0])
    calls = [
        ("PUT", "/latest/api/token"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("GET", IMDS_ROLE),
    ]
    assert [(r.method, r.path_qs) for r in server.received] == calls
    assert [r.headers.get("x-aws-ec2-metadata-token") for r in server.received] == [
        None,
        IMDS_TOKEN,
        IMDS_TOKEN,
    ]
    async with aiominio.Client(moto_server.endpoint, credentials=provider) as client:
        for _ in range(5):
            await client.list_buckets()
    assert [(r.method, r.path_qs) for r in server.received] == calls  # cached until near expiry


async def test_chain_falls_back_to_anonymous(seaweedfs_server: testing.LocalServer) -> None:
    # The suite runs with no credentials in the environment or shared files (tests/conftest).
    async with aiominio.Client(seaweedfs_server.endpoint) as client:
        with pytest.raises(aiominio.AccessDenied):
            await client.list_buckets()


async def test_imds_from_other_loops_and_threads(
    imds: tuple[WebServer, list[datetime]],
) -> None:
    # One provider, used from loops other than the test's (which serves the stand-in): two
    # loops one after the other, then two threads each running its own loop at once. Each
    # loop's concurrent callers share one refresh.
    server, served = imds
    provider = cr.IMDSProvider(server.url)

    async def burst() -> set[str]:
        found = await asyncio.gather(*(provider.retrieve() for _ in range(10)))
        return {c.access_key for c in found if c is not None}

    def in_own_loop() -> set[str]:
        provider._refresh_at = datetime.now(timezone.utc)  # due: this loop refreshes
        return asyncio.run(burst())

    for _ in range(2):
        assert await asyncio.to_thread(in_own_loop) == {"ASIAIMDS"}
    assert len(served) == 2
    both = await asyncio.gather(asyncio.to_thread(in_own_loop), asyncio.to_thread(in_own_loop))
    assert both == [{"ASIAIMDS"}, {"ASIAIMDS"}]
    assert 3 <= len(served) <= 4 and provider.refreshes == len(served)


@pytest.mark.parametrize("token", [b"tok\r\nx-injected: 1", b"tok\x00", "tôk".encode()])
async def test_imds_token_that_cannot_be_sent_back(
    web_server: StartWebServer, token: bytes
) -> None:
    async def give(request: web.Request) -> web.Response:
        return web.Response(body=token)

    server = await web_server(web.put("/latest/api/token", give))
    with pytest.raises(cr.CredentialsError, match=r"^IMDS: the session token may hold only "):
        await cr.IMDSProvider(server.url).retrieve()
    assert [r.method for r in server.received] == ["PUT"]  # never sent back


async def test_imds_connection_lost_holds_no_token(web_server: StartWebServer) -> None:
    async def give(request: web.Request) -> web.Response:
        return web.Response(text=IMDS_TOKEN)

    async def drop(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()  # the connection breaks with the token in the request
        return web.Response()

    server = await web_server(
        web.put("/latest/api/token", give),
        web.get("/latest/meta-data/iam/security-credentials/", drop),
    )
    with pytest.raises(aiominio.AiominioError) as exc:
        await cr.IMDSProvider(server.url).retrieve()
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc.value]
    while todo:
        each = todo.pop()
        if each is None or any(each is s for s in seen):
            continue
        seen.append(each)
        todo += [each.__cause__, each.__context__]
        texts = [repr(each), str(each), *map(repr, each.args), *map(repr, vars(each).values())]
        assert not [t for t in texts if IMDS_TOKEN in t], type(each)

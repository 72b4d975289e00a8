"""Container credentials (ECS, EKS Pod Identity) from a fake container agent: an aiohttp server
on loopback that this test runs in place of the real agent, handing out the keys of the
session's SeaweedFS, so that what it serves signs real requests."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from aiominio.errors import InvalidResponseError
from tests.integration.conftest import StartWebServer, WebServer, unique_bucket
from tests.unit.credentials.test_basic import assert_no_secret

AGENT_TOKEN = "eks-pod-identity-token-value"
PATH = "/v1/credentials"


@dataclass
class FakeAgent:
    """A fake container agent: the ECS / EKS Pod Identity protocol, serving ``keys`` (without a
    session token: SeaweedFS refuses one with its static keys) for ``lifetime``, to requests
    that carry ``token`` in their Authorization header."""

    keys: tuple[str, str]
    token: str = AGENT_TOKEN
    lifetime: timedelta = timedelta(hours=6)
    fetches: int = 0
    tokens_seen: list[str | None] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.tokens_seen.append(request.headers.get("Authorization"))
        if request.headers.get("Authorization") != self.token:
            refusal = {"code": "AccessDeniedException", "message": "bad token"}
            return web.json_response(refusal, status=401)
        self.fetches += 1
        await asyncio.sleep(0.05)  # every request of a burst is waiting when it answers
        expires = datetime.now(timezone.utc) + self.lifetime
        return web.json_response(
            {
                "AccessKeyId": self.keys[0],
                "SecretAccessKey": self.keys[1],
                "Expiration": expires.isoformat().replace("+00:00", "Z"),
                "AccountId": "123456789012",
            }
        )


@pytest.fixture
async def agent(
    web_server: StartWebServer, seaweedfs_server: testing.LocalServer
) -> tuple[WebServer, FakeAgent]:
    fake = FakeAgent((seaweedfs_server.access_key, seaweedfs_server.secret_key))
    return await web_server(web.get(PATH, fake.handle)), fake


async def test_the_default_chain_signs_with_the_agents_keys(
    agent: tuple[WebServer, FakeAgent],
    seaweedfs_server: testing.LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, fake = agent
    token_file = tmp_path / "eks-pod-identity-token"
    token_file.write_text(AGENT_TOKEN + "\n")
    # As EKS Pod Identity sets them (with the fake agent on loopback in place of 169.254.170.23).
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url + PATH)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(token_file))
    async with aiominio.Client(seaweedfs_server.endpoint) as client:
        name = unique_bucket("container")
        await client.make_bucket(name)
        await client.put_object(name, "k", b"from the container's role")
        async with client.get_object(name, "k") as got:
            assert await got.read() == b"from the container's role"
        await client.remove_object(name, "k")
        await client.remove_bucket(name)
    assert fake.fetches == 1 and fake.tokens_seen == [AGENT_TOKEN]


async def test_fifty_requests_in_an_expired_window_fetch_once(
    agent: tuple[WebServer, FakeAgent], seaweedfs_server: testing.LocalServer
) -> None:
    server, fake = agent
    fake.lifetime = timedelta(seconds=2)  # refreshed halfway: due after a second
    provider = cr.ContainerProvider(full_uri=server.url + PATH, authorization_token=AGENT_TOKEN)
    async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
        await asyncio.gather(*(client.list_buckets() for _ in range(50)))
        assert fake.fetches == 1
        await asyncio.sleep(1.1)  # now due: every request of the next burst finds them so
        await asyncio.gather(*(client.list_buckets() for _ in range(50)))
        assert fake.fetches == 2 and provider.refreshes == 2


async def test_a_relative_uri_from_the_agent_base(
    agent: tuple[WebServer, FakeAgent], seaweedfs_server: testing.LocalServer
) -> None:
    server, _ = agent
    env = {
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": PATH,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": AGENT_TOKEN,
    }
    provider = cr.ContainerProvider(environ=env, base_url=server.url)
    creds = await provider.retrieve()
    assert creds is not None and creds.access_key == seaweedfs_server.access_key
    assert server.paths() == [PATH]


async def test_a_wrong_token_is_refused_and_not_repeated(
    agent: tuple[WebServer, FakeAgent],
) -> None:
    server, _ = agent
    provider = cr.ContainerProvider(full_uri=server.url + PATH, authorization_token="wrong")
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value) == (
        "the container credentials agent at 127.0.0.1 refused (HTTP 401): "
        "AccessDeniedException bad token"
    )
    assert len(server.received) == 1


async def test_an_agent_that_fails_is_tried_again(web_server: StartWebServer) -> None:
    answers = [web.HTTPServiceUnavailable, web.HTTPInternalServerError]

    async def flaky(request: web.Request) -> web.Response:
        if answers:
            raise answers.pop(0)()
        return web.json_response({"AccessKeyId": "AK", "SecretAccessKey": "SK"})

    server = await web_server(web.get(PATH, flaky))
    creds = await cr.ContainerProvider(full_uri=server.url + PATH).retrieve()
    assert creds == cr.Credentials("AK", "SK") and len(server.received) == 3


async def test_a_hostile_agent_cannot_send_gigabytes(web_server: StartWebServer) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        try:
            for _ in range(16 * 1024):  # a GiB, if nobody stopped reading
                await response.write(b"x" * 65536)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: as it should
        return response

    async def announced(request: web.Request) -> web.Response:
        return web.Response(body=b"{}", headers={"Content-Length": str(2**40)})

    server = await web_server(web.get(PATH, endless), web.get("/announced", announced))
    started = time.monotonic()
    with pytest.raises(InvalidResponseError, match="262,144"):
        await cr.ContainerProvider(full_uri=server.url + PATH).retrieve()
    with pytest.raises(InvalidResponseError, match="262,144"):
        await cr.ContainerProvider(full_uri=server.url + "/announced").retrieve()
    assert time.monotonic() - started < 10


async def test_a_silent_agent_times_out(web_server: StartWebServer) -> None:
    async def silent(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    server = await web_server(web.get(PATH, silent))
    provider = cr.ContainerProvider(full_uri=server.url + PATH, timeout=0.2, attempts=2)
    started = time.monotonic()
    with pytest.raises(cr.CredentialsError, match="did not answer 2 times"):
        await provider.retrieve()
    assert time.monotonic() - started < 3 and len(server.received) == 2


async def test_a_connection_cut_holds_no_token(web_server: StartWebServer) -> None:
    async def cut(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()  # the connection breaks with the token sent
        return web.Response()

    server = await web_server(web.get(PATH, cut))
    provider = cr.ContainerProvider(full_uri=server.url + PATH, authorization_token=AGENT_TOKEN)
    with pytest.raises(aiominio.AiominioError) as exc:
        await provider.retrieve()
    assert_no_secret(exc.value, AGENT_TOKEN)
    # A broken connection is tried again: three attempts (aiohttp repeats each GET once more).
    assert len(server.received) in (3, 6)

"""Client behaviour that needs no server: construction, repr, secrets. (Bad constructor
arguments are in the table of test_bad_input.)"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import aiominio
from aiominio.credentials import Credentials
from aiominio.testing import MockRequest, MockResponse, MockTransport

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session-token-value-123"


def test_repr_hides_secrets() -> None:
    c = aiominio.Client("localhost:9000", access_key="AK", secret_key=SECRET, session_token=TOKEN)
    creds = Credentials("AK", SECRET, TOKEN)
    for text in (repr(c), str(c), repr(creds), str(creds)):
        assert SECRET not in text and TOKEN not in text
    assert "AK" in repr(creds)


def test_constructing_outside_a_loop_creates_no_session(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiohttp cannot make a session outside a running loop; the client makes its own on first
    # use, inside the loop that uses it.
    made: list[object] = []
    original = aiohttp.ClientSession.__init__

    def counting_init(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(aiohttp.ClientSession, "__init__", counting_init)
    c = aiominio.Client("localhost:9000", secure=False)
    assert made == []
    assert not c.closed
    assert c.endpoint.port == 9000 and not c.endpoint.secure


def test_public_names_sorted() -> None:
    assert aiominio.__all__ == sorted(aiominio.__all__)
    for name in aiominio.__all__:
        assert hasattr(aiominio, name)


# -- the User-Agent ----------------------------------------------------------------------------


def _ok(request: MockRequest) -> MockResponse:
    return MockResponse(200)


async def test_the_user_agent_names_aiominio_and_the_app() -> None:
    plain = MockTransport(_ok)
    anonymous = aiominio.StaticProvider(None)
    async with aiominio.Client(
        "http://s3.test", region="us-east-1", credentials=anonymous, transport=plain
    ) as c:
        await c.bucket_exists("bucket")
    agent = plain.requests[0].header("User-Agent")
    assert agent == f"aiominio/{aiominio.__version__} (Python {platform.python_version()})"

    transport = MockTransport(_ok)
    async with aiominio.Client(
        "http://s3.test",
        access_key="AK",
        secret_key=SECRET,
        region="us-east-1",
        app_info=("photo-sync", "2.3"),
        transport=transport,
    ) as c:
        await c.bucket_exists("bucket")
        await c.with_options(retry=aiominio.RetryPolicy(1)).bucket_exists("bucket")
    assert [r.header("User-Agent") for r in transport.requests] == [f"{agent} photo-sync/2.3"] * 2
    # Unsigned, as in botocore: a proxy that rewrites it breaks no signature.
    signed = transport.requests[0].header("Authorization") or ""
    assert "user-agent" not in signed.split("SignedHeaders=")[1]


def test_bad_app_info_is_refused_before_anything_else() -> None:
    with pytest.raises(aiominio.InvalidArgument, match="app_info's version"):
        aiominio.Client("http://s3.test", app_info=("app", "1\r\nX-Injected: yes"))


# -- the endpoint and region of the environment --------------------------------------------------


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS variable set, HOME in a fresh directory; returns the config file's path (not
    written)."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "MINIO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws").mkdir()
    return tmp_path / ".aws" / "config"


def test_no_endpoint_and_nothing_configured_is_amazon_s3(environment: Path) -> None:
    c = aiominio.Client()
    assert (c.endpoint.scheme, c.endpoint.host, c.endpoint.port) == (
        "https",
        "s3.amazonaws.com",
        443,
    )
    assert c.requester.region is None  # each bucket's region discovered, as before
    regional = aiominio.Client(region="eu-west-1")
    assert regional.endpoint.host == "s3.eu-west-1.amazonaws.com"
    assert regional.requester.region == "eu-west-1"


def test_the_exports_of_testing_serve_are_all_client_needs(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:31337"),
        ("AWS_ACCESS_KEY_ID", "user-key"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    c = aiominio.Client()
    assert repr(c) == "Client(endpoint=http://127.0.0.1:31337, region='us-east-1')"
    assert not c.endpoint.secure


async def test_the_configured_endpoint_is_where_requests_go(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment.write_text(
        "[profile dev]\nregion = eu-west-3\nendpoint_url = http://profile.test:9000\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "dev")
    transport = MockTransport(_ok)
    async with aiominio.Client(access_key="AK", secret_key=SECRET, transport=transport) as c:
        await c.bucket_exists("bucket")
    (sent,) = transport.requests
    assert sent.url == "http://profile.test:9000/bucket"
    assert "/eu-west-3/s3/aws4_request" in (sent.header("Authorization") or "")


def test_an_explicit_endpoint_takes_no_region_from_the_environment(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://env.test")
    c = aiominio.Client("http://given.test")
    assert c.endpoint.host == "given.test" and c.requester.region is None
    assert aiominio.Client(region="ap-south-1").requester.region == "ap-south-1"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AWS_ENDPOINT_URL", "http://h:9000/path", "^AWS_ENDPOINT_URL: endpoint must not have"),
        ("AWS_ENDPOINT_URL_S3", "ftp://h", "^AWS_ENDPOINT_URL_S3: endpoint scheme"),
        ("AWS_REGION", "Not A Region", "^AWS_REGION: invalid region name"),
        ("AWS_DEFAULT_REGION", "x y", "^AWS_DEFAULT_REGION: invalid region name"),
    ],
)
def test_a_bad_configured_value_names_where_it_came_from(
    environment: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(aiominio.InvalidArgument, match=message):
        aiominio.Client()


def test_secure_false_contradicts_an_https_configured_endpoint(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://h")
    with pytest.raises(aiominio.InvalidArgument, match=r"^AWS_ENDPOINT_URL: secure=False"):
        aiominio.Client(secure=False)
    assert aiominio.Client(port=8443).endpoint.port == 8443


async def test_the_environments_region_is_a_default_a_bucket_elsewhere_corrects(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://env.test")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")

    def handler(request: MockRequest) -> MockResponse:
        signed = request.header("Authorization") or ""
        if request.path.startswith("/elsewhere") and "/eu-west-3/" in signed:
            body = (
                b"<Error><Code>AuthorizationHeaderMalformed</Code>"
                b"<Region>ap-south-1</Region></Error>"
            )
            return MockResponse(400, {}, body)
        return MockResponse(200, {}, b"<Tagging><TagSet/></Tagging>")

    transport = MockTransport(handler)
    async with aiominio.Client(access_key="AK", secret_key=SECRET, transport=transport) as c:
        await c.make_bucket("here")
        assert await c.get_bucket_tags("elsewhere") == {}
        assert await c.get_bucket_tags("elsewhere") == {}
    scopes = [
        (r.method, r.path, (r.header("Authorization") or "").split("/")[2])
        for r in transport.requests
    ]
    assert scopes == [
        ("PUT", "/here", "eu-west-3"),  # made in the environment's region, no lookup asked
        ("GET", "/elsewhere", "eu-west-3"),
        ("GET", "/elsewhere", "ap-south-1"),  # the server's word corrects the default
        ("GET", "/elsewhere", "ap-south-1"),
    ]
    assert b"<LocationConstraint>eu-west-3</LocationConstraint>" in transport.requests[0].body

"""Credential providers that need no server: environment, shared files, the chain, and the
refresh logic (driven by an in-test fake fetcher, since the point is concurrency, not HTTP)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aiominio import credentials as cr
from aiominio.errors import InvalidArgument, InvalidResponseError

SECRET = "very-secret-key-value"
TOKEN = "very-secret-session-token"


async def test_shared_files_and_profiles(tmp_path: Path) -> None:
    creds_file = tmp_path / "credentials"
    config_file = tmp_path / "config"
    creds_file.write_text(
        "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = sdefault\n\n"
        "[work]\naws_access_key_id = AKWORK\naws_secret_access_key = swork\n"
        "aws_session_token = twork\n"
    )
    config_file.write_text(
        "[profile other]\naws_access_key_id = AKOTHER\naws_secret_access_key = sother\n"
    )
    env = {"HOME": str(tmp_path)}

    async def get(profile: str | None, **extra: str) -> cr.Credentials | None:
        provider = cr.SharedFileProvider(
            profile, credentials_file=creds_file, config_file=config_file, environ=env | extra
        )
        return await provider.retrieve()

    assert await get(None) == cr.Credentials("AKDEFAULT", "sdefault")
    assert await get("work") == cr.Credentials("AKWORK", "swork", "twork")
    assert await get("other") == cr.Credentials("AKOTHER", "sother")
    assert await get(None, AWS_PROFILE="work") == cr.Credentials("AKWORK", "swork", "twork")
    assert await get("missing") is None
    nothing = cr.SharedFileProvider(environ={"HOME": str(tmp_path / "empty")})
    assert await nothing.retrieve() is None


async def test_chain_order_and_anonymous(tmp_path: Path) -> None:
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n"
    )
    env = {"HOME": str(tmp_path)}
    assert (await cr.default_chain(environ=env).retrieve()) == cr.Credentials(
        "FILEKEY", "filesecret"
    )
    env_first = env | {"AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret"}
    found = await cr.default_chain(environ=env_first).retrieve()
    assert found is not None and found.access_key == "ENVKEY"
    minio = {"HOME": str(tmp_path / "none"), "MINIO_ACCESS_KEY": "m", "MINIO_SECRET_KEY": "n"}
    assert await cr.default_chain(environ=minio).retrieve() == cr.Credentials("m", "n")
    assert await cr.default_chain(environ={"HOME": str(tmp_path / "none")}).retrieve() is None


@dataclass
class FakeAnswer:
    status: int
    body: bytes


def sts_body(tag: str, key: str, expires: datetime) -> bytes:
    return (
        f"<{tag}Response><{tag}Result><Credentials><AccessKeyId>{key}</AccessKeyId>"
        f"<SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}</SessionToken>"
        f"<Expiration>{expires.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
        f"</Credentials></{tag}Result></{tag}Response>"
    ).encode()


async def test_refresh_once_under_concurrency(tmp_path: Path) -> None:
    calls = 0
    lifetime = timedelta(minutes=10)

    async def fake_fetch(method: str, url: str, **kwargs: object) -> FakeAnswer:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # every waiter piles up behind the one refresh
        expires = datetime.now(timezone.utc) + lifetime
        return FakeAnswer(200, sts_body("AssumeRoleWithWebIdentity", f"ASIA{calls}", expires))

    token = tmp_path / "token"
    token.write_text("oidc-token")
    provider = cr.WebIdentityProvider(
        "http://sts.invalid", "arn:aws:iam::1:role/r", token, fetch=fake_fetch
    )
    results = await asyncio.gather(*(provider.retrieve() for _ in range(100)))
    assert calls == 1 and {r.access_key if r else None for r in results} == {"ASIA1"}
    # Within the refresh margin of the expiry: one more fetch, again shared.
    lifetime = timedelta(minutes=2)
    provider._refresh_at = datetime.now(timezone.utc)  # as if the margin had been reached
    results = await asyncio.gather(*(provider.retrieve() for _ in range(50)))
    assert calls == 2 and {r.access_key if r else None for r in results} == {"ASIA2"}
    # Credentials living less than the margin are still reused, until half their life is over.
    results = await asyncio.gather(*(provider.retrieve() for _ in range(50)))
    assert calls == 2 and provider.refreshes == 2
    assert {r.access_key if r else None for r in results} == {"ASIA2"}


@pytest.mark.parametrize(
    ("status", "body", "expected", "match"),
    [
        (
            403,
            b"<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>"
            b"</ErrorResponse>",
            cr.CredentialsError,
            "AccessDenied",
        ),
        # A 200 without the keys is a malformed answer, not a refusal.
        (
            200,
            b"<AssumeRoleResponse><AssumeRoleResult><Credentials><SessionToken>t</SessionToken>"
            b"</Credentials></AssumeRoleResult></AssumeRoleResponse>",
            InvalidResponseError,
            "AccessKeyId",
        ),
    ],
)
async def test_sts_errors_are_typed(
    status: int, body: bytes, expected: type[Exception], match: str
) -> None:
    async def refusing(method: str, url: str, **kwargs: object) -> FakeAnswer:
        return FakeAnswer(status, body)

    provider = cr.AssumeRoleProvider(
        "http://sts.invalid",
        cr.StaticProvider(cr.Credentials("a", "b")),
        "arn:aws:iam::1:role/r",
        fetch=refusing,
    )
    with pytest.raises(expected, match=match):
        await provider.retrieve()


@pytest.mark.parametrize(
    "document",
    [
        b"{not json",
        b"[1, 2]",
        b'{"AccessKeyId": "AKID"}',
        b'{"AccessKeyId": 5, "SecretAccessKey": "s"}',
        b'{"AccessKeyId": "a", "SecretAccessKey": "s", "Expiration": "soon"}',
        b'{"AccessKeyId": "a", "SecretAccessKey": "s", "Token": ["t"]}',
    ],
)
async def test_malformed_imds_answers_are_invalid_responses(document: bytes) -> None:
    async def imds(method: str, url: str, **kwargs: object) -> FakeAnswer:
        if url.endswith("/api/token"):
            return FakeAnswer(200, b"session-token")
        if url.endswith("/security-credentials/"):
            return FakeAnswer(200, b"the-role\n")
        return FakeAnswer(200, document)

    provider = cr.IMDSProvider("http://imds.invalid", fetch=imds)
    with pytest.raises(InvalidResponseError):
        await provider.retrieve()


def test_secrets_hidden_everywhere() -> None:
    creds = cr.Credentials("AKID", SECRET, TOKEN, datetime(2030, 1, 1, tzinfo=timezone.utc))
    providers = [
        cr.StaticProvider(creds),
        cr.EnvironmentProvider(),
        cr.ChainProvider([cr.StaticProvider(creds)]),
        cr.AssumeRoleProvider("http://sts", cr.StaticProvider(creds), "arn:aws:iam::1:role/r"),
    ]
    for text in [repr(creds), str(creds), *map(repr, providers)]:
        assert SECRET not in text and TOKEN not in text
    with pytest.raises(InvalidArgument):
        cr.Credentials("", "x")

"""The providers that ask a server (:mod:`aiominio.credentials.remote`): STS's AssumeRole and
AssumeRoleWithWebIdentity and the instance metadata service (IMDS), each driven by an in-test
fake fetcher: one refresh for many callers, typed errors, the values checked before they are
used or sent back, and no secret reachable from the error of a provider that failed."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from aiominio import credentials as cr
from aiominio.errors import InvalidResponseError
from tests.unit.credentials.test_basic import (
    BREAKERS,
    SECRET,
    TOKEN,
    assert_no_secret,
    burst,
    run_in_threads,
)


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


# -- what the providers' answers may hold: they go into headers --------------------------------


@dataclass
class Sent:
    method: str
    url: str
    headers: dict[str, str]


def fake_imds(
    session: bytes = b"imds-session", roles: bytes = b"the-role\n", document: bytes = b"{}"
) -> tuple[cr.Fetch, list[Sent]]:
    sent: list[Sent] = []

    async def fetch(method: str, url: str, **kwargs: object) -> FakeAnswer:
        headers = kwargs.get("headers") or {}
        assert isinstance(headers, dict)
        sent.append(Sent(method, url, dict(headers)))
        if url.endswith("/api/token"):
            return FakeAnswer(200, session)
        if url.endswith("/security-credentials/"):
            return FakeAnswer(200, roles)
        return FakeAnswer(200, document)

    return fetch, sent


def imds_document(**fields: str) -> str:
    return json.dumps({"AccessKeyId": "ASIA", "SecretAccessKey": SECRET, "Token": TOKEN} | fields)


@pytest.mark.parametrize("char", BREAKERS)
async def test_imds_values_are_checked_before_they_are_sent(char: str) -> None:
    # A session token that would break the header it is sent back in: nothing more is asked.
    fetch, sent = fake_imds(session=f"imds{char}x-injected: 1".encode())
    with pytest.raises(cr.CredentialsError, match=r"^IMDS: the session token may hold only "):
        await cr.IMDSProvider("http://imds.invalid", fetch=fetch).retrieve()
    assert [s.method for s in sent] == ["PUT"]
    for field in ("AccessKeyId", "SecretAccessKey", "Token"):
        fetch, sent = fake_imds(document=imds_document(**{field: f"v{char}"}).encode())
        with pytest.raises(cr.CredentialsError, match=r"^IMDS gave unusable credentials: ") as exc:
            await cr.IMDSProvider("http://imds.invalid", fetch=fetch).retrieve()
        assert_no_secret(exc.value, SECRET, TOKEN)


@pytest.mark.parametrize("role", [b"..", b"a/../b", b"r?x=1", b"r#f", b"r%2F", "rôle".encode()])
async def test_imds_role_names_that_would_change_the_url(role: bytes) -> None:
    fetch, sent = fake_imds(roles=role)
    with pytest.raises(cr.CredentialsError, match=r"^IMDS named an instance role that is no "):
        await cr.IMDSProvider("http://imds.invalid", fetch=fetch).retrieve()
    assert len(sent) == 2  # the role's credentials were not asked for


@pytest.mark.parametrize("char", ["\n", "\r", "é", "\u2028"])
@pytest.mark.parametrize("field", ["AccessKeyId", "SecretAccessKey", "SessionToken"])
async def test_sts_values_are_checked(field: str, char: str) -> None:
    escaped = {"\r": "&#13;"}.get(char, char)  # XML parsers turn a raw CR into LF
    body = sts_body("AssumeRole", "ASIA", datetime.now(timezone.utc) + timedelta(hours=1))
    good = {"AccessKeyId": "ASIA", "SecretAccessKey": SECRET, "SessionToken": TOKEN}[field]
    body = body.replace(f"{good}</{field}>".encode(), f"{good}{escaped}</{field}>".encode())

    async def sts(method: str, url: str, **kwargs: object) -> FakeAnswer:
        return FakeAnswer(200, body)

    source = cr.StaticProvider(cr.Credentials("a", "b"))
    provider = cr.AssumeRoleProvider(
        "http://sts.invalid", source, "arn:aws:iam::1:role/r", fetch=sts
    )
    with pytest.raises(cr.CredentialsError, match=r"^STS gave unusable credentials: ") as exc:
        await provider.retrieve()
    assert_no_secret(exc.value, SECRET, TOKEN)


# -- no secret reachable from the error of a provider that failed ---------------------------------

SOURCE_SECRET = "source-secret-key-value"
SOURCE_TOKEN = "source-session-token-value"
OIDC = "eyJhbGciOiJSUzI1NiJ9.oidc-token-value.sig"


async def test_sts_errors_hold_no_secret(tmp_path: Path) -> None:
    answers: list[FakeAnswer] = [
        # A refusal that quotes what it refused.
        FakeAnswer(
            400,
            b"<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad token "
            + f"{OIDC} for {SOURCE_TOKEN}</Message></Error></ErrorResponse>".encode(),
        ),
        # Malformed answers that hold the new keys.
        FakeAnswer(200, sts_body("X", "ASIA", datetime(2030, 1, 1))[:-20]),
        FakeAnswer(200, b"<AssumeRoleResponse>" + SECRET.encode() + b"<<" + TOKEN.encode()),
        FakeAnswer(200, b"<!DOCTYPE x [<!ENTITY e 'x'>]><a>" + SECRET.encode() + b"</a>"),
    ]
    token_file = tmp_path / "token"
    token_file.write_text(OIDC)
    for answer in answers:

        async def sts(
            method: str, url: str, answer: FakeAnswer = answer, **kw: object
        ) -> FakeAnswer:
            return answer

        source = cr.StaticProvider(cr.Credentials("AKSRC", SOURCE_SECRET, SOURCE_TOKEN))
        # Each provider's own secrets (what it sent) and the keys it was answered with.
        providers: list[tuple[cr.RefreshingProvider, tuple[str, ...]]] = [
            (
                cr.AssumeRoleProvider(
                    "http://sts.invalid", source, "arn:aws:iam::1:role/r", fetch=sts
                ),
                (SOURCE_SECRET, SOURCE_TOKEN),
            ),
            (
                cr.WebIdentityProvider(
                    "http://sts.invalid", "arn:aws:iam::1:role/r", token_file, fetch=sts
                ),
                (OIDC,),
            ),
        ]
        for provider, sent in providers:
            with pytest.raises((cr.CredentialsError, InvalidResponseError)) as exc:
                await provider.retrieve()
            assert_no_secret(exc.value, SECRET, TOKEN, *sent)


async def test_sts_refusal_quoting_the_token_is_cut(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(OIDC + "\n")

    async def sts(method: str, url: str, **kwargs: object) -> FakeAnswer:
        message = f"<Message>token {OIDC} refused</Message>"
        return FakeAnswer(
            400, f"<ErrorResponse><Error><Code>X</Code>{message}</Error></ErrorResponse>".encode()
        )

    provider = cr.WebIdentityProvider(
        "http://sts.invalid", "arn:aws:iam::1:role/r", token_file, fetch=sts
    )
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value) == "STS refused: X (HTTP 400) token <hidden> refused"


async def test_web_identity_token_file_errors_hold_no_token(tmp_path: Path) -> None:
    async def never(method: str, url: str, **kwargs: object) -> FakeAnswer:
        raise AssertionError("nothing may be sent")

    token_file = tmp_path / "token"
    token_file.write_bytes(OIDC.encode() + b"\xff\xfe")  # not UTF-8: the decode error holds it
    provider = cr.WebIdentityProvider(
        "http://sts.invalid", "arn:aws:iam::1:role/r", token_file, fetch=never
    )
    with pytest.raises(
        cr.CredentialsError, match=r"^cannot read the web identity token file "
    ) as exc:
        await provider.retrieve()
    assert_no_secret(exc.value, OIDC)
    token_file.write_text(" \n")
    with pytest.raises(cr.CredentialsError, match=r" is empty$"):
        await provider.retrieve()
    missing = cr.WebIdentityProvider(
        "http://sts.invalid", "arn:aws:iam::1:role/r", tmp_path / "no", fetch=never
    )
    with pytest.raises(cr.CredentialsError, match=r"FileNotFoundError No such file"):
        await missing.retrieve()


@pytest.mark.parametrize(
    "document",
    [
        f'{{"AccessKeyId": "ASIA", "SecretAccessKey": "{SECRET}", "Token": "{TOKEN}"'.encode(),
        f'{{"SecretAccessKey": "{SECRET}", "Token": "{TOKEN}"}}'.encode(),
        f'{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Expiration": "soon"}}'.encode(),
        f'{{"Code": "Failure", "SecretAccessKey": "{SECRET}"}}'.encode(),
    ],
)
async def test_imds_errors_hold_no_secret(document: bytes) -> None:
    fetch, _ = fake_imds(session=b"imds-session-secret", document=document)
    with pytest.raises((cr.CredentialsError, InvalidResponseError)) as exc:
        await cr.IMDSProvider("http://imds.invalid", fetch=fetch).retrieve()
    assert_no_secret(exc.value, SECRET, TOKEN, "imds-session-secret")


# -- one provider, many event loops -------------------------------------------------------------


def test_real_providers_from_two_loops(tmp_path: Path) -> None:
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    imds_fetch, sent = fake_imds(document=imds_document(Expiration=later).encode())

    async def slow_imds(method: str, url: str, **kwargs: Any) -> FakeAnswer:
        await asyncio.sleep(0.02)  # every caller of a burst waits on the lock
        answer: FakeAnswer = await imds_fetch(method, url, **kwargs)
        return answer

    token_file = tmp_path / "token"
    token_file.write_text(OIDC)

    async def slow_sts(method: str, url: str, **kwargs: object) -> FakeAnswer:
        await asyncio.sleep(0.02)
        return FakeAnswer(200, sts_body("AssumeRoleWithWebIdentity", "ASIA", datetime(2099, 1, 1)))

    imds = cr.IMDSProvider("http://imds.invalid", fetch=slow_imds)
    web = cr.WebIdentityProvider("http://sts", "arn:aws:iam::1:role/r", token_file, fetch=slow_sts)
    providers: list[cr.RefreshingProvider] = [imds, web]
    for provider in providers:
        for _ in range(2):
            provider._refresh_at = datetime.now(timezone.utc)  # due: this loop refreshes
            asyncio.run(burst(provider))
        provider._refresh_at = datetime.now(timezone.utc)
        run_in_threads(2, lambda p=provider: asyncio.run(burst(p)))
        assert 3 <= provider.refreshes <= 4  # once per loop's burst, however many callers
    assert len(sent) == 3 * imds.refreshes

"""Credential providers that need no server: environment, shared files, the chain, and the
refresh logic (driven by an in-test fake fetcher, since the point is concurrency, not HTTP)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from aiominio import credentials as cr
from aiominio.errors import InvalidArgument, InvalidResponseError
from tests.chains import reachable

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


# -- what credentials may hold: they go into headers --------------------------------------------

#: CR, LF, NUL (inside, or trailing as a line read from a file has it) and non-ASCII.
BREAKERS = ["\r", "\n", "\0", "\r\n", "é", "\u2028"]


def assert_no_secret(exc: BaseException, *secrets: str) -> None:
    """No secret in the repr, str, args or attributes of any exception reachable from ``exc``."""
    for each in reachable(exc):
        texts = [repr(each), str(each), *map(repr, each.args)]
        texts += [repr(value) for value in vars(each).values()]
        for secret in secrets:
            for text in texts:
                assert secret not in text, (type(each).__name__, text)


@pytest.mark.parametrize("char", BREAKERS)
@pytest.mark.parametrize("field", ["access_key", "secret_key", "session_token"])
def test_credentials_refuse_what_a_header_cannot_carry(field: str, char: str) -> None:
    values = {"access_key": "AKID", "secret_key": SECRET, "session_token": TOKEN}
    values[field] += char  # a trailing newline too: what reading a file leaves
    with pytest.raises(InvalidArgument) as exc:
        cr.Credentials(**values)
    assert str(exc.value).startswith(f"{field} may hold only visible ASCII, spaces and tabs: ")
    assert str(exc.value).endswith(f"{char[0]!a} at position {len(values[field]) - len(char)}")
    assert_no_secret(exc.value, SECRET, TOKEN)
    values[field] = f"{char}{values[field]}"
    with pytest.raises(InvalidArgument, match=f"^{field} "):
        cr.Credentials(**values)


async def test_environment_and_files_with_unusable_values(tmp_path: Path) -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": SECRET}
    with pytest.raises(cr.CredentialsError) as exc:
        await cr.EnvironmentProvider(env | {"AWS_SESSION_TOKEN": TOKEN + "\n"}).retrieve()
    assert str(exc.value) == (
        "the environment (AWS_*) gave unusable credentials: session_token may hold only "
        f"visible ASCII, spaces and tabs: '\\n' at position {len(TOKEN)}"
    )
    assert_no_secret(exc.value, SECRET, TOKEN)
    minio = {"MINIO_ACCESS_KEY": "mé", "MINIO_SECRET_KEY": SECRET}
    with pytest.raises(cr.CredentialsError, match=r"^the environment \(MINIO_\*\) gave "):
        await cr.EnvironmentProvider(minio).retrieve()
    creds_file = tmp_path / "credentials"
    creds_file.write_text(
        f"[default]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}é\n"
    )
    provider = cr.SharedFileProvider(credentials_file=creds_file, environ={"HOME": str(tmp_path)})
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value).startswith(f"profile 'default' of {creds_file} gave unusable ")
    assert "secret_key" in str(exc.value)
    assert_no_secret(exc.value, SECRET)


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
    "content",
    [
        # Not UTF-8: the decode error holds the file's bytes.
        f"[default]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\n".encode()
        + b"\xff",
        # A line the parser cannot read: its error quotes the line.
        f"[default]\naws_access_key_id = AKID\n{SECRET}\n".encode(),
        f"aws_secret_access_key = {SECRET}\n".encode(),
        f"[default]\naws_secret_access_key = {SECRET}\naws_secret_access_key = {TOKEN}\n".encode(),
    ],
)
async def test_shared_file_errors_hold_no_secret(tmp_path: Path, content: bytes) -> None:
    creds_file = tmp_path / "credentials"
    creds_file.write_bytes(content)
    provider = cr.SharedFileProvider(credentials_file=creds_file, environ={"HOME": str(tmp_path)})
    with pytest.raises(cr.CredentialsError, match=r"^cannot parse ") as exc:
        await provider.retrieve()
    assert_no_secret(exc.value, SECRET, TOKEN)


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


class SlowProvider(cr.RefreshingProvider):
    """Fetches take a while, so that every concurrent caller waits on the lock."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches = 0

    async def _fetch(self) -> cr.Credentials:
        self.fetches += 1
        number = self.fetches
        await asyncio.sleep(0.05)
        return cr.Credentials(
            f"AK{number}", SECRET, expiration=datetime.now(timezone.utc) + timedelta(hours=1)
        )


async def burst(provider: cr.CredentialsProvider, n: int = 20) -> set[str | None]:
    results = await asyncio.gather(*(provider.retrieve() for _ in range(n)))
    return {r.access_key if r else None for r in results}


def test_a_provider_serves_one_loop_after_another() -> None:
    provider = SlowProvider()
    assert asyncio.run(burst(provider)) == {"AK1"}
    provider._refresh_at = datetime.now(timezone.utc)  # due again: the next loop refreshes
    assert asyncio.run(burst(provider)) == {"AK2"}  # one refresh for the whole burst, again
    assert provider.fetches == 2
    assert asyncio.run(burst(provider)) == {"AK2"}  # cached, whatever the loop


def run_in_threads(count: int, work: Callable[[], set[str | None]]) -> list[set[str | None]]:
    """``work`` in ``count`` threads at once, each running its own event loop."""
    start = threading.Barrier(count)
    results: list[set[str | None]] = []
    failures: list[BaseException] = []

    def thread() -> None:
        start.wait()
        try:
            results.append(work())
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=thread) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    return results


def test_a_provider_serves_loops_in_threads_at_once() -> None:
    provider = SlowProvider()
    results = run_in_threads(2, lambda: asyncio.run(burst(provider)))
    # Each loop's callers share one refresh; the loops do not wait for each other, so a
    # caller may get the keys the other loop fetched (as valid as its own).
    assert provider.fetches <= 2
    assert set().union(*results) <= {"AK1", "AK2"}


def test_a_chain_serves_loops_in_threads_at_once() -> None:
    slow = SlowProvider()
    chain = cr.ChainProvider([cr.StaticProvider(None), slow])
    results = run_in_threads(2, lambda: asyncio.run(burst(chain)))
    assert slow.fetches <= 2 and set().union(*results) <= {"AK1", "AK2"}
    chain._chosen = None  # as if new: the chain is walked again, in yet another loop
    assert asyncio.run(burst(chain)) <= {"AK1", "AK2"}


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

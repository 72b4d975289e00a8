"""The credentials and the providers that need no server (:mod:`aiominio.credentials.basic`):
what :class:`~aiominio.credentials.Credentials` may hold (they go into headers), the environment
and shared files, the refresh logic every refreshing provider shares (one fetch for all the
callers waiting, in one event loop or several, whatever the fetch brings), and a provider of the
user's own."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aiominio import credentials as cr
from aiominio.errors import ConnectError, InvalidArgument
from tests.chains import reachable

SECRET = "very-secret-key-value"
TOKEN = "very-secret-session-token"


async def test_environment_provider() -> None:
    env = {"AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T"}
    creds = await cr.EnvironmentProvider(env).retrieve()
    assert creds == cr.Credentials("A", "S", "T")
    creds = await cr.EnvironmentProvider(
        {"MINIO_ACCESS_KEY": "m", "MINIO_SECRET_KEY": "n"}
    ).retrieve()
    assert creds == cr.Credentials("m", "n")
    assert await cr.EnvironmentProvider({}).retrieve() is None


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


# -- no secret reachable from the error of a provider that failed ---------------------------------


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


# -- the one refresh mechanism of every provider of temporary credentials ------------------------
# Fakes stand in for every server; each burst of 50 concurrent callers that finds the credentials
# due causes exactly one fetch, whatever it brings (credentials, credentials already due, an
# error) and whoever was cancelled. Then a provider of the user's own.

BURST = 50


@dataclass
class FakeAnswer:
    status: int
    body: bytes


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def sts_answer(action: str, expires: datetime) -> bytes:
    return (
        f"<{action}Response><{action}Result><Credentials><AccessKeyId>ASIA</AccessKeyId>"
        f"<SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}</SessionToken>"
        f"<Expiration>{stamp(expires)}</Expiration></Credentials></{action}Result>"
        f"</{action}Response>"
    ).encode()


def test_every_provider_of_temporary_credentials_refreshes_through_one_base() -> None:
    refreshing = [
        cr.AssumeRoleProvider,
        cr.WebIdentityProvider,
        cr.IMDSProvider,
        cr.ContainerProvider,
        cr.ProcessProvider,
        cr.LDAPIdentityProvider,
        cr.ClientGrantsProvider,
        cr.CustomTokenProvider,
        cr.CertificateIdentityProvider,
    ]
    for kind in refreshing:
        assert issubclass(kind, cr.RefreshingProvider)
        assert kind.retrieve is cr.RefreshingProvider.retrieve, kind  # none has its own
    exported = {getattr(cr, name) for name in cr.__all__}
    found = {k for k in exported if isinstance(k, type) and issubclass(k, cr.RefreshingProvider)}
    assert found == {*refreshing, cr.RefreshingProvider}


class Counter:
    """Counts the fetches that reach a fake server, each taking a while so that every caller
    of a burst is waiting when it ends."""

    def __init__(self, answer: Callable[[], FakeAnswer]) -> None:
        self.answer, self.fetches = answer, 0

    async def __call__(self, method: str, url: str, **kwargs: object) -> FakeAnswer:
        self.fetches += 1
        await asyncio.sleep(0.05)
        return self.answer()


ProviderFor = Callable[[Counter, Path], cr.RefreshingProvider]


def container(counter: Counter, tmp_path: Path) -> cr.RefreshingProvider:
    return cr.ContainerProvider(full_uri="http://127.0.0.1/creds", fetch=counter)


def ldap(counter: Counter, tmp_path: Path) -> cr.RefreshingProvider:
    return cr.LDAPIdentityProvider("https://minio", "alice", "password", fetch=counter)


def client_grants(counter: Counter, tmp_path: Path) -> cr.RefreshingProvider:
    return cr.ClientGrantsProvider("https://minio", lambda: "jwt", fetch=counter)


def web_identity(counter: Counter, tmp_path: Path) -> cr.RefreshingProvider:
    token = tmp_path / "token"
    token.write_text("oidc")
    return cr.WebIdentityProvider("http://sts", "arn:aws:iam::1:role/r", token, fetch=counter)


def answer_for(make: ProviderFor, expires: Callable[[], datetime]) -> Callable[[], FakeAnswer]:
    def answer() -> FakeAnswer:
        if make is container:
            doc = {"AccessKeyId": "ASIA", "SecretAccessKey": SECRET, "Token": TOKEN}
            return FakeAnswer(200, json.dumps(doc | {"Expiration": stamp(expires())}).encode())
        actions: dict[ProviderFor, str] = {
            ldap: "AssumeRoleWithLDAPIdentity",
            client_grants: "AssumeRoleWithClientGrants",
            web_identity: "AssumeRoleWithWebIdentity",
        }
        action = actions[make]
        return FakeAnswer(200, sts_answer(action, expires()))

    return answer


async def burst_of_50(provider: cr.CredentialsProvider) -> list[cr.Credentials | None]:
    return await asyncio.gather(*(provider.retrieve() for _ in range(BURST)))


@pytest.mark.parametrize("make", [container, ldap, client_grants, web_identity])
async def test_a_burst_in_an_expired_window_fetches_once(make: ProviderFor, tmp_path: Path) -> None:
    # The server hands out credentials that are already expired (its clock is behind, say):
    # they are due again the moment they arrive. Still one fetch per burst, not one per caller.
    counter = Counter(lambda: FakeAnswer(500, b""))
    counter.answer = answer_for(make, lambda: datetime.now(timezone.utc) - timedelta(seconds=5))
    provider = make(counter, tmp_path)
    found = await burst_of_50(provider)
    assert counter.fetches == 1 and len({id(c) for c in found}) == 1
    found = await burst_of_50(provider)  # a new burst finds them due: one more fetch, shared again
    assert counter.fetches == 2 and len({id(c) for c in found}) == 1
    # Credentials valid for an hour: fetched once, then served from the cache.
    counter.answer = answer_for(make, lambda: datetime.now(timezone.utc) + timedelta(hours=1))
    await burst_of_50(provider)
    await burst_of_50(provider)
    assert counter.fetches == 3 and provider.refreshes == 3


async def test_a_failed_fetch_is_every_waiters_failure() -> None:
    fetches = 0

    async def failing() -> cr.Credentials:
        nonlocal fetches
        fetches += 1
        await asyncio.sleep(0.05)
        raise ConnectError("the source is down")

    provider = cr.RefreshingProvider(failing)
    results = await asyncio.gather(
        *(provider.retrieve() for _ in range(BURST)), return_exceptions=True
    )
    assert fetches == 1
    assert all(isinstance(r, ConnectError) for r in results)
    # The traceback does not grow with each caller it is raised in.
    assert len({len(list(_frames(r))) for r in results if isinstance(r, BaseException)}) <= 2
    with pytest.raises(ConnectError):
        await provider.retrieve()  # a later caller tries again
    assert fetches == 2


def _frames(exc: BaseException) -> list[object]:
    tb, frames = exc.__traceback__, list[object]()
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return frames


async def test_a_cancelled_fetch_leaves_the_waiters_to_fetch() -> None:
    started, fetches = asyncio.Event(), 0

    async def fetch() -> cr.Credentials:
        nonlocal fetches
        fetches += 1
        if fetches == 1:
            started.set()
            await asyncio.sleep(3600)  # cancelled below
        return cr.Credentials("AK", SECRET, expiration=datetime.now(timezone.utc) + timedelta(1))

    provider = cr.RefreshingProvider(fetch)
    first = asyncio.ensure_future(provider.retrieve())
    await started.wait()
    waiters = asyncio.gather(*(provider.retrieve() for _ in range(BURST)))
    await asyncio.sleep(0)
    first.cancel()
    found = await waiters
    assert fetches == 2 and {c.access_key if c else None for c in found} == {"AK"}
    assert first.cancelled()


# -- a provider of the user's own ----------------------------------------------------------------


class VaultProvider:
    """What the credentials guide shows: any class with ``async def retrieve()``."""

    def __init__(self, read: Callable[[], Awaitable[dict[str, str]]]) -> None:
        self._read = read

    async def retrieve(self) -> cr.Credentials | None:
        secret = await self._read()
        return cr.Credentials(secret["access_key"], secret["secret_key"])


async def test_a_users_own_provider() -> None:
    async def read() -> dict[str, str]:
        return {"access_key": "AKVAULT", "secret_key": SECRET}

    mine = VaultProvider(read)
    assert isinstance(mine, cr.CredentialsProvider)  # no base class needed
    assert cr.provider_for(None, None, None, mine) is mine
    chain = cr.ChainProvider([cr.StaticProvider(None), mine])
    assert await chain.retrieve() == cr.Credentials("AKVAULT", SECRET)


async def test_a_users_own_fetch_refreshed_once() -> None:
    fetches = 0

    async def vault_credentials() -> cr.Credentials:
        nonlocal fetches
        fetches += 1
        await asyncio.sleep(0.05)
        expires = datetime.now(timezone.utc) + timedelta(hours=1)
        return cr.Credentials(f"AK{fetches}", SECRET, TOKEN, expires)

    provider = cr.RefreshingProvider(vault_credentials)
    assert repr(provider) == (
        "RefreshingProvider(fetch_credentials="
        "test_a_users_own_fetch_refreshed_once.<locals>.vault_credentials)"
    )
    assert {c.access_key if c else None for c in await burst_of_50(provider)} == {"AK1"}
    provider._refresh_at = datetime.now(timezone.utc)  # five minutes before the expiry
    assert {c.access_key if c else None for c in await burst_of_50(provider)} == {"AK2"}
    assert fetches == 2

    async def wrong() -> cr.Credentials:
        return {"access_key": "AK"}  # type: ignore[return-value]

    with pytest.raises(TypeError, match="must return Credentials, not dict"):
        await cr.RefreshingProvider(wrong).retrieve()
    with pytest.raises(NotImplementedError, match="pass fetch_credentials"):
        await cr.RefreshingProvider().retrieve()

"""The credentials and the providers that need no server (:mod:`aiominio.credentials.basic`):
what :class:`~aiominio.credentials.Credentials` may hold (they go into headers), the environment
and shared files, and the refresh logic every refreshing provider shares (one fetch for all the
callers waiting, in one event loop or several)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aiominio import credentials as cr
from aiominio.errors import InvalidArgument
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

"""Client behaviour that needs no server: construction, repr, secrets. (Bad constructor
arguments are in the table of test_bad_input.)"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

import aiominio
from aiominio.credentials import Credentials, EnvironmentProvider

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


async def test_environment_provider() -> None:
    env = {"AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T"}
    creds = await EnvironmentProvider(env).retrieve()
    assert creds == Credentials("A", "S", "T")
    creds = await EnvironmentProvider({"MINIO_ACCESS_KEY": "m", "MINIO_SECRET_KEY": "n"}).retrieve()
    assert creds == Credentials("m", "n")
    assert await EnvironmentProvider({}).retrieve() is None


def test_public_names_sorted() -> None:
    assert aiominio.__all__ == sorted(aiominio.__all__)
    for name in aiominio.__all__:
        assert hasattr(aiominio, name)


def test_default_timeouts_allow_long_transfers() -> None:
    t = aiominio.Timeouts()
    assert t.attempt is None, "an attempt timeout would cut off a 50 GB download"
    assert t.deadline is None, "a deadline would cut off a 50 GB download"
    assert t.read is not None and t.read > 0, "a stalled socket must still be caught"
    assert t.connect is not None and t.connect > 0


def test_timeouts_keep_their_old_positions() -> None:
    """``Timeouts(connect, read, total, pool)`` as before; the new bounds are keyword-only."""
    with pytest.warns(DeprecationWarning, match="deadline"):
        t = aiominio.Timeouts(30, 60, 120, 10)
    assert (t.connect, t.read, t.deadline, t.pool, t.attempt) == (30, 60, 120, 10, None)
    with pytest.raises(TypeError):
        aiominio.Timeouts(1, 2, 3, 4, 5)  # type: ignore[misc]
    for bad in (0, -1, float("nan")):
        with pytest.raises(aiominio.InvalidArgument, match=r"Timeouts\.deadline"):
            aiominio.Timeouts(deadline=bad)
    with pytest.raises(TypeError):
        aiominio.Timeouts(read="5")  # type: ignore[arg-type]

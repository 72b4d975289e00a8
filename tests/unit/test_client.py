"""Client behaviour that needs no server: construction, repr, secrets. (Bad constructor
arguments are in the table of test_bad_input.)"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

import aiominio
from aiominio.credentials import Credentials

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

"""Client behaviour that needs no server: construction, repr, secrets."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"access_key": "a"}, ValueError),
        ({"secret_key": "s"}, ValueError),
        ({"session_token": "t"}, ValueError),
        ({"region": "Not A Region"}, ValueError),
        ({"max_connections": 0}, ValueError),
        ({"max_connections": "8"}, TypeError),
        ({"addressing_style": "sideways"}, ValueError),
        ({"port": 70000}, ValueError),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, object], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        aiominio.Client("localhost", **kwargs)  # type: ignore[arg-type]


def test_constructing_outside_a_loop_creates_no_session() -> None:
    c = aiominio.Client("localhost:9000", secure=False)
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

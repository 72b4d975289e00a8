"""Fixtures of the command line's unit tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aiominio import Client, RetryPolicy
from aiominio.cli import main
from aiominio.cli.app import Settings
from aiominio.testing import MockRequest, MockResponse, MockTransport

Handler = Callable[[MockRequest], MockResponse]


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A closed port as the endpoint, keys in the environment and no saved aliases: a command
    that reached the network would fail with exit code 1, not 2 (and a test can check that the
    secret key is never shown)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-never-shown")
    monkeypatch.setenv("AIOMINIO_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def mock_s3(
    monkeypatch: pytest.MonkeyPatch, no_server: None
) -> Callable[[Handler], list[MockRequest]]:
    """``mock_s3(handler)`` makes every command's client answer through ``handler`` (over a
    :class:`~aiominio.testing.MockTransport` of its own, one attempt per request) and returns
    the list of the requests they send, in order."""

    def serve(handler: Handler) -> list[MockRequest]:
        sent: list[MockRequest] = []

        def keep(request: MockRequest) -> MockResponse:
            sent.append(request)
            return handler(request)

        def client(settings: Settings) -> Client:
            return Client(
                "http://s3.test",
                access_key="AKIAEXAMPLE",
                secret_key="secret-never-shown",
                region="us-east-1",
                retry=RetryPolicy(max_attempts=1),
                transport=MockTransport(keep),
            )

        monkeypatch.setattr(Settings, "client", client)
        return sent

    return serve


@pytest.fixture
def usage_error(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], str]:
    """``usage_error(argv)`` runs the command line, asserts it ended with a usage error (exit
    code 2), and returns what it wrote on stderr."""

    def run(argv: list[str]) -> str:
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        return capsys.readouterr().err

    return run

"""The options every command shares, as the library's values."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from aiominio import RetryPolicy, Timeouts
from aiominio.cli.app import Settings


def settings(
    *,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    deadline: float | None = None,
    max_attempts: int | None = None,
) -> Settings:
    return Settings(
        None,
        None,
        None,
        False,
        False,
        max_attempts,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
    )


def test_timeouts_not_given_keep_the_library_defaults() -> None:
    assert settings().timeouts() == Timeouts()
    assert settings().retry() is None


def test_given_timeouts_and_attempts_map_onto_the_library() -> None:
    chosen = settings(connect_timeout=1.5, read_timeout=7, deadline=90, max_attempts=1)
    assert chosen.timeouts() == Timeouts(connect=1.5, read=7, deadline=90)
    retry = chosen.retry()
    assert isinstance(retry, RetryPolicy) and retry.max_attempts == 1


def test_zero_turns_a_limit_off() -> None:
    off = settings(connect_timeout=0, read_timeout=0, deadline=0).timeouts()
    assert (off.connect, off.read, off.deadline) == (None, None, None)


def test_the_endpoint_and_region_come_from_the_environment_and_the_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As the AWS CLI: through the library's one function (aiominio.awsconfig.configured)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(
        "[profile dev]\nregion = eu-west-3\nendpoint_url = http://profile.test:9000\n"
    )
    anonymous = dataclasses.replace(settings(), no_sign_request=True)
    c = anonymous.client()
    assert repr(c) == "Client(endpoint=https://s3.amazonaws.com, region=None)"
    c = dataclasses.replace(anonymous, profile="dev").client()
    assert repr(c) == "Client(endpoint=http://profile.test:9000, region='eu-west-3')"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://env.test")
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    c = dataclasses.replace(anonymous, endpoint_url="http://given.test").client()
    assert repr(c) == "Client(endpoint=http://given.test, region='ap-south-1')"
    c = dataclasses.replace(anonymous, region="eu-north-1").client()
    assert repr(c) == "Client(endpoint=http://env.test, region='eu-north-1')"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    c = anonymous.client()
    assert repr(c) == "Client(endpoint=https://s3.ap-south-1.amazonaws.com, region='ap-south-1')"

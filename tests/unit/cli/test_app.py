"""The options every command shares, as the library's values; and the ``--json`` option
(app.json_option) on every command but the few that print data of their own."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from aiominio import RetryPolicy, Timeouts
from aiominio.cli import cli
from aiominio.cli.app import Settings, json_option


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


# -- --json on every command ---------------------------------------------------------------------

#: The commands without --json, by design, and why. Every other command takes --json and then
#: prints one JSON object a line on stdout (the project's rule: "--json works on every command").
WITHOUT_JSON = {
    "cat": "prints the object's raw bytes",
    "head": "prints the first lines of the object's raw bytes",
    "sql": "prints the records themselves (--json-output chooses JSON records)",
    "ilm export": "its output is JSON already (what ilm import reads)",
}


def leaf_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``group`` that is not itself a group, by its path ("ilm rule add")."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


def has_json(command: click.Command) -> bool:
    return any("--json" in getattr(param, "opts", ()) for param in command.params)


def test_every_command_takes_json_but_the_exempt_ones() -> None:
    commands = dict(leaf_commands(cli))
    assert {"ls", "retention set", "ilm rule add", "event rm", "anonymous set"} <= set(commands)
    missing = sorted(path for path, c in commands.items() if not has_json(c))
    assert missing == sorted(WITHOUT_JSON), "add --json (app.json_option), or exempt it here"


def test_the_exemptions_name_only_commands_that_exist() -> None:
    assert set(WITHOUT_JSON) <= dict(leaf_commands(cli)).keys()


def test_a_command_without_json_is_found_however_deep() -> None:
    @click.group()
    def top() -> None: ...

    @top.group()
    def middle() -> None: ...

    @middle.command()
    def plain() -> None: ...

    @top.command()
    @json_option
    def fine(as_json: bool) -> None: ...

    found = {path: has_json(c) for path, c in leaf_commands(top)}
    assert found == {"middle plain": False, "fine": True}

"""How a command's coroutine is run: its result returned, an error the user can act on one
line and exit code 1, an interruption exit code 128 + the signal."""

from __future__ import annotations

import click
import pytest

import aiominio
from aiominio.cli.runner import EXIT_ERROR, Interrupted, run


def test_the_result_is_returned() -> None:
    async def command() -> int:
        return 42

    assert run(command()) == 42


def test_an_s3_error_is_one_line_and_exit_code_1(capsys: pytest.CaptureFixture[str]) -> None:
    async def command() -> None:
        raise aiominio.NoSuchBucket("NoSuchBucket", "The bucket does not exist", status=404)

    with pytest.raises(click.exceptions.Exit) as stop:
        run(command())
    assert stop.value.exit_code == EXIT_ERROR == 1
    err = capsys.readouterr().err
    assert err.startswith("aiominio: error: ") and err.count("\n") == 1


def test_an_interruption_exits_with_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    async def command() -> None:
        raise Interrupted(143)

    with pytest.raises(click.exceptions.Exit) as stop:
        run(command())
    assert stop.value.exit_code == 143
    assert capsys.readouterr().err == "aiominio: interrupted\n"


def test_a_programming_error_is_not_hidden() -> None:
    async def command() -> None:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        run(command())

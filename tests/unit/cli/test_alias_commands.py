"""The alias commands (:mod:`aiominio.cli.alias_commands`) in-process: set (a secret from
stdin or a hidden prompt), list (secrets as ****), remove."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aiominio.cli import aliases
from aiominio.cli.alias_commands import alias


@pytest.fixture(autouse=True)
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("AIOMINIO_CONFIG_DIR", str(tmp_path))
    return tmp_path / "config.json"


def test_set_list_and_remove() -> None:
    runner = CliRunner()
    done = runner.invoke(
        alias, ["set", "dev", "http://127.0.0.1:9000", "AK", "-"], input="s3cr3t\n"
    )
    assert done.exit_code == 0, done.output
    prompted = runner.invoke(alias, ["set", "prod", "https://s3.test", "PK"], input="hidden\n")
    assert prompted.exit_code == 0 and "hidden" not in prompted.output
    assert aliases.load()["prod"].secret_key == "hidden"
    listed = runner.invoke(alias, ["list"])
    assert listed.output.splitlines() == [
        "dev  http://127.0.0.1:9000  AK ****",
        "prod  https://s3.test  PK ****",
    ]
    assert "s3cr3t" not in listed.output
    assert runner.invoke(alias, ["remove", "dev"]).exit_code == 0
    assert list(aliases.load()) == ["prod"]
    assert runner.invoke(alias, ["remove", "dev"]).exit_code == 1


def test_an_access_key_without_a_secret_is_refused(config: Path) -> None:
    ran = CliRunner().invoke(alias, ["set", "dev", "http://h:9000", "AK", "-"], input="\n")
    assert ran.exit_code == 1 and "needs its secret key" in ran.output
    assert not config.exists()

"""The alias store (:mod:`aiominio.cli.aliases`): saved whole with mode 0600, read back,
names checked, a configuration file too large or not JSON refused without showing it, and
``NAME/bucket/key`` told from a local path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiominio.cli import aliases
from aiominio.cli.aliases import Alias, AliasError


@pytest.fixture(autouse=True)
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("AIOMINIO_CONFIG_DIR", str(tmp_path / "conf"))
    return tmp_path / "conf" / "config.json"


def test_aliases_are_saved_privately_and_read_back(config: Path) -> None:
    assert aliases.load() == {}
    saved = {"dev": Alias("http://127.0.0.1:9000", "AK", "very-secret", "eu-west-1")}
    assert aliases.save(saved) == config
    assert aliases.load() == saved
    assert config.stat().st_mode & 0o777 == 0o600
    assert config.parent.stat().st_mode & 0o777 == 0o700
    assert os.listdir(config.parent) == ["config.json"]  # no temporary file left
    assert "very-secret" not in repr(aliases.load()["dev"])


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"{not json", "is not an aiominio configuration"),
        (b'{"aliases": {"dev": {"nope": 1}}}', "is not an aiominio configuration"),
        (b'{"aliases": {"bad name": {"url": "http://h"}}}', "alias name"),
        (b" " * (aliases.MAX_CONFIG_BYTES + 1), "larger than"),
    ],
)
def test_a_bad_configuration_is_refused_without_showing_it(
    config: Path, content: bytes, match: str
) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(content.replace(b"nope", b"secret-value"))
    with pytest.raises(AliasError, match=match) as caught:
        aliases.load()
    assert "secret-value" not in caught.value.message


@pytest.mark.parametrize("name", ["s3", "S3", "9x", "-x", "a b", "a/b", "", "x" * 64])
def test_alias_names_are_checked(name: str) -> None:
    with pytest.raises(AliasError, match="alias name"):
        aliases.check_name(name)


def test_a_target_names_an_alias_only_when_one_is_saved() -> None:
    saved = {"dev": Alias("http://h")}
    assert aliases.split_target("dev/bkt/a/b.txt", saved) == ("dev", "bkt", "a/b.txt")
    assert aliases.split_target("dev/bkt", saved) == ("dev", "bkt", "")
    assert aliases.split_target("other/bkt/k", saved) is None
    assert aliases.split_target("dev", saved) is None  # a file named dev
    assert aliases.split_target("./dev/bkt", saved) is None


def test_the_configuration_directory_follows_the_platforms_rules(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AIOMINIO_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert aliases.config_dir() == tmp_path / "xdg" / "aiominio"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert aliases.config_dir() == tmp_path / ".config" / "aiominio"

"""The state file of the SeaweedFS kept between test runs: where it lives, written whole and
private, and read only when it is wholly what ``serve`` writes (a planted or truncated file is
ignored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiominio.testing import _kept
from aiominio.testing._kept import KeptState, read_state, state_dir, write_state

GOOD = KeptState("http://127.0.0.1:4567", "access", "very-secret", 4242)


def test_the_state_directory_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AIOMINIO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "aiominio"
    monkeypatch.setenv("AIOMINIO_CACHE_DIR", str(tmp_path / "own"))
    assert state_dir() == tmp_path / "own"
    monkeypatch.delenv("AIOMINIO_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".cache" / "aiominio"


def test_written_state_is_private_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "d" / _kept.STATE_FILE
    write_state(path, GOOD)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_state(tmp_path / "d") == GOOD
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left
    assert "very-secret" not in repr(GOOD)


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{not json",
        "[]",
        json.dumps({"endpoint": "http://127.0.0.1:1", "access_key": "a", "secret_key": "s"}),
        json.dumps(
            {"endpoint": "http://127.0.0.1:1", "access_key": "a", "secret_key": "s", "pid": "9"}
        ),
        json.dumps(
            {"endpoint": "http://evil.example:80", "access_key": "a", "secret_key": "s", "pid": 9}
        ),
        json.dumps(
            {"endpoint": "http://127.0.0.1:1", "access_key": 1, "secret_key": "s", "pid": 9}
        ),
        json.dumps(
            {"endpoint": "http://127.0.0.1:1", "access_key": "a", "secret_key": "s", "pid": 1}
        ),
        json.dumps(
            {"endpoint": "http://127.0.0.1:1", "access_key": "a", "secret_key": "s", "pid": -5}
        ),
    ],
)
def test_a_state_file_that_is_not_wholly_right_is_ignored(tmp_path: Path, content: str) -> None:
    (tmp_path / _kept.STATE_FILE).write_text(content)
    assert read_state(tmp_path) is None


def test_no_state_file_is_no_state(tmp_path: Path) -> None:
    assert read_state(tmp_path) is None


def test_stop_without_a_server_says_so_and_removes_a_stale_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AIOMINIO_CACHE_DIR", str(tmp_path))
    # A process id that runs no serve (this test's own): never signalled.
    write_state(tmp_path / _kept.STATE_FILE, KeptState("http://127.0.0.1:9", "a", "s", 2**22 + 7))
    assert _kept.stop_kept() is None
    assert not (tmp_path / _kept.STATE_FILE).exists()

"""The state file of the SeaweedFS kept between test runs: where it lives, written whole and
private, read only when it is wholly what ``serve`` writes (a planted, linked, shared or
truncated file is ignored), and which process may be signalled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiominio.testing import _kept
from aiominio.testing._kept import KeptState, private_dir, read_state, state_dir, write_state

GOOD = KeptState("http://127.0.0.1:4567", "access", "very-secret", 4242)


def state_text(**changed: object) -> str:
    fields = {"endpoint": GOOD.endpoint, "access_key": "a", "secret_key": "s", "pid": 4242}
    return json.dumps({**fields, **changed})


def plant(directory: Path, content: str, mode: int = 0o600) -> Path:
    path = directory / _kept.STATE_FILE
    path.write_text(content)
    path.chmod(mode)
    return path


def test_the_state_directory_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AIOMINIO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "aiominio"
    monkeypatch.setenv("AIOMINIO_CACHE_DIR", str(tmp_path / "own"))
    assert state_dir() == tmp_path / "own"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIOMINIO_CACHE_DIR", "relative")
    assert state_dir() == tmp_path / "relative"  # absolute: stop elsewhere finds it
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


def test_state_is_never_written_through_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / f".{_kept.STATE_FILE}.x").symlink_to(victim)
    (tmp_path / _kept.STATE_FILE).symlink_to(victim)
    write_state(tmp_path / _kept.STATE_FILE, GOOD)
    assert victim.read_text() == "keep me"
    assert read_state(tmp_path) == GOOD


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{not json",
        "[]",
        json.dumps({"endpoint": "http://127.0.0.1:1", "access_key": "a", "secret_key": "s"}),
        state_text(pid="9"),
        state_text(pid=True),
        state_text(pid=1),
        state_text(pid=-5),
        state_text(access_key=1),
        state_text(secret_key=""),
        state_text(endpoint="http://evil.example:80"),
        state_text(endpoint="http://127.0.0.1:1@evil.example:8080"),
        state_text(endpoint="https://127.0.0.1:443"),
        state_text(endpoint="http://127.0.0.1"),
        state_text(endpoint="http://127.0.0.1:99999"),
        state_text(endpoint="http://127.0.0.1:9/path?x=1"),
        state_text(padding="x" * 5000),
    ],
)
def test_a_state_file_that_is_not_wholly_right_is_ignored(tmp_path: Path, content: str) -> None:
    plant(tmp_path, content)
    assert read_state(tmp_path) is None


def test_a_state_file_others_may_read_a_link_or_a_fifo_is_ignored(tmp_path: Path) -> None:
    plant(tmp_path, state_text(), mode=0o644)
    assert read_state(tmp_path) is None
    (tmp_path / _kept.STATE_FILE).unlink()
    real = tmp_path / "real.json"
    real.write_text(state_text())
    real.chmod(0o600)
    (tmp_path / _kept.STATE_FILE).symlink_to(real)
    assert read_state(tmp_path) is None
    (tmp_path / _kept.STATE_FILE).unlink()
    os.mkfifo(tmp_path / _kept.STATE_FILE, 0o600)
    assert read_state(tmp_path) is None  # at once: never waits for a writer


def test_no_state_file_is_no_state(tmp_path: Path) -> None:
    assert read_state(tmp_path) is None


def test_a_shared_or_linked_state_directory_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with pytest.raises(RuntimeError, match="others may write"):
        private_dir(shared)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    with pytest.raises(RuntimeError, match="not a directory"):
        private_dir(tmp_path / "link")
    assert private_dir(tmp_path / "new") == tmp_path / "new"
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


def test_only_the_serve_of_the_directory_counts_as_ours(tmp_path: Path) -> None:
    # A live process of ours whose command line mentions aiominio.testing, but is not the
    # serve of this directory: never signalled.
    impostor = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "aiominio.testing", "serve"]
    )
    try:
        state = KeptState("http://127.0.0.1:9", "a", "s", impostor.pid)
        assert not _kept._is_ours(state, tmp_path)
    finally:
        impostor.kill()
        impostor.wait()


def test_stop_without_a_server_says_so_and_removes_a_stale_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AIOMINIO_CACHE_DIR", str(tmp_path / "cache"))
    # This test process's own id: alive, ours, and no serve of that directory.
    stale = KeptState("http://127.0.0.1:9", "a", "s", os.getpid())
    write_state(tmp_path / "cache" / _kept.STATE_FILE, stale)
    assert _kept.stop_kept() is None
    assert not (tmp_path / "cache" / _kept.STATE_FILE).exists()

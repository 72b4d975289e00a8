"""The opt-in pytest plugin offers its three fixtures, with no server started to list them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def fixtures(tmp_path: Path, *args: str) -> str:
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "--fixtures", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_the_fixtures_are_there_when_asked_for_and_only_then(tmp_path: Path) -> None:
    asked = fixtures(tmp_path, "-p", "aiominio")
    for name in ("s3_server", "s3_client", "s3_bucket"):
        assert name in asked
    assert "s3_bucket" not in fixtures(tmp_path)

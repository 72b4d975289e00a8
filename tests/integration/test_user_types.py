"""aiominio's types as a user's type checker sees them: ``mypy --strict`` (with no expression of
type ``Any`` allowed in the user's code) accepts a program that calls every public method and
helper correctly, and reports each mistake of another program on its line, and nothing else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import aiominio

SAMPLES = Path(__file__).resolve().parent.parent / "typing"
CHECKED_METHODS_EXEMPT = {"close"}  # called through ``async with``


def _mypy(cache: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(SAMPLES / "mypy.ini"),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            *map(str, files),
        ],
        cwd=SAMPLES,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for both runs: the second reuses the first's analysis of aiominio."""
    return tmp_path_factory.mktemp("mypy")


def _error_lines(output: str, sample: str) -> set[int]:
    return {
        int(m.group(1)) for m in re.finditer(rf"^{re.escape(sample)}:(\d+): error:", output, re.M)
    }


def test_the_correct_program_passes_mypy_strict(cache: Path) -> None:
    report = _mypy(cache, SAMPLES / "user_program.py")
    assert (report.returncode, report.stdout, report.stderr) == (0, "", "")


def test_each_mistake_is_reported_on_its_line_and_nothing_else(cache: Path) -> None:
    source = (SAMPLES / "user_mistakes.py").read_text().splitlines()
    marked = {n for n, line in enumerate(source, 1) if line.rstrip().endswith("# error")}
    assert len(marked) >= 10
    report = _mypy(cache, SAMPLES / "user_mistakes.py")
    assert report.returncode == 1 and report.stderr == ""
    assert _error_lines(report.stdout, "user_mistakes.py") == marked, report.stdout
    assert len(re.findall(r"^\S+:\d+: error:", report.stdout, re.M)) == len(marked), report.stdout


def test_the_program_calls_every_public_client_method() -> None:
    text = (SAMPLES / "user_program.py").read_text()
    public = {
        name
        for name in dir(aiominio.Client)
        if not name.startswith("_") and callable(getattr(aiominio.Client, name))
    }
    missing = {name for name in public - CHECKED_METHODS_EXEMPT if f".{name}(" not in text}
    assert missing == set()

"""The demo (``nox -s demo``) and every example script run cleanly against a real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_every_example() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "run_demo.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for expected in (
        "Bucket 'mybucket' created successfully",
        "Bucket 'mybucket' exists.",
        "40mbfile: etag=",
        "End. Total size = 21",
        "End. Total size = 11",
        "success: 21 bytes written",
        "Removed the object photo.jpg",
        "Bucket 'mybucket' removed successfully.",
        "Bucket 'mybucket' does not exist.",
        "demo: done",
    ):
        assert expected in out, f"{expected!r} missing from the demo output:\n{out[-3000:]}"
    scripts = {p.name for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_")}
    ran = {line.split("examples/")[1] for line in out.splitlines() if line.startswith("== ")}
    assert scripts - ran == {"run_demo.py"}, "an example is not exercised by the demo"

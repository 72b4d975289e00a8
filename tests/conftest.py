from __future__ import annotations

from pathlib import Path

# The repository is checked out beside shared/ (locally and in CI).
SHARED = Path(__file__).resolve().parents[2] / "shared"

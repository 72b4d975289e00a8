"""The mutation score of the last ``mutmut run``, per module: ``python tests/mutation_score.py
[GLOB ...]`` (mutant-name globs such as ``aiominio.core.retry.*``; all modules when none).

Reads mutmut's result files (``mutants/**/*.py.meta``); killed counts kills, timeouts and
type-check catches; the score is killed / (killed + survived + no tests). Survivors are listed
with ``mutmut results`` and shown with ``mutmut show NAME``."""

from __future__ import annotations

import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 24, -24, 36, 37, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def main(globs: list[str]) -> int:
    rows: list[tuple[str, Counter[str]]] = []
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        results = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
        counts: Counter[str] = Counter()
        for name, code in results.items():
            if globs and not any(fnmatch.fnmatchcase(name, g) for g in globs):
                continue
            if code in KILLED:
                counts["killed"] += 1
            elif code in SURVIVED:
                counts["survived"] += 1
            elif code in NO_TESTS:
                counts["no tests"] += 1
            elif code is None:
                counts["not checked"] += 1
            else:
                counts["other"] += 1
        if counts:
            rows.append((str(meta.relative_to("mutants"))[: -len(".meta")], counts))
    if not rows:
        print("no mutation results: run `mutmut run` first")
        return 1
    total: Counter[str] = Counter()
    for module, counts in rows:
        total.update(counts)
        print(_line(module, counts))
    if len(rows) > 1:
        print(_line("all", total))
    return 0


def _line(module: str, c: Counter[str]) -> str:
    judged = c["killed"] + c["survived"] + c["no tests"]
    score = 100 * c["killed"] / judged if judged else 0.0
    extra = "".join(f", {k} {c[k]}" for k in ("not checked", "other") if c[k])
    return (
        f"{module}: {score:.1f}% ({c['killed']} killed, {c['survived']} survived, "
        f"{c['no tests']} no tests{extra})"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

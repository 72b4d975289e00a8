"""No ``Any`` in aiominio: what users see in signatures is a precise type, and the code behind
them is checked by mypy too. The package must not name ``typing.Any`` (a JSON document is
``dict[str, object]``, a callback's ignored result ``object``)."""

from __future__ import annotations

import ast
from pathlib import Path

import aiominio

PACKAGE = Path(aiominio.__file__).parent


def any_uses(source: str) -> list[int]:
    """The lines that import or name ``Any`` from ``typing`` or ``typing_extensions``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in ("typing", "typing_extensions"):
            lines += [node.lineno for alias in node.names if alias.name == "Any"]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "Any"
            and isinstance(node.value, ast.Name)
            and node.value.id in ("typing", "t")
        ):
            lines.append(node.lineno)
    return lines


def test_the_package_names_no_any() -> None:
    found = {
        str(path.relative_to(PACKAGE)): any_uses(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_check_finds_any() -> None:
    assert any_uses("from typing import Any, cast\nx: Any = 1\n") == [1]
    assert any_uses("import typing\ndef f(x: typing.Any) -> None: ...\n") == [2]
    assert any_uses("from typing import cast\n") == []

"""A griffe extension for the documentation build: Sphinx roles in docstrings become links.

The docstrings name other objects the reStructuredText way (``:class:`~aiominio.NoSuchKey```,
``:meth:`get_object```), which Markdown would show as is. This turns each role into an optional
cross-reference: a link where the object is documented on the site, plain code where it is not
(an internal module), so no warning either way. A literal block introduced by ``::`` keeps its
indented code and loses the marker. A parameter whose default names a constant
(``max_connections=DEFAULT_MAX_CONNECTIONS``) shows the constant's value (``64``), which is
what a reader wants to know. Nothing in the package changes; only what the site shows.
"""

from __future__ import annotations

import ast
import operator
import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|meth|func|mod|attr|data|exc|obj):`(~?)([^`<>]+)`")
_LITERAL_BLOCK = re.compile(r"(\S)::$", re.MULTILINE)
_LITERAL_BLOCK_ALONE = re.compile(r"^[ \t]*::[ \t]*$", re.MULTILINE)
_CLIENT = "aiominio.Client"


class RstRoles(griffe.Extension):
    """Rewrite the Sphinx roles of every docstring of a package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        client = _lookup(pkg, _CLIENT)
        if isinstance(client, griffe.Alias):  # the package re-exports it from aiominio.client
            client = client.final_target
        client_members = set(client.all_members) if isinstance(client, griffe.Class) else set()
        for obj in _walk(pkg):
            if obj.docstring is None:
                continue
            text = obj.docstring.value

            def link(match: re.Match[str], obj: griffe.Object = obj) -> str:
                short, name = match[1] == "~", match[2].strip().removesuffix("()")
                target = _resolve(pkg, obj, name, client_members)
                shown = name.rsplit(".", 1)[-1] if short else name
                if target is None:
                    return f"`{shown}`"
                return f'<autoref identifier="{target}" optional>`{shown}`</autoref>'

            text = _ROLE.sub(link, text)
            text = _LITERAL_BLOCK.sub(r"\1:", text)
            text = _LITERAL_BLOCK_ALONE.sub("", text)
            obj.docstring.value = text
        for obj in _walk(pkg):
            if isinstance(obj, griffe.Function):
                for param in obj.parameters:
                    value = _constant_value(pkg, param.default)
                    if value is not None:
                        param.default = value


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
}


def _constant_value(
    pkg: griffe.Module, default: object, depth: int = 0, *, any_name: bool = False
) -> str | None:
    """The value of the constant a default names (through constants naming constants), as
    shown in a signature: integer arithmetic evaluated (``5 * MiB`` is ``5242880``), anything
    else short as written (``"us-east-1"``, ``timedelta(days=7)``); None when the default is no
    such name."""
    if depth > 5 or not isinstance(default, (griffe.ExprName, griffe.ExprAttribute)):
        return None
    if not any_name and not default.canonical_path.rsplit(".", 1)[-1].isupper():
        return None
    found = _constant(pkg, default.canonical_path)
    if found is None or found.value is None:
        return None
    value = found.value
    if isinstance(value, (griffe.ExprName, griffe.ExprAttribute)):
        return _constant_value(pkg, value, depth + 1)
    text = str(value)
    module = found.parent

    def named(name: str) -> int:
        if module is None or depth > 5:
            raise ValueError(name)
        shown = _constant_value(pkg, _Named(f"{module.path}.{name}"), depth + 1, any_name=True)
        if shown is None or not shown.isdigit():
            raise ValueError(name)
        return int(shown)

    try:
        return str(_arithmetic(ast.parse(text, mode="eval").body, named))
    except (SyntaxError, ValueError):
        pass
    return text if len(text) <= 60 and not re.search(r"\b[A-Z][A-Z0-9_]+\b", text) else None


class _Named(griffe.ExprName):
    """A name to look up by its full path."""

    def __init__(self, path: str) -> None:
        super().__init__(path.rsplit(".", 1)[-1])
        self._path = path

    @property
    def canonical_path(self) -> str:
        return self._path


def _constant(pkg: griffe.Module, path: str) -> griffe.Attribute | None:
    found = _lookup(pkg, path)
    try:
        while isinstance(found, griffe.Alias):
            found = found.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return found if isinstance(found, griffe.Attribute) else None


def _arithmetic(node: ast.expr, named: Any) -> int:
    """An integer expression of literals and integer constants (``5 * MiB``), evaluated;
    ValueError for anything else."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        value: int = named(node.id)
        return value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        result: int = _OPERATORS[type(node.op)](
            _arithmetic(node.left, named), _arithmetic(node.right, named)
        )
        return result
    raise ValueError(ast.dump(node))


def _walk(obj: griffe.Object) -> Any:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _walk(member)


def _lookup(pkg: griffe.Module, path: str) -> griffe.Object | griffe.Alias | None:
    if path != pkg.path and not path.startswith(pkg.path + "."):
        return None
    try:
        found = pkg[path[len(pkg.path) + 1 :]] if path != pkg.path else pkg
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return found


def _resolve(
    pkg: griffe.Module, obj: griffe.Object, name: str, client_members: set[str]
) -> str | None:
    """The documented path ``name`` stands for, seen from ``obj``; None when it is unknown."""
    candidates: list[str] = []
    if name.startswith(pkg.path + ".") or name == pkg.path:
        candidates.append(name)
    else:
        head = name.split(".", 1)[0]
        # A method of one of the client's method groups names its siblings by their bare name;
        # the site documents them as methods of the Client.
        if head in client_members and (
            obj.parent is not None and obj.parent.is_class and "methods" in obj.parent.path
        ):
            candidates.append(f"{_CLIENT}.{name}")
        scope: griffe.Object | None = obj if obj.is_class or obj.is_module else obj.parent
        while scope is not None:
            candidates.append(f"{scope.path}.{name}")
            scope = scope.parent
        candidates.append(f"{pkg.path}.{name}")
    for path in candidates:
        found = _lookup(pkg, path)
        if found is None:
            continue
        if found.is_alias and path.count(".") > 1:
            # A name a module imported: the site documents it where it is defined (or where the
            # package exports it, which the fallback of mkdocstrings finds from there).
            try:
                return found.final_target.path
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                return None
        return path
    return None

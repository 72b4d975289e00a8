"""The package's shape, checked from its source: the import graph of ``aiominio/`` (every import,
those under ``TYPE_CHECKING`` and inside functions included) has no cycle and points down the
layers; no module outside ``aiominio/core`` uses another module's private names; aiohttp is
imported by the transport alone; the core does no I/O; the error tree drawn in ``errors.py`` is
the real one.
"""

from __future__ import annotations

import ast
import builtins
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import aiominio
from aiominio import errors

PACKAGE = Path(aiominio.__file__).parent

# Lower layers never import higher ones (README, "Architecture"). A module's layer is that of
# the longest entry its name starts with.
LAYERS = {
    "aiominio.errors": 0,
    "aiominio.models": 0,
    "aiominio.version": 0,
    "aiominio.core": 1,
    "aiominio.transport": 2,
    "aiominio.credentials": 2,
    "aiominio.policy": 2,
    "aiominio.notification": 2,
    "aiominio.presign": 2,
    "aiominio.transfer.sources": 2,
    "aiominio.sources": 2,  # the deprecated location of transfer.sources
    "aiominio.requester": 3,
    "aiominio.ops": 4,
    # The transfer engine: ops call it and it calls the few operations it needs (a stat, a
    # listing of parts), module by module, without cycles.
    "aiominio.transfer": 4,
    "aiominio.methods": 5,
    "aiominio.client": 6,
    "aiominio.testing": 7,
    "aiominio": 7,  # the package: re-exports the public names
    "aiominio.cli": 8,  # the command line, over the public client
    "aiominio.fsspec": 8,  # the fsspec filesystem, over the public client
    "aiominio.__main__": 9,
}
#: Third-party packages of the ``cli`` extra: only the command line may import them.
CLI_ONLY = {"click", "rich"}
#: The ``fsspec`` extra: only the fsspec filesystem may import it.
FSSPEC_ONLY = {"fsspec"}
NO_IO_IN_CORE = {"aiohttp", "asyncio", "aiofiles", "yarl"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def package_sources() -> dict[str, str]:
    """Every module of the package: dotted name -> source."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path.read_text(encoding="utf-8")
    return out


def imports(
    module: str, source: str, modules: Mapping[str, str]
) -> Iterator[tuple[str, str | None, int]]:
    """``(imported module, imported name or None, line)`` for every import in ``source``.

    ``from package import module`` counts as importing that module; any other ``from m import
    name`` as importing ``name`` from ``m``. The package uses absolute imports only.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{module}:{node.lineno}: a relative import; write it absolute"
            base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    yield full, None, node.lineno
                else:
                    yield base, alias.name, node.lineno


def import_graph(modules: Mapping[str, str]) -> dict[str, set[str]]:
    return {
        name: {target for target, _, _ in imports(name, source, modules) if target in modules}
        for name, source in modules.items()
    }


def find_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, or with a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def private_uses(modules: Mapping[str, str]) -> list[str]:
    """Private names of another module used outside ``aiominio.core``: imported by name, or
    read as an attribute of an imported module."""
    problems = []
    for name, source in modules.items():
        if name.startswith("aiominio.core"):
            continue
        module_aliases: set[str] = set()
        for target, imported, line in imports(name, source, modules):
            if imported is None and target.startswith("aiominio"):
                if any(_is_private(part) for part in target.split(".")):
                    problems.append(f"{name}:{line} imports the private module {target}")
            elif imported is not None and target.startswith("aiominio") and _is_private(imported):
                problems.append(f"{name}:{line} imports {target}.{imported}")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom):
                module_aliases.update(
                    a.asname or a.name for a in node.names if f"{node.module}.{a.name}" in modules
                )
            elif isinstance(node, ast.Import):
                module_aliases.update(a.asname or a.name.split(".")[0] for a in node.names)
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases
                and _is_private(node.attr)
            ):
                problems.append(f"{name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return problems


def layer(module: str) -> int:
    best = max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len)
    return LAYERS[best]


# -- the checks, on the package -------------------------------------------------------------


def test_no_import_cycle() -> None:
    assert find_cycles(import_graph(package_sources())) == []


def test_no_private_name_used_across_modules() -> None:
    assert private_uses(package_sources()) == []


def test_imports_point_down_the_layers() -> None:
    modules = package_sources()
    upward = [
        f"{name} -> {target}"
        for name, targets in import_graph(modules).items()
        for target in targets
        if layer(target) > layer(name)
    ]
    assert upward == []


def test_only_the_transport_imports_aiohttp_and_the_core_does_no_io() -> None:
    modules = package_sources()
    aiohttp_users = set()
    core_io = []
    for name, source in modules.items():
        for target, _, line in imports(name, source, modules):
            top = target.split(".")[0]
            if top == "aiohttp":
                aiohttp_users.add(name)
            if name.startswith("aiominio.core") and top in NO_IO_IN_CORE:
                core_io.append(f"{name}:{line} imports {target}")
    assert aiohttp_users == {"aiominio.transport"}
    assert core_io == []


def test_only_the_command_line_imports_click_and_rich() -> None:
    modules = package_sources()
    users = {
        name
        for name, source in modules.items()
        for target, _, _ in imports(name, source, modules)
        if target.split(".")[0] in CLI_ONLY
    }
    assert users
    assert all(name.split(".")[:2] == ["aiominio", "cli"] for name in users), sorted(users)


def test_only_the_fsspec_filesystem_imports_fsspec() -> None:
    modules = package_sources()
    users = {
        name
        for name, source in modules.items()
        for target, _, _ in imports(name, source, modules)
        if target.split(".")[0] in FSSPEC_ONLY
    }
    assert users
    assert all(name.split(".")[:2] == ["aiominio", "fsspec"] for name in users), sorted(users)


def test_the_library_imports_without_fsspec() -> None:
    code = (
        "import sys, aiominio, aiominio.testing\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'fsspec'"
        " or m.split('.')[:2] == ['aiominio', 'fsspec'])\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_library_imports_without_the_cli_extra() -> None:
    code = (
        "import sys, aiominio, aiominio.testing\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'click', 'rich'}"
        " or m.split('.')[:2] == ['aiominio', 'cli'])\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_command_line_without_its_extra_says_what_to_install() -> None:
    code = (
        "import runpy, sys\n"
        "sys.modules['click'] = None\n"  # as if click were not installed
        "sys.argv = ['aiominio', 'ls']\n"
        "runpy.run_module('aiominio', run_name='__main__')\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ran.returncode == 1
    assert ran.stderr == (
        "aiominio: error: the command line needs its extra: pip install 'aiominio[cli]'\n"
    )


# -- the checks check ---------------------------------------------------------------------


def test_a_cycle_is_found_even_under_type_checking() -> None:
    modules = {
        "aiominio.a": "from aiominio.b import thing\n",
        "aiominio.b": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from aiominio.a import other\n",
        "aiominio.c": "def f():\n    import aiominio.c\n",
    }
    assert find_cycles(import_graph(modules)) == [["aiominio.a", "aiominio.b"], ["aiominio.c"]]


def test_a_private_name_is_found() -> None:
    modules = {
        "aiominio.a": "from aiominio.b import _helper\n",
        "aiominio.b": "from aiominio import c\nc._secret()\n",
        "aiominio.c": "",
        "aiominio.core.x": "from aiominio.core.y import _shared\n",
        "aiominio.core.y": "",
    }
    assert private_uses(modules) == [
        "aiominio.a:1 imports aiominio.b._helper",
        "aiominio.b:2 uses c._secret",
    ]


# -- the error tree --------------------------------------------------------------------------


def drawn_tree() -> dict[str, tuple[str | None, set[str]]]:
    """The tree in errors.py's docstring: class name -> (parent name, builtins named "also")."""
    doc = errors.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    drawn: dict[str, tuple[str | None, set[str]]] = {}
    parents: list[str] = []
    for raw in block.splitlines():
        line = raw[4:]
        if "── " in line:
            depth = line.index("── ") // 4 + 1
            text = line[line.index("── ") + 3 :]
        elif line[:1].isalpha():
            depth, text = 0, line
        else:
            continue  # a description's second line
        names = re.split(r"\s{2,}", text.strip())[0]
        del parents[depth:]
        for item in names.split(", "):
            match = re.fullmatch(r"(\w+)(?: \(also (\w+)\))?", item)
            assert match, f"cannot read {item!r} in the error tree"
            parent = parents[depth - 1] if depth else None
            drawn[match[1]] = (parent, {match[2]} if match[2] else set())
        parents.append(names.split(", ")[0].split(" ")[0])
    return drawn


def real_tree() -> dict[str, tuple[str | None, set[str]]]:
    real: dict[str, tuple[str | None, set[str]]] = {"AiominioError": (None, set())}

    def walk(cls: type[errors.AiominioError]) -> None:
        for sub in cls.__subclasses__():
            if not sub.__module__.startswith("aiominio"):
                continue  # a test's own subclass
            also = {
                b.__name__
                for b in sub.__bases__
                if not issubclass(b, errors.AiominioError) and getattr(builtins, b.__name__, None)
            }
            real[sub.__name__] = (cls.__name__, also)
            walk(sub)

    walk(errors.AiominioError)
    return real


def test_the_error_tree_in_the_docstring_is_the_real_one() -> None:
    assert drawn_tree() == real_tree()


# -- the map of the package -------------------------------------------------------------------


def test_every_operation_module_is_on_the_maps() -> None:
    """The table of ``aiominio/ops/__init__.py`` and README's Architecture name every module of
    ``ops/``, and nothing that is not one."""
    ops = PACKAGE / "ops"
    modules = {p.stem for p in ops.glob("*.py") if p.stem != "__init__"}
    docstring = ast.get_docstring(ast.parse((ops / "__init__.py").read_text()))
    assert docstring is not None
    table = {m.group(1) for m in re.finditer(r"^([a-z_]+) {2,}\S", docstring, re.M)}
    assert table == modules
    readme = (PACKAGE.parent / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| operations |"))
    named = set(re.findall(r"`([a-z_]+)`", row.split("one module per responsibility", 1)[1]))
    assert named == modules

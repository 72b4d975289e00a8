"""The package's shape, checked from its source: the import graph of ``aiominio/`` (every import,
those under ``TYPE_CHECKING`` and inside functions included) has no cycle and points down the
layers; no module outside ``aiominio/core`` uses another module's private names; aiohttp is
imported by the transport package alone; the core does no I/O; no module is over 600 lines; the
error tree drawn in ``errors.py`` is the real one.
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

# Lower layers never import higher ones (docs/development.md, "Architecture"). A module's layer is
# that of the longest entry its name starts with.
LAYERS = {
    "aiominio.errors": 0,
    "aiominio.models": 0,
    "aiominio.version": 0,
    "aiominio.core": 1,
    "aiominio.transport": 2,  # the package: timeouts, interface, translate, pool, trace
    "aiominio.credentials": 2,  # the package: basic, remote, chain, profile, container, minio_sts
    "aiominio.awsconfig": 2,  # the endpoint and region of the environment and the AWS profile
    "aiominio.policy": 2,
    "aiominio.notification": 2,
    "aiominio.presign": 2,
    "aiominio.transfer.sources": 2,
    "aiominio.sources": 2,  # the deprecated location of transfer.sources
    "aiominio.request": 3,  # the request value and how its answer is checked
    "aiominio.requester": 3,
    "aiominio.telemetry": 3,  # a requester's spans and metrics (the otel extra)
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
    "aiominio.starlette": 8,  # ObjectResponse for Starlette/FastAPI, over the public client
    "aiominio.__main__": 9,
}
#: Third-party packages of the ``cli`` extra: only the command line may import them.
CLI_ONLY = {"click", "rich"}
#: The ``fsspec`` extra: only the fsspec filesystem may import it.
FSSPEC_ONLY = {"fsspec"}
#: The ``starlette`` extra: only ``aiominio.starlette`` may import it.
STARLETTE_ONLY = {"starlette", "fastapi"}
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
    # The transport package: the modules that speak to aiohttp, not its interface (what the
    # requester and the stand-in transports use) nor the package's re-exports.
    assert aiohttp_users == {
        "aiominio.transport.timeouts",
        "aiominio.transport.translate",
        "aiominio.transport.pool",
    }
    assert core_io == []


#: The most lines a module of the package may have (STYLE.md: past ~600 a module is asking to be
#: split by responsibility).
MAX_MODULE_LINES = 600
#: Modules over the limit while they are being rewritten; each must still be over it (remove it
#: from here once it is not).
OVER_THE_LIMIT_FOR_NOW: set[str] = set()


def test_no_module_is_over_600_lines() -> None:
    lines = {name: source.count("\n") for name, source in package_sources().items()}
    over = {name for name, count in lines.items() if count > MAX_MODULE_LINES}
    assert over - OVER_THE_LIMIT_FOR_NOW == set(), {n: lines[n] for n in over}
    assert OVER_THE_LIMIT_FOR_NOW - over == set(), "no longer over the limit: remove from the list"


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


def test_only_the_starlette_module_imports_starlette() -> None:
    modules = package_sources()
    users = {
        name
        for name, source in modules.items()
        for target, _, _ in imports(name, source, modules)
        if target.split(".")[0] in STARLETTE_ONLY
    }
    assert users == {"aiominio.starlette"}


def test_the_library_imports_without_starlette() -> None:
    code = (
        "import sys, aiominio, aiominio.testing\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'starlette', 'fastapi'}"
        " or m == 'aiominio.starlette')\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


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

#: The page whose "Architecture" section holds the table of layers (README.md links to it).
ARCHITECTURE_PAGE = PACKAGE.parent / "docs" / "development.md"
#: The packages whose row in that table names each of their modules. The others are named as a
#: whole: ``core/`` has a module per sans-IO concern (some two dozen, split as they grow) and its
#: rule (no I/O) is checked module by module above; ``methods/`` mirrors ``ops/`` area by area;
#: ``cli/`` and ``testing/`` sit above the library.
LISTED_IN_TABLE = {"ops", "transfer"}


def subpackages() -> list[Path]:
    return sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))


def package_modules(package: Path) -> set[str]:
    return {p.stem for p in package.glob("*.py") if p.stem != "__init__"}


def docstring_table(package: Path) -> set[str] | None:
    """The module names in the table of the package's ``__init__`` docstring (a reST simple
    table), or None when it has no table."""
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    rules = [m.start() for m in re.finditer(r"^=+ +=+$", docstring, re.M)]
    if not rules:
        return None
    assert len(rules) == 2, f"{package.name}/__init__.py: one table, between two rules"
    body = docstring[rules[0] : rules[1]].splitlines()[1:]
    return {m.group(1) for line in body if (m := re.match(r"([a-z_]+) {2,}\S", line))}


def architecture_rows() -> dict[str, tuple[set[str], str]]:
    """The Architecture table of docs/development.md: layer -> (the modules column's names, the
    owns column). ``x.py`` names a top-level module, ``x/`` a package."""
    page = ARCHITECTURE_PAGE.read_text()
    section = page.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("layer", "---"):
            continue
        rows[cells[0]] = (set(re.findall(r"`([^`]+)`", cells[1])), cells[2])
    return rows


def test_every_subpackage_table_names_its_modules_and_nothing_else() -> None:
    tables = {p.name: docstring_table(p) for p in subpackages()}
    assert tables["ops"] is not None and tables["transfer"] is not None
    for name, table in tables.items():
        if table is not None:
            assert table == package_modules(PACKAGE / name), f"the table of {name}/__init__.py"


def test_the_architecture_table_names_every_module_and_package_once() -> None:
    rows = architecture_rows()
    assert {"facade", "operations", "transfer engine", "pipeline", "core", "base"} <= set(rows)
    named = [name for modules, _ in rows.values() for name in modules]
    assert len(named) == len(set(named)), "a module named in two rows"
    top_level = {p.name for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert set(named) == top_level | {f"{p.name}/" for p in subpackages()}


def test_the_architecture_rows_of_the_listed_packages_name_each_module() -> None:
    """A row of a package in LISTED_IN_TABLE names its modules in the first parenthesised
    list of its "owns" column: ``(`buckets`, `listing`, ...)``."""
    listed = {}
    for modules, owns in architecture_rows().values():
        for package in (m[:-1] for m in modules if m.endswith("/")):
            found = re.search(r"\((`[a-z_]+`(?:, `[a-z_]+`)+)\)", owns)
            if package in LISTED_IN_TABLE:
                assert found, f"the Architecture row of {package}/ lists no modules"
                listed[package] = set(re.findall(r"`([a-z_]+)`", found.group(1)))
    assert set(listed) == LISTED_IN_TABLE
    for package, names in listed.items():
        assert names == package_modules(PACKAGE / package), f"the Architecture row of {package}/"


# -- the unit tests mirror the package --------------------------------------------------------

TESTS = Path(__file__).parent

#: Modules with no test file of their own, and why. Nothing else may be left out.
NO_TEST_FILE = {
    "aiominio.version": "the version string, read by the packaging",
}
#: Test files that name no module: tests of an existing module waiting to be folded into its
#: file (none now; a branch that adds a module's file may park older tests here meanwhile).
TO_FOLD: set[str] = set()
#: Top-level test files that check more than one module, by what they check.
ACROSS_MODULES = {
    "test_architecture.py",  # this file: the package's shape
    "test_no_any.py",  # no typing.Any anywhere in the package
    "test_bad_input.py",  # every Client method refuses bad arguments before any request
    "test_misuse.py",  # files a Client method cannot use, refused before any request
    "test_hostile_answers.py",  # hostile answers to every parser are typed errors
    "test_request_documents.py",  # the XML bodies the core modules build, byte for byte
    "test_faultproxy.py",  # the test suite's own fault-injecting proxy (tests/faultproxy.py)
    "test_docs_names.py",  # the pages (README.md, docs/) name only APIs that exist
}


def unit_test_file(module: str) -> Path | None:
    """Where the unit tests of ``module`` live: ``aiominio/a/b.py`` in ``tests/unit/a/test_b.py``
    (a private ``_b.py`` in ``test_b.py``); None for packages and ``__main__``."""
    parts = module.split(".")[1:]
    path = PACKAGE.joinpath(*parts).with_suffix(".py")
    if not parts or not path.is_file() or parts[-1] == "__main__":
        return None
    return TESTS.joinpath(*parts[:-1], f"test_{parts[-1].lstrip('_')}.py")


def test_every_module_has_its_unit_test_file() -> None:
    expected = {m: unit_test_file(m) for m in package_sources()}
    missing = sorted(m for m, t in expected.items() if t and not t.is_file())
    assert missing == sorted(NO_TEST_FILE)
    assert len({t for t in expected.values() if t}) == len([t for t in expected.values() if t])


def test_every_unit_test_file_names_a_module() -> None:
    expected = {unit_test_file(m) for m in package_sources()} - {None}
    stale = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("test_*.py")
        if path not in expected
        and str(path.relative_to(TESTS)) not in TO_FOLD
        and not (path.parent == TESTS and path.name in ACROSS_MODULES)
    )
    assert stale == []
    for directory in (p for p in TESTS.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        assert (directory / "__init__.py").is_file(), f"{directory} is not a package"


# -- the client and its method groups ---------------------------------------------------------


def test_the_client_provides_what_its_method_groups_read() -> None:
    """Every method group of ``aiominio/methods`` subclasses the protocol :class:`MethodsBase`
    (what the groups read from ``self``), and :class:`~aiominio.Client` implements each member
    of it as a property of its own."""
    from typing import Protocol

    from aiominio.client import Client
    from aiominio.methods.base import MethodsBase

    assert Protocol in MethodsBase.__bases__
    groups = [b for b in Client.__bases__ if b.__module__.startswith("aiominio.methods.")]
    assert groups == list(Client.__bases__)
    assert all(MethodsBase in group.__mro__ for group in groups)
    declared = {name for name, v in vars(MethodsBase).items() if isinstance(v, property)}
    assert declared == {"requester", "multipart_threshold", "integrity"}
    assert all(isinstance(vars(Client).get(name), property) for name in declared)

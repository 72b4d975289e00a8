"""The pages (README.md, docs/**/*.md) name only APIs that exist.

Checked by importing and ``getattr``, with no server and no network:

- in every ``python`` block, run or marked ``<!-- not-run: ... -->``, parsed as Python:
  every dotted name rooted at ``aiominio`` (``aiominio.testing.seaweedfs``), at a name imported
  from ``aiominio`` or at a public name of ``aiominio`` the page does not bind
  (``Versioning.ENABLED``); every ``from aiominio... import name`` and ``import aiominio...``;
  every method called on a name bound to a :class:`~aiominio.Client` (``client.stat_object(``):
  a name is a Client once bound to ``aiominio.Client(...)``, to ``X.with_options(...)`` of a
  Client, to ``X.client()`` (a test server's), or annotated ``aiominio.Client``; ``client`` is one
  where the page has not bound it, by the pages' convention; a name bound to anything else
  (``client = Minio(...)``, aioboto3's ``s3``) is not checked. Bindings count in page order,
  blocks one after the other, scopes ignored. The keyword arguments of each call of an aiominio
  function, class or Client method must be parameters of it (unless it takes ``**kwargs``).
- in every inline code span outside the fenced blocks: the same, the span parsed as Python when
  it parses (``Client.put_object``, ``aiominio.fsspec.register``,
  ``client.get_object(..., version_id=v)``); otherwise its dotted names and ``client.name(``
  calls are read with a pattern, string literals left out. :data:`NOT_AIOMINIO` lists the spans
  that look like aiominio names but are not (a logger's name, a metric's, minio-py's methods).

An attribute of a class counts when ``getattr`` finds it or it is a dataclass field or an
annotated attribute (an instance attribute). What follows such a field is not checked. The
``::: aiominio.X`` directives of mkdocstrings are the strict ``mkdocs build``'s to check.

The block parser here is shared with ``tests/integration/test_docs_examples.py``, which runs
the blocks.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import aiominio

ROOT = Path(__file__).resolve().parents[2]

#: ``<!-- not-run: REASON -->`` on the line right before a ``python`` fence: not run.
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:(?P<reason>.*?)-->\s*$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)")

#: Inline names (or whole spans) that look like aiominio's and are not: name -> what it is.
NOT_AIOMINIO = {
    "aiominio.trace": "the logger of the request log",
    "aiominio.attempts": "a span attribute of the OpenTelemetry spans",
    "aiominio.retry": "a span event of the OpenTelemetry spans",
    "aiominio.requests": "an OpenTelemetry metric",
    "aiominio.retries": "an OpenTelemetry metric",
    "aiominio.bytes.sent": "an OpenTelemetry metric",
    "aiominio.bytes.received": "an OpenTelemetry metric",
    "aiominio.request.duration": "an OpenTelemetry metric",
    "client.set_app_info": "minio-py's, in the migration table",
    "client.trace_on": "minio-py's, in the migration table",
    "client.py": "a file name",
    "set_bucket_notification(bucket, NotificationConfig(queue_config_list=[...]))": "minio-py's",
}


@dataclass(frozen=True)
class Block:
    """One ``python`` fenced block of a page."""

    page: str  #: the page's path from the repository root
    line: int  #: the line of the opening fence (1-based)
    source: str  #: the code, dedented to the fence
    not_run: str | None  #: the reason given by a ``not-run`` marker, else None


def doc_pages() -> list[Path]:
    """README.md and every page of the documentation site."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def page_name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def split_page(path: Path) -> tuple[list[Block], str]:
    """The page's ``python`` blocks, and its text outside every fenced block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            prose.append(lines[i])
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not re.match(rf"^[ \t]*{re.escape(fence)}[ \t]*$", lines[j]):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        if opening["lang"] == "python":
            marker = NOT_RUN.match(lines[i - 1]) if i else None
            reason = marker["reason"].strip() if marker else None
            source = "\n".join(body) + "\n"
            blocks.append(Block(page_name(path), i + 1, source, reason))
        prose += [""] * (j + 1 - i)
        i = j + 1
    return blocks, "\n".join(prose)


def python_blocks(path: Path) -> list[Block]:
    return split_page(path)[0]


# -- resolving names --------------------------------------------------------------------------


class Missing(Exception):
    """A name that does not exist."""


def resolve(dotted: str) -> object:
    """The object a dotted name rooted at ``aiominio`` names; :class:`Missing` when none.

    The longest importable module prefix is imported, the rest looked up with ``getattr``; an
    instance attribute (dataclass field or annotation) ends the lookup.
    """
    parts = dotted.split(".")
    obj: object = None
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and not name.startswith(exc.name):
                raise  # the module exists, something it imports does not
            continue
        break
    else:
        raise Missing(dotted)
    for part in parts[i:]:
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif inspect.isclass(obj) and _instance_attribute(obj, part):
            return None
        else:
            raise Missing(dotted)
    return obj


def _instance_attribute(cls: type, name: str) -> bool:
    if dataclasses.is_dataclass(cls) and name in {f.name for f in dataclasses.fields(cls)}:
        return True
    return any(name in vars(k).get("__annotations__", {}) for k in cls.__mro__)


def unknown_keywords(obj: object, keywords: list[str]) -> list[str]:
    """The keywords ``obj`` (a function, method or class) does not take."""
    if not callable(obj) or not keywords:
        return []
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    params = signature.parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return []
    return [k for k in keywords if k not in params or params[k].kind is params[k].POSITIONAL_ONLY]


# -- reading the names a piece of code uses ----------------------------------------------------

CLIENT = "<a Client>"  # what a name bound to a Client stands for


class Scope:
    """What each name of a page stands for, as the page binds them, in order: an aiominio
    dotted path, :data:`CLIENT`, or None (something else, not checked)."""

    def __init__(self) -> None:
        self.bound: dict[str, str | None] = {}

    def lookup(self, name: str) -> str | None:
        if name in self.bound:
            return self.bound[name]
        if name == "aiominio":
            return "aiominio"
        if name == "client":
            return CLIENT
        if name in aiominio.__all__:
            return f"aiominio.{name}"
        return None

    def path(self, node: ast.expr) -> str | None:
        """The aiominio dotted path (or :data:`CLIENT`-rooted path) of a name or attribute
        chain, else None."""
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self.path(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def is_client(self, node: ast.expr | None) -> bool:
        """Whether an expression gives a Client."""
        if node is None:
            return False
        if isinstance(node, ast.Await):
            return self.is_client(node.value)
        if not isinstance(node, ast.Call):
            # Another name of a Client, or an annotation.
            return self.path(node) in (CLIENT, "aiominio.Client")
        func = node.func
        if self.path(func) == "aiominio.Client":
            return True
        if isinstance(func, ast.Attribute):
            if func.attr == "with_options":
                return self.path(func.value) == CLIENT
            # A test server's client(); aioboto3's session.client("s3") takes a service name.
            return func.attr == "client" and not node.args
        return False


@dataclass(frozen=True)
class Problem:
    line: int
    text: str


def _targets(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            yield from _targets(elt)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)


def _events(tree: ast.AST) -> list[tuple[tuple[int, int], int, ast.AST]]:
    """The nodes that bind or use names, in the order they take effect."""
    out: list[tuple[tuple[int, int], int, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            # The value is evaluated first: the name is bound at the end of the statement.
            out.append(((node.end_lineno or node.lineno, node.end_col_offset or 0), 1, node))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            var = node.optional_vars
            out.append(((var.lineno, var.col_offset), 1, node))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            out.append(((node.target.lineno, node.target.col_offset), 1, node))
        elif isinstance(node, (ast.arg, ast.Import, ast.ImportFrom)):
            out.append(((node.lineno, node.col_offset), 1, node))
        elif isinstance(node, (ast.Attribute, ast.Call)):
            out.append(((node.lineno, node.col_offset), 0, node))
    out.sort(key=lambda e: (e[0], e[1]))
    return out


def _mark_chain(node: ast.expr, seen: set[int]) -> None:
    """The attributes of a dotted name are parts of the name, checked with it."""
    while isinstance(node, ast.Attribute):
        seen.add(id(node))
        node = node.value


class Checker:
    """The problems of the names the code of one page uses, block after block."""

    def __init__(self) -> None:
        self.scope = Scope()
        self.problems: list[Problem] = []

    def fail(self, node: ast.AST, text: str) -> None:
        self.problems.append(Problem(getattr(node, "lineno", 0), text))

    def check_path(self, node: ast.AST, dotted: str) -> object:
        if dotted.replace(CLIENT, "client") in NOT_AIOMINIO:
            return None
        if dotted.startswith(CLIENT + "."):
            method = dotted.split(".")[1]
            if not hasattr(aiominio.Client, method):
                self.fail(node, f"aiominio.Client has no {method!r}")
            return getattr(aiominio.Client, method, None)
        try:
            return resolve(dotted)
        except Missing:
            self.fail(node, f"{dotted} does not exist")
            return None

    def bind(self, node: ast.AST) -> None:
        scope = self.scope
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bound[alias.asname] = self._imported(node, alias.name)
                else:
                    top = alias.name.split(".")[0]
                    self._imported(node, alias.name)
                    scope.bound[top] = top if top == "aiominio" else None
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                name = alias.asname or alias.name
                if node.module and node.module.split(".")[0] == "aiominio" and not node.level:
                    scope.bound[name] = self._imported(node, f"{node.module}.{alias.name}")
                else:
                    scope.bound[name] = None
        elif isinstance(node, ast.Assign):
            kind = CLIENT if scope.is_client(node.value) else None
            for target in node.targets:
                for name in _targets(target):
                    scope.bound[name] = kind
        elif isinstance(node, ast.AnnAssign):
            client = scope.is_client(node.annotation) or scope.is_client(node.value)
            for name in _targets(node.target):
                scope.bound[name] = CLIENT if client else None
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            kind = CLIENT if scope.is_client(node.context_expr) else None
            for name in _targets(node.optional_vars):
                scope.bound[name] = kind
        elif isinstance(node, ast.arg):
            # A parameter named client with no annotation is one, as a name never bound is;
            # else a helper's (client) would hide the page's client from every later check.
            unannotated_client = node.annotation is None and node.arg == "client"
            client = unannotated_client or scope.is_client(node.annotation)
            scope.bound[node.arg] = CLIENT if client else None
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.AugAssign)):
            for name in _targets(node.target):
                scope.bound[name] = None

    def _imported(self, node: ast.AST, dotted: str) -> str | None:
        if dotted.split(".")[0] != "aiominio":
            return None
        self.check_path(node, dotted)
        return dotted

    def use(self, node: ast.AST, chains_seen: set[int]) -> None:
        if isinstance(node, ast.Call):
            path = self.scope.path(node.func)
            if path is None or path == CLIENT:  # client(...): a test server's method
                return
            target = self.check_path(node.func, path)
            _mark_chain(node.func, chains_seen)
            keywords = [k.arg for k in node.keywords if k.arg is not None]
            for keyword in unknown_keywords(target, keywords):
                self.fail(node, f"{path.replace(CLIENT, 'aiominio.Client')}() takes no {keyword}=")
        elif isinstance(node, ast.Attribute) and id(node) not in chains_seen:
            path = self.scope.path(node)
            if path is not None and path != CLIENT:
                self.check_path(node, path)
            _mark_chain(node, chains_seen)

    def check(self, tree: ast.AST) -> None:
        chains_seen: set[int] = set()
        for _, kind, node in _events(tree):
            if kind:
                self.bind(node)
            else:
                self.use(node, chains_seen)


# -- inline code spans ------------------------------------------------------------------------

SPAN = re.compile(r"(`+)(?!`)(?P<code>.+?)(?<!`)\1(?!`)")
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
DOTTED = re.compile(r"(?<![\w.])(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?P<call>\s*\()?")


def check_span(code: str) -> list[str]:
    """The problems of one inline code span."""
    if code.strip() in NOT_AIOMINIO:
        return []
    try:
        tree = ast.parse(code.strip())
    except SyntaxError:
        tree = None
    checker = Checker()
    if tree is not None:
        checker.check(tree)
        return [p.text for p in checker.problems]
    for match in DOTTED.finditer(STRING.sub('""', code)):
        name = match["name"]
        head, _, rest = name.partition(".")
        if name in NOT_AIOMINIO:
            continue
        if head == "client":
            if match["call"]:
                checker.check_path(ast.Pass(), f"{CLIENT}.{rest.split('.')[0]}")
        elif (path := checker.scope.lookup(head)) is not None:
            checker.check_path(ast.Pass(), f"{path}.{rest}")
    return [p.text for p in checker.problems]


def page_problems(path: Path) -> list[str]:
    blocks, prose = split_page(path)
    problems = []
    checker = Checker()
    for block in blocks:
        try:
            tree = ast.parse(block.source)
        except SyntaxError as exc:
            problems.append(f"line {block.line + (exc.lineno or 0)}: not Python: {exc.msg}")
            continue
        before = len(checker.problems)
        checker.check(tree)
        problems += [f"line {block.line + p.line}: {p.text}" for p in checker.problems[before:]]
    for number, line in enumerate(prose.splitlines(), 1):
        for span in SPAN.finditer(line):
            problems += [f"line {number}: `{span['code']}`: {p}" for p in check_span(span["code"])]
    return problems


# -- the tests --------------------------------------------------------------------------------

PAGES = doc_pages()


@pytest.mark.parametrize("path", PAGES, ids=page_name)
def test_the_page_names_only_what_exists(path: Path) -> None:
    problems = page_problems(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", PAGES, ids=page_name)
def test_every_not_run_marker_precedes_a_python_block_and_gives_a_reason(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    fences = {b.line for b in python_blocks(path)}
    for number, line in enumerate(lines, 1):
        if "not-run" in line:
            marker = NOT_RUN.match(line)
            assert marker and marker["reason"].strip(), f"line {number}: a marker with no reason"
            assert number + 1 in fences, f"line {number}: the marker is not right before a block"


def test_a_missing_method_an_unknown_keyword_and_a_missing_name_are_found() -> None:
    source = (
        "import aiominio\n"
        "from aiominio import Versioning\n"
        "async with aiominio.Client() as s3:\n"
        "    await s3.stat_objekt('b', 'k')\n"  # a typo
        "    fast = s3.with_options(retry=aiominio.RetryPolicy(1))\n"
        "    await fast.put_object('b', 'k', b'', content_typ='text/plain')\n"
        "Versioning.ENABLE\n"
        "aiominio.testing.seaweedfs_clusters\n"
        "from aiominio.credentials import NoProvider\n"
        "same = fast\n"
        "same.list_bukets()\n"
    )
    checker = Checker()
    checker.check(ast.parse(source))
    assert [(p.line, p.text) for p in checker.problems] == [
        (4, "aiominio.Client has no 'stat_objekt'"),
        (6, "aiominio.Client.put_object() takes no content_typ="),
        (7, "aiominio.Versioning.ENABLE does not exist"),
        (8, "aiominio.testing.seaweedfs_clusters does not exist"),
        (9, "aiominio.credentials.NoProvider does not exist"),
        (11, "aiominio.Client has no 'list_bukets'"),
    ]


def test_a_helper_taking_client_does_not_hide_later_calls() -> None:
    source = (
        "import aiominio\n"
        "async def helper(client):\n"
        "    await client.put_object('b', 'k', b'')\n"
        "await client.stat_objekt('b', 'k')\n"  # the page's client, never bound on the page
    )
    checker = Checker()
    checker.check(ast.parse(source))
    assert [(p.line, p.text) for p in checker.problems] == [
        (4, "aiominio.Client has no 'stat_objekt'")
    ]


def test_names_of_other_libraries_and_local_variables_are_not_checked() -> None:
    source = (
        "from minio import Minio\n"
        "client = Minio('play.min.io')\n"
        "client.fput_objekt('b', 'k', 'f')\n"
        "async with session.client('s3') as s3:\n"
        "    await s3.head_object(Bucket='b', Key='k')\n"
        "from distributed import Client\n"
        "Client(cluster).submit(f)\n"
        "obj.stat.size\n"
        "logging.getLogger('aiominio.trace')\n"
    )
    checker = Checker()
    checker.check(ast.parse(source))
    assert checker.problems == []


def test_inline_spans_are_checked() -> None:
    assert check_span("Client.put_objekt") == ["aiominio.Client.put_objekt does not exist"]
    assert check_span("client.get_objekt(..., version_id=v)") == [
        "aiominio.Client has no 'get_objekt'"
    ]
    assert check_span("aiominio.fsspec.registr") == ["aiominio.fsspec.registr does not exist"]
    assert check_span("await client.presigned_get_objekt(b, k) -> str") == [
        "aiominio.Client has no 'presigned_get_objekt'"
    ]
    assert check_span("ObjectStat.restore") == []
    assert check_span("aiominio.trace") == []
    assert check_span('logging.getLogger("aiominio.trace").setLevel(logging.DEBUG)') == []
    assert check_span("client.py") == []

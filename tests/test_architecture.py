"""The shape of lib/newsbook, read from the source with `ast` (nothing is imported).

* No import cycle among the ``newsbook.*`` modules, counting imports inside functions
  (``import newsbook.x``, ``from . import x``, ``from .x import y``).  Imports under
  ``if TYPE_CHECKING:`` are not counted (they never run).  The package's own ``__init__`` is not a
  node: every submodule imports it implicitly, so an edge into it is no dependency between jobs.
  There is none: the pipeline is assembled in `components` (above the extractors, which use `nlp`'s
  Doc helpers), and the engines run `extraction`'s per-article work, which `pipeline` also uses.
* Size limits (a module at most 1,000 lines, a function at most 150, a class at most 450) hold for
  every module of the package (`SIZED_MODULES`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "lib" / "newsbook"
PACKAGE = "newsbook"

MAX_MODULE_LINES = 1000
MAX_FUNCTION_LINES = 150
MAX_CLASS_LINES = 450
SIZED_MODULES = tuple(sorted(str(p.relative_to(PACKAGE_DIR)) for p in PACKAGE_DIR.rglob("*.py")))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import node in `tree`, at any depth, except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body:
                continue
            stack.append(child)


def _targets(module: str, is_package: bool, node, known: set[str]) -> set[str]:
    """The newsbook modules an import statement in `module` loads."""
    out: set[str] = set()

    def add(name: str) -> None:
        while name and name not in known:  # `import newsbook.x.y` where y is an attribute
            name = name.rpartition(".")[0]
        if name:
            out.add(name)

    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                add(alias.name)
        return out
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if not (source == PACKAGE or source.startswith(PACKAGE + ".")):
        return out
    for alias in node.names:
        if f"{source}.{alias.name}" in known:
            out.add(f"{source}.{alias.name}")
        else:
            add(source)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in _imports(tree):
            edges |= _targets(name, path.name == "__init__.py", node, known)
        graph[name] = {t for t in edges if t != name and t != PACKAGE}
    graph.pop(PACKAGE, None)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def test_the_graph_sees_relative_and_function_level_imports():
    graph = import_graph()
    assert "newsbook.pipeline" in graph and "newsbook.cli" in graph
    assert "newsbook.pipeline" in graph["newsbook.cli"]  # imported inside a function in cli.py
    assert "newsbook.errors" in graph["newsbook.cli"]  # `from .errors import NewsbookError`


def test_find_cycles_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []




def test_no_import_cycles_at_all():
    cycles = find_cycles(import_graph())
    assert cycles == [], "import cycles among newsbook modules: " + "; ".join(" <-> ".join(c) for c in cycles)


def _lengths(tree: ast.AST, kinds):
    """(name, lines) of every function or class (`kinds`) at any depth, decorators included."""
    for node in ast.walk(tree):
        if isinstance(node, kinds):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, node.end_lineno - first + 1


@pytest.mark.parametrize("file_name", SIZED_MODULES)
def test_module_and_function_sizes(file_name):
    path = PACKAGE_DIR / file_name
    assert path.exists(), f"{file_name} is listed in SIZED_MODULES but does not exist"
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{file_name}: {len(text.splitlines())} lines"
    tree = ast.parse(text)
    long = [(name, n) for name, n in _lengths(tree, (ast.FunctionDef, ast.AsyncFunctionDef))
            if n > MAX_FUNCTION_LINES]
    assert long == [], f"{file_name}: functions over {MAX_FUNCTION_LINES} lines: {long}"
    big = [(name, n) for name, n in _lengths(tree, ast.ClassDef) if n > MAX_CLASS_LINES]
    assert big == [], f"{file_name}: classes over {MAX_CLASS_LINES} lines: {big}"


def test_the_size_check_sees_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    lengths = dict(_lengths(ast.parse(f"def long():\n{body}\n"), ast.FunctionDef))
    assert lengths["long"] == MAX_FUNCTION_LINES + 2


def _reachable(graph: dict[str, set[str]], *roots: str) -> set[str]:
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, ()))
    return seen


def test_the_annotation_cache_key_covers_exactly_the_extraction_code():
    """Every newsbook module the extractor components load (directly or through others) decides the
    per-article tables, so the per-article cache key (`nlp.CACHED_CODE`) must hash it; what runs
    after that cache (corrections, corpus-level tables, matching, views, reports) stays out of the
    key, so editing a view or a chart does not re-parse every cached article."""
    from newsbook import nlp

    extraction = _reachable(import_graph(), "newsbook.components", "newsbook.extraction")
    modules = _modules()
    needed = {str(modules[name].relative_to(PACKAGE_DIR)) for name in extraction}
    cached = set(nlp.CACHED_CODE)
    assert {"quote_spans.py", "quote_speakers.py", "actor_linking.py", "figure_extractor.py"} <= needed
    assert needed <= cached, sorted(needed - cached)
    after_the_cache = {"quote_views.py", "quote_corrections.py", "actor_views.py", "actor_corrections.py",
                       "actor_corpus.py", "figure_views.py", "figure_matching.py", "compare.py", "stories.py",
                       "charts.py", "report.py", "pipeline.py"}
    assert not after_the_cache & cached, sorted(after_the_cache & cached)

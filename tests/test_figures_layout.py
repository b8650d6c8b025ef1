"""The figures code's shape: stage modules behind the `newsbook.figures` facade, no import cycle, no
long module or function, and a cache key that covers the extraction code and rules but not the views."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import newsbook
from newsbook import figures, nlp, pipeline

PACKAGE = Path(newsbook.__file__).parent
FIGURE_MODULES = sorted(p.stem for p in PACKAGE.glob("figure_*.py"))


def _imports(path: Path) -> set[str]:
    """newsbook modules `path` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsbook."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "newsbook":
            found.update(alias.name for alias in node.names)
    return {name for name in found if (PACKAGE / f"{name}.py").exists()}


def _graph() -> dict[str, set[str]]:
    return {p.stem: _imports(p) for p in PACKAGE.glob("*.py")}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_stage_modules_exist_and_the_facade_reexports_them():
    assert {"figure_lexicon", "figure_numbers", "figure_context", "figure_candidates", "figure_nouns",
            "figure_extractor", "figure_baseline", "figure_matching", "figure_format",
            "figure_views"} <= set(FIGURE_MODULES)
    import importlib

    for name in FIGURE_MODULES:
        module = importlib.import_module(f"newsbook.{name}")
        assert module.__doc__ and module.__doc__.strip(), name
        for attr, value in vars(module).items():
            if attr.startswith("_") or attr == "TYPE_CHECKING" or getattr(value, "__module__", module.__name__) != module.__name__:
                continue
            if callable(value) or attr.isupper():
                assert getattr(figures, attr) is value, f"figures.{attr} is not {name}.{attr}"


def test_no_import_cycle_through_a_figures_module():
    graph = _graph()
    for name in FIGURE_MODULES + ["figures"]:
        assert name not in _reachable(graph, name), f"{name} imports itself back through {graph[name]}"


@pytest.mark.parametrize("name", FIGURE_MODULES + ["figures"])
def test_modules_and_functions_stay_short(name):
    source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 800, name
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            assert node.end_lineno - node.lineno + 1 <= 150, f"{name}.{node.name}"


def test_the_annotation_cache_key_covers_everything_the_extractor_imports():
    graph = _graph()
    extraction = {"figure_extractor"} | _reachable(graph, "figure_extractor")
    # nlp imports actors to configure the pipeline; actors is cached code anyway
    assert {f"{m}.py" for m in extraction if m.startswith("figure")} <= set(nlp.CACHED_CODE)
    assert not {"figures.py", "figure_views.py", "figure_format.py", "figure_matching.py",
                "figure_baseline.py"} & set(nlp.CACHED_CODE)
    assert "figure_views.py" in pipeline.PRESENTATION_CODE


@pytest.fixture
def package_copy(tmp_path):
    copy = tmp_path / "newsbook"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _touch(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


def test_editing_a_view_keeps_the_caches_and_editing_a_rule_does_not(package_copy, monkeypatch):
    monkeypatch.setattr(nlp, "__file__", str(package_copy / "nlp.py"))
    monkeypatch.setattr(pipeline, "__file__", str(package_copy / "pipeline.py"))
    article_key, result_key = nlp._source_digest(), pipeline._code_digest()
    _touch(package_copy / "figure_views.py")
    assert (nlp._source_digest(), pipeline._code_digest()) == (article_key, result_key)
    _touch(package_copy / "figure_format.py")  # the match notes are written with it: a result, not an article
    assert nlp._source_digest() == article_key and pipeline._code_digest() != result_key
    for changed in ("figure_candidates.py", "rules/units.yaml"):
        before = nlp._source_digest()
        _touch(package_copy / changed)
        assert nlp._source_digest() != before, changed

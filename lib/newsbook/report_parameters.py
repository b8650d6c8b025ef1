"""The notebooks a report run runs and the parameters it gives them: finding the notebooks
(`notebook_paths`), reading what each one's `parameters` cell declares, reading `-p` values, and
showing the parameters a report ran with.  The types and checks themselves are `newsbook.parameters`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from . import config
from . import parameters as parameters_mod
from .errors import CorpusError, NewsbookError, ParameterError

FIRST_NOTEBOOK = "overview"


def parse_parameter_value(value: Any) -> Any:
    """A `-p KEY VALUE` value for a parameter of no declared type, read the way papermill's command
    line reads it: ``True``/``False``, ``None``, integers and floats become Python values; a YAML
    flow list or mapping (``[1, 2]``, ``{a: 1}``) becomes a list/dict of plain values; anything else
    stays a string.  A YAML tag, anchor or alias is refused (ParameterError): a parameter is data.
    Non-strings must be plain data.  `newsbook report` reads each value by the type the notebook
    declares for it instead (see `newsbook.parameters`)."""
    try:
        if not isinstance(value, str):
            parameters_mod.check_plain(value)
            return value
        return parameters_mod.read_any(value)
    except parameters_mod.ParameterValueError as exc:
        raise ParameterError(f"parameter value {value!r:.80} is refused: {exc}") from None


def parse_parameters(parameters: dict[str, Any] | None) -> dict[str, Any]:
    return {str(k): parse_parameter_value(v) for k, v in (parameters or {}).items()}


def notebook_paths(names: Iterable[str] | None = None, notebooks_dir: Path | None = None) -> list[tuple[str, Path]]:
    """(name, path) of the notebooks to run: every ``*.ipynb`` in notebooks/ (overview first, then
    by name) when `names` is None; else each name (``overview``, ``overview.ipynb`` or a path)."""
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    if names is None or len(list(names)) == 0:
        paths = sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))
        paths.sort(key=lambda p: (p.stem != FIRST_NOTEBOOK, p.stem))
        if not paths:
            raise NewsbookError(f"no notebooks in {notebooks_dir}")
        return [(p.stem, p) for p in paths]
    out = []
    for name in names:
        raw = str(name)
        candidate = Path(raw)
        if raw.endswith(".ipynb") and (candidate.is_absolute() or candidate.exists() or "/" in raw):
            path = candidate if candidate.is_absolute() or candidate.exists() else config.PROJECT_ROOT / candidate
        else:
            path = notebooks_dir / (raw if raw.endswith(".ipynb") else f"{raw}.ipynb")
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))) or "none"
            raise NewsbookError(f"no notebook {raw!r} (notebooks in {notebooks_dir}: {known})")
        out.append((path.stem, path.resolve()))
    return out


def declared_parameters(path: Path) -> dict[str, parameters_mod.Declared]:
    """What the notebook's one `parameters` cell declares: name -> `parameters.Declared` (type from
    the annotation or the default, allowed values from the comment).

    Raises ParameterError unless exactly one cell is tagged `parameters`."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ParameterError(f"notebook {Path(path).stem!r} must have exactly one cell tagged 'parameters' "
                             f"(found {len(tagged)})")
    return parameters_mod.declared_parameters(tagged[0].source)


def notebook_parameters(path: Path) -> dict[str, dict]:
    """The notebook's parameters: name -> {name, default (source text), type, help, expected}."""
    return {name: {"name": name, "default": d.default_text, "type": d.kind, "help": d.help,
                   "expected": d.expected()} for name, d in declared_parameters(path).items()}


def _default_value(declared: parameters_mod.Declared) -> Any:
    """The default a notebook runs with, for the index: the value, or its source text when the
    default is an expression."""
    return declared.default if parameters_mod._is_literal(declared.default_text) else declared.default_text


def _shown_parameters(effective: dict[str, Any], limit: int = 200) -> str:
    """'a = 1, b = 'x'' for a report's header; a very long value is cut short (the index has it whole)."""
    parts = []
    for key, value in effective.items():
        text = repr(value)
        parts.append(f"{key} = {text if len(text) <= limit else text[:limit - 1] + '…'}")
    return ", ".join(parts) or "(none)"


def _resolve_corpus_value(value: Any) -> Any:
    """A corpus given on the command line is resolved against the caller's working directory (the
    kernel runs in notebooks/), so `--corpus mydir` means the caller's mydir."""
    if isinstance(value, (str, os.PathLike)) and str(value):
        path = config.resolve_path(value)
        if not path.exists():
            raise CorpusError(f"corpus not found: {value} (looked for {path})")
        return str(path)
    return value

"""Where a study's reports land: one folder per study under outputs/, a rerun with other
parameters kept beside the previous one, and outputs/index.html listing every study.

A study is named after its corpus folder (``~/study/floods`` → ``floods``; the seeds →
``seeds``), or after the folder of saved tables it reports on, or by ``--name``. Its reports
go to ``outputs/<study>/reports/`` with their own index; the executed notebooks to
``outputs/<study>/notebooks/``. A run with parameters other than the notebooks' defaults (corpus
and annotations aside) goes to ``outputs/<study>--<parameters>/``, so it never overwrites the
run with the defaults, and two runs with different parameters sit side by side.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import __version__, config
from .files import write_text
from .html import render_page

STUDIES_INDEX = "index.html"
# Parameters that say which data a study is, not how it is looked at: not part of a run's name.
DATA_PARAMETERS = ("corpus", "annotations")
MAX_SLUG = 60


def slug(text: str) -> str:
    """A file-name-safe, readable form of `text` (letters, digits, '-', '_', '.')."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-.")
    return cleaned[:MAX_SLUG].rstrip("-.") or "study"


def study_name(corpus: str | None = None, annotations: str | None = None, name: str | None = None) -> str:
    """The study's folder name: `name` if given, else the folder of the saved tables or of the
    corpus (a corpus file: its folder and stem), else "seeds"."""
    if name:
        return slug(name)
    source = annotations or corpus
    if not source:
        return config.SEEDS_DIR.name
    path = Path(str(source)).expanduser()
    if path.suffix and not path.is_dir():  # a single corpus file: name it with its folder
        return slug(f"{path.parent.name}-{path.stem}" if path.parent.name else path.stem)
    return slug(path.resolve().name if str(path) in (".", "") else path.name)


def run_suffix(parameters: dict[str, Any] | None) -> str:
    """The part of a run's folder name that its non-default parameters give ('' for none): the
    readable `key-value` pairs, and a short hash of all of them so two different runs never share
    a folder even when their readable forms are cut short."""
    chosen = {k: v for k, v in sorted((parameters or {}).items()) if k not in DATA_PARAMETERS}
    if not chosen:
        return ""
    readable = slug("_".join(f"{k}-{v}" for k, v in chosen.items()))
    digest = hashlib.sha256(json.dumps(chosen, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:6]
    return f"--{readable}-{digest}"


def study_dir(outputs: Path, corpus: str | None = None, annotations: str | None = None,
              parameters: dict[str, Any] | None = None, name: str | None = None) -> Path:
    """outputs/<study>[--<parameters>]/: where one run's reports and notebooks go. With `name`,
    exactly outputs/<name>/ (the researcher chose the folder)."""
    if name:
        return Path(outputs) / slug(name)
    return Path(outputs) / (study_name(corpus, annotations) + run_suffix(parameters))


def _study_rows(outputs: Path) -> list[dict]:
    rows = []
    for folder in sorted(p for p in Path(outputs).iterdir() if p.is_dir() and not p.name.startswith(".")):
        index = folder / "reports" / "index.json"
        try:
            reports = json.loads(index.read_text(encoding="utf-8")).get("reports", {})
        except (OSError, ValueError):
            continue
        if not isinstance(reports, dict) or not reports:
            continue
        entries = [e for e in reports.values() if isinstance(e, dict)]
        corpus = next((e.get("corpus") or {} for e in entries if e.get("corpus")), {})
        parameters = next((e.get("parameters") or {} for e in entries if e.get("parameters")), {})
        rows.append({
            "folder": folder.name,
            "href": f"{folder.name}/reports/index.html",
            "reports": sorted(reports),
            "corpus": str(corpus.get("path", "")) if isinstance(corpus, dict) else "",
            "articles": corpus.get("n_articles", "") if isinstance(corpus, dict) else "",
            "parameters": {k: v for k, v in parameters.items() if k not in DATA_PARAMETERS},
            "updated": max((str(e.get("generated", "")) for e in entries), default=""),
        })
    return rows


def write_studies_index(outputs: Path, *, css: str = "", csp: str = "") -> Path:
    """outputs/index.html: every study folder under `outputs` that has reports, with its corpus,
    parameters, reports and last update, linking each study's own index."""
    rows = [{**row, "parameters": [(k, json.dumps(v, ensure_ascii=False)) for k, v in row["parameters"].items()],
             "articles": str(row["articles"])} for row in _study_rows(outputs)]
    page = render_page("studies_index.html.j2", rows=rows, version=__version__, csp=csp, css=Markup(css))
    return write_text(Path(outputs) / STUDIES_INDEX, page)

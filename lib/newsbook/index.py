"""The reports folder's index: ``index.json`` (machine-readable) and ``index.html``, every report
with its parameters, corpus, newsbook version and time, and a failed last run beside it; read,
locked and rewritten by the report runner."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
from pathlib import Path

from . import __version__
from markupsafe import Markup

from .files import write_text
from .html import render_page
from .render import content_security_policy, template_css
from .report_parameters import FIRST_NOTEBOOK

INDEX_JSON = "index.json"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


@contextlib.contextmanager
def _index_lock(reports_dir: Path):
    """An exclusive lock on the reports folder's index while it is read and rewritten, so that two
    runs into the same folder keep each other's entries."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    with open(reports_dir / ".index.lock", "a+b") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except (ImportError, OSError):  # pragma: no cover - no flock: last writer wins
            pass
        yield


def _read_manifest(reports_dir: Path) -> dict:
    path = reports_dir / INDEX_JSON
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data.get("reports", {}))
    except (ValueError, AttributeError):
        return {}


def _index_row(name: str, entry: dict, exists: bool) -> dict:
    """What the index page shows of one report (templates/pages/reports_index.html.j2 escapes it)."""
    corpus = entry.get("corpus") or {}
    failure = entry.get("last_failure")
    shown_failure = failure if failure and failure.get("time", "") >= entry.get("generated", "") else None
    return {
        "name": name,
        "html": entry["html"] if exists and entry.get("html") else "",
        "parameters": [(k, json.dumps(v, ensure_ascii=False)) for k, v in entry.get("parameters", {}).items()],
        "corpus": {"path": corpus.get("path", ""), "n_articles": corpus.get("n_articles", 0),
                   "content_hash": corpus.get("content_hash", ""), "ids": corpus.get("articles", []),
                   "error": corpus.get("error", "")},
        "version": entry.get("newsbook_version", ""), "generated": entry.get("generated", ""),
        "seconds": entry.get("seconds", ""), "charts": entry.get("charts", 0),
        "failure": shown_failure and {"time": shown_failure["time"], "cell": shown_failure.get("cell", ""),
                                      "detail": shown_failure.get("detail", ""),
                                      "executed": shown_failure.get("executed", "")},
    }


def _write_index(reports_dir: Path, manifest: dict) -> Path:
    """index.json (machine-readable) and index.html: every report that exists, with its
    parameters, corpus, newsbook version and time; a failed last run is shown beside it."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    kept = {name: entry for name, entry in manifest.items()
            if (reports_dir / f"{name}.html").exists() or entry.get("last_failure")}
    order = sorted(kept, key=lambda n: (n != FIRST_NOTEBOOK, n))
    write_text(reports_dir / INDEX_JSON, json.dumps({"newsbook_version": __version__, "updated": _now(),
                                                     "reports": {n: kept[n] for n in order}},
                                                    indent=2, ensure_ascii=False))
    rows = [_index_row(name, kept[name], (reports_dir / f"{name}.html").exists()) for name in order]
    page = render_page("reports_index.html.j2", rows=rows, version=__version__, updated=_now(),
                       csp=content_security_policy(), css=Markup(template_css()))
    return write_text(reports_dir / "index.html", page)

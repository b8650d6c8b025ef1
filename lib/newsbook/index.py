"""The reports folder's index: ``index.json`` (machine-readable) and ``index.html``, every report
with its parameters, corpus, newsbook version and time, and a failed last run beside it; read,
locked and rewritten by the report runner."""

from __future__ import annotations

import contextlib
import datetime as _dt
import html
import json
from pathlib import Path

from . import __version__
from .files import write_text
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
    e = html.escape
    rows = []
    for name in order:
        entry = kept[name]
        has_html = (reports_dir / f"{name}.html").exists() and entry.get("html")
        link = f'<a href="{e(entry["html"])}">{e(name)}</a>' if has_html else e(name)
        params = "<br>".join(f"<code>{e(k)} = {e(json.dumps(v, ensure_ascii=False))}</code>"
                             for k, v in entry.get("parameters", {}).items()) or "(none)"
        corpus = entry.get("corpus") or {}
        ids = corpus.get("articles", [])
        corpus_cell = (f'{e(corpus.get("path", ""))}<br>{corpus.get("n_articles", 0)} articles, content hash '
                       f'<code>{e(corpus.get("content_hash", ""))}</code>'
                       + (f'<details class="nb-ids"{" open" if len(ids) <= 10 else ""}><summary>article ids</summary>{"<br>".join(e(i) for i in ids)}'
                          "</details>" if ids else "")
                       + (f'<br><span class="nb-failed">{e(corpus["error"])}</span>' if corpus.get("error") else ""))
        status = f'{e(entry.get("generated", ""))}<br>{entry.get("seconds", "")} s, {entry.get("charts", 0)} charts' \
            if has_html else "never rendered"
        failure = entry.get("last_failure")
        if failure and failure.get("time", "") >= entry.get("generated", ""):
            executed = (f' (<a href="{e(failure["executed"])}">executed notebook</a>)'
                        if failure.get("executed") else "")
            where = f'in cell {e(failure["cell"])}' if failure.get("cell") else "before any cell ran"
            status += (f'<br><span class="nb-failed">last run failed {e(failure["time"])} {where}: '
                       f'{e(failure["detail"])}{executed}; the report shown is the previous good one</span>')
        rows.append(f"<tr><td>{link}</td><td>{params}</td><td>{corpus_cell}</td>"
                    f"<td>{e(entry.get('newsbook_version', ''))}</td><td>{status}</td></tr>")
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{e(content_security_policy())}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="newsbook {e(__version__)}">\n'
        "<title>newsbook reports</title>\n"
        f'<style type="text/css">\n{template_css()}\n</style>\n</head>\n'
        '<body class="nb-report" data-report="index">\n<main>\n<h1>newsbook reports</h1>\n'
        f"<p>Index updated {e(_now())} by newsbook {e(__version__)}.</p>\n"
        '<table class="nb-index">\n<thead><tr><th>report</th><th>parameters</th><th>corpus</th>'
        "<th>newsbook</th><th>rendered</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )
    return write_text(reports_dir / "index.html", page)

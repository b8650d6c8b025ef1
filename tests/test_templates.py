"""The HTML newsbook builds from Jinja2 templates (templates/fragments, templates/pages): values are
escaped, newsbook's own markup is not escaped twice."""

from __future__ import annotations

import json

import pandas as pd

from newsbook import index, notebook_helpers, parameters, studies

HOSTILE = '<script>alert(1)</script>" onmouseover="x'


def _no_live_markup(page: str) -> None:
    assert "<script>" not in page and '" onmouseover="' not in page


def test_report_links_escape_notebook_names(tmp_path):
    (tmp_path / '<script>x" onmouseover="y.ipynb').write_text("{}")  # no "/" in a file name
    page = str(notebook_helpers.links(notebooks_dir=tmp_path))
    _no_live_markup(page)
    assert "&lt;script&gt;x" in page and page.startswith('<ul class="nb-report-links">')
    assert "no other reports" in str(notebook_helpers.links(notebooks_dir=tmp_path / "none"))


def test_table_note_is_escaped_and_the_table_is_not_escaped_twice():
    frame = pd.DataFrame({"outlet": ["<b>Daily</b>"]})
    page = notebook_helpers.Table(frame, frame, total=12345, note=HOSTILE, href=HOSTILE)._repr_html_()
    _no_live_markup(page)
    assert "(CSV, 12,345 rows)" in page
    assert "<table" in page and "&lt;table" not in page and "&lt;b&gt;Daily" in page


def test_parameter_notes_are_escaped():
    page = parameters.ParameterNotes([HOSTILE]).html()
    _no_live_markup(page)
    assert page.startswith('<div class="nb-parameter-notes"') and "&lt;script&gt;" in page


def test_index_pages_escape_every_value(tmp_path):
    reports = tmp_path / "study" / "reports"
    reports.mkdir(parents=True)
    (reports / "overview.html").write_text("x")
    entry = {"html": "overview.html", "parameters": {"speaker": HOSTILE},
             "corpus": {"path": HOSTILE, "n_articles": 1, "content_hash": HOSTILE, "articles": [HOSTILE]},
             "generated": "2025-01-01", "seconds": 1, "charts": 0, "newsbook_version": HOSTILE,
             "last_failure": {"time": "2026-01-01", "cell": HOSTILE, "detail": HOSTILE, "executed": HOSTILE}}
    page = index._write_index(reports, {"overview": entry}).read_text()
    _no_live_markup(page)
    assert '<a href="overview.html">overview</a>' in page and "last run failed" in page
    assert page.endswith("</html>\n") and "<style" in page  # the stylesheet is newsbook's own, kept as markup
    (reports / "index.json").write_text(json.dumps({"reports": {"overview": entry}}))
    page = studies.write_studies_index(tmp_path, css="body { color: #111; }", csp="default-src 'none'").read_text()
    _no_live_markup(page)
    assert "body { color: #111; }" in page and 'href="study/reports/index.html"' in page

"""Reports: run the notebooks with papermill, render them with nbconvert into self-contained HTML.

This module is the one name notebooks, tests and scripts use (``from newsbook import report``); it
owns nothing itself and re-exports the modules that do the work, one job each:

* `newsbook.report_parameters` - which notebooks run, what their `parameters` cell declares, `-p` values;
* `newsbook.run` - `run_reports` (what `newsbook report` calls): run each notebook with papermill on
  the `newsbook` kernel, keep the executed notebook, write the page atomically (a failure leaves the
  previous good HTML in place), publish its table CSVs;
* `newsbook.render` - a notebook as one self-contained page: charts embedded offline, the
  Content-Security-Policy, the template; `newsbook.vega` - the inlined vega bundle;
* `newsbook.sanitize` - `sanitize_html`, the second line of defence behind escaping;
* `newsbook.index` - ``reports/index.json`` and ``index.html``: every report with its parameters,
  corpus (article ids and a content hash), newsbook version and time;
* `newsbook.notebook_helpers` - what the notebooks call: `table`, `links`, `load_annotations`,
  `saved_annotations`, `quote_matches`;
* `newsbook.browser` - `check_reports_in_browser`: headless Chromium, networking off, every chart
  drawn, console clean, a PNG screenshot of each report (``newsbook screenshots`` runs it).

A report loads nothing from the network, and article text is escaped where it is written; see
`newsbook.render` and `newsbook.sanitize`.
"""

from __future__ import annotations

import logging

from .browser import (_BASELINE_GLOBALS, CHROMIUM_ARGS, CHROMIUM_CANDIDATES, BrowserCheck, _check_page,  # noqa: F401
                      check_reports_in_browser, find_chromium, screenshot_reports)
from .files import write_bytes, write_text  # noqa: F401 - tests write pages with report.write_text
from .index import INDEX_JSON, _index_lock, _now, _read_manifest, _write_index  # noqa: F401
from .jsonschema_import import fast_jsonschema  # noqa: F401
from .notebook_helpers import (MAX_CELL_CHARS, MAX_TABLE_ROWS, REPORT_NAME_ENV, TABLES_DIR_NAME,  # noqa: F401
                               TABLES_ENV, Table, _cut_cells, _Links, _safe_file_name, _tables_target, links,
                               load_annotations, quote_matches, saved_annotations, table)
from .parameters import parameter_notes  # noqa: F401 - the notebooks call report.parameter_notes
from .render import (_EMBED_OPTION_KEYS, CHART_SCRIPT, TEMPLATE_NAME, TEMPLATES_DIR, VEGA_MIMETYPE,  # noqa: F401
                     _datatables_resources, _dropped, _exporter, _json_for_script, _script_hash, chart_from_output,
                     chart_html, content_security_policy, prepare_notebook, render_html, template_css)
from .report_parameters import (FIRST_NOTEBOOK, _default_value, _resolve_corpus_value,  # noqa: F401
                                _shown_parameters, declared_parameters, notebook_parameters, notebook_paths,
                                parse_parameter_value, parse_parameters)
from .run import (_cell_position, _corpus_hash, _corpus_info, _engine_name, _execute_and_render,  # noqa: F401
                  _failed_cell, _failure_cell_and_detail, _is_missing_kernel, _Job, _json_value, _last_started_cell,
                  _publish_tables, _run_jobs, _run_reports, default_jobs, run_reports)
from .sanitize import (_ALLOWED_TAGS, _CONTENT_DROPPED_TAGS, _CSS_PROPERTIES, _DATA_IMAGE,  # noqa: F401
                       _GLOBAL_ATTRIBUTES, _RESERVED_PREFIX, _SAFE_CSS_VALUE, _SAFE_SELECTOR, _STYLER_ID,
                       _TAG_ATTRIBUTES, _UNSAFE_CSS, LINK_REL, _cleaner, _filter_attribute, _safe_declarations,
                       _safe_style_block, sanitize_html)
from .vega import (_BUNDLE_SEAL, _bundle_cache_path, _sealed, _unsealed, _vega_bundle,  # noqa: F401
                   _vegalite_version, _warm_vega_bundle, vega_bundle)

log = logging.getLogger("newsbook.report")


def main(argv: list[str] | None = None) -> int:
    """``python -m newsbook.report screenshots [--out DIR] [--require] [--lab]``, kept for old scripts:
    the same as ``newsbook screenshots ...`` (see `newsbook.cli`)."""
    import sys

    from .cli import main as cli_main

    return cli_main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())

"""Reports: run the notebooks with papermill, render them with nbconvert into self-contained HTML.

`run_reports` is what `newsbook report` calls.  For each notebook it

1. checks the parameters (`-p` names must be declared in the notebook's one `parameters` cell),
2. runs the notebook with papermill on the `newsbook` kernel, parameters injected, under one
   progress bar over notebooks and cells; the executed notebook is kept as
   ``outputs/notebooks/NAME.ipynb`` (``NAME.failed.ipynb`` when a cell raised),
3. renders it with nbconvert and the ``newsbook_report`` template, without code cells, to
   ``outputs/reports/NAME.html``, written atomically and only after a successful run (a failure
   leaves the previous good HTML in place),
4. rewrites ``outputs/reports/index.html``: every report with its parameters, corpus (article ids and
   a content hash), newsbook version and time.

A report loads nothing from the network.  Altair charts (altair 6 puts its HTML renderer's output,
a script that loads vega from a CDN, in the notebook; the vega-lite mimetypes are read too) are
turned into a div plus a small self-contained script calling `vegaEmbed`, and the vega bundle from
vl-convert is inlined once per page.  Every other HTML output is sanitised (article text is
untrusted): no script, no event handler, no remote image, no style block that could load anything.

`check_reports_in_browser` opens the reports in headless Chromium with networking off, checks that
every chart drew an SVG or canvas and that the console stayed clean, and keeps a PNG screenshot of
each report (``outputs/screenshots/NAME.png``).  ``python -m newsbook.report screenshots`` runs it.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import datetime as _dt
import functools
import html
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any, Iterable

from . import __version__, config
from .errors import CorpusError, NewsbookError, NotebookFailed, ParameterError
from .files import write_bytes, write_text

log = logging.getLogger("newsbook.report")

TEMPLATE_NAME = "newsbook_report"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
FIRST_NOTEBOOK = "overview"
INDEX_JSON = "index.json"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]

# Mimetypes altair (or a bare vega-lite / vega display) may leave in a notebook.
VEGA_MIMETYPE = re.compile(r"^application/vnd\.vega(?P<lite>lite)?\.v\d+(?:\.\d+)*[.+]json$")


# --- parameters --------------------------------------------------------------------------------


def parse_parameter_value(value: Any) -> Any:
    """A `-p KEY VALUE` value, read the way papermill's command line reads it: ``True``/``False``,
    ``None``, integers and floats become Python values; a JSON/YAML list or mapping (``[1, 2]``,
    ``{a: 1}``) becomes a list/dict; anything else stays a string.  Non-strings pass through."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text == "True":
        return True
    if text == "False":
        return False
    if text == "None":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    if text[:1] in "[{":
        import yaml

        try:
            parsed = yaml.safe_load(text)
        except yaml.YAMLError:
            return value
        if isinstance(parsed, (list, dict)):
            return parsed
    return value


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


def notebook_parameters(path: Path) -> dict[str, dict]:
    """The notebook's parameters (name -> papermill's description with its default as source text).

    Raises ParameterError unless exactly one cell is tagged `parameters`."""
    import nbformat
    from papermill.translators import papermill_translators

    nb = nbformat.read(str(path), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ParameterError(f"notebook {Path(path).stem!r} must have exactly one cell tagged 'parameters' "
                             f"(found {len(tagged)})")
    # What papermill's inspect_notebook does, with the kernel named (a notebook may lack kernelspec).
    translator = papermill_translators.find_translator(config.KERNEL_NAME, "python")
    return {p.name: p._asdict() for p in translator.inspect(tagged[0])}


def _default_value(description: dict) -> Any:
    source = str(description.get("default", ""))
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return source


def _describe_parameters(name: str, declared: dict[str, dict]) -> str:
    if not declared:
        return f"{name}: (no parameters)"
    return f"{name}: " + ", ".join(f"{p} = {d.get('default', '')}" for p, d in declared.items())


def _resolve_corpus_value(value: Any) -> Any:
    """A corpus given on the command line is resolved against the caller's working directory (the
    kernel runs in notebooks/), so `--corpus mydir` means the caller's mydir."""
    if isinstance(value, (str, os.PathLike)) and str(value):
        path = config.resolve_path(value)
        if not path.exists():
            raise CorpusError(f"corpus not found: {value} (looked for {path})")
        return str(path)
    return value


# --- charts and HTML outputs -------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def vega_bundle(vl_version: str | None = None) -> str:
    """vega + vega-lite + vega-embed as one inline script (vl-convert's `javascript_bundle`), which
    sets `window.vegaEmbed`, `window.vega` and `window.vegaLite`.

    Made safe to inline in a <script> element; the URLs that the libraries hold as string constants
    (the SVG namespace, the vega editor) are written with escaped slashes, which is the same string
    to JavaScript, so the page holds no literal http(s):// inside a script."""
    import vl_convert as vlc

    if vl_version is not None and vl_version not in vlc.get_vegalite_versions():
        vl_version = None
    bundle = vlc.javascript_bundle(vl_version=vl_version) if vl_version else vlc.javascript_bundle()
    bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    bundle = re.sub(r"(https?:)//", r"\1\\/\\/", bundle)
    # Its own scope: the bundle's thousands of top-level names stay out of `window` (only the three
    # it assigns explicitly are global), and nothing can clash with another script on the page.
    return "(function () {\n" + bundle + "\n}).call(window);"


def _vegalite_version(specs: list[dict]) -> str | None:
    for spec in specs:
        match = re.search(r"vega-lite/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
        if match:
            return f"{match.group(1)}.{match.group(2)}"
    try:
        import altair as alt

        major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
        return f"{major}.{minor}"
    except Exception:  # pragma: no cover - altair is a dependency
        return None


def chart_from_output(output: dict) -> tuple[dict, str, dict] | None:
    """(spec, mode, embed options) if this output is a chart, else None.

    Reads the vega-lite / vega mimetypes, and altair's HTML renderer output (altair 6's default in a
    notebook), whose spec is the first JSON argument of the immediately-invoked function."""
    data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
    for mimetype, value in data.items():
        match = VEGA_MIMETYPE.match(mimetype)
        if match:
            spec = json.loads(value) if isinstance(value, str) else copy.deepcopy(dict(value))
            return spec, "vega-lite" if match.group("lite") else "vega", {}
    page = data.get("text/html")
    if isinstance(page, list):
        page = "".join(page)
    if not isinstance(page, str) or "altair-viz-" not in page or "vegaEmbed" not in page:
        return None
    start = page.find("function displayChart")
    call = page.find("})(", max(start, 0))
    if start < 0 or call < 0:
        raise NewsbookError("an altair chart's HTML output has an unknown layout; cannot embed it offline")
    decoder = json.JSONDecoder()
    try:
        spec, pos = decoder.raw_decode(page, call + 3)
        while page[pos] in " \n\t,":
            pos += 1
        options, _ = decoder.raw_decode(page, pos)
    except (ValueError, IndexError) as exc:
        raise NewsbookError(f"cannot read an altair chart's spec from its HTML output: {exc}") from exc
    options = options if isinstance(options, dict) else {}
    return spec, str(options.get("mode", "vega-lite")), options


def _json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>', '&' or '/' left as such (so no '</script>',
    no '<!--', no literal URL), non-ASCII escaped.  JSON.parse reads it back unchanged."""
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("/", "\\/"))


# Embed options a chart may carry over from altair; the rest are newsbook's.
_EMBED_OPTION_KEYS = ("theme", "renderer", "scaleFactor", "padding", "defaultStyle", "format_locale",
                      "time_format_locale", "tooltip")


def chart_html(spec: dict, mode: str, options: dict, index: int) -> str:
    """A chart as a div, its spec as inert JSON and a small script that declares no globals."""
    spec = dict(spec)
    spec.pop("$schema", None)  # vega-embed is told the mode; the schema URL is only a label
    embed = {"mode": mode, "renderer": "svg",
             "actions": {"export": True, "source": False, "compiled": False, "editor": False}}
    embed.update({k: options[k] for k in _EMBED_OPTION_KEYS if k in options})
    payload = _json_for_script({"spec": spec, "embed": embed})
    cid = f"nb-chart-{index}"
    return (
        f'<div class="nb-chart" id="{cid}" data-nb-chart="{index}"></div>\n'
        f'<script type="application/json" id="{cid}-spec">{payload}</script>\n'
        '<script type="text/javascript">\n'
        "(function () {\n"
        f'  var el = document.getElementById("{cid}");\n'
        f'  var payload = JSON.parse(document.getElementById("{cid}-spec").textContent);\n'
        "  window.vegaEmbed(el, payload.spec, payload.embed).then(function () {\n"
        '    el.setAttribute("data-rendered", "true");\n'
        "  }).catch(function (err) {\n"
        '    el.setAttribute("data-rendered", "error");\n'
        '    el.className += " nb-chart-error";\n'
        '    el.textContent = "This chart could not be drawn: " + err.message;\n'
        "    console.error(err);\n"
        "  });\n"
        "})();\n"
        "</script>"
    )


_ALLOWED_TAGS = frozenset("""
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong style sub summary sup
table tbody td tfoot th thead time tr u ul var section article header footer nav aside
""".split())
_GLOBAL_ATTRIBUTES = frozenset({"class", "title", "id", "style", "lang", "dir", "role", "aria-label", "aria-hidden"})
_TAG_ATTRIBUTES = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
    "style": {"type", "scoped"},
    "time": {"datetime"},
    "table": {"border"},
    "tr": {"align"},
}
_CSS_PROPERTIES = frozenset("""
color background-color border border-top border-bottom border-left border-right border-color
border-bottom-color border-top-color border-left-color border-right-color border-style border-width
border-radius border-collapse box-shadow outline font-weight font-style font-size font-family font-variant
text-decoration text-decoration-color text-decoration-thickness text-decoration-line text-decoration-style
text-underline-offset text-align text-transform vertical-align white-space word-break line-height
letter-spacing margin margin-top margin-bottom margin-left margin-right padding padding-top padding-bottom
padding-left padding-right display width max-width min-width height max-height min-height opacity
list-style-type overflow overflow-x cursor
""".split())
_UNSAFE_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|behavior\s*:|-moz-binding|javascript:|</|<!--|@font-face"
                         r"|image-set|\\", re.IGNORECASE)


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name.startswith("data-") and re.fullmatch(r"data-[a-z0-9_.-]+", name):
        return True
    if name in _GLOBAL_ATTRIBUTES:
        return True
    if name not in _TAG_ATTRIBUTES.get(tag, ()):
        return False
    if tag == "img" and name == "src":
        return value.strip().lower().startswith(("data:image/png", "data:image/jpeg", "data:image/gif",
                                                  "data:image/webp", "data:image/svg+xml"))
    if tag == "a" and name == "href":
        return not value.strip().lower().startswith(("data:", "javascript:", "vbscript:"))
    return True


@functools.lru_cache(maxsize=1)
def _cleaner():
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    return bleach.sanitizer.Cleaner(
        tags=_ALLOWED_TAGS, attributes=_allow_attribute,
        protocols={"http", "https", "mailto", "data"},
        css_sanitizer=CSSSanitizer(allowed_css_properties=_CSS_PROPERTIES),
        strip=True, strip_comments=True,
    )


def _style_block(match: re.Match) -> str:
    css = match.group(2)
    return "" if _UNSAFE_CSS.search(css) else match.group(0)


def sanitize_html(fragment: str) -> str:
    """An HTML output made safe to show: scripts (with their content), event handlers, forms,
    iframes, remote images and anything in CSS that could load or run something are removed;
    tables, text markup, inline styles and data: images stay.  Style blocks are kept only if they
    hold plain rules (pandas' `<style scoped>` does)."""
    if not fragment:
        return ""
    text = re.sub(r"<(script|template|iframe|object|embed|noscript|textarea|title|xmp)\b.*?</\1\s*>", "",
                  fragment, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<(script|template|iframe|object|embed|noscript|textarea|title|xmp)\b[^>]*>.*", "", text,
                  flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"(<style\b[^>]*>)(.*?)</style\s*>", _style_block, text, flags=re.IGNORECASE | re.DOTALL)
    clean = _cleaner().clean(text)
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", clean)  # an image whose source was dropped


def _dropped(output) -> bool:
    """JavaScript and widget outputs never reach a report (an output left with nothing to show goes too)."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return False
    data = output.get("data", {})
    for key in [k for k in data if k in ("application/javascript", "text/javascript")
                or k.startswith("application/vnd.jupyter.widget")]:
        del data[key]
    return not data


def prepare_notebook(nb) -> tuple[Any, list[dict]]:
    """A copy of the executed notebook ready for the template: charts turned into `chart_html`,
    every other HTML (and markdown) output sanitised, JavaScript and widget outputs dropped.

    Returns (notebook, chart specs)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    nb = copy.deepcopy(nb)
    specs: list[dict] = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", []) if not _dropped(o)]
        if "remove-output" in tags or "remove-cell" in tags:
            cell.outputs = []
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            chart = chart_from_output(output)
            data = output.get("data", {})
            if chart is not None:
                spec, mode, options = chart
                specs.append(spec)
                output["data"] = {"text/html": chart_html(spec, mode, options, len(specs))}
                output["metadata"] = {}
                continue
            if "text/html" in data:
                value = data["text/html"]
                data["text/html"] = sanitize_html("".join(value) if isinstance(value, list) else value)
            elif "text/markdown" in data:
                value = data.pop("text/markdown")
                data["text/html"] = sanitize_html(markdown2html_mistune("".join(value) if isinstance(value, list)
                                                                         else value))
    return nb, specs


def _template_css() -> str:
    return (TEMPLATES_DIR / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_filter("newsbook_sanitize", sanitize_html)
    return exporter


def render_html(nb, name: str, *, meta: dict | None = None) -> tuple[str, int]:
    """The executed notebook as one self-contained HTML page (no code cells). Returns (html, charts)."""
    meta = meta or {}
    prepared, specs = prepare_notebook(nb)
    resources = {
        "metadata": {"name": name},
        "newsbook": {
            "name": name,
            "title": meta.get("title") or f"{name} – newsbook report",
            "version": __version__,
            "css": _template_css(),
            "vega_bundle": vega_bundle(_vegalite_version(specs)) if specs else "",
            "corpus": meta.get("corpus", ""),
            "parameters": meta.get("parameters", ""),
            "generated": meta.get("generated", ""),
            "links": meta.get("links", []),
        },
    }
    body, _ = _exporter().from_notebook_node(prepared, resources=resources)
    return body, len(specs)


# --- running -----------------------------------------------------------------------------------


def _engine_name() -> str:
    """Register (once) a papermill engine that reports progress to one shared bar."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    if "newsbook" in papermill_engines._engines:
        return "newsbook"

    class SharedBarManager(NotebookExecutionManager):
        def __init__(self, nb, bar=None, **kwargs):
            super().__init__(nb, progress_bar=False, **kwargs)
            self.pbar = bar

        def complete_pbar(self):
            pass

        def cleanup_pbar(self):
            self.pbar = None  # the bar is shared: the caller closes it

    class SharedBarEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, newsbook_bar=None, **kwargs):
            nb_man = SharedBarManager(nb, bar=newsbook_bar, output_path=output_path, log_output=log_output,
                                      autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register("newsbook", SharedBarEngine)
    return "newsbook"


@dataclasses.dataclass
class _Job:
    name: str
    path: Path
    declared: dict[str, dict]
    overrides: dict[str, Any]
    cells: int


def _failed_cell(nb, error) -> str:
    """'N (In [k] `first line of the source`)' for the failing cell, N counted from 1 in the notebook
    as written (papermill's injected parameters cell is not counted)."""
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    position = 0
    for index, cell in enumerate(cells):
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            position += 1
        if index >= error.cell_index:
            break
    first = next((line.strip() for line in str(error.source).splitlines() if line.strip()), "")
    if len(first) > 80:
        first = first[:77] + "..."
    count = "" if error.exec_count is None else f"In [{error.exec_count}] "
    return f"{position} ({count}`{first}`)"


def _corpus_info(value: Any, cache: dict) -> dict:
    key = str(value)
    if key not in cache:
        from .corpus import load_corpus
        from .pipeline import corpus_hash

        path = config.resolve_path(value if value not in (None, "") else None)
        try:
            articles = load_corpus(path)
            cache[key] = {"path": str(path), "articles": [str(a) for a in articles["article_id"]],
                          "n_articles": int(len(articles)), "content_hash": corpus_hash(articles)}
        except Exception as exc:  # the notebook itself reports a broken corpus
            cache[key] = {"path": str(path), "articles": [], "n_articles": 0, "content_hash": "",
                          "error": str(exc)}
    return cache[key]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _json_value(value: Any) -> Any:
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return repr(value)


def run_reports(names: list[str] | None = None, *, corpus: str | None = None,
                parameters: dict[str, str] | None = None, out_dir: Path | None = None,
                quiet: bool = False) -> list[Path]:
    """Run and render notebooks; returns the HTML reports written (see the module docstring).

    `names`: notebook names (or .ipynb paths); None runs every notebook in notebooks/, overview
    first.  `corpus` sets the `corpus` parameter; `parameters` (values as strings, read like
    papermill's -p) override the notebooks' defaults.  A name no selected notebook declares raises
    ParameterError before anything runs (a name some notebooks declare goes to those).  `out_dir`
    is the outputs folder (default outputs/): reports/, notebooks/ go under it.  `quiet`: no
    progress bar.

    Raises NotebookFailed (for the first failing notebook) after every notebook has been tried, the
    failed executed notebook kept as notebooks/NAME.failed.ipynb, the previous HTML left in place
    and the index rewritten."""
    from tqdm.contrib.logging import logging_redirect_tqdm

    papermill_log = logging.getLogger("papermill")
    level = papermill_log.level
    papermill_log.setLevel(logging.WARNING)  # its INFO lines repeat what the bar and our log say
    try:
        if quiet:
            return _run_reports(names, corpus, parameters, out_dir, quiet)
        with logging_redirect_tqdm():
            return _run_reports(names, corpus, parameters, out_dir, quiet)
    finally:
        papermill_log.setLevel(level)


def _run_reports(names, corpus, parameters, out_dir, quiet) -> list[Path]:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from tqdm.auto import tqdm

    out_dir = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    reports_dir, executed_dir = out_dir / "reports", out_dir / "notebooks"
    overrides = parse_parameters(parameters)
    if corpus is not None:
        overrides["corpus"] = corpus
    if "corpus" in overrides:
        overrides["corpus"] = _resolve_corpus_value(overrides["corpus"])

    # 1. Parameters, for every notebook, before anything runs.
    jobs: list[_Job] = []
    for name, path in notebook_paths(names):
        declared = notebook_parameters(path)
        cells = len(nbformat.read(str(path), as_version=4).cells)
        jobs.append(_Job(name, path, declared, {}, cells))
    unknown = [key for key in overrides if not any(key in job.declared for job in jobs)]
    if unknown:
        listing = "; ".join(_describe_parameters(job.name, job.declared) for job in jobs)
        raise ParameterError(f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))}; the notebook parameters are: {listing}")
    for job in jobs:
        job.overrides = {k: v for k, v in overrides.items() if k in job.declared}
        if job.overrides:
            job.cells += 1  # papermill's injected-parameters cell

    # 2-3. Run and render.
    engine = _engine_name()
    bar = None if quiet else tqdm(total=sum(job.cells for job in jobs), unit="cell", desc="reports",
                                  dynamic_ncols=True)
    manifest = _read_manifest(reports_dir)
    corpora: dict = {}
    written: list[Path] = []
    failures: list[NotebookFailed] = []
    all_names = sorted({job.name for job in jobs} | {p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb")},
                       key=lambda n: (n != FIRST_NOTEBOOK, n))
    done_cells = 0
    try:
        for job in jobs:
            if bar is not None:
                bar.set_description(job.name)
            effective = {p: _default_value(d) for p, d in job.declared.items()}
            effective.update(job.overrides)
            corpus_info = _corpus_info(effective.get("corpus"), corpora) if "corpus" in job.declared else {}
            started = time.monotonic()
            executed_dir.mkdir(parents=True, exist_ok=True)
            running = executed_dir / f".{job.name}.running-{os.getpid()}.ipynb"
            failed_path = executed_dir / f"{job.name}.failed.ipynb"
            error: Exception | None = None
            try:
                papermill.execute_notebook(
                    str(job.path), str(running), parameters=job.overrides or None, engine_name=engine,
                    kernel_name=config.KERNEL_NAME, language="python", progress_bar=False,
                    cwd=str(job.path.parent), newsbook_bar=bar,
                    # The kernel's own log (TCP transport warning, interrupt at shutdown) is noise here;
                    # cell errors come back as outputs and a dead kernel as an exception.
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                )
            except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
                error = exc
            finally:
                executed_bytes = running.read_bytes() if running.exists() else None
                running.unlink(missing_ok=True)
                done_cells += job.cells
                if bar is not None:
                    bar.n = done_cells
                    bar.refresh()
            if error is not None:
                if _is_missing_kernel(error):
                    raise NewsbookError(
                        f"no Jupyter kernel named {config.KERNEL_NAME!r}; register it with: python -m ipykernel "
                        f"install --sys-prefix --name {config.KERNEL_NAME} --display-name 'Python (newsbook)'"
                    ) from error
                kept = ""
                if executed_bytes is not None:
                    write_bytes(failed_path, executed_bytes)
                    kept = str(failed_path)
                if isinstance(error, PapermillExecutionError) and executed_bytes is not None:
                    cell = _failed_cell(nbformat.reads(executed_bytes.decode("utf-8"), as_version=4), error)
                    detail = f"{error.ename}: {error.evalue}"
                else:
                    cell, detail = "?", f"{type(error).__name__}: {error}"
                failure = NotebookFailed(job.name, cell, detail, kept)
                failures.append(failure)
                log.error("%s", failure)
                entry = manifest.get(job.name, {})
                entry["last_failure"] = {"time": _now(), "cell": cell, "detail": detail,
                                         "executed": os.path.relpath(failed_path, reports_dir) if kept else "",
                                         "parameters": {k: _json_value(v) for k, v in effective.items()}}
                manifest[job.name] = entry
                continue
            # Success: keep the executed notebook, render, write atomically.
            executed_path = write_bytes(executed_dir / f"{job.name}.ipynb", executed_bytes)
            if failed_path.exists():
                failed_path.unlink()
            nb = nbformat.reads(executed_bytes.decode("utf-8"), as_version=4)
            generated = _now()
            params_text = ", ".join(f"{k} = {v!r}" for k, v in effective.items()) or "(none)"
            corpus_text = (f"{corpus_info.get('path', '')} ({corpus_info.get('n_articles', 0)} articles, "
                           f"content hash {corpus_info.get('content_hash', '')})") if corpus_info else ""
            links = [{"name": n, "href": f"{n}.html"} for n in all_names if n != job.name]
            try:
                page, charts = render_html(nb, job.name, meta={
                    "corpus": corpus_text, "parameters": params_text, "generated": generated, "links": links})
            except Exception as exc:  # noqa: BLE001
                failure = NotebookFailed(job.name, "(rendering)", f"{type(exc).__name__}: {exc}", str(executed_path))
                failures.append(failure)
                log.error("%s", failure)
                continue
            target = write_text(reports_dir / f"{job.name}.html", page)
            written.append(target)
            manifest[job.name] = {
                "name": job.name,
                "html": f"{job.name}.html",
                "notebook": os.path.relpath(executed_path, reports_dir),
                "source": str(job.path),
                "parameters": {k: _json_value(v) for k, v in effective.items()},
                "overrides": {k: _json_value(v) for k, v in job.overrides.items()},
                "corpus": corpus_info,
                "newsbook_version": __version__,
                "generated": generated,
                "seconds": round(time.monotonic() - started, 2),
                "charts": charts,
            }
            log.info("wrote %s (%d charts, %.1f s)", target, charts, time.monotonic() - started)
    finally:
        if bar is not None:
            bar.close()
        _write_index(reports_dir, manifest)
    if failures:
        first = failures[0]
        if len(failures) > 1:
            others = "; ".join(f"{f.notebook} (cell {f.cell})" for f in failures[1:])
            raise NotebookFailed(first.notebook, first.cell, f"{first.detail}; also failed: {others}",
                                 first.executed_path)
        raise first
    return written


def _is_missing_kernel(exc: BaseException) -> bool:
    try:
        from jupyter_client.kernelspec import NoSuchKernel
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, NoSuchKernel)


# --- index -------------------------------------------------------------------------------------


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
            status += (f'<br><span class="nb-failed">last run failed {e(failure["time"])} in cell '
                       f'{e(failure["cell"])}: {e(failure["detail"])}{executed}; the report shown is the previous '
                       "good one</span>")
        rows.append(f"<tr><td>{link}</td><td>{params}</td><td>{corpus_cell}</td>"
                    f"<td>{e(entry.get('newsbook_version', ''))}</td><td>{status}</td></tr>")
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="newsbook {e(__version__)}">\n'
        "<title>newsbook reports</title>\n"
        f'<style type="text/css">\n{_template_css()}\n</style>\n</head>\n'
        '<body class="nb-report" data-report="index">\n<main>\n<h1>newsbook reports</h1>\n'
        f"<p>Index updated {e(_now())} by newsbook {e(__version__)}.</p>\n"
        '<table class="nb-index">\n<thead><tr><th>report</th><th>parameters</th><th>corpus</th>'
        "<th>newsbook</th><th>rendered</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )
    return write_text(reports_dir / "index.html", page)


# --- links for the overview notebook -----------------------------------------------------------


class _Links(str):
    def _repr_html_(self) -> str:
        return str(self)


def links(exclude: Iterable[str] = (FIRST_NOTEBOOK,), notebooks_dir: Path | None = None) -> _Links:
    """An HTML list linking to the other reports (relative `NAME.html` links, which work in the
    rendered reports folder; in JupyterLab open the notebooks themselves)."""
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    names = sorted(p.stem for p in notebooks_dir.glob("*.ipynb") if p.stem not in set(exclude)
                   and not p.name.startswith("."))
    items = "".join(f'<li><a href="{html.escape(n)}.html">{html.escape(n)}</a></li>' for n in names)
    return _Links(f'<ul class="nb-report-links">{items or "<li>no other reports</li>"}'
                  '<li><a href="index.html">index of all reports</a></li></ul>')


# --- browser check and screenshots -------------------------------------------------------------


def find_chromium() -> str | None:
    """Chromium to use: $NEWSBOOK_CHROMIUM, else Debian's /usr/bin/chromium (or another on PATH)."""
    env = os.environ.get("NEWSBOOK_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclasses.dataclass
class BrowserCheck:
    """What headless Chromium saw on one report, with networking off."""

    name: str
    path: str
    charts: int = 0
    charts_drawn: int = 0
    console_errors: list[str] = dataclasses.field(default_factory=list)
    page_errors: list[str] = dataclasses.field(default_factory=list)
    blocked_requests: list[str] = dataclasses.field(default_factory=list)
    screenshot: str = ""
    globals_added: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (self.charts_drawn == self.charts and not self.console_errors and not self.page_errors
                and not self.blocked_requests)


_BASELINE_GLOBALS = "window.__nbBaseline = Object.getOwnPropertyNames(window);"


def check_reports_in_browser(reports_dir: Path | None = None, *, screenshots_dir: Path | None = None,
                             names: Iterable[str] | None = None, executable: str | None = None,
                             timeout_ms: int = 30000, evaluate: str | None = None) -> list[BrowserCheck]:
    """Open each report (and index.html) in headless Chromium with networking off, wait for the
    charts, count the charts that drew an SVG or canvas, collect console errors, page errors and
    any request for something not in the file, and save a full-page PNG screenshot.

    `evaluate` (a JavaScript expression) is evaluated on each page; its result is appended to
    `console_errors` when truthy (tests use it to assert that no article script ran)."""
    from playwright.sync_api import sync_playwright

    reports_dir = Path(reports_dir) if reports_dir is not None else config.REPORTS_DIR
    screenshots_dir = Path(screenshots_dir) if screenshots_dir is not None else reports_dir.parent / "screenshots"
    executable = executable or find_chromium()
    if executable is None:
        raise NewsbookError("no Chromium found (apt-get install -y chromium, or set NEWSBOOK_CHROMIUM)")
    pages = sorted(reports_dir.glob("*.html"), key=lambda p: (p.stem == "index", p.stem != FIRST_NOTEBOOK, p.stem))
    if names is not None:
        wanted = set(names)
        pages = [p for p in pages if p.stem in wanted]
    results: list[BrowserCheck] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for page_path in pages:
                results.append(_check_page(browser, page_path, screenshots_dir, timeout_ms, evaluate))
        finally:
            browser.close()
    return results


def _check_page(browser, page_path: Path, screenshots_dir: Path, timeout_ms: int, evaluate: str | None) -> BrowserCheck:
    started = time.monotonic()
    check = BrowserCheck(page_path.stem, str(page_path))
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    try:
        def route(route_obj):
            url = route_obj.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                route_obj.continue_()
            else:
                check.blocked_requests.append(url)
                route_obj.abort()

        context.route("**/*", route)
        context.add_init_script(_BASELINE_GLOBALS)
        page = context.new_page()
        page.on("console", lambda msg: check.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: check.page_errors.append(str(err)))
        page.on("dialog", lambda dialog: (check.page_errors.append(f"dialog opened: {dialog.message}"),
                                          dialog.dismiss()))
        page.goto(page_path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
        check.charts = page.locator(".nb-chart").count()
        if check.charts:
            try:
                page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('.nb-chart'))"
                    ".every(el => el.hasAttribute('data-rendered'))", timeout=timeout_ms)
            except Exception as exc:  # noqa: BLE001 - reported as a page error
                check.page_errors.append(f"charts not drawn within {timeout_ms} ms: {exc}")
        check.charts_drawn = page.evaluate(
            "() => Array.from(document.querySelectorAll('.nb-chart')).filter(el => "
            "el.getAttribute('data-rendered') === 'true' && el.querySelector('svg, canvas')).length")
        check.globals_added = page.evaluate(
            "() => Object.getOwnPropertyNames(window).filter(k => !window.__nbBaseline.includes(k) "
            "&& k !== '__nbBaseline')")
        if evaluate:
            found = page.evaluate(evaluate)
            if found:
                check.console_errors.append(f"check failed: {evaluate} -> {found!r}")
        screenshots_dir.mkdir(parents=True, exist_ok=True)
        shot = screenshots_dir / f"{page_path.stem}.png"
        write_bytes(shot, page.screenshot(full_page=True, type="png"))
        check.screenshot = str(shot)
    finally:
        context.close()
    check.seconds = round(time.monotonic() - started, 2)
    return check


def screenshot_reports(out_dir: Path | None = None, **kwargs) -> list[BrowserCheck]:
    """`check_reports_in_browser` on out_dir/reports, screenshots to out_dir/screenshots."""
    out_dir = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    return check_reports_in_browser(out_dir / "reports", screenshots_dir=out_dir / "screenshots", **kwargs)


def main(argv: list[str] | None = None) -> int:
    """python -m newsbook.report screenshots [--out DIR] [--require]: check every rendered report in
    headless Chromium (networking off) and keep a screenshot of each; exit 1 if a chart did not
    draw or the console showed an error.  Without Chromium: a message, and exit 0 unless --require."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m newsbook.report")
    parser.add_argument("command", choices=["screenshots"])
    parser.add_argument("--out", default=None, help="outputs folder (default: outputs/)")
    parser.add_argument("--require", action="store_true", help="fail if Chromium is missing")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("chromium not found: skipping the browser check and screenshots (apt-get install -y chromium)")
        return 1 if args.require else 0
    results = screenshot_reports(Path(args.out) if args.out else None)
    bad = 0
    for r in results:
        state = "ok" if r.ok else "FAILED"
        print(f"{state:6} {r.name}: {r.charts_drawn}/{r.charts} charts drawn, {len(r.console_errors)} console errors, "
              f"{len(r.page_errors)} page errors, {len(r.blocked_requests)} network requests blocked, "
              f"{r.seconds} s -> {r.screenshot}")
        for message in r.console_errors + r.page_errors + r.blocked_requests:
            print(f"       {message}")
        bad += not r.ok
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

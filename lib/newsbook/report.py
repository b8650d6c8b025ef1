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


def fast_jsonschema() -> None:
    """Import jsonschema (which nbformat, papermill and altair import) without the optional
    `rfc3987_syntax` package: when installed (jupyter-events pulls it in) jsonschema loads it only
    to check the "iri" string format, and building its grammar takes seconds in every process and
    kernel.  Nothing here checks that format; the package stays importable afterwards."""
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # its import fails fast
    try:
        import jsonschema  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency
        pass
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]


def _bundle_cache_path(vl_version: str | None) -> Path | None:
    try:
        import importlib.metadata as md

        version = md.version("vl-convert-python")
    except Exception:  # noqa: BLE001 - no cache then
        return None
    return config.CACHE_DIR / "vega" / f"bundle-vlc{version}-vl{vl_version or 'default'}.js"


@functools.lru_cache(maxsize=4)
def vega_bundle(vl_version: str | None = None) -> str:
    """The inline vega script (see `_vega_bundle`), kept on disk in the cache folder: vl-convert
    takes seconds to build it, and every report page and process needs the same one."""
    path = _bundle_cache_path(vl_version)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            pass
    bundle = _vega_bundle(vl_version)
    if path is not None:
        try:
            write_text(path, bundle)
        except OSError:  # a read-only cache makes the next run slower, not this one fail
            pass
    return bundle


def _warm_vega_bundle() -> None:
    """Put the default vega bundle in the cache folder if it is not there yet."""
    try:
        version = _vegalite_version([])
        path = _bundle_cache_path(version)
        if path is not None and not path.exists():
            vega_bundle(version)
    except Exception:  # noqa: BLE001 - only an optimisation; rendering builds it if needed
        log.debug("could not prepare the vega bundle", exc_info=True)


def _vega_bundle(vl_version: str | None = None) -> str:
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


def _corpus_hash(articles) -> str:
    """`pipeline.corpus_hash`, computed here so that the report runner does not import the
    annotation pipeline (and spaCy with it) just to label the index."""
    import hashlib

    digest = hashlib.sha256()
    for article_id, chash in sorted(zip(articles["article_id"], articles["content_hash"])):
        digest.update(f"{article_id}:{chash}\n".encode())
    return digest.hexdigest()[:16]


def _corpus_info(value: Any, cache: dict, annotations: Any = None) -> dict:
    """The corpus a report ran on, for the index: path, article ids, content hash.  With saved
    `annotations`, read from their manifest (the corpus itself is not read again)."""
    key = f"{value}\x00{annotations}"
    if key in cache:
        return cache[key]
    if annotations not in (None, ""):
        folder = config.resolve_path(annotations)
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            ids = [str(a) for a in manifest.get("articles", [])]
            cache[key] = {"path": f"{manifest.get('corpus', '')} (saved annotations: {folder})",
                          "articles": ids, "n_articles": len(ids),
                          "content_hash": str(manifest.get("corpus_hash", ""))}
        except (OSError, ValueError) as exc:  # the notebook itself reports missing annotations
            cache[key] = {"path": str(folder), "articles": [], "n_articles": 0, "content_hash": "",
                          "error": f"cannot read saved annotations: {exc}"}
        return cache[key]
    from .pipeline import cached_read  # answered from the corpus cache when no file changed

    path = config.resolve_path(value if value not in (None, "") else None)
    try:
        articles = cached_read(path).articles
        cache[key] = {"path": str(path), "articles": [str(a) for a in articles["article_id"]],
                      "n_articles": int(len(articles)), "content_hash": _corpus_hash(articles)}
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


def default_jobs(n_notebooks: int) -> int:
    """Notebooks run at once by default: 2 on a machine with at least 2 cores (a notebook's kernel
    start and imports leave a core idle much of the time), never more than there are notebooks."""
    return max(1, min(2, os.cpu_count() or 1, n_notebooks))


def run_reports(names: list[str] | None = None, *, corpus: str | None = None,
                parameters: dict[str, str] | None = None, out_dir: Path | None = None,
                quiet: bool = False, jobs: int | None = None) -> list[Path]:
    """Run and render notebooks; returns the HTML reports written (see the module docstring).

    `names`: notebook names (or .ipynb paths); None runs every notebook in notebooks/, overview
    first.  `corpus` sets the `corpus` parameter; `parameters` (values as strings, read like
    papermill's -p) override the notebooks' defaults.  A name no selected notebook declares raises
    ParameterError before anything runs (a name some notebooks declare goes to those).  `out_dir`
    is the outputs folder (default outputs/): reports/, notebooks/ go under it.  `quiet`: no
    progress bar.  `jobs`: notebooks run at once, each in its own process and kernel (default
    `default_jobs`; 1 runs them one after the other in this process); the reports are the same.

    Raises NotebookFailed (for the first failing notebook) after every notebook has been tried, the
    failed executed notebook kept as notebooks/NAME.failed.ipynb, the previous HTML left in place
    and the index rewritten."""
    fast_jsonschema()
    from tqdm.contrib.logging import logging_redirect_tqdm

    papermill_log = logging.getLogger("papermill")
    level = papermill_log.level
    papermill_log.setLevel(logging.WARNING)  # its INFO lines repeat what the bar and our log say
    try:
        if quiet:
            return _run_reports(names, corpus, parameters, out_dir, quiet, jobs)
        with logging_redirect_tqdm():
            return _run_reports(names, corpus, parameters, out_dir, quiet, jobs)
    finally:
        papermill_log.setLevel(level)


def _execute_and_render(spec: dict, bar=None) -> dict:
    """Run one notebook with papermill and, if it ran, render it: what `_run_reports` does per
    notebook, in this process or in a worker process (`spec` and the result are plain data).

    The notebook's table CSVs go to spec["staging"] (published by the caller on success)."""
    fast_jsonschema()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.WARNING)
    started = time.monotonic()
    running = Path(spec["running"])
    saved_env = {k: os.environ.get(k) for k in (TABLES_ENV, REPORT_NAME_ENV)}
    os.environ[TABLES_ENV] = spec["staging"]
    os.environ[REPORT_NAME_ENV] = spec["name"]
    error: dict | None = None
    try:
        papermill.execute_notebook(
            spec["path"], str(running), parameters=spec["overrides"] or None, engine_name=_engine_name(),
            kernel_name=config.KERNEL_NAME, language="python", progress_bar=False,
            cwd=str(Path(spec["path"]).parent), newsbook_bar=bar,
            # The kernel's own log (TCP transport warning, interrupt at shutdown) is noise here;
            # cell errors come back as outputs and a dead kernel as an exception.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        if _is_missing_kernel(exc):
            error = {"missing_kernel": True, "detail": str(exc)}
        elif isinstance(exc, PapermillExecutionError):
            error = {"cell_index": exc.cell_index, "exec_count": exc.exec_count, "source": exc.source,
                     "ename": exc.ename, "evalue": exc.evalue, "detail": f"{exc.ename}: {exc.evalue}"}
        else:
            error = {"detail": f"{type(exc).__name__}: {exc}"}
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        executed = running.read_bytes() if running.exists() else None
        running.unlink(missing_ok=True)
    result = {"executed": executed, "error": error, "page": None, "charts": 0, "render_error": None,
              "generated": _now()}
    if error is None and executed is not None:
        import nbformat

        meta = dict(spec["meta"], generated=result["generated"])
        try:
            nb = nbformat.reads(executed.decode("utf-8"), as_version=4)
            result["page"], result["charts"] = render_html(nb, spec["name"], meta=meta)
        except Exception as exc:  # noqa: BLE001
            result["render_error"] = f"{type(exc).__name__}: {exc}"
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _run_reports(names, corpus, parameters, out_dir, quiet, jobs=None) -> list[Path]:
    import types

    import nbformat
    from tqdm.auto import tqdm

    out_dir = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    reports_dir, executed_dir = out_dir / "reports", out_dir / "notebooks"
    overrides = parse_parameters(parameters)
    if corpus is not None:
        overrides["corpus"] = corpus
    for key in ("corpus", "annotations"):
        if key in overrides:
            overrides[key] = _resolve_corpus_value(overrides[key])

    # 1. Parameters, for every notebook, before anything runs.
    jobs_list: list[_Job] = []
    for name, path in notebook_paths(names):
        declared = notebook_parameters(path)
        cells = len(nbformat.read(str(path), as_version=4).cells)
        jobs_list.append(_Job(name, path, declared, {}, cells))
    unknown = [key for key in overrides if not any(key in job.declared for job in jobs_list)]
    if unknown:
        listing = "; ".join(_describe_parameters(job.name, job.declared) for job in jobs_list)
        raise ParameterError(f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))}; the notebook parameters are: {listing}")
    for job in jobs_list:
        job.overrides = {k: v for k, v in overrides.items() if k in job.declared}
        if job.overrides:
            job.cells += 1  # papermill's injected-parameters cell
    n_jobs = default_jobs(len(jobs_list)) if jobs is None else max(1, min(int(jobs), len(jobs_list)))

    # 2-3. Run and render (in this process, or `n_jobs` at a time in worker processes).
    manifest = _read_manifest(reports_dir)
    corpora: dict = {}
    written: list[Path] = []
    failures: list[tuple[int, NotebookFailed]] = []
    all_names = sorted({job.name for job in jobs_list} | {p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb")},
                       key=lambda n: (n != FIRST_NOTEBOOK, n))
    executed_dir.mkdir(parents=True, exist_ok=True)
    specs = []
    for job in jobs_list:
        effective = {p: _default_value(d) for p, d in job.declared.items()}
        effective.update(job.overrides)
        corpus_info = (_corpus_info(effective.get("corpus"), corpora, effective.get("annotations"))
                       if "corpus" in job.declared or "annotations" in job.declared else {})
        params_text = ", ".join(f"{k} = {v!r}" for k, v in effective.items()) or "(none)"
        corpus_text = (f"{corpus_info.get('path', '')} ({corpus_info.get('n_articles', 0)} articles, "
                       f"content hash {corpus_info.get('content_hash', '')})") if corpus_info else ""
        links = [{"name": n, "href": f"{n}.html"} for n in all_names if n != job.name]
        specs.append({
            "name": job.name, "path": str(job.path), "overrides": job.overrides,
            "running": str(executed_dir / f".{job.name}.running-{os.getpid()}.ipynb"),
            "staging": str(reports_dir / f".{TABLES_DIR_NAME}-{job.name}-{os.getpid()}"),
            "meta": {"corpus": corpus_text, "parameters": params_text, "links": links},
            "effective": effective, "corpus_info": corpus_info,
        })

    def finish(index: int, result: dict) -> None:
        job, spec = jobs_list[index], specs[index]
        effective, staging = spec["effective"], Path(spec["staging"])
        failed_path = executed_dir / f"{job.name}.failed.ipynb"
        executed_bytes, error = result["executed"], result["error"]
        if error is not None and error.get("missing_kernel"):
            shutil.rmtree(staging, ignore_errors=True)
            raise NewsbookError(
                f"no Jupyter kernel named {config.KERNEL_NAME!r}; register it with: python -m ipykernel "
                f"install --sys-prefix --name {config.KERNEL_NAME} --display-name 'Python (newsbook)'")
        if error is not None:
            shutil.rmtree(staging, ignore_errors=True)
            kept = ""
            if executed_bytes is not None:
                write_bytes(failed_path, executed_bytes)
                kept = str(failed_path)
            if "cell_index" in error and executed_bytes is not None:
                cell = _failed_cell(nbformat.reads(executed_bytes.decode("utf-8"), as_version=4),
                                    types.SimpleNamespace(**error))
            else:
                cell = "?"
            detail = error["detail"]
            failure = NotebookFailed(job.name, cell, detail, kept)
            failures.append((index, failure))
            log.error("%s", failure)
            entry = manifest.get(job.name, {})
            entry["last_failure"] = {"time": _now(), "cell": cell, "detail": detail,
                                     "executed": os.path.relpath(failed_path, reports_dir) if kept else "",
                                     "parameters": {k: _json_value(v) for k, v in effective.items()}}
            manifest[job.name] = entry
            return
        # Success: keep the executed notebook, write the report atomically, publish its tables.
        executed_path = write_bytes(executed_dir / f"{job.name}.ipynb", executed_bytes)
        if failed_path.exists():
            failed_path.unlink()
        if result["render_error"] is not None:
            shutil.rmtree(staging, ignore_errors=True)
            failure = NotebookFailed(job.name, "(rendering)", result["render_error"], str(executed_path))
            failures.append((index, failure))
            log.error("%s", failure)
            return
        target = write_text(reports_dir / f"{job.name}.html", result["page"])
        _publish_tables(staging, reports_dir, job.name)
        written.append(target)
        manifest[job.name] = {
            "name": job.name,
            "html": f"{job.name}.html",
            "notebook": os.path.relpath(executed_path, reports_dir),
            "source": str(job.path),
            "parameters": {k: _json_value(v) for k, v in effective.items()},
            "overrides": {k: _json_value(v) for k, v in job.overrides.items()},
            "corpus": spec["corpus_info"],
            "newsbook_version": __version__,
            "generated": result["generated"],
            "seconds": result["seconds"],
            "charts": result["charts"],
        }
        log.info("wrote %s (%d charts, %.1f s)", target, result["charts"], result["seconds"])

    bar = None if quiet else tqdm(total=sum(job.cells for job in jobs_list), unit="cell", desc="reports",
                                  dynamic_ncols=True)
    done_cells = 0
    try:
        if n_jobs == 1:
            for index, job in enumerate(jobs_list):
                if bar is not None:
                    bar.set_description(job.name)
                result = _execute_and_render(specs[index], bar)
                done_cells += job.cells
                if bar is not None:
                    bar.n = done_cells
                    bar.refresh()
                finish(index, result)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            if bar is not None:
                bar.set_description(f"{len(jobs_list)} notebooks, {n_jobs} at a time")
            # Build the vega bundle once, here, while the workers start their kernels; they read
            # it from the cache when they render (or build it themselves if it is late).
            import threading

            threading.Thread(target=_warm_vega_bundle, daemon=True).start()
            plain = [{k: v for k, v in spec.items() if k not in ("effective", "corpus_info")} for spec in specs]
            with ProcessPoolExecutor(max_workers=n_jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = {pool.submit(_execute_and_render, spec): i for i, spec in enumerate(plain)}
                for future in as_completed(futures):
                    index = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker that died is a failed notebook
                        result = {"executed": None, "error": {"detail": f"{type(exc).__name__}: {exc}"},
                                  "page": None, "charts": 0, "render_error": None, "generated": _now(),
                                  "seconds": 0.0}
                    done_cells += jobs_list[index].cells
                    if bar is not None:
                        bar.n = done_cells
                        bar.refresh()
                    finish(index, result)
            order = {job.name: i for i, job in enumerate(jobs_list)}
            written.sort(key=lambda p: order.get(p.stem, 0))
    finally:
        if bar is not None:
            bar.close()
        _write_index(reports_dir, manifest)
    if failures:
        failures.sort(key=lambda item: item[0])
        first = failures[0][1]
        if len(failures) > 1:
            others = "; ".join(f"{f.notebook} (cell {f.cell})" for _, f in failures[1:])
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


# --- notebook helpers: loading annotations, tables of any size, quote matches ------------------
#
# A report must stay fast and readable on 1,000 or 10,000 articles.  Tables go through `table`: at
# most `max_rows` rows are drawn, a visible sentence says which rows are shown out of how many, and
# the complete table is written as a CSV next to the report and linked.  While `newsbook report`
# runs a notebook, the CSVs go to a staging folder ($NEWSBOOK_REPORT_TABLES) and are published as
# ``reports/tables/NAME/TABLE.csv`` only with the rendered HTML (a failed run leaves the previous
# report and its tables as they were); in JupyterLab they go to ``outputs/tables/``.

TABLES_ENV = "NEWSBOOK_REPORT_TABLES"
REPORT_NAME_ENV = "NEWSBOOK_REPORT_NAME"
TABLES_DIR_NAME = "tables"
MAX_TABLE_ROWS = 200
MAX_CELL_CHARS = 1000


def saved_annotations(folder: Any):
    """The tables saved by ``newsbook annotate --out DIR`` in `folder`, as an `Annotations`: nothing
    is parsed again and the corpus is not read (annotate once, e.g. on a cluster, report many times).
    The notebooks' `annotations` parameter."""
    from .pipeline import Annotations

    path = config.resolve_path(folder)
    if not (path / "manifest.json").exists():
        raise CorpusError(f"no saved annotations in {folder} (looked for {path / 'manifest.json'}; "
                          "write them with: newsbook annotate CORPUS --out DIR)")
    return Annotations.load(path)


def load_annotations(corpus: Any = "seeds", annotations: Any = "", *, progress: bool = False):
    """`saved_annotations(annotations)` when `annotations` names a folder, else
    ``newsbook.annotate(corpus)`` (cached per article and corpus)."""
    if annotations not in (None, ""):
        return saved_annotations(annotations)
    from .pipeline import annotate

    return annotate(corpus, progress=progress)


def _tables_target() -> tuple[Path, str]:
    """(folder to write a table CSV into, the href prefix a report links it with)."""
    staging = os.environ.get(TABLES_ENV)
    if staging:
        name = os.environ.get(REPORT_NAME_ENV, "report")
        return Path(staging), f"{TABLES_DIR_NAME}/{name}/"
    folder = config.OUTPUTS_DIR / TABLES_DIR_NAME
    return folder, os.path.relpath(folder, config.NOTEBOOKS_DIR).replace(os.sep, "/") + "/"


def _safe_file_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(name)).strip("-.") or "table"
    return stem if stem.endswith(".csv") else f"{stem}.csv"


class Table:
    """A table in a report: at most `max_rows` rows drawn (pandas escapes every cell), with a
    sentence saying what is shown and where the complete table is (see `table`)."""

    def __init__(self, frame, shown, *, total: int, note: str, href: str = "", path: Path | None = None,
                 style=None):
        self.frame, self.shown, self.total, self.note = frame, shown, total, note
        self.href, self.path, self.style = href, path, style

    def _table_html(self) -> str:
        if self.style is not None:
            return self.style(self.shown).to_html()
        return self.shown.to_html(index=False, escape=True, border=0, na_rep="")

    def _repr_html_(self) -> str:
        note = ""
        if self.note:
            link = (f' The full table is in <a href="{html.escape(self.href)}">{html.escape(self.href)}</a>'
                    f" ({self.total:,} rows, CSV)." if self.href else "")
            note = f'<p class="nb-table-note"><em>{html.escape(self.note)}</em>{link}</p>'
        return note + self._table_html()

    def __repr__(self) -> str:
        tail = f"\n[{self.note} full table: {self.path}]" if self.note else ""
        return self.shown.to_string(index=False, max_colwidth=60) + tail

    def __len__(self) -> int:
        return self.total


def _cut_cells(frame, max_chars: int):
    """`frame` with every text cell longer than `max_chars` cut to that length plus " …"; and how
    many cells were cut."""
    cut = 0
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and str(values.dtype) not in ("string", "str"):
            continue
        long = values.map(lambda v: isinstance(v, str) and len(v) > max_chars)
        if long.any():
            if out is frame:
                out = frame.copy()
            out[column] = values.where(~long, values.map(lambda v: v[:max_chars].rstrip() + " …"
                                                         if isinstance(v, str) else v))
            cut += int(long.sum())
    return out, cut


def table(frame, name: str, *, max_rows: int = MAX_TABLE_ROWS, sort_by: str | list[str] | None = None,
          ascending: bool | list[bool] = False, what: str = "rows", order: str = "", style=None,
          max_chars: int = MAX_CELL_CHARS) -> Table:
    """`frame` for a report, never silently truncated.

    Up to `max_rows` rows: the whole table.  More: the first `max_rows` rows (after sorting by
    `sort_by`, largest first unless `ascending`), a sentence "Showing the 200 largest (by ...) of
    7,012 rows", and the complete table (all rows, in the frame's own order) written as
    ``NAME.csv`` next to the report and linked.  `what` names the rows ("articles"), `order` says
    how an already ordered frame is ordered ("conflicts first").  `style`: a function turning the
    shown rows into a pandas Styler (e.g. `figures.style_agreement`); cells must stay escaped."""
    import pandas as pd

    frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    total = len(frame)
    ordered = frame
    if sort_by is not None:
        ordered = frame.sort_values(sort_by, ascending=ascending, kind="stable")
        keys = ", ".join([sort_by] if isinstance(sort_by, str) else list(sort_by))
        which = f"the {max_rows:,} {'smallest' if ascending is True else 'largest'} (by {keys})"
    else:
        which = f"the first {max_rows:,}" + (f" ({order})" if order else "")
    shown, cut = _cut_cells(ordered.head(max_rows), max_chars)
    if total <= max_rows and not cut:
        return Table(frame, ordered, total=total, note="", style=style)
    notes = [f"Showing {which} of {total:,} {what}." if total > max_rows else f"Showing all {total:,} {what}."]
    if cut:
        notes.append(f"{cut:,} cell{'s' if cut > 1 else ''} longer than {max_chars} characters "
                     f"{'are' if cut > 1 else 'is'} cut short (…).")
    folder, prefix = _tables_target()
    file_name = _safe_file_name(name)
    path = write_text(folder / file_name, frame.to_csv(index=False))
    return Table(frame, shown, total=total, note=" ".join(notes), href=prefix + file_name, path=path,
                 style=style)


def _publish_tables(staging: Path, reports_dir: Path, name: str) -> None:
    """Move a successful run's table CSVs into reports/tables/NAME/ (each file atomically), and drop
    the tables of an earlier run that this report no longer links."""
    target = reports_dir / TABLES_DIR_NAME / name
    fresh = {p.name for p in staging.glob("*.csv")} if staging.is_dir() else set()
    if target.is_dir():
        for old in target.glob("*.csv"):
            if old.name not in fresh:
                old.unlink()
    if fresh:
        target.mkdir(parents=True, exist_ok=True)
        for file_name in sorted(fresh):
            os.replace(staging / file_name, target / file_name)
    shutil.rmtree(staging, ignore_errors=True)


def quote_matches(ann, min_similarity: float | None = None):
    """`ann.quote_matches` at `min_similarity`, the same rows `compare.match_quotes(ann.quotes,
    min_similarity=...)` gives, without comparing every quote again.

    The table was built at match_quotes' default threshold; pairs are chosen per pair of articles
    best first, so the pairs at or above a higher threshold are exactly the stored ones above it
    (scores within rounding of the threshold are recomputed to decide).  A lower threshold than the
    table's is recomputed in full.  Rows come best first (ties by article and quote ids)."""
    import inspect

    from . import compare, stories

    built = inspect.signature(compare.match_quotes).parameters["min_similarity"].default
    stored = ann.quote_matches
    if min_similarity is None:
        min_similarity = built
    if min_similarity < built:
        # quotes are matched within a story (no articles table given: the quotes are one story)
        out = stories.match_quotes(ann.quotes, stories.article_events(getattr(ann, "articles", None)),
                                   min_similarity=min_similarity)
    else:
        sim = stored["similarity"].astype(float)
        band = 1e-4 + 1e-9  # the stored score is rounded to 4 decimals
        keep = sim >= min_similarity + band
        unsure = stored.index[(sim > min_similarity - band) & ~keep]
        if len(unsure):
            keep = keep.copy()
            quotes = ann.quotes.set_index("quote_id")
            story = ann.quotes["article_id"].astype(str).map(
                stories.article_events(getattr(ann, "articles", None))).fillna("")
            weights_of = {}  # quotes are matched within a story, with word weights from its quotes
            for i in unsure:
                row = stored.loc[i]
                a, b = quotes.loc[row["quote_id_a"]], quotes.loc[row["quote_id_b"]]
                event = row.get("event", "")
                if event not in weights_of:
                    weights_of[event] = compare.quote_word_weights(ann.quotes.loc[story.eq(event).to_numpy(), "quote"]
                                                                   if event else ann.quotes["quote"])
                score = compare.quote_similarity(a["quote"], b["quote"], weights_of[event])
                sa, sb = (str(s) if isinstance(s, str) else "" for s in (a["speaker"], b["speaker"]))
                if sa and sb and sa != sb:  # compare._speakers_disagree
                    score *= 0.8
                keep.loc[i] = score >= min_similarity
        out = stored[keep]
    if len(out):
        out = out.sort_values(["similarity", "article_id_a", "article_id_b", "quote_id_a", "quote_id_b"],
                              ascending=[False, True, True, True, True], kind="stable")
    return out.reset_index(drop=True)


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

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
vl-convert is inlined once per page.  Article text is untrusted: it is escaped where it is written
(tables, fragments, chart specs); every other HTML output is also sanitised (nh3) as a second line
(no script, no event handler, no remote image, no style that could hide the page or load anything,
no chart-reserved id); and each page's Content-Security-Policy forbids every fetch and runs only
the bundle and the chart script (by hash).

`check_reports_in_browser` opens the reports in headless Chromium with networking off, checks that
every chart drew an SVG or canvas and that the console stayed clean, and keeps a PNG screenshot of
each report (``outputs/screenshots/NAME.png``).  ``python -m newsbook.report screenshots`` runs it.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as _dt
import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any, Iterable

from . import __version__, config, kernels
from . import parameters as parameters_mod
from .errors import CorpusError, NewsbookError, NotebookFailed, ParameterError
from .interactive_tables import INIT_SCRIPT, TABLE_CLASS, datatables_assets, number_formatters, readable
from .files import write_bytes, write_text
from .parameters import parameter_notes  # noqa: F401 - the notebooks call report.parameter_notes

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


_BUNDLE_SEAL = "\n// newsbook bundle blake2b "


def _sealed(bundle: str) -> str:
    """The bundle as cached: followed by a digest of itself, so a truncated or damaged copy is told
    from a whole one (the line is a JavaScript comment)."""
    return f"{bundle}{_BUNDLE_SEAL}{hashlib.blake2b(bundle.encode('utf-8'), digest_size=16).hexdigest()}\n"


def _unsealed(cached: str) -> str | None:
    """The bundle in a cached file, or None if the file is not a whole one."""
    bundle, seal, _ = cached.rpartition(_BUNDLE_SEAL)
    if not seal or _sealed(bundle) != cached or not bundle.endswith("}).call(window);"):
        return None
    return bundle


@functools.lru_cache(maxsize=4)
def vega_bundle(vl_version: str | None = None) -> str:
    """The inline vega script (see `_vega_bundle`), kept on disk in the cache folder: vl-convert
    takes seconds to build it, and every report page and process needs the same one. A cached copy
    that is not whole (a run killed while writing it, a full disk, an edit) is built again."""
    path = _bundle_cache_path(vl_version)
    if path is not None:
        try:
            bundle = _unsealed(path.read_text(encoding="utf-8", errors="replace"))
            if bundle is not None:
                return bundle
            log.warning("the cached vega bundle %s is damaged or incomplete; building it again", path)
        except OSError:
            pass
    bundle = _vega_bundle(vl_version)
    if path is not None:
        try:
            write_text(path, _sealed(bundle))
        except OSError:  # a read-only cache makes the next run slower, not this one fail
            pass
    return bundle


def _warm_vega_bundle() -> None:
    """Put the default vega bundle in the cache folder if it is not there yet (or not whole)."""
    try:
        version = _vegalite_version([])
        if _bundle_cache_path(version) is not None:
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
    no '<!--', no '<script', no literal URL), non-ASCII and the JavaScript line separators U+2028
    and U+2029 escaped.  JSON.parse reads it back unchanged."""
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("/", "\\/"))


# Embed options a chart may carry over from altair; the rest are newsbook's.
_EMBED_OPTION_KEYS = ("theme", "renderer", "scaleFactor", "padding", "defaultStyle", "format_locale",
                      "time_format_locale", "tooltip")

# The one script every chart uses.  It finds its chart div and spec through its own position
# (`document.currentScript` and the two elements just before it), never through an id: an element
# elsewhere on the page cannot stand in for a chart's spec.  Being the same text for every chart,
# the page's Content-Security-Policy allows it by one hash.  `ast: true` (in the embed options)
# makes vega interpret expressions instead of compiling them with `Function`, so the policy
# needs no 'unsafe-eval'.
CHART_SCRIPT = (
    "\n(function () {\n"
    "  var script = document.currentScript;\n"
    "  var data = script.previousElementSibling;\n"
    "  var el = data && data.previousElementSibling;\n"
    '  if (!el || data.type !== "application/json" || !el.classList.contains("nb-chart")) {\n'
    '    throw new Error("newsbook chart script out of place");\n'
    "  }\n"
    "  var payload = JSON.parse(data.textContent);\n"
    "  window.vegaEmbed(el, payload.spec, payload.embed).then(function () {\n"
    '    el.setAttribute("data-rendered", "true");\n'
    "  }).catch(function (err) {\n"
    '    el.setAttribute("data-rendered", "error");\n'
    '    el.className += " nb-chart-error";\n'
    '    el.textContent = "This chart could not be drawn: " + err.message;\n'
    "    console.error(err);\n"
    "  });\n"
    "})();\n"
)


def chart_html(spec: dict, mode: str, options: dict, index: int) -> str:
    """A chart as a div, its spec as inert JSON (`_json_for_script`) and `CHART_SCRIPT`, which
    declares no globals.  Every value in the spec (labels, legends, tooltips: article text) stays
    data: vega draws it as SVG text and vega-tooltip escapes it."""
    spec = dict(spec)
    spec.pop("$schema", None)  # vega-embed is told the mode; the schema URL is only a label
    embed = {"mode": mode, "renderer": "svg", "ast": True,
             "actions": {"export": True, "source": False, "compiled": False, "editor": False}}
    embed.update({k: options[k] for k in _EMBED_OPTION_KEYS if k in options})
    payload = _json_for_script({"spec": spec, "embed": embed})
    return (
        f'<div class="nb-chart" id="nb-chart-{int(index)}" data-nb-chart="{int(index)}"></div>\n'
        f'<script type="application/json" class="nb-chart-spec">{payload}</script>\n'
        f'<script type="text/javascript">{CHART_SCRIPT}</script>'
    )


# --- sanitising: the second line of defence -----------------------------------------------------
#
# Article text never reaches a report as markup: every value from an article is escaped where it is
# written (pandas `to_html(escape=True)` / Styler `escape="html"` for cells *and* headers, Jinja2
# autoescape in newsbook.html, `_json_for_script` for chart specs).  `sanitize_html` only sees HTML
# that newsbook's own code and notebooks generate, and makes sure that even if an escape were
# forgotten, nothing in an output can run, load, hide the page or impersonate a chart:
# nh3 (ammonia) parses it like a browser does, keeps an allow-list of tags and attributes, and
# newsbook's filters below decide ids, links, images and CSS.

_ALLOWED_TAGS = frozenset("""
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong style sub summary sup
table tbody td tfoot th thead time tr u ul var section article header footer nav aside
""".split())
# Removed together with everything inside them (other unknown tags lose only the tag).
_CONTENT_DROPPED_TAGS = frozenset("""
script template iframe object embed noscript noembed noframes textarea title xmp svg math select
""".split())
_GLOBAL_ATTRIBUTES = frozenset({"class", "title", "id", "style", "lang", "dir", "role", "aria-label", "aria-hidden",
                                "tabindex"})
_TAG_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "table": {"border"},
    "tr": {"align"},
}
_CSS_PROPERTIES = frozenset("""
color background background-color border border-top border-bottom border-left border-right border-color
border-bottom-color border-top-color border-left-color border-right-color border-style border-width
border-radius border-collapse box-shadow outline font-weight font-style font-size font-family font-variant
text-decoration text-decoration-color text-decoration-thickness text-decoration-line text-decoration-style
text-underline-offset text-align text-transform vertical-align white-space word-break line-height
letter-spacing margin margin-top margin-bottom margin-left margin-right padding padding-top padding-bottom
padding-left padding-right display width max-width min-width height max-height min-height opacity
list-style-type overflow overflow-x
""".split())
# A CSS value may hold words, numbers, colours and rgb()/hsl()-style functions, nothing that loads,
# escapes or runs (no url(), image-set(), expression(), backslash escapes, quotes or @-rules).
_SAFE_CSS_VALUE = re.compile(r"[A-Za-z0-9_#%.,()\s+-]*(?:\s*!important)?")
_UNSAFE_CSS = re.compile(r"url|image|expression|@|\\|javascript|behavior|binding|var\s*\(|attr\s*\(", re.IGNORECASE)
# Style blocks are kept only for the tables pandas draws: every selector must start at a Styler
# table's id (#T_...) or at pandas' `.dataframe` class, and may only descend into it.
_SAFE_SELECTOR = re.compile(r"(?:#T_[A-Za-z0-9_]+|\.dataframe)(?:[ >]+[A-Za-z0-9_#.:()-]+|[A-Za-z0-9_#.:()-])*")
# `nb-` ids and markers belong to the page's own chart elements; identifier-like ids would become
# `window` properties (DOM clobbering).  Kept: pandas Styler's `T_...` ids (its style block needs
# them), ids with a hyphen, and heading ids (the markdown anchors).
_RESERVED_PREFIX = "nb-chart"
_STYLER_ID = re.compile(r"T_[A-Za-z0-9_]+")
_DATA_IMAGE = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp", "data:image/svg+xml")
LINK_REL = "noopener noreferrer nofollow"


@functools.lru_cache(maxsize=4096)  # the annotated view repeats a few dozen styles thousands of times
def _safe_declarations(css: str) -> str:
    """The declarations of `css` (a style attribute or a rule's body) whose property is allowed and
    whose value cannot load or run anything, normalised as `prop:value;...`."""
    import tinycss2

    kept = []
    for decl in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
        if decl.type != "declaration" or decl.lower_name not in _CSS_PROPERTIES:
            continue
        value = tinycss2.serialize(decl.value).strip()
        if not value or _UNSAFE_CSS.search(value) or not _SAFE_CSS_VALUE.fullmatch(value):
            continue
        kept.append(f"{decl.lower_name}:{value}{' !important' if decl.important else ''}")
    return ";".join(kept)


def _safe_style_block(css: str) -> str:
    """A style element's text reduced to plain rules on pandas tables (see `_SAFE_SELECTOR`);
    at-rules, other selectors and unsafe declarations are dropped."""
    import tinycss2

    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue  # @import, @font-face, @media ... and parse errors
        selectors = [" ".join(s.split()) for s in tinycss2.serialize(rule.prelude).split(",")]
        if not selectors or not all(_SAFE_SELECTOR.fullmatch(s) for s in selectors):
            continue
        body = _safe_declarations(tinycss2.serialize(rule.content))
        if body:
            rules.append(f"{', '.join(selectors)} {{{body}}}")
    return "\n".join(rules)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute callback: the value to keep, or None to drop the attribute."""
    low = value.strip().lower()
    if name == "id":
        if low.startswith("nb-"):
            return None
        keep = _STYLER_ID.fullmatch(value) or "-" in value or tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        return value if keep else None
    if name == "class":
        kept = [c for c in value.split() if not c.lower().startswith(_RESERVED_PREFIX)]
        return " ".join(kept) or None
    if name.startswith("data-"):
        ok = re.fullmatch(r"data-[a-z0-9_.-]+", name) and not name.startswith(("data-nb-", "data-rendered"))
        return value if ok else None
    if name == "style":
        return _safe_declarations(value) or None
    if tag == "img" and name == "src":
        return value if low.startswith(_DATA_IMAGE) else None
    if tag == "a" and name == "href":
        return None if low.startswith("data:") else value
    return value


@functools.lru_cache(maxsize=1)
def _cleaner():
    import nh3

    attributes = {"*": set(_GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in _TAG_ATTRIBUTES.items()}}
    return nh3.Cleaner(
        tags=set(_ALLOWED_TAGS), clean_content_tags=set(_CONTENT_DROPPED_TAGS), attributes=attributes,
        attribute_filter=_filter_attribute, generic_attribute_prefixes={"data-"},
        url_schemes={"http", "https", "mailto", "data"}, link_rel=LINK_REL, strip_comments=True,
    )


def sanitize_html(fragment: str) -> str:
    """HTML newsbook generated, made safe to show even if some value in it escaped escaping: parsed
    like a browser parses it (an unclosed `<style>`, `</style/>` or a stray `</script>` cannot
    smuggle anything past), scripts and their content, event handlers, forms, frames, remote
    images, non-http(s) links, reserved and clobbering ids removed; links get
    rel="noopener noreferrer nofollow"; inline styles keep only plain properties; a style block
    keeps only plain rules on pandas' tables (Styler ids, `.dataframe`).  Tables, text markup and
    data: images stay."""
    if not fragment:
        return ""
    clean = _cleaner().clean(fragment)
    # nh3 serialises each style element as `<style>TEXT</style>`; its text cannot hold `</style`
    # followed by space, `/` or `>` (the parser ended the element there), so this finds them all.
    clean = re.sub(r"<style>(.*?)</style>",
                   lambda m: f"<style>{css}</style>" if (css := _safe_style_block(m.group(1))) else "",
                   clean, flags=re.DOTALL)
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


def template_css() -> str:
    """The report stylesheet (inlined into every page newsbook writes)."""
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


def _script_hash(text: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: Iterable[str] = (), *, module_urls: bool = False) -> str:
    """The policy a report page declares: nothing is fetched from anywhere (no network, no other
    file: default-src 'none'), images only as data: URLs, inline styles allowed (pandas tables,
    vega's own), and only the given inline scripts run (by hash; none when there are none).
    `module_urls`: also scripts from blob: URLs, which only the page itself can make (the table
    library is imported from one, see newsbook.interactive_tables)."""
    script_src = " ".join(_script_hash(s) for s in sorted(set(scripts))) or "'none'"
    if module_urls:
        script_src += " blob:"
    return (f"default-src 'none'; script-src {script_src}; "
            "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")


def _datatables_resources(nb) -> dict:
    """The table library's stylesheet, module and start script, for a page that has a report table."""
    marker = re.compile(rf'<table[^>]*class="[^"]*\b{TABLE_CLASS}\b')
    has_table = any(marker.search(str(output.get("data", {}).get("text/html", "")))
                    for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", []))
    if not has_table:
        return {}
    css, module_b64 = datatables_assets()
    return {"css": css, "module_b64": module_b64, "init": INIT_SCRIPT}


def render_html(nb, name: str, *, meta: dict | None = None) -> tuple[str, int]:
    """The executed notebook as one self-contained HTML page (no code cells). Returns (html, charts).

    The page carries a Content-Security-Policy allowing only the vega bundle and the chart script."""
    meta = meta or {}
    prepared, specs = prepare_notebook(nb)
    bundle = vega_bundle(_vegalite_version(specs)) if specs else ""
    datatables = _datatables_resources(prepared)
    resources = {
        "metadata": {"name": name},
        "newsbook": {
            "name": name,
            "title": meta.get("title") or f"{name} – newsbook report",
            "version": __version__,
            "css": template_css(),
            "vega_bundle": bundle,
            "datatables": datatables,
            "csp": content_security_policy(([bundle, CHART_SCRIPT] if specs else [])
                                           + ([datatables["init"]] if datatables else []),
                                           module_urls=bool(datatables)),
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
    """The papermill engine newsbook runs notebooks with (see `newsbook.kernels.engine_name`), and
    papermill told to write parameters for the newsbook kernel as plain data."""
    parameters_mod.register_translator(config.KERNEL_NAME)
    return kernels.engine_name()


@dataclasses.dataclass
class _Job:
    name: str
    path: Path
    declared: dict[str, parameters_mod.Declared]
    overrides: dict[str, Any]
    cells: int


def _cell_position(nb, cell_index: int) -> int:
    """The cell's number counted from 1 in the notebook as written (papermill's injected parameters
    cell and error cell not counted)."""
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    position = 0
    for index, cell in enumerate(cells):
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            position += 1
        if index >= cell_index:
            break
    return position


def _failed_cell(nb, error) -> str:
    """'N (In [k] `first line of the source`)' for the failing cell, N counted from 1 in the notebook
    as written (papermill's injected parameters cell is not counted)."""
    first = next((line.strip() for line in str(error.source).splitlines() if line.strip()), "")
    if len(first) > 80:
        first = first[:77] + "..."
    count = "" if error.exec_count is None else f"In [{error.exec_count}] "
    return f"{_cell_position(nb, error.cell_index)} ({count}`{first}`)"


def _last_started_cell(nb) -> str:
    """The cell that was running when the kernel went away ('' if no cell had started): the last
    code cell papermill gave a start time (it marks the cells after it 'completed' too)."""
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    started = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"
               and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return ""
    cell = cells[started[-1]]
    first = next((line.strip() for line in str(cell.source).splitlines() if line.strip()), "")
    return f"{_cell_position(nb, started[-1])} (`{first[:77] + '...' if len(first) > 80 else first}`)"


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
            from .pipeline import check_saved

            manifest = check_saved(folder)
            ids = [str(a) for a in manifest.get("articles", [])]
            cache[key] = {"path": f"{manifest.get('corpus', '')} (saved annotations: {folder})",
                          "articles": ids, "n_articles": len(ids),
                          "content_hash": str(manifest.get("corpus_hash", ""))}
        except (OSError, ValueError, CorpusError) as exc:  # the notebook itself reports missing annotations
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
                quiet: bool = False, jobs: int | None = None, on_warning=None) -> list[Path]:
    """Run and render notebooks; returns the HTML reports written (see the module docstring).

    `names`: notebook names (or .ipynb paths); None runs every notebook in notebooks/, overview
    first.  `corpus` sets the `corpus` parameter; `parameters` (values as strings, as given to
    ``-p``, or plain Python values) override the notebooks' defaults.  Every value is read and
    checked against the type and allowed values each notebook declares (`newsbook.parameters`)
    before anything runs: an unknown name or a wrong value raises ParameterError (a name some
    notebooks declare goes to those).  `out_dir` is the outputs folder (default outputs/):
    reports/, notebooks/ go under it.  `quiet`: no progress bar.  `jobs`: notebooks run at once,
    each in its own process and kernel (default `default_jobs`; 1 runs them one after the other in
    this process); the reports are the same.  Workers and kernels never outlive the run
    (`newsbook.kernels`); what a killed earlier run left is cleared first.  `on_warning` is called
    with each warning a notebook left (`parameters.parameter_notes`: a speaker or article id that
    matches nothing), as 'NAME: message'; by default they are logged.

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
            return _run_reports(names, corpus, parameters, out_dir, quiet, jobs, on_warning)
        with logging_redirect_tqdm():
            return _run_reports(names, corpus, parameters, out_dir, quiet, jobs, on_warning)
    finally:
        papermill_log.setLevel(level)


def _execute_and_render(spec: dict, bar=None) -> dict:
    """Run one notebook with papermill and, if it ran, render it: what `_run_reports` does per
    notebook, in this process or in a worker process (`spec` and the result are plain data).

    The notebook's table CSVs go to spec["staging"] (published by the caller on success)."""
    fast_jsonschema()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .errors import KernelStartError

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
            # The kernel's own log (transport warning, interrupt at shutdown) is noise here;
            # cell errors come back as outputs and a dead kernel as an exception.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        if _is_missing_kernel(exc):
            error = {"missing_kernel": True, "detail": str(exc)}
        elif isinstance(exc, KernelStartError):
            error = {"kernel_start": True, "detail": str(exc)}
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
              "generated": _now(), "warnings": []}
    if executed is not None:
        import nbformat

        try:
            nb = nbformat.reads(executed.decode("utf-8"), as_version=4)
        except Exception as exc:  # noqa: BLE001 - a notebook cut short by a dead kernel
            nb = None
            if error is None:
                result["render_error"] = f"{type(exc).__name__}: {exc}"
        if nb is not None:
            result["warnings"] = parameters_mod.notes_in(nb)
            if error is not None and "cell_index" not in error and not error.get("kernel_start"):
                error["cell"] = _last_started_cell(nb)
            if error is None:
                meta = dict(spec["meta"], generated=result["generated"])
                try:
                    result["page"], result["charts"] = render_html(nb, spec["name"], meta=meta)
                except Exception as exc:  # noqa: BLE001
                    result["render_error"] = f"{type(exc).__name__}: {exc}"
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _failure_cell_and_detail(error: dict, executed_bytes: bytes | None) -> tuple[str, str]:
    """(cell, detail) for a failed run: the cell that raised, or the one running when the kernel
    died; no cell ('') when the notebook failed before any cell ran, which the detail says."""
    import types

    import nbformat

    detail = error["detail"]
    if "cell_index" in error and executed_bytes is not None:
        nb = nbformat.reads(executed_bytes.decode("utf-8"), as_version=4)
        return _failed_cell(nb, types.SimpleNamespace(**error)), detail
    if error.get("kernel_start"):
        return "", detail
    if error.get("cell"):
        return error["cell"], f"the kernel stopped while the cell ran: {detail}"
    return "", f"it failed before any cell ran: {detail}"


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


def _run_reports(names, corpus, parameters, out_dir, quiet, jobs=None, on_warning=None) -> list[Path]:
    import nbformat
    from tqdm.auto import tqdm

    out_dir = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    reports_dir, executed_dir = out_dir / "reports", out_dir / "notebooks"
    raw = {str(k): os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in (parameters or {}).items()}
    if corpus is not None:
        raw["corpus"] = os.fspath(corpus) if isinstance(corpus, os.PathLike) else corpus

    # 1. Parameters, for every notebook, read and checked before anything runs.
    jobs_list: list[_Job] = []
    for name, path in notebook_paths(names):
        declared = declared_parameters(path)
        cells = len(nbformat.read(str(path), as_version=4).cells)
        jobs_list.append(_Job(name, path, declared, {}, cells))
    values = parameters_mod.check_parameters(raw, {job.name: job.declared for job in jobs_list})
    for job in jobs_list:
        job.overrides = values[job.name]
        for key in ("corpus", "annotations"):
            if key in job.overrides:
                job.overrides[key] = _resolve_corpus_value(job.overrides[key])
        if job.overrides:
            job.cells += 1  # papermill's injected-parameters cell
    n_jobs = default_jobs(len(jobs_list)) if jobs is None else max(1, min(int(jobs), len(jobs_list)))

    with kernels.RunRecord(out_dir) as record, kernels.signals_raise():
        return _run_jobs(jobs_list, n_jobs, reports_dir, executed_dir, quiet, record, tqdm,
                         on_warning or (lambda message: log.warning("%s", message)))


def _run_jobs(jobs_list, n_jobs, reports_dir, executed_dir, quiet, record, tqdm, on_warning) -> list[Path]:
    # 2-3. Run and render (in this process, or `n_jobs` at a time in worker processes).
    manifest = _read_manifest(reports_dir)
    touched: set[str] = set()
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
        corpus_text = (f"{corpus_info.get('path', '')} ({corpus_info.get('n_articles', 0)} articles, "
                       f"content hash {corpus_info.get('content_hash', '')})") if corpus_info else ""
        links = [{"name": n, "href": f"{n}.html"} for n in all_names if n != job.name]
        specs.append({
            "name": job.name, "path": str(job.path), "overrides": job.overrides,
            "running": str(executed_dir / f".{job.name}.running-{os.getpid()}.ipynb"),
            "staging": str(reports_dir / f".{TABLES_DIR_NAME}-{job.name}-{os.getpid()}"),
            "meta": {"corpus": corpus_text, "parameters": _shown_parameters(effective), "links": links},
            "effective": effective, "corpus_info": corpus_info,
        })

    def finish(index: int, result: dict) -> None:
        job, spec = jobs_list[index], specs[index]
        effective, staging = spec["effective"], Path(spec["staging"])
        failed_path = executed_dir / f"{job.name}.failed.ipynb"
        executed_bytes, error = result["executed"], result["error"]
        for warning in result.get("warnings", []):
            on_warning(f"{job.name}: {warning}")
        if error is not None and error.get("missing_kernel"):
            shutil.rmtree(staging, ignore_errors=True)
            raise NewsbookError(
                f"no Jupyter kernel named {config.KERNEL_NAME!r}; register it with: python -m ipykernel "
                f"install --sys-prefix --name {config.KERNEL_NAME} --display-name 'Python (newsbook)'")
        touched.add(job.name)
        if error is not None:
            shutil.rmtree(staging, ignore_errors=True)
            kept = ""
            if executed_bytes is not None:
                write_bytes(failed_path, executed_bytes)
                kept = str(failed_path)
            cell, detail = _failure_cell_and_detail(error, executed_bytes)
            failure = NotebookFailed(job.name, cell, detail, kept)
            failures.append((index, failure))
            log.debug("%s", failure)  # reported once, by the caller
            entry = manifest.get(job.name, {})
            entry["last_failure"] = {"time": _now(), "cell": cell, "detail": detail,
                                     "executed": os.path.relpath(failed_path, reports_dir) if kept else "",
                                     "parameters": {k: _json_value(v) for k, v in effective.items()}}
            manifest[job.name] = entry
            return
        # Success: keep the executed notebook, write the report atomically, publish its tables.
        executed_path = write_bytes(executed_dir / f"{job.name}.ipynb", executed_bytes)
        failed_path.unlink(missing_ok=True)  # (another run into the same folder may remove it too)
        if result["render_error"] is not None:
            shutil.rmtree(staging, ignore_errors=True)
            failure = NotebookFailed(job.name, "(rendering)", result["render_error"], str(executed_path))
            failures.append((index, failure))
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
            "warnings": list(result.get("warnings", [])),
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
            import threading
            from concurrent.futures import ProcessPoolExecutor, as_completed

            if bar is not None:
                bar.set_description(f"{len(jobs_list)} notebooks, {n_jobs} at a time")
            # Build the vega bundle once, here, while the workers start their kernels; they read
            # it from the cache when they render (or build it themselves if it is late).
            threading.Thread(target=_warm_vega_bundle, daemon=True).start()
            plain = [{k: v for k, v in spec.items() if k not in ("effective", "corpus_info")} for spec in specs]
            pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=kernels.die_with_parent, initargs=(os.getpid(),))
            try:
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
            except BaseException:
                # Ctrl-C, SIGTERM/SIGHUP (see kernels.signals_raise) or a missing kernel: stop the
                # workers and their kernels now rather than wait for the notebooks to end.
                kernels.kill_pool(pool)
                record.kill()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            order = {job.name: i for i, job in enumerate(jobs_list)}
            written.sort(key=lambda p: order.get(p.stem, 0))
    except BaseException:
        for spec in specs:  # interrupted: nothing half-done of this run stays behind
            shutil.rmtree(spec["staging"], ignore_errors=True)
            Path(spec["running"]).unlink(missing_ok=True)
        raise
    finally:
        if bar is not None:
            bar.close()
        if touched:  # an interrupted run that finished no notebook leaves the index as it was
            with _index_lock(reports_dir):
                # Another run into the same folder may have rewritten the index meanwhile: keep its
                # entries, replace only those of the notebooks this run tried.
                current = _read_manifest(reports_dir)
                current.update({name: manifest[name] for name in touched if name in manifest})
                _write_index(reports_dir, current)
    if failures:
        failures.sort(key=lambda item: item[0])
        first = failures[0][1]
        if len(failures) > 1:
            others = "; ".join(f"{f.notebook} ({f'cell {f.cell}' if f.cell else 'did not run'})"
                               for _, f in failures[1:])
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
    return Annotations.load(path)  # refuses (TablesMismatch) files that do not match their manifest


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
            # a Styler escapes only what its format() covers: the column headers and the index
            # (outlet names, article ids) are escaped here, whatever the style function did
            styler = (self.style(self.shown).format_index(escape="html", axis=0)
                      .format_index(escape="html", axis=1))
            formatters = number_formatters(self.shown)
            if formatters:
                styler = styler.format(formatters, subset=list(formatters))
            return styler.set_table_attributes(f'class="{TABLE_CLASS}"').to_html()
        return readable(self.shown).to_html(index=False, escape=True, border=0, na_rep="", classes=TABLE_CLASS)

    def _repr_html_(self) -> str:
        parts = []
        if self.note:
            parts.append(html.escape(self.note))
        if self.href:
            parts.append(f'<a href="{html.escape(self.href)}">Download the full table</a> '
                         f"(CSV, {self.total:,} rows).")
        note = f'<p class="nb-table-note"><em>{" ".join(parts)}</em></p>' if parts else ""
        return note + self._table_html()

    def __repr__(self) -> str:
        tail = f"\n[{self.note} full table: {self.path}]" if self.path else ""
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
    notes = ([f"Showing {which} of {total:,} {what}."] if total > max_rows
             else [f"Showing all {total:,} {what}."] if cut else [])
    if cut:
        notes.append(f"{cut:,} cell{'s' if cut > 1 else ''} longer than {max_chars} characters "
                     f"{'are' if cut > 1 else 'is'} cut short (…).")
    # Every table is downloadable whole, whatever part of it the page shows.
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
    """python -m newsbook.report screenshots [--out DIR] [--require] [--lab]: check every rendered report in
    headless Chromium (networking off) and keep a screenshot of each; exit 1 if a chart did not
    draw or the console showed an error.  Without Chromium: a message, and exit 0 unless --require."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m newsbook.report")
    parser.add_argument("command", choices=["screenshots"])
    parser.add_argument("--out", default=None, help="outputs folder (default: outputs/)")
    parser.add_argument("--require", action="store_true", help="fail if Chromium is missing")
    parser.add_argument("--lab", action="store_true",
                        help="also run every notebook in JupyterLab (offline) and screenshot its first chart")
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
    if args.lab:
        from .lab_check import run_notebooks_in_lab

        out = Path(args.out) if args.out else config.OUTPUTS_DIR
        for run in run_notebooks_in_lab(screenshots_dir=out / "screenshots"):
            state = "ok" if run.ok else "FAILED"
            print(f"{state:6} JupyterLab {run.name}: kernel {run.kernel or '(dialog)'}, {run.cells_run}/{run.code_cells}"
                  f" cells ran, {run.charts_drawn}/{run.charts} charts drawn, {len(run.error_outputs)} errors, "
                  f"{len(run.blocked_requests)} requests blocked, {run.seconds} s -> {run.screenshot}")
            for message in run.error_outputs + run.blocked_requests:
                print(f"       {message}")
            bad += not run.ok
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A notebook as a report page: charts found in the outputs (`chart_from_output`) and embedded
offline (`chart_html`, `CHART_SCRIPT`), other outputs sanitised (`newsbook.sanitize`), then one
self-contained HTML page through nbconvert and the ``newsbook_report`` template (`render_html`),
with the vega bundle (`newsbook.vega`), the report stylesheet and a Content-Security-Policy that
runs only those scripts."""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any, Iterable

from . import __version__
from .errors import NewsbookError
from .interactive_tables import INIT_SCRIPT, TABLE_CLASS, datatables_assets
from .sanitize import sanitize_html
from .vega import _vegalite_version, vega_bundle

TEMPLATE_NAME = "newsbook_report"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Mimetypes altair (or a bare vega-lite / vega display) may leave in a notebook.
VEGA_MIMETYPE = re.compile(r"^application/vnd\.vega(?P<lite>lite)?\.v\d+(?:\.\d+)*[.+]json$")


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

"""Article text can never take over a shared report.

A corpus with markup in every field (title, outlet, byline, url, article id, quotes, speaker and
actor names, sentences that land in chart specs and tooltips; see hostile_corpus.py) is rendered
with ``newsbook report --corpus DIR``.  Then:

- without a browser, every report's HTML is read element by element: no event handler, no script
  but the vega bundle and the chart scripts (each allowed by hash in the page's
  Content-Security-Policy), no style that hides or loads anything, no reserved chart id, no link
  but http(s) ones with rel="noopener noreferrer nofollow", and the hostile strings are in the
  page as text;
- in headless Chromium (skipped without it), each report is opened as written and again with its
  Content-Security-Policy removed (so escaping, not the policy, is what is tested): no dialog, no
  `window.nbpwn`, no request for anything but the file itself, every chart drawn from its own spec,
  the page visible and the hostile strings visible as text.

The escaping functions are also tested on their own (no notebook, no browser)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from newsbook import html as nbhtml
from newsbook import interactive_tables
from newsbook import report
from tests.faults import hostile_corpus as hc

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ("overview", "actors", "figures", "quotes")
RESERVED_ID = re.compile(r"nb-chart-\d+-spec", re.I)
LINK_REL = {"noopener", "noreferrer", "nofollow"}


# --- the corpus, rendered once ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory) -> Path:
    """`newsbook report --corpus DIR` on the hostile corpus (a subprocess, as a researcher runs it);
    returns the reports folder."""
    corpus = hc.write_hostile_corpus(tmp_path_factory.mktemp("hostile-corpus"))
    outputs = tmp_path_factory.mktemp("hostile-outputs")
    env = dict(os.environ, NEWSBOOK_OUTPUTS=str(outputs), NEWSBOOK_CACHE=str(tmp_path_factory.mktemp("cache")),
               PYTHONPATH=os.pathsep.join([str(ROOT / "lib"), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run([sys.executable, "-c", "import sys; from newsbook.cli import main; sys.exit(main())",
                          "report", "--corpus", str(corpus), "--out", str(outputs), "--quiet"],
                         env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return outputs / "reports"


class _Page(HTMLParser):
    """Every element with its attributes, the text of each script and style element, and the
    visible text (outside script and style)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._raw: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {k.lower(): (v or "") for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag in ("script", "style"):
            self._raw = (tag, attributes)
            (self.scripts.append((attributes, "")) if tag == "script" else self.styles.append(""))

    def handle_endtag(self, tag):
        if self._raw and tag == self._raw[0]:
            self._raw = None

    def handle_data(self, data):
        if self._raw is None:
            self.text.append(data)
        elif self._raw[0] == "script":
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.styles[-1] += data


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    return parsed


def _csp(parsed: _Page) -> str:
    metas = [a.get("content", "") for t, a in parsed.elements
             if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(metas) == 1, "one Content-Security-Policy meta tag"
    return metas[0]


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _visible_text(parsed: _Page) -> str:
    return re.sub(r"\s+", " ", "".join(parsed.text))


# --- static checks on the rendered HTML (no browser) ----------------------------------------


def test_every_report_rendered_with_charts(hostile_reports):
    index = json.loads((hostile_reports / "index.json").read_text())["reports"]
    assert set(REPORTS) <= set(index)
    for name in REPORTS:
        assert (hostile_reports / f"{name}.html").exists(), name
        assert index[name]["charts"] >= 2, name
        assert len(index[name]["corpus"]["articles"]) == 4


@pytest.mark.parametrize("name", REPORTS)
def test_report_html_holds_article_text_only_as_text(hostile_reports, name):
    page = (hostile_reports / f"{name}.html").read_text(encoding="utf-8")
    parsed = _parse(page)
    tags = [t for t, _ in parsed.elements]
    # no element from an article: no handler, no image, no svg, no frame, no form
    assert not [(t, k) for t, a in parsed.elements for k in a if k.startswith("on")]
    assert not {"img", "svg", "iframe", "object", "embed", "form", "base", "link"} & set(tags)
    # ids: no chart spec id, and each chart div's id once, on the chart div
    ids = [a["id"] for _, a in parsed.elements if "id" in a]
    assert not [i for i in ids if RESERVED_ID.search(i)], "a chart-spec id from an article"
    charts = [a for t, a in parsed.elements if t == "div" and "nb-chart" in a.get("class", "").split()]
    assert charts and all(ids.count(a["id"]) == 1 for a in charts)
    assert not [a for t, a in parsed.elements if "nb-chart" in a.get("class", "").split() and t != "div"]
    # scripts: the bundle once, then per chart its JSON and the one chart script; each allowed by hash
    csp = _csp(parsed)
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp
    inert = ("application/json", "text/plain")  # chart specs; the table library's base64 source
    executable = [body for attrs, body in parsed.scripts if attrs.get("type", "text/javascript") not in inert]
    data = [body for attrs, body in parsed.scripts if attrs.get("type") == "application/json"]
    tables_script = [body for attrs, body in parsed.scripts if attrs.get("type") == "module"]
    assert tables_script in ([], [interactive_tables.INIT_SCRIPT])
    assert len(data) == len(charts) and len(executable) == len(charts) + 1 + len(tables_script)
    assert set(executable[1:len(charts) + 1]) == {report.CHART_SCRIPT}
    for body in executable:
        assert _sha256(body) in csp
    for body in data:
        assert "<" not in body and ">" not in body  # no </script>, no <!--
        json.loads(body)  # still valid JSON, the hostile text inside as data
    assert any("window.nbpwn" in body for body in data), "hostile text reaches chart specs (as data)"
    # styles: the template's own, and pandas' plain table rules; nothing hides or loads
    template_styles = {interactive_tables.datatables_assets()[0].strip()}
    for css in [c for c in parsed.styles[1:] if c.strip() not in template_styles]:
        for selector in re.findall(r"([^{}]+)\{", css):
            assert all(s.strip().startswith(("#T_", ".dataframe")) for s in selector.split(",")), selector
    css_everywhere = ("".join(c for c in parsed.styles if c.strip() not in template_styles)
                      + "".join(a.get("style", "") for _, a in parsed.elements))
    # the table library's stylesheet (newsbook's own, not an article's) draws its icons from data: URLs only
    assert all(u.startswith("data:") for u in re.findall(r"url\(([^)]*)\)", "".join(template_styles)))
    assert "url(" not in css_everywhere and "@import" not in css_everywhere
    assert not re.search(r"(?:^|[\s}])(?:html|body|main|\*)\s*\{",
                         "".join(c for c in parsed.styles[1:] if c.strip() not in template_styles))
    # links: relative (other reports, tables) or http(s) with rel; nothing else is a link
    for tag, attrs in parsed.elements:
        if tag == "a" and "href" in attrs:
            href = attrs["href"].strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:")), href
            if href.startswith(("http:", "https:", "//")):
                assert LINK_REL <= set(attrs.get("rel", "").split()), attrs
    assert f"{hc.EVIL}/link" not in [a.get("href") for t, a in parsed.elements if t == "a"]
    # the hostile strings are in the page as text
    text = _visible_text(parsed)
    for expected in hc.VISIBLE[name]:
        assert re.sub(r"\s+", " ", expected) in text, (name, expected)


def test_only_http_article_urls_become_links(hostile_reports):
    parsed = _parse((hostile_reports / "overview.html").read_text(encoding="utf-8"))
    hrefs = [a["href"] for t, a in parsed.elements if t == "a" and "href" in a]
    assert f"{hc.EVIL}/a3" in hrefs and hc.QUOTE_URL in hrefs  # the http(s) urls, escaped in the attribute
    assert not [h for h in hrefs if "nbpwn" in h and not h.startswith("http")]
    assert hc.JS_URL in _visible_text(parsed)  # javascript: shown as text


# --- in headless Chromium ---------------------------------------------------------------------

CHROMIUM = report.find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make browser); "
                                                             "the static checks above still ran")

_WATCH = """
window.__nbViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__nbViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""

_INSPECT = """() => {
  const main = document.querySelector('main');
  const hidden = el => { const s = getComputedStyle(el); return s.display === 'none' || s.visibility === 'hidden'
                                                              || parseFloat(s.opacity) === 0; };
  const charts = Array.from(document.querySelectorAll('.nb-chart'));
  return {
    pwned: typeof window.nbpwn === 'undefined' ? null : String(window.nbpwn),
    violations: window.__nbViolations,
    hidden: [document.documentElement, document.body, main].filter(hidden).map(el => el.tagName),
    backgrounds: [document.documentElement, document.body, main]
      .map(el => getComputedStyle(el).backgroundImage).filter(b => b !== 'none'),
    mainHeight: main ? main.getBoundingClientRect().height : 0,
    charts: charts.length,
    drawn: charts.filter(el => el.getAttribute('data-rendered') === 'true' && el.querySelector('svg')
                         && el.querySelector('svg').getBoundingClientRect().height > 0).length,
    attacker: charts.filter(el => el.textContent.includes('ATTACKER CHART')).length,
    text: main ? main.innerText : '',
  };
}"""


def _open(browser, page_path: Path) -> tuple[dict, list[str], list[str]]:
    """(what the page shows, requests for anything but files, dialogs) for one report."""
    requests, dialogs = [], []
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:", "about:")):
                r.continue_()
            else:
                requests.append(url)
                r.abort()

        context.route("**/*", route)
        context.add_init_script(_WATCH)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri(), wait_until="load", timeout=60000)
        try:
            page.wait_for_function("() => Array.from(document.querySelectorAll('.nb-chart'))"
                                   ".every(el => el.hasAttribute('data-rendered'))", timeout=60000)
        except Exception:  # noqa: BLE001 - the drawn count below says which failed
            pass
        page.wait_for_timeout(300)  # let anything an injected element would trigger happen
        seen = page.evaluate(_INSPECT)
    finally:
        context.close()
    return seen, requests, dialogs


def _without_csp(page_path: Path, folder: Path) -> Path:
    """A copy of the report with its Content-Security-Policy removed."""
    folder.mkdir(parents=True, exist_ok=True)
    page = page_path.read_text(encoding="utf-8")
    stripped = re.sub(r"<meta[^>]*Content-Security-Policy[^>]*>", "", page, flags=re.I)
    assert stripped != page
    return Path(report.write_text(folder / page_path.name, stripped))


@needs_chromium
def test_hostile_reports_are_inert_in_chromium(hostile_reports, tmp_path):
    from playwright.sync_api import sync_playwright

    index = json.loads((hostile_reports / "index.json").read_text())["reports"]
    pages = [(name, hostile_reports / f"{name}.html", "with CSP") for name in REPORTS]
    pages += [(name, _without_csp(hostile_reports / f"{name}.html", tmp_path), "without CSP") for name in REPORTS]
    pages.append(("index", hostile_reports / "index.html", "index"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=report.CHROMIUM_ARGS)
        try:
            for name, path, how in pages:
                seen, requests, dialogs = _open(browser, path)
                where = f"{name} ({how})"
                assert dialogs == [], (where, dialogs)
                assert seen["pwned"] is None, (where, seen["pwned"])
                assert requests == [], (where, requests)
                assert seen["violations"] == [], (where, seen["violations"])
                assert seen["hidden"] == [] and seen["backgrounds"] == [], (where, seen["hidden"], seen["backgrounds"])
                assert seen["mainHeight"] > 500, where
                if name == "index":
                    continue
                assert seen["charts"] == index[name]["charts"] and seen["drawn"] == seen["charts"], (where, seen)
                assert seen["attacker"] == 0, where
                text = re.sub(r"\s+", " ", seen["text"])
                for expected in hc.VISIBLE[name]:
                    assert re.sub(r"\s+", " ", expected) in text, (where, expected)
        finally:
            browser.close()


# --- the escaping functions on their own (no notebook, no browser) ---------------------------

SCRIPT_BREAKERS = ["</script><script>alert(1)</script>", "</SCRIPT >", "<!-- <script>", "x]]>",
                   "\u2028\u2029", "&lt;/script&gt;", "</scr\\u0069pt>"]


@pytest.mark.parametrize("value", SCRIPT_BREAKERS)
def test_json_for_script_cannot_end_the_script_element(value):
    out = report._json_for_script({"text": value, "list": [value]})
    assert not set("<>&") & set(out) and "\u2028" not in out
    assert json.loads(out) == {"text": value, "list": [value]}
    snippet = report.chart_html({"data": {"values": [{"name": value}]}, "mark": "bar"}, "vega-lite", {}, 1)
    parsed = _parse(snippet)
    assert [t for t, _ in parsed.elements] == ["div", "script", "script"]
    assert json.loads(parsed.scripts[0][1])["spec"]["data"]["values"][0]["name"] == value


def test_chart_script_finds_its_spec_by_position_not_by_id():
    snippet = report.chart_html({"mark": "bar"}, "vega-lite", {"tooltip": True, "loader": "x"}, 3)
    parsed = _parse(snippet)
    div, spec, script = parsed.elements
    assert div[1]["id"] == "nb-chart-3" and "id" not in spec[1] and spec[1]["type"] == "application/json"
    assert "getElementById" not in report.CHART_SCRIPT and "currentScript" in report.CHART_SCRIPT
    embed = json.loads(parsed.scripts[0][1])["embed"]
    assert embed["ast"] is True and "loader" not in embed  # no eval needed; no option from elsewhere


def test_content_security_policy_forbids_fetching_and_lists_script_hashes():
    policy = report.content_security_policy(["a();", "b();", "a();"])
    assert policy.startswith("default-src 'none';")
    assert policy.count("'sha256-") == 2 and _sha256("a();") in policy
    assert "unsafe-eval" not in policy and "img-src data:" in policy
    assert "script-src 'none'" in report.content_security_policy([])


def test_rendered_page_policy_allows_exactly_its_scripts():
    import altair as alt
    import nbformat

    chart = alt.Chart(pd.DataFrame({"who": [hc.SPEAKER], "n": [1]})).mark_bar().encode(
        x="n:Q", y="who:N", tooltip=["who:N"])
    data = alt.renderers.get()(chart.to_dict())
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data[0] if isinstance(data, tuple) else data)]
    page, charts = report.render_html(nbformat.v4.new_notebook(cells=[cell]), "one")
    parsed = _parse(page)
    head = [t for t, _ in parsed.elements][:4]
    assert head[:3] == ["html", "head", "meta"] and head[3] == "meta"  # the policy right after the charset
    csp = _csp(parsed)
    executable = [b for a, b in parsed.scripts if a.get("type") != "application/json"]
    assert charts == 1 and len(executable) == 2
    assert sorted(re.findall(r"'sha256-[^']+'", csp)) == sorted({_sha256(b) for b in executable})


HOSTILE_FRAGMENTS = [
    f"<p>kept</p>{hc.STYLE}",
    f"<p>kept</p>{hc.UNCLOSED_STYLE}<p>swallowed</p>",
    f"<p>kept</p>{hc.SLASH_STYLE}",
    f"<p>kept</p>{hc.SPEC_ID}",
    f"<p>kept</p>{hc.SCRIPT}{hc.IMG}{hc.SVG}",
    "<p>kept</p><style>@import 'http://evil.example/x.css'; .dataframe td{color:red}</style>",
    "<p>kept</p><style>.dataframe td{background:url(http://evil.example/x.png)} #T_1 ~ *{display:none}</style>",
    '<p style="color:red;background-image:url(http://evil.example/y.png);cursor:url(x)">kept</p>',
    '<p>kept</p><div class="nb-chart x" data-nb-chart="1" data-rendered="true" id="vegaEmbed">c</div>',
    '<p>kept</p><a href="javascript:alert(1)">js</a><a href="data:text/html,x">data</a>',
    '<p>kept</p><!-- <script>alert(1)</script> --><form action="http://evil.example"><input></form>',
]


@pytest.mark.parametrize("fragment", HOSTILE_FRAGMENTS)
def test_sanitize_html_keeps_nothing_that_runs_hides_loads_or_clobbers(fragment):
    clean = report.sanitize_html(fragment)
    parsed = _parse(clean)
    assert "kept" in _visible_text(parsed)
    assert not {"script", "img", "svg", "form", "input", "iframe"} & {t for t, _ in parsed.elements}
    assert not [(t, k) for t, a in parsed.elements for k in a if k.startswith("on")]
    assert "evil.example" not in "".join(parsed.styles) + "".join(a.get("style", "") for _, a in parsed.elements)
    assert "url(" not in clean and "@import" not in clean and "display:none" not in clean.replace(" ", "")
    for _, attrs in parsed.elements:
        assert not RESERVED_ID.search(attrs.get("id", "")) and attrs.get("id") != "vegaEmbed"
        assert "nb-chart" not in attrs.get("class", "") and "data-rendered" not in attrs
        assert not attrs.get("href", "").lower().startswith(("javascript:", "data:"))


def test_sanitize_html_keeps_what_newsbook_generates():
    from newsbook import figures

    styled = figures.style_agreement(pd.DataFrame({"status": ["conflict"], "value": [1.0], "note": ["n"]})).to_html()
    clean = report.sanitize_html(styled)
    assert re.search(r"#T_\w+_row0_col0[^{]*\{background-color:#f8d0c8\}", clean)
    assert 'id="T_' in clean
    frame_html = pd.DataFrame({"a": ["<b>x</b>"]})._repr_html_()
    clean = report.sanitize_html(frame_html)
    assert ".dataframe thead th" in clean and "&lt;b&gt;x&lt;/b&gt;" in clean
    links = report.sanitize_html('<a href="actors.html">a</a> <a href="https://example.org/doc">d</a>')
    assert 'href="actors.html"' in links and 'rel="noopener noreferrer nofollow"' in links
    assert 'href="https://example.org/doc"' in links
    view = nbhtml.annotation_legend({"A": ("#dbe8f5", "#4c78a8")}, {"A": 2})
    assert report.sanitize_html(view).count("background-color:#dbe8f5") == 1


def test_styled_table_escapes_column_headers_and_index(tmp_path, monkeypatch):
    from newsbook import figures

    monkeypatch.setenv(report.TABLES_ENV, str(tmp_path))
    headers = [hc.OUTLET_A + " (a1)", hc.OUTLET_B + " (" + hc.HOSTILE_IDS["a2"] + ")"]
    frame = pd.DataFrame({"status": ["agreed"], "value": [120.0], headers[0]: ["120 diplomats"], headers[1]: [hc.SCRIPT]})
    # the agreement table's own style, and a style function that escapes nothing itself: the
    # headers (sources: outlet names and article ids) are escaped by the table either way
    for style, cells in ((figures.style_agreement, [hc.SCRIPT]), (lambda shown: shown.head(0).style, [])):
        page = report.table(frame, "agreement", style=style)._repr_html_()
        parsed = _parse(page)
        # the table, and the note linking its full CSV
        assert {t for t, _ in parsed.elements} <= {"style", "table", "thead", "tbody", "tr", "th", "td", "p", "em", "a"}
        assert [a["href"] for t, a in parsed.elements if t == "a"] == ["tables/report/agreement.csv"] or \
            all(a["href"].endswith("agreement.csv") for t, a in parsed.elements if t == "a")
        for value in headers + cells:
            assert value in _visible_text(parsed)
        assert not [a for _, a in parsed.elements if RESERVED_ID.search(a.get("id", ""))]


@pytest.mark.parametrize("url, linked", [
    ("https://news.example/a?b=1&c=\"2\"", True), ("http://news.example", True), (" https://news.example/x ", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), ("java\tscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("//evil.example/x", False), ("https://", False),
    ("vbscript:x", False), ("news.example/a", False), ("https://news.example/a b", False), (None, False),
])
def test_only_http_urls_become_links(url, linked):
    out = nbhtml.link(url)
    parsed = _parse(out)
    anchors = [a for t, a in parsed.elements if t == "a"]
    assert bool(anchors) == linked and [t for t, _ in parsed.elements] in ([], ["a"])
    if linked:
        assert anchors[0]["href"] == url.strip() and set(anchors[0]["rel"].split()) == LINK_REL
    assert _visible_text(parsed) == ("" if url is None else re.sub(r"\s+", " ", url))


def test_annotated_article_shows_every_field_as_text():
    article = {"article_id": hc.HOSTILE_IDS["a2"], **hc.ARTICLES["a1"], "words": 12}
    text = article["text"]
    start = text.index("We will")
    quotes = [{"quote_id": "x:q1", "speaker": hc.SPEAKER, "kind": "direct", "cue": hc.IMG,
               "start": start, "end": start + 20, "speaker_start": -1, "speaker_end": -1}]
    colours = nbhtml.speaker_colours(pd.DataFrame(quotes))
    out = nbhtml.annotated_article(article, [], quotes, [], colours) + nbhtml.annotation_legend(colours, {hc.SPEAKER: 1})
    parsed = _parse(out)
    assert {t for t, _ in parsed.elements} <= {"details", "summary", "strong", "span", "div", "sup"}
    text_shown = _visible_text(parsed)
    for value in (article["title"], hc.OUTLET_A, article["byline"], hc.JS_URL, hc.SPEAKER):
        assert re.sub(r"\s+", " ", value) in text_shown, value
    assert [a["id"] for _, a in parsed.elements if "id" in a] == [nbhtml.article_anchor(article["article_id"])]
    assert re.fullmatch(r"article-[0-9a-f]{16}", nbhtml.article_anchor(article["article_id"]))
    assert nbhtml.article_anchor("000_fda179f46792bc79") == "article-000_fda179f46792bc79"
    assert not [a for _, a in parsed.elements if set(a) & {"onerror", "onload", "href", "src"}]
    diff = nbhtml.quote_diff_html(hc.SCRIPT, hc.STYLE, label_a=hc.OUTLET_A, label_b=hc.OUTLET_B, title=hc.SPEAKER)
    parsed = _parse(diff)
    assert {t for t, _ in parsed.elements} <= {"table", "caption", "tr", "th", "td", "del", "ins"}
    assert hc.SPEAKER in _visible_text(parsed)


@needs_chromium
def test_chart_tooltip_shows_a_hostile_speaker_as_text(hostile_reports):
    """The quotes-per-speaker chart's tooltip names the speaker: vega-tooltip escapes it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=report.CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page = context.new_page()
            page.goto((hostile_reports / "quotes.html").as_uri())
            page.wait_for_selector("#nb-chart-1[data-rendered='true'] svg")
            shown = None
            for mark in page.locator("#nb-chart-1 svg .mark-rect path").all():
                mark.hover()
                tooltip = page.locator("#vg-tooltip-element")
                tooltip.wait_for(state="visible", timeout=5000)
                if "Petrova" in tooltip.inner_text():
                    shown = tooltip
                    break
            assert shown is not None, "no bar of the hostile speaker"
            assert hc.SPEAKER in re.sub(r"[ \t]+", " ", shown.inner_text())
            assert shown.evaluate("el => el.querySelectorAll('script, style, img, svg, a').length") == 0
            assert page.evaluate("() => typeof window.nbpwn") == "undefined"
        finally:
            browser.close()

"""Reports: papermill runs, nbconvert rendering, offline HTML, parameters, failures, annotated view.

The browser half of the checks (charts drawn with networking off, no article script runs,
screenshots) is in test_browser.py and reuses the reports rendered here (`seed_outputs`,
`xss_outputs`), so each notebook runs once per test session."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from newsbook import html as nbhtml
from newsbook import report
from newsbook.errors import NotebookFailed, ParameterError

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
NOTEBOOKS = ROOT / "notebooks"
SEED_IDS = ("000_fda179f46792bc79", "001_b5577f8a9bb7cc0d")

# Rendered once per session, shared with test_browser.py (which imports the fixtures).
_RENDERED: dict[str, Path] = {}

XSS_TITLE = 'Ministry <script>window.nbxss = 1</script> denies <img src=x onerror="window.nbxss = 2"> report'
XSS_BODY = (
    'The ministry said on Tuesday that 120 diplomats would leave the capital by Friday. '
    '"We <script>window.nbxss = 3</script> will not accept this," said Anna Petrova, a spokeswoman '
    "for the ministry.\n\n"
    'Officials at the <img src=x onerror="window.nbxss = 4"> agency told reporters that about 40 percent '
    "of the staff had already been moved. Petrova said the decision was final.\n"
)


def write_xss_corpus(folder: Path) -> Path:
    """A one-article corpus whose title, body, outlet and url carry script and event-handler payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "000_xss.txt").write_text(f"# {XSS_TITLE}\n\nJane Roe\n12 March 2024\n\n{XSS_BODY}", encoding="utf-8")
    (folder / "metadata.csv").write_text(
        'article_id,outlet,url\n000_xss,"Daily <b onmouseover=""window.nbxss = 5"">Planet</b>",'
        "javascript:window.nbxss=6\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def seed_outputs(tmp_path_factory) -> Path:
    """Every notebook in notebooks/ run on the seeds and rendered (outputs folder)."""
    if "seeds" not in _RENDERED:
        out = tmp_path_factory.mktemp("seed-outputs")
        report.run_reports(None, out_dir=out, quiet=True)
        _RENDERED["seeds"] = out
    return _RENDERED["seeds"]


@pytest.fixture(scope="session")
def xss_outputs(tmp_path_factory) -> Path:
    """The overview rendered on a corpus whose one article carries script payloads."""
    if "xss" not in _RENDERED:
        corpus = write_xss_corpus(tmp_path_factory.mktemp("xss-corpus"))
        out = tmp_path_factory.mktemp("xss-outputs")
        report.run_reports(["overview"], corpus=str(corpus), out_dir=out, quiet=True)
        _RENDERED["xss"] = out
    return _RENDERED["xss"]


# --- static offline checks -------------------------------------------------------------------


def network_references(page: str) -> list[str]:
    """Every way `page` could load something over http(s): script src, link href, @import,
    url(), and any http(s):// inside a <script> or <style> element."""
    found = []
    for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*>", page, re.I):
        if re.search(r"""(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//""", tag, re.I):
            found.append(tag)
    for body in re.findall(r"<(?:script|style)\b[^>]*>(.*?)</(?:script|style)\s*>", page, re.I | re.S):
        found += re.findall(r"https?://[^\s\"')]*", body)
        found += re.findall(r"@import[^;]*;|url\(\s*['\"]?(?:https?:)?//[^)]*\)", body)
    found += re.findall(r"@font-face", page)
    return found


def test_parse_parameter_value_reads_like_papermill():
    parse = report.parse_parameter_value
    assert parse("3") == 3 and isinstance(parse("3"), int)
    assert parse("2.5") == 2.5
    assert parse("True") is True and parse("False") is False and parse("None") is None
    assert parse("[1, 2]") == [1, 2]
    assert parse('["a", "b"]') == ["a", "b"]
    assert parse("[a, b]") == ["a", "b"]
    assert parse("{a: 1}") == {"a": 1}
    assert parse("seeds") == "seeds"
    assert parse("[oops") == "[oops"
    assert parse("true") == "true"  # papermill: only True/False are booleans
    assert parse(7) == 7


def test_sanitize_html_removes_active_content_and_keeps_tables():
    dirty = (
        '<div><script>alert(1)</script><img src=x onerror="alert(2)">'
        '<img src="https://example.org/x.png"><iframe src="https://example.org"></iframe>'
        '<a href="javascript:alert(3)">js</a><a href="actors.html">ok</a>'
        '<span style="background-color:#fde3c8;background-image:url(https://e.org/a.png)" '
        'onclick="alert(4)" title="t">span</span>'
        '<style>.x{background:url(https://example.org/x.png)}</style>'
        '<style scoped>.dataframe td {vertical-align: top;}</style>'
        '<table class="dataframe"><tr><td colspan="2">&lt;b&gt;cell</td></tr></table>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline"></div>'
    )
    clean = report.sanitize_html(dirty)
    assert "<script" not in clean and "alert(1)" not in clean
    assert "onerror" not in clean and "onclick" not in clean
    assert "<iframe" not in clean and "example.org" not in clean and "e.org" not in clean
    assert "javascript:" not in clean
    assert 'href="actors.html"' in clean
    assert "background-color:#fde3c8" in clean.replace(" ", "")
    assert "<table" in clean and 'colspan="2"' in clean and "&lt;b&gt;cell" in clean
    assert ".dataframe td" in clean  # a plain style block stays
    assert 'src="data:image/png;base64' in clean


def test_chart_from_altair_html_output():
    import altair as alt

    frame = pd.DataFrame({"outlet": ["A </script><script>alert(1)</script>", "B"], "n": [1, 2]})
    chart = alt.Chart(frame).mark_bar().encode(x="n:Q", y="outlet:N", tooltip=["outlet", "n"])
    with alt.renderers.enable("default"):  # (newsbook.charts enables its own renderer on import)
        bundle = alt.renderers.get()(chart.to_dict())
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "text/html" in bundle, "altair 6's default renderer emits HTML"
    output = nbformat.v4.new_output("display_data", data=bundle)
    spec, mode, options = report.chart_from_output(output)
    assert mode == "vega-lite"
    assert spec["encoding"] == chart.to_dict()["encoding"]
    assert list(spec["datasets"].values())[0][0]["outlet"].startswith("A </script>")

    with alt.renderers.enable("mimetype"):
        mime = alt.renderers.get()(chart.to_dict())
    mime = mime[0] if isinstance(mime, tuple) else mime
    # (altair 6's ".json" mimetype holds a dict, which nbformat's schema rejects: build it by hand)
    mime_output = nbformat.from_dict({"output_type": "display_data", "data": mime, "metadata": {}})
    assert report.chart_from_output(mime_output)[0]["encoding"] == spec["encoding"]
    from newsbook import lab_display  # the renderer notebooks use: JupyterLab's own vega-lite mimetype

    lab_output = nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                     "data": lab_display.chart_mimebundle(chart.to_dict())})
    assert report.chart_from_output(lab_output)[0]["encoding"] == spec["encoding"]

    snippet = report.chart_html(spec, mode, options, 1)
    assert "</script><script>alert" not in snippet
    assert "http" not in snippet
    # the spec element has no id: the chart script finds it by position, so no element elsewhere
    # on the page (an id from an article) can stand in for it
    payload = re.search(r'<script type="application/json" class="nb-chart-spec">(.*?)</script>', snippet, re.S)
    assert json.loads(payload.group(1))["spec"]["datasets"] == spec["datasets"]
    script = snippet.split('<script type="text/javascript">', 1)[1]
    assert script.lstrip().startswith("(function () {") and "})();" in script  # no globals declared


def _synthetic_notebook():
    import altair as alt

    frame = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    charts = [alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q", tooltip=["x", "y"]),
              alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q")]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nSome *markdown* <script>alert(1)</script>")]
    for chart in charts:
        data = alt.renderers.get()(chart.to_dict())
        cell = nbformat.v4.new_code_cell("chart")
        cell.outputs = [nbformat.v4.new_output("execute_result", data=data[0] if isinstance(data, tuple) else data,
                                               execution_count=1)]
        nb.cells.append(cell)
    table = nbformat.v4.new_code_cell("frame")
    table.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": frame.assign(t=["<b>x</b>", "y", "z"])._repr_html_(), "text/plain": "frame"},
        execution_count=2)]
    evil = nbformat.v4.new_code_cell("evil")
    evil.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": '<img src=x onerror="alert(1)"><p>kept</p>'}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(2)"}),
        nbformat.v4.new_output("stream", name="stderr", text="a warning"),
        nbformat.v4.new_output("stream", name="stdout", text="printed <b>text</b>"),
    ]
    nb.cells += [table, evil]
    return nb


def test_render_html_is_self_contained_with_one_bundle():
    page, charts = report.render_html(_synthetic_notebook(), "synthetic")
    assert charts == 2
    assert network_references(page) == []
    assert page.count("window.vegaEmbed=") == 1  # the bundle, once
    assert page.count('class="nb-chart"') == 2
    assert "require.js" not in page and "MathJax" not in page and "cdn." not in page
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    assert "alert(1)" not in page and "alert(2)" not in page and "onerror" not in markup
    assert "<p>kept</p>" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page  # pandas escaped the cell; it stays escaped
    assert "printed &lt;b&gt;text&lt;/b&gt;" in page
    assert "a warning" not in page  # stderr is left to the executed notebook
    assert "<em>markdown</em>" in page


def test_render_html_without_charts_has_no_bundle():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("just text")])
    page, charts = report.render_html(nb, "plain")
    assert charts == 0 and "vegaEmbed" not in page and network_references(page) == []


# --- annotated article view ------------------------------------------------------------------


class _Balance(HTMLParser):
    VOID = {"br", "img", "hr", "meta", "input", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(tag)
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.handlers = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [(tag, name) for name, _ in attrs if name.lower().startswith("on")]


def _visible_text(fragment: str) -> str:
    without_labels = re.sub(r'<sup[^>]*class="nb-quote-label">.*?</sup>', "", fragment)
    parser = _Balance()
    parser.feed(without_labels)
    assert parser.errors == [] and parser.stack == [], "markup must nest"
    return "".join(parser.text)


def test_annotate_text_nests_overlapping_spans_and_escapes():
    text = 'Jane Doe said "<script>x()</script> 120 staff <img src=x onerror=y()> left" on Friday.'
    q0 = text.index("<script>")
    q1 = text.index(' left"') + len(" left")
    mentions = [{"article_id": "a", "actor": "Jane Doe", "kind": "person", "start": 0, "end": 8, "how": "name"},
                # overlaps the quote's start and the figure
                {"article_id": "a", "actor": "Staff", "kind": "organization", "start": text.index("120"),
                 "end": text.index("staff") + 5, "how": "name"},
                {"article_id": "a", "actor": "Bad", "kind": "person", "start": 500, "end": 510}]  # out of range
    quotes = [{"article_id": "a", "quote_id": "a:q1", "speaker": "Jane Doe", "speaker_start": 0, "speaker_end": 8,
               "quote": text[q0:q1], "kind": "direct", "cue": "say", "start": q0, "end": q1}]
    figures = [{"article_id": "a", "figure_id": "a:f1", "value": 120.0, "kind": "count", "qualifier": "",
                "noun_phrase": "staff", "start": text.index("120"), "end": text.index("120") + 3}]
    colours = nbhtml.speaker_colours(pd.DataFrame(quotes))
    out = nbhtml.annotate_text(text, mentions, quotes, figures, colours)
    assert "<script>" not in out and "<img" not in out and "onerror=y()>" not in out
    assert "&lt;script&gt;" in out
    assert _visible_text(out) == text  # every character, once, in order
    assert out.count('class="nb-quote"') >= 1 and out.count('class="nb-figure"') == 1
    assert colours["Jane Doe"][0] in out
    assert 'title="quote q1: Jane Doe (direct, say)' in out


def test_annotated_articles_view_lists_only_requested_articles(seed_annotations):
    view = nbhtml.annotated_articles(seed_annotations, [SEED_IDS[0]])
    assert f'data-article-id="{SEED_IDS[0]}"' in view and SEED_IDS[1] not in view
    assert view._repr_html_() == str(view)
    assert "Quotes by speaker" in view and "Actor mentions" in view and "Figures" in view
    full = nbhtml.annotated_articles(seed_annotations, limit=1)
    assert "Showing the first 1 of 2 articles" in full and "<code>articles</code> parameter" in full


# --- running notebooks -----------------------------------------------------------------------


def test_every_notebook_runs_on_the_seeds(seed_outputs):
    from newsbook import __version__
    from newsbook.corpus import load_corpus
    from newsbook.pipeline import corpus_hash

    names = [p.stem for p in NOTEBOOKS.glob("*.ipynb")]
    assert "overview" in names
    index = json.loads((seed_outputs / "reports" / "index.json").read_text())["reports"]
    index_html = (seed_outputs / "reports" / "index.html").read_text()
    expected_hash = corpus_hash(load_corpus(SEEDS))
    for name in names:
        page = (seed_outputs / "reports" / f"{name}.html").read_text()
        assert (seed_outputs / "notebooks" / f"{name}.ipynb").exists()
        assert network_references(page) == [], name
        assert "<script src" not in page and "<link" not in page
        entry = index[name]
        assert entry["newsbook_version"] == __version__
        assert entry["corpus"]["articles"] == list(SEED_IDS)
        assert entry["corpus"]["content_hash"] == expected_hash
        assert entry["parameters"]["corpus"] == "seeds"
        assert f'href="{name}.html"' in index_html
    assert expected_hash in index_html and SEED_IDS[0] in index_html and __version__ in index_html
    overview = (seed_outputs / "reports" / "overview.html").read_text()
    for name in names:
        if name != "overview":
            assert f'href="{name}.html"' in overview
    assert index["overview"]["charts"] >= 3
    assert all(f'data-article-id="{aid}"' in overview for aid in SEED_IDS)
    executed = nbformat.read(str(seed_outputs / "notebooks" / "overview.ipynb"), as_version=4)
    assert executed.metadata.papermill.parameters == {}


def test_notebooks_have_one_parameters_cell_with_corpus():
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert "corpus" in report.notebook_parameters(path), path.name
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{path.name} has outputs"


def test_one_article_corpus_shows_only_that_article(tmp_path, seed_annotations):
    from newsbook import cli

    corpus = tmp_path / "one"
    corpus.mkdir()
    shutil.copy(SEEDS / f"{SEED_IDS[0]}.txt", corpus)
    out = tmp_path / "out"
    assert cli.main(["report", "overview", "-p", "corpus", str(corpus), "--out", str(out), "--quiet"]) == 0
    page = (out / "reports" / "overview.html").read_text()
    assert f'data-article-id="{SEED_IDS[0]}"' in page
    assert SEED_IDS[1] not in page
    # only that article's quotes (one label per quote) and speakers (legend) are shown
    quotes = seed_annotations.quotes
    own = quotes[quotes.article_id == SEED_IDS[0]]
    assert page.count('class="nb-quote-label"') == len(own)
    legend = page[page.index('class="nb-legend"'):page.index('class="nb-article"')]
    only_other = set(quotes[quotes.article_id == SEED_IDS[1]].speaker) - set(own.speaker) - {""}
    for speaker in only_other:
        assert not re.search(rf">{re.escape(html_lib.escape(speaker))} \(\d+\)</span>", legend), speaker
    mentions = seed_annotations.mentions
    if len(mentions[mentions.article_id == SEED_IDS[0]]):
        assert 'class="nb-mention' in page
    index = json.loads((out / "reports" / "index.json").read_text())["reports"]["overview"]
    assert index["corpus"]["articles"] == [SEED_IDS[0]]
    assert index["overrides"]["corpus"] == str(corpus)


def test_unknown_parameter_is_an_error_listing_the_parameters(tmp_path, capsys):
    from newsbook import cli

    with pytest.raises(ParameterError) as err:
        report.run_reports(["overview"], parameters={"bogus": "1"}, out_dir=tmp_path, quiet=True)
    message = str(err.value)
    assert "bogus" in message and "corpus" in message and "max_articles" in message
    assert not (tmp_path / "notebooks").exists()  # nothing ran
    assert cli.main(["report", "overview", "-p", "nope", "1", "--out", str(tmp_path), "--quiet"]) != 0
    assert "nope" in capsys.readouterr().err


def _write_notebook(path: Path, parameters: str, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "newsbook", "display_name": "Python (newsbook)", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"),
                nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


def test_parameter_values_arrive_typed(tmp_path):
    path = _write_notebook(
        tmp_path / "typed.ipynb", 'n = 0\nflag = False\nitems = []\nname = "x"\nnothing = None',
        "assert n == 3 and isinstance(n, int), n\n"
        "assert flag is True\nassert items == [1, 2]\nassert name == 'hello'\nassert nothing is None\n"
        "print('typed', n, flag, items, name)")
    written = report.run_reports([str(path)], parameters={"n": "3", "flag": "True", "items": "[1, 2]",
                                                          "name": "hello", "nothing": "None"},
                                 out_dir=tmp_path / "out", quiet=True)
    assert written == [tmp_path / "out" / "reports" / "typed.html"]
    assert "typed 3 True [1, 2] hello" in written[0].read_text()


def test_failing_notebook_names_the_cell_and_keeps_previous_html(tmp_path, capsys):
    from newsbook import cli

    path = _write_notebook(tmp_path / "broken.ipynb", "fail = False",
                           "x = 41",
                           "if fail:\n    raise ValueError('boom')",
                           "print('value', x + 1)")
    out = tmp_path / "out"
    report.run_reports([str(path)], out_dir=out, quiet=True)
    good_html = (out / "reports" / "broken.html").read_bytes()
    good_nb = (out / "notebooks" / "broken.ipynb").read_bytes()
    assert b"value 42" in good_html

    with pytest.raises(NotebookFailed) as err:
        report.run_reports([str(path)], parameters={"fail": "True"}, out_dir=out, quiet=True)
    failure = err.value
    assert failure.notebook == "broken"
    assert failure.cell.startswith("4 "), failure.cell  # markdown, parameters, x = 41, the raise
    assert "ValueError: boom" in str(failure) and "broken" in str(failure)
    assert (out / "reports" / "broken.html").read_bytes() == good_html
    assert (out / "notebooks" / "broken.ipynb").read_bytes() == good_nb
    failed = out / "notebooks" / "broken.failed.ipynb"
    assert failed.exists() and "boom" in failed.read_text()
    assert not list((out / "notebooks").glob(".*running*"))
    index_html = (out / "reports" / "index.html").read_text()
    assert "last run failed" in index_html and "boom" in index_html

    assert cli.main(["report", str(path), "-p", "fail", "True", "--out", str(out), "--quiet"]) != 0
    stderr = capsys.readouterr().err
    assert "broken" in stderr and "cell 4" in stderr

    report.run_reports([str(path)], out_dir=out, quiet=True)  # fixed again: the failed copy goes
    assert not failed.exists()


def test_article_markup_is_escaped_in_the_report(xss_outputs):
    page = (xss_outputs / "reports" / "overview.html").read_text()
    assert "window.nbxss" in page  # the payload text is shown ...
    assert "<script>window.nbxss" not in page  # ... but never as markup
    elements = _Elements()
    elements.feed(page)
    assert elements.handlers == []  # no element has an event handler
    assert "img" not in elements.tags and "b" not in elements.tags
    # the only scripts: the vega bundle, per chart its inert JSON and a script that embeds it, and
    # on a page with tables the table library (inert base64 text) and its start script
    charts = page.count('class="nb-chart"')
    tables = 2 if 'id="nb-datatables-src"' in page else 0
    assert elements.tags.count("script") == 1 + 2 * charts + tables
    assert "<img src=x" not in page and "<b onmouseover" not in page
    assert 'href="javascript:' not in page
    assert network_references(page) == []


def test_missing_corpus_is_an_error_before_anything_runs(tmp_path):
    from newsbook.errors import CorpusError

    with pytest.raises(CorpusError, match="corpus not found"):
        report.run_reports(["overview"], corpus=str(tmp_path / "nowhere"), out_dir=tmp_path, quiet=True)
    assert not (tmp_path / "notebooks").exists()


def test_links_point_to_the_other_reports():
    links = report.links()
    others = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem != "overview")
    assert links._repr_html_() == str(links)
    for name in others:
        assert f'href="{name}.html"' in links
    assert 'href="overview.html"' not in links and 'href="index.html"' in links


# --- large corpora: capped tables, reused quote matches ----------------------------------------


def test_table_above_the_cap_says_so_and_writes_the_complete_csv(tmp_path, monkeypatch):
    monkeypatch.setenv(report.TABLES_ENV, str(tmp_path / "staging"))
    monkeypatch.setenv(report.REPORT_NAME_ENV, "demo")
    frame = pd.DataFrame({"n": range(450), "text": [f"<script>x{i}</script> & <b>bold</b>" for i in range(450)]})
    shown = report.table(frame, "big table", max_rows=100, sort_by="n", what="quotes")
    page = shown._repr_html_()
    assert "Showing the 100 largest (by n) of 450 quotes." in page
    assert 'href="tables/demo/big-table.csv"' in page
    assert "<script>" not in page and "<b>" not in page and "&lt;script&gt;x449" in page
    assert page.count("<tr") == 101  # header + 100 rows, the largest n first
    assert page.index("x449") < page.index("x350") and "x349<" not in page
    written = pd.read_csv(tmp_path / "staging" / "big-table.csv")
    pd.testing.assert_frame_equal(written, frame)  # complete, in the table's own order
    assert len(shown) == 450 and "full table" in repr(shown)

    long = report.table(pd.DataFrame({"sources": ["; ".join(f"source {i}" for i in range(500)), "short"]}),
                        "long cells", max_chars=50)
    assert "Showing all 2 rows. 1 cell longer than 50 characters is cut short" in long._repr_html_()
    assert "source 499" not in long._repr_html_() and " …" in long._repr_html_()
    assert "source 499" in (tmp_path / "staging" / "long-cells.csv").read_text()

    small = report.table(frame.head(20), "small", max_rows=100)
    assert "Showing" not in small._repr_html_() and small._repr_html_().count("<tr") == 21
    assert len(pd.read_csv(tmp_path / "staging" / "small.csv")) == 20  # every table downloadable whole


def test_styled_capped_table_stays_escaped(tmp_path, monkeypatch):
    from newsbook import figures

    monkeypatch.setenv(report.TABLES_ENV, str(tmp_path))
    frame = pd.DataFrame({"status": ["conflict", "agreed", "single"] * 100, "value": [1.5] * 300,
                          "note": ['<img src=x onerror="alert(1)">'] * 300})
    page = report.table(frame, "styled", max_rows=30, order="as given", style=figures.style_agreement)._repr_html_()
    assert "Showing the first 30 (as given) of 300 rows." in page
    assert "<img" not in page and "&lt;img" in page


def test_capped_table_is_published_with_the_report(tmp_path):
    path = _write_notebook(
        tmp_path / "big.ipynb", 'corpus = "seeds"\nrows = 300',
        "import pandas as pd\nfrom newsbook import report\n"
        "frame = pd.DataFrame({'n': range(rows), 'text': ['<script>window.nbxss = 9</script>'] * rows})",
        "report.table(frame, 'numbers', max_rows=50, sort_by='n')")
    out = tmp_path / "out"
    report.run_reports([str(path)], out_dir=out, quiet=True, jobs=1)
    page = (out / "reports" / "big.html").read_text()
    csv = out / "reports" / "tables" / "big" / "numbers.csv"
    assert "Showing the 50 largest (by n) of 300 rows." in page and 'href="tables/big/numbers.csv"' in page
    assert "<script>window.nbxss" not in page
    assert len(pd.read_csv(csv)) == 300
    assert not list((out / "reports").glob(".tables-*"))  # the staging folder is gone
    # A smaller table next time: no cap, and the CSV is the new, complete table.
    report.run_reports([str(path)], parameters={"rows": "10"}, out_dir=out, quiet=True, jobs=1)
    assert len(pd.read_csv(csv)) == 10 and "Showing" not in (out / "reports" / "big.html").read_text()


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    cols = ["article_id_a", "quote_id_a", "article_id_b", "quote_id_b", "speaker", "similarity"]
    return frame[cols].sort_values(cols).reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1])
def test_reused_quote_matches_equal_recomputing(seed):
    import types

    from newsbook import compare
    from tests.test_compare_scale import synthetic_quotes

    quotes = synthetic_quotes(60, seed=seed)
    built = compare.match_quotes(quotes)  # what the pipeline stores, at the default threshold
    ann = types.SimpleNamespace(quotes=quotes, quote_matches=built)
    assert len(built) > 20
    thresholds = [0.5, 0.5001, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1.0]
    thresholds += sorted(set(round(float(s), 4) for s in built["similarity"].head(8)))  # on a stored score
    for t in thresholds + [0.45]:  # 0.45 is below the stored threshold: recomputed
        pd.testing.assert_frame_equal(_canonical(report.quote_matches(ann, t)),
                                      _canonical(compare.match_quotes(quotes, min_similarity=t)), obj=str(t))
    assert report.quote_matches(ann, 0.99)["similarity"].min() >= 0.99


def test_reused_quote_matches_on_the_seeds(seed_annotations):
    from newsbook import compare

    for t in (0.5, 0.6, 0.8):
        pd.testing.assert_frame_equal(_canonical(report.quote_matches(seed_annotations, t)),
                                      _canonical(compare.match_quotes(seed_annotations.quotes, min_similarity=t)))


def test_agreement_table_with_many_outlets_has_one_statement_column(seed_annotations):
    from newsbook import figures

    ann = seed_annotations
    wide = figures.agreement_table(ann.figure_matches, ann.figures, ann.articles, kinds="all")
    compact = figures.agreement_table(ann.figure_matches, ann.figures, ann.articles, kinds="all",
                                      max_outlet_columns=1)
    assert len(wide) == len(compact) == len(ann.figure_matches)
    assert "stated as" in compact.columns and "stated as" not in wide.columns
    assert set(ann.articles["outlet"]) <= set(wide.columns)  # one column per outlet
    assert list(compact["outlet_status"]) == list(wide["outlet_status"])  # both: conflicts first
    rank = compact["outlet_status"].map(figures.OUTLET_STATUS_ORDER)
    assert rank.is_monotonic_increasing


def test_saved_annotations_are_loaded_without_annotating(tmp_path, seed_annotations):
    folder = seed_annotations.save(tmp_path / "tables")
    loaded = report.load_annotations("no-such-corpus", str(folder))
    pd.testing.assert_frame_equal(loaded.quotes, seed_annotations.quotes, check_dtype=False)
    info = report._corpus_info("seeds", {}, str(folder))
    assert info["articles"] == list(SEED_IDS)
    from newsbook.pipeline import corpus_hash

    assert info["content_hash"] == corpus_hash(seed_annotations.articles) == report._corpus_hash(
        seed_annotations.articles)
    from newsbook.errors import CorpusError

    with pytest.raises(CorpusError, match="no saved annotations"):
        report.load_annotations("seeds", str(tmp_path))


def test_parallel_run_reports_each_failure_and_writes_the_rest(tmp_path):
    good = _write_notebook(tmp_path / "good.ipynb", "n = 1", "print('good', n + 1)")
    bad = _write_notebook(tmp_path / "bad.ipynb", "n = 1", "x = 2", "raise ValueError('parallel boom')")
    out = tmp_path / "out"
    with pytest.raises(NotebookFailed) as err:
        report.run_reports([str(bad), str(good)], out_dir=out, quiet=True, jobs=2)
    assert err.value.notebook == "bad" and err.value.cell.startswith("4 ") and "parallel boom" in str(err.value)
    assert "good 2" in (out / "reports" / "good.html").read_text()
    assert not (out / "reports" / "bad.html").exists() and (out / "notebooks" / "bad.failed.ipynb").exists()
    index = json.loads((out / "reports" / "index.json").read_text())["reports"]
    assert "parallel boom" in index["bad"]["last_failure"]["detail"] and index["good"]["html"] == "good.html"
    assert not list((out / "reports").glob(".tables-*")) and not list((out / "notebooks").glob(".*running*"))

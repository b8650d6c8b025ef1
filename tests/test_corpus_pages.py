"""Saved web pages keep their shape, numeric dates that read two ways are said so, and the
annotated view's highlights are reachable by keyboard."""

from __future__ import annotations

from pathlib import Path

from newsbook import corpus, html as nbhtml

PAGE = """<!DOCTYPE html><html><head><title>{title} | The Harbour Gazette</title>
<meta property="og:site_name" content="The Harbour Gazette"><meta name="author" content="Tom Reyes">
<meta property="article:published_time" content="2021-03-09T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>{standfirst}</p><p>By Tom Reyes</p><p>Published 9 March 2021</p>
{body}</article><footer>Copyright 2021 The Harbour Gazette</footer></body></html>"""
PARAGRAPHS = [
    "Dock workers at the northern terminal walked out on Tuesday after talks over pay collapsed, union leaders said.",
    "\u201cWe have been patient for two years,\u201d said Grace Ndlovu, the union\u2019s regional secretary. \u201cThat patience has run out.\u201d",
    "The port authority said 14 ships were waiting to unload and that it expected the backlog to grow.",
]


def _page(tmp_path: Path, title="Dock strike halts port", standfirst="Ships queue as talks collapse.") -> Path:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    (tmp_path / "strike.html").write_text(PAGE.format(title=title, standfirst=standfirst, body=body), encoding="utf-8")
    return tmp_path


def test_html_page_keeps_paragraphs_and_its_header_apart(tmp_path):
    article = corpus.read_corpus(_page(tmp_path)).articles.iloc[0]
    paragraphs = article.text.split("\n\n")
    assert paragraphs[-3:] == PARAGRAPHS
    assert paragraphs[0] == "Ships queue as talks collapse."  # the standfirst, a paragraph of its own
    assert "Dock strike halts port" not in article.text and "Published" not in article.text
    assert "By Tom Reyes" not in article.text
    assert (article.title, article.byline, article.date, article.outlet) == (
        "Dock strike halts port", "Tom Reyes", "2021-03-09", "The Harbour Gazette")


def test_html_body_leaves_a_story_that_starts_like_a_header_alone():
    meta = {"title": "Budget passes"}
    text = "Budget passes\nThe assembly passed the budget on Friday by 61 votes to 40.\nBy then most members had left."
    assert corpus.html_body(text, meta) == ("The assembly passed the budget on Friday by 61 votes to 40.\n\n"
                                            "By then most members had left.")


def _dated(tmp_path: Path, date: str, settings: str | None = None) -> corpus.CorpusRead:
    (tmp_path / "a.txt").write_text(f"---\ntitle: Council vote\noutlet: X\ndate: {date}\n---\n"
                                    "The council voted on Monday to close the library.\n", encoding="utf-8")
    if settings is not None:
        (tmp_path / "corpus.yaml").write_text(settings, encoding="utf-8")
    return corpus.read_corpus(tmp_path)


def test_a_date_that_reads_two_ways_is_read_month_first_with_a_warning(tmp_path):
    read = _dated(tmp_path, "12/06/2016")
    assert read.articles.date.tolist() == ["2016-12-06"]
    [warning] = read.errors.to_dict("records")
    assert warning["stage"] == "date" and "2016-06-12" in warning["reason"] and "corpus.yaml" in warning["reason"]


def test_the_day_month_order_is_set_per_corpus(tmp_path):
    read = _dated(tmp_path, "12/06/2016", "date_order: day-first\n")
    assert read.articles.date.tolist() == ["2016-06-12"]
    assert read.errors.stage.tolist() == ["date"]


def test_unambiguous_dates_read_without_a_word(tmp_path):
    for date, iso in [("25/06/2016", "2016-06-25"), ("06/25/2016", "2016-06-25"), ("2016-06-12", "2016-06-12"),
                      ("12 June 2016", "2016-06-12"), ("7/7/2016", "2016-07-07")]:
        read = _dated(tmp_path, date)
        assert read.articles.date.tolist() == [iso], date
        assert read.errors.empty, (date, read.errors.to_dict("records"))


def test_a_bad_corpus_setting_is_named_and_the_default_used(tmp_path):
    read = _dated(tmp_path, "12/06/2016", "date_order: sideways\n")
    assert read.articles.date.tolist() == ["2016-12-06"]
    assert any("date_order must be one of" in r for r in read.errors.reason)


def test_highlights_are_focusable_with_the_extraction_as_their_label():
    text = "Mayor Ana Ruiz said 3,000 people left."
    mentions = [{"start": 6, "end": 14, "kind": "person", "actor": "Ana Ruiz"}]
    figures = [{"figure_id": "a:f1", "start": 20, "end": 25, "kind": "count", "value": 3000.0, "noun": "people"}]
    out = nbhtml.annotate_text(text, mentions, [], figures)
    assert out.count('tabindex="0"') == 2
    assert 'aria-label="' in out and "Ana Ruiz" in out

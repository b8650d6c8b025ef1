"""Corpus loading: every input format, the seeds' headers, cleanup, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbook import corpus
from newsbook.corpus import read_corpus

from .conftest import SEEDS


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- the seeds ---------------------------------------------------------------------------------


def test_first_seed_header():
    articles = read_corpus(SEEDS).articles.set_index("article_id")
    first = articles.loc["000_fda179f46792bc79"]
    assert first.title == "Putin confirms expulsion of US diplomats from Russia"
    assert first.byline == "Nick Beams"
    assert first.date == "2017-07-31"
    assert first.outlet == "World Socialist Web Site"  # from seeds/metadata.csv
    assert first.text.startswith("In a major escalation")


def test_second_seed_header():
    articles = read_corpus(SEEDS).articles.set_index("article_id")
    second = articles.loc["001_b5577f8a9bb7cc0d"]
    assert second.title == "755 US diplomats ousted"
    assert second.byline == ""
    assert second.date == ""
    assert second.outlet == ""
    assert second.text.startswith("Russian President, Vladimir Putin has announced")


def test_seed_cleanup_joins_page_breaks_and_drops_footer():
    text = read_corpus(SEEDS).articles.set_index("article_id").loc["000_fda179f46792bc79"].text
    assert "harm US-Russian relations and impact" in text
    assert "Angela Merkel’s government in Berlin" in text
    assert "and Syria to the south.”" in text
    assert "contact" not in text.lower().split("\n\n")[-1]
    assert "wsws.org" not in text
    assert "*" not in text and "](" not in text
    assert "As the World Socialist Web Site noted" in text  # emphasis markup gone, words kept


# --- formats ------------------------------------------------------------------------------------


def test_front_matter(tmp_path):
    write(tmp_path, "story.md", "---\ntitle: Senate passes bill\noutlet: Daily Wire Service\n"
          "byline: [Ann Lee, Bo Chen]\ndate: 3 March 2021\nurl: https://example.org/a\nsection: politics\n---\n\n"
          "The Senate passed the **bill** by a [wide margin](https://example.org).\n")
    row = read_corpus(tmp_path).articles.iloc[0]
    assert (row.article_id, row.title, row.outlet, row.date) == ("story", "Senate passes bill", "Daily Wire Service", "2021-03-03")
    assert row.byline == "Ann Lee, Bo Chen"
    assert row.url == "https://example.org/a"
    assert json.loads(row.extra) == {"section": "politics"}
    assert row.text == "The Senate passed the bill by a wide margin."


def test_plain_header_with_by_and_iso_date(tmp_path):
    write(tmp_path, "a.txt", "Floods hit the coast\nBy Maria Gomez\n2020-11-02\n\nHeavy rain fell on Tuesday.\n")
    row = read_corpus(tmp_path).articles.iloc[0]
    assert (row.title, row.byline, row.date) == ("Floods hit the coast", "Maria Gomez", "2020-11-02")
    assert row.text == "Heavy rain fell on Tuesday."


def test_plain_header_without_byline_keeps_first_paragraph(tmp_path):
    write(tmp_path, "a.txt", "Floods hit the coast\n\nOfficials said on Tuesday that 12 people died.\n")
    row = read_corpus(tmp_path).articles.iloc[0]
    assert row.byline == "" and row.text == "Officials said on Tuesday that 12 people died."


def test_html_page(tmp_path):
    body = " ".join(["The council voted on Monday to approve the new budget for the city."] * 6)
    write(tmp_path, "page.html", f"""<!doctype html><html><head><title>Council approves budget</title>
<meta property="og:site_name" content="City Gazette"><meta name="author" content="Jo Park">
<meta property="article:published_time" content="2022-05-09"></head><body>
<nav>Home | News | Sport</nav><article><h1>Council approves budget</h1><p>{body}</p>
<p>The mayor said the plan was "fair to every district".</p></article><footer>Copyright City Gazette</footer></body></html>""")
    row = read_corpus(tmp_path).articles.iloc[0]
    assert row.article_id == "page"
    assert row.title == "Council approves budget"
    assert row.outlet == "City Gazette"
    assert row.date == "2022-05-09"
    assert "approve the new budget" in row.text
    assert "Home | News" not in row.text


def test_jsonl_records(tmp_path):
    lines = [
        {"id": "r1", "title": "One", "text": "First story text.", "source": "Wire A", "date": "July 4, 2019"},
        {"title": "Two", "body": "Second story text.", "author": "Kim Ode"},
    ]
    write(tmp_path, "batch.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    articles = read_corpus(tmp_path).articles.set_index("article_id")
    assert list(articles.index) == ["r1", "batch-2"]
    assert articles.loc["r1"].outlet == "Wire A" and articles.loc["r1"].date == "2019-07-04"
    assert articles.loc["batch-2"].byline == "Kim Ode"


def test_csv_records(tmp_path):
    write(tmp_path, "batch.csv", "article_id,title,outlet,text\nx1,Alpha,Paper,\"Alpha text, with a comma.\"\nx2,Beta,Paper,Beta text.\n")
    articles = read_corpus(tmp_path).articles
    assert articles["article_id"].tolist() == ["x1", "x2"]
    assert articles.iloc[0].text == "Alpha text, with a comma."


def test_metadata_csv_overrides(tmp_path):
    write(tmp_path, "a.txt", "Title A\n\nSome text here.\n")
    write(tmp_path, "metadata.csv", "article_id,outlet,date\na,The Herald,05/06/2018\n")
    row = read_corpus(tmp_path).articles.iloc[0]
    assert row.outlet == "The Herald" and row.date == "2018-05-06"


def test_single_file_corpus(tmp_path):
    path = write(tmp_path, "only.txt", "Headline\n\nBody text.\n")
    assert read_corpus(path).articles["article_id"].tolist() == ["only"]


def test_offsets_point_into_cleaned_text(tmp_path):
    write(tmp_path, "a.md", "Title\n\nA *bold* claim was made in\n\nthe capital on Friday.\n\nFollow us on social media!\n")
    text = read_corpus(tmp_path).articles.iloc[0].text
    assert text == "A bold claim was made in the capital on Friday."


# --- bad input ------------------------------------------------------------------------------------


@pytest.fixture
def messy_corpus(tmp_path):
    write(tmp_path, "good.txt", "Good story\n\nThe minister resigned on Monday.\n")
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    write(tmp_path, "latin1.txt", "Caf\xe9 story\n\nThe caf\xe9 closed.\n".encode("latin-1"))
    write(tmp_path, "broken.md", "---\ntitle: [unclosed\n---\nText.\n")
    write(tmp_path, "unclosed.md", "---\ntitle: fine\nText without a closing line.\n")
    sub = tmp_path / "copy"
    sub.mkdir()
    write(sub, "good.txt", "Good story again\n\nA duplicate id from another folder.\n")
    return tmp_path


def test_bad_files_are_reported_by_name_and_the_rest_is_read(messy_corpus):
    read = read_corpus(messy_corpus)
    assert read.articles["article_id"].tolist() == ["good"]
    reasons = {Path(p).name: r for p, r in zip(read.errors["path"], read.errors["reason"])}
    assert reasons["empty.txt"] == "file is empty"
    assert "binary" in reasons["binary.txt"]
    assert "not valid UTF-8" in reasons["latin1.txt"] and "0xe9" in reasons["latin1.txt"]
    assert "front matter is not valid YAML" in reasons["broken.md"]
    assert "no closing" in reasons["unclosed.md"]
    assert "duplicate article_id 'good'" in reasons["good.txt"]
    assert set(read.errors["stage"]) == {"load"}


def test_unreadable_file(tmp_path, monkeypatch):
    write(tmp_path, "a.txt", "Title\n\nText.\n")
    locked = write(tmp_path, "locked.txt", "Title\n\nText.\n")
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["a"]
    assert read.errors.iloc[0]["reason"] == "cannot read file: Permission denied"


def test_bad_jsonl_line_keeps_the_other_records(tmp_path):
    write(tmp_path, "b.jsonl", '{"id": "ok", "text": "Fine."}\n{not json}\n[1, 2]\n')
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["ok"]
    assert [r.split(":")[0] for r in read.errors["reason"]] == ["line 2 is not valid JSON", "line 3 is not a JSON object"]


def test_bad_date_is_reported(tmp_path):
    write(tmp_path, "a.md", "---\ntitle: T\ndate: not a date at all\n---\nText.\n")
    read = read_corpus(tmp_path)
    assert read.articles.empty and "is not a date" in read.errors.iloc[0]["reason"]


def test_missing_corpus_raises(tmp_path):
    from newsbook.errors import CorpusError

    with pytest.raises(CorpusError, match="corpus not found"):
        read_corpus(tmp_path / "nope")


def test_load_corpus_keeps_errors_in_attrs(messy_corpus):
    frame = corpus.load_corpus(messy_corpus)
    assert len(frame) == 1 and len(frame.attrs["errors"]) == 6


def test_explicit_empty_title_keeps_the_body(tmp_path):
    write(tmp_path, "a.md", "---\ntitle: ''\noutlet: Wire\n---\nThe first paragraph is body text.\n")
    row = read_corpus(tmp_path).articles.iloc[0]
    assert row.title == "" and row.text == "The first paragraph is body text."

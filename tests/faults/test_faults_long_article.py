"""Fault suite, saving: one pathological article (a run-on paragraph with thousands of quotation
marks, each opening a "quote" with a place and a number in it) cannot multiply into gigabytes. Each
sentence is stored once, every table keeps at most the per-article limit of its rows, and the limit
shows in `errors`."""

from __future__ import annotations

import os

import pandas as pd

from newsbook import cli, pipeline

MARKS = 2_500  # above the default limit of rows per article; a few seconds to parse


def run_on_paragraph(marks: int) -> str:
    parts = ["The mayor of Paris said"] + [f'"{n + 3} people in Paris' for n in range(marks)]
    return " ".join(parts) + '".'


def folder_bytes(folder) -> int:
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(folder) for name in names)


def test_a_run_on_article_stays_small_on_disk_and_the_limit_is_reported(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraph = run_on_paragraph(MARKS)
    (corpus / "run-on.txt").write_text("A run-on page\n\n" + paragraph + "\n", encoding="utf-8")
    (corpus / "normal.txt").write_text(
        "Bridge reopens\n\nThe mayor of Lyon, Jean Dupont, said 40 people were hurt. "
        '"We are working hard," he told reporters.\n', encoding="utf-8")
    monkeypatch.setattr(cli, "CACHE_DIR", tmp_path / "cache")
    out = tmp_path / "tables"
    assert cli.main(["annotate", str(corpus), "--out", str(out), "--quiet"]) == 0
    assert "limit: " in capsys.readouterr().err

    limit = pipeline.MAX_ROWS_PER_ARTICLE
    ann = pipeline.Annotations.load(out)
    errors = ann.errors[ann.errors["stage"] == "limit"]
    assert set(errors["article_id"]) == {"run-on"}
    assert {reason.split()[1] for reason in errors["reason"]} == {"mentions", "quotes", "figures"}
    assert all(f"only the first {limit:,} kept" in reason for reason in errors["reason"])
    for name in ("mentions", "quotes", "figures"):
        frame = getattr(ann, name)
        assert (frame["article_id"] == "run-on").sum() == limit, name
        assert (frame["article_id"] == "normal").sum() >= 1, name  # the other article is whole
    # Each sentence is stored once: the 50 KB paragraph is in `sentences` (and the article text)
    # once, not on each of the 7,500 rows that sit in it (that made 3 x 2,500 x 54 KB = 400 MB of CSV).
    sentences = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    assert (sentences["article_id"] == "run-on").sum() == 1
    assert len(paragraph) > 50_000
    assert folder_bytes(out / "current") < 4_000_000
    # and the rows still carry their sentence in memory, as the notebooks use it
    quotes = ann.quotes[ann.quotes["article_id"] == "run-on"]
    assert quotes["sentence"].str.len().min() > 50_000

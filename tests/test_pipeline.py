"""The annotation pipeline: tables and columns, offsets, cache, bad articles, atomic outputs, CLI."""

from __future__ import annotations

import pandas as pd
import pytest

import newsbook
from newsbook import cli, extraction, files, pipeline, schema
from newsbook.config import PROJECT_ROOT

from .conftest import SEED_IDS, SEEDS

SPAN_COLUMN = {"mentions": "text", "quotes": "quote", "figures": "text"}


def test_every_table_has_its_schema_columns(seed_annotations):
    for name, frame in seed_annotations.tables().items():
        assert list(frame.columns) == schema.TABLES[name].column_names, name
    assert seed_annotations.articles["article_id"].tolist() == list(SEED_IDS)


@pytest.mark.parametrize("table", sorted(SPAN_COLUMN))
def test_offsets_point_at_the_span_and_its_sentence(seed_annotations, table):
    texts = seed_annotations.articles.set_index("article_id")["text"]
    frame = getattr(seed_annotations, table)
    for row in frame.to_dict("records"):
        text = texts[row["article_id"]]
        assert text[row["start"]:row["end"]] == row[SPAN_COLUMN[table]], row
        assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"], row
        assert row["sentence_start"] <= row["start"] < row["sentence_end"] + 1


def test_quote_speaker_offsets(seed_annotations):
    texts = seed_annotations.articles.set_index("article_id")["text"]
    for row in seed_annotations.quotes.to_dict("records"):
        if row["speaker_start"] >= 0:
            assert texts[row["article_id"]][row["speaker_start"]:row["speaker_end"]] == row["speaker_text"]


def test_second_run_hits_the_cache(tmp_path):
    first = newsbook.annotate(SEEDS, cache_dir=tmp_path, progress=False)
    second = newsbook.annotate(SEEDS, cache_dir=tmp_path, progress=False)
    assert (first.cache_hits, first.cache_misses) == (0, 2)
    assert (second.cache_hits, second.cache_misses) == (2, 0)
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), check_dtype=False)


def test_changed_article_is_parsed_again(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEEDS.glob("*.txt"):
        (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    newsbook.annotate(corpus, cache_dir=cache, progress=False)
    changed = corpus / f"{SEED_IDS[1]}.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA new closing sentence was added.\n", encoding="utf-8")
    again = newsbook.annotate(corpus, cache_dir=cache, progress=False)
    assert (again.cache_hits, again.cache_misses) == (1, 1)


def test_save_and_load_round_trip(seed_annotations, tmp_path):
    seed_annotations.save(tmp_path)
    for name in schema.TABLES:
        assert (tmp_path / f"{name}.parquet").exists() and (tmp_path / f"{name}.csv").exists()
    loaded = pipeline.Annotations.load(tmp_path)
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(seed_annotations, name), check_dtype=False)


def test_an_article_that_breaks_an_extractor_is_reported_and_the_rest_run(tmp_path, monkeypatch):
    real = extraction.extract_article

    def flaky(doc, article):
        if article["article_id"] == SEED_IDS[0]:
            raise RuntimeError("extractor exploded")
        return real(doc, article)

    monkeypatch.setattr(extraction, "extract_article", flaky)
    result = newsbook.annotate(SEEDS, cache_dir=None, progress=False)
    assert result.articles["article_id"].tolist() == [SEED_IDS[1]]
    error = result.errors.iloc[0]
    assert (error.article_id, error.stage) == (SEED_IDS[0], "annotate")
    assert "extractor exploded" in error.reason


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old,complete\n")
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text("new,half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old,complete\n"
    assert list(tmp_path.iterdir()) == [target]


def test_failed_table_write_leaves_previous_tables(tmp_path, monkeypatch, seed_annotations):
    seed_annotations.save(tmp_path)
    before = (tmp_path / "figures.csv").read_bytes()

    def broken_to_csv(self, *args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken_to_csv)
    with pytest.raises(OSError):
        seed_annotations.save(tmp_path)
    assert (tmp_path / "figures.csv").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cli_annotate_writes_every_table(tmp_path, capsys):
    out = tmp_path / "ann"
    assert cli.main(["annotate", str(SEEDS), "--out", str(out), "--quiet"]) == 0
    # saved files store each sentence once, in `sentences` (schema.saved_columns), not on every row
    for name in [*schema.TABLES, *schema.SAVED_ONLY]:
        frame = pd.read_csv(out / f"{name}.csv")
        assert list(frame.columns) == schema.saved_columns(name)


def test_cli_reports_bad_files_and_exits_zero_while_something_was_read(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Headline\n\nThe mayor said the bridge would reopen.\n")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00\x01")
    assert cli.main(["annotate", str(corpus), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert "bad.txt" in capsys.readouterr().err


def test_cli_exits_non_zero_when_nothing_could_be_read(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("")
    assert cli.main(["annotate", str(corpus), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: file is empty" in err and "no article could be read" in err


def test_schema_doc_is_in_sync():
    assert (PROJECT_ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema.as_markdown() + "\n"


def test_reading_annotations_does_not_import_spacy(tmp_path):
    """A notebook kernel that reports on cached or saved tables must not pay for importing spaCy
    (2-3 s per kernel); only parsing does."""
    import subprocess
    import sys

    code = ("import sys, newsbook\n"
            "from newsbook import actors, charts, compare, figures, html, quotes, report\n"
            "from newsbook.pipeline import read_table\n"
            "assert 'spacy' not in sys.modules, sorted(m for m in sys.modules if m.startswith('spacy'))[:5]\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

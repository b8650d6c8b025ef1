"""`newsbook evaluate`: the extractors scored against the gold sets, as one table (or JSON)."""

from __future__ import annotations

import json
import shutil

import pytest

from newsbook import cli, evaluate_actors, gold_sets
from newsbook.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def seed_rows():
    return gold_sets.evaluate(["seeds"], cache_dir=None)


def test_seeds_are_scored_for_every_extractor(seed_rows):
    assert set(seed_rows["extractor"]) == {"quotes", "actors", "figures"}
    assert set(seed_rows["gold_set"]) == {"seeds"}
    for row in seed_rows.itertuples():
        assert 0 <= row.precision <= 1 and 0 <= row.recall <= 1, row
        assert row.f1 == pytest.approx(2 * row.precision * row.recall / (row.precision + row.recall))
        assert row.matched <= min(row.gold, row.predicted), row
    # the same floors as the extractors' own gold tests
    actors = seed_rows[seed_rows["extractor"] == "actors"].iloc[0]
    assert actors.recall >= 0.95 and actors.precision >= 0.95, actors
    figures = seed_rows[seed_rows["extractor"] == "figures"].iloc[0]
    assert figures.gold >= 10 and figures.f1 >= 0.9, figures


def test_command_prints_a_table_and_json(capsys):
    assert cli.main(["evaluate", "figures/seeds", "--no-cache"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header[:3] == ["extractor", "gold_set", "measure"] and "f1" in header
    assert "figures" in out and "seeds" in out
    assert cli.main(["evaluate", "actors/seeds", "--json", "--no-cache"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["extractor"], r["gold_set"]) for r in rows] == [("actors", "seeds")]
    assert set(rows[0]) == set(gold_sets.COLUMNS)


def test_unknown_gold_set_is_refused_by_name(capsys):
    assert cli.main(["evaluate", "quotes/nowhere"]) == 2
    assert "quotes/nowhere" in capsys.readouterr().err


def test_missing_gold_file_is_skipped_and_named(tmp_path):
    shutil.copy(PROJECT_ROOT / "tests" / "gold" / "actors_seeds.yaml", tmp_path)
    skipped = []
    table = gold_sets.evaluate(["seeds"], gold_dir=tmp_path, cache_dir=None, on_skip=skipped.append)
    assert list(table["extractor"]) == ["actors"]
    assert any("quotes/seeds" in s and "quotes_seeds.yaml" in s for s in skipped), skipped


def test_a_missed_actor_lowers_recall_and_an_extra_one_precision():
    gold = {"a1": {"person": {"Ana Ruiz": ["Ruiz"]}, "organization": {"Acme Corp": []}}}
    full = evaluate_actors.score([("a1", "Ana Ruiz", "person"), ("a1", "Acme Corp", "organization")], gold)
    assert (full["precision"], full["recall"]) == (1.0, 1.0)
    missed = evaluate_actors.score([("a1", "Ruiz", "person")], gold)
    assert missed["recall"] == 0.5 and missed["precision"] == 1.0
    extra = evaluate_actors.score([("a1", "Ana Ruiz", "person"), ("a1", "Acme Corp", "organization"),
                                   ("a1", "Bo Lee", "person")], gold)
    assert extra["recall"] == 1.0 and extra["precision"] == pytest.approx(2 / 3)


def test_stories_are_scored_with_b_cubed_on_a_labelled_corpus():
    from newsbook.corpus import read_corpus

    s = gold_sets.story_scores(read_corpus(PROJECT_ROOT / "tests" / "data" / "stories" / "ecbplus-subset.jsonl").articles)
    assert s["true_stories"] >= 2 and 0 < s["f1"] <= 1
    with pytest.raises(ValueError, match="event"):
        gold_sets.story_scores(read_corpus(PROJECT_ROOT / "seeds").articles)


def test_speakers_are_scored_by_kind_where_the_gold_gives_it():
    import pandas as pd

    gold = {"quotes": {"a": [{"kind": "direct", "speaker": "Ann Lee", "speaker_kind": "person", "text": "We won"},
                             {"kind": "direct", "speaker": "Ann Lee", "speaker_kind": "person", "text": "We lost"},
                             {"kind": "direct", "speaker": "Democrats", "speaker_kind": "group", "text": "No"}]}}
    quotes = pd.DataFrame([
        {"article_id": "a", "quote_id": "a:q1", "kind": "direct", "quote": "We won", "speaker": "Ann Lee", "cue": "say"},
        {"article_id": "a", "quote_id": "a:q2", "kind": "direct", "quote": "No", "speaker": "Bo Lee", "cue": "say"}])
    ann = type("Annotations", (), {"quotes": quotes, "articles": pd.DataFrame({"article_id": ["a"]})})()
    gs = gold_sets.select(["quotes/ecbplus"])[0]
    rows = {r["measure"]: r for r in gold_sets.speaker_kind_rows(gs, gold, ann)}
    assert rows["person speakers end to end"]["recall"] == 0.5  # the missed quote counts as wrong
    assert rows["named speakers incl. groups"]["recall"] == pytest.approx(1 / 3)
    assert "over the quotes found 0.500" in rows["named speakers incl. groups"]["detail"]
    no_kinds = {"quotes": {"a": [{k: v for k, v in q.items() if k != "speaker_kind"} for q in gold["quotes"]["a"]]}}
    assert gold_sets.speaker_kind_rows(gs, no_kinds, ann) == []

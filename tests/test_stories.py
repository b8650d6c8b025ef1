"""Stories: grouping articles into news stories, the researcher's say over it, and comparisons that
stay within a story. The grouping is checked on real news (an ECB+ subset, same-kind story pairs)
and on wire-style articles written for these tests (four stories, three outlets each)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from newsbook import schema, stories
from newsbook.corpus import read_corpus

DATA = Path(__file__).parent / "data" / "stories"
WIRE = DATA / "wire" / "articles.jsonl"
ECBPLUS = DATA / "ecbplus-subset.jsonl"
VOCAB = DATA / "vocab"


def wire_articles() -> tuple[pd.DataFrame, list[str]]:
    articles = read_corpus(WIRE).articles
    return articles, [json.loads(e)["true_story"] for e in articles["extra"]]


# --- scoring -------------------------------------------------------------------------------------------


def test_bcubed_of_known_clusterings():
    assert stories.bcubed(list("aabb"), [1, 1, 2, 2]) == (1.0, 1.0, 1.0)
    p, r, f = stories.bcubed(list("aabb"), [1, 1, 1, 1])
    assert (p, r) == (0.5, 1.0) and math.isclose(f, 2 / 3)
    p, r, _ = stories.bcubed(list("aaaa"), [1, 2, 3, 4])
    assert (p, r) == (1.0, 0.25)


# --- grouping ------------------------------------------------------------------------------------------


def wire_mentions() -> pd.DataFrame:
    """The actors newsbook's extractor found in the wire articles (article_id, actor, kind), kept as
    input data so the grouping is tested on its own."""
    return pd.read_csv(DATA / "wire" / "mentions.csv", dtype=str, keep_default_na=False)


def test_wire_stories_of_three_outlets_are_found_and_two_earthquakes_stay_apart():
    articles, truth = wire_articles()
    found = stories.group_articles(articles, wire_mentions())
    assert stories.bcubed(truth, found.tolist()) == (1.0, 1.0, 1.0)
    quakes = found[[a for a in found.index if "quake" in a]]
    assert quakes.nunique() == 2


def test_grouping_is_deterministic_and_does_not_depend_on_row_order():
    articles, truth = wire_articles()
    first = stories.group_articles(articles, wire_mentions())
    shuffled = stories.group_articles(articles.sample(frac=1, random_state=3), wire_mentions())
    pairs = lambda s: {(a, b) for a in s.index for b in s.index if a < b and s[a] == s[b]}  # noqa: E731
    assert pairs(first) == pairs(shuffled)
    assert stories.group_articles(articles, wire_mentions()).tolist() == first.tolist()


def test_ecbplus_subset_same_kind_pairs_from_text_alone():
    """12 real stories in same-kind pairs (two Oscar hosts, two pirate captures ...); from the
    text alone, without the mentions table (measured F1 0.91, P 0.99 when written)."""
    articles = read_corpus(ECBPLUS).articles
    truth = stories.metadata_events(articles)
    assert truth.nunique() == 12
    precision, recall, f1 = stories.bcubed(truth.tolist(), stories.group_articles(articles).tolist())
    assert f1 >= 0.85 and precision >= 0.9


def test_articles_months_apart_are_not_one_story():
    articles, _ = wire_articles()
    later = articles[articles["article_id"].str.startswith("lufthansa")].assign(
        article_id=lambda f: f["article_id"] + "-next-year", date="2027-03-05")
    both = pd.concat([articles, later], ignore_index=True)
    found = stories.group_articles(both, wire_mentions())
    assert found["lufthansa-strike-0"] != found["lufthansa-strike-0-next-year"]
    assert found["lufthansa-strike-0-next-year"] == found["lufthansa-strike-2-next-year"]


def test_undated_articles_are_still_grouped():
    articles, truth = wire_articles()
    found = stories.group_articles(articles.assign(date=""), wire_mentions())
    assert stories.bcubed(truth, found.tolist())[2] == 1.0


def test_two_articles_and_one_article():
    articles, _ = wire_articles()
    pair = articles[articles["article_id"].isin(["ohio-schools-0", "ohio-schools-1"])]
    assert stories.group_articles(pair).nunique() == 1
    assert stories.group_articles(articles.iloc[:1]).tolist() == [0]
    assert stories.group_articles(articles.iloc[:0]).empty


def test_mentions_are_used_as_named_actors():
    articles, _ = wire_articles()
    mentions = pd.DataFrame({"article_id": ["chile-quake-0", "chile-quake-0"], "actor": ["Carla Fuentes", "Chile"],
                             "kind": ["person", "place"]})
    bags = stories.article_terms(articles, mentions)
    assert bags[0]["@carla fuentes"] > 0 and bags[0]["@chile"] > 0


def test_dateline_date():
    assert stories.dateline_date("Report\n\nDecember 15th, 2008, 7: 35 am\n\nThe Red Sox") == "2008-12-15"
    assert stories.dateline_date("WEDNESDAY, MARCH 4, 2009, 10: 53 AM") == "2009-03-04"
    assert stories.dateline_date("The plan, first made in 2009, failed.") == ""


# --- the researcher's say --------------------------------------------------------------------------------


def test_metadata_event_sets_the_story_and_the_rest_is_grouped():
    articles, _ = wire_articles()
    given = articles.copy()
    # the researcher files one Ohio article under the strike (a wrong but deliberate choice)
    given["event"] = ["" if a != "ohio-schools-2" else "strike-week" for a in given["article_id"]]
    events, method, applied = stories.assign_stories(given)
    assert events["ohio-schools-2"] == "strike-week" and method["strike-week"] == "metadata"
    assert events["ohio-schools-0"] == events["ohio-schools-1"] != "strike-week"
    assert method[events["ohio-schools-0"]] == "auto" and applied == []


def test_event_column_of_a_jsonl_corpus_is_read(tmp_path):
    (tmp_path / "c.jsonl").write_text(
        '{"id": "a", "text": "Rain fell.", "event": "floods"}\n{"id": "b", "text": "Sun shone."}\n')
    articles = read_corpus(tmp_path / "c.jsonl").articles
    assert articles["event"].tolist() == ["floods", ""]
    assert "event" not in json.loads(articles["extra"].iloc[0])


def test_one_story_option():
    articles, _ = wire_articles()
    events, method, _ = stories.assign_stories(articles, one_story=True)
    assert set(events) == {stories.ONE_STORY_ID} and method == {stories.ONE_STORY_ID: "one-story"}


def test_corrections_merge_and_move(tmp_path):
    articles, _ = wire_articles()
    events, _, _ = stories.assign_stories(articles, wire_mentions())
    path = tmp_path / "stories.yaml"
    path.write_text("merge:\n  - [chile-quake-0, turkey-quake-1]\nmove:\n  ohio-schools-2: lufthansa-strike-0\n"
                    "  lufthansa-strike-2: ''\n  nobody: ohio-schools-0\nlabel:\n  x: y\n")
    corrected, method, applied = stories.assign_stories(articles, wire_mentions(),
                                                        corrections=stories.read_corrections(path))
    assert corrected["chile-quake-1"] == corrected["turkey-quake-2"] == events["chile-quake-0"]
    assert corrected["ohio-schools-2"] == corrected["lufthansa-strike-0"]
    assert corrected["lufthansa-strike-2"] not in set(corrected.drop("lufthansa-strike-2"))
    assert method[corrected["chile-quake-0"]] == "corrected"
    assert any("nobody" in line and "no such article" in line for line in applied)


def test_a_broken_corrections_file_is_a_clear_error(tmp_path):
    from newsbook.errors import NewsbookError

    path = tmp_path / "stories.yaml"
    path.write_text("merge: not-a-list\n")
    with pytest.raises(NewsbookError, match="stories.yaml"):
        stories.read_corrections(path)


# --- outlets ---------------------------------------------------------------------------------------------


def test_outlet_from_metadata_else_url_else_article_id():
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["Daily Post", "", ""],
                             "outlet_source": ["metadata", "", ""],
                             "url": ["", "https://www.example-news.org/2020/x", ""]})
    out = stories.resolve_outlets(articles)
    assert out["outlet"].tolist() == ["Daily Post", "example-news.org", "c"]
    assert out["outlet_source"].tolist() == ["metadata", "url", "article_id"]


# --- comparisons within a story ----------------------------------------------------------------------------


def _figure(article_id: str, n: int, value: float, noun: str, sentence: str) -> dict:
    text = f"{value:g}"
    return {"article_id": article_id, "figure_id": f"{article_id}:f{n}", "value": value, "value_high": math.nan,
            "kind": "count", "unit": "", "text": text, "noun": noun, "noun_phrase": noun, "qualifier": "",
            "start": 0, "end": len(text), "sentence": sentence, "sentence_index": 0, "sentence_start": 0,
            "sentence_end": len(sentence)}


def test_figures_of_different_stories_neither_agree_nor_conflict():
    figures = pd.DataFrame([
        _figure("quake-a", 0, 12, "people", "The quake killed 12 people."),
        _figure("quake-b", 0, 12, "people", "The quake killed 12 people, officials said."),
        _figure("flood-a", 0, 12, "people", "The flood killed 12 people."),
        _figure("flood-b", 0, 14, "people", "The flood killed 14 people."),
    ])
    events = {"quake-a": "quake", "quake-b": "quake", "flood-a": "flood", "flood-b": "flood"}
    everything = stories.match_figures(figures, {a: "" for a in events})
    assert (everything["status"] == "agreed").any() and set(everything["n_articles"]) >= {3}
    within = stories.match_figures(figures, events)
    assert list(within.columns) == schema.TABLES["figure_matches"].column_names
    agreed = within[within["status"] == "agreed"]
    assert agreed["articles"].tolist() == ["quake-a;quake-b"] and agreed["event"].tolist() == ["quake"]
    assert set(within.loc[within["status"] == "conflict", "event"]) == {"flood"}
    for row in within.itertuples():
        assert {events[a] for a in row.articles.split(";")} == {row.event}


def test_quotes_of_different_stories_are_not_matched():
    words = "we will rebuild every home that was lost and we will do it quickly"
    quotes = pd.DataFrame([{"article_id": a, "quote_id": f"{a}:q0", "speaker": "", "speaker_text": "",
                            "speaker_start": -1, "speaker_end": -1, "quote": words, "kind": "direct", "cue": "say",
                            "start": 0, "end": len(words), "words": len(words.split()), "sentence": words,
                            "sentence_index": 0, "sentence_start": 0, "sentence_end": len(words)}
                           for a in ("a1", "a2", "b1")])
    matches = stories.match_quotes(quotes, {"a1": "A", "a2": "A", "b1": "B"})
    assert matches[["article_id_a", "article_id_b", "event"]].values.tolist() == [["a1", "a2", "A"]]


# --- the tables and the notebooks' filter ------------------------------------------------------------------


def test_seeds_are_one_story_found_by_grouping(seed_annotations):
    ann = seed_annotations
    assert ann.articles["event"].nunique() == 1 and len(ann.events) == 1
    row = ann.events.iloc[0]
    assert row["method"] == "auto" and row["articles"] == 2 and row["outlets"] == 2
    assert list(ann.events.columns) == schema.TABLES["events"].column_names
    assert set(ann.quote_matches["event"]) <= {row["event"]} and set(ann.figure_matches["event"]) == {row["event"]}
    assert set(ann.articles["outlet_source"]) <= {"metadata", "url", "article_id"}


def test_select_cuts_every_table_to_one_story(seed_annotations):
    from newsbook.errors import NewsbookError

    ann = seed_annotations
    event = ann.events["event"].iloc[0]
    same = stories.select(ann, event)
    assert len(same.articles) == 2 and len(same.figure_matches) == len(ann.figure_matches)
    assert stories.select(ann, "") is ann
    assert len(stories.select(ann, ann.events["label"].iloc[0]).articles) == 2
    with pytest.raises(NewsbookError, match="no story"):
        stories.select(ann, "no-such-story")


def test_views_of_stories_by_outlet():
    articles, truth = wire_articles()
    articles = articles.assign(event=truth, outlet_source="metadata")
    method = {e: "metadata" for e in truth}
    events = stories.events_table(articles, None, method)
    assert list(events.columns) == schema.TABLES["events"].column_names
    assert set(events["outlets"]) == {3} and set(events["articles"]) == {3}
    matrix = stories.outlet_matrix(articles, events)
    assert matrix.shape == (4, 3) and int(matrix.to_numpy().sum()) == 12
    timeline = stories.timeline(articles)
    chile = timeline[timeline["event"] == "chile-quake"]
    assert chile.sort_values("rank")["outlet"].tolist()[-1] == "Coastline Herald"
    assert chile["rank"].tolist() == [1, 2, 3]


def test_an_added_article_joins_its_story_or_starts_one_without_regrouping():
    articles, truth = wire_articles()
    known = articles.assign(event=truth)
    held = known["article_id"].isin(["turkey-quake-2", "ohio-schools-1"])
    placed = stories.join_story(known[~held], articles[held].iloc[::-1])
    assert placed["turkey-quake-2"] == "turkey-quake" and placed["ohio-schools-1"] == "ohio-schools"
    alone = stories.join_story(known[~known["article_id"].str.startswith("lufthansa")],
                               articles[articles["article_id"] == "lufthansa-strike-1"])
    assert alone["lufthansa-strike-1"].startswith("story-")


def test_the_command_line_takes_the_one_story_option():
    from newsbook import cli

    assert cli.build_parser().parse_args(["annotate", "seeds", "--one-story"]).one_story is True
    assert cli.build_parser().parse_args(["annotate", "seeds"]).one_story is False


def vocab_articles() -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    articles = read_corpus(VOCAB / "articles.jsonl").articles
    mentions = pd.read_csv(VOCAB / "mentions.csv", dtype=str, keep_default_na=False)
    return articles, [json.loads(e)["true_story"] for e in articles["extra"]], mentions


def test_outlets_with_their_own_vocabulary_make_one_story_and_two_wildfires_days_apart_two():
    articles, truth, mentions = vocab_articles()
    for known_actors in (mentions, None):  # with the extractor's actors, and from the text alone
        found = stories.group_articles(articles, known_actors)
        assert stories.bcubed(truth, found.tolist()) == (1.0, 1.0, 1.0)
        assert found[[a for a in found.index if a.startswith("fire")]].nunique() == 2


def test_words_common_in_news_at_large_weigh_less_in_a_small_corpus():
    assert stories.background_share("said") > stories.background_share("fire") > stories.background_share("temecula")
    assert stories.background_share("#755 diplomat") == stories.background_share("y:2017") == 0.0


def test_the_outlets_own_name_is_no_term():
    articles, _, _ = vocab_articles()
    bags = stories.article_terms(articles)
    wire = articles["outlet"].eq("Pacific Wire").tolist()
    assert any("(Pacific Wire)" in t for t in articles["text"])
    assert not any("pacific" in bag or "wire" in bag for bag, own in zip(bags, wire) if own)


def test_an_added_article_is_compared_only_within_its_date_window():
    articles, truth, mentions = vocab_articles()
    known = articles.assign(event=truth)
    late = articles[articles["article_id"] == "fire-north-2"].assign(article_id="fire-north-late")
    held = known["article_id"] == "fire-north-2"
    near = stories.join_story(known[~held], articles[held], mentions)
    assert near["fire-north-2"] == "fire-north"
    late = late.assign(date=(pd.Timestamp("2026-07-15") + pd.Timedelta(days=90)).date().isoformat())
    far = stories.join_story(known[~held], late, mentions)
    assert far["fire-north-late"].startswith("story-")
    # two added articles of one new story: the second joins the story the first started
    both = stories.join_story(known[~held], pd.concat([late, late.assign(article_id="fire-north-late-2")]), mentions)
    assert both["fire-north-late"] == both["fire-north-late-2"]

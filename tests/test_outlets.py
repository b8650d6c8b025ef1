"""Outlets are the sources: the one source label, and the comparisons per outlet within a story.

The corpus in tests/data/outlets is written for these tests (wire-style, invented places and
people): two stories; the port strike covered by three outlets, one of them (Northern Wire) with
two articles that disagree with each other, one (a saved page) without an outlet in its metadata,
so it is named by its URL's domain; the flood covered by three outlets, one article each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from newsbook import charts, figures, outlets, quotes

CORPUS = Path(__file__).parent / "data" / "outlets"
STRIKE, FLOOD = "halden-port-strike", "riverton-flood"
OUTLETS = {"Daily Courier", "Evening Post", "Northern Wire", "harbourtimes.example"}


@pytest.fixture(scope="module")
def ann():
    import newsbook

    return newsbook.annotate(CORPUS, progress=False)


# --- the source label ---------------------------------------------------------------------------


def test_outlet_from_metadata_else_page_else_domain_else_article_id():
    articles = pd.DataFrame({
        "article_id": ["a", "b", "c", "d", "e"],
        "outlet": ["The Daily Example", "Example Wire", "", None, "  "],
        "outlet_source": ["metadata", "page", "", "", ""],
        "url": ["", "", "https://WWW.Example.org/news/1", "http://[broken", ""],
    })
    out = outlets.resolve_outlets(articles)
    assert out["outlet"].tolist() == ["The Daily Example", "Example Wire", "example.org", "d", "e"]
    assert out["outlet_source"].tolist() == ["metadata", "page", "url", "article_id", "article_id"]
    assert set(out["outlet_source"]) <= set(outlets.OUTLET_SOURCES)


def test_an_address_names_its_outlet_by_its_registrable_domain():
    same = ["https://www.latimes.com/x", "http://articles.latimes.com/2009/apr/1/y", "LATIMES.COM/z"]
    assert {outlets.url_domain(u) for u in same} == {"latimes.com"}
    assert outlets.url_domain("http://news.bbc.co.uk/2/hi/world.stm") == "bbc.co.uk"  # a two-part suffix
    assert outlets.url_domain("https://user:pw@www.example.com:8080/p?q=1") == "example.com"
    assert outlets.url_domain("http://usatoday30.usatoday.com/news/x") == "usatoday.com"  # repeats the name
    # a label naming another outlet on a shared domain is kept
    assert outlets.url_domain("http://abcnews.go.com/US/story") == "abcnews.go.com"
    assert outlets.url_domain("http://someblog.blogspot.com/2009/x") == "someblog.blogspot.com"
    # hosts the suffix list does not know are kept whole (without www.)
    assert outlets.url_domain("https://www.harbourtimes.example/n") == "harbourtimes.example"
    assert outlets.url_domain("http://192.168.1.1/feed") == "192.168.1.1"
    assert [outlets.url_domain(u) for u in ("", "not a url", "http://[broken")] == ["", "", ""]


def test_one_label_per_outlet_or_per_article():
    articles = pd.DataFrame({"article_id": ["a1", "a2", "b1", "x"],
                             "outlet": ["Wire", "Wire", "", ""], "url": ["", "", "https://b.example/1", ""]})
    assert outlets.source_labels(articles) == {"a1": "Wire", "a2": "Wire", "b1": "b.example", "x": "x"}
    assert outlets.source_labels(articles, per="article") == {
        "a1": "Wire (a1)", "a2": "Wire (a2)", "b1": "b.example (b1)", "x": "x"}
    frame = pd.DataFrame({"article_id": ["a2", "x", "unknown"]})
    assert outlets.labels(frame, articles).tolist() == ["Wire", "x", "unknown"]
    with pytest.raises(ValueError):
        outlets.source_labels(articles, per="byline")


def test_annotated_articles_carry_their_outlet_and_where_it_came_from(ann):
    by_id = ann.articles.set_index("article_id")
    assert by_id.at["port-strike-harbour", "outlet"] == "harbourtimes.example"
    assert by_id.at["port-strike-harbour", "outlet_source"] == "url"
    assert by_id.at["port-strike-wire-2", "outlet"] == "Northern Wire"
    assert set(ann.articles["outlet"]) == OUTLETS
    assert dict(zip(ann.events["event"], ann.events["outlets"])) == {STRIKE: 3, FLOOD: 3}


# --- figures per outlet -------------------------------------------------------------------------


def _matches(rows):
    base = {"unit": "", "note": "", "event": "s", "conflicts_with": "", "kind": "count"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["articles"] = frame["figure_ids"].map(lambda ids: ";".join(sorted({f.split(":")[0] for f in ids.split(";")})))
    frame["n_articles"] = frame["articles"].str.count(";") + 1
    return frame


def test_outlet_status_and_pairs_from_hand_made_groups():
    articles = pd.DataFrame({"article_id": ["w1", "w2", "c1", "p1"], "event": "s",
                             "outlet": ["Wire", "Wire", "Courier", "Post"]})
    matches = _matches([
        # Wire (both articles) and Courier agree on 12 dead; Post says 15
        {"value": 12.0, "noun": "death", "status": "conflict", "figure_ids": "w1:f0;w2:f0;c1:f0",
         "conflicts_with": "p1:f0"},
        {"value": 15.0, "noun": "death", "status": "conflict", "figure_ids": "p1:f0", "conflicts_with": "w1:f0"},
        # only Wire's two articles state ships, and differently
        {"value": 40.0, "noun": "ship", "status": "conflict", "figure_ids": "w1:f1", "conflicts_with": "w2:f1"},
        {"value": 45.0, "noun": "ship", "status": "conflict", "figure_ids": "w2:f1", "conflicts_with": "w1:f1"},
        # two Wire articles, no other outlet: one source
        {"value": 3.0, "noun": "day", "status": "agreed", "figure_ids": "w1:f2;w2:f2"},
        {"value": 7.0, "noun": "town", "status": "agreed", "figure_ids": "c1:f1;p1:f1"},
    ])
    status = outlets.outlet_status(matches, articles)
    assert status["outlet_status"].tolist() == ["conflict", "conflict", "conflict within outlet",
                                                "conflict within outlet", "single", "agreed"]
    assert status["n_outlets"].tolist() == [2, 1, 1, 1, 1, 2]
    assert status["self_conflict"].tolist() == ["", "", "Wire", "Wire", "", ""]

    pairs = outlets.outlet_pairs(articles, matches, pd.DataFrame(columns=["article_id_a", "article_id_b"]))
    got = {(r.outlet_a, r.outlet_b): (r.figures_agreed, r.figure_conflicts) for r in pairs.itertuples()}
    assert got == {("Courier", "Post"): (1, 1), ("Courier", "Wire"): (1, 0), ("Post", "Wire"): (0, 1),
                   ("Wire", "Wire"): (2, 1)}  # its articles agree on deaths and days, differ on ships
    assert pairs.set_index(["outlet_a", "outlet_b"]).at[("Wire", "Wire"), "articles_a"] == 2

    table = figures.agreement_table(matches.assign(figure_ids=matches["figure_ids"]), _figures_of(matches),
                                    articles, kinds=["count"])
    assert {"Courier", "Post", "Wire"} <= set(table.columns) and "w1" not in table.columns
    ships = table[table["noun"] == "ship"]
    assert ships["Wire"].str.contains("its articles differ").all()
    deaths = table[(table["noun"] == "death") & (table["value"] == "12")].iloc[0]
    assert deaths["Wire"] == "12 deaths (2 articles)" and deaths["Courier"] == "12 deaths" and deaths["Post"] == ""
    assert table["outlet_status"].map(figures.OUTLET_STATUS_ORDER).is_monotonic_increasing


def _figures_of(matches):
    rows = []
    for r in matches.itertuples():
        for fid in r.figure_ids.split(";"):
            text = f"{r.value:g}"
            rows.append({"article_id": fid.split(":")[0], "figure_id": fid, "text": text, "noun": r.noun,
                         "noun_phrase": f"{r.noun}s", "kind": "count", "value": r.value})
    return pd.DataFrame(rows)


def test_agreement_table_has_one_column_per_outlet(ann):
    table = figures.agreement_table(ann.figure_matches, ann.figures, ann.articles, kinds=["count"])
    outlet_columns = [c for c in table.columns if c in OUTLETS]
    assert set(outlet_columns) == OUTLETS
    assert not set(ann.articles["article_id"]) & set(table.columns)  # no column per article
    assert len(table) == ann.figure_matches["kind"].eq("count").sum()
    # Northern Wire's second article counts more strikers than its first: the union shows both,
    # and its 1,200 cell says its own articles differ
    strikers = table[(table["noun"] == "dockworker") & (table["event"] == STRIKE)].set_index("value")
    assert strikers.at["1,200", "n_outlets"] == 3 and strikers.at["1,200", "outlet_status"] == "conflict"
    assert "its articles differ" in strikers.at["1,200", "Northern Wire"]
    assert strikers.at["2,500", "Daily Courier"] == ""
    ships = table[table["noun"] == "ship"]
    assert set(ships["outlet_status"]) == {"conflict within outlet"}
    # the flood: two outlets say 7 dead (agreed between them), a third says 9
    dead = table[(table["event"] == FLOOD) & (table["noun"] == "people")].set_index("value")
    assert dead.at["7", "outlet_status"] == dead.at["9", "outlet_status"] == "conflict"
    assert dead.at["7", "n_outlets"] == 2 and dead.at["9", "Evening Post"].startswith("9")
    # many outlets: one "stated as" column instead
    compact = figures.agreement_table(ann.figure_matches, ann.figures, ann.articles, kinds=["count"],
                                      max_outlet_columns=2)
    assert "stated as" in compact.columns and not OUTLETS & set(compact.columns)
    assert compact["stated as"].str.contains("harbourtimes.example: ").any()


def test_figure_outlets_trace_every_figure_to_its_article(ann):
    rows = outlets.figure_outlets(ann.figure_matches, ann.figures, ann.articles)
    assert set(rows["outlet"]) == OUTLETS
    texts = dict(zip(ann.articles["article_id"], ann.articles["text"]))
    by_id = ann.figures.set_index("figure_id")
    for r in rows.itertuples():
        assert set(r.articles.split(";")) == {by_id.at[f, "article_id"] for f in r.figure_ids.split(";")}
        for fid in r.figure_ids.split(";"):
            f = by_id.loc[fid]
            assert texts[f["article_id"]][f["start"]:f["end"]] == f["text"]
            assert outlets.source_labels(ann.articles)[f["article_id"]] == r.outlet
    wire = rows[(rows["outlet"] == "Northern Wire") & rows["self_conflict"]]
    assert {"port-strike-wire-1", "port-strike-wire-2"} <= set(";".join(wire["articles"]).split(";"))


def test_outlet_pairs_stay_within_a_story(ann):
    pairs = outlets.outlet_pairs(ann.articles, ann.figure_matches, ann.quote_matches)
    story_outlets = ann.articles.groupby("event")["outlet"].agg(set).to_dict()
    for r in pairs.itertuples():
        assert {r.outlet_a, r.outlet_b} <= story_outlets[r.event]
    keys = set(zip(pairs["event"], pairs["outlet_a"], pairs["outlet_b"]))
    assert (STRIKE, "Northern Wire", "Northern Wire") in keys  # two articles: paired with itself
    assert (FLOOD, "Northern Wire", "Northern Wire") not in keys
    assert len(pairs[pairs["event"] == FLOOD]) == 3 and len(pairs[pairs["event"] == STRIKE]) == 4
    wire = pairs.set_index(["event", "outlet_a", "outlet_b"])
    assert wire.at[(STRIKE, "Northern Wire", "Northern Wire"), "figure_conflicts"] >= 1
    assert wire.at[(FLOOD, "Daily Courier", "Evening Post"), "figure_conflicts"] >= 1
    assert wire.at[(FLOOD, "Daily Courier", "Northern Wire"), "figures_agreed"] >= 2  # 7 dead, 2,000 evacuated
    # every quote match is counted once, under its two outlets
    assert pairs["quote_matches"].sum() == len(ann.quote_matches)
    assert (pairs["quotes_same"] + pairs["quotes_shortened"] + pairs["quotes_reworded"] <= pairs["quote_matches"]).all()


def test_quote_matches_name_their_outlets(ann):
    matches = outlets.quote_matches_by_outlet(ann.quote_matches, ann.articles)
    labels = outlets.source_labels(ann.articles)
    assert len(matches) == len(ann.quote_matches) > 0
    assert list(matches.columns[:3]) == ["article_id_a", "outlet_a", "quote_id_a"]
    for r in matches.itertuples():
        assert r.outlet_a == labels[r.article_id_a] and r.outlet_b == labels[r.article_id_b]
    olsen = matches[matches["speaker"] == "Maria Olsen"]
    assert {"Daily Courier", "Northern Wire"} <= set(olsen["outlet_a"]) | set(olsen["outlet_b"])


def test_voice_share_and_actors_per_outlet(ann):
    share = outlets.voice_share_by_outlet(quotes.voice_share(ann.quotes), ann.articles)
    assert set(share["outlet"]) <= OUTLETS
    sums = share.groupby(["event", "outlet"])["share"].sum()
    assert ((sums - 1).abs() < 1e-9).all()
    per_article = quotes.voice_share(ann.quotes)
    assert share["words"].sum() == per_article["words"].sum()

    mentions = outlets.actor_mentions_by_outlet(ann.actors, ann.articles, kinds=("person",), top_n=None)
    people = ann.actors[ann.actors["kind"] == "person"]
    assert mentions["mentions"].sum() == people["mentions"].sum()
    assert set(mentions["outlet"]) <= OUTLETS
    berg = mentions[(mentions["actor"] == "Lars Berg")].set_index("outlet")
    assert berg.at["Northern Wire", "articles"] == 1 and "harbourtimes.example" in berg.index
    prominence = outlets.actor_prominence_by_outlet(ann.actors, ann.articles, kinds=("person",), top_n=5)
    assert prominence["actor"].nunique() <= 5
    first = people.assign(outlet=outlets.labels(people, ann.articles)).groupby(["actor", "outlet"])["first_sentence"].min()
    for r in prominence.itertuples():
        assert r.first_sentence == first[(r.actor, r.outlet)]


def test_charts_colour_by_outlet_not_article(ann):
    specs = [
        charts.voice_share_chart(quotes.voice_share(ann.quotes), ann.articles),
        charts.quotes_per_speaker(ann.quotes, ann.articles),
        charts.actor_mentions_chart(outlets.actor_mentions_by_outlet(ann.actors, ann.articles)),
        charts.actor_prominence_chart(outlets.actor_prominence_by_outlet(ann.actors, ann.articles)),
        charts.figures_per_source_chart(figures.figures_by_source(ann.figures, ann.articles)),
        charts.figure_values_chart(figures.values_by_noun(ann.figures, ann.articles)),
    ]
    for chart in specs:
        spec = chart.to_dict()
        datasets = spec.get("datasets", {})
        values = [row for rows in datasets.values() for row in rows]
        assert values, chart.title
        assert {row["outlet"] for row in values} <= OUTLETS
        assert not {row["outlet"] for row in values} & set(ann.articles["article_id"])
    assert set(charts._article_outlets(ann.articles)) == OUTLETS


def test_figure_list_and_conflicts_keep_the_article(ann):
    listed = figures.figure_list(ann.figures, ann.articles, kinds=["count"])
    assert list(listed.columns[:2]) == ["outlet", "article_id"]
    labels = outlets.source_labels(ann.articles)
    assert (listed["outlet"] == listed["article_id"].map(labels)).all()
    clash = figures.conflicts(ann.figure_matches, ann.figures, ann.articles, kinds=["count"])
    assert {"outlet", "article_id"} <= set(clash.columns) and len(clash)

"""Figures: extraction on the seeds against hand-made gold, on tricky wire-style sentences of our own,
the number grammar, the cross-source comparison and the notebook helpers."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from newsbook import figures as F
from newsbook import schema

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "figures_seeds.yaml"


@pytest.fixture(scope="module")
def nlp():
    from newsbook.nlp import load_pipeline

    return load_pipeline()


# ------------------------------------------------------------------------------------------------
# Tricky sentences (our own, wire style; none from the seeds)
# ------------------------------------------------------------------------------------------------

CASES = [
    ("The Senate approved the measure 98-2 on Thursday, sending it to the president's desk.",
     [("98-2", 98, "vote", "vote", "exactly", 2)]),
    ("Lawmakers voted 419 to 3 to impose the sanctions.", [("419 to 3", 419, "vote", "vote", "exactly", 3)]),
    ("The bill passed by a vote of 52-48.", [("52-48", 52, "vote", "vote", "exactly", 48)]),
    ("The Supreme Court ruled 5-4 that the law was unconstitutional.", [("5-4", 5, "vote", "vote", "exactly", 4)]),
    ("Manchester United beat Chelsea 2-0 at Old Trafford.", [("2-0", 2, "vote", "score", "exactly", 0)]),
    ("The vote was 6-3.", [("6-3", 6, "vote", "vote", "exactly", 3)]),
    ("Between 400 and 500 protesters gathered outside parliament.",
     [("Between 400 and 500", 400, "range", "protester", "exactly", 500)]),
    ("The storm killed 15 to 20 people, officials said.", [("15 to 20", 15, "range", "people", "exactly", 20)]),
    ("Prices rose 10-15% last year.", [("10-15%", 10, "range", "price", "exactly", 15)]),
    ("Two or three soldiers were wounded.", [("Two or three", 2, "range", "soldier", "exactly", 3)]),
    ("The company will cut 1,200 jobs, about 8 percent of its workforce.",
     [("1,200", 1200, "count", "job", "exactly"), ("8 percent", 8, "percent", "workforce", "about")]),
    ("Officials said more than 3,000 people had been evacuated.", [("3,000", 3000, "count", "people", "over")]),
    ("Nearly two million refugees have fled the country since 2011.",
     [("two million", 2e6, "count", "refugee", "nearly"), ("2011", 2011, "date", None, None)]),
    ("At least 35 people were killed and dozens injured.",
     [("35", 35, "count", "people", "at least"), ("dozens", 12, "count", "people", "over")]),
    ("The fine amounts to €4.3bn, the largest ever.", [("€4.3bn", 4.3e9, "money", "fine", "exactly")]),
    ("Britain will send £300m in aid to the region.", [("£300m", 3e8, "money", "aid", "exactly")]),
    ("Unemployment fell to 4.1 per cent in March.", [("4.1 per cent", 4.1, "percent", "unemployment", "exactly")]),
    ("Voter turnout was about 65%, up from 58% in the last election.",
     [("65%", 65, "percent", "turnout", "about"), ("58%", 58, "percent", None, "exactly")]),
    ("The index closed down 1.2 percent at 2,417.5 points.",
     [("1.2 percent", 1.2, "percent", "index", "exactly"), ("2,417.5 points", 2417.5, "measure", "index", "exactly")]),
    ("The Nord Stream 2 pipeline would double Russian gas shipments to Germany.", []),
    ("Boeing has delivered 12 of its Boeing 737 MAX jets since the grounding was lifted.",
     [("12", 12, "count", "jet", "exactly")]),
    ("The programme was first shown on Channel 4 in 2015.", [("2015", 2015, "date", None, None)]),
    ("Section 230 of the Communications Decency Act shields platforms from liability.", []),
    ("Leaders of the G20 met in Osaka as COVID-19 cases rose.", []),
    ("The Apollo 11 crew landed on the moon on July 20, 1969.", [("July 20, 1969", 1969, "date", None, None)]),
    ("He was elected in 2016 and took office on 20 January 2017.",
     [("2016", 2016, "date", None, None), ("20 January 2017", 2017, "date", None, None)]),
    ("The company was founded in the 1990s.", [("1990s", 1990, "date", None, None)]),
    ("The meeting will start at 10:30 a.m. local time.", [("10:30 a.m.", 10.3, "date", None, None)]),
    ("She finished third in the race, her first podium in two years.",
     [("third", 3, "ordinal", None, None), ("first", 1, "ordinal", None, None),
      ("two years", 2, "measure", None, "exactly")]),
    ("At first, officials denied the report.", []),
    ("One of the suspects was arrested on Monday.", []),
    ("One person died and four others were injured.",
     [("One", 1, "count", "person", "exactly"), ("four", 4, "count", "person", "exactly")]),
    ("The plane was carrying 239 passengers and crew.", [("239", 239, "count", "passenger", "exactly")]),
    ("A 45-year-old man has been charged.", [("45-year-old", 45, "measure", "age", "exactly")]),
    ("The project will cost an estimated 2.5 billion euros.",
     [("2.5 billion euros", 2.5e9, "money", "project", "about")]),
    ("Some 5,000 troops remain in the country.", [("5,000", 5000, "count", "troop", "about")]),
    ("Exports to China jumped 12.5% year on year to 1.8 trillion yuan.",
     [("12.5%", 12.5, "percent", "export", "exactly"), ("1.8 trillion yuan", 1.8e12, "money", "export", "exactly")]),
    ("Russia said it would expel 23 British diplomats, giving them a week to leave.",
     [("23", 23, "count", "diplomat", "exactly")]),
    ("The number of confirmed cases rose to 1,234 on Sunday.", [("1,234", 1234, "count", "case", "exactly")]),
    ("The death toll from the earthquake climbed to 2,100.", [("2,100", 2100, "count", "death", "exactly")]),
    ("Fewer than 100 of the 400 staff will keep their jobs.",
     [("100", 100, "count", "staff", "fewer than"), ("400", 400, "count", "staff", "exactly")]),
    ("The firm's shares fell by a third after the announcement.", [("a third", 1 / 3, "fraction", "share", "exactly")]),
    ("Half of all voters said they would back the proposal.", [("Half", 0.5, "fraction", "voter", "exactly")]),
    ("Two-thirds of the money will go to schools.", [("Two-thirds", 2 / 3, "fraction", "money", "exactly")]),
    ("The 7-Eleven chain has more than 70,000 stores worldwide.", [("70,000", 70000, "count", "store", "over")]),
    ("Formula One returns to Monaco next month.", []),
    ("World War Two ended in 1945.", [("1945", 1945, "date", None, None)]),
    ("Temperatures reached 45 degrees Celsius in parts of the country.",
     [("45 degrees Celsius", 45, "measure", "temperature", "exactly")]),
    ("The fire destroyed 1,500 hectares of forest.", [("1,500 hectares", 1500, "measure", "forest", "exactly")]),
    ("Three weeks ago, the minister resigned.", [("Three weeks ago", 3, "date", None, None)]),
    ("A thousand people attended the funeral.", [("A thousand", 1000, "count", "people", "exactly")]),
    ("Three hundred workers walked out.", [("Three hundred", 300, "count", "worker", "exactly")]),
    ("The bank raised interest rates by 0.25 percentage points to 5.25%.",
     [("0.25 percentage points", 0.25, "percent", "rate", "exactly"), ("5.25%", 5.25, "percent", "rate", "exactly")]),
    ("Hundreds of people lined the streets.", [("Hundreds", 100, "count", "people", "over")]),
    ("Tens of thousands of protesters marched through the capital.",
     [("Tens of thousands", 10000, "count", "protester", "over")]),
    ("The deal is worth $2.7bn.", [("$2.7bn", 2.7e9, "money", "deal", "exactly")]),
    ("Only 12 per cent of respondents backed the plan.", [("12 per cent", 12, "percent", "respondent", "exactly")]),
    ("Almost 40% of the country's electricity comes from coal.", [("40%", 40, "percent", "electricity", "nearly")]),
    ("A spokesman at 10 Downing Street declined to comment.", []),
    ("Interstate 95 was closed after a crash involving 12 vehicles.", [("12", 12, "count", "vehicle", "exactly")]),
    ("The iPhone 15 went on sale on Friday at $799.", [("$799", 799, "money", None, "exactly")]),
    ("Flight MH17 was shot down over eastern Ukraine in 2014, killing all 298 people on board.",
     [("2014", 2014, "date", None, None), ("298", 298, "count", "people", "exactly")]),
    ("The UN said 1.2 million children were at risk.", [("1.2 million", 1.2e6, "count", "child", "exactly")]),
    ("Around 60 percent of the 2,000 respondents said they were worried.",
     [("60 percent", 60, "percent", "respondent", "about"), ("2,000", 2000, "count", "respondent", "exactly")]),
    ("The company employs 1,500 people in Germany and plans to hire another 300.",
     [("1,500", 1500, "count", "people", "exactly"), ("300", 300, "count", "people", "exactly")]),
    ("The hurricane, a Category 4 storm, made landfall on Tuesday.", []),
    ("Article 50 was triggered on 29 March 2017.", [("29 March 2017", 2017, "date", None, None)]),
    ("Shares in the company have fallen 30 per cent since January, wiping £2bn off its value.",
     [("30 per cent", 30, "percent", "share", "exactly"), ("£2bn", 2e9, "money", None, "exactly")]),
    ("Four in ten Americans say the economy is getting worse.",
     [("Four", 4, "count", "Americans", "exactly"), ("ten", 10, "count", "Americans", "exactly")]),
    ("Russia is the world's second-largest oil producer.", [("second", 2, "ordinal", None, None)]),
    ("The world's No. 2 economy grew 6.9 percent.",
     [("No. 2", 2, "ordinal", None, None), ("6.9 percent", 6.9, "percent", "economy", "exactly")]),
    ("The rebels released 17 hostages — 12 Italians and five Germans — on Friday.",
     [("17", 17, "count", "hostage", "exactly"), ("12", 12, "count", "Italians", "exactly"),
      ("five", 5, "count", "Germans", "exactly")]),
    ("The measure cleared the chamber by 230 votes to 190, with 12 abstentions.",
     [("230 votes to 190", 230, "vote", "vote", "exactly", 190), ("12", 12, "count", "abstention", "exactly")]),
    ("Oil prices climbed above $80 a barrel for the first time since 2014.",
     [("$80", 80, "money", "price", "over"), ("first", 1, "ordinal", None, None), ("2014", 2014, "date", None, None)]),
    ("Up to 50,000 people could lose their homes, the report warned.", [("50,000", 50000, "count", "people", "up to")]),
    ("The ministry said 3.5 million doses had been delivered, bringing the total to 12 million.",
     [("3.5 million", 3.5e6, "count", "dose", "exactly"), ("12 million", 12e6, "count", "dose", "exactly")]),
    ("More than a quarter of households now own an electric car.",
     [("a quarter", 0.25, "fraction", "household", "over")]),
    ("The strike, now in its third week, has cost the economy an estimated $1.2 billion.",
     [("third", 3, "ordinal", None, None), ("$1.2 billion", 1.2e9, "money", None, "about")]),
    ("Police said 2,000 officers would be deployed for the 2024 Olympics.",
     [("2,000", 2000, "count", "officer", "exactly"), ("2024", 2024, "date", None, None)]),
    ("The plant produces 1,800 megawatts, enough to power 1.5 million homes.",
     [("1,800 megawatts", 1800, "measure", None, "exactly"), ("1.5 million", 1.5e6, "count", "home", "exactly")]),
    ("US forces numbered about 2,500 at the end of 2020.",
     [("2,500", 2500, "count", "force", "about"), ("2020", 2020, "date", None, None)]),
]


def _check(sentence, expected, got):
    errors, used = [], set()
    for e in expected:
        text, value, kind, noun, qual = e[:5]
        high = e[5] if len(e) > 5 else None
        found = [k for k, g in enumerate(got) if k not in used and g["kind"] == kind
                 and math.isclose(g["value"], value, rel_tol=1e-6)]
        if not found:
            errors.append(f"missing {e}")
            continue
        g = got[found[0]]
        used.add(found[0])
        if g["text"] != text:
            errors.append(f"text {g['text']!r} != {text!r}")
        if noun is not None and g["noun"] != noun:
            errors.append(f"noun {g['noun']!r} != {noun!r} ({text})")
        if qual is not None and g["qualifier"] != qual:
            errors.append(f"qualifier {g['qualifier']!r} != {qual!r} ({text})")
        if high is not None and g["value_high"] != high:
            errors.append(f"value_high {g['value_high']} != {high} ({text})")
    errors += [f"unexpected figure {g['text']!r} ({g['kind']}, {g['value']:g})" for k, g in enumerate(got)
               if k not in used]
    return errors


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_tricky_sentence(nlp, sentence, expected):
    got = F.find_figures(nlp(sentence))
    errors = _check(sentence, expected, got)
    assert not errors, f"{sentence}\n" + "\n".join(errors)


def test_offsets_point_at_the_figure(nlp):
    for sentence, _ in CASES:
        doc = nlp(sentence)
        for f in F.find_figures(doc):
            assert doc.text[f["start"]:f["end"]] == f["text"]


# ------------------------------------------------------------------------------------------------
# The number grammar
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("1,234,567", 1234567), ("3.75", 3.75), ("two", 2), ("twenty-five", 25), ("three hundred", 300),
    ("one hundred and twenty", 120), ("a thousand", 1000), ("1.2 million", 1.2e6), ("two and a half million", 2.5e6),
    ("a dozen", 12), ("two dozen", 24), ("nine thousand four hundred", 9400), ("5bn", 5e9),
])
def test_number_values(nlp, text, value):
    doc = nlp(text)
    num = F._parse_number(doc, 0)
    assert num is not None and num.end == len(doc) and math.isclose(num.value, value)


@pytest.mark.parametrize("sentence,value,unit", [
    ("The contract is worth $1.5bn.", 1.5e9, "USD"),
    ("It paid £300m for the site.", 3e8, "GBP"),
    ("The fine was €4 million.", 4e6, "EUR"),
    ("Revenue reached 2.3 trillion yen.", 2.3e12, "JPY"),
    ("He earned 50,000 rupees a month.", 5e4, "INR"),
    ("The ticket costs 19 cents.", 19, "cent"),
])
def test_money(nlp, sentence, value, unit):
    money = [f for f in F.find_figures(nlp(sentence)) if f["kind"] == "money"]
    assert len(money) == 1 and math.isclose(money[0]["value"], value) and money[0]["unit"] == unit


@pytest.mark.parametrize("sentence", [
    "Work on Nord Stream 2 resumed.", "He flew on a Boeing 737 to Lagos.", "She spoke to Channel 4 News.",
    "Repealing Section 230 is on the agenda.", "The G20 summit opened.", "COVID-19 spread quickly.",
    "The Apollo 11 mission made history.", "They met at 10 Downing Street.", "Formula One is popular.",
    "He bought a Samsung Galaxy S10 last year.", "The FTSE 100 index edged higher.",
    "At first, nobody answered.", "One of the victims was a child.", "No one was hurt.",
    "It happened a month ago.", "The Second World War ended badly for Germany.",
])
def test_numbers_in_names_and_idioms_are_not_counted(nlp, sentence):
    got = [f for f in F.find_figures(nlp(sentence)) if f["kind"] not in ("date",)]
    assert got == [], got


# ------------------------------------------------------------------------------------------------
# Seeds against hand-made gold
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_figures(seed_annotations):
    return seed_annotations.figures


def test_figures_table_follows_schema(seed_annotations):
    f = seed_annotations.figures
    assert list(f.columns) == schema.FIGURES.column_names
    texts = dict(zip(seed_annotations.articles["article_id"], seed_annotations.articles["text"]))
    for r in f.itertuples():
        assert texts[r.article_id][r.start:r.end] == r.text
        assert texts[r.article_id][r.sentence_start:r.sentence_end] == r.sentence
        assert r.figure_id.startswith(r.article_id + ":f")
    assert f["figure_id"].is_unique


def test_seed_gold(seed_annotations):
    gold, not_figures = F.load_gold(GOLD, seed_annotations.articles)
    assert len(gold) >= 10
    counted = F.evaluate(seed_annotations.figures, gold, not_figures)
    assert counted["name_errors"] == 0
    assert counted["value_precision"] >= 0.9 and counted["value_recall"] >= 0.9, counted
    assert counted["noun_accuracy"] >= 0.9, counted
    assert counted["qualifier_accuracy"] >= 0.9, counted
    every = F.evaluate(seed_annotations.figures, gold, not_figures, kinds=None)
    assert every["value_f1"] >= 0.9, every


def test_beats_the_raw_spacy_baseline(seed_annotations, nlp):
    gold, not_figures = F.load_gold(GOLD, seed_annotations.articles)
    base = []
    for r in seed_annotations.articles.itertuples():
        base += [{**f, "article_id": r.article_id} for f in F.baseline_figures(nlp(r.text))]
    ours = F.evaluate(seed_annotations.figures, gold, not_figures)
    theirs = F.evaluate(base, gold, not_figures)
    assert ours["noun_correct_of_gold"] > theirs["noun_correct_of_gold"]
    assert ours["value_f1"] >= theirs["value_f1"]


# ------------------------------------------------------------------------------------------------
# Across sources
# ------------------------------------------------------------------------------------------------

def _table(nlp, texts: dict[str, str]) -> pd.DataFrame:
    return pd.concat([F.extract_figures(nlp(t), article_id=k) for k, t in texts.items()], ignore_index=True)


def test_match_agreed_conflict_single_and_arithmetic(nlp):
    figs = _table(nlp, {
        "a": "Russia expelled 35 American diplomats on Friday. The embassy employs 120 staff.",
        "b": "Moscow ordered 40 American diplomats to leave. About 120 employees work at the embassy.",
        "c": "Of the 300 workers, 200 were laid off and 100 kept their jobs. Prices rose 5%.",
        "d": "Prices rose 4%, the union said. Some 300 workers were affected.",
    })
    m = F.match_figures(figs)
    assert list(m.columns) == schema.FIGURE_MATCHES.column_names
    row = lambda v, noun: m[(m["value"] == v) & (m["noun"] == noun)].iloc[0]  # noqa: E731
    assert row(35, "diplomat")["status"] == "conflict" and row(40, "diplomat")["status"] == "conflict"
    assert row(5, "price")["status"] == "conflict"
    agreed = row(120, "staff")
    assert agreed["status"] == "agreed" and agreed["articles"] == "a;b" and "qualifiers differ" in agreed["note"]
    total = row(300, "worker")
    assert total["status"] == "agreed" and "200 worker + 100 worker = 300" in total["note"]
    assert "part of a sum" in row(200, "worker")["note"]


def test_no_conflict_when_qualified_values_overlap_or_names_differ(nlp):
    figs = _table(nlp, {
        "a": "More than 1,000 workers were laid off. Police detained 50 Russian nationals.",
        "b": "The company laid off 1,200 workers. Police detained 30 Turkish nationals.",
    })
    m = F.match_figures(figs)
    assert not (m["status"] == "conflict").any(), m


def test_parts_summing_past_a_qualified_total(nlp):
    figs = _table(nlp, {
        "a": "The ministry said 600 soldiers would leave, bringing to 500 the number of soldiers who remain.",
        "b": "Over 1,000 soldiers are stationed there.",
    })
    m = F.match_figures(figs)
    note = m[m["value"] == 1000].iloc[0]["note"]
    assert "600 soldier + 500 soldier = 1,100, consistent with 'over 1,000' soldier" in note


def test_seed_matches(seed_annotations):
    m = seed_annotations.figure_matches
    agreed = m[m["status"] == "agreed"]
    assert {755.0, 455.0} <= set(agreed["value"])
    assert not (m["status"] == "conflict").any()
    over = m[(m["value"] == 1000) & (m["noun"] == "employee")].iloc[0]
    assert "1,210" in over["note"]


def test_empty_inputs(nlp):
    assert list(F.extract_figures(nlp("No numbers here."), article_id="x").columns) == schema.FIGURES.column_names
    assert F.match_figures(schema.empty("figures")).empty


# ------------------------------------------------------------------------------------------------
# Notebook helpers
# ------------------------------------------------------------------------------------------------

def test_notebook_helpers(seed_annotations):
    from newsbook import charts

    ann = seed_annotations
    kinds = F.as_kinds(["count", "vote"])
    table = F.agreement_table(ann.figure_matches, ann.figures, ann.articles, kinds=kinds)
    assert set(table["status"]) <= {"agreed", "single", "conflict"} and len(table) >= 3
    html = F.style_agreement(table).to_html()
    assert "background-color" in html
    assert len(F.figure_list(ann.figures, ann.articles, kinds=kinds)) == ann.figures["kind"].isin(kinds).sum()
    assert F.conflicts(ann.figure_matches, ann.figures, ann.articles, kinds=kinds).empty
    charts.figures_per_source_chart(F.figures_by_source(ann.figures, ann.articles, kinds=kinds)).to_dict()
    charts.figure_values_chart(F.values_by_noun(ann.figures, ann.articles, kinds=kinds)).to_dict()
    charts.figure_status_chart(ann.figure_matches).to_dict()
    with pytest.raises(ValueError):
        F.as_kinds(["counts"])


def test_styler_escapes_article_text():
    table = pd.DataFrame({"status": ["conflict"], "kind": ["count"], "value": [3.0], "noun": ["x"],
                          "n_articles": [1], "a": ["<script>alert(1)</script>"], "note": [""]})
    html = F.style_agreement(table).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_notebook_is_output_free():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "figures.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert 'corpus = "seeds"' in code[0].source and "kinds" in code[0].source
    assert "newsbook.annotate(corpus" in code[1].source
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)

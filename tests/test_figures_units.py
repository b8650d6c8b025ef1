"""Percent words, currencies of several words and multi-word units after a number, as spaCy
PhraseMatcher patterns (newsbook.figure_patterns, from rules/units.yaml and rules/currencies.yaml):
matched once per Doc and read by token; on our own wire-style sentences."""

from __future__ import annotations

import pytest

from newsbook import figures as F
from newsbook.figure_context import _currency_after, _percent_after, _unit_after
from newsbook.figure_lexicon import (AREA_PREFIXES, CURRENCY_PHRASES, DASHED_UNITS, DEGREE_UNITS, PER_WORDS,
                                     PERCENT_AFTER_NUMERAL, PERCENT_WORDS)
from newsbook.figure_patterns import pattern_matches


@pytest.fixture(scope="module")
def nlp():
    from newsbook.components import load_pipeline

    return load_pipeline()


def _row(nlp, sentence: str, number: str) -> dict:
    start = sentence.index(number)
    rows = [r for r in F.figures_in_text(sentence, nlp) if r["start"] <= start < r["end"]]
    assert rows, (sentence, F.figures_in_text(sentence, nlp))
    return rows[0]


@pytest.mark.parametrize("sentence, number, text, kind, unit", [
    ("Inflation eased to 2.1 per cent in March, the statistics office said.", "2.1", "2.1 per cent",
     "percent", "%"),
    ("The central bank raised rates by 50 basis points on Thursday.", "50", "50 basis points",
     "percent", "basis point"),
    ("Yields jumped 12 bps after the auction.", "12", "12 bps", "percent", "basis point"),
    ("Support for the party fell three percentage points in a month.", "three", "three percentage points",
     "percent", "percentage point"),
    ("Turnout was up 4 pc on the last election.", "4", "4 pc", "percent", "%"),
    ("The tycoon paid 3.5 billion Hong Kong dollars for the tower.", "3.5", "3.5 billion Hong Kong dollars",
     "money", "HKD"),
    ("The painting sold for 2 million pounds sterling at auction.", "2", "2 million pounds sterling",
     "money", "GBP"),
    ("Exporters were paid 800 U.S. dollars a tonne.", "800", "800 U.S. dollars", "money", "USD"),
    ("The fire destroyed 1,200 square kilometres of forest.", "1,200", "1,200 square kilometres",
     "measure", "square km"),
    ("The reservoir holds 40 cubic metres of water.", "40", "40 cubic metres", "measure", "cubic m"),
    ("The probe is now 4.2 light-years from Earth.", "4.2", "4.2 light-years", "measure", "light-year"),
    ("Temperatures reached 45 degrees Celsius in the south.", "45", "45 degrees Celsius", "measure", "°C"),
    ("Forecasters expect 104 degrees F in Phoenix on Sunday.", "104", "104 degrees F", "measure", "°F"),
    ("The pipeline carries 300,000 barrels per day to the coast.", "300,000", "300,000 barrels per day",
     "measure", "barrel per day"),
    ("Winds gusted at 90 miles an hour overnight.", "90", "90 miles an hour", "measure", "mph"),
])
def test_phrases_after_a_number(nlp, sentence, number, text, kind, unit):
    row = _row(nlp, sentence, number)
    assert (row["text"], row["kind"], row["unit"]) == (text, kind, unit)


def test_pc_is_a_percent_only_in_lower_case_after_a_numeral(nlp):
    doc = nlp("Sales rose 24 pc, while PC makers said 5 PC games sold and a pc broke.")
    words = [t.text for t in doc]
    pc = words.index("pc")
    assert _percent_after(doc, pc) == ("%", pc + 1)
    assert _percent_after(doc, words.index("PC")) is None  # no numeral before it
    assert _percent_after(doc, len(words) - 3) is None  # "a pc": no numeral
    upper = [i for i, w in enumerate(words) if w == "PC"][-1]
    assert _percent_after(doc, upper) is None  # "5 PC games": a computer's, in capitals


def test_matches_are_read_by_token(nlp):
    doc = nlp("It cost 40 Hong Kong dollars, 3 per cent more, for 2 sq km at 5 km per hour.")
    words = [t.text for t in doc]
    matches = pattern_matches(doc)
    hong = words.index("Hong")
    assert matches.currency[hong] == ("HKD", hong + 3)
    assert _currency_after(doc, hong) == ("HKD", hong + 3)
    per = words.index("per")
    assert matches.percent[per] == ("%", per + 2)
    sq = words.index("sq")
    assert _unit_after(doc, sq) == ("square km", sq + 2, False)
    km = len(words) - 1 - words[::-1].index("km")
    assert words[km] == "km" and _unit_after(doc, km) == ("km/h", km + 3, False)


def test_words_apart_from_a_unit_are_no_match(nlp):
    doc = nlp("Officials said a square in the old town was cleared within a day.")
    words = [t.text for t in doc]
    assert _unit_after(doc, words.index("square")) is None  # "square" before no unit
    assert words.index("square") not in pattern_matches(doc).unit
    within = words.index("within")
    assert pattern_matches(doc).per_time.get(within + 1) == ("day", within + 3)  # "a day" is matched,
    assert _unit_after(doc, within + 2) == ("day", within + 3, True)  # but joins only a unit of measure


def test_the_rule_file_sections_are_read():
    assert PERCENT_WORDS["per cent"] == "%" and PERCENT_WORDS["bps"] == "basis point"
    assert PERCENT_AFTER_NUMERAL == {"pc": "%"}
    assert CURRENCY_PHRASES["hong kong dollars"] == "HKD" and CURRENCY_PHRASES["pounds sterling"] == "GBP"
    assert AREA_PREFIXES["sq."] == "square" and DASHED_UNITS["light years"] == "light-year"
    assert DEGREE_UNITS["degrees celsius"] == "°C" and "per" in PER_WORDS


def test_phrases_are_lower_case():
    # matched on the tokens' lower-case forms: a capital in a rule file would never match
    for table in (PERCENT_WORDS, PERCENT_AFTER_NUMERAL, CURRENCY_PHRASES, AREA_PREFIXES, DASHED_UNITS, DEGREE_UNITS):
        assert [p for p in table if p != p.lower()] == []
    assert [w for w in PER_WORDS if w != w.lower()] == []

"""Qualifiers as spaCy patterns (newsbook.figure_patterns, from rules/qualifiers.yaml): matched once
per Doc and read by token; on our own wire-style sentences."""

from __future__ import annotations

import pytest

from newsbook import figures as F
from newsbook.figure_context import _qualifier_after, _qualifier_before
from newsbook.figure_lexicon import _QUAL_PATTERNS, GLUED_POST_QUALIFIERS, MODIFIER_ONLY_QUALIFIERS, POST_QUALIFIERS
from newsbook.figure_patterns import pattern_matches


@pytest.fixture(scope="module")
def nlp():
    from newsbook.components import load_pipeline

    return load_pipeline()


def _qualifier(nlp, sentence: str, number: str) -> str:
    start = sentence.index(number)
    rows = [r for r in F.figures_in_text(sentence, nlp) if r["start"] <= start < r["end"]]
    assert rows, (sentence, F.figures_in_text(sentence, nlp))
    return rows[0]["qualifier"]


@pytest.mark.parametrize("sentence, number, qualifier", [
    ("Well in excess of 4,000 homes lost power overnight.", "4,000", "over"),
    ("The storm left in the region of 300 people homeless.", "300", "about"),
    ("Rescuers pulled no fewer than 12 survivors from the rubble.", "12", "at least"),
    ("The airline will cut as many as 900 jobs.", "900", "up to"),
    ("Some 250 delegates attended the summit.", "250", "about"),
    ("The fund lost 40 million dollars or more last year.", "40 million", "at least"),
    ("The town has 50-plus cafes.", "50", "over"),
    ("A crowd of 20-odd protesters gathered outside.", "20", "about"),
    ("The firm hired 12 engineers.", "12", "exactly"),
])
def test_qualifiers_in_wire_sentences(nlp, sentence, number, qualifier):
    assert _qualifier(nlp, sentence, number) == qualifier


def test_the_longest_phrase_before_the_number_wins(nlp):
    doc = nlp("Officials counted slightly more than 80 ballots.")
    i = [t.text for t in doc].index("80")
    assert _qualifier_before(doc, i, 0) == ("over", i - 3)  # "slightly more than", not "more than"
    # within the sentence only: a phrase starting before the sentence's first token does not count
    assert _qualifier_before(doc, i, i - 1) == (None, i)


def test_some_qualifies_only_as_the_numbers_modifier(nlp):
    doc = nlp("Some of the 300 workers went home.")
    i = [t.text for t in doc].index("300")
    assert _qualifier_before(doc, 1, 0) == (None, 1)
    assert pattern_matches(doc).before.get(1) is None  # "Some" heads "of the 300": no match
    assert _qualifier_before(doc, i, 0) == (None, i)


def test_plus_before_a_noun_is_arithmetic(nlp):
    doc = nlp("The bill came to $5 plus interest.")
    j = [t.text for t in doc].index("plus")
    assert _qualifier_after(doc, j) == (None, j)
    doc = nlp("Crowds of 5,000-plus lined the route.")
    j = [t.text for t in doc].index("plus") - 1
    assert _qualifier_after(doc, j) == ("over", j + 2)


def test_the_rule_file_sections_are_read():
    assert (("in", "excess", "of"), "over") in _QUAL_PATTERNS
    assert "some" in MODIFIER_ONLY_QUALIFIERS and set(GLUED_POST_QUALIFIERS) == {"plus", "odd"}
    assert all((w,) in POST_QUALIFIERS for w in GLUED_POST_QUALIFIERS)


def test_qualifier_phrases_are_lower_case():
    # they are matched on the tokens' lower-case forms: a capital in the file would never match
    assert [w for words, _ in _QUAL_PATTERNS for w in words if w != w.lower()] == []
    assert [w for words in POST_QUALIFIERS for w in words if w != w.lower()] == []


@pytest.mark.parametrize("sentence, number", [
    ("A 34-year-old driver was arrested at the scene.", "34"),
    ("The 71 year old senator announced his retirement.", "71"),
    ("Police said the victim, a 19-years-old student, was unharmed.", "19"),
])
def test_an_age_after_a_number_is_matched_by_pattern(nlp, sentence, number):
    rows = [r for r in F.figures_in_text(sentence, nlp) if r["start"] == sentence.index(number)]
    assert rows and rows[0]["unit"] == "year" and rows[0]["noun"] == "age", rows


def test_age_words_come_from_the_rule_file(nlp):
    from newsbook.figure_lexicon import AGE_OLD, AGE_YEARS

    assert "years" in AGE_YEARS and "old" in AGE_OLD
    doc = nlp("The 40-year-old and the 40 years old.")
    ages = pattern_matches(doc).age
    # "-year-old" is matched from its dash and from "year" (a compound's noun is read from either)
    assert sorted((doc[s].text, doc[e - 1].text) for s, e in ages.items()) == \
        [("-", "old"), ("year", "old"), ("years", "old")]


@pytest.mark.parametrize("sentence, number, qualifier", [
    ("Several hundred residents were evacuated on Monday.", "hundred", "several"),
    ("The deal is worth a few million euros, analysts said.", "million", "several"),
])
def test_several_before_a_scale_word(nlp, sentence, number, qualifier):
    assert _qualifier(nlp, sentence, number) == qualifier


def test_scale_and_fallback_phrases_come_from_the_rule_file(nlp):
    from newsbook.figure_lexicon import FALLBACK_QUALIFIERS, SCALE_QUALIFIERS

    assert SCALE_QUALIFIERS["a few"] == "several" and FALLBACK_QUALIFIERS["some a"] == "about"
    doc = nlp("Officials said a few thousand and some a dozen more.")
    words = [t.text for t in doc]
    matches = pattern_matches(doc)
    assert matches.scale_before[words.index("thousand")] == ("several", words.index("a"))
    dozen = words.index("dozen")
    assert matches.fallback_before[dozen] == ("about", dozen - 2)  # "some a" ends right before "dozen"

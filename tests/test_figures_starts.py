"""Where the figures scan looks (`figure_candidates._may_start_at`): its cheap first test (a digit
or one of `_start_words`) must never turn away a word the full test accepts."""

from __future__ import annotations

import itertools

from newsbook import figure_lexicon as L
from newsbook.figure_numbers import _START_WORDS, _may_start_figure


def _words() -> set[str]:
    words = set()
    for table in (L.UNITS_WORDS, L.TENS_WORDS, L.SCALE_WORDS, L.ORDINAL_WORDS, L.VAGUE_PLURALS, L.CURRENCY_PREFIX,
                  L.FRACTION_DENOMS, L.MONTHS, L.MEASURE_UNITS, L.TIME_UNITS, L.CURRENCY_WORDS):
        words |= set(table)
    words |= {f"{a}-{b}" for a, b in itertools.product(L.TENS_WORDS, [*L.UNITS_WORDS, *L.ORDINAL_WORDS])}
    words |= set("The council said between from a an half several few dozen dozens US$ Rs about".split())
    return {form for w in words for form in (w, w.upper(), w.title())}


def test_every_word_a_figure_may_start_at_passes_the_first_test():
    missed = [w for w in _words() if _may_start_figure(w, w.lower()) and w.lower() not in _START_WORDS
              and not any(c.isdigit() for c in w)]
    assert missed == []


def test_the_first_test_keeps_numbers_and_drops_plain_words():
    from newsbook.figure_numbers import _may_start_at

    assert all(_may_start_at(w) for w in ["300", "US$4bn", "twenty-five", "Half", "between", "$", "1990s"])
    assert not any(_may_start_at(w) for w in ["council", "Tuesday", ",", "\n\n", "Reuters"])

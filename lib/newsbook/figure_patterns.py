"""The figures stage's token patterns as spaCy matchers: the qualifier phrases of
rules/qualifiers.yaml ("more than 40", "300 or so", "50-plus"), the age words of rules/units.yaml
("20-year-old"), its percent words ("per cent", "percentage points", "bp") and unit phrases
("square km", "light-year", "degrees Celsius", "per hour"), and the currency phrases of
rules/currencies.yaml ("Hong Kong dollars", "pounds sterling") become `PhraseMatcher` patterns, built
once per vocabulary, run once per Doc, and their matches are indexed by token, so that "which
qualifier ends right before token i?" or "which percent word starts at token j?" is a dictionary
look-up, not a loop over words."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

from .figure_lexicon import (AGE_OLD, AGE_YEARS, AREA_PREFIXES, CURRENCY_PHRASES, DASHED_UNITS, DEGREE_UNITS,
                             FALLBACK_QUALIFIERS, GLUED_POST_QUALIFIERS, SCALE_QUALIFIERS, MEASURE_UNITS, MODIFIER_DEPS, MODIFIER_ONLY_QUALIFIERS,
                             PER_WORDS, PERCENT_AFTER_NUMERAL, PERCENT_WORDS, POST_QUALIFIERS, TIME_UNITS, _DASHES,
                             _QUAL_PATTERNS)
from .nlp import doc_cache, doc_tokens

# the phrases written after a number, in the rule file's order (tried in that order)
POST_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = tuple(POST_QUALIFIERS.items())


class PatternMatches(NamedTuple):
    """A Doc's pattern matches by token. Places index `_QUAL_PATTERNS` (longest phrase first) and
    `POST_PATTERNS`; each list is sorted by place, so its first entry is the one that wins."""

    before: dict[int, list[tuple[int, int]]]  # token after the phrase -> [(place, first token)]
    after: dict[int, list[tuple[int, int]]]  # first token of the phrase -> [(place, end)]
    glued: dict[int, tuple[str, int]]  # the dash of "50-plus" -> (normalised qualifier, end)
    age: dict[int, int]  # first token of "-year-old" -> its end
    # first token of the phrase -> (normalised unit, end); the longest phrase at a token wins
    percent: dict[int, tuple[str, int]]  # "%", "per cent", "percentage points", "bp"
    currency: dict[int, tuple[str, int]]  # "Hong Kong dollars", "pounds sterling"
    unit: dict[int, tuple[str, int]]  # "square km", "light-year", "degrees Celsius"
    per_time: dict[int, tuple[str, int]]  # "per hour", "a day": the time unit after a unit of measure
    # token after the phrase -> (normalised qualifier, first token); the longest phrase wins
    scale_before: dict[int, tuple[str, int]]  # "several", "a few" (before "hundred")
    fallback_before: dict[int, tuple[str, int]]  # "some a"


def _split(phrases: dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases written with spaces between words -> {normalised value: [word sequences]}."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase, value in phrases.items():
        grouped.setdefault(value, []).append(tuple(phrase.split()))
    return grouped


def _unit_phrases() -> dict[str, list[tuple[str, ...]]]:
    """units.yaml's multi-word units: an area or volume prefix before any unit of measure ("square km"
    -> "square km", "sq. metres" -> "square m"), words joined by a dash ("light-year"), degrees with
    their scale ("degrees Celsius")."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for prefix, written in AREA_PREFIXES.items():
        for word, unit in MEASURE_UNITS.items():
            grouped.setdefault(f"{written} {unit}", []).append((prefix, word))
    for phrase, unit in DASHED_UNITS.items():
        words = phrase.split()
        grouped.setdefault(unit, []).extend(
            tuple(part for k, word in enumerate(words) for part in ((dash, word) if k else (word,)))
            for dash in sorted(_DASHES))
    for unit, sequences in _split(DEGREE_UNITS).items():
        grouped.setdefault(unit, []).extend(sequences)
    return grouped


@functools.lru_cache(maxsize=4)
def _matcher(vocab: Vocab):
    """(PhraseMatcher on LOWER, match id -> (side, place or value)) for the qualifier, age, percent,
    currency and unit rules. A PhraseMatcher, not a Matcher: on a 600-token article the Matcher costs
    ten times as much (it builds a Token object per position), so the conditions beyond the words
    themselves — a dependency label (`modifier_only`), a dash glued on both sides (`glued_after`), a
    lower-case word right after a numeral (`percent_after_numeral`) — are checked on the few
    matches, from the same rule files."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    phrases = PhraseMatcher(vocab, attr="LOWER")
    meaning: dict[int, tuple[str, object]] = {}

    def add(name: str, side: str, what, sequences) -> None:
        meaning[vocab.strings.add(name)] = (side, what)
        phrases.add(name, [Doc(vocab, words=list(words)) for words in sequences])

    for place, (words, _) in enumerate(_QUAL_PATTERNS):
        add(f"newsbook_qualifier_before_{place}", "before", place, [words])
    for place, (words, _) in enumerate(POST_PATTERNS):
        add(f"newsbook_qualifier_after_{place}", "after", place, [words])
    for word in GLUED_POST_QUALIFIERS:
        add(f"newsbook_qualifier_glued_{word}", "glued", POST_QUALIFIERS[(word,)],
            [(dash, word) for dash in sorted(_DASHES)])
    dashes = [(), *((dash,) for dash in sorted(_DASHES))]  # a dash, or none, before each word
    add("newsbook_age", "age", None, [(*d1, years, *d2, old) for d1 in dashes for years in AGE_YEARS
                                      for d2 in dashes for old in AGE_OLD])
    for side, grouped in (("percent", _split(PERCENT_WORDS)), ("percent_numeral", _split(PERCENT_AFTER_NUMERAL)),
                          ("currency", _split(CURRENCY_PHRASES)), ("unit", _unit_phrases()),
                          ("per_time", {unit: [(per, word) for per in PER_WORDS for word, u in TIME_UNITS.items()
                                               if u == unit] for unit in dict.fromkeys(TIME_UNITS.values())})):
        for value, sequences in grouped.items():
            add(f"newsbook_{side}_{value}", side, value, sequences)
    for side, grouped in (("scale_before", _split(SCALE_QUALIFIERS)), ("fallback_before", _split(FALLBACK_QUALIFIERS))):
        for value, sequences in grouped.items():
            add(f"newsbook_qualifier_{side}_{value}", side, value, sequences)
    return phrases, meaning


def _keep_longest(found: dict[int, tuple[str, int]], start: int, value: str, end: int) -> None:
    if start not in found or found[start][1] < end:
        found[start] = (value, end)


def _keep_longest_before(found: dict[int, tuple[str, int]], start: int, value: str, end: int) -> None:
    if end not in found or found[end][1] > start:
        found[end] = (value, start)


def pattern_matches(doc: Doc) -> PatternMatches:
    """The qualifier and age phrases in `doc`, matched once per Doc (cached with the Doc's other facts)."""
    cache = doc_cache(doc)
    found = cache.get("newsbook_pattern_matches")
    if found is None:
        phrases, meaning = _matcher(doc.vocab)
        tokens = doc_tokens(doc)
        before: dict[int, list[tuple[int, int]]] = {}
        after: dict[int, list[tuple[int, int]]] = {}
        glued: dict[int, tuple[str, int]] = {}
        age: dict[int, int] = {}
        by_side: dict[str, dict[int, tuple[str, int]]] = {"percent": {}, "currency": {}, "unit": {}, "per_time": {}}
        by_end: dict[str, dict[int, tuple[str, int]]] = {"scale_before": {}, "fallback_before": {}}
        for match_id, start, end in phrases(doc):
            side, what = meaning[match_id]
            if side == "before":
                words = _QUAL_PATTERNS[what][0]
                if len(words) == 1 and words[0] in MODIFIER_ONLY_QUALIFIERS and tokens[start].dep_ not in MODIFIER_DEPS:
                    continue  # "some of the 300": not the number's modifier
                before.setdefault(end, []).append((what, start))
            elif side == "after":
                after.setdefault(start, []).append((what, end))
            elif side == "age":
                age[start] = end
            elif side in by_side:
                _keep_longest(by_side[side], start, what, end)
            elif side in by_end:
                _keep_longest_before(by_end[side], start, what, end)
            elif side == "percent_numeral":
                # "24 pc": only written in lower case right after a numeral ("PC", "a pc" are computers)
                if start > 0 and tokens[start].text == tokens[start].lower_ and tokens[start - 1].like_num:
                    _keep_longest(by_side["percent"], start, what, end)
            elif tokens[start].whitespace_ == "":  # "50-plus", not "50 - plus"
                glued[start] = (what, end)
        for hits in (*before.values(), *after.values()):
            hits.sort()
        found = cache["newsbook_pattern_matches"] = PatternMatches(before, after, glued, age, **by_side, **by_end)
    return found

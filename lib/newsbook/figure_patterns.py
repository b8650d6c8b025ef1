"""The figures stage's token patterns as spaCy matchers: the qualifier phrases of
rules/qualifiers.yaml ("more than 40", "300 or so", "50-plus") and the age words of rules/units.yaml
("20-year-old") become `PhraseMatcher` patterns, built once per vocabulary, run once per Doc, and
their matches are indexed by token, so that "which qualifier ends right before token i?" is a
dictionary look-up, not a loop over words."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

from .figure_lexicon import (AGE_OLD, AGE_YEARS, GLUED_POST_QUALIFIERS, MODIFIER_DEPS, MODIFIER_ONLY_QUALIFIERS, POST_QUALIFIERS,
                             _DASHES, _QUAL_PATTERNS)
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


@functools.lru_cache(maxsize=4)
def _matcher(vocab: Vocab):
    """(PhraseMatcher on LOWER, match id -> (side, place or qualifier)) for the qualifier and age rules.
    A PhraseMatcher, not a Matcher: on a 600-token article the Matcher costs ten times as much
    (it builds a Token object per position), so the two conditions beyond the words themselves —
    a dependency label (`modifier_only`) and a dash glued on both sides (`glued_after`) — are
    checked on the few matches, from the same rule file."""
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
    return phrases, meaning


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
            elif tokens[start].whitespace_ == "":  # "50-plus", not "50 - plus"
                glued[start] = (what, end)
        for hits in (*before.values(), *after.values()):
            hits.sort()
        found = cache["newsbook_pattern_matches"] = PatternMatches(before, after, glued, age)
    return found

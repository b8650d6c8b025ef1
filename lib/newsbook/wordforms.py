"""Word forms for comparing texts: the one stemmer (Snowball's English stemmer) and the one stop-word
list (spaCy's English stop words) newsbook uses where two texts are compared word by word: quotes
across outlets (`newsbook.compare`: both) and articles into stories (`newsbook.stories`: the stop
words; its terms fold plurals only, since the Snowball stem grouped ECB+ dev a little worse), and
the root a figure's noun and context are compared by (`derivational_root`, `newsbook.figure_matching`).

Both are loaded on first use: `import newsbook` in a kernel that only reads saved tables must not
pay for importing spaCy."""

from __future__ import annotations

import functools
import threading

_local = threading.local()  # a Snowball stemmer object keeps state while it stems: one per thread


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@functools.lru_cache(maxsize=1 << 17)  # pure; a corpus repeats the same words many times
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-case word: changes/changing -> chang,
    diplomats -> diplomat, countries -> countri."""
    return _stemmer().stemWord(word)


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_DERIVATIONAL_SUFFIXES = ("ically", "ical", "ic", "ies", "es", "s", "al", "ian", "ers", "er")


@functools.lru_cache(maxsize=1 << 16)
def derivational_root(word: str) -> str:
    """`word` lower-cased without one suffix (-ically, -ical, -ic, -ies, -es, -s, -al, -ian, -ers, -er)
    when 4+ letters remain: diplomats -> diplomat, economic -> econom, Russian -> russ, farmers -> farmer.
    What figure matching compares a figure's noun and context words by.  Kept beside `stem` on
    purpose: with Snowball stems instead, figure matching lost 9 and gained 6 conflicts on 300 real
    articles, the gained ones wrong ("the 30-odd seats he had been predicted to win" against "the
    76-seat majority"; "102,000 coins" against "the new 12-sided £1 coin")."""
    lower = word.lower()
    for suffix in _DERIVATIONAL_SUFFIXES:
        if len(lower) - len(suffix) >= 4 and lower.endswith(suffix):
            return lower[: -len(suffix)]
    return lower

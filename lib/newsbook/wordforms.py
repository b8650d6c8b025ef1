"""Word forms for comparing texts: the one stemmer (Snowball's English stemmer) and the one stop-word
list (spaCy's English stop words) newsbook uses where two texts are compared word by word: quotes
across outlets (`newsbook.compare`: both) and articles into stories (`newsbook.stories`: the stop
words; its terms fold plurals only, since the Snowball stem grouped ECB+ dev a little worse).

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

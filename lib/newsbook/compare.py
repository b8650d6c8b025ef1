"""Comparisons across sources: the same statement quoted by several outlets, the same figure
stated (or contradicted) by several outlets."""

from __future__ import annotations

import pandas as pd

from . import schema

# --- quotes (owned by the quotes work) -------------------------------------------------------


import re as _re

from rapidfuzz import fuzz as _fuzz
from spacy.lang.en.stop_words import STOP_WORDS as _STOP_WORDS

_CONTRACTIONS = (
    (r"\bwon['’]t\b", "will not"), (r"\bcan['’]t\b", "can not"), (r"\bshan['’]t\b", "shall not"),
    (r"n['’]t\b", " not"), (r"['’]re\b", " are"), (r"['’]ve\b", " have"), (r"['’]ll\b", " will"),
    (r"['’]d\b", " would"), (r"\bi['’]m\b", "i am"), (r"['’]s\b", ""), (r"\bcannot\b", "can not"),
)
_QUOTE_WORD = _re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MIN_CONTENT_WORDS = 5  # shorter quotes need near-identity to count as the same statement


def _normalise_quote(text: str) -> str:
    text = str(text).lower().replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    for pattern, repl in _CONTRACTIONS:
        text = _re.sub(pattern, repl, text)
    return " ".join(_QUOTE_WORD.findall(text))


def _stem(word: str) -> str:
    """A light stemmer: change/changes/changed/changing -> chang; waited -> wait."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _content_stems(normalised: str) -> set[str]:
    return {_stem(w) for w in normalised.split() if w not in _STOP_WORDS}


def _rescale(ratio: float) -> float:
    """rapidfuzz ratios of two unrelated English sentences sit around 0.5: map 0.5..1 to 0..1."""
    return max(0.0, (ratio - 0.5) / 0.5)


def quote_similarity(a: str, b: str, weights: dict[str, float] | None = None) -> float:
    """0..1: how likely two quotes render the same statement, translated or trimmed differently.

    Mostly content-word overlap (light stems, numbers included) measured on the shorter quote, as
    one outlet may quote more of a statement than the other; words can be weighted (`weights`,
    e.g. inverse document frequency over the corpus' quotes, so that the story's topic words count
    little). Blended with token-set and best-window character similarity (rapidfuzz). Quotes with
    fewer than five content words are scaled down, so that a shared word or two never make a
    match on their own."""
    na, nb = _normalise_quote(a), _normalise_quote(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ca, cb = _content_stems(na), _content_stems(nb)
    if not ca or not cb:
        return 0.0
    w = (lambda t: weights.get(t, 1.0)) if weights else (lambda t: 1.0)
    shared = sum(w(t) for t in ca & cb)
    overlap = shared / max(1e-9, min(sum(w(t) for t in ca), sum(w(t) for t in cb)))
    shorter, longer = (na, nb) if len(na) <= len(nb) else (nb, na)
    token_set = _rescale(_fuzz.token_set_ratio(na, nb) / 100)
    window = _rescale(_fuzz.partial_ratio(shorter, longer) / 100) if len(shorter) >= 12 else 0.0
    score = 0.6 * min(1.0, overlap) + 0.2 * token_set + 0.2 * window
    n = min(len(ca), len(cb))
    if n < _MIN_CONTENT_WORDS:
        score *= n / _MIN_CONTENT_WORDS
    return round(float(min(1.0, score)), 4)


def quote_word_weights(texts) -> dict[str, float]:
    """Inverse document frequency of content stems over a set of quotes (smoothed, >= 0.2)."""
    import math

    texts = [str(t) for t in texts]
    df: dict[str, int] = {}
    for t in texts:
        for stem in _content_stems(_normalise_quote(t)):
            df[stem] = df.get(stem, 0) + 1
    n = len(texts)
    return {stem: max(0.2, math.log((n + 1) / (d + 0.5))) for stem, d in df.items()}


def match_quotes(quotes: pd.DataFrame, *, min_similarity: float = 0.5) -> pd.DataFrame:
    """Pairs of quotes from different articles that render the same statement (`quote_matches`).

    Every quote is compared with every quote of every other article (direct and reported speech
    alike: a paraphrase may render a direct quote); for each pair of articles the pairs are taken
    best first, each quote at most once (so a statement quoted in two pieces is matched where it
    fits best). A pair whose speakers are both known and differ is scored 20% lower."""
    if quotes is None or quotes.empty:
        return schema.empty("quote_matches")
    rows = quotes.reset_index(drop=True)
    articles = list(dict.fromkeys(rows["article_id"]))
    weights = quote_word_weights(rows["quote"])
    found = []
    for ai, art_a in enumerate(articles):
        qa = rows[rows["article_id"] == art_a]
        for art_b in articles[ai + 1:]:
            qb = rows[rows["article_id"] == art_b]
            scored = []
            for ra in qa.itertuples(index=False):
                for rb in qb.itertuples(index=False):
                    sim = quote_similarity(ra.quote, rb.quote, weights)
                    sa, sb = str(ra.speaker or ""), str(rb.speaker or "")
                    if sa and sb and sa != sb:
                        sim *= 0.8
                    if sim >= min_similarity:
                        scored.append((sim, ra, rb))
            scored.sort(key=lambda t: (-t[0], t[1].start, t[2].start))
            used_a, used_b = set(), set()
            for sim, ra, rb in scored:
                if ra.quote_id in used_a or rb.quote_id in used_b:
                    continue
                used_a.add(ra.quote_id)
                used_b.add(rb.quote_id)
                sa, sb = str(ra.speaker or ""), str(rb.speaker or "")
                found.append({
                    "article_id_a": art_a, "quote_id_a": ra.quote_id, "quote_a": ra.quote,
                    "article_id_b": art_b, "quote_id_b": rb.quote_id, "quote_b": rb.quote,
                    "speaker": sa if sa == sb else f"{sa or '?'} / {sb or '?'}",
                    "similarity": round(float(sim), 4),
                })
    if not found:
        return schema.empty("quote_matches")
    out = pd.DataFrame(found).sort_values("similarity", ascending=False)
    return schema.conform("quote_matches", out)


# --- figures (owned by the figures work) -----------------------------------------------------


def match_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures grouped across articles: agreed, conflict, single (`figure_matches`), with arithmetic
    relations (parts that sum to, or exceed, a stated total) in `note`.  The rules are documented in
    newsbook.figures.match_figures."""
    from . import figures as _figures

    return _figures.match_figures(figures)

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
    return _similarity_normalised(na, nb, _content_stems(na), _content_stems(nb), weights)


def _similarity_normalised(na: str, nb: str, ca: set, cb: set, weights: dict[str, float] | None) -> float:
    """quote_similarity of two different, non-empty normalised quotes with their content stems."""
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


def _speakers_disagree(ra, rb) -> bool:
    sa, sb = str(ra.speaker or ""), str(rb.speaker or "")
    return bool(sa and sb and sa != sb)


def _select_matches(art_a, art_b, scored: list, found: list) -> None:
    """The selection rule shared by both paths: `scored` holds (similarity, row_a, row_b) in the
    order of the nested loop over the two articles' quotes; pairs best first, each quote once."""
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


def _finish_matches(found: list) -> pd.DataFrame:
    if not found:
        return schema.empty("quote_matches")
    out = pd.DataFrame(found).sort_values("similarity", ascending=False)
    return schema.conform("quote_matches", out)


def _match_quotes_exhaustive(quotes: pd.DataFrame, *, min_similarity: float = 0.5) -> pd.DataFrame:
    """Every quote against every quote of every other article (quadratic; the reference path, and
    the path for min_similarity <= 0.4, where quotes sharing no content word may still match)."""
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
                    if _speakers_disagree(ra, rb):
                        sim *= 0.8
                    if sim >= min_similarity:
                        scored.append((sim, ra, rb))
            _select_matches(art_a, art_b, scored, found)
    return _finish_matches(found)


# Scores are rounded to 4 decimals before the threshold: bounds below keep this much margin (and
# absorb float differences in summing weights), so that pruning never drops a pair that reaches it.
_BOUND_MARGIN = 1e-4


def _quote_candidates(stems: list, w_sum, art, weights: dict, df: dict, floor: float):
    """Candidate pairs (i < j, different articles) that may score >= floor, as int64 codes i*n+j.

    quote_similarity <= (0.6*overlap + 0.4) * min(1, c/5) with overlap = shared weight / min(W_a, W_b)
    and c the smaller number of content stems; so for x, the quote with the smaller total weight W_x,
    a match needs shared >= theta_x * W_x, theta_x = (floor / min(1, |c_x|/5) - 0.4) / 0.6. Order
    each quote's stems rarest first (document frequency, then the stem) and cut off the longest tail
    of common stems whose weight is < theta_x * W_x (prefix filtering): a match must then share a
    stem of x's prefix, and only prefix stems are looked up. The stems cut off are the very common
    ones (low IDF weight), cut only as far as this bound proves no pair is lost: a common stem stays
    in the prefix of a quote made mostly of common words."""
    import bisect

    import numpy as np

    n = len(stems)
    postings: dict[str, list[int]] = {}
    for i in np.argsort(w_sum, kind="stable").tolist():  # postings sorted by total weight
        for t in stems[i]:
            postings.setdefault(t, []).append(i)
    post_idx = {t: np.asarray(v, dtype=np.int64) for t, v in postings.items()}
    post_w = {t: [w_sum[i] for i in v] for t, v in postings.items()}
    art = np.asarray(art, dtype=np.int64)
    chunks = []
    for x in range(n):
        cx = stems[x]
        if not cx:
            continue
        theta = (floor / min(1.0, len(cx) / _MIN_CONTENT_WORDS) - 0.4) / 0.6
        wx = w_sum[x]
        need = theta * wx - 1e-9 * max(1.0, wx)
        if need > wx:
            continue  # x cannot be the lighter quote of any pair that reaches the floor
        ordered = sorted(cx, key=lambda t: (df[t], t))
        tail = 0.0
        cut = len(ordered)
        while cut > 0 and tail + weights.get(ordered[cut - 1], 1.0) < need:
            cut -= 1
            tail += weights.get(ordered[cut], 1.0)
        parts = []
        for t in ordered[:cut]:
            lo = bisect.bisect_left(post_w[t], wx - 1e-9 * max(1.0, wx))
            if lo < len(post_w[t]):
                parts.append(post_idx[t][lo:])
        if not parts:
            continue
        ys = np.concatenate(parts) if len(parts) > 1 else parts[0]
        ys = ys[art[ys] != art[x]]
        if not len(ys):
            continue
        ys = np.unique(ys)
        chunks.append(np.minimum(ys, x) * n + np.maximum(ys, x))
    if not chunks:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(chunks))


def match_quotes(quotes: pd.DataFrame, *, min_similarity: float = 0.5) -> pd.DataFrame:
    """Pairs of quotes from different articles that render the same statement (`quote_matches`).

    Every quote is compared with every quote of every other article (direct and reported speech
    alike: a paraphrase may render a direct quote); for each pair of articles the pairs are taken
    best first, each quote at most once (so a statement quoted in two pieces is matched where it
    fits best). A pair whose speakers are both known and differ is scored 20% lower.

    Scales near-linearly: a pair sharing no content stem scores at most 0.4 (token-set and window
    similarity only), so for min_similarity > 0.4 only pairs found through an inverted index of
    content stems (`_quote_candidates`, which skips very common stems where provably safe) and
    pairs of identical normalised quotes are scored; the result equals the exhaustive comparison
    (`_match_quotes_exhaustive`, used as is for min_similarity <= 0.4)."""
    if quotes is None or quotes.empty:
        return schema.empty("quote_matches")
    if min_similarity <= 0.4 + _BOUND_MARGIN:
        return _match_quotes_exhaustive(quotes, min_similarity=min_similarity)
    rows = quotes.reset_index(drop=True)
    articles = list(dict.fromkeys(rows["article_id"]))
    art_index = {}
    for i, a in enumerate(articles):
        if a == a:  # the exhaustive path selects rows by ==, which never holds for NaN
            art_index.setdefault(a, i)
    weights = quote_word_weights(rows["quote"])
    recs = list(rows.itertuples(index=False))
    n = len(recs)
    norms = [_normalise_quote(r.quote) for r in recs]
    stems = [_content_stems(t) for t in norms]
    art = [art_index.get(r.article_id, -1) if r.article_id == r.article_id else -1 for r in recs]
    w_sum = [sum(weights.get(t, 1.0) for t in s) for s in stems]
    df: dict[str, int] = {}
    for s in stems:
        for t in s:
            df[t] = df.get(t, 0) + 1
    floor = min_similarity - _BOUND_MARGIN
    live = [i for i in range(n) if art[i] >= 0]
    # only rows of a real article take part (a row with a NaN article id never matches)
    codes = _quote_candidates([stems[i] for i in live], [w_sum[i] for i in live], [art[i] for i in live],
                              weights, df, floor)
    m = len(live)
    pairs = {(live[int(c) // m], live[int(c) % m]) for c in codes} if m else set()
    same: dict[str, list[int]] = {}
    for i in live:  # identical normalised quotes score 1.0 even without content words
        if norms[i]:
            same.setdefault(norms[i], []).append(i)
    for members in same.values():
        for p in range(len(members)):
            for q in range(p + 1, len(members)):
                if art[members[p]] != art[members[q]]:
                    pairs.add((members[p], members[q]))
    by_articles: dict[tuple[int, int], list] = {}
    for i, j in pairs:
        if art[i] > art[j]:
            i, j = j, i
        ra, rb = recs[i], recs[j]
        disagree = _speakers_disagree(ra, rb)
        if norms[i] != norms[j]:
            ci, cj = stems[i], stems[j]
            if not ci or not cj:
                continue
            shared = sum(weights.get(t, 1.0) for t in ci & cj)
            overlap = min(1.0, shared / max(1e-9, min(w_sum[i], w_sum[j])))
            bound = (0.6 * overlap + 0.4 + 1e-6) * min(1.0, min(len(ci), len(cj)) / _MIN_CONTENT_WORDS)
            if bound * (0.8 if disagree else 1.0) < floor:
                continue
        if not norms[i] or not norms[j]:
            sim = 0.0
        elif norms[i] == norms[j]:
            sim = 1.0
        else:  # = quote_similarity(ra.quote, rb.quote, weights), without normalising again
            sim = _similarity_normalised(norms[i], norms[j], stems[i], stems[j], weights)
        if disagree:
            sim *= 0.8
        if sim >= min_similarity:
            by_articles.setdefault((art[i], art[j]), []).append((i, j, sim))
    found: list = []
    for (ai, bi) in sorted(by_articles):
        cands = sorted(by_articles[(ai, bi)], key=lambda t: (t[0], t[1]))  # the nested-loop order
        _select_matches(articles[ai], articles[bi], [(sim, recs[i], recs[j]) for i, j, sim in cands], found)
    return _finish_matches(found)


# --- figures (owned by the figures work) -----------------------------------------------------


def match_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures grouped across articles: agreed, conflict, single (`figure_matches`), with arithmetic
    relations (parts that sum to, or exceed, a stated total) in `note`.  The rules are documented in
    newsbook.figures.match_figures."""
    from . import figures as _figures

    return _figures.match_figures(figures)

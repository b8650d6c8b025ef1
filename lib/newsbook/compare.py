"""Comparisons across sources: the same statement quoted by several outlets, the same figure
stated (or contradicted) by several outlets."""

from __future__ import annotations

import pandas as pd

from . import schema

# --- quotes (owned by the quotes work) -------------------------------------------------------


import math as _math
import re as _re

from rapidfuzz import fuzz as _fuzz

from . import wordforms as _wordforms

_CONTRACTIONS = (
    (r"\bwon['’]t\b", "will not"), (r"\bcan['’]t\b", "can not"), (r"\bshan['’]t\b", "shall not"),
    (r"n['’]t\b", " not"), (r"['’]re\b", " are"), (r"['’]ve\b", " have"), (r"['’]ll\b", " will"),
    (r"['’]d\b", " would"), (r"\bi['’]m\b", "i am"), (r"['’]s\b", ""), (r"\bcannot\b", "can not"),
)
_QUOTE_WORD = _re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MIN_CONTENT_WORDS = 5  # shorter quotes need near-identity to count as the same statement


_CONTRACTION_RES = tuple((_re.compile(p), r) for p, r in _CONTRACTIONS)
_CANNOT = _CONTRACTION_RES[-1]


def _normalise_quote(text: str) -> str:
    text = str(text).lower().replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    if "'" in text:
        for pattern, repl in _CONTRACTION_RES:
            text = pattern.sub(repl, text)
    elif "cannot" in text:  # every other contraction needs an apostrophe, and none writes one
        text = _CANNOT[0].sub(_CANNOT[1], text)
    return " ".join(_QUOTE_WORD.findall(text))


# one stemmer and one stop-word list for every word-by-word comparison (newsbook.wordforms)
_stem = _wordforms.stem
_stop_words = _wordforms.stop_words


def _content_stems(normalised: str) -> set[str]:
    stop_words = _stop_words()
    return {_stem(w) for w in normalised.split() if w not in stop_words}


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


def _similarity_normalised(na: str, nb: str, ca: set, cb: set, weights: dict[str, float] | None,
                           reach: float = 0.0) -> float:
    """quote_similarity of two different, non-empty normalised quotes with their content stems.

    `reach`: a caller that keeps only scores >= reach (before rounding) gets 0.0 instead of a score
    that cannot reach it whatever the window similarity (rapidfuzz partial_ratio, the costliest
    part on long quotes), which is then not computed. (partial_ratio's own score_cutoff is not used:
    it can change the ratio it returns in the last decimal.)"""
    if not ca or not cb:
        return 0.0
    w = (lambda t: weights.get(t, 1.0)) if weights else (lambda t: 1.0)
    # fsum is exact, so a score does not depend on the sets' iteration order, which changes with
    # Python's per-process string hashing (and could flip the 4th decimal between two runs).
    shared = _math.fsum(w(t) for t in ca & cb)
    overlap = shared / max(1e-9, min(_math.fsum(w(t) for t in ca), _math.fsum(w(t) for t in cb)))
    shorter, longer = (na, nb) if len(na) <= len(nb) else (nb, na)
    token_set = _rescale(_fuzz.token_set_ratio(na, nb) / 100)
    n = min(len(ca), len(cb))
    base = 0.6 * min(1.0, overlap) + 0.2 * token_set
    if reach > 0:  # the raw partial ratio that 0.2 * window must at least add
        cutoff = 50 + 50 * ((reach / min(1.0, n / _MIN_CONTENT_WORDS) - base) / 0.2) - 0.01
        if cutoff > 100 or len(shorter) < 12 and cutoff > 50:
            return 0.0  # below reach whatever the window similarity
    window = _rescale(_fuzz.partial_ratio(shorter, longer) / 100) if len(shorter) >= 12 else 0.0
    score = base + 0.2 * window
    if n < _MIN_CONTENT_WORDS:
        score *= n / _MIN_CONTENT_WORDS
    return round(float(min(1.0, score)), 4)


def quote_word_weights(texts) -> dict[str, float]:
    """Inverse document frequency of content stems over a set of quotes (smoothed, >= 0.2)."""
    return _stem_weights([_content_stems(_normalise_quote(str(t))) for t in texts])


def _stem_weights(stem_sets: list) -> dict[str, float]:
    """quote_word_weights from the quotes' content stems (match_quotes has them already)."""
    import math

    df: dict[str, int] = {}
    for stems in stem_sets:
        for stem in stems:
            df[stem] = df.get(stem, 0) + 1
    n = len(stem_sets)
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
    from .quotes import with_relation  # same / shortened / reworded, and what was left out

    out = with_relation(pd.DataFrame(found).sort_values("similarity", ascending=False))
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


def _quote_candidates(stems: list, w_sum, art, weights: dict, df: dict, floor: float, speakers=None,
                      *, block: int = 4_000_000):
    """Candidate pairs (i < j, different articles) that may score >= floor: (codes i*n+j, an upper
    bound of each pair's weighted overlap), both sorted by code.

    quote_similarity <= (0.6*overlap + 0.4) * min(1, c/5) with overlap = shared weight / min(W_a, W_b)
    and c the smaller number of content stems; so for x, the quote with the smaller total weight W_x,
    a match needs shared >= theta_x * W_x, theta_x = (floor / min(1, |c_x|/5) - 0.4) / 0.6. Order
    each quote's stems rarest first (document frequency, then the stem) and cut off the longest tail
    of common stems whose weight is < theta_x * W_x (prefix filtering): a match must then share a
    stem of x's prefix, and only prefix stems are looked up. The stems cut off are the very common
    ones (low IDF weight), cut only as far as this bound proves no pair is lost: a common stem stays
    in the prefix of a quote made mostly of common words.

    The pairs found so are many (they grow with the square of the corpus: two quotes sharing one
    middling stem), so they are generated and bounded with numpy, a block of quotes x at a time:
    the weight x shares with y through its prefix stems, plus the whole weight of x's cut tail,
    bounds the shared weight; the pairs this bound keeps get their exact shared weight (x's stems
    looked up among y's) and are bounded again. A pair whose bound (with the speakers' 0.8,
    `speakers`: one string per quote, as _speakers_disagree reads it) stays below floor is dropped.
    Bounds carry a small margin for float sums taken in another order, so they never drop a pair
    the exact scoring would keep."""
    import numpy as np

    n = len(stems)
    empty = (np.empty(0, dtype=np.int64), np.empty(0))
    if n == 0:
        return empty
    vocab = sorted({t for s in stems for t in s}, key=lambda t: (df[t], t))  # id order = rarest first
    stem_id = {t: k for k, t in enumerate(vocab)}
    stem_w = np.array([weights.get(t, 1.0) for t in vocab], dtype=float)
    w = np.asarray(w_sum, dtype=float)
    art = np.asarray(art, dtype=np.int64)
    n_stems = np.array([len(s) for s in stems], dtype=np.int64)
    if speakers is None:
        speakers = [""] * n
    codes_of = {s: k for k, s in enumerate(dict.fromkeys(speakers))}
    speaker = np.array([codes_of[s] if s else -1 for s in speakers], dtype=np.int64)
    # postings: entries (stem, quote) sorted by stem, then by the quote's rank in a stable sort by
    # total weight, so the quotes at least as heavy as x are a tail of each stem's posting list
    order = np.argsort(w, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    entry_q = np.repeat(np.arange(n, dtype=np.int64), n_stems)
    entry_t = np.fromiter((stem_id[t] for s in stems for t in s), dtype=np.int64, count=int(n_stems.sum()))
    first_entry = np.cumsum(n_stems) - n_stems  # each quote's first entry
    n_vocab = len(vocab)
    member = np.sort(entry_q * n_vocab + entry_t)  # (quote, stem) pairs, for exact lookups
    post_key = entry_t * n + rank[entry_q]
    by_key = np.argsort(post_key, kind="stable")
    post_key, post_q = post_key[by_key], entry_q[by_key]
    stem_end = np.searchsorted(post_key, (np.arange(len(vocab), dtype=np.int64) + 1) * n)
    # each quote's prefix (the same cut as above, in Python: a few stems per quote)
    px, pt = [], []
    tail_w = np.zeros(n)
    for x in range(n):
        cx = stems[x]
        if not cx:
            continue
        theta = (floor / min(1.0, len(cx) / _MIN_CONTENT_WORDS) - 0.4) / 0.6
        wx = w_sum[x]
        need = theta * wx - 1e-9 * max(1.0, wx)
        if need > wx:
            continue  # x cannot be the lighter quote of any pair that reaches the floor
        ordered = sorted(stem_id[t] for t in cx)
        tail = 0.0
        cut = len(ordered)
        while cut > 0 and tail + stem_w[ordered[cut - 1]] < need:
            cut -= 1
            tail += stem_w[ordered[cut]]
        px += [x] * cut
        pt += ordered[:cut]
        tail_w[x] = tail
    if not px:
        return empty
    px, pt = np.asarray(px, dtype=np.int64), np.asarray(pt, dtype=np.int64)
    lightest = np.searchsorted(w[order], w[px] - 1e-9 * np.maximum(1.0, w[px]), side="left")
    lo = np.searchsorted(post_key, pt * n + lightest, side="left")
    length = stem_end[pt] - lo
    # blocks end at a change of x, so every pair of a block has all its prefix stems in it
    ends = np.cumsum(length)
    x_last = np.r_[px[1:] != px[:-1], True]
    codes_out, bound_out = [np.empty(0, dtype=np.int64)], [np.empty(0)]
    start = 0

    def reachable(shared, a, b):
        """Overlap of pairs (a, b) given their shared weight, and which pairs' upper bound on the
        score (window and token-set similarity taken as perfect) can reach the floor."""
        overlap = np.minimum(1.0, shared / np.maximum(1e-9, np.minimum(w[a], w[b])))
        scale = np.minimum(1.0, np.minimum(n_stems[a], n_stems[b]) / _MIN_CONTENT_WORDS)
        disagree = (speaker[a] >= 0) & (speaker[b] >= 0) & (speaker[a] != speaker[b])
        bound = (0.6 * overlap + 0.4 + 1e-6) * scale * np.where(disagree, 0.8, 1.0)
        return overlap, bound >= floor - 1e-9

    while start < len(px):
        limit = (ends[start - 1] if start else 0) + block
        stop = int(np.searchsorted(ends, limit, side="right"))
        stop = max(stop, start + 1)
        while stop < len(px) and not x_last[stop - 1]:
            stop += 1
        lens = length[start:stop]
        total = int(lens.sum())
        if total:
            offsets = np.repeat(np.cumsum(lens) - lens, lens)
            ys = post_q[np.arange(total, dtype=np.int64) - offsets + np.repeat(lo[start:stop], lens)]
            xs = np.repeat(px[start:stop], lens)
            ws = np.repeat(stem_w[pt[start:stop]], lens)
            keep = art[ys] != art[xs]  # also drops y == x
            xs, ys, ws = xs[keep], ys[keep], ws[keep]
            pairs, inverse = np.unique(xs * n + ys, return_inverse=True)
            shared = np.bincount(inverse.ravel(), weights=ws, minlength=len(pairs))
            a, b = pairs // n, pairs % n
            shared = (shared + tail_w[a]) * (1 + 1e-9) + 1e-12
            overlap, keep = reachable(shared, a, b)
            a, b = a[keep], b[keep]
            # the survivors' exact shared weight (x's stems looked up among y's), bounded again
            rep = np.repeat(np.arange(len(a), dtype=np.int64), n_stems[a])
            within = np.arange(len(rep), dtype=np.int64) - np.repeat(np.cumsum(n_stems[a]) - n_stems[a], n_stems[a])
            t = entry_t[first_entry[a][rep] + within]
            query = b[rep] * n_vocab + t
            at = np.minimum(np.searchsorted(member, query), len(member) - 1)
            shared = np.bincount(rep, weights=stem_w[t] * (member[at] == query), minlength=len(a))
            shared = shared * (1 + 1e-9) + 1e-12
            overlap, keep = reachable(shared, a, b)
            a, b = a[keep], b[keep]
            codes_out.append(np.minimum(a, b) * n + np.maximum(a, b))
            bound_out.append(overlap[keep])
        start = stop
    codes, overlap = np.concatenate(codes_out), np.concatenate(bound_out)
    if not len(codes):
        return empty
    # a pair of equal weights is found from both sides: keep it once, with the larger bound
    by_code = np.lexsort((-overlap, codes))
    codes, overlap = codes[by_code], overlap[by_code]
    first = np.r_[True, codes[1:] != codes[:-1]]
    return codes[first], overlap[first]


def _token_set_filter(codes, overlap, live: list, norms: list, stems: list, speakers: list,
                      floor: float) -> set:
    """The candidate pairs (codes over `live`, with their overlap bound) that may still reach floor
    once their token-set similarity is known: the score is 0.6*overlap + 0.2*token_set + 0.2*window
    with window <= 1, so a pair below floor with window = 1 is dropped before the (costlier) window
    similarity and the exact scoring. Token-set ratios of all pairs in one rapidfuzz call."""
    import numpy as np
    from rapidfuzz.process import cpdist

    m = len(live)
    if not len(codes):
        return set()
    live_arr = np.asarray(live, dtype=np.int64)
    i, j = live_arr[codes // m], live_arr[codes % m]
    n_stems = np.array([len(s) for s in stems], dtype=np.int64)
    scale = np.minimum(1.0, np.minimum(n_stems[i], n_stems[j]) / _MIN_CONTENT_WORDS)
    spk = np.array(speakers, dtype=object)
    disagree = (spk[i] != "") & (spk[j] != "") & (spk[i] != spk[j])
    factor = scale * np.where(disagree, 0.8, 1.0)
    # the rapidfuzz token-set ratio (0..100) each pair needs for its bound to reach floor
    needed = 50 + 50 * ((floor / factor - 1e-6 - 0.6 * overlap - 0.2) / 0.2)
    ratio = np.full(len(i), np.nan)
    # a ratio <= 50 rescales to 0: a pair needing no more reaches floor whatever its ratio
    ratio[needed <= 50 - 1e-6] = 0.0
    todo = np.flatnonzero((needed > 50 - 1e-6) & (needed <= 100 + 1e-6))  # above 100: out of reach
    if len(todo):  # (no score_cutoff: rapidfuzz's early exit could change a ratio in the last digits)
        ratio[todo] = cpdist([norms[k] for k in i[todo].tolist()], [norms[k] for k in j[todo].tolist()],
                             scorer=_fuzz.token_set_ratio, dtype=np.float64, workers=1)
    token_set = np.maximum(0.0, (ratio / 100 - 0.5) / 0.5)  # _rescale
    bound = (0.6 * overlap + 0.2 * token_set + 0.2 + 1e-6) * factor
    keep = bound >= floor - 1e-9  # NaN (not computed, out of reach) compares False
    return set(zip(i[keep].tolist(), j[keep].tolist()))


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
    (`_match_quotes_exhaustive`, used as is for min_similarity <= 0.4). The candidates are bounded
    in bulk (numpy; `_quote_candidates`), then by their token-set similarity (one rapidfuzz call,
    `_token_set_filter`), and only the pairs that may still reach min_similarity are scored one by
    one, the window similarity with the cutoff they need (100,000 quotes: about a minute)."""
    if quotes is None or quotes.empty:
        return schema.empty("quote_matches")
    if min_similarity <= 0.4 + _BOUND_MARGIN:
        return _match_quotes_exhaustive(quotes, min_similarity=min_similarity)
    return _finish_matches(match_quote_records(quotes, min_similarity=min_similarity))


# the columns of the quotes table that quote matching reads
QUOTE_FIELDS = ("article_id", "quote_id", "quote", "speaker", "start")


def match_quote_records(quotes: pd.DataFrame, *, min_similarity: float = 0.5) -> list[dict]:
    """The matches `match_quotes` finds (min_similarity > 0.4), as records in the order found, before
    they are sorted and given their relation: for a caller matching many corpora at once (each
    story of a corpus, newsbook.stories) that tabulates them once."""
    return quote_records_matched(quote_records(quotes), min_similarity=min_similarity)


def quote_records(quotes: pd.DataFrame) -> list:
    """The quotes table's rows as named tuples of the QUOTE_FIELDS it has (what matching reads)."""
    return list(quotes[[c for c in QUOTE_FIELDS if c in quotes.columns]].itertuples(index=False))


def quote_records_matched(recs: list, *, min_similarity: float = 0.5) -> list[dict]:
    """`match_quote_records` of quotes given as `quote_records` (a caller splitting a table into many
    corpora splits these instead of the frame)."""
    articles = list(dict.fromkeys(r.article_id for r in recs))
    art_index = {}
    for i, a in enumerate(articles):
        if a == a:  # the exhaustive path selects rows by ==, which never holds for NaN
            art_index.setdefault(a, i)
    n = len(recs)
    norms = [_normalise_quote(r.quote) for r in recs]
    stems = [_content_stems(t) for t in norms]
    weights = _stem_weights(stems)  # = quote_word_weights(rows["quote"]), without normalising again
    art = [art_index.get(r.article_id, -1) if r.article_id == r.article_id else -1 for r in recs]
    w_sum = [sum(weights.get(t, 1.0) for t in s) for s in stems]
    df: dict[str, int] = {}
    for s in stems:
        for t in s:
            df[t] = df.get(t, 0) + 1
    floor = min_similarity - _BOUND_MARGIN
    live = [i for i in range(n) if art[i] >= 0]
    # only rows of a real article take part (a row with a NaN article id never matches)
    speakers = [str(r.speaker or "") for r in recs]  # as _speakers_disagree reads them
    codes, overlap = _quote_candidates([stems[i] for i in live], [w_sum[i] for i in live],
                                       [art[i] for i in live], weights, df, floor,
                                       [speakers[i] for i in live])
    pairs = _token_set_filter(codes, overlap, live, norms, stems, speakers, floor)
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
            # sims below min_similarity are dropped, so the window similarity may stop early
            reach = (min_similarity - _BOUND_MARGIN) / (0.8 if disagree else 1.0)
            sim = _similarity_normalised(norms[i], norms[j], stems[i], stems[j], weights, reach)
        if disagree:
            sim *= 0.8
        if sim >= min_similarity:
            by_articles.setdefault((art[i], art[j]), []).append((i, j, sim))
    found: list = []
    for (ai, bi) in sorted(by_articles):
        cands = sorted(by_articles[(ai, bi)], key=lambda t: (t[0], t[1]))  # the nested-loop order
        _select_matches(articles[ai], articles[bi], [(sim, recs[i], recs[j]) for i, j, sim in cands], found)
    return found


# --- figures (owned by the figures work) -----------------------------------------------------


def match_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures grouped across articles: agreed, conflict, single (`figure_matches`), with arithmetic
    relations (parts that sum to, or exceed, a stated total) in `note`.  The rules are documented in
    newsbook.figures.match_figures."""
    from . import figures as _figures

    return _figures.match_figures(figures)

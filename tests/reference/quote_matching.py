"""The original quadratic cross-source quote matching of newsbook.compare, kept verbatim as the
brute-force oracle tests/test_compare_scale.py checks the indexed `match_quotes` against."""

from __future__ import annotations

import pandas as pd

from newsbook import schema
from newsbook.compare import quote_similarity, quote_word_weights


def reference_match_quotes(quotes: pd.DataFrame, *, min_similarity: float = 0.5) -> pd.DataFrame:
    """The original implementation, kept verbatim as the brute-force reference."""
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
    from newsbook.quotes import with_relation  # issue 14: the relation columns, computed per pair
    return schema.conform("quote_matches", with_relation(out))

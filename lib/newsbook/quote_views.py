"""Notebook-facing quote tables: how two renderings of a statement relate (`quote_relation`,
`with_relation`), reported speech nesting, voice share, the quote table and one speaker's quotes."""

from __future__ import annotations

import re

import pandas as pd

# --- how two renderings of a statement relate -----------------------------------------------------

_RELATION_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def quote_relation(a: str, b: str) -> tuple[str, str]:
    """(relation, left_out) of two renderings of one statement: 'same' when their words are the
    same; 'shortened' when every word of the shorter stands in the longer in the same order (one
    outlet printed only part, "similarity 1.00" would hide the cut); else 'reworded'. `left_out`
    is what the longer has that the shorter lacks, as written, stretches joined by ' … '."""
    import difflib

    wa, wb = _RELATION_WORD.findall(str(a)), _RELATION_WORD.findall(str(b))
    la, lb = [w.lower().replace("’", "'") for w in wa], [w.lower().replace("’", "'") for w in wb]
    if la == lb:
        return "same", ""
    (long_w, long_l), (short_l) = ((wa, la), lb) if len(la) >= len(lb) else ((wb, lb), la)
    matcher = difflib.SequenceMatcher(None, long_l, short_l, autojunk=False)
    blocks = matcher.get_matching_blocks()
    matched = sum(blk.size for blk in blocks)
    missing, covered = [], 0
    for blk in blocks:
        if blk.a > covered:
            missing.append(" ".join(long_w[covered:blk.a]))
        covered = blk.a + blk.size
    left_out = " … ".join(m for m in missing if m)
    return ("shortened" if matched == len(short_l) else "reworded"), left_out


def with_relation(matches: pd.DataFrame) -> pd.DataFrame:
    """`quote_matches` rows with `relation` and `left_out` (see `quote_relation`)."""
    out = matches.copy()
    pairs = [quote_relation(a, b) for a, b in zip(out["quote_a"], out["quote_b"])] if len(out) else []
    out["relation"] = [p[0] for p in pairs]
    out["left_out"] = [p[1] for p in pairs]
    return out


# --- voice share ------------------------------------------------------------------------------

UNATTRIBUTED = "(unattributed)"


def nested_in_reported(quotes: pd.DataFrame) -> pd.Series:
    """True for a direct quote that lies inside a reported-speech row of the same article ('said
    the plan was "dead on arrival"'): counting both rows would count its words twice."""
    out = pd.Series(False, index=quotes.index)
    if quotes.empty or not {"start", "end", "kind"} <= set(quotes.columns):
        return out
    reported: dict[str, list[tuple[int, int]]] = {}
    for a, k, st, en in zip(quotes["article_id"], quotes["kind"], quotes["start"], quotes["end"]):
        if k == "indirect":
            reported.setdefault(a, []).append((int(st), int(en)))
    for idx, a, k, st, en in zip(quotes.index, quotes["article_id"], quotes["kind"], quotes["start"], quotes["end"]):
        if k == "direct" and any(s0 <= st and en <= e0 for s0, e0 in reported.get(a, ())):
            out.at[idx] = True
    return out


def voice_share(quotes: pd.DataFrame, *, kinds: tuple[str, ...] = ("direct",)) -> pd.DataFrame:
    """Quoted words per speaker per source: article_id, speaker, quotes, words, share (of the
    article's quoted words). Direct quotes only unless `kinds` says otherwise; with both kinds a
    direct quote inside a reported clause is counted once, in the clause; quotes without a
    speaker are grouped as '(unattributed)'."""
    cols = ["article_id", "speaker", "quotes", "words", "share"]
    if quotes is None or quotes.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("quotes", "words") else
                                          "float64" if c == "share" else "object") for c in cols})
    q = quotes[quotes["kind"].isin(kinds)].copy()
    if "direct" in kinds and "indirect" in kinds:
        q = q[~nested_in_reported(q)]  # its words are in the reported clause's row already
    if q.empty:
        return voice_share(None)
    q["speaker"] = q["speaker"].fillna("").replace("", UNATTRIBUTED)
    out = (q.groupby(["article_id", "speaker"], as_index=False)
           .agg(quotes=("quote_id", "count"), words=("words", "sum")))
    totals = out.groupby("article_id")["words"].transform("sum")
    out["share"] = (out["words"] / totals.where(totals > 0, 1)).astype(float)
    out = out.sort_values(["article_id", "words"], ascending=[True, False]).reset_index(drop=True)
    out["quotes"] = out["quotes"].astype("int64")
    out["words"] = out["words"].astype("int64")
    return out[cols]


def quote_table(quotes: pd.DataFrame, *, speaker: str = "", kinds: tuple[str, ...] = ("direct", "indirect")
                ) -> pd.DataFrame:
    """The quotes a reader looks at: article, speaker, kind, cue, quote and sentence, optionally
    for one speaker (case-insensitive substring match)."""
    cols = ["article_id", "speaker", "kind", "cue", "quote", "sentence"]
    if quotes is None or quotes.empty:
        return pd.DataFrame(columns=cols)
    q = quotes[quotes["kind"].isin(kinds)]
    if speaker:
        q = q[q["speaker"].str.contains(re.escape(speaker), case=False, na=False)]
    return q[cols].reset_index(drop=True)


def for_speaker(frame: pd.DataFrame, speaker: str = "") -> pd.DataFrame:
    """Rows of a quotes or quote_matches table whose speaker contains `speaker` (case-insensitive);
    all rows when `speaker` is empty."""
    if not speaker or frame is None or frame.empty:
        return frame
    return frame[frame["speaker"].fillna("").str.contains(re.escape(speaker), case=False)].reset_index(drop=True)

"""The original (pre-index) figure matching and notebook helpers of newsbook.figures, kept verbatim
(only their module-level names prefixed with `F.`) as the oracle tests/test_figures.py checks the
indexed `match_figures`, `figure_list`, `conflicts` and `agreement_table` against: on random tables
built to hit every branch the outputs must be identical."""

from __future__ import annotations

import bisect
import math
import re

import pandas as pd

from newsbook import figures as F
from newsbook import schema


def _reference_nouns_compatible(a: dict, b: dict, *, strict: bool = False) -> bool:
    return _reference_compatible((a.get("noun") or "").lower(), str(a.get("noun_phrase") or ""),
                                 (b.get("noun") or "").lower(), str(b.get("noun_phrase") or ""), strict)


def _reference_compatible(na: str, pa: str, nb: str, pb: str, strict: bool) -> bool:
    if not na or not nb:
        return not strict
    ma, mb = F._name_modifiers(pa, na), F._name_modifiers(pb, nb)
    if ma and mb and not (ma & mb):
        return False
    sa, sb = F._stem(na), F._stem(nb)
    if sa == sb:
        return True
    words_a = {F._stem(w) for w in re.findall(r"[A-Za-z]+", pa)}
    words_b = {F._stem(w) for w in re.findall(r"[A-Za-z]+", pb)}
    if sa in words_b or sb in words_a:
        return True
    if strict:
        return False
    return F.noun_class(na) == F.noun_class(nb) == "person"


def _reference_context_stems(f: dict) -> set[str]:
    sentence = str(f.get("sentence") or "")
    own = {F._stem(w) for w in re.findall(r"[A-Za-z]+", f"{f.get('text', '')} {f.get('noun', '')}")}
    words = {F._stem(w) for w in re.findall(r"[A-Za-z]{3,}", sentence) if w.lower() not in F._CONTEXT_STOP}
    return words - own


def reference_match_figures(figures: pd.DataFrame) -> pd.DataFrame:
    if figures is None or figures.empty:
        return schema.empty("figure_matches")
    rows = [r for r in figures.to_dict("records") if r.get("kind") in F.MATCHED_KINDS]
    if not rows:
        return schema.empty("figure_matches")

    def key(f):
        vh = f.get("value_high")
        vh = round(float(vh), 6) if vh == vh and f["kind"] in ("range", "vote") else None
        unit = f.get("unit") or ""
        if f["kind"] == "date":
            unit = F._date_key(f.get("text") or "")
        return f["kind"], unit, round(float(f["value"]), 6), vh

    buckets: dict[tuple, list[dict]] = {}
    for f in rows:
        buckets.setdefault(key(f), []).append(f)
    groups: list[dict] = []
    for k, members in buckets.items():
        clusters: list[list[dict]] = []
        reps: list[dict[tuple, dict]] = []  # per cluster: distinct (noun, phrase) -> a member
        for f in members:
            fkey = ((f.get("noun") or "").lower(), str(f.get("noun_phrase") or ""))
            placed = False
            for c, rep in zip(clusters, reps):
                named = [g for k2, g in rep.items() if k2[0]]
                if not fkey[0] or not named or fkey in rep or \
                        any((F.money_nouns_compatible(f, g) if f["kind"] == "money" else
                             _reference_nouns_compatible(f, g)) for g in named):
                    c.append(f)
                    rep.setdefault(fkey, f)
                    placed = True
                    break
            if not placed:
                clusters.append([f])
                reps.append({fkey: f})
        for c in clusters:
            nouns = [g["noun"] for g in c if g.get("noun")]
            noun = max(set(nouns), key=lambda x: (nouns.count(x), -nouns.index(x))) if nouns else ""
            arts = sorted({g["article_id"] for g in c})
            groups.append({"key": k, "members": c, "noun": noun, "articles": arts, "notes": [],
                           "status": "agreed" if len(arts) >= 2 else "single"})

    # conflicts: candidates share kind, unit and noun stem; they need disjoint articles, clashing
    # intervals, a shared context word and no article stating both values
    states: dict[tuple, set[str]] = {}
    for g in groups:
        kind, unit, value, _ = g["key"]
        for m in g["members"]:
            for cls in {F._stem(m.get("noun") or ""), F.noun_class(m.get("noun") or "")}:
                states.setdefault((kind, unit, value, cls), set()).add(m["article_id"])
    for g in groups:
        g["context"] = set().union(*(_reference_context_stems(m) for m in g["members"]))
    if len(groups) >= 50:
        # in a large corpus, words most sentences share ("officials", "said") tell no event apart
        df: dict[str, int] = {}
        for g in groups:
            for w in g["context"]:
                df[w] = df.get(w, 0) + 1
        common = {w for w, c in df.items() if c > max(5, 0.2 * len(groups))}
        for g in groups:
            g["context"] -= common
    for g in groups:
        g["reps"] = list({((m.get("noun") or "").lower(), str(m.get("noun_phrase") or "")): m
                          for m in g["members"]}.values())
    by_noun: dict[tuple, list[dict]] = {}
    for g in groups:
        if g["key"][0] != "date" and g["noun"]:
            by_noun.setdefault((g["key"][0], g["key"][1], F._stem(g["noun"])), []).append(g)

    def states_value(articles, kind, unit, value, members) -> bool:
        classes = {c for m in members for c in (F._stem((m.get("noun") or "").lower()),
                                                F.noun_class(m.get("noun") or ""))}
        return any(set(articles) & states.get((kind, unit, value, c), set()) for c in classes)

    for cands in by_noun.values():
        if len(cands) > F.MAX_CONFLICT_CANDIDATES:
            cands = sorted(cands, key=lambda g: -len(g["articles"]))[:F.MAX_CONFLICT_CANDIDATES]
        for gi, a in enumerate(cands):
            for b in cands[gi + 1:]:
                if set(a["articles"]) & set(b["articles"]) or len(a["notes"]) >= 5 or len(b["notes"]) >= 5:
                    continue
                kind, unit = a["key"][:2]
                if not (a["context"] & b["context"]):
                    continue  # "35 diplomats expelled" vs "40 diplomats arrived": different events
                if a["noun"] in F.UNCOMPARED_NOUNS:
                    continue
                fa, fb = a["members"][0], b["members"][0]
                ia = F.interval(fa["value"], fa.get("qualifier"), fa.get("value_high", math.nan))
                ib = F.interval(fb["value"], fb.get("qualifier"), fb.get("value_high", math.nan))
                if ia[0] <= ib[1] and ib[0] <= ia[1]:
                    continue  # "over 1,000" and "1,210" are compatible
                if not any(_reference_nouns_compatible(x, y, strict=True) for x in a["reps"] for y in b["reps"]):
                    continue
                if states_value(a["articles"], kind, unit, b["key"][2], b["members"]) or \
                        states_value(b["articles"], kind, unit, a["key"][2], a["members"]):
                    continue
                for x, y in ((a, b), (b, a)):
                    if x["status"] == "single":
                        x["status"] = "conflict"
                    x["notes"].append("conflicts with " + "; ".join(F._describe(m) for m in y["members"][:3]))
                    x.setdefault("conflicts", []).append(y["members"][0]["figure_id"])

    # arithmetic: two counts one article states together, against a total stated anywhere
    counts = [g for g in groups if g["key"][0] == "count" and g["noun"]]
    by_article: dict[str, list[int]] = {}
    for gi, g in enumerate(counts):
        for art in g["articles"]:
            by_article.setdefault(art, []).append(gi)
    totals = sorted(range(len(counts)), key=lambda gi: counts[gi]["key"][2])
    total_values = [counts[gi]["key"][2] for gi in totals]
    seen_pairs: set[tuple[int, int]] = set()
    for members in by_article.values():
        members = sorted(set(members))[:F.MAX_PARTS_PER_ARTICLE]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                ai, bi = members[x], members[y]
                if (ai, bi) in seen_pairs:
                    continue
                seen_pairs.add((ai, bi))
                pa, pb = counts[ai], counts[bi]
                fa, fb = pa["members"][0], pb["members"][0]
                if fa["value"] == fb["value"] or not _reference_nouns_compatible(fa, fb):
                    continue
                s = fa["value"] + fb["value"]
                # totals whose value could relate to s: between s / 1.5 and s / 0.9
                lo_i = bisect.bisect_left(total_values, s / 1.5 - 1e-9)
                hi_i = bisect.bisect_right(total_values, s / 0.9 + 1e-9)
                for ti in totals[lo_i:hi_i]:
                    total = counts[ti]
                    if ti in (ai, bi) or len(total["notes"]) >= 5:
                        continue
                    ft = total["members"][0]
                    if not (_reference_nouns_compatible(fa, ft) and _reference_nouns_compatible(fb, ft)):
                        continue
                    if not F._total_stated(fa, fb, ft):
                        continue
                    if not any(_reference_nouns_compatible(m, ft, strict=True)
                               for m in pa["members"] + pb["members"]):
                        continue
                    tq, tv = ft.get("qualifier") or "exactly", ft["value"]
                    if max(fa["value"], fb["value"]) >= tv:
                        continue
                    lo, hi = F.interval(tv, tq)
                    if math.isclose(s, tv):
                        rel = "="
                    elif tq in ("over", "at least") and lo <= s <= tv * 1.5:
                        rel = f"consistent with '{tq} {F._fmt(tv)}'"
                    elif tq == "about" and lo <= s <= hi:
                        rel = f"consistent with 'about {F._fmt(tv)}'"
                    elif tq == "exactly" and tv < s <= tv * 1.5:
                        rel = f"exceeds the stated total {F._fmt(tv)} by {F._fmt(s - tv)}"
                    else:
                        continue
                    text = (f"{F._fmt(fa['value'])} {fa['noun']} + {F._fmt(fb['value'])} {fb['noun']} = {F._fmt(s)}"
                            + (f" {total['noun']} stated as total" if rel == "=" else f", {rel} {total['noun']}")
                            + f" ({'; '.join(total['articles'])})")
                    total["notes"].append("arithmetic: " + text)
                    for p in (pa, pb):
                        if len(p["notes"]) < 5:
                            p["notes"].append("part of a sum: " + text)

    out = []
    for g in groups:
        f0 = g["members"][0]
        notes = list(g["notes"])
        quals = sorted({m.get("qualifier") or "exactly" for m in g["members"]})
        if len(g["articles"]) >= 2:
            notes.insert(0, f"stated by {len(g['articles'])} articles"
                         + (f" (qualifiers differ: {', '.join(quals)})" if len(quals) > 1 else ""))
        out.append({
            "value": float(f0["value"]),
            "noun": g["noun"],
            "kind": f0["kind"],
            "unit": f0.get("unit") or "",
            "articles": ";".join(g["articles"]),
            "n_articles": len(g["articles"]),
            "status": g["status"],
            "figure_ids": ";".join(m["figure_id"] for m in g["members"]),
            "note": " | ".join(notes),
            "conflicts_with": ";".join(g.get("conflicts", ())),
        })
    frame = pd.DataFrame(out)
    order = {"conflict": 0, "agreed": 1, "single": 2}
    frame = frame.assign(_o=frame["status"].map(order), _k=frame["kind"].eq("date")) \
        .sort_values(["_o", "_k", "n_articles", "kind", "value"], ascending=[True, True, False, True, True]) \
        .drop(columns=["_o", "_k"])
    return schema.conform("figure_matches", frame)


def _reference_sources(frame, articles, column="article_id"):
    ids = frame[column].astype(str)
    if articles is None or len(articles) == 0:
        return ids
    outlet = dict(zip(articles["article_id"].astype(str), articles["outlet"].fillna("").astype(str)))
    # the outlet is the source; an article with none stands for its own (named by its id)
    return ids.map(lambda a: outlet.get(a, "").strip() or a)


def reference_figure_list(figures, articles=None, *, kinds=None):
    kinds = F.as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    cols = ["outlet", "article_id", "figure", "kind", "noun", "qualifier", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = f.assign(outlet=_reference_sources(f, articles), figure=f.apply(F._stated, axis=1))
    out = out.sort_values(["article_id", "start"])
    return out[cols].reset_index(drop=True)


def reference_conflicts(matches, figures, articles=None, *, kinds=None):
    kinds = F.as_kinds(kinds)
    m = matches[(matches["status"] == "conflict") & matches["kind"].isin(kinds)] if len(matches) else matches
    cols = ["noun", "kind", "value", "outlet", "article_id", "figure", "sentence", "note"]
    if len(m) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    by_id = figures.set_index("figure_id")
    label = dict(zip(figures["article_id"].astype(str), _reference_sources(figures, articles)))
    rows = []
    for r in m.sort_values(["noun", "kind", "value"]).to_dict("records"):
        for fid in str(r["figure_ids"]).split(";"):
            if fid not in by_id.index:
                continue
            f = by_id.loc[fid]
            rows.append({"noun": r["noun"], "kind": r["kind"], "value": r["value"],
                         "outlet": label[str(f["article_id"])], "article_id": str(f["article_id"]),
                         "figure": F._stated(f.to_dict()),
                         "sentence": f["sentence"], "note": r["note"]})
    return pd.DataFrame(rows, columns=cols)

"""Figures across articles: the `figure_matches` table (`match_figures`: agreed, single and
conflicting groups, arithmetic notes) and the noun-compatibility rules it compares with."""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass

import pandas as pd

from . import schema, wordforms
from .figure_lexicon import GENERIC_MODIFIERS, MONTHS, PERSON_NOUNS, TIME_UNITS, TOTAL_CUES, _PERSON_SUFFIXES
from .figure_numbers import _number_word_parts
from .figure_format import _describe, _fmt


# ------------------------------------------------------------------------------------------------
# Across sources: agreed, conflicting and single-source figures, and arithmetic relations
# ------------------------------------------------------------------------------------------------

MAX_CONFLICT_CANDIDATES = 200  # groups per (kind, unit, noun) compared pairwise for conflicts
MAX_PARTS_PER_ARTICLE = 40  # count groups per article tried as parts of a sum

#: kinds compared across sources (ordinals are positions, not quantities)
MATCHED_KINDS = ("count", "money", "percent", "measure", "fraction", "range", "vote", "date")
_APPROX = {"exactly": (1.0, 1.0), "about": (0.9, 1.1), "over": (1.0, math.inf), "at least": (1.0, math.inf),
           "nearly": (0.85, 1.0), "up to": (0.0, 1.0), "at most": (0.0, 1.0), "fewer than": (0.0, 1.0),
           "several": (2.0, 10.0)}


def interval(value: float, qualifier: str, value_high: float = math.nan) -> tuple[float, float]:
    """The values a stated figure allows: "over 1,000" -> (1000, inf), "about 300" -> (270, 330)."""
    if value_high == value_high and value_high > value:  # a range
        return value, value_high
    lo, hi = _APPROX.get(qualifier or "exactly", (1.0, 1.0))
    a, b = value * lo, value * hi
    slack = _rounding(value) if (qualifier or "exactly") == "exactly" else 0.0
    return min(a, b) - slack, max(a, b) + slack


def _rounding(value: float) -> float:
    """How far a round number may be from what it rounds: "$43 million" may stand for $43,885,310
    (one unit of its last significant digit), "1,000" for 1,040 (5% for one significant digit);
    255 or 1,210 are exact."""
    v = abs(value)
    if v < 100 or v != int(v):
        return 0.0
    digits = str(int(v))
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros < 2:
        return 0.0
    step = 10.0 ** zeros
    return step if len(digits) - zeros >= 2 else min(step, 0.05 * v)


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return wordforms.derivational_root(word)


def _name_modifiers(phrase: str, noun: str) -> set[str]:
    """Words before the noun in its phrase that say which things are counted: capitalised ones
    ("Russian diplomats" -> {"russian"}) and other modifiers but the generic ones ("federal taxes"
    -> {"federal"}; "new cases" -> none)."""
    words = _MODIFIER_WORD_RE.findall(phrase or "")
    out = set()
    nstem = _stem(noun)
    for w in words:
        low = w.lower().replace(".", "")
        if _stem(w) == nstem or _stem(low.rstrip("s")) == nstem or low.startswith(noun) and len(low) <= len(noun) + 2:
            break  # the noun itself ("taxes" for tax)
        if w[:1].isupper() or (w.isalpha() and len(w) >= 3 and low not in GENERIC_MODIFIERS
                               and _number_word_parts(low) is None):
            out.add(low)  # "Russian diplomats", "federal taxes" vs "state taxes"
    return out


_CONTEXT_STOP = {
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "that", "this",
    "these", "those", "it", "its", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will",
    "would", "could", "should", "may", "might", "said", "say", "says", "than", "more", "over", "about",
    "after", "before", "as", "but", "not", "their", "they", "he", "she", "his", "her", "which", "who", "also",
    "some", "least", "nearly", "almost", "up", "down", "per", "cent", "percent", "there", "all", "other",
}


def _context_stems(f: dict) -> frozenset[str]:
    """Content-word stems of a figure's sentence, without the figure's own words and noun."""
    return _context_stems_of(str(f.get("sentence") or ""), f"{f.get('text', '')} {f.get('noun', '')}")


@functools.lru_cache(maxsize=65536)
def _context_stems_of(sentence: str, own_words: str) -> frozenset[str]:
    # cached, and frozen because the cached value is shared
    own = {_stem(w) for w in _WORD_RE.findall(own_words)}
    return _sentence_stems(sentence) - own


@functools.lru_cache(maxsize=65536)
def _sentence_stems(sentence: str) -> frozenset[str]:
    """Stems of a sentence's content words (3+ letters, not in _CONTEXT_STOP).  Cached: a sentence
    stating several figures is tokenised once; each distinct word is stemmed once."""
    return frozenset(_stem(w) for w in set(_CONTENT_WORD_RE.findall(sentence)) if w.lower() not in _CONTEXT_STOP)


_WORD_RE = re.compile(r"[A-Za-z]+")
_CONTENT_WORD_RE = re.compile(r"[A-Za-z]{3,}")
_MODIFIER_WORD_RE = re.compile(r"[A-Za-z][\w.-]*")


@functools.lru_cache(maxsize=65536)
def _noun_classes(noun: str) -> frozenset[str]:
    """The keys a figure's noun is looked up by when checking whether an article states a value:
    its stem and its `noun_class` (cached: called once per figure)."""
    return frozenset({_stem(noun), noun_class(noun)})


def noun_class(noun: str) -> str:
    """A coarse class for loose agreement: 'person' for nouns naming people, else the noun itself."""
    n = (noun or "").lower()
    if n in PERSON_NOUNS or n.endswith(_PERSON_SUFFIXES) and len(n) > 4:
        return "person"
    return _stem(n)


def nouns_compatible(a: dict, b: dict, *, strict: bool = False) -> bool:
    """Whether two figures count the same kind of thing.

    strict (for conflicts): same lemma (or one noun's stem among the other's phrase words) and no
    clashing names before them ("Russian diplomats" vs "US diplomats").  Loose (for agreement, where
    the same value is already strong evidence) also accepts nouns of the same class (employees, staff
    and diplomats are all people) and a figure without a noun."""
    return _compatible((a.get("noun") or "").lower(), str(a.get("noun_phrase") or ""),
                       (b.get("noun") or "").lower(), str(b.get("noun_phrase") or ""), strict)


def _compatible(na: str, pa: str, nb: str, pb: str, strict: bool) -> bool:
    if not na or not nb:
        return not strict
    return _infos_compatible(_noun_info(na, pa), _noun_info(nb, pb), strict)


@dataclass(frozen=True, eq=False)
class _NounInfo:
    """What `_compatible` needs of one (lower-cased noun, noun phrase), computed once per distinct pair:
    the matcher compares the same few thousand pairs hundreds of thousands of times."""

    stem: str
    modifiers: frozenset  # `_name_modifiers`
    words: frozenset  # stems of the phrase's words
    person: bool  # noun_class == "person"


@functools.lru_cache(maxsize=262144)
def _noun_info(noun: str, phrase: str) -> _NounInfo:
    return _NounInfo(_stem(noun), frozenset(_name_modifiers(phrase, noun)),
                     frozenset(_stem(w) for w in _WORD_RE.findall(phrase)), noun_class(noun) == "person")


def _figure_info(f: dict) -> _NounInfo | None:
    """`_noun_info` of a figure row, None when it has no noun (as `nouns_compatible` reads it)."""
    noun = (f.get("noun") or "").lower()
    return _noun_info(noun, str(f.get("noun_phrase") or "")) if noun else None


def _infos_compatible(a: _NounInfo | None, b: _NounInfo | None, strict: bool) -> bool:
    """`_compatible` on precomputed `_NounInfo`s (None: no noun); the same rules in the same order."""
    if a is None or b is None:
        return not strict
    if a.modifiers and b.modifiers and a.modifiers.isdisjoint(b.modifiers):
        return False
    if a.stem == b.stem or a.stem in b.words or b.stem in a.words:
        return True
    return not strict and a.person and b.person


def money_nouns_compatible(a: dict, b: dict) -> bool:
    """Whether two sums of the same currency and value may be one figure: whatever each outlet says
    the money is for ("$5.7 billion for the wall" / "in funding"), unless their modifiers clash
    ("federal taxes" vs "state taxes")."""
    return _money_infos_compatible(_noun_info((a.get("noun") or "").lower(), str(a.get("noun_phrase") or "")),
                                   _noun_info((b.get("noun") or "").lower(), str(b.get("noun_phrase") or "")))


def _money_infos_compatible(a: _NounInfo, b: _NounInfo) -> bool:
    return not (a.modifiers and b.modifiers and a.modifiers.isdisjoint(b.modifiers))


def _total_stated(*figures: dict) -> bool:
    """Whether the sentence of one of `figures` states a total ("a total of", "in all", "bringing to
    455 the number", "Of the 300 workers, ..."): arithmetic notes need one, so that unrelated counts
    are never summed."""
    for f in figures:
        sentence = str(f.get("sentence") or "")
        if not {w.lower() for w in _WORD_RE.findall(sentence)}.isdisjoint(TOTAL_CUES):
            return True
        if f.get("text") and f"of the {str(f['text']).lower()}" in sentence.lower():
            return True
    return False


def _comparable(f: dict) -> dict:
    """A figure as the matcher compares it: "the 35th day" is the ordinal of a duration and is
    compared with "35 days" (a measure in days)."""
    if f.get("kind") == "ordinal" and f.get("noun") in _TIME_UNIT_NAMES:
        return {**f, "kind": "measure", "unit": f["noun"], "noun": "", "noun_phrase": ""}
    return f


_TIME_UNIT_NAMES = frozenset(TIME_UNITS.values())
UNCOMPARED_NOUNS = frozenset({"age"})  # nouns whose different values are not conflicts


@functools.lru_cache(maxsize=65536)  # pure; the same dates recur across a corpus
def _date_key(text: str) -> str:
    """'September 1, 2017' and '1 Sept. 2017' -> '2017-09-01'; a year alone -> '2017'."""
    low = text.lower()
    year = re.search(r"\b(1[0-9]{3}|20[0-9]{2})\b", low)
    month = next((m for w, m in MONTHS.items() if re.search(rf"\b{w}\b", low)), None)
    day = re.search(r"\b([0-3]?[0-9])(?:st|nd|rd|th)?\b(?!\d)", re.sub(r"\b(1[0-9]{3}|20[0-9]{2})\b", "", low))
    parts = [year.group(1) if year else "----"]
    if month:
        parts.append(f"{month:02d}")
        if day:
            parts.append(f"{int(day.group(1)):02d}")
    return "-".join(parts) + (" " + re.sub(r"[^a-z]", "", low) if not year and not month else "")


def match_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures compared across articles (`figure_matches` table).

    1. Group: figures of the same kind, unit and value (and high value for ranges and votes) whose
       nouns are compatible (`nouns_compatible`, loose) form one group; `status` is ``agreed`` when
       two or more articles state it, else ``single``.
    2. Conflicts: a group stated by one set of articles and a group stated by a disjoint set, same
       kind, unit and noun stem, strictly compatible nouns, a content word shared by their sentences
       (the same event: "expelled", "American"), values whose qualifier intervals do not overlap
       ("35" vs "40"; "over 1,000" vs "1,210" does not conflict) and neither set stating the other's
       value: both become ``conflict`` (an agreed group keeps its status and gets a note), and each
       names the other in `conflicts_with` (by its first figure id), which the per-outlet views read.
    3. Arithmetic: two counts of compatible nouns that one article states together (parts) against a
       count of a compatible noun stated anywhere (total): "a + b = total" when they sum exactly, else
       the sum checked against a total with a qualifier ("over", "at least", "about"), or noted as
       exceeding an exact total by at most half.  Notes are capped at five per group.
    """
    rows = matched_rows(figures)
    if not rows:
        return schema.empty("figure_matches")
    return _matches_frame(match_records(rows))


def match_records(rows: list[dict]) -> list[dict]:
    """Steps 1-3 of `match_figures` on its row dicts (`_matched_rows`), as `figure_matches` records in
    group order, not yet sorted: what a caller matching many corpora at once (each story of a corpus,
    newsbook.stories) tabulates and sorts once, instead of building one small frame per story."""
    groups = _group_figures(rows)
    _mark_conflicts(groups)
    _note_arithmetic(groups)
    return [_match_record(g) for g in groups]


def matched_rows(figures: pd.DataFrame | None) -> list[dict]:
    """The figures `match_figures` compares, as row dicts (`_comparable`); [] when there are none."""
    if figures is None or figures.empty:
        return []
    # row dicts of the matched kinds and only the columns read below (what to_dict("records") gave,
    # built from column lists: to_dict boxed each of ~16 values per row one at a time)
    used = [c for c in ("article_id", "figure_id", "value", "value_high", "kind", "unit", "text", "noun",
                        "noun_phrase", "qualifier", "sentence") if c in figures.columns]
    keep = figures["kind"].isin(MATCHED_KINDS) if "kind" in figures.columns else None
    if keep is not None and "noun" in figures.columns:
        keep = keep | (figures["kind"].eq("ordinal") & figures["noun"].isin(_TIME_UNIT_NAMES))
    if keep is None or not keep.any():
        return []
    picked = figures.loc[keep, used]
    return [_comparable(dict(zip(used, values))) for values in zip(*(picked[c].tolist() for c in used))]


def _match_key(f: dict) -> tuple:
    """What a figure must share with another to be one group: kind, unit (a date's day), value,
    and the high value of a range or vote."""
    vh = f.get("value_high")
    vh = round(float(vh), 6) if vh == vh and f["kind"] in ("range", "vote") else None
    unit = f.get("unit") or ""
    if f["kind"] == "date":
        unit = _date_key(f.get("text") or "")
    return f["kind"], unit, round(float(f["value"]), 6), vh


def _group_figures(rows: list[dict]) -> list[dict]:
    """Step 1 of `match_figures`: figures of one `_match_key` whose nouns are compatible form a group
    (key, members, noun, articles, notes, status ``agreed`` or ``single``)."""
    import collections  # here, not at the top: the module's import lines belong to the lazy-import work

    buckets: dict[tuple, list[dict]] = {}
    for f in rows:
        buckets.setdefault(_match_key(f), []).append(f)
    groups: list[dict] = []
    for k, members in buckets.items():
        clusters = _clusters(k, members)
        for c in clusters:
            nouns = [g["noun"] for g in c if g.get("noun")]
            # the most frequent noun, the earliest on a tie (Counter keeps first-seen order)
            noun = collections.Counter(nouns).most_common(1)[0][0] if nouns else ""
            arts = sorted({g["article_id"] for g in c})
            groups.append({"key": k, "members": c, "noun": noun, "articles": arts, "notes": [],
                           "status": "agreed" if len(arts) >= 2 else "single"})
    return groups


def _clusters(k: tuple, members: list[dict]) -> list[list[dict]]:
    """The figures of one `_match_key` bucket `k`, in clusters of compatible nouns."""
    # Each figure joins the first cluster that has no named figure, already holds its (noun,
    # phrase), or holds a (noun, phrase) `nouns_compatible` with it; else it starts a cluster.
    # A figure without a noun joins the first cluster.  Comparing every figure with every
    # cluster was quadratic in a bucket ("2017", "one"), so clusters are indexed by what can make
    # two nouns compatible (a noun stem, a phrase word's stem, both naming people) and only those
    # candidates are checked, in cluster order: the same first cluster, found without the scan.
    clusters: list[list[dict]] = []
    keys: list[set[tuple]] = []  # per cluster: distinct (noun, phrase)
    named: list[list[_NounInfo]] = []  # per cluster: `_noun_info` of its keys with a noun
    by_stem: dict[str, set[int]] = {}
    by_word: dict[str, set[int]] = {}
    people: set[int] = set()
    unnamed: set[int] = set()  # clusters with no named figure (only ever cluster 0)
    for f in members:
        fkey = ((f.get("noun") or "").lower(), str(f.get("noun_phrase") or ""))
        ci = 0 if clusters else None
        if fkey[0] and k[0] == "money":
            info = _noun_info(*fkey)
            ci = next((c for c in range(len(clusters)) if not named[c] or fkey in keys[c]
                       or any(_money_infos_compatible(info, g) for g in named[c])), None)
        elif fkey[0]:
            info = _noun_info(*fkey)
            cands = set(unnamed)
            cands.update(by_stem.get(info.stem, ()))
            cands.update(by_word.get(info.stem, ()))
            for w in info.words:
                cands.update(by_stem.get(w, ()))
            if info.person:
                cands.update(people)
            ci = next((c for c in sorted(cands) if not named[c] or fkey in keys[c]
                       or any(_infos_compatible(info, g, False) for g in named[c])), None)
        if ci is None:
            ci = len(clusters)
            clusters.append([])
            keys.append(set())
            named.append([])
        clusters[ci].append(f)
        if fkey not in keys[ci]:
            keys[ci].add(fkey)
            if fkey[0]:
                named[ci].append(info)
                by_stem.setdefault(info.stem, set()).add(ci)
                for w in info.words:
                    by_word.setdefault(w, set()).add(ci)
                if info.person:
                    people.add(ci)
        if named[ci]:
            unnamed.discard(ci)
        else:
            unnamed.add(ci)
    return clusters


def _mark_conflicts(groups: list[dict]) -> None:
    """Step 2 of `match_figures`: groups whose values clash become ``conflict`` (an agreed group keeps
    its status) and each gets a note naming the other."""
    # conflicts: candidates share kind, unit and noun stem; they need disjoint articles, clashing
    # intervals, a shared context word and no article stating both values
    states: dict[tuple, set[str]] = {}
    for g in groups:
        kind, unit, value, _ = g["key"]
        g["classes"] = set()  # the noun stems and classes its members state (for `states_value`)
        for m in g["members"]:
            classes = _noun_classes(m.get("noun") or "")
            g["classes"] |= classes
            for cls in classes:
                states.setdefault((kind, unit, value, cls), set()).add(m["article_id"])
    for g in groups:
        g["context"] = set().union(*(_context_stems(m) for m in g["members"]))
    if len(groups) >= 50:
        # in a large corpus, words most sentences share ("officials", "said") tell no event apart
        df: dict[str, int] = {}
        for g in groups:
            for w in g["context"]:
                df[w] = df.get(w, 0) + 1
        common = {w for w, c in df.items() if c > max(5, 0.2 * len(groups))}
        for g in groups:
            g["context"] -= common
    by_noun: dict[tuple, list[dict]] = {}
    for g in groups:
        if g["key"][0] != "date" and g["noun"]:
            by_noun.setdefault((g["key"][0], g["key"][1], _stem(g["noun"])), []).append(g)
            # what the pairwise loop below reads of a candidate, computed once per group: its article
            # set, the values its first member allows, the `_noun_info` of its distinct named
            # (noun, phrase) (an unnamed one is never strictly compatible)
            fa = g["members"][0]
            g["article_set"] = set(g["articles"])
            g["interval"] = interval(fa["value"], fa.get("qualifier"), fa.get("value_high", math.nan))
            rep_keys = dict.fromkeys(((m.get("noun") or "").lower(), str(m.get("noun_phrase") or ""))
                                     for m in g["members"])
            g["rep_infos"] = [_noun_info(*rk) for rk in rep_keys if rk[0]]

    def states_value(articles, kind, unit, value, classes) -> bool:
        return any(not articles.isdisjoint(states.get((kind, unit, value, c), ())) for c in classes)

    for cands in by_noun.values():
        if len(cands) > MAX_CONFLICT_CANDIDATES:
            cands = sorted(cands, key=lambda g: -len(g["articles"]))[:MAX_CONFLICT_CANDIDATES]
        for gi, a in enumerate(cands):
            for b in cands[gi + 1:]:
                if not a["article_set"].isdisjoint(b["article_set"]) or len(a["notes"]) >= 5 \
                        or len(b["notes"]) >= 5:
                    continue
                kind, unit = a["key"][:2]
                if a["context"].isdisjoint(b["context"]):
                    continue  # "35 diplomats expelled" vs "40 diplomats arrived": different events
                if a["noun"] in UNCOMPARED_NOUNS:
                    continue  # "20 years" and "27 years" of age are mostly two people's ages
                ia, ib = a["interval"], b["interval"]
                if ia[0] <= ib[1] and ib[0] <= ia[1]:
                    continue  # "over 1,000" and "1,210" are compatible
                if not any(_infos_compatible(x, y, True) for x in a["rep_infos"] for y in b["rep_infos"]):
                    continue
                if states_value(a["article_set"], kind, unit, b["key"][2], b["classes"]) or \
                        states_value(b["article_set"], kind, unit, a["key"][2], a["classes"]):
                    continue
                for x, y in ((a, b), (b, a)):
                    if x["status"] == "single":
                        x["status"] = "conflict"
                    x["notes"].append("conflicts with " + "; ".join(_describe(m) for m in y["members"][:3]))
                    # the other group by its first figure's id: which groups clash, not only a note
                    x.setdefault("conflicts", []).append(y["members"][0]["figure_id"])


def _note_arithmetic(groups: list[dict]) -> None:
    """Step 3 of `match_figures`: notes where two counts one article states sum to (or exceed, or
    are consistent with) a total stated anywhere."""
    # arithmetic: two counts one article states together, against a total stated anywhere
    counts = [g for g in groups if g["key"][0] == "count" and g["noun"]]
    by_article: dict[str, list[int]] = {}
    for gi, g in enumerate(counts):
        for art in g["articles"]:
            by_article.setdefault(art, []).append(gi)
    totals = sorted(range(len(counts)), key=lambda gi: counts[gi]["key"][2])
    total_values = [counts[gi]["key"][2] for gi in totals]
    # `_noun_info` of each count's first member, which stands for the group in the checks below
    infos = [_figure_info(g["members"][0]) for g in counts]
    # and of all its members: a total must count what one of them counts ("same noun")
    member_infos = [{_figure_info(m) for m in g["members"]} for g in counts]
    seen_pairs: set[tuple[int, int]] = set()
    for members in by_article.values():
        members = sorted(set(members))[:MAX_PARTS_PER_ARTICLE]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                ai, bi = members[x], members[y]
                if (ai, bi) in seen_pairs:
                    continue
                seen_pairs.add((ai, bi))
                pa, pb = counts[ai], counts[bi]
                fa, fb = pa["members"][0], pb["members"][0]
                if fa["value"] == fb["value"] or not _infos_compatible(infos[ai], infos[bi], False):
                    continue
                s = fa["value"] + fb["value"]
                # totals whose value could relate to s: between s / 1.5 and s / 0.9
                lo_i = bisect.bisect_left(total_values, s / 1.5 - 1e-9)
                hi_i = bisect.bisect_right(total_values, s / 0.9 + 1e-9)
                # a total must exceed both parts (checked below): start past the totals whose rounded
                # value is at most the larger part (the margin covers the rounding of the key)
                top = max(fa["value"], fb["value"])
                lo_i = max(lo_i, bisect.bisect_right(total_values, top - 1e-6 - 1e-9 * abs(top)))
                for ti in totals[lo_i:hi_i]:
                    total = counts[ti]
                    if ti in (ai, bi) or len(total["notes"]) >= 5:
                        continue
                    ft = total["members"][0]
                    tq, tv = ft.get("qualifier") or "exactly", ft["value"]
                    if max(fa["value"], fb["value"]) >= tv:
                        continue  # (pure checks, so testing the values before the nouns changes nothing)
                    if not (_infos_compatible(infos[ai], infos[ti], False)
                            and _infos_compatible(infos[bi], infos[ti], False)):
                        continue
                    if not _total_stated(fa, fb, ft):
                        continue  # nothing in the text says these are parts of a total
                    if not any(_infos_compatible(x, infos[ti], True) for x in member_infos[ai] | member_infos[bi]):
                        continue  # the total counts what a part counts: not "4 people + 3 people" vs "6 women"
                    lo, hi = interval(tv, tq)
                    if math.isclose(s, tv):
                        rel = "="
                    elif tq in ("over", "at least") and lo <= s <= tv * 1.5:
                        rel = f"consistent with '{tq} {_fmt(tv)}'"
                    elif tq == "about" and lo <= s <= hi:
                        rel = f"consistent with 'about {_fmt(tv)}'"
                    elif tq == "exactly" and tv < s <= tv * 1.5:
                        rel = f"exceeds the stated total {_fmt(tv)} by {_fmt(s - tv)}"
                    else:
                        continue
                    text = (f"{_fmt(fa['value'])} {fa['noun']} + {_fmt(fb['value'])} {fb['noun']} = {_fmt(s)}"
                            + (f" {total['noun']} stated as total" if rel == "=" else f", {rel} {total['noun']}")
                            + f" ({'; '.join(total['articles'])})")
                    total["notes"].append("arithmetic: " + text)
                    for p in (pa, pb):
                        if len(p["notes"]) < 5:
                            p["notes"].append("part of a sum: " + text)


def _match_record(g: dict) -> dict:
    """One `figure_matches` row of a group."""
    f0 = g["members"][0]
    notes = list(g["notes"])
    quals = sorted({m.get("qualifier") or "exactly" for m in g["members"]})
    if len(g["articles"]) >= 2:
        notes.insert(0, f"stated by {len(g['articles'])} articles"
                     + (f" (qualifiers differ: {', '.join(quals)})" if len(quals) > 1 else ""))
    return {
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
    }


def _matches_frame(records: list[dict]) -> pd.DataFrame:
    """The `figure_matches` table of the records: conflicts first, then agreed, then single."""
    frame = pd.DataFrame(records)
    order = {"conflict": 0, "agreed": 1, "single": 2}
    frame = frame.assign(_o=frame["status"].map(order), _k=frame["kind"].eq("date")) \
        .sort_values(["_o", "_k", "n_articles", "kind", "value"], ascending=[True, True, False, True, True]) \
        .drop(columns=["_o", "_k"])
    return schema.conform("figure_matches", frame)

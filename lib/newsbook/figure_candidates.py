"""Candidate figures: the scan over a Doc (`_scan`) and the builders it calls for each number —
glued pairs, fractions, ordinals, word ranges, ranges and votes, qualifiers attached."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .figure_lexicon import (ABOUT_SIGNS, CHANGE_VERBS, CURRENCY_PREFIX, FRACTION_DENOMS, MEASURE_UNITS,
                             MONTHS, NAME_ENTS, ONE_IDIOM_NOUNS, ORDINAL_WORDS, PERSON_NOUNS, PRONOUN_DETS,
                             RELATIVE_TIME, SCALE_WORDS, SUFFIX_SCALES, TIME_UNITS, VOTE_NOUNS, VOTE_VERBS,
                             _DASHES, _GLUED_RE)
from .figure_numbers import _START, _Fig, _Num, _parse_number, _spelling_codes
from .figure_patterns import pattern_matches
from .figure_context import (_currency_after, _currency_before, _date_span, _in_name, _is_title_case,
                             _magnitude_before, _month_at, _name_word_before, _percent_after,
                             _qualifier_after, _qualifier_before, _score_verb_near, _sentence_start,
                             _unit_after, _year_like)
from .nlp import doc_tokens, sentence_of_token, sentence_token_starts, sentences


# ------------------------------------------------------------------------------------------------
# Main scan
# ------------------------------------------------------------------------------------------------


def _possible_starts(doc: Doc) -> list[int]:
    """The token indices, ascending, where a figure may start (`figure_numbers._may_start_at`, read
    from the Doc's spelling codes)."""
    return np.flatnonzero(_spelling_codes(doc) & _START).tolist()


def _scan(doc: Doc) -> list[_Fig]:
    figs: list[_Fig] = []
    n = len(doc)
    i = 0
    sent_cache: dict[int, tuple[int, bool]] = {}
    sent_starts, sents = sentence_token_starts(doc), sentences(doc)

    def sent_info(k: int):
        s = sents[bisect.bisect_right(sent_starts, k) - 1]  # `doc[k].sent`, without a Span per token
        if s.start not in sent_cache:
            sent_cache[s.start] = (s.start, _is_title_case(s))
        return sent_cache[s.start]

    tokens = doc_tokens(doc)
    starts = _possible_starts(doc)
    p = 0
    while True:
        p = bisect.bisect_left(starts, i, p)  # at any other token every branch below finds nothing
        if p == len(starts):
            break
        i = starts[p]
        tok = tokens[i]
        sent_start, title_case = sent_info(i)
        lw = tok.lower_
        fr = _fraction_words(doc, i, title_case)
        if fr is not None:
            _attach_qualifier(doc, fr, sent_start)
            figs.append(fr)
            i = fr.end
            continue
        if lw in ("between", "from") and i + 1 < n:
            # "between X and Y", "from X to Y" (not after a verb of change)
            rng = _try_range_words(doc, i, title_case)
            if rng is not None:
                _attach_qualifier(doc, rng, sent_start)
                figs.append(rng)
                i = rng.end
                continue
        cur = _currency_before(doc, i + 1) if tok.lower_ in CURRENCY_PREFIX else None
        k = i + 1 if cur else i
        if cur is None and i >= 2 and tokens[i - 1].text == ".":
            cur = _currency_before(doc, i)  # "Rs. 2,500": the sign's full stop is a token of its own
        if k >= n:
            i += 1
            continue
        num = _parse_number(doc, k)
        if num is None:
            glued = _glued_pair(doc, k, cur, title_case, sent_start)
            if glued is not None:
                figs.append(glued)
                i = glued.end
                continue
            i += 1
            continue
        fig = _build(doc, num, cur, title_case, sent_start)
        if fig is None:
            i = max(num.end, i + 1)
            continue
        figs.append(fig)
        i = max(fig.end, i + 1)
    return figs


def _glued_pair(doc: Doc, k: int, cur, title_case: bool, sent_start: int):
    """A range or score written as one token: '5.25%-5.5' (+ '%'), '10-15', '3-1'."""
    tokens = doc_tokens(doc)
    tok = tokens[k]
    m = _GLUED_RE.match(tok.text)
    if m is None or k >= len(doc):
        return None
    a, b = float(m.group("a").replace(",", "")), float(m.group("b").replace(",", ""))
    sa, sb = m.group("sa"), m.group("sb")
    if (sa or sb) and not (cur or m.group("cb")) and "m" in (sa, sb):
        return None  # "5m-10m" without a currency: metres or millions, unclear
    end = k + 1
    if not sb and sa and k + 1 < len(doc) and tok.whitespace_ == "" and \
            tokens[k + 1].text in (sa, sa + ".") and (cur or m.group("cb")):
        sb, end = sa, k + 2  # "£3m-£4m" tokenised "£", "3m-£4", "m"
    if sb:
        b *= SUFFIX_SCALES[sb]
        a *= SUFFIX_SCALES[sa or sb]  # "$5-5.5bn": the multiplier is shared
    elif sa:
        a *= SUFFIX_SCALES[sa]
    if m.group("cb") and not cur:
        cur = (CURRENCY_PREFIX[m.group("cb").lower()], k)
    if re.fullmatch(r"\d{4}", m.group("a")) and 1000 <= a <= 2100:
        return None  # "2017-18": a season or fiscal year, left to the date rules
    start = cur[1] if cur else k
    unit = cur[0] if cur else ""
    pct = _percent_after(doc, end)
    if m.group("pa") or m.group("pb") or pct:
        unit = "%"
        if pct:
            end = pct[1]
    if not unit and b < a and _score_verb_near(doc, k):
        fig = _Fig(start, end, a, value_high=b, kind="vote", anchor=k)
    elif b > a:
        fig = _Fig(start, end, a, value_high=b, kind="range", unit=unit, anchor=end - 1)
    else:
        return None
    _attach_qualifier(doc, fig, sent_start)
    return fig


_FRACTION_DETS = {"the", "all", "its", "their", "his", "her", "our", "your", "my", "this", "these", "those",
                  "that", "a", "an", "of"}


def _fraction_words(doc: Doc, i: int, title_case: bool):
    """'half of', 'half the', 'by half', 'a third of', 'a quarter of', 'one fifth of' -> fraction."""
    tokens = doc_tokens(doc)
    n = len(doc)
    tok = tokens[i]
    lw = tok.lower_
    start = i
    k = i
    if lw in ("a", "an", "one") and i + 1 < n and tokens[i + 1].lower_ in FRACTION_DENOMS and \
            not tokens[i + 1].lower_.endswith("s"):
        k = i + 1
        if lw == "one" and tokens[i].whitespace_ == "" and False:
            return None
    elif lw != "half":
        return None
    w = tokens[k].lower_
    if w not in FRACTION_DENOMS:
        return None
    nxt = tokens[k + 1] if k + 1 < n else None
    prev = tokens[start - 1] if start > 0 else None
    if w == "half":
        if k + 2 < n and tokens[k + 1].lower_ in ("a", "an") and tokens[k + 2].lower_ in SCALE_WORDS:
            return None  # "half a million": a number
        if k == i and prev is not None and (prev.lower_ in ("the", "this", "that", "first", "second", "other",
                                                            "latter", "former", "one") or prev.like_num
                                             or prev.lower_ in ORDINAL_WORDS):
            return None  # "the second half", "one and a half" (parsed with the number)
        if prev is not None and prev.lower_ == "and" and start >= 2 and tokens[start - 2].like_num:
            return None
        if nxt is not None and nxt.text in _DASHES:
            return None  # "half-time", "half-brother"
        ok = nxt is not None and nxt.lower_ in _FRACTION_DETS or \
            prev is not None and prev.lower_ in ("by", "in", "than", "nearly", "almost", "about", "over", "than",
                                                 "roughly", "around")
        if not ok:
            return None
    else:
        # "a third of", "a quarter of"; "a third term", "a second quarter" are ordinals/periods
        if nxt is None or nxt.lower_ not in ("of",) and not (prev is not None and prev.lower_ in ("by", "than")):
            return None
        if tokens[k].text[:1].isupper() and not title_case and not _sentence_start(tokens[start]):
            return None
    return _Fig(start, k + 1, 1 / FRACTION_DENOMS[w], kind="fraction", anchor=k)


def _fraction_at(doc: Doc, num: _Num):
    """'two-thirds', 'a third of', 'one in five' handled elsewhere: numerator + denominator word."""
    j = num.end
    n = len(doc)
    if num.ordinal or num.scaled or num.value >= 10 or num.value != int(num.value):
        return None
    k = j
    if k < n and doc[k].text in _DASHES and doc[k - 1].whitespace_ == "":
        k += 1
    if k < n and doc[k].lower_ in FRACTION_DENOMS:
        denom = FRACTION_DENOMS[doc[k].lower_]
        w = doc[k].lower_
        if num.value == 1 or w.endswith("s") or w in ("half",):
            if w in ("second", "seconds") or (num.value > 1 and not w.endswith("s")):
                return None
            # "three quarters of", "two-thirds", "one third"; "two quarters" (periods) is a count
            if w.startswith("quarter") and not (k + 1 < n and doc[k + 1].lower_ == "of") and \
                    doc[k - 1].text not in _DASHES:
                return None
            return k + 1, num.value / denom
    return None


def _build(doc: Doc, num: _Num, cur, title_case: bool, sent_start: int):
    fig = _build_figure(doc, num, cur, title_case, sent_start)
    if fig is None:
        return None
    # 4.1 x 1e9 is 4099999999.9999995 in binary floating point: keep the digits that were written
    fig.value = float(f"{fig.value:.12g}")
    if fig.value_high == fig.value_high:
        fig.value_high = float(f"{fig.value_high:.12g}")
    if num.prefix in ABOUT_SIGNS:
        fig.qualifier = "about"  # "~80%", "c.500": the sign is glued inside the number's token
    if fig.kind not in ("date", "ordinal") and fig.start > 0 and doc[fig.start - 1].lower_ == "minus" and \
            not (fig.start >= 2 and doc[fig.start - 2].like_num) and fig.value > 0:
        fig.start -= 1  # "minus 387", "minus 20 degrees"; "10 minus 3" is arithmetic
        fig.value = -fig.value
    return fig


def _build_figure(doc: Doc, num: _Num, cur, title_case: bool, sent_start: int):
    first = doc[num.start]
    if num.prefix and num.prefix not in ABOUT_SIGNS and not cur:
        cur = (CURRENCY_PREFIX[num.prefix.lower()], num.start)  # "EUR50m", "RM23.50", "US$4bn"
    if num.suffix_unit == "b?" and not cur:
        return None
    start = cur[1] if cur else num.start
    # ---- idioms and pronoun "one"
    lw = first.lower_
    if num.words and not num.vague and num.start + 1 == num.end and not cur:
        if lw == "one" and not _one_is_figure(doc, num.start):
            return None
    if num.ordinal and num.words:
        return _ordinal(doc, num, title_case, sent_start)
    # ---- years inside event names ("the 2024 Olympics") are still dates
    prev = doc[num.start - 1] if num.start > 0 else None
    year_first = (not cur and not num.vague and _year_like(num.value, first.text)
                  and first.ent_type_ in ("DATE", "EVENT") and not (prev is not None and _name_word_before(prev)))
    # ---- names
    if not cur and not year_first and _in_name(doc, num, title_case):
        return None
    # ---- dates
    if not cur and not num.vague:
        d = _date_span(doc, num)
        if d is not None:
            s, e, v, unit = d
            return _Fig(s, e, float(v), kind="date", unit=unit, anchor=num.start)
    if num.ordinal:
        return _ordinal(doc, num, title_case, sent_start)
    # rank: "No. 2", "#1", "number one"
    prev = doc[num.start - 1] if num.start > 0 else None
    if prev is not None and not cur and (prev.lower_ in ("no.", "#", "nos.") or
                                         prev.text == "No" or (prev.lower_ == "number" and num.words)):
        return _Fig(num.start - 1, num.end, num.value, kind="ordinal", anchor=num.start)
    if prev is not None and not cur and prev.text == "." and num.start >= 2 and \
            doc[num.start - 2].text in ("No", "no", "Nos") and doc[num.start - 2].whitespace_ == "":
        return _Fig(num.start - 2, num.end, num.value, kind="ordinal", anchor=num.start)
    # slashes "9/11", "24/7" are one token and fail the number regex; "50/50" likewise
    fig = _Fig(start, num.end, num.value, anchor=num.end - 1 if num.scaled else num.start,
               vague=num.vague, scaled=num.scaled)
    if num.vague:
        fig.qualifier = "over"
    if num.words and num.scaled:
        fig.anchor = num.end - 1
    j = num.end
    # ---- fractions: "two-thirds", "a third", "one and a half" (value already), "half"
    fr = _fraction_at(doc, num)
    if fr is not None and not cur:
        fig.end, fig.value, fig.kind = fr[0], fr[1], "fraction"
        fig.anchor = fr[0] - 1
        _attach_qualifier(doc, fig, sent_start)
        return fig
    # ---- currency / percent / unit after the number
    unit_end = j
    if cur:
        fig.kind, fig.unit = "money", cur[0]
        if num.suffix_unit == "m?":
            fig.value *= 1e6
            fig.scaled = True
            num.scaled, num.scale, num.value = True, 1e6, fig.value
        after = _currency_after(doc, j)
        if after and after[0] in ("USD", "GBP") and doc[j].lower_ in ("dollars", "sterling"):
            unit_end = after[1]
    else:
        unit_end, settled = _unit_after_number(doc, fig, num, j, start, sent_start)
        if settled is not None:
            return settled
    if fig.kind == "count" and _magnitude_before(doc, num.start):
        fig.kind, fig.unit = "measure", "magnitude"  # "a magnitude 6.3 earthquake", "a magnitude of 4.0"
    fig.end = unit_end
    # ---- ranges and votes: X-Y, X to Y, X or Y, X votes to Y
    rv = _range_or_vote(doc, fig, num, cur, title_case)
    if rv is not None:
        fig = rv
    # ---- ages: "Smith, 45, said", "aged 62"
    if fig.kind in ("count", "range") and not fig.unit and num.start > 0 and \
            doc[num.start - 1].lower_ in ("aged", "age") and num.value < 130:
        fig.kind, fig.unit = ("range" if fig.kind == "range" else "measure"), "year of age"
    if fig.kind == "count" and not num.words and _is_age_apposition(doc, num):
        fig.kind, fig.unit = "measure", "year of age"
        fig.noun, fig.noun_phrase = "age", ""
    _attach_qualifier(doc, fig, sent_start)
    return fig


def _unit_after_number(doc: Doc, fig: _Fig, num: _Num, j: int, start: int, sent_start: int):
    """`_build_figure`'s step for a number with no currency before it: the money word, percent,
    unit, age or hyphenated noun after it (set on `fig`). Returns (where the unit ends, the finished
    figure when this step settles it — a relative date, an age — else None)."""
    n = len(doc)
    unit_end = j
    after = _currency_after(doc, j)
    pct = _percent_after(doc, j)
    if num.suffix_unit == "%":
        fig.kind, fig.unit = "percent", "%"
    elif num.suffix_unit == "m?":
        # "300m" without a currency: millions before a money word ("300m euros"), a plural noun
        # or a unit ("12.3m tonnes", "4.3m views"); metres otherwise ("a 300m tower", "the 100m")
        unit_next = _unit_after(doc, j, allow_time=False)
        if after:
            fig.value *= 1e6
            fig.kind, fig.unit = "money", after[0]
            unit_end = after[1]
        elif unit_next is not None or j < n and doc[j].tag_ == "NNS":
            fig.value *= 1e6
            fig.scaled = True
            if unit_next is not None:
                fig.kind, fig.unit = "measure", unit_next[0]
                unit_end = unit_next[1]
                fig.extra_tokens = list(range(j, unit_end))
        else:
            fig.kind, fig.unit = "measure", "m"
    elif num.suffix_unit == "times":
        fig.kind, fig.unit = "measure", "times"
    elif num.suffix_unit == "penny":
        fig.kind, fig.unit = "money", "penny"
    elif num.suffix_unit:
        u = num.suffix_unit
        if u in TIME_UNITS:
            fig.kind, fig.unit = "measure", TIME_UNITS[u]
        elif u.startswith("°"):
            fig.kind, fig.unit = "measure", u
        else:
            fig.kind, fig.unit = "measure", MEASURE_UNITS.get(u, MEASURE_UNITS.get(u.rstrip("/h"), u))
    elif after:
        fig.kind, fig.unit = "money", after[0]
        unit_end = after[1]
        fig.extra_tokens = list(range(j, unit_end))
    elif pct:
        fig.kind, fig.unit = "percent", pct[0]
        unit_end = pct[1]
        fig.extra_tokens = list(range(j, unit_end))
    else:
        u = _unit_after(doc, j)
        if u is not None:
            unit, ue, is_time = u
            if is_time and j < n and ue < n and doc[ue].lower_ in RELATIVE_TIME and \
                    doc[ue].lower_ in ("ago", "earlier", "later", "hence"):
                return unit_end, _Fig(start, ue + 1, num.value, kind="date", unit="relative", anchor=num.start)
            if is_time and _age_after(doc, j):
                # "20-year-old man", "a 20 year old"
                e = _age_after(doc, j)
                fig.kind, fig.unit, fig.end = "measure", "year of age", e
                fig.extra_tokens = list(range(j, e))
                fig.anchor = e - 1
                _attach_qualifier(doc, fig, sent_start)
                return unit_end, fig
            fig.kind, fig.unit = "measure", unit
            unit_end = ue
            fig.extra_tokens = list(range(j, ue))
        elif j + 2 < n and doc[j].text in _DASHES and doc[j].whitespace_ == "" and \
                _hyphen_noun(doc[j + 1]) and doc[j - 1].whitespace_ == "":
            # hyphenated compounds: "3,000-strong crowd", "a 10-day visit", "a 90-minute call"
            w = doc[j + 1].lower_
            if w in TIME_UNITS:
                fig.kind, fig.unit = "measure", TIME_UNITS[w]
                if _age_after(doc, j + 1):
                    e = _age_after(doc, j + 1)
                    fig.unit, fig.end = "year of age", e
                    fig.anchor = e - 1
                    fig.extra_tokens = list(range(j, e))
                    _attach_qualifier(doc, fig, sent_start)
                    return unit_end, fig
            elif w in MEASURE_UNITS:
                fig.kind, fig.unit = "measure", MEASURE_UNITS[w]
            elif w != "strong":
                # "a 3-cylinder engine" counts cylinders, "a 12-page document" pages
                fig.noun, fig.noun_phrase = _singular(doc[j + 1]), doc[j + 1].text
            unit_end = j + 2
            fig.extra_tokens = list(range(j, j + 2))
            fig.anchor = num.end - 1
    return unit_end, None


_NOT_HYPHEN_NOUNS = {"plus", "odd", "and", "to", "or", "year-old", "old", "ish"}


def _hyphen_noun(tok: Token) -> bool:
    """The word after "N-" in a hyphenated compound that says what N counts or measures:
    "3,000-strong", "a 10-day visit", "a 3-cylinder engine", "an eight-page insert"."""
    return tok.is_alpha and tok.is_lower and tok.lower_ not in _NOT_HYPHEN_NOUNS and \
        tok.lower_ not in MONTHS and tok.pos_ in ("NOUN", "ADJ", "PROPN", "VERB", "ADV")


def _singular(tok: Token) -> str:
    """A compound's counted word as a lemma ("12-roll packs" -> roll; "four-pack" -> pack)."""
    return tok.lemma_.lower() if tok.pos_ == "NOUN" else tok.lower_


def _age_after(doc: Doc, j: int):
    """'year-old' after the number at j ("20-year-old", "20 year old"): end index, or None."""
    return pattern_matches(doc).age.get(j)


def _is_age_apposition(doc: Doc, num: _Num) -> bool:
    i, j = num.start, num.end
    if i == 0 or j >= len(doc):
        return False
    prev, nxt = doc[i - 1], doc[j]
    if prev.text != "," or nxt.text not in (",", ".", ";") or not (1 <= num.value <= 120):
        return False
    if i >= 2 and (doc[i - 2].ent_type_ == "PERSON" or doc[i - 2].pos_ == "PROPN" and doc[i - 2].text[:1].isupper()
                   or doc[i - 2].lemma_.lower() in PERSON_NOUNS):
        return num.value == int(num.value)
    return False


def _one_is_figure(doc: Doc, i: int) -> bool:
    tok = doc[i]
    n = len(doc)
    nxt = doc[i + 1] if i + 1 < n else None
    prev = doc[i - 1] if i > 0 else None
    if nxt is not None and nxt.lower_ in ("of", "another", "'s", "who", "that", "which", "by",
                                          "after", "day", "thing", "way", "time"):
        return False
    if prev is not None and prev.lower_ in PRONOUN_DETS | {"no", "any", "every", "at", "for", "as",
                                                          "little", "big", "only"} - {"only"}:
        if prev.lower_ == "at" and nxt is not None and nxt.lower_ in ONE_IDIOM_NOUNS:
            return False
        if prev.lower_ != "at":
            return False
    if nxt is not None and nxt.lower_ in ("or", "to") and i + 2 < n and doc[i + 2].like_num:
        return True  # "one or two", "one to three"
    head = tok.head
    if tok.dep_ == "nummod" and head.pos_ in ("NOUN", "PROPN") and head.i > i:
        if head.lemma_.lower() in ONE_IDIOM_NOUNS:
            return False
        # "one senior official said": a person, but still one of them; keep
        return True
    # "one in five", "one out of ten"
    if nxt is not None and nxt.lower_ in ("in", "out") and any(doc[k].like_num for k in range(i + 2, min(n, i + 5))):
        return True
    # "one" as the head of a noun phrase: a pronoun ("the one", "one said")
    return False


def _ordinal(doc: Doc, num: _Num, title_case: bool, sent_start: int):
    first = doc[num.start]
    i, j = num.start, num.end
    n = len(doc)
    lw = first.lower_
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[j] if j < n else None
    # idioms
    if prev is not None and prev.lower_ == "at" and lw == "first":
        return None
    if lw == "first" and nxt is not None and nxt.lower_ == "of" and j + 1 < n and doc[j + 1].lower_ == "all":
        return None
    if nxt is not None and nxt.text in _DASHES and j + 1 < n and doc[j + 1].lower_ in (
            "hand", "rate", "class", "guess", "degree", "floor", "term", "time", "ever", "half", "round",
            "placed", "largest", "biggest", "string", "tier", "generation", "division", "quarter", "grade",
            "highest", "lowest", "most", "best", "worst", "place", "century"):
        if doc[j + 1].lower_ in ("hand", "rate", "class", "guess", "degree", "string", "tier"):
            return None
    if lw == "first" and first.pos_ == "ADV" and first.head.lemma_.lower() not in (
            "come", "finish", "place", "rank", "end", "cross", "arrive", "qualify", "go", "bat"):
        return None  # "was first shown": an adverb of time
    if lw == "second" and (first.pos_ == "NOUN" or (nxt is not None and nxt.lower_ in ("later", "ago"))):
        return None  # a unit of time
    if lw in ("second",) and first.pos_ == "VERB":
        return None
    # in a name: "Second World War", "First Amendment", "21st Century Fox"
    if not title_case and first.text[:1].isupper() and not _sentence_start(first):
        return None
    if first.ent_type_ in NAME_ENTS and first.ent_iob_ == "I":
        return None
    # dates: "the 21st century", "July 4th" (handled by date span for digits)
    d = _date_span(doc, num)
    if d is not None:
        s, e, v, unit = d
        return _Fig(s, e, float(v), kind="date", unit=unit, anchor=num.start)
    # fractions: "a third of", "two-thirds" handled from the numerator; "a fifth of the budget"
    if prev is not None and prev.lower_ in ("a", "one") and lw in FRACTION_DENOMS and nxt is not None and \
            nxt.lower_ == "of":
        return _Fig(i - 1, j, 1 / FRACTION_DENOMS[lw], kind="fraction", anchor=i)
    fig = _Fig(i, j, float(num.value), kind="ordinal", anchor=i)
    if prev is not None and prev.lower_ in ("no", "no.", "number", "#") and False:
        pass
    return fig


def _try_range_words(doc: Doc, i: int, title_case: bool):
    """'between X and Y', 'from X to Y' (not after a verb of change)."""
    n = len(doc)
    w = doc[i].lower_
    k = i + 1
    cur_a = None
    if k < n and doc[k].lower_ in CURRENCY_PREFIX:
        cur_a = _currency_before(doc, k + 1)
        k += 1
    a = _parse_number(doc, k) if k < n else None
    if a is None or a.ordinal or a.decade:
        return None
    sep = "and" if w == "between" else "to"
    m = a.end
    # units after the first number: "between 5% and 10%", "between $5m and $10m"
    unit_a = _percent_after(doc, m) or _currency_after(doc, m)
    if unit_a:
        m = unit_a[1]
    if m >= n or doc[m].lower_ != sep:
        return None
    k2 = m + 1
    cur_b = None
    if k2 < n and doc[k2].lower_ in CURRENCY_PREFIX:
        cur_b = _currency_before(doc, k2 + 1)
        k2 += 1
    b = _parse_number(doc, k2) if k2 < n else None
    if b is None or b.ordinal:
        return None
    if w == "from":
        # verbs of change: two separate figures
        head = doc[i].head
        if head.lemma_.lower() in CHANGE_VERBS or head.lower_ in ("up", "down") or \
                any(t.lemma_.lower() in CHANGE_VERBS for t in doc[i].sent if t.pos_ == "VERB"):
            return None
    # dates "between 2010 and 2015", "from 1990 to 2000" -> date range
    a_text, b_text = doc[a.start].text, doc[b.start].text
    if _year_like(a.value, a_text) and _year_like(b.value, b_text) and not cur_a and not cur_b:
        return _Fig(i, b.end, a.value, value_high=b.value, kind="date", unit="year", anchor=a.start)
    if _month_at(doc, a.end) or _month_at(doc, b.end) or _month_at(doc, k - 1):
        return None
    av, bv = a.value, b.value
    if b.scaled and not a.scaled and a.value < b.base * 10 and a.value < b.value:
        av = a.value * b.scale
    end = b.end
    fig = _Fig(i, end, av, value_high=bv, kind="range", anchor=b.end - 1 if b.scaled else b.start)
    cur = cur_b or cur_a
    if cur:
        fig.unit = cur[0]
        if b.suffix_unit == "m?":
            fig.value_high *= 1e6
            if not a.scaled and av < fig.value_high:
                fig.value *= 1e6
    else:
        after = _currency_after(doc, end) or _percent_after(doc, end)
        if after:
            fig.unit = after[0]
            fig.extra_tokens = list(range(end, after[1]))
            fig.end = after[1]
        elif unit_a:
            fig.unit = unit_a[0]
        else:
            u = _unit_after(doc, end)
            if u is not None:
                fig.unit = u[0]
                fig.extra_tokens = list(range(end, u[1]))
                fig.end = u[1]
                if u[2] and fig.end < n and doc[fig.end].lower_ in ("ago",):
                    fig.kind = "date"
    return fig


def _range_or_vote(doc: Doc, fig: _Fig, num: _Num, cur, title_case: bool):
    n = len(doc)
    j = fig.end
    if j >= n:
        return None
    sep = doc[j]
    s = sep.lower_
    votes_word = False
    k = j
    # "419 votes to 3"
    if s in ("votes", "vote") and j + 1 < n and doc[j + 1].lower_ in ("to", "against"):
        votes_word = True
        k = j + 1
        s = doc[k].lower_
    if s not in _DASHES and s not in ("to", "or", "/", "against") and not (s == "and" and False):
        return None
    hyphen = s in _DASHES
    if hyphen and not (doc[k - 1].whitespace_ == "" or doc[k].whitespace_ == "" or s in ("–", "—")):
        if s == "—":
            return None
    if s == "—" and (doc[k - 1].whitespace_ != "" or doc[k].whitespace_ != ""):
        return None  # an em dash between clauses
    k2 = k + 1
    cur_b = None
    if k2 < n and doc[k2].lower_ in CURRENCY_PREFIX:
        cur_b = _currency_before(doc, k2 + 1)
        k2 += 1
    if k2 >= n:
        return None
    b = _parse_number(doc, k2)
    if b is None or b.ordinal or b.decade:
        return None
    if _month_at(doc, b.end):
        return None
    # "from X to Y" after a change verb: two figures
    if s == "to" and fig.start > 0 and doc[fig.start - 1].lower_ == "from":
        return None
    if s == "to" and fig.kind in ("percent", "money") and not (cur_b or _percent_after(doc, b.end) or
                                                            _currency_after(doc, b.end) or b.scaled):
        # "rose 3% to $150" is two figures; "3% to 5%" needs the unit repeated or shared
        pass
    unit_on_b_only = fig.kind == "count" and not fig.unit and not cur_b and \
        (_percent_after(doc, b.end) or _currency_after(doc, b.end))
    if s == "to" and not unit_on_b_only and \
            any(t.lemma_.lower() in CHANGE_VERBS and t.i < fig.start and t.i >= fig.start - 4
                for t in doc_tokens(doc)[max(0, fig.start - 4):fig.start]):
        return None  # "rose 3% to $150" two figures; "rise 10 to 12 per cent" one range
    if s == "to" and doc[fig.start].head.lemma_.lower() in CHANGE_VERBS and fig.kind in ("percent", "money"):
        return None
    # vote / score?
    vote = votes_word or _vote_context(doc, fig, b, hyphen)
    if not vote and s in ("against",):
        return None
    if not vote and s in ("or",):
        # "two or three days": a range if ascending and same magnitude
        if not (b.value > fig.value and b.value <= fig.value * 10 + 10):
            return None
    if not vote and s == "/":
        return None
    if not vote and hyphen and fig.kind == "count" and not cur_b and b.value < fig.value and \
            not b.scaled and fig.value == int(fig.value) and b.value == int(b.value) and fig.value < 1000:
        vote = True  # "a 5-4 ruling": descending pair is a score
    if vote:
        out = _Fig(fig.start, b.end, fig.value, value_high=b.value, kind="vote", anchor=b.start,
                   qualifier=fig.qualifier)
        if votes_word:
            out.anchor = j
        return out
    if b.value < fig.value and not b.scaled:
        return None
    # range
    av = fig.value
    if b.scaled and not num.scaled and num.value < b.value and num.value <= b.base:
        av = num.value * b.scale
    end = b.end
    unit = fig.unit
    after_cur = _currency_after(doc, end)
    after_pct = _percent_after(doc, end)
    extra = list(fig.extra_tokens)
    if cur_b:
        unit = cur_b[0]
        if b.suffix_unit == "m?":
            b.value *= 1e6
    elif after_cur:
        unit = after_cur[0]
        end = after_cur[1]
    elif after_pct:
        unit = after_pct[0]
        end = after_pct[1]
    else:
        u = _unit_after(doc, end)
        if u is not None:
            if u[2] and u[1] < n and doc[u[1]].lower_ in ("ago",):
                return _Fig(fig.start, u[1] + 1, av, value_high=b.value, kind="date", unit="relative",
                            anchor=b.start)
            if u[2] and _age_after(doc, end):
                e = _age_after(doc, end)
                return _Fig(fig.start, e, av, value_high=b.value, kind="range", unit="year of age", anchor=e - 1)
            unit = u[0]
            extra = list(range(end, u[1]))
            end = u[1]
    if fig.kind == "money" and b.suffix_unit == "m?" and not cur_b:
        b.value *= 1e6
        if av < b.value and not num.scaled and num.suffix_unit != "m?":
            av *= 1e6
    if fig.kind == "money" and unit == fig.unit and fig.scaled and not b.scaled and b.value < fig.value:
        b.value *= fig.value / num.base if num.base else 1
    out = _Fig(fig.start, end, av, value_high=b.value, kind="range", unit=unit,
               anchor=end - 1 if extra else (b.end - 1 if b.scaled else b.start), qualifier=fig.qualifier)
    if extra:
        out.extra_tokens = extra
    if not (out.value_high > out.value):
        return None
    return out


def _vote_context(doc: Doc, fig: _Fig, b: _Num, hyphen: bool) -> bool:
    sent = sentence_of_token(doc, fig.start)
    lo, hi = max(sent.start, fig.start - 6), min(sent.end, b.end + 4)
    for t in doc_tokens(doc)[lo:hi]:
        if t.i >= fig.start and t.i < b.end:
            continue
        if t.lower_ in VOTE_NOUNS and t.pos_ == "NOUN" and t.lower_ not in ("count", "lead", "edge", "result"):
            return True
        if t.lemma_.lower() in VOTE_VERBS and t.pos_ in ("VERB", "AUX") and t.lemma_.lower() not in ("rule", "lead",
                                                                                                       "clear",
                                                                                                       "split"):
            if hyphen or t.lemma_.lower() in ("vote", "pass", "approve", "reject", "confirm", "adopt", "beat",
                                              "defeat", "win", "lose", "draw"):
                return True
        if t.lemma_.lower() in ("rule", "lead", "split", "decide") and hyphen:
            return True
    return False


def _attach_qualifier(doc: Doc, fig: _Fig, sent_start: int) -> None:
    k_q = fig.start
    q, _ = _qualifier_before(doc, k_q, sent_start)
    if fig.vague and q is None:
        q = "several" if doc[fig.start].lower_ in ("several", "few") else "over"
    matches = pattern_matches(doc)
    if q is None and k_q in matches.fallback_before:  # "some a dozen"
        q = matches.fallback_before[k_q][0]
    # "several hundred", "a few thousand"
    if fig.kind in ("count", "money", "measure") and fig.start in matches.scale_before and \
            doc[fig.start].lower_ in SCALE_WORDS:
        q = matches.scale_before[fig.start][0]
    post, _ = _qualifier_after(doc, fig.end)
    if post is not None:
        q = post if q in (None, "exactly") else q
        # keep the qualifier words outside the span: span is the figure as written
    if q is None:
        q = "exactly"
    fig.qualifier = q

"""What the tokens around a number say about it: a currency before or after, a percent sign, a unit,
a qualifier ("about", "or more"), whether it is part of a name ("Boeing 737"), a date or a year."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .figure_lexicon import (ADDRESS_DIRECTIONS, ALWAYS_IDENT_NOUNS, COMPOUND_UNITS, CURRENCY_NATIONALITIES,
                             CURRENCY_PREFIX, CURRENCY_WORDS, IDENT_NOUNS, LEVEL_NOUNS, MEASURE_UNITS,
                             MONTHS, NAME_ENTS, STREET_WORDS, TIME_MARKERS, TIME_UNITS,
                             VOTE_NOUNS, VOTE_VERBS, WEEKDAYS, _CLOCK_RE, _DASHES, _QUAL_PATTERNS,
                             _YEAR_RANGE_RE)
from .figure_numbers import _CAPITALISED, _Num, _spelling_codes
from .figure_patterns import POST_PATTERNS, pattern_matches
from .nlp import doc_cache, doc_tokens, sentence_of_token


# ------------------------------------------------------------------------------------------------
# Context helpers
# ------------------------------------------------------------------------------------------------


def _is_title_case(sent) -> bool:
    """A headline or sub-head in Title Case ("Putin Orders 755 US Diplomats To Leave"): capitals there
    say nothing about names. Decided on the words (alphabetic, over three letters): 80% of them
    capitalised, and 70% of those outside an entity."""
    start, end = sent.start, sent.end
    decided = doc_cache(sent.doc).setdefault("newsbook_title_case", {})  # asked per candidate
    found = decided.get((start, end))
    if found is None:
        words, upper, plain, plain_upper = (c[end] - c[start] for c in _title_case_counts(sent.doc))
        found = decided[start, end] = words >= 3 and upper / words >= 0.8 and \
            (plain_upper / plain if plain else 0.0) >= 0.7
    return found


def _title_case_counts(doc: Doc) -> tuple:
    """Running counts over the Doc's tokens (index k: tokens before k) of the words `_is_title_case`
    weighs, of those capitalised, of those outside an entity, and of those both: any sentence's
    counts by two look-ups, from the Doc's attribute arrays (computed once per Doc)."""
    cache = doc_cache(doc)
    counts = cache.get("newsbook_title_case_counts")
    if counts is None:
        from spacy.attrs import ENT_TYPE, IS_ALPHA, LENGTH

        array = doc.to_array([IS_ALPHA, LENGTH, ENT_TYPE])
        word = (array[:, 0] != 0) & (array[:, 1] > 3)
        upper = word & ((_spelling_codes(doc) & _CAPITALISED) != 0)
        plain = word & (array[:, 2] == 0)
        counts = cache["newsbook_title_case_counts"] = tuple(
            [0] + np.cumsum(flags, dtype=np.int64).tolist() for flags in (word, upper, plain, upper & plain))
    return counts


def _sentence_start(tok: Token) -> bool:
    if tok.is_sent_start:
        return True
    prev = tok.nbor(-1) if tok.i > 0 else None
    while prev is not None and (prev.is_punct or prev.is_space or prev.text in {"*", "#"}):
        if prev.is_sent_start or prev.i == 0:
            return True
        if prev.text in {".", "!", "?", ":", "\n"} or prev.is_space:
            return True
        prev = prev.nbor(-1) if prev.i > 0 else None
    return prev is None


def _currency_before(doc: Doc, i: int):
    """(unit, first token index) of a currency written before token i, or None."""
    if i == 0:
        return None
    prev = doc[i - 1]
    p = prev.lower_
    if p == "." and i >= 2 and doc[i - 2].text == "Rs" and doc[i - 2].whitespace_ == "":
        return "INR", i - 2  # "Rs. 2,500" tokenised "Rs", ".", "2,500"
    if p in CURRENCY_PREFIX:
        start = i - 1
        # "US $5", "US$ 5"
        if p == "$" and i >= 2 and doc[i - 2].text in ("US", "A", "C", "HK", "NZ", "S", "R") and \
                doc[i - 2].whitespace_ == "":
            return CURRENCY_PREFIX.get(doc[i - 2].text.lower() + "$", "USD"), i - 2
        if len(p) == 3 and p.isalpha() and not prev.text.isupper():
            return None  # "eur" lowercase is not a code
        return CURRENCY_PREFIX[p], start
    return None


def _currency_after(doc: Doc, j: int):
    """(unit, end token index) of a currency word at token j, or None."""
    n = len(doc)
    if j >= n:
        return None
    phrase = pattern_matches(doc).currency.get(j)  # "Hong Kong dollars", "pounds sterling"
    if phrase is not None:
        return phrase
    w = doc[j].lower_
    if doc[j].text[:1].isupper() and doc[j].ent_type_ in ("NORP", "GPE", "MONEY") and j + 1 < n and \
            doc[j + 1].lower_ in CURRENCY_WORDS and doc[j + 1].lower_ not in ("won", "rand", "real", "cent", "cents"):
        # "6.5 billion Swiss francs", "40 Australian dollars"
        return CURRENCY_NATIONALITIES.get(w, CURRENCY_WORDS[doc[j + 1].lower_]), j + 2
    if w in CURRENCY_WORDS:
        if w in ("won",) and doc[j].pos_ == "VERB":
            return None
        if w in ("rand", "won", "real") and doc[j].pos_ != "NOUN":
            return None
        return CURRENCY_WORDS[w], j + 1
    if w == "p" and doc[j - 1].whitespace_ == "":
        return "penny", j + 1
    if w in CURRENCY_PREFIX and len(w) == 3 and doc[j].text.isupper():
        return CURRENCY_PREFIX[w], j + 1
    return None


def _percent_after(doc: Doc, j: int):
    """(unit, end) of a percent sign/word at token j ("%", "per cent", "percentage points", "bp"), or None."""
    return pattern_matches(doc).percent.get(j)


def _unit_after(doc: Doc, j: int, allow_time=True):
    """(unit, end, is_time) of a measure unit at token j, or None."""
    n = len(doc)
    if j >= n:
        return None
    matches = pattern_matches(doc)
    phrase = matches.unit.get(j)  # "square km", "light-year", "degrees Celsius"
    if phrase is not None:
        return (*phrase, False)
    t = doc[j]
    w = t.lower_
    if allow_time and w in TIME_UNITS:
        return TIME_UNITS[w], j + 1, True
    if w in MEASURE_UNITS:
        if w in ("m", "g", "t", "l", "c", "ha") and t.whitespace_ == "" and j + 1 < n and doc[j + 1].is_alpha:
            return None
        if w in ("m", "g", "t", "l", "c") and doc[j - 1].whitespace_ != "":
            return None  # "5 m" is rarely metres in news; "5m" attached is handled apart
        if w in ("point", "points") and j + 1 < n and doc[j + 1].lower_ == "of":
            return None  # "two points of view"
        unit = MEASURE_UNITS[w]
        end = j + 1
        per = matches.per_time.get(end)  # "barrels per day", "km per hour", "miles an hour"
        if per is not None:
            unit = f"{unit} per {per[0]}"
            unit = COMPOUND_UNITS.get(unit, unit)  # "miles per hour" -> mph
            end = per[1]
        return unit, end, False
    return None


def _qualifier_before(doc: Doc, i: int, sent_start: int):
    """(normalised qualifier, its first token) of the longest qualifier phrase ending right before
    token i within its sentence (and the five tokens before i), or (None, i)."""
    lo = max(sent_start, i - 5)
    for place, start in pattern_matches(doc).before.get(i, ()):
        if start >= lo:
            return _QUAL_PATTERNS[place][1], start
    return None, i


def _qualifier_after(doc: Doc, j: int):
    """(normalised qualifier, end) of a qualifier phrase starting at token j ("or more", "50-plus"),
    or (None, j)."""
    matches = pattern_matches(doc)
    for place, end in matches.after.get(j, ()):
        words, norm = POST_PATTERNS[place]
        # "$5 plus interest" is arithmetic, not a qualifier: "plus" apart from the number before a
        # noun; a context the pattern cannot see (the number's own spacing), so checked here
        if words == ("plus",) and not (doc[j - 1].whitespace_ == "" or doc[j].text in _DASHES) and \
                j + 1 < len(doc) and doc[j + 1].pos_ in ("NOUN", "PROPN", "DET"):
            continue
        return norm, end
    glued = matches.glued.get(j)
    if glued is not None and doc[j - 1].whitespace_ == "":  # the dash touches the number: "50-plus"
        return glued
    return None, j


# ------------------------------------------------------------------------------------------------
# Names: numbers that identify rather than count
# ------------------------------------------------------------------------------------------------


def _score_verb_near(doc: Doc, i: int) -> bool:
    sent = sentence_of_token(doc, i)
    return any(t.lemma_.lower() in VOTE_VERBS and t.pos_ in ("VERB", "AUX") or t.lower_ in VOTE_NOUNS
               for t in doc_tokens(doc)[max(sent.start, i - 6):min(sent.end, i + 6)])


def _name_word_before(prev: Token) -> bool:
    """A capitalised name word directly before a number ("Boeing 737", "FTSE 100")."""
    if not prev.text[:1].isupper() or prev.whitespace_ == "":
        return False
    if not prev.is_alpha and not re.fullmatch(r"[A-Z][A-Za-z]*[&.'][A-Za-z&.']*", prev.text):
        return False  # "S&P 500", "AT&T" are names; "US-" or "1990s" are not
    low = prev.lower_
    if _sentence_start(prev) or low.rstrip(".") in MONTHS or low in WEEKDAYS or low in CURRENCY_PREFIX:
        return False
    if prev.is_alpha and prev.text.isupper() and prev.ent_type_ in ("GPE", "NORP", "") and len(prev.text) <= 3:
        return False  # "US 500" is rare; "the US" before a count is common ("US 755" no)
    if prev.pos_ not in ("PROPN", "NOUN", "X", "ADJ"):
        return False
    if prev.pos_ == "ADJ" and prev.ent_type_ not in NAME_ENTS:
        return False
    return True


def _in_name(doc: Doc, num: _Num, title_case: bool) -> bool:
    first, last = doc[num.start], doc[num.end - 1]
    if _magnitude_before(doc, num.start):
        return False  # "Magnitude 6.3 according to Phivolcs": a measure, whatever the tagger says
    if num.end + 1 < len(doc) and doc[num.end].text in _DASHES and doc[num.end + 1].like_num and \
            _score_verb_near(doc, num.start):
        return False  # "beat Chelsea 2-0": a score after a team's name
    # entity: the number sits inside a name entity ("Nord Stream 2", "Channel 4", "Apollo 11")
    ent = first.ent_type_
    prev = doc[num.start - 1] if num.start > 0 else None
    nxt = doc[num.end] if num.end < len(doc) else None
    listed = prev is not None and prev.text in _DASHES | {":"} and prev.whitespace_ != "" and \
        nxt is not None and nxt.tag_ == "NNS" and nxt.ent_type_ == ""  # "Labour Party - 203 seats"
    if ent in NAME_ENTS and first.ent_iob_ == "I" and not listed and \
            not (title_case and ent in ("PERSON", "ORG", "GPE", "NORP")):
        return True
    if last.ent_type_ in NAME_ENTS and num.start > 0 and doc[num.start - 1].ent_type_ == last.ent_type_ and not listed \
            and doc[num.start - 1].ent_iob_ != "O" and doc[num.start - 1].text[:1].isupper() \
            and not doc[num.start - 1].lower_ in CURRENCY_PREFIX:
        return True
    # "No. 10", "Section 230", "page 5", "flight 370"
    if prev is not None and prev.lower_ in ALWAYS_IDENT_NOUNS and prev.whitespace_ != "" and not title_case:
        return True  # "a category 3 hurricane", "phase 2 trials", "level 4 lockdown"
    if prev is not None and prev.lower_ in IDENT_NOUNS and prev.lower_ not in ("no", "number", "no.", "#"):
        if not prev.text[0].isupper() or not title_case:
            # counts after these nouns are written "5 pages", so a number after a singular one is an id
            if prev.tag_ in ("NN", "NNP") and not (nxt is not None and nxt.pos_ == "NOUN" and
                                                   doc[num.end - 1].dep_ == "nummod"):
                return True
            if prev.tag_ == "NNP":
                return True
    # a capitalised word right before: "Boeing 737", "Stream 2", "Windows 10", "FTSE 100"
    if prev is not None and not title_case and _name_word_before(prev):
        if _percent_after(doc, num.end) or _currency_after(doc, num.end) or \
                _unit_after(doc, num.end, allow_time=False) and num.end < len(doc) and doc[num.end].is_lower:
            return False  # "Humberto 75 miles north of Bermuda"
        if nxt is not None and nxt.text in _DASHES and num.end + 1 < len(doc) and \
                doc[num.end + 1].like_num and _score_verb_near(doc, num.start):
            return False  # "beat Chelsea 2-0"
        return True
    # a name token glued with a hyphen: "7-Eleven", "Catch-22"
    if nxt is not None and nxt.text in _DASHES and doc[num.end - 1].whitespace_ == "" and \
            nxt.whitespace_ == "" and num.end + 1 < len(doc):
        after = doc[num.end + 1]
        if after.text[:1].isupper() and not title_case and after.lower_ not in MONTHS:
            return True
    if prev is not None and prev.text in _DASHES and prev.whitespace_ == "" and num.start >= 2 and \
            doc[num.start - 2].whitespace_ == "" and re.fullmatch(r"[A-Z][A-Za-z0-9]*", doc[num.start - 2].text) and \
            doc[num.start - 2].lower_ not in MONTHS:
        return True  # "Su-35", "Catch-22", "COVID-19" when split
    # a capitalised number word mid-sentence: "Formula One", "World War Two", "Air Force One"
    if num.words and not title_case and first.text[:1].isupper() and not _sentence_start(first):
        if prev is not None and prev.text in ('"', "“", "‘", "'", "(", "—", "–", "-") and \
                not (prev.text in _DASHES and prev.whitespace_ == "" and num.start >= 2
                     and doc[num.start - 2].whitespace_ == ""):
            return False
        return True
    # an address: "10 Downing Street"
    # "9 E 71st St": a compass letter and a numbered street may sit between
    k = num.end
    seen_name = False
    while k < len(doc) and k < num.end + 4 and (doc[k].text[:1].isupper() and doc[k].is_alpha or
                                                   re.fullmatch(r"\d+(?:st|nd|rd|th)", doc[k].lower_)):
        if doc[k].lower_ in STREET_WORDS and seen_name:
            return True
        seen_name = True
        k += 1
    if nxt is not None and nxt.lower_ in ADDRESS_DIRECTIONS and nxt.text[:1].isupper() and k > num.end + 1:
        return doc[k - 1].lower_ in STREET_WORDS
    return False


# ------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------


def _month_at(doc: Doc, k: int) -> bool:
    if k < 0 or k >= len(doc):
        return False
    t = doc[k]
    w = t.lower_.rstrip(".")
    if w not in MONTHS:
        return False
    if w == "may" and not t.text[0].isupper():
        return False
    if w in ("mar", "jun", "jul", "sep", "oct", "nov", "dec", "jan", "feb", "apr", "aug", "sept") \
            and not t.text[0].isupper():
        return False
    if w == "march" and t.pos_ == "VERB":
        return False
    return True


def _year_like(value: float, text: str) -> bool:
    return value == int(value) and 1000 <= value <= 2100 and re.fullmatch(r"\d{4}", text) is not None


def _date_span(doc: Doc, num: _Num):
    """If the number is part of a date, (start, end, value, unit) of the whole date expression."""
    i, j = num.start, num.end
    tok = doc[i]
    n = len(doc)
    if num.ordinal or num.words:
        # "the 1st of September", "September 1st"
        if num.ordinal and not num.words:
            if _month_at(doc, i - 1):
                end = j
                if end + 1 < n and doc[end].text == "," and _is_year_tok(doc, end + 1):
                    return i - 1, end + 2, _val(doc[end + 1]), "date"
                return i - 1, end, num.value, "date"
            if j + 1 < n and doc[j].lower_ == "of" and _month_at(doc, j + 1):
                return i, j + 2, num.value, "date"
            if _month_at(doc, j):
                return i, j + 1, num.value, "date"
            if j < n and doc[j].lower_ in ("century", "centuries", "millennium"):
                return i, j + 1, num.value, "century"
            if j + 1 < n and doc[j].text in _DASHES and doc[j + 1].lower_ == "century":
                return i, j + 2, num.value, "century"
        if num.ordinal and num.words and j < n and doc[j].lower_ in ("century", "millennium"):
            return i, j + 1, num.value, "century"
        return None
    if num.decade:
        if i > 0 and doc[i - 1].text in ("'", "’") and doc[i - 1].whitespace_ == "":
            i -= 1  # "'90s" tokenised apart
        return i, j, num.value, "decade"
    if num.suffix_unit == "time":
        end = j
        while end < n and doc[end].lower_ in TIME_MARKERS:
            end += 1
        return i, end, num.value, "time"
    text = tok.text
    # clock times "10:30", "5 pm", "0800 GMT"
    if j < n and doc[j].lower_ in TIME_MARKERS and num.value < 2400 and not num.scaled:
        end = j + 1
        while end < n and doc[end].lower_ in TIME_MARKERS:
            end += 1
        return i, end, num.value, "time"
    if num.scaled or num.value != int(num.value) and "." in text and not _CLOCK_RE.match(text):
        return None
    # day + month (+ year): "31 July 2017", "1 September"
    if 1 <= num.value <= 31 and re.fullmatch(r"\d{1,2}", text):
        if _month_at(doc, j):
            end = j + 1
            if end < n and _is_year_tok(doc, end):
                return i, end + 1, _val(doc[end]), "date"
            if end + 1 < n and doc[end].text == "," and _is_year_tok(doc, end + 1):
                return i, end + 2, _val(doc[end + 1]), "date"
            return i, end, num.value, "date"
        if _month_at(doc, i - 1):
            start = i - 1
            end = _day_range_end(doc, j)
            if end + 1 < n and doc[end].text == "," and _is_year_tok(doc, end + 1):
                return start, end + 2, _val(doc[end + 1]), "date"
            if end < n and _is_year_tok(doc, end):
                return start, end + 1, _val(doc[end]), "date"
            return start, end, num.value, "date"
        if i >= 2 and _month_at(doc, i - 2) and doc[i - 1].text == ".":
            return i - 2, _day_range_end(doc, j), num.value, "date"
    # years
    if _year_like(num.value, text):
        start = i
        if _month_at(doc, i - 1):
            start = i - 1
        elif i >= 2 and doc[i - 1].text == "," and _month_at(doc, i - 2):
            start = i - 2
        # "2017-18", "2017/18"
        end = j
        if end + 1 < n and doc[end].text in _DASHES | {"/"} and doc[end - 1].whitespace_ == "" and \
                re.fullmatch(r"\d{2}|\d{4}", doc[end + 1].text):
            end += 2
        if _is_count_not_year(doc, num):
            return None
        return start, end, num.value, "year"
    if _YEAR_RANGE_RE.match(text) and 1000 <= int(text[:4]) <= 2100:
        return i, j, float(text[:4]), "year"
    return None


def _day_range_end(doc: Doc, j: int) -> int:
    """End of a day range after a month and its first day: "Sept. 20-24" -> after "24"."""
    if j + 1 < len(doc) and doc[j].text in _DASHES and re.fullmatch(r"\d{1,2}", doc[j + 1].text) and \
            1 <= int(doc[j + 1].text) <= 31 and doc[j - 1].whitespace_ == "" and doc[j].whitespace_ == "":
        return j + 2
    return j


def _is_year_tok(doc: Doc, k: int) -> bool:
    return k < len(doc) and re.fullmatch(r"\d{4}", doc[k].text) is not None and 1000 <= int(doc[k].text) <= 2100


def _val(tok: Token) -> float:
    return float(tok.text.replace(",", ""))


def _is_count_not_year(doc: Doc, num: _Num) -> bool:
    """A four-digit number that counts things ("1500 troops") rather than naming a year."""
    tok = doc[num.start]
    unit = _unit_after(doc, num.end, allow_time=False)
    if unit is not None and unit[0] not in ("m", "g", "tonne", "litre", "°C"):
        return True  # "1520 sq m", "1000 hp", "1500 barrels"
    if tok.ent_type_ == "DATE":
        return False
    prev = doc[num.start - 1] if num.start > 0 else None
    if prev is not None and prev.lower_ == "of" and num.start >= 2 and \
            doc[num.start - 2].lemma_.lower() in LEVEL_NOUNS | {"total", "average", "maximum", "minimum"}:
        return True  # "an average of 1500", "a total of 2000"
    if prev is not None and (prev.lower_ in ("in", "since", "until", "till", "by", "from", "of",
                                             "circa", "c.", "before", "after", "during", "year",
                                             "between", "early", "late", "mid", "fiscal", "fy")
                             or prev.lower_ in MONTHS or prev.text in ("'", "’")):
        if prev.lower_ in ("of", "by", "from") and tok.head.pos_ == "NOUN" and tok.dep_ == "nummod" \
                and tok.head.tag_ == "NNS":
            return True
        return False
    if _qualifier_before(doc, num.start, 0)[0] not in (None, "exactly"):
        return True  # "about 1500", "more than 2000"
    if tok.dep_ == "nummod" and tok.head.tag_ == "NNS" and tok.head.i > tok.i and \
            tok.head.lemma_.lower() not in ("election", "game", "olympics", "budget", "season", "census",
                                            "elections", "games", "results", "figures", "accounts"):
        return True
    if tok.ent_type_ in ("CARDINAL", "MONEY", "QUANTITY", "PERCENT"):
        return tok.dep_ in ("nummod", "nsubj", "dobj", "pobj") and tok.head.tag_ in ("NNS",)
    return False


def _magnitude_before(doc: Doc, i: int) -> bool:
    """'magnitude' (or 'magnitude of') right before the number at i, or 'on the Richter scale' after it."""
    tokens = doc_tokens(doc)  # asked of every number: no Span, no list
    k = i - 1
    if k >= 0 and tokens[k].lower_ == "of":
        k -= 1
    if k >= 0 and tokens[k].lower_ == "magnitude":
        return True
    return i + 1 < len(tokens) and tokens[i + 1].lower_ == "on" and \
        any(t.lower_ == "richter" for t in tokens[i + 2:i + 5])

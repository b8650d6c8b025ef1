"""Numbers at token level: digits, multipliers, spelled-out numbers (`_parse_number`), the two
records the extractor builds from them (`_Num`, a parsed number; `_Fig`, a figure being built), and
what each token's spelling says, read once per Doc (`_spelling_codes`: may a figure start here, is
it capitalised, is it a numeral)."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .figure_lexicon import (ABOUT_SIGNS, CURRENCY_PREFIX, MEASURE_UNITS, ORDINAL_WORDS, SCALE_WORDS,
                             SUFFIX_SCALES, TENS_WORDS, TIME_UNITS, UNITS_WORDS, VAGUE_PLURALS, _CLOCK_RE,
                             _DASHES, _DECADE_RE, _GLUED_RE, _NUM_RE)
from .nlp import doc_tokens, token_codes


# ------------------------------------------------------------------------------------------------
# The figure record
# ------------------------------------------------------------------------------------------------


@dataclass
class _Fig:
    start: int  # token index (inclusive)
    end: int  # token index (exclusive)
    value: float
    kind: str = "count"
    value_high: float = math.nan
    unit: str = ""
    qualifier: str = "exactly"
    anchor: int = -1  # token whose syntactic head tells what is counted
    noun: str = ""
    noun_phrase: str = ""
    noun_tok: int = -1
    vague: bool = False
    elided: bool = False  # bare number, noun inherited
    scaled: bool = False
    extra_tokens: list[int] = field(default_factory=list)  # unit tokens inside the span


# ------------------------------------------------------------------------------------------------
# Number parsing at token level
# ------------------------------------------------------------------------------------------------


@dataclass
class _Num:
    start: int
    end: int
    value: float
    ordinal: bool = False
    vague: bool = False
    scaled: bool = False  # multiplier word/suffix applied
    suffix_unit: str = ""  # attached unit from the token itself ("5km", "5pm", "2.5bn" -> "")
    decade: bool = False
    words: bool = False  # spelled out
    base: float = math.nan  # value before the multiplier (for "5 to 10 million")
    scale: float = 1.0
    prefix: str = ""  # a currency or "about" sign glued before the digits


def _parse_digit_token(text: str):
    """(value, suffix, prefix) for a digit token, or None. The prefix is a currency sign or code
    glued before the digits ("EUR50", "RM23.50") or an "about" sign ("~80"); anything else glued
    before digits ("MIG29") is a name, not a number."""
    m = _NUM_RE.match(text)
    if not m:
        return None
    pre = m.group("pre") or ""
    if pre and pre not in ABOUT_SIGNS and pre.lower() not in CURRENCY_PREFIX:
        return None
    num = m.group("num").replace(",", "")
    try:
        value = float(num)
    except ValueError:
        return None
    if m.group("sign") in {"-", "−", "–"}:
        value = -value
    return value, m.group("suf"), pre


def _word_number_parts(tok: Token):
    """('unit'|'ten'|'scale'|'ord'|'tenord', value) for a spelled-out number word, else None."""
    return _number_word_parts(tok.lower_)


@functools.lru_cache(maxsize=65536)
def _number_word_parts(w: str):
    """_word_number_parts of a lower-cased word."""
    if w in UNITS_WORDS:
        return "unit", UNITS_WORDS[w]
    if w in TENS_WORDS:
        return "ten", TENS_WORDS[w]
    if w in SCALE_WORDS:
        return "scale", SCALE_WORDS[w]
    if w == "dozen":
        return "scale", 12
    if w in ORDINAL_WORDS:
        return "ord", ORDINAL_WORDS[w]
    if "-" in w:  # "twenty-five" as one token, "twenty-first"
        parts = w.split("-")
        if len(parts) == 2 and parts[0] in TENS_WORDS:
            if parts[1] in UNITS_WORDS and UNITS_WORDS[parts[1]] < 10:
                return "unit", TENS_WORDS[parts[0]] + UNITS_WORDS[parts[1]]
            if parts[1] in ORDINAL_WORDS and ORDINAL_WORDS[parts[1]] < 10:
                return "ord", TENS_WORDS[parts[0]] + ORDINAL_WORDS[parts[1]]
    return None


@functools.lru_cache(maxsize=65536)
def _may_start_number(text: str, lower: str) -> bool:
    """Whether _parse_number could find a number at a token with this text: a digit, clock or
    decade pattern, a word that opens a vague or spelled-out number, or a number word. False lets
    it skip the full parse for the ordinary words that make up most of an article."""
    return bool(_CLOCK_RE.match(text) or _DECADE_RE.match(text) or _NUM_RE.match(text)
                or lower in ("a", "an", "several", "few", "half") or lower in VAGUE_PLURALS
                or _number_word_parts(lower) is not None)


def _parse_number(doc: Doc, i: int):
    """The longest number expression starting at token i, or None."""
    tokens = doc_tokens(doc)
    tok = tokens[i]
    if not _may_start_number(tok.text, tok.lower_):
        return None
    n = len(doc)
    # clock times "10:30", "10.30am"
    if _CLOCK_RE.match(tok.text) and ":" in tok.text:
        hh, mm = re.match(r"(\d{1,2})[:.](\d{2})", tok.text).groups()
        if int(hh) <= 24 and int(mm) < 60:
            return _Num(i, i + 1, int(hh) + int(mm) / 100, suffix_unit="time")
    # decades written as one token: "mid-1990s", "'90s"
    dm = _DECADE_RE.match(tok.text)
    if dm and not tok.text[:1].isdigit():
        digits = dm.group("num")
        return _Num(i, i + 1, float(digits), decade=True)
    parsed = _parse_digit_token(tok.text)
    if parsed is not None:
        return _digits_number(tokens, n, i, parsed)
    return _words_number(tokens, n, i)


def _digits_number(tokens: list[Token], n: int, i: int, parsed: tuple):
    """`_parse_number` at a digit token (`parsed`: what `_parse_digit_token` read of it): its glued
    suffix (bn, m, st, %, km ...) and a multiplier word after it ("1.2 million", "£300" + "m")."""
    tok = tokens[i]
    value, suf, pre = parsed
    end = i + 1
    num = _Num(i, end, value, base=value, prefix=pre)
    if suf:
        s = suf
        sl = s.lower()
        if sl in ("st", "nd", "rd", "th"):
            num.ordinal = True
            return num
        if s in ("b", "B"):
            num.suffix_unit = "b?"  # billions after a currency ("$5b"); otherwise a name ("K2-18b")
            num.value *= SUFFIX_SCALES[s]
            num.scaled, num.scale = True, SUFFIX_SCALES[s]
        elif s in SUFFIX_SCALES and s != "m":
            num.value *= SUFFIX_SCALES[s]
            num.scaled, num.scale = True, SUFFIX_SCALES[s]
        elif s == "m":
            num.suffix_unit = "m?"  # million after a currency, metre otherwise (resolved later)
        elif sl == "p" and len(tok.text) > 1:
            num.suffix_unit = "penny"  # "164p"
            return num
        elif sl in ("pc", "pct"):
            num.suffix_unit = "%"  # "24pc"
            return num
        elif sl == "s" and (len(tok.text) == 5 and tok.text[:4].isdigit() or len(tok.text) == 3):
            num.decade = True
            return num
        elif sl in ("am", "pm", "hrs", "h", "gmt", "utc"):
            num.suffix_unit = "time"
            return num
        elif sl in ("x",):
            num.suffix_unit = "times"
            return num
        elif sl == "%":
            num.suffix_unit = "%"
            return num
        elif s in ("F", "C") and len(tok.text) > 1:
            num.suffix_unit = "°" + s
            return num
        elif sl in MEASURE_UNITS or sl in TIME_UNITS or sl.rstrip("/h") in MEASURE_UNITS:
            num.suffix_unit = sl
            return num
        else:
            return None  # "3D", "4G", "5G", "737MAX": a name
    # multiplier words after digits: "1.2 million", "5 to 10 million" handled by caller
    j = end
    if j < n and not num.scaled and tok.whitespace_ == "" and tokens[j].text == "m." and \
            (j + 1 == n or tokens[j + 1].is_space):
        num.suffix_unit = "m?"  # "£40m." at the end of a sentence: the full stop is in the token
        num.end = j + 1
        return num
    if j < n and not num.scaled and tok.whitespace_ == "" and tokens[j].text in SUFFIX_SCALES:
        # "£300m", "$5bn" tokenised apart: "300" + "m"
        if tokens[j].text == "m":
            num.suffix_unit = "m?"
        else:
            num.value *= SUFFIX_SCALES[tokens[j].text]
            num.scaled, num.scale = True, SUFFIX_SCALES[tokens[j].text]
        num.end = j + 1
        return num
    if j < n and tokens[j].lower_ in SCALE_WORDS and not num.scaled:
        num.value *= SCALE_WORDS[tokens[j].lower_]
        num.scaled, num.scale = True, SCALE_WORDS[tokens[j].lower_]
        j += 1
        # "1.2 million" + "billion"? rare; stop here
    elif j < n and tokens[j].lower_ == "dozen":
        num.value *= 12
        j += 1
    num.end = j
    return num


def _words_number(tokens: list[Token], n: int, i: int):
    """`_parse_number` at a word: spelled-out numbers ("twenty-five", "one hundred and twenty",
    "a thousand", "two and a half million"), "several thousand", vague plurals ("dozens of")."""
    tok = tokens[i]
    w = tok.lower_
    j = i
    atoms: list[tuple[str, float]] = []
    if w in ("a", "an"):
        if i + 1 < n and (tokens[i + 1].lower_ in SCALE_WORDS or tokens[i + 1].lower_ == "dozen"):
            atoms.append(("unit", 1))
            j = i + 1
        else:
            return None
    if w in ("several", "few") and i + 1 < n and tokens[i + 1].lower_ in SCALE_WORDS and \
            SCALE_WORDS[tokens[i + 1].lower_] >= 100:
        # "several thousand", "a few hundred" (the "a" stays outside the figure)
        return _Num(i, i + 2, float(SCALE_WORDS[tokens[i + 1].lower_]), vague=True, words=True)
    if w == "half" and i + 2 < n and tokens[i + 1].lower_ in ("a", "an") and tokens[i + 2].lower_ in SCALE_WORDS:
        value = 0.5 * SCALE_WORDS[tokens[i + 2].lower_]
        return _Num(i, i + 3, value, words=True, scaled=True, scale=SCALE_WORDS[tokens[i + 2].lower_], base=0.5)
    if w in VAGUE_PLURALS and not atoms:
        # "dozens of", "hundreds of thousands of", "tens of thousands"
        value = VAGUE_PLURALS[w]
        j = i + 1
        if j + 1 < n and tokens[j].lower_ == "of" and tokens[j + 1].lower_ in VAGUE_PLURALS and \
                VAGUE_PLURALS[tokens[j + 1].lower_] > value:
            value = value * VAGUE_PLURALS[tokens[j + 1].lower_]
            j += 2
        if w == "tens" and value == 10:
            return None  # "tens" alone is not a figure
        if w == "scores" and not (j < n and tokens[j].lower_ == "of"):
            return None
        return _Num(i, j, float(value), vague=True, words=True)
    last_kind = None
    ordinal = False
    while j < n:
        t = tokens[j]
        part = _word_number_parts(t)
        if part is None:
            # hyphenated "twenty-five" split into three tokens
            if t.text in _DASHES and atoms and last_kind == "ten" and j + 1 < n and \
                    tokens[j - 1].whitespace_ == "" and t.whitespace_ == "":
                nxt = _word_number_parts(tokens[j + 1])
                if nxt and nxt[0] in ("unit", "ord") and nxt[1] < 10:
                    j += 1
                    continue
            # "one hundred and twenty"
            if t.lower_ == "and" and atoms and last_kind == "scale" and j + 1 < n:
                nxt = _word_number_parts(tokens[j + 1])
                if nxt and nxt[0] in ("unit", "ten"):
                    j += 1
                    continue
            break
        kind, val = part
        if kind in ("ord",):
            if last_kind in ("ten", "scale") or not atoms:
                atoms.append(("ord", val))
                ordinal = True
                j += 1
            break
        if kind == "unit" and last_kind in ("unit",):
            break
        if kind == "ten" and last_kind in ("unit", "ten"):
            break
        if kind == "unit" and last_kind == "ten" and (val >= 10):
            break
        if kind == "scale" and not atoms and val < 1e3 and t.lower_ != "dozen":
            break  # bare "hundred" without a number before it
        if kind == "scale" and not atoms:
            break  # bare "million"
        atoms.append((kind, val))
        last_kind = kind
        j += 1
    if not atoms:
        return None
    total, current = 0.0, 0.0
    scaled = False
    scale_applied = 1.0
    for kind, val in atoms:
        if kind in ("unit", "ten", "ord"):
            current += val
        elif kind == "scale":
            current = (current or 1) * val
            scaled = True
            scale_applied = val
            if val >= 1000:
                total += current
                current = 0.0
    value = total + current
    num = _Num(i, j, value, ordinal=ordinal, words=True, scaled=scaled, scale=scale_applied)
    num.base = value / scale_applied if scaled else value
    # "two and a half (million)"
    if not ordinal and j + 2 < n and tokens[j].lower_ == "and" and tokens[j + 1].lower_ in ("a", "one") \
            and tokens[j + 2].lower_ == "half":
        num.value += 0.5
        num.end = j + 3
        j = j + 3
        if j < n and tokens[j].lower_ in SCALE_WORDS:
            num.value *= SCALE_WORDS[tokens[j].lower_]
            num.scaled = True
            num.end = j + 1
    return num


# ------------------------------------------------------------------------------------------------
# What a token's spelling says, once per Doc
# ------------------------------------------------------------------------------------------------

# bits of `_spelling_codes`: a figure may start at the token, it is capitalised, it is a numeral
_START, _CAPITALISED, _NUMERAL = 1, 2, 4


def _spelling_codes(doc: Doc):
    """For each token, the `_spelling` bits of its text (a numpy array), decided once per distinct
    spelling and read from the Doc's attribute arrays without building a Token."""
    return token_codes(doc, "ORTH", _spelling)


def _spelling(text: str) -> int:
    return (_START if _may_start_at(text) else 0) | (_CAPITALISED if text[:1].isupper() else 0) | \
        (_NUMERAL if _NUMERAL_RE.fullmatch(text) else 0)


_NUMERAL_RE = re.compile(r"\d+s?")  # "707", "1990s": what a name may carry as its number


@functools.lru_cache(maxsize=65536)
def _may_start_figure(text: str, lower: str) -> bool:
    """Whether any branch of _scan can find a figure at a token with this text: a fraction
    ('a third', 'half'), a range ('between', 'from'), a currency, a number or a glued pair."""
    return (lower in ("a", "an", "one", "half", "between", "from") or lower in CURRENCY_PREFIX
            or _may_start_number(text, lower) or _GLUED_RE.match(text) is not None)


def _may_start_at(text: str) -> bool:
    """Not whitespace, not punctuation (a currency sign, '#' or a dash aside), and
    `_may_start_figure`; most words of an article are new to the process and fail the first test,
    which is cheap: only a word with a digit or one of `_start_words` can pass."""
    if not (text.lower() in _START_WORDS or _DIGIT.search(text)):
        return False
    from spacy.lang.lex_attrs import is_punct  # what spaCy's lexemes hold as `is_punct`

    return not (text.isspace() or is_punct(text) and text not in _SIGN_PUNCT) \
        and _may_start_figure(text, text.lower())


def _start_words() -> frozenset[str]:
    """Every lower-case word without a digit that `_may_start_figure` accepts: the range and fraction
    openers, currency prefixes, and the words `figure_numbers._number_word_parts` reads."""
    hyphenated = {f"{tens}-{unit}" for tens in TENS_WORDS for unit, value in UNITS_WORDS.items() if value < 10} | \
        {f"{tens}-{nth}" for tens in TENS_WORDS for nth, value in ORDINAL_WORDS.items() if value < 10}
    return frozenset({"a", "an", "one", "half", "between", "from", "several", "few", "dozen", *CURRENCY_PREFIX,
                      *VAGUE_PLURALS, *UNITS_WORDS, *TENS_WORDS, *SCALE_WORDS, *ORDINAL_WORDS, *hyphenated})


_START_WORDS = _start_words()
_DIGIT = re.compile(r"\d")  # every number shape of number_shapes.yaml has one


_SIGN_PUNCT = ("$", "£", "€", "¥", "₹", "₽", "#", "-", "−", "–")

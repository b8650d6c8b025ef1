"""Figures: every number an article states, its kind, value, qualifier and the noun it counts.

A hybrid extractor:

1. **Token-level number parsing** (this module's own grammar, no model): digits with thousands
   separators and decimals (``1,000``, ``2.5``), attached multipliers (``2.5bn``, ``4.3M``, ``5k``,
   ``2tn``; ``300m`` is millions after a currency or before a plural noun or unit — ``12.3m tonnes``
   — else metres), currency signs and codes glued to the number (``EUR50m``, ``US$4bn``,
   ``A$82,615,680``, ``RM23.50``, ``Rs40``), units glued to it (``30Mbps``, ``500mg``, ``24pc``),
   pence (``164p``), ``~80%``/``c. 80`` (about), ``minus 387``, spelled-out numbers (``two``, ``twenty-five``, ``three hundred``,
   ``one hundred and twenty``, ``a thousand``, ``two and a half million``), multiplier words
   (``1.2 million``), currencies (symbols, ISO codes, currency words), percentages (``%``,
   ``percent``, ``per cent``, ``pct``, percentage/basis points), measures (km, tonnes, barrels,
   degrees, durations ...), ranges (``between 400 and 500``, ``400-500``, ``400 to 500``,
   ``two or three``), votes and scores (``98-2``, ``419 to 3``, ``by 419 votes to 3``,
   ``by a vote of 52-48``; both sides kept), ordinals (``first``, ``3rd``) and dates (years,
   ``September 1, 2017``, ``31 July 2017``, decades, centuries, clock times, ``N days ago``).
2. **spaCy's dependency parse** for what a figure counts (`noun`): the noun the number modifies
   (nummod/amod/compound), ``N of the X``, ``the number/total of X`` (including ``bringing to 455 the
   number of X`` and ``the number of X will fall to 455``), the subject of ``rose to``/``stood at``/
   ``was`` for percentages and amounts, change nouns (``a 5% rise in prices`` counts prices),
   ``X toll`` (``death toll``), the first noun of a coordination, and an elided noun (``755 will
   leave``) inherited from the previous count in the same or the previous sentence.
3. **spaCy's entities and the token shapes** to drop numbers that are part of a name
   (``Nord Stream 2``, ``Boeing 737``, ``Channel 4``, ``Section 230``, ``G20``, ``COVID-19``,
   ``Apollo 11``, ``7-Eleven``, ``Formula One``, ``10 Downing Street``, ``No. 10``).

The word lists (currencies, units, scales and vague words, identifier cues, plural lemmas, score
nouns, generic modifiers, total cues) are data files in ``newsbook/rules/*.yaml``, each kept once.
No third-party quantity parser is used: quantulum3, price-parser and pint were considered (see
issue 15's closing note); the news-specific glued forms, vague amounts and name/score/date
exclusions needed here sit on spaCy's tokens and parse, which those libraries do not see.

Decisions (documented here because they are choices, not facts):

* ``kind``: ``count`` | ``money`` | ``percent`` | ``measure`` (a unit: km, barrel, year of age,
  duration ...) | ``fraction`` (half, a third, two-thirds; value is the fraction, 0.5) |
  ``range`` (value..value_high; `unit` keeps %/USD/...) | ``vote`` (votes and scores; value is the
  first side, value_high the second) | ``ordinal`` (first, 3rd, No. 2) | ``date`` (years, days of a
  month, decades, centuries, clock times, ``three weeks ago``; never counts).
  For dates `value` is the year when one is stated, else the day, decade or hour.
* Durations (``for 10 years``, ``three weeks``) are ``measure`` with a time unit; relative dates
  (``three weeks ago``) are ``date``.  ``a month ago``, ``last week`` hold no number: not figures.
* Vague plural scales (``dozens``, ``scores of``, ``hundreds``, ``thousands``, ``millions``,
  ``tens of thousands``, ``hundreds of thousands``) are kind ``vague`` with value = the order of
  magnitude (12, 20, 100, 1,000 ...) and qualifier ``over``, never a precise count;
  ``several hundred``/``a few thousand`` are counts with qualifier ``several``.
* Ranges and alternatives (``between $62 and $68``, ``25k or 40k``, ``eight or nine euros``) are
  kind ``range`` with both ends in `low`/`high` (and value/value_high).  A match result
  (``beat Chelsea 2-0``, ``a 22 points to 10 win``) is kind ``score``, not a counted figure; a vote
  (``a 98-2 vote``, ``passed 220-207``) stays ``vote``.
* Ages are measures in years whose noun is ``age`` (``a 21-year-old``, ``aged 18 to 85``); an
  earthquake's magnitude is a measure with unit ``magnitude``.
* A number the article also writes after a name (``Boeing 707`` ... ``the 707 was``) names there too.
  ``a dozen`` is 12, ``a thousand`` 1,000.  ``a``/``an`` alone, ``several``, ``many`` are not figures.
* ``one`` is a figure when it counts a noun (``one person was killed``), not as a pronoun or in
  idioms (``one of the``, ``no one``, ``one day``, ``at one point/level``, ``one another``).
  ``at first``, ``first of all``, ``first-hand`` are idioms, not ordinals; capitalised ordinals
  inside a name (``Second World War``, ``First Amendment``) are not figures.
* ``X in Y``/``X out of Y`` (``one in five Americans``) are two counts of the same noun.
* ``from X to Y`` after a verb of change (``fell from 4.5% to 4.3%``) is two figures; elsewhere it
  is a range.  ``X-Y`` descending without vote words is read as a score (``a 5-4 ruling``).
* Money values are in the stated currency, multiplier applied (``$2.5bn`` -> 2.5e9, unit ``USD``);
  cents/pence keep their own unit (``19 cents`` -> 19, unit ``cent``).

Across sources (`match_figures`, used by ``compare.match_figures`` for the `figure_matches` table):
same kind/unit/value and a compatible noun -> one group (``agreed`` when several articles state it,
else ``single``); money of one currency and value is one group whatever each outlet says it is for,
unless modifiers clash; ``conflict`` for same-noun figures whose qualified values cannot both hold
(a round number allows its rounding: ``$43 million`` and ``$43,885,310`` do not conflict), stated by
different articles in sentences sharing a content word; modifiers separate (``federal taxes`` /
``state taxes``); ``the 35th day`` is compared as ``35 days``; arithmetic notes where two counts one
article states sum to (or exceed, or are consistent with a qualified) total, only when one of the
sentences states a total.  Other ordinals are not compared.  Which articles are compared (one
story at a time) is decided by the caller.  `format_figure` writes figures for the reports
(``$13.6 million``, ``36%``).  `evaluate`/`load_gold` (newsbook.evaluate_figures) score figures
against a hand-made gold file (tests/gold/figures_seeds.yaml, tests/gold/figures_wikinews.yaml);
`baseline_figures` is the raw-spaCy baseline measured there.

Qualifiers are normalised to (see `QUALIFIERS`): ``exactly`` (none stated, or exactly/precisely/
only/just), ``about`` (about, around, roughly, approximately, some, an estimated, nearly-equal
signs, ``or so``, ``-odd``), ``over`` (over, more than, above, in excess of, upwards of, exceeding,
``-plus``, ``+``), ``at least`` (at least, no fewer/less than, a minimum of, ``or more``),
``nearly`` (nearly, almost, close to, just under, just shy of, approaching), ``up to`` (up to,
as many as, as much as), ``at most`` (at most, no more than, a maximum of, ``or fewer/less``),
``fewer than`` (fewer than, less than, under, below), ``several`` (several/a few + scale).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from . import schema
from .nlp import (doc_text, doc_tokens, empty_table, sentence_columns, sentence_of_token, sentence_token_starts,
                  sentences, table_from_rows, token_flags)

# ------------------------------------------------------------------------------------------------
# Lexicons
# ------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _rules(name: str) -> dict:
    """A word list from lib/newsbook/rules/<name>.yaml (package data), read once."""
    from importlib import resources

    import yaml

    return yaml.safe_load(resources.files("newsbook").joinpath("rules", f"{name}.yaml").read_text("utf-8"))


SCALE_WORDS: dict[str, float] = {k: float(v) for k, v in _rules("scales")["words"].items()}
SUFFIX_SCALES: dict[str, float] = {str(k): float(v) for k, v in _rules("scales")["suffixes"].items()}
VAGUE_PLURALS: dict[str, float] = {k: float(v) for k, v in _rules("scales")["vague"].items()}
CURRENCY_PREFIX: dict[str, str] = dict(_rules("currencies")["prefix"])
CURRENCY_WORDS: dict[str, str] = dict(_rules("currencies")["words"])
CURRENCY_NATIONALITIES: dict[str, str] = dict(_rules("currencies")["nationalities"])
MEASURE_UNITS: dict[str, str] = dict(_rules("units")["measure"])
TIME_UNITS: dict[str, str] = dict(_rules("units")["time"])
COMPOUND_UNITS: dict[str, str] = dict(_rules("units")["compound"])
IDENT_NOUNS: set[str] = set(_rules("identifiers")["nouns"])
STREET_WORDS: set[str] = set(_rules("identifiers")["streets"])
ADDRESS_DIRECTIONS: set[str] = set(_rules("identifiers")["directions"])
ALWAYS_IDENT_NOUNS: set[str] = set(_rules("identifiers")["always_before"])
PLURAL_LEMMAS: dict[str, str] = dict(_rules("nouns")["plurals"])
SCORE_NOUNS: set[str] = set(_rules("nouns")["score_nouns"])
GENERIC_MODIFIERS: set[str] = set(_rules("nouns")["generic_modifiers"])
TOTAL_CUES: set[str] = set(_rules("nouns")["total_cues"])

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    "thousandth": 1000, "millionth": 1e6,
}
FRACTION_DENOMS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
    "tenth": 10, "tenths": 10,
}


MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
RELATIVE_TIME = {"ago", "earlier", "later", "before", "after", "hence", "previously"}
TIME_MARKERS = {"am", "pm", "a.m.", "p.m.", "a.m", "p.m", "gmt", "utc", "bst", "cet", "est", "edt",
                "pst", "pdt", "cst", "msk", "hrs", "o'clock"}

# (normalised, words before the number); longest first at match time
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "about": ("about", "around", "roughly", "approximately", "approx.", "approx", "some",
              "an estimated", "estimated", "circa", "c.", "~", "≈", "in the region of",
              "on the order of", "of the order of", "an approximate", "give or take",
              "a little over", "a little under", "a little more than", "a little less than",
              "roughly around"),
    "over": ("over", "more than", "above", "in excess of", "upwards of", "upward of",
             "exceeding", "north of", "greater than", "well over", "just over", "well above",
             "higher than", "beyond", "well in excess of", "far more than", "much more than",
             "slightly more than", "slightly over", "just above", "some more than", ">"),
    "at least": ("at least", "no fewer than", "no less than", "not less than", "not fewer than",
                 "a minimum of", "minimum of", "≥", ">="),
    "nearly": ("nearly", "almost", "close to", "just under", "just shy of", "approaching",
               "not quite", "just below", "slightly less than", "slightly fewer than",
               "slightly under", "getting on for", "shy of", "just short of", "nigh on"),
    "up to": ("up to", "as many as", "as much as", "as high as", "as long as"),
    "at most": ("at most", "no more than", "not more than", "a maximum of", "maximum of",
                "at the most", "≤", "<="),
    "fewer than": ("fewer than", "less than", "under", "below", "lower than", "well under",
                   "well below", "far fewer than", "far less than", "<"),
    "exactly": ("exactly", "precisely", "only", "just", "a mere", "merely", "fully", "a total of",
                "a record"),
}
_QUAL_PATTERNS = sorted(
    ((tuple(p.split()), norm) for norm, ps in QUALIFIERS.items() for p in ps),
    key=lambda x: -len(x[0]),
)
POST_QUALIFIERS = {("or", "more"): "at least", ("or", "so"): "about", ("or", "fewer"): "at most",
                   ("or", "less"): "at most", ("plus",): "over", ("+",): "over", ("odd",): "about",
                   ("or", "above"): "at least", ("and", "more"): "at least",
                   ("and", "up"): "at least", ("or", "over"): "at least"}

VOTE_NOUNS = {"vote", "votes", "ballot", "margin", "ruling", "decision", "majority", "tally",
              "score", "scoreline", "win", "victory", "defeat", "loss", "draw", "lead", "split",
              "verdict", "count", "result", "triumph", "rout", "thrashing", "drubbing", "edge"}
VOTE_VERBS = {"vote", "pass", "approve", "reject", "confirm", "adopt", "back", "endorse", "defeat",
              "beat", "win", "lose", "draw", "lead", "trail", "edge", "acquit", "convict",
              "uphold", "overturn", "rule", "strike", "block", "sink", "clear", "oust", "elect",
              "ratify", "veto", "override", "thrash", "rout", "tie", "split", "decide"}
CHANGE_VERBS = {"rise", "fall", "increase", "decrease", "drop", "climb", "jump", "grow", "shrink",
                "decline", "slip", "slide", "plunge", "surge", "soar", "tumble", "gain", "lose",
                "cut", "raise", "lower", "reduce", "boost", "ease", "dip", "rally", "sink",
                "swell", "double", "halve", "widen", "narrow", "edge", "inch", "slump", "leap",
                "spike", "plummet", "rocket", "balloon", "dwindle", "contract", "expand", "go",
                "come", "move", "bring", "push", "lift", "trim", "slash", "hike", "up", "down",
                "revise", "change", "shift"}
CHANGE_NOUNS = {"rise", "fall", "increase", "decrease", "drop", "climb", "jump", "growth",
                "decline", "slide", "plunge", "surge", "gain", "loss", "cut", "reduction",
                "hike", "boost", "dip", "rally", "slump", "leap", "spike", "change", "swing",
                "contraction", "expansion", "uptick", "downturn", "upturn", "rebound"}
# nouns through which a number counts something else: "the number of X", "a total of X"
OF_NOUNS = {"number", "total", "count", "tally", "group", "handful", "couple", "pair", "batch",
            "majority", "minority", "proportion", "percentage", "fraction", "part",
            "portion", "rest", "remainder", "set", "series", "range", "contingent", "sum", "amount",
            "figure", "list", "dozen", "score", "hundred", "thousand", "million", "billion", "%",
            "percent", "pct", "cent", "per", "quantity", "influx", "estimate", "toll", "maximum",
            "minimum", "average", "host", "flock", "swarm", "army", "bunch", "dozens"}
# "death toll", "casualty count": the compound is what is counted
TOLL_NOUNS = {"toll", "count", "tally", "figure", "number", "total"}
# verbs whose subject is what a count measures: "US forces numbered 2,500", "sales topped 5 million"
MEASURE_VERBS = {"number", "total", "reach", "hit", "top", "exceed", "surpass", "stand", "near",
                 "approach", "amount", "be", "remain", "become", "equal", "average", "pass", "cross",
                 "climb", "rise", "fall", "drop", "grow", "increase", "decrease", "double", "triple",
                 "swell", "dwindle", "shrink", "tally", "come", "run", "stay", "hover", "peak"}
PERIOD_NOUNS = {"quarter", "half", "period", "session", "term", "season", "year", "month", "week", "day",
                "time", "run", "stretch", "spell", "window", "trading", "total", "all"}
# nouns that name a level of something else: "a record low of 6.4%", "a peak of 45"
LEVEL_NOUNS = {"low", "high", "record", "peak", "level", "maximum", "minimum", "average", "total", "sum",
               "figure", "amount", "value", "price", "cost"} - {"value", "price", "cost"}
# generic nouns that name no thing by themselves: "bringing the total to 12 million"
GENERIC_NOUNS = {"total", "number", "figure", "tally", "count", "amount", "sum", "level", "one",
                 "other", "others", "more", "another"}
ONE_IDIOM_NOUNS = {"day", "time", "point", "level", "way", "side", "hand", "thing", "another",
                   "moment", "stage", "sense", "respect", "occasion", "night", "morning",
                   "evening", "afternoon", "instance", "case", "minute", "second", "bit",
                   "piece", "step", "kind", "sort", "form", "extent", "reason", "version",
                   "option", "answer", "question", "problem", "issue", "word", "example",
                   "aspect", "place", "end", "direction", "part", "front", "area", "eye",
                   "voice", "accord", "go"}
PRONOUN_DETS = {"the", "this", "that", "any", "each", "every", "no", "which", "another",
                "some", "one", "whichever", "whatever", "such", "what", "either", "neither"}
NAME_ENTS = {"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "LAW", "EVENT", "PERSON", "GPE", "LOC",
             "NORP", "LANGUAGE"}
PERSON_NOUNS = {
    "people", "person", "individual", "resident", "civilian", "citizen", "national", "staff",
    "staffer", "personnel", "employee", "worker", "workforce", "official", "officer", "diplomat",
    "contractor", "member", "soldier", "troop", "police", "policeman", "protester",
    "demonstrator", "student", "child", "adult", "woman", "man", "victim", "migrant", "refugee",
    "voter", "patient", "passenger", "prisoner", "detainee", "hostage", "casualty", "death",
    "fatality", "injury", "crew", "crewmember", "agent", "spy", "delegate", "lawmaker",
    "senator", "representative", "mp", "minister", "envoy", "ambassador", "consul", "teacher",
    "doctor", "nurse", "journalist", "reporter", "fighter", "militant", "rebel", "insurgent",
    "suspect", "inmate", "pilgrim", "tourist", "visitor", "spectator", "fan", "supporter",
    "participant", "attendee", "applicant", "immigrant", "asylum", "seeker", "family", "household",
    "user", "customer", "subscriber", "viewer", "reader", "listener", "shareholder", "investor",
    "voter", "respondent", "american", "russian", "briton", "national", "expat", "technician",
    "specialist", "expert", "advisor", "adviser", "aide", "guard", "marine", "sailor", "airman",
    "volunteer", "servant", "operative", "labourer", "laborer", "farmer", "miner", "driver",
}
_PERSON_SUFFIXES = ("ee", "ist", "ian", "eer", "worker", "man", "men", "woman", "women")

_NUM_RE = re.compile(
    # an optional currency or "about" sign glued before the digits: "US$4bn", "EUR50", "RM23.50",
    # "Rs.40", "~80", "c.500" (which prefixes are currencies is checked against the rules)
    r"^(?P<pre>[A-Z]{1,3}\$|[A-Z][A-Za-z]{1,2}\.?|[$£€¥₹₽₩₦₺₱₪~≈]|c\.)?"
    r"(?P<sign>[-+−–]?)(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?P<suf>[A-Za-z%°/µ²]*)$"
)
ABOUT_SIGNS = ("~", "≈", "c.")
_CLOCK_RE = re.compile(r"^\d{1,2}[:.]\d{2}(?:[ap]\.?m\.?)?$", re.I)
_DECADE_RE = re.compile(r"^(?:mid-|early-|late-|the-)?(?:'|’)?(?P<num>\d{2}|\d{4})(?:'|’)?s$", re.I)
_YEAR_RANGE_RE = re.compile(r"^(?P<a>\d{4})[-–/](?P<b>\d{2}|\d{4})$")
_DASHES = {"-", "–", "—", "‐", "‑"}


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
    # digits
    parsed = _parse_digit_token(tok.text)
    if parsed is not None:
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
    # spelled-out numbers
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
# Context helpers
# ------------------------------------------------------------------------------------------------


def _is_title_case(sent) -> bool:
    """A headline or sub-head in Title Case ("Putin Orders 755 US Diplomats To Leave"): capitals there
    say nothing about names."""
    words = [t for t in doc_tokens(sent.doc)[sent.start:sent.end] if t.is_alpha and len(t) > 3]
    if len(words) < 3:
        return False
    plain = [t for t in words if t.ent_type_ == ""]
    ratio = sum(1 for t in words if t.text[0].isupper()) / len(words)
    plain_ratio = sum(1 for t in plain if t.text[0].isupper()) / len(plain) if plain else 0.0
    return ratio >= 0.8 and plain_ratio >= 0.7


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
    w = doc[j].lower_
    if w in ("us", "u.s.", "american", "hong", "australian", "canadian", "new") and j + 1 < n:
        w2 = doc[j + 1].lower_
        if w2 in ("dollar", "dollars"):
            return "USD" if w in ("us", "u.s.", "american") else {
                "australian": "AUD", "canadian": "CAD", "hong": "HKD", "new": "NZD"}.get(w, "USD"), j + 2
        if w == "hong" and w2 == "kong" and j + 2 < n and doc[j + 2].lower_ in ("dollar", "dollars"):
            return "HKD", j + 3
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
    if w in ("pounds", "pound") and j + 1 < n and doc[j + 1].lower_ == "sterling":
        return "GBP", j + 2
    if w == "p" and doc[j - 1].whitespace_ == "":
        return "penny", j + 1
    if w in CURRENCY_PREFIX and len(w) == 3 and doc[j].text.isupper():
        return CURRENCY_PREFIX[w], j + 1
    return None


def _percent_after(doc: Doc, j: int):
    """(unit, end) of a percent sign/word at token j, or None."""
    n = len(doc)
    if j >= n:
        return None
    w = doc[j].lower_
    if w == "%":
        return "%", j + 1
    if w in ("percent", "pct", "pct.") or doc[j].text == "pc" and doc[j - 1].like_num:
        return "%", j + 1  # "24 pc" (British papers) as well
    if w == "per" and j + 1 < n and doc[j + 1].lower_ in ("cent", "cent."):
        return "%", j + 2
    if w == "percentage" and j + 1 < n and doc[j + 1].lower_ in ("point", "points", "pts"):
        return "percentage point", j + 2
    if w in ("basis",) and j + 1 < n and doc[j + 1].lower_ in ("point", "points"):
        return "basis point", j + 2
    if w in ("bp", "bps"):
        return "basis point", j + 1
    return None


def _unit_after(doc: Doc, j: int, allow_time=True):
    """(unit, end, is_time) of a measure unit at token j, or None."""
    n = len(doc)
    if j >= n:
        return None
    t = doc[j]
    w = t.lower_
    if w in ("square", "sq", "sq.", "cubic") and j + 1 < n and doc[j + 1].lower_ in MEASURE_UNITS:
        return f"{'square' if w.startswith('sq') else w} {MEASURE_UNITS[doc[j + 1].lower_]}", j + 2, False
    if w == "light" and j + 2 < n and doc[j + 1].text in _DASHES and doc[j + 2].lower_ in ("year", "years"):
        return "light-year", j + 3, False
    if allow_time and w in TIME_UNITS:
        return TIME_UNITS[w], j + 1, True
    if w in MEASURE_UNITS:
        if w in ("m", "g", "t", "l", "c", "ha") and t.whitespace_ == "" and j + 1 < n and doc[j + 1].is_alpha:
            return None
        if w in ("m", "g", "t", "l", "c") and doc[j - 1].whitespace_ != "":
            return None  # "5 m" is rarely metres in news; "5m" attached is handled apart
        if w in ("point", "points") and j + 1 < n and doc[j + 1].lower_ == "of":
            return None  # "two points of view"
        if w in ("degree", "degrees"):
            if j + 1 < n and doc[j + 1].lower_ in ("celsius", "fahrenheit", "c", "f"):
                return MEASURE_UNITS.get(doc[j + 1].lower_, "degree"), j + 2, False
        unit = MEASURE_UNITS[w]
        end = j + 1
        # "barrels per day", "km per hour", "miles an hour"
        if end + 1 < n and doc[end].lower_ in ("per", "a", "an", "each") and doc[end + 1].lower_ in TIME_UNITS:
            unit = f"{unit} per {TIME_UNITS[doc[end + 1].lower_]}"
            unit = COMPOUND_UNITS.get(unit, unit)  # "miles per hour" -> mph
            end += 2
        return unit, end, False
    if w == "°" and j + 1 < n and doc[j + 1].lower_ in ("c", "f"):
        return "°" + doc[j + 1].text.upper(), j + 2, False
    return None


def _qualifier_before(doc: Doc, i: int, sent_start: int):
    """(normalised qualifier, start index of the qualifier words) before token i."""
    words = [doc[k].lower_ for k in range(max(sent_start, i - 5), i)]
    # the last L words for each length L, built once rather than once per pattern
    tails = {L: tuple(words[len(words) - L:]) for L in range(1, len(words) + 1)}
    for pattern, norm in _QUAL_PATTERNS:
        L = len(pattern)
        if tails.get(L) == pattern:
            first = doc[i - L]
            # "some" as a determiner of a noun ("some of the 300") is not a qualifier
            if pattern == ("some",) and first.dep_ not in ("quantmod", "advmod", "det", "nummod", "amod"):
                continue
            if pattern == ("just",) or pattern == ("only",):
                return "exactly", i - L
            return norm, i - L
    return None, i


def _qualifier_after(doc: Doc, j: int):
    n = len(doc)
    tokens = doc_tokens(doc)
    heads = {}  # the L words from j, for each pattern length L, built once
    for pattern, norm in POST_QUALIFIERS.items():
        L = len(pattern)
        if j + L <= n and L not in heads:
            heads[L] = tuple(t.lower_ for t in tokens[j:j + L])
        if j + L <= n and heads[L] == pattern:
            if pattern == ("plus",) and not (doc[j - 1].whitespace_ == "" or doc[j].text in _DASHES):
                # "$5 plus interest" -> not a qualifier; "50-plus" / "50 plus" ambiguous
                if j + 1 < n and doc[j + 1].pos_ in ("NOUN", "PROPN", "DET"):
                    continue
            return norm, j + L
    # "50-plus", "20-odd"
    if j + 1 < n and doc[j].text in _DASHES and doc[j + 1].lower_ in ("plus", "odd") and \
            doc[j - 1].whitespace_ == "" and doc[j].whitespace_ == "":
        return ("over" if doc[j + 1].lower_ == "plus" else "about"), j + 2
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


# ------------------------------------------------------------------------------------------------
# Main scan
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _may_start_figure(text: str, lower: str) -> bool:
    """Whether any branch of _scan can find a figure at a token with this text: a fraction
    ('a third', 'half'), a range ('between', 'from'), a currency, a number or a glued pair."""
    return (lower in ("a", "an", "one", "half", "between", "from") or lower in CURRENCY_PREFIX
            or _may_start_number(text, lower) or _GLUED_RE.match(text) is not None)


def _possible_starts(doc: Doc) -> list[bool]:
    """For each token, whether a figure may start there: not whitespace, not punctuation (a currency
    sign, '#' or a dash aside), and `_may_start_figure`. All of it depends on the word's spelling
    alone, so it is decided once per distinct spelling (`token_flags`), not once per token."""
    return token_flags(doc, "ORTH", _may_start_at)


def _may_start_at(text: str) -> bool:
    from spacy.lang.lex_attrs import is_punct  # what spaCy's lexemes hold as `is_punct`

    return not (text.isspace() or is_punct(text) and text not in _SIGN_PUNCT) \
        and _may_start_figure(text, text.lower())


_SIGN_PUNCT = ("$", "£", "€", "¥", "₹", "₽", "#", "-", "−", "–")


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
    while i < n:
        if not starts[i]:
            i += 1  # what every branch below would conclude, decided once per distinct word
            continue
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


_GLUED_RE = re.compile(r"^(?P<a>\d[\d,]*(?:\.\d+)?)(?P<sa>bn|mn|m|k|tn|trn)?(?P<pa>%?)[-–]"
                       r"(?P<cb>US\$|\$|£|€)?(?P<b>\d[\d,]*(?:\.\d+)?)(?P<sb>bn|mn|m|k|tn|trn)?(?P<pb>%?)$")


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
    n = len(doc)
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
                    return _Fig(start, ue + 1, num.value, kind="date", unit="relative", anchor=num.start)
                if is_time and _age_after(doc, j):
                    # "20-year-old man", "a 20 year old"
                    e = _age_after(doc, j)
                    fig.kind, fig.unit, fig.end = "measure", "year of age", e
                    fig.extra_tokens = list(range(j, e))
                    fig.anchor = e - 1
                    _attach_qualifier(doc, fig, sent_start)
                    return fig
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
                        return fig
                elif w in MEASURE_UNITS:
                    fig.kind, fig.unit = "measure", MEASURE_UNITS[w]
                elif w != "strong":
                    # "a 3-cylinder engine" counts cylinders, "a 12-page document" pages
                    fig.noun, fig.noun_phrase = _singular(doc[j + 1]), doc[j + 1].text
                unit_end = j + 2
                fig.extra_tokens = list(range(j, j + 2))
                fig.anchor = num.end - 1
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


def _magnitude_before(doc: Doc, i: int) -> bool:
    """'magnitude' (or 'magnitude of') right before the number at i, or 'on the Richter scale' after it."""
    k = i - 1
    if k >= 0 and doc[k].lower_ == "of":
        k -= 1
    if k >= 0 and doc[k].lower_ == "magnitude":
        return True
    after = [t.lower_ for t in doc[i + 1:i + 5]]
    return after[:1] == ["on"] and "richter" in after


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
    n = len(doc)
    k = j
    if k < n and doc[k].text in _DASHES:
        k += 1
    if k < n and doc[k].lower_ in ("year", "years", "yr"):
        k += 1
        if k < n and doc[k].text in _DASHES:
            k += 1
        if k < n and doc[k].lower_ in ("old", "olds"):
            return k + 1
    return None


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
    if q is None and k_q >= 2 and doc[k_q - 1].lower_ in ("a", "an") and doc[k_q - 2].lower_ in ("some",):
        q = "about"
    # "several hundred", "a few thousand"
    if fig.kind in ("count", "money", "measure") and fig.start > 0 and doc[fig.start - 1].lower_ in ("several",) \
            or fig.start > 1 and doc[fig.start - 2].lower_ == "a" and doc[fig.start - 1].lower_ == "few":
        if doc[fig.start].lower_ in SCALE_WORDS:
            q = "several"
    post, _ = _qualifier_after(doc, fig.end)
    if post is not None:
        q = post if q in (None, "exactly") else q
        # keep the qualifier words outside the span: span is the figure as written
    if q is None:
        q = "exactly"
    fig.qualifier = q


# ------------------------------------------------------------------------------------------------
# What the figure counts
# ------------------------------------------------------------------------------------------------


def _noun_token(doc: Doc, fig: _Fig):
    """The token naming what the figure counts, or None."""
    span_ids = set(range(fig.start, fig.end))
    anchor = doc[fig.anchor] if 0 <= fig.anchor < len(doc) else doc[fig.start]
    # climb to the span's top token
    top = anchor
    seen = 0
    while top.head.i in span_ids and top.head.i != top.i and seen < 10:
        top = top.head
        seen += 1
    # the span's own tokens may head the phrase ("%", "dollars", "barrels") -> look at their children
    for t in [doc[k] for k in sorted(span_ids)]:
        if t.head.i not in span_ids or t.head.i == t.i:
            top = t if t.i in fig.extra_tokens or top.i not in span_ids else top

    def good(t: Token) -> bool:
        nominal = t.pos_ in ("NOUN", "PROPN") or t.pos_ == "ADJ" and t.dep_ in ("nsubj", "nsubjpass")
        if nominal and t.i not in span_ids and not t.like_num:
            lw = t.lower_
            if lw in TIME_UNITS and fig.kind not in ("measure",):
                return False
            if lw in MONTHS or lw in WEEKDAYS:
                return False
            return True
        return False

    def through_of(t: Token) -> Token:
        """'the number of X' -> X; 'death toll' -> death; 'a total of X' -> X."""
        lem = t.lemma_.lower()
        if lem in OF_NOUNS or lem in CHANGE_NOUNS and fig.kind in ("percent", "money", "measure", "range"):
            preps = ("of", "among") if lem in OF_NOUNS else ("in", "of")
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ in preps:
                    for p in c.children:
                        if p.dep_ == "pobj" and good(p):
                            return through_of(p)
                        if p.dep_ == "pobj" and p.pos_ == "PRON":
                            return t
        if lem in TOLL_NOUNS:
            for c in t.children:
                if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ") and c.i < t.i:
                    return c
        return t

    def of_child(t: Token):
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "among"):
                for p in c.children:
                    if p.dep_ == "pobj" and good(p):
                        return p
                    if p.dep_ == "pobj" and p.like_num:
                        # "three out of four voters", "one in five Americans"
                        pass
            if c.dep_ == "prep" and c.lower_ in ("out", "in") and fig.kind == "count":
                for p in c.subtree:
                    if p.like_num and p.i != t.i and p.head.pos_ in ("NOUN", "PROPN") and good(p.head):
                        return p.head
        return None

    head = top.head
    dep = top.dep_
    # 1. a unit token inside the span heads "of X": "5% of voters", "3 million barrels of oil"
    for k in fig.extra_tokens + [top.i]:
        t = doc[k]
        oc = of_child(t)
        if oc is not None:
            return through_of(oc)
    # 2. the number modifies a noun: "755 US diplomats", "a $5m contract", "a 3,000-strong crowd"
    if dep in ("nummod", "compound", "amod", "nmod", "quantmod", "npadvmod", "dep", "appos", "conj", "poss") \
            and head.i not in span_ids:
        h = head
        # "3,000-strong crowd": number -> strong (ADJ) -> crowd
        if h.pos_ == "ADJ" and h.head.pos_ in ("NOUN", "PROPN") and h.dep_ == "amod":
            h = h.head
        if good(h) and h.i > top.i and not (h.lower_ in TIME_UNITS and fig.kind == "count" and dep != "nummod"):
            if fig.kind == "vote" and h.lower_ in VOTE_NOUNS:
                return h
            if h.lower_ in TIME_UNITS and fig.kind == "count" and dep == "nummod":
                return None
            if fig.kind in ("percent", "money", "range") and h.lemma_.lower() in CHANGE_NOUNS:
                t2 = through_of(h)
                return t2 if t2 is not h else h
            if h.pos_ == "PROPN" and h.ent_type_ in ("GPE", "NORP") and dep == "compound":
                pass
            else:
                return through_of(h)
    # 3. "35 of the diplomats"
    oc = of_child(top)
    if oc is not None:
        return through_of(oc)
    # 4. the number is an argument: "bringing to 455 the number of X", "the number of X fell to 455",
    #    "unemployment rose to 5%", "turnout was 65%", "US forces numbered 2,500"
    gov = None
    count_preps = ("to", "at", "by", "from", "of", "around", "about", "near", "over", "under", "than",
                   "above", "below", "past", "beyond", "toward", "towards")
    if dep == "pobj" and head.dep_ in ("prep", "agent", "dative") and (
            head.lower_ in count_preps or fig.kind != "count"):
        gov = head.head
        # "revenue of $65.8bn", "a population of 1.4 billion", "a crowd of around 10,000"
        if (head.lower_ == "of" or head.lower_ == "at" and fig.kind != "count") and good(gov) and \
                gov.lemma_.lower() not in LEVEL_NOUNS | CHANGE_NOUNS | OF_NOUNS:
            return gov
        # "an increase of 5%", "a rise to 5%"
        if gov.pos_ in ("NOUN",) and gov.lemma_.lower() in CHANGE_NOUNS | OF_NOUNS:
            t2 = through_of(gov)
            if t2 is not gov:
                return t2
            g2 = gov.head
            if gov.dep_ in ("dobj", "nsubj") and g2.pos_ in ("VERB", "AUX"):
                gov = g2
            else:
                return gov if fig.kind != "count" else None
    elif dep in ("dobj", "attr", "npadvmod", "nsubj", "nsubjpass", "acomp", "advmod", "oprd", "ROOT",
                 "conj", "appos", "pobj", "compound", "nummod", "amod", "nmod"):
        gov = head if dep != "ROOT" else top
    # "closed down 1.2 percent", "is worth $2.7bn": climb from the adverb/adjective to the verb
    hops = 0
    while gov is not None and (gov.pos_ in ("ADV", "ADP", "ADJ", "PART") or gov.pos_ == "NOUN" and not good(gov)) \
            and gov.head.i != gov.i and hops < 2:
        gov = gov.head
        hops += 1
    if gov is not None and hops and fig.kind != "count" and gov.pos_ in ("NOUN", "PROPN") and good(gov):
        return through_of(gov)  # "assets worth more than $1.3 trillion"
    if gov is not None and gov.pos_ in ("VERB", "AUX"):
        args = [c for c in gov.children if c.i not in span_ids]
        order = ("dobj", "nsubjpass", "nsubj", "attr") if dep == "pobj" else ("nsubj", "nsubjpass", "dobj", "attr")
        measure_verb = gov.lemma_.lower() in MEASURE_VERBS or gov.lemma_.lower() in CHANGE_VERBS
        for d in order:
            for c in args:
                if c.dep_ == d and good(c):
                    t2 = through_of(c)
                    if fig.kind == "count" and t2 is c and c.lemma_.lower() not in OF_NOUNS and \
                            not (measure_verb or dep in ("attr", "pobj") and d in ("nsubj", "nsubjpass")
                                 or dep == "pobj" and d == "dobj" and gov.lemma_.lower() in CHANGE_VERBS):
                        continue  # "Police arrested 300": the subject is not what is counted
                    return t2
        # "is expected to rise to 5%": the subject of the governing verb
        if fig.kind != "count":
            for anc in [gov, *gov.ancestors][:4]:
                for c in anc.children:
                    if c.dep_ in ("nsubj", "nsubjpass") and good(c):
                        return through_of(c)
    return None


def _phrase(doc: Doc, t: Token, fig: _Fig) -> str:
    """The counted phrase as written: the noun with its left modifiers and a following 'of X'/conjunct."""
    span_ids = set(range(fig.start, fig.end))
    left = t.i
    for c in t.lefts:
        if c.i in span_ids or c.dep_ in ("det", "predet", "poss") or c.like_num:
            continue
        if c.dep_ in ("amod", "compound", "nmod", "npadvmod", "nummod") and c.i >= fig.end - 1:
            left = min(left, c.left_edge.i)
    while left < t.i and (doc[left].i in span_ids or doc[left].is_punct or doc[left].dep_ == "det"):
        left += 1
    right = t.i
    for c in t.rights:
        if c.dep_ in ("cc",) or (c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")
                                 and not c.like_num and c.lower_ not in VAGUE_PLURALS):
            right = max(right, c.i)
        else:
            break
    if doc[right].dep_ == "cc":
        right -= 1
    return doc[left:right + 1].text


def _lemma(t: Token) -> str:
    """Lemma of the counted noun: names keep their spelling, common nouns are lower-cased."""
    if t.pos_ == "PROPN" and not (t.i == t.sent.start and t.ent_type_ not in NAME_ENTS) and \
            not (t.text.isupper() and len(t.text) > 4 and t.ent_type_ not in NAME_ENTS):
        return t.text
    lem = t.lemma_.lower()
    low = t.lower_
    if low in PLURAL_LEMMAS:
        return PLURAL_LEMMAS[low]
    if lem in ("%",):
        return "percent"
    if t.tag_ == "NNS" and low.endswith(("sses", "xes", "zzes")) and lem != low[:-2]:
        return low[:-2]  # the lemmatiser turns "bosses" into "bosse", "taxes" into "taxis"
    if t.tag_ == "NNS" and low == lem + "es" and lem.endswith("s"):
        return low[:-1]  # the lemmatiser turns "doses" into "dos"
    return lem


def _span_top(doc: Doc, fig: _Fig) -> Token:
    """The token of the figure's span whose head lies outside it (its syntactic attachment)."""
    span_ids = set(range(fig.start, fig.end))
    top = doc[fig.anchor] if 0 <= fig.anchor < len(doc) else doc[fig.start]
    for _ in range(10):
        if top.head.i in span_ids and top.head.i != top.i:
            top = top.head
        else:
            break
    return top


SCORE_VERBS = {"beat", "win", "lose", "draw", "lead", "trail", "defeat", "thrash", "edge", "rout", "tie",
               "score", "hammer", "crush", "down", "overcome", "level", "finish", "end"}


def _vote_noun(doc: Doc, fig: _Fig) -> str:
    """'vote' for votes (and a vote noun the figure modifies: ruling, majority ...), 'score' for games."""
    span = doc[fig.start:fig.end]
    if any(t.lower_ in ("vote", "votes") for t in span):
        return "vote"
    top = _span_top(doc, fig)
    for t in (top.head, *[doc[k] for k in range(fig.end, min(len(doc), fig.end + 2))]):
        if t.lower_ in VOTE_NOUNS and t.pos_ == "NOUN" and t.i not in range(fig.start, fig.end):
            lem = t.lemma_.lower()
            return "vote" if lem in ("vote", "ballot", "tally", "count") else lem
    for t in top.ancestors:
        if t.pos_ in ("VERB", "AUX"):
            if t.lemma_.lower() in SCORE_VERBS:
                return "score"
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in VOTE_NOUNS:
                    lem = c.lemma_.lower()
                    return "vote" if lem in ("vote", "ballot", "tally", "count") else lem
            return "vote"
    return "vote"


def _assign_noun(doc: Doc, fig: _Fig) -> None:
    if fig.kind == "ordinal" and not fig.noun and fig.end < len(doc) and doc[fig.end].lower_ in TIME_UNITS:
        fig.noun = TIME_UNITS[doc[fig.end].lower_]  # "the 35th day of the shutdown"
        return
    if fig.kind in ("date", "ordinal") or fig.noun:
        return
    if fig.kind == "vote":
        fig.noun = _vote_noun(doc, fig)
        return
    t = None
    if fig.kind in ("money", "range") and fig.end + 1 < len(doc):
        # "£300m in aid", "$2m worth of drugs", "$5bn of loans"
        k = fig.end
        if doc[k].lower_ == "worth" and k + 1 < len(doc) and doc[k + 1].lower_ == "of":
            k += 1
        if doc[k].lower_ in ("in", "of", "worth"):
            for c in doc[k].children:
                if c.dep_ == "pobj" and c.pos_ == "NOUN" and c.lower_ not in TIME_UNITS and \
                        c.ent_type_ not in ("DATE", "TIME") and c.lemma_.lower() not in PERIOD_NOUNS:
                    t = c
    if t is None:
        t = _noun_token(doc, fig)
    if t is None and fig.kind in ("count", "vague", "range") and fig.end < len(doc) and doc[fig.end].tag_ == "NNS":
        t = doc[fig.end]  # "3m shares": the parser hung the glued "m" on the verb, the noun still follows
    if t is not None and t.lemma_.lower() in GENERIC_NOUNS and fig.kind in ("count", "range") and \
            (t.tag_ != "NNS" or t.lemma_.lower() in ("other", "others", "more")):
        fig.elided = True  # "bringing the total to 12 million": inherit the previous count's noun
        return
    if t is None:
        # "one in five Americans": the number hangs on another number that counts a noun
        top = _span_top(doc, fig)
        h = top.head
        if h.i != top.i and h.like_num and h.dep_ == "nummod" and h.head.pos_ in ("NOUN", "PROPN"):
            t = h.head
    if fig.unit == "year of age":
        fig.noun = "age"
        if t is not None:
            fig.noun_phrase = _phrase(doc, t, fig)
        return
    if t is not None and _names_someone(doc, t, fig):
        t = None  # "Zhejiang Pharmaceutical rose to 8.29 yuan": a company is not what a price counts
    if t is not None:
        fig.noun, fig.noun_phrase = _lemma(t), _phrase(doc, t, fig)


def _names_someone(doc: Doc, t: Token, fig: _Fig) -> bool:
    """Whether the candidate noun is a person's or an organisation's name (never what a figure
    counts), outside Title Case headlines where every word is capitalised."""
    if _is_title_case(sentence_of_token(doc, fig.start)):
        return False
    if t.ent_type_ in ("PERSON", "ORG", "FAC", "WORK_OF_ART") and t.pos_ == "PROPN":
        return True
    return t.pos_ == "PROPN" and fig.kind in ("money", "percent", "measure") and t.ent_type_ not in ("NORP",)


def find_figures(doc: Doc) -> list[dict]:
    """Figures in a parsed Doc as plain dicts (value, value_high, kind, unit, text, noun,
    noun_phrase, qualifier, start, end); offsets are character offsets into ``doc.text``."""
    figs = _scan(doc)
    named = _name_numbers(doc)
    figs = [f for f in figs if not _names_again(doc, f, named)]
    out = []
    last_count: tuple[int, str] | None = None  # (token index, noun) of the last count with a noun
    for fig in figs:
        _assign_noun(doc, fig)
        if fig.kind in ("count", "range") and not fig.noun and not fig.unit:
            # elided noun: "755 will have to leave" after "Over 1,000 employees"; "12 of them"
            top = _span_top(doc, fig)
            bare = fig.elided or top.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "appos",
                                              "ROOT", "npadvmod")
            if bare and last_count is not None and fig.start - last_count[0] <= 60:
                fig.noun, fig.noun_phrase, fig.elided = last_count[1], "", True
        if fig.kind in ("count", "range") and fig.noun and not fig.elided and not fig.unit:
            last_count = (fig.start, fig.noun)
        if fig.kind == "vote" and fig.noun in SCORE_NOUNS:
            fig.kind = "score"  # "beat Chelsea 2-0", "a 22 points to 10 win": a match result, not a count
        if fig.kind == "count" and fig.vague and doc[fig.start].lower_ in VAGUE_PLURALS:
            fig.kind = "vague"  # "dozens", "thousands of": an order of magnitude, never a precise count
        unit, noun = fig.unit, fig.noun
        if unit == "year of age":
            unit, noun = "year", "age"  # "a 21-year-old": measured in years, and what is measured is an age
        start_char = doc[fig.start].idx
        end_tok = doc[fig.end - 1]
        end_char = end_tok.idx + len(end_tok.text)
        out.append({
            "value": float(fig.value),
            "value_high": float(fig.value_high),
            "low": float(fig.value) if fig.kind == "range" else math.nan,
            "high": float(fig.value_high) if fig.kind == "range" else math.nan,
            "kind": fig.kind,
            "unit": unit,
            "text": doc_text(doc)[start_char:end_char],
            "noun": noun,
            "noun_phrase": fig.noun_phrase,
            "qualifier": fig.qualifier if fig.kind not in ("date", "ordinal") else (
                fig.qualifier if fig.qualifier != "exactly" else "exactly"),
            "start": start_char,
            "end": end_char,
        })
    return out


def _name_numbers(doc: Doc) -> set[str]:
    """Numbers the article writes after a name ("Boeing 707", "Area 51", "Article 50")."""
    tokens = doc_tokens(doc)
    # "Boeing 747s" names the 747 too; "Putin Orders 755 US Diplomats" is a headline, not a name
    return {t.text[:-1] if t.text.endswith("s") else t.text for t in tokens[1:]
            if re.fullmatch(r"\d+s?", t.text) and _name_word_before(tokens[t.i - 1])
            and not _is_title_case(sentence_of_token(doc, t.i))}


def _names_again(doc: Doc, fig: _Fig, named: set[str]) -> bool:
    """A bare number that repeats one of the article's names ("the 707 was a freighter" after
    "a Boeing 707"), not followed by a plural noun it would count."""
    if fig.kind != "count" or fig.unit or fig.end - fig.start != 1 or doc[fig.start].text not in named:
        return False
    nxt = doc[fig.end] if fig.end < len(doc) else None
    return fig.value >= 10 and not (nxt is not None and nxt.tag_ == "NNS")


def extract_figures(doc: Doc, *, article_id: str) -> pd.DataFrame:
    """Figures in one article (`figures` table)."""
    rows = figure_rows(doc, article_id=article_id)
    return table_from_rows("figures", rows) if rows else empty_table("figures")


def figure_rows(doc: Doc, *, article_id: str) -> list[dict]:
    """`extract_figures` as a list of row dicts (the pipeline tabulates many articles at once)."""
    rows = []
    for n, f in enumerate(find_figures(doc), start=1):
        row = {"article_id": article_id, "figure_id": f"{article_id}:f{n}", **f}
        row.update(sentence_columns(doc, f["start"]))
        rows.append(row)
    return rows


def figures_in_text(text: str, nlp=None) -> list[dict]:
    """Convenience for tests and notebooks: parse `text` with the newsbook pipeline and return
    `find_figures` dicts."""
    if nlp is None:
        from .nlp import load_pipeline

        nlp = load_pipeline()
    return find_figures(nlp(text))


# ------------------------------------------------------------------------------------------------
# Baseline, for evaluation only: raw spaCy numeric entities with their syntactic head
# ------------------------------------------------------------------------------------------------


def baseline_figures(doc: Doc) -> list[dict]:
    """spaCy CARDINAL/MONEY/PERCENT/QUANTITY entities; value from the first number in the entity,
    noun = lemma of the syntactic head of the entity's root.  Used to measure what the parse alone
    gives (see tests/test_figures.py and notebooks/figures.ipynb)."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY"):
            continue
        value = math.nan
        for t in ent:
            p = _parse_number(doc, t.i)
            if p is not None:
                value = p.value
                break
        if math.isnan(value):
            continue
        head = ent.root.head
        out.append({
            "value": float(value), "value_high": math.nan,
            "kind": {"CARDINAL": "count", "MONEY": "money", "PERCENT": "percent", "QUANTITY": "measure"}[ent.label_],
            "unit": "", "text": ent.text,
            "noun": head.lemma_.lower() if head.i != ent.root.i else "",
            "noun_phrase": head.text, "qualifier": "exactly",
            "start": ent.start_char, "end": ent.end_char,
        })
    return out


# ------------------------------------------------------------------------------------------------
# Evaluation against hand-made gold (tests, notebooks, a researcher's own gold file)
# ------------------------------------------------------------------------------------------------

# Scoring against hand-made gold lives in newsbook.evaluate_figures; re-exported here for the
# notebooks and tests that call it as figures.evaluate / figures.load_gold.
from .evaluate_figures import COUNTED_KINDS, evaluate, load_gold  # noqa: E402,F401


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
    w = word.lower()
    for suf in ("ically", "ical", "ic", "ies", "es", "s", "al", "ian", "ers", "er"):
        if len(w) - len(suf) >= 4 and w.endswith(suf):
            return w[: -len(suf)]
    return w


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


def _fmt(v: float) -> str:
    if v != v:
        return ""
    if abs(v) >= 1e9 and v % 1e7 == 0:
        return f"{v / 1e9:g} billion"
    if abs(v) >= 1e6 and v % 1e4 == 0:
        return f"{v / 1e6:g} million"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.4g}"


def _describe(f: dict) -> str:
    high = f.get("value_high", math.nan)
    val = format_figure(f["value"], f["kind"], f.get("unit") or "", high=high if high == high else math.nan,
                        qualifier=f.get("qualifier") or "exactly")
    noun = f.get("noun") or ""
    return f"{val} {noun}".strip() + f" ({f['article_id']})"


# ------------------------------------------------------------------------------------------------
# Figures as a researcher writes them: "$13.6 million", "36%", "12.3 million tonnes"
# ------------------------------------------------------------------------------------------------

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹", "KRW": "₩", "RUB": "₽",
                    "NGN": "₦", "TRY": "₺", "PHP": "₱", "ILS": "₪"}
_VAGUE_NAMES = {12: "dozens", 20: "scores", 100: "hundreds", 1e3: "thousands", 1e4: "tens of thousands",
                1e5: "hundreds of thousands", 1e6: "millions", 1e9: "billions", 1e12: "trillions"}
_FRACTION_NAMES = {0.5: "half", 1 / 3: "a third", 2 / 3: "two-thirds", 0.25: "a quarter", 0.75: "three quarters",
                   0.2: "a fifth", 0.1: "a tenth"}
# units written as symbols or abbreviations, never pluralised
_SYMBOL_UNITS = {"km", "m", "cm", "mm", "kg", "g", "mg", "lb", "oz", "ft", "ml", "mph", "km/h", "hp", "kW", "MW",
                 "GW", "W", "V", "kV", "kWh", "MWh", "GWh", "GB", "MB", "TB", "kB", "B", "Mbps", "Gbps", "kbps",
                 "°C", "°F", "µm", "nm", "km2", "m2", "Hz", "MHz", "GHz", "dB", "cc", "mAh", "TEU", "times"}


def _amount(v: float, money: bool = False) -> str:
    """A number as written in a report: 13.6 million, 1,051,635, 2.5, 23.50 (money with cents)."""
    a = abs(v)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= scale and round(a / scale, 3) * scale == a:
            return f"{v / scale:g} {word}"
    if v == int(v):
        return f"{v:,.0f}"
    if money and a >= 1 and round(v, 2) == v:
        return f"{v:,.2f}"
    return f"{v:,.4g}" if a < 1000 else f"{v:,.1f}"


def _unit_words(unit: str, value: float) -> str:
    """The unit after a value: words in the plural ("tonnes", "basis points"), symbols as they are."""
    last = unit.rsplit(" ", 1)[-1]
    if last in _SYMBOL_UNITS or len(last) <= 2 or not last.replace("-", "").isalpha() or abs(value) == 1:
        return unit
    return unit + ("es" if last.endswith(("s", "x", "ch", "sh")) else "s")


def format_figure(value: float, kind: str, unit: str = "", *, high: float = math.nan,
                  qualifier: str = "exactly") -> str:
    """A figure as a researcher writes it: ``$13.6 million``, ``36%``, ``£2.5 billion``, ``164p``,
    ``12.3 million tonnes``, ``over 1,000``, ``$62 to $68``, ``98-2``, ``thousands``, ``half``.
    Used by the figures views (figure lists, conflicts, notes)."""
    if value != value:
        return ""
    q = "" if (qualifier or "exactly") == "exactly" else f"{qualifier} "
    if kind in ("vote", "score") and high == high:
        return f"{q}{_amount(value)}-{_amount(high)}"
    if kind == "range" and high == high:
        end_kind = _kind_of(unit)
        return f"{q}{format_figure(value, end_kind, unit)} to {format_figure(high, end_kind, unit)}"
    if kind == "vague":
        return q.replace("over ", "") + _VAGUE_NAMES.get(value, _amount(value))
    if kind == "fraction":
        name = next((n for f, n in _FRACTION_NAMES.items() if math.isclose(value, f, rel_tol=1e-3)), None)
        return q + (name or f"{value:.3g}")
    if kind == "ordinal":
        n = int(value)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{q}{n}{suffix}"
    if kind == "date":
        return q + (f"{value:.0f}" if value == int(value) else f"{value:g}")
    if kind == "money":
        if unit == "penny":
            return f"{q}{_amount(value)}p"
        if unit == "cent":
            return f"{q}{_amount(value)} cent{'' if value == 1 else 's'}"
        sign = "-" if value < 0 else ""
        symbol = CURRENCY_SYMBOLS.get(unit)
        amount = _amount(abs(value), money=True)
        return f"{q}{sign}{symbol}{amount}" if symbol else f"{q}{sign}{unit} {amount}".replace("  ", " ").strip()
    if unit == "%":
        return f"{q}{_amount(value)}%"
    if unit:
        return f"{q}{_amount(value)} {_unit_words(unit, value)}"
    return q + _amount(value)


def _kind_of(unit: str) -> str:
    """The kind of a range's ends, from the range's unit."""
    if len(unit) == 3 and unit.isupper() or unit in ("penny", "cent"):
        return "money"
    return "percent" if unit == "%" else ("measure" if unit else "count")


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
       value: both become ``conflict`` (an agreed group keeps its status and gets a note).
    3. Arithmetic: two counts of compatible nouns that one article states together (parts) against a
       count of a compatible noun stated anywhere (total): "a + b = total" when they sum exactly, else
       the sum checked against a total with a qualifier ("over", "at least", "about"), or noted as
       exceeding an exact total by at most half.  Notes are capped at five per group.
    """
    import collections  # here, not at the top: the module's import lines belong to the lazy-import work

    if figures is None or figures.empty:
        return schema.empty("figure_matches")
    # row dicts of the matched kinds and only the columns read below (what to_dict("records") gave,
    # built from column lists: to_dict boxed each of ~16 values per row one at a time)
    used = [c for c in ("article_id", "figure_id", "value", "value_high", "kind", "unit", "text", "noun",
                        "noun_phrase", "qualifier", "sentence") if c in figures.columns]
    keep = figures["kind"].isin(MATCHED_KINDS) if "kind" in figures.columns else None
    if keep is not None and "noun" in figures.columns:
        keep = keep | (figures["kind"].eq("ordinal") & figures["noun"].isin(_TIME_UNIT_NAMES))
    if keep is None or not keep.any():
        return schema.empty("figure_matches")
    picked = figures.loc[keep, used]
    rows = [_comparable(dict(zip(used, values))) for values in zip(*(picked[c].tolist() for c in used))]
    if not rows:
        return schema.empty("figure_matches")

    def key(f):
        vh = f.get("value_high")
        vh = round(float(vh), 6) if vh == vh and f["kind"] in ("range", "vote") else None
        unit = f.get("unit") or ""
        if f["kind"] == "date":
            unit = _date_key(f.get("text") or "")
        return f["kind"], unit, round(float(f["value"]), 6), vh

    buckets: dict[tuple, list[dict]] = {}
    for f in rows:
        buckets.setdefault(key(f), []).append(f)
    groups: list[dict] = []
    for k, members in buckets.items():
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
        for c in clusters:
            nouns = [g["noun"] for g in c if g.get("noun")]
            # the most frequent noun, the earliest on a tie (Counter keeps first-seen order)
            noun = collections.Counter(nouns).most_common(1)[0][0] if nouns else ""
            arts = sorted({g["article_id"] for g in c})
            groups.append({"key": k, "members": c, "noun": noun, "articles": arts, "notes": [],
                           "status": "agreed" if len(arts) >= 2 else "single"})

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
        })
    frame = pd.DataFrame(out)
    order = {"conflict": 0, "agreed": 1, "single": 2}
    frame = frame.assign(_o=frame["status"].map(order), _k=frame["kind"].eq("date")) \
        .sort_values(["_o", "_k", "n_articles", "kind", "value"], ascending=[True, True, False, True, True]) \
        .drop(columns=["_o", "_k"])
    return schema.conform("figure_matches", frame)


# ------------------------------------------------------------------------------------------------
# Tables for the figures notebook (plain DataFrames: pandas escapes them when shown)
# ------------------------------------------------------------------------------------------------

ALL_KINDS = ("count", "money", "percent", "measure", "fraction", "range", "vote", "vague", "score", "date", "ordinal")
STATUS_COLOURS = {"conflict": "#f8d0c8", "agreed": "#d5ecd4", "single": ""}


def as_kinds(kinds=None) -> tuple[str, ...]:
    """The notebook's `kinds` parameter as a tuple: None/"all" -> every kind; a string -> one kind."""
    if kinds is None or kinds == "all" or kinds == ["all"]:
        return ALL_KINDS
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",")]
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if unknown:
        raise ValueError(f"unknown figure kinds {unknown}; known: {', '.join(ALL_KINDS)}")
    return tuple(kinds)


def _sources(frame: pd.DataFrame, articles: pd.DataFrame | None, column: str = "article_id") -> pd.Series:
    ids = frame[column].astype(str)
    if articles is None or len(articles) == 0:
        return ids
    outlet = dict(zip(articles["article_id"].astype(str), articles["outlet"].fillna("").astype(str)))
    # one label per distinct article, then a dict lookup per row (not a Python call per row)
    labels = {a: f"{outlet[a]} ({a})" if outlet.get(a, "").strip() not in ("", a) else a for a in ids.unique()}
    return ids.map(labels)


def _stated(f: pd.Series | dict) -> str:
    """'over 1,000 employee' / 'USD 2.5 billion' / '98-2 vote'."""
    d = dict(f)
    d.setdefault("article_id", "")
    return _describe(d).rsplit(" (", 1)[0]


def _stated_all(frame: pd.DataFrame) -> list[str]:
    """`_stated` of every row, read from column lists: `frame.apply(_stated, axis=1)` built a pandas
    Series per row (seconds at 100k figures).  The row dicts hold the columns `_describe` reads."""
    cols = [c for c in ("article_id", "value", "value_high", "kind", "unit", "qualifier", "noun")
            if c in frame.columns]
    return [_stated(dict(zip(cols, values))) for values in zip(*(frame[c].tolist() for c in cols))]


def figures_by_source(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                      kinds=None) -> pd.DataFrame:
    """Figures per source and kind: columns source, kind, figures (for `charts.figures_per_source_chart`)."""
    kinds = as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    if len(f) == 0:
        return pd.DataFrame({"source": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                             "figures": pd.Series(dtype="int64")})
    data = f.assign(source=_sources(f, articles)).groupby(["source", "kind"], as_index=False).size()
    return data.rename(columns={"size": "figures"})


def figure_list(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *, kinds=None) -> pd.DataFrame:
    """Each figure with its source, what it states, what it counts and its sentence, in text order."""
    kinds = as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    cols = ["source", "figure", "kind", "noun", "qualifier", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = f.assign(source=_sources(f, articles), figure=_stated_all(f))
    out = out.sort_values(["article_id", "start"])
    return out[cols].reset_index(drop=True)


def agreement_table(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                    kinds=None) -> pd.DataFrame:
    """The `figure_matches` groups of the given kinds with, per source, how that source states the figure
    (empty if it does not): status, kind, value (as a researcher writes it: `format_figure`), noun,
    one column per source, note."""
    kinds = as_kinds(kinds)
    m = matches[matches["kind"].isin(kinds)] if len(matches) else matches
    sources = sorted(set(_sources(figures, articles).tolist())) if len(figures) else []
    base = ["status", "kind", "value", "noun", "n_articles"]
    if len(m) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in base + sources + ["note"]})
    records = m.to_dict("records")
    # only the grouped figures' rows, as dicts by id (not every figure's)
    wanted = {fid for r in records for fid in str(r["figure_ids"]).split(";")}
    picked = figures[figures["figure_id"].isin(wanted)]
    by_id = dict(zip(picked["figure_id"].tolist(), picked.to_dict("records")))
    # .tolist(): iterating pandas' Arrow-backed strings one by one is slow
    label = dict(zip(figures["article_id"].astype(str).tolist(), _sources(figures, articles).tolist()))
    # built column by column (a dict of lists, in the key order the row dicts had: base, sources,
    # note) rather than as one dict per row with a key per source: same frame, a third of the time
    cells = {s: [""] * len(records) for s in sources}
    for i, r in enumerate(records):
        for fid in str(r["figure_ids"]).split(";"):
            f = by_id.get(fid)
            if f is None:
                continue
            col = cells[label[str(f["article_id"])]]
            shown = f"{f['text']} {f['noun_phrase'] or f['noun']}".strip()
            col[i] = shown if not col[i] else col[i] + " · " + shown
    data = {c: [r[c] for r in records] for c in base}
    data["value"] = [format_figure(r["value"], r["kind"], r.get("unit") or "") for r in records]
    data.update(cells)
    data["note"] = [r["note"] for r in records]
    return pd.DataFrame(data)


def style_agreement(table: pd.DataFrame):
    """`agreement_table` as a pandas Styler with conflicts highlighted (red) and agreements (green).
    Every cell and column header is HTML-escaped."""
    def colour(row):
        c = STATUS_COLOURS.get(row.get("status", ""), "")
        return [f"background-color: {c}" if c else "" for _ in row]

    return (table.style.apply(colour, axis=1)
            .format(escape="html", precision=6, thousands=",")
            .format_index(escape="html", axis=1)  # the headers are sources: outlet names, article ids
            .hide(axis="index"))


def conflicts(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
              kinds=None) -> pd.DataFrame:
    """Conflicting figures, each with its source and the sentence that states it."""
    kinds = as_kinds(kinds)
    m = matches[(matches["status"] == "conflict") & matches["kind"].isin(kinds)] if len(matches) else matches
    cols = ["noun", "kind", "value", "source", "figure", "sentence", "note"]
    if len(m) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    # .tolist(): iterating pandas' Arrow-backed strings one by one is slow
    label = dict(zip(figures["article_id"].astype(str).tolist(), _sources(figures, articles).tolist()))
    groups = m.sort_values(["noun", "kind", "value"]).to_dict("records")
    # the conflicting figures' rows as dicts by id, fetched at once (a .loc per figure was slow)
    wanted = {fid for r in groups for fid in str(r["figure_ids"]).split(";")}
    picked = figures[figures["figure_id"].isin(wanted)]
    by_id = dict(zip(picked["figure_id"], picked.to_dict("records")))
    rows = []
    for r in groups:
        for fid in str(r["figure_ids"]).split(";"):
            f = by_id.get(fid)
            if f is None:
                continue
            rows.append({"noun": r["noun"], "kind": r["kind"], "value": r["value"],
                         "source": label[str(f["article_id"])], "figure": _stated(f),
                         "sentence": f["sentence"], "note": r["note"]})
    return pd.DataFrame(rows, columns=cols)


def values_by_noun(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *, kinds=None,
                   top_n: int = 15) -> pd.DataFrame:
    """Counted figures of the `top_n` nouns stated most often (for `charts.figure_values_chart`):
    noun, value, source, kind, figure, sentence."""
    kinds = [k for k in as_kinds(kinds) if k not in ("date", "ordinal")]
    f = figures[figures["kind"].isin(kinds) & figures["noun"].fillna("").ne("")] if len(figures) else figures
    cols = ["noun", "value", "source", "kind", "figure", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}).astype({"value": float})
    keep = f["noun"].value_counts().head(top_n).index
    f = f[f["noun"].isin(keep)]
    out = f.assign(source=_sources(f, articles), figure=_stated_all(f))
    return out[cols].reset_index(drop=True)

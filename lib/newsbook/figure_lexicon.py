"""The figures extractor's rules, read from data files: this module only loads them.

Every word list and token shape lives once in ``newsbook/rules/`` (see its README.md): currencies
(currencies.yaml), units (units.yaml), scale words (scales.yaml), number words (number_words.yaml),
months and time words (calendar.yaml), qualifiers (qualifiers.yaml), vote / change / measure cues
(figure_cues.yaml), counted nouns (nouns.yaml), identifier cues (identifiers.yaml) and the regular
expressions for number-shaped tokens (number_shapes.yaml). The names below are what the figures
stages import. Part of the annotation cache key (`newsbook.nlp.CACHED_CODE`; the rule files are
hashed too)."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=None)
def _rules(name: str) -> dict:
    """The lists in lib/newsbook/rules/<name>.yaml (package data), read once."""
    from importlib import resources

    import yaml

    return yaml.safe_load(resources.files("newsbook").joinpath("rules", f"{name}.yaml").read_text("utf-8"))


def _numbers(values: dict) -> dict[str, float]:
    return {str(k): float(v) for k, v in values.items()}


# --- amounts: scales, currencies, units (scales.yaml, currencies.yaml, units.yaml) ----------------
SCALE_WORDS: dict[str, float] = _numbers(_rules("scales")["words"])
SUFFIX_SCALES: dict[str, float] = _numbers(_rules("scales")["suffixes"])
VAGUE_PLURALS: dict[str, float] = _numbers(_rules("scales")["vague"])
CURRENCY_PREFIX: dict[str, str] = dict(_rules("currencies")["prefix"])
CURRENCY_WORDS: dict[str, str] = dict(_rules("currencies")["words"])
CURRENCY_NATIONALITIES: dict[str, str] = dict(_rules("currencies")["nationalities"])
# currencies written as several words after a number ("Hong Kong dollars"), as PhraseMatcher patterns
CURRENCY_PHRASES: dict[str, str] = dict(_rules("currencies")["phrases"])
MEASURE_UNITS: dict[str, str] = dict(_rules("units")["measure"])
TIME_UNITS: dict[str, str] = dict(_rules("units")["time"])
COMPOUND_UNITS: dict[str, str] = dict(_rules("units")["compound"])
# an age after a number: "20-year-old" (a dash allowed before each word)
AGE_YEARS: tuple[str, ...] = tuple(_rules("units")["age_years"])
AGE_OLD: tuple[str, ...] = tuple(_rules("units")["age_old"])
# percent words after a number ("per cent", "bp"); "pc" only in lower case right after a numeral
PERCENT_WORDS: dict[str, str] = dict(_rules("units")["percent"])
PERCENT_AFTER_NUMERAL: dict[str, str] = dict(_rules("units")["percent_after_numeral"])
# unit phrases after a number, as PhraseMatcher patterns: "square km", "light-year", "degrees Celsius",
# and the "per hour" that follows a unit ("miles per hour")
AREA_PREFIXES: dict[str, str] = dict(_rules("units")["area_prefixes"])
DASHED_UNITS: dict[str, str] = dict(_rules("units")["dashed"])
DEGREE_UNITS: dict[str, str] = dict(_rules("units")["degrees"])
PER_WORDS: tuple[str, ...] = tuple(_rules("units")["per_words"])

# --- numbers written as words (number_words.yaml) ----------------------------------------------
UNITS_WORDS: dict[str, int] = dict(_rules("number_words")["cardinals"])
TENS_WORDS: dict[str, int] = dict(_rules("number_words")["tens"])
ORDINAL_WORDS: dict[str, float] = dict(_rules("number_words")["ordinals"])
FRACTION_DENOMS: dict[str, int] = dict(_rules("number_words")["fractions"])

# --- dates and times (calendar.yaml) ------------------------------------------------------------
MONTHS: dict[str, int] = dict(_rules("calendar")["months"])
WEEKDAYS: set[str] = set(_rules("calendar")["weekdays"])
RELATIVE_TIME: set[str] = set(_rules("calendar")["relative_time"])
TIME_MARKERS: set[str] = set(_rules("calendar")["time_markers"])

# --- qualifiers (qualifiers.yaml) ---------------------------------------------------------------
# normalised qualifier -> the phrases written before the number
QUALIFIERS: dict[str, tuple[str, ...]] = {norm: tuple(phrases) for norm, phrases in _rules("qualifiers")["before"].items()}
# (words, normalised), longest first: the longest phrase wins at match time
_QUAL_PATTERNS = sorted(
    ((tuple(p.split()), norm) for norm, ps in QUALIFIERS.items() for p in ps),
    key=lambda x: -len(x[0]),
)
POST_QUALIFIERS: dict[tuple[str, ...], str] = {tuple(phrase.split()): norm
                                               for phrase, norm in _rules("qualifiers")["after"].items()}
# one-word qualifiers before a number that count only as its modifier (these dependency labels)
MODIFIER_ONLY_QUALIFIERS: frozenset[str] = frozenset(_rules("qualifiers")["modifier_only"])
MODIFIER_DEPS: tuple[str, ...] = tuple(_rules("qualifiers")["modifier_deps"])
# one-word qualifiers after a number that may be glued to it with a dash ("50-plus")
GLUED_POST_QUALIFIERS: tuple[str, ...] = tuple(_rules("qualifiers")["glued_after"])
# phrases before a scale word ("a few thousand"), and those that count only where no other does ("some a")
SCALE_QUALIFIERS: dict[str, str] = dict(_rules("qualifiers")["before_scale"])
FALLBACK_QUALIFIERS: dict[str, str] = dict(_rules("qualifiers")["fallback_before"])

# --- cues around a number (figure_cues.yaml) ----------------------------------------------------
VOTE_NOUNS: set[str] = set(_rules("figure_cues")["vote_nouns"])
VOTE_VERBS: set[str] = set(_rules("figure_cues")["vote_verbs"])
CHANGE_VERBS: set[str] = set(_rules("figure_cues")["change_verbs"])
CHANGE_NOUNS: set[str] = set(_rules("figure_cues")["change_nouns"])
MEASURE_VERBS: set[str] = set(_rules("figure_cues")["measure_verbs"])
PRONOUN_DETS: set[str] = set(_rules("figure_cues")["pronoun_dets"])
NAME_ENTS: set[str] = set(_rules("figure_cues")["name_entity_labels"])

# --- what is counted (nouns.yaml) ---------------------------------------------------------------
PLURAL_LEMMAS: dict[str, str] = dict(_rules("nouns")["plurals"])
SCORE_NOUNS: set[str] = set(_rules("nouns")["score_nouns"])
GENERIC_MODIFIERS: set[str] = set(_rules("nouns")["generic_modifiers"])
TOTAL_CUES: set[str] = set(_rules("nouns")["total_cues"])
OF_NOUNS: set[str] = set(_rules("nouns")["of_nouns"])
TOLL_NOUNS: set[str] = set(_rules("nouns")["toll_nouns"])
PERIOD_NOUNS: set[str] = set(_rules("nouns")["period_nouns"])
LEVEL_NOUNS: set[str] = set(_rules("nouns")["level_nouns"])
GENERIC_NOUNS: set[str] = set(_rules("nouns")["generic_nouns"])
ONE_IDIOM_NOUNS: set[str] = set(_rules("nouns")["one_idiom_nouns"])
PERSON_NOUNS: set[str] = set(_rules("nouns")["people"])
_PERSON_SUFFIXES: tuple[str, ...] = tuple(_rules("nouns")["people_suffixes"])

# --- numbers that name, not count (identifiers.yaml) --------------------------------------------
IDENT_NOUNS: set[str] = set(_rules("identifiers")["nouns"])
STREET_WORDS: set[str] = set(_rules("identifiers")["streets"])
ADDRESS_DIRECTIONS: set[str] = set(_rules("identifiers")["directions"])
ALWAYS_IDENT_NOUNS: set[str] = set(_rules("identifiers")["always_before"])

# --- token shapes (number_shapes.yaml) ----------------------------------------------------------
_NUM_RE = re.compile(_rules("number_shapes")["number"])
_CLOCK_RE = re.compile(_rules("number_shapes")["clock"], re.I)
_DECADE_RE = re.compile(_rules("number_shapes")["decade"], re.I)
_YEAR_RANGE_RE = re.compile(_rules("number_shapes")["year_range"])
_GLUED_RE = re.compile(_rules("number_shapes")["glued_range"])
_DASHES: set[str] = set(_rules("number_shapes")["dashes"])
ABOUT_SIGNS: tuple[str, ...] = tuple(_rules("number_shapes")["about_signs"])

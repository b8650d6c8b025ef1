"""The figures extractor's rules: word lists and token patterns, nothing else.

Read once from ``newsbook/rules/*.yaml`` (currencies, units, scales, identifier cues, noun lists),
plus the closed lists kept here (number words, months, qualifier phrases, the verb and noun cues
the extractor reads) and the regular expressions for number-shaped tokens. Part of the
annotation cache key (`newsbook.nlp.CACHED_CODE`)."""

from __future__ import annotations

import functools
import re


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


_GLUED_RE = re.compile(r"^(?P<a>\d[\d,]*(?:\.\d+)?)(?P<sa>bn|mn|m|k|tn|trn)?(?P<pa>%?)[-–]"
                       r"(?P<cb>US\$|\$|£|€)?(?P<b>\d[\d,]*(?:\.\d+)?)(?P<sb>bn|mn|m|k|tn|trn)?(?P<pb>%?)$")

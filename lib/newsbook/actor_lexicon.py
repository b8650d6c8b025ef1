"""Actor kinds, the word lists the actor rules share (read from rules/*.txt), the candidate mention
(`Cand`) and name spelling helpers (clean_name, name_key, preferred forms)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Token

from . import rules


PERSON, ORG, PLACE, GROUP = "person", "organization", "place", "group"
KINDS = (PERSON, ORG, PLACE, GROUP)
LABEL_KIND = {"PERSON": PERSON, "ORG": ORG, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}
# Tie-break when votes are equal: the small model errs towards ORG for people, rarely the reverse.
KIND_RANK = {PERSON: 0, ORG: 1, PLACE: 2, GROUP: 3}

TITLE_HEADS = rules.words("title_heads")  # rules/title_heads.txt
HONORIFICS = rules.words("honorifics")  # rules/honorifics.txt
TITLE_MODIFIERS = rules.words("title_modifiers")  # rules/title_modifiers.txt
ORG_WORDS = rules.words("org_name_words")  # rules/org_name_words.txt
LEGAL_FORMS = rules.words("legal_forms")  # rules/legal_forms.txt
MEDIA_WORDS = rules.words("media_words")  # rules/media_words.txt
WORK_NOUNS = rules.words("work_nouns")  # rules/work_nouns.txt
QUOTE_MARKS = {'"', "“", "”", "‘", "’", "'", "«", "»", "``", "''"}
POSSESSIVES = {"'s", "’s", "'", "’", "s'", "s’"}
DETERMINERS = {"the", "a", "an"}
# Country names and their adjectives that share no spelling prefix.
PLACE_SYNONYMS = [
    {"us", "u.s.", "usa", "u.s.a.", "america", "american", "united states", "washington"},
    {"uk", "u.k.", "britain", "british", "united kingdom", "great britain", "england", "english"},
    {"netherlands", "dutch", "holland"},
]
HOW = ("name", "surname", "role", "alias", "correction")


@dataclass
class Cand:
    """A candidate mention: a token span with kind votes."""

    start: int  # token index
    end: int  # token index (exclusive)
    votes: dict = field(default_factory=dict)  # kind -> weight
    how: str = "name"
    link: str = ""  # alias and role mentions: the name they point to
    role: tuple | None = None  # (qualifier, title words) if the name was introduced with a title
    name: str = ""  # article-local canonical name, once grouped

    def vote(self, kind: str, weight: float) -> "Cand":
        votes = dict(self.votes)
        votes[kind] = votes.get(kind, 0.0) + weight
        return replace(self, votes=votes)

    @property
    def kind(self) -> str:
        votes = self.votes
        if len(votes) == 1:  # most candidates: asked for over and over, so no max() over one key
            for kind in votes:
                return kind
        if not votes:
            return ORG
        return max(votes, key=lambda k: (votes[k], -KIND_RANK[k]))


_CAND_FIELDS = frozenset(f.name for f in fields(Cand))


def replace(cand: Cand, **changes) -> Cand:
    """`dataclasses.replace(cand, **changes)`, a few times faster: a Cand has no __post_init__ and
    no field outside __init__, so a copy of its attributes with `changes` applied is the same new
    Cand. The candidate stages make tens of thousands of these per hundred articles."""
    if not changes.keys() <= _CAND_FIELDS:
        raise TypeError(f"Cand has no field(s) {sorted(changes.keys() - _CAND_FIELDS)}")
    new = object.__new__(Cand)
    new.__dict__.update(cand.__dict__)
    new.__dict__.update(changes)
    return new


@functools.lru_cache(maxsize=65536)  # a pure function of the string, asked many times per article
def clean_name(text: str) -> str:
    """A name as a reader writes it: one space between words, no possessive, no leading 'the'."""
    name = _SPACES.sub(" ", text).strip(" \t\n,.;:—–-\"“”‘’'()[]")
    name = _POSSESSIVE_END.sub(_possessive_rest, name)
    name = _LEADING_THE.sub("", name)
    return name.strip()


# (compiled once: clean_name meets every new name of an article)
_SPACES = re.compile(r"\s+")
_POSSESSIVE_END = re.compile(r"(?:['’]s|s['’]|['’])$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_NON_WORDS = re.compile(r"[^\w]+")


def _possessive_rest(m: re.Match) -> str:
    return "s" if m.group(0)[0] == "s" else ""


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparison key for names: case- and punctuation-insensitive ('U.S.' = 'US', 'MOSCOW' = 'Moscow')."""
    return _NON_WORDS.sub(" ", clean_name(name).replace(".", "").lower()).strip()


def preferred_forms(names: list[str]) -> dict[str, str]:
    """name -> the spelling to show for every name with the same key: the most frequent one that is
    not in capitals (datelines write 'MOSCOW'), the first on a tie."""
    by_key: dict[str, dict[str, int]] = {}  # (plain dicts: a Counter per key cost more than the rest)
    for name in names:
        counts = by_key.setdefault(name_key(name), {})
        counts[name] = counts.get(name, 0) + 1
    best = {key: max(c, key=lambda n: (not n.isupper() or len(n) <= 4, c[n])) for key, c in by_key.items()}
    return {name: best[name_key(name)] for name in names}


def _is_title_word(token: Token) -> bool:
    return token.lower_ in TITLE_HEADS or token.lower_ in HONORIFICS


def _is_title_head(lower: str) -> bool:
    return lower in TITLE_HEADS


def _is_capital_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _follow(mapping: dict[str, str], name: str) -> str:
    """Where a chain of joins ends ('PUTIN' -> 'Putin' -> 'Vladimir Putin')."""
    seen = {name}
    while mapping.get(name, name) not in seen:
        name = mapping[name]
        seen.add(name)
    return name


def given_name_gender(word: str) -> str:
    """'f' or 'm' for a given name listed in rules/given_names_*.txt, '' otherwise (agrees with both)."""
    low = word.lower()
    if low in rules.words("given_names_female"):
        return "f"
    return "m" if low in rules.words("given_names_male") else ""

"""Actor kinds, the word lists the actor rules share, the candidate mention (`Cand`) and name
spelling helpers (clean_name, name_key, preferred forms)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Token


PERSON, ORG, PLACE, GROUP = "person", "organization", "place", "group"
KINDS = (PERSON, ORG, PLACE, GROUP)
LABEL_KIND = {"PERSON": PERSON, "ORG": ORG, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}
# Tie-break when votes are equal: the small model errs towards ORG for people, rarely the reverse.
KIND_RANK = {PERSON: 0, ORG: 1, PLACE: 2, GROUP: 3}

# Words that head a person's title or role. Generic English, not tied to any story.
TITLE_HEADS = {
    "president", "president-elect", "vice-president", "premier", "minister", "secretary",
    "secretary-general", "chancellor", "chairman", "chairwoman", "chairperson", "chair", "spokesman",
    "spokeswoman", "spokesperson", "senator", "sen.", "rep.", "representative", "congressman",
    "congresswoman", "governor", "gov.", "mayor", "ambassador", "envoy", "general", "gen.", "colonel",
    "col.", "admiral", "adm.", "commander", "king", "queen", "prince", "princess", "emperor", "pope",
    "cardinal", "bishop", "archbishop", "rabbi", "imam", "sheikh", "judge", "justice", "attorney",
    "prosecutor", "director", "ceo", "chief", "head", "leader", "commissioner", "undersecretary",
    "lawmaker", "mp", "mep", "speaker", "adviser", "advisor", "aide", "professor", "prof.", "prof", "founder",
    "coach", "captain", "capt.", "sergeant", "sgt.", "officer", "inspector", "detective", "executive",
    "economist", "analyst", "correspondent", "editor", "reporter", "columnist", "presenter", "anchor",
    "official", "diplomat", "negotiator", "candidate", "deputy", "dictator", "monarch",
    # local government, police and courts ("Councillor Huw Thomas", "Det Insp Jane Roe")
    "councillor", "cllr", "councilman", "councilwoman", "alderman", "sheriff", "superintendent",
    "supt", "det", "insp", "constable", "magistrate", "coroner", "recorder", "solicitor", "barrister",
    # occupations that stand before a name in news copy ("Arsenal manager", "project scientist")
    "manager", "scientist", "researcher", "epidemiologist", "physician", "lawyer", "activist",
    "campaigner", "historian", "strategist", "pollster", "consultant", "quarterback", "striker",
    "midfielder", "defender", "goalkeeper",
}
HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "lord", "lady", "miss"}
# Words that may stand inside a title before its head ("Deputy Foreign Minister").
TITLE_MODIFIERS = {
    "foreign", "deputy", "vice", "prime", "defence", "defense", "finance", "interior", "justice",
    "home", "first", "former", "acting", "interim", "chief", "executive", "senior", "top", "trade",
    "energy", "health", "education", "security", "national", "press", "economy", "economic",
    "assistant", "associate", "principal", "lead", "supreme", "general", "attorney", "state",
    "federal", "regional", "military", "political", "managing", "majority", "minority", "opposition",
    "environment", "transport", "labour", "labor", "culture", "sports",
    "agriculture", "development", "digital", "foreign-policy", "new", "current",
    "outgoing", "incoming", "late",
}
# A name containing one of these words is an organisation whatever the model says.
ORG_WORDS = {
    "party", "committee", "commission", "council", "ministry", "department", "agency", "union",
    "congress", "senate", "parliament", "assembly", "duma", "court", "bank", "fund", "corp", "corp.",
    "corporation", "inc", "inc.", "ltd", "ltd.", "plc", "llc", "company", "co.", "group", "association",
    "organization", "organisation", "institute", "university", "college", "school", "academy", "news",
    "tv", "television", "radio", "times", "post", "journal", "network", "channel", "press", "service",
    "services", "office", "administration", "government", "army", "navy", "police", "foundation",
    "federation", "league", "club", "board", "bureau", "authority", "daily", "magazine", "tribune",
    "herald", "gazette", "telegraph", "observer", "chronicle", "broadcasting", "web", "site",
    "website", "house", "kremlin", "pentagon", "cabinet", "coalition", "alliance", "movement",
    "front", "forces", "command", "guard", "reserve", "exchange", "airlines", "motors", "media",
    # legal forms and words that end company and institution names ("Novartis AG", "Whitehaven Coal")
    "ag", "gmbh", "holdings", "industries", "electronics", "semiconductor", "semiconductors",
    "entertainment", "platforms", "technologies", "pharmaceuticals", "petroleum", "airways",
    "aerospace", "laboratory", "laboratories", "labs", "museum", "hospital", "trust", "society",
    "programme", "coal", "mining", "railways", "insurance", "securities", "investments", "partners",
    "studios", "systems", "schools", "universities",
}
# Legal forms that end a company's name: "Ford Motor Co and Stellantis" is two companies.
LEGAL_FORMS = {"co", "co.", "inc", "inc.", "corp", "corp.", "ltd", "ltd.", "plc", "llc", "ag", "sa", "nv",
               "gmbh"}
# Words that end a news organisation's name; used by the entity ruler and to split glued spans.
MEDIA_WORDS = {
    "tv", "television", "news", "radio", "times", "post", "journal", "herald", "tribune", "gazette",
    "telegraph", "chronicle", "daily", "magazine", "broadcasting", "network", "channel", "agency",
    "wire", "online", "website",
}
# What precedes a title that is a work, not an actor ("the “This Week” program").
WORK_NOUNS = {"program", "programme", "show", "series", "documentary", "film", "movie", "book",
              "column", "podcast", "broadcast", "album", "song", "play", "novel", "report", "episode"}
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


@functools.lru_cache(maxsize=65536)  # a pure function of the string, asked many times per article
def clean_name(text: str) -> str:
    """A name as a reader writes it: one space between words, no possessive, no leading 'the'."""
    name = re.sub(r"\s+", " ", text).strip(" \t\n,.;:—–-\"“”‘’'()[]")
    name = re.sub(r"(?:['’]s|s['’]|['’])$", lambda m: "s" if m.group(0)[0] == "s" else "", name)
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    return name.strip()


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparison key for names: case- and punctuation-insensitive ('U.S.' = 'US', 'MOSCOW' = 'Moscow')."""
    return re.sub(r"[^\w]+", " ", clean_name(name).replace(".", "").lower()).strip()


def preferred_forms(names: list[str]) -> dict[str, str]:
    """name -> the spelling to show for every name with the same key: the most frequent one that is
    not in capitals (datelines write 'MOSCOW'), the first on a tie."""
    by_key: dict[str, Counter] = defaultdict(Counter)
    for name in names:
        by_key[name_key(name)][name] += 1
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

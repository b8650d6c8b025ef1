"""Actors: people, organizations and places named in an article, resolved to one canonical name each.

Owns: mention extraction from a parsed Doc, canonicalisation within an article and across the
corpus, the researcher's correction file (actors.yaml), and the `actors` table.

How a mention is found (every rule is about the shape of news copy, none names a real actor):
1. spaCy entities (PERSON, ORG, GPE, LOC, FAC), plus an entity ruler for "<Name> TV/News/Times", plus
   organisations the model missed ("Dangote Group", "the charity <Name>", "<Name> analyst <Person>").
2. Spans are trimmed (leading "the", possessive "'s"/"’s", whitespace, a broken "(ABBR"), and names
   the model cut short are extended ("Rhee Chang"-yong, "Chief Executive <Given> <Surname>").
3. Spans that are not actors are dropped: quoted programme titles, the "State" of "Secretary of
   State", words for kinds of people ("Russophobes"), title words alone; a "place" the tagger
   reads as a bare plural ("Wikileaks") is an organisation.
4. Glued spans are split: "<broadcaster> TV <Surname>", "<org> (<ABBR>)", "<X> Co and <Y>"; cut
   spans are joined: "<Org> of|for [the] <Org|Place>". A wire dateline ("WASHINGTON (Reuters) -")
   gives a place; its agency is the story's source, dropped like the outlet.
5. Kinds are voted: a title ("President X", "X, the foreign minister") or a two-word PERSON name
   outweighs the small model's habit of tagging surnames as ORG; an organisation word ("Party",
   "Committee", "News", "AG"), a noun for a kind of organisation before the name ("the lender X"),
   a job after it ("X analyst <Person>") or "X reported" (X not written as a place elsewhere)
   outweigh a PERSON or place tag.
6. Every further occurrence of a found name is a mention too (the model misses repeats).
7. Role phrases ("the Russian president") resolve to the one person introduced with that title.
8. Surnames (and the first word of a name written family name first: "Xi") join full names
   (an honorific or title before the surname must agree: "Mrs. Clinton" is not Bill Clinton;
   name variants - middle initials, nicknames, "Jr." - are one person);
   acronyms ("ECB", "FDA" of "U.S. Food and Drug Administration", "KEMRI"), short forms ("Samsung",
   "the Met") and blends ("Pemex") join organisation names, in the article and then (acronyms and
   trailing short forms only) across the corpus; a bare surname joins a full name only within its
   story (`resolve_corpus(groups=...)`, the articles' `event`), never across unrelated stories; the
   researcher's actors.yaml is applied last.
9. A `group` kind: parties and nationalities as plural nouns ("House Democrats"), collective nouns
   ("the protesters"). Chamber words ("House") never join the "White House"; platforms are
   organisations; a Title-Case headline run into a name is cut at its verb. Word lists: rules/.
"""

from __future__ import annotations

import functools
import os
import re
import string
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from . import rules, schema
from .errors import CorrectionsError
from .nlp import (doc_cache, doc_ents, doc_text, doc_tokens, empty_table, sentence_columns, span_text, table_from_rows,
                  token_flags)

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


# --- pipeline -----------------------------------------------------------------------------------


def ruler_patterns() -> list[dict]:
    """Entity-ruler patterns: '<Proper Noun>+ <media word>' is an organisation ("Vesti TV")."""
    proper = {"TAG": {"IN": ["NNP", "NNPS"]}, "IS_LOWER": False, "IS_ALPHA": True}
    media = {"LOWER": {"IN": sorted(MEDIA_WORDS)}, "TAG": {"IN": ["NNP", "NNPS", "NN"]}}
    return [
        {"label": "ORG", "pattern": [proper, media], "id": "media"},
        {"label": "ORG", "pattern": [proper, proper, media], "id": "media"},
        {"label": "ORG", "pattern": [proper, proper, proper, media], "id": "media"},
    ]


def configure_pipeline(nlp) -> None:
    """Add the actors entity ruler before "ner" (the model then labels around its spans)."""
    if "newsbook_actor_ruler" in nlp.pipe_names or "ner" not in nlp.pipe_names:
        return
    ruler = nlp.add_pipe("entity_ruler", name="newsbook_actor_ruler", before="ner")
    ruler.add_patterns(ruler_patterns())


# --- candidate spans -----------------------------------------------------------------------------


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


def _span_name(doc: Doc, cand: Cand) -> str:
    return clean_name(span_text(doc, cand.start, cand.end))


def _is_title_word(token: Token) -> bool:
    return token.lower_ in TITLE_HEADS or token.lower_ in HONORIFICS


def _has_org_word(tokens) -> bool:
    return any(t.lower_ in ORG_WORDS and (t.is_title or t.is_upper) for t in tokens)


def entity_candidates(doc: Doc) -> list[Cand]:
    """Candidates from spaCy's entities, with the model's label as a first vote."""
    cands = []
    for ent in doc_ents(doc):
        kind = LABEL_KIND.get(ent.label_)
        if kind is None and _titled_name(ent):
            kind = PERSON  # 'Councilwoman Rita Owusu' read as a work of art: the title says who
        if kind is None:
            continue
        weight = 1.0
        if kind == ORG and len(ent) == 1 and not _has_org_word(ent):
            weight = 0.5  # a lone capitalised word tagged ORG is the small model's usual surname error
        if kind == PERSON and len([t for t in ent if t.is_alpha]) >= 2:
            weight = 2.0  # a first name plus surname is strong evidence of a person
        cands.append(Cand(ent.start, ent.end, {kind: weight}))
    return cands


def _titled_name(ent) -> bool:
    """A title word then two or three Title-case words and nothing else ('Councilwoman Rita Owusu')."""
    words = list(ent)
    return (3 <= len(words) <= 4 and words[0].is_title and _is_title_word(words[0])
            and all(t.is_title and t.is_alpha and not _is_title_word(t) for t in words[1:]))


def untagged_candidates(doc: Doc) -> list[Cand]:
    """Organisations the model missed: a run of capitalised proper nouns, in no entity, that ends
    with an organisation word ('Dangote Group', 'Public Schools') or stands before a job held in an
    organisation and a person's name ('Arsenal manager Mikel Arteta')."""
    tokens = doc_tokens(doc)
    proper = token_flags(doc, "TAG", _is_proper_noun_tag)  # what _untagged_proper asks first
    out, i = [], 0
    while i < len(doc):
        if not proper[i] or not _untagged_proper(tokens[i]):
            i += 1  # no run starts here (a place is allowed only after the run's first word)
            continue
        named = _after_org_noun(doc, i)  # 'the charity Cancer Research UK': a country may end the name
        j = i
        while j < len(doc) and _untagged_proper(tokens[j], allow_place=named and j > i):
            j += 1
        if j > i:
            if (j - i >= 2 and tokens[j - 1].lower_ in ORG_WORDS) or _qualifies_a_job(doc, j) or named:
                out.append(Cand(i, j, {ORG: 1.0}))
            i = j
        else:
            i += 1
    return out


def _is_proper_noun_tag(tag: str) -> bool:
    return tag in {"NNP", "NNPS"}


def _is_title_head(lower: str) -> bool:
    return lower in TITLE_HEADS


def _untagged_proper(token: Token, allow_place: bool = False) -> bool:
    return (token.tag_ in {"NNP", "NNPS"} and (token.is_title or token.is_upper) and token.is_alpha
            and (not token.ent_type_ or (allow_place and token.ent_type_ == "GPE"))
            and not _is_title_word(token) and token.lower_ not in TITLE_MODIFIERS)


def _without_overlaps(cands: list[Cand], extra: list[Cand]) -> list[Cand]:
    """`cands` that share no token with `extra`, plus `extra`."""
    taken = {i for c in extra for i in range(c.start, c.end)}
    return [c for c in cands if not any(i in taken for i in range(c.start, c.end))] + extra


def trim(doc: Doc, cand: Cand) -> Cand | None:
    """Strip determiners, possessives, punctuation and whitespace from the ends of a span."""
    tokens = doc_tokens(doc)
    start, end = cand.start, cand.end
    while start < end and (tokens[start].lower_ in DETERMINERS or tokens[start].is_space or tokens[start].is_punct):
        start += 1
    while end > start and (tokens[end - 1].lower_ in POSSESSIVES or tokens[end - 1].tag_ == "POS"
                           or tokens[end - 1].is_space or tokens[end - 1].is_punct
                           or (tokens[end - 1].is_lower and cand.kind != PLACE and not _after_hyphen(doc, end - 1))):
        end -= 1  # 'TASS news (agency)', but not the '-yong' of 'Rhee Chang-yong'
    if start >= end or not any(t.is_alpha for t in tokens[start:end]):
        return None
    if (start, end) == (cand.start, cand.end):
        return cand  # nothing to strip (candidates are never changed in place, so sharing is safe)
    return replace(cand, start=start, end=end)


def _after_hyphen(doc: Doc, i: int) -> bool:
    """Token i is the second half of a hyphenated word ('Chang-yong')."""
    tokens = doc_tokens(doc)
    return i >= 2 and tokens[i - 1].text == "-" and not tokens[i - 1].whitespace_ and not tokens[i - 2].whitespace_


def split_parenthesis(doc: Doc, cand: Cand) -> list[Cand]:
    """'Department of Justice (DoJ' or '... (DoJ)': the name, plus the abbreviation as an alias."""
    tokens = doc_tokens(doc)[cand.start:cand.end]
    opens = [t.i for t in tokens if t.text == "("]
    if opens:
        cut = opens[0]
        inner_end = next((t.i for t in doc_tokens(doc)[cut + 1:cand.end] if t.text == ")"), cand.end)
        main = replace(cand, end=cut)
        out = [main] if cut > cand.start else []
        if inner_end > cut + 1 and _looks_like_abbreviation(doc_tokens(doc)[cut + 1:inner_end]):
            out.append(Cand(cut + 1, inner_end, dict(cand.votes), how="alias", link=_span_name(doc, main)))
        return out
    # "Federal Bureau of Investigation (FBI)" where the model stopped before the bracket.
    after = doc_tokens(doc)[cand.end:cand.end + 3]
    if len(after) >= 2 and after[0].text == "(" and _looks_like_abbreviation(after[1:2]) and len(tokens) > 1:
        if len(after) < 3 or after[2].text == ")":
            alias = Cand(cand.end + 1, cand.end + 2, dict(cand.votes), how="alias", link=_span_name(doc, cand))
            return [cand, alias]
    return [cand]


def _looks_like_abbreviation(tokens) -> bool:
    text = "".join(t.text for t in tokens)
    return 2 <= len(text) <= 10 and sum(c.isupper() for c in text) >= 2 and text.replace(".", "").isalpha()


def split_glued(doc: Doc, cand: Cand, person_surnames: set[str]) -> list[Cand]:
    """'<Broadcaster> TV <Surname>': the model glued an outlet to the person it interviewed."""
    tokens = doc_tokens(doc)[cand.start:cand.end]
    for offset, token in enumerate(tokens[:-1]):
        if token.lower_ in MEDIA_WORDS and (token.is_title or token.is_upper):
            rest = tokens[offset + 1:]
            if all(t.is_title and t.is_alpha for t in rest):
                org = Cand(cand.start, token.i + 1, {ORG: 3.0})
                who = Cand(token.i + 1, cand.end, {PERSON: 1.0})
                return [org, who]
    # "President of Ukraine Volodymyr Zelenskyy": a title's "of <Place>" glued to the holder's name.
    if len(tokens) >= 3 and cand.start >= 2 and doc_tokens(doc)[cand.start - 1].lower_ == "of" \
            and _is_title_head(doc_tokens(doc)[cand.start - 2].lower_) \
            and all(t.is_title and t.is_alpha for t in tokens) and not _has_org_word(tokens):
        return [Cand(cand.start, cand.start + 1, {PLACE: 3.0}), Cand(cand.start + 1, cand.end, {PERSON: 3.0})]
    # "Ford Motor Co and Stellantis": a legal form ends the first company's name.
    for offset, token in enumerate(tokens[1:-1], start=1):
        if token.lower_ in {"and", "&"} and tokens[offset - 1].lower_ in LEGAL_FORMS:
            return [Cand(cand.start, token.i, {ORG: 3.0}), Cand(token.i + 1, cand.end, dict(cand.votes))]
    # "<Org words> <Surname>" where the surname is a person's elsewhere in the article.
    if cand.kind == ORG and len(tokens) >= 2 and tokens[-1].text in person_surnames:
        if _has_org_word(tokens[:-1]) and tokens[-1].lower_ not in ORG_WORDS:
            return [replace(cand, end=cand.end - 1), Cand(cand.end - 1, cand.end, {PERSON: 1.0})]
    return [cand]


def extend_name(doc: Doc, cand: Cand) -> Cand:
    """The small model cuts unfamiliar names short: 'Rhee Chang'-yong (a hyphenated given name),
    'Yoon Suk' Yeol (a third name), Vas 'Narasimhan' (a given name between a title and the name)."""
    tokens = doc_tokens(doc)
    start, end = cand.start, cand.end
    while cand.kind == PERSON and end + 1 < len(doc) and tokens[end].text == "-" and not tokens[end - 1].whitespace_ \
            and not tokens[end].whitespace_ and tokens[end + 1].is_alpha and tokens[end + 1].is_lower:
        end += 2  # not 'US-Russian'
    if cand.kind == PERSON and end < len(doc) and _loose_name_word(tokens[end]) and tokens[end - 1].whitespace_:
        end += 1
    if start >= 2 and _loose_name_word(tokens[start - 1]) and _is_title_word(tokens[start - 2]) \
            and tokens[start - 2].is_title:
        return replace(cand, start=start - 1, end=end).vote(PERSON, 1.0)
    return cand if end == cand.end else replace(cand, end=end)


def _loose_name_word(token: Token) -> bool:
    """A capitalised proper noun no entity claims, that is no title, organisation word or sentence start."""
    return (token.tag_ == "NNP" and token.is_title and token.is_alpha and not token.ent_type_
            and not token.is_sent_start and not _is_title_word(token) and token.lower_ not in ORG_WORDS)


def strip_title(doc: Doc, cand: Cand) -> Cand:
    """'President Trump' -> 'Trump', voting person: a title is the strongest sign of a person.
    'Justice Department', 'Premier League' keep their first word: the rest is an organisation."""
    tokens = doc_tokens(doc)
    start = cand.start
    while start < cand.end - 1 and (_is_title_word(tokens[start]) or tokens[start].lower_ in TITLE_MODIFIERS) \
            and tokens[start].is_title:
        start += 1
    if start == cand.start and cand.kind == PERSON and _acronym_title(tokens, start, cand.end):
        # 'ADA Fairman', 'DA Krasner': an office written as its acronym before a surname
        return replace(cand, start=start + 1).vote(PERSON, 1.0)
    if start == cand.start or _has_org_word(tokens[start:cand.end]):
        return cand
    if not (any(_is_title_word(t) for t in tokens[cand.start:start]) or _continues_title(doc, cand.start)):
        return cand
    return replace(cand, start=start).vote(PERSON, 3.0)


def _acronym_title(tokens, start: int, end: int) -> bool:
    """A person span opening with an acronym of three or four capitals and going on with one
    Title-case word: the acronym is an office ('ADA', 'DCI'), not initials ('AJ Smith')."""
    first = tokens[start]
    return (end - start == 2 and first.is_upper and first.is_alpha and 3 <= len(first.text) <= 4
            and tokens[start + 1].is_title and tokens[start + 1].is_alpha
            and first.lower_ not in rules.words("given_names_male") | rules.words("given_names_female"))


def _continues_title(doc: Doc, i: int) -> bool:
    """Token i goes on with a title begun before it: 'Secretary of | State Adrian Fontes'."""
    tokens = doc_tokens(doc)
    return i >= 2 and tokens[i - 1].lower_ in {"of", "for"} and _is_title_word(tokens[i - 2]) and tokens[i - 2].is_title


def is_work_title(doc: Doc, cand: Cand) -> bool:
    """A programme, film or book title ("the “This Week” program") is no actor: people's names
    are not put in quotation marks, and a title followed by 'program' names a work."""
    tokens = doc_tokens(doc)
    before = tokens[cand.start - 1] if cand.start > 0 else None
    after = tokens[cand.end] if cand.end < len(doc) else None
    quoted = before is not None and after is not None and before.text in QUOTE_MARKS and after.text in QUOTE_MARKS
    then = tokens[cand.end + 1] if quoted and cand.end + 1 < len(doc) else after
    names_a_work = then is not None and then.lower_ in WORK_NOUNS
    return (quoted and (cand.kind == PERSON or names_a_work)) or (names_a_work and cand.kind == PERSON)


def is_title_fragment(doc: Doc, cand: Cand) -> bool:
    """'Secretary of State Rex Tillerson': 'State' belongs to the title, not an actor."""
    tokens = doc_tokens(doc)
    if cand.start < 2 or cand.kind == PLACE:
        return False
    prep, title = tokens[cand.start - 1], tokens[cand.start - 2]
    return prep.lower_ in {"of", "for"} and _is_title_word(title) and title.is_title


PLACE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "across", "around"}  # not "to": "sent to Wikileaks"
PEOPLE_SUFFIXES = ("phobes", "phobe", "philes", "phile", "ists", "ites")


def is_group_noun(doc: Doc, cand: Cand) -> bool:
    """'Russophobes', 'Marxists': a capitalised word for a kind of people is no actor."""
    tokens = doc_tokens(doc)
    if cand.end - cand.start != 1 or cand.kind == PERSON:
        return False
    return tokens[cand.start].lower_.endswith(PEOPLE_SUFFIXES)


def plural_place_is_organisation(doc: Doc, cand: Cand) -> Cand:
    """A 'place' the tagger reads as a plural noun, without 'the', is a brand or organisation:
    plural place names take the article ('the Baltics', 'the Netherlands')."""
    tokens = doc_tokens(doc)
    if cand.end - cand.start != 1 or cand.kind != PLACE:
        return cand
    token = tokens[cand.start]
    before = tokens[cand.start - 1].lower_ if cand.start > 0 else ""
    if before in PLACE_PREPOSITIONS:
        return cand  # 'a hospital in Leeds': a town whose name looks plural
    if token.tag_ in {"NNPS", "NNS"} and before != "the" and token.is_title:
        return cand.vote(ORG, 1.5)
    return cand


def is_title_only(doc: Doc, cand: Cand) -> bool:
    """A span of title words alone ('President', 'Det Insp') names no one. A modifier alone
    ('Labour', 'Justice' aside) may be a name: the span needs a title head."""
    tokens = doc_tokens(doc)[cand.start:cand.end]
    return (all(_is_title_word(t) or t.lower_ in TITLE_MODIFIERS or not t.is_alpha for t in tokens)
            and any(_is_title_word(t) for t in tokens))


def is_common_acronym(doc: Doc, cand: Cand) -> bool:
    """'see a GP', 'an MP said': an acronym after 'a'/'an' is a common noun, unless it modifies the
    noun that follows ('a BBC documentary')."""
    tokens = doc_tokens(doc)
    if cand.end - cand.start != 1 or cand.start == 0 or not _is_capital_acronym(tokens[cand.start].text):
        return False
    return tokens[cand.start - 1].lower_ in {"a", "an"} and tokens[cand.start].dep_ not in {"compound", "amod", "nmod"}


PARTY_AND_STATE = re.compile(r"[DRI]-[A-Z][\w.]*")


def is_party_and_state(doc: Doc, cand: Cand) -> bool:
    """'Sen. Jane Roe, D-Mass.,': the senator's party and state, no actor of the story."""
    return bool(PARTY_AND_STATE.fullmatch(span_text(doc, cand.start, cand.end).strip(" ,")))


def is_not_a_name(doc: Doc, cand: Cand) -> bool:
    """No capitalised word at all: not a proper name."""
    return not any(t.is_alpha and (t.text[0].isupper()) for t in doc_tokens(doc)[cand.start:cand.end])


# --- kinds from context ------------------------------------------------------------------------------


def role_before(doc: Doc, start: int, end: int | None = None) -> tuple | None:
    """A title right before a name: 'Russian President Vladimir Putin', 'US President, Donald Trump',
    'the chairman of the European Commission, Jean-Claude Juncker'. Returns (qualifier, title words).
    After a comma the name must be the title's apposition ('..., said the president, Reuters reported'
    is not)."""
    tokens = doc_tokens(doc)
    i = start - 1
    comma = i >= 0 and tokens[i].text == ","
    if comma and doc[start:end or start + 1].root.dep_ != "appos":
        return None
    i -= comma
    words: list[Token] = []
    while i >= 0 and len(words) < 10:
        token = tokens[i]
        if token.is_space or (token.is_punct and token.text != "-") or not _may_be_in_title(token):
            break
        words.insert(0, token)
        if token.is_sent_start:
            break
        i -= 1
    if not words or words[-1].lower_ in {"of", "for", "the"}:
        return None  # 'head of Gazprom': the name is the complement, not the title holder
    if not comma and not (_is_title_word(words[-1]) or words[-1].is_title):
        return None
    for k in range(len(words)):
        role = _parse_role(words[k:])
        if role is not None:
            return role
    return None


def _may_be_in_title(token: Token) -> bool:
    return (_is_title_word(token) or token.lower_ in TITLE_MODIFIERS or token.lower_ in {"of", "for", "the"}
            or token.ent_type_ in {"NORP", "GPE", "ORG"} or token.tag_ in {"NNP", "NNPS", "POS"})


def role_after(doc: Doc, end: int) -> tuple | None:
    """A title in apposition after a name: 'Putin, the Russian president,'."""
    tokens = doc_tokens(doc)
    if end >= len(doc) - 2 or tokens[end].text != ",":
        return None
    i = end + 1
    if tokens[i].lower_ in DETERMINERS:
        i += 1
    words: list[Token] = []
    while i < len(doc) and not tokens[i].is_punct and len(words) < 8:
        words.append(tokens[i])
        i += 1
    if i < len(doc) and tokens[i].text not in {",", ".", ";", ")", "—", "–"}:
        return None
    if not any(w.dep_ == "appos" for w in words):
        return None  # 'Putin, the president said': a new clause, not an apposition
    return _parse_role(words)


def _parse_role(words: list[Token]) -> tuple | None:
    """(qualifier, title words) if `words` is a title phrase: [the] [place] [modifiers] head [of X]."""
    while words and (words[0].lower_ in DETERMINERS or words[0].tag_ == "POS"):
        words = words[1:]
    if not words:
        return None
    of_at = next((k for k, w in enumerate(words) if w.lower_ in {"of", "for"}), None)
    head_part = [w for w in (words if of_at is None else words[:of_at]) if w.tag_ != "POS"]
    complement = [] if of_at is None else [w for w in words[of_at + 1:] if w.lower_ not in DETERMINERS]
    if not head_part or not _is_title_word(head_part[-1]):
        return None
    if complement and not all(w.is_title or w.is_upper for w in complement):
        return None
    qualifier_tokens = [w for w in head_part if w.ent_type_ in {"NORP", "GPE", "ORG"} or (
        w.tag_ in {"NNP", "NNPS"} and not (_is_title_word(w) or w.lower_ in TITLE_MODIFIERS))]
    title = [w for w in head_part if w not in qualifier_tokens]
    if not title or not all(_is_title_word(w) or w.lower_ in TITLE_MODIFIERS for w in title):
        return None
    qualifier = " ".join(w.lower_ for w in qualifier_tokens)
    title_words = tuple(w.lower_ for w in title)
    if len(complement) == 1 and complement[0].lower_ == "state":
        title_words += ("of", "state")  # 'Secretary of State' is one title
    elif complement:
        qualifier = qualifier or " ".join(w.lower_ for w in complement)
    return (qualifier, title_words)


# Common nouns for kinds of organisation: "state oil company Petróleos Mexicanos", "lender HSBC".
# Not nouns that also name a person's trade ('publisher Rupert Murdoch', 'lawmaker', 'miner').
ORG_NOUNS = {"company", "firm", "group", "bank", "lender", "insurer", "carrier", "airline", "retailer",
             "broadcaster", "newspaper", "daily", "tabloid", "website", "outlet", "agency", "regulator",
             "watchdog", "charity", "union", "club", "party", "conglomerate", "giant", "startup",
             "manufacturer", "chain", "brand", "carmaker", "automaker", "chipmaker", "drugmaker",
             "planemaker", "steelmaker"}
# Verbs whose subject is a news organisation far more often than a country or a person.
MEDIA_VERBS = {"report", "publish", "broadcast"}


def vote_from_context(doc: Doc, cand: Cand) -> Cand:
    """Titles around a name vote person; organisation words inside a name, or a noun for a kind of
    organisation before it, vote organisation; so does 'reported' after a lone name."""
    tokens = doc_tokens(doc)[cand.start:cand.end]
    if _has_org_word(tokens):
        return cand.vote(ORG, 3.0)
    if _after_org_noun(doc, cand.start):
        return cand.vote(ORG, 3.0)
    if _reports_news(doc, cand):
        return cand.vote(ORG, 2.0)
    if len(tokens) == 1 and _before_its_region(doc, cand.end):
        return cand.vote(PLACE, 4.0)
    if _in_apposition_to_a_role(doc, cand):
        return cand.vote(PERSON, 3.0)
    role = role_before(doc, cand.start, cand.end) or role_after(doc, cand.end)
    if role is not None and all(t.is_alpha or t.text in "-.'’" for t in tokens):
        return replace(cand, role=role).vote(PERSON, 3.0)
    if len(tokens) == 1 and _qualifies_a_job(doc, cand.end):
        return cand.vote(ORG, 1.5)
    return cand


def _in_apposition_to_a_role(doc: Doc, cand: Cand) -> bool:
    """'A professor of economics at the University of Athens, Yanis Varoufakis, said': a name of
    two or three Title-case words set off by commas after a job or title noun is the person."""
    tokens = doc_tokens(doc)
    words = tokens[cand.start:cand.end]
    if not 2 <= len(words) <= 3 or not all(t.is_title and t.is_alpha for t in words):
        return False
    if cand.start == 0 or tokens[cand.start - 1].text != ",":
        return False
    root = words[-1]
    return root.dep_ == "appos" and (root.head.lemma_.lower() in TITLE_HEADS
                                     or root.head.lemma_.lower() in _common_person_words())


def _before_its_region(doc: Doc, end: int) -> bool:
    """'from Dexter, Michigan', 'in Troy, Mich.': a lone name right before a comma and a state or
    country is a town, not a person ('Smith, 43,' and 'Lee, a lawyer,' are no region)."""
    tokens = doc_tokens(doc)
    if end + 1 >= len(doc) or tokens[end].text != ",":
        return False
    nxt = tokens[end + 1]
    before = tokens[end - 2] if end >= 2 else None
    return nxt.ent_type_ == "GPE" and nxt.ent_iob_ == "B" and before is not None \
        and before.lower_ in ("from", "in", "of", "near", "outside", "at")


def _after_org_noun(doc: Doc, start: int) -> bool:
    """'company Petróleos Mexicanos', 'the carmaker Stellantis': a kind of organisation names it."""
    tokens = doc_tokens(doc)
    if start == 0:
        return False
    before = tokens[start - 1]
    return before.is_lower and before.tag_ == "NN" and before.lower_ in ORG_NOUNS


def _reports_news(doc: Doc, cand: Cand) -> bool:
    """'..., Bloomberg reported.': a lone name that reports or publishes, tagged a place or a person,
    is a news organisation. Not a country: a place the article also writes as one ('in Ukraine',
    'Ukrainian troops') keeps its kind ('Ukraine reported heavy shelling')."""
    tokens = doc_tokens(doc)[cand.start:cand.end]
    if len(tokens) != 1 or cand.kind == ORG or _is_surname(doc, tokens[0]):
        return False  # 'Woodward published' after 'Bob Woodward' is the reporter
    token = tokens[0]
    by_agent = token.dep_ == "pobj" and token.head.dep_ == "agent"  # 'first reported by Bloomberg'
    verb = token.head.head if by_agent else token.head
    if not (token.dep_ == "nsubj" or by_agent) or verb.lemma_ not in MEDIA_VERBS:
        return False
    return not _written_as_place(doc, token.text)


def _is_surname(doc: Doc, token: Token) -> bool:
    return token.text in _person_surnames(doc)


def _person_surnames(doc: Doc) -> frozenset[str]:
    """Last words of the PERSON entities of two or more tokens, once per Doc."""
    surnames = doc_cache(doc).get("newsbook_person_surnames")
    if surnames is None:
        surnames = frozenset(e[-1].text for e in doc_ents(doc) if e.label_ == "PERSON" and len(e) >= 2)
        doc_cache(doc)["newsbook_person_surnames"] = surnames
    return surnames


def _written_as_place(doc: Doc, word: str) -> bool:
    """Whether `word` stands after a place preposition, or shares its stem with a nationality word
    ('Russia' and 'Russian'), anywhere in the article."""
    tokens = doc_tokens(doc)
    stem = word.lower()[:max(4, len(word) - 2)]
    for token in tokens:
        if token.text == word and token.i > 0 and tokens[token.i - 1].lower_ in PLACE_PREPOSITIONS:
            return True
        if token.ent_type_ in {"NORP", "GPE"} and token.text != word and token.lower_.startswith(stem):
            return True
    return False


# Jobs held in a company, team or agency: the name before them is the employer ("Vontobel analyst
# Stefan Schneider", "Chiefs coach Andy Reid"). Political titles are left out: their qualifier is
# mostly a place ("Illinois Gov.", "Russian President"); 'adviser', 'spokesman' follow a politician's name.
JOBS_IN_ORGANISATIONS = {"analyst", "economist", "strategist", "ceo", "cfo", "chief", "executive", "chairman",
                         "chairwoman", "manager", "coach", "director", "quarterback", "striker", "scientist",
                         "researcher"}  # not 'spokesman': a politician's surname often stands before it


def _qualifies_a_job(doc: Doc, end: int) -> bool:
    """'<Name> analyst <Person>': a job word follows the name and a person's name follows the job."""
    tokens = doc_tokens(doc)
    i = end
    while i < len(doc) and (tokens[i].lower_ in JOBS_IN_ORGANISATIONS or tokens[i].lower_ in TITLE_MODIFIERS):
        i += 1
    return i > end and tokens[i - 1].lower_ in JOBS_IN_ORGANISATIONS and i < len(doc) and tokens[i].ent_type_ == "PERSON"


def merge_place_prefixes(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """'US' + 'Congress' tagged apart is one organisation, the 'US Congress'."""
    tokens = doc_tokens(doc)
    places = {c.start for c in cands if c.kind == PLACE and c.end - c.start == 1}
    out, absorbed = [], set()
    for c in cands:
        prefix = c.start - 1
        if c.kind == ORG and prefix in places and tokens[prefix].whitespace_ and tokens[c.start].is_title:
            out.append(replace(c, start=prefix))
            absorbed.add(prefix)
        else:
            out.append(c)
    return [c for c in out if not (c.kind == PLACE and c.start in absorbed)]


def merge_of_phrases(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """'Law Society' + 'of' + 'Kenya', 'U.S. Court of Appeals' + 'for the' + '4th Circuit': an
    organisation word followed by 'of'/'for' and a name is one organisation the model cut in two."""
    out: list[Cand] = []
    for c in sorted(cands, key=lambda c: c.start):
        prev = out[-1] if out else None
        # only a gap of one or two words can be 'of', 'for the' ...: longer ones are not read
        between = ([t.lower_ for t in doc_tokens(doc)[prev.end:c.start]]
                   if prev is not None and 1 <= c.start - prev.end <= 2 else [])
        if (prev is not None and between in (["of"], ["for"], ["of", "the"], ["for", "the"])
                and _has_org_word(doc_tokens(doc)[prev.start:prev.end]) and prev.kind == ORG and c.kind in {ORG, PLACE}):
            out[-1] = replace(prev, end=c.end).vote(ORG, 1.0)
        else:
            out.append(c)
    return out


# --- abbreviations and further occurrences ------------------------------------------------------------


def initials(name: str) -> set[str]:
    """Acronyms a name may go by: 'Department of Justice' -> {'doj', 'dj'}."""
    words = re.findall(r"[\w]+", name)
    every = "".join(w[0] for w in words).lower()
    capital = "".join(w[0] for w in words if w[0].isupper()).lower()
    return {a for a in (every, capital) if len(a) >= 2}


# Small words an acronym may spell or leave out: 'BoK'/'BK' of 'Bank of Korea'.
ACRONYM_GLUE = {"of", "the", "and", "for", "&", "de", "du", "des", "la", "le", "el", "y", "on", "in", "at"}


@functools.lru_cache(maxsize=65536)  # pure, and join_organisations asks it for every pair of names
def is_acronym_of(short: str, name: str) -> bool:
    """'EU' of 'European Union', 'DoJ' of 'Department of Justice' (not 'US' of 'US Senate'); also
    'FDA' of 'U.S. Food and Drug Administration' and 'CDC' of 'Centers for Disease Control and
    Prevention' (one word at either end left out) and 'KEMRI' of 'Kenya Medical Research Institute'
    (a word's first letters)."""
    letters = re.sub(r"[^\w]", "", short).lower()
    if len(short.split()) != 1 or short in name.split() or len(short) > 10 or len(name.split()) < 2:
        return False
    if sum(c.isupper() for c in short) < 2:
        return False
    words = _acronym_words(name)
    content = [i for i, w in enumerate(words) if w not in ACRONYM_GLUE]
    variants = [words]
    if len(content) >= 3:  # an acronym often leaves out a leading country or a trailing word
        variants += [words[content[0] + 1:], words[:content[-1]]]
    return any(_spells(letters, v, 1) for v in variants)


@functools.lru_cache(maxsize=65536)
def is_blend_of(short: str, name: str) -> bool:
    """'Pemex' of 'Petróleos Mexicanos': a word made of the first syllables of every word."""
    words = [w for w in _acronym_words(name) if w not in ACRONYM_GLUE]
    return len(short) >= 4 and len(words) >= 2 and short.isalpha() and _spells(short.lower(), words, 2)


def _acronym_words(name: str) -> list[str]:
    return [w for w in (re.sub(r"[^\w]", "", w).lower() for w in name.replace("-", " ").split()) if w]


def _spells(letters: str, words: list[str], min_chunk: int) -> bool:
    """Whether `letters` are the starts of `words` in order: each word gives its first letters
    (at least `min_chunk`); a small word gives its first letter or nothing."""
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if word in ACRONYM_GLUE:
        return _spells(letters, rest, min_chunk) or (letters[:1] == word[:1] and _spells(letters[1:], rest, min_chunk))
    for k in range(min_chunk, min(len(word), len(letters)) + 1):
        if letters[:k] == word[:k] and _spells(letters[k:], rest, min_chunk):
            return True
    return False


def propagate(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Every further occurrence of a found name is a mention (the model misses repeats)."""
    taken = {i for c in cands for i in range(c.start, c.end)}
    sources: dict[tuple[str, ...], Cand] = {}
    for c in cands:
        words = tuple(t.text for t in doc_tokens(doc)[c.start:c.end])
        if c.how in {"name", "alias"} and any(len(w) >= 3 or w.isupper() for w in words):
            sources.setdefault(words, c)
    by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for words in sorted(sources, key=len, reverse=True):
        by_first[words[0]].append(words)
    added = []
    tokens = doc_tokens(doc)
    from spacy.attrs import ORTH

    # the tokens spelt like some name's first word, found in the Doc's array of spellings
    first_words = np.fromiter((doc.vocab.strings[w] for w in by_first), dtype=np.uint64, count=len(by_first))
    starts = np.flatnonzero(np.isin(doc.to_array(ORTH), first_words)).tolist()
    for token in (tokens[i] for i in starts):
        for words in by_first.get(token.text, ()):
            i, n = token.i, len(words)
            if any(j in taken for j in range(i, i + n)) or tuple(t.text for t in tokens[i:i + n]) != words:
                continue
            if not _stands_alone(doc, i, n):
                continue
            source = sources[words]
            added.append(replace(source, start=i, end=i + n, votes={k: 0.0 for k in source.votes}, role=None))
            taken.update(range(i, i + n))
            break
    return cands + added


def _stands_alone(doc: Doc, i: int, n: int) -> bool:
    """Not a common word that happens to be spelt like the name, nor part of a longer untagged name."""
    tokens = doc_tokens(doc)
    if n == 1 and tokens[i].pos_ not in {"PROPN", "NOUN"} \
            and not (tokens[i].is_upper and len(tokens[i].text) >= 2
                     and not (i + 1 < len(tokens) and tokens[i + 1].is_upper)):
        return False  # (an acronym the tagger read as a word, "WHO said", is a name)
    prev = tokens[i - 1] if i > 0 else None
    return not (prev is not None and prev.tag_ == "NNP" and prev.is_title and not prev.ent_type_
                and not _is_title_word(prev) and not prev.is_sent_start)


# --- role phrases ---------------------------------------------------------------------------------


def _same_place(a: str, b: str) -> bool:
    """'russian' ~ 'russia', 'us' ~ 'american': the qualifiers of two titles name one country."""
    if not a or not b:
        return False
    if a == b or any(a in group and b in group for group in PLACE_SYNONYMS):
        return True
    shorter = min(len(a), len(b))
    return shorter >= 4 and len(os.path.commonprefix([a, b])) >= shorter - 1


def _qualifier_before(doc: Doc, i: int) -> tuple[int, str]:
    """A place word before token i ('Russian', "Russia's"): (its start, the word) or (i, '')."""
    tokens = doc_tokens(doc)
    if i >= 2 and tokens[i - 1].tag_ == "POS" and tokens[i - 2].ent_type_ == "GPE":
        return i - 2, tokens[i - 2].lower_
    if i >= 1 and tokens[i - 1].ent_type_ in {"NORP", "GPE"}:
        return i - 1, tokens[i - 1].lower_
    return i, ""


def role_phrases(doc: Doc) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Noun phrases like 'the Russian president', "Russia's foreign minister", 'the chairman'
    that are not a title in front of a name: (start, end, qualifier, title words)."""
    tokens = doc_tokens(doc)
    out = []
    heads = token_flags(doc, "LOWER", _is_title_head)
    for token in (tokens[i] for i, head in enumerate(heads) if head):
        nxt = tokens[token.i + 1] if token.i + 1 < len(doc) else None
        if nxt is not None and (nxt.tag_ == "NNP" or nxt.ent_type_ == "PERSON" or _is_title_word(nxt)
                                or nxt.lower_ in TITLE_MODIFIERS):
            continue  # a title in front of a name, or not the head of the phrase
        if nxt is not None and nxt.text == "," and token.i + 2 < len(doc) and tokens[token.i + 2].ent_type_ == "PERSON":
            continue  # 'US President, Donald Trump'
        first = token.i
        while first > 0 and tokens[first - 1].lower_ in TITLE_MODIFIERS and not tokens[first - 1].ent_type_:
            first -= 1
        start, qualifier = _qualifier_before(doc, first)
        has_the = start > 0 and tokens[start - 1].lower_ == "the"
        if not (has_the or qualifier):
            continue  # 'a president', bare 'president': no one in particular
        out.append((start, token.i + 1, qualifier, tuple(t.lower_ for t in doc_tokens(doc)[first:token.i + 1])))
    return out


def _holder(holders, title: tuple, qualifier: str, position: int) -> str | None:
    """The one person introduced earlier with this title (and this country, if the phrase has one)."""
    earlier = [(name, q) for pos, name, q, t in holders if t == title and pos < position]
    if qualifier:
        same = {name for name, q in earlier if _same_place(q, qualifier)}
        chosen = same or {name for name, q in earlier if not q}
    else:
        chosen = {name for name, _ in earlier}
    return next(iter(chosen)) if len(chosen) == 1 else None


def resolve_roles(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Role phrases that point to exactly one person introduced with that title earlier."""
    holders = [(c.start, c.name, c.role[0], c.role[1]) for c in cands if c.role is not None and c.kind == PERSON]
    if not holders:
        return []
    taken = {i for c in cands for i in range(c.start, c.end)}
    out = []
    for start, end, qualifier, title in role_phrases(doc):
        if any(i in taken for i in range(start, end)) or _adjacent_to_name(doc, start, end):
            continue  # part of a name, or the introduction itself ('Putin, the Russian president,')
        name = _holder(holders, title, qualifier, start)
        if name:
            out.append(Cand(start, end, {PERSON: 1.0}, how="role", link=name, name=name))
    return out


def _adjacent_to_name(doc: Doc, start: int, end: int) -> bool:
    tokens = doc_tokens(doc)
    i = start - 1
    if i >= 0 and tokens[i].lower_ == "the":
        i -= 1
    if i >= 1 and tokens[i].text == "," and tokens[i - 1].ent_type_ == "PERSON":
        return True
    return end + 1 < len(doc) and tokens[end].text == "," and tokens[end + 1].ent_type_ == "PERSON"


# --- grouping within an article ----------------------------------------------------------------


def person_full_names(doc: Doc, cands: list[Cand]) -> dict[str, list[str]]:
    """Surname -> full names (two or more words) of people in the article, in order of appearance."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in sorted(cands, key=lambda c: c.start):
        words = _span_name(doc, c).split()
        surname = _surname_key(surname_of(" ".join(words))) if len(words) >= 2 else ""
        if c.kind == PERSON and c.how == "name" and len(words) >= 2 and surname[:1].isupper():
            if " ".join(words) not in out[surname]:
                out[surname].append(" ".join(words))
    return out


def _surname_key(word: str) -> str:
    """'al-Sudani' and 'Al-Sudani' (at a sentence start) are one surname; 'da' in 'Lula da Silva' is no surname."""
    return word[:1].upper() + word[1:] if "-" in word[1:] else word


def link_names(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Each candidate with its article-local canonical name: a surname (or a shorter form of a name)
    joins the full name; with two namesakes, the one named last before it."""
    full = person_full_names(doc, cands)
    facts = _person_facts(doc, cands)
    firsts = _first_words(full)
    raw = {id(c): _span_name(doc, c) for c in cands}  # each candidate's text, cleaned once
    brands = {raw[id(c)].split()[0] for c in cands if c.kind == ORG and len(raw[id(c)].split()) >= 2}
    display = preferred_forms([raw[id(c)] for c in cands])
    people = [display[raw[id(c)]] for c in cands if c.kind == PERSON]
    variants = middle_name_variants(people)
    display = {text: variants.get(shown, shown) for text, shown in display.items()}
    out: list[Cand] = []
    for c in sorted(cands, key=lambda c: c.start):
        name = display[raw[id(c)]]
        if c.kind == GROUP and name.lower() in rules.words("group_nouns"):
            name = name.lower()  # 'Protesters said' at a sentence start are the protesters
        if c.how == "name" and c.link and name.isupper():
            name = c.link  # a dateline's 'MEXICO CITY' named nowhere else is shown as 'Mexico City'
        words = name.split()
        if c.how == "alias" and c.link:
            out.append(replace(c, name=c.link))
        elif len(words) == 1 and _surname_key(words[0]) in full and not _has_org_word(doc_tokens(doc)[c.start:c.end]) \
                and not (c.kind == ORG and words[0] in brands):  # 'Ford said' with Ford Motor and Bill Ford
            options = _agreeing(doc, c.start, full[_surname_key(words[0])], facts)
            out.append(replace(c, name=_nearest_before(out, options) or options[0], how="surname"))
        elif len(words) == 1 and c.kind == PERSON and len(firsts.get(words[0], ())) == 1:
            out.append(replace(c, name=firsts[words[0]][0], how="surname"))
        elif c.kind == PERSON and len(words) >= 2 and _longer_name(name, full.get(words[-1], [])):
            out.append(replace(c, name=_longer_name(name, full[words[-1]]), how="surname"))
        else:
            out.append(replace(c, name=name))
    return out


def given_name_gender(word: str) -> str:
    """'f' or 'm' for a given name listed in rules/given_names_*.txt, '' otherwise (agrees with both)."""
    low = word.lower()
    if low in rules.words("given_names_female"):
        return "f"
    return "m" if low in rules.words("given_names_male") else ""


def _words_before(doc: Doc, start: int, n: int = 3) -> list[str]:
    """The lower-cased words right before token `start`, nearest first, a '.' glued to its word."""
    tokens = doc_tokens(doc)
    out: list[str] = []
    i = start - 1
    while i >= 0 and len(out) < n:
        text = tokens[i].lower_
        if text == "." and i >= 1:
            i -= 1
            text = tokens[i].lower_ + "."
        if not text.strip() or text in {",", "(", ")", "-", "—"}:
            break
        out.append(text)
        i -= 1
    return out


def _title_of(word: str) -> str:
    """A title word in its full form ('sen.' -> 'senator'), '' for a word that is no title."""
    abbreviations = dict(line.split(" = ") for line in rules.words("title_abbreviations"))
    word = abbreviations.get(word, word)
    return word if word in TITLE_HEADS or word in HONORIFICS else ""


def honorific_gender(doc: Doc, start: int) -> str:
    """'f' after Mrs./Ms./Miss (or another woman's title), 'm' after Mr./Sir, else ''."""
    for word in _words_before(doc, start, 2):
        if word in rules.words("honorifics_female"):
            return "f"
        if word in rules.words("honorifics_male"):
            return "m"
    return ""


def _person_facts(doc: Doc, cands: list[Cand]) -> dict[str, tuple[str, frozenset[str]]]:
    """Full person name -> (gender, titles): the gender an honorific before one of its mentions or
    its given name says, and the titles written before its mentions ('Senator', 'Gov.')."""
    facts: dict[str, tuple[str, set[str]]] = {}
    for c in cands:
        words = _span_name(doc, c).split()
        if c.kind != PERSON or len(words) < 2:
            continue
        name = " ".join(words)
        gender, titles = facts.get(name, ("", set()))
        gender = gender or honorific_gender(doc, c.start) or given_name_gender(words[0])
        titles |= {t for t in map(_title_of, _words_before(doc, c.start)) if t}
        facts[name] = (gender, titles)
    return {n: (g, frozenset(t)) for n, (g, t) in facts.items()}


def _agreeing(doc: Doc, start: int, options: list[str], facts: dict) -> list[str]:
    """The full names a surname at token `start` may stand for, keeping those its honorific or title
    agrees with ('Mrs. Clinton' is not 'Bill Clinton'; 'Sen. Clinton' is the senator); all options
    when none or every one agrees."""
    gender = honorific_gender(doc, start)
    titles = {t for t in map(_title_of, _words_before(doc, start)) if t and t not in HONORIFICS}
    kept = options
    if gender:
        kept = [o for o in kept if facts.get(o, ("", ()))[0] in {gender, ""}] or kept
        exact = [o for o in kept if facts.get(o, ("", ()))[0] == gender]
        if exact and len(exact) < len(kept):
            kept = exact
    if titles:
        kept = [o for o in kept if titles & facts.get(o, ("", frozenset()))[1]] or kept
    return kept


def _first_words(full: dict[str, list[str]]) -> dict[str, list[str]]:
    """First word -> full names starting with it, for words that end no one's name: a lone 'Xi'
    is the family name of 'Xi Jinping' (written first), or a given name used alone."""
    names = {n for options in full.values() for n in options}
    out: dict[str, list[str]] = defaultdict(list)
    for name in sorted(names):
        first = name.split()[0]
        if first not in full and first[:1].isupper() and len(first) >= 2:
            out[first].append(name)
    return out


def _nicknames() -> dict[str, str]:
    return dict(line.split(" = ") for line in rules.words("nicknames"))


def name_core(name: str) -> tuple[str, str, str]:
    """(given name, surname, suffix) of a person's name, the given name in its full form:
    'Robert F. Kennedy Jr.' -> ('robert', 'Kennedy', 'jr'); 'Bernie Sanders' -> ('bernard',
    'Sanders', ''). A one-word name is its own surname."""
    words = name.split()
    suffix = ""
    if len(words) >= 3 and words[-1].lower().rstrip(",") in rules.words("name_suffixes"):
        suffix = words.pop().lower().rstrip(".,")
        words[-1] = words[-1].rstrip(",")
    given = words[0].lower() if len(words) >= 2 else ""
    return _nicknames().get(given, given), words[-1], suffix


def surname_of(name: str) -> str:
    """The word a person's name is shortened to: its last word before a 'Jr.'-like suffix."""
    return name_core(name)[1]


def middle_name_variants(names: list[str]) -> dict[str, str]:
    """'Donald J. Trump' and 'Donald Trump' are one person, as are 'Bernie Sanders' and 'Bernard
    Sanders': full names with the same given name (nicknames read as the full given name), surname
    and suffix ('Jr.' keeps a son apart from his father) map to the shortest such name."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for name in names:
        if len(name.split()) >= 2:
            groups[name_core(name)].append(name)
    return {n: min(group, key=lambda g: (len(g.split()), g)) for group in groups.values() for n in group}


def surname_links(names: set[str], kinds: dict[str, str], locative: set[str], mapping: dict[str, str]) -> dict[str, str]:
    """Lone surnames -> the one full person name (after `mapping`: 'Donald J. Trump' and 'Donald
    Trump' count once) with that surname among `names`; a father and his 'Jr.' son sharing it leave
    the father. A lone 'place' joins a surname too (the model tags unfamiliar surnames as places)
    unless it is ever used as a place ('in X')."""
    full_by_surname: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if kinds[name] == PERSON and len(name.split()) >= 2:
            full_by_surname[surname_of(name)].add(_follow(mapping, name))
    out = {}
    for name in names:
        options = full_by_surname.get(name, set())
        if len(options) > 1:  # 'Donald Trump' and 'Donald Trump Jr.': the bare surname is the father
            plain = {o for o in options if not name_core(o)[2]}
            if len(plain) == 1 and all(name_core(o)[:2] == name_core(next(iter(plain)))[:2] for o in options):
                options = plain
        joinable = kinds[name] in {PERSON, ORG} or (kinds[name] == PLACE and name not in locative)
        if len(name.split()) == 1 and joinable and len(options) == 1 and name.lower() not in ORG_WORDS:
            out[name] = next(iter(options))
    return out


def _longer_name(name: str, options: list[str]) -> str | None:
    """The one full name that ends with all the words of `name` and is longer ('Lula da Silva')."""
    words = name.lower().split()  # 'De la Cruz' at a sentence start is 'Ana María de la Cruz'
    fits = [o for o in options if len(o.split()) > len(words) and o.lower().split()[-len(words):] == words]
    return fits[0] if len(fits) == 1 else None


def _nearest_before(linked: list[Cand], options: list[str]) -> str | None:
    return next((c.name for c in reversed(linked) if c.name in options), None)


def join_organisations(cands: list[Cand]) -> list[Cand]:
    """Acronyms ('EU') and short forms ('Congress', 'Samsung', 'the Met') join the one longer
    organisation name of the article they fit. An acronym in capitals joins whatever the model
    tagged it ('The ECB is buying time' may come out as a place): its letters are evidence enough."""
    org_names = {c.name for c in cands if c.kind == ORG and c.how in {"name", "alias"}}
    org_sizes = {n: len(n.split()) for n in org_names}  # words per name, counted once
    out = []
    fits_of: dict[tuple[str, bool, bool], list[str]] = {}  # a name comes back many times per article
    for c in cands:
        capitals = _is_capital_acronym(c.name) and (c.kind != PLACE or len(c.name) >= 3)
        lone = _lone_model_person(c)
        is_org = c.kind == ORG
        fits = fits_of.get((c.name, is_org, lone))
        if fits is None:
            n_words = len(c.name.split())
            fits = [n for n, n_size in org_sizes.items() if n != c.name and n_size > n_words
                    and (is_acronym_of(c.name, n) or (is_org and _is_local_short_form(c.name, n))
                         or (lone and n.split()[0] == c.name))]
            fits_of[(c.name, is_org, lone)] = fits
        if (c.kind == ORG or capitals or lone) and c.how != "role" and len(fits) == 1:
            out.append(replace(c, name=fits[0], how="alias"))
        else:
            out.append(c)
    return out


def _lone_model_person(c: Cand) -> bool:
    """One word the model alone calls a person (no title, no full name): 'Novartis has a lead'
    after 'Novartis AG' is the company."""
    return c.how == "name" and len(c.name.split()) == 1 and c.role is None and c.votes.get(PERSON, 0) <= 1.0 \
        and c.kind == PERSON


def _is_capital_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _is_short_form(short: str, name: str) -> bool:
    """'Congress' of 'US Congress', 'House of Representatives' of 'US House of Representatives'."""
    s, n = short.split(), name.split()
    if not (len(s) < len(n) and n[-len(s):] == s and short[0].isupper() and len(short) >= 4):
        return False
    if len(s) == 1 and short.lower() in rules.words("chambers"):
        # 'House' is the chamber, not the 'White House': only a country's chamber ('U.S. House')
        return all(w.replace(".", "").isupper() for w in n[:-1])
    return True


def _is_local_short_form(short: str, name: str) -> bool:
    """Within one article also the name's first words ('Samsung' of 'Samsung Electronics', 'Live
    Nation' of 'Live Nation Entertainment'), a clipped first word ('Met' of 'Metropolitan Museum of
    Art', 'Fed' of 'Federal Reserve') and a blend ('Pemex'). Across a corpus these would join
    different bodies ('NHS' and 'NHS England'), so corpus_canonical uses _is_short_form only."""
    s, n = short.split(), name.split()
    if _is_short_form(short, name) or is_blend_of(short, name):
        return True
    if not short[:1].isupper() or s[0].lower() in ORG_WORDS or s[0].lower() in TITLE_MODIFIERS:
        return False
    leading = len(s) < len(n) and n[:len(s)] == s and len(short) >= 3
    clipped = len(s) == 1 and 3 <= len(short) <= 4 and len(n[0]) >= len(short) + 3 and n[0].startswith(short)
    return leading or clipped


def settle_kinds(cands: list[Cand]) -> list[Cand]:
    """One kind per canonical name, by summed votes of all its mentions."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for c in cands:
        votes[c.name].update(c.votes)
        votes[c.name][c.kind] += 0.0
    kinds = {name: max(v, key=lambda k: (v[k], -KIND_RANK[k])) for name, v in votes.items()}
    return [replace(c, votes={kinds[c.name]: 1.0}) for c in cands]


# --- byline and outlet ------------------------------------------------------------------------------


def metadata_names(byline: str, outlet: str) -> tuple[set[str], set[str]]:
    """Keys of the byline's authors and of the outlet (its name, its domain without the suffix,
    and its initials if it has several words)."""
    authors: set[str] = set()
    for part in re.split(r",|;|\band\b|&|\bwith\b", byline or ""):
        part = re.sub(r"^\s*by\s+", "", part, flags=re.I).strip()
        if part:
            authors.add(name_key(part))
    outlets: set[str] = set()
    if outlet and outlet.strip():
        outlets.add(name_key(outlet))
        domain = re.match(r"^(?:https?://)?(?:www\.)?([\w-]+)\.[a-z.]{2,}/?$", outlet.strip().lower())
        if domain:
            outlets.add(domain.group(1))
        elif len(outlet.split()) >= 2:
            outlets |= initials(outlet)
    return {a for a in authors if a}, {o for o in outlets if o}


def is_metadata(name: str, kind: str, authors: set[str], outlets: set[str]) -> bool:
    """Whether `name` is the byline's author or the outlet itself."""
    key = name_key(name)
    if kind == PERSON:
        return key in authors
    if key in outlets or key.replace(" ", "") in outlets:
        return True
    return len(name.split()) >= 2 and bool(initials(name) & outlets)


# --- dateline -------------------------------------------------------------------------------------

# A wire story opens with where it was filed and, in brackets, the agency that filed it:
# "WASHINGTON (Reuters) -", "MANCHESTER, England (AP) —", "LONDON, March 3 (Reuters) -", "PARIS —".
DATELINE = re.compile(
    r"\s*(?P<place>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})"
    r"(?:,\s*[A-Z][\w.]*(?: [A-Z][\w.]*){0,2})?"  # region: ", England", ", Ill."
    r"(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?"  # date: ", March 3"
    r"(?:\s*\((?P<agency>[A-Z][^()\d\n]{0,40})\))?"
    r"\s*(?:--?|—|–)\s")


@dataclass(frozen=True)
class Dateline:
    place: tuple[int, int] | None = None  # character span of the filing place
    agency: tuple[int, int] | None = None  # character span of the agency in brackets

    def agency_name(self, text: str) -> str:
        return text[self.agency[0]:self.agency[1]] if self.agency else ""


def find_dateline(text: str) -> Dateline:
    """The dateline at the start of a story. The place must be in capitals unless an agency in
    brackets follows it ("London (CNN) —"): a capitalised name and a dash alone may open a sentence."""
    match = DATELINE.match(text)
    if not match:
        return Dateline()
    place, agency = match.group("place"), match.group("agency")
    if not (agency or (place.replace(" ", "").isupper() and sum(c.isalpha() for c in place) >= 3)):
        return Dateline()
    return Dateline(match.span("place"), match.span("agency") if agency else None)


def apply_dateline(doc: Doc, cands: list[Cand], line: Dateline) -> list[Cand]:
    """The dateline's place is a place whatever the model says ('FRANKFURT' is often tagged ORG);
    the agency is dropped here and, as the article's source, everywhere else in extract_mentions."""
    place = doc.char_span(*line.place, alignment_mode="expand") if line.place else None
    agency = doc.char_span(*line.agency, alignment_mode="expand") if line.agency else None
    out = []
    for c in cands:
        if agency is not None and c.start < agency.end and agency.start < c.end:
            continue
        if place is not None and c.start < place.end and place.start < c.end:
            continue
        out.append(c)
    if place is not None:
        out.append(Cand(place.start, place.end, {PLACE: 3.0}, link=string.capwords(place.text)))
    return out


# --- extraction -----------------------------------------------------------------------------------


def platform_is_organisation(doc: Doc, cand: Cand) -> Cand:
    """Twitter, Facebook, X ... (rules/platforms.txt) are companies, never people."""
    if _span_name(doc, cand).lower() in rules.words("platforms") and cand.kind != ORG:
        return replace(cand, votes={ORG: 10.0})
    return cand


HEADLINE_BREAKS = {"VERB", "AUX"}


def cut_headline(doc: Doc, cand: Cand | None) -> Cand | None:
    """'Trump Agrees To Meet Kim': a Title-Case headline the model read as one name ends at its
    first verb or 'To'; what comes before it is the name (none left: no candidate)."""
    if cand is None or cand.end - cand.start < 3 or cand.kind != PERSON:
        return cand
    tokens = doc_tokens(doc)
    for i in range(cand.start + 1, cand.end):
        t = tokens[i]
        low = t.lower_
        verb = low in rules.words("headline_verbs") or (low.endswith("s") and (
            low[:-1] in rules.words("headline_verbs") or (low.endswith("es") and low[:-2] in rules.words("headline_verbs"))))
        if t.pos_ in HEADLINE_BREAKS or t.text in {"To", "Over", "After", "Amid"} or (verb and t.is_title) \
                or t.like_num:  # (a name holds no number: 'Worker Kills 2 Women')
            if i == cand.start or tokens[i - 1].lower_ in _common_person_words():
                return None  # 'Suspended Worker Kills ...': a description, no name
            return replace(cand, end=i)
    return cand


@functools.lru_cache(maxsize=1)
def _common_person_words() -> frozenset[str]:
    """Common nouns for people ('worker', 'man', 'teen'): a headline's subject ending in one is no name."""
    words = rules.words("person_nouns") | rules.words("role_nouns")
    return frozenset(words | {w[:-1] for w in rules.words("group_nouns") if w.endswith("s")})


def _plural(token: Token) -> bool:
    return token.tag_ in ("NNS", "NNPS") or (token.text.endswith("s") and not token.text.endswith("ss"))


def group_candidates(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Groups that speak as one: parties, nationalities and movements as plural nouns ('Democrats',
    'House Democrats', 'Palestinians'; the model's NORP) and collective nouns for people after
    'the' or as a subject ('the protesters', 'Demonstrators said'; rules/group_nouns.txt). Never
    where another candidate stands."""
    tokens = doc_tokens(doc)
    taken = [False] * len(tokens)
    for c in cands:
        for i in range(c.start, c.end):
            taken[i] = True
    out: list[Cand] = []
    for ent in doc_ents(doc):
        if ent.label_ == "NORP" and _plural(tokens[ent.end - 1]) and not any(taken[ent.start:ent.end]):
            start = ent.start
            qualifier = tokens[start - 1] if start > 0 else None
            if qualifier is not None and qualifier.lower_ in rules.words("group_qualifiers") and qualifier.is_title \
                    and not any(c.start < qualifier.i and qualifier.i < c.end for c in cands):
                start -= 1  # (a qualifier inside a longer name, "White House", stays there)
            out.append(Cand(start, ent.end, {GROUP: 5.0}))
    for t in tokens:
        if taken[t.i] or t.lower_ not in rules.words("group_nouns") or t.pos_ != "NOUN":
            continue
        if t.i > 0 and tokens[t.i - 1].lower_ == "the" or t.dep_ in ("nsubj", "nsubjpass"):
            if not any(c.start <= t.i < c.end for c in out):
                out.append(Cand(t.i, t.i + 1, {GROUP: 5.0}))
    return out


def find_candidates(doc: Doc) -> list[Cand]:
    """Entity candidates, cleaned, split, filtered and voted, plus further occurrences."""
    raw = _without_overlaps(entity_candidates(doc), untagged_candidates(doc))
    surnames = {doc[c.end - 1].text for c in raw if c.kind == PERSON}
    cands: list[Cand] = []
    for c in filter(None, (cut_headline(doc, trim(doc, c)) for c in raw)):
        for part in split_parenthesis(doc, extend_name(doc, c)):
            pieces = (trim(doc, piece) for piece in split_glued(doc, part, surnames))
            cands += [strip_title(doc, piece) for piece in pieces if piece is not None]
    cands = merge_of_phrases(doc, merge_place_prefixes(doc, cands))
    cands = apply_dateline(doc, cands, find_dateline(doc_text(doc)))
    drop = (is_work_title, is_title_fragment, is_group_noun, is_title_only, is_common_acronym,
            is_party_and_state, is_not_a_name)
    cands = [platform_is_organisation(doc, vote_from_context(doc, plural_place_is_organisation(doc, c)))
             for c in cands if not any(rule(doc, c) for rule in drop)]
    cands = propagate(doc, cands)
    groups = group_candidates(doc, cands)
    # "House Democrats": the chamber word is part of the group's name, no mention of its own
    cands = [c for c in cands if not any(g.start <= c.start and c.end <= g.end for g in groups)]
    return sorted(cands + groups, key=lambda c: c.start)


def extract_mentions(doc: Doc, *, article_id: str, byline: str = "", outlet: str = "") -> pd.DataFrame:
    """Mentions of actors in one article (`mentions` table); `actor` is the article-local canonical name.

    The byline's author and the outlet are metadata, not actors of the story."""
    rows = mention_rows(doc, article_id=article_id, byline=byline, outlet=outlet)
    return table_from_rows("mentions", rows) if rows else empty_table("mentions")


def mention_rows(doc: Doc, *, article_id: str, byline: str = "", outlet: str = "") -> list[dict]:
    """`extract_mentions` as a list of row dicts (the pipeline tabulates many articles at once)."""
    cands = settle_kinds(join_organisations(link_names(doc, find_candidates(doc))))
    cands = sorted(cands + resolve_roles(doc, cands), key=lambda c: c.start)
    authors, outlets = metadata_names(byline, outlet)
    agency = find_dateline(doc_text(doc)).agency_name(doc_text(doc))
    outlets |= metadata_names("", agency)[1]  # the wire agency that filed the story is its source
    rows, tokens, text = [], doc_tokens(doc), doc_text(doc)
    for c in cands:
        if is_metadata(c.name, c.kind, authors, outlets):
            continue
        first, last = tokens[c.start], tokens[c.end - 1]
        start, end = first.idx, last.idx + len(last)  # the Span's start_char and end_char, without a Span
        rows.append({
            "article_id": article_id, "actor": c.name, "kind": c.kind, "text": text[start:end],
            "start": start, "end": end, **sentence_columns(doc, start),
            "how": c.how,
        })
    return rows


# --- across the corpus ------------------------------------------------------------------------------


def _local_actors(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per (article, local actor) with its kind and mention count."""
    return (mentions.groupby(["article_id", "actor", "kind"], sort=False).size()
            .rename("n").reset_index())


def _follow(mapping: dict[str, str], name: str) -> str:
    """Where a chain of joins ends ('PUTIN' -> 'Putin' -> 'Vladimir Putin')."""
    seen = {name}
    while mapping.get(name, name) not in seen:
        name = mapping[name]
        seen.add(name)
    return name


LOCATIVE = re.compile(r"\b(?:in|at|from|to|near|across|into|outside|inside|around|via|toward|towards)\s*$", re.I)


def resolve_corpus(mentions: pd.DataFrame, corrections_path=None, *, groups=None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Corpus-wide canonical names. `groups` (optional: article id -> story key, a dict or a Series
    such as ``articles.set_index("article_id")["event"]``) scopes surname linking to each story,
    an article with no key being its own story; without it the whole corpus is one story.

    Returns (mentions with corpus-canonical `actor`, aliases table with columns
    article_id, local, actor, kind mapping each article-local name to its canonical one,
    list of human-readable corrections that were applied). `corrections_path`: the correction file,
    or Corrections already loaded from it."""
    corrections = (corrections_path if isinstance(corrections_path, Corrections)
                   else load_corrections(corrections_path))
    if mentions.empty:
        return mentions, pd.DataFrame(columns=["article_id", "local", "actor", "kind"]), []
    out = mentions.copy()
    out["local"] = out["actor"]
    local = _local_actors(out)
    if groups is None:
        mapping = corpus_canonical(local, out)
        out["actor"] = out["local"].map(mapping)
    else:
        scoped = scoped_canonical(local, out, dict(groups))
        out["actor"] = [scoped[(a, n)] for a, n in zip(out["article_id"], out["local"])]
    kinds = corpus_kinds(out)
    out["kind"] = out["actor"].map(kinds)
    out["how"] = _relinked_how(out)
    out, applied = apply_corrections(out, corrections)
    aliases = (out[["article_id", "local", "actor", "kind"]].drop_duplicates(["article_id", "local"])
               .reset_index(drop=True))
    dropped = out["actor"] == ""
    out = out[~dropped].drop(columns=["local"])
    return schema.conform("mentions", out), aliases, applied


def _mode_by(frame: pd.DataFrame, by: list[str], column: str, rank: dict | None = None) -> pd.DataFrame:
    """One row per `by` group holding its most frequent `column` value, ties to the lowest `rank`
    (default: none) and then to the smallest value: what ``max`` over the sorted groups'
    (count, -rank) and ``Series.mode().iloc[0]`` pick, without a Python call per group."""
    counts = frame.groupby(by + [column]).size().rename("_n").reset_index()  # keys sorted
    keys = ["_n"] + (["_r"] if rank is not None else [])
    if rank is not None:
        counts["_r"] = counts[column].map(lambda k: rank.get(k, 9))
    # stable: among equal (count, rank) the sorted order of the groupby (smallest value) stays first
    counts = counts.sort_values(keys, ascending=[False] + [True] * (len(keys) - 1), kind="stable")
    return counts.drop_duplicates(by)[by + [column]]


def corpus_kinds(mentions: pd.DataFrame) -> dict[str, str]:
    """One kind per corpus actor: the kind most of its mentions have (ties: person, org, place)."""
    best = _mode_by(mentions, ["actor"], "kind", KIND_RANK)
    return dict(zip(best["actor"], best["kind"]))


def _relinked_how(mentions: pd.DataFrame) -> list[str]:
    """Each row's `how`, where a mention that was its article's own name now points to a longer
    corpus name ('surname' for a person, 'alias' otherwise); each distinct name keyed once."""
    keys: dict[str, str] = {}

    def key(name: str) -> str:
        if name not in keys:
            keys[name] = name_key(name)
        return keys[name]

    return [h if h != "name" or key(t) == key(a) else ("surname" if k == PERSON else "alias")
            for h, t, a, k in zip(mentions["how"], mentions["text"], mentions["actor"], mentions["kind"])]


class _OrgIndex:
    """The organisations an acronym or a short form may stand for, found through indexes instead of
    trying is_acronym_of / _is_short_form on every organisation of the corpus.

    - Acronyms: ``_spells`` gives every word not in ACRONYM_GLUE a chunk of the letters starting
      with that word's first letter, in order, so the first letters of those words (in each variant
      is_acronym_of tries) form a subsequence of the acronym's letters. Organisations are indexed by
      that string and an acronym looks up each of its letters' subsequences (at most 2**10).
    - Short forms: a name's trailing words, indexed by every proper suffix of each organisation.
    Candidates are then checked with is_acronym_of / _is_short_form themselves."""

    def __init__(self, orgs: list[str]):
        self.by_initials: dict[str, set[str]] = defaultdict(set)
        self.by_suffix: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for name in orgs:
            split = name.split()
            for k in range(1, len(split)):
                self.by_suffix[tuple(split[-k:])].add(name)
            if len(split) < 2:
                continue  # is_acronym_of needs a name of two words or more
            words = _acronym_words(name)
            content = [i for i, w in enumerate(words) if w not in ACRONYM_GLUE]
            variants = [words]
            if len(content) >= 3:  # as in is_acronym_of
                variants += [words[content[0] + 1:], words[:content[-1]]]
            for v in variants:
                self.by_initials["".join(w[0] for w in v if w not in ACRONYM_GLUE)].add(name)

    def acronym_candidates(self, short: str) -> set[str]:
        found: set[str] = set()
        if len(short.split()) == 1 and len(short) <= 10 and sum(c.isupper() for c in short) >= 2:
            letters = re.sub(r"[^\w]", "", short).lower()
            subsequences = {""}
            for ch in letters:
                subsequences |= {s + ch for s in subsequences}
            for s in subsequences:
                found |= self.by_initials.get(s, set())
        return found

    def fits(self, short: str) -> list[str]:
        """The organisations an organisation name fits as an acronym or short form (in no particular order). A name
        ending with `short`'s words has `short` among its words, so it is never its acronym; and
        _is_short_form holds only for such names: each candidate needs one test only."""
        n_words = len(short.split())
        fits = {n for n in self.by_suffix.get(tuple(short.split()), ()) if _is_short_form(short, n)}
        fits |= {n for n in self.acronym_candidates(short) if is_acronym_of(short, n)}
        return [n for n in fits if n != short and len(n.split()) > n_words]


def _locative_names(mentions: pd.DataFrame) -> set[str]:
    """Local names with at least one mention right after a place preposition. Only the end of each
    text before a mention is searched: LOCATIVE's word (7
    letters at most) must end where the trailing whitespace starts, so the last 8 characters before
    that whitespace (one more for the word boundary) decide, not the whole sentence so far."""
    hit = []
    for s, st, ss in zip(mentions["sentence"], mentions["start"], mentions["sentence_start"]):
        before = s[: max(0, st - ss)]
        space = len(before) - len(before.rstrip())
        hit.append(bool(LOCATIVE.search(before[-(space + 8):])))
    return set(mentions.loc[hit, "actor"])


def corpus_canonical(local: pd.DataFrame, local_mentions: pd.DataFrame | None = None, *,
                     link_surnames: bool = True) -> dict[str, str]:
    """Local name -> corpus name: surnames join the one full name with that surname in the corpus,
    acronyms and short forms join the one organisation they fit. A lone 'place' joins a surname too
    (the model tags unfamiliar surnames as places) unless it is ever used as a place ('in X').

    The organisation search is indexed (_OrgIndex) and the per-name kinds vectorised, so it grows
    near-linearly; tests/test_compare_scale.py keeps the pairwise original as the reference."""
    names = set(local["actor"])
    best = _mode_by(local, ["actor"], "kind")  # = groupby("actor")["kind"].agg(mode().iloc[0])
    kinds = dict(zip(best["actor"], best["kind"]))
    orgs = _OrgIndex([n for n in names if kinds[n] == ORG])
    mapping = {n: d for n, d in preferred_forms(sorted(names)).items() if n != d}
    locative = _locative_names(local_mentions) if local_mentions is not None else set()
    people = [n for n in names - set(mapping) if kinds[n] == PERSON]
    mapping.update({n: d for n, d in middle_name_variants(people).items() if n != d})
    surnames = surname_links(names - set(mapping), kinds, locative, mapping) if link_surnames else {}
    mapping.update(surnames)
    # the loop's outcome does not depend on its order: each step reads only the tables built above
    for name in names - set(mapping):
        if kinds[name] == ORG:
            fits = orgs.fits(name)
            if len(fits) == 1:
                mapping[name] = fits[0]
    return {n: _follow(mapping, n) for n in names}


def scoped_canonical(local: pd.DataFrame, local_mentions: pd.DataFrame, groups) -> dict[tuple[str, str], str]:
    """(article, local name) -> corpus name, with surnames linked only within a story: `groups` maps
    each article id to its story key (e.g. the articles' `event`); an article without one is a
    story of its own. Spellings, name variants, acronyms and short forms are still joined across
    the corpus (they name one actor wherever they stand); a bare surname joins the one full name
    of its story, never a namesake from an unrelated story."""
    base = corpus_canonical(local, local_mentions, link_surnames=False)
    story = {a: (g if isinstance(g, str) and g else f"article:{a}") for a, g in groups.items()}
    key = local["article_id"].map(lambda a: story.get(a, f"article:{a}"))
    best = _mode_by(local, ["actor"], "kind")
    kinds = dict(zip(best["actor"], best["kind"]))
    locative = _locative_names(local_mentions)
    out = {(a, n): base[n] for a, n in zip(local["article_id"], local["actor"])}
    for _, part in local.groupby(key, sort=False):
        if part["article_id"].nunique() < 2:
            continue  # the article's own linking already joined its surnames
        names = set(part["actor"])
        links = surname_links({n for n in names if base[n] == n}, kinds, locative, base)
        for a, n in zip(part["article_id"], part["actor"]):
            if base[n] in links:
                out[(a, n)] = links[base[n]]
    return out


# --- the correction file -------------------------------------------------------------------------

SECTIONS = ("aliases", "merge", "rename", "retag", "drop")
KIND_NAMES = {
    "person": PERSON, "people": PERSON, "per": PERSON,
    "organization": ORG, "organisation": ORG, "org": ORG,
    "place": PLACE, "location": PLACE, "gpe": PLACE, "loc": PLACE,
    "group": GROUP, "groups": GROUP,
}
CORRECTIONS_HELP = """\
actors.yaml holds up to five sections, each optional, applied in this order:
  aliases: {Canonical Name: [other spelling, ...]}   # mentions written so join the actor
  merge:   {Canonical Name: [other actor, ...]}      # those actors become this one
  rename:  {Old Name: New Name}
  retag:   {Name: person | organization | place | group}
  drop:    [Name, ...]                               # not actors; their mentions are removed"""


@dataclass(frozen=True)
class Corrections:
    aliases: dict = field(default_factory=dict)  # canonical -> [surface forms]
    merge: dict = field(default_factory=dict)  # canonical -> [actor names]
    rename: dict = field(default_factory=dict)  # old -> new
    retag: dict = field(default_factory=dict)  # name -> kind
    drop: tuple = ()
    path: str = ""


# LIMITS: a correction file of 20,000 entries is far below these.
MAX_CORRECTIONS_BYTES = 2 * 1024 * 1024
MAX_CORRECTIONS_VALUES = 200_000  # values once YAML aliases are expanded


def _fail(path, message: str):
    raise CorrectionsError(f"{path}: {message}\n{CORRECTIONS_HELP}", path=str(path), reason=message)


def _name(path, section: str, value) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        _fail(path, f"in '{section}', {value!r} is not a name (write names as text)")
    return str(value).strip()


def _name_list(path, section: str, key: str, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        _fail(path, f"in '{section}', '{key}' must be followed by a list of names, got {value!r}")
    return [_name(path, section, v) for v in value]


def parse_corrections(data, path="actors.yaml") -> Corrections:
    """Validate the YAML document of a correction file."""
    if data is None:
        return Corrections(path=str(path))
    if not isinstance(data, dict):
        _fail(path, f"the file must be a mapping of sections, not a {type(data).__name__}")
    unknown = [k for k in data if k not in SECTIONS]
    if unknown:
        _fail(path, f"unknown section(s) {', '.join(repr(k) for k in unknown)}; "
                    f"the sections are {', '.join(SECTIONS)}")
    mapping_sections = {}
    for section in ("aliases", "merge", "rename", "retag"):
        value = data.get(section) or {}
        if not isinstance(value, dict):
            _fail(path, f"'{section}' must be a mapping (Name: ...), got a {type(value).__name__}")
        mapping_sections[section] = value
    aliases = {_name(path, "aliases", k): _name_list(path, "aliases", k, v) for k, v in mapping_sections["aliases"].items()}
    merge = {_name(path, "merge", k): _name_list(path, "merge", k, v) for k, v in mapping_sections["merge"].items()}
    rename = {_name(path, "rename", k): _name(path, "rename", v) for k, v in mapping_sections["rename"].items()}
    retag = {}
    for k, v in mapping_sections["retag"].items():
        kind = KIND_NAMES.get(str(v).strip().lower()) if isinstance(v, str) else None
        if kind is None:
            _fail(path, f"in 'retag', '{k}' has kind {v!r}; use person, organization, place or group")
        retag[_name(path, "retag", k)] = kind
    drop_value = data.get("drop") or []
    if isinstance(drop_value, str):
        drop_value = [drop_value]
    if not isinstance(drop_value, list):
        _fail(path, f"'drop' must be a list of names, got a {type(drop_value).__name__}")
    drop = tuple(_name(path, "drop", v) for v in drop_value)
    cycles = correction_cycles(aliases, merge, rename)
    if cycles:
        _fail(path, "these entries turn a name into another and back, so one actor would silently become the "
                    "other: " + "; ".join(cycles) + ". Keep one direction only")
    return Corrections(aliases, merge, rename, retag, drop, str(path))


def correction_cycles(aliases: dict, merge: dict, rename: dict) -> list[str]:
    """Each cycle among the entries that turn one name into another (alias form → canonical, merged
    actor → canonical, old → new name), written out with the section of each step, e.g.
    "rename 'A' → 'B', merge 'B' → 'A'". Names compare as name_key does; a name turned into itself
    is not a cycle."""
    steps: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # key -> [(target key, section, from, to)]
    for section, pairs in (("alias", [(f, c) for c, forms in aliases.items() for f in forms]),
                           ("merge", [(o, c) for c, others in merge.items() for o in others]),
                           ("rename", list(rename.items()))):
        for source, target in pairs:
            if name_key(source) != name_key(target):
                steps[name_key(source)].append((name_key(target), section, source, target))
    cycles, seen_sets = [], set()
    finished: set[str] = set()
    for start in sorted(steps):
        if start in finished:
            continue
        # iterative depth-first search; `path` holds the steps from `start` to the current name
        path: list[tuple[str, str, str, str]] = []
        on_path = {start: 0}
        iterators = [iter(steps[start])]
        while iterators:
            step = next(iterators[-1], None)
            if step is None:
                iterators.pop()
                node = path.pop()[0] if path else start
                on_path.pop(node, None)
                finished.add(node)
                continue
            target = step[0]
            if target in on_path:
                loop = path[on_path[target]:] + [step]
                members = frozenset(s[0] for s in loop)
                if members not in seen_sets:
                    seen_sets.add(members)
                    cycles.append(", ".join(f"{section} '{a}' → '{b}'" for _, section, a, b in loop))
            elif target not in finished:
                path.append(step)
                on_path[target] = len(path)
                iterators.append(iter(steps.get(target, [])))
    return cycles


def load_corrections(path) -> Corrections:
    """The correction file at `path` (none if `path` is None or does not exist)."""
    if path is None:
        return Corrections()
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return Corrections(path=str(path))
    from . import safe_yaml
    from .corpus import read_text_file
    from .errors import ArticleError

    if path.is_dir():
        _fail(path, "is a folder, not a file")
    try:
        text = read_text_file(path, MAX_CORRECTIONS_BYTES)
    except ArticleError as exc:
        if exc.reason == "file is empty":
            return Corrections(path=str(path))
        _fail(path, exc.reason)
    try:
        data = safe_yaml.load(text, max_chars=MAX_CORRECTIONS_BYTES, max_values=MAX_CORRECTIONS_VALUES)
    except safe_yaml.YAMLRefused as exc:
        _fail(path, f"refused: {exc}")
    except safe_yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        _fail(path, f"not valid YAML{where}: {problem}")
    return parse_corrections(data, path)


def _matches(frame: pd.DataFrame, name: str, *, surface: bool = False) -> pd.Series:
    """Rows whose actor (or, with `surface`, mention text or article-local name) is `name`."""
    key = name_key(name)
    hit = frame["actor"].map(name_key) == key
    if surface:
        hit |= frame["text"].map(name_key) == key
        hit |= frame["local"].map(name_key) == key
    return hit


def _count(frame: pd.DataFrame, hit: pd.Series) -> str:
    n, articles = int(hit.sum()), frame.loc[hit, "article_id"].nunique()
    return f"{n} mention{'s' * (n != 1)} in {articles} article{'s' * (articles != 1)}"


def apply_corrections(mentions: pd.DataFrame, corr: Corrections) -> tuple[pd.DataFrame, list[str]]:
    """Apply aliases, merges, renames, retags and drops; dropped mentions get actor ''."""
    out = mentions.copy()
    applied: list[str] = []

    def change(hit, actor=None, kind=None):
        if actor is not None:
            out.loc[hit, "actor"] = actor
        if kind is not None:
            out.loc[hit, "kind"] = kind
        out.loc[hit, "how"] = "correction"

    def kind_of(name):
        rows = out[_matches(out, name)]
        return rows["kind"].mode().iloc[0] if not rows.empty else None

    for canonical, forms in corr.aliases.items():
        for form in forms:
            hit = _matches(out, form, surface=True) & ~_matches(out, canonical)
            if hit.any():
                change(hit, canonical, kind_of(canonical) or out.loc[hit, "kind"].mode().iloc[0])
                applied.append(f"alias '{form}' → '{canonical}': {_count(out, hit)}")
            else:
                applied.append(f"alias '{form}' → '{canonical}': nothing written so; not applied")
    for canonical, others in corr.merge.items():
        for other in others:
            hit = _matches(out, other, surface=True) & ~_matches(out, canonical)
            if hit.any():
                change(hit, canonical, kind_of(canonical) or out.loc[hit, "kind"].mode().iloc[0])
                applied.append(f"merge '{other}' into '{canonical}': {_count(out, hit)}")
            else:
                applied.append(f"merge '{other}' into '{canonical}': no such actor; not applied")
    for old, new in corr.rename.items():
        hit = _matches(out, old)
        if hit.any():
            change(hit, new)
            applied.append(f"rename '{old}' → '{new}': {_count(out, hit)}")
        else:
            applied.append(f"rename '{old}' → '{new}': no such actor; not applied")
    for name, kind in corr.retag.items():
        hit = _matches(out, corr.rename.get(name, name)) | _matches(out, name)
        if hit.any():
            change(hit, kind=kind)
            applied.append(f"retag '{name}' as {kind}: {_count(out, hit)}")
        else:
            applied.append(f"retag '{name}' as {kind}: no such actor; not applied")
    for name in corr.drop:
        hit = _matches(out, corr.rename.get(name, name), surface=True) | _matches(out, name, surface=True)
        if hit.any():
            applied.append(f"drop '{name}': {_count(out, hit)} removed")
            out.loc[hit, "actor"] = ""
        else:
            applied.append(f"drop '{name}': no such actor; not applied")
    return out, applied


# --- the actors table --------------------------------------------------------------------------------


def actors_table(mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per canonical actor per article (`actors` table)."""
    if mentions.empty:
        return schema.empty("actors")
    ordered = mentions.sort_values(["article_id", "start"])
    table = (ordered.groupby(["article_id", "actor"], sort=False)
             .agg(mentions=("start", "size"), first_sentence=("sentence_index", "min"),
                  first_start=("start", "min"))
             .reset_index())
    # kind = the group's kind mode (ties: the smallest), vectorised: a Python mode() per actor and
    # article was most of this function's time
    best = _mode_by(ordered, ["article_id", "actor"], "kind")
    kind_of = dict(zip(zip(best["article_id"], best["actor"]), best["kind"]))
    table.insert(2, "kind", [kind_of[k] for k in zip(table["article_id"], table["actor"])])
    quoted_words = _quoted_words(quotes)
    keys = list(zip(table["article_id"], table["actor"]))
    table["quoted"] = [k in quoted_words for k in keys]
    table["quoted_words"] = [int(quoted_words.get(k, 0)) for k in keys]
    table = table.sort_values(["article_id", "first_start"])
    return schema.conform("actors", table)


def _quoted_words(quotes: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(article, speaker) -> words quoted directly (0 for a speaker with reported speech only)."""
    if quotes is None or quotes.empty or "speaker" not in quotes:
        return {}
    spoken = quotes[quotes["speaker"].fillna("") != ""]
    if spoken.empty:
        return {}
    # one vectorised sum instead of a Python loop over the (article, speaker) groups
    if "words" not in spoken:
        words = pd.Series(0, index=spoken.index)
    elif "kind" in spoken:
        words = spoken["words"].where(spoken["kind"] == "direct", 0)
    else:
        words = spoken["words"]
    sums = words.groupby([spoken["article_id"], spoken["speaker"]]).sum()
    return {key: int(value) for key, value in sums.items()}


# --- views for the actors notebook ------------------------------------------------------------------


def as_kinds(kinds) -> tuple[str, ...]:
    """The `kinds` notebook parameter as a tuple: a list, or a comma-separated string; all if empty."""
    if kinds is None or (isinstance(kinds, str) and not kinds.strip()):
        return KINDS
    items = kinds.split(",") if isinstance(kinds, str) else list(kinds)
    out = []
    for item in items:
        kind = KIND_NAMES.get(str(item).strip().lower())
        if kind is None:
            raise ValueError(f"unknown actor kind {item!r}; use {', '.join(KINDS)}")
        out.append(kind)
    return tuple(dict.fromkeys(out))


def source_labels(articles: pd.DataFrame) -> dict[str, str]:
    """article_id -> how a reader names the source: the outlet, with the id when one outlet has
    several articles; the id alone when the outlet is unknown."""
    if articles is None or articles.empty:
        return {}
    outlets = articles["outlet"].fillna("").astype(str).str.strip()
    repeated = outlets[outlets != ""].value_counts()
    labels = {}
    for article_id, outlet in zip(articles["article_id"].astype(str), outlets):
        if not outlet:
            labels[article_id] = article_id
        else:
            labels[article_id] = f"{outlet} ({article_id})" if repeated.get(outlet, 0) > 1 else outlet
    return labels


def _with_source(table: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    labels = source_labels(articles)
    return table.assign(source=table["article_id"].map(lambda a: labels.get(a, a)))


def _top_actors(table: pd.DataFrame, top_n: int | None) -> list[str]:
    totals = table.groupby("actor")["mentions"].sum().sort_values(ascending=False, kind="stable")
    return totals.index.tolist() if not top_n else totals.head(int(top_n)).index.tolist()


def mentions_by_source(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None,
                       top_n: int | None = 15) -> pd.DataFrame:
    """Mentions per actor per source for the `top_n` most mentioned actors of the given kinds."""
    table = actor_table[actor_table["kind"].isin(as_kinds(kinds))]
    if table.empty:
        return pd.DataFrame(columns=["actor", "kind", "source", "mentions"])
    table = table[table["actor"].isin(_top_actors(table, top_n))]
    table = _with_source(table, articles)
    out = table.groupby(["actor", "kind", "source"], as_index=False)["mentions"].sum()
    order = {a: i for i, a in enumerate(_top_actors(out, None))}
    return out.sort_values(["actor", "source"], key=lambda s: s.map(order) if s.name == "actor" else s,
                           kind="stable").reset_index(drop=True)


def single_source_actors(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None) -> pd.DataFrame:
    """Actors that only one source names, most mentioned first."""
    table = _with_source(actor_table[actor_table["kind"].isin(as_kinds(kinds))], articles)
    columns = ["actor", "kind", "source", "mentions", "first_sentence", "quoted"]
    if table.empty or table["source"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    n_sources = table.groupby("actor")["source"].nunique()
    only = table[table["actor"].isin(n_sources[n_sources == 1].index)]
    out = only.groupby(["actor", "kind", "source"], as_index=False).agg(
        mentions=("mentions", "sum"), first_sentence=("first_sentence", "min"), quoted=("quoted", "any"))
    return out.sort_values(["mentions", "actor"], ascending=[False, True]).reset_index(drop=True)[columns]


def prominence(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None,
               top_n: int | None = 15) -> pd.DataFrame:
    """For each of the `top_n` actors and each source naming it: the sentence of its first mention."""
    table = actor_table[actor_table["kind"].isin(as_kinds(kinds))]
    columns = ["actor", "kind", "source", "first_sentence", "mentions"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    table = _with_source(table[table["actor"].isin(_top_actors(table, top_n))], articles)
    out = table.groupby(["actor", "kind", "source"], as_index=False).agg(
        first_sentence=("first_sentence", "min"), mentions=("mentions", "sum"))
    return out.sort_values(["first_sentence", "actor"]).reset_index(drop=True)[columns]


def cooccurrence(mentions: pd.DataFrame, *, kinds=None, top_n: int | None = 15) -> pd.DataFrame:
    """Pairs of the `top_n` most mentioned actors and the number of sentences naming both
    (each ordered pair once in each direction, for a symmetric heatmap; the diagonal is each
    actor's own number of sentences)."""
    columns = ["actor_a", "actor_b", "sentences"]
    m = mentions[mentions["kind"].isin(as_kinds(kinds))]
    if m.empty:
        return pd.DataFrame(columns=columns)
    counts = m.groupby("actor").size().rename("mentions").reset_index()
    keep = set(_top_actors(counts, top_n))
    sentences = (m[m["actor"].isin(keep)][["article_id", "sentence_index", "actor"]].drop_duplicates())
    pairs = sentences.merge(sentences, on=["article_id", "sentence_index"], suffixes=("_a", "_b"))
    out = pairs.groupby(["actor_a", "actor_b"], as_index=False).size().rename(columns={"size": "sentences"})
    return out.sort_values(["sentences", "actor_a", "actor_b"], ascending=[False, True, True]).reset_index(drop=True)


def actor_summary(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None) -> pd.DataFrame:
    """One row per actor across the corpus: sources, mentions, earliest first mention, quoted words."""
    table = _with_source(actor_table[actor_table["kind"].isin(as_kinds(kinds))], articles)
    columns = ["actor", "kind", "sources", "n_sources", "mentions", "earliest_sentence", "quoted_words"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    out = table.groupby(["actor", "kind"], as_index=False).agg(
        sources=("source", lambda s: "; ".join(sorted(set(s)))), n_sources=("source", "nunique"),
        mentions=("mentions", "sum"), earliest_sentence=("first_sentence", "min"),
        quoted_words=("quoted_words", "sum"))
    return out.sort_values(["mentions", "actor"], ascending=[False, True]).reset_index(drop=True)[columns]


def corrections_frame(applied: list[str]) -> pd.DataFrame:
    """The corrections an annotate run applied, as a one-column table."""
    return pd.DataFrame({"correction applied from actors.yaml": list(applied or [])})


class SortableTable:
    """A pandas table (cells escaped by pandas) whose column headers sort it when clicked.
    Without JavaScript it is a plain table."""

    _SCRIPT = """<script>(function(){var t=document.getElementById("%s");if(!t)return;
t.querySelectorAll("thead th").forEach(function(th,i){th.style.cursor="pointer";th.title="click to sort";
th.addEventListener("click",function(){var b=t.tBodies[0],r=Array.from(b.rows),d=th.dataset.d==="a"?"d":"a";
th.dataset.d=d;r.sort(function(x,y){var p=x.cells[i].innerText,q=y.cells[i].innerText,
m=parseFloat(p),n=parseFloat(q),c=(!isNaN(m)&&!isNaN(n))?m-n:p.localeCompare(q);return d==="a"?c:-c;});
r.forEach(function(row){b.appendChild(row);});});});})();</script>"""

    def __init__(self, frame: pd.DataFrame, table_id: str = "newsbook-actors-table"):
        self.frame = frame
        self.table_id = table_id

    def _repr_html_(self) -> str:
        table = self.frame.to_html(index=False, escape=True, table_id=self.table_id, border=0)
        return table + self._SCRIPT % self.table_id

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)

"""Actor candidates in one article: spaCy's entities and untagged proper nouns (plus the entity-ruler
patterns for '<Name> TV'), trimmed, extended, split and joined, filtered (works, title fragments,
words for kinds of people) and voted to a kind from their context; groups ('the protesters')."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from . import rules
from .nlp import doc_cache, doc_ents, doc_tokens, span_text, token_flags
from .actor_lexicon import (
    Cand, replace, DETERMINERS, GROUP, LABEL_KIND, LEGAL_FORMS, MEDIA_WORDS, ORG, ORG_WORDS, PERSON, PLACE, POSSESSIVES,
    QUOTE_MARKS, TITLE_HEADS, TITLE_MODIFIERS, WORK_NOUNS, _is_capital_acronym, _is_title_head, _is_title_word,
    clean_name, given_name_gender)
from .actor_roles import role_after, role_before
from .figure_lexicon import TIME_MARKERS  # calendar.yaml's words after a clock time


def ruler_patterns() -> list[dict]:
    """Entity-ruler patterns: '<Proper Noun>+ <media word>' is an organisation ("Vesti TV")."""
    proper = {"TAG": {"IN": ["NNP", "NNPS"]}, "IS_LOWER": False, "IS_ALPHA": True}
    media = {"LOWER": {"IN": sorted(MEDIA_WORDS)}, "TAG": {"IN": ["NNP", "NNPS", "NN"]}}
    return [
        {"label": "ORG", "pattern": [proper, media], "id": "media"},
        {"label": "ORG", "pattern": [proper, proper, media], "id": "media"},
        {"label": "ORG", "pattern": [proper, proper, proper, media], "id": "media"},
    ]


def _span_name(doc: Doc, cand: Cand) -> str:
    """The cleaned text of a candidate's tokens, once per token range and Doc (linking asks for
    every candidate's name three times)."""
    names = doc_cache(doc).get("newsbook_span_names")
    if names is None:
        names = doc_cache(doc)["newsbook_span_names"] = {}
    key = (cand.start, cand.end)
    name = names.get(key)
    if name is None:
        name = names[key] = clean_name(span_text(doc, cand.start, cand.end))
    return name


def _has_org_word(tokens) -> bool:
    return any(t.lower_ in ORG_WORDS and (t.is_title or t.is_upper) for t in tokens)


def entity_candidates(doc: Doc) -> list[Cand]:
    """Candidates from spaCy's entities, with the model's label as a first vote."""
    cands = []
    tokens = doc_tokens(doc)  # (an entity's tokens sliced from the list, not built again by the Span)
    for ent in doc_ents(doc):
        kind = LABEL_KIND.get(ent.label_)
        if kind is None and 3 <= len(ent) <= 4 and _titled_name(tokens[ent.start:ent.end]):
            kind = PERSON  # 'Councilwoman Rita Owusu' read as a work of art: the title says who
        if kind is None:
            continue
        weight = 1.0
        if kind == ORG and len(ent) == 1 and not _has_org_word(tokens[ent.start:ent.end]):
            weight = 0.5  # a lone capitalised word tagged ORG is the small model's usual surname error
        if kind == PERSON and len([t for t in tokens[ent.start:ent.end] if t.is_alpha]) >= 2:
            weight = 2.0  # a first name plus surname is strong evidence of a person
        cands.append(Cand(ent.start, ent.end, {kind: weight}))
    return cands


def _titled_name(ent) -> bool:
    """A title word then two or three Title-case words and nothing else ('Councilwoman Rita Owusu');
    `ent`: the entity's tokens."""
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
    # a run starts only at a proper noun (found in the flags, not by a Python loop over every token)
    for start in [k for k, flag in enumerate(proper) if flag]:
        if start < i or not _untagged_proper(tokens[start]):
            continue  # inside the last run, or no run starts here (a place only after the first word)
        i = start
        named = _after_org_noun(doc, i)  # 'the charity Cancer Research UK': a country may end the name
        j = i + 1  # (tokens[i] passed the test above)
        while j < len(tokens) and _untagged_proper(tokens[j], allow_place=named):
            j += 1
        if (j - i >= 2 and tokens[j - 1].lower_ in ORG_WORDS) or _qualifies_a_job(doc, j) or named:
            out.append(Cand(i, j, {ORG: 1.0}))
        i = j
    return out


def _is_proper_noun_tag(tag: str) -> bool:
    return tag in {"NNP", "NNPS"}


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


def is_clock_word(doc: Doc, cand: Cand) -> bool:
    """'18:00 local time (1500 UTC)': a time zone after a clock time (calendar.yaml's time markers) is
    no organisation."""
    return cand.end - cand.start == 1 and doc_tokens(doc)[cand.start].lower_ in TIME_MARKERS


PARTY_AND_STATE = re.compile(r"[DRI]-[A-Z][\w.]*")


def is_party_and_state(doc: Doc, cand: Cand) -> bool:
    """'Sen. Jane Roe, D-Mass.,': the senator's party and state, no actor of the story."""
    return bool(PARTY_AND_STATE.fullmatch(span_text(doc, cand.start, cand.end).strip(" ,")))


def is_not_a_name(doc: Doc, cand: Cand) -> bool:
    """No capitalised word at all: not a proper name."""
    return not any(t.is_alpha and (t.text[0].isupper()) for t in doc_tokens(doc)[cand.start:cand.end])


ORG_NOUNS = rules.words("org_kind_nouns")  # rules/org_kind_nouns.txt
# Verbs whose subject is a news organisation far more often than a country or a person.
MEDIA_VERBS = {"report", "publish", "broadcast"}


def vote_from_context(doc: Doc, cand: Cand) -> Cand:
    """Titles around a name vote person; organisation words inside a name, or a noun for a kind of
    organisation before it, vote organisation; so does 'reported' after a lone name."""
    tokens = doc_tokens(doc)[cand.start:cand.end]
    if _has_org_word(tokens):
        return cand.vote(ORG, 3.0)
    if _after_org_noun(doc, cand.start) or _names_an_org_noun(doc, cand):
        return cand.vote(ORG, 3.0)
    if _reports_news(doc, cand):
        return cand.vote(ORG, 2.0)
    if len(tokens) == 1 and _before_its_region(doc, cand.end):
        return cand.vote(PLACE, 4.0)
    if len(tokens) == 1 and cand.kind == PERSON and _people_of_a_nation(doc, tokens[0]):
        return cand.vote(GROUP, 3.0)
    if cand.kind == PERSON and _written_as_a_place_name(doc, cand):
        return cand.vote(PLACE, 3.0)
    if _in_apposition_to_a_role(doc, cand):
        return cand.vote(PERSON, 3.0)
    role = role_before(doc, cand.start, cand.end) or role_after(doc, cand.end)
    if role is not None and all(t.is_alpha or t.text in "-.'’" for t in tokens):
        return replace(cand, role=role).vote(PERSON, 3.0)
    if len(tokens) == 1 and _qualifies_a_job(doc, cand.end):
        return cand.vote(ORG, 1.5)
    if (len(tokens) >= 2 and _followed_by_who(doc, cand.end)) or _starts_with_a_given_name(tokens):
        return cand.vote(PERSON, 2.0)  # (a lone name with 'who' may be a team: 'the Wildcats, who')
    return cand


def _followed_by_who(doc: Doc, end: int) -> bool:
    """'the campaign of Viktar Babaryka, who was arrested': an organisation would be 'which'."""
    tokens = doc_tokens(doc)
    return end + 1 < len(tokens) and tokens[end].text == "," and tokens[end + 1].lower_ == "who"


def _starts_with_a_given_name(tokens) -> bool:
    """'Kyle Rittenhouse', 'Jacqueline De León': two or three capitalised words opening with a given
    name (rules/given_names_*.txt) are a person; the model often tags an unfamiliar surname ORG.
    Not when the last word is a common English word: 'Douglas County', 'Christian Democratic Appeal',
    'Gerald Schoenfeld Theater' (a surname such as Heard or Brown loses only this vote)."""
    if not 2 <= len(tokens) <= 3 or not all(t.is_alpha and t.text[0].isupper() for t in tokens):
        return False
    first = tokens[0].lower_
    return (first in rules.words("given_names_male") or first in rules.words("given_names_female")) \
        and first not in rules.words("name_particles") and not is_common_word(tokens[-1].lower_)


COMMON_WORD_ZIPF = 4.0  # wordfreq's Zipf frequency from which a word is everyday English ("county": 5.2)


@functools.lru_cache(maxsize=1 << 14)
def is_common_word(word: str) -> bool:
    """Whether `word` is an everyday English word (wordfreq), as names of places and institutions
    end ('County', 'Center') and few surnames do."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_WORD_ZIPF


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


PLACE_NOUNS = rules.words("place_kind_nouns")  # rules/place_kind_nouns.txt


def _written_as_a_place_name(doc: Doc, cand: Cand) -> bool:
    """'the port of Bandar Abbas' ... 'the hospital in Bandar Abbas': a name the model took for a person
    that the article writes, somewhere, as the of-phrase of a kind of place or right after a place
    preposition (not as a possessor: 'in Trump's view') is a place. Never a name introduced with a
    title ('Mayor X') or a full name of a known given name."""
    tokens = doc_tokens(doc)
    words = [t.text for t in tokens[cand.start:cand.end]]
    if role_before(doc, cand.start, cand.end) is not None or _known_given_name(words[0]) \
            or (len(words) == 1 and _is_surname(doc, tokens[cand.start])):
        return False
    n = len(words)
    for i in _positions_of(doc).get(words[0], ()):
        if i < 1 or i + n > len(tokens) or [t.text for t in tokens[i:i + n]] != words:
            continue
        after = tokens[i + n] if i + n < len(tokens) else None
        if after is not None and (after.tag_ == "POS" or after.text[:1].isupper()):
            continue  # ('in Trump's view', 'confidence in Garda Commissioner X': a longer name)
        before = tokens[i - 1]
        if before.lower_ in ("in", "near", "outside"):  # (not 'at': 'shouted at Iohannis')
            return True
        if before.lower_ == "of" and i >= 2 and tokens[i - 2].lower_ in PLACE_NOUNS:
            return True
    return False


def _positions_of(doc: Doc) -> dict[str, list[int]]:
    """Token indices of each spelling in the Doc, once per Doc (asked for every person candidate)."""
    positions = doc_cache(doc).get("newsbook_positions_of")
    if positions is None:
        positions = {}
        for i, t in enumerate(doc_tokens(doc)):
            positions.setdefault(t.text, []).append(i)
        doc_cache(doc)["newsbook_positions_of"] = positions
    return positions


def _known_given_name(word: str) -> bool:
    return bool(given_name_gender(word))


def _names_an_org_noun(doc: Doc, cand: Cand) -> bool:
    """'the official IRNA news agency', 'the state-run Xinhua agency': a lone name modifying a kind of
    organisation (rules/org_kind_nouns.txt) within the next two words names that organisation, whatever
    title word ('official') stands before it."""
    if cand.end - cand.start != 1:
        return False
    token = doc_tokens(doc)[cand.start]
    head = token.head
    return (token.dep_ in ("compound", "amod", "nmod") and 0 < head.i - token.i <= 2 and head.tag_ == "NN"
            and head.is_lower and head.lower_ in ORG_NOUNS)


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


def _people_of_a_nation(doc: Doc, token: Token) -> bool:
    """'Greeks' tagged a person where the article also writes 'Greek' as a nationality: a plural of a
    nationality word (NORP) the article uses elsewhere is its people, a group (not a known surname)."""
    if not _plural(token) or _is_surname(doc, token):
        return False
    word = token.lower_
    return any(t.ent_type_ == "NORP" and t.i != token.i and word in (t.lower_ + "s", t.lower_ + "es")
               for t in doc_tokens(doc))


def is_kind_modifier(doc: Doc, cand: Cand) -> bool:
    """'a Sikh tradition', 'an Amish farm': a lone word tagged a person that modifies a common noun
    after 'a'/'an' says what kind of thing it is, and names nobody (a known surname aside)."""
    if cand.end - cand.start != 1 or cand.kind != PERSON:
        return False
    return names_a_kind(doc, doc_tokens(doc)[cand.start])


def names_a_kind(doc: Doc, token: Token) -> bool:
    """`is_kind_modifier` for one token (the quotes stage asks it of the parser's entities)."""
    head = token.head
    return (token.dep_ in ("compound", "amod") and head.pos_ == "NOUN" and head.i == token.i + 1
            and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children)
            and not _is_surname(doc, token))


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


JOBS_IN_ORGANISATIONS = rules.words("jobs_in_organisations")  # rules/jobs_in_organisations.txt


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


_NAME_PREPOSITIONS = {"of", "for", "and", "in", "at", "on", "to", "from"}


def _free_name_word(token: Token) -> bool:
    """A capitalised word no entity holds ('Oversight'), not a stop word ('The')."""
    return token.is_title and token.is_alpha and not token.is_stop and token.ent_iob_ == "O"


def merge_and_phrases(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """'House Oversight and Reform Committee', 'Energy and Commerce Committee': capitalised words,
    'and', and a name ending in an organisation word are one organisation the model cut at 'and'.
    Not when the words before 'and' are a name of their own kind ('Ford and General Motors',
    'Kenya and the World Bank'): only words no entity holds, or an organisation the merged name
    starts with ('House'), are taken in."""
    tokens = doc_tokens(doc)
    by_end = {c.end: c for c in cands}
    absorbed: set[int] = {i for c in cands for i in range(c.start, c.end)}
    out: list[Cand] = []
    for c in sorted(cands, key=lambda c: c.start):
        k = c.start - 1
        if not (c.kind == ORG and k >= 2 and tokens[k].lower_ == "and" and _has_org_word(tokens[c.end - 1:c.end])
                and not _has_org_word(tokens[c.start:c.end - 1])):
            out.append(c)
            continue
        start = k
        while start > 0 and _free_name_word(tokens[start - 1]) and start - 1 not in absorbed:
            start -= 1
        if start == k or (start > 0 and tokens[start - 1].lower_ in _NAME_PREPOSITIONS):
            out.append(c)  # no free capitalised word before 'and', or it ends another name ('Union of Montana')
            continue
        before = by_end.get(start)
        if before is not None and before.kind == ORG and before.end - before.start == 1 and _has_org_word(
                tokens[before.start:before.end]):
            start = before.start  # 'House' + 'Oversight and Reform Committee'
            out = [o for o in out if o is not before]
        absorbed.update(range(start, c.end))
        out.append(replace(c, start=start).vote(ORG, 1.0))
    return out


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


def _is_group_noun(lower: str) -> bool:
    return lower in rules.words("group_nouns")


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
    group_words = token_flags(doc, "LOWER", _is_group_noun)  # the few tokens worth a look
    for t in (tokens[i] for i, flag in enumerate(group_words) if flag):
        if taken[t.i] or t.pos_ != "NOUN":
            continue
        if t.i > 0 and tokens[t.i - 1].lower_ == "the" or t.dep_ in ("nsubj", "nsubjpass"):
            if not any(c.start <= t.i < c.end for c in out):
                out.append(Cand(t.i, t.i + 1, {GROUP: 5.0}))
    return out

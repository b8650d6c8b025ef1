"""Who is in the text, as references a quote's speaker can resolve to: the article's mentions (from
the actors extractor) and the parser's entities (`Persons`, computed once per article by the actors
component and kept as ``doc._.persons``), the full names and surnames the model missed (`_Actors`, the
view the quotes stage asks for with its quotation marks), and the name-chain and sentence helpers on
tokens they use."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Span, Token

from .nlp import doc_cache, doc_ents, doc_tokens, sentence_token_starts, span_text, token_flags
from .actor_lexicon import clean_name
from .actor_candidates import names_a_kind
from .quote_words import ROLE_NOUNS, SPEECH_VERBS, _ORG_WORDS, _ROLE_OR_TITLE_WORDS, _is_propn

# --- actors: mentions, entities and names -----------------------------------------------------


@dataclass
class _Ref:
    """Something a speaker can be: a mention of an actor (from the mentions table or an entity)."""

    start: int
    end: int
    actor: str
    kind: str  # person | organization | place
    tokens: tuple[int, int]  # token range [i, j)
    subject: bool = False
    sent: int = 0


def _copy(ref: _Ref) -> _Ref:
    """`dataclasses.replace(ref)` (a _Ref has no __post_init__), without its per-call field
    introspection: each quotes pass copies every reference of the article."""
    new = object.__new__(_Ref)
    new.__dict__.update(ref.__dict__)
    return new


@functools.lru_cache(maxsize=65536)
def _actor_gender(name: str) -> str:
    """'f' / 'm' when a full name's given name says so (rules/given_names_*.txt), else ''."""
    from .actor_lexicon import given_name_gender

    words = name.split()
    return given_name_gender(words[0]) if len(words) >= 2 else ""


_KIND_OF_LABEL = {"PERSON": "person", "ORG": "organization", "NORP": "organization", "GPE": "place",
                  "LOC": "place", "FAC": "place", "WORK_OF_ART": "organization"}


_BRACKET_AT_END = re.compile(r"\s*\([^)]*\)?\s*$")  # "Department of Justice (DoJ"
_POSSESSIVE_END = re.compile(r"[’']s?$")  # "Lee's"; and the "'s" of "let's say" is no name at all


@functools.lru_cache(maxsize=65536)  # pure, and the same names come back for every speaker
def _clean_name(name: str) -> str:
    """A speaker's name: the actors' `clean_name`, also without the abbreviation or aside in
    brackets a speaker phrase or an entity may end with."""
    return clean_name(_BRACKET_AT_END.sub("", _POSSESSIVE_END.sub("", name.strip())))


_QUOTE_OPENS_WORD = re.compile(r"\s['‘\"“]\w")  # "Riot Deaths 'Murder": a quote opened inside the entity


def _entity_kinds(doc: Doc) -> list[tuple[Span, str, str]]:
    """(entity, speaker kind, cleaned name) of the entities that can speak, once per Doc."""
    cached = doc_cache(doc).get("newsbook_quote_entities")
    if cached is None:
        cached = []
        for ent in doc_ents(doc):
            kind = _KIND_OF_LABEL.get(ent.label_)
            if kind is None or _QUOTE_OPENS_WORD.search(ent.text):
                # ("Calls Bank Workers' Riot Deaths 'Murder'": a quotation mark opening a word
                # inside the entity is a headline's quote run into the name, no one's name)
                continue
            if kind == "person" and len(ent) == 1 and names_a_kind(doc, ent[0]):
                continue  # "a Sikh tradition": the word says what kind of tradition, names no one
            if kind == "organization" and ent.label_ == "ORG" and _looks_like_person(ent):
                kind = "person"
            cached.append((ent, kind, _clean_name(ent.text)))
        doc_cache(doc)["newsbook_quote_entities"] = cached
    return cached


def _looks_like_person(span) -> bool:
    """A name the model labelled ORG that reads as a person's name ("Jean-Claude Juncker")."""
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 4:
        return False
    if any(t.lower_ in _ORG_WORDS or not (t.text[:1].isupper()) for t in words):
        return False
    head = span.root
    near = [head.head] + list(head.children)
    return head.dep_ == "appos" or any(t.lemma_.lower() in ROLE_NOUNS for t in near)


class Persons:
    """The person (and other speaker) references of one article, computed once by the actors
    component (``doc._.persons``): the article's mentions when it has any, else the parser's
    entities with a small article-local canonicalisation (surname -> full name), plus the entities
    the mentions missed, named after the mentions' persons where a surname matches.

    What depends on the quotation marks (names inside a quotation are nobody's mention as a speaker,
    and promote no one) is applied by `for_quotes`, given the quotes stage's mask."""

    def __init__(self, doc: Doc, mentions: list[tuple] | None):
        self.refs: list[_Ref] = []
        self.from_table = bool(mentions)
        self._surnames: dict[str, str] = {}
        ents = _entity_kinds(doc)
        for ent, kind, name in ents:
            if kind == "person":
                parts = name.split()
                if len(parts) >= 2:
                    self._surnames.setdefault(parts[-1].lower(), name)
                    if len(name) > len(self._surnames[parts[-1].lower()]):
                        self._surnames[parts[-1].lower()] = name
        self.entity_refs = [_ref_from_span(doc, ent.start_char, ent.end_char, self._ent_name(name, kind), kind,
                                           tokens=(ent.start, ent.end))
                            for ent, kind, name in ents]
        self.entity_refs = [r for r in self.entity_refs if r is not None]
        # Surnames the model labelled as something else ("Trump" as ORG): persons too.
        for ref in self.entity_refs:
            if ref.kind != "person":
                last = ref.actor.split()[-1].lower() if ref.actor else ""
                if last in self._surnames and len(ref.actor.split()) == 1:
                    ref.kind, ref.actor = "person", self._surnames[last]
                elif self._surnames:
                    # "Vesti TV Putin": an entity ending in a known person's surname.
                    toks = doc_tokens(doc)[ref.tokens[0]:ref.tokens[1]]  # (no Span to build)
                    if len(toks) > 1 and toks[-1].lower_ in self._surnames and toks[-1].pos_ == "PROPN":
                        i = toks[-1].i
                        ref.start, ref.end, ref.tokens = toks[-1].idx, toks[-1].idx + len(toks[-1]), (i, i + 1)
                        ref.kind, ref.actor = "person", self._surnames[toks[-1].lower_]
        if self.from_table:
            for start, end, actor, kind in mentions:
                ref = _ref_from_span(doc, int(start), int(end), str(actor), str(kind))
                if ref is not None:
                    self.refs.append(ref)
            # What the table missed, from the parser's entities, named after the table's persons
            # where a surname matches.
            table_surnames = {}
            for r in self.refs:
                if r.kind == "person" and len(r.actor.split()) >= 2:
                    table_surnames.setdefault(r.actor.split()[-1].lower(), r.actor)
            # token indices the refs cover (a ref's token range is never empty): a set, because
            # testing each entity against every ref's range was quadratic
            covered = {k for r in self.refs for k in range(*r.tokens)}
            for r in self.entity_refs:
                if not covered.isdisjoint(range(*r.tokens)):
                    continue
                last = r.actor.split()[-1].lower() if r.actor.split() else ""
                if last in table_surnames and (r.kind == "person" or len(r.actor.split()) == 1):
                    r = _Ref(r.start, r.end, table_surnames[last], "person", r.tokens, r.subject, r.sent)
                self.refs.append(r)
                covered.update(range(*r.tokens))
            self._surnames.update(table_surnames)
        else:
            self.refs = list(self.entity_refs)

    def _ent_name(self, name: str, kind: str) -> str:
        """The speaker name for an entity's cleaned text: a person's surname gives the full name."""
        if kind == "person":
            last = name.split()[-1].lower() if name else ""
            return self._surnames.get(last, name)
        return name

    def for_quotes(self, doc: Doc, in_quote: list[bool], dateline: list[bool] | None = None) -> _Actors:
        """The references a speaker can be, given which tokens are quoted and which open a dateline."""
        return _Actors(doc, self, in_quote, dateline)


def persons_of(doc: Doc, mentions: list[dict]) -> Persons:
    """The article's `Persons`, given its mention rows (dicts with start, end, actor and kind)."""
    return Persons(doc, [(int(m["start"]), int(m["end"]), str(m["actor"]), str(m["kind"])) for m in mentions])


def _ref_from_span(doc: Doc, start: int, end: int, actor: str, kind: str,
                   tokens: tuple[int, int] | None = None) -> _Ref | None:
    where = _span_facts(doc, start, end, tokens)
    if where is None:
        return None
    tokens, subject, sent = where
    return _Ref(start, end, actor, kind, tokens, subject, sent)


class _Actors:
    """The references a speaker can be in one article as the quotes stage sees it: the article's
    `Persons` (copied: promotions relabel references), plus the full names the model missed that
    the text shows to be persons and the known surnames it did not tag, outside quotations and
    datelines."""

    def __init__(self, doc: Doc, persons: Persons, in_quote: list[bool], dateline: list[bool] | None = None):
        self.doc = doc
        self.from_table = persons.from_table
        copies = {id(r): _copy(r) for r in persons.refs + persons.entity_refs}
        self.refs = [copies[id(r)] for r in persons.refs]
        self.entity_refs = [copies[id(r)] for r in persons.entity_refs]
        self._surnames = dict(persons._surnames)
        dateline = dateline or [False] * len(doc)
        self._promote_missed_persons(in_quote, dateline)
        # A known person's surname the parser did not tag ("Bianchi disagreed.").
        covered = {k for r in self.refs for k in range(*r.tokens)}
        tokens = doc_tokens(doc)
        for tok in _propn_tokens(doc):
            if tok.lower_ in self._surnames and not in_quote[tok.i] \
                    and tok.i not in covered \
                    and not (tok.i + 1 < len(tokens) and tokens[tok.i + 1].pos_ == "PROPN"):
                ref = self._ref_from_span(tok.idx, tok.idx + len(tok), self._surnames[tok.lower_], "person")
                if ref is not None:
                    self.refs.append(ref)
        # Words in quotes are nobody's mention as a speaker; nor is a dateline's place.
        self.refs = [r for r in self.refs if not in_quote[r.tokens[0]] and not dateline[r.tokens[0]]]
        self.entity_refs = [r for r in self.entity_refs if not dateline[r.tokens[0]]]
        self.refs.sort(key=lambda r: r.start)
        self._starts = [r.start for r in self.refs]

    def _promote_missed_persons(self, in_quote: list[bool], dateline: list[bool]) -> None:
        """Full names (2-4 capitalised words) the model missed or took for something else, when
        the text shows a person: the name says something ("Tedros Adhanom Ghebreyesus told",
        tagged a work of art; "Elon Musk said", untagged), or stands in apposition to a title
        ("the Conservative leader, Kemi Badenoch", tagged a place). An organisation or a place
        that merely speaks ("South Korea said") stays what it is."""
        doc, tokens = self.doc, doc_tokens(self.doc)
        for head, span in _name_chains(doc):
            if in_quote[head.i] or dateline[span[0]]:
                continue
            speaks = head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in SPEECH_VERBS
            titled = _titled(head)
            if not (titled or speaks):
                continue  # (most chains: their entity labels need not be read)
            labels = {t.ent_type_ for t in tokens[span[0]:span[1]]}
            if not (titled or (speaks and labels <= {"", "WORK_OF_ART", "PRODUCT", "LAW", "EVENT", "FAC"})):
                continue
            overlapping = [r for r in self.refs if r.tokens[0] < span[1] and span[0] < r.tokens[1]]
            if any(r.kind == "person" for r in overlapping) or "ORG" in labels:
                continue
            name = span_text(doc, span[0], span[1])
            ref = self._ref_from_span(tokens[span[0]].idx, head.idx + len(head), name, "person")
            if ref is None:
                continue
            self.refs = [r for r in self.refs if r not in overlapping] + [ref]
            self.entity_refs = [r for r in self.entity_refs
                                if not (r.tokens[0] < span[1] and span[0] < r.tokens[1])] + [ref]
            self._surnames[head.lower_] = name
            # the surname alone, elsewhere taken for a place or a work, is this person too
            for r in self.refs + self.entity_refs:
                if r.kind != "person" and span_text(doc, r.tokens[0], r.tokens[1]) == head.text:
                    r.kind, r.actor = "person", name

    def _ref_from_span(self, start: int, end: int, actor: str, kind: str) -> _Ref | None:
        return _ref_from_span(self.doc, start, end, actor, kind)

    def covering(self, start: int, end: int, *, kinds=None, prefer: Token | None = None) -> _Ref | None:
        """The mention (or entity) overlapping [start, end): the one holding the head `prefer`, else
        a person in apposition to it ("the club's chairman, Jonas Berg"), else a person that is not
        a possessor ("Lee's deputy"), else any person, else the first."""
        found = []
        for pool in (self.refs, self.entity_refs):
            hits = [r for r in pool if r.start < end and r.end > start and (kinds is None or r.kind in kinds)]
            if hits:
                found = hits
                break
        if not found:
            return None
        if prefer is None:
            persons = [r for r in found if r.kind == "person"]
            return (persons or found)[0]
        for r in found:
            if r.tokens[0] <= prefer.i < r.tokens[1]:
                return r
        doc = self.doc
        appos = {t.i for c in prefer.children if c.dep_ == "appos" for t in c.subtree}
        poss = {t.i for c in prefer.children if c.dep_ == "poss" for t in c.subtree}

        def rank(r: _Ref) -> tuple:
            toks = set(range(*r.tokens))
            return (r.kind != "person", not (toks & appos), bool(toks & poss), r.start)

        best = min(found, key=rank)
        if best.kind == "person" and set(range(*best.tokens)) & poss and not doc[prefer.i].pos_ == "PROPN":
            return None  # "Lee's deputy" is not Lee
        return best

    def name_of_surname(self, word: str) -> str | None:
        for r in self.refs:
            if r.kind == "person" and r.actor.split() and r.actor.split()[-1].lower() == word.lower():
                return r.actor
        return self._surnames.get(word.lower())


def _name_chain(head: Token) -> tuple[int, int] | None:
    """Token range of a person-like name ending at `head`: 2-4 capitalised proper nouns joined
    as compounds, no organisation or title words."""
    if head.pos_ != "PROPN" or head.dep_ in ("compound", "flat"):
        return None
    parts = [c for c in head.lefts if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN"]
    if not parts:
        return None
    start = parts[0].i
    tokens = doc_tokens(head.doc)
    while start < head.i and tokens[start].lower_ in _ROLE_OR_TITLE_WORDS:
        start += 1
    words = tokens[start:head.i + 1]
    if not 2 <= len(words) <= 4 or any(w.pos_ != "PROPN" for w in words):
        return None
    if any(not w.text[:1].isupper() or w.text.isupper() or w.lower_ in _ORG_WORDS for w in words):
        return None
    return start, head.i + 1


def _span_facts(doc: Doc, start: int, end: int,
                tokens: tuple[int, int] | None = None) -> tuple[tuple[int, int], bool, int] | None:
    """(token range, is a subject, sentence index) of the characters [start, end), or None if they
    cover no token. `tokens`: the token range, when the caller knows it (an entity's characters
    cover exactly its tokens), which spares aligning the characters. Memoised per Doc: each speaker
    pass asks again for the same mentions."""
    memo = doc_cache(doc).setdefault("newsbook_quote_span_facts", {})
    key = (start, end)
    if key not in memo:
        if tokens is None:
            span = doc.char_span(start, end, alignment_mode="expand")
            tokens = (span.start, span.end) if span is not None else (0, 0)
        i, j = tokens
        if j <= i:
            memo[key] = None
        else:
            words = doc_tokens(doc)
            subject = any(_is_subjectish(words[k]) for k in range(i, j))
            memo[key] = ((i, j), subject, _sent_index(doc, i))
    return memo[key]


def _propn_tokens(doc: Doc) -> list[Token]:
    """The proper nouns of the Doc, in order, once per Doc (do not change the list)."""
    propns = doc_cache(doc).get("newsbook_propn_tokens")
    if propns is None:
        tokens = doc_tokens(doc)
        propns = [tokens[i] for i, propn in enumerate(token_flags(doc, "POS", _is_propn)) if propn]
        doc_cache(doc)["newsbook_propn_tokens"] = propns
    return propns


def _name_chains(doc: Doc) -> list[tuple[Token, tuple[int, int]]]:
    """(head, token range) of every name chain in the Doc, once per Doc (asked per speaker pass)."""
    chains = doc_cache(doc).get("newsbook_name_chains")
    if chains is None:
        chains = [(head, span) for head in _propn_tokens(doc) for span in [_name_chain(head)] if span is not None]
        doc_cache(doc)["newsbook_name_chains"] = chains
    return chains


def _titled(head: Token) -> bool:
    """The name stands in apposition to a title ("the Conservative leader, Kemi Badenoch") or
    follows one ("Prime Minister X")."""
    if head.dep_ == "appos" and head.head.lemma_.lower() in ROLE_NOUNS:
        return True
    return any(c.dep_ == "compound" and c.lemma_.lower() in ROLE_NOUNS for c in head.lefts)


def _is_subjectish(tok: Token) -> bool:
    """The token is (part of) a clause subject: nsubj itself, or its name in apposition/compound."""
    for _ in range(3):
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return True
        if tok.dep_ in ("compound", "appos", "flat", "poss") and tok.head.i != tok.i:
            if tok.dep_ == "poss":
                return False
            tok = tok.head
            continue
        return False
    return False


def _sent_starts(doc: Doc) -> list[int]:
    """The first token index of every sentence, once per Doc."""
    return sentence_token_starts(doc)  # (the sentences every extractor shares, built once)


def _sent_index(doc: Doc, token_i: int) -> int:
    return max(0, bisect.bisect_right(_sent_starts(doc), token_i) - 1)

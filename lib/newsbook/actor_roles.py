"""Titles and role phrases: the title before or after a name ('President X', 'X, the foreign
minister'), and role phrases ('the Russian president') resolved to the person introduced with
that title."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .nlp import doc_tokens, token_flags
from .actor_lexicon import (
    Cand, DETERMINERS, PERSON, PLACE_SYNONYMS, TITLE_MODIFIERS, _is_title_head, _is_title_word)


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
    # a name with a title on both sides ('Col. Joseph Scrocca, a spokesman for ...') holds both
    for c in cands:
        if c.role is not None and c.kind == PERSON:
            after = role_after(doc, c.end)
            if after is not None and after != c.role:
                holders.append((c.start, c.name, after[0], after[1]))
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

"""What an article says about its own source, which is not an actor: the byline's author, the outlet,
and the wire dateline ('WASHINGTON (Reuters) -': a place, and the agency that filed the story; found
by newsbook.dateline)."""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc

from .actor_lexicon import Cand, PERSON, PLACE, name_key
from .dateline import Dateline
from .actor_linking import initials


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

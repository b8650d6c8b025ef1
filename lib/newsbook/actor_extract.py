"""The per-article actors extractor: candidates -> linking -> roles, minus the article's own
sources, as `mentions` rows (article id, offsets, sentence, local canonical name, kind, how)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc

from .nlp import doc_text, doc_tokens, empty_table, sentence_columns, table_from_rows
from .actor_lexicon import Cand, PERSON
from .actor_roles import resolve_roles
from .actor_candidates import (
    _without_overlaps, cut_headline, entity_candidates, extend_name, group_candidates, is_clock_word, is_common_acronym,
    is_group_noun, is_kind_modifier, is_not_a_name, is_party_and_state, is_title_fragment, is_title_only,
    is_work_title, merge_and_phrases, merge_of_phrases, merge_place_prefixes, platform_is_organisation,
    plural_place_is_organisation,
    split_glued, split_parenthesis, strip_title, trim, untagged_candidates, vote_from_context)
from .actor_linking import join_organisations, link_names, propagate, settle_kinds
from .actor_dateline import apply_dateline, is_metadata, metadata_names
from .dateline import find_dateline


def find_candidates(doc: Doc) -> list[Cand]:
    """Entity candidates, cleaned, split, filtered and voted, plus further occurrences."""
    raw = _without_overlaps(entity_candidates(doc), untagged_candidates(doc))
    surnames = {doc[c.end - 1].text for c in raw if c.kind == PERSON}
    cands: list[Cand] = []
    for c in filter(None, (cut_headline(doc, trim(doc, c)) for c in raw)):
        for part in split_parenthesis(doc, extend_name(doc, c)):
            pieces = (trim(doc, piece) for piece in split_glued(doc, part, surnames))
            cands += [strip_title(doc, piece) for piece in pieces if piece is not None]
    cands = merge_and_phrases(doc, merge_of_phrases(doc, merge_place_prefixes(doc, cands)))
    cands = apply_dateline(doc, cands, find_dateline(doc_text(doc)))
    cands = [platform_is_organisation(doc, vote_from_context(doc, plural_place_is_organisation(doc, c)))
             for c in cands if not _dropped(doc, c)]
    cands = propagate(doc, cands)
    groups = group_candidates(doc, cands)
    # "House Democrats": the chamber word is part of the group's name, no mention of its own
    cands = [c for c in cands if not any(g.start <= c.start and c.end <= g.end for g in groups)]
    return sorted(cands + groups, key=lambda c: c.start)


_DROP = (is_work_title, is_title_fragment, is_group_noun, is_title_only, is_common_acronym, is_party_and_state,
         is_not_a_name, is_clock_word, is_kind_modifier)


def _dropped(doc: Doc, cand: Cand) -> bool:
    """Whether one of the _DROP rules, asked in order, rules the candidate out (a loop, not any()
    over a generator: it runs for every candidate)."""
    for rule in _DROP:
        if rule(doc, cand):
            return True
    return False


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

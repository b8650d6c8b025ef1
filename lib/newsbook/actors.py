"""Actors: people, organizations and places named in an article, resolved to one canonical name each.

Owns: mention extraction from a parsed Doc, canonicalisation within an article and across the
corpus, the researcher's correction file (actors.yaml), and the `actors` table.
"""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from . import schema


def extract_mentions(doc: Doc, *, article_id: str, byline: str = "", outlet: str = "") -> pd.DataFrame:
    """Mentions of actors in one article (`mentions` table); `actor` is the article-local canonical name.

    The byline's author and the outlet are metadata, not actors of the story."""
    return schema.empty("mentions")  # TODO(actors issue)


def resolve_corpus(mentions: pd.DataFrame, corrections_path=None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Corpus-wide canonical names.

    Returns (mentions with corpus-canonical `actor`, aliases table with columns
    article_id, local, actor, kind mapping each article-local name to its canonical one,
    list of human-readable corrections that were applied)."""
    aliases = mentions[["article_id", "actor", "kind"]].drop_duplicates().rename(columns={"actor": "local"})
    aliases["actor"] = aliases["local"]
    return mentions, aliases[["article_id", "local", "actor", "kind"]], []


def actors_table(mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per canonical actor per article (`actors` table)."""
    return schema.empty("actors")  # TODO(actors issue)

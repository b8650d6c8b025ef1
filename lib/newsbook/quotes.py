"""Quotes: direct and reported speech in an article, attributed to an actor.

Owns: finding quotations (straight and curly marks, partial, colon-introduced, multi-sentence,
split by attribution), reported speech, speaker attribution and cue verbs, and voice share.
"""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from . import schema


def extract_quotes(doc: Doc, mentions: pd.DataFrame, *, article_id: str) -> pd.DataFrame:
    """Quotes in one article (`quotes` table). `mentions` are this article's mentions with their
    article-local `actor` names; `speaker` is one of those names (or empty)."""
    return schema.empty("quotes")  # TODO(quotes issue)

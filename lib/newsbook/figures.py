"""Figures: every number an article states, its kind, value, qualifier and the noun it counts."""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from . import schema


def extract_figures(doc: Doc, *, article_id: str) -> pd.DataFrame:
    """Figures in one article (`figures` table)."""
    return schema.empty("figures")  # TODO(figures issue)

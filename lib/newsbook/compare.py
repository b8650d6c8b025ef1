"""Comparisons across sources: the same statement quoted by several outlets, the same figure
stated (or contradicted) by several outlets."""

from __future__ import annotations

import pandas as pd

from . import schema

# --- quotes (owned by the quotes work) -------------------------------------------------------


def match_quotes(quotes: pd.DataFrame, *, min_similarity: float = 0.5) -> pd.DataFrame:
    """Pairs of quotes from different articles that render the same statement (`quote_matches`)."""
    return schema.empty("quote_matches")  # TODO(quotes issue)


# --- figures (owned by the figures work) -----------------------------------------------------


def match_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures grouped across articles: agreed, conflict, single (`figure_matches`)."""
    return schema.empty("figure_matches")  # TODO(figures issue)

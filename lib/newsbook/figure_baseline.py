"""The raw-spaCy baseline for figures (numeric entities + their syntactic head), measured against the
gold files by newsbook.evaluate_figures; not used by the pipeline."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc

from .figure_numbers import _parse_number


# ------------------------------------------------------------------------------------------------
# Baseline, for evaluation only: raw spaCy numeric entities with their syntactic head
# ------------------------------------------------------------------------------------------------


def baseline_figures(doc: Doc) -> list[dict]:
    """spaCy CARDINAL/MONEY/PERCENT/QUANTITY entities; value from the first number in the entity,
    noun = lemma of the syntactic head of the entity's root.  Used to measure what the parse alone
    gives (see tests/test_figures.py and notebooks/figures.ipynb)."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY"):
            continue
        value = math.nan
        for t in ent:
            p = _parse_number(doc, t.i)
            if p is not None:
                value = p.value
                break
        if math.isnan(value):
            continue
        head = ent.root.head
        out.append({
            "value": float(value), "value_high": math.nan,
            "kind": {"CARDINAL": "count", "MONEY": "money", "PERCENT": "percent", "QUANTITY": "measure"}[ent.label_],
            "unit": "", "text": ent.text,
            "noun": head.lemma_.lower() if head.i != ent.root.i else "",
            "noun_phrase": head.text, "qualifier": "exactly",
            "start": ent.start_char, "end": ent.end_char,
        })
    return out

"""The figures extractor's entry points: `find_figures` (a Doc -> figure dicts, with elided nouns,
scores, vague amounts and names repeated settled) and the `figures` table rows (`figure_rows`,
`extract_figures`, `figures_in_text`). The decisions are documented in `newsbook.figures`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc

from .figure_lexicon import SCORE_NOUNS, VAGUE_PLURALS
from .figure_numbers import _NUMERAL, _Fig, _spelling_codes
from .figure_context import _is_title_case, _name_word_before
from .figure_candidates import _scan
from .figure_nouns import _assign_noun, _span_top
from .nlp import doc_text, doc_tokens, empty_table, sentence_columns, sentence_of_token, table_from_rows


def find_figures(doc: Doc) -> list[dict]:
    """Figures in a parsed Doc as plain dicts (value, value_high, kind, unit, text, noun,
    noun_phrase, qualifier, start, end); offsets are character offsets into ``doc.text``."""
    figs = _scan(doc)
    named = _name_numbers(doc)
    figs = [f for f in figs if not _names_again(doc, f, named)]
    out = []
    last_count: tuple[int, str] | None = None  # (token index, noun) of the last count with a noun
    for fig in figs:
        _assign_noun(doc, fig)
        if fig.kind in ("count", "range") and not fig.noun and not fig.unit:
            # elided noun: "755 will have to leave" after "Over 1,000 employees"; "12 of them"
            top = _span_top(doc, fig)
            bare = fig.elided or top.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "appos",
                                              "ROOT", "npadvmod")
            if bare and last_count is not None and fig.start - last_count[0] <= 60:
                fig.noun, fig.noun_phrase, fig.elided = last_count[1], "", True
        if fig.kind in ("count", "range") and fig.noun and not fig.elided and not fig.unit:
            last_count = (fig.start, fig.noun)
        if fig.kind == "vote" and fig.noun in SCORE_NOUNS:
            fig.kind = "score"  # "beat Chelsea 2-0", "a 22 points to 10 win": a match result, not a count
        if fig.kind == "count" and fig.vague and doc[fig.start].lower_ in VAGUE_PLURALS:
            fig.kind = "vague"  # "dozens", "thousands of": an order of magnitude, never a precise count
        unit, noun = fig.unit, fig.noun
        if unit == "year of age":
            unit, noun = "year", "age"  # "a 21-year-old": measured in years, and what is measured is an age
        start_char = doc[fig.start].idx
        end_tok = doc[fig.end - 1]
        end_char = end_tok.idx + len(end_tok.text)
        out.append({
            "value": float(fig.value),
            "value_high": float(fig.value_high),
            "low": float(fig.value) if fig.kind == "range" else math.nan,
            "high": float(fig.value_high) if fig.kind == "range" else math.nan,
            "kind": fig.kind,
            "unit": unit,
            "text": doc_text(doc)[start_char:end_char],
            "noun": noun,
            "noun_phrase": fig.noun_phrase,
            "qualifier": fig.qualifier if fig.kind not in ("date", "ordinal") else (
                fig.qualifier if fig.qualifier != "exactly" else "exactly"),
            "start": start_char,
            "end": end_char,
        })
    return out


def _name_numbers(doc: Doc) -> set[str]:
    """Numbers the article writes after a name ("Boeing 707", "Area 51", "Article 50")."""
    tokens = doc_tokens(doc)
    numerals = (_spelling_codes(doc) & _NUMERAL).nonzero()[0].tolist()  # "707", "1990s": the few worth a look
    # "Boeing 747s" names the 747 too; "Putin Orders 755 US Diplomats" is a headline, not a name
    return {t.text[:-1] if t.text.endswith("s") else t.text for t in (tokens[i] for i in numerals if i >= 1)
            if _name_word_before(tokens[t.i - 1]) and not _is_title_case(sentence_of_token(doc, t.i))}


def _names_again(doc: Doc, fig: _Fig, named: set[str]) -> bool:
    """A bare number that repeats one of the article's names ("the 707 was a freighter" after
    "a Boeing 707"), not followed by a plural noun it would count."""
    if fig.kind != "count" or fig.unit or fig.end - fig.start != 1 or doc[fig.start].text not in named:
        return False
    nxt = doc[fig.end] if fig.end < len(doc) else None
    return fig.value >= 10 and not (nxt is not None and nxt.tag_ == "NNS")


def extract_figures(doc: Doc, *, article_id: str) -> pd.DataFrame:
    """Figures in one article (`figures` table)."""
    rows = figure_rows(doc, article_id=article_id)
    return table_from_rows("figures", rows) if rows else empty_table("figures")


def figure_rows(doc: Doc, *, article_id: str) -> list[dict]:
    """`extract_figures` as a list of row dicts (the pipeline tabulates many articles at once)."""
    rows = []
    for n, f in enumerate(find_figures(doc), start=1):
        row = {"article_id": article_id, "figure_id": f"{article_id}:f{n}", **f}
        row.update(sentence_columns(doc, f["start"]))
        rows.append(row)
    return rows

"""What the report notebooks call (through `newsbook.report`): `load_annotations` /
`saved_annotations`, `table` (a table of any size: a readable part drawn, the whole written as a
linked CSV), `links` to the other reports, and `quote_matches` at another threshold."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable

from . import config
from .errors import CorpusError
from .files import write_text
from .html import render
from .interactive_tables import TABLE_CLASS, number_formatters, readable
from .report_parameters import FIRST_NOTEBOOK


class _Links(str):
    def _repr_html_(self) -> str:
        return str(self)


def links(exclude: Iterable[str] = (FIRST_NOTEBOOK,), notebooks_dir: Path | None = None) -> _Links:
    """An HTML list linking to the other reports (relative `NAME.html` links, which work in the
    rendered reports folder; in JupyterLab open the notebooks themselves)."""
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    names = sorted(p.stem for p in notebooks_dir.glob("*.ipynb") if p.stem not in set(exclude)
                   and not p.name.startswith("."))
    return _Links(str(render("report_links.html.j2", names=names)))


# --- notebook helpers: loading annotations, tables of any size, quote matches ------------------
#
# A report must stay fast and readable on 1,000 or 10,000 articles.  Tables go through `table`: at
# most `max_rows` rows are drawn, a visible sentence says which rows are shown out of how many, and
# the complete table is written as a CSV next to the report and linked.  While `newsbook report`
# runs a notebook, the CSVs go to a staging folder ($NEWSBOOK_REPORT_TABLES) and are published as
# ``reports/tables/NAME/TABLE.csv`` only with the rendered HTML (a failed run leaves the previous
# report and its tables as they were); in JupyterLab they go to ``outputs/tables/``.

TABLES_ENV = "NEWSBOOK_REPORT_TABLES"
REPORT_NAME_ENV = "NEWSBOOK_REPORT_NAME"
TABLES_DIR_NAME = "tables"
MAX_TABLE_ROWS = 200
MAX_CELL_CHARS = 1000


def saved_annotations(folder: Any):
    """The tables saved by ``newsbook annotate --out DIR`` in `folder`, as an `Annotations`: nothing
    is parsed again and the corpus is not read (annotate once, e.g. on a cluster, report many times).
    The notebooks' `annotations` parameter."""
    from .pipeline import Annotations

    path = config.resolve_path(folder)
    if not (path / "manifest.json").exists():
        raise CorpusError(f"no saved annotations in {folder} (looked for {path / 'manifest.json'}; "
                          "write them with: newsbook annotate CORPUS --out DIR)")
    return Annotations.load(path)  # refuses (TablesMismatch) files that do not match their manifest


def load_annotations(corpus: Any = "seeds", annotations: Any = "", *, progress: bool = False):
    """`saved_annotations(annotations)` when `annotations` names a folder, else
    ``newsbook.annotate(corpus)`` (cached per article and corpus)."""
    if annotations not in (None, ""):
        return saved_annotations(annotations)
    from .pipeline import annotate

    return annotate(corpus, progress=progress)


def _tables_target() -> tuple[Path, str]:
    """(folder to write a table CSV into, the href prefix a report links it with)."""
    staging = os.environ.get(TABLES_ENV)
    if staging:
        name = os.environ.get(REPORT_NAME_ENV, "report")
        return Path(staging), f"{TABLES_DIR_NAME}/{name}/"
    folder = config.OUTPUTS_DIR / TABLES_DIR_NAME
    return folder, os.path.relpath(folder, config.NOTEBOOKS_DIR).replace(os.sep, "/") + "/"


def _safe_file_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(name)).strip("-.") or "table"
    return stem if stem.endswith(".csv") else f"{stem}.csv"


class Table:
    """A table in a report: at most `max_rows` rows drawn (pandas escapes every cell), with a
    sentence saying what is shown and where the complete table is (see `table`)."""

    def __init__(self, frame, shown, *, total: int, note: str, href: str = "", path: Path | None = None,
                 style=None):
        self.frame, self.shown, self.total, self.note = frame, shown, total, note
        self.href, self.path, self.style = href, path, style

    def _table_html(self) -> str:
        if self.style is not None:
            # a Styler escapes only what its format() covers: the column headers and the index
            # (outlet names, article ids) are escaped here, whatever the style function did
            styler = (self.style(self.shown).format_index(escape="html", axis=0)
                      .format_index(escape="html", axis=1))
            formatters = number_formatters(self.shown)
            if formatters:
                styler = styler.format(formatters, subset=list(formatters))
            return styler.set_table_attributes(f'class="{TABLE_CLASS}"').to_html()
        return readable(self.shown).to_html(index=False, escape=True, border=0, na_rep="", classes=TABLE_CLASS)

    def _repr_html_(self) -> str:
        note = str(render("table_note.html.j2", note=self.note or "", href=self.href or "", total=self.total))
        return note + self._table_html()

    def __repr__(self) -> str:
        tail = f"\n[{self.note} full table: {self.path}]" if self.path else ""
        return self.shown.to_string(index=False, max_colwidth=60) + tail

    def __len__(self) -> int:
        return self.total


def _cut_cells(frame, max_chars: int):
    """`frame` with every text cell longer than `max_chars` cut to that length plus " …"; and how
    many cells were cut."""
    cut = 0
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and str(values.dtype) not in ("string", "str"):
            continue
        long = values.map(lambda v: isinstance(v, str) and len(v) > max_chars)
        if long.any():
            if out is frame:
                out = frame.copy()
            out[column] = values.where(~long, values.map(lambda v: v[:max_chars].rstrip() + " …"
                                                         if isinstance(v, str) else v))
            cut += int(long.sum())
    return out, cut


def table(frame, name: str, *, max_rows: int = MAX_TABLE_ROWS, sort_by: str | list[str] | None = None,
          ascending: bool | list[bool] = False, what: str = "rows", order: str = "", style=None,
          max_chars: int = MAX_CELL_CHARS) -> Table:
    """`frame` for a report, never silently truncated.

    Up to `max_rows` rows: the whole table.  More: the first `max_rows` rows (after sorting by
    `sort_by`, largest first unless `ascending`), a sentence "Showing the 200 largest (by ...) of
    7,012 rows", and the complete table (all rows, in the frame's own order) written as
    ``NAME.csv`` next to the report and linked.  `what` names the rows ("articles"), `order` says
    how an already ordered frame is ordered ("conflicts first").  `style`: a function turning the
    shown rows into a pandas Styler (e.g. `figures.style_agreement`); cells must stay escaped."""
    import pandas as pd

    frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    total = len(frame)
    ordered = frame
    if sort_by is not None:
        ordered = frame.sort_values(sort_by, ascending=ascending, kind="stable")
        keys = ", ".join([sort_by] if isinstance(sort_by, str) else list(sort_by))
        which = f"the {max_rows:,} {'smallest' if ascending is True else 'largest'} (by {keys})"
    else:
        which = f"the first {max_rows:,}" + (f" ({order})" if order else "")
    shown, cut = _cut_cells(ordered.head(max_rows), max_chars)
    notes = ([f"Showing {which} of {total:,} {what}."] if total > max_rows
             else [f"Showing all {total:,} {what}."] if cut else [])
    if cut:
        notes.append(f"{cut:,} cell{'s' if cut > 1 else ''} longer than {max_chars} characters "
                     f"{'are' if cut > 1 else 'is'} cut short (…).")
    # Every table is downloadable whole, whatever part of it the page shows.
    folder, prefix = _tables_target()
    file_name = _safe_file_name(name)
    path = write_text(folder / file_name, frame.to_csv(index=False))
    return Table(frame, shown, total=total, note=" ".join(notes), href=prefix + file_name, path=path,
                 style=style)


def quote_matches(ann, min_similarity: float | None = None):
    """`ann.quote_matches` at `min_similarity`, the same rows `compare.match_quotes(ann.quotes,
    min_similarity=...)` gives, without comparing every quote again.

    The table was built at match_quotes' default threshold; pairs are chosen per pair of articles
    best first, so the pairs at or above a higher threshold are exactly the stored ones above it
    (scores within rounding of the threshold are recomputed to decide).  A lower threshold than the
    table's is recomputed in full.  Rows come best first (ties by article and quote ids)."""
    import inspect

    from . import compare, stories

    built = inspect.signature(compare.match_quotes).parameters["min_similarity"].default
    stored = ann.quote_matches
    if min_similarity is None:
        min_similarity = built
    if min_similarity < built:
        # quotes are matched within a story (no articles table given: the quotes are one story)
        out = stories.match_quotes(ann.quotes, stories.article_events(getattr(ann, "articles", None)),
                                   min_similarity=min_similarity)
    else:
        sim = stored["similarity"].astype(float)
        band = 1e-4 + 1e-9  # the stored score is rounded to 4 decimals
        keep = sim >= min_similarity + band
        unsure = stored.index[(sim > min_similarity - band) & ~keep]
        if len(unsure):
            keep = keep.copy()
            quotes = ann.quotes.set_index("quote_id")
            story = ann.quotes["article_id"].astype(str).map(
                stories.article_events(getattr(ann, "articles", None))).fillna("")
            weights_of = {}  # quotes are matched within a story, with word weights from its quotes
            for i in unsure:
                row = stored.loc[i]
                a, b = quotes.loc[row["quote_id_a"]], quotes.loc[row["quote_id_b"]]
                event = row.get("event", "")
                if event not in weights_of:
                    weights_of[event] = compare.quote_word_weights(ann.quotes.loc[story.eq(event).to_numpy(), "quote"]
                                                                   if event else ann.quotes["quote"])
                score = compare.quote_similarity(a["quote"], b["quote"], weights_of[event])
                sa, sb = (str(s) if isinstance(s, str) else "" for s in (a["speaker"], b["speaker"]))
                if sa and sb and sa != sb:  # compare._speakers_disagree
                    score *= 0.8
                keep.loc[i] = score >= min_similarity
        out = stored[keep]
    if len(out):
        out = out.sort_values(["similarity", "article_id_a", "article_id_b", "quote_id_a", "quote_id_b"],
                              ascending=[False, True, True, True, True], kind="stable")
    return out.reset_index(drop=True)

"""The figures tables the notebooks and charts show: figures per source, figure lists, the agreement
table (and its style), conflicts, values by noun. Presentation only: not part of any cache key."""

from __future__ import annotations

import pandas as pd

from .figure_format import _describe, format_figure


# ------------------------------------------------------------------------------------------------
# Tables for the figures notebook (plain DataFrames: pandas escapes them when shown)
# ------------------------------------------------------------------------------------------------

ALL_KINDS = ("count", "money", "percent", "measure", "fraction", "range", "vote", "vague", "score", "date", "ordinal")
STATUS_COLOURS = {"conflict": "#f8d0c8", "agreed": "#d5ecd4", "single": ""}


def as_kinds(kinds=None) -> tuple[str, ...]:
    """The notebook's `kinds` parameter as a tuple: None/"all" -> every kind; a string -> one kind."""
    if kinds is None or kinds == "all" or kinds == ["all"]:
        return ALL_KINDS
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",")]
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if unknown:
        raise ValueError(f"unknown figure kinds {unknown}; known: {', '.join(ALL_KINDS)}")
    return tuple(kinds)


def _sources(frame: pd.DataFrame, articles: pd.DataFrame | None, column: str = "article_id") -> pd.Series:
    ids = frame[column].astype(str)
    if articles is None or len(articles) == 0:
        return ids
    outlet = dict(zip(articles["article_id"].astype(str), articles["outlet"].fillna("").astype(str)))
    # one label per distinct article, then a dict lookup per row (not a Python call per row)
    labels = {a: f"{outlet[a]} ({a})" if outlet.get(a, "").strip() not in ("", a) else a for a in ids.unique()}
    return ids.map(labels)


def _stated(f: pd.Series | dict) -> str:
    """'over 1,000 employee' / 'USD 2.5 billion' / '98-2 vote'."""
    d = dict(f)
    d.setdefault("article_id", "")
    return _describe(d).rsplit(" (", 1)[0]


def _stated_all(frame: pd.DataFrame) -> list[str]:
    """`_stated` of every row, read from column lists: `frame.apply(_stated, axis=1)` built a pandas
    Series per row (seconds at 100k figures).  The row dicts hold the columns `_describe` reads."""
    cols = [c for c in ("article_id", "value", "value_high", "kind", "unit", "qualifier", "noun")
            if c in frame.columns]
    return [_stated(dict(zip(cols, values))) for values in zip(*(frame[c].tolist() for c in cols))]


def figures_by_source(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                      kinds=None) -> pd.DataFrame:
    """Figures per source and kind: columns source, kind, figures (for `charts.figures_per_source_chart`)."""
    kinds = as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    if len(f) == 0:
        return pd.DataFrame({"source": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                             "figures": pd.Series(dtype="int64")})
    data = f.assign(source=_sources(f, articles)).groupby(["source", "kind"], as_index=False).size()
    return data.rename(columns={"size": "figures"})


def figure_list(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *, kinds=None) -> pd.DataFrame:
    """Each figure with its source, what it states, what it counts and its sentence, in text order."""
    kinds = as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    cols = ["source", "figure", "kind", "noun", "qualifier", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = f.assign(source=_sources(f, articles), figure=_stated_all(f))
    out = out.sort_values(["article_id", "start"])
    return out[cols].reset_index(drop=True)


def agreement_table(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                    kinds=None) -> pd.DataFrame:
    """The `figure_matches` groups of the given kinds with, per source, how that source states the figure
    (empty if it does not): status, kind, value (as a researcher writes it: `format_figure`), noun,
    one column per source, note."""
    kinds = as_kinds(kinds)
    m = matches[matches["kind"].isin(kinds)] if len(matches) else matches
    sources = sorted(set(_sources(figures, articles).tolist())) if len(figures) else []
    base = ["status", "kind", "value", "noun", "n_articles"]
    if len(m) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in base + sources + ["note"]})
    records = m.to_dict("records")
    # only the grouped figures' rows, as dicts by id (not every figure's)
    wanted = {fid for r in records for fid in str(r["figure_ids"]).split(";")}
    picked = figures[figures["figure_id"].isin(wanted)]
    by_id = dict(zip(picked["figure_id"].tolist(), picked.to_dict("records")))
    # .tolist(): iterating pandas' Arrow-backed strings one by one is slow
    label = dict(zip(figures["article_id"].astype(str).tolist(), _sources(figures, articles).tolist()))
    # built column by column (a dict of lists, in the key order the row dicts had: base, sources,
    # note) rather than as one dict per row with a key per source: same frame, a third of the time
    cells = {s: [""] * len(records) for s in sources}
    for i, r in enumerate(records):
        for fid in str(r["figure_ids"]).split(";"):
            f = by_id.get(fid)
            if f is None:
                continue
            col = cells[label[str(f["article_id"])]]
            shown = f"{f['text']} {f['noun_phrase'] or f['noun']}".strip()
            col[i] = shown if not col[i] else col[i] + " · " + shown
    data = {c: [r[c] for r in records] for c in base}
    data["value"] = [format_figure(r["value"], r["kind"], r.get("unit") or "") for r in records]
    data.update(cells)
    data["note"] = [r["note"] for r in records]
    return pd.DataFrame(data)


def style_agreement(table: pd.DataFrame):
    """`agreement_table` as a pandas Styler with conflicts highlighted (red) and agreements (green).
    Every cell and column header is HTML-escaped."""
    def colour(row):
        c = STATUS_COLOURS.get(row.get("status", ""), "")
        return [f"background-color: {c}" if c else "" for _ in row]

    return (table.style.apply(colour, axis=1)
            .format(escape="html", precision=6, thousands=",")
            .format_index(escape="html", axis=1)  # the headers are sources: outlet names, article ids
            .hide(axis="index"))


def conflicts(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
              kinds=None) -> pd.DataFrame:
    """Conflicting figures, each with its source and the sentence that states it."""
    kinds = as_kinds(kinds)
    m = matches[(matches["status"] == "conflict") & matches["kind"].isin(kinds)] if len(matches) else matches
    cols = ["noun", "kind", "value", "source", "figure", "sentence", "note"]
    if len(m) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    # .tolist(): iterating pandas' Arrow-backed strings one by one is slow
    label = dict(zip(figures["article_id"].astype(str).tolist(), _sources(figures, articles).tolist()))
    groups = m.sort_values(["noun", "kind", "value"]).to_dict("records")
    # the conflicting figures' rows as dicts by id, fetched at once (a .loc per figure was slow)
    wanted = {fid for r in groups for fid in str(r["figure_ids"]).split(";")}
    picked = figures[figures["figure_id"].isin(wanted)]
    by_id = dict(zip(picked["figure_id"], picked.to_dict("records")))
    rows = []
    for r in groups:
        for fid in str(r["figure_ids"]).split(";"):
            f = by_id.get(fid)
            if f is None:
                continue
            rows.append({"noun": r["noun"], "kind": r["kind"], "value": r["value"],
                         "source": label[str(f["article_id"])], "figure": _stated(f),
                         "sentence": f["sentence"], "note": r["note"]})
    return pd.DataFrame(rows, columns=cols)


def values_by_noun(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *, kinds=None,
                   top_n: int = 15) -> pd.DataFrame:
    """Counted figures of the `top_n` nouns stated most often (for `charts.figure_values_chart`):
    noun, value, source, kind, figure, sentence."""
    kinds = [k for k in as_kinds(kinds) if k not in ("date", "ordinal")]
    f = figures[figures["kind"].isin(kinds) & figures["noun"].fillna("").ne("")] if len(figures) else figures
    cols = ["noun", "value", "source", "kind", "figure", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}).astype({"value": float})
    keep = f["noun"].value_counts().head(top_n).index
    f = f[f["noun"].isin(keep)]
    out = f.assign(source=_sources(f, articles), figure=_stated_all(f))
    return out[cols].reset_index(drop=True)

"""The figures tables the notebooks and charts show: figures per outlet, figure lists, the agreement
table (the one agreement table: one column per outlet, and its style), conflicts, values by noun.
Sources are outlets, named by `newsbook.outlets`; rows that stay one per figure keep the article id.
Presentation only: not part of any cache key."""

from __future__ import annotations

import pandas as pd

from . import outlets as _outlets
from .figure_format import _describe, format_figure


# ------------------------------------------------------------------------------------------------
# Tables for the figures notebook (plain DataFrames: pandas escapes them when shown)
# ------------------------------------------------------------------------------------------------

ALL_KINDS = ("count", "money", "percent", "measure", "fraction", "range", "vote", "vague", "score", "date", "ordinal")
STATUS_COLOURS = {"conflict": "#f8d0c8", "conflict within outlet": "#fbe3c4", "agreed": "#d5ecd4", "single": ""}


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


def _sources(frame: pd.DataFrame, articles: pd.DataFrame | None, column: str = "article_id",
             per: str = "outlet") -> pd.Series:
    """Each row's source (`outlets.labels`): its outlet, or "Outlet (article_id)" with per="article"."""
    return _outlets.labels(frame, articles, column=column, per=per)


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
    """Figures per outlet and kind: columns outlet, kind, figures, articles (the outlet's articles
    stating them) (for `charts.figures_per_source_chart`)."""
    kinds = as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    if len(f) == 0:
        return pd.DataFrame({"outlet": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                             "figures": pd.Series(dtype="int64"), "articles": pd.Series(dtype="int64")})
    return f.assign(outlet=_sources(f, articles)).groupby(["outlet", "kind"], as_index=False).agg(
        figures=("figure_id", "size"), articles=("article_id", "nunique"))


figures_by_outlet = figures_by_source


def figure_list(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *, kinds=None) -> pd.DataFrame:
    """Each figure with its outlet and article, what it states, what it counts and its sentence, in
    text order per article."""
    kinds = as_kinds(kinds)
    f = figures[figures["kind"].isin(kinds)] if len(figures) else figures
    cols = ["outlet", "article_id", "figure", "kind", "noun", "qualifier", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = f.assign(outlet=_sources(f, articles), figure=_stated_all(f))
    out = out.sort_values(["article_id", "start"])
    return out[cols].reset_index(drop=True)


def agreement_table(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                    kinds=None, max_outlet_columns: int = 8) -> pd.DataFrame:
    """The figure agreement table: one row per `figure_matches` group of the given kinds, one column
    per outlet saying how that outlet states the figure (empty if it does not).

    Columns: [event, when the groups come from several stories,] status (between articles, as
    `figure_matches` says), outlet_status (between outlets: conflict | conflict within outlet |
    agreed | single, `outlets.outlet_status`), kind, value (as a researcher writes it:
    `format_figure`), noun, n_articles, n_outlets, one column per outlet, note.  An outlet's cell is
    the union of its articles' wordings, with "(N articles)" when several of its articles state it
    and "(its articles differ)" when its own articles also state a conflicting value.  With more
    than `max_outlet_columns` outlets, one "stated as" column ("Outlet: wording · ...") replaces the
    outlet columns (a column per outlet would be thousands of mostly empty columns).  Rows:
    conflicts between outlets first, then conflicts within one outlet, agreements, single-outlet
    figures; most outlets first."""
    kinds = as_kinds(kinds)
    m = matches[matches["kind"].isin(kinds)] if len(matches) else matches
    m = m.reset_index(drop=True)
    names = sorted(set(_sources(figures, articles).tolist())) if len(figures) else []
    wide = len(names) <= max_outlet_columns
    with_event = "event" in m.columns and m["event"].nunique() > 1
    base = (["event"] if with_event else []) + ["status", "outlet_status", "kind", "value", "noun", "n_articles",
                                                 "n_outlets"]
    columns = base + ([n if n not in base + ["note"] else f"{n} (outlet)" for n in names] if wide
                      else ["stated as"]) + ["note"]
    if len(m) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    status = _outlets.outlet_status(m, articles)
    long = _outlets.figure_outlets(m, figures, articles, status=status)
    cells = _outlet_cells(m, long)
    data = {"event": m["event"].tolist()} if with_event else {}
    data.update({"status": m["status"].tolist(), "outlet_status": status["outlet_status"].tolist(),
                 "kind": m["kind"].tolist()})
    units = m["unit"].fillna("").astype(str).tolist() if "unit" in m.columns else [""] * len(m)
    data["value"] = [format_figure(v, k, u) for v, k, u in zip(m["value"], m["kind"], units)]
    data.update({"noun": m["noun"].tolist(), "n_articles": m["n_articles"].tolist(),
                 "n_outlets": status["n_outlets"].tolist()})
    if wide:
        for name in names:  # an outlet named like a column ("note") keeps its own column
            data[name if name not in base + ["note"] else f"{name} (outlet)"] = [row.get(name, "") for row in cells]
    else:
        data["stated as"] = [" · ".join(f"{o}: {c}" for o, c in row.items()) for row in cells]
    data["note"] = m["note"].tolist()
    return _by_outlet_status(pd.DataFrame(data, columns=columns))


def _outlet_cells(matches: pd.DataFrame, long: pd.DataFrame) -> list[dict[str, str]]:
    """Per group (row of `matches`): outlet -> its cell in the agreement table (`outlets.figure_outlets` rows)."""
    row_of = {str(ids).split(";")[0]: k for k, ids in enumerate(matches["figure_ids"].tolist())}
    cells: list[dict[str, str]] = [{} for _ in range(len(matches))]
    columns = (long[c].tolist() for c in ("group", "outlet", "articles", "stated", "self_conflict"))
    for group, outlet, articles, stated, self_conflict in zip(*columns):
        n = articles.count(";") + 1
        cells[row_of[group]][outlet] = (stated + (f" ({n} articles)" if n >= 2 else "")
                                        + (" (its articles differ)" if self_conflict else ""))
    return cells


OUTLET_STATUS_ORDER = _outlets.OUTLET_STATUS_ORDER


def _by_outlet_status(table: pd.DataFrame) -> pd.DataFrame:
    """Conflicts between outlets first, then within one outlet, agreements, single-outlet figures;
    most outlets, then most articles first (stable otherwise)."""
    if table.empty:
        return table
    rank = table["outlet_status"].map(OUTLET_STATUS_ORDER).fillna(len(OUTLET_STATUS_ORDER))
    out = table.assign(_rank=rank).sort_values(["_rank", "n_outlets", "n_articles"], ascending=[True, False, False],
                                               kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def style_agreement(table: pd.DataFrame):
    """`agreement_table` as a pandas Styler with conflicts between outlets highlighted (red), an
    outlet's own articles disagreeing (orange) and agreements (green).  Every cell and column header
    is HTML-escaped."""
    def colour(row):
        c = STATUS_COLOURS.get(row.get("outlet_status", row.get("status", "")), "")
        return [f"background-color: {c}" if c else "" for _ in row]

    return (table.style.apply(colour, axis=1)
            .format(escape="html", precision=6, thousands=",")
            .format_index(escape="html", axis=1)  # the headers are sources: outlet names, article ids
            .hide(axis="index"))


def conflicts(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None = None, *,
              kinds=None) -> pd.DataFrame:
    """Conflicting figures, each with its outlet, its article and the sentence that states it."""
    kinds = as_kinds(kinds)
    m = matches[(matches["status"] == "conflict") & matches["kind"].isin(kinds)] if len(matches) else matches
    cols = ["noun", "kind", "value", "outlet", "article_id", "figure", "sentence", "note"]
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
                         "outlet": label[str(f["article_id"])], "article_id": str(f["article_id"]),
                         "figure": _stated(f),
                         "sentence": f["sentence"], "note": r["note"]})
    return pd.DataFrame(rows, columns=cols)


def values_by_noun(figures: pd.DataFrame, articles: pd.DataFrame | None = None, *, kinds=None,
                   top_n: int = 15) -> pd.DataFrame:
    """Counted figures of the `top_n` nouns stated most often (for `charts.figure_values_chart`):
    noun, value, outlet, kind, figure, sentence."""
    kinds = [k for k in as_kinds(kinds) if k not in ("date", "ordinal")]
    f = figures[figures["kind"].isin(kinds) & figures["noun"].fillna("").ne("")] if len(figures) else figures
    cols = ["noun", "value", "outlet", "kind", "figure", "sentence"]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}).astype({"value": float})
    keep = f["noun"].value_counts().head(top_n).index
    f = f[f["noun"].isin(keep)]
    out = f.assign(outlet=_sources(f, articles), figure=_stated_all(f))
    return out[cols].reset_index(drop=True)

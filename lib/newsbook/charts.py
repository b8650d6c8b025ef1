"""Charts: Altair chart builders for the notebooks. Each takes a documented DataFrame and returns a chart.

Sources are outlets (named by `newsbook.outlets`): a chart gives each outlet one colour, however many
articles it published.  Charts aggregate before they draw, so a large annotation set never hits
Altair's row limit."""

from __future__ import annotations

from .jsonschema_import import fast_jsonschema as _fast_jsonschema

_fast_jsonschema()  # altair imports jsonschema: without a slow optional package (see there)
import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402

from . import outlets as _outlets  # noqa: E402
from .lab_display import enable_offline_charts  # noqa: E402

enable_offline_charts(alt)  # charts draw in JupyterLab with no network, see there

# A chart draws at most this many outlets as their own colour / bar; the others are pooled as
# "(other N outlets)", and the title says so.  Ten is what a categorical palette holds.
MAX_SOURCES = 10


def _by_outlet(data: pd.DataFrame) -> pd.DataFrame:
    """`data` with its sources in an `outlet` column (a table built per `source`, e.g. by
    `actors.mentions_by_source`, is renamed: both name the source)."""
    if "outlet" not in data.columns and "source" in data.columns:
        return data.rename(columns={"source": "outlet"})
    return data


def _pool_sources(data: pd.DataFrame, keys: list[str], aggs: dict, *, weight: str | None,
                  max_sources: int = MAX_SOURCES) -> tuple[pd.DataFrame, str]:
    """`data` with only its `max_sources` largest outlets (by the sum of `weight`, or by rows) kept
    by name, the rest pooled into one "(other N outlets)" outlet and re-aggregated over `keys` with
    `aggs` (named aggregations).  Returns (data, a note for the chart title, "" if nothing pooled)."""
    if data.empty or data["outlet"].nunique() <= max_sources:
        return data, ""
    sizes = data.groupby("outlet")[weight].sum() if weight else data["outlet"].value_counts()
    keep = set(sizes.sort_values(ascending=False, kind="stable").index[:max_sources])
    others = data["outlet"].nunique() - len(keep)
    label = f"(other {others:,} outlets)"
    pooled = data.assign(outlet=data["outlet"].where(data["outlet"].isin(keep), label))
    pooled = pooled.groupby(keys, as_index=False, sort=False).agg(**aggs)
    return pooled, f" ({max_sources} largest outlets shown, {others:,} more pooled)"


def _outlet_colour(domain=None, **kwargs) -> alt.Color:
    """Colour by outlet; with `domain` (every outlet, sorted) an outlet keeps its colour across charts."""
    scale = alt.Scale(domain=list(domain), scheme="tableau10") if domain is not None else alt.Scale(scheme="tableau10")
    kwargs.setdefault("title", "outlet")
    return alt.Color("outlet:N", scale=scale, **kwargs)


# --- actors ------------------------------------------------------------------------------------


def actor_mentions_chart(data: pd.DataFrame) -> alt.Chart:
    """Bars: mentions per actor and outlet (`outlets.actor_mentions_by_outlet` output, or
    `actors.mentions_by_source`'s), most mentioned on top."""
    data, note = _pool_sources(_by_outlet(data)[["actor", "kind", "outlet", "mentions"]],
                               ["actor", "kind", "outlet"], {"mentions": ("mentions", "sum")}, weight="mentions")
    order = data.groupby("actor")["mentions"].sum().sort_values(ascending=False).index.tolist() if len(data) else []
    return (alt.Chart(data, title="Mentions per actor and outlet" + note)
            .mark_bar()
            .encode(y=alt.Y("actor:N", sort=order, title=None),
                    yOffset=alt.YOffset("outlet:N"),
                    x=alt.X("mentions:Q", title="mentions", axis=alt.Axis(tickMinStep=1)),
                    color=_outlet_colour(),
                    tooltip=["actor:N", "kind:N", "outlet:N", "mentions:Q"])
            .properties(width=420))


def actor_prominence_chart(data: pd.DataFrame) -> alt.Chart:
    """Dots: the sentence where each outlet first names each actor (`outlets.actor_prominence_by_outlet`
    output, or `actors.prominence`'s); further left is earlier, a bigger dot is more mentions."""
    data, note = _pool_sources(_by_outlet(data)[["actor", "kind", "outlet", "first_sentence", "mentions"]],
                               ["actor", "kind", "outlet"], {"first_sentence": ("first_sentence", "min"),
                                                             "mentions": ("mentions", "sum")},
                               weight="mentions")
    order = data.groupby("actor")["first_sentence"].min().sort_values().index.tolist() if len(data) else []
    return (alt.Chart(data, title="How early each outlet first names each actor" + note)
            .mark_circle(opacity=0.8)
            .encode(y=alt.Y("actor:N", sort=order, title=None),
                    x=alt.X("first_sentence:Q", title="sentence of first mention (0 = first sentence)",
                            axis=alt.Axis(tickMinStep=1)),
                    color=_outlet_colour(),
                    size=alt.Size("mentions:Q", title="mentions", scale=alt.Scale(range=[40, 400])),
                    tooltip=["actor:N", "kind:N", "outlet:N", "first_sentence:Q", "mentions:Q"])
            .properties(width=420))


def actor_cooccurrence_heatmap(data: pd.DataFrame) -> alt.Chart:
    """Heatmap: sentences naming both actors (`actors.cooccurrence` output); the diagonal is each
    actor's own number of sentences."""
    order = (data[data["actor_a"] == data["actor_b"]].sort_values("sentences", ascending=False)["actor_a"].tolist()
             if len(data) else [])
    base = alt.Chart(data, title="Actors named in the same sentence").encode(
        x=alt.X("actor_a:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("actor_b:N", sort=order, title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("sentences:Q", title="sentences", scale=alt.Scale(scheme="blues")),
        tooltip=["actor_a:N", "actor_b:N", "sentences:Q"])
    labels = base.mark_text(fontSize=10).encode(
        text="sentences:Q",
        color=alt.condition(alt.datum.sentences > 3, alt.value("white"), alt.value("black")))
    return (cells + labels).properties(width=380, height=380)


# --- quotes ------------------------------------------------------------------------------------

QUOTE_UNATTRIBUTED = "(unattributed)"


def quotes_per_speaker(quotes: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                       kinds: tuple[str, ...] = ("direct", "indirect"), top: int = 15,
                       max_sources: int = MAX_SOURCES) -> alt.Chart:
    """Grouped bars: number of quotes per speaker (the `top` most quoted) and outlet, direct and
    reported speech stacked (the `max_sources` outlets quoting them most; the rest pooled)."""
    q = quotes[quotes["kind"].isin(kinds)] if len(quotes) else quotes
    note = ""
    if len(q) == 0:
        data = pd.DataFrame({"speaker": pd.Series(dtype=str), "outlet": pd.Series(dtype=str),
                             "kind": pd.Series(dtype=str), "quotes": pd.Series(dtype="int64")})
    else:
        q = q.assign(speaker=q["speaker"].fillna("").replace("", QUOTE_UNATTRIBUTED),
                     outlet=_outlets.labels(q, articles))
        keep = q["speaker"].value_counts().head(top).index
        data = (q[q["speaker"].isin(keep)].groupby(["speaker", "outlet", "kind"], as_index=False)
                .size().rename(columns={"size": "quotes"}))
        data, note = _pool_sources(data, ["speaker", "outlet", "kind"], {"quotes": ("quotes", "sum")},
                                   weight="quotes", max_sources=max_sources)
    order = (data.groupby("speaker")["quotes"].sum().sort_values(ascending=False).index.tolist()
             if len(data) else [])
    return (alt.Chart(data, title="Quotes per speaker and outlet" + note)
            .mark_bar()
            .encode(y=alt.Y("speaker:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
                    yOffset=alt.YOffset("outlet:N"),
                    x=alt.X("quotes:Q", title="quotes", axis=alt.Axis(tickMinStep=1), stack="zero"),
                    color=_outlet_colour(legend=alt.Legend(labelLimit=320, orient="bottom", direction="vertical")),
                    opacity=alt.Opacity("kind:N", title="kind", scale=alt.Scale(domain=["direct", "indirect"],
                                                                                 range=[1.0, 0.45])),
                    tooltip=["speaker:N", "outlet:N", "kind:N", "quotes:Q"])
            .properties(width=420))


def voice_share_chart(share: pd.DataFrame, articles: pd.DataFrame | None = None, *, top: int = 10,
                      max_sources: int = 20) -> alt.Chart:
    """Stacked bars, one per outlet: each speaker's share of the outlet's quoted words (from
    `quotes.voice_share` per article, or `outlets.voice_share_by_outlet`; an outlet's articles, and
    its stories, are summed).  Speakers beyond the `top` most quoted are pooled as 'others'; only the
    `max_sources` outlets with the most quoted words get a bar (the title says so)."""
    title = "Share of quoted words per speaker and outlet"
    if len(share) and "outlet" not in share.columns:
        share = share.assign(outlet=_outlets.labels(share, articles))
    if len(share) and share["outlet"].nunique() > max_sources:
        words = share.groupby("outlet")["words"].sum().sort_values(ascending=False, kind="stable")
        title += f" (the {max_sources} of {len(words):,} outlets with the most quoted words)"
        share = share[share["outlet"].isin(set(words.index[:max_sources]))]
    if len(share) == 0:
        data = pd.DataFrame({"outlet": pd.Series(dtype=str), "speaker": pd.Series(dtype=str),
                             "words": pd.Series(dtype="int64"), "share": pd.Series(dtype=float),
                             "quotes": pd.Series(dtype="int64")})
    else:
        keep = set(share.groupby("speaker")["words"].sum().sort_values(ascending=False).head(top).index)
        data = share.assign(speaker=share["speaker"].where(share["speaker"].isin(keep), "others"))
        data = data.groupby(["outlet", "speaker"], as_index=False).agg(words=("words", "sum"),
                                                                      quotes=("quotes", "sum"))
        totals = data.groupby("outlet")["words"].transform("sum")
        data["share"] = (data["words"] / totals.where(totals > 0, 1)).astype(float)
    return (alt.Chart(data, title=title)
            .mark_bar()
            .encode(y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=320)),
                    x=alt.X("share:Q", title="share of the outlet's quoted words", stack="normalize",
                            axis=alt.Axis(format="%")),
                    color=alt.Color("speaker:N", title="speaker", scale=alt.Scale(scheme="tableau20")),
                    order=alt.Order("words:Q", sort="descending"),
                    tooltip=["outlet:N", "speaker:N", "quotes:Q", "words:Q",
                             alt.Tooltip("share:Q", format=".0%")])
            .properties(width=420))


# --- figures -----------------------------------------------------------------------------------


def figures_per_source_chart(data: pd.DataFrame) -> alt.Chart:
    """Stacked bars: figures per outlet, by kind (`figures.figures_by_source` table); beyond 20
    outlets the rest are pooled into one bar."""
    data, note = _pool_sources(_by_outlet(data)[["outlet", "kind", "figures"]], ["outlet", "kind"],
                               {"figures": ("figures", "sum")}, weight="figures", max_sources=20)
    order = data.groupby("outlet")["figures"].sum().sort_values(ascending=False).index.tolist() if len(data) else []
    return (alt.Chart(data, title="Figures per outlet" + note)
            .mark_bar()
            .encode(y=alt.Y("outlet:N", sort=order, title=None),
                    x=alt.X("figures:Q", title="figures", axis=alt.Axis(tickMinStep=1), stack="zero"),
                    color=alt.Color("kind:N", title="kind", scale=alt.Scale(scheme="tableau10")),
                    tooltip=["outlet:N", "kind:N", "figures:Q"])
            .properties(width=420))


def figure_values_chart(data: pd.DataFrame) -> alt.Chart:
    """One row per counted noun, one dot per figure at its value (log scale), coloured by outlet: the
    outlets agree where their dots coincide (`figures.values_by_noun` table)."""
    data = _by_outlet(data)
    positive = data[data["value"] > 0] if len(data) else data
    title = "What each outlet counts, and how many"
    if len(positive) and positive["outlet"].nunique() > MAX_SOURCES:
        # one dot per noun, outlet, kind and value; outlets beyond the largest pooled
        positive = positive.assign(figures=1)
        positive, note = _pool_sources(positive, ["noun", "outlet", "kind", "value"],
                                       {"figure": ("figure", "first"), "sentence": ("sentence", "first"),
                                        "figures": ("figures", "sum")}, weight="figures")
        title += note
        if len(positive) > MAX_CHART_ROWS:
            total = len(positive)
            positive = positive.sort_values("figures", ascending=False, kind="stable").head(MAX_CHART_ROWS)
            title += f"; the {MAX_CHART_ROWS:,} most stated of {total:,} values"
    return (alt.Chart(chart_ready(positive, what="figure values"), title=title)
            .mark_point(filled=True, size=90, opacity=0.75)
            .encode(y=alt.Y("noun:N", title=None),
                    x=alt.X("value:Q", title="value (log scale)", scale=alt.Scale(type="log")),
                    color=_outlet_colour(),
                    shape=alt.Shape("kind:N", title="kind"),
                    yOffset=alt.YOffset("outlet:N"),
                    tooltip=["outlet:N", "figure:N", "kind:N", alt.Tooltip("value:Q", format=",.4~g"),
                             "sentence:N"])
            .properties(width=420))


def figure_status_chart(matches: pd.DataFrame) -> alt.Chart:
    """Bars: compared figure groups by kind and status (agreed / conflict / single)."""
    data = (matches.groupby(["kind", "status"], as_index=False).size().rename(columns={"size": "groups"})
            if len(matches) else pd.DataFrame({"kind": pd.Series(dtype=str), "status": pd.Series(dtype=str),
                                               "groups": pd.Series(dtype="int64")}))
    return (alt.Chart(data, title="Figures compared across articles")
            .mark_bar()
            .encode(y=alt.Y("kind:N", title=None),
                    x=alt.X("groups:Q", title="figures (grouped across sources)", axis=alt.Axis(tickMinStep=1)),
                    color=alt.Color("status:N", title="status",
                                    scale=alt.Scale(domain=["agreed", "conflict", "single"],
                                                    range=["#59a14f", "#e15759", "#bab0ac"])),
                    tooltip=["kind:N", "status:N", "groups:Q"])
            .properties(width=420))


# --- overview ----------------------------------------------------------------------------------

def _article_outlets(articles: pd.DataFrame) -> pd.Series:
    """Each article's outlet (`outlets.labels`: metadata, page, URL domain or the article id)."""
    return pd.Series(_outlets.labels(articles, articles).tolist(), index=articles.index, dtype=object)


def _article_outlet_colour(articles: pd.DataFrame, **kwargs) -> alt.Color:
    """The same colour for an outlet in every overview chart (the domain is every outlet, sorted)."""
    return _outlet_colour(sorted(set(_article_outlets(articles))), **kwargs)


def overview_table(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                   quotes: pd.DataFrame | None = None, figures: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per article: id, outlet, where the outlet came from (metadata, page, url: the
    address's domain, article_id: nothing known), date, title, words and (if given) how many
    mentions, quotes and figures were extracted from it. A plain DataFrame: pandas escapes it when shown."""
    resolved = _outlets.resolve_outlets(articles[[c for c in ("article_id", "outlet", "outlet_source", "url")
                                                  if c in articles.columns]])
    table = pd.DataFrame({
        "article_id": articles["article_id"].astype(str),
        "outlet": resolved["outlet"].to_numpy(),
        "outlet_source": resolved["outlet_source"].to_numpy(),
        "date": articles["date"].fillna("").astype(str),
        "title": articles["title"].fillna("").astype(str),
        "words": articles["words"].astype("int64"),
    })
    for name, frame in (("mentions", mentions), ("quotes", quotes), ("figures", figures)):
        if frame is not None:
            counts = frame["article_id"].astype(str).value_counts() if len(frame) else pd.Series(dtype="int64")
            table[name] = table["article_id"].map(counts).fillna(0).astype("int64")
    return table.reset_index(drop=True)


def articles_per_outlet(articles: pd.DataFrame) -> alt.Chart:
    """Bar chart: number of articles (and words) per outlet."""
    data = (pd.DataFrame({"outlet": _article_outlets(articles), "words": articles["words"].astype("int64")})
            .groupby("outlet", as_index=False)
            .agg(articles=("words", "size"), words=("words", "sum")))
    return (alt.Chart(data, title="Articles per outlet")
            .mark_bar()
            .encode(x=alt.X("articles:Q", title="articles", axis=alt.Axis(tickMinStep=1)),
                    y=alt.Y("outlet:N", sort="-x", title=None),
                    color=_article_outlet_colour(articles, legend=None),
                    tooltip=["outlet:N", "articles:Q", alt.Tooltip("words:Q", title="words in total")])
            .properties(width=420))


def articles_by_date(articles: pd.DataFrame) -> alt.Chart:
    """Articles per publication date and outlet (articles without a date are counted in the title)."""
    dates = pd.to_datetime(articles["date"].fillna("").astype(str), errors="coerce", format="mixed")
    frame = pd.DataFrame({"date": dates.dt.strftime("%Y-%m-%d"), "outlet": _article_outlets(articles)})
    undated = int(dates.isna().sum())
    data = frame.dropna(subset=["date"]).groupby(["date", "outlet"], as_index=False).size()
    data = data.rename(columns={"size": "articles"})
    title = "Articles by publication date" + (f" ({undated} without a date)" if undated else "")
    return (alt.Chart(data, title=title)
            .mark_bar(size=14)
            .encode(x=alt.X("date:T", title="publication date", axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30)),
                    y=alt.Y("articles:Q", title="articles", axis=alt.Axis(tickMinStep=1)),
                    color=_article_outlet_colour(articles, title="outlet"),
                    tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), "outlet:N", "articles:Q"])
            .properties(width=420, height=200))


def article_lengths(articles: pd.DataFrame, *, max_bars: int = 40) -> alt.Chart:
    """Article length in words: one bar per article for small corpora, else a histogram per outlet."""
    data = pd.DataFrame({
        "article_id": articles["article_id"].astype(str),
        "title": articles["title"].fillna("").astype(str).str.slice(0, 120),
        "outlet": _article_outlets(articles),
        "words": articles["words"].astype("int64"),
    })
    if len(data) <= max_bars:
        return (alt.Chart(data, title="Article length (words)")
                .mark_bar()
                .encode(x=alt.X("words:Q", title="words"),
                        y=alt.Y("article_id:N", sort="-x", title=None),
                        color=_article_outlet_colour(articles, title="outlet"),
                        tooltip=["article_id:N", "title:N", "outlet:N", "words:Q"])
                .properties(width=420))
    binned = data.assign(bin=(data["words"] // 100) * 100).groupby(["bin", "outlet"], as_index=False).size()
    binned = binned.rename(columns={"size": "articles"})
    return (alt.Chart(binned, title="Article length (words, bins of 100)")
            .mark_bar()
            .encode(x=alt.X("bin:Q", title="words", bin=alt.Bin(binned=True, step=100)),
                    y=alt.Y("articles:Q", stack=True),
                    color=_article_outlet_colour(articles, title="outlet"),
                    tooltip=[alt.Tooltip("bin:Q", title="from words"), "outlet:N", "articles:Q"])
            .properties(width=420))


# --- scale -------------------------------------------------------------------------------------
# Large annotation sets: aggregate before charting. Altair refuses (MaxRowsError) to embed more than
# MAX_CHART_ROWS rows; these helpers bring any table down to one row per drawn mark, and say clearly
# what to do when a chart would still need more, so a chart never fails late or drops rows silently.

from .errors import NewsbookError  # noqa: E402

MAX_CHART_ROWS = 5000  # altair's default max_rows
OTHER = "(other)"


class ChartDataTooLarge(NewsbookError, ValueError):
    """A chart was handed more rows than Altair embeds; aggregate first (charts.aggregate, charts.top_n)."""


def chart_ready(data: pd.DataFrame, *, max_rows: int = MAX_CHART_ROWS, what: str = "chart data") -> pd.DataFrame:
    """`data` unchanged if a chart can embed it, else ChartDataTooLarge naming the sizes and the fix."""
    if len(data) > max_rows:
        raise ChartDataTooLarge(
            f"{what} has {len(data):,} rows; a chart embeds at most {max_rows:,}. Aggregate first: "
            "newsbook.charts.aggregate(frame, by=[...], top=N) gives one row per bar, "
            "newsbook.charts.histogram(frame, column) one row per bin.")
    return data


def top_n(frame: pd.DataFrame, column: str, n: int, *, weight: str | None = None, other: str = OTHER) -> pd.DataFrame:
    """A copy of `frame` where `column` keeps its `n` most frequent values (by rows, or by the sum of
    `weight`) and every other value becomes `other`, so the category axis has at most n + 1 entries."""
    if frame.empty or frame[column].nunique() <= n:
        return frame
    sizes = frame.groupby(column)[weight].sum() if weight else frame[column].value_counts()
    keep = set(sizes.sort_values(ascending=False, kind="stable").index[:n])
    out = frame.copy()
    out[column] = out[column].where(out[column].isin(keep), other)
    return out


def aggregate(frame: pd.DataFrame, by: str | list[str], *, value: str | None = None, how: str = "count",
              name: str | None = None, top: int | None = None, top_by: str | None = None,
              other: str = OTHER, max_rows: int = MAX_CHART_ROWS) -> pd.DataFrame:
    """One row per group of `by`: the row count (how="count"), or the sum / mean / median / max / min of
    `value`, in a column called `name` (default: "count" or the value's name). With `top`, the column
    `top_by` (default: the first of `by`) keeps its `top` largest groups, the rest pooled into `other`.
    Raises ChartDataTooLarge if the result still has more than `max_rows` rows."""
    by = [by] if isinstance(by, str) else list(by)
    if top is not None:
        frame = top_n(frame, top_by or by[0], top, weight=value if how == "sum" else None, other=other)
    if how == "count":
        out = frame.groupby(by, dropna=False, observed=True).size().reset_index(name=name or "count")
    else:
        if value is None:
            raise ValueError(f"how={how!r} needs a value column")
        out = (frame.groupby(by, dropna=False, observed=True)[value].agg(how)
               .reset_index().rename(columns={value: name or value}))
    return chart_ready(out, max_rows=max_rows, what=f"{'/'.join(by)} groups")


def histogram(frame: pd.DataFrame, column: str, *, bins: int = 40, by: str | None = None,
              max_rows: int = MAX_CHART_ROWS) -> pd.DataFrame:
    """Counts of `column` in `bins` equal-width bins (optionally per `by` group): columns bin_start,
    bin_end, [by,] count — draw with mark_bar on x=bin_start, x2=bin_end."""
    values = pd.to_numeric(frame[column], errors="coerce")
    data = frame.assign(_value=values).dropna(subset=["_value"])
    if data.empty:
        return pd.DataFrame(columns=["bin_start", "bin_end", *([by] if by else []), "count"])
    low, high = float(data["_value"].min()), float(data["_value"].max())
    width = (high - low) / bins if high > low else 1.0
    index = ((data["_value"] - low) // width).clip(upper=bins - 1).astype(int)
    data = data.assign(bin_start=low + index * width, bin_end=low + (index + 1) * width)
    keys = ["bin_start", "bin_end", *([by] if by else [])]
    out = data.groupby(keys, observed=True).size().reset_index(name="count")
    return chart_ready(out, max_rows=max_rows, what=f"{column} histogram")


# --- tables --------------------------------------------------------------------------------------
# The figure agreement table is `figures.agreement_table` (newsbook.figure_views): one for every size.


def link_methods(mentions: pd.DataFrame, kinds) -> pd.DataFrame:
    """How each actor's mentions were linked: one row per actor, one column per `how` (name,
    surname, role, alias, correction) and the total; most mentioned actors first."""
    from . import actors as _actors

    m = mentions[mentions["kind"].isin(_actors.as_kinds(kinds))] if len(mentions) else mentions
    if len(m) == 0:
        return pd.DataFrame({"actor": pd.Series(dtype=object), "mentions": pd.Series(dtype="int64")})
    table = m.groupby(["actor", "how"]).size().unstack(fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table.insert(0, "mentions", table.sum(axis=1))
    table = table.reset_index().sort_values(["mentions", "actor"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


# --- stories -----------------------------------------------------------------------------------------

MAX_STORIES = 15  # stories drawn in the timeline; the others are counted in the title


def story_timeline_chart(articles: pd.DataFrame, events: pd.DataFrame, *, max_stories: int = MAX_STORIES) -> alt.Chart:
    """Per story (the largest `max_stories`), each outlet's articles by publication date: which outlet
    was first and how coverage spread over the days. Undated articles are counted in the title."""
    order = events["event"].tolist()[:max_stories]
    labels = dict(zip(events["event"], events["label"]))
    dates = pd.to_datetime(articles["date"].fillna("").astype(str), errors="coerce", format="mixed")
    frame = pd.DataFrame({"event": articles["event"], "outlet": _article_outlets(articles),
                          "date": dates.dt.strftime("%Y-%m-%d")})
    shown = frame[frame["event"].isin(order)]
    undated = int(shown["date"].isna().sum())
    data = shown.dropna(subset=["date"]).groupby(["event", "date", "outlet"], as_index=False).size()
    data = data.rename(columns={"size": "articles"})
    data["story"] = data["event"].map(lambda e: f"{labels.get(e, e)} [{e}]")
    story_order = [f"{labels.get(e, e)} [{e}]" for e in order]
    more = max(0, len(events) - max_stories)
    title = ("Coverage over time, per story" + (f" ({max_stories} largest of {len(events)} shown)" if more else "")
             + (f"; {undated} articles without a date" if undated else ""))
    return (alt.Chart(data, title=title)
            .mark_circle(opacity=0.8)
            .encode(x=alt.X("date:T", title="publication date", axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30)),
                    y=alt.Y("story:N", sort=story_order, title=None),
                    size=alt.Size("articles:Q", legend=None),
                    color=_article_outlet_colour(articles, title="outlet"),
                    tooltip=["story:N", alt.Tooltip("date:T", format="%Y-%m-%d"), "outlet:N", "articles:Q"])
            .properties(width=480))

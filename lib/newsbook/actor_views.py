"""Notebook views of the actors tables: mentions per source, single-source actors, prominence,
co-occurrence, the actor summary, the corrections applied."""

from __future__ import annotations


import pandas as pd

from .actor_lexicon import KINDS
from .actor_corrections import KIND_NAMES


def as_kinds(kinds) -> tuple[str, ...]:
    """The `kinds` notebook parameter as a tuple: a list, or a comma-separated string; all if empty."""
    if kinds is None or (isinstance(kinds, str) and not kinds.strip()):
        return KINDS
    items = kinds.split(",") if isinstance(kinds, str) else list(kinds)
    out = []
    for item in items:
        kind = KIND_NAMES.get(str(item).strip().lower())
        if kind is None:
            raise ValueError(f"unknown actor kind {item!r}; use {', '.join(KINDS)}")
        out.append(kind)
    return tuple(dict.fromkeys(out))


def source_labels(articles: pd.DataFrame) -> dict[str, str]:
    """article_id -> how a reader names the source: the outlet, with the id when one outlet has
    several articles; the id alone when the outlet is unknown."""
    if articles is None or articles.empty:
        return {}
    outlets = articles["outlet"].fillna("").astype(str).str.strip()
    repeated = outlets[outlets != ""].value_counts()
    labels = {}
    for article_id, outlet in zip(articles["article_id"].astype(str), outlets):
        if not outlet:
            labels[article_id] = article_id
        else:
            labels[article_id] = f"{outlet} ({article_id})" if repeated.get(outlet, 0) > 1 else outlet
    return labels


def _with_source(table: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    labels = source_labels(articles)
    return table.assign(source=table["article_id"].map(lambda a: labels.get(a, a)))


def _top_actors(table: pd.DataFrame, top_n: int | None) -> list[str]:
    totals = table.groupby("actor")["mentions"].sum().sort_values(ascending=False, kind="stable")
    return totals.index.tolist() if not top_n else totals.head(int(top_n)).index.tolist()


def mentions_by_source(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None,
                       top_n: int | None = 15) -> pd.DataFrame:
    """Mentions per actor per source for the `top_n` most mentioned actors of the given kinds."""
    table = actor_table[actor_table["kind"].isin(as_kinds(kinds))]
    if table.empty:
        return pd.DataFrame(columns=["actor", "kind", "source", "mentions"])
    table = table[table["actor"].isin(_top_actors(table, top_n))]
    table = _with_source(table, articles)
    out = table.groupby(["actor", "kind", "source"], as_index=False)["mentions"].sum()
    order = {a: i for i, a in enumerate(_top_actors(out, None))}
    return out.sort_values(["actor", "source"], key=lambda s: s.map(order) if s.name == "actor" else s,
                           kind="stable").reset_index(drop=True)


def single_source_actors(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None) -> pd.DataFrame:
    """Actors that only one source names, most mentioned first."""
    table = _with_source(actor_table[actor_table["kind"].isin(as_kinds(kinds))], articles)
    columns = ["actor", "kind", "source", "mentions", "first_sentence", "quoted"]
    if table.empty or table["source"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    n_sources = table.groupby("actor")["source"].nunique()
    only = table[table["actor"].isin(n_sources[n_sources == 1].index)]
    out = only.groupby(["actor", "kind", "source"], as_index=False).agg(
        mentions=("mentions", "sum"), first_sentence=("first_sentence", "min"), quoted=("quoted", "any"))
    return out.sort_values(["mentions", "actor"], ascending=[False, True]).reset_index(drop=True)[columns]


def prominence(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None,
               top_n: int | None = 15) -> pd.DataFrame:
    """For each of the `top_n` actors and each source naming it: the sentence of its first mention."""
    table = actor_table[actor_table["kind"].isin(as_kinds(kinds))]
    columns = ["actor", "kind", "source", "first_sentence", "mentions"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    table = _with_source(table[table["actor"].isin(_top_actors(table, top_n))], articles)
    out = table.groupby(["actor", "kind", "source"], as_index=False).agg(
        first_sentence=("first_sentence", "min"), mentions=("mentions", "sum"))
    return out.sort_values(["first_sentence", "actor"]).reset_index(drop=True)[columns]


def cooccurrence(mentions: pd.DataFrame, *, kinds=None, top_n: int | None = 15) -> pd.DataFrame:
    """Pairs of the `top_n` most mentioned actors and the number of sentences naming both
    (each ordered pair once in each direction, for a symmetric heatmap; the diagonal is each
    actor's own number of sentences)."""
    columns = ["actor_a", "actor_b", "sentences"]
    m = mentions[mentions["kind"].isin(as_kinds(kinds))]
    if m.empty:
        return pd.DataFrame(columns=columns)
    counts = m.groupby("actor").size().rename("mentions").reset_index()
    keep = set(_top_actors(counts, top_n))
    sentences = (m[m["actor"].isin(keep)][["article_id", "sentence_index", "actor"]].drop_duplicates())
    pairs = sentences.merge(sentences, on=["article_id", "sentence_index"], suffixes=("_a", "_b"))
    out = pairs.groupby(["actor_a", "actor_b"], as_index=False).size().rename(columns={"size": "sentences"})
    return out.sort_values(["sentences", "actor_a", "actor_b"], ascending=[False, True, True]).reset_index(drop=True)


def actor_summary(actor_table: pd.DataFrame, articles: pd.DataFrame, *, kinds=None) -> pd.DataFrame:
    """One row per actor across the corpus: sources, mentions, earliest first mention, quoted words."""
    table = _with_source(actor_table[actor_table["kind"].isin(as_kinds(kinds))], articles)
    columns = ["actor", "kind", "sources", "n_sources", "mentions", "earliest_sentence", "quoted_words"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    out = table.groupby(["actor", "kind"], as_index=False).agg(
        sources=("source", lambda s: "; ".join(sorted(set(s)))), n_sources=("source", "nunique"),
        mentions=("mentions", "sum"), earliest_sentence=("first_sentence", "min"),
        quoted_words=("quoted_words", "sum"))
    return out.sort_values(["mentions", "actor"], ascending=[False, True]).reset_index(drop=True)[columns]


def corrections_frame(applied: list[str]) -> pd.DataFrame:
    """The corrections an annotate run applied, as a one-column table."""
    return pd.DataFrame({"correction applied from actors.yaml": list(applied or [])})

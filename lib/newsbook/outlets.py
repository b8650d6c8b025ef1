"""Outlets: who the source of an article is, and the comparisons per outlet within a story.

This module owns the one way newsbook names a source:

* `resolve_outlets` gives every article an outlet: the one its metadata (front matter,
  metadata.csv, a record's column) or its saved page names, else the domain of its URL, else its
  article id (the article then stands for an outlet of its own); `articles.outlet_source` says
  which (metadata | page | url | article_id).
* `source_labels` is the label every table and chart uses for a source: the outlet (``per="outlet"``,
  the default: several articles of one outlet are that outlet's coverage), or, where rows stay one
  per article, ``"Outlet (article_id)"`` (``per="article"``; the id alone when it is the outlet).

On top of the article-level tables (`quote_matches`, `figure_matches`, `quotes.voice_share`, the
`actors` table), which keep their article ids and offsets so every number can be traced, it builds
the views a researcher compares outlets with, always within a story:

* `quote_matches_by_outlet`: the quote matches with `outlet_a` / `outlet_b`;
* `figure_outlets`: per figure group and outlet, how that outlet states it, and whether its own
  articles state a conflicting value (`self_conflict`); `outlet_status` the group's status between
  outlets (agreed / conflict / conflict within outlet / single);
* `outlet_pairs`: per story and pair of outlets, the figures both state alike, the figures they
  state in conflict, the quotes both print (same / shortened / reworded); a pair of an outlet with
  itself is listed when it has several articles in the story, so its own disagreements show;
* `voice_share_by_outlet`, `actor_mentions_by_outlet`, `actor_prominence_by_outlet`: voice share
  and actor prominence per outlet.

The columns of these views are documented in docs/schema.md (section "Outlet views").
Presentation only: nothing here changes a stored table.
"""

from __future__ import annotations

import functools
from itertools import combinations
from urllib.parse import urlparse

import pandas as pd

OUTLET_SOURCES = ("metadata", "page", "url", "article_id")

# how a figure group stands between outlets, most telling first (the agreement table's order)
OUTLET_STATUS_ORDER = {"conflict": 0, "conflict within outlet": 1, "agreed": 2, "single": 3}


# --- the source of an article ------------------------------------------------------------------


def url_domain(url: str) -> str:
    """The outlet an address names: its host without the labels that name a part or an edition of
    a site (rules/outlet_subdomains.txt: 'www.', 'articles.', 'edition.', 'news.' ...), down to the
    registrable domain of the public suffix list bundled with `tld` ('http://articles.latimes.com/y'
    -> 'latimes.com', 'news.bbc.co.uk' -> 'bbc.co.uk'), or a label that repeats the site's name
    ('usatoday30.usatoday.com' -> 'usatoday.com').  Other labels name another outlet on a shared
    domain and are kept ('abcnews.go.com', 'someblog.blogspot.com').  '' when there is no host."""
    text = str(url or "").strip()
    if not text:
        return ""
    try:
        host = urlparse(text if "//" in text else "//" + text).hostname or ""
    except ValueError:  # an address urlparse cannot read ('http://[x') names no domain
        return ""
    host = host.lower().rstrip(".")
    if not host or any(c.isspace() for c in host):  # 'not a url' has no host
        return ""
    return _outlet_host(host)


@functools.lru_cache(maxsize=65536)  # a corpus repeats its few hosts
def _outlet_host(host: str) -> str:
    from . import rules

    generic = rules.words("outlet_subdomains")
    registered = _registrable_domain(host)
    labels = host.split(".")
    keep = len(registered.split(".")) if registered else 2
    site = labels[-keep] if len(labels) >= keep else ""
    while len(labels) > keep and (labels[0] in generic or (len(site) >= 4 and site in labels[0])):
        labels = labels[1:]
    return ".".join(labels)


def _registrable_domain(host: str) -> str:
    if host.replace(".", "").isdigit():
        return ""  # an IP address has no domain
    from tld import get_fld  # offline: tld reads the list it ships with

    try:
        return get_fld(host, fix_protocol=True, fail_silently=True) or ""
    except Exception:  # noqa: BLE001 - tld raises its own errors on odd hosts; the host is used then
        return ""


def _column(frame: pd.DataFrame, name: str) -> list[str]:
    if name not in frame.columns:
        return [""] * len(frame)
    return frame[name].fillna("").astype(str).str.strip().tolist()


def resolve_outlets(articles: pd.DataFrame) -> pd.DataFrame:
    """`articles` with every outlet known: the given one (metadata or page, as `outlet_source` says),
    else the URL's domain (`outlet_source` "url"), else the article id ("article_id")."""
    out = articles.copy()
    outlets = _column(out, "outlet")
    given = _column(out, "outlet_source")
    urls = _column(out, "url")
    ids = out["article_id"].astype(str).tolist()
    sources = []
    for k, (outlet, source, url, article_id) in enumerate(zip(outlets, given, urls, ids)):
        if outlet:
            sources.append(source or "metadata")
        elif url_domain(url):
            outlets[k] = url_domain(url)
            sources.append("url")
        else:
            outlets[k] = article_id
            sources.append("article_id")
    out["outlet"] = outlets
    out["outlet_source"] = sources
    return out


def outlet_of(articles: pd.DataFrame | None) -> dict[str, str]:
    """article_id -> outlet (resolved as `resolve_outlets` does, so a table read without it works too)."""
    if articles is None or len(articles) == 0:
        return {}
    resolved = resolve_outlets(articles[[c for c in ("article_id", "outlet", "outlet_source", "url")
                                         if c in articles.columns]])
    return dict(zip(resolved["article_id"].astype(str).tolist(), resolved["outlet"].tolist()))


def source_labels(articles: pd.DataFrame | None, *, per: str = "outlet") -> dict[str, str]:
    """article_id -> how a report names its source.  ``per="outlet"``: the outlet.  ``per="article"``
    (rows that stay one per article): "Outlet (article_id)", or the id alone when the article stands
    for its own outlet.  An article missing from `articles` is named by its id (see `labels`)."""
    if per not in ("outlet", "article"):
        raise ValueError(f"per must be 'outlet' or 'article', not {per!r}")
    outlets = outlet_of(articles)
    if per == "outlet":
        return outlets
    return {a: a if o == a else f"{o} ({a})" for a, o in outlets.items()}


def labels(frame: pd.DataFrame, articles: pd.DataFrame | None, *, column: str = "article_id",
           per: str = "outlet") -> pd.Series:
    """`source_labels` of each row's `column` (an article id), as a Series aligned with `frame`."""
    ids = frame[column].astype(str)
    names = source_labels(articles, per=per)
    return ids.map(lambda a: names.get(a, a)) if len(ids) else ids


def _events(articles: pd.DataFrame | None) -> dict[str, str]:
    if articles is None or len(articles) == 0 or "event" not in articles.columns:
        return {}
    return dict(zip(articles["article_id"].astype(str), articles["event"].fillna("").astype(str)))


# --- quotes ------------------------------------------------------------------------------------


def quote_matches_by_outlet(matches: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    """`quote_matches` with `outlet_a` and `outlet_b` after the article ids they belong to (named
    again if the table has them already)."""
    out = matches.drop(columns=[c for c in ("outlet_a", "outlet_b") if c in matches.columns])
    outlets = source_labels(articles)
    for side in ("a", "b"):
        ids = out[f"article_id_{side}"].astype(str)
        position = out.columns.get_loc(f"article_id_{side}") + 1
        out.insert(position, f"outlet_{side}", ids.map(lambda a: outlets.get(a, a)).astype(object))
    return out.reset_index(drop=True)


def voice_share_by_outlet(share: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    """`quotes.voice_share` (per article) summed per story, outlet and speaker: event, outlet,
    speaker, articles (of the outlet quoting the speaker), quotes, words, share (of the outlet's
    quoted words in that story)."""
    cols = ["event", "outlet", "speaker", "articles", "quotes", "words", "share"]
    if share is None or len(share) == 0:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("articles", "quotes", "words") else
                                          "float64" if c == "share" else object) for c in cols})
    events = _events(articles)
    data = share.assign(outlet=labels(share, articles),
                        event=share["article_id"].astype(str).map(lambda a: events.get(a, "")))
    out = data.groupby(["event", "outlet", "speaker"], as_index=False).agg(
        articles=("article_id", "nunique"), quotes=("quotes", "sum"), words=("words", "sum"))
    totals = out.groupby(["event", "outlet"])["words"].transform("sum")
    out["share"] = (out["words"] / totals.where(totals > 0, 1)).astype(float)
    out = out.sort_values(["event", "outlet", "words"], ascending=[True, True, False], kind="stable")
    return out[cols].reset_index(drop=True)


# --- actors ------------------------------------------------------------------------------------


def _actors_of_kinds(actor_table: pd.DataFrame, kinds, top_n: int | None) -> pd.DataFrame:
    table = actor_table if kinds is None else actor_table[actor_table["kind"].isin(tuple(kinds))]
    if top_n and len(table):
        totals = table.groupby("actor")["mentions"].sum().sort_values(ascending=False, kind="stable")
        table = table[table["actor"].isin(set(totals.head(int(top_n)).index))]
    return table


def actor_mentions_by_outlet(actor_table: pd.DataFrame, articles: pd.DataFrame | None, *, kinds=None,
                             top_n: int | None = 15) -> pd.DataFrame:
    """Mentions per actor and outlet (the `top_n` most mentioned actors of `kinds`, a tuple as
    `actors.as_kinds` gives; None: every kind): actor, kind, outlet, mentions, articles (of the
    outlet naming the actor); most mentioned actors first."""
    cols = ["actor", "kind", "outlet", "mentions", "articles"]
    table = _actors_of_kinds(actor_table, kinds, top_n)
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("mentions", "articles") else object) for c in cols})
    out = table.assign(outlet=labels(table, articles)).groupby(["actor", "kind", "outlet"], as_index=False).agg(
        mentions=("mentions", "sum"), articles=("article_id", "nunique"))
    rank = out.groupby("actor")["mentions"].transform("sum")
    out = out.assign(_rank=-rank).sort_values(["_rank", "actor", "outlet"], kind="stable")
    return out[cols].reset_index(drop=True)


def actor_prominence_by_outlet(actor_table: pd.DataFrame, articles: pd.DataFrame | None, *, kinds=None,
                               top_n: int | None = 15) -> pd.DataFrame:
    """For each of the `top_n` actors and each outlet naming it: the earliest sentence any of the
    outlet's articles first names it in (prominence), its mentions and articles."""
    cols = ["actor", "kind", "outlet", "first_sentence", "mentions", "articles"]
    table = _actors_of_kinds(actor_table, kinds, top_n)
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("actor", "kind", "outlet") else "int64")
                             for c in cols})
    out = table.assign(outlet=labels(table, articles)).groupby(["actor", "kind", "outlet"], as_index=False).agg(
        first_sentence=("first_sentence", "min"), mentions=("mentions", "sum"),
        articles=("article_id", "nunique"))
    return out.sort_values(["first_sentence", "actor", "outlet"], kind="stable")[cols].reset_index(drop=True)


# --- figures -----------------------------------------------------------------------------------


def _article_of_figure(figure_id: str) -> str:
    return figure_id.rpartition(":")[0] or figure_id  # ids are <article_id>:f<n>


def _group_outlets(matches: pd.DataFrame, articles: pd.DataFrame | None) -> list[dict[str, list[str]]]:
    """Per `matches` row: outlet -> the ids of the figures of the group it states (in group order)."""
    outlets = source_labels(articles)
    out = []
    for ids in matches["figure_ids"].astype(str).tolist():
        by_outlet: dict[str, list[str]] = {}
        for fid in filter(None, ids.split(";")):
            article = _article_of_figure(fid)
            by_outlet.setdefault(outlets.get(article, article), []).append(fid)
        out.append(by_outlet)
    return out


def _partners(matches: pd.DataFrame, group_outlets: list[dict]) -> list[set[str]]:
    """Per row: the outlets stating a value that conflicts with the row's (from `conflicts_with`)."""
    first = {str(ids).split(";")[0]: k for k, ids in enumerate(matches["figure_ids"].tolist())}
    column = matches["conflicts_with"].fillna("").astype(str).tolist() if "conflicts_with" in matches else [""] * len(matches)
    out = []
    for named in column:
        outlets: set[str] = set()
        for fid in filter(None, named.split(";")):
            if fid in first:
                outlets |= set(group_outlets[first[fid]])
        out.append(outlets)
    return out


def outlet_status(matches: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    """Per `figure_matches` row (same index): `outlets` (';'-separated), `n_outlets`, `outlet_status`
    and `self_conflict`.  outlet_status: conflict (an outlet states a value another outlet's
    conflicts with) | conflict within outlet (only one outlet's own articles disagree) | agreed (two
    or more outlets state it, none conflicting) | single (one outlet, however many of its articles).
    self_conflict: the outlets whose own articles state this value and a conflicting one."""
    groups = _group_outlets(matches, articles)
    partners = _partners(matches, groups)
    legacy = "conflicts_with" not in matches.columns  # a table saved before conflicts were linked
    statuses, selves = [], []
    for by_outlet, others, status in zip(groups, partners, matches["status"].tolist()):
        mine = set(by_outlet)
        cross = any(a != b for a in mine for b in others) or (legacy and status == "conflict")
        self_conflict = sorted(mine & others)
        statuses.append("conflict" if cross else "conflict within outlet" if self_conflict
                        else "agreed" if len(mine) >= 2 else "single")
        selves.append("; ".join(self_conflict))
    return pd.DataFrame({"outlets": [";".join(sorted(g)) for g in groups],
                         "n_outlets": [len(g) for g in groups], "outlet_status": statuses,
                         "self_conflict": selves}, index=matches.index)


def figure_outlets(matches: pd.DataFrame, figures: pd.DataFrame, articles: pd.DataFrame | None, *,
                   status: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per figure group and outlet stating it: event, group (the group's first figure id, as
    `figure_matches.conflicts_with` names groups), value, kind, noun, outlet, articles
    (';'-separated ids of the outlet's articles stating it), figure_ids, stated (how the outlet
    writes it: its distinct wordings, ' · '-joined), outlet_status, self_conflict (True when the
    outlet's own articles also state a conflicting value).  `status`: `outlet_status(matches,
    articles)` when the caller has it already."""
    cols = ["event", "group", "value", "kind", "noun", "outlet", "articles", "figure_ids", "stated", "outlet_status",
            "self_conflict"]
    if matches is None or len(matches) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else bool if c == "self_conflict" else object)
                             for c in cols})
    matches = matches.reset_index(drop=True)
    groups = _group_outlets(matches, articles)
    status = outlet_status(matches, articles) if status is None else status.reset_index(drop=True)
    wanted = {fid for g in groups for ids in g.values() for fid in ids}
    picked = figures[figures["figure_id"].isin(wanted)]
    wording = dict(zip(picked["figure_id"].tolist(), _wordings(picked)))
    # column lists, not a pandas lookup per row (.at and to_dict box every value: seconds at 10k groups)
    events = matches["event"].tolist() if "event" in matches.columns else [""] * len(matches)
    firsts = [str(ids).split(";")[0] for ids in matches["figure_ids"].tolist()]
    values, kinds, nouns = (matches[c].tolist() for c in ("value", "kind", "noun"))
    statuses, self_conflicts = status["outlet_status"].tolist(), status["self_conflict"].tolist()
    rows = []
    for k, by_outlet in enumerate(groups):
        selves = set(filter(None, self_conflicts[k].split("; ")))
        for outlet, ids in sorted(by_outlet.items()):
            rows.append((events[k], firsts[k], values[k], kinds[k], nouns[k], outlet,
                         ";".join(dict.fromkeys(_article_of_figure(f) for f in ids)), ";".join(ids),
                         " · ".join(dict.fromkeys(wording.get(f, f) for f in ids)), statuses[k], outlet in selves))
    return pd.DataFrame(rows, columns=cols)


def _wordings(figures: pd.DataFrame) -> list[str]:
    """How each figure is written: its text and the phrase it counts ('755 diplomats')."""
    phrases = figures["noun_phrase"].fillna("").astype(str).where(lambda s: s != "",
                                                                  figures["noun"].fillna("").astype(str))
    return [f"{t} {p}".strip() for t, p in zip(figures["text"].fillna("").astype(str).tolist(), phrases.tolist())]


def _story_outlets(articles: pd.DataFrame | None) -> dict[str, dict[str, int]]:
    """story -> outlet -> its articles in that story."""
    if articles is None or len(articles) == 0:
        return {}
    events = _events(articles)
    outlets = source_labels(articles)
    out: dict[str, dict[str, int]] = {}
    for article in articles["article_id"].astype(str).tolist():
        counts = out.setdefault(events.get(article, ""), {})
        counts[outlets[article]] = counts.get(outlets[article], 0) + 1
    return out


PAIR_COLUMNS = ["event", "outlet_a", "outlet_b", "articles_a", "articles_b", "figures_a", "figures_b",
                "figures_agreed", "figure_conflicts", "quote_matches", "quotes_same", "quotes_shortened",
                "quotes_reworded"]
_PAIR_COUNTS = PAIR_COLUMNS[7:]  # what the figure groups and quote matches add up per pair


def outlet_pairs(articles: pd.DataFrame, figure_matches: pd.DataFrame, quote_matches: pd.DataFrame, *,
                 kinds=None) -> pd.DataFrame:
    """Per story and pair of outlets covering it (`outlet_a` before `outlet_b` alphabetically; an
    outlet paired with itself when it has several articles in the story): how many figure groups
    (of `kinds`; None: all) each states, how many both state alike (`figures_agreed`), how many pairs
    of conflicting values they state (`figure_conflicts`: one states a value, the other a value it
    conflicts with; with itself: its own articles disagree), and the quotes of one an article of the
    other renders too (`quote_matches`, by relation).  Counted from `figure_matches` and
    `quote_matches`, whose article ids trace every number."""
    stories = _story_outlets(articles)
    fm = figure_matches
    if kinds is not None and len(fm):
        fm = fm[fm["kind"].isin(tuple(kinds))]
    fm = fm.reset_index(drop=True)
    counts: dict[tuple, dict[str, int]] = {}

    def pair(event, a, b) -> dict[str, int]:
        a, b = sorted((a, b))
        return counts.setdefault((event, a, b), dict.fromkeys(_PAIR_COUNTS, 0))

    events = fm["event"].fillna("").astype(str).tolist() if "event" in fm.columns else [""] * len(fm)
    groups = _group_outlets(fm, articles) if len(fm) else []
    first = {str(ids).split(";")[0]: k for k, ids in enumerate(fm["figure_ids"].tolist())} if len(fm) else {}
    stated: dict[tuple, int] = {}
    for k, by_outlet in enumerate(groups):
        for outlet, ids in by_outlet.items():
            stated[(events[k], outlet)] = stated.get((events[k], outlet), 0) + 1
            if len({_article_of_figure(f) for f in ids}) >= 2:  # its own articles state it alike
                pair(events[k], outlet, outlet)["figures_agreed"] += 1
        for a, b in combinations(sorted(by_outlet), 2):
            pair(events[k], a, b)["figures_agreed"] += 1
    seen: set[tuple] = set()
    named = fm["conflicts_with"].fillna("").astype(str).tolist() if "conflicts_with" in fm.columns else [""] * len(fm)
    for k, others in enumerate(named):
        for fid in filter(None, others.split(";")):
            j = first.get(fid)
            if j is None or (min(k, j), max(k, j)) in seen:
                continue
            seen.add((min(k, j), max(k, j)))
            for a in groups[k]:
                for b in groups[j]:
                    pair(events[k], a, b)["figure_conflicts"] += 1
    qm = quote_matches_by_outlet(quote_matches, articles) if len(quote_matches) else quote_matches
    for r in (qm.to_dict("records") if len(qm) else []):
        cell = pair(str(r.get("event", "") or ""), r["outlet_a"], r["outlet_b"])
        cell["quote_matches"] += 1
        relation = str(r.get("relation", "") or "")
        if f"quotes_{relation}" in cell:
            cell[f"quotes_{relation}"] += 1
    rows = []
    for event, outlets in sorted(stories.items()):
        names = sorted(outlets)
        both = [(a, b) for a, b in combinations(names, 2)] + [(a, a) for a in names if outlets[a] >= 2]
        for a, b in sorted(both):
            cell = counts.get((event, a, b), dict.fromkeys(_PAIR_COUNTS, 0))
            rows.append({"event": event, "outlet_a": a, "outlet_b": b, "articles_a": outlets[a],
                         "articles_b": outlets[b], "figures_a": stated.get((event, a), 0),
                         "figures_b": stated.get((event, b), 0), **cell})
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    for c in PAIR_COLUMNS[3:]:
        out[c] = out[c].astype("int64")
    return out

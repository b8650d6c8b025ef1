"""Story grouping on several proxies of the held-out corpora, with B-cubed P/R/F1 for each and, given
annotations, the share of quote matches and figure agreements/conflicts that join articles of
different true stories once every comparison stays inside the stories found.

    python bench/stories_proxies.py
    python bench/stories_proxies.py --ecb-annotations DIR --wikinews-annotations DIR

DIR: a folder of `newsbook annotate --out DIR` (articles, mentions, quotes, figures parquet) on
../shared/corpora/ecbplus-dev and on wikinews (then its articles are read from DIR too).

Proxies:
- ecbplus-dev: all 40 stories, in same-kind pairs (the "harder" held-out corpus; target >= 0.93).
- ecbplus ecb-only / ecbplus-only: one story of each same-kind pair (20 distinct stories, each
  covered by several outlets): the "many stories x several outlets" corpus (target >= 0.97).
- ecbplus random-N (seeded draws of N stories of any kind): mixes of pairs and lone stories.
- wikinews-outlets: every Wikinews article cut into 3 pseudo-outlets (dated, many stories).
- mixed: ecb-only plus the wikinews pseudo-outlets (different vocabularies and date knowledge).

Corpora: ECB+ (Cybulska and Vossen, LREC 2014, CC BY 3.0); Wikinews (CC BY 2.5, Wikinews contributors).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from newsbook import stories
from newsbook.corpus import read_corpus

SHARED = Path("/work/shared/corpora")
ECBPLUS = SHARED / "ecbplus-dev" / "ecbplus-dev.jsonl"
WIKINEWS = SHARED / "wikinews"


def _load(folder: str) -> dict[str, pd.DataFrame] | None:
    if not folder:
        return None
    return {n: pd.read_parquet(Path(folder) / f"{n}.parquet") for n in ("articles", "mentions", "quotes", "figures")}


def _pieces_of(table: pd.DataFrame, originals: pd.DataFrame, outlets: int) -> pd.DataFrame:
    """Rows of the originals' table (by character offset) given to the pseudo-outlet piece holding
    their paragraph, as stories.pseudo_outlets cuts them."""
    frames = []
    texts = dict(zip(originals["article_id"].astype(str), originals["text"].astype(str)))
    for article_id, rows in table.groupby("article_id", sort=False):
        text = texts.get(str(article_id))
        if text is None:
            continue
        spans, at = [], 0
        for para in text.split("\n\n"):
            if para.strip():
                spans.append(at)
            at += len(para) + 2
        k = min(outlets, max(1, len(spans) // 2))
        para = np.searchsorted(np.asarray(spans), rows["start"].to_numpy(), side="right") - 1
        piece = np.maximum(para, 0) % k
        frames.append(rows.assign(article_id=[f"{article_id}~{p}" for p in piece]))
    return pd.concat(frames, ignore_index=True) if frames else table.iloc[:0]


def _cross_story(found: pd.Series, truth: dict[str, str], quotes, figures) -> tuple[int, int]:
    """(links joining different true stories, links) among quote matches and agreed/conflicting
    figure groups computed within the found stories."""
    events = {a: str(e) for a, e in found.items()}
    qm = stories.match_quotes(quotes, events)
    fm = stories.match_figures(figures, events)
    cross = sum(truth[a] != truth[b] for a, b in zip(qm["article_id_a"], qm["article_id_b"]))
    groups = fm[fm["status"].isin(["agreed", "conflict"])]
    cross += sum(len({truth[a] for a in str(s).split(";") if a in truth}) > 1 for s in groups["articles"])
    return int(cross), len(qm) + len(groups)


def score(name: str, articles: pd.DataFrame, tables: dict | None, truth: list[str], threshold=None) -> dict:
    ids = set(articles["article_id"].astype(str))
    cut = {}
    if tables:
        cut = {n: t[t["article_id"].astype(str).isin(ids)] for n, t in tables.items() if n != "articles"}
    started = time.perf_counter()
    found = stories.group_articles(articles, cut.get("mentions"), cut.get("figures"), threshold=threshold)
    seconds = time.perf_counter() - started
    p, r, f = stories.bcubed(truth, found.tolist())
    row = {"proxy": name, "articles": len(articles), "true": len(set(truth)), "found": found.nunique(),
           "P": p, "R": r, "F1": f, "seconds": seconds}
    if tables and "quotes" in cut:
        cross, links = _cross_story(found, dict(zip(articles["article_id"].astype(str), truth)),
                                    cut["quotes"], cut["figures"])
        row.update(cross=cross, links=links)
    return row


def proxies(ecb: pd.DataFrame, wiki: pd.DataFrame, draws: int, size: int):
    """(name, articles, truth) of every proxy."""
    truth = stories.metadata_events(ecb).tolist()
    ecb = ecb.assign(_truth=truth)
    yield "ecbplus-dev (pairs)", ecb
    yield "ecbplus ecb-only", ecb[ecb["_truth"].str.endswith("_ecb")]
    yield "ecbplus plus-only", ecb[ecb["_truth"].str.endswith("_ecbplus")]
    kinds = sorted(set(truth))
    for seed in range(draws):
        chosen = set(random.Random(seed).sample(kinds, size))
        yield f"ecbplus random-{size} #{seed}", ecb[ecb["_truth"].isin(chosen)]
    yield "wikinews-outlets 3", wiki
    yield "mixed ecb-only + wikinews", pd.concat([ecb[ecb["_truth"].str.endswith("_ecb")], wiki], ignore_index=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ecb-annotations", default="")
    parser.add_argument("--wikinews-annotations", default="")
    parser.add_argument("--draws", type=int, default=3, help="random story subsets of ecbplus-dev")
    parser.add_argument("--size", type=int, default=12, help="stories per random subset")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    ecb_tables, wiki_tables = _load(args.ecb_annotations), _load(args.wikinews_annotations)
    ecb = read_corpus(ECBPLUS).articles
    originals = wiki_tables["articles"] if wiki_tables else read_corpus(WIKINEWS).articles
    wiki = stories.pseudo_outlets(originals.drop(columns=["event"], errors="ignore"), 3)
    wiki = wiki.assign(_truth=stories.metadata_events(wiki).tolist())
    tables = None
    if ecb_tables and wiki_tables:
        tables = {n: pd.concat([ecb_tables[n], _pieces_of(wiki_tables[n], originals, 3)], ignore_index=True)
                  for n in ("mentions", "quotes", "figures")}
    elif ecb_tables or wiki_tables:
        print("give both --ecb-annotations and --wikinews-annotations (or neither)", file=sys.stderr)
        return 2
    rows = []
    for name, articles in proxies(ecb, wiki, args.draws, args.size):
        truth = articles["_truth"].tolist()
        rows.append(score(name, articles.drop(columns=["_truth"]), tables, truth, args.threshold))
        r = rows[-1]
        extra = f"  cross-story {r['cross']}/{r['links']} = {r['cross'] / max(r['links'], 1):.1%}" if "cross" in r else ""
        print(f"{name:28s} {r['articles']:4d} art {r['true']:3d} true {r['found']:3d} found  "
              f"P {r['P']:.3f} R {r['R']:.3f} F1 {r['F1']:.3f}  {r['seconds']:.2f}s{extra}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time of story grouping on a synthetic 10,000-article corpus, against the parse time it must stay
under 10% of.

    python bench/stories_scale.py [--articles 10000] [--annotations DIR ...]

The corpus: the real articles of ../shared/corpora (ecbplus-dev and wikinews), repeated with
perturbed copies (every copy drops a tenth of its paragraphs' sentences at random, seeded) and
dated in its own 60-day slot, so copies are other stories of the same kind. With --annotations
(folders of `newsbook annotate --out DIR` on those corpora) their mentions and figures are
repeated with the articles. Parse time: the benchmark's measured 7.7 articles/s of bare
spaCy (bench/README.md), i.e. about 1,300 s for 10,000 articles.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import pandas as pd

from newsbook import stories
from newsbook.corpus import read_corpus

PARSE_ARTICLES_PER_SECOND = 7.7
SHARED = Path("/work/shared/corpora")


def synthetic(articles: pd.DataFrame, mentions: pd.DataFrame | None, figures: pd.DataFrame | None,
              n: int, seed: int = 13):
    rng = random.Random(seed)
    base = articles.reset_index(drop=True)
    rows, m_frames, f_frames = [], [], []
    copies = -(-n // len(base))
    for copy in range(copies):
        for row in base.itertuples(index=False):
            if len(rows) >= n:
                break
            sentences = str(row.text).split(". ")
            kept = [s for s in sentences if rng.random() > 0.1] or sentences
            date = pd.Timestamp(row.date or "2015-01-01") + pd.Timedelta(days=60 * copy)
            new_id = f"{row.article_id}~{copy}"
            rows.append({**row._asdict(), "article_id": new_id, "text": ". ".join(kept),
                         "date": date.date().isoformat()})
    frame = pd.DataFrame(rows)
    if mentions is not None:
        copy_of = frame["article_id"].str.rsplit("~", n=1).str[0]
        mapping = pd.DataFrame({"article_id": copy_of, "new": frame["article_id"]})
        mentions = mentions.merge(mapping, on="article_id").drop(columns="article_id").rename(columns={"new": "article_id"})
        figures = figures.merge(mapping, on="article_id").drop(columns="article_id").rename(columns={"new": "article_id"})
    return frame, mentions, figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--annotations", nargs="*", default=[])
    args = parser.parse_args(argv)
    parts = [read_corpus(SHARED / "ecbplus-dev" / "ecbplus-dev.jsonl").articles, read_corpus(SHARED / "wikinews").articles]
    articles = pd.concat(parts, ignore_index=True)
    mentions = figures = None
    if args.annotations:
        mentions = pd.concat([pd.read_parquet(Path(d) / "mentions.parquet") for d in args.annotations])
        figures = pd.concat([pd.read_parquet(Path(d) / "figures.parquet") for d in args.annotations])
    frame, mentions, figures = synthetic(articles, mentions, figures, args.articles)
    started, cpu = time.perf_counter(), time.process_time()
    labels = stories.group_articles(frame, mentions, figures)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    parse = len(frame) / PARSE_ARTICLES_PER_SECOND
    # the true story of a copy: its original's story (ecbplus `event`, else the wikinews article), in its slot
    given = stories.metadata_events(frame)
    origin = frame["article_id"].str.rsplit("~", n=1)
    truth = [f"{e or o[0]}~{o[1]}" for e, o in zip(given, origin)]
    p, r, f1 = stories.bcubed(truth, labels.tolist())
    print(f"B-cubed against the originals' stories (wikinews articles as one story each): P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    print(f"{len(frame):,} articles ({0 if mentions is None else len(mentions):,} mentions): "
          f"{labels.nunique():,} stories in {seconds:.1f} s ({cpu:.1f} s CPU) = {seconds / parse:.1%} "
          f"({cpu / parse:.1%} CPU) of their parse time "
          f"(~{parse:,.0f} s at {PARSE_ARTICLES_PER_SECOND} articles/s); target <= 10%")
    return 0


if __name__ == "__main__":
    sys.exit(main())

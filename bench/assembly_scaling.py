"""How the corpus-wide assembly grows with the corpus: each step of ``pipeline.assemble`` timed on the
per-article tables of an annotation folder, for all its articles and for half of them.

    python bench/assembly_scaling.py ANNOTATIONS_DIR

Prints one JSON line: {step: {"half": s, "all": s, "articles": [n_half, n_all]}}. run.py turns it into
growth exponents (1 = linear, 2 = quadratic) and the time each step would take at the benchmark's N.
"""

from __future__ import annotations

import json
import logging
import sys
import time

import pandas as pd


def timed(fn, *args):
    started = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - started


def steps(mentions: pd.DataFrame, quotes: pd.DataFrame, figures: pd.DataFrame) -> dict[str, float]:
    from newsbook import actors, compare, pipeline

    out = {}
    (resolved, aliases, _), out["actors.resolve_corpus"] = timed(actors.resolve_corpus, mentions, None)
    speakers, out["pipeline.map_speakers"] = timed(pipeline.map_speakers, quotes, aliases)
    _, out["actors.actors_table"] = timed(actors.actors_table, resolved, speakers)
    _, out["compare.match_quotes"] = timed(compare.match_quotes, speakers)
    _, out["compare.match_figures"] = timed(compare.match_figures, figures)
    return out


def main() -> int:
    logging.disable(logging.WARNING)
    folder = sys.argv[1]
    from newsbook.pipeline import read_table  # puts back the `sentence` column the files store once

    tables = {name: read_table(folder, name, with_text=True) for name in ("articles", "mentions", "quotes", "figures")}
    ids = tables["articles"]["article_id"].tolist()
    half = set(ids[: max(1, len(ids) // 2)])
    subset = {name: frame[frame["article_id"].isin(half)].reset_index(drop=True) for name, frame in tables.items()}
    small = steps(subset["mentions"], subset["quotes"], subset["figures"])
    full = steps(tables["mentions"], tables["quotes"], tables["figures"])
    print(json.dumps({step: {"half": small[step], "all": full[step], "articles": [len(half), len(ids)]}
                      for step in full}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

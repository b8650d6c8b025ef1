"""What the per-article stage adds to parsing, measured in one process: each article is parsed by
newsbook's spaCy pipeline (`nlp.pipe`, as `newsbook annotate` streams it, its extractor components
left out) and then run through the extractor components one by one, and the CPU time of each part
is summed separately.

    python bench/extractor_share.py CORPUS [--n 300] [--warmup 20] [--json]

Prints the extractors' CPU time (the components newsbook_actors + newsbook_quotes +
newsbook_figures) as a share of the parse's CPU time in the same process (issue 12's gate:
<= 0.05), each extractor's own share, and, as information, the rest of the per-article stage (row
limit, cache entry, tables). The first `--warmup` articles are left out of every sum (lazy loading
of rule files and the model's first batches). `--json`: the figures as one JSON line (what
bench/run.py reads).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path


def measure(corpus: str, n: int, warmup: int) -> dict:
    from newsbook import pipeline
    from newsbook.components import EXTRACTORS, load_pipeline
    from newsbook.corpus import read_corpus
    from newsbook.extraction import article_doc
    from newsbook.nlp import pipeline_version

    read = read_corpus(corpus)
    articles = read.articles.head(n + warmup).to_dict("records")
    nlp = load_pipeline()
    components = [(name, nlp.get_pipe(name)) for name in EXTRACTORS]
    spent = {name: 0.0 for name in EXTRACTORS}
    totals = {"parse": 0.0, "extract": 0.0, "limit": 0.0, "cache": 0.0, "tables": 0.0}
    counted = 0
    with tempfile.TemporaryDirectory() as tmp, nlp.select_pipes(disable=list(EXTRACTORS)):
        cache = pipeline.ArticleCache(Path(tmp), pipeline_version())
        collected = pipeline._Tables(pipeline.PER_ARTICLE_TABLES)
        max_rows = pipeline.max_rows_per_article()
        # the model and newsbook's own components, as annotate streams them; the extractor
        # components (which annotate runs inside nlp.pipe) are run one by one on each Doc below
        docs = nlp.pipe((article_doc(nlp, a) for a in articles), batch_size=32)
        for k, article in enumerate(articles):
            t0 = time.process_time()
            doc = next(docs)  # the parse of a batch is paid by its first article
            t1 = time.process_time()
            for name, component in components:
                started = time.process_time()
                doc = component(doc)
                if k >= warmup:
                    spent[name] += time.process_time() - started
            tables = pipeline.extract_article(doc, article)
            t2 = time.process_time()
            limited = pipeline.limit_rows(article, tables, max_rows, [])
            t3 = time.process_time()
            cache.put(article, tables)
            t4 = time.process_time()
            collected.add(limited)
            t5 = time.process_time()
            if k >= warmup:
                counted += 1
                for key, value in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                    totals[key] += value
        t0 = time.process_time()
        collected.frames()
        totals["tables"] += time.process_time() - t0
    parse = totals["parse"] or 1e-9
    return {
        "articles": counted,
        "parse_s": totals["parse"],
        "extract_s": totals["extract"],
        "extractor_share": totals["extract"] / parse,
        "by_extractor": {name.replace("newsbook_", ""): value / parse for name, value in spent.items()},
        "rest_share": {key: totals[key] / parse for key in ("limit", "cache", "tables")},
        "per_article_share": sum(totals.values()) / parse - 1.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--n", type=int, default=300, help="articles counted (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="articles parsed first and not counted (default 20)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the extractors' notes on unbalanced quotation marks
    found = measure(args.corpus, args.n, args.warmup)
    if args.json:
        print(json.dumps(found))
        return 0
    parts = ", ".join(f"{k} {v:.3f}" for k, v in found["by_extractor"].items())
    rest = ", ".join(f"{k} {v:.3f}" for k, v in found["rest_share"].items())
    print(f"{found['articles']} articles, CPU: parse {found['parse_s']:.1f} s, extractors {found['extract_s']:.2f} s")
    print(f"extractors / parse: {found['extractor_share']:.3f} (target <= 0.05); {parts}")
    print(f"rest of the per-article stage / parse: {rest}; per-article stage adds {found['per_article_share']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

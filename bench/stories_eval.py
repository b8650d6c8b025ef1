"""Story grouping scored against true stories: B-cubed precision, recall and F1.

    python bench/stories_eval.py                       # ecbplus-dev, from the text alone
    python bench/stories_eval.py --annotations DIR     # with the mentions/figures of `newsbook annotate --out DIR`
    python bench/stories_eval.py --corpus FILE.jsonl   # any JSONL/CSV corpus with an `event` column
    python bench/stories_eval.py --wikinews-outlets 3  # wikinews articles cut into pseudo-outlets

Corpora: ../shared/corpora/ecbplus-dev (ECB+, Cybulska and Vossen, LREC 2014, CC BY 3.0) and
../shared/corpora/wikinews (CC BY 2.5, Wikinews contributors).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from newsbook import gold_sets, stories
from newsbook.corpus import read_corpus

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
for candidate in (Path("/work/shared/corpora"),):
    if not SHARED.exists() and candidate.exists():
        SHARED = candidate
ECBPLUS = SHARED / "ecbplus-dev" / "ecbplus-dev.jsonl"
WIKINEWS = SHARED / "wikinews"


def _rows_of_pieces(table: pd.DataFrame, pieces: pd.DataFrame) -> pd.DataFrame:
    """Rows of an original article's table (mentions, figures) given to each piece of it that holds
    the row's sentence."""
    frames = []
    for piece, text in zip(pieces["article_id"], pieces["text"]):
        rows = table[table["article_id"] == piece.rsplit("~", 1)[0]]
        keep = [str(s) in text for s in rows["sentence"]]
        frames.append(rows[keep].assign(article_id=piece))
    return pd.concat(frames, ignore_index=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ECBPLUS))
    parser.add_argument("--annotations", default="", help="folder of saved tables (mentions, figures)")
    parser.add_argument("--wikinews-outlets", type=int, default=0,
                        help="score on wikinews cut into this many pseudo-outlets per story instead")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    if args.wikinews_outlets:
        articles = stories.pseudo_outlets(read_corpus(WIKINEWS).articles, args.wikinews_outlets)
    else:
        articles = read_corpus(args.corpus).articles
    mentions = figures = None
    if args.annotations:
        mentions = pd.read_parquet(Path(args.annotations) / "mentions.parquet")
        figures = pd.read_parquet(Path(args.annotations) / "figures.parquet")
        if args.wikinews_outlets:  # the pieces' rows: the original's rows whose sentence is in the piece
            mentions, figures = (_rows_of_pieces(t, articles) for t in (mentions, figures))
    try:  # the scorer is the library's (`newsbook evaluate stories` uses it too)
        s = gold_sets.story_scores(articles, mentions, figures, threshold=args.threshold)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{s['articles']} articles, {s['true_stories']} true stories, {s['found_stories']} found "
          f"in {s['seconds']:.2f}s: B-cubed P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The gold sets newsbook is scored against, and the scoring behind `newsbook evaluate`.

Owns the list of gold sets (which extractor, which gold file, which corpus) and the one table of
scores: precision, recall and F1 per extractor and gold set. The scorers themselves live with
their gold formats: quotes in `newsbook.evaluation`, actors in `newsbook.evaluate_actors`, figures
in `newsbook.evaluate_figures`, stories (B-cubed) in `newsbook.stories`.

Quotes, actors and figures are scored on the tables of `newsbook.annotate` (the full pipeline);
stories on labelled corpora (an `event` column), grouped from the text alone as
bench/stories_eval.py does.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import PROJECT_ROOT, SEEDS_DIR

GOLD_DIR = PROJECT_ROOT / "tests" / "gold"
SHARED_CORPORA = PROJECT_ROOT.parent / "shared" / "corpora"
if not SHARED_CORPORA.exists():
    SHARED_CORPORA = Path("/work/shared/corpora")

SEEDS, IN_GOLD = "seeds", "gold"  # corpus of a gold set: the seeds, or the texts inside the gold file


@dataclass(frozen=True)
class GoldSet:
    extractor: str  # quotes | actors | figures | stories
    name: str
    gold: str  # file name in the gold folder (stories: the labelled corpus itself)
    corpus: str = SEEDS  # SEEDS, IN_GOLD, or a corpus path relative to the project

    @property
    def label(self) -> str:
        return f"{self.extractor}/{self.name}"


GOLD_SETS = (
    GoldSet("quotes", "seeds", "quotes_seeds.yaml"),
    GoldSet("quotes", "wire", "quotes_wire.yaml", IN_GOLD),
    GoldSet("quotes", "wikinews", "quotes_wikinews.yaml", IN_GOLD),
    GoldSet("quotes", "ecbplus", "quotes_ecbplus.yaml", IN_GOLD),
    GoldSet("actors", "seeds", "actors_seeds.yaml"),
    GoldSet("actors", "wire", "actors_wire.yaml", IN_GOLD),
    GoldSet("actors", "wikinews", "actors_wikinews.yaml", IN_GOLD),
    GoldSet("figures", "seeds", "figures_seeds.yaml"),
    GoldSet("figures", "wikinews", "figures_wikinews.yaml", "tests/data/wikinews_figures.jsonl"),
    GoldSet("stories", "ecbplus-subset", "tests/data/stories/ecbplus-subset.jsonl"),
    GoldSet("stories", "ecbplus-dev", str(SHARED_CORPORA / "ecbplus-dev" / "ecbplus-dev.jsonl")),
)

COLUMNS = ["extractor", "gold_set", "measure", "articles", "gold", "predicted", "matched",
           "precision", "recall", "f1", "detail"]


def select(names: list[str] | None = None) -> list[GoldSet]:
    """The gold sets whose extractor, name or `extractor/name` is among `names` (all when empty)."""
    if not names:
        return list(GOLD_SETS)
    wanted = set(names)
    chosen = [g for g in GOLD_SETS if wanted & {g.extractor, g.name, g.label}]
    unknown = wanted - {x for g in GOLD_SETS for x in (g.extractor, g.name, g.label)}
    if unknown:
        known = ", ".join(g.label for g in GOLD_SETS)
        raise ValueError(f"unknown gold set {', '.join(sorted(unknown))} (known: {known})")
    return chosen


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _row(gs: GoldSet, measure: str, articles: int, gold, predicted, matched, precision, recall,
         detail: str = "") -> dict:
    return {"extractor": gs.extractor, "gold_set": gs.name, "measure": measure, "articles": articles,
            "gold": gold, "predicted": predicted, "matched": matched, "precision": precision,
            "recall": recall, "f1": _f1(precision, recall), "detail": detail}


# --- one scorer call per extractor ----------------------------------------------------------------

def quote_rows(gs: GoldSet, gold: dict, ann) -> list[dict]:
    from . import evaluation

    s = evaluation.attribution_scores(ann.quotes, gold)
    d = s["per_kind"][evaluation.DIRECT]
    n = len(ann.articles)
    speaker = "" if math.isnan(s["speaker_named"]) else f"speaker (named) {s['speaker_named']:.3f} of {s['named']}"
    rows = [_row(gs, "direct quotes", n, d["gold"], d["predicted"], d["matched"], d["precision"], d["recall"],
                 f"speaker {d['speaker_accuracy']:.3f}"),
            _row(gs, "all attributions", n, s["gold"], s["predicted"], s["matched"], s["all_precision"],
                 s["all_recall"], speaker)]
    return rows + speaker_kind_rows(gs, gold, ann)


def speaker_kind_rows(gs: GoldSet, gold: dict, ann) -> list[dict]:
    """Where the gold says what kind each speaker is (person, organization, group, unnamed): the
    share of gold quotes found with the right speaker, a missed quote counting as wrong (issue 14's
    "person speakers right end to end" and "named speakers including groups"); the share over the
    quotes found is in the detail. Precision and recall columns both hold that end-to-end share."""
    from . import evaluation

    if not any(q.get("speaker_kind") for quotes in gold["quotes"].values() for q in quotes):
        return []
    k = evaluation.speaker_kind_scores(ann.quotes, gold)
    rows = []
    for label, measure in (("person", "person speakers end to end"), ("named", "named speakers incl. groups")):
        share = k[f"{label}_end_to_end"]
        if math.isnan(share):
            continue
        right = round(share * k[f"{label}_gold"])
        rows.append(_row(gs, measure, len(ann.articles), k[f"{label}_gold"], k[f"{label}_found"], right, share,
                         share, f"over the quotes found {k[f'{label}_matched']:.3f}"))
    return rows


def actor_rows(gs: GoldSet, gold: dict, ann) -> list[dict]:
    from . import evaluate_actors

    s = evaluate_actors.score_table(ann.actors, gold)
    detail = (f"person P {s['person_precision']:.3f}, org P {s['org_precision']:.3f}, "
              f"{len(s['splits'])} split, {len(s['non_actors'])} non-actors")
    return [_row(gs, "people and organisations", len(gold), s["gold"], s["predicted"], s["found"],
                 s["precision"], s["recall"], detail)]


def figure_rows(gs: GoldSet, path: Path, ann) -> list[dict]:
    from . import evaluate_figures

    gold, not_figures = evaluate_figures.load_gold(path, ann.articles)
    halves = sorted({a.split("_", 1)[0] for a in ann.articles["article_id"]}) if gs.name == "wikinews" else [""]
    rows = []
    for half in halves:  # wikinews: the development half (2019) and the held-out half (2020) apart
        ids = [a for a in ann.articles["article_id"] if a.startswith(half)]
        keep = set(ids)
        s = evaluate_figures.evaluate(ann.figures[ann.figures["article_id"].isin(keep)],
                                      [g for g in gold if g["article_id"] in keep],
                                      [n for n in not_figures if n["article_id"] in keep])
        measure = "counted figures (value)" + (f", {half}" if half else "")
        rows.append(_row(gs, measure, len(ids), s["gold"], s["predicted"], s["matched"], s["value_precision"],
                         s["value_recall"], f"noun/unit {s['noun_or_unit_accuracy']:.3f}, "
                                            f"qualifier {s['qualifier_accuracy']:.3f}, {s['name_errors']} name errors"))
    return rows


def story_scores(articles: pd.DataFrame, mentions=None, figures=None, threshold=None) -> dict:
    """B-cubed precision, recall and F1 of `stories.group_articles` against the corpus's `event`
    column, with the counts and the seconds grouping took."""
    from . import stories

    truth = stories.metadata_events(articles)
    if (truth == "").all():
        raise ValueError("the corpus has no `event` column to score stories against")
    started = time.perf_counter()
    found = stories.group_articles(articles, mentions, figures, threshold=threshold)
    seconds = time.perf_counter() - started
    p, r, f = stories.bcubed(truth.tolist(), found.tolist())
    return {"articles": len(articles), "true_stories": int(truth.nunique()), "found_stories": int(found.nunique()),
            "precision": p, "recall": r, "f1": f, "seconds": seconds}


def story_rows(gs: GoldSet, path: Path) -> list[dict]:
    from .corpus import read_corpus

    s = story_scores(read_corpus(path).articles)
    return [_row(gs, "B-cubed", s["articles"], s["true_stories"], s["found_stories"], None, s["precision"],
                 s["recall"], "stories: gold = true, predicted = found")]


# --- running the sets -------------------------------------------------------------------------------

def _gold_texts(gs: GoldSet, path: Path, folder: Path) -> tuple[dict, Path]:
    """A dev-set gold (texts inside) read, and its texts written to `folder` as a corpus."""
    if gs.extractor == "actors":
        from . import evaluate_actors

        gold = evaluate_actors.load_gold(path)
        return gold, evaluate_actors.write_dev_corpus(gold, folder)
    from . import evaluation

    gold = evaluation.load_dev_gold(path)
    return gold, evaluation.write_dev_corpus(gold, folder)


def _seed_gold(gs: GoldSet, path: Path) -> dict:
    if gs.extractor == "actors":
        from . import evaluate_actors

        return evaluate_actors.load_gold(path)
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def evaluate(names: list[str] | None = None, *, gold_dir: Path = GOLD_DIR, cache_dir: Path | None = None,
             on_skip=None) -> pd.DataFrame:
    """The scores of every chosen gold set, one row per measure (columns `COLUMNS`). A gold set whose
    file or corpus is missing is skipped, with its reason passed to `on_skip` (labelled corpora
    outside the project, such as ecbplus-dev, may not be there)."""
    from .pipeline import annotate

    annotated: dict[str, object] = {}

    def annotations(key: str, corpus):
        if key not in annotated:
            annotated[key] = annotate(corpus, cache_dir=cache_dir, progress=False)
        return annotated[key]

    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="newsbook-evaluate-") as tmp:
        for gs in select(names):
            path = Path(gs.gold) if gs.extractor == "stories" else Path(gold_dir) / gs.gold
            path = path if path.is_absolute() else PROJECT_ROOT / path
            if not path.exists():
                if on_skip:
                    on_skip(f"{gs.label}: {path} not found, skipped")
                continue
            if gs.extractor == "stories":
                rows += story_rows(gs, path)
                continue
            if gs.corpus == IN_GOLD:
                gold, folder = _gold_texts(gs, path, Path(tmp) / gs.label.replace("/", "-"))
                ann = annotations(gs.label, folder)
            else:
                corpus = SEEDS_DIR if gs.corpus == SEEDS else PROJECT_ROOT / gs.corpus
                ann = annotations(str(corpus), corpus)
                gold = None if gs.extractor == "figures" else _seed_gold(gs, path)
            if gs.extractor == "quotes":
                rows += quote_rows(gs, gold, ann)
            elif gs.extractor == "actors":
                rows += actor_rows(gs, gold, ann)
            else:
                rows += figure_rows(gs, path, ann)
    return pd.DataFrame(rows, columns=COLUMNS)


def format_table(table: pd.DataFrame) -> str:
    """The scores as a plain-text table: text left-aligned, numbers right-aligned, three decimals."""
    def cell(v, column):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if column in ("precision", "recall", "f1"):
            return f"{v:.3f}"
        return str(int(v)) if isinstance(v, float) else str(v)  # counts: a column holding a blank is float

    numeric = {"articles", "gold", "predicted", "matched", "precision", "recall", "f1"}
    cells = [[cell(v, c) for c, v in zip(table.columns, row)] for row in table.itertuples(index=False)]
    widths = [max([len(c)] + [len(r[k]) for r in cells]) for k, c in enumerate(table.columns)]

    def line(values):
        return "  ".join(v.rjust(w) if c in numeric else v.ljust(w)
                         for v, w, c in zip(values, widths, table.columns)).rstrip()

    return "\n".join([line(list(table.columns)), line(["-" * w for w in widths]), *map(line, cells)])

"""Scoring extracted figures against hand-made gold: value precision/recall/F1, and whether the
counted noun (or the unit) is right.

Gold files are YAML (format: tests/gold/figures_seeds.yaml, tests/gold/figures_wikinews.yaml): per
article, `figures` (text, context, value, kind, noun, unit, qualifier, low/high) and `not_figures`
(spans no figure may overlap). A gold `noun` or `unit` may be a list: the acceptable readings of an
ambiguous case. This module reads no text itself and needs no spaCy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

COUNTED_KINDS = ("count", "money", "percent", "measure", "fraction", "range", "vote", "vague")


def load_gold(path, articles: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Gold figures and not-figures from a YAML file, located in `articles.text`: each item gets
    `article_id`, `start`, `end` (found through its `context`). Articles of the file that are not
    in `articles` are skipped; a context that is not in its article's text raises, naming both."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    texts = dict(zip(articles["article_id"], articles["text"]))
    figures, not_figures = [], []
    for article_id, entry in (data.get("articles") or {}).items():
        text = texts.get(article_id)
        if text is None:
            continue
        for key, out in (("figures", figures), ("not_figures", not_figures)):
            for item in entry.get(key) or []:
                ctx = item.get("context", item["text"])
                at = text.find(ctx)
                if at < 0:
                    raise ValueError(f"{path}: gold context not found in {article_id}: {ctx!r}")
                inner = ctx.find(item["text"])
                if inner < 0:
                    raise ValueError(f"{path}: {item['text']!r} is not inside its context {ctx!r} ({article_id})")
                start = at + inner
                out.append({**item, "article_id": article_id, "start": start, "end": start + len(item["text"])})
    return figures, not_figures


# spellings of one lemma: spaCy lemmatises "people" to itself, annotators write "person"
_SAME_LEMMA = {"people": "person"}


def _norm(word) -> str:
    word = str(word or "").lower()
    return _SAME_LEMMA.get(word, word)


def _options(value) -> list[str]:
    """A gold noun/unit as the list of its acceptable readings, lower-cased."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return [_norm(value)]


def noun_ok(gold: dict, pred: dict) -> bool:
    """The counted noun is right, or (for a figure with a unit) the unit is."""
    units = [u for u in _options(gold.get("unit")) if u]
    pred_unit = str(pred.get("unit") or "").lower()
    if units and pred_unit in units:
        return True
    nouns = _options(gold.get("noun"))
    pred_noun = _norm(pred.get("noun"))
    if nouns:
        return pred_noun in nouns
    # no noun stated in the gold: the unit alone decides (an empty noun predicted is fine)
    return bool(units) and pred_unit in _options(gold.get("unit"))


def _overlaps(a: dict, b: dict) -> bool:
    return a["article_id"] == b["article_id"] and a["start"] < b["end"] and b["start"] < a["end"]


def _same_value(p: dict, g: dict) -> bool:
    return math.isclose(float(p["value"]), float(g["value"]), rel_tol=1e-3)


def _ends(f: dict) -> tuple[float, float] | None:
    low, high = f.get("low"), f.get("high")
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(low) or math.isnan(high) else (low, high)


def evaluate(predicted, gold: list[dict], not_figures: Iterable[dict] = (), kinds=COUNTED_KINDS) -> dict:
    """Value precision/recall/F1 of `predicted` figures (dicts or a DataFrame with article_id, start,
    end, value, noun, unit, qualifier, kind) against `gold`, on figures of `kinds`; noun (or unit)
    and qualifier accuracy on the matched gold figures; low/high right on the matched gold ranges;
    `name_errors`: predictions overlapping a not-figure.

    A prediction matches a gold figure when it is in the same article, the spans overlap and the
    value is the same (1e-3 relative)."""
    rows = predicted.to_dict("records") if isinstance(predicted, pd.DataFrame) else list(predicted)
    gold_k = [g for g in gold if kinds is None or g.get("kind") in kinds]
    pred_k = [p for p in rows if kinds is None or p.get("kind") in kinds]

    matched_pred: set[int] = set()
    matches = []
    for g in gold_k:
        for k, p in enumerate(pred_k):
            if k not in matched_pred and _overlaps(g, p) and _same_value(p, g):
                matched_pred.add(k)
                matches.append((g, p))
                break
    # a prediction that overlaps a gold figure of another kind (a date, an ordinal) is not a false
    # positive of the counted set when that gold figure is out of `kinds`
    others = [g for g in gold if g not in gold_k]
    false_pos = [p for k, p in enumerate(pred_k) if k not in matched_pred
                 and not any(_overlaps(o, p) and _same_value(p, o) for o in others)]
    tp = len(matches)
    precision = tp / (tp + len(false_pos)) if (tp + len(false_pos)) else 1.0
    recall = tp / len(gold_k) if gold_k else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    nouns_right = [noun_ok(g, p) for g, p in matches]
    noun_exact = sum(1 for g, p in matches if _norm(p.get("noun")) in (_options(g.get("noun")) or [""]))
    qual_ok = sum(1 for g, p in matches if (p.get("qualifier") or "exactly") == (g.get("qualifier") or "exactly"))
    ranges = [(g, p) for g, p in matches if _ends(g)]
    ends_ok = sum(1 for g, p in ranges if _ends(p) and all(math.isclose(a, b, rel_tol=1e-3)
                                                           for a, b in zip(_ends(g), _ends(p))))
    name_errors = [p for p in rows for nf in not_figures if _overlaps(nf, p)]
    return {
        "gold": len(gold_k), "predicted": len(pred_k), "matched": tp,
        "value_precision": round(precision, 3), "value_recall": round(recall, 3), "value_f1": round(f1, 3),
        "noun_or_unit_accuracy": round(sum(nouns_right) / tp, 3) if tp else 0.0,
        "noun_accuracy": round(noun_exact / tp, 3) if tp else 0.0,
        "noun_correct_of_gold": round(noun_exact / len(gold_k), 3) if gold_k else 1.0,
        "qualifier_accuracy": round(qual_ok / tp, 3) if tp else 0.0,
        "range_ends_accuracy": round(ends_ok / len(ranges), 3) if ranges else 1.0,
        "name_errors": len(name_errors),
        "false_positives": [(p.get("article_id", ""), p.get("text", "")) for p in false_pos],
        "missed": [(g["article_id"], g["text"], g.get("context", "")) for g in gold_k
                   if not any(g is m[0] for m in matches)],
        "wrong_noun": [(g["text"], g.get("context", ""), g.get("noun"), g.get("unit"), p.get("noun"), p.get("unit"))
                       for (g, p), ok in zip(matches, nouns_right) if not ok],
        "name_error_texts": [(p.get("article_id", ""), p.get("text", "")) for p in name_errors],
    }


def score_file(gold_path, articles: pd.DataFrame, figures: pd.DataFrame, *, kinds=COUNTED_KINDS,
               article_ids: Iterable[str] | None = None) -> dict:
    """`evaluate` of a figures table against a gold file, optionally on some articles only."""
    gold, not_figures = load_gold(gold_path, articles)
    if article_ids is not None:
        keep = set(article_ids)
        gold = [g for g in gold if g["article_id"] in keep]
        not_figures = [n for n in not_figures if n["article_id"] in keep]
        figures = figures[figures["article_id"].isin(keep)]
    return evaluate(figures, gold, not_figures, kinds=kinds)

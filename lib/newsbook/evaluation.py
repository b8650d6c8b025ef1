"""Scoring extracted quotes against hand-made gold (tests, notebooks, a researcher's own gold file).

Owns the gold-file readers and the scores: per kind (direct / indirect) precision, recall and speaker
accuracy, and the summary a researcher asks for on real news (`attribution_scores`): direct-quote F1,
F1 over all attributions (direct and reported speech), and speaker accuracy where the source is
named. Gold formats: tests/gold/quotes_seeds.yaml (`quotes: {article_id: [...]}`) and the dev sets
tests/gold/quotes_wire.yaml / quotes_wikinews.yaml (`<batch>: {article_id: {text, quotes, ...}}`).

Matching is greedy and one-to-one per article: a direct quote must be the same words (punctuation
and marks aside), a reported clause must share most words with the gold clause (Dice >= 0.7), since
its edges are a matter of taste.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import yaml

DIRECT, INDIRECT = "direct", "indirect"


def _norm_text(text: str) -> str:
    text = str(text).replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"\w+(?:['\-]\w+)*", text.lower()))


def _norm_speaker(name: str) -> str:
    return " ".join(re.findall(r"\w+", str(name or "").lower()))


def speaker_matches(predicted: str, gold: str) -> bool:
    """Same name, or one name's words all inside the other ("Putin" / "Vladimir Putin")."""
    p, g = _norm_speaker(predicted), _norm_speaker(gold)
    if not p or not g:
        return p == g
    return p == g or set(p.split()) <= set(g.split()) or set(g.split()) <= set(p.split())


def speaker_matches_strict(predicted: str, gold: str) -> bool:
    """Like `speaker_matches`, but a shorter name must keep the gold name's last word ("Putin"
    for "Vladimir Putin", not "Russian" for "Russian defence ministry") and a longer one may add
    one word at most ("Boeing Co" for "Boeing", not a whole clause glued to the name)."""
    p, g = set(_norm_speaker(predicted).split()), _norm_speaker(gold).split()
    if not p or not g:
        return not p and not g
    if p <= set(g):
        return g[-1] in p
    return set(g) <= p and len(p - set(g)) <= 1


def named_source(gold_speaker: str) -> bool:
    """Whether the gold speaker is a named source (a person, organisation or named group such as
    "Members of the House of Commons"), as opposed to an unnamed one ("government official",
    "Saudi officials", "organizers"): its first and last words are capitalised."""
    words = str(gold_speaker or "").split()
    return bool(words) and words[0][:1].isupper() and words[-1][:1].isupper()


def dice(predicted: str, gold: str) -> float:
    pw, gw = _norm_text(predicted).split(), _norm_text(gold).split()
    if not pw or not gw:
        return 0.0
    common = sum((pd.Series(pw).value_counts().combine(pd.Series(gw).value_counts(), min, 0)).values)
    return 2 * common / (len(pw) + len(gw))


def text_matches(predicted: str, gold: str, kind: str) -> bool:
    """Direct quotes must be the same words (allowing a stray punctuation/mark difference);
    reported clauses must share most words (their edges are a matter of taste)."""
    p, g = _norm_text(predicted), _norm_text(gold)
    if kind == DIRECT:
        return p == g
    return dice(p, g) >= 0.7


def score(predicted: pd.DataFrame, gold: dict, kind: str) -> dict:
    """Greedy one-to-one matching per article of the `kind` rows; precision, recall and speaker
    accuracy (over the matched gold quotes), with the misses, extras and wrong speakers listed.
    `gold` is {"quotes": {article_id: [{kind, speaker, cue, text}, ...]}}."""
    n_pred = n_gold = matched = right_speaker = right_cue = strict_speaker = exact_edges = 0
    named = named_right = 0
    misses, extras, wrong, wrong_cue, loose = [], [], [], [], []
    outcomes = []  # (article_id, gold item, predicted speaker or None when missed, speaker right)
    for article_id, items in gold["quotes"].items():
        g_items = [g for g in items if g["kind"] == kind]
        p_rows = predicted[(predicted["article_id"] == article_id) & (predicted["kind"] == kind)]
        p_items = list(p_rows.itertuples())
        n_pred += len(p_items)
        n_gold += len(g_items)
        used = set()
        for g in g_items:
            hit = next((p for p in p_items if p.quote_id not in used and text_matches(p.quote, g["text"], kind)), None)
            if hit is None:
                misses.append((article_id, g["text"][:70]))
                outcomes.append((article_id, g, None, False))
                continue
            used.add(hit.quote_id)
            matched += 1
            ok = speaker_matches(hit.speaker, g["speaker"])
            right_speaker += ok
            outcomes.append((article_id, g, hit.speaker, ok))
            if not ok:
                wrong.append((article_id, g["text"][:50], hit.speaker, g["speaker"]))
            if named_source(g["speaker"]):
                named += 1
                named_right += ok
            if speaker_matches_strict(hit.speaker, g["speaker"]):
                strict_speaker += 1
            else:
                loose.append((g["text"][:50], hit.speaker, g["speaker"]))
            # a reported clause with the right edges (no dateline, no attribution inside)
            exact_edges += dice(hit.quote, g["text"]) >= 0.9
            if "cue" in g and hit.cue == g["cue"]:
                right_cue += 1
            elif "cue" in g:
                wrong_cue.append((g["text"][:50], hit.cue, g["cue"]))
        extras += [(article_id, p.quote[:70]) for p in p_items if p.quote_id not in used]
    return {
        "kind": kind, "gold": n_gold, "predicted": n_pred, "matched": matched,
        "recall": matched / n_gold if n_gold else 1.0,
        "precision": matched / n_pred if n_pred else 1.0,
        "speaker_accuracy": right_speaker / matched if matched else 0.0,
        "named": named, "named_right": named_right,
        "cue_accuracy": right_cue / matched if matched else 0.0,
        "strict_speaker_accuracy": strict_speaker / matched if matched else 0.0,
        "edge_accuracy": exact_edges / matched if matched else 0.0,
        "missed": misses, "extra": extras, "wrong_speaker": wrong, "wrong_cue": wrong_cue,
        "loose_speaker": loose, "outcomes": outcomes,
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def attribution_scores(predicted: pd.DataFrame, gold: dict) -> dict:
    """The summary scores on a gold set: direct-quote precision/recall/F1, the same over all
    attributions (direct quotes and reported speech pooled), and speaker accuracy over the matched
    gold attributions whose source is named (`named_source`), plus the per-kind details."""
    per_kind = {k: score(predicted, gold, k) for k in (DIRECT, INDIRECT)}
    d = per_kind[DIRECT]
    n_gold = sum(s["gold"] for s in per_kind.values())
    n_pred = sum(s["predicted"] for s in per_kind.values())
    matched = sum(s["matched"] for s in per_kind.values())
    named = sum(s["named"] for s in per_kind.values())
    named_right = sum(s["named_right"] for s in per_kind.values())
    p_all = matched / n_pred if n_pred else 1.0
    r_all = matched / n_gold if n_gold else 1.0
    return {
        "direct_precision": d["precision"], "direct_recall": d["recall"],
        "direct_f1": _f1(d["precision"], d["recall"]),
        "all_precision": p_all, "all_recall": r_all, "all_f1": _f1(p_all, r_all),
        "speaker_named": named_right / named if named else math.nan,
        "gold": n_gold, "predicted": n_pred, "matched": matched, "named": named,
        "per_kind": per_kind,
    }


NAMED_KINDS = ("person", "organization", "group")


def speaker_kind_scores(predicted: pd.DataFrame, gold: dict) -> dict:
    """Speaker scores by the gold `speaker_kind` (person / organization / group / unnamed, as in
    tests/gold/quotes_ecbplus.yaml), both kinds of quote pooled:
    `person_end_to_end` - of the gold quotes whose speaker is a person, the share found with that
    person as speaker (a missed quote counts as wrong); `person_matched` - the same over the found
    ones; `named_end_to_end` / `named_matched` - likewise for every named speaker, groups included
    (person, organization, group). The wrong ones are listed under `wrong`."""
    outcomes = [o for k in (DIRECT, INDIRECT) for o in score(predicted, gold, k)["outcomes"]]

    def share(kinds, found_only):
        rows = [o for o in outcomes if o[1].get("speaker_kind") in kinds and (o[2] is not None or not found_only)]
        return (sum(o[3] for o in rows) / len(rows) if rows else math.nan), len(rows)

    out = {}
    for label, kinds in (("person", ("person",)), ("named", NAMED_KINDS)):
        out[f"{label}_end_to_end"], out[f"{label}_gold"] = share(kinds, False)
        out[f"{label}_matched"], out[f"{label}_found"] = share(kinds, True)
    out["wrong"] = [(a, g["text"][:50], spk, g["speaker"]) for a, g, spk, ok in outcomes
                    if not ok and g.get("speaker_kind") in NAMED_KINDS]
    return out


def load_dev_gold(path: str | Path, batches: tuple[str, ...] | None = None) -> dict:
    """A dev-set gold file (tests/gold/quotes_wire.yaml format: batches of articles with `text`,
    `quotes`, optional `not_quotes`) as {"quotes", "not_quotes", "texts", "titles"} keyed by article
    id. `batches` picks batches by name (default: every top-level mapping of articles)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    names = batches or tuple(k for k, v in data.items() if isinstance(v, dict))
    raw = {a: v for batch in names for a, v in (data.get(batch) or {}).items()}
    return {
        "quotes": {a: list(v.get("quotes") or []) for a, v in raw.items()},
        "not_quotes": {a: list(v.get("not_quotes") or []) for a, v in raw.items()},
        "texts": {a: v["text"] for a, v in raw.items()},
        "titles": {a: v.get("title", a) for a, v in raw.items()},
    }


def write_dev_corpus(gold: dict, folder: str | Path) -> Path:
    """The gold texts written to `folder` as .txt articles (front matter with the title), ready
    for `newsbook.annotate`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for article_id, text in gold["texts"].items():
        title = str(gold.get("titles", {}).get(article_id, article_id)).replace('"', "'")
        (folder / f"{article_id}.txt").write_text(f'---\ntitle: "{title}"\n---\n{text}', encoding="utf-8")
    return folder


def format_scores(s: dict) -> str:
    """One line of the summary scores."""
    return (f"direct P {s['direct_precision']:.3f} R {s['direct_recall']:.3f} F1 {s['direct_f1']:.3f} | "
            f"all P {s['all_precision']:.3f} R {s['all_recall']:.3f} F1 {s['all_f1']:.3f} | "
            f"speaker(named) {s['speaker_named']:.3f} of {s['named']} | gold {s['gold']} pred {s['predicted']}")

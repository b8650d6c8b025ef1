"""Scoring extracted actors against hand-made gold: recall of the people and organisations the gold
names, person and organisation precision, split actors and non-actors.

Gold format (tests/gold/actors_seeds.yaml, tests/gold/actors_wire.yaml): `articles: {article_id:
{person: {Canonical: [aliases]}, organization: {...}, place: {...}, not_actors: [...]}}`; a dev-set
article also carries its `text` and optional `outlet` / `byline`. Places are listed, not scored.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from . import actors

SCORED_KINDS = (actors.PERSON, actors.ORG)


def load_gold(path: str | Path) -> dict:
    """The `articles` of an actors gold file, keyed by article id."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["articles"]


def write_dev_corpus(gold: dict, folder: str | Path) -> Path:
    """A dev-set gold's texts written to `folder` as .txt articles (front matter: title, and the
    outlet and byline the gold gives), ready for `newsbook.annotate`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for article_id, spec in gold.items():
        meta = {"title": article_id.replace("_", " ")}
        meta.update({k: spec[k] for k in ("outlet", "byline") if spec.get(k)})
        header = yaml.safe_dump(meta, allow_unicode=True)
        (folder / f"{article_id}.txt").write_text(f"---\n{header}---\n{spec['text']}", encoding="utf-8")
    return folder


def score(rows: list[tuple[str, str, str]], gold: dict) -> dict:
    """Precision/recall of (article_id, name, kind) rows against the gold. A row matches a gold actor
    when its name is the actor's canonical name or one of its aliases (case, 'the', possessive aside).
    Recall counts people and organisations found with the right kind (`recall`) or any kind
    (`recall_any_kind`); person precision counts a second row for the same person as a false one;
    organisation precision counts rows of the organisations the gold names (any alias); `precision`
    pools the person and organisation rows."""
    key = actors.name_key
    total = found = found_any = person_rows = person_hits = org_rows = org_hits = 0
    splits, non_actors = [], []
    for article_id, spec in gold.items():
        article_rows = [(name, kind) for a, name, kind in rows if a == article_id]
        keys = {kind: {canonical: {key(canonical)} | {key(x) for x in aliases or []}
                       for canonical, aliases in (spec.get(kind) or {}).items()} for kind in actors.KINDS}
        for kind in SCORED_KINDS:
            for canonical, names in keys[kind].items():
                hits = [(n, k) for n, k in article_rows if key(n) in names]
                total += 1
                found += any(k == kind for _, k in hits)
                found_any += bool(hits)
                if len(hits) > 1:
                    splits.append((article_id, canonical, hits))
        claimed = set()
        not_actors = {key(x) for x in spec.get("not_actors") or []}
        for name, kind in article_rows:
            if kind == actors.PERSON:
                person_rows += 1
                match = next((c for c, names in keys[actors.PERSON].items() if key(name) in names), None)
                if match is not None and match not in claimed:
                    claimed.add(match)
                    person_hits += 1
            if kind == actors.ORG:
                org_rows += 1
                org_hits += any(key(name) in names for names in keys[actors.ORG].values())
            if kind in SCORED_KINDS and key(name) in not_actors:
                non_actors.append((article_id, name, kind))
    rows_scored = person_rows + org_rows
    return {
        "gold": total, "predicted": rows_scored, "found": found,
        "recall": found / total if total else 1.0,
        "recall_any_kind": found_any / total if total else 1.0,
        "precision": (person_hits + org_hits) / rows_scored if rows_scored else 0.0,
        "person_precision": person_hits / person_rows if person_rows else 0.0,
        "org_precision": org_hits / org_rows if org_rows else 0.0,
        "splits": splits,
        "non_actors": non_actors,
    }


def score_table(actors_table, gold: dict) -> dict:
    """`score` of an `actors` table (article_id, actor, kind)."""
    return score(list(zip(actors_table["article_id"], actors_table["actor"], actors_table["kind"])), gold)

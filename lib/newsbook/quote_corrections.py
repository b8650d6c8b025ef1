"""The researcher's corrections to single quotes (quotes.yaml): find, load and apply them."""

from __future__ import annotations


import pandas as pd

# --- the researcher's corrections to single quotes (quotes.yaml) --------------------------------------

QUOTE_CORRECTIONS_FILE_NAMES = ("quotes.yaml", "quotes.yml")
QUOTE_CORRECTIONS_HELP = """\
quotes.yaml (next to actors.yaml) corrects single quotes, by quote_id (see the quotes table):
  speaker: {<quote_id>: Name}          # who said it (a canonical actor name, or "" for nobody)
  kind:    {<quote_id>: direct | indirect}
  drop:    [<quote_id>, ...]           # not a quote; the row is removed"""


def find_quote_corrections(folder) -> "Path | None":
    """quotes.yaml (or .yml) in the corpus folder, if there is one."""
    from pathlib import Path

    folder = Path(folder)
    folder = folder if folder.is_dir() else folder.parent
    return next((folder / n for n in QUOTE_CORRECTIONS_FILE_NAMES if (folder / n).exists()), None)


def load_quote_corrections(path) -> dict:
    """{"speaker": {id: name}, "kind": {id: kind}, "drop": [ids]} from quotes.yaml; a file that is
    not valid raises CorrectionsError naming the file and what is wrong (with the format)."""
    from pathlib import Path

    import yaml

    from .errors import CorrectionsError

    empty = {"speaker": {}, "kind": {}, "drop": []}
    if path is None or not Path(path).exists():
        return empty

    def fail(message: str):
        raise CorrectionsError(f"{path}: {message}\n{QUOTE_CORRECTIONS_HELP}")

    from . import safe_yaml

    try:
        data = safe_yaml.load_file(path) or {}
    except safe_yaml.YAMLRefused as exc:
        fail(f"refused: {exc}")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        fail(f"not valid UTF-8 YAML ({str(exc).splitlines()[0]})")
    if not isinstance(data, dict):
        fail("expected a mapping with sections speaker, kind, drop")
    unknown = set(data) - set(empty)
    if unknown:
        fail(f"unknown section(s) {sorted(unknown)}")
    out = {"speaker": data.get("speaker") or {}, "kind": data.get("kind") or {}, "drop": data.get("drop") or []}
    if not isinstance(out["speaker"], dict) or not isinstance(out["kind"], dict):
        fail("'speaker' and 'kind' map quote ids to a value")
    if not isinstance(out["drop"], list):
        fail("'drop' is a list of quote ids")
    bad = {k: v for k, v in out["kind"].items() if v not in ("direct", "indirect")}
    if bad:
        fail(f"in 'kind', use direct or indirect (got {bad})")
    out["speaker"] = {str(k): "" if v is None else str(v) for k, v in out["speaker"].items()}
    out["kind"] = {str(k): str(v) for k, v in out["kind"].items()}
    out["drop"] = [str(x) for x in out["drop"]]
    return out


def apply_quote_corrections(quotes: pd.DataFrame, corrections: dict) -> tuple[pd.DataFrame, list[str]]:
    """The quotes table with the researcher's corrections applied, and what was applied (a quote
    id the table does not hold is reported, not an error: the text may have changed)."""
    applied: list[str] = []
    if quotes.empty or not any(corrections.get(k) for k in ("speaker", "kind", "drop")):
        return quotes, applied
    out = quotes.copy()
    ids = set(out["quote_id"])
    for section in ("speaker", "kind"):
        for qid, value in corrections[section].items():
            if qid not in ids:
                applied.append(f"quotes.yaml {section}: no quote {qid!r}")
                continue
            out.loc[out["quote_id"] == qid, section] = value
            applied.append(f"quotes.yaml {section}: {qid} -> {value!r}")
    for qid in corrections["drop"]:
        applied.append(f"quotes.yaml drop: {qid}" if qid in ids else f"quotes.yaml drop: no quote {qid!r}")
    out = out[~out["quote_id"].isin(set(corrections["drop"]))].reset_index(drop=True)
    return out, applied

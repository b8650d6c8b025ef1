"""The researcher's correction file (actors.yaml): parsing and validating it (aliases, merge, rename,
retag, drop), and applying it to the mentions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import CorrectionsError
from .actor_lexicon import GROUP, ORG, PERSON, PLACE, name_key


SECTIONS = ("aliases", "merge", "rename", "retag", "drop")
KIND_NAMES = {
    "person": PERSON, "people": PERSON, "per": PERSON,
    "organization": ORG, "organisation": ORG, "org": ORG,
    "place": PLACE, "location": PLACE, "gpe": PLACE, "loc": PLACE,
    "group": GROUP, "groups": GROUP,
}
CORRECTIONS_HELP = """\
actors.yaml holds up to five sections, each optional, applied in this order:
  aliases: {Canonical Name: [other spelling, ...]}   # mentions written so join the actor
  merge:   {Canonical Name: [other actor, ...]}      # those actors become this one
  rename:  {Old Name: New Name}
  retag:   {Name: person | organization | place | group}
  drop:    [Name, ...]                               # not actors; their mentions are removed"""


@dataclass(frozen=True)
class Corrections:
    aliases: dict = field(default_factory=dict)  # canonical -> [surface forms]
    merge: dict = field(default_factory=dict)  # canonical -> [actor names]
    rename: dict = field(default_factory=dict)  # old -> new
    retag: dict = field(default_factory=dict)  # name -> kind
    drop: tuple = ()
    path: str = ""


# LIMITS: a correction file of 20,000 entries is far below these.
MAX_CORRECTIONS_BYTES = 2 * 1024 * 1024
MAX_CORRECTIONS_VALUES = 200_000  # values once YAML aliases are expanded


def _fail(path, message: str):
    raise CorrectionsError(f"{path}: {message}\n{CORRECTIONS_HELP}", path=str(path), reason=message)


def _name(path, section: str, value) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        _fail(path, f"in '{section}', {value!r} is not a name (write names as text)")
    return str(value).strip()


def _name_list(path, section: str, key: str, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        _fail(path, f"in '{section}', '{key}' must be followed by a list of names, got {value!r}")
    return [_name(path, section, v) for v in value]


def parse_corrections(data, path="actors.yaml") -> Corrections:
    """Validate the YAML document of a correction file."""
    if data is None:
        return Corrections(path=str(path))
    if not isinstance(data, dict):
        _fail(path, f"the file must be a mapping of sections, not a {type(data).__name__}")
    unknown = [k for k in data if k not in SECTIONS]
    if unknown:
        _fail(path, f"unknown section(s) {', '.join(repr(k) for k in unknown)}; "
                    f"the sections are {', '.join(SECTIONS)}")
    mapping_sections = {}
    for section in ("aliases", "merge", "rename", "retag"):
        value = data.get(section) or {}
        if not isinstance(value, dict):
            _fail(path, f"'{section}' must be a mapping (Name: ...), got a {type(value).__name__}")
        mapping_sections[section] = value
    aliases = {_name(path, "aliases", k): _name_list(path, "aliases", k, v) for k, v in mapping_sections["aliases"].items()}
    merge = {_name(path, "merge", k): _name_list(path, "merge", k, v) for k, v in mapping_sections["merge"].items()}
    rename = {_name(path, "rename", k): _name(path, "rename", v) for k, v in mapping_sections["rename"].items()}
    retag = {}
    for k, v in mapping_sections["retag"].items():
        kind = KIND_NAMES.get(str(v).strip().lower()) if isinstance(v, str) else None
        if kind is None:
            _fail(path, f"in 'retag', '{k}' has kind {v!r}; use person, organization, place or group")
        retag[_name(path, "retag", k)] = kind
    drop_value = data.get("drop") or []
    if isinstance(drop_value, str):
        drop_value = [drop_value]
    if not isinstance(drop_value, list):
        _fail(path, f"'drop' must be a list of names, got a {type(drop_value).__name__}")
    drop = tuple(_name(path, "drop", v) for v in drop_value)
    cycles = correction_cycles(aliases, merge, rename)
    if cycles:
        _fail(path, "these entries turn a name into another and back, so one actor would silently become the "
                    "other: " + "; ".join(cycles) + ". Keep one direction only")
    return Corrections(aliases, merge, rename, retag, drop, str(path))


def correction_cycles(aliases: dict, merge: dict, rename: dict) -> list[str]:
    """Each cycle among the entries that turn one name into another (alias form → canonical, merged
    actor → canonical, old → new name), written out with the section of each step, e.g.
    "rename 'A' → 'B', merge 'B' → 'A'". Names compare as name_key does; a name turned into itself
    is not a cycle."""
    steps: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # key -> [(target key, section, from, to)]
    for section, pairs in (("alias", [(f, c) for c, forms in aliases.items() for f in forms]),
                           ("merge", [(o, c) for c, others in merge.items() for o in others]),
                           ("rename", list(rename.items()))):
        for source, target in pairs:
            if name_key(source) != name_key(target):
                steps[name_key(source)].append((name_key(target), section, source, target))
    cycles, seen_sets = [], set()
    finished: set[str] = set()
    for start in sorted(steps):
        if start in finished:
            continue
        # iterative depth-first search; `path` holds the steps from `start` to the current name
        path: list[tuple[str, str, str, str]] = []
        on_path = {start: 0}
        iterators = [iter(steps[start])]
        while iterators:
            step = next(iterators[-1], None)
            if step is None:
                iterators.pop()
                node = path.pop()[0] if path else start
                on_path.pop(node, None)
                finished.add(node)
                continue
            target = step[0]
            if target in on_path:
                loop = path[on_path[target]:] + [step]
                members = frozenset(s[0] for s in loop)
                if members not in seen_sets:
                    seen_sets.add(members)
                    cycles.append(", ".join(f"{section} '{a}' → '{b}'" for _, section, a, b in loop))
            elif target not in finished:
                path.append(step)
                on_path[target] = len(path)
                iterators.append(iter(steps.get(target, [])))
    return cycles


def load_corrections(path) -> Corrections:
    """The correction file at `path` (none if `path` is None or does not exist)."""
    if path is None:
        return Corrections()
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return Corrections(path=str(path))
    from . import safe_yaml
    from .corpus import read_text_file
    from .errors import ArticleError

    if path.is_dir():
        _fail(path, "is a folder, not a file")
    try:
        text = read_text_file(path, MAX_CORRECTIONS_BYTES)
    except ArticleError as exc:
        if exc.reason == "file is empty":
            return Corrections(path=str(path))
        _fail(path, exc.reason)
    try:
        data = safe_yaml.load(text, max_chars=MAX_CORRECTIONS_BYTES, max_values=MAX_CORRECTIONS_VALUES)
    except safe_yaml.YAMLRefused as exc:
        _fail(path, f"refused: {exc}")
    except safe_yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        _fail(path, f"not valid YAML{where}: {problem}")
    return parse_corrections(data, path)


def _matches(frame: pd.DataFrame, name: str, *, surface: bool = False) -> pd.Series:
    """Rows whose actor (or, with `surface`, mention text or article-local name) is `name`."""
    key = name_key(name)
    hit = frame["actor"].map(name_key) == key
    if surface:
        hit |= frame["text"].map(name_key) == key
        hit |= frame["local"].map(name_key) == key
    return hit


def _count(frame: pd.DataFrame, hit: pd.Series) -> str:
    n, articles = int(hit.sum()), frame.loc[hit, "article_id"].nunique()
    return f"{n} mention{'s' * (n != 1)} in {articles} article{'s' * (articles != 1)}"


def apply_corrections(mentions: pd.DataFrame, corr: Corrections) -> tuple[pd.DataFrame, list[str]]:
    """Apply aliases, merges, renames, retags and drops; dropped mentions get actor ''."""
    out = mentions.copy()
    applied: list[str] = []

    def change(hit, actor=None, kind=None):
        if actor is not None:
            out.loc[hit, "actor"] = actor
        if kind is not None:
            out.loc[hit, "kind"] = kind
        out.loc[hit, "how"] = "correction"

    def kind_of(name):
        rows = out[_matches(out, name)]
        return rows["kind"].mode().iloc[0] if not rows.empty else None

    for canonical, forms in corr.aliases.items():
        for form in forms:
            hit = _matches(out, form, surface=True) & ~_matches(out, canonical)
            if hit.any():
                change(hit, canonical, kind_of(canonical) or out.loc[hit, "kind"].mode().iloc[0])
                applied.append(f"alias '{form}' → '{canonical}': {_count(out, hit)}")
            else:
                applied.append(f"alias '{form}' → '{canonical}': nothing written so; not applied")
    for canonical, others in corr.merge.items():
        for other in others:
            hit = _matches(out, other, surface=True) & ~_matches(out, canonical)
            if hit.any():
                change(hit, canonical, kind_of(canonical) or out.loc[hit, "kind"].mode().iloc[0])
                applied.append(f"merge '{other}' into '{canonical}': {_count(out, hit)}")
            else:
                applied.append(f"merge '{other}' into '{canonical}': no such actor; not applied")
    for old, new in corr.rename.items():
        hit = _matches(out, old)
        if hit.any():
            change(hit, new)
            applied.append(f"rename '{old}' → '{new}': {_count(out, hit)}")
        else:
            applied.append(f"rename '{old}' → '{new}': no such actor; not applied")
    for name, kind in corr.retag.items():
        hit = _matches(out, corr.rename.get(name, name)) | _matches(out, name)
        if hit.any():
            change(hit, kind=kind)
            applied.append(f"retag '{name}' as {kind}: {_count(out, hit)}")
        else:
            applied.append(f"retag '{name}' as {kind}: no such actor; not applied")
    for name in corr.drop:
        hit = _matches(out, corr.rename.get(name, name), surface=True) | _matches(out, name, surface=True)
        if hit.any():
            applied.append(f"drop '{name}': {_count(out, hit)} removed")
            out.loc[hit, "actor"] = ""
        else:
            applied.append(f"drop '{name}': no such actor; not applied")
    return out, applied

"""Word lists the extractors read (speech verbs, titles, given names, group and medium words): one
plain-text file per list in this folder, one entry per line, `#` starts a comment. Each list is
kept here once; `words(name)` reads it (cached) as a frozenset of lower-case entries."""

from __future__ import annotations

import functools
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def words(name: str) -> frozenset[str]:
    """The entries of rules/<name>.txt, lower-cased, without comments and blank lines."""
    path = FOLDER / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"newsbook rules: no word list {path}")
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry:
            out.add(entry)
    return frozenset(out)


@functools.lru_cache(maxsize=None)
def mapping(name: str) -> dict[str, str]:
    """rules/<name>.txt read as `key = value` lines (lower-cased, like `words`): `gov. = governor`."""
    return dict(entry.split(" = ", 1) for entry in words(name))

"""Helpers of the saving fault tests: a generated corpus of tiny wire-style articles, the command
line in a subprocess, and snapshots of folders (imported by the tests beside it)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 600  # seconds; a run of the corpus below takes a few on an idle machine

_PEOPLE = ["Maria Gomez", "Tomasz Kowalczyk", "Amara Okafor", "Lena Fischer", "Rahul Mehta",
           "John Carter", "Aiko Tanaka", "Pierre Dubois", "Sofia Rossi", "Kwame Mensah"]
_ROLES = ["mayor", "police chief", "health minister", "spokesperson", "union leader", "fire chief"]
_PLACES = ["Lyon", "Gdansk", "Lagos", "Hamburg", "Pune", "Denver", "Osaka", "Porto", "Leeds", "Quito"]
_OUTLETS = ["Evening Courier", "Morning Ledger", "Capital Times", "Harbour Post"]
_EVENTS = [("Floods", "homes were flooded"), ("Fire", "people were evacuated"),
           ("Strike", "workers walked out"), ("Storm", "trees were brought down"),
           ("Protest", "demonstrators gathered")]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def write_corpus(folder: Path, count: int, seed: int = 7) -> Path:
    """`count` tiny articles (two to four sentences: an actor, a figure, a quote) as .md files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        person, role, place = rng.choice(_PEOPLE), rng.choice(_ROLES), rng.choice(_PLACES)
        event, what = rng.choice(_EVENTS)
        surname = person.split()[-1]
        lines = [f"{place.upper()} — {rng.randint(3, 900)} {what.split()[0]} {' '.join(what.split()[1:])} "
                 f"on {rng.choice(_WEEKDAYS)}, the {role} {person} said."]
        if n % 2 == 0:
            lines.append(f'"We are doing everything we can," {surname} told reporters.')
        if n % 3 == 0:
            lines.append(f"Officials said about {rng.randint(2, 60)} million euros would be needed.")
        if n % 5 == 0:
            lines.append(f"{rng.choice(_PEOPLE)}, a resident, said the response had been slow.")
        (folder / f"story-{n:04d}.md").write_text(
            f"---\ntitle: {event} in {place}\noutlet: {rng.choice(_OUTLETS)}\ndate: 2024-03-{1 + n % 28:02d}\n---\n"
            + " ".join(lines) + "\n", encoding="utf-8")
    return folder


def cli_env(cache: Path, outputs: Path, **extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(NEWSBOOK_CACHE=str(cache), NEWSBOOK_OUTPUTS=str(outputs), **extra)
    return env


def annotate_command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "newsbook.cli", "annotate", str(corpus), "--out", str(out), "--quiet"]


def run_annotate(corpus: Path, out: Path, cache: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(annotate_command(corpus, out), env=cli_env(cache, out.parent / "outputs", **extra),
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` as it is on disk (symlinks not followed): bytes, link targets."""
    found: dict[str, tuple] = {}
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(root) / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", path.read_bytes())
    return found


def published_csvs(out: Path) -> dict[str, bytes]:
    """The CSV tables as a researcher opens them: DIR/NAME.csv."""
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.csv"))}


def leftovers(folder: Path) -> list[str]:
    """Temporary names a run leaves while writing (staging sets other than the current one, renames)."""
    current = os.readlink(folder / "current") if (folder / "current").is_symlink() else None
    found = []
    for path in folder.iterdir():
        name = path.name
        if name.startswith(".tables-") and name != current:
            found.append(name)
        elif name.endswith((".tmp", ".partial", ".old", ".link")):
            found.append(name)
    return sorted(found)


def temporary_files(folder: Path) -> list[str]:
    """Files anywhere under `folder` named as half-written files are (…tmp, …partial)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.endswith((".tmp", ".partial")) or ".partial" in p.name)

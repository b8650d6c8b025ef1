"""Keeping the annotation cache bounded.

The per-article cache (``pipeline.ArticleCache``) keeps one folder per pipeline version under the
cache root (``NEWSBOOK_CACHE``, default ``.cache/newsbook/``): ``spacy-X+MODEL-Y+code-DIGEST/``,
where the digest covers the extractors' code, so every code change starts a new folder.

Policy
- Every annotate run touches ``VERSION/last-used`` (once per run); its modification time is the
  folder's "last used" time (for a folder without the file: the newest of the folder's and its
  sub-folders' modification times).
- After a run, the version folders of the same cache root that are not among the `keep` most
  recently used (default 3, ``NEWSBOOK_CACHE_KEEP``) are removed; so a researcher switching between
  two code versions (two git branches, say) keeps both caches.
- Never removed: the current version, and anything whose name is not a pipeline version
  (``corpora/``, ``vega/``, files a person put there).
- A folder is first renamed to a hidden ``.trash-...`` name, then deleted: a concurrent run still
  using it finds no folder and re-parses (and re-creates it), never a half-deleted one.
  Pruning problems are logged as warnings and never fail a run.

The corpus-level caches (``corpora/read`` and ``corpora/result``, ``pipeline.CorpusCache``) hold
one entry per corpus path, overwritten when the corpus or the code changes, so they do not grow with
code versions, but they do with the number of corpus paths (a temporary folder is a new path every
time). Their entries for corpus paths that no longer exist (and old-format ones) are removed whenever
version folders are, and by ``newsbook cache --prune``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("newsbook.cache")

MARKER = "last-used"
TRASH_PREFIX = ".trash-"
DEFAULT_KEEP = 3
KEEP_ENV = "NEWSBOOK_CACHE_KEEP"
# What newsbook.nlp.pipeline_version() returns: spacy-{spacy}+{model}-{model version}+code-{digest}.
VERSION_PATTERN = re.compile(r"spacy-[0-9A-Za-z.]+\+[0-9A-Za-z_.-]+\+code-[0-9a-f]+")


@dataclass
class Pruned:
    """What a prune removed."""

    versions: list[str] = field(default_factory=list)  # version folder names
    corpus_entries: int = 0  # corpus-level cache files


@dataclass
class VersionFolder:
    """One pipeline version's folder in the cache root."""

    name: str
    path: Path
    last_used: float  # seconds since the epoch
    marked: bool  # whether the time comes from a last-used file


@dataclass
class VersionStats:
    """A version folder with its size, for the listing."""

    name: str
    path: Path
    last_used: float
    marked: bool
    size: int  # bytes
    entries: int  # cached articles (.pkl files)
    current: bool


def is_version_name(name: str) -> bool:
    """Whether `name` is a folder name newsbook gives a pipeline version."""
    return VERSION_PATTERN.fullmatch(name) is not None


def keep_default() -> int:
    """How many recently used versions to keep: NEWSBOOK_CACHE_KEEP, else 3."""
    raw = os.environ.get(KEEP_ENV, "").strip()
    if not raw:
        return DEFAULT_KEEP
    try:
        keep = int(raw)
    except ValueError:
        keep = -1
    if keep < 0:
        log.warning("%s=%r is not a whole number >= 0; keeping %d versions", KEEP_ENV, raw, DEFAULT_KEEP)
        return DEFAULT_KEEP
    return keep


def mark_used(root: str | os.PathLike | None, version: str) -> None:
    """Record that `version`'s folder under `root` is used now (touches its last-used file).
    Never raises: a read-only cache only loses the record."""
    if root is None:
        return
    try:
        folder = Path(root) / version
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).touch()
    except OSError as exc:
        log.warning("could not record the use of cache folder %s: %s", version, exc)


def _last_used(path: Path) -> tuple[float, bool]:
    try:
        return (path / MARKER).stat().st_mtime, True
    except OSError:
        pass
    # A folder from before last-used files: its newest (sub-)folder time, when an entry was added.
    newest = path.stat().st_mtime
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
    except OSError:
        pass
    return newest, False


def version_folders(root: str | os.PathLike) -> list[VersionFolder]:
    """The pipeline-version folders under `root`, most recently used first."""
    root = Path(root)
    found = []
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return []
    for entry in entries:
        if not is_version_name(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        try:
            last_used, marked = _last_used(path)
        except OSError:  # removed meanwhile
            continue
        found.append(VersionFolder(entry.name, path, last_used, marked))
    found.sort(key=lambda folder: (folder.last_used, folder.name), reverse=True)
    return found


def to_prune(root: str | os.PathLike, current: str | None, keep: int) -> list[VersionFolder]:
    """The version folders a prune removes: all but the `keep` most recently used and `current`."""
    folders = version_folders(root)
    kept = {folder.name for folder in folders[:max(keep, 0)]}
    return [folder for folder in folders if folder.name not in kept and folder.name != current]


def _remove(path: Path) -> bool:
    """Rename `path` to a hidden trash name beside it, then delete it. False if it could not be
    renamed (already gone, say); a failed delete leaves the trash folder and logs a warning."""
    trash = path.with_name(f"{TRASH_PREFIX}{path.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, trash)
    except OSError as exc:
        log.debug("not removing %s: %s", path, exc)
        return False
    try:
        shutil.rmtree(trash)
    except Exception as exc:
        log.warning("could not delete old cache folder %s: %s", trash, exc)
    return True


def _corpus_cache(root: Path):
    from .pipeline import CorpusCache

    return CorpusCache(root)


def prune(root: str | os.PathLike | None, current: str | None, keep: int | None = None, *,
          corpora: bool = True) -> Pruned:
    """Remove the version folders under `root` that are neither among the `keep` (default:
    NEWSBOOK_CACHE_KEEP, else 3) most recently used nor `current`, and trash left by an earlier
    prune; with `corpora`, also the corpus-level entries for corpus paths that no longer exist.
    Never raises: problems are logged as warnings."""
    pruned = Pruned()
    if root is None:
        return pruned
    root = Path(root)
    keep = keep_default() if keep is None else keep
    removed = pruned.versions
    try:
        for folder in to_prune(root, current, keep):
            if _remove(folder.path):
                removed.append(folder.name)
        with os.scandir(root) as entries:
            leftovers = [Path(e.path) for e in entries
                         if e.name.startswith(TRASH_PREFIX) and e.is_dir(follow_symlinks=False)]
        for path in leftovers:  # another prune may be deleting it right now: errors are expected
            shutil.rmtree(path, ignore_errors=True)
    except FileNotFoundError:
        pass
    except Exception as exc:
        log.warning("could not prune the annotation cache in %s: %s", root, exc)
    if removed:
        log.info("removed %d old annotation cache version(s) from %s (keeping the %d most recently used)",
                 len(removed), root, keep)
    if corpora:
        try:
            pruned.corpus_entries = _corpus_cache(root).prune_stale()
        except Exception as exc:
            log.warning("could not prune the corpus cache in %s: %s", root, exc)
    return pruned


def after_run(root: str | os.PathLike | None, current: str) -> None:
    """What annotate calls when a run is done: prune the versions (cheap: a directory listing and a
    stat per version folder) and, when that removed any (after a code change), the corpus-level
    entries whose corpus is gone. Never fails the run."""
    try:
        if prune(root, current, corpora=False).versions:
            prune(root, current, corpora=True)
    except Exception as exc:  # prune logs its own problems; this is the last line of defence
        log.warning("could not prune the annotation cache: %s", exc)


def _folder_size(path: Path) -> tuple[int, int]:
    size = entries = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                size += os.stat(os.path.join(folder, name), follow_symlinks=False).st_size
            except OSError:
                continue
            if name.endswith(".pkl"):
                entries += 1
    return size, entries


def describe(root: str | os.PathLike, current: str | None) -> list[VersionStats]:
    """Every version folder under `root` with its size, entries and last use, most recent first."""
    stats = []
    for folder in version_folders(root):
        size, entries = _folder_size(folder.path)
        stats.append(VersionStats(folder.name, folder.path, folder.last_used, folder.marked, size, entries,
                                  folder.name == current))
    return stats


def other_folders(root: str | os.PathLike) -> list[tuple[str, int, int]]:
    """(name, bytes, files) of everything under `root` that is not a version folder (corpus-level
    caches, vega bundles, leftover trash): shown by `newsbook cache`, never pruned (trash aside)."""
    root = Path(root)
    if not root.is_dir():
        return []
    rows = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if is_version_name(entry.name):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            size = files = 0
            for folder, _dirs, names in os.walk(path):
                for name in names:
                    try:
                        size += os.stat(os.path.join(folder, name), follow_symlinks=False).st_size
                        files += 1
                    except OSError:
                        continue
            rows.append((entry.name + "/", size, files))
        else:
            try:
                rows.append((entry.name, entry.stat(follow_symlinks=False).st_size, 1))
            except OSError:
                continue
    return rows


def format_listing(root: str | os.PathLike, current: str | None, keep: int | None = None) -> str:
    """The text `newsbook cache` prints."""
    root = Path(root)
    keep = keep_default() if keep is None else keep
    stats = describe(root, current)
    lines = [f"annotation cache: {root}",
             f"policy: after each run, keep the {keep} most recently used versions and the current one "
             f"({KEEP_ENV} to change)"]
    if stats:
        lines.append(f"  {'last used':<16}  {'size MB':>8}  {'entries':>7}  version")
        for row in stats:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.last_used))
            note = "  (current)" if row.current else ""
            lines.append(f"  {when:<16}{' ' if row.marked else '~'} {row.size / 1e6:>8.2f}  {row.entries:>7}  "
                         f"{row.name}{note}")
    else:
        lines.append("  no version folders")
    if current is not None and not any(row.current for row in stats):
        lines.append(f"  current version not cached yet: {current}")
    if any(not row.marked for row in stats):
        lines.append("  ~ no last-used record (from before newsbook kept one): time of the last entry added")
    others = other_folders(root)
    if others:
        lines.append("not version folders:")
        for name, size, files in others:
            lines.append(f"  {name:<24} {size / 1e6:>8.2f} MB  {files:>6} files")
    stale = _corpus_cache(root).stale_entries()
    if stale:
        lines.append(f"corpora/: {len(stale)} entries for corpus paths that no longer exist (or old-format)")
    total = sum(row.size for row in stats) + sum(size for _, size, _ in others)
    lines.append(f"total: {total / 1e6:.2f} MB in {len(stats)} version folder(s)")
    doomed = to_prune(root, current, keep)
    if doomed or stale:
        doomed_names = {folder.name for folder in doomed}
        size = sum(row.size for row in stats if row.name in doomed_names)
        size += sum(path.stat().st_size for path in stale if path.exists())
        lines.append(f"`newsbook cache --prune` would remove {len(doomed)} version folder(s) and "
                     f"{len(stale)} corpus entries, {size / 1e6:.2f} MB")
    return "\n".join(lines)

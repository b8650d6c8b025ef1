"""Writing files safely: atomic single files, and the folder of saved tables (``annotate --out DIR``).

A failed or killed run never leaves a half-written file behind, and newsbook never replaces or
deletes a file it did not write itself.

A tables folder DIR looks like this::

    DIR/.tables-<time>-<pid>-<random>/   one complete set of tables with its manifest.json
    DIR/current -> .tables-…             the set readers use (a relative symlink)
    DIR/NAME -> current/NAME             one symlink per table file or folder and manifest.json,
                                         so DIR/articles.csv etc. are where they always were
    DIR/.newsbook.lock                   held while a run writes DIR (a second run waits)

Saving (`publish_tables`) writes a whole new set beside the current one in a ``.tables-…`` staging
folder, records every file it wrote (bytes, sha256, Parquet rows) in that set's manifest, and then
switches ``current`` to it with one atomic rename; only then is the previous set removed. A run
killed at any moment leaves either the previous set or the new one current, whole. Leftovers of a
killed run (``.tables-*`` folders other than the current one, and the temporary names below) are
removed by the next run that writes DIR, recognised by their names only.

What newsbook may replace in DIR is what a manifest it wrote says it wrote (`check_output_folder`):
the names of the current set's manifest, and those of a manifest written by newsbook before this
layout (flat files, format 1). Anything else in the way, a file newsbook did not write inside one
of its table folders, or DIR being a file is an `OutputFolderError` naming the paths, raised before
anything is written; nothing is deleted.

Readers (`open_tables`, `verify_tables`) refuse a set whose files do not match its manifest
(missing file, other size, other row count; other hash when asked) with a `TablesMismatch`.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from .errors import OutputFolderError, TablesMismatch

log = logging.getLogger("newsbook.files")

CURRENT = "current"
MANIFEST = "manifest.json"
LOCK = ".newsbook.lock"
STAGING_PREFIX = ".tables-"
MANIFEST_FORMAT = 2
WRITTEN_BY = "newsbook"
# Set by the fault tests only: the process kills itself (SIGKILL) when it reaches this point.
KILL_AT_ENV = "NEWSBOOK_KILL_AT"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fault_point(name: str, count: int | None = None) -> None:
    """Die here, as a killed run would, when the fault suite asks for it: ``NEWSBOOK_KILL_AT=NAME``
    (or ``NAME:COUNT``, at the COUNT-th time this point is passed)."""
    wanted = os.environ.get(KILL_AT_ENV)
    if wanted and (wanted == name or (count is not None and wanted == f"{name}:{count}")):
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success rename it over `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600 files; a report is meant to be shared, so honour the umask.
        os.chmod(tmp_path, 0o666 & ~_current_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: str | os.PathLike, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_table(frame: pd.DataFrame, directory: str | os.PathLike, name: str) -> None:
    """Write `name`.parquet and `name`.csv into `directory` (a staging folder: not atomically)."""
    directory = Path(directory)
    frame.to_parquet(directory / f"{name}.parquet", index=False)
    frame.to_csv(directory / f"{name}.csv", index=False)


def write_dataset(frame: pd.DataFrame, target: str | os.PathLike, partition_column: str) -> Path:
    """Write `frame` as a hive-partitioned Parquet dataset folder ``target/COLUMN=VALUE/part-0.parquet``
    (`target` inside a staging folder: it must not exist yet).

    Every partition file has the schema of the whole frame, so readers (pyarrow, pandas, DuckDB) see
    one consistent schema.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(target)
    target.mkdir()
    data = frame.drop(columns=[partition_column])
    arrow_schema = pa.Schema.from_pandas(data, preserve_index=False)
    if frame.empty:
        groups = [(0, data)]
    else:
        groups = [(value, sub.drop(columns=[partition_column]))
                  for value, sub in frame.groupby(partition_column, sort=True)]
    for value, sub in groups:
        folder = target / f"{partition_column}={int(value):02d}"
        folder.mkdir()
        table = pa.Table.from_pandas(sub, schema=arrow_schema, preserve_index=False)
        pq.write_table(table, folder / "part-0.parquet")
    return target


# --- the tables folder: what newsbook owns in it ------------------------------------------------


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _is_manifest(manifest: dict | None) -> bool:
    return bool(manifest) and manifest.get("written_by") == WRITTEN_BY and isinstance(manifest.get("files"), dict)


def _is_legacy_manifest(manifest: dict | None) -> bool:
    """A manifest written by newsbook before the staged layout (flat files beside it)."""
    return (bool(manifest) and "written_by" not in manifest and isinstance(manifest.get("tables"), dict)
            and "pipeline_version" in manifest and "result_key" in manifest)


def _legacy_entries(manifest: dict) -> dict[str, str]:
    """The names a format-1 manifest's run wrote: NAME.parquet, NAME.csv, NAME/ (its dataset)."""
    entries = {MANIFEST: "file"}
    for name in manifest.get("tables", {}):
        entries[f"{name}.parquet"] = "file"
        entries[f"{name}.csv"] = "file"
    partitioned = manifest.get("partitioned") or {}
    for name in partitioned.get("tables", []):
        entries[str(name)] = "dir"
    return entries


def current_set(directory: Path) -> Path | None:
    """The folder `DIR/current` points to, when it is a staged set newsbook wrote in DIR."""
    link = directory / CURRENT
    if not link.is_symlink():
        return None
    target = os.readlink(link)
    if "/" in target or not target.startswith(STAGING_PREFIX):
        return None
    folder = directory / target
    return folder if folder.is_dir() and not folder.is_symlink() else None


@dataclass
class Ownership:
    """What a tables folder holds that newsbook wrote (see `check_output_folder`)."""

    directory: Path
    current: Path | None  # the current staged set, if any
    manifest: dict | None  # its manifest
    legacy: dict | None  # a format-1 manifest beside flat files, if any
    # names of a plain copy of a set (``cp -rL``: files, no links) that are still exactly what its
    # manifest.json lists, byte for byte: newsbook's own output, so it may replace them
    copied: set[str] = field(default_factory=set)

    def owned_names(self) -> set[str]:
        names = {CURRENT, LOCK} | self.copied
        if self.manifest:
            names |= set(self.manifest.get("entries", []))
        if self.legacy:
            names |= set(_legacy_entries(self.legacy))
        return names


def _unchanged_copy(directory: Path, manifest: dict) -> set[str]:
    """The names of a plain copy of a set whose files are the ones its manifest lists (sha256)."""
    listed = manifest["files"]
    names = {MANIFEST}
    whole = directory / CURRENT  # cp -rL also copies the set itself, through `current`
    if whole.is_dir() and not whole.is_symlink() and \
            sorted(_relative_files(whole)) == sorted([*listed, MANIFEST]) and \
            all(_hash_file(whole / rel) == entry.get("sha256") for rel, entry in listed.items()):
        names.add(CURRENT)
    for name in manifest.get("entries", []):
        path = directory / name
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            inside = [f"{name}/{rel}" for rel in _relative_files(path)]
            expected = [rel for rel in listed if rel.startswith(f"{name}/")]
        else:
            inside, expected = [name], [name] if name in listed else []
        if sorted(inside) == sorted(expected) and all(
                _hash_file(directory / rel) == listed[rel].get("sha256") for rel in inside):
            names.add(name)
    return names


def _relative_files(folder: Path) -> Iterator[str]:
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            yield os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")


_LEGACY_DATASET_FILE = re.compile(r"^[A-Za-z_]+=\d+/part-0\.parquet$")


def _foreign_files(own: Ownership, *, deep: bool = False) -> list[Path]:
    """Files newsbook did not write inside the folders it did (a note dropped into DIR/quotes/), and
    its files changed since (another size; with `deep`, another sha256): replacing the set would
    delete them."""
    foreign: list[Path] = []
    if own.current is not None and own.manifest:
        listed = own.manifest["files"]
        for rel in _relative_files(own.current):
            entry = listed.get(rel)
            path = own.current / rel
            if rel == MANIFEST:
                continue
            if entry is None or path.stat().st_size != entry.get("bytes") or (
                    deep and _hash_file(path) != entry.get("sha256")):
                foreign.append(own.directory / rel)  # as the researcher sees it, through DIR/NAME
    if own.legacy:
        for name, kind in _legacy_entries(own.legacy).items():
            path = own.directory / name
            if kind != "dir" or path.is_symlink() or not path.is_dir():
                continue
            for rel in _relative_files(path):
                if not _LEGACY_DATASET_FILE.match(rel):
                    foreign.append(path / rel)
    return foreign


def inspect_output_folder(directory: str | os.PathLike) -> Ownership:
    """What newsbook wrote in `directory` (which may not exist yet). An existing non-folder is an
    OutputFolderError."""
    directory = Path(directory)
    if directory.is_symlink() and not directory.exists():
        raise OutputFolderError(f"--out {directory} is a broken symbolic link; give a folder")
    if directory.exists() and not directory.is_dir():
        raise OutputFolderError(f"--out {directory} is a file, not a folder: newsbook writes a folder of "
                                "tables there and will not replace a file it did not write; choose a folder")
    current = current_set(directory) if directory.is_dir() else None
    manifest = _read_json(current / MANIFEST) if current is not None else None
    if not _is_manifest(manifest):
        current, manifest = None, None
    legacy, copied = None, set()
    flat = directory / MANIFEST
    if directory.is_dir() and flat.is_file() and not flat.is_symlink():
        candidate = _read_json(flat)
        legacy = candidate if _is_legacy_manifest(candidate) else None
        if _is_manifest(candidate):  # (still there beside `current` when a run was killed taking it over)
            copied = _unchanged_copy(directory, candidate)
    return Ownership(directory, current, manifest, legacy, copied)


def _points_through_current(path: Path, name: str) -> bool:
    return path.is_symlink() and os.readlink(path) == f"{CURRENT}/{name}"


def conflicts(directory: str | os.PathLike, entries: Iterable[str], *, deep: bool = False) -> tuple[Ownership, list[Path]]:
    """(what newsbook owns in `directory`, the paths in the way of writing `entries` there; `deep`:
    its own files are checked byte for byte, not only by size)."""
    own = inspect_output_folder(directory)
    directory = own.directory
    if not directory.is_dir():
        return own, []
    owned = own.owned_names()
    legacy = _legacy_entries(own.legacy) if own.legacy else {}
    staged = set(own.manifest.get("entries", [])) if own.manifest else set()
    blocking: list[Path] = []
    for name in [*entries, MANIFEST, CURRENT]:
        path = directory / name
        if not os.path.lexists(path):
            continue
        if name == CURRENT:
            if own.current is None and CURRENT not in own.copied:
                blocking.append(path)
            continue
        if name not in owned:
            blocking.append(path)
        elif _points_through_current(path, name) or name in own.copied:
            continue
        elif name in legacy:
            is_dir = path.is_dir() and not path.is_symlink()
            if (legacy[name] == "dir") != is_dir or path.is_symlink():
                blocking.append(path)
        elif name in staged:
            blocking.append(path)  # newsbook's link was replaced by something else
    blocking += _foreign_files(own, deep=deep)
    return own, blocking


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_folder(directory: str | os.PathLike, entries: Iterable[str], *, deep: bool = False) -> Ownership:
    """Refuse, before any work, an output folder newsbook cannot write its tables into without
    replacing something it did not write (or changed since), or cannot write at all. Returns what
    newsbook owns there. `deep`: compare its own files by sha256 too (reads them)."""
    directory = Path(directory)
    own, blocking = conflicts(directory, entries, deep=deep)
    if blocking:
        shown = "\n  ".join(str(p) for p in blocking[:20])
        more = f"\n  … and {len(blocking) - 20} more" if len(blocking) > 20 else ""
        raise OutputFolderError(
            f"--out {directory}: newsbook did not write these (or they changed since), and will not replace "
            f"or delete them:\n  "
            f"{shown}{more}\nMove them away or choose another output folder (nothing was changed).")
    existing = _nearest_existing(directory)
    if not existing.is_dir():
        raise OutputFolderError(f"--out {directory}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputFolderError(f"--out {directory}: {existing} is not writable (read-only folder or file "
                                "system); nothing was changed")
    return own


# --- the tables folder: writing a set and switching to it ----------------------------------------


@contextmanager
def folder_lock(directory: Path) -> Iterator[None]:
    """Hold DIR/.newsbook.lock: one run writes a tables folder at a time; a second waits, saying so."""
    path = directory / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_current_umask())
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("waiting for another newsbook run that is writing %s", directory)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock (the kernel also does when a process dies)


# The temporary names newsbook gives while writing DIR: staging sets, the switch's link, and the
# atomic renames of the flat layout before it (`.NAME.XXXX.tmp`, `.NAME.XXXX.partial`, `.NAME.PID.old`).
_STAGING_NAME = re.compile(re.escape(STAGING_PREFIX) + r"\d{8}T\d{6}-\d+-[A-Za-z0-9_]+$")
_TEMPORARY_NAME = re.compile(r"^\.(?P<entry>.+)\.[A-Za-z0-9_]+\.(tmp|partial|old|link)$")


def _is_leftover(name: str, entries: set[str]) -> bool:
    if _STAGING_NAME.match(name):
        return True
    match = _TEMPORARY_NAME.match(name)
    return bool(match) and match["entry"] in entries | {CURRENT}


def clean_leftovers(directory: Path, entries: Iterable[str], keep: Path | None) -> list[str]:
    """Remove what a killed run left in DIR: staging sets other than `keep` and temporary names.
    Only called with the folder lock held, so no other run is writing them."""
    entries = set(entries) | {MANIFEST}
    removed = []
    for path in directory.iterdir():
        if (keep is not None and path == keep) or not _is_leftover(path.name, entries):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path.name)
    if removed:
        log.info("removed what an interrupted run left in %s: %s", directory, ", ".join(sorted(removed)))
    return removed


def _hash_file(path: Path, *, sync: bool = False) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        if sync:
            os.fsync(handle.fileno())
    return digest.hexdigest()


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def describe_files(folder: Path, *, sync: bool = False) -> dict[str, dict]:
    """Every file in a set, as the manifest records it: bytes, sha256, and rows for Parquet."""
    files = {}
    for rel in _relative_files(folder):
        path = folder / rel
        entry = {"bytes": path.stat().st_size, "sha256": _hash_file(path, sync=sync)}
        if rel.endswith(".parquet"):
            entry["rows"] = _parquet_rows(path)
        files[rel] = entry
    if sync:
        for root, _, _ in os.walk(folder):
            _fsync_dir(Path(root))
    return files


def _replace_with_link(directory: Path, name: str) -> None:
    """Make DIR/NAME the symlink current/NAME (NAME may be an old flat file or folder newsbook wrote)."""
    path = directory / name
    if _points_through_current(path, name):
        return
    tmp = directory / f".{name}.{secrets.token_hex(4)}.link"
    os.symlink(f"{CURRENT}/{name}", tmp)
    if path.is_dir() and not path.is_symlink():  # a dataset folder of the old layout
        old = directory / f".{name}.{os.getpid()}.old"
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, path)


def _writing_error(directory: Path, exc: OSError) -> OutputFolderError:
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    hint = " (the disk is full)" if exc.errno == errno.ENOSPC else ""
    return OutputFolderError(f"could not write the tables to {directory}: {reason}{where}{hint}; "
                             "the tables that were there are unchanged")


def publish_tables(directory: str | os.PathLike, entries: list[str], write: Callable[[Path], dict],
                   *, up_to_date: Callable[[dict], bool] | None = None) -> bool:
    """Write a new set of tables into `directory` and make it current, as one unit.

    `entries`: the top-level names the set has (``articles.csv``, ``articles``, …; manifest.json is
    added). `write(staging)` writes them into the staging folder and returns the manifest's content.
    `up_to_date(manifest)`: when it says the current set already is this one, nothing is written.
    Returns whether a new set was written. Raises OutputFolderError (nothing changed) when the folder
    holds something newsbook did not write, is not writable, or the disk fills up.
    """
    directory = Path(directory)
    check_output_folder(directory, entries)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        lock = folder_lock(directory)
        lock.__enter__()
    except OSError as exc:
        raise _writing_error(directory, exc) from exc
    try:
        own = check_output_folder(directory, entries, deep=True)  # again, now that no other run writes
        try:
            clean_leftovers(directory, entries, keep=own.current)
        except OSError as exc:
            raise _writing_error(directory, exc) from exc
        if own.manifest is not None and up_to_date is not None and up_to_date(own.manifest):
            try:
                verify_tables(own.current, own.manifest)
            except TablesMismatch as exc:
                log.warning("%s; writing the tables again", exc)
            else:
                return False
        staging, switched = None, False
        try:
            staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-",
                                            dir=directory))
            os.chmod(staging, 0o777 & ~_current_umask())  # mkdtemp makes 0700; tables are meant to be shared
            content = write(staging)
            fault_point("save:staged")
            manifest = {"written_by": WRITTEN_BY, "format": MANIFEST_FORMAT, **content,
                        "entries": sorted({*entries, MANIFEST}),
                        "files": describe_files(staging, sync=True)}
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
            _hash_file(staging / MANIFEST, sync=True)
            _fsync_dir(staging)
            link = directory / f".{CURRENT}.{secrets.token_hex(4)}.link"
            os.symlink(staging.name, link)
            copied_set = directory / CURRENT
            if copied_set.is_dir() and not copied_set.is_symlink():  # a plain copy's (checked unchanged)
                os.replace(copied_set, directory / f".{CURRENT}.{os.getpid()}.old")
            os.replace(link, directory / CURRENT)  # the switch: one atomic rename
            switched = True
            _fsync_dir(directory)
        except BaseException as exc:
            if staging is not None and not switched:
                shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _writing_error(directory, exc) from exc
            raise
        fault_point("save:switched")
        # From here the new set is current; the rest tidies up (a kill here is repaired next run).
        old_names = own.owned_names() - {CURRENT, LOCK}
        for name in sorted({*entries, MANIFEST} - {MANIFEST}) + [MANIFEST]:  # the old manifest last
            _replace_with_link(directory, name)
        for name in sorted(old_names - {*entries, MANIFEST}):
            path = directory / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                path.unlink()
        if own.current is not None and own.current != staging:
            shutil.rmtree(own.current, ignore_errors=True)
        shutil.rmtree(directory / f".{CURRENT}.{os.getpid()}.old", ignore_errors=True)
        _fsync_dir(directory)
        return True
    finally:
        lock.__exit__(None, None, None)


# --- the tables folder: reading --------------------------------------------------------------------


@dataclass
class SavedSet:
    """A set of saved tables to read: the folder holding the files, and its manifest."""

    folder: Path
    manifest: dict

    @property
    def legacy(self) -> bool:
        return not _is_manifest(self.manifest)


def open_tables(directory: str | os.PathLike) -> SavedSet:
    """The set of tables `directory` holds (through ``current`` when there is one), not yet verified.
    Raises TablesMismatch when there is no manifest."""
    directory = Path(directory)
    current = current_set(directory) if directory.is_dir() else None
    folder = current if current is not None else directory
    manifest = _read_json(folder / MANIFEST)
    if manifest is None:
        raise TablesMismatch(f"no saved annotations in {directory} (looked for {directory / MANIFEST}; "
                             "write them with: newsbook annotate CORPUS --out DIR)")
    return SavedSet(folder, manifest)


def _mismatch(saved: SavedSet, what: str) -> TablesMismatch:
    return TablesMismatch(f"the saved tables in {saved.folder} do not match their manifest: {what}. "
                          "They were changed or only partly written; write them again with "
                          "newsbook annotate CORPUS --out DIR")


def verify_tables(folder: Path, manifest: dict, *, rows_of: Iterable[str] = (), hash_of: Iterable[str] = ()) -> None:
    """Refuse (TablesMismatch) a set whose files are not those its manifest lists: every listed file
    must be there with its size; `rows_of`: files (or dataset folders) whose Parquet row count is
    checked too; `hash_of`: files whose sha256 is checked as well (reading them whole)."""
    saved = SavedSet(Path(folder), manifest)
    if saved.legacy:
        return _verify_legacy(saved, rows_of)
    listed = manifest["files"]
    for rel, entry in listed.items():
        path = saved.folder / rel
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise _mismatch(saved, f"{rel} is missing") from None
        if size != entry.get("bytes"):
            raise _mismatch(saved, f"{rel} has {size:,} bytes, the manifest says {entry.get('bytes'):,}")
    for rel in rows_of:
        entry = listed.get(rel)
        if entry is None:
            raise _mismatch(saved, f"{rel} is not in the manifest")
        if "rows" in entry and _parquet_rows(saved.folder / rel) != entry["rows"]:
            rows = _parquet_rows(saved.folder / rel)
            raise _mismatch(saved, f"{rel} has {rows:,} rows, the manifest says {entry['rows']:,}")
    for rel in hash_of:
        entry = listed.get(rel)
        if entry is None or _hash_file(saved.folder / rel) != entry.get("sha256"):
            raise _mismatch(saved, f"{rel} is not the file that was written (its sha256 differs)")


def _verify_legacy(saved: SavedSet, rows_of: Iterable[str]) -> None:
    """A format-1 folder records only row counts per table: check them for the tables read."""
    counts = saved.manifest.get("tables") or {}
    for rel in rows_of:
        name = rel.split("/", 1)[0].removesuffix(".parquet")
        if name not in counts:
            continue
        path = saved.folder / rel
        if not path.exists():
            raise _mismatch(saved, f"{rel} is missing")
        if path.is_dir():
            rows = sum(_parquet_rows(path / part) for part in _relative_files(path) if part.endswith(".parquet"))
        else:
            rows = _parquet_rows(path)
        if rows != counts[name]:
            raise _mismatch(saved, f"{rel} has {rows:,} rows, the manifest says {counts[name]:,}")

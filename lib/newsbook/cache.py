"""The annotation cache: what an entry on disk is (data only, validated on every read), and keeping
the cache bounded.

Entries
- Per-article (``pipeline.ArticleCache``): ``ROOT/VERSION/KEY[:2]/KEY.entry``, one per article, KEY a
  hash of the article's content and metadata and the pipeline version; tables mentions, quotes,
  figures (the rows the extractors gave).
- Corpus-level (``pipeline.CorpusCache``): ``ROOT/corpora/read/NAME.entry`` (the read corpus: tables
  articles and errors) and ``ROOT/corpora/result/NAME.entry`` (every table of ``pipeline.Annotations``),
  NAME a hash of the corpus path; one entry per corpus path, overwritten when its key changes.

On-disk format (FORMAT_VERSION 3; format 1 was a pickle per article, format 2 a pickle per corpus):
an entry is one file, written atomically (a temporary file beside it, renamed over it):

    newsbook-cache\n             magic line
    NNNNNNNNNN\n                 length of the header in bytes, 10 ASCII digits
    {header}                     UTF-8 JSON object, that many bytes
    body                         body_bytes bytes: one zstd frame (or, compression null, as is) of
                                 the tables, one Arrow IPC stream each, back to back, in the
                                 header's order

    header = {"format": 3, "kind": "article" | "read" | "result", "key": "<hex digest>",
              "corpus": "<corpus path>" (corpus-level kinds only), "meta": {...},
              "compression": "zstd" | null, "body_bytes": 2345,
              "tables": [{"name": "mentions", "rows": 12, "bytes": 3456}, ...]}  # bytes: uncompressed

Meta: article ``{}``; read ``{"root": "<corpus root as read>"}``; result
``{"corrections_applied": [str, ...], "pipeline_version": str, "corpus": str}``. A table's Arrow
schema is exactly the one ``newsbook.schema`` gives its columns, in its order (str: utf8, int: int64,
float: float64, bool: bool; nulls only in float columns, read as NaN).

Reading validates everything before a value is used: that it is a regular file, the magic, the
format version, the kind, the key, the corpus path, the table names and order, the body's length (a
truncated file fails) and its decompressed length (bounded by MAX_BODY_RATIO and MAX_BODY_SLACK),
each table's Arrow data (fully validated: offsets, UTF-8), schema, nulls and row count, and the
meta's types. Nothing in an entry is ever executed: no pickle, marshal or eval, only JSON and Arrow.
An entry that fails (truncated, emptied, garbage, an old format, a pickle, tampered, wrong shape) is
logged once as a warning, removed and recomputed, so the run's tables are those of a clean run. A
corpus-level entry whose key differs (its corpus or the code changed) is stale, not broken: it is
overwritten without a warning.

Policy (keeping it bounded)
- The per-article cache keeps one folder per pipeline version under the cache root
  (``NEWSBOOK_CACHE``, default ``.cache/newsbook/``): ``spacy-X+MODEL-Y+code-DIGEST/``, where the
  digest covers the extractors' code, so every code change starts a new folder.
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
- The corpus-level caches hold one entry per corpus path, overwritten when the corpus or the code
  changes, so they do not grow with code versions, but they do with the number of corpus paths (a
  temporary folder is a new path every time). Their entries for corpus paths that no longer exist
  (and old-format or unreadable ones) are removed whenever version folders are, and by
  ``newsbook cache --prune``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from . import nlp, schema
from .files import atomic_path

log = logging.getLogger("newsbook.cache")

MARKER = "last-used"
TRASH_PREFIX = ".trash-"
DEFAULT_KEEP = 3
KEEP_ENV = "NEWSBOOK_CACHE_KEEP"
# What newsbook.nlp.pipeline_version() returns: spacy-{spacy}+{model}-{model version}+code-{digest}.
VERSION_PATTERN = re.compile(r"spacy-[0-9A-Za-z.]+\+[0-9A-Za-z_.-]+\+code-[0-9a-f]+")

FORMAT_VERSION = 3
MAGIC = b"newsbook-cache\n"
HEADER_DIGITS = 10
ENTRY_SUFFIX = ".entry"
OLD_SUFFIXES = (".pkl",)  # formats 1 and 2: never opened, only removed
MAX_HEADER_BYTES = 1 << 20
COMPRESSION = "zstd"  # of the whole body (one zstd frame): per-buffer compression read 2.5x slower
CODECS = ("zstd",)
# A body may claim at most this many times its size plus MAX_BODY_SLACK once decompressed: a crafted
# header cannot make a read allocate more (a sentence repeated by every mention in it compresses
# well, so the slack keeps small entries of very repetitive text readable).
MAX_BODY_RATIO = 2000
MAX_BODY_SLACK = 16 << 20
ARTICLE, READ, RESULT = "article", "read", "result"
CORPUS_KINDS = (READ, RESULT)


# --- entries on disk -------------------------------------------------------------------------------


class InvalidEntry(ValueError):
    """A cache entry that cannot be used as it is; the message says why, in words."""


@dataclass
class Entry:
    """A validated entry: its header and its tables (Arrow, each checked against newsbook.schema)."""

    header: dict
    tables: dict  # name -> pyarrow.Table

    @property
    def meta(self) -> dict:
        return self.header["meta"]


_ARROW_TYPES = {"str": "string", "int": "int64", "float": "float64", "bool": "bool_"}


@lru_cache(maxsize=None)
def arrow_schema(table: str):
    """The Arrow schema of a newsbook.schema table: what every cached table must have, exactly."""
    import pyarrow as pa

    return pa.schema([pa.field(col.name, getattr(pa, _ARROW_TYPES[col.dtype])(), nullable=col.dtype == "float")
                      for col in schema.TABLES[table].columns])


def frame_to_arrow(table: str, frame: pd.DataFrame):
    """A conformed table (``schema.conform``) as Arrow with the schema's types; raises on anything else."""
    import pyarrow as pa

    spec = schema.TABLES[table]
    if list(frame.columns) != spec.column_names:
        raise ValueError(f"table {table!r} has columns {list(frame.columns)}, not {spec.column_names}")
    target = arrow_schema(table)
    arrays = []
    for col, field_ in zip(spec.columns, target):
        values = frame[col.name]
        if col.dtype == "str":
            arrays.append(pa.array(values.to_numpy(dtype=object), type=field_.type))
        else:
            # NaN stays a NaN value (from_pandas=False): floats read back bit for bit
            arrays.append(pa.array(values.to_numpy(dtype=np.dtype(field_.type.to_pandas_dtype())), type=field_.type))
    return pa.Table.from_arrays(arrays, schema=target)


def rows_to_arrow(table: str, rows: list[dict]):
    """An extractor's row dicts as Arrow, typed by the schema, each value as ``nlp.table_from_rows``
    would turn it (so a value reads back as the value the run would have used). Built straight from
    the lists: going through a DataFrame cost 30 times what pickling the rows did."""
    import pyarrow as pa

    target = arrow_schema(table)
    try:
        arrays = [pa.array(_canonical(col.dtype, [row.get(col.name) for row in rows]), type=field_.type)
                  for col, field_ in zip(schema.TABLES[table].columns, target)]
        return pa.Table.from_arrays(arrays, schema=target)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        # a value of an unexpected type (a float in an int column, say): as the pipeline tabulates it
        return frame_to_arrow(table, nlp.table_from_rows(table, rows) if rows else nlp.empty_table(table))


def _canonical(dtype: str, values: list) -> list:
    if dtype == "str":
        return [v if isinstance(v, str) else nlp.as_str(v) for v in values]
    if dtype == "float":
        return [float("nan") if v is None else v for v in values]
    if dtype == "bool":
        return [bool(v) if v is not None else False for v in values]
    if dtype == "int" and any(v is None for v in values):
        raise ValueError("a missing value in an int column")
    return values


def _strings(column) -> np.ndarray:
    """A string column as an object array of Python strings, one object per distinct value (as
    ``schema.conform`` keeps them; a long sentence repeated by every mention in it is stored once)."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
    if len(uniques) == 0:
        return np.empty(len(column), dtype=object)
    return uniques[encoded.indices.to_numpy()]


def arrow_to_frame(table: str, data) -> pd.DataFrame:
    """A validated cached table as the DataFrame ``schema.conform`` gives (object strings, int64,
    float64, bool), independent of pandas' default string dtype."""
    if data.num_rows == 0:
        return schema.empty(table)
    index = pd.RangeIndex(data.num_rows)
    columns = {}
    for col in schema.TABLES[table].columns:
        values = data.column(col.name)
        if col.dtype == "str":
            columns[col.name] = pd.Series(_strings(values), dtype=object, index=index)
        else:
            columns[col.name] = values.to_numpy()
    return pd.DataFrame(columns, index=index, copy=False)


def encode_entry(kind: str, key: str, tables: dict, *, corpus: str | None = None,
                 meta: dict | None = None) -> bytes:
    """An entry's bytes (see the module docstring); `tables`: name -> pyarrow.Table."""
    import pyarrow as pa

    streams, described = [], []
    for name, data in tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, data.schema) as writer:
            writer.write_table(data)
        streams.append(sink.getvalue().to_pybytes())
        described.append({"name": name, "rows": data.num_rows})
    header = {"format": FORMAT_VERSION, "kind": kind, "key": key}
    if corpus is not None:
        header["corpus"] = corpus
    header.update(meta=meta or {}, compression=COMPRESSION, tables=described)
    return join_entry(header, streams)


def join_entry(header: dict, streams: list[bytes]) -> bytes:
    """The bytes of an entry with `header` and these table `streams` (Arrow IPC), filling in the
    header's lengths and compressing the body as its `compression` says."""
    import pyarrow as pa

    header = {**header, "tables": [{**table, "bytes": len(stream)}
                                   for table, stream in zip(header["tables"], streams)]}
    body = b"".join(streams)
    if header.get("compression"):
        body = pa.compress(body, codec=header["compression"], asbytes=True)
    header["body_bytes"] = len(body)
    encoded = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([MAGIC, b"%0*d\n" % (HEADER_DIGITS, len(encoded)), encoded, body])


def split_entry(data: bytes) -> tuple[dict, list[bytes]]:
    """An entry's header and table streams (Arrow IPC), unchecked beyond the header's shape: for
    looking into an entry (and the tests' crafted ones). Raises InvalidEntry."""
    import io

    fh = io.BytesIO(data)
    header = read_header(fh)
    sizes = [t["bytes"] for t in header["tables"]]
    body = _body(fh.read(header["body_bytes"]), header["compression"], sum(sizes)).to_pybytes()
    offsets = np.cumsum([0, *sizes])
    return header, [body[start:end] for start, end in zip(offsets[:-1], offsets[1:])]


def read_header(fh) -> dict:
    """The header of the entry open in `fh` (binary, at its start), checked for shape; `fh` is left
    at the first table. Raises InvalidEntry."""
    if fh.read(len(MAGIC)) != MAGIC:
        raise InvalidEntry("not a newsbook cache entry (an old format, or garbage)")
    digits = fh.read(HEADER_DIGITS + 1)
    if len(digits) != HEADER_DIGITS + 1 or not digits[:-1].isdigit() or digits[-1:] != b"\n":
        raise InvalidEntry("its header length is unreadable")
    length = int(digits[:-1])
    if length > MAX_HEADER_BYTES:
        raise InvalidEntry(f"its header claims {length} bytes")
    raw = fh.read(length)
    if len(raw) != length:
        raise InvalidEntry("it is truncated (in its header)")
    try:
        header = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise InvalidEntry(f"its header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise InvalidEntry("its header is not a JSON object")
    if header.get("format") != FORMAT_VERSION:
        raise InvalidEntry(f"format {header.get('format')!r}, not {FORMAT_VERSION}")
    tables = header.get("tables")
    if not isinstance(header.get("key"), str) or not isinstance(header.get("kind"), str) \
            or not isinstance(header.get("meta"), dict) or not isinstance(tables, list) \
            or not all(isinstance(t, dict) and isinstance(t.get("name"), str) and _count(t.get("rows"))
                       and _count(t.get("bytes")) for t in tables):
        raise InvalidEntry("its header lacks a field or has one of the wrong type")
    if "corpus" in header and not isinstance(header["corpus"], str):
        raise InvalidEntry("its header's corpus path is not a string")
    if header.get("compression") not in (None, *CODECS) or not _count(header.get("body_bytes")):
        raise InvalidEntry("its header's compression or body length is not one newsbook writes")
    return header


def _count(value) -> bool:
    return type(value) is int and value >= 0


def _body(raw: bytes, codec: str | None, size: int):
    """The tables' streams, decompressed to exactly the `size` the header gives (so a crafted file
    cannot make a read take more memory than it declares, and a wrong size fails)."""
    import pyarrow as pa

    if codec is None:
        if len(raw) != size:
            raise InvalidEntry("its tables' lengths do not add up to its body")
        return pa.py_buffer(raw)
    if size > MAX_BODY_RATIO * len(raw) + MAX_BODY_SLACK:
        raise InvalidEntry(f"its body claims {size} bytes once decompressed, from {len(raw)}")
    try:
        return pa.decompress(raw, decompressed_size=size, codec=codec)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidEntry(f"its body does not decompress to the tables' lengths ({exc})") from None


def _read_table(stream, name: str, rows: int):
    import pyarrow as pa

    try:
        data = pa.ipc.open_stream(stream).read_all()
        data.validate(full=True)  # offsets and UTF-8: a crafted buffer cannot make a later read stray
    except (pa.ArrowException, ValueError, OSError) as exc:
        raise InvalidEntry(f"table {name!r} is not a readable Arrow stream ({exc})") from None
    expected = arrow_schema(name)
    if not data.schema.equals(expected):  # names, order, types, nullability; metadata aside
        raise InvalidEntry(f"table {name!r} has columns {data.schema.names} of types "
                           f"{[str(t) for t in data.schema.types]}, not what newsbook.schema says")
    if data.num_rows != rows:
        raise InvalidEntry(f"table {name!r} has {data.num_rows} rows, its header says {rows}")
    for field_, column in zip(expected, data.columns):
        if column.null_count and not field_.nullable:
            raise InvalidEntry(f"table {name!r} has missing values in column {field_.name!r}")
    return data


def read_entry(path: Path, kind: str, key: str, tables: Iterable[str], *, corpus: str | None = None,
               stale_ok: bool = False) -> Entry | None:
    """The entry at `path` if it is a valid `kind` entry for `key` holding exactly `tables` (in that
    order); None if there is none (or, with `stale_ok`, it is a valid entry for another key: its
    tables are not read). Raises InvalidEntry for anything else; never runs anything in the file."""
    try:
        fh = _open_regular(path)
    except FileNotFoundError:
        return None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        header = read_header(fh)
        if header["kind"] != kind:
            raise InvalidEntry(f"a {header['kind']!r} entry where a {kind!r} entry belongs")
        if corpus is not None and header.get("corpus") != corpus:
            raise InvalidEntry(f"an entry for corpus {header.get('corpus')!r} where {corpus!r}'s belongs")
        if header["key"] != key:
            if stale_ok:
                return None
            raise InvalidEntry("its key is not the key it is filed under")
        described = header["tables"]
        if [t["name"] for t in described] != list(tables):
            raise InvalidEntry(f"tables {[t['name'] for t in described]}, not {list(tables)}")
        if fh.tell() + header["body_bytes"] != size:
            raise InvalidEntry("it is truncated, or has bytes after its tables")
        body = _body(fh.read(header["body_bytes"]), header["compression"], sum(t["bytes"] for t in described))
    found, offset = {}, 0
    for table in described:
        found[table["name"]] = _read_table(body[offset:offset + table["bytes"]], table["name"], table["rows"])
        offset += table["bytes"]
    return Entry(header, found)


def _open_regular(path: Path):
    """`path` opened for reading if it is a regular file (a FIFO or a device in its place would
    block a read or never end); raises InvalidEntry otherwise."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise InvalidEntry("not a regular file")
    return path.open("rb")


def write_entry(path: Path, data: bytes, what: str) -> None:
    """Write an entry atomically; a failure (full disk, folder pruned meanwhile) is logged, not raised:
    the next run recomputes."""
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        log.warning("could not write the %s cache: %s", what, exc)


def discard(path: Path, problem: Exception, seen: os.stat_result | None = None) -> None:
    """Report an unusable entry (once: it is removed) and remove it, so it is recomputed. With `seen`
    (the file's stat when it was read), a file a concurrent run has replaced meanwhile is left alone."""
    log.warning("cache entry %s is not usable (%s); removed, recomputing", path, problem)
    try:
        if seen is not None:
            now = path.stat()
            if (now.st_ino, now.st_mtime_ns, now.st_size) != (seen.st_ino, seen.st_mtime_ns, seen.st_size):
                return
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove the unusable cache entry %s: %s", path, exc)


def load(path: Path, kind: str, key: str, tables: Iterable[str], **checks) -> Entry | None:
    """`read_entry`, with an unusable entry reported, removed and answered as missing."""
    try:
        seen = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        seen = None
    try:
        return read_entry(path, kind, key, tables, **checks)
    except Exception as exc:  # InvalidEntry, an I/O error, or whatever a crafted file provokes
        if not isinstance(exc, InvalidEntry):
            exc = InvalidEntry(f"{type(exc).__name__}: {exc}")
        discard(path, exc, seen)
        return None


# --- per-article entries ---------------------------------------------------------------------------


def article_entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}{ENTRY_SUFFIX}"


def load_article(path: Path, key: str, tables: Iterable[str]) -> dict[str, list[dict]] | None:
    """A per-article entry's tables as the extractors' row dicts, or None (missing or unusable)."""
    entry = load(path, ARTICLE, key, tables)
    if entry is None:
        return None
    return {name: data.to_pylist() for name, data in entry.tables.items()}


def save_article(path: Path, key: str, rows: dict[str, list[dict]], tables: Iterable[str]) -> None:
    try:
        data = encode_entry(ARTICLE, key, {name: rows_to_arrow(name, rows[name]) for name in tables})
    except Exception as exc:  # a row the schema cannot hold: not cached, the run goes on
        log.warning("could not cache an article's tables: %s", exc)
        return
    write_entry(path, data, "article")


# --- corpus-level entries --------------------------------------------------------------------------


class CorpusStore:
    """The corpus-level entries under ROOT/corpora/: one file per kind and corpus path (see the module
    docstring), each holding whole tables and a little meta; the header names the corpus path, so
    `stale_entries` finds the entries of vanished corpora by reading headers only."""

    def __init__(self, directory: str | os.PathLike | None):
        self.directory = Path(directory) / "corpora" if directory else None

    def path(self, kind: str, root: Path) -> Path:
        name = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:24]
        return self.directory / kind / f"{name}{ENTRY_SUFFIX}"

    def get(self, kind: str, root: Path, key: str, tables: Iterable[str]) -> Entry | None:
        """The `kind` entry of corpus `root` if it holds `key`; None if missing, stale or unusable
        (an unusable one is reported and removed)."""
        if self.directory is None:
            return None
        return load(self.path(kind, root), kind, key, tables, corpus=str(root), stale_ok=True)

    def put(self, kind: str, root: Path, key: str, frames: dict[str, pd.DataFrame], meta: dict) -> None:
        if self.directory is None:
            return
        try:
            tables = {name: frame_to_arrow(name, frame) for name, frame in frames.items()}
            data = encode_entry(kind, key, tables, corpus=str(root), meta=meta)
        except Exception as exc:  # a table the schema cannot hold: not cached, the run goes on
            log.warning("could not cache the corpus' %s tables: %s", kind, exc)
            return
        write_entry(self.path(kind, root), data, "corpus")

    def entries(self) -> list[tuple[Path, str | None]]:
        """(file, corpus path) of every entry; corpus path None for an unreadable or old-format entry."""
        if self.directory is None:
            return []
        found = []
        for kind in CORPUS_KINDS:
            for suffix in (ENTRY_SUFFIX, *OLD_SUFFIXES):
                for path in sorted((self.directory / kind).glob(f"*{suffix}")):
                    root = None
                    if suffix == ENTRY_SUFFIX:
                        try:
                            with _open_regular(path) as fh:
                                header = read_header(fh)
                            if header["kind"] == kind:
                                root = header.get("corpus")
                        except (InvalidEntry, OSError):  # removed meanwhile, broken: stale
                            pass
                    found.append((path, root))
        return found

    def stale_entries(self) -> list[Path]:
        """Entries no run can use again: their corpus path is gone, or they are old-format or corrupt."""
        return [path for path, root in self.entries() if root is None or not Path(root).exists()]

    def prune_stale(self) -> int:
        """Remove the stale entries (see stale_entries); returns how many. Never raises."""
        removed = 0
        try:
            for path in self.stale_entries():
                try:
                    path.unlink()
                    removed += 1
                except FileNotFoundError:
                    pass
        except OSError as exc:
            log.warning("could not prune the corpus cache: %s", exc)
        return removed


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
    entries: int  # cached articles (.entry files)
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


def _corpus_cache(root: Path) -> CorpusStore:
    return CorpusStore(root)


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
            if name.endswith(ENTRY_SUFFIX):
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

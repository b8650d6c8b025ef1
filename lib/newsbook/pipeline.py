"""Annotation pipeline: sends a corpus's articles through the per-article work (newsbook.extraction:
spaCy with the extractors as pipeline components, see newsbook.components), caches per-article
results, and resolves actors and matches across the corpus.

Per-article work (parse, mentions, quotes, figures) is pure and cached by article content and
pipeline version; corpus-wide work (canonical actors, corrections, cross-source matches) is redone
whenever the corpus, its corrections file or newsbook's code changed.

Scale
- Articles stream through spaCy: only one batch of parsed Docs is in memory at a time, and the
  per-article tables are concatenated as they arrive.
- The per-article work can run in this process, in N local processes (``jobs=N``) or on a Dask
  cluster (``scheduler="tcp://HOST:8786"``); see newsbook.engines. The cache is consulted here,
  in the calling process, and only misses are shipped; every engine writes identical tables.
- Re-runs are incremental: an unchanged corpus is answered from the corpus-level caches (the read
  articles, keyed by a hash of every corpus file's bytes; the assembled tables, keyed by the
  corpus content, the corrections file and the code), a changed or added article is parsed alone.
- ``Annotations.save`` writes every table as ``NAME.parquet`` + ``NAME.csv`` and the per-article
  tables also as a hive-partitioned Parquet dataset ``NAME/bucket=NN/part-0.parquet``, each sentence
  once (a ``sentences`` table), as one unit (newsbook.files: staged, then switched); ``read_table``
  reads them column- and row-selectively, without the article text unless asked.
- One article keeps at most MAX_ROWS_PER_ARTICLE rows per table (named in `errors` when cut short).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from . import actors, compare, quotes, schema, speaker_roles, stories
from . import cache as cache_store
from .config import CACHE_DIR, resolve_path
from .corpus import CorpusRead, read_corpus
from . import files
from .errors import CorrectionsError, OutputFolderError, TablesMismatch
from .files import write_dataset, write_table
from . import extraction
from .extraction import annotate_chunk, extract_article, iter_annotate  # noqa: F401 (the per-article work, re-exported)
from .nlp import table_from_rows

log = logging.getLogger("newsbook.pipeline")

PER_ARTICLE_TABLES = ("mentions", "quotes", "figures")
CORRECTIONS_FILE_NAMES = ("actors.yaml", "actors.yml")
# Tables with an article_id column: also written as a dataset partitioned by a hash bucket of it.
PARTITIONED_TABLES = ("articles", "mentions", "actors", "quotes", "figures", "sentences")
PARTITION_COLUMN = "bucket"
ROW_COLUMN = "_row"  # original row order, kept in the dataset files only
ARTICLES_PER_BUCKET = 1000
MAX_BUCKETS = 64


@dataclass
class Annotations:
    """Every table of an annotated corpus (columns documented in newsbook.schema)."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    actors: pd.DataFrame
    quotes: pd.DataFrame
    figures: pd.DataFrame
    quote_matches: pd.DataFrame
    figure_matches: pd.DataFrame
    errors: pd.DataFrame
    events: pd.DataFrame = field(default_factory=lambda: schema.empty("events"))
    corrections_applied: list[str] = field(default_factory=list)
    story_corrections_applied: list[str] = field(default_factory=list)
    pipeline_version: str = ""
    corpus: str = ""
    cache_hits: int = 0
    cache_misses: int = 0
    result_key: str = ""  # identifies corpus + corrections + code; "" if not cacheable
    timings: dict = field(default_factory=dict)  # seconds per stage of the run that made this

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in schema.TABLES}

    def save(self, directory, *, partitions: int | None = None, if_changed: bool = False) -> Path:
        """Write every table as Parquet and CSV, plus a manifest, into `directory` as one unit.

        See `save_tables` (which also says whether anything was written). Raises OutputFolderError,
        with nothing changed, when `directory` holds something newsbook did not write where a table
        goes, is a file, is read-only, or the disk fills up.
        """
        save_tables(self, directory, partitions=partitions, if_changed=if_changed)
        return Path(directory)

    def saved_in(self, directory) -> bool:
        """Whether `directory` already holds these very tables, whole (see `save(if_changed=True)`)."""
        if not self.result_key:
            return False
        try:
            saved = files.open_tables(directory)
            if saved.legacy or not _same_result(saved.manifest, self):
                return False
            files.verify_tables(saved.folder, saved.manifest)
        except (TablesMismatch, OSError):
            return False
        return True

    @classmethod
    def load(cls, directory) -> "Annotations":
        """The tables saved in `directory` (by `save` or ``newsbook annotate --out``), with their
        `sentence` columns put back. Raises TablesMismatch when the files are not those the manifest
        lists (changed, or only partly written), or there is no manifest."""
        try:
            return cls._load(directory)
        except FileNotFoundError:  # a run switched to a new set while we read the previous one
            return cls._load(directory)

    @classmethod
    def _load(cls, directory) -> "Annotations":
        saved = files.open_tables(directory)
        names = list(schema.TABLES) + ([] if saved.legacy else list(schema.SAVED_ONLY))
        # tables saved before a table was added to the schema (events) load as empty ones
        names = [name for name in names if name in schema.SAVED_ONLY or (saved.folder / f"{name}.parquet").exists()
                 or name not in _ADDED_LATER]
        flat = [f"{name}.parquet" for name in names]
        files.verify_tables(saved.folder, saved.manifest, rows_of=flat, hash_of=flat)
        tables = {name: pd.read_parquet(saved.folder / f"{name}.parquet") for name in names}
        tables.update({name: schema.empty(name) for name in schema.TABLES if name not in tables})
        if not saved.legacy:
            sentences = tables.pop("sentences")
            for name in schema.TABLES_WITH_SENTENCES:
                tables[name] = _with_sentence_text(tables[name], sentences, saved)
        manifest = saved.manifest
        return cls(
            **tables,
            corrections_applied=manifest.get("corrections_applied", []),
            story_corrections_applied=manifest.get("story_corrections_applied", []),
            pipeline_version=manifest.get("pipeline_version", ""),
            corpus=manifest.get("corpus", ""),
        )

    def summary(self) -> "Summary":
        """One line: the corpus and how many rows each table has (thousands separated)."""
        counts = ", ".join(f"{len(frame):,} {name}" for name, frame in self.tables().items())
        return Summary(f"{self.corpus}: {counts}")


class Summary(str):
    """A line of text that a notebook shows as text, not as a quoted Python string."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        import html

        return f'<p class="nb-summary">{html.escape(str(self))}</p>'


# Tables added to the schema after folders were first saved: a folder without one loads it empty.
_ADDED_LATER = ("events",)


# --- saved folders -------------------------------------------------------------------------------
#
# ``newsbook annotate --out DIR`` and ``Annotations.save`` write a folder of tables through
# newsbook.files.publish_tables (staged beside the current set, switched as one unit, never over
# anything newsbook did not write). Each sentence is stored once, in `sentences`; the sentence
# columns of mentions, quotes and figures point into it (newsbook.schema.SENTENCES).

SAVED_TABLES = (*schema.TABLES, *schema.SAVED_ONLY)


def saved_entries() -> list[str]:
    """The names a saved folder has at its top (each a symlink through DIR/current)."""
    return [f"{name}.{ext}" for name in SAVED_TABLES for ext in ("parquet", "csv")] + list(PARTITIONED_TABLES)


def check_output(directory, corpus=None) -> None:
    """Refuse (OutputFolderError) an output folder the tables cannot be saved into without replacing
    something newsbook did not write, or one inside the `corpus` folder (its CSV tables would be read
    as articles next time); the CLI calls it before annotating."""
    directory = Path(directory)
    if corpus is not None:
        root, out = resolve_path(corpus), directory.resolve()
        if root.is_dir() and (out == root or root in out.parents):
            raise OutputFolderError(f"--out {directory} is inside the corpus folder {root}: the saved tables "
                                    "would be read as articles next time; choose a folder outside it")
    files.check_output_folder(directory, saved_entries())


def check_saved(directory) -> dict:
    """The manifest of the tables saved in `directory` (resolved as a corpus path is), after checking
    that every file is there with the size and row count it lists; TablesMismatch otherwise."""
    saved = files.open_tables(resolve_path(directory))
    tables = list(schema.TABLES) + ([] if saved.legacy else list(schema.SAVED_ONLY))
    files.verify_tables(saved.folder, saved.manifest, rows_of=[f"{name}.parquet" for name in tables])
    return saved.manifest


def _same_result(manifest: dict, result: "Annotations") -> bool:
    return bool(result.result_key) and manifest.get("result_key") == result.result_key \
        and manifest.get("corpus") == result.corpus


def save_tables(result: Annotations, directory, *, partitions: int | None = None,
                if_changed: bool = False) -> bool:
    """Write every table of `result` into `directory` as one unit; returns whether anything was written.

    Each table is ``NAME.parquet`` + ``NAME.csv``; the per-article tables (PARTITIONED_TABLES) are
    also a Parquet dataset folder ``NAME/bucket=NN/part-0.parquet``, partitioned by a stable hash
    bucket of article_id (the same article is in the same bucket in every table), so a large
    annotation set can be read a bucket, a few columns or a filtered subset at a time (``read_table``;
    pyarrow, pandas or DuckDB). `partitions`: number of buckets (default: one per 1,000 articles, at
    most 64). Sentences are stored once, in `sentences` (see newsbook.schema.SENTENCES).
    `if_changed`: write nothing when `directory` already holds these very tables, whole (the CLI
    uses it so a re-run on an unchanged corpus writes nothing).
    """
    directory = Path(directory)
    buckets = partitions or min(MAX_BUCKETS, max(1, math.ceil(len(result.articles) / ARTICLES_PER_BUCKET)))

    def write(staging: Path) -> dict:
        frames = saved_frames(result)
        for n, (name, frame) in enumerate(frames.items()):
            write_table(frame, staging, name)
            if name in PARTITIONED_TABLES:
                write_dataset(_with_buckets(frame, buckets), staging / name, PARTITION_COLUMN)
            if n == len(frames) // 2:
                files.fault_point("save:writing")
        return {
            "corpus": result.corpus,
            "pipeline_version": result.pipeline_version,
            "result_key": result.result_key,
            "corrections_applied": result.corrections_applied,
            "articles": result.articles["article_id"].tolist(),
            "corpus_hash": corpus_hash(result.articles),
            "tables": {name: len(frame) for name, frame in frames.items()},
            "sentences": {"table": "sentences", "left_out_of": list(schema.TABLES_WITH_SENTENCES),
                          "column": schema.SENTENCE_TEXT},
            "partitioned": {"tables": list(PARTITIONED_TABLES), "column": PARTITION_COLUMN,
                            "buckets": buckets, "hash": "blake2b-8 of article_id, modulo buckets"},
        }

    up_to_date = (lambda manifest: _same_result(manifest, result)) if if_changed else None
    written = files.publish_tables(directory, saved_entries(), write, up_to_date=up_to_date)
    if not written:
        log.info("tables in %s are up to date", directory)
    return written


def sentences_table(result: Annotations) -> pd.DataFrame:
    """Every sentence the rows of mentions, quotes and figures sit in, once, in article order."""
    keys = ["article_id", "sentence_index"]
    parts = [getattr(result, name)[[*keys, "sentence_start", "sentence_end", schema.SENTENCE_TEXT]]
             for name in schema.TABLES_WITH_SENTENCES]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return schema.empty("sentences")
    both = pd.concat(parts, ignore_index=True).drop_duplicates(keys)
    position = {aid: n for n, aid in enumerate(result.articles["article_id"])}
    both["_order"] = both["article_id"].map(position).fillna(len(position))
    both = both.sort_values(["_order", "sentence_index"], kind="stable")
    both = both.rename(columns={"sentence_start": "start", "sentence_end": "end", schema.SENTENCE_TEXT: "text"})
    return schema.conform("sentences", both)


def saved_frames(result: Annotations) -> dict[str, pd.DataFrame]:
    """The tables as a saved folder stores them: sentences once, in their own table."""
    frames = {name: (frame.drop(columns=[schema.SENTENCE_TEXT]) if name in schema.TABLES_WITH_SENTENCES else frame)
              for name, frame in result.tables().items()}
    frames["sentences"] = sentences_table(result)
    return frames


def _with_sentence_text(frame: pd.DataFrame, sentences: pd.DataFrame, saved: files.SavedSet | None = None,
                        columns: list[str] | None = None) -> pd.DataFrame:
    """`frame` with its `sentence` column put back from the saved `sentences` table, in the schema's
    column order (or `columns`)."""
    keys = ["article_id", "sentence_index"]
    lookup = pd.Series(sentences["text"].to_numpy(), index=pd.MultiIndex.from_frame(sentences[keys]))
    wanted = pd.MultiIndex.from_frame(frame[keys]) if len(frame) else pd.MultiIndex.from_arrays([[], []], names=keys)
    texts = lookup.reindex(wanted)
    if texts.isna().any():
        first = wanted[texts.isna().to_numpy().argmax()]
        where = saved.folder if saved is not None else "the saved tables"
        raise TablesMismatch(f"the saved tables in {where} lack the sentence {first[1]} of article {first[0]} "
                             "that their rows point to; write them again with newsbook annotate CORPUS --out DIR")
    out = frame.copy()
    out[schema.SENTENCE_TEXT] = texts.to_numpy(dtype=object)
    if columns is None:
        name = next(n for n in schema.TABLES_WITH_SENTENCES
                    if set(schema.TABLES[n].column_names) == set(out.columns))
        columns = schema.TABLES[name].column_names
    return out[columns]


def corpus_hash(articles: pd.DataFrame) -> str:
    """One hash for a corpus: its article ids and their content hashes."""
    digest = hashlib.sha256()
    for article_id, chash in sorted(zip(articles["article_id"], articles["content_hash"])):
        digest.update(f"{article_id}:{chash}\n".encode())
    return digest.hexdigest()[:16]


def bucket_of(article_id: str, buckets: int) -> int:
    """The partition bucket of an article: a stable hash of its id (the same on every machine)."""
    digest = hashlib.blake2b(str(article_id).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % buckets


def _with_buckets(frame: pd.DataFrame, buckets: int) -> pd.DataFrame:
    out = frame.copy()
    ids = out["article_id"].astype(str)
    lookup = {aid: bucket_of(aid, buckets) for aid in ids.unique()}
    out[PARTITION_COLUMN] = ids.map(lookup).astype("int64")
    out[ROW_COLUMN] = range(len(out))
    return out


def read_table(directory, name: str, columns: list[str] | None = None, filters=None,
               *, with_text: bool = False) -> pd.DataFrame:
    """One annotation table from a folder written by ``Annotations.save``, reading only what is asked.

    - `columns`: the columns to read (default: all of the table's schema columns, except the
      articles' body `text` unless `with_text=True`), so a large annotation set is read without
      loading every article's text. `sentence` (mentions, quotes, figures) is looked up in the
      saved `sentences` table for the rows read; `name` may also be ``"sentences"``.
    - `filters`: pyarrow filters, e.g. ``[("outlet", "==", "BBC")]`` or
      ``[("article_id", "in", ids)]``; on the partitioned tables ``[("bucket", "==", 3)]`` reads one
      partition file only.
    Reads the partitioned dataset folder ``NAME/`` when there is one, else ``NAME.parquet``; rows come
    back in the table's original order. Raises TablesMismatch when the folder's files are not those
    its manifest lists.
    """
    try:
        return _read_table(directory, name, columns, filters, with_text)
    except FileNotFoundError:  # a run switched to a new set while we read the previous one
        return _read_table(directory, name, columns, filters, with_text)


def _read_table(directory, name, columns, filters, with_text) -> pd.DataFrame:
    saved = files.open_tables(directory)
    spec = schema.TABLES[name] if name in schema.TABLES else schema.SAVED_ONLY[name]
    if columns is None:
        columns = [c for c in spec.column_names if with_text or not (name == "articles" and c == "text")]
    columns = list(columns)
    rehydrate = (not saved.legacy and name in schema.TABLES_WITH_SENTENCES and schema.SENTENCE_TEXT in columns)
    if not rehydrate:
        return _read_stored(saved, name, columns, filters)
    keys = ["article_id", "sentence_index"]
    stored = [c for c in columns if c != schema.SENTENCE_TEXT]
    frame = _read_stored(saved, name, stored + [k for k in keys if k not in stored], filters)
    ids = frame["article_id"].unique().tolist()
    sentences = (_read_stored(saved, "sentences", [*keys, "text"], [("article_id", "in", ids)])
                 if ids else schema.empty("sentences"))
    return _with_sentence_text(frame, sentences, saved, columns=columns)


def _read_stored(saved: files.SavedSet, name: str, columns: list[str], filters) -> pd.DataFrame:
    import pyarrow.parquet as pq

    if saved.legacy and name in schema.SAVED_ONLY:
        raise TablesMismatch(f"the tables in {saved.folder} were saved before the {name!r} table existed "
                             "(their rows carry their sentence); write them again to have it")
    dataset = saved.folder / name
    if dataset.is_dir():
        parts = [rel for rel in saved.manifest.get("files", {}) if rel.startswith(f"{name}/")] or [name]
        files.verify_tables(saved.folder, saved.manifest, rows_of=parts)
        table = pq.read_table(dataset, columns=list(columns) + [ROW_COLUMN], filters=filters,
                              partitioning="hive")
        frame = table.to_pandas().sort_values(ROW_COLUMN, kind="stable").drop(columns=[ROW_COLUMN])
        return frame.reset_index(drop=True)
    files.verify_tables(saved.folder, saved.manifest, rows_of=[f"{name}.parquet"])
    table = pq.read_table(saved.folder / f"{name}.parquet", columns=list(columns), filters=filters)
    return table.to_pandas().reset_index(drop=True)


# --- per-article limit ---------------------------------------------------------------------------
#
# One pathological article (a run-on paragraph with thousands of quotation marks) must not
# multiply into millions of rows: each per-article table keeps at most this many rows of one
# article, its first ones, and the article is named in `errors` when the limit bites. Far above
# what a real article produces (a long feature has a few hundred mentions).

MAX_ROWS_PER_ARTICLE = 2000
MAX_ROWS_ENV = "NEWSBOOK_MAX_ROWS_PER_ARTICLE"


def max_rows_per_article() -> int:
    import os

    value = os.environ.get(MAX_ROWS_ENV, "")
    try:
        return max(1, int(value)) if value.strip() else MAX_ROWS_PER_ARTICLE
    except ValueError:
        log.warning("%s=%r is not a number; using %d", MAX_ROWS_ENV, value, MAX_ROWS_PER_ARTICLE)
        return MAX_ROWS_PER_ARTICLE


def limit_rows(article: dict, tables: dict[str, list[dict]], max_rows: int,
               errors: list[dict]) -> dict[str, list[dict]]:
    """`tables` with at most `max_rows` rows per table (the first ones); a row in `errors` per table
    cut short."""
    over = {name: len(rows) for name, rows in tables.items() if len(rows) > max_rows}
    if not over:
        return tables
    for name, count in over.items():
        errors.append({"path": article["source_path"], "article_id": article["article_id"], "stage": "limit",
                       "reason": f"{count:,} {name} found, only the first {max_rows:,} kept (at most {max_rows:,} "
                                 f"{name} per article; set {MAX_ROWS_ENV} to change it)"})
    return {name: rows[:max_rows] for name, rows in tables.items()}


# --- per-article work ----------------------------------------------------------------------------


def article_cache_key(article: dict, version: str) -> str:
    digest = hashlib.sha256()
    for part in (version, article["article_id"], article["content_hash"], article["byline"], article["outlet"]):
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


class ArticleCache:
    """Per-article tables on disk, keyed by content and pipeline version: DIRECTORY/VERSION/KEY[:2]/KEY.entry
    (data only, validated on read; format in newsbook.cache). annotate() marks the version folder used
    and prunes old versions after the run (newsbook.cache)."""

    def __init__(self, directory: Path | None, version: str):
        self.directory = Path(directory) / version if directory else None
        self.version = version
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return cache_store.article_entry_path(self.directory, key)

    def has(self, article: dict) -> bool:
        """Whether an entry exists (without reading it)."""
        return self.directory is not None and self._path(article_cache_key(article, self.version)).exists()

    def get(self, article: dict) -> dict | None:
        """The article's tables (row dicts), or None if not cached; an unusable entry is reported,
        removed and answered as None, so the article is parsed again."""
        if self.directory is None:
            return None
        key = article_cache_key(article, self.version)
        return cache_store.load_article(self._path(key), key, PER_ARTICLE_TABLES)

    def put(self, article: dict, result: dict) -> None:
        if self.directory is None:
            return
        key = article_cache_key(article, self.version)
        cache_store.save_article(self._path(key), key, result, PER_ARTICLE_TABLES)


def _progress(iterable: Iterable, total: int, enabled: bool | None):
    from tqdm.auto import tqdm

    # disable=None: tqdm shows the bar only on a terminal.
    return tqdm(iterable, total=total, desc="annotating", unit="article",
                disable=None if enabled is None else not enabled, leave=False)


def annotate_articles(
    articles: list[dict],
    *,
    cache: ArticleCache,
    batch_size: int = 32,
    progress: bool | None = None,
    engine=None,
) -> Iterator[tuple[dict, dict | None, str]]:
    """Yield (article, tables or None, error reason) for every article, in the given order, parsing
    only cache misses.

    The cache is consulted here; only misses go to `engine` (default: this process, see
    newsbook.engines). Cached tables are read when their article's turn comes and results are
    handed on as soon as their turn comes, so memory holds one batch of Docs and a few tables."""
    from .engines import InProcessEngine

    engine = engine or InProcessEngine()
    cached = {a["article_id"] for a in articles if cache.has(a)}
    pending = [a for a in articles if a["article_id"] not in cached]
    by_id = {a["article_id"]: a for a in pending}
    results = iter(engine.run(pending, batch_size=batch_size)) if pending else iter(())
    arrived: dict[str, tuple[dict | None, str]] = {}
    bar = _progress(range(len(articles)), len(articles), progress)
    try:
        for article in articles:
            article_id = article["article_id"]
            if article_id in cached:
                tables = cache.get(article)
                if tables is None:  # corrupt entry: redo it here
                    _, tables, reason = next(extraction.iter_annotate([article], batch_size))
                    if tables is not None:
                        cache.misses += 1
                        cache.put(article, tables)
                    yield article, tables, reason
                else:
                    cache.hits += 1
                    yield article, tables, ""
                bar.update(1)
                continue
            while article_id not in arrived:
                try:
                    done_id, tables, reason = next(results)
                except StopIteration:
                    done_id, tables, reason = article_id, None, "the annotation engine returned no result"
                if tables is not None:
                    cache.misses += 1
                    cache.put(by_id[done_id], tables)
                arrived[done_id] = (tables, reason)
                bar.update(1)
            tables, reason = arrived.pop(article_id)
            yield article, tables, reason
    finally:
        bar.close()
        close = getattr(results, "close", None)
        if close is not None:
            close()


# --- corpus-wide work ------------------------------------------------------------------------------


def find_corrections(root: Path) -> Path | None:
    folder = root if root.is_dir() else root.parent
    for name in CORRECTIONS_FILE_NAMES:
        if (folder / name).exists() or (folder / name).is_symlink():
            return folder / name
    return None


def load_corrections(path: Path | None) -> tuple[actors.Corrections, list[dict]]:
    """The corrections in `path` and no error rows; or, if the file cannot be used (unreadable, a
    folder, not valid YAML, too large, a YAML bomb, a cycle), no corrections and an errors-table row
    naming it (stage "corrections"): the corpus is still annotated, without any of its corrections."""
    try:
        return actors.load_corrections(path), []
    except CorrectionsError as exc:
        log.warning("not applying %s: %s", exc.path, exc.reason)
        return actors.Corrections(path=str(path)), [{
            "path": exc.path or str(path), "article_id": "", "stage": "corrections",
            "reason": f"{exc.reason}; none of its corrections were applied (the format is in the actors notebook)",
        }]


def _concat(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return schema.empty(table)
    return pd.concat(frames, ignore_index=True)


def map_speakers(quote_table: pd.DataFrame, aliases: pd.DataFrame) -> pd.DataFrame:
    """Replace article-local speaker names with the corpus-canonical actor names."""
    if quote_table.empty or aliases.empty:
        return quote_table
    lookup = {(a, local): actor for a, local, actor in zip(aliases["article_id"], aliases["local"], aliases["actor"])}
    out = quote_table.copy()
    out["speaker"] = [
        lookup.get((a, s), s) if s else s for a, s in zip(out["article_id"], out["speaker"].fillna(""))
    ]
    return out


def assemble(
    articles: pd.DataFrame,
    per_article: dict[str, list[pd.DataFrame]],
    errors: pd.DataFrame,
    *,
    corrections_path: Path | actors.Corrections | None,
    corpus_label: str,
    quote_corrections_path: Path | None = None,
    version: str,
    story_corrections: Path | None = None,
    one_story: bool = False,
) -> Annotations:
    """Corpus-wide resolution, story grouping and matching (within each story) over the per-article tables."""
    mentions = _concat(per_article["mentions"], "mentions")
    quote_table = _concat(per_article["quotes"], "quotes")
    figure_table = _concat(per_article["figures"], "figures")
    # surnames link within a story when the articles carry one (`event`), else across the corpus
    groups = articles.set_index("article_id")["event"].fillna("").astype(str) if "event" in articles.columns else None
    mentions, aliases, applied = actors.resolve_corpus(mentions, corrections_path, groups=groups)
    quote_table = map_speakers(quote_table, aliases)
    articles = stories.resolve_outlets(articles)
    corrections = stories.read_corrections(story_corrections)
    article_event, methods, story_applied = stories.assign_stories(
        articles, mentions, figure_table, one_story=one_story, corrections=corrections)
    articles = articles.assign(event=articles["article_id"].astype(str).map(article_event).fillna("").tolist())
    # a role left unnamed in its article ('the Texas governor') takes the one title holder of its story
    quote_table = speaker_roles.name_roles_from_story(
        quote_table, mentions, dict(zip(articles["article_id"].astype(str), articles["event"])))
    if quote_corrections_path is not None:  # the researcher's quotes.yaml (after: the researcher decides)
        quote_table, quote_applied = quotes.apply_quote_corrections(
            quote_table, quotes.load_quote_corrections(quote_corrections_path))
        applied = list(applied) + quote_applied
    actor_table = actors.actors_table(mentions, quote_table)
    events = stories.article_events(articles)
    return Annotations(
        articles=schema.conform("articles", articles),
        mentions=schema.conform("mentions", mentions),
        actors=schema.conform("actors", actor_table),
        quotes=schema.conform("quotes", quote_table),
        figures=schema.conform("figures", figure_table),
        quote_matches=stories.match_quotes(quote_table, events),
        figure_matches=stories.match_figures(figure_table, events),
        errors=schema.conform("errors", errors),
        events=stories.events_table(articles, mentions, methods, corrections.get("label")),
        corrections_applied=applied,
        story_corrections_applied=story_applied,
        pipeline_version=version,
        corpus=corpus_label,
    )


class _Tables:
    """Per-article rows collected as they arrive, tabulated every `every` rows so that a large
    corpus holds a few big frames rather than thousands of small ones or millions of dicts."""

    def __init__(self, names: Iterable[str], every: int = 5_000):
        self.every = every
        self.done: dict[str, list[pd.DataFrame]] = {name: [] for name in names}
        self.open: dict[str, list[dict]] = {name: [] for name in names}

    def add(self, tables: dict[str, list[dict]]) -> None:
        for name, rows in self.open.items():
            rows += tables[name]
            if len(rows) >= self.every:
                self._flush(name)

    def _flush(self, name: str) -> None:
        if self.open[name]:
            self.done[name].append(table_from_rows(name, self.open[name]))
            self.open[name] = []

    def frames(self) -> dict[str, list[pd.DataFrame]]:
        for name in self.open:
            self._flush(name)
        return self.done


# Modules that only present tables (charts, HTML, reports, the command line, how work is run):
# editing them does not change any table, so it does not invalidate the corpus-level caches.
PRESENTATION_CODE = frozenset({"charts.py", "html.py", "report.py", "screenshots.py", "cli.py", "engines.py",
                               "files.py", "cache.py", "figure_views.py"})


# The modules reading a corpus depends on (the read cache's code key).
READING_CODE = ("corpus.py", "config.py", "schema.py", "errors.py", "safe_yaml.py")


def _code_digest(names: Iterable[str] | None = None) -> str:
    """A digest of newsbook's code that can change a table: the assembled tables depend on more than
    the per-article extractors (corpus-wide resolution, comparisons, helpers they import), so every
    module counts except the presentation ones. `names`: only these modules."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name in PRESENTATION_CODE or (names is not None and path.name not in names):
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_fingerprint(path: Path) -> bytes:
    """What the corpus caches know of one input file: its path and a hash of its bytes. Not its size
    and modification time: `cp -p`, `rsync -t` or checking out an older version can restore both over
    changed content. Hashing costs about 40 ms per 1,000 articles of 4 KB, a third of a cached read."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        if not path.is_file():  # a folder, a pipe (which would block): never opened
            raise IsADirectoryError(errno.EISDIR if path.is_dir() else errno.EINVAL, "not a regular file")
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        state = digest.hexdigest()
    except OSError as exc:  # unreadable, a folder, gone: its read error is what is cached
        state = f"unreadable:{exc.errno}"
    return f"{path}\x00{state}\n".encode("utf-8", "surrogateescape")


def _frame_digest(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    if not frame.empty:
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()


READ_TABLES = ("articles", "errors")


def _meta_str(meta: dict, name: str) -> str:
    value = meta.get(name)
    if not isinstance(value, str):
        raise cache_store.InvalidEntry(f"its {name} is not a string")
    return value


class CorpusCache:
    """Corpus-level caches, one entry per corpus path (so they never grow with the number of runs):

    - the read corpus (articles and read errors), valid while no corpus file's path or content
      changed (file_fingerprint) and the corpus reader's code (READING_CODE) is the same;
    - the assembled tables, valid for the same articles (content and metadata), read errors,
      corrections file, pipeline version and code.

    They grow with the number of corpus paths annotated, though (a temporary folder is a new path
    each time): an entry's header names its corpus path, and `prune_stale` removes the entries whose
    corpus path no longer exists (newsbook.cache calls it when pruning). Storage (data only, validated
    on read) is newsbook.cache.CorpusStore; this class says what goes in and what comes out.
    """

    def __init__(self, directory: Path | None):
        self.store = cache_store.CorpusStore(directory)
        self.directory = self.store.directory

    def _path(self, kind: str, root: Path) -> Path:
        return self.store.path(kind, root)

    def _get(self, kind: str, root: Path, key: str):
        """The cached value (CorpusRead for "read", Annotations for "result") or None."""
        names = READ_TABLES if kind == "read" else tuple(schema.TABLES)
        entry = self.store.get(kind, root, key, names)
        if entry is None:
            return None
        try:
            frames = {name: cache_store.arrow_to_frame(name, data) for name, data in entry.tables.items()}
            if kind == "read":
                return CorpusRead(frames["articles"], frames["errors"], Path(_meta_str(entry.meta, "root")))
            applied = entry.meta.get("corrections_applied")
            if not isinstance(applied, list) or not all(isinstance(item, str) for item in applied):
                raise cache_store.InvalidEntry("its corrections_applied is not a list of strings")
            return Annotations(**frames, corrections_applied=applied,
                               pipeline_version=_meta_str(entry.meta, "pipeline_version"),
                               corpus=_meta_str(entry.meta, "corpus"))
        except Exception as exc:  # a meta field of the wrong shape
            cache_store.discard(self._path(kind, root), exc)
            return None

    def _put(self, kind: str, root: Path, key: str, value) -> None:
        if kind == "read":
            frames = {"articles": value.articles, "errors": value.errors}
            meta = {"root": str(value.root)}
        else:
            frames = value.tables()
            meta = {"corrections_applied": list(value.corrections_applied),
                    "pipeline_version": value.pipeline_version, "corpus": value.corpus}
        self.store.put(kind, root, key, frames, meta)

    def entries(self) -> list[tuple[Path, str | None]]:
        """(file, corpus path) of every entry; corpus path None for an unreadable or old-format entry."""
        return self.store.entries()

    def stale_entries(self) -> list[Path]:
        """Entries no run can use again: their corpus path is gone, or they are old-format or corrupt."""
        return self.store.stale_entries()

    def prune_stale(self) -> int:
        """Remove the stale entries (see stale_entries); returns how many. Never raises."""
        return self.store.prune_stale()

    @staticmethod
    def read_key(root: Path, code: str) -> str:
        from .corpus import scan_corpus

        digest = hashlib.sha256(f"{root}\x00{code}\x00".encode("utf-8"))
        folder = root if root.is_dir() else root.parent
        files, skipped = scan_corpus(root)
        sidecars = [folder / "metadata.csv"] if root.is_dir() else []
        for path in [*files, *sidecars]:
            digest.update(file_fingerprint(path))
        for path, reason in skipped:  # they are rows of the errors table
            digest.update(f"{path}\x00{reason}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def read(self, corpus, code: str) -> CorpusRead:
        """read_corpus(corpus), answered from the cache when no file changed."""
        root = resolve_path(corpus)
        if self.directory is None or not root.exists():
            return read_corpus(corpus)
        key = self.read_key(root, code)
        cached = self._get("read", root, key)
        if cached is not None:
            for err in cached.errors.itertuples():
                log.warning("skipped %s: %s", err.path, err.reason)
            return cached
        read = read_corpus(corpus)
        self._put("read", root, key, read)
        return read

    @staticmethod
    def result_key(read: CorpusRead, corrections: Path | None, version: str, code: str, label: str,
                   extra_files: Iterable[Path | None] = (), options: str = "") -> str:
        digest = hashlib.sha256(f"{version}\x00{code}\x00{label}\x00{options}\x00".encode("utf-8"))
        # content_hash stands for the text, so the (large) text column itself is not hashed again
        digest.update(_frame_digest(read.articles.drop(columns=["text"])).encode())
        digest.update(_frame_digest(read.errors).encode())
        for path in (corrections, *extra_files):
            if path is not None:
                digest.update(path.name.encode() + b"\x00" + file_fingerprint(path))
        quote_corrections = quotes.find_quote_corrections(read.root)
        if quote_corrections is not None:
            digest.update(quote_corrections.name.encode() + b"\x00" + file_fingerprint(quote_corrections))
        return digest.hexdigest()

    def get_result(self, root: Path, key: str) -> Annotations | None:
        return self._get("result", root, key)

    def put_result(self, root: Path, key: str, result: Annotations) -> None:
        self._put("result", root, key, result)


def cached_read(corpus=None, *, cache_dir: Path | None = CACHE_DIR) -> CorpusRead:
    """``newsbook.read_corpus(corpus)``, answered from the corpus cache when no file changed (what
    annotate reads with; cheap to call again for a large corpus, e.g. for a report's corpus hash)."""
    return CorpusCache(cache_dir).read(corpus, _code_digest(READING_CODE))


def annotate(
    corpus=None,
    *,
    cache_dir: Path | None = CACHE_DIR,
    progress: bool | None = None,
    batch_size: int = 32,
    jobs: int = 1,
    scheduler=None,
    max_rows: int | None = None,
    one_story: bool = False,
) -> Annotations:
    """Annotate a corpus folder or file (default: the seeds). Broken articles land in `errors`.

    Articles are grouped into news stories (`articles.event`, the `events` table; see
    newsbook.stories) and every cross-article comparison stays within a story. `one_story`: take the
    whole corpus as one story instead; an `event` metadata column and a stories.yaml beside the
    corpus also have their say.

    - `cache_dir`: where per-article and corpus-level caches live (None: no cache, parse all).
    - `jobs`: parse in this many local processes (1: in this process).
    - `scheduler`: a Dask scheduler address (``"tcp://HOST:8786"``), a ``distributed.Client`` or
      cluster object, or ``"local"`` for a LocalCluster of `jobs` workers on this machine: the
      per-article work runs on its workers (see newsbook.engines).
    - `max_rows`: at most this many rows per table per article (default: MAX_ROWS_PER_ARTICLE, or
      ``$NEWSBOOK_MAX_ROWS_PER_ARTICLE``); an article cut short is named in `errors` (stage ``limit``).
    Every engine gives identical tables. ``result.timings`` says where the time went (seconds).
    """
    import time

    from . import cache as cache_policy
    from .engines import make_engine
    from .nlp import pipeline_version

    started = time.perf_counter()
    timings: dict[str, float] = {}
    max_rows = max_rows_per_article() if max_rows is None else max_rows
    code = f"{_code_digest()}:max_rows={max_rows}"  # the limit changes the tables: part of the key
    corpus_cache = CorpusCache(cache_dir)
    read = corpus_cache.read(corpus, _code_digest(READING_CODE))
    timings["read"] = time.perf_counter() - started
    version = pipeline_version()
    cache_policy.mark_used(cache_dir, version)  # once per run; old versions are pruned after it
    label = str(resolve_path(corpus))
    corrections = find_corrections(read.root)
    story_corrections = stories.find_corrections(read.root)
    key = CorpusCache.result_key(read, corrections, version, code, label, [story_corrections],
                                 f"one_story={bool(one_story)}")
    cached = corpus_cache.get_result(read.root, key)
    if cached is not None:
        cached.cache_hits, cached.cache_misses = len(cached.articles), 0
        cached.result_key = key
        cached.timings = {**timings, "cached": time.perf_counter() - started - timings["read"]}
        cache_policy.after_run(cache_dir, version)
        return cached

    mark = time.perf_counter()
    cache = ArticleCache(cache_dir, version)
    article_rows = read.articles.to_dict("records")
    collected = _Tables(PER_ARTICLE_TABLES)
    error_rows = read.errors.to_dict("records")
    corrections, corrections_error = load_corrections(corrections)  # said before the long part
    error_rows += corrections_error
    good_ids = []
    with make_engine(jobs=jobs, scheduler=scheduler) as engine:
        for article, tables, reason in annotate_articles(article_rows, cache=cache, batch_size=batch_size,
                                                         progress=progress, engine=engine):
            if tables is None:
                error_rows.append({"path": article["source_path"], "article_id": article["article_id"],
                                   "stage": "annotate", "reason": reason})
                continue
            good_ids.append(article["article_id"])
            collected.add(limit_rows(article, tables, max_rows, error_rows))
            files.fault_point("annotate", len(good_ids))
    del article_rows
    timings["articles"] = time.perf_counter() - mark
    log.info("per-article work: %d articles (%d cached, %d parsed) in %.2fs; assembling the corpus-wide tables",
             len(read.articles), cache.hits, cache.misses, timings["articles"])
    mark = time.perf_counter()
    articles = read.articles[read.articles["article_id"].isin(good_ids)]
    errors = pd.DataFrame(error_rows) if error_rows else schema.empty("errors")
    result = assemble(
        articles, collected.frames(), errors,
        corrections_path=corrections,
        quote_corrections_path=quotes.find_quote_corrections(read.root),
        corpus_label=label,
        version=version,
        story_corrections=story_corrections,
        one_story=one_story,
    )
    timings["assemble"] = time.perf_counter() - mark
    log.info("corpus-wide tables assembled in %.2fs", timings["assemble"])
    result.cache_hits, result.cache_misses = cache.hits, cache.misses
    annotate_failed = any(row.get("stage") == "annotate" for row in error_rows)
    if not annotate_failed:  # a failed article is retried next time, so its result is not kept
        result.result_key = key
        corpus_cache.put_result(read.root, key, result)
    result.timings = timings
    cache_policy.after_run(cache_dir, version)
    return result

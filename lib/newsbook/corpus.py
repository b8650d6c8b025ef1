"""Corpus loading: finds the articles in a folder or file, reads every supported format,
normalises metadata and cleans the body text that every offset in every table points into.

Supported inputs
- ``.txt`` / ``.md``: optional YAML front matter (title, outlet, byline, date, url; other keys kept);
  without it the header is read the way newsroom copy is pasted: a ``# `` title line or the first
  line, an optional byline line, an optional date line.
- ``.html`` / ``.htm``: main text and metadata extracted with trafilatura.
- ``.jsonl`` / ``.csv``: one article per record, a text column plus metadata columns.
- ``metadata.csv`` in the corpus folder adds or overrides metadata by ``article_id``.

A broken file is reported (``errors`` table, a log warning) and the rest of the corpus is read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from dateutil import parser as date_parser

from . import schema
from .config import resolve_path
from .errors import ArticleError, CorpusError

log = logging.getLogger("newsbook.corpus")

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
# Files a corpus folder may hold that are not articles.
SIDECAR_NAMES = {"metadata.csv", "actors.yaml", "actors.yml", "readme.md", "readme.txt"}

META_KEYS = ("title", "outlet", "byline", "date", "url")
META_ALIASES = {
    "author": "byline", "authors": "byline", "by": "byline",
    "source": "outlet", "publication": "outlet", "publisher": "outlet", "sitename": "outlet", "site": "outlet",
    "headline": "title",
    "published": "date", "pubdate": "date", "publication_date": "date", "published_at": "date",
    "link": "url", "source_url": "url",
}
TEXT_COLUMNS = ("text", "body", "content", "article", "maintext")
ID_COLUMNS = ("article_id", "id", "doc_id", "uid")


@dataclass
class RawArticle:
    """One article as read, before the corpus-wide checks."""

    article_id: str
    text: str
    source_path: str
    meta: dict = field(default_factory=dict)


@dataclass
class CorpusRead:
    """What reading a corpus gives: the articles table and the errors table."""

    articles: pd.DataFrame
    errors: pd.DataFrame
    root: Path


# --- text cleanup -----------------------------------------------------------------------------

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_MD_EMPH_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_EMPH_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]\s*$")
_BOILERPLATE = re.compile(
    r"\b(contact|subscribe|subscription|newsletter|sign up|follow us|all rights reserved|copyright|"
    r"click here|share this|read more|advertisement|related articles?|terms of use|privacy policy|"
    r"donate|support our journalism)\b|©|^\W*(www\.|https?://)\S+\W*$",
    re.I,
)


def strip_markdown(text: str) -> str:
    """Remove link, emphasis and heading markup, keeping the words."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPH_STAR.sub(r"\1", text)
    text = _MD_EMPH_UNDER.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return text


def normalise_whitespace(text: str) -> str:
    """NFC, unified line endings, no trailing spaces, paragraphs separated by one blank line,
    single line breaks inside a paragraph turned into spaces (they are layout, not content)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    paragraphs = re.split(r"\n\s*\n", text)
    cleaned = []
    for para in paragraphs:
        lines = [ln.strip() for ln in para.split("\n")]
        joined = re.sub(r"[ \t]+", " ", " ".join(ln for ln in lines if ln))
        if joined:
            cleaned.append(joined)
    return "\n\n".join(cleaned)


def _is_broken_sentence(paragraph: str, following: str) -> bool:
    """A paragraph that stops mid-sentence and is continued by the next one (page-break residue)."""
    if _SENTENCE_END.search(paragraph):
        return False
    if following[:1].islower() or following[:1] in ",;:.”’\")—–-":
        return True
    # "... government in" / "... with the" then a capitalised name: a sentence cut in two.
    last_word = paragraph.rsplit(" ", 1)[-1]
    return len(paragraph.split()) >= 8 and (last_word.islower() or paragraph.endswith(","))


def join_broken_paragraphs(text: str) -> str:
    paragraphs = text.split("\n\n")
    out: list[str] = []
    for para in paragraphs:
        if out and _is_broken_sentence(out[-1], para):
            out[-1] = f"{out[-1]} {para}"
        else:
            out.append(para)
    return "\n\n".join(out)


def drop_trailing_boilerplate(text: str) -> str:
    """Drop short contact/subscribe/copyright paragraphs at the end of the article."""
    paragraphs = text.split("\n\n")
    while len(paragraphs) > 1:
        last = paragraphs[-1]
        if len(last.split()) <= 40 and _BOILERPLATE.search(last):
            paragraphs.pop()
        else:
            break
    return "\n\n".join(paragraphs)


def clean_body(text: str) -> str:
    """The faithful cleanup every offset refers to."""
    text = strip_markdown(text)
    text = normalise_whitespace(text)
    text = join_broken_paragraphs(text)
    text = drop_trailing_boilerplate(text)
    return text.strip()


# --- header reading -----------------------------------------------------------------------------

_DATE_LINE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}/\d{1,2}/\d{2,4})(?:[\sT,]+\d{1,2}[:.]\d{2}.*)?$",
    re.I,
)
_BYLINE_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|and|&|de|van|von|der|la|le|du|bin|al|of)$")


def parse_date(value) -> str:
    """ISO 8601 date (YYYY-MM-DD), or "" if `value` is empty; ValueError if it is not a date."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    value = str(value).strip()
    if not value:
        return ""
    return date_parser.parse(value).date().isoformat()


def _looks_like_date(line: str) -> bool:
    return bool(_DATE_LINE.match(line.strip()))


def _looks_like_byline(line: str) -> bool:
    line = line.strip()
    if line.lower().startswith("by "):
        return len(line.split()) <= 12
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 8 or _SENTENCE_END.search(line) and not line.endswith("."):
        return False
    if line.endswith("."):
        return False
    return all(_BYLINE_WORD.match(w) for w in words) and sum(w[0].isupper() for w in words) >= 2


def split_header(raw: str) -> tuple[dict, str]:
    """Title, byline and date from the top of a plain-text article; returns (meta, body)."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index == len(lines):
        return {}, ""
    meta: dict = {}
    title_line = lines[index].strip()
    meta["title"] = strip_markdown(re.sub(r"^#{1,6}\s+", "", title_line)).strip()
    index += 1
    # Header lines: byline and date, in either order, before the first body paragraph.
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        candidate = strip_markdown(line).strip()
        if "date" not in meta and _looks_like_date(candidate):
            meta["date"] = candidate
        elif "byline" not in meta and "date" not in meta and _looks_like_byline(candidate):
            meta["byline"] = re.sub(r"^by\s+", "", candidate, flags=re.I)
        else:
            break
        index += 1
    return meta, "\n".join(lines[index:])


# libyaml's safe loader when PyYAML was built with it: the same documents, ten times faster than the
# pure-Python one, which was half the time of reading a corpus of short articles.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(raw: str, path: str) -> tuple[dict, str] | None:
    """YAML front matter between '---' lines, or None if the file has none."""
    stripped = raw.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return None
    match = re.match(r"---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", stripped, re.S)
    if not match:
        raise ArticleError(path, "front matter starts with '---' but has no closing '---' line")
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        detail = str(exc).replace("\n", " ")
        raise ArticleError(path, f"front matter is not valid YAML: {detail}") from exc
    if not isinstance(meta, dict):
        raise ArticleError(path, "front matter must be a mapping of keys to values (title: ..., outlet: ...)")
    return meta, stripped[match.end():]


# --- readers ---------------------------------------------------------------------------------------


def read_text_file(path: Path) -> str:
    """The file as UTF-8 text, or an ArticleError saying why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ArticleError(str(path), "file is empty")
    if b"\x00" in data[:8192]:
        raise ArticleError(str(path), "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            str(path),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}); re-save the file as UTF-8",
        ) from exc


def _normalise_meta(meta: dict) -> dict:
    out: dict = {}
    for key, value in meta.items():
        key_norm = META_ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        if isinstance(value, (list, tuple)) and key_norm == "byline":
            value = ", ".join(str(v) for v in value)
        if key_norm in out and not value:
            continue
        out[key_norm] = value
    return out


def read_plain(path: Path) -> list[RawArticle]:
    raw = read_text_file(path)
    front = split_front_matter(raw, str(path))
    if front is not None:
        meta, body = front
        meta = _normalise_meta(meta)
        if "title" not in meta:  # an explicit empty title means: no title, not "read one from the body"
            header, body = split_header(body)
            meta = {**header, **meta}
    else:
        meta, body = split_header(raw)
    article_id = str(meta.pop("article_id", "") or path.stem)
    return [RawArticle(article_id, body, str(path), meta)]


def read_html(path: Path) -> list[RawArticle]:
    import trafilatura

    raw = read_text_file(path)
    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=False)
    if doc is None:
        raise ArticleError(str(path), "no article text found in the HTML page")
    found = doc if isinstance(doc, dict) else doc.as_dict()
    meta = {
        "title": found.get("title") or "",
        "byline": found.get("author") or "",
        "outlet": found.get("sitename") or "",
        "date": found.get("date") or "",
        "url": found.get("url") or "",
    }
    return [RawArticle(path.stem, found.get("text") or "", str(path), meta)]


def _records_to_articles(records: list[tuple[int, dict]], path: Path) -> list[RawArticle]:
    """Articles from (record number, record) pairs of a .jsonl or .csv file."""
    articles = []
    for number, record in records:
        record = {str(k).strip(): v for k, v in record.items()}
        lowered = {k.lower(): k for k in record}
        text_key = next((lowered[c] for c in TEXT_COLUMNS if c in lowered), None)
        if text_key is None:
            raise ArticleError(str(path), f"no text column (expected one of {', '.join(TEXT_COLUMNS)})")
        id_key = next((lowered[c] for c in ID_COLUMNS if c in lowered), None)
        article_id = str(record.get(id_key) or "").strip() if id_key else ""
        article_id = article_id or f"{path.stem}-{number}"
        meta = _normalise_meta({k: v for k, v in record.items() if k not in (text_key, id_key)})
        articles.append(RawArticle(article_id, str(record.get(text_key) or ""), f"{path}#{number}", meta))
    return articles


def read_jsonl(path: Path) -> tuple[list[RawArticle], list[ArticleError]]:
    raw = read_text_file(path)
    records, errors = [], []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(ArticleError(f"{path}#{number}", f"line {number} is not valid JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            errors.append(ArticleError(f"{path}#{number}", f"line {number} is not a JSON object"))
            continue
        records.append((number, record))
    return _records_to_articles(records, path), errors


def read_csv_records(path: Path) -> list[RawArticle]:
    raw = read_text_file(path)
    try:
        rows = list(csv.DictReader(io.StringIO(raw)))
    except csv.Error as exc:
        raise ArticleError(str(path), f"not a readable CSV file: {exc}") from exc
    if not rows:
        raise ArticleError(str(path), "CSV file has a header but no records")
    return _records_to_articles(list(enumerate(rows, start=1)), path)


def read_metadata_csv(path: Path) -> pd.DataFrame:
    """metadata.csv: an article_id column plus metadata columns."""
    raw = read_text_file(path)
    frame = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
    frame.columns = [META_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in frame.columns]
    if "article_id" not in frame.columns:
        raise ArticleError(str(path), "metadata.csv needs an article_id column")
    return frame.set_index("article_id")


def read_file(path: Path) -> tuple[list[RawArticle], list[ArticleError]]:
    """Every article in one file, and the errors of records that could not be read."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_plain(path), []
    if suffix in HTML_SUFFIXES:
        return read_html(path), []
    if suffix == ".jsonl":
        return read_jsonl(path)
    if suffix == ".csv":
        return read_csv_records(path), []
    raise ArticleError(str(path), f"unsupported file type {suffix!r}")


def corpus_files(root: Path) -> list[Path]:
    """The article files of a corpus folder (sorted, sidecars and hidden files excluded)."""
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and p.name.lower() not in SIDECAR_NAMES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


# --- assembling the table ---------------------------------------------------------------------------


def count_words(text: str) -> int:
    return len(re.findall(r"\w+(?:[’'\-.]\w+)*", text))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_row(article: RawArticle, overrides: dict | None) -> dict:
    meta = dict(article.meta)
    if overrides:
        meta.update({k: v for k, v in overrides.items() if str(v).strip()})
    text = clean_body(article.text)
    if not text:
        raise ArticleError(article.source_path, "no article text after the header", article.article_id)
    try:
        date = parse_date(meta.get("date"))
    except (ValueError, OverflowError) as exc:
        raise ArticleError(article.source_path, f"date {meta.get('date')!r} is not a date", article.article_id) from exc
    extra = {k: v for k, v in meta.items() if k not in META_KEYS and k != "event"}
    outlet = str(meta.get("outlet") or "").strip()
    from_page = article.source_path.lower().endswith(tuple(HTML_SUFFIXES)) and not (overrides or {}).get("outlet")
    return {
        "article_id": article.article_id,
        "outlet": str(meta.get("outlet") or "").strip(),
        "title": strip_markdown(str(meta.get("title") or "")).strip(),
        "byline": str(meta.get("byline") or "").strip(),
        "date": date,
        "url": str(meta.get("url") or "").strip(),
        "words": count_words(text),
        "text": text,
        "source_path": article.source_path,
        "content_hash": content_hash(text),
        "extra": json.dumps(extra, default=str, ensure_ascii=False, sort_keys=True),
        # the researcher's story; newsbook.stories fills in the others after grouping
        "event": str(meta.get("event") or "").strip(),
        # the URL/article-id fallbacks for an unknown outlet are newsbook.stories.resolve_outlets'
        "outlet_source": ("page" if from_page else "metadata") if outlet else "",
    }


def _error_row(error: ArticleError, stage: str = "load") -> dict:
    return {"path": error.path, "article_id": error.article_id, "stage": stage, "reason": error.reason}


def read_corpus(path=None) -> CorpusRead:
    """Read every article of a corpus folder or file; broken ones go to the errors table.

    Raises CorpusError only if the corpus does not exist."""
    root = resolve_path(path)
    if not root.exists():
        raise CorpusError(f"corpus not found: {root}")
    folder = root if root.is_dir() else root.parent
    rows, errors = [], []
    overrides = pd.DataFrame()
    metadata_path = folder / "metadata.csv"
    if metadata_path.exists() and root.is_dir():
        try:
            overrides = read_metadata_csv(metadata_path)
        except ArticleError as exc:
            errors.append(_error_row(exc))
    seen: dict[str, str] = {}
    for file in corpus_files(root):
        try:
            articles, record_errors = read_file(file)
        except ArticleError as exc:
            errors.append(_error_row(exc))
            continue
        errors += [_error_row(e) for e in record_errors]
        for article in articles:
            if article.article_id in seen:
                errors.append(_error_row(ArticleError(
                    article.source_path,
                    f"duplicate article_id {article.article_id!r} (already read from {seen[article.article_id]}); skipped",
                    article.article_id,
                )))
                continue
            override = overrides.loc[article.article_id].to_dict() if article.article_id in overrides.index else None
            try:
                rows.append(_to_row(article, override))
            except ArticleError as exc:
                errors.append(_error_row(exc))
                continue
            seen[article.article_id] = article.source_path
    for err in errors:
        log.warning("skipped %s: %s", err["path"], err["reason"])
    articles = schema.conform("articles", pd.DataFrame(rows)) if rows else schema.empty("articles")
    error_table = schema.conform("errors", pd.DataFrame(errors)) if errors else schema.empty("errors")
    return CorpusRead(articles, error_table, root)


def load_corpus(path=None) -> pd.DataFrame:
    """The `articles` table of a corpus (see newsbook.schema); read errors are logged and kept in
    ``frame.attrs["errors"]``."""
    read = read_corpus(path)
    frame = read.articles
    frame.attrs["errors"] = read.errors.to_dict("records")
    return frame

"""Corpus loading: finds the articles in a folder or file, reads every supported format,
normalises metadata and cleans the body text that every offset in every table points into.

Supported inputs
- ``.txt`` / ``.md``: optional YAML front matter (title, outlet, byline, date, url; other keys kept);
  without it the header is read the way newsroom copy is pasted: a ``# `` title line or the first
  line, an optional byline line, an optional date line.
- ``.html`` / ``.htm``: main text and metadata extracted with trafilatura.
- ``.jsonl`` / ``.csv``: one article per record, a text column plus metadata columns.
- ``metadata.csv`` in the corpus folder adds or overrides metadata by ``article_id``.

A broken file, or a broken record or metadata.csv line, is reported by name (``errors`` table, a
log warning) and the rest of the corpus is read; so is a file that is not read because of its type.
Every file is untrusted: sizes are capped (LIMITS below), YAML builds plain data only (newsbook.safe_yaml).
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import json
import logging
import os
import re
import stat
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from dateutil import parser as date_parser

from . import safe_yaml, schema
from .config import resolve_path
from .errors import ArticleError, CorpusError

log = logging.getLogger("newsbook.corpus")

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
# Files a corpus folder may hold that are not articles.
SIDECAR_NAMES = {"metadata.csv", "actors.yaml", "actors.yml", "quotes.yaml", "quotes.yml", "stories.yaml",
                 "stories.yml", "corpus.yaml", "readme.md", "readme.txt", "license.md", "license.txt"}
# Files an operating system leaves in folders: skipped without a word, like hidden files.
SYSTEM_FILE_NAMES = {"thumbs.db", "desktop.ini"}

# LIMITS: what one input may be before it is refused with an error naming it, so that one huge or
# hostile file costs bounded time and memory. Real articles are tens of kilobytes.
MB = 1024 * 1024
MAX_ARTICLE_FILE_BYTES = 10 * MB  # a .txt / .md / .html file (one article)
MAX_RECORD_FILE_BYTES = 512 * MB  # a .jsonl / .csv file of many articles
MAX_RECORD_BYTES = 10 * MB  # one record of such a file
MAX_METADATA_FILE_BYTES = 32 * MB  # metadata.csv
MAX_SETTINGS_FILE_BYTES = 64 * 1024  # corpus.yaml
MAX_ARTICLE_CHARS = 1_000_000  # the cleaned text of one article (spaCy's own limit)
MAX_FRONT_MATTER_CHARS = 64 * 1024  # the YAML front matter of one article
MAX_FRONT_MATTER_VALUES = 10_000  # values in it once YAML aliases are expanded

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


DATE_ORDERS = ("month-first", "day-first")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")


def parse_date(value, date_order: str = "month-first") -> str:
    """ISO 8601 date (YYYY-MM-DD), or "" if `value` is empty; ValueError if it is not a date.
    A numeric date such as 12/06/2016 is read in `date_order` (see `ambiguous_date`)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    value = str(value).strip()
    if not value:
        return ""
    return date_parser.parse(value, dayfirst=date_order == "day-first").date().isoformat()


def ambiguous_date(value) -> bool:
    """Does `value` read two ways: a numeric day/month/year whose first two numbers could each be
    the month (12/06/2016 is 6 December or 12 June)?"""
    match = _NUMERIC_DATE.match(str(value or ""))
    if not match:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return first != second and 1 <= first <= 12 and 1 <= second <= 12


def read_corpus_settings(folder: Path) -> tuple[dict, list["ArticleError"]]:
    """The corpus's own settings from ``corpus.yaml`` in its folder (today: ``date_order``,
    month-first or day-first, for numeric dates that read two ways). Missing file: defaults."""
    settings = {"date_order": "month-first"}
    path = folder / "corpus.yaml"
    if not path.is_file():
        return settings, []
    try:
        data = safe_yaml.load(read_text_file(path, MAX_SETTINGS_FILE_BYTES), max_chars=MAX_SETTINGS_FILE_BYTES,
                              max_values=1000) or {}
    except (ArticleError, safe_yaml.YAMLRefused, yaml.YAMLError) as exc:
        return settings, [ArticleError(str(path), f"corpus.yaml not used: {exc}")]
    order = str(data.get("date_order", settings["date_order"])).strip().lower() if isinstance(data, dict) else None
    if order not in DATE_ORDERS:
        return settings, [ArticleError(str(path), f"corpus.yaml: date_order must be one of {', '.join(DATE_ORDERS)}; "
                                                  f"using {settings['date_order']}")]
    settings["date_order"] = order
    return settings, []


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


def split_front_matter(raw: str, path: str) -> tuple[dict, str] | None:
    """YAML front matter between '---' lines, or None if the file has none."""
    stripped = raw.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return None
    match = re.match(r"---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", stripped, re.S)
    if not match:
        raise ArticleError(path, "front matter starts with '---' but has no closing '---' line")
    try:
        meta = safe_yaml.load(match.group(1), max_chars=MAX_FRONT_MATTER_CHARS,
                              max_values=MAX_FRONT_MATTER_VALUES) or {}
    except safe_yaml.YAMLRefused as exc:
        raise ArticleError(path, f"front matter refused: {exc}") from exc
    except safe_yaml.YAMLError as exc:
        detail = str(exc).replace("\n", " ")
        raise ArticleError(path, f"front matter is not valid YAML: {detail}") from exc
    if not isinstance(meta, dict):
        raise ArticleError(path, "front matter must be a mapping of keys to values (title: ..., outlet: ...)")
    return meta, stripped[match.end():]


# --- readers ---------------------------------------------------------------------------------------


# Byte-order marks and the encodings they announce; UTF-32's are tested first (UTF-32-LE's starts
# with UTF-16-LE's).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size:,} bytes"


def decode_text(data: bytes, path: str) -> str:
    """Bytes as text: the encoding a byte-order mark names (UTF-8, UTF-16, UTF-32), else UTF-8."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:8192]:
        raise ArticleError(path, "binary file (contains NUL bytes), not text; if it is UTF-16 text "
                                 "without a byte-order mark, re-save it as UTF-8")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        if encoding not in (None, "utf-8-sig"):
            raise ArticleError(path, f"starts with a {encoding.upper()} byte-order mark but is not valid "
                                     f"{encoding.upper()} (at byte {exc.start}); re-save the file as UTF-8") from exc
        raise ArticleError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}); re-save the file as UTF-8",
        ) from exc
    return text.lstrip("\ufeff")


def read_text_file(path: Path, max_bytes: int = MAX_ARTICLE_FILE_BYTES) -> str:
    """The file as text (UTF-8, or UTF-16/32 with a byte-order mark), or an ArticleError saying why
    not; a file larger than `max_bytes` is refused before it is read."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):  # a folder; a pipe would block the run
        raise ArticleError(str(path), "is a folder, not a file" if stat.S_ISDIR(info.st_mode) else "not a regular file")
    size = info.st_size
    if size > max_bytes:
        raise ArticleError(str(path), f"file is {_size_text(size)}, larger than the {_size_text(max_bytes)} "
                                      f"newsbook reads from one {path.suffix or 'such'} file; skipped")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # it grew since the stat
        raise ArticleError(str(path), f"file is larger than {_size_text(max_bytes)}; skipped")
    text = decode_text(data, str(path))
    if not text.strip():
        raise ArticleError(str(path), "file is empty")
    return text


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


_PUBLISHED = re.compile(r"^(?:published|updated|posted|first published|last updated|last modified)\b[:\s]*(?:on\s+)?",
                        re.I)


def _same_words(a: str, b: str) -> bool:
    words = lambda t: re.findall(r"\w+", t.casefold())  # noqa: E731
    return bool(words(a)) and words(a) == words(b)


def html_body(text: str, meta: dict) -> str:
    """The body of a page's extracted text (one paragraph per line, as trafilatura gives it) with
    a blank line between paragraphs, so they stay paragraphs, and without the header lines that sit
    above the story in the page: the headline (it is the title), the byline, and a "Published …"
    or date line, above the story or just below its standfirst. Those never merge into the first
    sentence; the standfirst stays as its own paragraph."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    kept: list[str] = []
    for number, line in enumerate(lines):
        # Header lines sit in the first few lines, above or just below a standfirst.
        if number < 6 and len(kept) < 2 and _header_line(line, meta):
            continue
        kept.append(line)
    return "\n\n".join(kept)


def _header_line(line: str, meta: dict) -> bool:
    """Is `line` the headline, a "Published …"/date line or a byline? Records what it finds in `meta`."""
    if meta.get("title") and _same_words(line, str(meta["title"])):
        return True
    dated = _PUBLISHED.sub("", line).strip()
    if _PUBLISHED.match(line) and (not dated or _looks_like_date(dated) or _try_date(dated)):
        meta.setdefault("date", dated)
        return True
    if _looks_like_date(line):
        meta.setdefault("date", line)
        return True
    name = re.sub(r"^by\s+", "", line, flags=re.I)
    words = name.replace(",", " ").split()
    # "By Tom Reyes", "By Tom Reyes and Ana Li": names only; "By then most members had left." is story.
    if name != line and 1 <= len(words) <= 10 and not name.endswith(".") \
            and all(_BYLINE_WORD.match(w) for w in words) and words[0][:1].isupper():
        meta["byline"] = meta.get("byline") or name
        return True
    return False


def _try_date(value: str) -> bool:
    try:
        date_parser.parse(value, fuzzy=False)
    except (ValueError, OverflowError):
        return False
    return True


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
    meta = {k: v for k, v in meta.items() if v}
    body = html_body(found.get("text") or "", meta)
    return [RawArticle(path.stem, body, str(path), meta)]


def _record_to_article(number: int, record: dict, path: Path, where: str) -> RawArticle:
    """The article in record `number` of a .jsonl or .csv file (`where`: "line N", for messages)."""
    record = {str(k).strip(): v for k, v in record.items()}
    lowered = {k.lower(): k for k in record}
    text_key = next((lowered[c] for c in TEXT_COLUMNS if c in lowered), None)
    source = f"{path}#{number}"
    if text_key is None:
        raise ArticleError(source, f"{where} has no text field (expected one of {', '.join(TEXT_COLUMNS)}); skipped")
    text = record.get(text_key)
    if text is not None and not isinstance(text, str):
        raise ArticleError(source, f"{where}: {text_key!r} is a {_type_name(text)}, not text; skipped")
    id_key = next((lowered[c] for c in ID_COLUMNS if c in lowered), None)
    raw_id = record.get(id_key) if id_key else None
    if isinstance(raw_id, (dict, list)):
        raise ArticleError(source, f"{where}: {id_key!r} is a {_type_name(raw_id)}, not an id; skipped")
    article_id = str(raw_id or "").strip() or f"{path.stem}-{number}"
    meta = _normalise_meta({k: v for k, v in record.items() if k not in (text_key, id_key)})
    return RawArticle(article_id, text or "", source, meta)


def _records_to_articles(records: list[tuple[int, dict, str]], path: Path) -> tuple[list[RawArticle], list[ArticleError]]:
    """Articles from (record number, record, where) triples of a .jsonl or .csv file; a bad record is
    an error of its own, the others are read."""
    articles, errors = [], []
    for number, record, where in records:
        try:
            articles.append(_record_to_article(number, record, path, where))
        except ArticleError as exc:
            errors.append(exc)
    return articles, errors


def read_jsonl(path: Path) -> tuple[list[RawArticle], list[ArticleError]]:
    raw = read_text_file(path, MAX_RECORD_FILE_BYTES)
    records, errors = [], []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_RECORD_BYTES:
            errors.append(ArticleError(f"{path}#{number}", f"line {number} is {_size_text(len(line))} long, more "
                                                           f"than the {_size_text(MAX_RECORD_BYTES)} one record may be; skipped"))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(ArticleError(f"{path}#{number}", f"line {number} is not valid JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            errors.append(ArticleError(f"{path}#{number}", f"line {number} is not a JSON object"))
            continue
        records.append((number, record, f"line {number}"))
    articles, record_errors = _records_to_articles(records, path)
    return articles, sorted(errors + record_errors, key=_record_number)


def _record_number(error: ArticleError) -> int:
    return int(error.path.rsplit("#", 1)[1])


def _type_name(value) -> str:
    return {dict: "mapping", list: "list"}.get(type(value), type(value).__name__)


def _csv_rows(raw: str, path: Path):
    """(first line number, cells) of each CSV record but empty lines; a record the csv module cannot
    read ends the file with an ArticleError naming its line."""
    reader = csv.reader(io.StringIO(raw))
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ArticleError(str(path), f"line {reader.line_num}: not readable as CSV ({exc}); "
                                          "the lines from there on are not used") from exc
        start, line = line, reader.line_num + 1
        if cells:
            yield start, cells


def _ragged(cells: list[str], width: int, where: str) -> str:
    """Why a CSV record does not fit a header of `width` columns, or "" (missing trailing cells are
    empty; extra cells are an error unless they are empty too, as spreadsheets write them)."""
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return f"{where} has {len(cells)} fields but the header has {width}; skipped"
    return ""


def read_csv_records(path: Path) -> tuple[list[RawArticle], list[ArticleError]]:
    raw = read_text_file(path, MAX_RECORD_FILE_BYTES)
    errors: list[ArticleError] = []
    with _csv_field_limit(MAX_RECORD_BYTES):
        rows = _csv_rows(raw, path)
        _, header = next(rows, (0, None))
        if header is None:
            raise ArticleError(str(path), "CSV file is empty")
        header = [cell.strip() for cell in header]
        if not any(cell.lower() in TEXT_COLUMNS for cell in header):
            raise ArticleError(str(path), f"no text column in the header (expected one of {', '.join(TEXT_COLUMNS)})")
        records = []
        try:
            for number, (line, cells) in enumerate(rows, start=1):
                where = f"record {number} (line {line})"
                problem = _ragged(cells, len(header), where)
                if problem:
                    errors.append(ArticleError(f"{path}#{number}", problem))
                    continue
                record = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}
                records.append((number, record, where))
        except ArticleError as exc:  # unreadable from some line on: the records before it are kept
            errors.append(exc)
    if not records and not errors:
        raise ArticleError(str(path), "CSV file has a header but no records")
    articles, record_errors = _records_to_articles(records, path)
    return articles, errors + record_errors


@contextmanager
def _csv_field_limit(limit: int):
    """The csv module's field size limit set to `limit` for a block (its default, 128 KB, is less
    than one long article)."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_metadata_csv(path: Path) -> tuple[dict[str, dict], list[ArticleError]]:
    """metadata.csv: an article_id column plus metadata columns. Returns ({article_id: {column: value}},
    errors): a line with more cells than the header, without an id, or repeating an id already given
    is an error naming its line and is not used; the other lines are."""
    raw = read_text_file(path, MAX_METADATA_FILE_BYTES)
    overrides: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    errors: list[ArticleError] = []
    with _csv_field_limit(MAX_RECORD_BYTES):
        rows = _csv_rows(raw, path)
        _, header = next(rows, (0, None))
        if header is None:
            raise ArticleError(str(path), "metadata.csv is empty")
        columns = [META_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in header]
        if "article_id" not in columns:
            raise ArticleError(str(path), "metadata.csv needs an article_id column")
        repeated = sorted({c for c in columns if c and columns.count(c) > 1})
        if repeated:
            errors.append(ArticleError(str(path), f"column(s) {', '.join(map(repr, repeated))} appear more than "
                                                  "once in the header; the first of each is used"))
        try:
            for line, cells in rows:
                if not any(cell.strip() for cell in cells):  # ",,," as spreadsheets export empty rows
                    continue
                values: dict[str, str] = {}
                for column, cell in zip(columns, cells):
                    if column and column not in values:
                        values[column] = cell.strip()
                article_id = values.pop("article_id", "")
                problem = _ragged(cells, len(columns), f"line {line}")
                if problem:
                    errors.append(ArticleError(str(path), problem, article_id))
                elif not article_id:
                    errors.append(ArticleError(str(path), f"line {line} has no article_id; skipped"))
                elif article_id in overrides:
                    errors.append(ArticleError(str(path), f"line {line}: article_id {article_id!r} is already given "
                                                          f"on line {first_line[article_id]}; this line is not used",
                                               article_id))
                else:
                    overrides[article_id] = values
                    first_line[article_id] = line
        except ArticleError as exc:  # unreadable from some line on: the lines before it are used
            errors.append(exc)
    return overrides, errors


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
        return read_csv_records(path)
    raise ArticleError(str(path), f"unsupported file type {suffix!r}")


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _not_read_reason(path: Path) -> str:
    """Why a file found in a corpus folder is not read as articles: "" if it is read, "-" if it is
    skipped silently (system or sidecar files), else a sentence naming the reason."""
    name = path.name.lower()
    if name in SIDECAR_NAMES or name in SYSTEM_FILE_NAMES:
        return "-"
    if path.is_symlink():
        try:
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symbolic link loop (it leads back to itself), not a file; skipped"
            if exc.errno == errno.ENOENT:
                return "a symbolic link to a file that does not exist; skipped"
            return f"cannot read it: {exc.strerror or exc}; skipped"
        if path.is_dir():
            return "a symbolic link to a folder, which is not followed (it could lead back into the corpus); skipped"
    if not path.is_file():
        return "not a regular file (a device, pipe or socket); skipped"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        kind = f"{path.suffix!r} files are" if path.suffix else "files without an extension are"
        return (f"not an article file: {kind} not read (newsbook reads {', '.join(sorted(SUPPORTED_SUFFIXES))}; "
                "save it in one of those formats); skipped")
    return ""


def scan_corpus(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The article files of a corpus folder (sorted) and the files it holds that are not read, each
    with the reason. Hidden files and folders (.DS_Store, .git), system files and the sidecars
    (metadata.csv, actors.yaml, README) are left out of both."""
    if not root.is_dir():
        return [root], []
    files, skipped = [], []
    unreadable: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        unreadable.append((Path(exc.filename), f"folder cannot be read: {exc.strerror or exc}; its files are skipped"))

    for folder, dirs, names in os.walk(root, onerror=on_error):
        base = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        links = [d for d in dirs if (base / d).is_symlink()]  # os.walk lists them but does not enter them
        for name in [*names, *links]:
            path = base / name
            if _hidden(path.relative_to(root)):
                continue
            reason = _not_read_reason(path)
            if not reason:
                files.append(path)
            elif reason != "-":
                skipped.append((path, reason))
    return sorted(files), sorted(skipped + [u for u in unreadable if u[0] != root])


def corpus_files(root: Path) -> list[Path]:
    """The article files of a corpus folder (sorted, sidecars and hidden files excluded)."""
    return scan_corpus(root)[0]


# --- assembling the table ---------------------------------------------------------------------------


def count_words(text: str) -> int:
    return len(re.findall(r"\w+(?:[’'\-.]\w+)*", text))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_row(article: RawArticle, overrides: dict | None, date_order: str = "month-first",
            warnings: list | None = None) -> dict:
    """The `articles` row of one article. A date that reads two ways is read in `date_order` and a
    warning naming both readings is appended to `warnings`."""
    meta = dict(article.meta)
    if overrides:
        meta.update({k: v for k, v in overrides.items() if str(v).strip()})
    for key in META_KEYS:
        if isinstance(meta.get(key), (dict, list)):
            raise ArticleError(article.source_path, f"{key} is a {_type_name(meta[key])}, not text; write it as "
                                                    f"plain text (e.g. {key}: ...)", article.article_id)
    if len(article.text) > 4 * MAX_ARTICLE_CHARS:  # not worth cleaning: far too long whatever markup it holds
        raise ArticleError(article.source_path, f"article text is {len(article.text):,} characters long, more than "
                                                f"the {MAX_ARTICLE_CHARS:,} newsbook annotates; skipped", article.article_id)
    text = clean_body(article.text)
    if not text:
        raise ArticleError(article.source_path, "no article text after the header", article.article_id)
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(article.source_path, f"article text is {len(text):,} characters long, more than the "
                                                f"{MAX_ARTICLE_CHARS:,} newsbook annotates; skipped", article.article_id)
    try:
        date = parse_date(meta.get("date"), date_order)
        if ambiguous_date(meta.get("date")) and warnings is not None:
            other = parse_date(meta.get("date"), "day-first" if date_order == "month-first" else "month-first")
            warnings.append(ArticleError(article.source_path, f"date {meta.get('date')!r} reads two ways ({date} or "
                                                              f"{other}); read {date} ({date_order}); set date_order "
                                                              f"in corpus.yaml to change it", article.article_id))
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
    overrides: dict[str, dict] = {}
    metadata_path = folder / "metadata.csv"
    if metadata_path.exists() and root.is_dir():
        try:
            overrides, metadata_errors = read_metadata_csv(metadata_path)
            errors += [_error_row(e) for e in metadata_errors]
        except ArticleError as exc:
            errors.append(_error_row(exc))
    settings, settings_errors = read_corpus_settings(folder)
    errors += [_error_row(e) for e in settings_errors]
    date_warnings: list[ArticleError] = []
    files, skipped = scan_corpus(root)
    errors += [_error_row(ArticleError(str(path), reason), "skipped") for path, reason in skipped]
    seen: dict[str, str] = {}
    for file in files:
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
            try:
                rows.append(_to_row(article, overrides.get(article.article_id), settings["date_order"], date_warnings))
            except ArticleError as exc:
                errors.append(_error_row(exc))
                continue
            seen[article.article_id] = article.source_path
    for err in errors:
        log.warning("skipped %s: %s", err["path"], err["reason"])
    for warning in date_warnings:
        log.warning("%s: %s", warning.path, warning.reason)
    errors += [_error_row(w, "date") for w in date_warnings]
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

"""Quotation spans in raw text: paired double marks (straight and curly), multi-paragraph runs,
stray marks, single-mark quotations, block quotations after "He wrote:", and paragraphs
(`find_quote_spans`, `QuoteSpan`). Datelines are newsbook.dateline's."""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass

from .quote_words import MAX_MARK_WARNINGS, _WORD

log = logging.getLogger("newsbook.quotes")

# --- quotation marks --------------------------------------------------------------------------

_DOUBLE_OPEN = "“„‟«"
_DOUBLE_CLOSE = "”»"
_DOUBLE_STRAIGHT = '"'
_DOUBLE_MARKS = _DOUBLE_OPEN + _DOUBLE_CLOSE + _DOUBLE_STRAIGHT
_DOUBLE_MARK_RE = re.compile("[" + "".join(re.escape(c) for c in _DOUBLE_MARKS) + "]")  # finds them fast
_OPEN_CONTEXT = "([{—–-/‘“'\"«„"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…’”'\"»"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass
class QuoteSpan:
    """A quoted stretch of text (content offsets, without the marks)."""

    start: int
    end: int
    open_mark: int = -1  # offset of the opening mark, -1 if it is missing
    close_mark: int = -1  # offset of the closing mark, -1 if missing
    marks: str = "double"  # double | single | block (a paragraph set after "X wrote:", no marks)
    continues: bool = False  # the quotation goes on in the next paragraph (newsroom convention)
    continued: bool = False  # this segment continues the previous paragraph's quotation
    problem: str = ""  # what was unbalanced, if anything


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if e > s] or [(0, len(text))]


#: A paragraph that introduces a block quotation: ends with a colon after a cue ("Trump wrote:",
#: "the ministry said in a statement:", "The post read:").
_BLOCK_INTRO = re.compile(
    r"\b(?:wrote|writes|tweeted|tweets|posted|posts|said|says|stated|states|added|adds|continued|continues|"
    r"read|reads|statement|declared|announced)\b[^.!?\"“”]{0,60}:\s*$", re.I)
_ANY_MARK = re.compile("[\"“”‘’«»„]")
_BLOCK_MAX_WORDS = 150


def block_quote_spans(text: str, spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Block quotations: a paragraph with no quotation marks of its own, set after a paragraph
    that ends in a cue and a colon ('He wrote:' / a post or letter printed below it). Scraped copy
    loses the blockquote markup; the words are still the speaker's."""
    out = []
    paragraphs = _paragraphs(text)
    for (p0, p1), (q0, q1) in zip(paragraphs, paragraphs[1:]):
        intro, body = text[p0:p1], text[q0:q1]
        if not _BLOCK_INTRO.search(intro) or _ANY_MARK.search(body):
            continue
        if any(s.start < q1 and q0 < s.end for s in spans) or len(_WORD.findall(body)) > _BLOCK_MAX_WORDS:
            continue
        start, end = _strip_span(text, q0, q1)
        if end > start:
            out.append(QuoteSpan(start, end, marks="block"))
    return out


def _opening(span: QuoteSpan) -> int:
    """Where a quotation opens: its mark, or its first character when it has none (a block)."""
    return span.open_mark if span.open_mark >= 0 else span.start


def _direction(text: str, i: int) -> str:
    """'open', 'close' or 'either' for the quotation mark at `i`."""
    c = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opens = prev.isspace() or prev in _OPEN_CONTEXT
    closes = nxt.isspace() or nxt in _CLOSE_CONTEXT
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if c in _DOUBLE_OPEN or c == "‘":
        return "open"
    if c in _DOUBLE_CLOSE or c == "’":
        return "close"
    return "either"


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


MAX_RUN_PARAGRAPHS = 4  # a quotation runs over at most this many paragraph breaks without a mark
_SENTENCE_END = re.compile(r"[.!?…:;]['’\"”)\]]*\s*$")


def _run_segments(text: str, paragraphs, first: int, last: int, open_mark: int, close_mark: int,
                  continued: bool, continues: bool) -> list[QuoteSpan]:
    """A quotation opened at `open_mark` in paragraph `first` and running to paragraph `last`
    (closed at `close_mark` there, or at its end when -1): one span per paragraph, paragraphs
    broken in mid-sentence joined."""
    pieces = []  # [start, end] per paragraph, joined across a mid-sentence break
    for i in range(first, last + 1):
        p0, p1 = paragraphs[i]
        start = open_mark + 1 if i == first else p0
        end = close_mark if (i == last and close_mark >= 0) else p1
        if pieces and not _SENTENCE_END.search(text[pieces[-1][0]:pieces[-1][1]]):
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
    out = []
    for n, (start, end) in enumerate(pieces):
        s, e = _strip_span(text, start, end)
        if e <= s:
            continue
        out.append(QuoteSpan(s, e, open_mark if n == 0 else -1,
                             close_mark if n == len(pieces) - 1 else -1,
                             continues=continues or n < len(pieces) - 1, continued=continued or n > 0))
    return out


_SPEAKER_WORDS = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|we|we're|we've|we'll|my|our|us|me|you|your)\b", re.I)


def _unclosed_run_end(text: str, paragraphs, first: int, open_mark: int) -> int:
    """The last paragraph of a quotation whose opening mark is the article's last and never closed
    ('"Tell your audience to keep the families in your prayers ...' then three short paragraphs of
    'I' and 'we' to the end): the closing mark was lost, the speaker's words run to the end. Only
    when no attribution follows the mark and every later paragraph (at most MAX_RUN_PARAGRAPHS)
    speaks in the first or second person; else `first` (the quotation ends with its paragraph)."""
    rest = paragraphs[first + 1:]
    if not rest or len(rest) > MAX_RUN_PARAGRAPHS or _ATTRIBUTION_AFTER.search(text, open_mark + 1, paragraphs[first][1]):
        return first
    if not all(_SPEAKER_WORDS.search(text[p0:p1]) and not _ATTRIBUTION_AFTER.search(text, p0, p1) for p0, p1 in rest):
        return first
    return first + len(rest)


def find_quote_spans(text: str, *, article_id: str = "") -> list[QuoteSpan]:
    """Every quoted stretch of `text`, in order. Never gives up on unbalanced marks: the stray
    mark is logged and the quotation is closed at its paragraph's edge."""
    paragraphs = _paragraphs(text)
    para_starts = [s for s, _ in paragraphs]

    def para_of(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    warned = [0]

    def warn(pos: int, what: str) -> str:
        warned[0] += 1
        if warned[0] <= MAX_MARK_WARNINGS:  # a run-on text can have thousands: the first few say it
            snippet = text[max(0, pos - 30): pos + 30].replace("\n", " ")
            log.warning("%sunbalanced quotation mark at offset %d (%s): …%s…; going on",
                        f"article {article_id}: " if article_id else "", pos, what, snippet)
        return what

    marks = [(m.start(), _direction(text, m.start())) for m in _DOUBLE_MARK_RE.finditer(text)]
    spans: list[QuoteSpan] = []
    open_pos: int | None = None
    open_continued = False

    def close_at_paragraph_end(opos: int, problem: str = "", continues: bool = False) -> None:
        p_end = paragraphs[para_of(opos)][1]
        if problem:
            # A stray opening mark: the quotation most likely ends where its attribution starts
            # ('"We will rebuild it, the mayor said.').
            m = _ATTRIBUTION_AFTER.search(text, opos + 1, p_end)
            if m:
                p_end = m.start()
        s, e = _strip_span(text, opos + 1, p_end)
        if e > s:
            spans.append(QuoteSpan(s, e, opos, -1, continues=continues, continued=open_continued,
                                   problem=problem))

    def orphan_close(pos: int) -> None:
        para_start = paragraphs[para_of(pos)][0]
        begin = para_start
        if spans and spans[-1].end <= pos and para_of(spans[-1].start) == para_of(pos):
            begin = max(begin, (spans[-1].close_mark if spans[-1].close_mark >= 0 else spans[-1].end) + 1)
        s, e = _strip_span(text, begin, pos)
        problem = warn(pos, "closing mark without an opening one; quote taken from the paragraph start")
        if e > s:
            spans.append(QuoteSpan(s, e, -1, pos, problem=problem))

    for pos, d in marks:
        if open_pos is None:
            if d == "close":
                orphan_close(pos)
            else:
                open_pos, open_continued = pos, False
            continue
        opara, para = para_of(open_pos), para_of(pos)
        at_para_start = text[paragraphs[para][0]:pos].strip() == ""
        if para == opara:
            if d == "open":
                problem = warn(open_pos, "opening mark never closed; quote taken to the next mark")
                s, e = _strip_span(text, open_pos + 1, pos)
                if e > s:
                    spans.append(QuoteSpan(s, e, open_pos, -1, continued=open_continued, problem=problem))
                open_pos, open_continued = pos, False
            else:
                s, e = _strip_span(text, open_pos + 1, pos)
                if e > s:
                    spans.append(QuoteSpan(s, e, open_pos, pos, continued=open_continued))
                open_pos, open_continued = None, False
        elif para - opara <= MAX_RUN_PARAGRAPHS and d != "close" and at_para_start \
                and not _ATTRIBUTION_AFTER.search(text, open_pos + 1, paragraphs[para - 1][1]):
            # The newsroom convention: a quotation running on into the next paragraph, the
            # paragraphs between it and its reopening mark included (unless the attribution
            # follows: then the closing mark is missing).
            spans.extend(_run_segments(text, paragraphs, opara, para - 1, open_pos, -1, open_continued, True))
            open_pos, open_continued = pos, True
        elif para - opara <= MAX_RUN_PARAGRAPHS and d != "open" and not at_para_start and (
                para == opara + 1 or not (
                    _ATTRIBUTION_AFTER.search(text, open_pos + 1, paragraphs[opara][1])
                    or (d == "either" and _DOUBLE_MARK_RE.search(text, pos + 1, paragraphs[para][1])))):
            # One quotation over paragraph breaks with no marks between: a paragraph per sentence
            # (scraped or rebuilt copy) gives one row per paragraph, as the newsroom convention
            # does; a break in the middle of a sentence keeps the quote whole.
            spans.extend(_run_segments(text, paragraphs, opara, para, open_pos, pos, open_continued, False))
            open_pos, open_continued = None, False
        else:
            close_at_paragraph_end(open_pos, warn(open_pos, "opening mark never closed; quote taken to "
                                                  "the end of its paragraph"))
            open_pos, open_continued = None, False
            if d == "close":
                orphan_close(pos)
            else:
                open_pos = pos
    if open_pos is not None:
        last = _unclosed_run_end(text, paragraphs, para_of(open_pos), open_pos)
        if last > para_of(open_pos):
            warn(open_pos, "opening mark never closed; the article ends in the speaker's words")
            spans.extend(_run_segments(text, paragraphs, para_of(open_pos), last, open_pos, -1, open_continued, False))
        else:
            close_at_paragraph_end(open_pos, warn(open_pos, "opening mark never closed; quote taken to the "
                                                  "end of its paragraph"))
    if warned[0] > MAX_MARK_WARNINGS:
        log.warning("%s%d more unbalanced quotation marks not shown", f"article {article_id}: " if article_id else "",
                    warned[0] - MAX_MARK_WARNINGS)
    singles = _single_quote_spans(text, spans, paragraphs)
    # British style nests double marks in single ones ('He called it "routine", she said.'): a
    # double-quoted stretch inside a single-quoted quotation is part of it
    # (the first paragraph of a quotation running on has no closing mark: it is nested only when
    # it opens inside the single-quoted stretch)
    spans = [d for d in spans if not any(s.open_mark < d.open_mark and d.close_mark < s.close_mark
                                         and d.open_mark >= 0 and s.close_mark >= 0
                                         and (d.close_mark >= 0 or not d.continues or d.open_mark < s.close_mark)
                                         for s in singles)]
    spans.extend(singles)
    spans.sort(key=lambda s: s.start)
    return spans


_CUE_WORDS = (r"(?:said|says|told|tells|added|adds|warned|warns|stated|insisted|explained|noted|wrote|asked"
              r"|replied|argued|claimed|declared|announced|continued)")
_ATTRIBUTION_AFTER = re.compile(
    r"[,?!]\s+(?:(?:he|she|they|it|we|I)\s+" + _CUE_WORDS + r"\b"
    r"|" + _CUE_WORDS + r"\s+(?:the\s+|a\s+)?[A-Za-z]"
    r"|(?:the\s+|a\s+|an\s+)?(?:[A-Z][\w.'’\-]*\s+|[a-z]+\s+){1,5}" + _CUE_WORDS + r"\b)")

_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–\-“\"]))[‘'](?=[\w\"“])")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?\"”])[’'](?=[\s.,;:!?)\]—–\-\"”]|$)")


def _single_quote_spans(text: str, doubles: list[QuoteSpan], paragraphs) -> list[QuoteSpan]:
    """‘single-quoted’ stretches outside double-quoted text (British style, headlines)."""
    covered = [(s.open_mark if s.open_mark >= 0 else s.start, (s.close_mark if s.close_mark >= 0 else s.end) + 1)
               for s in doubles]

    def inside_double(pos: int) -> bool:
        return any(a <= pos < b for a, b in covered)

    out = []
    continued_from = -1  # start of the paragraph whose opening mark continues a quotation
    for n, (p_start, p_end) in enumerate(paragraphs):
        para = text[p_start:p_end]
        closes = [m.start() + p_start for m in _SINGLE_CLOSE.finditer(para)]
        used_until = p_start
        for m in _SINGLE_OPEN.finditer(para):
            o = m.start() + p_start
            if o < used_until or inside_double(o):
                continue
            if not any(c > o + 1 and not inside_double(c) for c in closes):
                # The newsroom convention with single marks: no closing mark at the end of the
                # paragraph, an opening one at the start of the next.
                nxt = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else -1
                if nxt >= 0 and _SINGLE_OPEN.match(text, nxt) and not inside_double(nxt):
                    s, e = _strip_span(text, o + 1, p_end)
                    out.append(QuoteSpan(s, e, o, -1, marks="single", continues=True,
                                         continued=o == continued_from))
                    continued_from = nxt
                    used_until = p_end
                continue
            for c in closes:
                if c <= o + 1:
                    continue
                # "the players' union": a plural possessive, not a closing mark.
                after = text[c + 1: c + 3]
                if text[c - 1] == "s" and re.match(r" [a-z]", after) and text[o] == "'":
                    continue
                if inside_double(c):
                    break
                words = len(_WORD.findall(text[o + 1: c]))
                if 1 <= words <= 80:
                    s, e = _strip_span(text, o + 1, c)
                    out.append(QuoteSpan(s, e, o, c, marks="single", continued=o == continued_from))
                    used_until = c + 1
                break
    return out

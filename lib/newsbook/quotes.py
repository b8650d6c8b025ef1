"""Quotes: direct and reported speech in an article, attributed to an actor.

Owns: finding quotations (straight and curly marks, partial, colon-introduced, multi-sentence,
split by attribution), reported speech, speaker attribution and cue verbs, and voice share.

How it works
------------
1. **Quotation marks** are paired on the raw text, not on tokens. Curly marks carry their
   direction; straight marks get theirs from context (space before = opening, space or
   punctuation after = closing); where the context is clear it wins over the glyph, so a mix of
   straight and curly marks (``"... ”``) still pairs. The newsroom convention for quotations
   running over several paragraphs (no closing mark at the end of a paragraph, a new opening
   mark at the start of the next) gives one quote row per paragraph, all with the same speaker.
   An odd number of marks does not stop the extraction: the stray mark is named in a log warning
   (logger ``newsbook.quotes``) and the quotation is taken to run to the end of its paragraph
   (stray opening mark) or from the start of its paragraph (stray closing mark). Single marks
   (‘…’, '…') are read as quotation marks only outside double-quoted text, where an opening mark
   starts a word and a closing mark ends one (so apostrophes are not quotes); they follow the same
   paragraph convention, and double marks nested in a single-quoted quotation stay inside it.
   A wire **dateline** opening a paragraph (``WASHINGTON (Reuters) -``, ``LONDON —``) is neither a
   speaker nor part of a reported clause.
2. **Not quotes**: titles of programmes, works, campaigns and slogans (``the “This Week”
   programme``, ``a book titled “…”``, a short Title-Case phrase that no cue verb governs) and
   **scare quotes**. A scare quote is a short quoted phrase (at most three words) with no reporting
   verb governing it or standing next to it, in a sentence with no reported speech and not
   continuing a speaker from the sentence before in its paragraph, or any phrase marked
   ``so-called``. Scare quotes are dropped — except when the article quoted somebody using those
   very words earlier: then the phrase is an echo of that speaker's words and is kept, attributed
   to them, with an empty cue. A quotation inside the speaker's own name (``Residents of the "safe
   zone" say``) is not their speech. **Terms**: a short capitalised noun phrase with no verb that a
   determiner or a preposition introduces (``declined to comment on the "Frankfurt consensus"``,
   ``the "Swift effect"``) is a name, whatever verb of saying stands nearby; a short phrase after a
   determiner or possessive (``the company's "voluntary" scheme``) is a scare quote unless a cue
   verb governs it.
3. **Attribution.** For each quotation, in this order: a reporting verb that governs the quote in
   the dependency parse (``said``, ``told``, ``described … as``, ``warned that``); the reporting
   verb nearest to the quote in the sentences it sits in (``"…," he said, "…"``); the clause before
   a colon (``Putin continued:``, ``As the newspaper reported last week:``; with no verb the cue is
   ``:`` and the speaker the owner of an utterance noun, ``The reaction from X was brief:``, or the
   actor named there); a bare attribution sentence right after the quote (``"…?" one mother
   asked.``); the speaker of the sentence before in the same paragraph, or of the end of the
   previous paragraph (a quote that continues the speaker's paragraph). The speaker is the verb's subject
   (or the agent of a passive, the object of ``according to``, the subject of the clause a
   ``saying``-participle hangs on). Pronouns (``he``, ``she``) go to the most recent sentence
   naming a person, preferring its subject (so ``X told Y that …. He said`` is X); ``it`` goes to
   organisations and places. A role phrase (``the Russian president``) goes to the person earlier
   introduced with that title; a definite description with no name (``the company``, ``the club``,
   ``the 23-year-old Italian``) to the latest organisation or person, ``the report`` to the
   report named with its issuer before. Joint subjects are joined (``Germany and France``); an
   unnamed source keeps what identifies it (``people familiar with the matter``); a full name the
   model missed or took for a work or place is a person when it speaks or carries a title. A
   document (``a statement issued by A and B``, ``B's report``) is attributed to its issuer(s).
   The speaker's name is the `actor` of the mention covering the speaker's words (the actors
   table), else a name from the parser's entities, else the words themselves (``US intelligence
   agencies``).
4. **Reported speech** (``kind=indirect``): a verb of saying with a complement clause (``X said
   (that) …``, ``X told Y that …``, ``…, X said.``, ``Moscow, he said, had …``, ``As X noted, …``,
   ``X was quoted as saying …``) and ``according to X, …``; also indirect questions (``asked
   whether/why …``) and what a study or report finds or shows. Verbs of thinking (believe, think,
   expect) are not speech. A clause separated from the verb by a quotation (``The opposition was
   less kind: "…," Merz wrote``) is no report of it; a date or medium right after the verb
   (``said on Friday it would``) belongs to the saying; a second reporting act (``… and praised``,
   ``…, warning that``) ends the clause; a participle going on with the reported event (``…,
   beating expectations``) belongs to it. Emitted when a speaker is found, or for an impersonal
   ``it was reported / said that …`` (empty speaker); not when at least 80% of the clause is a
   direct quote already (``warned that "…"``). A clause with a partial quote in it gives both rows.
5. The **cue** is the verb's lemma (``say``, ``tell``, ``warn``, ``point out``), ``according to``, or
   ``:`` for a colon with no verb; a quote continuing an earlier speaker inherits that cue.
6. **Medium and speaker** (issue 14): what the words came through (``said on Twitter``, ``in a
   statement``, ``told a press conference``, ``The proclamation said``) is the `medium` column; the
   speaker is who spoke through it (an issuer-less document speaks for the actor the story opens
   with, ``their filing`` for the pronoun's antecedent, a platform never speaks). Counting words
   are no speaker (``one of his aides`` -> ``an aide to X``; ``Three said`` names nobody), plural
   polls/documents with no issuer are no voice, ``X quoted Y as saying`` is Y's. He/she agree in
   gender with the antecedent (given names in rules/). Short **labels** after call/brand/dub/
   ``refer to ... as`` are the subject's words; a paragraph without marks after ``He wrote:`` is a
   **block quotation**. Groups (``House Democrats``, ``the protesters``) speak like anyone else.
7. Across outlets, `quote_relation` says whether two renderings are the same, one shortened or
   reworded, and what was left out; `voice_share` counts a partial quote inside a reported clause
   once; `apply_quote_corrections` applies the researcher's quotes.yaml.

Word lists live in lib/newsbook/rules/*.txt (`newsbook.rules.words`).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from . import rules

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Span, Token

from .nlp import doc_cache, doc_ents, doc_text, doc_tokens, empty_table, sentence_columns, table_from_rows, token_flags

log = logging.getLogger("newsbook.quotes")

# --- vocabulary -------------------------------------------------------------------------------

#: Verbs that introduce speech, direct or reported.
SPEECH_VERBS = rules.words("speech_verbs")
#: Verbs that characterise a quoted phrase rather than introduce speech; they count as cue only
#: when the parse makes the quote their complement ("described the plan as 'X'").
CHARACTERISING_VERBS = rules.words("characterising_verbs")
#: Verbs that are cues only right next to the quotation or before a colon ("he continued:").
ADJACENT_ONLY_VERBS = frozenset("continue begin go put start finish conclude read".split())
#: Plain verbs of saying: a clause governed by one of them is that verb's report, not its parent's.
_SAY_VERBS = frozenset("say tell report write claim state announce add".split())
#: Impersonal passives that report speech without naming anyone ("it was reported that ...").
IMPERSONAL_VERBS = frozenset("say report claim allege rumour rumor announce confirm".split())
#: Verbs whose complement clause is reported speech.
INDIRECT_VERBS = SPEECH_VERBS - {"ask", "shout", "scream", "yell", "whisper", "mutter", "murmur",
                                 "cry", "joke", "quip", "exclaim", "estimate", "recall"}

PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
THING_PRONOUNS = {"it"}
PLURAL_PRONOUNS = {"they", "them"}
RELATIVE_PRONOUNS = {"that", "which", "who", "whom"}
FIRST_PERSON = {"i", "we", "me", "us"}

#: Head nouns of documents and publications that "say" something on behalf of an issuer.
DOCUMENT_NOUNS = rules.words("document_nouns")
_TITLE_ABBREVIATIONS = frozenset(line.split(" = ")[0].rstrip(".") for line in rules.words("title_abbreviations"))
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4}
_ISSUING_VERBS = frozenset("write pen send issue release post publish sign draft".split())
#: Verbs by which research reports a result, when a study or a report is their subject.
EVIDENCE_VERBS = frozenset("find show conclude suggest indicate reveal estimate demonstrate".split())
# Every lemma speech_events can take as a cue (a cheap first test for each token).
_EVENT_LEMMAS = INDIRECT_VERBS | {"ask"} | EVIDENCE_VERBS


def _is_event_lemma(lemma: str) -> bool:
    return lemma.lower() in _EVENT_LEMMAS


def _is_according(lower: str) -> bool:
    return lower == "according"


def _is_propn(pos: str) -> bool:
    return pos == "PROPN"
RESEARCH_NOUNS = rules.words("research_nouns")
#: What a speaker does besides saying, in a participle after the report ("citing ...").
SPEAKER_ACTS = rules.words("speaker_acts")
#: Nouns for what somebody said ("The reaction from the ministry was brief: ...").
UTTERANCE_NOUNS = rules.words("utterance_nouns")
#: Channels a statement is made in ("said in an interview", "told a press conference").
MEDIUM_NOUNS = rules.words("medium_nouns")
#: Platforms a statement is posted on ("said on Twitter"): a medium, never the speaker.
PLATFORMS = rules.words("platforms")
#: Counting words that pick out members of a group ("one of his aides"): never a name.
QUANTIFIERS = rules.words("quantifiers")
#: Prepositions that put a medium on a cue ("said in a statement", "wrote on Twitter").
_MEDIUM_PREPS = frozenset("in on via through during".split())
#: Nouns whose that-clause is their own content, not the speaker's ("denied reports that ...").
CONTENT_NOUNS = rules.words("content_nouns")

#: Nouns that title a person ("the president", "the minister").
ROLE_NOUNS = rules.words("role_nouns")
#: Nouns after (or before) a quoted Title-Case phrase that make it a title, not a quote.
TITLE_NOUNS = rules.words("title_nouns")
TITLE_CUE_WORDS = {"titled", "entitled", "headlined", "dubbed", "named", "nicknamed", "called",
                   "slogan", "motto", "hashtag", "headline", "banner", "label", "labelled", "labeled",
                   "branded", "billed", "trademarked"}
STRONG_TITLE_CUE_WORDS = {"titled", "entitled", "headlined", "slogan", "motto", "hashtag", "nicknamed",
                          "trademarked"}
_ORG_WORDS = rules.words("org_words")

#: Heads of definite descriptions that stand for an organisation named before ("the company").
ORG_NOUNS = rules.words("org_nouns")
TEAM_NOUNS = frozenset("club team side".split())
#: Heads of definite descriptions that stand for a person named before ("the striker").
PERSON_NOUNS = rules.words("person_nouns")

#: Forms of address before a name ("Dr Lars Holm").
TITLE_WORDS = frozenset("mr mrs ms miss dr prof professor sir dame lord lady rev father sister".split())
_ROLE_OR_TITLE_WORDS = ROLE_NOUNS | TITLE_WORDS

def _label_patterns() -> tuple[re.Pattern, ...]:
    """Patterns for the text before a quoted label: a label verb (rules/label_verbs.txt; "as" after
    the verb where the list says so), then at most 80 characters with no quotation mark or clause
    break, ending right before the opening mark."""
    plain, with_as = [], []
    for entry in sorted(rules.words("label_verbs")):
        verb, _, marker = entry.partition(" ")
        form = (verb[:-1] if verb.endswith("e") else verb) + r"\w*"
        (with_as if marker == "as" else plain).append(form)
    gap = r"[^\"“”‘’.;:!?]{0,80}?"
    return (re.compile(rf"\b((?:{'|'.join(plain)}))\b{gap}\s$", re.I),
            re.compile(rf"\b((?:{'|'.join(with_as)}))\b{gap}\bas\s$", re.I))


_LABEL_PATTERNS = _label_patterns()
_SCARE_MAX_WORDS = 3
# How far (in tokens) from a quotation its cue verb is looked for, and how far a cue can be and
# still stand "right next to" it (at most four words plus punctuation in between): far beyond any
# real sentence, they only bound the work on a run-on text with thousands of quotation marks.
CUE_WINDOW = 200
ADJACENT_SPAN = 40
MAX_MARK_WARNINGS = 5  # unbalanced quotation marks logged one by one per article
_TERM_MAX_WORDS = 6
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")

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


# A wire dateline opening a paragraph ("WASHINGTON (Reuters) - ", "LONDON, Feb 4 (Reuters) - ",
# "SACRAMENTO, Calif. (AP) — ", "KABUL — ", "Washington (CNN) — "). It is no part of the story's
# sentences: the parser makes the place a second subject ("LONDON — Arteta insisted ...") and it
# would otherwise open the first reported clause.
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'’\-]+[A-Z](?:[ /][A-Z][A-Z.'’\-]*){0,3}"  # a place in capitals (3+ letters)
    r"(?:,\s*[A-Z][A-Za-z.]{1,12}(?:\s+\d{1,2})?){0,2}"  # ", Calif.", ", Feb 4"
    r"\s*(?:\([A-Za-z][^()\n]{0,30}\))?\s*(?:[-—–]{1,2}|:)"  # "(Reuters) -"
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}(?:,\s*[A-Z][A-Za-z.]{1,12}(?:\s+\d{1,2})?){0,2}"
    r"\s*\([A-Za-z][^()\n]{0,30}\)\s*[-—–]{1,2})"  # a Title-case place needs its agency
    r"[ \t]+(?=\S)")


def dateline_end(text: str, start: int = 0) -> int:
    """End offset of the dateline opening the paragraph at `start`, or `start` if there is none."""
    m = _DATELINE.match(text, start)
    return m.end() if m else start


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
        close_at_paragraph_end(open_pos, warn(open_pos, "opening mark never closed; quote taken to the "
                                              "end of its paragraph"))
    if warned[0] > MAX_MARK_WARNINGS:
        log.warning("%s%d more unbalanced quotation marks not shown", f"article {article_id}: " if article_id else "",
                    warned[0] - MAX_MARK_WARNINGS)
    singles = _single_quote_spans(text, spans, paragraphs)
    # British style nests double marks in single ones ('He called it "routine", she said.'): a
    # double-quoted stretch inside a single-quoted quotation is part of it
    spans = [d for d in spans if not any(s.open_mark < d.open_mark and d.close_mark < s.close_mark
                                         and d.open_mark >= 0 and s.close_mark >= 0 for s in singles)]
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


# --- actors: mentions, entities and names -----------------------------------------------------


@dataclass
class _Ref:
    """Something a speaker can be: a mention of an actor (from the mentions table or an entity)."""

    start: int
    end: int
    actor: str
    kind: str  # person | organization | place
    tokens: tuple[int, int]  # token range [i, j)
    subject: bool = False
    sent: int = 0


@functools.lru_cache(maxsize=65536)
def _actor_gender(name: str) -> str:
    """'f' / 'm' when a full name's given name says so (rules/given_names_*.txt), else ''."""
    from .actors import given_name_gender

    words = name.split()
    return given_name_gender(words[0]) if len(words) >= 2 else ""


_KIND_OF_LABEL = {"PERSON": "person", "ORG": "organization", "NORP": "organization", "GPE": "place",
                  "LOC": "place", "FAC": "place", "WORK_OF_ART": "organization"}


@functools.lru_cache(maxsize=65536)  # pure, and the same names come back for every speaker
def _clean_name(name: str) -> str:
    name = re.sub(r"[’']s?$", "", name.strip())
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"\s*\([^)]*\)?\s*$", "", name)  # "Department of Justice (DoJ"
    return name.strip(" ,.;:")


def _entity_kinds(doc: Doc) -> list[tuple[Span, str, str]]:
    """(entity, speaker kind, cleaned name) of the entities that can speak, once per Doc."""
    cached = doc_cache(doc).get("newsbook_quote_entities")
    if cached is None:
        cached = []
        for ent in doc_ents(doc):
            kind = _KIND_OF_LABEL.get(ent.label_)
            if kind is None:
                continue
            if kind == "organization" and ent.label_ == "ORG" and _looks_like_person(ent):
                kind = "person"
            cached.append((ent, kind, _clean_name(ent.text)))
        doc_cache(doc)["newsbook_quote_entities"] = cached
    return cached


def _looks_like_person(span) -> bool:
    """A name the model labelled ORG that reads as a person's name ("Jean-Claude Juncker")."""
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 4:
        return False
    if any(t.lower_ in _ORG_WORDS or not (t.text[:1].isupper()) for t in words):
        return False
    head = span.root
    near = [head.head] + list(head.children)
    return head.dep_ == "appos" or any(t.lemma_.lower() in ROLE_NOUNS for t in near)


class _Actors:
    """Mentions of actors in one article: from the actors table when it has any, else from the
    parser's entities with a small article-local canonicalisation (surname -> full name)."""

    def __init__(self, doc: Doc, mentions: list[tuple] | None, in_quote: list[bool],
                 dateline: list[bool] | None = None):
        self.doc = doc
        self.refs: list[_Ref] = []
        self.from_table = bool(mentions)
        self._surnames: dict[str, str] = {}
        self._persons_full: list[str] = []
        ents = _entity_kinds(doc)
        for ent, kind, name in ents:
            if kind == "person":
                parts = name.split()
                if len(parts) >= 2:
                    self._persons_full.append(name)
                    self._surnames.setdefault(parts[-1].lower(), name)
                    if len(name) > len(self._surnames[parts[-1].lower()]):
                        self._surnames[parts[-1].lower()] = name
        self.entity_refs = [self._ref_from_span(ent.start_char, ent.end_char, self._ent_name(name, kind), kind,
                                                tokens=(ent.start, ent.end))
                            for ent, kind, name in ents]
        self.entity_refs = [r for r in self.entity_refs if r is not None]
        # Surnames the model labelled as something else ("Trump" as ORG): persons too.
        for ref in self.entity_refs:
            if ref.kind != "person":
                last = ref.actor.split()[-1].lower() if ref.actor else ""
                if last in self._surnames and len(ref.actor.split()) == 1:
                    ref.kind, ref.actor = "person", self._surnames[last]
                elif self._surnames:
                    # "Vesti TV Putin": an entity ending in a known person's surname.
                    toks = self.doc[ref.tokens[0]:ref.tokens[1]]
                    if len(toks) > 1 and toks[-1].lower_ in self._surnames and toks[-1].pos_ == "PROPN":
                        i = toks[-1].i
                        ref.start, ref.end, ref.tokens = toks[-1].idx, toks[-1].idx + len(toks[-1]), (i, i + 1)
                        ref.kind, ref.actor = "person", self._surnames[toks[-1].lower_]
        if self.from_table:
            for start, end, actor, kind in mentions:
                ref = self._ref_from_span(int(start), int(end), str(actor), str(kind))
                if ref is not None:
                    self.refs.append(ref)
            # What the table missed, from the parser's entities, named after the table's persons
            # where a surname matches.
            table_surnames = {}
            for r in self.refs:
                if r.kind == "person" and len(r.actor.split()) >= 2:
                    table_surnames.setdefault(r.actor.split()[-1].lower(), r.actor)
            # token indices the refs cover (a ref's token range is never empty): a set, because
            # testing each entity against every ref's range was quadratic
            covered = {k for r in self.refs for k in range(*r.tokens)}
            for r in self.entity_refs:
                if not covered.isdisjoint(range(*r.tokens)):
                    continue
                last = r.actor.split()[-1].lower() if r.actor.split() else ""
                if last in table_surnames and (r.kind == "person" or len(r.actor.split()) == 1):
                    r = _Ref(r.start, r.end, table_surnames[last], "person", r.tokens, r.subject, r.sent)
                self.refs.append(r)
                covered.update(range(*r.tokens))
            self._surnames.update(table_surnames)
        else:
            self.refs = list(self.entity_refs)
        dateline = dateline or [False] * len(doc)
        self._promote_missed_persons(in_quote, dateline)
        # A known person's surname the parser did not tag ("Bianchi disagreed.").
        covered = {k for r in self.refs for k in range(*r.tokens)}
        tokens = doc_tokens(doc)
        for tok in _propn_tokens(doc):
            if tok.lower_ in self._surnames and not in_quote[tok.i] \
                    and tok.i not in covered \
                    and not (tok.i + 1 < len(tokens) and tokens[tok.i + 1].pos_ == "PROPN"):
                ref = self._ref_from_span(tok.idx, tok.idx + len(tok), self._surnames[tok.lower_], "person")
                if ref is not None:
                    self.refs.append(ref)
        # Words in quotes are nobody's mention as a speaker; nor is a dateline's place.
        self.refs = [r for r in self.refs if not in_quote[r.tokens[0]] and not dateline[r.tokens[0]]]
        self.entity_refs = [r for r in self.entity_refs if not dateline[r.tokens[0]]]
        self.refs.sort(key=lambda r: r.start)
        self._starts = [r.start for r in self.refs]

    def _promote_missed_persons(self, in_quote: list[bool], dateline: list[bool]) -> None:
        """Full names (2-4 capitalised words) the model missed or took for something else, when
        the text shows a person: the name says something ("Tedros Adhanom Ghebreyesus told",
        tagged a work of art; "Elon Musk said", untagged), or stands in apposition to a title
        ("the Conservative leader, Kemi Badenoch", tagged a place). An organisation or a place
        that merely speaks ("South Korea said") stays what it is."""
        for head, span in _name_chains(self.doc):
            if in_quote[head.i] or dateline[span[0]]:
                continue
            labels = {t.ent_type_ for t in self.doc[span[0]:span[1]]}
            speaks = head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in SPEECH_VERBS
            titled = _titled(head)
            if not (titled or (speaks and labels <= {"", "WORK_OF_ART", "PRODUCT", "LAW", "EVENT", "FAC"})):
                continue
            overlapping = [r for r in self.refs if r.tokens[0] < span[1] and span[0] < r.tokens[1]]
            if any(r.kind == "person" for r in overlapping) or "ORG" in labels:
                continue
            name = self.doc[span[0]:span[1]].text
            ref = self._ref_from_span(self.doc[span[0]].idx, head.idx + len(head), name, "person")
            if ref is None:
                continue
            self.refs = [r for r in self.refs if r not in overlapping] + [ref]
            self.entity_refs = [r for r in self.entity_refs
                                if not (r.tokens[0] < span[1] and span[0] < r.tokens[1])] + [ref]
            self._surnames[head.lower_] = name
            # the surname alone, elsewhere taken for a place or a work, is this person too
            for r in self.refs + self.entity_refs:
                if r.kind != "person" and self.doc[r.tokens[0]:r.tokens[1]].text == head.text:
                    r.kind, r.actor = "person", name

    def _ent_name(self, name: str, kind: str) -> str:
        """The speaker name for an entity's cleaned text: a person's surname gives the full name."""
        if kind == "person":
            last = name.split()[-1].lower() if name else ""
            return self._surnames.get(last, name)
        return name

    def _ref_from_span(self, start: int, end: int, actor: str, kind: str,
                       tokens: tuple[int, int] | None = None) -> _Ref | None:
        where = _span_facts(self.doc, start, end, tokens)
        if where is None:
            return None
        tokens, subject, sent = where
        return _Ref(start, end, actor, kind, tokens, subject, sent)

    def covering(self, start: int, end: int, *, kinds=None, prefer: Token | None = None) -> _Ref | None:
        """The mention (or entity) overlapping [start, end): the one holding the head `prefer`, else
        a person in apposition to it ("the club's chairman, Jonas Berg"), else a person that is not
        a possessor ("Lee's deputy"), else any person, else the first."""
        found = []
        for pool in (self.refs, self.entity_refs):
            hits = [r for r in pool if r.start < end and r.end > start and (kinds is None or r.kind in kinds)]
            if hits:
                found = hits
                break
        if not found:
            return None
        if prefer is None:
            persons = [r for r in found if r.kind == "person"]
            return (persons or found)[0]
        for r in found:
            if r.tokens[0] <= prefer.i < r.tokens[1]:
                return r
        doc = self.doc
        appos = {t.i for c in prefer.children if c.dep_ == "appos" for t in c.subtree}
        poss = {t.i for c in prefer.children if c.dep_ == "poss" for t in c.subtree}

        def rank(r: _Ref) -> tuple:
            toks = set(range(*r.tokens))
            return (r.kind != "person", not (toks & appos), bool(toks & poss), r.start)

        best = min(found, key=rank)
        if best.kind == "person" and set(range(*best.tokens)) & poss and not doc[prefer.i].pos_ == "PROPN":
            return None  # "Lee's deputy" is not Lee
        return best

    def name_of_surname(self, word: str) -> str | None:
        for r in self.refs:
            if r.kind == "person" and r.actor.split() and r.actor.split()[-1].lower() == word.lower():
                return r.actor
        return self._surnames.get(word.lower())


def _name_chain(head: Token) -> tuple[int, int] | None:
    """Token range of a person-like name ending at `head`: 2-4 capitalised proper nouns joined
    as compounds, no organisation or title words."""
    if head.pos_ != "PROPN" or head.dep_ in ("compound", "flat"):
        return None
    parts = [c for c in head.lefts if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN"]
    if not parts:
        return None
    start = parts[0].i
    tokens = doc_tokens(head.doc)
    while start < head.i and tokens[start].lower_ in _ROLE_OR_TITLE_WORDS:
        start += 1
    words = tokens[start:head.i + 1]
    if not 2 <= len(words) <= 4 or any(w.pos_ != "PROPN" for w in words):
        return None
    if any(not w.text[:1].isupper() or w.text.isupper() or w.lower_ in _ORG_WORDS for w in words):
        return None
    return start, head.i + 1


def _span_facts(doc: Doc, start: int, end: int,
                tokens: tuple[int, int] | None = None) -> tuple[tuple[int, int], bool, int] | None:
    """(token range, is a subject, sentence index) of the characters [start, end), or None if they
    cover no token. `tokens`: the token range, when the caller knows it (an entity's characters
    cover exactly its tokens), which spares aligning the characters. Memoised per Doc: each speaker
    pass asks again for the same mentions."""
    memo = doc_cache(doc).setdefault("newsbook_quote_span_facts", {})
    key = (start, end)
    if key not in memo:
        if tokens is None:
            span = doc.char_span(start, end, alignment_mode="expand")
            tokens = (span.start, span.end) if span is not None else (0, 0)
        i, j = tokens
        if j <= i:
            memo[key] = None
        else:
            words = doc_tokens(doc)
            subject = any(_is_subjectish(words[k]) for k in range(i, j))
            memo[key] = ((i, j), subject, _sent_index(doc, i))
    return memo[key]


def _propn_tokens(doc: Doc) -> list[Token]:
    """The proper nouns of the Doc, in order."""
    tokens = doc_tokens(doc)
    return [tokens[i] for i, propn in enumerate(token_flags(doc, "POS", _is_propn)) if propn]


def _name_chains(doc: Doc) -> list[tuple[Token, tuple[int, int]]]:
    """(head, token range) of every name chain in the Doc, once per Doc (asked per speaker pass)."""
    chains = doc_cache(doc).get("newsbook_name_chains")
    if chains is None:
        chains = [(head, span) for head in _propn_tokens(doc) for span in [_name_chain(head)] if span is not None]
        doc_cache(doc)["newsbook_name_chains"] = chains
    return chains


def _titled(head: Token) -> bool:
    """The name stands in apposition to a title ("the Conservative leader, Kemi Badenoch") or
    follows one ("Prime Minister X")."""
    if head.dep_ == "appos" and head.head.lemma_.lower() in ROLE_NOUNS:
        return True
    return any(c.dep_ == "compound" and c.lemma_.lower() in ROLE_NOUNS for c in head.lefts)


def _is_subjectish(tok: Token) -> bool:
    """The token is (part of) a clause subject: nsubj itself, or its name in apposition/compound."""
    for _ in range(3):
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return True
        if tok.dep_ in ("compound", "appos", "flat", "poss") and tok.head.i != tok.i:
            if tok.dep_ == "poss":
                return False
            tok = tok.head
            continue
        return False
    return False


def _trimmed_right_edge(tok: Token) -> int:
    """Right edge of `tok`'s phrase without relative clauses, participles and appositions."""
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis"):
            break
        right = max(right, _trimmed_right_edge(c))
    return right


def _sent_starts(doc: Doc) -> list[int]:
    """The first token index of every sentence, once per Doc."""
    starts = doc_cache(doc).get("newsbook_quote_sent_starts")
    if starts is None:
        starts = [s.start for s in doc.sents]
        doc_cache(doc)["newsbook_quote_sent_starts"] = starts
    return starts


def _sent_index(doc: Doc, token_i: int) -> int:
    return max(0, bisect.bisect_right(_sent_starts(doc), token_i) - 1)


# --- speakers ---------------------------------------------------------------------------------


@dataclass
class Attribution:
    speaker: str = ""
    speaker_text: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    cue: str = ""
    how: str = ""  # syntax | nearby | colon | label | context | echo | according
    cue_token: int = -1
    kind: str = ""  # person | organization | place | "" — of the speaker, when known
    medium: str = ""  # what the words came through: Twitter, statement, letter, interview ...

    @property
    def found(self) -> bool:
        return bool(self.speaker)


def medium_of(cue: Token) -> str:
    """The medium a cue verb names: a platform ('said on Twitter', 'wrote on X', 'speaking via
    Twitter', 'tweeted' itself) or a document or channel noun ('said in a statement', 'told a press
    conference', 'in a video message') - the noun's lemma, a platform as written; '' if none."""
    if cue.lemma_.lower() == "tweet":
        return "Twitter"
    heads = [cue] + [h for h in (cue.head,) if h.i != cue.i and cue.dep_ in ("advcl", "xcomp", "conj")]
    for verb in heads:
        for c in verb.children:
            objs = []
            if c.dep_ == "prep" and c.lower_ in _MEDIUM_PREPS:
                objs = [p for p in c.children if p.dep_ == "pobj"]
            elif c.dep_ in ("dative", "dobj") and verb.lemma_.lower() == "tell":
                objs = [c]  # "told a press conference"
            for o in objs:
                words = [o] + [k for k in o.children if k.dep_ == "compound"]
                for w in words:
                    if w.lower_ in PLATFORMS and w.pos_ == "PROPN":
                        return w.text
                lemma = o.lemma_.lower()
                if lemma in DOCUMENT_NOUNS or lemma in MEDIUM_NOUNS:
                    compound = " ".join(k.lower_ for k in o.children if k.dep_ == "compound" and k.pos_ == "NOUN")
                    return f"{compound} {lemma}".strip()
    return ""


def _cue_lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    if lemma == "accord" and tok.lower_ == "according":
        return "according to"
    if lemma == "point" and any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children):
        return "point out"
    if lemma == "go" and any(c.dep_ == "prt" and c.lower_ == "on" for c in tok.children):
        return "go on"
    return lemma


def _marked(clause: Token, word: str) -> bool:
    """The clause is introduced by `word` ("that", "whether")."""
    return any(m.dep_ == "mark" and m.lower_ == word for m in clause.children)


def _is_verbish(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)


class _Speakers:
    """Finds the speaker of a cue and names it as an actor."""

    def __init__(self, doc: Doc, actors: _Actors, in_quote: list[bool], dateline: list[bool] | None = None):
        self.doc = doc
        self.actors = actors
        self.in_quote = in_quote
        self.dateline = dateline or [False] * len(doc)
        self._pronoun_cache: dict[int, _Ref | None] = {}

    # the speaker token of a cue verb
    def speaker_token(self, cue: Token) -> Token | None:
        doc = self.doc
        if cue.lower_ == "according":
            for to in cue.children:
                if to.lower_ == "to":
                    for p in to.children:
                        if p.dep_ == "pobj":
                            return p
            if cue.i + 2 < len(doc) and doc[cue.i + 1].lower_ == "to":
                return doc[cue.i + 2]
            return None
        tok = cue
        for _ in range(4):
            if tok.i != cue.i and tok.dep_ == "ccomp" and self._is_speech_verb(tok.head):
                # "The bank said its profit rose, citing ...": the participle belongs to the saying
                tok = tok.head
            subj = None
            quoted = next((c for c in tok.children if c.dep_ == "dobj"), None) if tok.lemma_ == "quote" else None
            if quoted is not None and quoted.pos_ in ("PROPN", "NOUN", "PRON"):
                # "The paper quoted Ben Carter as saying "A" and "B"": the one quoted speaks
                return quoted
            if tok.lemma_ == "quote" and _is_passive(tok):
                subj = self._subject(tok, ("nsubjpass",))
            elif _is_passive(tok):
                agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                if agent is not None:
                    subj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                if subj is None:
                    return None  # "it was reported that ...": nobody named
            else:
                subj = self._subject(tok, ("nsubj", "csubj"))
            if subj is not None and any(t.lower_ == "according" for t in doc[max(0, subj.left_edge.i - 6):subj.i]):
                # "According to agency X, the prosecutor, Y, said": the parser took X for the
                # subject; the name before ", said" is who spoke (the agency reported it)
                named = self._name_before_comma(tok)
                if named is not None:
                    return named
            if subj is not None:
                if subj.dep_ == "expl" or subj.lower_ in ("there",):
                    return None
                if subj.lower_ in RELATIVE_PRONOUNS and tok.dep_ in ("relcl", "acl"):
                    return tok.head
                return subj
            if tok.dep_ in ("acl",) and tok.head.pos_ in ("NOUN", "PROPN"):
                # "a statement saying that ...": the document speaks (not "the storm, dubbed
                # '...'": a passive participle names no speaker)
                return tok.head if tok.tag_ == "VBG" else None
            if tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "relcl") and tok.head.i != tok.i:
                tok = tok.head
                if tok.dep_ == "prep" and tok.head.i != tok.i:  # "was quoted as saying"
                    tok = tok.head
                    if tok.lemma_ == "quote" and not _is_passive(tok):
                        # "The paper quoted the sheriff as saying": the one quoted speaks
                        quoted = next((c for c in tok.children if c.dep_ == "dobj"), None)
                        if quoted is not None:
                            return quoted
                continue
            break
        # The parser missed the subject ("In an interview with Vesti TV Putin said"): a name
        # right before the verb.
        j = cue.i - 1
        while j >= 0 and doc[j].dep_ in ("advmod", "aux", "neg") and doc[j].pos_ in ("ADV", "AUX", "PART"):
            j -= 1
        if j >= 0 and doc[j].pos_ == "PROPN" and not self.in_quote[j] and not self.dateline[j]:
            return doc[j]
        return self._name_before_comma(cue)

    def _name_before_comma(self, cue: Token) -> Token | None:
        """'..., the president of the league, Jamel Msallem, said': the parser hung the name on
        an earlier noun; the person right before the comma before the verb is the speaker."""
        doc = self.doc
        j = cue.i - 1
        while j >= 0 and doc[j].dep_ in ("advmod", "aux", "neg") and doc[j].pos_ in ("ADV", "AUX", "PART"):
            j -= 1
        if j >= 1 and doc[j].text == "," and doc[j - 1].pos_ == "PROPN" and not self.in_quote[j - 1] \
                and self.actors.covering(doc[j - 1].idx, doc[j - 1].idx + len(doc[j - 1]), kinds={"person"}):
            return doc[j - 1]
        return None

    def _subject(self, verb: Token, deps: tuple[str, ...]) -> Token | None:
        """The verb's subject. A dateline's place is none ("LONDON — Arteta insisted": the parser
        gives two subjects, or hangs the real one on the place as an apposition). Of two subjects
        left the name wins over a common noun ("said co-author Dr Lars Holm" parsed with "co"
        and "Holm" as subjects), else the one nearest the verb."""
        cands = []
        for c in verb.children:
            if c.dep_ not in deps:
                continue
            if self.dateline[c.i]:
                c = next((t for t in c.subtree if not self.dateline[t.i] and self.dateline[t.head.i]
                          and t.dep_ in ("appos", "compound", "conj", "npadvmod", "dep")
                          and t.pos_ in ("NOUN", "PROPN", "PRON")), None)
                if c is None:
                    continue
            cands.append(c)
        if len(cands) <= 1:
            return cands[0] if cands else None
        return min(cands, key=lambda c: (c.pos_ != "PROPN", abs(c.i - verb.i)))

    def _is_speech_verb(self, tok: Token) -> bool:
        return _is_verbish(tok) and tok.lemma_.lower() in SPEECH_VERBS and not self.in_quote[tok.i]

    def noun_phrase(self, tok: Token) -> tuple[int, int]:
        """Token range [i, j) of the phrase naming the speaker (head with its left modifiers,
        compound names, an 'of' phrase and an apposition)."""
        left = tok.i
        for c in tok.lefts:
            if c.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod", "quantmod", "case"):
                left = min(left, c.left_edge.i)
        right = tok.i
        # a capitalised common noun the tagger took for a name ("Lawyers for the government")
        common = tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and not tok.ent_type_)
        for c in tok.rights:
            if c.dep_ in ("compound", "flat", "case"):
                right = max(right, c.right_edge.i)
            elif c.dep_ == "prep" and c.lower_ in ("of", "for", "at", "from", "with") and common:
                right = max(right, _trimmed_right_edge(c))
            elif common and c.i == right + 1 and tok.lemma_.lower() not in DOCUMENT_NOUNS \
                    and (c.dep_ == "amod" or (c.dep_ == "acl" and c.tag_ in ("VBN", "VBD")
                                              and not any(k.dep_ == "nsubj" for k in c.children))):
                # what identifies an unnamed source: "people familiar with the matter",
                # "economists polled by Reuters", "a senior official involved in the talks"
                right = max(right, c.right_edge.i)
            elif c.dep_ == "appos" and all(t.is_punct for t in doc_tokens(self.doc)[right + 1:c.left_edge.i]):
                # only an apposition next to the name: one hung on it across the verb ("the office
                # said on Wednesday, the longest slump ...") is no part of it
                right = max(right, c.right_edge.i)
        while right > left and self.doc[right].is_punct:
            right -= 1
        while left < right and (self.doc[left].is_punct or self.dateline[left]):
            left += 1
        return left, right + 1

    def name(self, tok: Token | None) -> Attribution:
        """Attribution (speaker fields only) for a speaker token; joint speakers ("Germany and
        France said") are joined with " and ", as a document's issuers are."""
        att = self._name_one(tok)
        if tok is None or not att.found or not any(c.dep_ == "cc" and c.lower_ == "and" for c in tok.children):
            return att
        names, last = [att.speaker], tok
        for c in tok.children:
            if c.dep_ == "conj":
                sub = self._name_one(c)
                if not sub.found:
                    return att
                names.append(sub.speaker)
                last = c
        if len(names) > 1:
            att.speaker = " and ".join(dict.fromkeys(names))
            end = last.idx + len(last)
            if att.speaker_start >= 0 and end > att.speaker_end:
                att.speaker_end = end
                att.speaker_text = doc_text(self.doc)[att.speaker_start:end]
        return att

    def _name_one(self, tok: Token | None) -> Attribution:
        if tok is None:
            return Attribution()
        doc = self.doc
        low = tok.lower_
        if low in PERSON_PRONOUNS or low in THING_PRONOUNS or low in PLURAL_PRONOUNS:
            ref = self.resolve_pronoun(tok)
            att = Attribution(speaker_text=tok.text, speaker_start=tok.idx, speaker_end=tok.idx + len(tok))
            if ref is not None:
                att.speaker, att.kind = ref.actor, ref.kind
            return att
        if low in FIRST_PERSON or low == "you":
            # (an interviewer's "you said" names nobody the article has named)
            return Attribution()
        if low in QUANTIFIERS or tok.like_num:
            return self._member_of(tok)
        i, j = self.noun_phrase(tok)
        span = doc[i:j]
        start, end = span.start_char, span.end_char
        att = Attribution(speaker_text=doc_text(doc)[start:end], speaker_start=start, speaker_end=end)
        if low in PLATFORMS and tok.pos_ == "PROPN":
            # "Twitter" as a speaker is where the words were posted: the poster is the person
            # the story was about just before
            ref = self._earlier_subject(tok, {"person"})
            att.medium = tok.text
            if ref is not None:
                att.speaker, att.kind = ref.actor, ref.kind
            return att
        # A document speaks for its issuer(s): "a joint statement issued by A and B", "A's report".
        if tok.lemma_.lower() in DOCUMENT_NOUNS:
            att.medium = tok.lemma_.lower()
            issuers = self._issuers(tok)
            earlier = self._earlier_document(tok) if not issuers else None
            if earlier is not None:
                # "The report said": the report named with its issuer before
                sub = self.name(earlier)
                att.speaker, att.kind = sub.speaker, sub.kind
                return att
            if not issuers and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
                # "The proclamation said" with no issuer named: the one who issued it is the actor
                # the story opens with ("President X declared a national emergency")
                ref = self._lede_subject()
                if ref is not None:
                    att.speaker, att.kind = ref.actor, ref.kind
                    return att
            if issuers:
                names, kinds = [], []
                for itok in issuers:
                    if itok.lower_ in ("their", "its", "his", "her"):  # "their filing"
                        ref = self._earlier_subject(itok, {"person", "organization"})
                        sub = Attribution(ref.actor if ref else "", kind=ref.kind if ref else "")
                    else:
                        sub = self._name_one(itok)  # (conjuncts are issuers of their own)
                    if sub.speaker and sub.speaker not in names:
                        names.append(sub.speaker)
                        kinds.append(sub.kind)
                if names:
                    att.speaker = " and ".join(names)
                    att.kind = kinds[0] if len(set(kinds)) == 1 else "organization"
                    i2 = min([i] + [t.left_edge.i for t in issuers])
                    j2 = max([j] + [t.right_edge.i + 1 for t in issuers])
                    att.speaker_start, att.speaker_end = doc[i2].idx, doc[j2 - 1].idx + len(doc[j2 - 1])
                    att.speaker_text = doc_text(doc)[att.speaker_start:att.speaker_end]
                    return att
        if tok.tag_ == "NNS" and tok.lemma_.lower() in DOCUMENT_NOUNS | RESEARCH_NOUNS and not self._issuers(tok):
            # "Recent polls show", "Documents show": evidence nobody in particular issued, no voice
            att.medium = tok.lemma_.lower()
            return att
        # A person in apposition names the speaker, even when the parser hung the apposition on a
        # nested noun ("the chairman of the European Commission, Jean-Claude Juncker, warned").
        if tok.pos_ == "NOUN":
            for t in tok.subtree:
                if t.dep_ == "appos" and not any(a.dep_ in ("relcl", "acl") for a in t.ancestors
                                                 if a.i in range(tok.i, t.i)):
                    named = self.actors.covering(t.idx, t.idx + len(t), kinds={"person"})
                    if named is not None:
                        return Attribution(named.actor, doc_text(doc)[named.start:named.end], named.start, named.end,
                                           kind="person")
        if tok.ent_type_ == "NORP" and tok.tag_ not in ("NNPS", "NNS") and not tok.lower_.endswith("s"):
            # "said the 23-year-old Italian": a nationality as a noun is a person described
            ref = self._definite_antecedent(tok, span)
            if ref is not None:
                att.speaker, att.kind = ref.actor, ref.kind
                return att
        after = self._name_after_title(span)
        if after is not None:
            return Attribution(after.actor, doc_text(doc)[after.start:after.end], after.start, after.end,
                               kind="person")
        ref = self.actors.covering(start, end, prefer=tok)
        # A person named in the phrase wins over an organisation the person belongs to
        # ("the chairman of the European Commission, Jean-Claude Juncker"); an organisation or
        # place that only modifies a common noun is not the speaker ("US intelligence agencies").
        if ref is not None and ref.kind != "person" and not (ref.tokens[0] <= tok.i < ref.tokens[1]) \
                and not (tok.pos_ == "PROPN" and tok.ent_type_):
            ref = None  # (a capitalised common noun, "The Russian defence Ministry", is no name)
        if ref is not None:
            att.speaker, att.kind = ref.actor, ref.kind
            if ref.kind == "person" and ref.tokens[0] >= i and ref.tokens[1] <= j:
                att.speaker_text = doc_text(doc)[ref.start:ref.end]
                att.speaker_start, att.speaker_end = ref.start, ref.end
            return att
        if tok.pos_ == "PROPN":
            full = self.actors.name_of_surname(tok.text)
            if full:
                att.speaker, att.kind = full, "person"
                return att
        if tok.lemma_.lower() in ROLE_NOUNS:
            # "President of Ukraine Volodymyr Zelenskyy said": the name ends the title's of-phrase
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        named = self.actors.covering(p.idx, p.idx + len(p), kinds={"person"}) \
                            if p.dep_ == "pobj" and p.pos_ == "PROPN" else None
                        if named is not None:
                            return Attribution(named.actor, doc_text(doc)[named.start:named.end], named.start,
                                               named.end, kind="person")
        if tok.lemma_.lower() in ROLE_NOUNS or any(t.lemma_.lower() in ROLE_NOUNS for t in span):
            ref = self._role_person(tok)
            if ref is not None:
                att.speaker, att.kind = ref.actor, ref.kind
                return att
        people = self._counted_people(tok, span)
        if people:
            att.speaker, att.kind = " and ".join(people), "person"
            return att
        ref = self._definite_antecedent(tok, span)
        if ref is not None:
            att.speaker, att.kind = ref.actor, ref.kind
            return att
        # An unnamed source: the phrase itself ("US intelligence agencies", "a spokesman").
        att.speaker = _clean_name(re.sub(r"^(?:a|an|the|The|A|An)\s+", "", att.speaker_text))
        return att

    def _counted_people(self, tok: Token, span) -> list[str]:
        """'the two men said', 'the three ministers said': the last two (three) people the article
        named in the sentences before, in the order named."""
        n = next((_COUNT_WORDS[t.lower_] for t in span if t.dep_ == "nummod" and t.lower_ in _COUNT_WORDS), 0)
        head = tok.lemma_.lower()
        if not n or tok.tag_ != "NNS" or not (head in PERSON_NOUNS or head in ROLE_NOUNS or head in ("men", "women")):
            return []
        if not any(t.lower_ == "the" for t in span):
            return []
        sent_i = _sent_index(self.doc, tok.i)
        names: list[str] = []
        for back in range(0, 4):
            si = sent_i - back
            if si < 0:
                break
            refs = self._refs_in_sentence(si, {"person"}, before=tok.i if back == 0 else None)
            for r in reversed(refs):
                if r.actor not in names:
                    names.insert(0, r.actor)
            if len(names) >= n:
                break
        return names[-n:] if len(names) >= n else []

    def _name_after_title(self, span) -> _Ref | None:
        """'according to Troy police Lt. Gerry Scherlinck': the parser ends the phrase at the
        abbreviated title; the person named right after it is the speaker."""
        last = span[-1]
        word = last.lower_.rstrip(".")
        if word not in _TITLE_ABBREVIATIONS and last.lemma_.lower() not in ROLE_NOUNS:
            return None
        text = doc_text(self.doc)
        gap_end = span.end_char
        while gap_end < len(text) and text[gap_end] in ". \t":
            gap_end += 1
        if gap_end - span.end_char > 3:
            return None
        return self.actors.covering(gap_end, gap_end + 1, kinds={"person"})

    def _definite_antecedent(self, tok: Token, span) -> _Ref | None:
        """A definite description with no name in it stands for whom the article has just been
        about: 'the company' / 'the club' for the latest organisation (one with the noun in its
        name first: 'the bank' -> 'Bank of England'), 'the 23-year-old Italian' / 'the striker'
        for the latest person."""
        if not any(t.lower_ == "the" and t.dep_ == "det" for t in span):
            return None
        if any(t.pos_ == "PROPN" and t.ent_type_ not in ("", "NORP", "DATE") for t in span):
            return None
        head = tok.lemma_.lower()
        # (not institutions: "the transport ministry said" is a new source, not the company before)
        if head in ORG_NOUNS:
            kinds = {"organization", "place"} if head in TEAM_NOUNS else {"organization"}
            return self._latest(tok, kinds, head) or self._main_organisation(tok)
        aged = re.search(r"\d+-year-old", span.text)
        if aged or tok.ent_type_ == "NORP" or head in PERSON_NOUNS:
            return self._latest(tok, {"person"}, "")
        return None

    def _latest(self, tok: Token, kinds: set[str], word: str) -> _Ref | None:
        """The latest mention of one of `kinds` before `tok` (within five sentences): one whose
        name holds `word` first, else the subject of the nearest sentence with a candidate."""
        sent_i = _sent_index(self.doc, tok.i)
        found: list[_Ref] = []
        for back in range(0, 5):
            si = sent_i - back
            if si < 0:
                break
            found += [r for r in self._refs_in_sentence(si, kinds, before=tok.i if back == 0 else None)
                      if not (r.tokens[0] <= tok.i < r.tokens[1]) and not self._addressee(r)]
        if not found:
            return None
        named = [r for r in found if word and word in r.actor.lower().split()]
        if named:
            return max(named, key=lambda r: r.start)
        nearest = max(r.sent for r in found)
        near = [r for r in found if r.sent == nearest]
        return ([r for r in near if r.subject] or near)[0]

    def _main_organisation(self, tok: Token) -> _Ref | None:
        """'the company' far from any organisation (copy with a paragraph per sentence): the
        organisation the article has named most often before it (the latest on a tie), never
        counting where it was only the one spoken to."""
        counts: Counter = Counter()
        latest: dict[str, _Ref] = {}
        for r in self.actors.refs:
            if r.start >= tok.idx:
                break
            if r.kind == "organization" and not self._addressee(r):
                counts[r.actor] += 1
                latest[r.actor] = r
        if not counts:
            return None
        actor = max(counts, key=lambda a: (counts[a], latest[a].start))
        return latest[actor]

    def _addressee(self, ref: _Ref) -> bool:
        """The one spoken to ('told The Associated Press', 'said to Reuters'): the next 'the
        company said' is not the news agency."""
        head = self.doc[ref.tokens[1] - 1]
        if head.dep_ in ("dobj", "dative") and head.head.lemma_.lower() in SPEECH_VERBS:
            return True
        return head.dep_ == "pobj" and head.head.lower_ == "to" and head.head.head.lemma_.lower() in SPEECH_VERBS

    def _member_of(self, tok: Token) -> Attribution:
        """'one of his aides' -> 'an aide to <him>', 'one of the protesters' -> 'protester': an
        unnamed source is a role, not the counting word; a bare 'Two said' names nobody."""
        doc = self.doc
        group = next((p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                      for p in c.children if p.dep_ == "pobj"), None)
        start = tok.idx
        if group is None:
            return Attribution(speaker_text=tok.text, speaker_start=start, speaker_end=start + len(tok))
        end = group.idx + len(group)
        att = Attribution(speaker_text=doc_text(doc)[start:end], speaker_start=start, speaker_end=end)
        role = group.lemma_.lower() if group.pos_ == "NOUN" else group.text
        owner_tok = next((c for c in group.children if c.dep_ == "poss"), None)
        owner = ""
        if owner_tok is not None:
            if owner_tok.lower_ in ("his", "her", "their", "its"):
                ref = self._earlier_subject(owner_tok, {"person", "organization"})
                owner = ref.actor if ref is not None else ""
            else:
                owner = self._name_one(owner_tok).speaker
        if group.pos_ == "PROPN" or group.ent_type_ in ("ORG", "NORP"):
            ref = self.actors.covering(group.idx, end)
            att.speaker = ref.actor if ref is not None else group.text  # "one of the Democrats"
            att.kind = ref.kind if ref is not None else ""
            return att
        if owner:
            article = "an" if role[:1] in "aeiou" else "a"
            att.speaker = f"{article} {role} to {owner}"
        else:
            att.speaker = role
        return att

    def _earlier_subject(self, tok: Token, kinds: set[str]) -> _Ref | None:
        """The latest actor of `kinds` before `tok`, a subject preferred, looking back up to eight
        sentences (the antecedent of 'their filing', the poster of a tweet)."""
        sent_i = _sent_index(self.doc, tok.i)
        for back in range(0, 8):
            si = sent_i - back
            if si < 0:
                break
            cands = self._refs_in_sentence(si, kinds, before=tok.i if back == 0 else None)
            if cands:
                subjects = [r for r in cands if r.subject]
                return (subjects or cands)[-1] if back == 0 else (subjects[0] if subjects else cands[-1])
        return None

    def _lede_subject(self) -> _Ref | None:
        """The actor the story opens with: the first subject person or organisation of its first
        three sentences."""
        n = len(_sent_starts(self.doc))
        for si in range(min(3, n)):
            subjects = [r for r in self._refs_in_sentence(si, {"person", "organization"}, None) if r.subject]
            if subjects:
                return subjects[0]
        return None

    def _earlier_document(self, tok: Token) -> Token | None:
        """For 'the report' with no issuer of its own: the same kind of document mentioned
        before with one ('a report by the International Energy Agency')."""
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            return None
        for t in reversed(doc_tokens(self.doc)[:tok.i]):
            if t.lemma_.lower() == tok.lemma_.lower() and not self.in_quote[t.i] and self._issuers(t):
                return t
        return None

    def _issuers(self, tok: Token) -> list[Token]:
        out: list[Token] = []
        for c in tok.children:
            if c.dep_ == "poss":
                out.append(c)
            if c.dep_ == "acl":  # "issued by", "signed by", "released by", "sent from X's account"
                for a in c.children:
                    if a.dep_ == "agent" or (a.dep_ == "prep" and a.lower_ in ("by", "from")):
                        out += [p for p in a.children if p.dep_ == "pobj"]
            if c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
                out += [p for p in c.children if p.dep_ == "pobj" and (p.pos_ == "PROPN" or c.lower_ != "of")]
        if tok.dep_ == "dobj" and tok.head.lemma_.lower() in _ISSUING_VERBS:
            # "Gray's principal wrote a letter ...": the one who wrote it
            out += [c for c in tok.head.children if c.dep_ == "nsubj"]
        # "X's account" / "X's office" issues what X issues
        out = [next((k for k in t.children if k.dep_ == "poss"), t) if t.lemma_.lower() in ("account", "office", "feed")
               else t for t in out]
        expanded = []
        for t in out:
            expanded.append(t)
            expanded += [c for c in t.children if c.dep_ == "conj"]
        return expanded

    def _role_person(self, tok: Token) -> _Ref | None:
        """The person earlier introduced with the title `tok` ("Russian President Vladimir Putin"
        ... "the Russian president"): the title's head noun must match; each matching modifier
        ("Russian") counts; among equals the most recent wins."""
        role = tok.lemma_.lower()
        mods = {c.lower_ for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod") and c.lower_ != role}
        best, best_key = None, None
        for ref in self.actors.refs + self.actors.entity_refs:
            if ref.kind != "person" or ref.start >= tok.idx or ref.tokens[0] <= tok.i < ref.tokens[1]:
                continue
            first = self.doc[ref.tokens[0]]
            window = [t for t in self.doc[max(0, ref.tokens[0] - 5): ref.tokens[1]]]
            context = {t.lemma_.lower() for t in window} | {t.lower_ for t in window}
            root = self.doc[ref.tokens[1] - 1]
            for t in (first.head, root.head):
                if t.i != first.i and t.i != root.i:
                    context |= {t.lemma_.lower()} | {c.lower_ for c in t.lefts}
            for c in root.children:
                if c.dep_ == "appos":
                    context |= {w.lemma_.lower() for w in c.subtree}
            if role not in context:
                continue
            key = (len(mods & context), ref.start)
            if best_key is None or key > best_key:
                best, best_key = ref, key
        return best

    def resolve_pronoun(self, tok: Token) -> _Ref | None:
        if tok.i in self._pronoun_cache:
            return self._pronoun_cache[tok.i]
        self._pronoun_cache[tok.i] = None  # guards against cycles
        low = tok.lower_
        kinds = {"person"} if low in PERSON_PRONOUNS else (
            {"organization", "place"} if low in THING_PRONOUNS else {"organization", "person", "place", "group"})
        doc = self.doc
        sent_i = _sent_index(doc, tok.i)
        result = None
        for back in range(0, 8):
            si = sent_i - back
            if si < 0:
                break
            cands = [r for r in self._refs_in_sentence(si, kinds, before=tok.i if back == 0 else None)]
            if low in PERSON_PRONOUNS:  # 'she' after two women and a man: gender agrees
                cands = [r for r in cands if _actor_gender(r.actor) in {PERSON_PRONOUNS[low], ""}]
            if not cands:
                continue
            subjects = [r for r in cands if r.subject]
            if back == 0:
                # '"...," he added' after 'He said X is ...': the subject of the saying, not the
                # subject inside what was said
                speaking = [r for r in subjects if self._subject_of_saying(r)]
                result = (speaking or subjects or cands)[-1]
            elif tok.head.lemma_.lower() in SPEECH_VERBS and any(self._subject_of_saying(r) for r in subjects):
                # '"...," Pickell said. ..., he said.': one who speaks goes on speaking, not the
                # subject of what he said
                result = [r for r in subjects if self._subject_of_saying(r)][-1]
            else:
                result = subjects[0] if subjects else cands[-1]
            break
        self._pronoun_cache[tok.i] = result
        return result

    def _subject_of_saying(self, ref: _Ref) -> bool:
        head = self.doc[ref.tokens[1] - 1].head
        return head.lemma_.lower() in SPEECH_VERBS and _is_verbish(head)

    def _refs_in_sentence(self, si: int, kinds: set[str], before: int | None) -> list[_Ref]:
        doc = self.doc
        sent_starts = _sent_starts(doc)
        s_start = sent_starts[si]
        s_end = sent_starts[si + 1] if si + 1 < len(sent_starts) else len(doc)
        if before is not None:
            s_end = min(s_end, before)
        out = []
        lo = bisect.bisect_left(self.actors._starts, doc[s_start].idx) if s_start < len(doc) else 0
        for r in self.actors.refs[lo:]:
            if r.tokens[0] >= s_end:
                break
            if r.kind in kinds:
                out.append(r)
        # Earlier pronouns stand for their own antecedents ("He said ... . 'X,' he said").
        if "person" in kinds:
            for t in doc_tokens(doc)[s_start:s_end]:
                if t.lower_ in ("he", "she") and not self.in_quote[t.i] and t.dep_ in ("nsubj", "nsubjpass"):
                    ref = self.resolve_pronoun(t)
                    if ref is not None:
                        out.append(_Ref(t.idx, t.idx + len(t), ref.actor, ref.kind, (t.i, t.i + 1), True, si))
            out.sort(key=lambda r: r.start)
        return out


# --- the extraction ---------------------------------------------------------------------------


@dataclass
class _Quote:
    span: QuoteSpan
    tokens: tuple[int, int]
    sents: tuple[int, int]  # first and last sentence index
    att: Attribution = field(default_factory=Attribution)
    keep: bool = True
    reason: str = ""


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        i = bisect.bisect_right([t.idx for t in doc], start) - 1
        return max(i, 0), max(i, 0) + 1
    return span.start, span.end


def _title_case(words: list[str]) -> bool:
    if not words or not words[0][:1].isupper():
        return False
    long = [w for w in words if len(w) > 3 or w[:1].isupper()]
    return all(w[:1].isupper() or w[:1].isdigit() for w in long)


class _Extractor:
    def __init__(self, doc: Doc, mentions: list[tuple], article_id: str):
        self.doc = doc
        self.text = doc_text(doc)
        self.article_id = article_id
        self._mentions = mentions
        self.spans = find_quote_spans(self.text, article_id=article_id)
        self.spans = sorted(self.spans + block_quote_spans(self.text, self.spans), key=lambda s: s.start)
        self.in_quote = [False] * len(doc)
        self._mark_quotes(self.spans)
        self.sent_starts = _sent_starts(doc)
        self.sents = list(doc.sents)
        self.paragraphs = _paragraphs(self.text)
        self._para_starts = [s for s, _ in self.paragraphs]
        self.dateline = self._dateline_mask()
        self._make_speakers()
        self.sentence_speech: dict[int, Attribution] = {}

    def _make_speakers(self) -> None:
        # _Actors depends only on the doc, the mentions and the quote mask, and nothing changes it once
        # built: when run() re-marks the quotes without unmarking a title, the one we have still holds.
        if self.in_quote != getattr(self, "_actors_quote_mask", None):
            self.actors = _Actors(self.doc, self._mentions, self.in_quote, dateline=self.dateline)
            self._actors_quote_mask = list(self.in_quote)
        self.speakers = _Speakers(self.doc, self.actors, self.in_quote, dateline=self.dateline)

    def _dateline_mask(self) -> list[bool]:
        """Tokens of the datelines opening paragraphs ("WASHINGTON (Reuters) - ")."""
        mask = [False] * len(self.doc)
        for p_start, _ in self.paragraphs:
            end = dateline_end(self.text, p_start)
            if end > p_start:
                i, j = _token_range(self.doc, p_start, end)
                for k in range(i, min(j, len(mask))):
                    mask[k] = self.doc[k].idx < end
        return mask

    def _mark_quotes(self, spans: list[QuoteSpan]) -> None:
        self.in_quote = [False] * len(self.doc)
        for s in spans:
            a = s.open_mark if s.open_mark >= 0 else s.start
            b = (s.close_mark + 1) if s.close_mark >= 0 else s.end
            i, j = _token_range(self.doc, a, b)
            for k in range(i, j):
                self.in_quote[k] = True

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, pos) - 1)

    # -- titles -----------------------------------------------------------------------------
    def is_title(self, q: _Quote) -> bool:
        doc, text = self.doc, self.text
        content = text[q.span.start:q.span.end]
        words = _WORD.findall(content)
        if not words or len(words) > 12 or re.search(r"[.!?,;:]$", content.strip()):
            return False
        i, j = q.tokens
        before = [t for t in doc_tokens(doc)[max(0, i - 4):i] if not t.is_punct]
        after = [t for t in doc_tokens(doc)[j:j + 3] if not t.is_punct]
        prev = before[-1] if before else None
        title_case = _title_case(words)
        if any(t.lower_ in ("headline", "headlined", "banner", "slogan", "motto", "hashtag", "caption")
               for t in before[-3:]):
            return True
        if prev is not None:
            if prev.lower_ in STRONG_TITLE_CUE_WORDS or prev.lemma_.lower() in STRONG_TITLE_CUE_WORDS:
                return True
            if (prev.lower_ in TITLE_CUE_WORDS or (prev.lower_ == "as" and len(before) > 1
                                                    and before[-2].lower_ == "known")) and title_case:
                return True
            if prev.lemma_.lower() in TITLE_NOUNS and title_case:
                return True
        if after and after[0].lemma_.lower() in TITLE_NOUNS and title_case:
            return True
        return False

    # -- cue finding ------------------------------------------------------------------------
    def _quote_sentences(self, q: _Quote) -> range:
        return range(q.sents[0], q.sents[1] + 1)

    def _sent_bounds(self, si: int) -> tuple[int, int]:
        s = self.sent_starts[si]
        e = self.sent_starts[si + 1] if si + 1 < len(self.sent_starts) else len(self.doc)
        return s, e

    def _is_cue(self, tok: Token, *, adjacent: bool = False, governing: bool = False) -> bool:
        if self.in_quote[tok.i]:
            return False
        if tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
            return True
        if not _is_verbish(tok):
            return False
        lemma = tok.lemma_.lower()
        if lemma in SPEECH_VERBS:
            return True
        if governing and lemma in CHARACTERISING_VERBS:
            return True
        if adjacent and lemma in ADJACENT_ONLY_VERBS:
            return True
        return False

    def _governing_cue(self, q: _Quote) -> Token | None:
        """A cue verb that governs the quotation in the parse (walking up from the quote's
        attachment points, outside the quote)."""
        i, j = q.tokens
        best = None
        for t in doc_tokens(self.doc)[i:j]:
            h = t
            for depth in range(7):
                if h.head.i == h.i:
                    break
                below, h = h, h.head
                if i <= h.i < j:
                    break  # attached inside the quote
                if h.dep_ in ("nsubj", "nsubjpass", "agent", "poss"):
                    break  # the quote is part of a speaker's name ('Residents of the "safe zone" say')
                if self._is_cue(h, governing=True) and self._characterises(h, below):
                    if best is None or depth < best[0]:
                        best = (depth, h)
                    break
                if h.dep_ in ("ROOT",):
                    break
        return best[1] if best else None

    def _characterises(self, verb: Token, below: Token) -> bool:
        """A characterising verb ("call", "describe") governs a quote only as its complement: not
        through a coordinated verb ('officers were called ... and found "extensive damage"') and
        not as a passive without an agent (there it rarely means speech)."""
        if verb.lemma_.lower() in SPEECH_VERBS:
            return True
        if below.dep_ == "conj":
            return False
        return not (_is_passive(verb) and not any(c.dep_ == "agent" for c in verb.children))

    def _nearby_cue(self, q: _Quote) -> Token | None:
        """The cue verb nearest to the quotation in its sentences, outside any quote."""
        i, j = q.tokens
        s0, _ = self._sent_bounds(q.sents[0])
        _, s1 = self._sent_bounds(q.sents[1])
        # A cue further than CUE_WINDOW tokens from the quote is never the nearest one in a real
        # sentence; the bound keeps a run-on "sentence" of thousands of quotes linear, not quadratic.
        s0, s1 = max(s0, i - CUE_WINDOW), min(s1, j + CUE_WINDOW)
        best = None
        for t in doc_tokens(self.doc)[s0:s1]:
            if i <= t.i < j or self.in_quote[t.i]:
                continue
            adjacent = self._adjacent(t, q)
            if not self._is_cue(t, adjacent=adjacent):
                continue
            if any(c.dep_ in ("nsubj", "nsubjpass", "agent", "csubj") and c.left_edge.i <= i and c.right_edge.i >= j - 1
                   for c in t.children):
                continue  # the quote sits in the cue's subject
            # skip cues that clearly belong to another quotation in between
            lo, hi = (t.i, i) if t.i < i else (j, t.i)
            if any(self.in_quote[k] for k in range(lo, hi)) and not adjacent:
                continue
            dist = (i - t.i) if t.i < i else (t.i - j + 1)
            if best is None or dist < best[0]:
                best = (dist, t)
        return best[1] if best else None

    def _adjacent(self, t: Token, q: _Quote) -> bool:
        """`t` sits right next to the quote, only a short subject and punctuation in between."""
        i, j = q.tokens
        if (i - t.i if t.i < i else t.i - j) > ADJACENT_SPAN:
            return False
        if t.i < i:
            between = doc_tokens(self.doc)[t.i + 1:i]
        else:
            between = doc_tokens(self.doc)[j:t.i]
        words = [b for b in between if not b.is_punct and not b.is_space]
        return len(words) <= 4 and not any(_is_verbish(b) and b.dep_ not in ("aux", "auxpass") for b in words)

    def _colon_intro(self, q: _Quote) -> bool:
        if q.span.open_mark < 0 and q.span.marks != "block":
            return False
        before = self.text[:_opening(q.span)].rstrip()
        return before.endswith(":")

    def _colon_cue(self, q: _Quote) -> Attribution:
        """'Putin continued: "..."', 'As the newspaper reported last week: "..."',
        'The minister's reply: "..."'."""
        colon_pos = self.text.rfind(":", 0, _opening(q.span))
        ci, _ = _token_range(self.doc, colon_pos, colon_pos + 1)
        si = _sent_index(self.doc, ci)
        s0, _ = self._sent_bounds(si)
        para_start = self.paragraphs[self.para_of(colon_pos)][0]
        toks = [t for t in doc_tokens(self.doc)[s0:ci] if t.idx >= para_start and not self.in_quote[t.i]]
        cues = [t for t in toks if self._is_cue(t, adjacent=True, governing=True)]
        if cues:
            cue = cues[-1]
            att = self.speakers.name(self.speakers.speaker_token(cue))
            att.cue, att.how, att.cue_token = _cue_lemma(cue), "colon", cue.i
            att.medium = att.medium or medium_of(cue)
            if att.found:
                return att
        # no verb: whose reaction the clause is about ("The reaction from the prime minister's
        # office was brief:"), else the actor named before the colon
        owner = self._utterance_owner(toks)
        if owner is not None:
            att = self.speakers.name(owner)
            if att.found:
                att.cue, att.how = ":", "colon"
                return att
        if toks:
            ref = self.actors.covering(toks[0].idx, toks[-1].idx + len(toks[-1]))
            if ref is not None:
                return Attribution(ref.actor, self.text[ref.start:ref.end], ref.start, ref.end, ":", "colon",
                                   kind=ref.kind)
        return Attribution()

    def _utterance_owner(self, toks: list[Token]) -> Token | None:
        """The owner of an utterance noun heading the clause's subject: 'the reaction from X',
        'X's reply', 'the message of X'."""
        for t in toks:
            if t.dep_ not in ("nsubj", "nsubjpass") or t.lemma_.lower() not in UTTERANCE_NOUNS:
                continue
            for c in t.children:
                if c.dep_ == "poss":
                    return c
                if c.dep_ == "prep" and c.lower_ in ("from", "of", "by"):
                    return next((p for p in c.children if p.dep_ == "pobj"), None)
        return None

    def _attribution_of_cue(self, cue: Token, how: str) -> Attribution:
        att = self.speakers.name(self.speakers.speaker_token(cue))
        att.cue, att.how, att.cue_token = _cue_lemma(cue), how, cue.i
        att.medium = att.medium or medium_of(cue)
        return att

    # -- speech events (reported speech, per sentence) ---------------------------------------
    def speech_events(self) -> list[dict]:
        """Reporting verbs outside quotes with their complement and speaker, in text order."""
        doc = self.doc
        events = []
        tokens = doc_tokens(doc)
        cues, accordings = token_flags(doc, "LEMMA", _is_event_lemma), token_flags(doc, "LOWER", _is_according)
        for i in range(len(tokens)):
            if not (cues[i] or accordings[i]) or self.in_quote[i]:
                continue  # no branch below takes it
            tok = tokens[i]
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                content = self._according_content(tok)
                att = self._attribution_of_cue(tok, "according")
                events.append({"cue": tok, "att": att, "content": content})
                continue
            lemma = tok.lemma_.lower()
            if lemma not in _EVENT_LEMMAS or not _is_verbish(tok) or not (
                    lemma in INDIRECT_VERBS or self._asks_whether(tok) or self._research_finds(tok)):
                continue
            if tok.lemma_.lower() == "point" and _cue_lemma(tok) != "point out":
                continue
            content = self._complement(tok)
            att = self._attribution_of_cue(tok, "indirect")
            events.append({"cue": tok, "att": att, "content": content})
        return events

    def _asks_whether(self, tok: Token) -> bool:
        """An indirect question is reported speech: 'Lawmakers asked the governor whether rates
        would ...' (not 'Asked whether he had the votes, Johnson said': he was asked, by nobody
        named, and what he said comes next)."""
        return tok.lemma_.lower() == "ask" and any(c.dep_ == "nsubj" for c in tok.children) and any(
            c.dep_ == "ccomp" and (_marked(c, "whether") or _marked(c, "if") or c.left_edge.tag_ in ("WRB", "WP"))
            for c in tok.children)

    def _research_finds(self, tok: Token) -> bool:
        """A study, survey or report that finds or shows something reports it: 'A study of 40,000
        adults found that ...'."""
        if tok.lemma_.lower() not in EVIDENCE_VERBS:
            return False
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.lemma_.lower() not in DOCUMENT_NOUNS | RESEARCH_NOUNS:
            return False
        # inside somebody's reported clause ('he cautioned that the study could not show ...')
        # the claim is theirs
        return not any(a.lemma_.lower() in SPEECH_VERBS and _is_verbish(a) for a in tok.ancestors)

    def _complement(self, tok: Token) -> tuple[int, int] | None:
        """Token range of the reported clause of a speech verb."""
        doc = self.doc
        comps = self._clauses_of(tok)
        # "X noted Y said ...": the inner verb reports the speech (and a sentence the parser glued
        # on, '"...," Musk wrote on X. In a post, he wrote that ...', is its own report)
        own = [c for c in comps if not self._reports_itself(c)]
        if comps and not own:
            return None
        if own:
            c = own[0]
            return self._trim(self._clause_start(tok, c), self._content_end(tok, c))
        if tok.dep_ == "conj" and tok.i > tok.head.i:
            return self._postposed_conj(tok)
        if tok.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "as" for m in tok.children) \
                and _is_verbish(tok.head):
            # "As the newspaper noted on Saturday, the belief ... will guide ..."
            h = tok.head
            sub = set(t.i for t in tok.subtree)
            i, j = h.left_edge.i, h.right_edge.i + 1
            while i < j and (i in sub or doc[i].is_punct):
                i += 1
            while j > i and ((j - 1) in sub or doc[j - 1].is_punct):
                j -= 1
            if any(k in sub for k in range(i, j)):
                return None
            return self._trim(i, j)
        if tok.dep_ == "parataxis":
            # "Moscow, he said, had tried ...", "Russia will respond, he said."
            h = tok.head
            if _is_verbish(h):
                i, j = h.left_edge.i, h.right_edge.i + 1
                sub = set(t.i for t in tok.subtree)
                # drop the parenthetical when it is at either edge
                while i < j and (i in sub or doc[i].is_punct):
                    i += 1
                while j > i and ((j - 1) in sub or doc[j - 1].is_punct):
                    j -= 1
                return self._trim(i, j)
        return None

    def _clauses_of(self, tok: Token) -> list[Token]:
        """Heads of the clauses a speech verb reports, in order of preference."""
        # (a ccomp that heads no clause is a parser slip: "told BBC Radio 4's programme" with "'s")
        comps = [c for c in tok.children if c.dep_ == "ccomp" and not self._quote_between(tok, c)
                 and (_is_verbish(c) or any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children))]
        if not comps:
            comps = [c for c in tok.children if c.dep_ in ("advcl", "xcomp", "dobj") and _marked(c, "that")]
        if not comps:
            # The parser hangs the that-clause on the noun before it: "wrote in a 32-page opinion
            # that ...", "told Reuters in an interview that ...", "told BBC Radio 4's programme that".
            nouns = [c for c in tok.children if c.dep_ in ("dobj", "dative")]
            nouns += [p for c in tok.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"]
            comps = [a for n in nouns if n.lemma_.lower() not in CONTENT_NOUNS
                     for a in n.children if a.dep_ in ("acl", "relcl", "ccomp") and _marked(a, "that")]
        return comps

    def _quote_between(self, cue: Token, clause: Token) -> bool:
        """A quotation stands between the verb and a clause outside it: the clause is not what
        the verb reports ('The opposition was less kind: "...," Merz wrote' - the colon clause is
        the writer's introduction, the quotation is Merz's words)."""
        if self.in_quote[clause.i]:
            return False
        lo, hi = (clause.right_edge.i + 1, cue.i) if clause.i < cue.i else (cue.i + 1, clause.left_edge.i)
        return any(self.in_quote[k] for k in range(lo, hi))

    def _clause_start(self, cue: Token, clause: Token) -> int:
        """First token of a reported clause. Without "that", a date or medium right after the
        verb belongs to the saying even when the parser hangs it on the clause ("The Pentagon
        said on Friday it would ...", "said in a statement it had ...")."""
        i = clause.left_edge.i
        if i < cue.i < clause.i:
            # "the bank, which the regulator said had broken the rules": the relative pronoun
            # before the verb of saying is no part of what was said
            return cue.i + 1
        if _marked(clause, "that") or i != cue.i + 1:
            return i
        for c in clause.lefts:
            if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") or c.left_edge.i != i:
                break
            dated = any(t.ent_type_ in ("DATE", "TIME") for t in c.subtree)
            medium = c.dep_ == "prep" and any(p.lemma_.lower() in DOCUMENT_NOUNS | MEDIUM_NOUNS
                                              for p in c.children if p.dep_ == "pobj")
            if not (dated or medium) or c.dep_ not in ("prep", "npadvmod", "advmod"):
                break
            i = c.right_edge.i + 1
            while i < clause.i and self.doc[i].is_punct:
                i += 1
        return i

    def _reports_itself(self, verb: Token) -> bool:
        """A verb of saying with its own subject and its own report (a clause or a quotation);
        not 'tariffs would add $900 million'."""
        if verb.lemma_.lower() not in _SAY_VERBS or not any(k.dep_ == "nsubj" for k in verb.children):
            return False
        return any(k.dep_ in ("ccomp", "parataxis") for k in verb.children) \
            or any(self.in_quote[t.i] for t in verb.subtree)

    def _content_end(self, cue: Token, clause: Token) -> int:
        """End of the reported clause, taking in a participle the parser hung on the verb of
        saying when it goes on with the reported event ("said its revenue had nearly doubled,
        beating analysts' expectations") - not one that is the speaker's own act ("citing",
        "adding that", "declining to give details")."""
        j = self._clause_end(clause)
        for c in cue.rights:
            if c.i < j or c.dep_ != "advcl" or c.tag_ != "VBG" or self.in_quote[c.i]:
                continue
            if c.lemma_.lower() in SPEECH_VERBS | CHARACTERISING_VERBS | SPEAKER_ACTS:
                break
            if any(k.dep_ in ("nsubj", "mark") for k in c.children) \
                    or not all(t.is_punct for t in doc_tokens(self.doc)[j:c.left_edge.i]):
                break
            j = c.right_edge.i + 1
        return j

    def _clause_end(self, clause: Token) -> int:
        """End of a reported clause: a second reporting act of the speaker coordinated into it ends
        it ("said his team had 'deserved' the win and praised the 'character' of his squad")."""
        j = clause.right_edge.i + 1
        for c in clause.rights:
            second_act = c.dep_ == "conj" or (c.dep_ == "advcl" and c.tag_ == "VBG")  # "..., warning that"
            if second_act and self._is_cue(c, governing=True) \
                    and not any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children):
                cut = c.left_edge.i
                while cut > clause.i and (self.doc[cut - 1].dep_ == "cc" or self.doc[cut - 1].is_punct):
                    cut -= 1
                j = min(j, cut)
        return j

    def _postposed_conj(self, tok: Token) -> tuple[int, int] | None:
        """'S, the minister has claimed.' parsed as a conjunct of S: the attribution after a comma,
        with its own subject and nothing reported of its own (no 'and', no object)."""
        h = tok.head
        if not _is_verbish(h):
            return None
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children) \
                or any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for c in tok.children):
            return None
        sub = set(t.i for t in tok.subtree)
        between = [t for t in doc_tokens(self.doc)[h.i + 1:tok.left_edge.i] if t.head.i == h.i and t.dep_ in ("cc", "preconj")]
        if between or self.doc[tok.left_edge.i - 1].text not in ",—–-":
            return None
        i, j = h.left_edge.i, h.right_edge.i + 1
        while j > i and ((j - 1) in sub or self.doc[j - 1].is_punct):
            j -= 1
        return self._trim(i, j)

    def _according_content(self, tok: Token) -> tuple[int, int] | None:
        """'According to X, S.' / 'S, according to X.'"""
        h = tok.head
        while h.head.i != h.i and not _is_verbish(h):
            h = h.head
        si = _sent_index(self.doc, tok.i)
        s0, s1 = self._sent_bounds(si)
        phrase = set(t.i for t in tok.subtree)
        if not phrase:
            return None
        pi, pj = min(phrase), max(phrase) + 1
        if pi - s0 <= 2:
            # "According to the paper, the coach said ...": the report is the saying's own row
            # (its speaker is the coach), not a second one credited to the paper
            if _is_verbish(h) and h.lemma_.lower() in _SAY_VERBS and h.i >= pj \
                    and self.speakers.speaker_token(h) is not None:
                return None
            return self._trim(pj, s1)
        return self._trim(s0, pi)

    def _trim(self, i: int, j: int) -> tuple[int, int] | None:
        doc = self.doc
        while i < j and (self.dateline[i] or doc[i].is_punct or doc[i].is_space or (
                doc[i].lower_ == "that" and i + 1 < j and not _is_verbish(doc[i + 1]))):
            i += 1
        while j > i and (doc[j - 1].is_punct or doc[j - 1].is_space) and doc[j - 1].text not in ")]":
            j -= 1
        # at least a subject and its verb ("said profits rose")
        if j - i < 2 or (j - i == 2 and not any(_is_verbish(t) for t in doc_tokens(doc)[i:j])):
            return None
        return i, j

    # -- main --------------------------------------------------------------------------------
    def run(self) -> list[dict]:
        """The article's quote rows."""
        doc = self.doc
        quotes: list[_Quote] = []
        for span in self.spans:
            i, j = _token_range(doc, span.start, span.end)
            quotes.append(_Quote(span, (i, j), (_sent_index(doc, i), _sent_index(doc, max(i, j - 1)))))
        for q in quotes:
            if self.is_title(q):
                q.keep, q.reason = False, "title"
        # Titles are names, not speech: let them be part of sentences again.
        self._mark_quotes([q.span for q in quotes if q.keep])
        self._make_speakers()

        events = self.speech_events()
        for ev in events:
            if ev["att"].found:
                si = _sent_index(doc, ev["cue"].i)
                self.sentence_speech.setdefault(si, ev["att"])

        live = [q for q in quotes if q.keep]
        # pass 1: quotes with their own cue
        for q in live:
            self._own_cue(q)
            if q.att.found:
                for si in self._quote_sentences(q):
                    self.sentence_speech.setdefault(si, q.att)
        # pass 2: context (a quote that continues the previous speaker), scare quotes, echoes
        previous: _Quote | None = None
        for q in live:
            self._settle(q, previous, live)
            if q.keep:
                previous = q
        kept = [q for q in live if q.keep]
        # pass 3: the paragraphs of one quotation whose attribution comes at its end ('"A.\n\nB,"
        # she said.') are hers from the first one on
        for q, nxt in reversed(list(zip(kept, kept[1:]))):
            if q.span.continues and nxt.span.continued and nxt.att.found \
                    and (not q.att.found or (q.att.how == "context" and nxt.att.how != "context")):
                q.att = Attribution(nxt.att.speaker, nxt.att.speaker_text, nxt.att.speaker_start,
                                    nxt.att.speaker_end, nxt.att.cue, "context", nxt.att.cue_token,
                                    nxt.att.kind, nxt.att.medium)
        rows = [self._row(q.span.start, q.span.end, q.att, "direct") for q in kept]
        rows += self._indirect_rows(events, kept)
        rows.sort(key=lambda r: (r["start"], r["kind"]))
        for n, r in enumerate(rows, 1):
            r["quote_id"] = f"{self.article_id}:q{n}"
        return rows

    def _indirect_rows(self, events: list[dict], kept: list[_Quote]) -> list[dict]:
        """Rows for reported speech: clauses with a speaker (or an impersonal "it was reported"),
        not those that are (nearly) all direct quote ('warned that "..."')."""
        doc, rows = self.doc, []
        for ev in events:
            att: Attribution = ev["att"]
            if ev["content"] is None or (not att.found and not self._impersonal(ev["cue"])):
                continue
            if att.speaker_text.lower() in FIRST_PERSON:
                continue
            i, j = ev["content"]
            start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
            end = self._close_inner_quote(start, end, kept)
            if self._quoted_share(start, end, kept) < 0.8:
                rows.append(self._row(start, end, att, "indirect"))
        return rows

    def _close_inner_quote(self, start: int, end: int, kept: list[_Quote]) -> int:
        """A quotation opened inside the clause is closed inside it too: the clause ends after the
        closing mark (and a full stop before it), double or single."""
        for q in kept:
            s = q.span
            if start <= s.open_mark < end <= s.close_mark and s.close_mark - end <= 2 \
                    and not self.text[end:s.close_mark].strip(".,!?"):
                return s.close_mark + 1
        return end

    def _own_cue(self, q: _Quote) -> None:
        """Attribution from a cue of the quote's own: one governing it, the clause before a
        colon, the nearest cue in its sentences, or a bare attribution right after it."""
        label = self._label_cue(q)
        if label is not None:  # the nearest label verb, whatever the parse made of the phrase
            q.att = self._attribution_of_cue(label, "label")
        cue = self._governing_cue(q) if not q.att.found else None
        if cue is not None:
            q.att = self._attribution_of_cue(cue, "syntax")
        if not q.att.found and self._colon_intro(q):
            att = self._colon_cue(q)
            if att.found:
                q.att = att
        if not q.att.found:
            cue = self._nearby_cue(q) or self._trailing_cue(q)
            if cue is not None:
                att = self._attribution_of_cue(cue, "nearby")
                if att.found or not q.att.cue:
                    q.att = att

    def _label_cue(self, q: _Quote) -> Token | None:
        """'calling the investigation into Trump "Soviet-style"', 'referred to the vote as "The
        Impeachment Hoax"': a label verb (rules/label_verbs.txt) shortly before the quotation in
        its sentence, with no other quotation or clause break between, is its cue whatever the
        parse made of the phrase."""
        if q.span.open_mark < 0:
            return None
        si = q.sents[0]
        s_start = self.sents[si].start_char
        before = self.text[s_start:q.span.open_mark]
        m = next((m for m in (p.search(before) for p in _LABEL_PATTERNS) if m), None)
        if m is None:
            return None
        ci, _ = _token_range(self.doc, s_start + m.start(1), s_start + m.end(1))
        tok = self.doc[ci]
        # a passive ('the exit termed "Brexit"') names nobody who used the label
        return tok if _is_verbish(tok) and not _is_passive(tok) and not self.in_quote[tok.i] else None

    def _trailing_cue(self, q: _Quote) -> Token | None:
        """'"Where are our children supposed to study?" one mother asked.' - the parser ends the
        sentence at the question mark: the attribution is the short sentence right after the
        quote, a cue verb with its subject and nothing it reports of its own."""
        if q.span.close_mark < 0 or q.sents[1] + 1 >= len(self.sents):
            return None
        nxt = self.sents[q.sents[1] + 1]
        gap = self.text[q.span.close_mark + 1:nxt.start_char]
        if gap.strip() or self.para_of(nxt.start_char) != self.para_of(q.span.start):
            return None
        words = [t for t in nxt if not t.is_punct and not t.is_space]
        if len(words) > 8:
            return None
        for t in nxt:
            if self._is_cue(t, adjacent=True) and t.dep_ == "ROOT" \
                    and not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in t.children):
                return t
        return None

    def _settle(self, q: _Quote, previous: _Quote | None, live: list[_Quote]) -> None:
        """Second look at a quote: a speaker from context, or not a quote at all (a term, a
        scare quote, a title)."""
        text = self.text
        words = _WORD.findall(text[q.span.start:q.span.end])
        own_cue = q.att.cue_token >= 0 and q.att.how in ("syntax", "colon", "nearby", "label")
        short = len(words) <= _SCARE_MAX_WORDS
        # 'the company's "voluntary" scheme ..., staff say': a determiner outside the marks makes
        # a short phrase the writer's noun; a reporting verb elsewhere in the sentence, or a
        # speaker of the sentence, does not make it anybody's words.
        writers_noun = short and q.att.how not in ("syntax", "label") and self._determined(q)
        if writers_noun:
            own_cue = False
        if not q.att.found and not writers_noun:
            att = self._context(q, previous)
            if att is not None:
                cue = q.att.cue if q.att.cue else att.cue
                q.att = Attribution(att.speaker, att.speaker_text, att.speaker_start, att.speaker_end,
                                    cue, "context", att.cue_token, att.kind, att.medium)
        # a label is the speaker's word ('called it a "witch hunt"'), a name after "the" is a term
        naming = q.att.how != "label" or re.search(r"\bthe\s*$", self.text[:max(q.span.open_mark, 0)], re.I)
        if naming and self._is_term(q, words):
            q.keep, q.reason = False, "term"
        elif short and self._so_called(q):
            q.keep, q.reason = False, "scare"
        elif short and not own_cue and q.att.how != "context":
            echo = self._echo(q, live)
            if echo is not None:
                q.att = Attribution(echo.att.speaker, echo.att.speaker_text, echo.att.speaker_start,
                                    echo.att.speaker_end, "", "echo", -1, echo.att.kind)
            else:
                q.keep, q.reason = False, "scare"
        elif short and not q.att.found and not own_cue:
            q.keep, q.reason = False, "scare"
        elif not short and not own_cue and not q.att.found and _title_case(words) and len(words) <= 8 \
                and not re.search(r"[.!,;:]$", text[q.span.start:q.span.end]):
            # (a title may ask a question: 'best original song with "What Was I Made For?"')
            q.keep, q.reason = False, "title"

    def _determined(self, q: _Quote) -> bool:
        """A determiner or possessive stands right before the opening mark ('the "X"', 'its "X"',
        'Lagarde's "X"')."""
        a = q.span.open_mark if q.span.open_mark >= 0 else q.span.start
        i, _ = _token_range(self.doc, a, a + 1)
        prev = self.doc[i - 1] if i > 0 else None
        return prev is not None and (prev.dep_ in ("det", "poss", "case") or prev.tag_ in ("DT", "PRP$", "POS"))

    def _is_term(self, q: _Quote, words: list[str]) -> bool:
        """A quoted name or term, not speech: a short capitalised noun phrase with no verb and no
        sentence punctuation that a determiner introduces or a preposition governs ('declined to
        comment on the "Frankfurt consensus,"', 'the "Swift effect"', 'on "Project X"'),
        whatever verb of saying stands nearby."""
        content = self.text[q.span.start:q.span.end].strip()
        if not words or len(words) > _TERM_MAX_WORDS or not words[0][:1].isupper() or words[0] == "I":
            return False
        if re.search(r"[.!?;:]$", content):
            return False
        i, j = q.tokens
        inside = doc_tokens(self.doc)[i:j]
        if any(t.pos_ in ("VERB", "AUX") for t in inside):
            return False
        heads = [t for t in inside if not (i <= t.head.i < j) and not t.is_punct]
        led_by_preposition = any(t.dep_ == "pobj" for t in heads)
        return self._determined(q) or led_by_preposition

    def _impersonal(self, cue: Token) -> bool:
        """'It was reported that ...', 'It is said that ...': reported speech with no speaker."""
        return (cue.lemma_.lower() in IMPERSONAL_VERBS and _is_passive(cue)
                and any(c.dep_ in ("nsubjpass", "expl") and c.lower_ == "it" for c in cue.children)
                and not any(c.dep_ == "agent" for c in cue.children))

    def _so_called(self, q: _Quote) -> bool:
        before = self.text[max(0, (q.span.open_mark if q.span.open_mark >= 0 else q.span.start) - 12):
                           q.span.open_mark if q.span.open_mark >= 0 else q.span.start].lower()
        return bool(re.search(r"so[- ]called\s*$", before))

    def _echo(self, q: _Quote, quotes: list[_Quote]) -> _Quote | None:
        phrase = " ".join(_WORD.findall(self.text[q.span.start:q.span.end].lower()))
        if not phrase:
            return None
        for other in quotes:
            if other.span.start >= q.span.start:
                break
            if not other.keep or not other.att.found or other is q:
                continue
            words = " ".join(_WORD.findall(self.text[other.span.start:other.span.end].lower()))
            if re.search(rf"\b{re.escape(phrase)}\b", words):
                return other
        return None

    def _context(self, q: _Quote, previous: _Quote | None) -> Attribution | None:
        """The speaker a quote without its own cue continues: the previous sentence's speaker in
        the same paragraph, the previous quote's speaker in the same or the previous paragraph,
        or the speaker of the previous paragraph's last sentence."""
        first = q.sents[0]
        para = self.para_of(q.span.start)
        # another attributed quote in the same sentence
        for si in self._quote_sentences(q):
            att = self.sentence_speech.get(si)
            if att is not None and not (att.speaker_start <= q.span.start < att.speaker_end):
                return att  # (a quote inside the speaker's own name is no speech of theirs)
        prev_si = first - 1
        if prev_si >= 0:
            p_start = self.sents[prev_si].start_char
            same_para = self.para_of(p_start) == para
            prev_para = self.para_of(p_start) == para - 1
            if prev_si in self.sentence_speech and (same_para or (prev_para and self._starts_paragraph(q))):
                return self.sentence_speech[prev_si]
        if previous is not None and (previous.att.found or previous.att.speaker_text):
            ppara = self.para_of(previous.span.start)
            if ppara == para or (ppara == para - 1 and self._starts_paragraph(q)) or q.span.continued:
                # nothing but the quote between them: the speaker goes on
                return previous.att
        return None

    def _starts_paragraph(self, q: _Quote) -> bool:
        p_start = self.paragraphs[self.para_of(q.span.start)][0]
        a = q.span.open_mark if q.span.open_mark >= 0 else q.span.start
        return self.text[p_start:a].strip() == ""

    def _quoted_share(self, start: int, end: int, quotes: list[_Quote]) -> float:
        if end <= start:
            return 0.0
        covered = 0
        for q in quotes:
            a, b = max(start, q.span.start), min(end, q.span.end)
            if b > a:
                covered += b - a
        return covered / (end - start)

    def _row(self, start: int, end: int, att: Attribution, kind: str) -> dict:
        quote = self.text[start:end]
        row = {
            "article_id": self.article_id,
            "quote_id": "",
            "speaker": att.speaker,
            "speaker_text": att.speaker_text,
            "speaker_start": att.speaker_start,
            "speaker_end": att.speaker_end,
            "quote": quote,
            "kind": kind,
            "cue": att.cue,
            "medium": att.medium,
            "start": start,
            "end": end,
            "words": len(_WORD.findall(quote)),
        }
        row.update(sentence_columns(self.doc, start))
        return row


def extract_quotes(doc: Doc, mentions: pd.DataFrame, *, article_id: str) -> pd.DataFrame:
    """Quotes in one article (`quotes` table). `mentions` are this article's mentions with their
    article-local `actor` names; `speaker` is one of those names (or empty)."""
    if mentions is None or mentions.empty:
        records = []
    else:
        if "article_id" in mentions.columns:
            own = mentions["article_id"] == article_id
            if own.any():
                mentions = mentions[own]
        records = mentions[["start", "end", "actor", "kind"]].to_dict("records")
    rows = quote_rows(doc, records, article_id=article_id)
    return table_from_rows("quotes", rows) if rows else empty_table("quotes")


def quote_rows(doc: Doc, mentions: list[dict], *, article_id: str) -> list[dict]:
    """`extract_quotes` as a list of row dicts, given the article's mention rows (dicts with at least
    start, end, actor and kind): the pipeline tabulates many articles at once."""
    spans = [(int(m["start"]), int(m["end"]), str(m["actor"]), str(m["kind"])) for m in mentions]
    return _Extractor(doc, spans, article_id).run()


# --- the researcher's corrections to single quotes (quotes.yaml) --------------------------------------

QUOTE_CORRECTIONS_FILE_NAMES = ("quotes.yaml", "quotes.yml")
QUOTE_CORRECTIONS_HELP = """\
quotes.yaml (next to actors.yaml) corrects single quotes, by quote_id (see the quotes table):
  speaker: {<quote_id>: Name}          # who said it (a canonical actor name, or "" for nobody)
  kind:    {<quote_id>: direct | indirect}
  drop:    [<quote_id>, ...]           # not a quote; the row is removed"""


def find_quote_corrections(folder) -> "Path | None":
    """quotes.yaml (or .yml) in the corpus folder, if there is one."""
    from pathlib import Path

    folder = Path(folder)
    folder = folder if folder.is_dir() else folder.parent
    return next((folder / n for n in QUOTE_CORRECTIONS_FILE_NAMES if (folder / n).exists()), None)


def load_quote_corrections(path) -> dict:
    """{"speaker": {id: name}, "kind": {id: kind}, "drop": [ids]} from quotes.yaml; a file that is
    not valid raises CorrectionsError naming the file and what is wrong (with the format)."""
    from pathlib import Path

    import yaml

    from .errors import CorrectionsError

    empty = {"speaker": {}, "kind": {}, "drop": []}
    if path is None or not Path(path).exists():
        return empty

    def fail(message: str):
        raise CorrectionsError(f"{path}: {message}\n{QUOTE_CORRECTIONS_HELP}")

    from . import safe_yaml

    try:
        data = safe_yaml.load_file(path) or {}
    except safe_yaml.YAMLRefused as exc:
        fail(f"refused: {exc}")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        fail(f"not valid UTF-8 YAML ({str(exc).splitlines()[0]})")
    if not isinstance(data, dict):
        fail("expected a mapping with sections speaker, kind, drop")
    unknown = set(data) - set(empty)
    if unknown:
        fail(f"unknown section(s) {sorted(unknown)}")
    out = {"speaker": data.get("speaker") or {}, "kind": data.get("kind") or {}, "drop": data.get("drop") or []}
    if not isinstance(out["speaker"], dict) or not isinstance(out["kind"], dict):
        fail("'speaker' and 'kind' map quote ids to a value")
    if not isinstance(out["drop"], list):
        fail("'drop' is a list of quote ids")
    bad = {k: v for k, v in out["kind"].items() if v not in ("direct", "indirect")}
    if bad:
        fail(f"in 'kind', use direct or indirect (got {bad})")
    out["speaker"] = {str(k): "" if v is None else str(v) for k, v in out["speaker"].items()}
    out["kind"] = {str(k): str(v) for k, v in out["kind"].items()}
    out["drop"] = [str(x) for x in out["drop"]]
    return out


def apply_quote_corrections(quotes: pd.DataFrame, corrections: dict) -> tuple[pd.DataFrame, list[str]]:
    """The quotes table with the researcher's corrections applied, and what was applied (a quote
    id the table does not hold is reported, not an error: the text may have changed)."""
    applied: list[str] = []
    if quotes.empty or not any(corrections.get(k) for k in ("speaker", "kind", "drop")):
        return quotes, applied
    out = quotes.copy()
    ids = set(out["quote_id"])
    for section in ("speaker", "kind"):
        for qid, value in corrections[section].items():
            if qid not in ids:
                applied.append(f"quotes.yaml {section}: no quote {qid!r}")
                continue
            out.loc[out["quote_id"] == qid, section] = value
            applied.append(f"quotes.yaml {section}: {qid} -> {value!r}")
    for qid in corrections["drop"]:
        applied.append(f"quotes.yaml drop: {qid}" if qid in ids else f"quotes.yaml drop: no quote {qid!r}")
    out = out[~out["quote_id"].isin(set(corrections["drop"]))].reset_index(drop=True)
    return out, applied


# --- how two renderings of a statement relate -----------------------------------------------------

_RELATION_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def quote_relation(a: str, b: str) -> tuple[str, str]:
    """(relation, left_out) of two renderings of one statement: 'same' when their words are the
    same; 'shortened' when every word of the shorter stands in the longer in the same order (one
    outlet printed only part, "similarity 1.00" would hide the cut); else 'reworded'. `left_out`
    is what the longer has that the shorter lacks, as written, stretches joined by ' … '."""
    import difflib

    wa, wb = _RELATION_WORD.findall(str(a)), _RELATION_WORD.findall(str(b))
    la, lb = [w.lower().replace("’", "'") for w in wa], [w.lower().replace("’", "'") for w in wb]
    if la == lb:
        return "same", ""
    (long_w, long_l), (short_l) = ((wa, la), lb) if len(la) >= len(lb) else ((wb, lb), la)
    matcher = difflib.SequenceMatcher(None, long_l, short_l, autojunk=False)
    blocks = matcher.get_matching_blocks()
    matched = sum(blk.size for blk in blocks)
    missing, covered = [], 0
    for blk in blocks:
        if blk.a > covered:
            missing.append(" ".join(long_w[covered:blk.a]))
        covered = blk.a + blk.size
    left_out = " … ".join(m for m in missing if m)
    return ("shortened" if matched == len(short_l) else "reworded"), left_out


def with_relation(matches: pd.DataFrame) -> pd.DataFrame:
    """`quote_matches` rows with `relation` and `left_out` (see `quote_relation`)."""
    out = matches.copy()
    pairs = [quote_relation(a, b) for a, b in zip(out["quote_a"], out["quote_b"])] if len(out) else []
    out["relation"] = [p[0] for p in pairs]
    out["left_out"] = [p[1] for p in pairs]
    return out


# --- voice share ------------------------------------------------------------------------------

UNATTRIBUTED = "(unattributed)"


def nested_in_reported(quotes: pd.DataFrame) -> pd.Series:
    """True for a direct quote that lies inside a reported-speech row of the same article ('said
    the plan was "dead on arrival"'): counting both rows would count its words twice."""
    out = pd.Series(False, index=quotes.index)
    if quotes.empty or not {"start", "end", "kind"} <= set(quotes.columns):
        return out
    reported: dict[str, list[tuple[int, int]]] = {}
    for a, k, st, en in zip(quotes["article_id"], quotes["kind"], quotes["start"], quotes["end"]):
        if k == "indirect":
            reported.setdefault(a, []).append((int(st), int(en)))
    for idx, a, k, st, en in zip(quotes.index, quotes["article_id"], quotes["kind"], quotes["start"], quotes["end"]):
        if k == "direct" and any(s0 <= st and en <= e0 for s0, e0 in reported.get(a, ())):
            out.at[idx] = True
    return out


def voice_share(quotes: pd.DataFrame, *, kinds: tuple[str, ...] = ("direct",)) -> pd.DataFrame:
    """Quoted words per speaker per source: article_id, speaker, quotes, words, share (of the
    article's quoted words). Direct quotes only unless `kinds` says otherwise; with both kinds a
    direct quote inside a reported clause is counted once, in the clause; quotes without a
    speaker are grouped as '(unattributed)'."""
    cols = ["article_id", "speaker", "quotes", "words", "share"]
    if quotes is None or quotes.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("quotes", "words") else
                                          "float64" if c == "share" else "object") for c in cols})
    q = quotes[quotes["kind"].isin(kinds)].copy()
    if "direct" in kinds and "indirect" in kinds:
        q = q[~nested_in_reported(q)]  # its words are in the reported clause's row already
    if q.empty:
        return voice_share(None)
    q["speaker"] = q["speaker"].fillna("").replace("", UNATTRIBUTED)
    out = (q.groupby(["article_id", "speaker"], as_index=False)
           .agg(quotes=("quote_id", "count"), words=("words", "sum")))
    totals = out.groupby("article_id")["words"].transform("sum")
    out["share"] = (out["words"] / totals.where(totals > 0, 1)).astype(float)
    out = out.sort_values(["article_id", "words"], ascending=[True, False]).reset_index(drop=True)
    out["quotes"] = out["quotes"].astype("int64")
    out["words"] = out["words"].astype("int64")
    return out[cols]


def quote_table(quotes: pd.DataFrame, *, speaker: str = "", kinds: tuple[str, ...] = ("direct", "indirect")
                ) -> pd.DataFrame:
    """The quotes a reader looks at: article, speaker, kind, cue, quote and sentence, optionally
    for one speaker (case-insensitive substring match)."""
    cols = ["article_id", "speaker", "kind", "cue", "quote", "sentence"]
    if quotes is None or quotes.empty:
        return pd.DataFrame(columns=cols)
    q = quotes[quotes["kind"].isin(kinds)]
    if speaker:
        q = q[q["speaker"].str.contains(re.escape(speaker), case=False, na=False)]
    return q[cols].reset_index(drop=True)


def for_speaker(frame: pd.DataFrame, speaker: str = "") -> pd.DataFrame:
    """Rows of a quotes or quote_matches table whose speaker contains `speaker` (case-insensitive);
    all rows when `speaker` is empty."""
    if not speaker or frame is None or frame.empty:
        return frame
    return frame[frame["speaker"].fillna("").str.contains(re.escape(speaker), case=False)].reset_index(drop=True)

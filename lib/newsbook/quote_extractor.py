"""The per-article quote extraction: `_Extractor` runs the stages (spans -> cues -> speakers ->
settling -> rows); `extract_quotes` and `quote_rows` are its entry points."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc

from .nlp import doc_text, doc_tokens, empty_table, sentences, table_from_rows
from .quote_words import STRONG_TITLE_CUE_WORDS, TITLE_CUE_WORDS, TITLE_NOUNS, _WORD
from .dateline import dateline_end
from .quote_spans import QuoteSpan, _paragraphs, block_quote_spans, find_quote_spans
from .actor_persons import Persons, _sent_index, _sent_starts, persons_of
from .quote_cues import Attribution, _CueFinder, _Quote, _title_case, _token_range
from .quote_speakers import _Speakers
from .quote_reported import _ReportedClauses
from .quote_settle import _Settling
from .quote_introduced import _IntroducedSpeakers


class _Extractor(_CueFinder, _ReportedClauses, _Settling, _IntroducedSpeakers):
    """One article's quote extraction. Its stages are the mixins `_CueFinder` (quote_cues),
    `_ReportedClauses` (quote_reported), `_Settling` (quote_settle) and `_IntroducedSpeakers`
    (quote_introduced), which share the state set up here (doc, spans, sentences, paragraphs,
    dateline, speakers); `run` drives them."""

    def __init__(self, doc: Doc, persons: Persons, article_id: str):
        self.doc = doc
        self.text = doc_text(doc)
        self.article_id = article_id
        self.persons = persons
        self.spans = find_quote_spans(self.text, article_id=article_id)
        self.spans = sorted(self.spans + block_quote_spans(self.text, self.spans), key=lambda s: s.start)
        self.in_quote = [False] * len(doc)
        self._mark_quotes(self.spans)
        self.sent_starts = _sent_starts(doc)
        self.sents = list(sentences(doc))
        self.paragraphs = _paragraphs(self.text)
        self._para_starts = [s for s, _ in self.paragraphs]
        self.dateline = self._dateline_mask()
        self._make_speakers()
        self.sentence_speech: dict[int, Attribution] = {}

    def _make_speakers(self) -> None:
        # The actors depend only on the doc, the persons and the quote mask, and nothing changes them once
        # built: when run() re-marks the quotes without unmarking a title, the ones we have still hold.
        if self.in_quote != getattr(self, "_actors_quote_mask", None):
            self.actors = self.persons.for_quotes(self.doc, self.in_quote, dateline=self.dateline)
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
            if q.keep and not self._in_headline(q):  # (a headline's speaker speaks on in no paragraph)
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
        self._name_introduced_speakers(rows)
        self._headline_speakers(rows)
        for n, r in enumerate(rows, 1):
            r["quote_id"] = f"{self.article_id}:q{n}"
        return rows


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


def quote_rows(doc: Doc, mentions: list[dict], *, article_id: str, persons: Persons | None = None) -> list[dict]:
    """`extract_quotes` as a list of row dicts, given the article's mention rows (dicts with at least
    start, end, actor and kind): the pipeline tabulates many articles at once. `persons`: the
    article's person references the actors component computed from those mentions
    (``doc._.persons``); without them they are computed here."""
    if persons is None:
        persons = persons_of(doc, mentions)
    return _Extractor(doc, persons, article_id).run()

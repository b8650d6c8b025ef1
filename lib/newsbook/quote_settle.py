"""Settling the quotations of an article: reported-speech rows, cue inheritance, titles, terms,
scare quotes and echoes, and the final quote row (`_Settling`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Token

from .nlp import doc_tokens, sentence_columns
from .quote_words import (
    FIRST_PERSON, IMPERSONAL_VERBS, _LABEL_PATTERNS, _SCARE_MAX_WORDS, _TERM_MAX_WORDS, _WORD, _spell_out_office,
)
from .quote_cues import Attribution, _Quote, _is_passive, _is_verbish, _title_case, _token_range


class _Settling:
    """The extractor stage that decides which quotations stay, with which speaker, and builds rows."""

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
            if self._quoted_share(start, end, kept) < 0.8 or self._words_outside(start, end, kept):
                # (a clause the speaker's words fill but for its subject - 'she was "proud to ..."' -
                # is reported speech with a quote in it: both rows)
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
        elif not q.att.found and self._comma_intro(q):
            att = self._comma_cue(q)
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
        # (a paragraph of a quotation running over paragraphs is speech however short: 'She's very
        # spiritual.' closing three paragraphs of one speaker's words is no scare quote)
        short = len(words) <= _SCARE_MAX_WORDS and not (q.span.continues or q.span.continued)
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
            echo = self._echo(q, live) or self._headline_echo(q, live)
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

    def _in_headline(self, q: _Quote) -> bool:
        """The quote stands in the article's first paragraph and that paragraph is a headline: at
        most 20 words, no full stop, question or exclamation mark at its end."""
        return self._in_headline_at(q.span.start)

    def _headline_echo(self, q: _Quote, quotes: list[_Quote]) -> _Quote | None:
        """A headline quotes the story's words ('Co-Worker Calls Alleged Shooter: "Very Spiritual"',
        "PM Calls Riot Deaths 'Murder'"): the first later quotation holding the same words, with a
        speaker, says whose words they are (not the headline's own subject: a headline names the
        speaker by role, or not at all)."""
        if not self._in_headline(q):
            return None
        phrase = " ".join(_WORD.findall(self.text[q.span.start:q.span.end].lower()))
        if not phrase:
            return None
        for other in quotes:
            if other.span.start <= q.span.end or not other.keep or not other.att.found or other is q \
                    or self._in_headline(other):
                continue
            words = " ".join(_WORD.findall(self.text[other.span.start:other.span.end].lower()))
            if re.search(rf"\b{re.escape(phrase)}\b", words):
                return other
        return None

    def _headline_speakers(self, rows: list[dict]) -> None:
        """A headline's quotation is the words of whoever says them in the story: its rows take the
        speaker of the first later direct quote holding the same words (the headline's own subject,
        'Co-Worker Calls ...', is a role or a parse of a headline, not a name)."""
        if not rows or not self._in_headline_at(rows[0]["start"]):
            return
        body = [r for r in rows if r["kind"] == "direct" and r["speaker"] and not self._in_headline_at(r["start"])]
        for r in rows:
            if r["kind"] != "direct" or not self._in_headline_at(r["start"]):
                continue
            phrase = " ".join(_WORD.findall(r["quote"].lower()))
            echo = next((b for b in body if phrase and re.search(rf"\b{re.escape(phrase)}\b",
                                                                 " ".join(_WORD.findall(b["quote"].lower())))), None)
            if echo is not None:
                for field in ("speaker", "speaker_text", "speaker_start", "speaker_end"):
                    r[field] = echo[field]

    def _in_headline_at(self, pos: int) -> bool:
        if not self.paragraphs or self.para_of(pos) != 0:
            return False
        first = getattr(self, "_first_is_headline", None)
        if first is None:  # (asked for every quote: the first paragraph is read once)
            first = self._first_is_headline = self._first_paragraph_is_headline()
        return first

    def _first_paragraph_is_headline(self) -> bool:
        p0, p1 = self.paragraphs[0]
        head = self.text[p0:p1].strip().rstrip("\"'”’)] ")
        # (one phrase: a standfirst of sentences, '... the word 'apartheid'. By', is no headline)
        return bool(head) and len(_WORD.findall(head)) <= 20 and not re.search(r"[.!?…:;]$|[.!?]['’\"”]?\s", head)

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
        if q.span.continued and previous is not None and previous.span.continues and previous.att.found:
            # the next paragraph of one quotation: the same speaker, whoever else the sentence names
            # ('X said nothing, Pickell said, describing him as "subdued.\n\nVery, very subdued".')
            return previous.att
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
            if prev_si in self.sentence_speech and (same_para or (prev_para and self._starts_paragraph(q))) \
                    and not self._in_headline_at(p_start):  # (the headline's speaker goes on nowhere)
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

    def _words_outside(self, start: int, end: int, quotes: list[_Quote]) -> bool:
        """Whether the clause opens with words of the writer's before a quotation inside it
        ('she was "proud to ..."'), not inside a quotation ('Theoretically," he said, "there ...')."""
        first = None
        for q in quotes:
            a = q.span.open_mark if q.span.open_mark >= 0 else q.span.start
            b = (q.span.close_mark + 1) if q.span.close_mark >= 0 else q.span.end
            if a <= start < b:
                return False
            if start < a < end:
                first = a if first is None else min(first, a)
        return first is not None and bool(_WORD.search(self.text[start:first]))

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
            "speaker": _spell_out_office(att.speaker),
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

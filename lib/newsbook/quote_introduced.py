"""Speakers an article names only after their words (`_IntroducedSpeakers`, a stage of the quote
extractor run over its finished rows): 'The victim's nephew said ...' followed by '"...," said
Manpreet Singh' is one person, and quotes that open a story unattributed are those of the person the
next paragraph opens with."""

from __future__ import annotations

import re

from .quote_words import INTRODUCED_NOUNS, _NAMING_VERBS, _WORD
from .quote_spans import _DOUBLE_MARKS

_SENTENCE_CLOSE = re.compile(r"[.!?]['’\"”]?\s*$")


class _IntroducedSpeakers:
    """The extractor stage that gives an introduced or opening speaker the name the article gives
    it a paragraph or two later."""

    def _name_introduced_speakers(self, rows: list[dict]) -> None:
        """'The victim's nephew said ...' then, in the next paragraph or two, '"...," said Manpreet
        Singh' (a name new to the article, no title before it): the nephew's rows are Manpreet
        Singh's. Quotes that open the article with no attribution ('"She's a hard worker."') are
        those of the person the next paragraph opens with ('Kenneth Dorsey says ...')."""
        first_seen: dict[str, int] = {}
        for r in self.actors.refs:
            if r.kind == "person":
                first_seen.setdefault(r.actor, r.start)
        named = [r for r in rows if r["speaker"] in first_seen]
        for r in rows:
            head = _WORD.findall(r["speaker"].lower())[-1:] if r["speaker"] else []
            if not head or r["speaker"] in first_seen or head[0] not in INTRODUCED_NOUNS:
                continue
            later = next((n for n in named if n["start"] > r["start"]), None)
            if later is None or first_seen[later["speaker"]] < r["speaker_start"] \
                    or self.para_of(later["start"]) - self.para_of(r["start"]) > 2 \
                    or any(o["speaker"] not in (r["speaker"], later["speaker"], "")
                           for o in rows if r["start"] < o["start"] < later["start"]) \
                    or not self._bare_name(later):
                continue
            for o in rows:
                if o["speaker"] == r["speaker"] and r["start"] <= o["start"] < later["start"]:
                    o["speaker"] = later["speaker"]
        self._name_opening_quotes(rows, first_seen)

    def _name_opening_quotes(self, rows: list[dict], first_seen: dict[str, int]) -> None:
        headline_end = self.paragraphs[0][1] if self.paragraphs else 0
        headline = not _SENTENCE_CLOSE.search(self.text[:headline_end])
        opening = []
        for r in rows:
            if headline and self.para_of(r["start"]) == 0:
                continue  # (the headline's own quotes)
            if r["speaker"]:
                para = self.para_of(r["speaker_start"])
                if opening and r["speaker"] in first_seen and r["kind"] == "indirect" \
                        and 0 < para - self.para_of(opening[-1]["start"]) <= 2 \
                        and self.text[self._para_starts[para]:r["speaker_start"]].strip() == "":
                    for o in opening:
                        o["speaker"] = r["speaker"]
                return
            if r["kind"] == "direct":
                opening.append(r)

    def _bare_name(self, row: dict) -> bool:
        """Whether the speaker is named right after the verb that follows a quotation, with no title
        before the name and no apposition after it other than an introducing noun ('"...," said
        Mahadeo Rambrich, a witness'; not 'Police Chief John Smith' or 'John Geiger of USGS said')."""
        if row["speaker_start"] < 0 or self.text[row["speaker_start"]:row["speaker_end"]] != row["speaker_text"] \
                or row["speaker"].split()[-1] not in row["speaker_text"]:
            return False  # (named by a pronoun: 'he explained')
        para_start = self._para_starts[self.para_of(row["speaker_start"])]
        before = self.text[max(para_start, row["sentence_start"]):row["speaker_start"]]
        words = _WORD.findall(re.split("[" + _DOUBLE_MARKS + "]", before)[-1])  # after the quotation
        if not words or any(w.lower() not in _NAMING_VERBS for w in words):
            return False
        after = re.match(r",\s+(?:a|an|the|her|his|their|one)\s+([^,.;]+)", self.text[row["speaker_end"]:])
        return after is None or any(w in INTRODUCED_NOUNS for w in _WORD.findall(after.group(1).lower()))

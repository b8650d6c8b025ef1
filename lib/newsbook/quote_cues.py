"""Attribution cues: the `Attribution` and `_Quote` records, media (`medium_of`), cue lemmas, and the
extractor stage that finds the reporting verb, colon or adjacent sentence a quote hangs on
(`_CueFinder`)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .nlp import doc_tokens, token_heads, token_ids
from .quote_words import (
    ADJACENT_ONLY_VERBS, ADJACENT_SPAN, CHARACTERISING_VERBS, CUE_WINDOW, DOCUMENT_NOUNS, MEDIUM_NOUNS,
    PLATFORMS, SPEECH_VERBS, UTTERANCE_NOUNS, _MEDIUM_PREPS, _WORD,
)
from .quote_spans import QuoteSpan, _opening
from .actor_persons import _sent_index


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


def _copy_attribution(att: Attribution) -> Attribution:
    """`dataclasses.replace(att)` without its per-call field introspection."""
    new = object.__new__(Attribution)
    new.__dict__.update(att.__dict__)
    return new


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


class _CueFinder:
    """The extractor stage that finds a quotation's cue: the governing or nearest reporting verb,
    a colon introduction, an adjacent attribution sentence, an utterance noun's owner."""

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
        doc = self.doc
        tokens, heads, deps = doc_tokens(doc), token_heads(doc), token_ids(doc, "DEP")
        strings = doc.vocab.strings
        naming = {strings[d] for d in ("nsubj", "nsubjpass", "agent", "poss")}
        root = strings["ROOT"]
        best = None
        for t in range(i, min(j, len(tokens))):  # (walked on token indices: no Token per step)
            h = t
            for depth in range(7):
                if heads[h] == h:
                    break
                below, h = h, heads[h]
                if i <= h < j:
                    break  # attached inside the quote
                if deps[h] in naming:
                    break  # the quote is part of a speaker's name ('Residents of the "safe zone" say')
                if self._is_cue(tokens[h], governing=True) and self._characterises(tokens[h], tokens[below]):
                    if best is None or depth < best[0]:
                        best = (depth, tokens[h])
                    break
                if deps[h] == root:
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

    def _comma_intro(self, q: _Quote) -> bool:
        """'Senator Lindsey Graham spoke on Fox News, "This is ..."': a whole sentence quoted after a
        clause and a comma, as after a colon."""
        if q.span.open_mark < 0 or not self.text[:q.span.open_mark].rstrip().endswith(","):
            return False
        content = self.text[q.span.start:q.span.end]
        words = _WORD.findall(content)
        return content[:1].isupper() and len(words) >= 4 and not _title_case(words) \
            and bool(re.search(r"[.!?]['’\"”]?\s*$", content)) \
            and self.para_of(q.span.start) == self.para_of(self.text.rfind(",", 0, q.span.open_mark))

    def _comma_cue(self, q: _Quote) -> Attribution:
        """The speaker of a sentence quoted after a clause and a comma: the subject of the clause's
        verb when it is a speech verb or an actor ('Mick Jagger also reacted on Twitter, "..."'),
        not a thing ('The relationship was effectively, "..."')."""
        comma = self.text.rfind(",", 0, _opening(q.span))
        ci, _ = _token_range(self.doc, comma, comma + 1)
        if ci == 0:
            return Attribution()
        verb = self.doc[ci - 1]
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and verb.head.i < ci:
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX") or self.in_quote[verb.i]:
            return Attribution()
        att = self._attribution_of_cue(verb, "colon")
        if not att.found or not (self.speakers._is_speech_verb(verb) or att.kind in ("person", "organization", "group")):
            return Attribution()
        return att

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
        # The speaker of a cue is asked again by later passes (a quote's own cue is often a speech
        # event's too): named once per cue and set of speakers, a copy handed out each time,
        # since callers fill in the rest of their Attribution.
        named_cues = self.__dict__.setdefault("_named_cues", {})
        key = (id(self.speakers), cue.i)
        named = named_cues.get(key)
        if named is None or named[0] is not self.speakers:
            named = named_cues[key] = (self.speakers, self.speakers.name(self.speakers.speaker_token(cue)))
        att = _copy_attribution(named[1])
        att.cue, att.how, att.cue_token = _cue_lemma(cue), how, cue.i
        att.medium = att.medium or medium_of(cue)
        return att

"""Reported speech: verbs of saying with a complement clause, indirect questions, research
findings and "according to", and where the reported clause starts and ends (`_ReportedClauses`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Token

from .nlp import doc_tokens, token_flags
from .quote_words import (
    CHARACTERISING_VERBS, CONTENT_NOUNS, DOCUMENT_NOUNS, EVIDENCE_VERBS, INDIRECT_VERBS, MEDIUM_NOUNS,
    RELATIVE_PRONOUNS, RESEARCH_NOUNS, SPEAKER_ACTS, SPEECH_VERBS, _EVENT_LEMMAS, _SAY_VERBS, _is_according,
    _is_event_lemma,
)
from .actor_persons import _sent_index

_SENTENCE_END = re.compile(r"[.!?:;][-–—]*$")  # text that ends a sentence ('headscarf.-')
_OPENING_MARKS = '"“'
from .quote_cues import _cue_lemma, _is_verbish, _marked


class _ReportedClauses:
    """The extractor stage for reported speech: speech events and the extent of their clauses."""

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
            content = self._without_speaker_title(self._complement(tok), tok)
            att = self._attribution_of_cue(tok, "indirect")
            events.append({"cue": tok, "att": att, "content": content})
        return events

    def _without_speaker_title(self, content: tuple[int, int] | None, cue: Token) -> tuple[int, int] | None:
        """'S, Troy police Lt. Gerry Scherlinck said.': the parser took the title before the name for
        the end of the reported clause; the clause ends at the comma before it. Only when the clause
        runs up to the name right before the verb and what follows its last comma is nothing but
        nouns and names."""
        if content is None:
            return None
        i, j = content
        doc = self.doc
        if j > cue.i:
            return content
        between = doc_tokens(doc)[j:cue.i]
        if not between or not all(t.pos_ == "PROPN" or t.is_punct for t in between) \
                or not any(t.pos_ == "PROPN" for t in between):
            return content
        comma = next((k for k in range(j - 1, i, -1) if doc[k].text == ","), None)
        if comma is None or j - comma > 6:
            return content
        tail = doc_tokens(doc)[comma + 1:j]
        if not all(t.pos_ in ("PROPN", "NOUN") or t.text == "." for t in tail):
            return content
        return self._trim(i, comma)

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
        glued = self._clause_parsed_as_object(tok)
        if glued is not None:
            return glued
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

    def _clause_parsed_as_object(self, tok: Token) -> tuple[int, int] | None:
        """'Police said two women and one man, between 30 and 40, choked on smoke': the parser took
        the clause's subject for the object of "said" and hung its verb on it. "Say" takes no such
        object: from the object to the verb's clause is what was said."""
        if tok.lemma_.lower() not in ("say", "report", "add"):
            return None
        obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
        if obj is None or obj.left_edge.i != tok.i + 1 or obj.lemma_.lower() in CONTENT_NOUNS:
            return None
        # a finite verb below "said" with no subject of its own (nor a relative pronoun)
        verb = next((t for t in doc_tokens(self.doc)[obj.i + 1:tok.sent.end]
                     if t.dep_ in ("acl", "relcl", "advcl") and t.tag_ in ("VBD", "VBZ", "VBP")
                     and tok in t.ancestors and not self.in_quote[t.i]
                     and not any(k.dep_ in ("nsubj", "nsubjpass", "mark") or k.lower_ in RELATIVE_PRONOUNS
                                 or k.tag_ in ("WDT", "WP", "WRB") for k in t.children)), None)
        if verb is None:
            return None
        end = max(verb.right_edge.i, obj.right_edge.i) + 1
        return self._trim(obj.left_edge.i, end)

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
        if any(self.in_quote[k] and not self.doc[k].is_punct for k in range(lo, hi)):
            return True
        if clause.i < cue.i and any(self.in_quote[k] for k in range(lo, hi)):
            # only the closing mark of a quotation the clause ends with stands between: no quotation
            # between when the clause goes on into it in lower case ('Greeks must understand that
            # without these measures, "the situation would be worse," he said.'); one opening with a
            # capital is a sentence of its own the parser ran into the words before it ('... a
            # headscarf.- "Going there showed ...," says X', 'READ MORE: ... "The depth of ...," X said')
            k = clause.right_edge.i
            while k > clause.left_edge.i and self.in_quote[k - 1]:
                k -= 1
            start = clause.left_edge.i
            last = self.doc[clause.right_edge.i]
            words = self.text[self.doc[start].idx:last.idx + len(last)]
            mark = max(words.rfind(c) for c in _OPENING_MARKS)
            after = re.search(r"[^\W\d_]", words[mark + 1:]) if mark >= 0 else None
            # (nor a clause holding other quoted words, or opening right after a mark: broken marks)
            opened_by_mark = start > 0 and self.doc[start - 1].is_quote
            return mark <= 0 or after is None or not after.group().islower() or opened_by_mark \
                or any(self.in_quote[t] for t in range(start, k)) or bool(_SENTENCE_END.search(words[:mark].rstrip()))
        return False

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

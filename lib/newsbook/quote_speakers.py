"""Speakers: who a cue's subject is (`_Speakers.speaker_token`), how a speaker phrase is named
as an actor (`_SpeakerNames`), and how pronouns, role phrases and definite descriptions
resolve to an earlier actor (`_Antecedents`)."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .nlp import doc_text, doc_tokens
from .quote_words import (
    DOCUMENT_NOUNS, FIRST_PERSON, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS, PLATFORMS, PLURAL_PRONOUNS,
    QUANTIFIERS, RELATIVE_PRONOUNS, RESEARCH_NOUNS, ROLE_NOUNS, SPEECH_VERBS, TEAM_NOUNS, THING_PRONOUNS,
    _ABBREVIATED_TITLE, _COUNT_WORDS, _ISSUING_VERBS, _TITLE_ABBREVIATIONS, ENTOURAGE_NOUNS, NEWSPAPER_NOUNS,
)
from .actor_persons import _Actors, _Ref, _actor_gender, _clean_name, _sent_index, _sent_starts
from .quote_cues import Attribution, _is_passive, _is_verbish


def _joint_holder(tok: Token | None) -> Token | None:
    """The token the 'and' of joint speakers hangs on: `tok` itself ("Germany and France said"),
    or its apposition ("the commerce secretary, Gary Locke, and the interior secretary, ...")."""
    if tok is None:
        return None
    if any(c.dep_ == "cc" and c.lower_ == "and" for c in tok.children) and any(c.dep_ == "conj" for c in tok.children):
        return tok
    for t in (c for c in tok.children if c.dep_ == "appos"):
        # (not "Jonathan Cope, founder and managing partner": the second title names nobody)
        if any(c.dep_ == "cc" and c.lower_ == "and" for c in t.children) and any(
                c.dep_ == "conj" and (c.pos_ == "PROPN" or any(k.dep_ == "appos" and k.pos_ == "PROPN" for k in c.children))
                for c in t.children):
            return t
    return None


def _plural_name(doc: Doc, ref: _Ref) -> bool:
    """A one-word actor written as a plural ('Greeks', 'Democrats'): no 'he' or 'she'."""
    i, j = ref.tokens
    return j - i == 1 and len(ref.actor.split()) == 1 and doc[i].tag_ in ("NNS", "NNPS")


def _new_referent(tok: Token) -> bool:
    """A plural ("officials said", "Deputies said") or indefinite ("an Interior official said")
    description brings in a new, unnamed source: it is nobody named before."""
    if tok.tag_ in ("NNS", "NNPS"):
        return True
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "another", "some", "one") for c in tok.children)


def _trimmed_right_edge(tok: Token) -> int:
    """Right edge of `tok`'s phrase without relative clauses, participles and appositions."""
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis"):
            break
        right = max(right, _trimmed_right_edge(c))
    return right


class _SpeakerNames:
    """Names a speaker phrase as an actor: the noun phrase, the covering mention, counting words,
    a name after a title."""

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
        holder = _joint_holder(tok)
        if holder is None or not att.found:
            return att
        names, last = [att.speaker], tok
        for c in holder.children:
            if c.dep_ == "conj":
                sub = self._name_one(c)
                if not sub.found or (holder is not tok and sub.kind != "person"):
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
        if low in PLURAL_PRONOUNS and self._plural_source(tok) is not None:
            return self._they(tok)
        if low in PERSON_PRONOUNS or low in THING_PRONOUNS or low in PLURAL_PRONOUNS:
            ref = self.resolve_pronoun(tok)
            att = Attribution(speaker_text=tok.text, speaker_start=tok.idx, speaker_end=tok.idx + len(tok))
            if ref is not None:
                att.speaker, att.kind = ref.actor, ref.kind
            elif low in PERSON_PRONOUNS:
                holder = self._role_subject_above(tok)
                if holder is not None:  # "The Greek prime minister denounced what he called ..."
                    return self._name_one(holder)  # (the role phrase: the story may name it)
            return att
        if low in FIRST_PERSON or low == "you":
            # (an interviewer's "you said" names nobody the article has named)
            return Attribution()
        if low in QUANTIFIERS or tok.like_num:
            named = self._named_in_apposition(tok)
            if named is not None:  # "One of these groups, the Syrian Democratic Forces (SDF), said"
                return Attribution(named.actor, doc_text(doc)[named.start:named.end], named.start, named.end,
                                   kind=named.kind)
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
            if not issuers and tok.lemma_.lower() in NEWSPAPER_NOUNS:
                outlet = self._described_outlet(tok)
                if outlet is not None:  # "Centre-left daily Eleftherotypia warned ... , the paper said"
                    att.speaker, att.kind = outlet.actor, "organization"
                    return att
            if not issuers and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
                # "The proclamation said" with no issuer named: the one who issued it is the actor
                # the story opens with ("President X declared a national emergency")
                ref = self._lede_subject()
                if ref is not None:
                    att.speaker, att.kind = ref.actor, ref.kind
                    return att
            if issuers and self._issued_by(att, issuers, i, j):
                return att
        if tok.tag_ == "NNS" and tok.lemma_.lower() in DOCUMENT_NOUNS | RESEARCH_NOUNS and not self._issuers(tok):
            # "Recent polls show", "Documents show": evidence nobody in particular issued, no voice
            att.medium = tok.lemma_.lower()
            return att
        # A person in apposition names the speaker, even when the parser hung the apposition on a
        # nested noun ("the chairman of the European Commission, Jean-Claude Juncker, warned").
        if tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and not tok.ent_type_ and tok.lemma_.lower() in ROLE_NOUNS):
            # ("The Vice President, Mike Pence, said": the tagger takes the capitalised title for a name)
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
        if ref is not None and ref.kind == "person" and not (ref.tokens[0] <= tok.i < ref.tokens[1]) \
                and tok.lemma_.lower() in ENTOURAGE_NOUNS:
            # "the Obama administration said": the administration speaks, not the president
            att.speaker, att.kind = _clean_name(re.sub(r"^(?:the|The)\s+", "", att.speaker_text)), "organization"
            return att
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
            # "President of Ukraine Volodymyr Zelenskyy said", "Ambassador to the UN Nikki Haley
            # wrote": the name ends the title's of- (to-) phrase, even where the tagger took it for
            # part of the organisation's name
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in ("of", "to"):
                    for p in c.children:
                        named = self._person_named_at(p) if p.dep_ == "pobj" and p.pos_ == "PROPN" else None
                        if named is not None:
                            return Attribution(named.actor, doc_text(doc)[named.start:named.end], named.start,
                                               named.end, kind="person")
        if (tok.lemma_.lower() in ROLE_NOUNS or any(t.lemma_.lower() in ROLE_NOUNS for t in span)) \
                and not _new_referent(tok):
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

    def _issued_by(self, att: Attribution, issuers: list, i: int, j: int) -> bool:
        """A document's issuers (tokens) named as its speaker onto `att`, the span stretched over
        them; False when none of them names anyone."""
        doc = self.doc
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
        if not names:
            return False
        att.speaker = " and ".join(names)
        att.kind = kinds[0] if len(set(kinds)) == 1 else "organization"
        i2 = min([i] + [t.left_edge.i for t in issuers])
        j2 = max([j] + [t.right_edge.i + 1 for t in issuers])
        att.speaker_start, att.speaker_end = doc[i2].idx, doc[j2 - 1].idx + len(doc[j2 - 1])
        att.speaker_text = doc_text(doc)[att.speaker_start:att.speaker_end]
        return True

    def _role_subject_above(self, tok: Token) -> Token | None:
        """For a 'he' / 'she' no earlier name stands for: the subject of a verb the pronoun's clause
        hangs on, when it comes before the pronoun and is one person described by a role ('The
        Greek prime minister has denounced what he called ...', 'the mayor said she would ...')."""
        verb = tok.head
        for _ in range(4):
            if verb.head.i == verb.i:
                break
            verb = verb.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < tok.i), None)
            if subj is not None:
                if subj.tag_ == "NN" and subj.lemma_.lower() in ROLE_NOUNS | PERSON_NOUNS and not _new_referent(subj) \
                        and not self.in_quote[subj.i]:
                    return subj
                return None
        return None

    def _named_in_apposition(self, tok: Token) -> _Ref | None:
        """The actor an apposition of `tok` names ('One of these groups, the Syrian Democratic Forces,')."""
        for c in tok.children:
            if c.dep_ == "appos" and c.i > tok.i:
                ref = self.actors.covering(c.idx, c.idx + len(c), prefer=c)
                if ref is not None and ref.kind in ("person", "organization", "group"):
                    return ref
        return None

    def _they(self, tok: Token) -> Attribution:
        """'Deputies said X. They said Y', 'A and B agreed. They said Y': the same source goes on
        speaking."""
        att = self.name(self._plural_source(tok))
        att.speaker_text, att.speaker_start, att.speaker_end = tok.text, tok.idx, tok.idx + len(tok)
        return att

    def _plural_source(self, tok: Token) -> Token | None:
        """For 'they said': the unnamed plural source ('Deputies', 'officials') that spoke last, when
        the latest saying in this or the two sentences before has one for its subject."""
        sent_i = _sent_index(self.doc, tok.i)
        for back in range(0, 3):
            si = sent_i - back
            if si < 0:
                break
            start, end = _sent_starts(self.doc)[si], tok.i if back == 0 else (
                _sent_starts(self.doc)[si + 1] if si + 1 < len(_sent_starts(self.doc)) else len(self.doc))
            subjects = [t for t in doc_tokens(self.doc)[start:end]
                        if t.dep_ == "nsubj" and self._is_speech_verb(t.head) and not self.in_quote[t.i]]
            if subjects:
                last = subjects[-1]
                plural_noun = last.tag_ in ("NNS", "NNPS") and not last.ent_type_ and last.lower_ not in PLURAL_PRONOUNS
                return last if plural_noun or _joint_holder(last) is not None else None
        return None

    def _person_named_at(self, tok: Token) -> _Ref | None:
        """The person whose name covers `tok`, or an actor of another kind whose name opens with a
        given name ("Nikki Haley" split off "the United Nations Nikki Haley")."""
        named = self.actors.covering(tok.idx, tok.idx + len(tok), kinds={"person"})
        if named is not None:
            return named
        ref = self.actors.covering(tok.idx, tok.idx + len(tok))
        if ref is not None and len(ref.actor.split()) >= 2 and _actor_gender(ref.actor):
            return ref
        return None

    def _described_outlet(self, tok: Token) -> _Ref | None:
        """For 'the paper said': the latest actor the article introduced as a newspaper ('the daily
        Kathimerini', 'the Athens newspaper Ta Nea', 'Le Monde, a French daily')."""
        for ref in reversed(self.actors.refs):
            if ref.start >= tok.idx:
                continue
            i, j = ref.tokens
            near = doc_tokens(self.doc)[max(0, i - 3):min(len(self.doc), j + 4)]
            if any(t.lower_ in NEWSPAPER_NOUNS and not (i <= t.i < j) for t in near):
                return ref
        return None

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
        joint = self._joint_people(tok, n)
        if joint:  # "the commerce secretary, Gary Locke, and the interior secretary, Ken Salazar, agreed"
            return joint
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

    def _joint_people(self, tok: Token, n: int) -> list[str]:
        """For 'the two men said': the latest subject before `tok` (within three sentences) that joins
        exactly `n` people ('A and B agreed'), however many other people were named in between."""
        sent_i = _sent_index(self.doc, tok.i)
        lo = _sent_starts(self.doc)[max(0, sent_i - 3)]
        for t in reversed(doc_tokens(self.doc)[lo:tok.i]):
            if t.dep_ not in ("nsubj", "nsubjpass") or self.in_quote[t.i] or _joint_holder(t) is None:
                continue
            att = self.name(t)
            names = att.speaker.split(" and ") if att.kind == "person" else []
            if len(names) == n:
                return names
        return []

    def _name_after_title(self, span) -> _Ref | None:
        """'according to Troy police Lt. Gerry Scherlinck': the parser ends the phrase at the
        abbreviated title; the person named right after it is the speaker."""
        last = span[-1]
        word = last.lower_.rstrip(".")
        if word not in _TITLE_ABBREVIATIONS and last.lemma_.lower() not in ROLE_NOUNS:
            return None
        text = doc_text(self.doc)
        pos = span.end_char
        for _ in range(4):  # "Dist. Atty. Steve Cooley", "Asst. Atty. Gen. Mary Lane": titles in a row
            gap_end = pos
            while gap_end < len(text) and text[gap_end] in ". \t":
                gap_end += 1
            if gap_end - pos > 3:
                return None
            nxt = _ABBREVIATED_TITLE.match(text, gap_end)
            if nxt is None or nxt.group(1).lower() not in _TITLE_ABBREVIATIONS:
                break
            pos = nxt.end(1)
        return self.actors.covering(gap_end, gap_end + 1, kinds={"person"})


class _Antecedents:
    """Resolves pronouns, role phrases and definite descriptions to an earlier actor of the article."""

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
                # (and number: 'he' is not 'Greeks' or 'the Smiths')
                cands = [r for r in cands if _actor_gender(r.actor) in {PERSON_PRONOUNS[low], ""}
                         and not _plural_name(doc, r)]
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


class _Speakers(_SpeakerNames, _Antecedents):
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
        return self._name_before_comma(cue) or self._name_after_inverted(cue)

    def _name_after_inverted(self, cue: Token) -> Token | None:
        """'"...," said ABC Entertainment Group prexy Paul Lee.': after a quotation the parser found
        no subject in the title before the name; the person named within the next words is it."""
        doc = self.doc
        if cue.i == 0 or not (self.in_quote[cue.i - 1] or doc[cue.i - 1].text in (",", "”", '"')):
            return None
        for k in range(cue.i + 1, min(cue.i + 8, cue.sent.end)):
            if self.in_quote[k] or doc[k].text in (".", ";", ":"):
                return None
            ref = self.actors.covering(doc[k].idx, doc[k].idx + len(doc[k]), kinds={"person"})
            if ref is not None:
                return doc[ref.tokens[1] - 1]
        return None

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

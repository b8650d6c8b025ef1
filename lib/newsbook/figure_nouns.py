"""What a figure counts: its noun from spaCy's dependency parse (`_assign_noun`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc, Token

from .figure_lexicon import (CHANGE_NOUNS, CHANGE_VERBS, GENERIC_NOUNS, LEVEL_NOUNS, MEASURE_VERBS, MONTHS,
                             NAME_ENTS, OF_NOUNS, PERIOD_NOUNS, PLURAL_LEMMAS, TIME_UNITS, TOLL_NOUNS,
                             VAGUE_PLURALS, VOTE_NOUNS, WEEKDAYS)
from .figure_numbers import _Fig
from .figure_context import _is_title_case
from .nlp import sentence_of_token


# ------------------------------------------------------------------------------------------------
# What the figure counts
# ------------------------------------------------------------------------------------------------


def _noun_token(doc: Doc, fig: _Fig):
    """The token naming what the figure counts, or None."""
    span_ids = set(range(fig.start, fig.end))
    anchor = doc[fig.anchor] if 0 <= fig.anchor < len(doc) else doc[fig.start]
    # climb to the span's top token
    top = anchor
    seen = 0
    while top.head.i in span_ids and top.head.i != top.i and seen < 10:
        top = top.head
        seen += 1
    # the span's own tokens may head the phrase ("%", "dollars", "barrels") -> look at their children
    for t in [doc[k] for k in sorted(span_ids)]:
        if t.head.i not in span_ids or t.head.i == t.i:
            top = t if t.i in fig.extra_tokens or top.i not in span_ids else top

    def good(t: Token) -> bool:
        nominal = t.pos_ in ("NOUN", "PROPN") or t.pos_ == "ADJ" and t.dep_ in ("nsubj", "nsubjpass")
        if nominal and t.i not in span_ids and not t.like_num:
            lw = t.lower_
            if lw in TIME_UNITS and fig.kind not in ("measure",):
                return False
            if lw in MONTHS or lw in WEEKDAYS:
                return False
            return True
        return False

    def through_of(t: Token) -> Token:
        """'the number of X' -> X; 'death toll' -> death; 'a total of X' -> X."""
        lem = t.lemma_.lower()
        if lem in OF_NOUNS or lem in CHANGE_NOUNS and fig.kind in ("percent", "money", "measure", "range"):
            preps = ("of", "among") if lem in OF_NOUNS else ("in", "of")
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ in preps:
                    for p in c.children:
                        if p.dep_ == "pobj" and good(p):
                            return through_of(p)
                        if p.dep_ == "pobj" and p.pos_ == "PRON":
                            return t
        if lem in TOLL_NOUNS:
            for c in t.children:
                if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ") and c.i < t.i:
                    return c
        return t

    def of_child(t: Token):
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "among"):
                for p in c.children:
                    if p.dep_ == "pobj" and good(p):
                        return p
                    if p.dep_ == "pobj" and p.like_num:
                        # "three out of four voters", "one in five Americans"
                        pass
            if c.dep_ == "prep" and c.lower_ in ("out", "in") and fig.kind == "count":
                for p in c.subtree:
                    if p.like_num and p.i != t.i and p.head.pos_ in ("NOUN", "PROPN") and good(p.head):
                        return p.head
        return None

    head = top.head
    dep = top.dep_
    # 1. a unit token inside the span heads "of X": "5% of voters", "3 million barrels of oil"
    for k in fig.extra_tokens + [top.i]:
        t = doc[k]
        oc = of_child(t)
        if oc is not None:
            return through_of(oc)
    # 2. the number modifies a noun: "755 US diplomats", "a $5m contract", "a 3,000-strong crowd"
    if dep in ("nummod", "compound", "amod", "nmod", "quantmod", "npadvmod", "dep", "appos", "conj", "poss") \
            and head.i not in span_ids:
        h = head
        # "3,000-strong crowd": number -> strong (ADJ) -> crowd
        if h.pos_ == "ADJ" and h.head.pos_ in ("NOUN", "PROPN") and h.dep_ == "amod":
            h = h.head
        if good(h) and h.i > top.i and not (h.lower_ in TIME_UNITS and fig.kind == "count" and dep != "nummod"):
            if fig.kind == "vote" and h.lower_ in VOTE_NOUNS:
                return h
            if h.lower_ in TIME_UNITS and fig.kind == "count" and dep == "nummod":
                return None
            if fig.kind in ("percent", "money", "range") and h.lemma_.lower() in CHANGE_NOUNS:
                t2 = through_of(h)
                return t2 if t2 is not h else h
            if h.pos_ == "PROPN" and h.ent_type_ in ("GPE", "NORP") and dep == "compound":
                pass
            else:
                return through_of(h)
    # 3. "35 of the diplomats"
    oc = of_child(top)
    if oc is not None:
        return through_of(oc)
    # 4. the number is an argument: "bringing to 455 the number of X", "the number of X fell to 455",
    #    "unemployment rose to 5%", "turnout was 65%", "US forces numbered 2,500"
    gov = None
    count_preps = ("to", "at", "by", "from", "of", "around", "about", "near", "over", "under", "than",
                   "above", "below", "past", "beyond", "toward", "towards")
    if dep == "pobj" and head.dep_ in ("prep", "agent", "dative") and (
            head.lower_ in count_preps or fig.kind != "count"):
        gov = head.head
        # "revenue of $65.8bn", "a population of 1.4 billion", "a crowd of around 10,000"
        if (head.lower_ == "of" or head.lower_ == "at" and fig.kind != "count") and good(gov) and \
                gov.lemma_.lower() not in LEVEL_NOUNS | CHANGE_NOUNS | OF_NOUNS:
            return gov
        # "an increase of 5%", "a rise to 5%"
        if gov.pos_ in ("NOUN",) and gov.lemma_.lower() in CHANGE_NOUNS | OF_NOUNS:
            t2 = through_of(gov)
            if t2 is not gov:
                return t2
            g2 = gov.head
            if gov.dep_ in ("dobj", "nsubj") and g2.pos_ in ("VERB", "AUX"):
                gov = g2
            else:
                return gov if fig.kind != "count" else None
    elif dep in ("dobj", "attr", "npadvmod", "nsubj", "nsubjpass", "acomp", "advmod", "oprd", "ROOT",
                 "conj", "appos", "pobj", "compound", "nummod", "amod", "nmod"):
        gov = head if dep != "ROOT" else top
    # "closed down 1.2 percent", "is worth $2.7bn": climb from the adverb/adjective to the verb
    hops = 0
    while gov is not None and (gov.pos_ in ("ADV", "ADP", "ADJ", "PART") or gov.pos_ == "NOUN" and not good(gov)) \
            and gov.head.i != gov.i and hops < 2:
        gov = gov.head
        hops += 1
    if gov is not None and hops and fig.kind != "count" and gov.pos_ in ("NOUN", "PROPN") and good(gov):
        return through_of(gov)  # "assets worth more than $1.3 trillion"
    if gov is not None and gov.pos_ in ("VERB", "AUX"):
        args = [c for c in gov.children if c.i not in span_ids]
        order = ("dobj", "nsubjpass", "nsubj", "attr") if dep == "pobj" else ("nsubj", "nsubjpass", "dobj", "attr")
        measure_verb = gov.lemma_.lower() in MEASURE_VERBS or gov.lemma_.lower() in CHANGE_VERBS
        for d in order:
            for c in args:
                if c.dep_ == d and good(c):
                    t2 = through_of(c)
                    if fig.kind == "count" and t2 is c and c.lemma_.lower() not in OF_NOUNS and \
                            not (measure_verb or dep in ("attr", "pobj") and d in ("nsubj", "nsubjpass")
                                 or dep == "pobj" and d == "dobj" and gov.lemma_.lower() in CHANGE_VERBS):
                        continue  # "Police arrested 300": the subject is not what is counted
                    return t2
        # "is expected to rise to 5%": the subject of the governing verb
        if fig.kind != "count":
            for anc in [gov, *gov.ancestors][:4]:
                for c in anc.children:
                    if c.dep_ in ("nsubj", "nsubjpass") and good(c):
                        return through_of(c)
    return None


def _phrase(doc: Doc, t: Token, fig: _Fig) -> str:
    """The counted phrase as written: the noun with its left modifiers and a following 'of X'/conjunct."""
    span_ids = set(range(fig.start, fig.end))
    left = t.i
    for c in t.lefts:
        if c.i in span_ids or c.dep_ in ("det", "predet", "poss") or c.like_num:
            continue
        if c.dep_ in ("amod", "compound", "nmod", "npadvmod", "nummod") and c.i >= fig.end - 1:
            left = min(left, c.left_edge.i)
    while left < t.i and (doc[left].i in span_ids or doc[left].is_punct or doc[left].dep_ == "det"):
        left += 1
    right = t.i
    for c in t.rights:
        if c.dep_ in ("cc",) or (c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")
                                 and not c.like_num and c.lower_ not in VAGUE_PLURALS):
            right = max(right, c.i)
        else:
            break
    if doc[right].dep_ == "cc":
        right -= 1
    return doc[left:right + 1].text


def _lemma(t: Token) -> str:
    """Lemma of the counted noun: names keep their spelling, common nouns are lower-cased."""
    if t.pos_ == "PROPN" and not (t.i == t.sent.start and t.ent_type_ not in NAME_ENTS) and \
            not (t.text.isupper() and len(t.text) > 4 and t.ent_type_ not in NAME_ENTS):
        return t.text
    lem = t.lemma_.lower()
    low = t.lower_
    if low in PLURAL_LEMMAS:
        return PLURAL_LEMMAS[low]
    if lem in ("%",):
        return "percent"
    if t.tag_ == "NNS" and low.endswith(("sses", "xes", "zzes")) and lem != low[:-2]:
        return low[:-2]  # the lemmatiser turns "bosses" into "bosse", "taxes" into "taxis"
    if t.tag_ == "NNS" and low == lem + "es" and lem.endswith("s"):
        return low[:-1]  # the lemmatiser turns "doses" into "dos"
    return lem


def _span_top(doc: Doc, fig: _Fig) -> Token:
    """The token of the figure's span whose head lies outside it (its syntactic attachment)."""
    span_ids = set(range(fig.start, fig.end))
    top = doc[fig.anchor] if 0 <= fig.anchor < len(doc) else doc[fig.start]
    for _ in range(10):
        if top.head.i in span_ids and top.head.i != top.i:
            top = top.head
        else:
            break
    return top


SCORE_VERBS = {"beat", "win", "lose", "draw", "lead", "trail", "defeat", "thrash", "edge", "rout", "tie",
               "score", "hammer", "crush", "down", "overcome", "level", "finish", "end"}


def _vote_noun(doc: Doc, fig: _Fig) -> str:
    """'vote' for votes (and a vote noun the figure modifies: ruling, majority ...), 'score' for games."""
    span = doc[fig.start:fig.end]
    if any(t.lower_ in ("vote", "votes") for t in span):
        return "vote"
    top = _span_top(doc, fig)
    for t in (top.head, *[doc[k] for k in range(fig.end, min(len(doc), fig.end + 2))]):
        if t.lower_ in VOTE_NOUNS and t.pos_ == "NOUN" and t.i not in range(fig.start, fig.end):
            lem = t.lemma_.lower()
            return "vote" if lem in ("vote", "ballot", "tally", "count") else lem
    for t in top.ancestors:
        if t.pos_ in ("VERB", "AUX"):
            if t.lemma_.lower() in SCORE_VERBS:
                return "score"
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in VOTE_NOUNS:
                    lem = c.lemma_.lower()
                    return "vote" if lem in ("vote", "ballot", "tally", "count") else lem
            return "vote"
    return "vote"


def _assign_noun(doc: Doc, fig: _Fig) -> None:
    if fig.kind == "ordinal" and not fig.noun and fig.end < len(doc) and doc[fig.end].lower_ in TIME_UNITS:
        fig.noun = TIME_UNITS[doc[fig.end].lower_]  # "the 35th day of the shutdown"
        return
    if fig.kind in ("date", "ordinal") or fig.noun:
        return
    if fig.kind == "vote":
        fig.noun = _vote_noun(doc, fig)
        return
    t = None
    if fig.kind in ("money", "range") and fig.end + 1 < len(doc):
        # "£300m in aid", "$2m worth of drugs", "$5bn of loans"
        k = fig.end
        if doc[k].lower_ == "worth" and k + 1 < len(doc) and doc[k + 1].lower_ == "of":
            k += 1
        if doc[k].lower_ in ("in", "of", "worth"):
            for c in doc[k].children:
                if c.dep_ == "pobj" and c.pos_ == "NOUN" and c.lower_ not in TIME_UNITS and \
                        c.ent_type_ not in ("DATE", "TIME") and c.lemma_.lower() not in PERIOD_NOUNS:
                    t = c
    if t is None:
        t = _noun_token(doc, fig)
    if t is None and fig.kind in ("count", "vague", "range") and fig.end < len(doc) and doc[fig.end].tag_ == "NNS":
        t = doc[fig.end]  # "3m shares": the parser hung the glued "m" on the verb, the noun still follows
    if t is not None and t.lemma_.lower() in GENERIC_NOUNS and fig.kind in ("count", "range") and \
            (t.tag_ != "NNS" or t.lemma_.lower() in ("other", "others", "more")):
        fig.elided = True  # "bringing the total to 12 million": inherit the previous count's noun
        return
    if t is None:
        # "one in five Americans": the number hangs on another number that counts a noun
        top = _span_top(doc, fig)
        h = top.head
        if h.i != top.i and h.like_num and h.dep_ == "nummod" and h.head.pos_ in ("NOUN", "PROPN"):
            t = h.head
    if fig.unit == "year of age":
        fig.noun = "age"
        if t is not None:
            fig.noun_phrase = _phrase(doc, t, fig)
        return
    if t is not None and _names_someone(doc, t, fig):
        t = None  # "Zhejiang Pharmaceutical rose to 8.29 yuan": a company is not what a price counts
    if t is not None:
        fig.noun, fig.noun_phrase = _lemma(t), _phrase(doc, t, fig)


def _names_someone(doc: Doc, t: Token, fig: _Fig) -> bool:
    """Whether the candidate noun is a person's or an organisation's name (never what a figure
    counts), outside Title Case headlines where every word is capitalised."""
    if _is_title_case(sentence_of_token(doc, fig.start)):
        return False
    if t.ent_type_ in ("PERSON", "ORG", "FAC", "WORK_OF_ART") and t.pos_ == "PROPN":
        return True
    return t.pos_ == "PROPN" and fig.kind in ("money", "percent", "measure") and t.ent_type_ not in ("NORP",)

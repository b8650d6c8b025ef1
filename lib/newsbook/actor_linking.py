"""Linking the mentions of one article to one name each: acronyms, short forms and blends of
organisation names, further occurrences of a found name, surnames and name variants (nicknames,
middle initials, honorifics and given-name gender must agree), and the settled kind of each actor."""

from __future__ import annotations

from collections import defaultdict
import functools
import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: reading saved tables must not import spaCy
    from spacy.tokens import Doc

from . import rules
from .nlp import doc_tokens
from .actor_lexicon import (
    Cand, replace, GROUP, HONORIFICS, KIND_RANK, ORG, ORG_WORDS, PERSON, PLACE, TITLE_HEADS, TITLE_MODIFIERS, _follow,
    _is_capital_acronym, _is_title_word, preferred_forms)
from .actor_candidates import _has_org_word, _span_name
from .actor_lexicon import given_name_gender  # noqa: F401 - linking's gender agreement; the actors facade exports it


def initials(name: str) -> set[str]:
    """Acronyms a name may go by: 'Department of Justice' -> {'doj', 'dj'}."""
    words = re.findall(r"[\w]+", name)
    every = "".join(w[0] for w in words).lower()
    capital = "".join(w[0] for w in words if w[0].isupper()).lower()
    return {a for a in (every, capital) if len(a) >= 2}


ACRONYM_GLUE = rules.words("acronym_glue")  # rules/acronym_glue.txt


@functools.lru_cache(maxsize=65536)  # pure, and join_organisations asks it for every pair of names
def is_acronym_of(short: str, name: str) -> bool:
    """'EU' of 'European Union', 'DoJ' of 'Department of Justice' (not 'US' of 'US Senate'); also
    'FDA' of 'U.S. Food and Drug Administration' and 'CDC' of 'Centers for Disease Control and
    Prevention' (one word at either end left out) and 'KEMRI' of 'Kenya Medical Research Institute'
    (a word's first letters)."""
    if not _may_be_acronym(short) or short in name.split() or len(name.split()) < 2:
        return False
    letters = _NON_WORD.sub("", short).lower()
    words = _acronym_words(name)
    content = [i for i, w in enumerate(words) if w not in ACRONYM_GLUE]
    variants = [words]
    if len(content) >= 3:  # an acronym often leaves out a leading country or a trailing word
        variants += [words[content[0] + 1:], words[:content[-1]]]
    return any(_spells(letters, v, 1) for v in variants)


_NON_WORD = re.compile(r"[^\w]")


@functools.lru_cache(maxsize=65536)
def _may_be_acronym(short: str) -> bool:
    """One word of at most ten characters with two capitals or more: the checks on the acronym
    alone, which rule out most names before any pair of names is compared."""
    return len(short.split()) == 1 and len(short) <= 10 and sum(c.isupper() for c in short) >= 2


@functools.lru_cache(maxsize=65536)
def is_blend_of(short: str, name: str) -> bool:
    """'Pemex' of 'Petróleos Mexicanos': a word made of the first syllables of every word."""
    words = [w for w in _acronym_words(name) if w not in ACRONYM_GLUE]
    return len(short) >= 4 and len(words) >= 2 and short.isalpha() and _spells(short.lower(), words, 2)


@functools.lru_cache(maxsize=65536)  # pure; asked for every pair of names (do not change the tuple)
def _acronym_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in (_NON_WORD.sub("", w).lower() for w in name.replace("-", " ").split()) if w)


def _spells(letters: str, words: list[str], min_chunk: int) -> bool:
    """Whether `letters` are the starts of `words` in order: each word gives its first letters
    (at least `min_chunk`); a small word gives its first letter or nothing."""
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if word in ACRONYM_GLUE:
        return _spells(letters, rest, min_chunk) or (letters[:1] == word[:1] and _spells(letters[1:], rest, min_chunk))
    for k in range(min_chunk, min(len(word), len(letters)) + 1):
        if letters[:k] == word[:k] and _spells(letters[k:], rest, min_chunk):
            return True
    return False


def propagate(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Every further occurrence of a found name is a mention (the model misses repeats)."""
    from spacy.attrs import ORTH

    # names compared as tuples of the tokens' spelling ids (the Doc's ORTH array): no Token is
    # built for the many candidates and name-like words that match nothing
    orth_array = doc.to_array(ORTH)
    orths = orth_array.tolist()
    tokens = doc_tokens(doc)
    taken = {i for c in cands for i in range(c.start, c.end)}
    sources: dict[tuple[int, ...], Cand] = {}
    for c in cands:
        if c.how in {"name", "alias"}:
            key = tuple(orths[c.start:c.end])
            if key not in sources and any(len(t.text) >= 3 or t.text.isupper() for t in tokens[c.start:c.end]):
                sources[key] = c
    by_first: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for words in sorted(sources, key=len, reverse=True):
        by_first[words[0]].append(words)
    added = []
    # the tokens spelt like some name's first word
    first_words = np.fromiter(by_first, dtype=np.uint64, count=len(by_first))
    starts = np.flatnonzero(np.isin(orth_array, first_words)).tolist()
    for i in starts:
        for words in by_first.get(orths[i], ()):
            n = len(words)
            if any(j in taken for j in range(i, i + n)) or tuple(orths[i:i + n]) != words:
                continue
            if not _stands_alone(doc, i, n):
                continue
            source = sources[words]
            added.append(replace(source, start=i, end=i + n, votes={k: 0.0 for k in source.votes}, role=None))
            taken.update(range(i, i + n))
            break
    return cands + added


def _stands_alone(doc: Doc, i: int, n: int) -> bool:
    """Not a common word that happens to be spelt like the name, nor part of a longer untagged name."""
    tokens = doc_tokens(doc)
    if n == 1 and tokens[i].pos_ not in {"PROPN", "NOUN"} \
            and not (tokens[i].is_upper and len(tokens[i].text) >= 2
                     and not (i + 1 < len(tokens) and tokens[i + 1].is_upper)):
        return False  # (an acronym the tagger read as a word, "WHO said", is a name)
    prev = tokens[i - 1] if i > 0 else None
    return not (prev is not None and prev.tag_ == "NNP" and prev.is_title and not prev.ent_type_
                and not _is_title_word(prev) and not prev.is_sent_start)


def person_full_names(doc: Doc, cands: list[Cand]) -> dict[str, list[str]]:
    """Surname -> full names (two or more words) of people in the article, in order of appearance."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in sorted(cands, key=lambda c: c.start):
        words = _span_name(doc, c).split()
        surname = _surname_key(surname_of(" ".join(words))) if len(words) >= 2 else ""
        if c.kind == PERSON and c.how == "name" and len(words) >= 2 and surname[:1].isupper():
            if " ".join(words) not in out[surname]:
                out[surname].append(" ".join(words))
    return out


def _surname_key(word: str) -> str:
    """'al-Sudani' and 'Al-Sudani' (at a sentence start) are one surname; 'da' in 'Lula da Silva' is no surname."""
    return word[:1].upper() + word[1:] if "-" in word[1:] else word


def link_names(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Each candidate with its article-local canonical name: a surname (or a shorter form of a name)
    joins the full name; with two namesakes, the one named last before it."""
    full = person_full_names(doc, cands)
    facts = _person_facts(doc, cands)
    firsts = _first_words(full)
    raw = {id(c): _span_name(doc, c) for c in cands}  # each candidate's text, cleaned once
    brands = {raw[id(c)].split()[0] for c in cands if c.kind == ORG and len(raw[id(c)].split()) >= 2}
    display = preferred_forms([raw[id(c)] for c in cands])
    people = [display[raw[id(c)]] for c in cands if c.kind == PERSON]
    variants = middle_name_variants(people)
    display = {text: variants.get(shown, shown) for text, shown in display.items()}
    out: list[Cand] = []
    for c in sorted(cands, key=lambda c: c.start):
        name = display[raw[id(c)]]
        if c.kind == GROUP and name.lower() in rules.words("group_nouns"):
            name = name.lower()  # 'Protesters said' at a sentence start are the protesters
        if c.how == "name" and c.link and name.isupper():
            name = c.link  # a dateline's 'MEXICO CITY' named nowhere else is shown as 'Mexico City'
        words = name.split()
        if c.how == "alias" and c.link:
            out.append(replace(c, name=c.link))
        elif len(words) == 1 and _surname_key(words[0]) in full and not _has_org_word(doc_tokens(doc)[c.start:c.end]) \
                and not (c.kind == ORG and words[0] in brands):  # 'Ford said' with Ford Motor and Bill Ford
            options = _agreeing(doc, c.start, full[_surname_key(words[0])], facts)
            out.append(replace(c, name=_nearest_before(out, options) or options[0], how="surname"))
        elif len(words) == 1 and c.kind == PERSON and len(firsts.get(words[0], ())) == 1:
            out.append(replace(c, name=firsts[words[0]][0], how="surname"))
        elif c.kind == PERSON and len(words) >= 2 and _longer_name(name, full.get(words[-1], [])):
            out.append(replace(c, name=_longer_name(name, full[words[-1]]), how="surname"))
        else:
            out.append(replace(c, name=name))
    return out



def _words_before(doc: Doc, start: int, n: int = 3) -> list[str]:
    """The lower-cased words right before token `start`, nearest first, a '.' glued to its word."""
    tokens = doc_tokens(doc)
    out: list[str] = []
    i = start - 1
    while i >= 0 and len(out) < n:
        text = tokens[i].lower_
        if text == "." and i >= 1:
            i -= 1
            text = tokens[i].lower_ + "."
        if not text.strip() or text in {",", "(", ")", "-", "—"}:
            break
        out.append(text)
        i -= 1
    return out


def _title_of(word: str) -> str:
    """A title word in its full form ('sen.' -> 'senator'), '' for a word that is no title."""
    word = rules.mapping("title_abbreviations").get(word, word)
    return word if word in TITLE_HEADS or word in HONORIFICS else ""


def honorific_gender(doc: Doc, start: int) -> str:
    """'f' after Mrs./Ms./Miss (or another woman's title), 'm' after Mr./Sir, else ''."""
    for word in _words_before(doc, start, 2):
        if word in rules.words("honorifics_female"):
            return "f"
        if word in rules.words("honorifics_male"):
            return "m"
    return ""


def _person_facts(doc: Doc, cands: list[Cand]) -> dict[str, tuple[str, frozenset[str]]]:
    """Full person name -> (gender, titles): the gender an honorific before one of its mentions or
    its given name says, and the titles written before its mentions ('Senator', 'Gov.')."""
    facts: dict[str, tuple[str, set[str]]] = {}
    for c in cands:
        words = _span_name(doc, c).split()
        if c.kind != PERSON or len(words) < 2:
            continue
        name = " ".join(words)
        gender, titles = facts.get(name, ("", set()))
        gender = gender or honorific_gender(doc, c.start) or given_name_gender(words[0])
        titles |= {t for t in map(_title_of, _words_before(doc, c.start)) if t}
        facts[name] = (gender, titles)
    return {n: (g, frozenset(t)) for n, (g, t) in facts.items()}


def _agreeing(doc: Doc, start: int, options: list[str], facts: dict) -> list[str]:
    """The full names a surname at token `start` may stand for, keeping those its honorific or title
    agrees with ('Mrs. Clinton' is not 'Bill Clinton'; 'Sen. Clinton' is the senator); all options
    when none or every one agrees."""
    gender = honorific_gender(doc, start)
    titles = {t for t in map(_title_of, _words_before(doc, start)) if t and t not in HONORIFICS}
    kept = options
    if gender:
        kept = [o for o in kept if facts.get(o, ("", ()))[0] in {gender, ""}] or kept
        exact = [o for o in kept if facts.get(o, ("", ()))[0] == gender]
        if exact and len(exact) < len(kept):
            kept = exact
    if titles:
        kept = [o for o in kept if titles & facts.get(o, ("", frozenset()))[1]] or kept
    return kept


def _first_words(full: dict[str, list[str]]) -> dict[str, list[str]]:
    """First word -> full names starting with it, for words that end no one's name: a lone 'Xi'
    is the family name of 'Xi Jinping' (written first), or a given name used alone."""
    names = {n for options in full.values() for n in options}
    out: dict[str, list[str]] = defaultdict(list)
    for name in sorted(names):
        first = name.split()[0]
        if first not in full and first[:1].isupper() and len(first) >= 2:
            out[first].append(name)
    return out


@functools.lru_cache(maxsize=1)  # asked for every person's name; a pure function of the rule file
def _nicknames() -> dict[str, str]:
    return rules.mapping("nicknames")


def name_core(name: str) -> tuple[str, str, str]:
    """(given name, surname, suffix) of a person's name, the given name in its full form:
    'Robert F. Kennedy Jr.' -> ('robert', 'Kennedy', 'jr'); 'Bernie Sanders' -> ('bernard',
    'Sanders', ''). A one-word name is its own surname."""
    words = name.split()
    suffix = ""
    if len(words) >= 3 and words[-1].lower().rstrip(",") in rules.words("name_suffixes"):
        suffix = words.pop().lower().rstrip(".,")
        words[-1] = words[-1].rstrip(",")
    given = words[0].lower() if len(words) >= 2 else ""
    return _nicknames().get(given, given), words[-1], suffix


def surname_of(name: str) -> str:
    """The word a person's name is shortened to: its last word before a 'Jr.'-like suffix."""
    return name_core(name)[1]


def middle_name_variants(names: list[str]) -> dict[str, str]:
    """'Donald J. Trump' and 'Donald Trump' are one person, as are 'Bernie Sanders' and 'Bernard
    Sanders': full names with the same given name (nicknames read as the full given name), surname
    and suffix ('Jr.' keeps a son apart from his father) map to the shortest such name."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for name in names:
        if len(name.split()) >= 2:
            groups[name_core(name)].append(name)
    return {n: min(group, key=lambda g: (len(g.split()), g)) for group in groups.values() for n in group}


def surname_links(names: set[str], kinds: dict[str, str], locative: set[str], mapping: dict[str, str]) -> dict[str, str]:
    """Lone surnames -> the one full person name (after `mapping`: 'Donald J. Trump' and 'Donald
    Trump' count once) with that surname among `names`; a father and his 'Jr.' son sharing it leave
    the father. A lone 'place' joins a surname too (the model tags unfamiliar surnames as places)
    unless it is ever used as a place ('in X')."""
    full_by_surname: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if kinds[name] == PERSON and len(name.split()) >= 2:
            full_by_surname[surname_of(name)].add(_follow(mapping, name))
    out = {}
    for name in names:
        options = full_by_surname.get(name, set())
        if len(options) > 1:  # 'Donald Trump' and 'Donald Trump Jr.': the bare surname is the father
            plain = {o for o in options if not name_core(o)[2]}
            if len(plain) == 1 and all(name_core(o)[:2] == name_core(next(iter(plain)))[:2] for o in options):
                options = plain
        joinable = kinds[name] in {PERSON, ORG} or (kinds[name] == PLACE and name not in locative)
        if len(name.split()) == 1 and joinable and len(options) == 1 and name.lower() not in ORG_WORDS:
            out[name] = next(iter(options))
    return out


def _longer_name(name: str, options: list[str]) -> str | None:
    """The one full name that ends with all the words of `name` and is longer ('Lula da Silva')."""
    words = name.lower().split()  # 'De la Cruz' at a sentence start is 'Ana María de la Cruz'
    fits = [o for o in options if len(o.split()) > len(words) and o.lower().split()[-len(words):] == words]
    return fits[0] if len(fits) == 1 else None


def _nearest_before(linked: list[Cand], options: list[str]) -> str | None:
    return next((c.name for c in reversed(linked) if c.name in options), None)


def join_organisations(cands: list[Cand]) -> list[Cand]:
    """Acronyms ('EU') and short forms ('Congress', 'Samsung', 'the Met') join the one longer
    organisation name of the article they fit. An acronym in capitals joins whatever the model
    tagged it ('The ECB is buying time' may come out as a place): its letters are evidence enough."""
    org_names = {c.name for c in cands if c.kind == ORG and c.how in {"name", "alias"}}
    org_sizes = {n: len(n.split()) for n in org_names}  # words per name, counted once
    out = []
    fits_of: dict[tuple[str, bool, bool], list[str]] = {}  # a name comes back many times per article
    for c in cands:
        capitals = _is_capital_acronym(c.name) and (c.kind != PLACE or len(c.name) >= 3)
        lone = _lone_model_person(c)
        is_org = c.kind == ORG
        fits = fits_of.get((c.name, is_org, lone))
        if fits is None:
            n_words = len(c.name.split())
            acronym = _may_be_acronym(c.name)  # (else is_acronym_of is False for every name)
            fits = [n for n, n_size in org_sizes.items() if n != c.name and n_size > n_words
                    and ((acronym and is_acronym_of(c.name, n)) or (is_org and _is_local_short_form(c.name, n))
                         or (lone and n.split()[0] == c.name))]
            fits_of[(c.name, is_org, lone)] = fits
        if (c.kind == ORG or capitals or lone) and c.how != "role" and len(fits) == 1:
            out.append(replace(c, name=fits[0], how="alias"))
        else:
            out.append(c)
    return out


def _lone_model_person(c: Cand) -> bool:
    """One word the model alone calls a person (no title, no full name): 'Novartis has a lead'
    after 'Novartis AG' is the company."""
    return c.how == "name" and len(c.name.split()) == 1 and c.role is None and c.votes.get(PERSON, 0) <= 1.0 \
        and c.kind == PERSON


def _is_short_form(short: str, name: str) -> bool:
    """'Congress' of 'US Congress', 'House of Representatives' of 'US House of Representatives'."""
    s, n = short.split(), name.split()
    if not (len(s) < len(n) and n[-len(s):] == s and short[0].isupper() and len(short) >= 4):
        return False
    if len(s) == 1 and short.lower() in rules.words("chambers"):
        # 'House' is the chamber, not the 'White House': only a country's chamber ('U.S. House')
        return all(w.replace(".", "").isupper() for w in n[:-1])
    return True


@functools.lru_cache(maxsize=65536)  # pure, and join_organisations asks it for every pair of names
def _is_local_short_form(short: str, name: str) -> bool:
    """Within one article also the name's first words ('Samsung' of 'Samsung Electronics', 'Live
    Nation' of 'Live Nation Entertainment'), a clipped first word ('Met' of 'Metropolitan Museum of
    Art', 'Fed' of 'Federal Reserve') and a blend ('Pemex'). Across a corpus these would join
    different bodies ('NHS' and 'NHS England'), so corpus_canonical uses _is_short_form only."""
    s, n = short.split(), name.split()
    if _is_short_form(short, name) or is_blend_of(short, name):
        return True
    if not short[:1].isupper() or s[0].lower() in ORG_WORDS or s[0].lower() in TITLE_MODIFIERS:
        return False
    leading = len(s) < len(n) and n[:len(s)] == s and len(short) >= 3
    clipped = len(s) == 1 and 3 <= len(short) <= 4 and len(n[0]) >= len(short) + 3 and n[0].startswith(short)
    return leading or clipped


SHORT_FORM_VOTE = 0.25  # weight of a bare surname's or short form's own votes against its full name's


def settle_kinds(cands: list[Cand]) -> list[Cand]:
    """One kind per canonical name, by summed votes of all its mentions. A mention linked to a
    longer name (a short form; a surname of a full name opening with a given name) weighs a quarter:
    the model tags a bare surname ORG or a place far more often than it mistakes a full name, so nine
    'Rittenhouse' tagged ORG do not outvote one 'Kyle Rittenhouse' tagged PERSON (while 'Tesco' still
    outvotes a 'Dublin Tesco' the model took for a person)."""
    votes: dict[str, dict[str, float]] = {}
    for c in cands:  # (plain dicts: a Counter's update cost more than the rest of this stage)
        summed = votes.get(c.name)
        if summed is None:
            summed = votes[c.name] = {}
        share = SHORT_FORM_VOTE if c.how == "alias" or (
            c.how == "surname" and given_name_gender(c.name.split()[0])) else 1.0
        for kind, weight in c.votes.items():
            summed[kind] = weight * share + summed.get(kind, 0)
        kind = c.kind
        summed[kind] = summed.get(kind, 0) + 0.0
    kinds = {name: max(v, key=lambda k: (v[k], -KIND_RANK[k])) for name, v in votes.items()}
    return [replace(c, votes={kinds[c.name]: 1.0}) for c in cands]

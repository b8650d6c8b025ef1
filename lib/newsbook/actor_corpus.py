"""Actors across the corpus: article-local names joined to one canonical name (acronyms and short
forms across articles, surnames only within a story), the researcher's corrections applied last,
and the `actors` table."""

from __future__ import annotations

from collections import defaultdict
import re

import pandas as pd

from . import schema
from .actor_lexicon import KIND_RANK, ORG, PERSON, _follow, name_key, preferred_forms
from .actor_linking import (
    ACRONYM_GLUE, _acronym_words, _is_short_form, is_acronym_of, middle_name_variants, surname_links)
from .actor_corrections import Corrections, apply_corrections, load_corrections


def _local_actors(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per (article, local actor) with its kind and mention count."""
    return (mentions.groupby(["article_id", "actor", "kind"], sort=False).size()
            .rename("n").reset_index())


LOCATIVE = re.compile(r"\b(?:in|at|from|to|near|across|into|outside|inside|around|via|toward|towards)\s*$", re.I)


def resolve_corpus(mentions: pd.DataFrame, corrections_path=None, *, groups=None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Corpus-wide canonical names. `groups` (optional: article id -> story key, a dict or a Series
    such as ``articles.set_index("article_id")["event"]``) scopes surname linking to each story,
    an article with no key being its own story; without it the whole corpus is one story.

    Returns (mentions with corpus-canonical `actor`, aliases table with columns
    article_id, local, actor, kind mapping each article-local name to its canonical one,
    list of human-readable corrections that were applied). `corrections_path`: the correction file,
    or Corrections already loaded from it."""
    corrections = (corrections_path if isinstance(corrections_path, Corrections)
                   else load_corrections(corrections_path))
    if mentions.empty:
        return mentions, pd.DataFrame(columns=["article_id", "local", "actor", "kind"]), []
    out = mentions.copy()
    out["local"] = out["actor"]
    local = _local_actors(out)
    if groups is None:
        mapping = corpus_canonical(local, out)
        out["actor"] = out["local"].map(mapping)
    else:
        scoped = scoped_canonical(local, out, dict(groups))
        out["actor"] = [scoped[(a, n)] for a, n in zip(out["article_id"], out["local"])]
    kinds = corpus_kinds(out)
    out["kind"] = out["actor"].map(kinds)
    out["how"] = _relinked_how(out)
    out, applied = apply_corrections(out, corrections)
    aliases = (out[["article_id", "local", "actor", "kind"]].drop_duplicates(["article_id", "local"])
               .reset_index(drop=True))
    dropped = out["actor"] == ""
    out = out[~dropped].drop(columns=["local"])
    return schema.conform("mentions", out), aliases, applied


def _mode_by(frame: pd.DataFrame, by: list[str], column: str, rank: dict | None = None) -> pd.DataFrame:
    """One row per `by` group holding its most frequent `column` value, ties to the lowest `rank`
    (default: none) and then to the smallest value: what ``max`` over the sorted groups'
    (count, -rank) and ``Series.mode().iloc[0]`` pick, without a Python call per group."""
    counts = frame.groupby(by + [column]).size().rename("_n").reset_index()  # keys sorted
    keys = ["_n"] + (["_r"] if rank is not None else [])
    if rank is not None:
        counts["_r"] = counts[column].map(lambda k: rank.get(k, 9))
    # stable: among equal (count, rank) the sorted order of the groupby (smallest value) stays first
    counts = counts.sort_values(keys, ascending=[False] + [True] * (len(keys) - 1), kind="stable")
    return counts.drop_duplicates(by)[by + [column]]


def corpus_kinds(mentions: pd.DataFrame) -> dict[str, str]:
    """One kind per corpus actor: the kind most of its mentions have (ties: person, org, place)."""
    best = _mode_by(mentions, ["actor"], "kind", KIND_RANK)
    return dict(zip(best["actor"], best["kind"]))


def _relinked_how(mentions: pd.DataFrame) -> list[str]:
    """Each row's `how`, where a mention that was its article's own name now points to a longer
    corpus name ('surname' for a person, 'alias' otherwise); each distinct name keyed once."""
    keys: dict[str, str] = {}

    def key(name: str) -> str:
        if name not in keys:
            keys[name] = name_key(name)
        return keys[name]

    return [h if h != "name" or key(t) == key(a) else ("surname" if k == PERSON else "alias")
            for h, t, a, k in zip(mentions["how"], mentions["text"], mentions["actor"], mentions["kind"])]


class _OrgIndex:
    """The organisations an acronym or a short form may stand for, found through indexes instead of
    trying is_acronym_of / _is_short_form on every organisation of the corpus.

    - Acronyms: ``_spells`` gives every word not in ACRONYM_GLUE a chunk of the letters starting
      with that word's first letter, in order, so the first letters of those words (in each variant
      is_acronym_of tries) form a subsequence of the acronym's letters. Organisations are indexed by
      that string and an acronym looks up each of its letters' subsequences (at most 2**10).
    - Short forms: a name's trailing words, indexed by every proper suffix of each organisation.
    Candidates are then checked with is_acronym_of / _is_short_form themselves."""

    def __init__(self, orgs: list[str]):
        self.by_initials: dict[str, set[str]] = defaultdict(set)
        self.by_suffix: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for name in orgs:
            split = name.split()
            for k in range(1, len(split)):
                self.by_suffix[tuple(split[-k:])].add(name)
            if len(split) < 2:
                continue  # is_acronym_of needs a name of two words or more
            words = _acronym_words(name)
            content = [i for i, w in enumerate(words) if w not in ACRONYM_GLUE]
            variants = [words]
            if len(content) >= 3:  # as in is_acronym_of
                variants += [words[content[0] + 1:], words[:content[-1]]]
            for v in variants:
                self.by_initials["".join(w[0] for w in v if w not in ACRONYM_GLUE)].add(name)

    def acronym_candidates(self, short: str) -> set[str]:
        found: set[str] = set()
        if len(short.split()) == 1 and len(short) <= 10 and sum(c.isupper() for c in short) >= 2:
            letters = re.sub(r"[^\w]", "", short).lower()
            subsequences = {""}
            for ch in letters:
                subsequences |= {s + ch for s in subsequences}
            for s in subsequences:
                found |= self.by_initials.get(s, set())
        return found

    def fits(self, short: str, *, short_forms: bool = True) -> list[str]:
        """The organisations an organisation name fits as an acronym or short form (in no particular order),
        acronyms only when not `short_forms`. A name
        ending with `short`'s words has `short` among its words, so it is never its acronym; and
        _is_short_form holds only for such names: each candidate needs one test only."""
        n_words = len(short.split())
        fits = ({n for n in self.by_suffix.get(tuple(short.split()), ()) if _is_short_form(short, n)}
                if short_forms else set())
        fits |= {n for n in self.acronym_candidates(short) if is_acronym_of(short, n)}
        return [n for n in fits if n != short and len(n.split()) > n_words]


def _locative_names(mentions: pd.DataFrame) -> set[str]:
    """Local names with at least one mention right after a place preposition. Only the end of each
    text before a mention is searched: LOCATIVE's word (7
    letters at most) must end where the trailing whitespace starts, so the last 8 characters before
    that whitespace (one more for the word boundary) decide, not the whole sentence so far."""
    hit = []
    for s, st, ss in zip(mentions["sentence"], mentions["start"], mentions["sentence_start"]):
        before = s[: max(0, st - ss)]
        space = len(before) - len(before.rstrip())
        hit.append(bool(LOCATIVE.search(before[-(space + 8):])))
    return set(mentions.loc[hit, "actor"])


def corpus_canonical(local: pd.DataFrame, local_mentions: pd.DataFrame | None = None, *,
                     link_surnames: bool = True) -> dict[str, str]:
    """Local name -> corpus name: surnames join the one full name with that surname in the corpus,
    acronyms and short forms join the one organisation they fit. A lone 'place' joins a surname too
    (the model tags unfamiliar surnames as places) unless it is ever used as a place ('in X').

    The organisation search is indexed (_OrgIndex) and the per-name kinds vectorised, so it grows
    near-linearly; tests/test_compare_scale.py keeps the pairwise original as the reference."""
    names = set(local["actor"])
    best = _mode_by(local, ["actor"], "kind")  # = groupby("actor")["kind"].agg(mode().iloc[0])
    kinds = dict(zip(best["actor"], best["kind"]))
    orgs = _OrgIndex([n for n in names if kinds[n] == ORG])
    mapping = {n: d for n, d in preferred_forms(sorted(names)).items() if n != d}
    # (only surname linking reads them)
    locative = _locative_names(local_mentions) if local_mentions is not None and link_surnames else set()
    people = [n for n in names - set(mapping) if kinds[n] == PERSON]
    mapping.update({n: d for n, d in middle_name_variants(people).items() if n != d})
    surnames = surname_links(names - set(mapping), kinds, locative, mapping) if link_surnames else {}
    mapping.update(surnames)
    # the loop's outcome does not depend on its order: each step reads only the tables built above
    for name in names - set(mapping):
        if kinds[name] == ORG:
            fits = orgs.fits(name, short_forms=link_surnames or not is_generic_short_form(name))
            if len(fits) == 1:
                mapping[name] = fits[0]
    return {n: _follow(mapping, n) for n in names}


def is_generic_short_form(name: str) -> bool:
    """'Court', 'the Committee', 'Ministry': one word that is not an acronym. It names the court of
    the story it stands in, so it is joined to a longer name only within that story, like a surname
    ("Supreme Court" or "ECB" name one organisation wherever they stand)."""
    words = name.split()
    return len(words) == 1 and sum(c.isupper() for c in name) < 2


def scoped_canonical(local: pd.DataFrame, local_mentions: pd.DataFrame, groups) -> dict[tuple[str, str], str]:
    """(article, local name) -> corpus name, with surnames linked only within a story: `groups` maps
    each article id to its story key (e.g. the articles' `event`); an article without one is a
    story of its own. Spellings, name variants, acronyms and short forms are still joined across
    the corpus (they name one actor wherever they stand); a bare surname joins the one full name
    of its story, never a namesake from an unrelated story."""
    base = corpus_canonical(local, local_mentions, link_surnames=False)
    story = {a: (g if isinstance(g, str) and g else f"article:{a}") for a, g in groups.items()}
    key = local["article_id"].map(lambda a: story.get(a, f"article:{a}"))
    best = _mode_by(local, ["actor"], "kind")
    kinds = dict(zip(best["actor"], best["kind"]))
    locative = _locative_names(local_mentions)
    pairs = list(zip(local["article_id"].tolist(), local["actor"].tolist()))
    out = {(a, n): base[n] for a, n in pairs}
    # each story's (article, name) pairs, as groupby(key, sort=False) gives them, without a frame
    # per story (most stories are one or two articles)
    parts: dict = {}
    for k, pair in zip(key.tolist(), pairs):
        parts.setdefault(k, []).append(pair)
    for part in parts.values():
        if len({a for a, _ in part if a == a}) < 2:  # nunique()
            continue  # the article's own linking already joined its surnames
        names = {n for _, n in part}
        links = surname_links({n for n in names if base[n] == n}, kinds, locative, base)
        links.update(_story_short_forms({n for n in names if base[n] == n}, {base[n] for n in names}, kinds))
        for a, n in part:
            if base[n] in links:
                out[(a, n)] = links[base[n]]
    return out


def _story_short_forms(unlinked: set[str], story_names: set[str], kinds: dict[str, str]) -> dict[str, str]:
    """Generic one-word short forms ('Court') of a story joined to the one organisation of that
    story they fit ('Supreme Court')."""
    shorts = [n for n in unlinked if kinds.get(n) == ORG and is_generic_short_form(n)]
    if not shorts:
        return {}
    orgs = _OrgIndex(sorted(n for n in story_names if kinds.get(n) == ORG))
    links = {}
    for name in shorts:
        fits = orgs.fits(name)
        if len(fits) == 1:
            links[name] = fits[0]
    return links


def actors_table(mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per canonical actor per article (`actors` table)."""
    if mentions.empty:
        return schema.empty("actors")
    ordered = mentions.sort_values(["article_id", "start"])
    table = (ordered.groupby(["article_id", "actor"], sort=False)
             .agg(mentions=("start", "size"), first_sentence=("sentence_index", "min"),
                  first_start=("start", "min"))
             .reset_index())
    # kind = the group's kind mode (ties: the smallest), vectorised: a Python mode() per actor and
    # article was most of this function's time
    best = _mode_by(ordered, ["article_id", "actor"], "kind")
    kind_of = dict(zip(zip(best["article_id"], best["actor"]), best["kind"]))
    table.insert(2, "kind", [kind_of[k] for k in zip(table["article_id"], table["actor"])])
    quoted_words = _quoted_words(quotes)
    keys = list(zip(table["article_id"], table["actor"]))
    table["quoted"] = [k in quoted_words for k in keys]
    table["quoted_words"] = [int(quoted_words.get(k, 0)) for k in keys]
    table = table.sort_values(["article_id", "first_start"])
    return schema.conform("actors", table)


def _quoted_words(quotes: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(article, speaker) -> words quoted directly (0 for a speaker with reported speech only)."""
    if quotes is None or quotes.empty or "speaker" not in quotes:
        return {}
    spoken = quotes[quotes["speaker"].fillna("") != ""]
    if spoken.empty:
        return {}
    # one vectorised sum instead of a Python loop over the (article, speaker) groups
    if "words" not in spoken:
        words = pd.Series(0, index=spoken.index)
    elif "kind" in spoken:
        words = spoken["words"].where(spoken["kind"] == "direct", 0)
    else:
        words = spoken["words"]
    sums = words.groupby([spoken["article_id"], spoken["speaker"]]).sum()
    return {key: int(value) for key, value in sums.items()}

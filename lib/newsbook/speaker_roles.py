"""Role speakers named from their story: a quote whose speaker is a role phrase its own article never
ties to a name ("the Texas governor said") takes the one person another article of the same story
introduced with that title ("Texas Gov. Greg Abbott"). Runs on the assembled tables (after the
per-article cache), never across stories, and never guesses: two persons who fit leave the role.
In the quote's own article a bare role ('the diplomat') is only a person introduced before it (as
a reader would read it), a qualified one ("Romania's president") any; in the story's other
articles, any.

The titles are read from the text around each person mention (`mentions.sentence`): a title right
before the name ('Texas Gov. Greg Abbott') or in apposition after it ('Abbott, the Texas governor,').
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

import pandas as pd

from . import rules
from .actor_lexicon import DETERMINERS, TITLE_HEADS, TITLE_MODIFIERS
from .actor_roles import _same_place

STORY = "story"  # quotes.speaker_source: the name came from the story, not the role phrase itself

# punctuation that ends a title phrase ('AUSTIN, Texas (AP) — Texas Gov. Greg Abbott'); a full
# stop inside one sentence ends an abbreviation ('Gov.'), no phrase
_PHRASE_BREAK = re.compile(r"[,;:()\[\]—–\"“”‘’«»!?]|\s-\s")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    """'gov.' -> 'governor', 'gov' -> 'governor' (rules/title_abbreviations.txt)."""
    return rules.mapping("title_abbreviations")


def _title_word(word: str) -> str:
    """A word as a title in its full form ('Gov.' -> 'governor'), '' for no title word."""
    low = word.lower()
    low = _abbreviations().get(low, _abbreviations().get(low.rstrip("."), low.rstrip(".")))
    return low if low in TITLE_HEADS or low in TITLE_MODIFIERS else ""


def parse_role(phrase: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """(qualifier words, title words) of a title phrase: 'the Texas governor' -> ({'texas'},
    ('governor',)); "Russia's foreign minister" -> ({'russia'}, ('foreign', 'minister')); 'governor
    of Texas' -> ({'texas'}, ('governor',)). None unless the phrase ends in a title head (before any
    'of' phrase) and every other word is a title word or a capitalised qualifier: 'a spokesman for
    the company' and 'the embattled governor' are no titles of one person."""
    words = phrase.split()
    if "of" in words:
        at = words.index("of")
        words, complement = words[:at], words[at + 1:]
        complement = [w for w in complement if w.lower() not in DETERMINERS]
        if not complement or not all(w[:1].isupper() for w in complement):
            return None
    else:
        complement = []
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    if not words or _title_word(words[-1]) not in TITLE_HEADS:
        return None
    qualifier, title = [], []
    for word in words:
        bare = _POSSESSIVE.sub("", word)
        full = _title_word(bare)
        if full:
            title.append(full)
        elif bare[:1].isupper() and not title:
            qualifier.append(bare.lower())
        else:
            return None  # a lower-case word ('embattled'), or a name word after the title
    qualifier += [_POSSESSIVE.sub("", w).lower() for w in complement]
    return frozenset(qualifier), tuple(title)


def title_before(prefix: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The title right before a name, from the sentence text up to it ('... — Texas Gov. ')."""
    if prefix[-1:] not in {" ", "\u00a0"}:
        return None  # 'Abbott' glued to something: no title in front
    breaks = list(_PHRASE_BREAK.finditer(prefix))
    words = prefix[breaks[-1].end():].split() if breaks else prefix.split()
    words = words[-6:]
    if not words or not _title_word(words[-1]):
        return None
    for k in range(len(words)):  # the longest tail that is a title: 'said Texas Gov.' -> 'Texas Gov.'
        role = parse_role(" ".join(words[k:]))
        if role is not None:
            return role
    return None


def title_after(suffix: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """A title in apposition right after a name, from the sentence text after it (', the Texas
    governor, said')."""
    match = re.match(r"\s*,\s+([^,;:()—–\"“”]+?)\s*(?:[,;:)—–]|\.(?:\s|$)|$)", suffix)
    return parse_role(match.group(1)) if match else None


def person_titles(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per titled person mention: article_id, actor, start, qualifier, title."""
    people = mentions[mentions["kind"] == "person"]
    rows = []
    for a, actor, s, e, sentence, ss in zip(people["article_id"], people["actor"], people["start"], people["end"],
                                            people["sentence"], people["sentence_start"]):
        sentence = sentence if isinstance(sentence, str) else ""
        for role in (title_before(sentence[: s - ss]), title_after(sentence[e - ss:])):
            if role is not None:
                rows.append((a, actor, int(s), role[0], role[1]))
    return pd.DataFrame(rows, columns=["article_id", "actor", "start", "qualifier", "title"])


def fits(role: tuple, holder: tuple) -> bool:
    """Whether a person introduced with title `holder` is the one the role phrase `role` names:
    the same title words, and the role's qualifier ('Texas') among the holder's."""
    qualifier, title = role
    held_qualifier, held_title = holder
    if title != held_title:
        return False
    return all(any(_same_place(q, h) for h in held_qualifier) for q in qualifier)


def story_holder(role: tuple, holders: dict[str, set[tuple]]) -> str:
    """The one person of the story (`holders`: person -> titles) the role fits; '' if none or several.
    A qualified role ('the Texas governor') is matched on that qualifier first, then, where nobody
    was introduced with one, on the persons whose title had none ('Gov. Greg Abbott')."""
    chosen = {p for p, titles in holders.items() if any(fits(role, t) for t in titles)}
    if not chosen and role[0]:
        chosen = {p for p, titles in holders.items()
                  if any(fits((frozenset(), role[1]), t) for t in titles if not t[0])}
    return next(iter(chosen)) if len(chosen) == 1 else ""


def unnamed_role(speaker: str, speaker_text: str) -> tuple | None:
    """The role a quote's speaker is when its article left it a role phrase ('the Texas governor' ->
    speaker 'Texas governor'): a definite phrase ('the', or a possessive place) that is a title."""
    if not speaker or not speaker_text:
        return None
    words = speaker_text.split()
    if words[0].lower() != "the" and not _POSSESSIVE.search(words[0]):
        return None  # 'a Texas governor', 'Governor Abbott': no one in particular, or a name
    if " ".join(words[1:] if words[0].lower() == "the" else words).rstrip(".,") != speaker:
        return None  # the article named the speaker itself
    return parse_role(speaker_text)


def name_roles_from_story(quotes: pd.DataFrame, mentions: pd.DataFrame, story_of: dict[str, str]) -> pd.DataFrame:
    """`quotes` with each unnamed role speaker replaced by the one person of its story introduced
    with that title; the role is kept in `speaker_role` and `speaker_source` says 'story'.
    `story_of`: article id -> story (`articles.event`); an article without one is its own story."""
    out = quotes.copy()
    if "speaker_role" not in out:
        out["speaker_role"] = ""
    if "speaker_source" not in out:
        out["speaker_source"] = ""
    if out.empty or mentions.empty:
        return out
    roles = {i: unnamed_role(s, t) for i, s, t in zip(out.index, out["speaker"].fillna(""),
                                                        out["speaker_text"].fillna(""))}
    roles = {i: r for i, r in roles.items() if r is not None}
    if not roles:
        return out

    def story(article_id: str) -> str:
        return story_of.get(article_id) or f"article:{article_id}"

    wanted = {story(out.at[i, "article_id"]) for i in roles}  # only the stories with a role to name
    titled = person_titles(mentions[mentions["article_id"].map(story).isin(wanted)])
    by_story: dict[str, list[tuple]] = defaultdict(list)
    for a, actor, start, q, t in zip(titled["article_id"], titled["actor"], titled["start"],
                                     titled["qualifier"], titled["title"]):
        by_story[story(a)].append((a, start, actor, (q, t)))
    for i, role in roles.items():
        article, at = out.at[i, "article_id"], out.at[i, "speaker_start"]
        holders: dict[str, set] = defaultdict(set)
        for a, start, actor, title in by_story.get(story(article), []):
            # in its own article a bare role ('the diplomat said') is only a person introduced before
            # it; a qualified one ("Romania's president") is specific enough to be named later on
            if a != article or start < at or role[0]:
                holders[actor].add(title)
        name = story_holder(role, holders)
        if name:
            out.at[i, "speaker_role"] = out.at[i, "speaker"]
            out.at[i, "speaker"] = name
            out.at[i, "speaker_source"] = STORY
    return out

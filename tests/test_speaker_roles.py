"""A role speaker left unnamed in its article ('the Texas governor said') takes the one person its
story introduced with that title, never a person of another story, never one of two. The articles
are our own, written in the pattern of wire coverage."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import newsbook
from newsbook import speaker_roles
from newsbook.speaker_roles import parse_role, story_holder, title_after, title_before, unnamed_role

ARTICLES = [
    # story 1: three outlets; only one of them leaves the governor unnamed
    ("wire-a", "Wire A", "tx-border", "AUSTIN, Texas (Wire A) — Texas Gov. Greg Abbott on Monday ordered state "
     "troopers to the border with Mexico.\n\n\"We will not wait for Washington,\" Abbott said at a news "
     "conference in Austin.\n\nThe order takes effect on Wednesday."),
    ("paper-b", "Paper B", "tx-border", "State troopers will be sent to the border with Mexico this week.\n\n"
     "\"We will not wait for Washington any longer,\" the Texas governor said on Monday.\n\n"
     "Critics called the move a stunt."),
    ("site-c", "Site C", "tx-border", "Gov. Greg Abbott said on Monday that troopers would be sent to the "
     "border.\n\nLocal officials said they had not been told of the plan in advance."),
    # story 2: another governor, named; story 3: a governor nobody in that story names
    ("paper-d", "Paper B", "ca-budget", "SACRAMENTO — California Gov. Gavin Newsom signed the state budget on "
     "Tuesday.\n\n\"This budget protects our schools,\" Newsom said."),
    ("wire-e", "Wire A", "ca-fires", "Firefighters fought three wildfires north of the capital on Friday.\n\n"
     "\"We need every crew we can get,\" the governor said."),
    # story 4: two governors fit 'the governor'; only one fits 'the Oklahoma governor'
    ("wire-f", "Wire A", "river-deal", "Texas Gov. Greg Abbott and Oklahoma Gov. Kevin Stitt met on Thursday "
     "to discuss water rights on the Red River.\n\nThe talks lasted four hours."),
    ("site-g", "Site C", "river-deal", "The two states failed to agree on the Red River on Thursday.\n\n"
     "\"We agreed on nothing,\" the governor said after the talks.\n\n"
     "\"We will be back next month,\" the Oklahoma governor said."),
    # story 5, one article: the only holder of the title is introduced after the role phrase
    ("wire-h", "Wire A", "envoy", "\"The talks will go on,\" the diplomat said on Monday.\n\n"
     "The envoy took over from Algerian diplomat Lakhdar Brahimi, who resigned in May."),
    # story 6, one article: a qualified role is specific enough for a holder named after it
    ("wire-i", "Wire A", "ro-crisis", "\"The country is in a political crisis,\" Romania's president said "
     "on Sunday.\n\nRomanian President Klaus Iohannis has limited powers under the constitution."),
]


@pytest.fixture(scope="module")
def quotes(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("roles")
    lines = [json.dumps({"id": a, "outlet": o, "event": e, "title": a, "date": "2026-03-02", "text": t})
             for a, o, e, t in ARTICLES]
    (folder / "coverage.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return newsbook.annotate(folder, cache_dir=None, progress=False).quotes


def _said(quotes: pd.DataFrame, article: str, words: str) -> pd.Series:
    rows = quotes[(quotes["article_id"] == article) & quotes["quote"].str.contains(words, regex=False)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_role_speaker_takes_the_title_holder_named_elsewhere_in_its_story(quotes):
    row = _said(quotes, "paper-b", "any longer")
    assert row["speaker"] == "Greg Abbott"
    assert row["speaker_role"] == "Texas governor" and row["speaker_source"] == speaker_roles.STORY
    assert row["speaker_text"] == "the Texas governor"  # the text still says what the article wrote


def test_speakers_named_in_their_own_article_are_left_alone(quotes):
    row = _said(quotes, "wire-a", "We will not wait for Washington")
    assert row["speaker"] == "Greg Abbott" and row["speaker_source"] == "" and row["speaker_role"] == ""


def test_a_governor_of_another_story_is_never_used(quotes):
    row = _said(quotes, "wire-e", "every crew")
    assert row["speaker"] != "Gavin Newsom" and row["speaker_source"] == ""


def test_two_holders_in_the_story_leave_the_role_unresolved(quotes):
    assert _said(quotes, "site-g", "agreed on nothing")["speaker_source"] == ""
    row = _said(quotes, "site-g", "back next month")
    assert row["speaker"] == "Kevin Stitt" and row["speaker_role"] == "Oklahoma governor"


def test_in_its_own_article_a_holder_introduced_later_is_not_the_speaker(quotes):
    assert _said(quotes, "wire-h", "talks will go on")["speaker"] != "Lakhdar Brahimi"


def test_in_its_own_article_a_qualified_role_may_be_named_later(quotes):
    row = _said(quotes, "wire-i", "political crisis")
    assert row["speaker"] == "Klaus Iohannis" and row["speaker_role"] == "Romania's president"


def test_title_phrases():
    assert parse_role("the Texas governor") == (frozenset({"texas"}), ("governor",))
    assert parse_role("Russia's foreign minister") == (frozenset({"russia"}), ("foreign", "minister"))
    assert parse_role("governor of Texas") == (frozenset({"texas"}), ("governor",))
    assert parse_role("the embattled governor") is None
    assert parse_role("a spokesman for the company") is None
    assert parse_role("Local officials") is None


def test_titles_around_a_name():
    assert title_before("AUSTIN, Texas (AP) — Texas Gov. ") == (frozenset({"texas"}), ("governor",))
    assert title_before("The plan, said Oklahoma Gov. ") == (frozenset({"oklahoma"}), ("governor",))
    assert title_before("On Monday, ") is None
    assert title_after(", the Texas governor, said on Monday") == (frozenset({"texas"}), ("governor",))
    assert title_after(", a Republican, said") is None


def test_only_a_definite_role_the_article_left_unnamed_is_resolved():
    assert unnamed_role("Texas governor", "the Texas governor") == (frozenset({"texas"}), ("governor",))
    assert unnamed_role("Greg Abbott", "the Texas governor") is None  # the article named him
    assert unnamed_role("Texas governor", "a Texas governor") is None  # someone new


def test_story_holder_needs_exactly_one_fit():
    governor = (frozenset(), ("governor",))
    texas = (frozenset({"texas"}), ("governor",))
    holders = {"Greg Abbott": {texas}, "Kevin Stitt": {(frozenset({"oklahoma"}), ("governor",))}}
    assert story_holder(texas, holders) == "Greg Abbott"
    assert story_holder(governor, holders) == ""
    assert story_holder(texas, {"Greg Abbott": {governor}}) == "Greg Abbott"  # 'Gov. Greg Abbott' only
    assert story_holder((frozenset(), ("lieutenant", "governor")), {"Greg Abbott": {governor}}) == ""

"""Issue 14, fourth round: error classes seen on three-outlet real news (ECB+), each with wire-style
sentences of our own: short closing paragraphs of a quotation, an article ending in an unclosed
quotation, headline quotes, a headline's quote run into an entity, and 'he' under a role subject."""

from __future__ import annotations

import pytest

from newsbook import actors, quotes
from newsbook.components import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def extract(nlp, text: str):
    doc = nlp(text)
    m = actors.extract_mentions(doc, article_id="t")
    out = quotes.extract_quotes(doc, m, article_id="t")
    for row in out.itertuples():
        assert text[row.start:row.end] == row.quote
        if row.speaker_start >= 0:
            assert text[row.speaker_start:row.speaker_end] == row.speaker_text
    return out


def speaker_of(frame, quote: str) -> str:
    hits = frame[(frame["quote"] == quote) & (frame["kind"] == "direct")]
    assert len(hits) == 1, frame[["kind", "speaker", "quote"]].to_string()
    return hits.iloc[0]["speaker"]


def test_a_short_paragraph_closing_a_quotation_is_speech_not_a_scare_quote(nlp):
    text = ('"The bridge was our lifeline.\n\nEvery farmer used it twice a day.\n\nWe are cut off. "\n\n'
            "Laura Chen says the ferry will run until the repairs are done.")
    out = extract(nlp, text)
    assert "We are cut off." in set(out["quote"])
    assert speaker_of(out, "We are cut off.") == "Laura Chen"


def test_a_short_quote_opening_a_quotation_over_paragraphs_is_kept(nlp):
    text = ('Staff locked the doors when the alarm went off.\n\n"We ran....\n\n'
            'We hid in the basement for an hour, " Tom Reyes, a cashier at the store, told reporters.')
    out = extract(nlp, text)
    assert speaker_of(out, "We ran....") == "Tom Reyes"


def test_an_article_ending_in_an_unclosed_quotation_runs_to_its_end(nlp):
    text = ('Mayor Ana Ruiz said the town would rebuild.\n\n"We have lost homes, we have lost friends...\n\n'
            "and I know many of you are afraid.\n\nWe will get through this together.")
    out = extract(nlp, text)
    direct = out[out["kind"] == "direct"]
    assert list(direct["quote"]) == ["We have lost homes, we have lost friends...",
                                     "and I know many of you are afraid.", "We will get through this together."]
    assert set(direct["speaker"]) == {"Ana Ruiz"}


def test_narrative_after_an_unclosed_quotation_stays_narrative(nlp):
    text = ('Mayor Ana Ruiz said the town would rebuild.\n\n"We have lost homes, we have lost friends.\n\n'
            "The storm destroyed 40 houses on Tuesday.\n\nRepairs are expected to take a year.")
    out = extract(nlp, text)
    assert not any("storm" in q for q in out[out["kind"] == "direct"]["quote"])


def test_a_headline_quote_is_the_words_of_who_says_them_in_the_story(nlp):
    text = ('Neighbour Calls Arson Suspect: "Very Quiet"\n\n'
            '"He kept to himself.\n\nHe was very quiet. "\n\n'
            "Maria Lopez says the man arrested on Monday lived next door for ten years.\n\n"
            '"I never heard a word from him, " Lopez said.')
    out = extract(nlp, text)
    assert speaker_of(out, "Very Quiet") == "Maria Lopez"


def test_a_single_quoted_headline_word_takes_the_speaker_of_the_story(nlp):
    text = ("Minister Calls Factory Workers' Deaths 'Negligence'\n\n"
            "Labour Minister Petra Novak told parliament on Tuesday that the deaths were "
            '"negligence, plain and simple," and promised an inquiry.')
    out = extract(nlp, text)
    assert speaker_of(out, "Negligence") == "Petra Novak"
    assert "Deaths 'Negligence" not in set(out["speaker"])


def test_he_under_a_role_subject_is_that_role(nlp):
    text = ("The Greek finance minister has rejected what he called \"blackmail\" by the lenders.\n\n"
            "The talks resume on Monday.")
    out = extract(nlp, text)
    row = out[out["quote"] == "blackmail"].iloc[0]
    assert row["speaker"] == "Greek finance minister"
    assert row["speaker_text"] == "The Greek finance minister"

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


def test_a_title_abbreviation_before_the_name_ends_no_sentence(nlp):
    text = "Deputies found a rifle in the truck, county sheriff's Sgt. Dana Ortiz said."
    out = extract(nlp, text)
    row = out[out["kind"] == "indirect"].iloc[0]
    assert row["speaker"] == "Dana Ortiz"
    assert row["quote"] == "Deputies found a rifle in the truck"


def test_the_two_men_are_the_pair_that_spoke_together(nlp):
    text = ("In a joint letter, the health minister, Paul Otieno, and the finance minister, Omar Haddad, "
            "backed the plan.\n\nAfter a review ordered by President Ruth Mensah in May, they said the "
            'clinics would stay open.\n\n"We will fund every clinic for three more years," the two men wrote.')
    out = extract(nlp, text)
    assert speaker_of(out, "We will fund every clinic for three more years") == "Paul Otieno and Omar Haddad"


def test_the_next_paragraph_of_a_quotation_keeps_its_speaker(nlp):
    text = ('The driver said nothing after deputies stopped him, Sheriff Ray Dunn said, describing the man as "calm.\n\n'
            'Very, very calm".')
    out = extract(nlp, text)
    assert speaker_of(out, "Very, very calm") == "Ray Dunn"


def test_a_reported_clause_ending_in_a_quotation_is_reported_speech(nlp):
    text = ('"I understand the anger of the people," IMF chief Paul Martin said.\n\n'
            'But voters must also understand that without these cuts, "the situation would be far worse, " he said.')
    out = extract(nlp, text)
    reported = out[out["kind"] == "indirect"]
    assert len(reported) == 1 and reported.iloc[0]["speaker"] == "Paul Martin"
    assert reported.iloc[0]["quote"].startswith("But voters must also understand")


def test_a_nationality_plural_is_a_group_and_a_kind_word_no_person(nlp):
    from spacy.tokens import Span
    from spacy.util import filter_spans

    doc = nlp("The Greek government cut pensions again on Monday. Thousands of Greeks marched in Athens.\n\n"
              "As part of a Sikh tradition, the family brought food to the temple.")
    # the small model's slips seen on real news: both words tagged as persons
    slips = [Span(doc, t.i, t.i + 1, "PERSON") for t in doc if t.text in ("Greeks", "Sikh")]
    doc.ents = filter_spans(slips + [e for e in doc.ents if not any(s.start == e.start for s in slips)])
    assert doc[1].ent_type_ == "NORP"  # "Greek": the nationality the article writes
    m = actors.extract_mentions(doc, article_id="t")
    kinds = dict(zip(m["text"], m["kind"]))
    assert kinds.get("Greeks") == "group"
    assert "Sikh" not in kinds


def test_a_quotation_opening_its_own_sentence_is_no_part_of_the_clause_before(nlp):
    # scraped copy: the paragraph break lost ('headscarf.-'), the parser runs the sentences together
    text = ('She also cancelled a meeting with the grand mufti after refusing to wear a headscarf.- '
            '"Going there showed she could look presidential," says Paul Moreau, a fellow at the institute.')
    out = extract(nlp, text)
    assert list(out["kind"]) == ["direct"]


def test_a_news_agency_named_with_a_title_word_is_an_organisation_and_the_agency_speaks_for_it(nlp):
    text = ("A strong earthquake hit the south of the country on Sunday, the official TASR news agency said.\n\n"
            "The quake damaged a bridge near the town, TASR reported.\n\n"
            "The news agency also reported that two schools were closed.")
    doc = nlp(text)
    m = actors.extract_mentions(doc, article_id="t")
    assert set(m[m["text"] == "TASR"]["kind"]) == {"organization"}
    out = quotes.extract_quotes(doc, m, article_id="t")
    row = out[out["quote"].str.startswith("two schools")].iloc[0]
    assert row["speaker"] == "TASR"


def test_a_name_written_as_a_place_is_no_person(nlp):
    from spacy.tokens import Span
    from spacy.util import filter_spans

    doc = nlp("Rescue teams reached the port of Port Adara on Monday. Two helicopters flew the injured to the "
              "hospital in Port Adara, where doctors treated 40 people.\n\nThe mayor, Lena Adara, thanked the teams.")
    slips = [Span(doc, t.i, t.i + 2, "PERSON") for t in doc if t.text == "Port" and doc[t.i + 1].text == "Adara"]
    doc.ents = filter_spans(slips + list(doc.ents))
    m = actors.extract_mentions(doc, article_id="t")
    kinds = {(r.text, r.kind) for r in m.itertuples()}
    assert ("Port Adara", "person") not in kinds and ("Port Adara", "place") in kinds
    assert ("Lena Adara", "person") in kinds


def test_one_of_the_groups_named_in_apposition_is_that_group(nlp):
    text = ("Several unions backed the strike. One of these unions, the Public Sector Workers Federation, "
            "said it would walk out again next week.")
    out = extract(nlp, text)
    row = out[out["kind"] == "indirect"].iloc[0]
    assert row["speaker"] == "Public Sector Workers Federation"


def test_a_name_with_a_title_on_both_sides_holds_both(nlp):
    # "Col." is one token now: the rank before the name must not hide the role after it
    doc = nlp('"We are still assessing the reports," said Col. Dana Brooks, a spokesman for Joint Task Force Seven. '
              "The spokesman noted that the strikes had stopped.")
    m = actors.extract_mentions(doc, article_id="t")
    roles = m[m["how"] == "role"]
    assert list(roles["actor"]) == ["Dana Brooks"]

"""Quotes: direct and reported speech, attribution, cross-source matching, voice share, diff HTML.

Most tests are wire-style sentences written for these tests (not from the seeds); the seed gold
(tests/gold/quotes_seeds.yaml) and the wire-style dev set (tests/gold/quotes_wire.yaml, 100 short
articles) are scored for recall, precision, speaker and cue accuracy.
Run `PYTHONPATH=lib python -m tests.test_quotes` to print the dev-set and seed scores."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from newsbook import actors, compare, evaluation, quotes, schema
from newsbook import html as nb_html
from newsbook.components import load_pipeline

ROOT = Path(__file__).resolve().parents[1]

GOLD_PATH = ROOT / "tests" / "gold" / "quotes_seeds.yaml"
WIRE_PATH = ROOT / "tests" / "gold" / "quotes_wire.yaml"


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def extract(nlp, text: str, *, mentions: bool = True, article_id: str = "t") -> pd.DataFrame:
    doc = nlp(text)
    m = actors.extract_mentions(doc, article_id=article_id) if mentions else schema.empty("mentions")
    out = quotes.extract_quotes(doc, m, article_id=article_id)
    for row in out.itertuples():
        assert text[row.start:row.end] == row.quote
        if row.speaker_start >= 0:
            assert text[row.speaker_start:row.speaker_end] == row.speaker_text
    return out


def direct(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["kind"] == "direct"].reset_index(drop=True)


def indirect(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["kind"] == "indirect"].reset_index(drop=True)


def only(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1, frame[["kind", "speaker", "cue", "quote"]].to_string()
    return frame.iloc[0]


# --- scoring against gold ------------------------------------------------------------------------


# The scorer lives in the library (newsbook.evaluation) so notebooks and a researcher's own gold
# file use the same code.
_norm_text = evaluation._norm_text
speaker_matches = evaluation.speaker_matches
speaker_matches_strict = evaluation.speaker_matches_strict
text_matches = evaluation.text_matches
score = evaluation.score


def load_gold() -> dict:
    return yaml.safe_load(GOLD_PATH.read_text(encoding="utf-8"))


def seed_quotes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The seed articles' quotes, extracted the way the pipeline does it (article-local speakers
    mapped to corpus-canonical names)."""
    from newsbook.corpus import load_corpus

    nlp = load_pipeline()
    articles = load_corpus("seeds")
    frames, all_mentions = [], []
    for art in articles.itertuples():
        doc = nlp(art.text)
        m = actors.extract_mentions(doc, article_id=art.article_id, byline=art.byline, outlet=art.outlet)
        all_mentions.append(m)
        frames.append(quotes.extract_quotes(doc, m, article_id=art.article_id))
    q = pd.concat(frames, ignore_index=True)
    mentions = pd.concat(all_mentions, ignore_index=True)
    _, aliases, _ = actors.resolve_corpus(mentions)
    lookup = {(a, loc): can for a, loc, can in zip(aliases["article_id"], aliases["local"], aliases["actor"])}
    q["speaker"] = [lookup.get((a, s), s) for a, s in zip(q["article_id"], q["speaker"])]
    return articles, q


@pytest.fixture(scope="module")
def seeds():
    return seed_quotes()


WIRE_BATCHES = ("articles", "articles_fresh")


def load_wire(batches: tuple[str, ...] = WIRE_BATCHES) -> dict:
    """The wire-style dev set (tests/gold/quotes_wire.yaml) as a gold dict `score` reads:
    {"quotes": {article_id: [...]}, "not_quotes": {...}, "texts": {...}}. `articles` is the first
    batch (the rules were fixed on it), `articles_fresh` the second (written after the fixes)."""
    data = yaml.safe_load(WIRE_PATH.read_text(encoding="utf-8"))
    raw = {a: v for batch in batches for a, v in (data.get(batch) or {}).items()}
    return {
        "quotes": {a: list(v.get("quotes") or []) for a, v in raw.items()},
        "not_quotes": {a: list(v.get("not_quotes") or []) for a, v in raw.items()},
        "texts": {a: v["text"] for a, v in raw.items()},
    }


def wire_quotes(folder: Path, batches: tuple[str, ...] = WIRE_BATCHES) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """The dev set written to `folder` as .txt articles and run through the full pipeline."""
    import newsbook

    gold = load_wire(batches)
    folder.mkdir(parents=True, exist_ok=True)
    for article_id, text in gold["texts"].items():
        (folder / f"{article_id}.txt").write_text(f"---\ntitle: {article_id}\n---\n{text}", encoding="utf-8")
    ann = newsbook.annotate(folder, cache_dir=None, progress=False)
    return gold, ann.articles, ann.quotes


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    return wire_quotes(tmp_path_factory.mktemp("wire"))


# --- quotation marks -----------------------------------------------------------------------------


def test_straight_and_curly_marks_pair():
    text = 'He said "yes, we will" and then “no, we won’t” before leaving.'
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["yes, we will", "no, we won’t"]


def test_mixed_straight_open_and_curly_close_pair():
    text = 'The paper wrote: "The plan will fail within a year.”'
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["The plan will fail within a year."]


def test_trailing_comma_inside_marks_is_not_part_of_the_quote():
    text = '"We are ready," she said.'
    assert [text[s.start:s.end] for s in quotes.find_quote_spans(text)] == ["We are ready"]


def test_multi_paragraph_quotation_convention_gives_one_row_per_paragraph():
    text = 'The chief executive said: "We had a difficult year.\n\n"But we are confident about the future."'
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["We had a difficult year.", "But we are confident about the future."]
    assert spans[0].continues and spans[1].continued and not spans[0].problem


def test_odd_number_of_marks_warns_and_goes_on(caplog):
    text = ('"We will rebuild the bridge, Governor Ann Lee said on Friday. The work starts in May.\n\n'
            '"Everything is on schedule," said her deputy.')
    with caplog.at_level(logging.WARNING, logger="newsbook.quotes"):
        spans = quotes.find_quote_spans(text, article_id="x1")
    got = [text[s.start:s.end] for s in spans]
    assert got == ["We will rebuild the bridge", "Everything is on schedule"]
    assert any("unbalanced quotation mark" in r.message and "x1" in r.message for r in caplog.records)


def test_stray_closing_mark_warns_and_takes_the_paragraph_start(caplog):
    text = 'The plan is dead," the spokesman said. Talks ended.'
    with caplog.at_level(logging.WARNING, logger="newsbook.quotes"):
        spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["The plan is dead"]
    assert caplog.records


def test_single_quotes_but_not_apostrophes():
    text = "Mr Hughes called the decision 'a betrayal of voters'. The players' union's lawyers didn't agree."
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["a betrayal of voters"]


def test_multi_paragraph_quotation_with_single_marks():
    text = ("‘We need to be careful,’ he said. ‘Inflation is still above target.\n\n"
            "‘But the direction of travel is clear.’")
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == [
        "We need to be careful", "Inflation is still above target.", "But the direction of travel is clear."]
    assert spans[1].continues and spans[2].continued


def test_double_marks_nested_in_a_single_quoted_quotation_stay_inside_it():
    text = "The judge said: 'He called the payments \"routine fees\". That cannot be accepted.'"
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ['He called the payments "routine fees". That cannot be accepted.']


@pytest.mark.parametrize("text, body", [
    ("WASHINGTON (Reuters) - More than", "More than"),
    ("LONDON, Feb 4 (Reuters) - Lawyers", "Lawyers"),
    ("SACRAMENTO, Calif. (AP) — Governor", "Governor"),
    ("KABUL — At least", "At least"),
    ("Washington (CNN) — The", "The"),
    ("The Pentagon said", "The Pentagon said"),
    ("US - China talks", "US - China talks"),
    ("ST. LOUIS (AP) — The", "The"),
    ("SAN JOSE, Costa Rica (AFP) - Rain", "Rain"),
    ("NEW DELHI: The court", "The court"),
    ("ON DEADLINE: Live updates", "ON DEADLINE: Live updates"),
    ("A FIRE - BOMB attack", "A FIRE - BOMB attack"),
])
def test_dateline_end(text, body):
    assert text[quotes.dateline_end(text):] == body


def test_quote_across_a_paragraph_break_without_marks_in_between():
    text = 'The magazine noted: "The conflict will spread to the north and\n\nto the south."'
    spans = quotes.find_quote_spans(text)
    assert len(spans) == 1 and text[spans[0].start:spans[0].end].endswith("to the south.")


def test_quote_closing_in_a_later_paragraph_gives_one_row_per_sentence_paragraph():
    # copy with a paragraph per sentence: the quotation opens in one and closes two further on
    text = ('"The water rose in minutes.\n\nWe carried the children upstairs.\n\n'
            'Nobody came until morning, " the farmer told reporters.')
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == [
        "The water rose in minutes.", "We carried the children upstairs.", "Nobody came until morning"]
    assert spans[0].continues and spans[1].continued and spans[2].continued and not spans[0].problem


def test_quotation_reopened_two_paragraphs_on_keeps_every_paragraph():
    text = ('The minister said: "The budget is balanced.\n\nNo ministry is spared.\n\n'
            '"Every family will see the difference. "')
    spans = quotes.find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == [
        "The budget is balanced.", "No ministry is spared.", "Every family will see the difference."]
    assert not any(s.problem for s in spans)


def test_sentence_paragraphs_of_one_quotation_share_its_speaker(nlp):
    rows = extract(nlp, 'Rescue worker Tomas Berg spoke after the collapse.\n\n'
                        '"We heard voices under the slab.\n\nWe dug with our hands, " Berg said.')
    direct = rows[rows["kind"] == "direct"]
    assert list(direct["quote"]) == ["We heard voices under the slab.", "We dug with our hands"]
    assert set(direct["speaker"]) == {"Tomas Berg"}


def test_quotation_attributed_at_its_end_is_not_the_previous_speakers(nlp):
    rows = extract(nlp, 'Protesters chanted "No more cuts" outside the hall.\n\n'
                        '"I am at the march on Main Street.\n\nThings are calm for now, " Councilwoman '
                        'Rita Owusu said on Twitter.')
    direct = rows[rows["kind"] == "direct"].set_index("quote")
    assert direct.loc["I am at the march on Main Street.", "speaker"] == "Rita Owusu"
    assert direct.loc["Things are calm for now", "speaker"] == "Rita Owusu"


def test_the_company_is_not_the_news_agency_someone_spoke_to(nlp):
    rows = extract(nlp, 'A fire broke out on Monday at a bakery owned by Hollis Foods Inc. in Ohio. "I smelled '
                        'smoke and I ran," one baker told The Associated Press.\n\n'
                        '"Our thoughts are with the injured," the company said in a statement.')
    row = rows.set_index("quote").loc["Our thoughts are with the injured"]
    assert row["speaker"].startswith("Hollis Foods")


def test_the_letter_speaks_for_whoever_wrote_it_before(nlp):
    rows = extract(nlp, 'The school principal, Anna Whitfield, wrote a letter describing the boy as a hard-working '
                        'student.\n\n"He made great strides this year," the letter read.')
    row = only(rows[rows["kind"] == "direct"])
    assert (row.speaker, row.medium) == ("Anna Whitfield", "letter")


def test_the_company_far_from_any_organisation_is_the_one_the_article_names_most(nlp):
    rows = extract(nlp, 'Hollis Foods Inc. said on Monday it would close its bakery in Ohio.\n\n'
                        'The plant employs 300 people.\n\nHollis Foods Inc. bought it in 2004.\n\n'
                        'Workers were sent home.\n\nOne worker, Dan Reyes, said he heard an alarm.\n\n'
                        '"I ran," he told The Associated Press.\n\nPolice said the fire was out by noon.\n\n'
                        '"Our thoughts are with the injured," the company said in a statement.')
    assert rows.set_index("quote").loc["Our thoughts are with the injured", "speaker"].startswith("Hollis Foods")


def test_pronoun_speaker_continues_the_previous_sentences_speaker(nlp):
    rows = extract(nlp, 'Police chased the suspect, Tom Vance, for an hour, Sheriff Robert Hale said.\n\n'
                        'He surrendered "quietly and without a fight, " Hale said.\n\n'
                        'Upon arrest, officers seized a rifle, he said.')
    row = rows.set_index("quote").loc["Upon arrest, officers seized a rifle"]
    assert row["speaker"] == "Robert Hale"


def test_name_after_an_abbreviated_title_is_the_speaker(nlp):
    rows = extract(nlp, 'The man was "hunting these people, " according to Dayton police Lt. Carla Ruiz.')
    assert set(rows["speaker"]) == {"Carla Ruiz"}


def test_the_two_men_are_the_two_people_named_before(nlp):
    rows = extract(nlp, 'In a statement, the transport secretary, Maria Lopez, and the energy secretary, Tom Akers, '
                        'agreed.\n\n"This plan will cut emissions by half, " the two men said.')
    assert only(rows[rows["kind"] == "direct"]).speaker == "Maria Lopez and Tom Akers"


def test_quoted_as_saying_gives_every_quote_to_the_one_quoted(nlp):
    rows = extract(nlp, 'The Daily Mail quoted Ben Carter as saying "The deal is dead" and "We will walk away."')
    direct = rows[rows["kind"] == "direct"]
    assert list(direct["speaker"]) == ["Ben Carter", "Ben Carter"]


def test_you_in_an_interview_is_no_speaker(nlp):
    rows = extract(nlp, 'Q: What happened next? "You go in and you do the job," you said in 2019. '
                        '"I was wrong," you told the court.')
    assert not any(s.lower() == "you" for s in rows["speaker"])


# --- direct quotes and their speakers ----------------------------------------------------------------


def test_said_after_the_quote(nlp):
    row = only(extract(nlp, '"We will not back down," Prime Minister Anna Kowalski said on Tuesday.'))
    assert (row.kind, row.speaker, row.cue, row.quote) == ("direct", "Anna Kowalski", "say", "We will not back down")
    assert row.speaker_text == "Anna Kowalski" and row.words == 5


def test_told_reporters(nlp):
    row = only(extract(nlp, '"The talks were productive," Foreign Minister Luis Ortega told reporters in Geneva.'))
    assert (row.speaker, row.cue) == ("Luis Ortega", "tell")


def test_inverted_said_with_apposition(nlp):
    row = only(extract(nlp, '"It is a sad day," said Jonas Berg, the club\'s chairman.'))
    assert (row.speaker, row.cue, row.quote) == ("Jonas Berg", "say", "It is a sad day")


def test_question_with_asked(nlp):
    row = only(extract(nlp, '"Why should we pay for their mistakes?" asked Green Party co-leader Emma Stone.'))
    assert (row.speaker, row.cue) == ("Emma Stone", "ask")
    assert row.quote.endswith("?")


def test_according_to_after_a_quote(nlp):
    row = only(extract(nlp, '"The building was empty," according to a police spokesman.'))
    assert row.cue == "according to" and "spokesman" in row.speaker


def test_split_quote_sentence_then_sentence(nlp):
    q = direct(extract(nlp, '"We have done everything we could," Mayor Tom Berger said. "Now it is up to the council."'))
    assert list(q["quote"]) == ["We have done everything we could", "Now it is up to the council."]
    assert set(q["speaker"]) == {"Tom Berger"}


def test_quote_split_by_attribution_mid_sentence(nlp):
    q = direct(extract(nlp, 'Judge Maria Lopez dismissed the motion. "This is not over," she said, '
                            '"and we will appeal the ruling."'))
    assert list(q["quote"]) == ["This is not over", "and we will appeal the ruling."]
    assert set(q["speaker"]) == {"Maria Lopez"} and set(q["speaker_text"]) == {"she"}


def test_pronoun_goes_to_the_person_not_the_organisation(nlp):
    row = only(direct(extract(nlp, 'Senator Rachel Moore met executives from Boeing on Monday. '
                                   '"The company must answer for these failures," she said.')))
    assert row.speaker == "Rachel Moore"


def test_pronoun_prefers_the_subject_of_the_previous_sentence(nlp):
    q = extract(nlp, 'Defence Secretary Mark Evans told General David Clark that the plan had been approved. '
                     '"There will be no delay," he said.')
    assert only(direct(q)).speaker == "Mark Evans"


def test_pronoun_skips_a_sentence_with_only_an_organisation(nlp):
    q = extract(nlp, 'Lawyer Ben Carter filed the complaint against Apex Corp on Monday. The company denied '
                     'any wrongdoing. "This lawsuit has no merit," he said.')
    assert "Ben Carter" in only(direct(q)).speaker


def test_pronoun_chain_over_paragraphs(nlp):
    text = ('Union leader Frank Mills said the workers would not return.\n\n'
            'He said the offer was an insult.\n\n'
            '"Not until we get a fair deal," he added.')
    q = extract(nlp, text)
    assert set(q["speaker"]) == {"Frank Mills"}
    assert only(direct(q)).cue == "add"


def test_parenthetical_pronoun_after_two_people(nlp):
    text = ('Foreign Minister Karl Weber told his counterpart Jan Novak that talks would continue. '
            'The border, he said, would stay "open to trade and to people."')
    q = extract(nlp, text)
    assert only(direct(q)).speaker == "Karl Weber"


def test_role_phrase_resolves_to_the_titled_person(nlp):
    text = ('Brazilian President Lucia Moreira arrived in Lisbon on Sunday, where Prime Minister Rui Costa met her. '
            'The Brazilian president said the visit "opens a new chapter" in relations.')
    q = extract(nlp, text)
    assert only(direct(q)).speaker == "Lucia Moreira"
    assert only(indirect(q)).speaker == "Lucia Moreira"


def test_colon_introduced_quote_without_a_verb(nlp):
    row = only(extract(nlp, 'Finance Minister Olga Petrenko was blunt: "We cannot afford this."'))
    assert (row.speaker, row.cue, row.quote) == ("Olga Petrenko", ":", "We cannot afford this.")


def test_colon_introduced_quote_with_a_publication_as_speaker(nlp):
    row = only(extract(nlp, 'As the Evening Standard reported on Friday: "The deal is off."'))
    assert row.cue == "report" and "Standard" in row.speaker


def test_colon_after_a_continue_verb(nlp):
    text = 'Chancellor Helga Braun spoke for an hour. Braun continued: "Europe must stand together."'
    row = only(direct(extract(nlp, text)))
    assert (row.speaker, row.cue) == ("Helga Braun", "continue")


def test_organisation_as_speaker(nlp):
    row = only(extract(nlp, '"We did nothing wrong," the Acme Corporation said in a statement on Thursday.'))
    assert "Acme" in row.speaker and row.cue == "say"


def test_document_speaks_for_its_issuers(nlp):
    row = only(extract(nlp, 'A joint statement issued by Norway and Iceland described the quota as "deeply unfair."'))
    assert (row.speaker, row.cue) == ("Norway and Iceland", "describe")


def test_quote_continuing_the_speakers_paragraph(nlp):
    q = extract(nlp, '"We are ready," said coach Pep Alvarez.\n\n"The players know what is at stake."')
    assert len(q) == 2 and q["speaker"].nunique() == 1 and "Alvarez" in q["speaker"].iloc[0]


def test_quote_after_a_sentence_of_reported_speech(nlp):
    text = ('Mayor Ana Silva said the city would appeal. "We believe the court got this wrong, and we will '
            'take it all the way."')
    q = direct(extract(nlp, text))
    assert only(q).speaker == "Ana Silva"


def test_partial_quotes_inside_reported_speech(nlp):
    q = extract(nlp, 'Environment Minister Sophie Laurent said she was "deeply disappointed" by the decision '
                     'and called it "a step backwards for the planet."')
    d = direct(q)
    assert list(d["quote"]) == ["deeply disappointed", "a step backwards for the planet."]
    assert set(d["speaker"]) == {"Sophie Laurent"}
    assert list(d["cue"]) == ["say", "call"]


def test_participle_cue_takes_the_clause_subject(nlp):
    row = only(direct(extract(nlp, 'Treasury Secretary Janet Brooks, speaking in Tokyo, warned that '
                                   '"the recovery remains fragile."')))
    assert (row.speaker, row.cue) == ("Janet Brooks", "warn")


def test_two_speakers_in_one_paragraph(nlp):
    text = ('"I think we made the right call," coach Tim Walsh said of the decision. His assistant, Greg Hill, '
            'disagreed. "It was a mistake," Hill said.')
    q = direct(extract(nlp, text))
    assert list(q["speaker"]) == ["Tim Walsh", "Greg Hill"]


def test_works_without_the_mentions_table(nlp):
    q = extract(nlp, '"The talks were productive," Foreign Minister Luis Ortega told reporters. '
                     '"We will meet again," he said.', mentions=False)
    assert list(q["speaker"]) == ["Luis Ortega", "Luis Ortega"]


def test_said_comma_then_quote(nlp):
    row = only(extract(nlp, 'Senator Paul Reed said, "We will win this fight."'))
    assert (row.speaker, row.cue, row.quote) == ("Paul Reed", "say", "We will win this fight.")


def test_single_quotes_nested_in_a_double_quote_stay_inside_it(nlp):
    row = only(extract(nlp, '"He told me \'you\'re fired\' and walked out," said Maria Gomez, a former employee.'))
    assert row.quote == "He told me 'you're fired' and walked out" and row.speaker == "Maria Gomez"


def test_title_case_quote_with_a_cue_is_a_quote(nlp):
    row = only(extract(nlp, '"Make Our Streets Safe," Governor Tim Baker said at the rally.'))
    assert (row.speaker, row.quote) == ("Tim Baker", "Make Our Streets Safe")


def test_told_a_newspaper_colon(nlp):
    row = only(extract(nlp, 'Interior Minister Hans Keller told the newspaper Die Welt: "The borders will stay open."'))
    assert (row.speaker, row.cue) == ("Hans Keller", "tell")


def test_unnamed_source_keeps_its_words(nlp):
    q = direct(extract(nlp, '"Our position has not changed," a State Department spokesman said. '
                            '"We urge both sides to show restraint."'))
    assert list(q["speaker"]) == ["State Department spokesman"] * 2
    assert set(q["speaker_text"]) == {"a State Department spokesman"}


def test_pronoun_after_an_untagged_surname(nlp):
    text = ('President Elena Rossi met Prime Minister Marco Bianchi on Monday. Rossi said the meeting had been '
            '"useful". Bianchi disagreed. "Nothing was decided," he said.')
    q = direct(extract(nlp, text))
    assert list(q["speaker"]) == ["Elena Rossi", "Marco Bianchi"]


def test_quote_in_a_relative_clause_goes_to_its_subject(nlp):
    row = only(extract(nlp, 'The court\'s ruling, which lawyers described as "unprecedented", was welcomed by activists.'))
    assert (row.speaker, row.cue, row.quote) == ("lawyers", "describe", "unprecedented")


def test_dateline_is_neither_speaker_nor_reported_content(nlp):
    q = extract(nlp, "LONDON (Reuters) - More than 250,000 homes lost power on Tuesday, utility officials said.\n\n"
                     "LONDON — Arsenal manager Mikel Arteta insisted his side could still win the title.")
    assert list(q["quote"]) == ["More than 250,000 homes lost power on Tuesday", "his side could still win the title"]
    assert list(q["speaker"]) == ["utility officials", "Mikel Arteta"]


def test_subject_hung_on_the_dateline_is_found(nlp):
    row = only(direct(extract(nlp, 'DUBAI (Reuters) - Saudi Arabia\'s energy minister, Prince Abdulaziz bin Salman, '
                                   'told Reuters in an interview that OPEC+ would act "proactively" if prices fell.')))
    assert "Abdulaziz" in row.speaker and row.cue == "tell"


def test_colon_intro_without_a_speech_verb_is_not_reported_speech(nlp):
    q = extract(nlp, 'The opposition was less kind: "This is a lost year for households," Friedrich Merz wrote on X.')
    row = only(q)
    assert (row.kind, row.speaker, row.cue, row.quote) == ("direct", "Friedrich Merz", "write",
                                                          "This is a lost year for households")


def test_colon_after_an_utterance_noun_names_its_owner(nlp):
    row = only(extract(nlp, 'The reaction from the prime minister\'s office was brief: "We do not comment on leaks."'))
    assert (row.speaker, row.cue) == ("prime minister's office", ":")


@pytest.mark.parametrize("text, term", [
    ('Lagarde declined to comment on the "Frankfurt consensus," a phrase coined by analysts.', "Frankfurt consensus"),
    ('Industry analysts said the "Swift effect" was still lifting sales.', "Swift effect"),
    ('A spokesman declined to comment on the "Project Nightingale" report.', "Project Nightingale"),
    ('The company\'s "voluntary" redundancy scheme was criticised by staff, who say they had no choice.', "voluntary"),
])
def test_determiner_led_terms_are_not_quotes(nlp, text, term):
    assert term not in set(direct(extract(nlp, text))["quote"])


def test_a_lowercase_quote_a_cue_governs_stays_a_quote(nlp):
    row = only(direct(extract(nlp, "Villa boss Unai Emery praised the 'character' of his young squad.")))
    assert (row.speaker, row.cue, row.quote) == ("Unai Emery", "praise", "character")


def test_attribution_in_the_sentence_after_a_question(nlp):
    row = only(extract(nlp, '"Where are our children supposed to study?" one mother asked.'))
    assert (row.speaker, row.cue) == ("one mother", "ask")


def test_definite_descriptions_resolve_to_the_entity_before(nlp):
    q = extract(nlp, 'MELBOURNE — Jannik Sinner retained his title on Sunday, beating Alexander Zverev.\n\n'
                     '"It\'s an incredible feeling," said the 23-year-old Italian.')
    assert only(direct(q)).speaker == "Jannik Sinner"
    q = extract(nlp, 'Siemens said it would cut 5,000 jobs. The company also said it expected a loss.')
    assert list(q["speaker"]) == ["Siemens", "Siemens"]
    q = extract(nlp, 'According to a report by the International Energy Agency, coal demand will hit a record. '
                     'The report said India would account for most of the increase.')
    assert set(q["speaker"]) == {"International Energy Agency"}


def test_a_description_of_a_new_institution_is_not_the_company_before(nlp):
    q = extract(nlp, 'Toyota will recall 280,000 vehicles, the transport ministry said.')
    assert only(q).speaker == "transport ministry"


def test_nationality_modifier_is_not_the_speaker(nlp):
    row = only(direct(extract(nlp, 'The Russian defence ministry said its forces had struck "military targets".')))
    assert row.speaker == "Russian defence ministry"


def test_joint_speakers_are_joined(nlp):
    row = only(indirect(extract(nlp, 'Germany and France said in a joint statement on Friday that Europe must '
                                     'spend more on defence.')))
    assert row.speaker == "Germany and France" and row.quote == "Europe must spend more on defence"


def test_unnamed_source_keeps_what_identifies_it(nlp):
    row = only(extract(nlp, 'Apple is in talks to invest in OpenAI, people familiar with the matter said.'))
    assert row.speaker == "people familiar with the matter"


def test_name_the_model_missed_is_a_person_for_pronouns(nlp):
    q = extract(nlp, '"We have learned some lessons," Tedros Adhanom Ghebreyesus told delegates.\n\n'
                     'He said governments should sign a pandemic agreement.')
    assert set(q["speaker"]) == {"Tedros Adhanom Ghebreyesus"}
    assert len(indirect(q)) == 1


# --- not quotes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'She appeared on the BBC\'s "Newsnight" programme on Monday.',
    'His book "The Long Road Home" was published in May.',
    'The company launched a campaign called "Drive Safe Home" last year.',
    'The film, titled "Winter in the South", opens on Friday.',
    'The newspaper\'s headline read "Victory at Last".',
    'The rally ended with the slogan "Jobs Not Cuts".',
    'The film won best original song with "What Was I Made For?".',
])
def test_titles_are_not_quotes(nlp, text):
    assert extract(nlp, text).empty


@pytest.mark.parametrize("text", [
    'The government\'s so-called "reform" package was rejected by parliament.',
    'The minister\'s "reform" has left hospitals short of staff.',
    'Residents of the "safe zone" say they have no water.',
])
def test_scare_quotes_are_dropped(nlp, text):
    assert direct(extract(nlp, text)).empty


def test_scare_quote_repeating_an_earlier_quote_is_an_echo_of_its_speaker(nlp):
    text = ('Opposition leader Karen Diaz called the budget "reckless."\n\n'
            'Markets fell sharply on Friday after the "reckless" budget was unveiled.')
    q = direct(extract(nlp, text))
    assert list(q["speaker"]) == ["Karen Diaz", "Karen Diaz"]
    assert list(q["cue"]) == ["call", ""]


def test_characterising_verb_reached_through_a_conjunct_is_not_the_cue(nlp):
    row = only(direct(extract(nlp, 'A police spokesman said officers were called at 03:00 and found '
                                   '"extensive damage" to the building.')))
    assert (row.speaker, row.cue) == ("police spokesman", "say")


def test_short_quote_with_a_cue_is_a_quote(nlp):
    row = only(direct(extract(nlp, 'Police Chief Maria Santos described the attack as "cowardly".')))
    assert (row.speaker, row.cue, row.quote) == ("Maria Santos", "describe", "cowardly")


# --- reported speech -------------------------------------------------------------------------------------


def test_indirect_with_that(nlp):
    row = only(extract(nlp, 'Police Chief Maria Santos said that the suspect had been arrested overnight.'))
    assert (row.kind, row.speaker, row.cue, row.quote) == (
        "indirect", "Maria Santos", "say", "the suspect had been arrested overnight")


def test_indirect_without_that_and_surname(nlp):
    q = extract(nlp, 'Police Chief Maria Santos spoke on Monday. Santos said the suspect would appear in court.')
    row = only(q)
    assert (row.speaker, row.quote) == ("Maria Santos", "the suspect would appear in court")


def test_indirect_told_someone_that(nlp):
    row = only(extract(nlp, 'Health Minister Peter Hall told lawmakers that the hospital would stay open.'))
    assert (row.kind, row.speaker, row.cue, row.quote) == ("indirect", "Peter Hall", "tell", "the hospital would stay open")


def test_indirect_with_pronoun(nlp):
    q = extract(nlp, 'Interior Minister Clara Vidal visited the border. She said the crossing would reopen soon.')
    row = only(q)
    assert (row.speaker, row.speaker_text, row.quote) == ("Clara Vidal", "She", "the crossing would reopen soon")


def test_indirect_according_to(nlp):
    row = only(extract(nlp, 'According to the Interior Ministry, 40 people were detained overnight.'))
    assert (row.kind, row.cue, row.quote) == ("indirect", "according to", "40 people were detained overnight")
    assert row.speaker == "Interior Ministry"


def test_indirect_with_postposed_attribution(nlp):
    row = only(extract(nlp, 'The bridge will reopen in May, the transport agency said.'))
    assert (row.kind, row.cue, row.quote) == ("indirect", "say", "The bridge will reopen in May")
    assert "transport agency" in row.speaker


def test_indirect_parenthetical_attribution(nlp):
    text = 'Economy Minister Ravi Patel spoke after the meeting. The ministry, he said, would publish the figures soon.'
    row = only(extract(nlp, text))
    assert row.kind == "indirect" and row.speaker == "Ravi Patel" and "publish the figures soon" in row.quote


def test_indirect_quoted_as_saying(nlp):
    row = only(extract(nlp, 'Prime Minister Johan Berg was quoted as saying that the tax would be scrapped.'))
    assert (row.kind, row.speaker, row.cue, row.quote) == ("indirect", "Johan Berg", "say", "the tax would be scrapped")


def test_indirect_as_x_noted(nlp):
    row = only(extract(nlp, 'As the Daily Mirror noted on Saturday, the strike will hit hospitals hardest.'))
    assert (row.kind, row.cue, row.quote) == ("indirect", "note", "the strike will hit hospitals hardest")
    assert "Mirror" in row.speaker


def test_indirect_participle_keeps_the_speaker(nlp):
    row = only(indirect(extract(nlp, 'The bank said its profit rose 12 percent, citing "strong demand" from retail '
                                     'customers.')))
    assert row.speaker == "bank"
    assert only(direct(extract(nlp, 'The bank said its profit rose 12 percent, citing "strong demand" from retail '
                                     'customers.'))).speaker == "bank"


def test_postposed_attribution_parsed_as_a_conjunct(nlp):
    row = only(indirect(extract(nlp, "Labour's plans will 'unlock a generation of housebuilding', the deputy "
                                     "prime minister, Angela Rayner, has claimed.")))
    assert (row.speaker, row.cue) == ("Angela Rayner", "claim")
    assert row.quote == "Labour's plans will 'unlock a generation of housebuilding'"


@pytest.mark.parametrize("text, content", [
    ('Judge Lorna Schofield wrote in a 32-page opinion that the arguments were "better suited for a jury."',
     'the arguments were "better suited for a jury."'),
    ('Rachel Reeves told BBC Radio 4\'s "Today" programme that she would not raise income tax.',
     "she would not raise income tax"),
])
def test_that_clause_the_parser_hangs_on_a_noun(nlp, text, content):
    assert only(indirect(extract(nlp, text))).quote == content


def test_date_after_the_verb_is_not_reported(nlp):
    row = only(extract(nlp, "The Pentagon said on Friday it would send 1,500 troops to the border."))
    assert row.quote == "it would send 1,500 troops to the border"


def test_second_reporting_act_ends_the_clause(nlp):
    q = extract(nlp, "Villa boss Unai Emery said his team had 'deserved' the win and praised the 'character' "
                     "of his young squad.")
    assert list(indirect(q)["quote"]) == ["his team had 'deserved' the win"]
    q = extract(nlp, 'Emmanuel Macron told reporters that Europe must wake up, warning the continent faced '
                     '"a historic moment".')
    assert list(indirect(q)["cue"]) == ["tell", "warn"]
    assert indirect(q)["quote"].iloc[0] == "Europe must wake up"


def test_participle_going_on_with_the_report_is_part_of_it(nlp):
    row = only(extract(nlp, "Nvidia said on Wednesday its revenue had nearly doubled, beating analysts' "
                            "expectations."))
    assert row.quote == "its revenue had nearly doubled, beating analysts' expectations"


def test_verb_of_saying_in_another_sense_inside_the_clause(nlp):
    row = only(extract(nlp, "Tim Cook said on Thursday that tariffs would add about $900 million to costs."))
    assert (row.speaker, row.quote) == ("Tim Cook", "tariffs would add about $900 million to costs")


@pytest.mark.parametrize("text, speaker, cue, content", [
    ("Lawmakers asked the governor whether rates would be cut.", "Lawmakers", "ask", "whether rates would be cut"),
    ("Pierre Poilievre asked why ministers had ignored the warnings.", "Pierre Poilievre", "ask",
     "why ministers had ignored the warnings"),
    ("A study of 40,000 adults found that walkers had a lower risk of depression.", "study of 40,000 adults",
     "find", "walkers had a lower risk of depression"),
    ("Economists polled by Reuters had forecast sales would rise slightly.", "Economists polled by Reuters",
     "forecast", "sales would rise slightly"),
])
def test_questions_findings_and_forecasts_are_reported(nlp, text, speaker, cue, content):
    row = only(extract(nlp, text))
    assert (row.speaker, row.cue, row.quote) == (speaker, cue, content)


def test_being_asked_is_not_asking(nlp):
    q = extract(nlp, 'Asked whether he had the votes, Mike Johnson said: "We\'ll see."')
    assert list(q["kind"]) == ["direct"]


def test_relative_pronoun_before_the_verb_is_not_reported(nlp):
    row = only(extract(nlp, "The bank, which the regulator said had broken the rules, was fined."))
    assert (row.speaker, row.quote) == ("regulator", "had broken the rules")


def test_thinking_is_not_speech(nlp):
    assert extract(nlp, 'Economist Ruth Adler believes that rates will fall next year.').empty


def test_impersonal_report_has_no_speaker(nlp):
    row = only(extract(nlp, 'It was reported that the company had lost its licence.'))
    assert (row.kind, row.speaker, row.cue) == ("indirect", "", "report")


def test_no_speech_no_quote(nlp):
    assert extract(nlp, 'The committee met on Tuesday and approved the budget. He declined to comment.').empty


def test_quote_ids_and_schema(nlp):
    q = extract(nlp, '"Yes," Anna Kowalski said. Kowalski said the vote would be held in June.', article_id="a7")
    assert list(q.columns) == schema.QUOTES.column_names
    assert list(q["quote_id"]) == ["a7:q1", "a7:q2"]


# --- cross-source matching -------------------------------------------------------------------------------


def _quotes_frame(rows):
    frame = pd.DataFrame(rows)
    frame["quote_id"] = [f"{a}:q{i}" for i, a in enumerate(frame["article_id"])]
    for col in ("speaker_text", "cue", "sentence"):
        frame[col] = ""
    frame["start"] = range(len(frame))
    frame["words"] = frame["quote"].str.split().str.len()
    return frame


def test_translation_variants_match_and_unrelated_quotes_do_not():
    q = _quotes_frame([
        {"article_id": "a", "speaker": "Ivan Petrov", "kind": "direct",
         "quote": "We have waited a long time for the situation to improve, but it will not happen soon."},
        {"article_id": "a", "speaker": "Ivan Petrov", "kind": "direct", "quote": "The sanctions are illegal."},
        {"article_id": "b", "speaker": "Ivan Petrov", "kind": "direct",
         "quote": "We waited for quite a long time that the situation would improve; it won't be soon."},
        {"article_id": "b", "speaker": "Olga Ivanova", "kind": "direct",
         "quote": "Our farmers will pay the price for this decision."},
    ])
    m = compare.match_quotes(q, min_similarity=0.5)
    assert len(m) == 1
    row = m.iloc[0]
    assert (row.article_id_a, row.article_id_b, row.speaker) == ("a", "b", "Ivan Petrov")
    assert row.similarity >= 0.5
    assert list(m.columns) == schema.QUOTE_MATCHES.column_names


def test_same_article_quotes_are_never_matched():
    q = _quotes_frame([
        {"article_id": "a", "speaker": "X", "kind": "direct", "quote": "We will fight on the beaches and in the fields."},
        {"article_id": "a", "speaker": "X", "kind": "direct", "quote": "We will fight on the beaches and in the fields."},
    ])
    assert compare.match_quotes(q).empty


def test_one_shared_word_is_not_a_match():
    assert compare.quote_similarity("weird", "completely weird and unacceptable") < 0.5
    assert compare.quote_similarity("Same words here.", "same words here") == 1.0


def test_seed_pair_is_found(seeds):
    _, q = seeds
    m = compare.match_quotes(q, min_similarity=0.5)
    gold = load_gold()["pairs"][0]
    hit = m[m["quote_a"].str.contains(gold["a"]["contains"]) & m["quote_b"].str.contains(gold["b"]["contains"])]
    assert len(hit) == 1
    assert hit.iloc[0].speaker == gold["speaker"]
    assert hit.iloc[0].similarity >= 0.5
    # nothing else in the seeds reaches the threshold
    assert len(m) == 1


# --- voice share, tables, HTML ---------------------------------------------------------------------------


def test_voice_share():
    q = pd.DataFrame({
        "article_id": ["a", "a", "a", "b", "b"], "quote_id": ["a:q1", "a:q2", "a:q3", "b:q1", "b:q2"],
        "speaker": ["X", "X", "Y", "", "X"], "kind": ["direct", "direct", "direct", "direct", "indirect"],
        "words": [6, 4, 10, 3, 50],
    })
    share = quotes.voice_share(q)
    assert list(share.columns) == ["article_id", "speaker", "quotes", "words", "share"]
    a = share[share["article_id"] == "a"].set_index("speaker")
    assert a.loc["X", "quotes"] == 2 and a.loc["X", "words"] == 10 and a.loc["X", "share"] == pytest.approx(0.5)
    b = share[share["article_id"] == "b"]
    assert list(b["speaker"]) == [quotes.UNATTRIBUTED] and b["share"].iloc[0] == pytest.approx(1.0)
    assert quotes.voice_share(q.iloc[0:0]).empty


def test_quote_diff_html_highlights_and_escapes():
    a = 'We waited <b>quite</b> a long time & it won\'t be soon.'
    b = 'We waited for a long time & it will not be soon. <script>alert(1)</script>'
    out = nb_html.quote_diff_html(a, b, label_a="Outlet <A>", label_b="B & co")
    assert "<script" not in out and "</script" not in out and "alert(1)" in out
    assert "<b>" not in out and "</b>" not in out and "&lt;" in out
    assert "Outlet &lt;A&gt;" in out and "B &amp; co" in out
    assert re.search(r"<del[^>]*>[^<]*quite", out)
    assert re.search(r"<ins[^>]*>for</ins>", out)
    assert "<del" in out.split("</td>")[0] and "<ins" not in out.split("</td>")[0]
    only_a, only_b = nb_html.quote_diff(a, b)
    assert "quite" in only_a and "for" in only_b and "waited" not in only_a + only_b


def test_quote_pairs_html_for_the_notebook(seeds):
    articles, q = seeds
    m = compare.match_quotes(q)
    out = nb_html.quote_pairs_html(m, articles)
    assert out.count("<table") == len(m) and "similarity" in out
    assert "No quote" in nb_html.quote_pairs_html(m.iloc[0:0])


def test_charts_build(seeds):
    from newsbook import charts

    articles, q = seeds
    charts.quotes_per_speaker(q, articles).to_dict()
    charts.voice_share_chart(quotes.voice_share(q), articles).to_dict()
    charts.quotes_per_speaker(q.iloc[0:0]).to_dict()


def test_quote_table_filters_by_speaker(seeds):
    _, q = seeds
    t = quotes.quote_table(q, speaker="lavrov")
    assert len(t) and set(t["speaker"]) == {"Sergei Lavrov"}
    assert list(t.columns) == ["article_id", "speaker", "kind", "cue", "quote", "sentence"]


# --- the seed gold ---------------------------------------------------------------------------------------


def test_seed_direct_quotes_against_gold(seeds):
    _, q = seeds
    s = score(q, load_gold(), "direct")
    assert s["recall"] >= 0.95, s["missed"]
    assert s["precision"] >= 0.95, s["extra"]
    assert s["speaker_accuracy"] >= 0.95, s["wrong_speaker"]


def test_seed_indirect_quotes_against_gold(seeds):
    _, q = seeds
    s = score(q, load_gold(), "indirect")
    assert s["recall"] >= 0.85, s["missed"]
    assert s["precision"] >= 0.85, s["extra"]
    assert s["speaker_accuracy"] >= 0.9, s["wrong_speaker"]


def test_seed_titles_are_not_extracted(seeds):
    _, q = seeds
    for article_id, items in load_gold()["not_quotes"].items():
        texts = set(q[q["article_id"] == article_id]["quote"])
        for item in items:
            assert item["text"] not in texts


# --- the wire-style dev set --------------------------------------------------------------------------
# Floors: the level reached after the fixes (every score 1.0 on both batches) minus a margin for
# parser/model drift and concurrent work on the actors table. The first-run (pre-fix) scores on
# the first batch were direct R .99 / P .96, indirect R .89 / P .97, speaker accuracy .90 / .91.

WIRE_FLOORS = {"recall": 0.96, "precision": 0.96, "speaker_accuracy": 0.95, "strict_speaker_accuracy": 0.92,
               "cue_accuracy": 0.95, "edge_accuracy": 0.95}


@pytest.mark.parametrize("kind", ["direct", "indirect"])
def test_wire_dev_set_against_gold(wire, kind):
    gold, _, q = wire
    s = score(q, gold, kind)
    details = {"recall": s["missed"], "precision": s["extra"], "speaker_accuracy": s["wrong_speaker"],
               "strict_speaker_accuracy": s["loose_speaker"], "cue_accuracy": s["wrong_cue"], "edge_accuracy": ""}
    for metric, floor in WIRE_FLOORS.items():
        assert s[metric] >= floor, (metric, s[metric], details[metric])


def test_wire_titles_terms_and_scare_quotes_are_not_extracted(wire):
    gold, _, q = wire
    found = [(a, item["text"]) for a, items in gold["not_quotes"].items() for item in items
             if item["text"] in set(q[q["article_id"] == a]["quote"])]
    assert not found


def test_wire_offsets(wire):
    _, articles, q = wire
    texts = dict(zip(articles["article_id"], articles["text"]))
    assert set(q["article_id"]) <= set(texts)
    for row in q.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.quote
        assert not quotes.dateline_end(row.quote)  # reported clauses start after the dateline


def test_seed_offsets_and_sentences(seeds):
    articles, q = seeds
    texts = dict(zip(articles["article_id"], articles["text"]))
    for row in q.itertuples():
        text = texts[row.article_id]
        assert text[row.start:row.end] == row.quote
        assert text[row.sentence_start:row.sentence_end] == row.sentence
        assert row.sentence_start <= row.start


# --- pronouns agree in gender (issue 14) --------------------------------------------------------------


def test_she_skips_the_man_named_last(nlp):
    q = extract(nlp, "Finance Minister Helen Carter met the central bank governor, Michael Grant, on Monday. "
                     "Grant warned about inflation.\n\n\"The budget will balance by 2027,\" she told reporters.")
    assert only(direct(q))["speaker"] == "Helen Carter"


def test_he_skips_the_woman_named_last(nlp):
    q = extract(nlp, "Coach David Moreno praised captain Sarah Linde after the final. Linde scored twice. "
                     "\"I have never seen a better performance,\" he said.")
    assert only(direct(q))["speaker"] == "David Moreno"


# --- the medium is not the speaker (issue 14) -----------------------------------------------------------


def test_said_on_a_platform_records_the_platform_as_medium(nlp):
    q = extract(nlp, "Senator Rosa Delgado attacked the ruling on Monday. "
                     "\"The court has lost its way,\" she posted on Instagram.")
    row = only(direct(q))
    assert row["speaker"] == "Rosa Delgado" and row["medium"] == "Instagram"


def test_statement_with_no_issuer_speaks_for_the_lede_actor(nlp):
    q = extract(nlp, "Governor Ian Blake declared a drought emergency on Thursday. "
                     "The proclamation said \"water use must fall by a fifth\" across the state.")
    row = only(direct(q))
    assert row["speaker"] == "Ian Blake" and row["medium"] == "proclamation"


def test_their_filing_speaks_for_the_company(nlp):
    q = extract(nlp, "Northwind Energy said in their annual filing that output fell. "
                     "According to the filing, two refineries were closed for repairs.")
    rows = indirect(q)
    assert set(rows["speaker"]) == {"Northwind Energy"}
    assert set(rows["medium"]) == {"filing"}


def test_medium_of_a_cue(nlp):
    q = extract(nlp, "Transport Minister Kofi Mensah told a news conference that fares would rise. "
                     "The union tweeted that it would strike.")
    media = dict(zip(indirect(q)["cue"], indirect(q)["medium"]))
    assert media == {"tell": "news conference", "tweet": "Twitter"}


# --- speakers that are not speakers (issue 14) ----------------------------------------------------------


def test_one_of_his_aides_is_a_role_not_one(nlp):
    q = extract(nlp, "Prime Minister Ravi Menon is under pressure to resign. "
                     "According to one of his advisers, Menon will call an early election.")
    assert only(indirect(q))["speaker"] == "an adviser to Ravi Menon"


def test_one_of_the_group_is_a_member_of_it(nlp):
    q = extract(nlp, "One of the firefighters said the blaze had started in the kitchen.")
    assert only(indirect(q))["speaker"] == "firefighter"


def test_a_bare_number_names_no_speaker(nlp):
    q = extract(nlp, "Five migrants were questioned. Three said they had paid smugglers.")
    assert not (q["speaker"].str.lower() == "three").any()


def test_polls_and_documents_are_no_voice(nlp):
    q = extract(nlp, "Recent surveys show that voters are tired of the war. "
                     "Leaked documents show that the agency knew of the risk.")
    assert not set(q["speaker"].str.lower()) & {"recent surveys", "surveys", "documents", "leaked documents"}


def test_quoted_as_saying_credits_the_one_quoted(nlp):
    q = extract(nlp, "The Chronicle quoted fire chief Ellen Ward as saying the dam could fail within hours.")
    assert only(indirect(q))["speaker"] == "Ellen Ward"


# --- role phrases name their holder (issue 14) ------------------------------------------------------------


def test_title_of_a_country_then_the_name_is_that_person_not_an_earlier_president(nlp):
    q = extract(nlp, "Kenyan President Samuel Otieno welcomed the deal.\n\n"
                     "President of Ghana Kwame Mensah said, \"We expect the money to arrive within a month.\"")
    assert only(direct(q))["speaker"] == "Kwame Mensah"


def test_name_after_a_long_apposition_before_said(nlp):
    q = extract(nlp, "Speaking to the BBC, the head of the Association of Coastal Towns, Derek Hollis, said, "
                     "\"The sea wall will not last another winter.\"")
    assert only(direct(q))["speaker"] == "Derek Hollis"


# --- short quoted labels (issue 14) -----------------------------------------------------------------------


def test_label_after_calling_a_long_object_is_the_callers(nlp):
    q = extract(nlp, "Opposition leaders condemned the bill, with Senator Carla Ruiz of Oregon calling the "
                     "measure on border funding \"Orwellian\" and Ted Marsh of Ohio calling it \"a disgrace\".")
    got = dict(zip(direct(q)["quote"], direct(q)["speaker"]))
    assert got == {"Orwellian": "Carla Ruiz", "a disgrace": "Ted Marsh"}


def test_title_case_label_after_referred_to_as(nlp):
    q = extract(nlp, "The mayor, Dan Whitley, referred to the audit as \"The Great Distraction\" on Friday.")
    row = only(direct(q))
    assert row["quote"] == "The Great Distraction" and row["speaker"] == "Dan Whitley"


def test_branded_them_label(nlp):
    q = extract(nlp, "Interior Minister Petra Lind branded the rioters \"criminals\" after the clashes.")
    assert only(direct(q))["speaker"] == "Petra Lind"


def test_a_passive_label_is_no_quote(nlp):
    q = extract(nlp, "Scotland is voting on independence, which has been termed Scexit for \"Scottish exit\".")
    assert direct(q).empty


# --- groups speak (issue 14) ------------------------------------------------------------------------------


def test_a_group_has_a_voice(nlp):
    q = extract(nlp, "House Democrats said the spending bill would fail. "
                     "\"We will not be silenced,\" the strikers chanted outside the factory.")
    assert set(zip(q["kind"], q["speaker"])) == {("indirect", "House Democrats"), ("direct", "strikers")}


# --- match relation: a cut does not hide behind a high similarity (issue 14) ------------------------------


def test_relation_same_shortened_reworded():
    full = "The port will reopen on Monday. Ships will be inspected before they dock, and fees will rise."
    assert quotes.quote_relation(full, full.upper()) == ("same", "")
    relation, left_out = quotes.quote_relation(full, "The port will reopen on Monday.")
    assert relation == "shortened" and left_out == "Ships will be inspected before they dock and fees will rise"
    relation, left_out = quotes.quote_relation("The port reopens Monday, with inspections", full)
    assert relation == "reworded" and left_out


def test_quote_matches_carry_the_relation():
    q = pd.DataFrame({
        "article_id": ["a", "b"], "quote_id": ["a:q1", "b:q1"], "speaker": ["Lena Fox", "Lena Fox"],
        "kind": ["direct", "direct"], "start": [0, 0], "end": [82, 51],
        "quote": ["We will rebuild every home that the flood destroyed, and we will do it this year.",
                  "We will rebuild every home that the flood destroyed"]})
    m = compare.match_quotes(q)
    row = only(m)
    assert row["relation"] == "shortened" and row["left_out"] == "and we will do it this year"
    assert "shortened" in nb_html.quote_pairs_html(m)


# --- a partial quote inside reported speech is counted once (issue 14) ----------------------------------


def test_nested_direct_quote_counted_once_in_voice_share(nlp):
    q = extract(nlp, "Finance Minister Omar Haddad said the budget was \"dead on arrival\" and would be rewritten.")
    assert set(q["kind"]) == {"direct", "indirect"}
    both = quotes.voice_share(q, kinds=("direct", "indirect"))
    assert int(both["words"].sum()) == int(indirect(q)["words"].sum())
    assert int(both["quotes"].sum()) == 1
    assert int(quotes.voice_share(q)["words"].sum()) == 3  # direct only: the quoted words


def test_according_to_an_agency_the_named_official_said(nlp):
    q = extract(nlp, "According to state news agency Tanjug, the city's chief prosecutor, Milan Petrovic, said "
                     "the suspects would be charged, adding that more arrests were likely.")
    assert set(indirect(q)["speaker"]) == {"Milan Petrovic"}
    assert len(indirect(q)) == 2


def test_he_added_is_the_one_saying_not_the_one_said_about(nlp):
    q = extract(nlp, "Defence Minister Piotr Nowak defended the purchase. He said Kowalski was \"a loyal deputy\"; "
                     "however, \"the contract stands\", he added.")
    got = dict(zip(direct(q)["quote"], direct(q)["speaker"]))
    assert got["the contract stands"] == "Piotr Nowak"


# --- block quotations without marks (issue 14) -------------------------------------------------------


def test_paragraph_after_tweeted_colon_is_a_direct_quote(nlp):
    q = extract(nlp, "Governor Lisa Moreau reacted within minutes. She tweeted:\n\n"
                     "Today is a great day for every family in this state. Thank you to the legislature!\n\n"
                     "Opponents plan to challenge the law in court.")
    row = only(direct(q))
    assert row["speaker"] == "Lisa Moreau" and row["quote"].startswith("Today is a great day")
    assert row["medium"] == "Twitter"


def test_paragraph_after_a_list_colon_is_no_quote(nlp):
    q = extract(nlp, "The final standings are as follows:\n\nRovers 54 points, United 51, City 47.")
    assert direct(q).empty


def test_role_phrase_picks_the_holder_whose_qualifier_agrees(nlp):
    q = extract(nlp, "Idaho Governor Brad Little and Nevada Governor Joe Lombardo met in Boise on the drought. "
                     "\"We will share the river fairly,\" the Nevada governor said.")
    assert only(direct(q))["speaker"] == "Joe Lombardo"


def test_a_post_sent_from_someones_account_is_theirs(nlp):
    q = extract(nlp, "Mayor Nina Brandt promised free buses. A post sent from Brandt's Instagram account on "
                     "Sunday repeated the promise, saying \"Every bus will be free by June.\"")
    row = only(direct(q))
    assert row["speaker"] == "Nina Brandt" and row["medium"] == "post"


# --- real news: the Wikinews dev set ------------------------------------------------------------------
# 32 Wikinews articles (CC BY 2.5) annotated by hand before the extractors ran on them (22 dev, 10
# held out). Before the fixes of issue 14: dev direct F1 .957, all attributions F1 .921, speaker
# (named sources) .836; held out 1.000 / .917 / .851; both 0.970 / .920 / .841. After: dev .963 /
# .918 / .929, held out 1.000 / .924 / .936, both .975 / .920 / .931 (the held-out errors were
# looked at once, at .915: two general patterns seen there were fixed, so it is no longer blind).
# Floors: both batches, the level reached minus a margin for parser drift.

WIKINEWS_PATH = ROOT / "tests" / "gold" / "quotes_wikinews.yaml"
# Third round (issue 14): 6 political articles added (`articles_politics`, 73 attributions, annotated
# before the extractor ran on them). All 38 before its fixes: .972 / .914 / .900; after: .972 / .922 / .933.
WIKINEWS_FLOORS = {"direct_f1": 0.96, "all_f1": 0.90, "speaker_named": 0.91}
WIKINEWS_BATCHES = ("articles", "articles_heldout", "articles_politics")


@pytest.fixture(scope="module")
def wikinews(tmp_path_factory):
    import newsbook

    gold = evaluation.load_dev_gold(WIKINEWS_PATH, WIKINEWS_BATCHES)
    folder = evaluation.write_dev_corpus(gold, tmp_path_factory.mktemp("wikinews"))
    ann = newsbook.annotate(folder, cache_dir=None, progress=False)
    return gold, ann.articles, ann.quotes


def test_wikinews_real_news_against_gold(wikinews):
    gold, _, q = wikinews
    s = evaluation.attribution_scores(q, gold)
    for metric, floor in WIKINEWS_FLOORS.items():
        detail = {k: (v["missed"], v["extra"], v["wrong_speaker"]) for k, v in s["per_kind"].items()}
        assert s[metric] >= floor, (metric, s[metric], detail)


def test_wikinews_offsets(wikinews):
    _, articles, q = wikinews
    texts = dict(zip(articles["article_id"], articles["text"]))
    for row in q.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.quote


def _print_scores(predicted: pd.DataFrame, gold: dict, label: str) -> None:
    for kind in ("direct", "indirect"):
        s = score(predicted, gold, kind)
        print(f"{label} {kind:8}  gold={s['gold']:3}  predicted={s['predicted']:3}  recall={s['recall']:.3f}  "
              f"precision={s['precision']:.3f}  speaker={s['speaker_accuracy']:.3f}  "
              f"strict speaker={s['strict_speaker_accuracy']:.3f}  cue={s['cue_accuracy']:.3f}")
        for item in s["missed"] + s["extra"] + s["wrong_speaker"] + s["wrong_cue"]:
            print(f"   {item}")


if __name__ == "__main__":
    import tempfile

    for batch in WIRE_BATCHES:
        wire_gold, _, wire_predicted = wire_quotes(Path(tempfile.mkdtemp()), (batch,))
        _print_scores(wire_predicted, wire_gold, batch)
    wn_gold = evaluation.load_dev_gold(WIKINEWS_PATH)
    for batch in ("articles", "articles_heldout"):
        g = evaluation.load_dev_gold(WIKINEWS_PATH, (batch,))
        ann = __import__("newsbook").annotate(evaluation.write_dev_corpus(g, tempfile.mkdtemp()), cache_dir=None, progress=False)
        print("wikinews", batch, evaluation.format_scores(evaluation.attribution_scores(ann.quotes, g)))
        _print_scores(ann.quotes, g, f"wikinews {batch}")
    _, predicted = seed_quotes()
    gold = load_gold()
    for kind in ("direct", "indirect"):
        s = score(predicted, gold, kind)
        print(f"{kind:8}  gold={s['gold']:3}  predicted={s['predicted']:3}  recall={s['recall']:.3f}  "
              f"precision={s['precision']:.3f}  speaker accuracy={s['speaker_accuracy']:.3f}")
        for label in ("missed", "extra", "wrong_speaker"):
            for item in s[label]:
                print(f"   {label}: {item}")
    m = compare.match_quotes(predicted)
    for r in m.itertuples():
        print(f"pair: {r.quote_id_a} ~ {r.quote_id_b}  speaker={r.speaker}  similarity={r.similarity:.3f}")


# --- the researcher's quotes.yaml (issue 14) ----------------------------------------------------------


def test_quote_corrections_file_fixes_speaker_kind_and_drops(tmp_path):
    import newsbook

    (tmp_path / "a1.txt").write_text(
        "---\ntitle: Port\n---\nHarbour master Joan Pike said the port would reopen. \"We are ready,\" she said. "
        "Critics called the plan \"reckless\".", encoding="utf-8")
    first = newsbook.annotate(tmp_path, cache_dir=None, progress=False).quotes
    ids = dict(zip(first["quote"], first["quote_id"]))
    (tmp_path / "quotes.yaml").write_text(
        f"speaker:\n  {ids['We are ready']}: Tom Pike\nkind:\n  {ids['We are ready']}: direct\n"
        f"drop:\n  - {ids['reckless']}\n  - a1:q99\n", encoding="utf-8")
    ann = newsbook.annotate(tmp_path, cache_dir=None, progress=False)
    q = ann.quotes.set_index("quote_id")
    assert q.loc[ids["We are ready"], "speaker"] == "Tom Pike"
    assert ids["reckless"] not in q.index
    assert any("no quote 'a1:q99'" in line for line in ann.corrections_applied)


def test_malformed_quote_corrections_name_the_file(tmp_path):
    from newsbook.errors import CorrectionsError

    path = tmp_path / "quotes.yaml"
    path.write_text("kind:\n  a1:q1: sarcastic\n", encoding="utf-8")
    with pytest.raises(CorrectionsError) as info:
        quotes.load_quote_corrections(path)
    assert "quotes.yaml" in str(info.value) and "direct or indirect" in str(info.value)


# --- three-outlet real news: ECB+ stories (issue 14, second round) ---------------------------------------

ECBPLUS_PATH = ROOT / "tests" / "gold" / "quotes_ecbplus.yaml"
# a little below what the extractor reaches (direct F1 .969, all F1 .922, person speakers end to end
# .865 / over found quotes .924, named speakers with groups .875 / .930)
ECBPLUS_FLOORS = {"direct_f1": 0.97, "all_f1": 0.93}
ECBPLUS_SPEAKER_FLOORS = {"person_end_to_end": 0.94, "person_matched": 0.96,
                          "named_end_to_end": 0.93, "named_matched": 0.96}
# Third round (issue 14): `articles_2` (13 articles) and `articles_3` (4, scored unseen once) added. All 35
# articles before its fixes: direct F1 .969, all F1 .927, person end to end .853 / matched .919, named
# .827 / .889; after: .973 / .935, person .902 / .956, named .899 / .950 (articles_3 alone: unchanged).
# Fourth round (issue 14, tests/test_quote_speakers_rounds.py): direct F1 .973 -> .987, all F1 .935 -> .947, person
# end to end .902 -> .951 (matched .956 -> .977), named .899 -> .943 (matched .950 -> .971); floors raised.
ECBPLUS_BATCHES = ("articles", "articles_2", "articles_3")
# `articles_4` (10 articles of 4 stories new to the file, 78 attributions) was written after the fourth round and
# scored once, unseen: direct P .968 R .938 F1 .952, all P .919 R .872 F1 .895, speaker where named .962 (of 52),
# person speakers end to end .868 / matched .958, named incl. groups .820 / .962. With it, all 45 articles: direct
# F1 .983, all F1 .939, person end to end .937, named end to end .923 - below ECBPLUS_SPEAKER_FLOORS, so it is
# kept out of ECBPLUS_BATCHES and held to floors of its own, a little below what it measured.
ECBPLUS_UNSEEN_BATCH = "articles_4"
ECBPLUS_UNSEEN_FLOORS = {"direct_f1": 0.94, "all_f1": 0.88, "speaker_named": 0.94}
ECBPLUS_UNSEEN_SPEAKER_FLOORS = {"person_end_to_end": 0.85, "person_matched": 0.94,
                                 "named_end_to_end": 0.80, "named_matched": 0.94}


@pytest.fixture(scope="module")
def ecbplus(tmp_path_factory):
    import newsbook

    gold = evaluation.load_dev_gold(ECBPLUS_PATH, ECBPLUS_BATCHES)
    folder = evaluation.write_dev_corpus(gold, tmp_path_factory.mktemp("ecbplus"))
    ann = newsbook.annotate(folder, cache_dir=None, progress=False)  # one corpus: story linking applies
    return gold, ann.articles, ann.quotes


def test_ecbplus_three_outlet_news_against_gold(ecbplus):
    gold, _, q = ecbplus
    s = evaluation.attribution_scores(q, gold)
    for metric, floor in ECBPLUS_FLOORS.items():
        assert s[metric] >= floor, (metric, s[metric], {k: v["missed"] for k, v in s["per_kind"].items()})
    k = evaluation.speaker_kind_scores(q, gold)
    for metric, floor in ECBPLUS_SPEAKER_FLOORS.items():
        assert k[metric] >= floor, (metric, k[metric], k["wrong"])


def test_ecbplus_stories_are_the_gold_stories(ecbplus):
    _, articles, _ = ecbplus
    batches = yaml.safe_load(ECBPLUS_PATH.read_text(encoding="utf-8")).values()
    raw = {a: v for batch in batches if isinstance(batch, dict) for a, v in batch.items()}
    by_gold = {}
    for row in articles.itertuples():
        by_gold.setdefault(raw[row.article_id]["event"], set()).add(row.event)
    assert all(len(found) == 1 for found in by_gold.values()), by_gold
    assert len({e for found in by_gold.values() for e in found}) == len(by_gold)


def test_ecbplus_unseen_batch_against_gold(tmp_path):
    import newsbook

    gold = evaluation.load_dev_gold(ECBPLUS_PATH, (ECBPLUS_UNSEEN_BATCH,))
    folder = evaluation.write_dev_corpus(gold, tmp_path / "ecbplus_unseen")
    q = newsbook.annotate(folder, cache_dir=None, progress=False).quotes  # its 3-outlet stories linked together
    s = evaluation.attribution_scores(q, gold)
    for metric, floor in ECBPLUS_UNSEEN_FLOORS.items():
        assert s[metric] >= floor, (metric, s[metric], {k: v["missed"] for k, v in s["per_kind"].items()})
    k = evaluation.speaker_kind_scores(q, gold)
    for metric, floor in ECBPLUS_UNSEEN_SPEAKER_FLOORS.items():
        assert k[metric] >= floor, (metric, k[metric], k["wrong"])


def test_ecbplus_unseen_batch_holds_only_stories_new_to_the_gold():
    data = yaml.safe_load(ECBPLUS_PATH.read_text(encoding="utf-8"))
    seen = {v["event"] for name in ECBPLUS_BATCHES for v in data[name].values()}
    unseen = {v["event"] for v in data[ECBPLUS_UNSEEN_BATCH].values()}
    assert unseen and not unseen & seen, unseen & seen


def test_speaker_kind_scores_count_a_missed_quote_as_wrong_end_to_end():
    gold = {"quotes": {"a": [{"kind": "direct", "speaker": "Ann Lee", "speaker_kind": "person", "text": "We won"},
                             {"kind": "direct", "speaker": "Ann Lee", "speaker_kind": "person", "text": "We lost"},
                             {"kind": "direct", "speaker": "Democrats", "speaker_kind": "group", "text": "No"},
                             {"kind": "direct", "speaker": "police", "speaker_kind": "unnamed", "text": "Stop"}]}}
    predicted = pd.DataFrame([
        {"article_id": "a", "quote_id": "a:q1", "kind": "direct", "quote": "We won", "speaker": "Lee", "cue": "say"},
        {"article_id": "a", "quote_id": "a:q2", "kind": "direct", "quote": "No", "speaker": "Ann Lee", "cue": "say"},
        {"article_id": "a", "quote_id": "a:q3", "kind": "direct", "quote": "Stop", "speaker": "x", "cue": "say"}])
    k = evaluation.speaker_kind_scores(predicted, gold)
    assert (k["person_end_to_end"], k["person_matched"]) == (0.5, 1.0)
    assert (k["named_gold"], k["named_found"]) == (3, 2)
    assert k["named_end_to_end"] == pytest.approx(1 / 3) and k["named_matched"] == 0.5


# --- issue 14, third round: patterns from the grown gold (own wire-style sentences) -------------------


def test_projections_speak_for_whoever_made_them(nlp):
    row = only(extract(nlp, 'Senator Ann Lee lost the primary in Ohio, according to projections by the Associated Press.'))
    assert (row.kind, row.speaker, row.cue) == ("indirect", "Associated Press", "according to")
    row = only(extract(nlp, 'Projections by CNN and NPR indicated he won the primaries in Colorado and Utah.'))
    assert row.speaker == "CNN and NPR" and row.medium == "projection"


def test_a_summary_speaks_for_its_issuer(nlp):
    q = extract(nlp, 'A summary released by the Ministry of Justice said the ban would "protect the public."')
    assert set(q["speaker"]) == {"Ministry of Justice"} and set(q["medium"]) == {"summary"}


def test_title_with_the_name_in_apposition(nlp):
    q = extract(nlp, 'The Vice President, Mike Pence, said on Friday the country was "in the midst of a crisis."')
    assert set(q["speaker"]) == {"Mike Pence"} and len(q) == 2


def test_title_to_an_organisation_then_the_name(nlp):
    row = only(extract(nlp, 'Former US Ambassador to the United Nations Nikki Haley wrote on Twitter, '
                            '"Leaving them to die is a big mistake."'))
    assert row.speaker == "Nikki Haley"


@pytest.mark.parametrize("text, name", [
    ('"This is the kind of crime the law was made for," said Dist. Atty. Steve Cooley.', "Steve Cooley"),
    ('"We will appeal," said Asst. Atty. Gen. Mary Lane.', "Mary Lane"),
])
def test_abbreviated_titles_in_a_row(nlp, text, name):
    assert only(extract(nlp, text)).speaker == name


def test_plural_and_indefinite_roles_are_new_unnamed_sources(nlp):
    q = extract(nlp, 'Obama said he had instructed Interior and Commerce Department officials to review the Bush '
                     'rules. Officials said the move is unlikely to trigger broad use of the act. An Interior official '
                     'said the review would take a year.')
    assert list(q["speaker"]) == ["Obama", "Officials", "Interior official"]


def test_they_goes_on_with_the_unnamed_source_before(nlp):
    q = extract(nlp, 'Deputies identified the suspect as Jose Ortega, 27. Deputies said that Ortega is a gang member. '
                     'They said he is known by the nickname "Sepy."')
    assert set(indirect(q)["speaker"]) == {"Deputies"}


def test_they_after_joint_speakers_named_in_apposition(nlp):
    q = extract(nlp, 'In a statement, the commerce secretary, Gary Locke, and the interior secretary, Ken Salazar, '
                     'agreed. After a review ordered by the president, they said they had reached a conclusion.')
    assert list(q["speaker"]) == ["Gary Locke and Ken Salazar"]


@pytest.mark.parametrize("text, speaker", [
    ('President Barack Obama signed the order in March. The Obama administration said on Tuesday it was '
     'overturning the rule.', "Obama administration"),
    ('Joe Biden will not attend. The Biden campaign said the debate was "a stunt."', "Biden campaign"),
])
def test_an_administration_or_campaign_speaks_as_itself(nlp, text, speaker):
    assert set(extract(nlp, text)["speaker"]) == {speaker}


def test_the_paper_is_the_newspaper_the_story_introduced(nlp):
    q = extract(nlp, 'Greeks marched again on Friday. Centre-left daily Eleftherotypia warned young Greeks would rise '
                     'up. "If nothing is done, the anger will sweep everything away," the paper said.')
    assert set(q["speaker"]) == {"Eleftherotypia"}


def test_he_is_not_a_plural_nationality(nlp):
    q = extract(nlp, 'Strauss-Kahn warned the crisis could spread. But Greeks must also understand that without '
                     'these measures, "the situation would be far worse," he said.')
    assert set(direct(q)["speaker"]) == {"Strauss-Kahn"}


def test_a_person_introduced_first_and_named_in_the_next_paragraph(nlp):
    q = extract(nlp, 'The victim\'s nephew said she had just got out of a car when it "came out of nowhere".\n\n'
                     '"Her forehead hit the headlight," said Manpreet Singh.')
    assert set(q["speaker"]) == {"Manpreet Singh"}
    q = extract(nlp, 'Reporters spoke to one man who says he called 911 after he heard a crash.\n\n'
                     '"I saw a woman lying down," said Tom Reilly, a witness.')
    assert set(q["speaker"]) == {"Tom Reilly"}


@pytest.mark.parametrize("second", [
    '"They were arrested an hour later," said Police Chief John Smith.',  # a title: somebody else
    '"My client is innocent," said John Smith, a lawyer for the family.',  # another role
    '"We will rebuild," Cole said.',  # named before
])
def test_an_unnamed_witness_stays_unnamed(nlp, second):
    q = extract(nlp, f'Mayor Ann Cole visited the scene. A witness said she saw two men running.\n\n{second}')
    assert indirect(q)["speaker"].tolist() == ["witness"]


def test_quotes_opening_the_story_belong_to_whom_the_next_paragraph_opens_with(nlp):
    q = extract(nlp, '"She is not a loose cannon.\n\nShe is a hard worker."\n\n'
                     'Kenneth Dorsey says the woman accused of the shooting is a good person.')
    assert set(q["speaker"]) == {"Kenneth Dorsey"} and len(direct(q)) == 2


@pytest.mark.parametrize("text, speaker", [
    ('Senator Lindsey Graham spoke on Fox News, "This is going to lead to a big win for our enemies."',
     "Lindsey Graham"),
    ('Trump, also on Twitter, defended his decision, "The U.S. has done far more than anyone expected."', "Trump"),
])
def test_a_whole_sentence_quoted_after_a_clause_and_a_comma(nlp, text, speaker):
    assert only(extract(nlp, text)).speaker == speaker


def test_speaking_to_somebody_reports_no_clause(nlp):
    q = extract(nlp, 'Deputies searched for the gunman, who surprised Deputy Jerry Ortiz as he spoke to a woman '
                     'in the doorway.')
    assert q.empty


def test_said_with_the_clause_parsed_as_its_object(nlp):
    row = only(extract(nlp, 'Police said two women and one man, between 30 and 40 years old, working for a bank '
                            'branch choked on smoke after protesters broke the windows.'))
    assert row.speaker == "Police" and row.quote.startswith("two women") and row.quote.endswith("the windows")


def test_a_clause_the_quote_fills_but_for_its_subject_is_reported_speech_too(nlp):
    q = extract(nlp, 'Senator Ann Lee said she was "proud to endorse Joe Biden as president."')
    assert only(indirect(q)).quote == 'she was "proud to endorse Joe Biden as president."'
    assert only(direct(q)).quote == "proud to endorse Joe Biden as president."


def test_single_quoted_headline_keeps_a_quotation_running_over_paragraphs():
    text = ("Minister Calls Deaths 'Murder'\n\nProtests went on.\n\n\"We'll be on the streets every day!\n\n"
            "You never win unless you fight,\" said Costas Doganis.")
    got = [text[s.start:s.end] for s in quotes.find_quote_spans(text)]
    assert got == ["Murder", "We'll be on the streets every day!", "You never win unless you fight"]


def test_name_after_said_and_a_title_the_parser_missed(nlp):
    row = only(extract(nlp, '"It is an honor to welcome her back," said ABC Entertainment Group prexy Paul Lee.'))
    assert row.speaker == "Paul Lee"


@pytest.mark.parametrize("text", ["The D.A.'s office said the suspect would be charged.",
                                  "The suspect will be charged, the DA's office said."])
def test_an_abbreviated_office_is_spelt_out(nlp, text):
    assert only(extract(nlp, text)).speaker == "District Attorney's office"


def test_two_titles_of_one_person_are_not_joint_speakers(nlp):
    q = extract(nlp, 'Jonathan Cope, founder and managing partner of the clinic, said there were 30 unfilled posts.')
    assert list(q["speaker"]) == ["Jonathan Cope"]


def test_a_title_quoted_after_a_comma_is_no_speech(nlp):
    q = extract(nlp, 'Some films focus on refugees, such as the contribution of Finnish filmmaker Aki Kaurismaki, '
                     '"The Other Side of Hope."')
    assert q.empty or set(q["speaker"]) == {""}


def test_an_unnamed_source_is_not_the_next_person_named_with_an_affiliation(nlp):
    q = extract(nlp, 'One resident told a local station, "We\'re used to it."\n\n'
                     'John Geiger of the Geological Survey told the press, "We have had hundreds of small quakes."')
    assert list(q["speaker"]) == ["One resident", "John Geiger"]

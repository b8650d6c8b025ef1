"""Actors: rules on wire-style sentences written for these tests, the correction file, the tables,
and precision/recall against hand-made gold for the seeds (tests/gold/actors_seeds.yaml) and for a
dev set of short wire and newspaper articles written for newsbook (tests/gold/actors_wire.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
from spacy.tokens import Span
from spacy.util import filter_spans

from newsbook import actors, evaluate_actors, schema
from newsbook.errors import CorrectionsError
from newsbook.components import load_pipeline
from newsbook.nlp import MODEL_NAME

GOLD_PATH = Path(__file__).parent / "gold" / "actors_seeds.yaml"
WIRE_GOLD_PATH = Path(__file__).parent / "gold" / "actors_wire.yaml"


# --- helpers ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def mentions_of(nlp, text: str, *, force: dict[str, str] | None = None, byline: str = "", outlet: str = "",
                article_id: str = "a1") -> pd.DataFrame:
    """extract_mentions on `text`; `force` sets entity labels the way the small model gets them wrong,
    so each rule is tested whatever the model does on the day. A key 'Carney| said' labels the
    'Carney' that stands before ' said'."""
    doc = nlp(text)
    if force:
        forced = []
        for phrase, label in force.items():
            entity = phrase.split("|")[0]
            start = text.index(phrase.replace("|", ""))
            forced.append(doc.char_span(start, start + len(entity), label=label, alignment_mode="expand"))
        keep = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in forced)]
        doc.ents = filter_spans(keep + forced)
    return actors.extract_mentions(doc, article_id=article_id, byline=byline, outlet=outlet)


def actor_kinds(mentions: pd.DataFrame) -> dict[str, str]:
    return dict(zip(mentions["actor"], mentions["kind"]))


def load_gold(path: Path = GOLD_PATH) -> dict:
    return evaluate_actors.load_gold(path)


# The scorer lives in the library (newsbook.evaluate_actors) so `newsbook evaluate` uses the same code.
score = evaluate_actors.score


@functools.lru_cache(maxsize=1)
def seed_annotations():
    import newsbook

    return newsbook.annotate("seeds", cache_dir=None, progress=False)


def raw_spacy_rows() -> list[tuple[str, str, str]]:
    """The baseline: the model's own entities, one row per distinct entity text per article."""
    import spacy

    from newsbook.corpus import load_corpus

    from newsbook.components import register_components

    register_components()
    raw = spacy.load(MODEL_NAME)
    raw.add_pipe("newsbook_paragraph_boundaries", before="parser")
    rows = set()
    for article in load_corpus("seeds").to_dict("records"):
        for ent in raw(article["text"]).ents:
            if ent.label_ in actors.LABEL_KIND:
                rows.add((article["article_id"], " ".join(ent.text.split()), actors.LABEL_KIND[ent.label_]))
    return sorted(rows)


# --- names: one actor, one row ------------------------------------------------------------------------


def test_surname_possessive_and_title_join_the_full_name(nlp):
    text = ("Chancellor Olaf Scholz arrived in Paris on Monday. Scholz’s aides said the talks were hard, "
            "and Scholz's spokesman declined to comment. Chancellor Scholz left on Tuesday.")
    m = mentions_of(nlp, text)
    people = m[m["kind"] == "person"]
    assert set(people["actor"]) == {"Olaf Scholz"}
    assert len(people) == 4
    assert set(people["how"]) == {"name", "surname"}
    assert not any("’s" in t or "'s" in t for t in m["text"])


def test_dateline_capitals_middle_initials_and_trailing_common_nouns(nlp):
    text = ("NAIROBI (Wire) - President William S. Ruto said on Tuesday that Nairobi would host the talks. "
            "The KBC news agency said William Ruto would open them.")
    m = mentions_of(nlp, text, force={"William S. Ruto": "PERSON", "KBC news": "ORG"})
    kinds = actor_kinds(m)
    assert kinds["Nairobi"] == "place" and "NAIROBI" not in kinds
    assert kinds["William Ruto"] == "person" and "William S. Ruto" not in kinds
    assert kinds["KBC"] == "organization"


def test_spelling_variants_join_across_the_corpus(nlp):
    texts = {"a1": "The U.S. Senate voted on Thursday.", "a2": "The US Senate will vote again."}
    m, _, _ = actors.resolve_corpus(corpus_mentions(nlp, texts), None)
    assert m.loc[m["kind"] == "organization", "actor"].nunique() == 1


def test_comma_between_title_and_name(nlp):
    text = "Brazilian President, Luiz Inacio Lula da Silva has said that the deal would stand. Lula da Silva left."
    m = mentions_of(nlp, text, force={"Luiz Inacio Lula da Silva": "ORG"})
    assert actor_kinds(m)["Luiz Inacio Lula da Silva"] == "person"


def test_name_split_by_a_line_break_is_one_actor(nlp):
    text = "Ukrainian officials met Angela\nMerkel in Kyiv on Friday. Merkel's spokesman said the talks went well."
    m = mentions_of(nlp, text)
    assert set(m.loc[m["kind"] == "person", "actor"]) == {"Angela Merkel"}
    assert "Angela\nMerkel" in set(m["text"])


def test_surname_the_model_tags_as_organisation_is_a_person(nlp):
    text = ("Prime Minister Mark Carney spoke on Sunday. Later, Carney said the tariffs were unjust, "
            "and the Carney government would respond.")
    m = mentions_of(nlp, text, force={"Carney| said": "ORG", "Carney| government": "ORG"})
    assert actor_kinds(m) == {"Mark Carney": "person"}
    assert (m["actor"] == "Mark Carney").sum() == 3


def test_person_tagged_organisation_with_a_role_in_apposition(nlp):
    text = "Last week, the head of the World Bank, Ajay Banga, warned that growth would slow."
    m = mentions_of(nlp, text, force={"Ajay Banga": "ORG"})
    assert actor_kinds(m)["Ajay Banga"] == "person"
    assert actor_kinds(m)["World Bank"] == "organization"


def test_name_after_a_title_in_another_clause_is_not_given_the_title(nlp):
    text = "The deal is dead, said the Kenyan president, Reuters reported."
    m = mentions_of(nlp, text, force={"Reuters": "ORG"})
    assert actor_kinds(m)["Reuters"] == "organization"


def test_organisation_word_outweighs_a_person_tag(nlp):
    text = "The statement from the Green Party was read out by Marta Lopez."
    m = mentions_of(nlp, text, force={"Green Party": "PERSON"})
    assert actor_kinds(m)["Green Party"] == "organization"


def test_broadcaster_glued_to_a_surname_is_split(nlp):
    text = ("Dmitry Medvedev spoke to reporters on Monday. In an interview with Rossiya TV Medvedev said "
            "the deal was off.")
    m = mentions_of(nlp, text, force={"Rossiya TV Medvedev": "ORG"})
    assert actor_kinds(m) == {"Dmitry Medvedev": "person", "Rossiya TV": "organization"}
    assert set(m.loc[m["actor"] == "Rossiya TV", "text"]) == {"Rossiya TV"}


def test_entity_ruler_marks_outlets_before_the_model(nlp):
    assert "newsbook_actor_ruler" in nlp.pipe_names
    assert nlp.pipe_names.index("newsbook_actor_ruler") < nlp.pipe_names.index("ner")
    doc = nlp("In an interview with Rossiya TV Medvedev said the deal was off.")
    assert "Rossiya TV" in [e.text for e in doc.ents if e.label_ == "ORG"]


def test_quoted_programme_title_is_not_a_person(nlp):
    text = "Speaking on the NBC “Morning Joe” program, Senator Amy Klobuchar said the bill would pass."
    m = mentions_of(nlp, text, force={"Morning Joe": "PERSON"})
    assert "Morning Joe" not in set(m["actor"])
    assert actor_kinds(m)["Amy Klobuchar"] == "person"


def test_title_fragment_is_not_an_organisation(nlp):
    text = "US Secretary of State Marco Rubio met the envoy on Friday."
    m = mentions_of(nlp, text, force={"State": "ORG"})
    assert "State" not in set(m["actor"])
    assert actor_kinds(m)["Marco Rubio"] == "person"


def test_group_of_people_is_not_a_place(nlp):
    text = "He said policy had been left in the hands of Europhiles pushing Brussels too far."
    m = mentions_of(nlp, text, force={"Europhiles": "GPE"})
    assert "Europhiles" not in set(m["actor"])


def test_broken_parenthesis_abbreviation_is_an_alias(nlp):
    text = ("The Federal Bureau of Investigation (FBI said it would review the case. "
            "The FBI declined to comment further.")
    m = mentions_of(nlp, text, force={"Federal Bureau of Investigation (FBI": "ORG"})
    fbi = m[m["actor"] == "Federal Bureau of Investigation"]
    assert len(fbi) == 3
    assert list(fbi["how"]) == ["name", "alias", "alias"]
    assert set(m["actor"]) == {"Federal Bureau of Investigation"}


def test_acronym_and_short_form_join_the_organisation(nlp):
    text = ("The European Central Bank raised rates. The ECB said inflation was too high. "
            "The US Senate voted on Thursday and the Senate will vote again.")
    m = mentions_of(nlp, text)
    assert set(m.loc[m["text"] == "ECB", "actor"]) == {"European Central Bank"}
    assert set(m.loc[m["kind"] == "organization", "actor"]) == {"European Central Bank", "US Senate"}


def test_repeated_name_the_model_missed_is_still_a_mention(nlp):
    text = "The leaked files were sent to Proton. Proton, in turn, published the files on Monday."
    m = mentions_of(nlp, text, force={"Proton|.": "ORG"})
    assert (m["actor"] == "Proton").sum() == 2


def test_bare_plural_place_is_an_organisation(nlp):
    text = "The documents were passed to Cryptoleaks by a source. Cryptoleaks, in turn, released them."
    m = mentions_of(nlp, text, force={"Cryptoleaks| by": "GPE"})
    doc_tag = next(t.tag_ for t in nlp(text) if t.text == "Cryptoleaks")
    if doc_tag not in {"NNS", "NNPS"}:
        pytest.skip(f"the tagger read the name as {doc_tag}, not as a plural")
    assert actor_kinds(m)["Cryptoleaks"] == "organization"


# --- wire copy: datelines, acronyms, short forms, shared words -----------------------------------------


def test_dateline_place_is_a_place_and_the_agency_is_the_source(nlp):
    text = ("FRANKFURT (Reuters) - The regulator fined the lender on Monday. A spokesman told Reuters "
            "the bank would appeal. Frankfurt prosecutors declined to comment.")
    m = mentions_of(nlp, text, force={"FRANKFURT": "ORG"})
    kinds = actor_kinds(m)
    assert kinds["Frankfurt"] == "place" and "FRANKFURT" not in kinds
    assert "Reuters" not in kinds


def test_dateline_agency_drops_its_spelled_out_name(nlp):
    text = ("MANCHESTER, England (AP) — The club sacked its coach. Liam Hart, a lawyer for the coach, "
            "told The Associated Press the decision was unfair.")
    m = mentions_of(nlp, text)
    assert not {"AP", "Associated Press", "The Associated Press"} & set(m["actor"])
    assert actor_kinds(m)["Liam Hart"] == "person"


@pytest.mark.parametrize("text, place, agency", [
    ("WASHINGTON (Reuters) - The Senate voted.", "WASHINGTON", "Reuters"),
    ("KANSAS CITY, Mo. (AP) — The team won.", "KANSAS CITY", "AP"),
    ("LONDON, March 3 (Reuters) - Shares fell.", "LONDON", "Reuters"),
    ("PARIS — The strike spread.", "PARIS", ""),
    ("London (CNN) — The strike spread.", "London", "CNN"),
    ("Jane Smith — who ran the club — left.", None, ""),
    ("ST. LOUIS (AP) — The team won.", "ST. LOUIS", "AP"),
    ("N.Y. (AP) — The team won.", "N.Y.", "AP"),
    ("NEW DELHI: The court ruled.", None, ""),  # a dateline, but a kicker has the same shape:
    ("REPORT: Talks stall", None, ""),  # it ends the paragraph's opening and names no place
    ("The prime minister has said the plan - costly as it is - will go ahead.", None, ""),
])
def test_dateline_shapes(text, place, agency):
    line = actors.find_dateline(text)
    assert (text[slice(*line.place)] if line.place else None) == place
    assert line.agency_name(text) == agency


def test_capital_acronym_joins_the_organisation_whatever_its_tag(nlp):
    text = ("The European Central Bank left rates unchanged. The ECB is buying time, said Marta Ruiz, "
            "an economist at a Madrid bank.")
    m = mentions_of(nlp, text, force={"ECB": "GPE"})
    assert set(m.loc[m["text"] == "ECB", "actor"]) == {"European Central Bank"}
    assert actor_kinds(m)["European Central Bank"] == "organization"


def test_acronym_shapes():
    assert actors.is_acronym_of("FDA", "U.S. Food and Drug Administration")  # a leading place left out
    assert actors.is_acronym_of("CDC", "Centers for Disease Control and Prevention")  # a trailing word
    assert actors.is_acronym_of("KEMRI", "Kenya Medical Research Institute")  # a word's first letters
    assert actors.is_acronym_of("BOK", "Bank of Korea") and actors.is_acronym_of("DoJ", "Department of Justice")
    assert not actors.is_acronym_of("GP", "Royal College of General Practitioners")
    assert not actors.is_acronym_of("US", "US Senate")
    assert actors.is_blend_of("Pemex", "Petróleos Mexicanos") and not actors.is_blend_of("Pemex", "Mexico City")


def test_news_organisation_that_reports_is_not_a_place(nlp):
    text = "The company's stock fell 3 percent, Bloomberg reported. The story was first reported by Axios."
    m = mentions_of(nlp, text, force={"Bloomberg": "GPE", "Axios": "GPE"})
    assert actor_kinds(m) == {"Bloomberg": "organization", "Axios": "organization"}


def test_country_that_reports_or_says_stays_a_place(nlp):
    text = ("Ukraine reported heavy shelling overnight, and Ukrainian officials said two people died. "
            "Russia said the strikes hit military targets.")
    m = mentions_of(nlp, text, force={"Ukraine": "GPE", "Russia": "GPE"})
    assert actor_kinds(m)["Ukraine"] == "place" and actor_kinds(m)["Russia"] == "place"


def test_title_word_inside_an_organisation_name_is_kept(nlp):
    text = ("The Justice Department joined the case. The General Assembly passed the bill, and "
            "Premier League clubs backed it.")
    m = mentions_of(nlp, text, force={"Justice Department": "ORG", "General Assembly": "ORG",
                                      "Premier League": "ORG"})
    assert {"Justice Department", "General Assembly", "Premier League"} <= set(m["actor"])
    assert not {"Department", "Assembly", "League"} & set(m["actor"])


def test_party_named_by_a_title_modifier_is_kept(nlp):
    text = "The Conservative leader accused Labour of breaking its promises."
    m = mentions_of(nlp, text, force={"Labour": "ORG"})
    assert actor_kinds(m)["Labour"] == "organization"


def test_short_forms_join_the_organisation_within_the_article(nlp):
    text = ("Samsung Electronics warned on profit. Samsung shares fell. The Metropolitan Museum of Art "
            "will return the statues, the Met said. The Federal Reserve held rates; the Fed meets in July.")
    m = mentions_of(nlp, text, force={"Samsung| shares": "ORG", "Met| said": "ORG", "Fed| meets": "ORG"})
    assert set(m.loc[m["text"] == "Samsung", "actor"]) == {"Samsung Electronics"}
    assert set(m.loc[m["text"] == "Met", "actor"]) == {"Metropolitan Museum of Art"}
    assert set(m.loc[m["text"] == "Fed", "actor"]) == {"Federal Reserve"}


def test_company_and_person_sharing_a_word(nlp):
    # The gold's decision: a bare shared word the model tags as an organisation is the company.
    text = ("Ford Motor Co will cut 1,000 jobs. Ford said the cuts would be made next year. "
            "Executive Chair Bill Ford told employees the decision was painful.")
    m = mentions_of(nlp, text, force={"Ford| said": "ORG"})
    assert set(m.loc[m["text"] == "Ford", "actor"]) == {"Ford Motor Co"}
    assert actor_kinds(m)["Bill Ford"] == "person"
    assert actor_kinds(m)["Ford Motor Co"] == "organization"


def test_two_companies_in_one_span_are_split(nlp):
    text = "Orders fell at carmakers such as Ford Motor Co and Stellantis last year."
    m = mentions_of(nlp, text, force={"Ford Motor Co and Stellantis": "ORG"})
    assert {"Ford Motor Co", "Stellantis"} <= set(m["actor"])


def test_organisation_of_a_place_is_one_organisation(nlp):
    text = "The Law Society of Kenya said at least 23 protesters had been killed."
    m = mentions_of(nlp, text, force={"Law Society": "ORG", "Kenya": "GPE"})
    assert "Law Society of Kenya" in set(m["actor"]) and "Law Society" not in set(m["actor"])


def test_surname_first_name_is_referred_to_by_its_first_word(nlp):
    text = ("Chinese President Xi Jinping arrived in Riyadh on Thursday. Xi was greeted by the crown prince. "
            "BOK Governor Rhee Chang-yong said the won was weak.")
    m = mentions_of(nlp, text, force={"Xi| was": "PERSON", "Rhee Chang-yong": "PERSON"})
    assert set(m.loc[m["text"] == "Xi", "actor"]) == {"Xi Jinping"}
    assert "Rhee Chang-yong" in set(m["actor"]) and "Rhee Chang" not in set(m["actor"])


def test_name_the_model_cut_short_after_a_title(nlp):
    text = "Chief Executive Vas Narasimhan said the drug could reach sales of $1 billion."
    m = mentions_of(nlp, text, force={"Narasimhan": "ORG"})
    assert actor_kinds(m) == {"Vas Narasimhan": "person"}


def test_surname_with_a_lowercase_particle_joins_the_full_name(nlp):
    text = ("Ana María de la Cruz, an analyst, criticised the plan. De la Cruz said it was late. "
            "Iraqi Prime Minister Mohammed Shia al-Sudani spoke on Sunday. Al-Sudani said the talks went well.")
    m = mentions_of(nlp, text, force={"Ana María de la Cruz": "PERSON", "De la Cruz": "PERSON",
                                      "Mohammed Shia al-Sudani": "PERSON", "Al-Sudani": "PERSON"})
    people = set(m.loc[m["kind"] == "person", "actor"])
    assert people == {"Ana María de la Cruz", "Mohammed Shia al-Sudani"}


def test_kind_of_organisation_before_a_name_votes_organisation(nlp):
    text = ("State oil company Petróleos Mexicanos will not be privatized, said former lawmaker "
            "Ana Ruiz Soto.")
    m = mentions_of(nlp, text, force={"Petróleos Mexicanos": "PERSON", "Ana Ruiz Soto": "PERSON"})
    assert actor_kinds(m) == {"Petróleos Mexicanos": "organization", "Ana Ruiz Soto": "person"}


def test_employer_before_a_job_and_a_name_is_an_organisation(nlp):
    text = '"Novartis has a lead," said Vontobel analyst Stefan Schneider.'
    m = mentions_of(nlp, text, force={"Vontobel": "PERSON", "Stefan Schneider": "PERSON"})
    assert actor_kinds(m)["Vontobel"] == "organization"
    assert actor_kinds(m)["Stefan Schneider"] == "person"


def test_organisation_the_model_missed(nlp):
    doc = nlp("Dangote Group said prices would fall. The charity Cancer Research UK funded the study.")
    doc.ents = []
    found = {doc[c.start:c.end].text for c in actors.untagged_candidates(doc)}
    assert {"Dangote Group", "Cancer Research UK"} <= found


def test_party_and_state_of_a_lawmaker_is_no_actor(nlp):
    text = "Sen. Jane Roe, D-Mass., and Prof Amina Otieno wrote to the regulator on Wednesday."
    m = mentions_of(nlp, text, force={"D-Mass.": "GPE", "Prof Amina Otieno": "PERSON"})
    assert "D-Mass" not in set(m["actor"]) and "D-Mass." not in set(m["actor"])
    assert {"Jane Roe", "Amina Otieno"} <= set(m.loc[m["kind"] == "person", "actor"])


def test_acronym_used_as_a_common_noun_is_no_actor(nlp):
    text = "Patients wait weeks to see a GP, the BMA said."
    m = mentions_of(nlp, text, force={"GP": "ORG", "BMA": "ORG"})
    assert "GP" not in set(m["actor"]) and "BMA" in set(m["actor"])


# --- roles -------------------------------------------------------------------------------------------


def test_role_phrase_resolves_to_the_person_introduced_with_that_title(nlp):
    text = ("French Foreign Minister Jean-Noel Barrot met his counterpart in Rome. "
            "The foreign minister said the meeting was useful.")
    m = mentions_of(nlp, text)
    role = m[m["how"] == "role"]
    assert list(role["text"]) == ["foreign minister"]
    assert list(role["actor"]) == ["Jean-Noel Barrot"]


def test_role_in_apposition_introduces_the_person(nlp):
    text = ("Emmanuel Macron, the French president, said the plan was sound. "
            "The French president added that Paris would pay its share.")
    m = mentions_of(nlp, text)
    role = m[m["how"] == "role"]
    assert list(role["actor"]) == ["Emmanuel Macron"]
    assert list(role["text"]) == ["French president"]


def test_country_qualifier_picks_the_right_president(nlp):
    text = ("Kenyan President William Ruto and President Yoweri Museveni met in Nairobi. "
            "The Kenyan president said trade would grow.")
    m = mentions_of(nlp, text)
    assert list(m.loc[m["how"] == "role", "actor"]) == ["William Ruto"]


def test_ambiguous_role_is_left_unresolved(nlp):
    text = ("US President Joe Biden called French President Emmanuel Macron on Monday. "
            "The call undercut the powers of the president, critics said.")
    m = mentions_of(nlp, text)
    assert (m["how"] == "role").sum() == 0


# --- byline and outlet ----------------------------------------------------------------------------


def test_byline_author_and_outlet_are_not_actors(nlp):
    text = ("As the Daily Courier reported on Monday, Mayor Karen Bass met Jane Doe's editor. "
            "The Courier's reporter Jane Doe asked Bass about the fires. The DC newsroom was told.")
    m = mentions_of(nlp, text, byline="By Jane Doe", outlet="Daily Courier",
                    force={"Daily Courier": "ORG", "Jane Doe's": "PERSON", "Jane Doe| asked": "PERSON"})
    assert "Jane Doe" not in set(m["actor"])
    assert "Daily Courier" not in set(m["actor"])
    assert actor_kinds(m)["Karen Bass"] == "person"


def test_outlet_given_as_a_domain_matches_its_initials():
    authors, outlets = actors.metadata_names("Ann Lee and Bo Chen", "wsws.org")
    assert authors == {"ann lee", "bo chen"}
    assert actors.is_metadata("World Socialist Web Site", actors.ORG, authors, outlets)
    assert not actors.is_metadata("World Bank", actors.ORG, authors, outlets)


# --- the mentions table ---------------------------------------------------------------------------


def test_mention_offsets_and_columns(nlp):
    text = ("Chancellor Olaf Scholz arrived in Paris.\n\nThe European Central Bank (ECB) said on Monday "
            "that Scholz’s plan was costly. The German chancellor disagreed.")
    doc = nlp(text)
    m = actors.extract_mentions(doc, article_id="a1")
    assert list(m.columns) == schema.MENTIONS.column_names
    for row in m.itertuples():
        assert text[row.start:row.end] == row.text
        assert row.sentence_start <= row.start < row.end <= row.sentence_end + 1
        assert row.how in actors.HOW
    assert set(m["kind"]) <= set(actors.KINDS)
    assert m["sentence_index"].min() == 0 and m["sentence_index"].max() >= 2


def test_no_entities_gives_an_empty_table(nlp):
    m = actors.extract_mentions(nlp("it rained all day and nobody came."), article_id="a1")
    assert m.empty and list(m.columns) == schema.MENTIONS.column_names


# --- across the corpus ---------------------------------------------------------------------------


def corpus_mentions(nlp, texts: dict[str, str]) -> pd.DataFrame:
    frames = [actors.extract_mentions(nlp(t), article_id=a) for a, t in texts.items()]
    return pd.concat(frames, ignore_index=True)


def test_surname_joins_the_full_name_across_the_corpus(nlp):
    texts = {
        "a1": "Prime Minister Mark Carney spoke on Sunday. Carney said the tariffs were unjust.",
        "a2": "Carney arrived in Ottawa on Monday and the Carney plan was published.",
        "a3": "The European Central Bank raised rates.",
        "a4": "The ECB said inflation was too high.",
    }
    m, aliases, applied = actors.resolve_corpus(corpus_mentions(nlp, texts), None)
    assert applied == []
    assert set(m.loc[m["article_id"] == "a2", "actor"]) >= {"Mark Carney"}
    assert set(m.loc[m["actor"] == "Mark Carney", "kind"]) == {"person"}
    assert set(m.loc[m["article_id"] == "a4", "actor"]) == {"European Central Bank"}
    assert set(m.loc[(m["article_id"] == "a2") & (m["actor"] == "Mark Carney"), "how"]) == {"surname"}
    local = aliases.set_index(["article_id", "local"])["actor"]
    assert local[("a2", "Carney")] == "Mark Carney"
    assert list(aliases.columns) == ["article_id", "local", "actor", "kind"]


def test_kinds_are_consistent_across_the_corpus(nlp):
    texts = {
        "a1": "Prime Minister Mark Carney spoke on Sunday.",
        "a2": "Canada's Carney government is under pressure.",
    }
    mentions = corpus_mentions(nlp, texts)
    mentions.loc[mentions["article_id"] == "a2", "kind"] = "organization"  # what the model may say
    m, _, _ = actors.resolve_corpus(mentions, None)
    assert set(m.loc[m["actor"] == "Mark Carney", "kind"]) == {"person"}


# --- the correction file ----------------------------------------------------------------------------


@pytest.fixture()
def small_corpus(nlp):
    texts = {
        "a1": ("Prime Minister Mark Carney spoke on Sunday. The Cold War was over, Carney said. "
               "The Bank of Canada agreed."),
        "a2": "Carney met Pierre Poilievre in Ottawa. The central bank was silent. Big Oil lobbied him.",
    }
    return corpus_mentions(nlp, texts)


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_corrections_are_applied_and_listed(small_corpus, tmp_path):
    path = write(tmp_path, """
aliases:
  Bank of Canada: [central bank]
merge:
  Mark Carney: [Pierre Poilievre]
rename:
  Mark Carney: Canadian leaders
retag:
  Canadian leaders: organization
drop:
  - Ottawa
  - Nobody Such
""")
    small_corpus = small_corpus.copy()
    # 'central bank' is no entity; add it as a mention so the alias has something to join.
    extra = small_corpus[small_corpus["article_id"] == "a2"].iloc[[0]].copy()
    extra[["actor", "kind", "text", "how"]] = ["central bank", "organization", "central bank", "name"]
    mentions = pd.concat([small_corpus, extra], ignore_index=True)
    m, aliases, applied = actors.resolve_corpus(mentions, path)
    assert "Ottawa" not in set(m["actor"])
    assert "Mark Carney" not in set(m["actor"]) and "Pierre Poilievre" not in set(m["actor"])
    assert set(m.loc[m["actor"] == "Canadian leaders", "kind"]) == {"organization"}
    assert set(m.loc[m["actor"] == "Canadian leaders", "how"]) == {"correction"}
    assert "Bank of Canada" in set(m.loc[m["text"] == "central bank", "actor"])
    assert any(a.startswith("merge 'Pierre Poilievre' into 'Mark Carney'") for a in applied)
    assert any(a.startswith("drop 'Ottawa'") and "removed" in a for a in applied)
    assert any("Nobody Such" in a and "not applied" in a for a in applied)
    assert len(applied) == 6
    assert set(aliases.loc[aliases["local"] == "Ottawa", "actor"]) == {""}


def test_missing_correction_file_changes_nothing(small_corpus, tmp_path):
    m, _, applied = actors.resolve_corpus(small_corpus, tmp_path / "actors.yaml")
    assert applied == [] and len(m) == len(small_corpus)


@pytest.mark.parametrize("text, message", [
    ("rename: [a, b]\n", "'rename' must be a mapping"),
    ("renames:\n  A: B\n", "unknown section(s) 'renames'"),
    ("retag:\n  Mark Carney: animal\n", "use person, organization, place or group"),
    ("merge:\n  Mark Carney: 3\n", "must be followed by a list of names"),
    ("rename:\n  Mark Carney: [a, b]\n", "is not a name"),
    ("drop:\n  Ottawa: yes\n", "'drop' must be a list"),
    ("rename:\n  A: B\n   C: D\n", "not valid YAML at line"),
    ("- just\n- a list\n", "must be a mapping of sections"),
])
def test_malformed_correction_file_raises_a_clear_error(small_corpus, tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CorrectionsError) as info:
        actors.resolve_corpus(small_corpus, path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


# --- the actors table -----------------------------------------------------------------------------


def test_actors_table_counts_prominence_and_quotes(nlp):
    text = ("Chancellor Olaf Scholz arrived in Paris on Monday.\n\n"
            "The talks were hard, Scholz said. Paris was calm.")
    mentions = actors.extract_mentions(nlp(text), article_id="a1")
    mentions, _, _ = actors.resolve_corpus(mentions, None)
    quotes = pd.DataFrame([
        {"article_id": "a1", "speaker": "Olaf Scholz", "kind": "direct", "words": 4},
        {"article_id": "a1", "speaker": "Olaf Scholz", "kind": "indirect", "words": 9},
    ])
    table = actors.actors_table(mentions, quotes)
    assert list(table.columns) == schema.ACTORS.column_names
    row = table.set_index("actor").loc["Olaf Scholz"]
    assert (row["mentions"], row["first_sentence"], bool(row["quoted"]), row["quoted_words"]) == (2, 0, True, 4)
    paris = table.set_index("actor").loc["Paris"]
    assert (paris["kind"], paris["mentions"], bool(paris["quoted"])) == ("place", 2, False)
    assert len(table) == table[["article_id", "actor"]].drop_duplicates().shape[0]


def test_actors_table_of_nothing_is_empty():
    assert actors.actors_table(schema.empty("mentions"), schema.empty("quotes")).empty


# --- the seeds against the gold -----------------------------------------------------------------------


def test_seed_actors_against_gold():
    ann = seed_annotations()
    rows = list(zip(ann.actors["article_id"], ann.actors["actor"], ann.actors["kind"]))
    result = score(rows, load_gold())
    assert result["recall"] >= 0.95, result
    assert result["person_precision"] >= 0.95, result
    assert result["splits"] == [], result["splits"]
    assert result["non_actors"] == [], result["non_actors"]


def test_seed_actors_beat_raw_spacy_entities():
    ann = seed_annotations()
    ours = score(list(zip(ann.actors["article_id"], ann.actors["actor"], ann.actors["kind"])), load_gold())
    raw = score(raw_spacy_rows(), load_gold())
    assert ours["recall"] > raw["recall"]
    assert ours["person_precision"] > raw["person_precision"]
    assert raw["splits"], "the baseline splits actors; ours must not"


def test_seed_tables_follow_the_schema():
    ann = seed_annotations()
    texts = dict(zip(ann.articles["article_id"], ann.articles["text"]))
    for row in ann.mentions.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
    assert not ann.actors.duplicated(["article_id", "actor"]).any()
    kinds = ann.mentions.groupby("actor")["kind"].nunique()
    assert (kinds == 1).all(), kinds[kinds > 1]


# --- the wire dev set against the gold ---------------------------------------------------------------
# 45 short articles in wire and newspaper style written for newsbook, not the seeds. The first run of
# the extractor tuned on the seeds scored recall 0.81 and person precision 0.82 on the first 35 with
# 11 split actors; the floors below are the level reached after the generalising rules, less a margin.


@pytest.fixture(scope="module")
def wire_annotations(tmp_path_factory):
    import newsbook

    folder = evaluate_actors.write_dev_corpus(load_gold(WIRE_GOLD_PATH), tmp_path_factory.mktemp("wire"))
    return newsbook.annotate(folder, cache_dir=None, progress=False)


def test_wire_dev_set_is_well_formed():
    gold = load_gold(WIRE_GOLD_PATH)
    assert len(gold) >= 30
    for article_id, spec in gold.items():
        assert spec["text"].strip(), article_id
        names = [n for kind in actors.KINDS for n in (spec.get(kind) or {})]
        assert len(names) == len(set(names)), article_id


def test_wire_actors_against_gold(wire_annotations):
    ann = wire_annotations
    assert ann.errors.empty, ann.errors
    rows = list(zip(ann.actors["article_id"], ann.actors["actor"], ann.actors["kind"]))
    result = score(rows, load_gold(WIRE_GOLD_PATH))
    assert result["recall"] >= 0.90, result
    assert result["person_precision"] >= 0.93, result
    assert result["org_precision"] >= 0.93, result
    assert len(result["splits"]) <= 2, result["splits"]
    assert len(result["non_actors"]) <= 2, result["non_actors"]


def test_wire_agency_of_the_dateline_is_never_an_actor(wire_annotations):
    ann = wire_annotations
    texts = dict(zip(ann.articles["article_id"], ann.articles["text"]))
    agencies = {a: actors.find_dateline(t).agency_name(t) for a, t in texts.items()}
    assert sum(bool(x) for x in agencies.values()) >= 20
    listed = {(a, actors.name_key(n)) for a, n in zip(ann.actors["article_id"], ann.actors["actor"])}
    assert not [(a, x) for a, x in agencies.items() if x and (a, actors.name_key(x)) in listed]


# --- honorifics and titles agree with the person (issue 14) ------------------------------------------


def _local(nlp, text: str) -> pd.DataFrame:
    return actors.extract_mentions(nlp(text), article_id="t")


def _actor_of(m: pd.DataFrame, surface: str, nth: int = -1) -> str:
    rows = m[m["text"] == surface]
    assert len(rows), m[["text", "actor"]].to_string()
    return rows.iloc[nth]["actor"]


def test_mrs_before_a_surname_picks_the_woman_of_two_namesakes(nlp):
    m = _local(nlp, "Former President Bill Clinton and Hillary Clinton toured the flood zone in Arkansas on Monday. "
                    "Hillary Clinton met volunteers while Bill Clinton spoke to the governor.\n\n"
                    "Mrs. Clinton later thanked the rescue crews.")
    assert _actor_of(m, "Clinton") == "Hillary Clinton"


def test_mr_before_a_surname_picks_the_man_even_when_the_woman_came_last(nlp):
    m = _local(nlp, "Robert Okafor and his sister Grace Okafor run the bakery together. "
                    "Grace Okafor opened a second shop last year. Mr. Okafor said sales had doubled.")
    assert _actor_of(m, "Okafor") == "Robert Okafor"


def test_ms_agrees_with_an_honorific_written_before_the_full_name(nlp):
    m = _local(nlp, "Ms. Jordan Avery, the firm's founder, and Jordan Avery's son Taylor Avery were in court. "
                    "Taylor Avery declined to comment. Ms. Avery said the case had no merit.")
    assert _actor_of(m, "Avery") == "Jordan Avery"


def test_abbreviated_title_agrees_with_the_person_introduced_with_it(nlp):
    m = _local(nlp, "Senator Laura Whitfield and her brother Tom Whitfield, a county sheriff, spoke at the rally. "
                    "Tom Whitfield left early. Sen. Whitfield promised to return in the spring.")
    assert _actor_of(m, "Whitfield") == "Laura Whitfield"


# --- name variants and the scope of surname linking (issue 14) ----------------------------------------


def test_a_middle_initial_elsewhere_does_not_split_the_surname_corpus_wide(nlp):
    texts = {
        "a1": "President Donald J. Trump signed the order on Friday, aides said.",
        "a2": "Donald Trump told supporters in Ohio that the economy was booming. Trump spoke for an hour.",
        "a3": "Trump's lawyers filed the appeal late on Monday.",
    }
    m, _, _ = actors.resolve_corpus(corpus_mentions(nlp, texts), None)
    people = set(m.loc[m["kind"] == "person", "actor"])
    assert people == {"Donald Trump"}, m[["article_id", "text", "actor"]].to_string()


def test_nickname_and_suffix_variants(nlp):
    assert actors.middle_name_variants(["Bernie Sanders", "Bernard Sanders"]) == {
        "Bernie Sanders": "Bernard Sanders", "Bernard Sanders": "Bernard Sanders"}
    variants = actors.middle_name_variants(["Robert F. Kennedy Jr.", "Robert Kennedy Jr.", "Robert Downey Jr."])
    assert variants["Robert F. Kennedy Jr."] == "Robert Kennedy Jr."
    assert variants["Robert Downey Jr."] == "Robert Downey Jr."
    assert actors.surname_of("Martin Luther King Jr.") == "King"


def test_surname_of_a_jr_joins_him_and_a_father_keeps_the_bare_surname(nlp):
    texts = {
        "a1": "Civil rights leader Martin Luther King Jr. spoke in Memphis in 1968.",
        "a2": "King's speech was broadcast nationwide.",
    }
    m, _, _ = actors.resolve_corpus(corpus_mentions(nlp, texts), None)
    assert set(m.loc[m["article_id"] == "a2", "actor"]) <= {"Martin Luther King Jr."}
    links = actors.surname_links({"Trump", "Donald Trump", "Donald Trump Jr."},
                                 {"Trump": "person", "Donald Trump": "person", "Donald Trump Jr.": "person"}, set(), {})
    assert links == {"Trump": "Donald Trump"}


def test_surnames_link_within_a_story_not_across_unrelated_stories(nlp):
    texts = {
        "s1a": "Coach Eddie Howe praised his side after the win in Newcastle.",
        "s1b": "After training on Friday, Howe told reporters the players had earned a rest.",
        "s2a": "Emergency crews searched for survivors after the storm, said fire chief Mary Howe.",
        "s2b": "The storm killed three people in the county.",
        "s3a": "Asked about the budget on Tuesday, Howe declined to comment.",
    }
    mentions = corpus_mentions(nlp, texts)
    groups = {"s1a": "football", "s1b": "football", "s2a": "storm", "s2b": "storm", "s3a": ""}
    m, aliases, _ = actors.resolve_corpus(mentions, None, groups=groups)
    actor_of = {(a, loc): act for a, loc, act in zip(aliases["article_id"], aliases["local"], aliases["actor"])}
    assert actor_of[("s1b", "Howe")] == "Eddie Howe"
    assert actor_of[("s3a", "Howe")] == "Howe"  # no story: only its own article
    # without groups the corpus is one story: two Howes, so the bare surname stays as written
    _, aliases, _ = actors.resolve_corpus(mentions, None)
    assert dict(zip(zip(aliases["article_id"], aliases["local"]), aliases["actor"]))[("s1b", "Howe")] == "Howe"


def test_groups_may_be_a_series_and_acronyms_still_join_across_stories(nlp):
    texts = {
        "a1": "The European Central Bank raised rates on Thursday.",
        "a2": "The ECB said inflation was too high.",
    }
    groups = pd.Series({"a1": "rates", "a2": "inflation"})
    m, _, _ = actors.resolve_corpus(corpus_mentions(nlp, texts), None, groups=groups)
    assert set(m["actor"]) == {"European Central Bank"}


def test_a_one_word_short_form_joins_an_organisation_of_its_own_story_only():
    mentions = pd.DataFrame([
        {"article_id": a, "actor": n, "kind": "organization", "text": n, "start": 0, "end": len(n),
         "sentence": n, "sentence_index": 0, "sentence_start": 0, "sentence_end": len(n), "how": "name"}
        for a, n in [("c1", "United States Supreme Court"), ("c2", "Court"), ("k1", "Court"),
                     ("k2", "Kenosha County"), ("e1", "European Central Bank"), ("k2", "ECB")]])
    groups = {"c1": "census", "c2": "census", "k1": "kenosha", "k2": "kenosha", "e1": "rates"}
    _, aliases, _ = actors.resolve_corpus(mentions, None, groups=groups)
    actor_of = dict(zip(zip(aliases["article_id"], aliases["local"]), aliases["actor"]))
    assert actor_of[("c2", "Court")] == "United States Supreme Court"  # the court of its story
    assert actor_of[("k1", "Court")] == "Court"  # never the court of an unrelated story
    assert actor_of[("k2", "ECB")] == "European Central Bank"  # an acronym names one bank anywhere
    _, aliases, _ = actors.resolve_corpus(mentions, None)  # no stories: the corpus is one
    assert set(aliases.loc[aliases["local"] == "Court", "actor"]) == {"United States Supreme Court"}


# --- chambers, platforms and headlines are not what they seem (issue 14) ------------------------------


def test_house_and_senate_never_become_the_white_house(nlp):
    m = _local(nlp, "The White House threatened a veto on Monday. House Speaker Ann Kowalski said the Senate "
                    "and House would both vote before the recess.")
    assert set(m.loc[m["text"] == "House", "actor"]) == {"House"}
    assert "White House" not in set(m.loc[m["text"] != "White House", "actor"])


def test_a_countrys_chamber_still_joins_its_full_name():
    assert actors._is_short_form("Senate", "U.S. Senate")
    assert not actors._is_short_form("House", "White House")


def test_platforms_are_organisations(nlp):
    m = _local(nlp, "Senator Dale Pruitt of Montana wrote on Facebook that the mill would reopen. "
                    "Facebook did not respond.")
    assert set(m.loc[m["actor"] == "Facebook", "kind"]) <= {"organization"}


def test_a_title_case_headline_is_cut_at_its_verb(nlp):
    m = _local(nlp, "Carney Backs Tariff Deal With Mexico\n\nPrime Minister Mark Carney said on Friday that "
                    "the deal was done.")
    assert not any(len(a.split()) > 2 for a in m.loc[m["kind"] == "person", "actor"]), m[["text", "actor"]]


# --- groups (issue 14) ----------------------------------------------------------------------------------


def test_parties_nationalities_and_collective_nouns_are_groups(nlp):
    m = _local(nlp, "Senate Republicans blocked the measure on Thursday. Kurds in the north said they were "
                    "betrayed, and the demonstrators outside the parliament in Baghdad chanted slogans.")
    kinds = dict(zip(m["actor"], m["kind"]))
    assert kinds.get("Senate Republicans") == "group", kinds
    assert kinds.get("demonstrators") == "group", kinds
    assert "Senate" not in kinds


def test_group_is_a_kind_for_reports_and_corrections():
    assert "group" in actors.as_kinds("person, group")
    assert actors.parse_corrections({"retag": {"Greens": "group"}}).retag == {"Greens": "group"}


def test_an_acronym_spelt_like_a_pronoun_is_still_its_organisation(nlp):
    m = _local(nlp, "The World Health Organization (WHO) raised its risk assessment on Monday. "
                    "WHO said the outbreak was spreading, and a WHO spokesman said more data were needed.")
    assert (m["text"] == "WHO").sum() == 3 and set(m.loc[m["text"] == "WHO", "actor"]) == {"World Health Organization"}


# --- three-outlet real news (issue 14, second round) ------------------------------------------------


def test_an_office_acronym_before_a_surname_is_a_title(nlp):
    text = ("Assistant district attorney Maria Delgado told the court the driver had been warned twice. "
            "\"He knew exactly what he was doing,\" said ADA Delgado.")
    m = mentions_of(nlp, text)
    people = m[m["kind"] == "person"]
    assert set(people["actor"]) == {"Maria Delgado"}
    assert "ADA" not in " ".join(people["text"])


def test_a_titled_name_the_model_read_as_a_work_of_art_is_a_person(nlp):
    m = mentions_of(nlp, 'Things are calm for now, Councilwoman Rita Owusu said on Twitter.')
    assert actor_kinds(m).get("Rita Owusu") == "person"


def test_a_headline_description_with_a_verb_and_a_number_is_no_person(nlp):
    m = mentions_of(nlp, "Suspended Worker Kills 2 Women in Bakery Shooting: Police\n\n"
                         "A worker shot two colleagues on Monday, police said.")
    assert not (m["kind"] == "person").any(), m[["text", "kind"]]
    m = mentions_of(nlp, "Mayor Lee Agrees To Meet Strikers\n\nMayor Ann Lee said she would meet the strikers.")
    assert actor_kinds(m).get("Ann Lee") == "person"


def test_a_town_before_its_state_is_a_place_not_a_person(nlp):
    m = mentions_of(nlp, "A driver from Dexter, Michigan, called 911 after hearing the radio. "
                         "Officer Dana Reed said the call came at noon.")
    kinds = actor_kinds(m)
    assert kinds.get("Dexter") == "place" and kinds.get("Dana Reed") == "person"


def test_a_name_in_apposition_to_a_job_is_a_person_whatever_the_tagger_said(nlp):
    m = mentions_of(nlp, "A professor of economics at the University of Athens, Yanis Varoufakis, did not go to "
                         "work today. Professor Varoufakis said the city was empty.")
    kinds = actor_kinds(m)
    assert kinds.get("Yanis Varoufakis") == "person" and kinds.get("University of Athens") == "organization"
    assert set(m[m["kind"] == "person"]["actor"]) == {"Yanis Varoufakis"}


# --- actors on real news (issue 14, fourth round: tests/gold/actors_wikinews.yaml) ---------------------

WIKINEWS_GOLD_PATH = Path(__file__).parent / "gold" / "actors_wikinews.yaml"
# first run of the 10 hand-annotated Wikinews articles: P .784 R .832; after the rules below .853 / .881.
# Then 6 more articles annotated and scored once, unseen: P .820 R .909 (all 16: .824 / .883).
WIKINEWS_FLOORS = {"precision": 0.80, "recall": 0.85}


def test_wikinews_actors_against_gold(nlp):
    gold = evaluate_actors.load_gold(WIKINEWS_GOLD_PATH)
    import tempfile

    import newsbook

    folder = evaluate_actors.write_dev_corpus(gold, tempfile.mkdtemp())
    table = newsbook.annotate(folder, cache_dir=None, progress=False).actors
    s = evaluate_actors.score_table(table, gold)
    for metric, floor in WIKINEWS_FLOORS.items():
        assert s[metric] >= floor, (metric, s[metric], s["splits"], s["non_actors"])


def test_bare_surnames_tagged_org_do_not_outvote_the_full_name():
    from newsbook.actor_lexicon import Cand
    from newsbook.actor_linking import settle_kinds

    full = Cand(0, 2, {actors.PERSON: 2.0}, name="Kyle Brockhurst")
    bare = [Cand(10 * k, 10 * k + 1, {actors.ORG: 0.5}, how="surname", name="Kyle Brockhurst") for k in range(1, 10)]
    assert {c.kind for c in settle_kinds([full] + bare)} == {actors.PERSON}
    # no given name: nothing says the model's one PERSON tag is right and its nine ORG tags wrong
    full = Cand(0, 2, {actors.PERSON: 2.0}, name="Dublin Tesco")
    bare = [Cand(10 * k, 10 * k + 1, {actors.ORG: 0.5}, how="surname", name="Dublin Tesco") for k in range(1, 10)]
    assert {c.kind for c in settle_kinds([full] + bare)} == {actors.ORG}


def _voted(nlp, text, start, end, votes):
    from newsbook.actor_lexicon import Cand
    from newsbook.actor_candidates import vote_from_context

    return vote_from_context(nlp(text), Cand(start, end, votes)).kind


def test_a_given_name_or_a_who_clause_makes_a_person_of_an_org_tag(nlp):
    assert _voted(nlp, "Jacqueline Moreau said the law was unfair.", 0, 2, {actors.ORG: 1.0}) == actors.PERSON
    assert _voted(nlp, "Supporters rallied for Viktar Babarin, who was arrested in May.", 3, 5,
                  {actors.ORG: 1.0}) == actors.PERSON
    assert _voted(nlp, "Al Jazeera declined to comment.", 0, 2, {actors.ORG: 1.0}) == actors.ORG
    assert _voted(nlp, "Douglas County will vote again.", 0, 2, {actors.PLACE: 1.0}) == actors.PLACE
    assert _voted(nlp, "The Wildcats, who lost on Friday, play again.", 1, 2, {actors.ORG: 1.0}) == actors.ORG
    assert _voted(nlp, "Crews from Rapid Response, which was founded in May, arrived.", 2, 4,
                  {actors.ORG: 1.0}) == actors.ORG


def test_a_committee_cut_at_and_is_one_organisation(nlp):
    from newsbook.actor_lexicon import Cand
    from newsbook.actor_candidates import merge_and_phrases

    doc = nlp("The House Oversight and Reform Committee voted on Tuesday.")
    merged = merge_and_phrases(doc, [Cand(1, 2, {actors.ORG: 1.0}), Cand(4, 6, {actors.ORG: 1.0})])
    assert [(c.start, c.end) for c in merged] == [(1, 6)]
    doc = nlp("Shares of Ford and General Motors fell.")
    cands = [Cand(2, 3, {actors.ORG: 1.0}), Cand(4, 6, {actors.ORG: 1.0})]
    assert [(c.start, c.end) for c in merge_and_phrases(doc, cands)] == [(2, 3), (4, 6)]


def test_tribes_and_carriers_are_organisations(nlp):
    m = actors.extract_mentions(nlp("The Crow Tribe and the Blackfeet Nation joined the lawsuit, a spokesman "
                                    "for Kestrel Air said."), article_id="a")
    assert {("Crow Tribe", actors.ORG), ("Blackfeet Nation", actors.ORG)} <= set(zip(m["actor"], m["kind"]))


def test_time_zones_and_clergy_titles_are_no_actors(nlp):
    m = actors.extract_mentions(nlp("The rally started around 18:00 local time (1500 UTC), police said. The plan was "
                                    "criticised by archbishop Monsenor Jorge Eduardo Scheinig."), article_id="a")
    assert set(m["actor"]) == {"Jorge Eduardo Scheinig"}

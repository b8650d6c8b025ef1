"""The extractors as spaCy components: what they write on the Doc, in which order, and that an
error in one article stays with that article while the rest of the batch goes on."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")

from newsbook import actors, components, extraction, figures, quotes  # noqa: E402

WIRE = ("WASHINGTON (Reuters) - Finance Minister Maria Lopez said on Tuesday the budget would grow "
        "by 4 percent. \"We will not cut pensions,\" Lopez told reporters.\n\n"
        "The Harbour Workers Union said 1,200 members would strike.")
FEATURE = "Councillor Huw Thomas said the city had planted 300 trees. \"It is a start,\" he said."


def _article(article_id: str, text: str) -> dict:
    return {"article_id": article_id, "text": text, "byline": "", "outlet": "Evening Courier"}


@pytest.fixture(scope="module")
def nlp():
    return components.load_pipeline()


def test_the_extractors_are_components_after_the_model(nlp):
    names = nlp.pipe_names
    assert names[-3:] == list(components.EXTRACTORS)
    assert names.index("newsbook_paragraph_boundaries") < names.index("parser")
    assert names.index("newsbook_actor_ruler") < names.index("ner")


def test_the_doc_carries_the_rows_the_extractor_functions_give(nlp):
    article = _article("w1", WIRE)
    doc = nlp(extraction.article_doc(nlp, article))
    mentions = actors.mention_rows(doc, article_id="w1", outlet="Evening Courier")
    assert doc._.mentions == mentions and mentions
    assert doc._.quotes == quotes.quote_rows(doc, mentions, article_id="w1") and doc._.quotes
    assert doc._.figures == figures.figure_rows(doc, article_id="w1") and doc._.figures
    assert doc._.newsbook_error is None
    for row in doc._.mentions + doc._.figures:
        assert row["article_id"] == "w1" and WIRE[row["start"]:row["end"]] == row["text"]
    tables = extraction.extract_article(doc, article)
    assert tables == {"mentions": doc._.mentions, "quotes": doc._.quotes, "figures": doc._.figures}


def test_the_quotes_component_reads_the_actors_components_mentions(nlp, monkeypatch):
    seen = []
    real = components.quote_rows
    monkeypatch.setattr(components, "quote_rows",
                        lambda doc, mentions, **kw: seen.append((mentions, kw["persons"])) or real(doc, mentions, **kw))
    doc = nlp(extraction.article_doc(nlp, _article("f1", FEATURE)))
    assert len(seen) == 1
    assert seen[0][0] is doc._.mentions and seen[0][1] is doc._.persons


def test_the_actors_component_says_who_is_in_the_text(nlp):
    doc = nlp(extraction.article_doc(nlp, _article("w2", WIRE)))
    persons = doc._.persons
    assert persons is not None and persons.from_table
    names = {r.actor for r in persons.refs if r.kind == "person"}
    assert "Maria Lopez" in names
    # the quotes stage sees them without the quoted words, and the same rows as computing them itself
    view = persons.for_quotes(doc, [False] * len(doc))
    assert {r.actor for r in view.refs} >= names
    assert quotes.quote_rows(doc, doc._.mentions, article_id="w2") == doc._.quotes


def test_a_doc_without_article_metadata_is_extracted_anonymously(nlp):
    doc = nlp(FEATURE)
    assert doc._.article is None
    assert doc._.mentions and {row["article_id"] for row in doc._.mentions} == {""}
    # extract_article for a given article extracts that Doc again under the article's id
    tables = extraction.extract_article(doc, _article("f2", FEATURE))
    assert {row["article_id"] for row in tables["mentions"]} == {"f2"}


def test_a_failing_extractor_is_reported_for_its_article_only(monkeypatch):
    real = components.mention_rows

    def exploding(doc, *, article_id, **kw):
        if article_id == "bad":
            raise RuntimeError("actors exploded")
        return real(doc, article_id=article_id, **kw)

    monkeypatch.setattr(components, "mention_rows", exploding)
    articles = [_article("good1", WIRE), _article("bad", FEATURE), _article("good2", FEATURE)]
    rows = list(extraction.iter_annotate(articles, batch_size=8))
    assert [r[0] for r in rows] == ["good1", "bad", "good2"]
    bad = rows[1]
    assert bad[1] is None and bad[2] == "RuntimeError: actors exploded"
    assert rows[0][1]["mentions"] and rows[2][1]["mentions"]
    assert rows[2][2] == ""

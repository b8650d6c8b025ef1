"""The newsbook spaCy pipeline: the model, newsbook's components and the order they run in.

`load_pipeline` is the one place components are added by name. Besides the model's own, they are:

- ``newsbook_paragraph_boundaries`` (before the parser): a blank line always ends a sentence, an
  abbreviated title before a name never does (the tokenizer keeps "Lt.", "Sgt." whole, as it keeps
  "Gov.": rules/title_abbreviations.txt);
- ``newsbook_actor_ruler`` (an ``entity_ruler`` before "ner"): "<Name> TV/News/Times" is an
  organisation (patterns in `actor_candidates.ruler_patterns`);
- the three extractors, after the model, each a ``@Language.factory``:
  ``newsbook_actors`` writes ``doc._.mentions`` and the person references a quote's speaker can
  resolve to, ``doc._.persons`` (`actor_persons.Persons`); ``newsbook_quotes`` reads both and writes
  ``doc._.quotes``, ``newsbook_figures`` writes ``doc._.figures`` (lists of row dicts of the
  `mentions`, `quotes` and `figures` tables, see docs/schema.md).

The article's metadata (article_id, byline, outlet, and its text) reaches the extractors as
``doc._.article``, set on the Doc before it goes through the pipeline
(``doc = nlp.make_doc(text); doc._.article = article; nlp(doc)`` or ``nlp.pipe(docs)``); a Doc
without it is extracted as an article with an empty id and no byline or outlet.

An extractor that fails on an article does not stop the batch: the error is kept in
``doc._.newsbook_error``, the later extractors skip that Doc, and `extraction.extract_article`
raises it for that article alone.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .actor_candidates import ruler_patterns
from .actor_extract import mention_rows
from .actor_persons import persons_of
from .figure_extractor import figure_rows
from .quote_extractor import quote_rows
from .nlp import MODEL_NAME, forget, known_text

if TYPE_CHECKING:  # spaCy is imported where a pipeline is loaded, not by `import newsbook`
    from spacy.language import Language
    from spacy.tokens import Doc

EXTRACTORS = ("newsbook_actors", "newsbook_quotes", "newsbook_figures")
# The Doc extensions newsbook writes; None until the component that owns one has run.
DOC_EXTENSIONS = ("article", "mentions", "persons", "quotes", "figures", "newsbook_error")
NO_ARTICLE = {"article_id": "", "byline": "", "outlet": ""}


def paragraph_boundaries(doc: Doc) -> Doc:
    """A blank line always ends a sentence: the parser otherwise runs headlines and
    paragraphs together. An abbreviated title before a name never does ('..., Troy police Lt. Gerry
    Scherlinck said.': the parser otherwise ends the sentence at 'Lt.' and the name says nothing)."""
    titles = _title_abbreviations()
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
        elif token.lower_ in titles and doc[token.i + 1].text[:1].isupper() \
                and doc[token.i + 1].text.rstrip(".").isalpha():  # ("Asst. Atty. Gen. Mary Lane")
            doc[token.i + 1].is_sent_start = False
    return doc


@functools.lru_cache(maxsize=1)
def _title_abbreviations() -> frozenset[str]:
    """The abbreviated titles written with a full stop ('lt.', 'gov.'), rules/title_abbreviations.txt."""
    from . import rules

    return frozenset(k for k in rules.mapping("title_abbreviations") if k.endswith("."))


def article_of(doc: Doc) -> dict:
    """The article metadata the extractors see: ``doc._.article``, or an anonymous article."""
    return doc._.article or NO_ARTICLE


class Extractor:
    """A newsbook extractor as a spaCy component: runs `extract(doc, article)` and keeps an error in
    ``doc._.newsbook_error`` instead of raising, so one article cannot stop `nlp.pipe`'s batch.
    The extractors share the per-Doc caches of newsbook.nlp; the last one drops them."""

    last = False  # the last extractor of the pipeline

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        try:
            if doc._.newsbook_error is None:  # else an earlier extractor failed on this article
                self.extract(doc, article_of(doc))
        except Exception as exc:  # kept for extraction.extract_article to raise for this article
            doc._.newsbook_error = exc
        finally:
            if self.last:
                forget(doc)
        return doc

    def extract(self, doc: Doc, article: dict) -> None:
        raise NotImplementedError


class ActorsComponent(Extractor):
    """Mentions of actors (`actor_extract.mention_rows`) -> ``doc._.mentions``, and who is in the
    text as references a speaker can be (`actor_persons.persons_of`) -> ``doc._.persons``."""

    def extract(self, doc, article):
        if "text" in article:  # spares joining the tokens again for doc.text
            known_text(doc, article["text"])
        doc._.mentions = mention_rows(doc, article_id=article["article_id"], byline=article["byline"],
                                      outlet=article["outlet"])
        doc._.persons = persons_of(doc, doc._.mentions)


class QuotesComponent(Extractor):
    """Quotes attributed to the actors and persons the actors component found -> ``doc._.quotes``."""

    def extract(self, doc, article):
        if doc._.mentions is None or doc._.persons is None:
            raise RuntimeError(f"{self.name} runs after newsbook_actors, which did not run on this Doc")
        doc._.quotes = quote_rows(doc, doc._.mentions, article_id=article["article_id"], persons=doc._.persons)


class FiguresComponent(Extractor):
    """Figures (numbers with their unit and what they count) -> ``doc._.figures``."""

    last = True

    def extract(self, doc, article):
        doc._.figures = figure_rows(doc, article_id=article["article_id"])


@functools.lru_cache(maxsize=1)
def register_components() -> None:
    """Register newsbook's components and Doc extensions with spaCy (once per process)."""
    from spacy.language import Language
    from spacy.tokens import Doc

    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    Language.component("newsbook_paragraph_boundaries", func=paragraph_boundaries)
    Language.factory("newsbook_actors", func=ActorsComponent)
    Language.factory("newsbook_quotes", func=QuotesComponent)
    Language.factory("newsbook_figures", func=FiguresComponent)


@functools.lru_cache(maxsize=2)
def load_pipeline(model: str = MODEL_NAME) -> Language:
    """The loaded pipeline with newsbook's components, in order (once per process)."""
    import spacy

    register_components()
    nlp = spacy.load(model)
    for title in _title_abbreviations():  # "Lt." one token, as the tokenizer keeps "Gov." and "Sen."
        form = title[:1].upper() + title[1:]
        if len(nlp.tokenizer(form)) > 1:
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    nlp.add_pipe("newsbook_paragraph_boundaries", before="parser")
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name="newsbook_actor_ruler", before="ner")
        ruler.add_patterns(ruler_patterns())
    for name in EXTRACTORS:
        nlp.add_pipe(name)
    return nlp

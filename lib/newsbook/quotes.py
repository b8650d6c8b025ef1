"""Quotes: direct and reported speech in an article, attributed to an actor.

Owns: finding quotations (straight and curly marks, partial, colon-introduced, multi-sentence,
split by attribution), reported speech, speaker attribution and cue verbs, and voice share.

How it works
------------
1. **Quotation marks** are paired on the raw text, not on tokens. Curly marks carry their
   direction; straight marks get theirs from context (space before = opening, space or
   punctuation after = closing); where the context is clear it wins over the glyph, so a mix of
   straight and curly marks (``"... ”``) still pairs. The newsroom convention for quotations
   running over several paragraphs (no closing mark at the end of a paragraph, a new opening
   mark at the start of the next) gives one quote row per paragraph, all with the same speaker.
   An odd number of marks does not stop the extraction: the stray mark is named in a log warning
   (logger ``newsbook.quotes``) and the quotation is taken to run to the end of its paragraph
   (stray opening mark) or from the start of its paragraph (stray closing mark). Single marks
   (‘…’, '…') are read as quotation marks only outside double-quoted text, where an opening mark
   starts a word and a closing mark ends one (so apostrophes are not quotes); they follow the same
   paragraph convention, and double marks nested in a single-quoted quotation stay inside it.
   A wire **dateline** opening a paragraph (``WASHINGTON (Reuters) -``, ``LONDON —``) is neither a
   speaker nor part of a reported clause.
2. **Not quotes**: titles of programmes, works, campaigns and slogans (``the “This Week”
   programme``, ``a book titled “…”``, a short Title-Case phrase that no cue verb governs) and
   **scare quotes**. A scare quote is a short quoted phrase (at most three words) with no reporting
   verb governing it or standing next to it, in a sentence with no reported speech and not
   continuing a speaker from the sentence before in its paragraph, or any phrase marked
   ``so-called``. Scare quotes are dropped — except when the article quoted somebody using those
   very words earlier: then the phrase is an echo of that speaker's words and is kept, attributed
   to them, with an empty cue. A quotation inside the speaker's own name (``Residents of the "safe
   zone" say``) is not their speech. **Terms**: a short capitalised noun phrase with no verb that a
   determiner or a preposition introduces (``declined to comment on the "Frankfurt consensus"``,
   ``the "Swift effect"``) is a name, whatever verb of saying stands nearby; a short phrase after a
   determiner or possessive (``the company's "voluntary" scheme``) is a scare quote unless a cue
   verb governs it.
3. **Attribution.** For each quotation, in this order: a reporting verb that governs the quote in
   the dependency parse (``said``, ``told``, ``described … as``, ``warned that``); the reporting
   verb nearest to the quote in the sentences it sits in (``"…," he said, "…"``); the clause before
   a colon (``Putin continued:``, ``As the newspaper reported last week:``; with no verb the cue is
   ``:`` and the speaker the owner of an utterance noun, ``The reaction from X was brief:``, or the
   actor named there); a bare attribution sentence right after the quote (``"…?" one mother
   asked.``); the speaker of the sentence before in the same paragraph, or of the end of the
   previous paragraph (a quote that continues the speaker's paragraph). The speaker is the verb's subject
   (or the agent of a passive, the object of ``according to``, the subject of the clause a
   ``saying``-participle hangs on). Pronouns (``he``, ``she``) go to the most recent sentence
   naming a person, preferring its subject (so ``X told Y that …. He said`` is X); ``it`` goes to
   organisations and places. A role phrase (``the Russian president``) goes to the person earlier
   introduced with that title; a definite description with no name (``the company``, ``the club``,
   ``the 23-year-old Italian``) to the latest organisation or person, ``the report`` to the
   report named with its issuer before. Joint subjects are joined (``Germany and France``); an
   unnamed source keeps what identifies it (``people familiar with the matter``); a full name the
   model missed or took for a work or place is a person when it speaks or carries a title. A
   document (``a statement issued by A and B``, ``B's report``) is attributed to its issuer(s).
   The speaker's name is the `actor` of the mention covering the speaker's words (the actors
   table), else a name from the parser's entities, else the words themselves (``US intelligence
   agencies``).
4. **Reported speech** (``kind=indirect``): a verb of saying with a complement clause (``X said
   (that) …``, ``X told Y that …``, ``…, X said.``, ``Moscow, he said, had …``, ``As X noted, …``,
   ``X was quoted as saying …``) and ``according to X, …``; also indirect questions (``asked
   whether/why …``) and what a study or report finds or shows. Verbs of thinking (believe, think,
   expect) are not speech. A clause separated from the verb by a quotation (``The opposition was
   less kind: "…," Merz wrote``) is no report of it; a date or medium right after the verb
   (``said on Friday it would``) belongs to the saying; a second reporting act (``… and praised``,
   ``…, warning that``) ends the clause; a participle going on with the reported event (``…,
   beating expectations``) belongs to it. Emitted when a speaker is found, or for an impersonal
   ``it was reported / said that …`` (empty speaker); not when at least 80% of the clause is a
   direct quote already (``warned that "…"``). A clause with a partial quote in it gives both rows.
5. The **cue** is the verb's lemma (``say``, ``tell``, ``warn``, ``point out``), ``according to``, or
   ``:`` for a colon with no verb; a quote continuing an earlier speaker inherits that cue.
6. **Medium and speaker** (issue 14): what the words came through (``said on Twitter``, ``in a
   statement``, ``told a press conference``, ``The proclamation said``) is the `medium` column; the
   speaker is who spoke through it (an issuer-less document speaks for the actor the story opens
   with, ``their filing`` for the pronoun's antecedent, a platform never speaks). Counting words
   are no speaker (``one of his aides`` -> ``an aide to X``; ``Three said`` names nobody), plural
   polls/documents with no issuer are no voice, ``X quoted Y as saying`` is Y's. He/she agree in
   gender with the antecedent (given names in rules/). Short **labels** after call/brand/dub/
   ``refer to ... as`` are the subject's words; a paragraph without marks after ``He wrote:`` is a
   **block quotation**. Groups (``House Democrats``, ``the protesters``) speak like anyone else.
7. Across outlets, `quote_relation` says whether two renderings are the same, one shortened or
   reworded, and what was left out; `voice_share` counts a partial quote inside a reported clause
   once; `apply_quote_corrections` applies the researcher's quotes.yaml.

Word lists live in lib/newsbook/rules/*.txt (`newsbook.rules.words`; add a speech verb to
rules/speech_verbs.txt).

Layout (this module only re-exports; each stage is its own module):

- `quote_words`: the vocabulary (word lists from rules/, verb classes, window sizes).
- `quote_spans`: quotation marks -> `QuoteSpan`s (step 1), block quotations (datelines: `dateline`).
- `actor_persons` (the actors stage's, kept on the Doc as ``doc._.persons``): the article's mentions
  and parser entities as references a speaker resolves to.
- `quote_cues`: `Attribution`, media, and the cue finder (step 3: governing/nearby verb, colon...).
- `quote_speakers`: the speaker of a cue, its name, pronoun/role/definite-description antecedents.
- `quote_reported`: reported speech and the extent of its clause (step 4).
- `quote_settle`: terms, scare quotes, echoes, inherited cues, the rows (steps 2, 5).
- `quote_introduced`: speakers named only after their words ("the victim's nephew said ..." then
  '"...," said Manpreet Singh'), quotes opening a story before its speaker is named.
- `quote_extractor`: `_Extractor` runs those stages per article (and tells titles from quotes);
  `extract_quotes`, `quote_rows`.
- `quote_corrections`: the researcher's quotes.yaml.  `quote_views`: the tables notebooks show.

The per-article annotation cache hashes the extraction modules (`nlp.CACHED_CODE`), not this
facade, the corrections or the views.
"""

from __future__ import annotations

from .quote_words import (  # noqa: F401
    ADJACENT_ONLY_VERBS, ADJACENT_SPAN, CHARACTERISING_VERBS, CONTENT_NOUNS, CUE_WINDOW,
    DOCUMENT_NOUNS, EVIDENCE_VERBS, FIRST_PERSON, IMPERSONAL_VERBS, INDIRECT_VERBS,
    MAX_MARK_WARNINGS, MEDIUM_NOUNS, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS, PLATFORMS,
    PLURAL_PRONOUNS, QUANTIFIERS, RELATIVE_PRONOUNS, RESEARCH_NOUNS, ROLE_NOUNS, SPEAKER_ACTS,
    SPEECH_VERBS, STRONG_TITLE_CUE_WORDS, TEAM_NOUNS, THING_PRONOUNS, TITLE_CUE_WORDS, TITLE_NOUNS,
    TITLE_WORDS, UTTERANCE_NOUNS,
)
from .quote_spans import (  # noqa: F401
    MAX_RUN_PARAGRAPHS, QuoteSpan, block_quote_spans, find_quote_spans,
)
from .dateline import dateline_end  # noqa: F401
from .actor_persons import (  # noqa: F401
    Persons, _Actors, persons_of,
)
from .quote_cues import (  # noqa: F401
    Attribution, medium_of,
)
from .quote_speakers import (  # noqa: F401
    _Speakers,
)
from .quote_extractor import (  # noqa: F401
    extract_quotes, quote_rows, _Extractor,
)
from .quote_corrections import (  # noqa: F401
    QUOTE_CORRECTIONS_FILE_NAMES, QUOTE_CORRECTIONS_HELP, apply_quote_corrections,
    find_quote_corrections, load_quote_corrections,
)
from .quote_views import (  # noqa: F401
    UNATTRIBUTED, for_speaker, nested_in_reported, quote_relation, quote_table, voice_share,
    with_relation,
)

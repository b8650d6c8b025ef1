"""Actors: people, organizations and places named in an article, resolved to one canonical name each.

Owns: mention extraction from a parsed Doc, canonicalisation within an article and across the
corpus, the researcher's correction file (actors.yaml), and the `actors` table.

How a mention is found (every rule is about the shape of news copy, none names a real actor):
1. spaCy entities (PERSON, ORG, GPE, LOC, FAC), plus an entity ruler for "<Name> TV/News/Times", plus
   organisations the model missed ("Dangote Group", "the charity <Name>", "<Name> analyst <Person>").
2. Spans are trimmed (leading "the", possessive "'s"/"’s", whitespace, a broken "(ABBR"), and names
   the model cut short are extended ("Rhee Chang"-yong, "Chief Executive <Given> <Surname>").
3. Spans that are not actors are dropped: quoted programme titles, the "State" of "Secretary of
   State", words for kinds of people ("Russophobes"), title words alone; a "place" the tagger
   reads as a bare plural ("Wikileaks") is an organisation.
4. Glued spans are split: "<broadcaster> TV <Surname>", "<org> (<ABBR>)", "<X> Co and <Y>"; cut
   spans are joined: "<Org> of|for [the] <Org|Place>". A wire dateline ("WASHINGTON (Reuters) -")
   gives a place; its agency is the story's source, dropped like the outlet.
5. Kinds are voted: a title ("President X", "X, the foreign minister") or a two-word PERSON name
   outweighs the small model's habit of tagging surnames as ORG; an organisation word ("Party",
   "Committee", "News", "AG"), a noun for a kind of organisation before the name ("the lender X"),
   a job after it ("X analyst <Person>") or "X reported" (X not written as a place elsewhere)
   outweigh a PERSON or place tag.
6. Every further occurrence of a found name is a mention too (the model misses repeats).
7. Role phrases ("the Russian president") resolve to the one person introduced with that title.
8. Surnames (and the first word of a name written family name first: "Xi") join full names
   (an honorific or title before the surname must agree: "Mrs. Clinton" is not Bill Clinton;
   name variants - middle initials, nicknames, "Jr." - are one person);
   acronyms ("ECB", "FDA" of "U.S. Food and Drug Administration", "KEMRI"), short forms ("Samsung",
   "the Met") and blends ("Pemex") join organisation names, in the article and then (acronyms and
   trailing short forms only) across the corpus; a bare surname joins a full name only within its
   story (`resolve_corpus(groups=...)`, the articles' `event`), never across unrelated stories; the
   researcher's actors.yaml is applied last.
9. A `group` kind: parties and nationalities as plural nouns ("House Democrats"), collective nouns
   ("the protesters"). Chamber words ("House") never join the "White House"; platforms are
   organisations; a Title-Case headline run into a name is cut at its verb. Word lists: rules/.

The code lives in one module per stage (each says what it owns): `actor_lexicon` (kinds, shared word
lists, the candidate mention), `actor_roles` (titles and role phrases), `actor_candidates` (entity
and untagged candidates, trimming, splitting, filters, kinds from context), `actor_linking` (one
name per actor within an article), `actor_dateline` (byline, outlet and dateline: the article's own
sources; the dateline itself is found by `dateline`, which the quotes stage shares), `actor_persons`
(who is in the text as references a quote's speaker can be, kept on the Doc for the quotes stage), `actor_extract` (the per-article `mentions` rows), `actor_corrections` (actors.yaml),
`actor_corpus` (names across the corpus, the `actors` table) and `actor_views` (notebook tables).
This module re-exports their public names, so `from newsbook import actors` keeps working.
"""

from __future__ import annotations

from .actor_lexicon import (
    Cand, DETERMINERS, GROUP, HONORIFICS, HOW, KINDS, KIND_RANK, LABEL_KIND, LEGAL_FORMS, MEDIA_WORDS, ORG,
    ORG_WORDS, PERSON, PLACE, PLACE_SYNONYMS, POSSESSIVES, QUOTE_MARKS, TITLE_HEADS, TITLE_MODIFIERS,
    WORK_NOUNS, _follow, clean_name, name_key, preferred_forms)
from .actor_roles import resolve_roles, role_after, role_before, role_phrases
from .actor_candidates import (
    HEADLINE_BREAKS, JOBS_IN_ORGANISATIONS, MEDIA_VERBS, ORG_NOUNS, PARTY_AND_STATE, PEOPLE_SUFFIXES,
    PLACE_PREPOSITIONS, cut_headline, entity_candidates, extend_name, group_candidates,
    is_common_acronym, is_group_noun, is_not_a_name, is_party_and_state, is_title_fragment, is_title_only,
    is_work_title, merge_of_phrases, merge_place_prefixes, platform_is_organisation,
    plural_place_is_organisation, ruler_patterns, split_glued, split_parenthesis, strip_title, trim,
    untagged_candidates, vote_from_context)
from .actor_linking import (
    ACRONYM_GLUE, _is_short_form, given_name_gender, honorific_gender, initials, is_acronym_of, is_blend_of,
    join_organisations, link_names, middle_name_variants, name_core, person_full_names, propagate,
    settle_kinds, surname_links, surname_of)
from .actor_dateline import apply_dateline, is_metadata, metadata_names
from .dateline import DATELINE, Dateline, find_dateline
from .actor_extract import extract_mentions, find_candidates, mention_rows
from .actor_corrections import (
    CORRECTIONS_HELP, Corrections, KIND_NAMES, MAX_CORRECTIONS_BYTES, MAX_CORRECTIONS_VALUES, SECTIONS,
    apply_corrections, correction_cycles, load_corrections, parse_corrections)
from .actor_corpus import (
    LOCATIVE, _local_actors, _locative_names, actors_table, corpus_canonical, corpus_kinds, resolve_corpus,
    scoped_canonical)
from .actor_views import (
    actor_summary, as_kinds, cooccurrence, corrections_frame, mentions_by_source, prominence,
    single_source_actors, source_labels)

"""Quotes' vocabulary and limits: the word lists (from rules/), verb classes and small lexical
predicates the quote stages share, and the window sizes they use."""

from __future__ import annotations

import re

from . import rules

# --- vocabulary -------------------------------------------------------------------------------

#: Verbs that introduce speech, direct or reported.
SPEECH_VERBS = rules.words("speech_verbs")
#: Verbs that characterise a quoted phrase rather than introduce speech; they count as cue only
#: when the parse makes the quote their complement ("described the plan as 'X'").
CHARACTERISING_VERBS = rules.words("characterising_verbs")
#: Verbs that are cues only right next to the quotation or before a colon ("he continued:").
ADJACENT_ONLY_VERBS = rules.words("adjacent_only_verbs")
#: Plain verbs of saying: a clause governed by one of them is that verb's report, not its parent's.
_SAY_VERBS = rules.words("say_verbs")
#: Impersonal passives that report speech without naming anyone ("it was reported that ...").
IMPERSONAL_VERBS = rules.words("impersonal_verbs")
#: Verbs whose complement clause is reported speech.
INDIRECT_VERBS = SPEECH_VERBS - rules.words("direct_only_verbs")

PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
THING_PRONOUNS = {"it"}
PLURAL_PRONOUNS = {"they", "them"}
RELATIVE_PRONOUNS = {"that", "which", "who", "whom"}
FIRST_PERSON = {"i", "we", "me", "us"}

#: Head nouns of documents and publications that "say" something on behalf of an issuer.
DOCUMENT_NOUNS = rules.words("document_nouns")
_TITLE_ABBREVIATIONS = frozenset(short.rstrip(".") for short in rules.mapping("title_abbreviations"))
_ABBREVIATED_TITLE = re.compile(r"([A-Za-z]+)\.")  # another abbreviated title after one
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4}
_ISSUING_VERBS = rules.words("issuing_verbs")
#: Verbs by which research reports a result, when a study or a report is their subject.
EVIDENCE_VERBS = rules.words("evidence_verbs")
# Every lemma speech_events can take as a cue (a cheap first test for each token).
_EVENT_LEMMAS = INDIRECT_VERBS | {"ask"} | EVIDENCE_VERBS


def _is_event_lemma(lemma: str) -> bool:
    return lemma.lower() in _EVENT_LEMMAS


def _is_according(lower: str) -> bool:
    return lower == "according"


def _is_propn(pos: str) -> bool:
    return pos == "PROPN"
RESEARCH_NOUNS = rules.words("research_nouns")
#: What a speaker does besides saying, in a participle after the report ("citing ...").
SPEAKER_ACTS = rules.words("speaker_acts")
#: Nouns for what somebody said ("The reaction from the ministry was brief: ...").
UTTERANCE_NOUNS = rules.words("utterance_nouns")
#: Channels a statement is made in ("said in an interview", "told a press conference").
MEDIUM_NOUNS = rules.words("medium_nouns")
#: Platforms a statement is posted on ("said on Twitter"): a medium, never the speaker.
PLATFORMS = rules.words("platforms")
#: Counting words that pick out members of a group ("one of his aides"): never a name.
QUANTIFIERS = rules.words("quantifiers")
#: Prepositions that put a medium on a cue ("said in a statement", "wrote on Twitter").
_MEDIUM_PREPS = rules.words("medium_prepositions")
#: Nouns whose that-clause is their own content, not the speaker's ("denied reports that ...").
CONTENT_NOUNS = rules.words("content_nouns")

#: Nouns that title a person ("the president", "the minister").
ROLE_NOUNS = rules.words("role_nouns")
#: Nouns after (or before) a quoted Title-Case phrase that make it a title, not a quote.
TITLE_NOUNS = rules.words("title_nouns")
TITLE_CUE_WORDS = rules.words("title_cue_words")
STRONG_TITLE_CUE_WORDS = rules.words("strong_title_cue_words")
_ORG_WORDS = rules.words("non_person_name_words")  # no person's name holds one

#: Heads of definite descriptions that stand for an organisation named before ("the company").
ORG_NOUNS = rules.words("org_nouns")
#: Heads of the organisation around a person that speaks as itself ("the Obama administration said").
ENTOURAGE_NOUNS = rules.words("entourage_nouns")
#: Words that introduce a newspaper ("the daily Kathimerini"): "the paper said" is that paper.
NEWSPAPER_NOUNS = rules.words("newspaper_nouns")
#: Nouns that introduce a private person before the article names them ("the victim's nephew said").
INTRODUCED_NOUNS = rules.words("introduced_nouns")
#: Verbs that may stand between a quotation and the name of its speaker ('"...," said Ann Lee').
_NAMING_VERBS = frozenset("said says told tells added adds explained recalled".split())


def _office_abbreviations() -> list[tuple[re.Pattern, str]]:
    """rules/office_abbreviations.txt as (pattern, full form): 'DA' matches D.A., D. A. and DA."""
    out = []
    for line in (rules.FOLDER / "office_abbreviations.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if " = " in line:
            abbr, full = (s.strip() for s in line.split(" = ", 1))
            letters = r"\.?\s?".join(map(re.escape, abbr))
            out.append((re.compile(r"(?<![\w.])" + letters + r"\.?(?![\w])"), full))
    return out


_OFFICE_ABBREVIATIONS = _office_abbreviations()


def _spell_out_office(name: str) -> str:
    """A speaker name with an abbreviated office written out ("D. A" -> "District Attorney")."""
    for pattern, full in _OFFICE_ABBREVIATIONS:
        name = pattern.sub(full, name)
    return name
TEAM_NOUNS = rules.words("team_nouns")
#: Heads of definite descriptions that stand for a person named before ("the striker").
PERSON_NOUNS = rules.words("person_nouns")

#: Forms of address before a name ("Dr Lars Holm").
TITLE_WORDS = rules.words("title_words")
_ROLE_OR_TITLE_WORDS = ROLE_NOUNS | TITLE_WORDS

def _label_patterns() -> tuple[re.Pattern, ...]:
    """Patterns for the text before a quoted label: a label verb (rules/label_verbs.txt; "as" after
    the verb where the list says so), then at most 80 characters with no quotation mark or clause
    break, ending right before the opening mark."""
    plain, with_as = [], []
    for entry in sorted(rules.words("label_verbs")):
        verb, _, marker = entry.partition(" ")
        form = (verb[:-1] if verb.endswith("e") else verb) + r"\w*"
        (with_as if marker == "as" else plain).append(form)
    gap = r"[^\"“”‘’.;:!?]{0,80}?"
    return (re.compile(rf"\b((?:{'|'.join(plain)}))\b{gap}\s$", re.I),
            re.compile(rf"\b((?:{'|'.join(with_as)}))\b{gap}\bas\s$", re.I))


_LABEL_PATTERNS = _label_patterns()
_SCARE_MAX_WORDS = 3
# How far (in tokens) from a quotation its cue verb is looked for, and how far a cue can be and
# still stand "right next to" it (at most four words plus punctuation in between): far beyond any
# real sentence, they only bound the work on a run-on text with thousands of quotation marks.
CUE_WINDOW = 200
ADJACENT_SPAN = 40
MAX_MARK_WARNINGS = 5  # unbalanced quotation marks logged one by one per article
_TERM_MAX_WORDS = 6
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")

"""Figures: every number an article states, its kind, value, qualifier and the noun it counts.

A hybrid extractor:

1. **Token-level number parsing** (this module's own grammar, no model): digits with thousands
   separators and decimals (``1,000``, ``2.5``), attached multipliers (``2.5bn``, ``4.3M``, ``5k``,
   ``2tn``; ``300m`` is millions after a currency or before a plural noun or unit — ``12.3m tonnes``
   — else metres), currency signs and codes glued to the number (``EUR50m``, ``US$4bn``,
   ``A$82,615,680``, ``RM23.50``, ``Rs40``), units glued to it (``30Mbps``, ``500mg``, ``24pc``),
   pence (``164p``), ``~80%``/``c. 80`` (about), ``minus 387``, spelled-out numbers (``two``, ``twenty-five``, ``three hundred``,
   ``one hundred and twenty``, ``a thousand``, ``two and a half million``), multiplier words
   (``1.2 million``), currencies (symbols, ISO codes, currency words), percentages (``%``,
   ``percent``, ``per cent``, ``pct``, percentage/basis points), measures (km, tonnes, barrels,
   degrees, durations ...), ranges (``between 400 and 500``, ``400-500``, ``400 to 500``,
   ``two or three``), votes and scores (``98-2``, ``419 to 3``, ``by 419 votes to 3``,
   ``by a vote of 52-48``; both sides kept), ordinals (``first``, ``3rd``) and dates (years,
   ``September 1, 2017``, ``31 July 2017``, decades, centuries, clock times, ``N days ago``).
2. **spaCy's dependency parse** for what a figure counts (`noun`): the noun the number modifies
   (nummod/amod/compound), ``N of the X``, ``the number/total of X`` (including ``bringing to 455 the
   number of X`` and ``the number of X will fall to 455``), the subject of ``rose to``/``stood at``/
   ``was`` for percentages and amounts, change nouns (``a 5% rise in prices`` counts prices),
   ``X toll`` (``death toll``), the first noun of a coordination, and an elided noun (``755 will
   leave``) inherited from the previous count in the same or the previous sentence.
3. **spaCy's entities and the token shapes** to drop numbers that are part of a name
   (``Nord Stream 2``, ``Boeing 737``, ``Channel 4``, ``Section 230``, ``G20``, ``COVID-19``,
   ``Apollo 11``, ``7-Eleven``, ``Formula One``, ``10 Downing Street``, ``No. 10``).

Every word list and token shape (currencies, units, scales and vague words, number words, months,
qualifiers, vote/change/measure cues, counted nouns, identifier cues, number-token regexes) is a
data file in ``newsbook/rules/*.yaml``, each kept once (``rules/README.md`` lists them).
No third-party quantity parser is used: quantulum3, price-parser and pint were considered (see
issue 15's closing note); the news-specific glued forms, vague amounts and name/score/date
exclusions needed here sit on spaCy's tokens and parse, which those libraries do not see.

Decisions (documented here because they are choices, not facts):

* ``kind``: ``count`` | ``money`` | ``percent`` | ``measure`` (a unit: km, barrel, year of age,
  duration ...) | ``fraction`` (half, a third, two-thirds; value is the fraction, 0.5) |
  ``range`` (value..value_high; `unit` keeps %/USD/...) | ``vote`` (votes and scores; value is the
  first side, value_high the second) | ``ordinal`` (first, 3rd, No. 2) | ``date`` (years, days of a
  month, decades, centuries, clock times, ``three weeks ago``; never counts).
  For dates `value` is the year when one is stated, else the day, decade or hour.
* Durations (``for 10 years``, ``three weeks``) are ``measure`` with a time unit; relative dates
  (``three weeks ago``) are ``date``.  ``a month ago``, ``last week`` hold no number: not figures.
* Vague plural scales (``dozens``, ``scores of``, ``hundreds``, ``thousands``, ``millions``,
  ``tens of thousands``, ``hundreds of thousands``) are kind ``vague`` with value = the order of
  magnitude (12, 20, 100, 1,000 ...) and qualifier ``over``, never a precise count;
  ``several hundred``/``a few thousand`` are counts with qualifier ``several``.
* Ranges and alternatives (``between $62 and $68``, ``25k or 40k``, ``eight or nine euros``) are
  kind ``range`` with both ends in `low`/`high` (and value/value_high).  A match result
  (``beat Chelsea 2-0``, ``a 22 points to 10 win``) is kind ``score``, not a counted figure; a vote
  (``a 98-2 vote``, ``passed 220-207``) stays ``vote``.
* Ages are measures in years whose noun is ``age`` (``a 21-year-old``, ``aged 18 to 85``); an
  earthquake's magnitude is a measure with unit ``magnitude``.
* A number the article also writes after a name (``Boeing 707`` ... ``the 707 was``) names there too.
  ``a dozen`` is 12, ``a thousand`` 1,000.  ``a``/``an`` alone, ``several``, ``many`` are not figures.
* ``one`` is a figure when it counts a noun (``one person was killed``), not as a pronoun or in
  idioms (``one of the``, ``no one``, ``one day``, ``at one point/level``, ``one another``).
  ``at first``, ``first of all``, ``first-hand`` are idioms, not ordinals; capitalised ordinals
  inside a name (``Second World War``, ``First Amendment``) are not figures.
* ``X in Y``/``X out of Y`` (``one in five Americans``) are two counts of the same noun.
* ``from X to Y`` after a verb of change (``fell from 4.5% to 4.3%``) is two figures; elsewhere it
  is a range.  ``X-Y`` descending without vote words is read as a score (``a 5-4 ruling``).
* Money values are in the stated currency, multiplier applied (``$2.5bn`` -> 2.5e9, unit ``USD``);
  cents/pence keep their own unit (``19 cents`` -> 19, unit ``cent``).

Across sources (`match_figures`, used by ``compare.match_figures`` for the `figure_matches` table):
same kind/unit/value and a compatible noun -> one group (``agreed`` when several articles state it,
else ``single``); money of one currency and value is one group whatever each outlet says it is for,
unless modifiers clash; ``conflict`` for same-noun figures whose qualified values cannot both hold
(a round number allows its rounding: ``$43 million`` and ``$43,885,310`` do not conflict), stated by
different articles in sentences sharing a content word; modifiers separate (``federal taxes`` /
``state taxes``); ``the 35th day`` is compared as ``35 days``; arithmetic notes where two counts one
article states sum to (or exceed, or are consistent with a qualified) total, only when one of the
sentences states a total.  Other ordinals are not compared.  Which articles are compared (one
story at a time) is decided by the caller.  `format_figure` writes figures for the reports
(``$13.6 million``, ``36%``).  `evaluate`/`load_gold` (newsbook.evaluate_figures) score figures
against a hand-made gold file (tests/gold/figures_seeds.yaml, tests/gold/figures_wikinews.yaml);
`baseline_figures` is the raw-spaCy baseline measured there.

Qualifiers are normalised to (see `QUALIFIERS`): ``exactly`` (none stated, or exactly/precisely/
only/just), ``about`` (about, around, roughly, approximately, some, an estimated, nearly-equal
signs, ``or so``, ``-odd``), ``over`` (over, more than, above, in excess of, upwards of, exceeding,
``-plus``, ``+``), ``at least`` (at least, no fewer/less than, a minimum of, ``or more``),
``nearly`` (nearly, almost, close to, just under, just shy of, approaching), ``up to`` (up to,
as many as, as much as), ``at most`` (at most, no more than, a maximum of, ``or fewer/less``),
``fewer than`` (fewer than, less than, under, below), ``several`` (several/a few + scale).

Layout (one job per module; this module only re-exports them, so ``figures.X`` keeps working):

- rules: `newsbook.figure_lexicon` (loads the word lists and token regexes from ``rules/*.yaml``),
  `newsbook.figure_patterns` (the qualifier, age, percent, currency and unit phrases as spaCy
  PhraseMatcher patterns, run once per Doc);
- extraction, by stage: `newsbook.figure_numbers` (numbers at token level) -> `newsbook.figure_context`
  (currency, unit, qualifier, name, date around a number) -> `newsbook.figure_candidates` (the scan
  and the builders) -> `newsbook.figure_nouns` (what a figure counts) -> `newsbook.figure_extractor`
  (`find_figures`, the `figures` table rows);
- `newsbook.figure_baseline` (raw-spaCy baseline), `newsbook.evaluate_figures` (gold scoring);
- across sources: `newsbook.figure_matching` (`match_figures`), `newsbook.figure_format` (`format_figure`);
- notebook tables: `newsbook.figure_views`.

The annotation cache key (`newsbook.nlp.CACHED_CODE`) covers the extraction modules and the rule
files, not matching, formatting or views (they run after the per-article cache).
"""

# Re-exports: notebooks, tests, bench/ and other modules call these as `figures.X`.
# ruff: noqa: F401

from .figure_lexicon import (ABOUT_SIGNS, ADDRESS_DIRECTIONS, ALWAYS_IDENT_NOUNS, CHANGE_NOUNS, CHANGE_VERBS,
                             COMPOUND_UNITS, CURRENCY_NATIONALITIES, CURRENCY_PREFIX, CURRENCY_WORDS,
                             FRACTION_DENOMS, GENERIC_MODIFIERS, GENERIC_NOUNS, IDENT_NOUNS, LEVEL_NOUNS,
                             MEASURE_UNITS, MEASURE_VERBS, MONTHS, NAME_ENTS, OF_NOUNS, ONE_IDIOM_NOUNS,
                             AGE_OLD, AGE_YEARS, GLUED_POST_QUALIFIERS, MODIFIER_DEPS, MODIFIER_ONLY_QUALIFIERS,
                             ORDINAL_WORDS, PERIOD_NOUNS, PERSON_NOUNS, PLURAL_LEMMAS, POST_QUALIFIERS,
                             PRONOUN_DETS, QUALIFIERS, RELATIVE_TIME, SCALE_WORDS, SCORE_NOUNS, STREET_WORDS,
                             SUFFIX_SCALES, TENS_WORDS, TIME_MARKERS, TIME_UNITS, TOLL_NOUNS, TOTAL_CUES,
                             UNITS_WORDS, VAGUE_PLURALS, VOTE_NOUNS, VOTE_VERBS, WEEKDAYS)
from .figure_lexicon import (AREA_PREFIXES, CURRENCY_PHRASES, DASHED_UNITS, DEGREE_UNITS, FALLBACK_QUALIFIERS,
                             PER_WORDS, PERCENT_AFTER_NUMERAL, PERCENT_WORDS, SCALE_QUALIFIERS)
from .figure_numbers import _parse_number
from .figure_patterns import POST_PATTERNS, PatternMatches, pattern_matches
from .figure_nouns import SCORE_VERBS
from .figure_extractor import (extract_figures, figure_rows, find_figures)
from .figure_baseline import baseline_figures
from .figure_format import (CURRENCY_SYMBOLS, _describe, _fmt, format_figure)
from .figure_matching import (MATCHED_KINDS, MAX_CONFLICT_CANDIDATES, MAX_PARTS_PER_ARTICLE,
                              UNCOMPARED_NOUNS, _CONTEXT_STOP, _date_key, _name_modifiers, _stem,
                              _total_stated, interval, match_figures, match_records, matched_rows,
                              money_nouns_compatible, noun_class, nouns_compatible)
from .figure_views import (ALL_KINDS, OUTLET_STATUS_ORDER, STATUS_COLOURS, _sources, _stated, agreement_table, as_kinds,
                           conflicts, figure_list, figures_by_outlet, figures_by_source, style_agreement,
                           values_by_noun)
from .evaluate_figures import COUNTED_KINDS, evaluate, load_gold


def figures_in_text(text: str, nlp=None) -> list[dict]:
    """Convenience for tests and notebooks: parse `text` with the newsbook pipeline and return
    `find_figures` dicts."""
    if nlp is None:
        from .components import load_pipeline

        nlp = load_pipeline()
    return find_figures(nlp(text))

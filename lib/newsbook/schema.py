"""Every table newsbook writes, and what each column means.

This module is the contract between the loaders, the extractors, the
comparisons, the notebooks and the reports: a table is a pandas DataFrame
with exactly the columns listed here (extra columns are allowed only if they
are listed).  Offsets (`start`, `end`, `sentence_start`, `sentence_end`) are
character offsets into `articles.text` of the same `article_id`, so
``text[start:end]`` is always the extracted span.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str", "int", "float", "bool", "object"
    doc: str
    default: object = None  # a frame lacking the column gets this value (None: the column is required)


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


_SENTENCE_COLUMNS = (
    ("sentence", "str", "the full sentence the span sits in, as it stands in the text"),
    ("sentence_index", "int", "0-based index of that sentence in the article"),
    ("sentence_start", "int", "character offset where the sentence starts"),
    ("sentence_end", "int", "character offset where the sentence ends (exclusive)"),
)

ARTICLES = Table(
    "articles",
    "One row per article that could be read. `text` is the cleaned body every offset points into.",
    _cols(
        ("article_id", "str", "file stem, or the record's id for .jsonl/.csv corpora; unique in a corpus"),
        ("outlet", "str", "publishing outlet, from front matter, metadata.csv or the page; empty if unknown"),
        ("title", "str", "headline"),
        ("byline", "str", "author(s) as printed; empty if none"),
        ("date", "str", "publication date, ISO 8601 (YYYY-MM-DD); empty if unknown"),
        ("url", "str", "source address; empty if unknown"),
        ("words", "int", "number of words in `text`"),
        ("text", "str", "cleaned article body (title, byline, date and footer removed)"),
        ("source_path", "str", "the file the article was read from"),
        ("content_hash", "str", "sha256 of `text`; the annotation cache key together with the pipeline version"),
        ("extra", "str", "other metadata keys as a JSON object"),
        ("event", "str", "the news story the article reports (`events.event`): the researcher's `event` "
                         "metadata where given, else found by grouping (newsbook.stories); empty only before "
                         "grouping", ""),
        ("outlet_source", "str", "where `outlet` came from: metadata (front matter, metadata.csv, a record's "
                                 "column) | page (the saved web page) | url (the address's domain) | article_id "
                                 "(nothing else known: the article stands for its outlet)", ""),
    ),
)

MENTIONS = Table(
    "mentions",
    "Each mention of an actor (person, organization, place) in an article.",
    _cols(
        ("article_id", "str", "article the mention is in"),
        ("actor", "str", "canonical actor name this mention refers to"),
        ("kind", "str", "person | organization | place | group (parties, nationalities, movements, collective nouns: "
                                   "'House Democrats', 'protesters')"),
        ("text", "str", "the mention as written: text[start:end]"),
        ("start", "int", "character offset of the mention"),
        ("end", "int", "character offset after the mention"),
        *_SENTENCE_COLUMNS,
        ("how", "str", "how the mention was linked: name | surname | role | alias | correction"),
    ),
)

ACTORS = Table(
    "actors",
    "One row per canonical actor per article.",
    _cols(
        ("article_id", "str", "article"),
        ("actor", "str", "canonical actor name, the same across the corpus"),
        ("kind", "str", "person | organization | place | group (parties, nationalities, movements, collective nouns: "
                                   "'House Democrats', 'protesters')"),
        ("mentions", "int", "number of mentions in this article"),
        ("first_sentence", "int", "sentence index of the first mention (prominence: lower is earlier)"),
        ("first_start", "int", "character offset of the first mention"),
        ("quoted", "bool", "whether the actor is the speaker of at least one quote in this article"),
        ("quoted_words", "int", "words quoted from this actor in this article (direct quotes)"),
    ),
)

QUOTES = Table(
    "quotes",
    "Direct and reported (indirect) speech with its attribution.",
    _cols(
        ("article_id", "str", "article"),
        ("quote_id", "str", "stable id: <article_id>:q<n>"),
        ("speaker", "str", "canonical actor name of the speaker; empty if unattributed"),
        ("speaker_text", "str", "the words naming the speaker in the text (name, pronoun, role phrase)"),
        ("speaker_start", "int", "offset of speaker_text, -1 if none"),
        ("speaker_end", "int", "end offset of speaker_text, -1 if none"),
        ("quote", "str", "the quoted words: text[start:end], without the quotation marks"),
        ("kind", "str", "direct | indirect"),
        ("cue", "str", "the reporting verb or cue (said, told, warned, reported, ':' ...), lemma form"),
        ("medium", "str", "what the words came through when the text says: a platform as written (Twitter, X) or "
                          "a document/channel noun (statement, letter, filing, interview, press conference); "
                          "the speaker is who spoke through it, never the medium; empty if not said"),
        ("start", "int", "offset of the quote content"),
        ("end", "int", "end offset of the quote content"),
        ("words", "int", "words in the quote"),
        *_SENTENCE_COLUMNS,
        ("speaker_role", "str", "the role phrase the article left as the speaker ('Texas governor', from 'the "
                                "Texas governor said') when `speaker` was named from the story; empty otherwise", ""),
        ("speaker_source", "str", "story: `speaker` is the one person of the quote's story (`articles.event`: "
                                  "another outlet's article, or its own) introduced with that title ('Texas Gov. "
                                  "Greg Abbott'), never a guess between two; empty: the quote's own attribution "
                                  "(or nobody)", ""),
    ),
)

FIGURES = Table(
    "figures",
    "Every number a story states, with what it counts.",
    _cols(
        ("article_id", "str", "article"),
        ("figure_id", "str", "stable id: <article_id>:f<n>"),
        ("value", "float", "the number (low end for a range; the first side for a vote)"),
        ("value_high", "float", "high end of a range, second side of a vote/score; NaN otherwise"),
        ("low", "float", "low end of a range or an alternative (\"25k or 40k\", \"between $62 and $68\"); NaN otherwise"),
        ("high", "float", "high end of a range or an alternative; NaN otherwise"),
        ("kind", "str", "count | money | percent | measure | fraction | range | vote | score | vague | date | "
                        "ordinal; vague: an amount stated only to its order of magnitude (dozens, thousands of), "
                        "its value the magnitude (12, 1000)"),
        ("unit", "str", "currency or unit (USD, EUR, %, km ...); empty if none"),
        ("text", "str", "the figure as written: text[start:end]"),
        ("noun", "str", "lemma of the counted noun (diplomat, staff, vote ...); empty if none"),
        ("noun_phrase", "str", "the counted phrase as written"),
        ("qualifier", "str", "normalised: exactly | about | over | at least | nearly | up to | at most | fewer than | several"),
        ("start", "int", "offset of the figure"),
        ("end", "int", "end offset of the figure"),
        *_SENTENCE_COLUMNS,
    ),
)

QUOTE_MATCHES = Table(
    "quote_matches",
    "Pairs of quotes from different articles that render the same statement.",
    _cols(
        ("article_id_a", "str", "first article"),
        ("quote_id_a", "str", "quote id in the first article"),
        ("quote_a", "str", "quote text in the first article"),
        ("article_id_b", "str", "second article"),
        ("quote_id_b", "str", "quote id in the second article"),
        ("quote_b", "str", "quote text in the second article"),
        ("speaker", "str", "speaker (canonical) if both agree, else 'A / B'"),
        ("similarity", "float", "0..1, how close the two renderings are"),
        ("event", "str", "the story both articles report (quotes are only matched within a story)", ""),
        ("relation", "str", "same (the same words) | shortened (one prints only part of the other, in order) | "
                            "reworded (different words)"),
        ("left_out", "str", "words of the longer rendering the other leaves out, stretches joined by ' … '; "
                            "empty when the same"),
    ),
)

FIGURE_MATCHES = Table(
    "figure_matches",
    "Figures compared across sources: agreements, conflicts and single-source figures.",
    _cols(
        ("value", "float", "the figure's value"),
        ("noun", "str", "the counted noun (lemma)"),
        ("kind", "str", "figure kind"),
        ("unit", "str", "currency or unit of the group's figures (USD, %, km ...); empty if none"),
        ("articles", "str", "ids of the articles stating it, ';'-separated"),
        ("n_articles", "int", "number of articles stating it"),
        ("status", "str", "agreed | conflict | single"),
        ("figure_ids", "str", "ids of the figures in the group, ';'-separated"),
        ("note", "str", "human-readable explanation (conflicting values, arithmetic relations)"),
        ("event", "str", "the story of the articles (figures are only compared within a story)", ""),
        ("conflicts_with", "str", "the groups this one conflicts with, each named by its first figure id "
                                  "(the first of their `figure_ids`), ';'-separated; empty if none", ""),
    ),
)

EVENTS = Table(
    "events",
    "One row per news story: the articles reporting it, grouped by the researcher or found by newsbook.stories.",
    _cols(
        ("event", "str", "story id: the researcher's `event` value, else `story-` and a hash of the story's "
                         "earliest article (stable while that article stays the earliest), or `story` for "
                         "a corpus taken as one story"),
        ("label", "str", "readable: the actors the story's articles name most, and its date span"),
        ("articles", "int", "number of articles"),
        ("outlets", "int", "number of distinct outlets"),
        ("first_date", "str", "earliest publication date (ISO 8601); empty if no article is dated"),
        ("last_date", "str", "latest publication date; empty if no article is dated"),
        ("method", "str", "metadata (the researcher's `event` column) | auto (grouped by content and dates) | "
                          "one-story (the whole corpus, by option) | corrected (changed by stories.yaml)"),
    ),
)

ERRORS = Table(
    "errors",
    "Inputs that could not be read or annotated; the rest of the corpus still is. One row per bad "
    "file, record (`file#N`: line N of a .jsonl, record N of a .csv) or metadata.csv line (the reason "
    "names the line). Kinds, by `stage`:\n\n"
    "- `load`: the file or record could not be read: empty, binary, not UTF-8 (UTF-16/32 with a "
    "byte-order mark is read), larger than its size cap, broken or refused front matter (a YAML tag "
    "that would build an object, an alias-expansion bomb, too long or too deeply nested), a record "
    "without text, a field that is a list or mapping where text belongs, a duplicate article_id, a "
    "metadata.csv line with more cells than its header, without an article_id or repeating one;\n"
    "- `skipped`: a file in the corpus folder that is not read: not an article file type (`.docx`, "
    "`.pdf`, no extension, ...), a symbolic link loop or a link to nothing, a link to a folder, an "
    "unreadable folder (hidden files such as `.DS_Store`, and metadata.csv, actors.yaml and README "
    "files, are left out without a row);\n"
    "- `corrections`: actors.yaml could not be used (a folder, not valid YAML, too large, a YAML tag "
    "or bomb, a merge/rename/alias cycle, which the reason spells out): the corpus is annotated with "
    "none of its corrections;\n"
    "- `date`: a warning, the article is annotated: a numeric date that reads two ways (12/06/2016) "
    "was read in the corpus's day/month order (`date_order` in corpus.yaml, month-first unless set); "
    "the reason gives both readings;\n"
    "- `annotate`: parsing or extraction failed for that article;\n"
    "- `limit`: the article produced more rows than newsbook keeps per article (the per-article cap): "
    "its first rows are kept, the reason says how many of how many.",
    _cols(
        ("path", "str", "file (or file#record) that failed"),
        ("article_id", "str", "article id if known"),
        ("stage", "str", "load | skipped | corrections | date | annotate | limit"),
        ("reason", "str", "what was wrong, in words"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (ARTICLES, MENTIONS, ACTORS, QUOTES, FIGURES, QUOTE_MATCHES, FIGURE_MATCHES, EVENTS, ERRORS)
}

# --- in saved folders only --------------------------------------------------------------------
#
# A folder written by ``newsbook annotate --out DIR`` stores each sentence once: the `sentence`
# column of mentions, quotes and figures is left out of their files and kept in a `sentences`
# table, which rows point into by (article_id, sentence_index) and offsets. Reading the folder back
# (``Annotations.load``, ``read_table``) puts the column back, so in memory the tables are as above.

SENTENCE_TEXT = "sentence"
TABLES_WITH_SENTENCES = ("mentions", "quotes", "figures")

SENTENCES = Table(
    "sentences",
    "Saved folders only: every sentence that a mention, quote or figure sits in, once. The saved "
    "`mentions`, `quotes` and `figures` files have no `sentence` column; their `sentence_index`, "
    "`sentence_start` and `sentence_end` point here.",
    _cols(
        ("article_id", "str", "article"),
        ("sentence_index", "int", "0-based index of the sentence in the article"),
        ("start", "int", "character offset where the sentence starts"),
        ("end", "int", "character offset where the sentence ends (exclusive)"),
        ("text", "str", "the sentence as it stands in the text: text[start:end]"),
    ),
)

SAVED_ONLY: dict[str, Table] = {SENTENCES.name: SENTENCES}


# Views the notebooks show (newsbook.outlets, newsbook.figure_views): built from the tables above,
# never stored; documented here so a researcher reading a report's CSV knows each column.
OUTLET_VIEWS: dict[str, Table] = {t.name: t for t in (
    Table("quote_matches_by_outlet",
          "`outlets.quote_matches_by_outlet`: the `quote_matches` table with each article's outlet beside its id.",
          _cols(("outlet_a", "str", "the outlet of `article_id_a` (articles.outlet)"),
                ("outlet_b", "str", "the outlet of `article_id_b`"))),
    Table("agreement_table",
          "`figures.agreement_table`: one row per `figure_matches` group, one column per outlet (the figures report).",
          _cols(("event", "str", "the story (only when the groups come from several stories)"),
                ("status", "str", "between articles, as `figure_matches.status`"),
                ("outlet_status", "str", "between outlets: conflict (an outlet states a value another outlet's "
                                         "conflicts with) | conflict within outlet (only one outlet's own articles "
                                         "disagree) | agreed (two or more outlets state it) | single (one outlet, in one "
                                         "or several of its articles)"),
                ("kind", "str", "figure kind"), ("value", "str", "the value as a researcher writes it"),
                ("noun", "str", "the counted noun"), ("n_articles", "int", "articles stating it"),
                ("n_outlets", "int", "outlets stating it"),
                ("<outlet>", "str", "one column per outlet: how its articles state the figure (their wordings joined "
                                    "by ' · '), '(N articles)' when several do, '(its articles differ)' when its own "
                                    "articles also state a conflicting value; empty if it does not state it. With more "
                                    "than 8 outlets one `stated as` column ('Outlet: wording · ...') replaces them"),
                ("note", "str", "as `figure_matches.note`"))),
    Table("figure_outlets",
          "`outlets.figure_outlets`: one row per figure group and outlet stating it.",
          _cols(("event", "str", "the story"),
                ("group", "str", "the group's first figure id (how `figure_matches.conflicts_with` names it)"),
                ("value", "float", "the group's value"), ("kind", "str", "figure kind"), ("noun", "str", "counted noun"),
                ("outlet", "str", "the outlet"),
                ("articles", "str", "ids of the outlet's articles stating it, ';'-separated"),
                ("figure_ids", "str", "ids of those figures, ';'-separated"),
                ("stated", "str", "how the outlet writes it: its distinct wordings, ' · '-joined"),
                ("outlet_status", "str", "the group's status between outlets (see `agreement_table`)"),
                ("self_conflict", "bool", "the outlet's own articles also state a value conflicting with this one"))),
    Table("outlet_pairs",
          "`outlets.outlet_pairs`: per story, each pair of outlets covering it (an outlet paired with itself when it "
          "has several articles in the story).",
          _cols(("event", "str", "the story"), ("outlet_a", "str", "outlet (alphabetically first)"),
                ("outlet_b", "str", "outlet"), ("articles_a", "int", "articles of outlet_a in the story"),
                ("articles_b", "int", "articles of outlet_b in the story"),
                ("figures_a", "int", "figure groups outlet_a states in the story"),
                ("figures_b", "int", "figure groups outlet_b states"),
                ("figures_agreed", "int", "figure groups both state (with itself: stated by two of its articles)"),
                ("figure_conflicts", "int", "pairs of conflicting groups, one stated by outlet_a, the other by outlet_b "
                                            "(with itself: its own articles disagree)"),
                ("quote_matches", "int", "quote matches between an article of each"),
                ("quotes_same", "int", "of which the same words"), ("quotes_shortened", "int", "of which shortened"),
                ("quotes_reworded", "int", "of which reworded"))),
    Table("voice_share_by_outlet",
          "`outlets.voice_share_by_outlet`: `quotes.voice_share` summed per story, outlet and speaker.",
          _cols(("event", "str", "the story"), ("outlet", "str", "the outlet"), ("speaker", "str", "speaker"),
                ("articles", "int", "the outlet's articles quoting the speaker"), ("quotes", "int", "quotes"),
                ("words", "int", "quoted words"), ("share", "float", "share of the outlet's quoted words in the story"))),
    Table("actors_by_outlet",
          "`outlets.actor_mentions_by_outlet` and `outlets.actor_prominence_by_outlet`: per actor and outlet.",
          _cols(("actor", "str", "canonical actor"), ("kind", "str", "actor kind"), ("outlet", "str", "the outlet"),
                ("first_sentence", "int", "prominence only: the earliest sentence any of the outlet's articles first "
                                          "names the actor in"),
                ("mentions", "int", "mentions over the outlet's articles"),
                ("articles", "int", "the outlet's articles naming the actor"))),
)}


def saved_columns(table: str) -> list[str]:
    """The columns of `table` as stored in a saved folder (see SENTENCES)."""
    if table in SAVED_ONLY:
        return SAVED_ONLY[table].column_names
    columns = TABLES[table].column_names
    return [c for c in columns if c != SENTENCE_TEXT] if table in TABLES_WITH_SENTENCES else columns

_EMPTY_DTYPES = {"str": "object", "int": "int64", "float": "float64", "bool": "bool", "object": "object"}


def empty(table: str) -> pd.DataFrame:
    """An empty DataFrame with the table's columns and dtypes."""
    spec = TABLES[table] if table in TABLES else SAVED_ONLY[table]
    return pd.DataFrame({c.name: pd.Series(dtype=_EMPTY_DTYPES[c.dtype]) for c in spec.columns})


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Order `frame`'s columns as the schema says; missing columns raise."""
    spec = TABLES[table] if table in TABLES else SAVED_ONLY[table]
    if table == "figures" and "value_high" in frame.columns and not {"low", "high"} <= set(frame.columns):
        frame = _with_range_ends(frame)  # tables saved before `low`/`high` existed
    if table == "figure_matches" and "unit" not in frame.columns and "value" in frame.columns:
        frame = frame.assign(unit="")  # tables saved before `unit` existed
    defaults = {c.name: c.default for c in spec.columns if c.default is not None and c.name not in frame.columns}
    if defaults:
        frame = frame.assign(**defaults)
    missing = [c for c in spec.column_names if c not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} lacks columns {missing}")
    if frame.empty:
        return empty(table)
    out = frame[spec.column_names].copy()
    for col in spec.columns:
        if col.dtype == "int":
            out[col.name] = out[col.name].astype("int64")
        elif col.dtype == "float":
            out[col.name] = out[col.name].astype("float64")
        elif col.dtype == "bool":
            out[col.name] = out[col.name].astype(bool)
        elif col.dtype == "str":
            values = out[col.name]
            # A column of Python strings already is what the conversion gives: left as it is, which
            # keeps one string object shared by all the rows that repeat it (a sentence, a name).
            if not (values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"):
                out[col.name] = values.fillna("").astype(str).astype(object)
    return out.reset_index(drop=True)


def _with_range_ends(frame: pd.DataFrame) -> pd.DataFrame:
    """`low`/`high` of a figures table that lacks them: the ends of its ranges, NaN elsewhere."""
    out = frame.copy()
    is_range = out["kind"] == "range"
    out["low"] = out["value"].where(is_range)
    out["high"] = out["value_high"].where(is_range)
    return out


def as_markdown() -> str:
    """The schema as Markdown, for docs/schema.md."""
    lines = ["# newsbook tables", "", __doc__.strip(), ""]
    for t in [*TABLES.values(), *SAVED_ONLY.values()]:
        lines += [f"## `{t.name}`", "", t.doc, "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.dtype} | {c.doc.replace('|', chr(92) + '|')} |" for c in t.columns]
        lines.append("")
    lines += ["## Outlet views", "", "Not stored: what the reports show per outlet, built from the tables above "
              "(newsbook.outlets). Sources are outlets: an article's outlet is its metadata's or page's, else its "
              "URL's domain, else its article id (`articles.outlet_source`). The article-level tables keep every "
              "article id and offset.", ""]
    for t in OUTLET_VIEWS.values():
        lines += [f"### `{t.name}`", "", t.doc, "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.dtype} | {c.doc.replace('|', chr(92) + '|')} |" for c in t.columns]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m newsbook.schema > docs/schema.md
    print(as_markdown())

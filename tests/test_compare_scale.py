"""Cross-source quote matching at scale: the indexed `match_quotes` must equal the exhaustive
comparison (a verbatim copy of the original quadratic implementation, tests/reference/quote_matching.py)
on small inputs.

Behaviour only (no timing asserts). Run `PYTHONPATH=lib python -m tests.test_compare_scale N` to time the indexed
path against the reference on N synthetic articles."""

from __future__ import annotations

import random
import sys
import time

import pandas as pd
import pytest

from newsbook import compare, schema
from tests.reference.quote_matching import reference_match_quotes


_COMMON = ("government minister official people country police said would year week plan new "
           "president report city state public party time work help need make").split()
_FILLER = "the a we they it is are was will not to of and in on for that this our their".split()


def _word(rng: random.Random, vocab: int) -> str:
    # Zipf-like vocabulary: a few very common topic words, a long tail of rarer ones
    if rng.random() < 0.15:
        return rng.choice(_COMMON)
    k = max(1, int((vocab + 50) ** rng.random()) - 50)  # Zipf-Mandelbrot-like tail
    return "w" + "".join(chr(97 + int(c)) for c in str(k))


def synthetic_quotes(n_articles: int, *, seed: int = 0, per_article: int = 10, vocab: int = 20000,
                     share: float = 0.35) -> pd.DataFrame:
    """Articles quoting statements from a shared pool (verbatim, trimmed or paraphrased: words
    dropped, replaced, reordered, contractions) besides quotes of their own; few speakers."""
    rng = random.Random(seed)
    pool = []
    for _ in range(max(5, n_articles * per_article // 6)):
        words = []
        for _ in range(rng.randint(2, 22)):
            words.append(rng.choice(_FILLER) if rng.random() < 0.35 else _word(rng, vocab))
        pool.append((" ".join(words), f"Speaker {rng.randint(0, 40)}"))
    rows = []
    for a in range(n_articles):
        start = 0
        for q in range(rng.randint(1, 2 * per_article - 1)):
            if rng.random() < share:
                text, speaker = pool[rng.randrange(len(pool))]
                words = text.split()
                r = rng.random()
                if r < 0.3 and len(words) > 4:  # trimmed
                    i = rng.randint(0, len(words) // 3)
                    words = words[i: i + rng.randint(3, len(words) - i)]
                elif r < 0.6:  # paraphrased
                    words = [(_word(rng, vocab) if rng.random() < 0.2 else w) for w in words
                             if rng.random() > 0.15]
                    if words and rng.random() < 0.3:
                        i = rng.randrange(len(words))
                        words = words[i:] + words[:i]
                text = " ".join(words).replace(" will not ", " won't ") or "no"
                if rng.random() < 0.3:
                    text = text.capitalize() + "."
                if rng.random() < 0.25:
                    speaker = rng.choice(["", f"Speaker {rng.randint(0, 40)}"])
            else:
                text = " ".join(rng.choice(_FILLER) if rng.random() < 0.35 else _word(rng, vocab)
                                for _ in range(rng.randint(1, 20)))
                speaker = rng.choice(["", f"Speaker {rng.randint(0, 40)}"])
            rows.append({"article_id": f"art{a:05d}", "quote_id": f"art{a:05d}-q{q}", "quote": text,
                         "speaker": speaker or None, "start": start})
            start += len(text) + rng.randint(5, 200)
    return pd.DataFrame(rows)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.mark.parametrize("seed", range(6))
def test_indexed_equals_reference_random(seed):
    quotes = synthetic_quotes(15 + 3 * seed, seed=seed, per_article=5, vocab=300 + 200 * seed)
    for min_sim in (0.5, 0.6, 0.8):
        new = compare.match_quotes(quotes, min_similarity=min_sim)
        _same(new, reference_match_quotes(quotes, min_similarity=min_sim))
    assert len(compare.match_quotes(quotes)) > 0


def test_indexed_equals_reference_duplicates_and_edge_cases():
    rows = [
        ("a", "a1", "We will not go.", "Ann", 0), ("b", "b1", "we won't go", "Bob", 10),
        ("b", "b2", "It is what it is", None, 40), ("c", "c1", "it is what it is", "", 5),
        ("c", "c2", "We will not go", None, 3), ("d", "d1", "", None, 0),
        ("d", "d2", "The minister said the plan would cut costs by half next year", "Ann", 7),
        ("a", "a2", "the plan would cut costs by half next year, the minister said", "Ann", 90),
        ("e", "e1", "plan would cut costs by half", float("nan"), 1),
        ("e", "e2", "plan would cut costs by half", "Ann", 1),
    ]
    quotes = pd.DataFrame(rows, columns=["article_id", "quote_id", "quote", "speaker", "start"])
    for min_sim in (0.3, 0.41, 0.5, 0.7, 1.0):
        _same(compare.match_quotes(quotes, min_similarity=min_sim),
              reference_match_quotes(quotes, min_similarity=min_sim))
    assert compare.match_quotes(quotes.iloc[:0]).empty


def test_common_words_only_quotes_still_match():
    """Quotes made mostly of very common words keep those words in the candidate index."""
    rng = random.Random(3)
    rows = []
    for a in range(120):  # the topic words are in every article: far above any df cut-off
        rows.append({"article_id": f"x{a}", "quote_id": f"x{a}-0", "speaker": None, "start": 0,
                     "quote": "the government minister said " + " ".join(rng.sample(_COMMON, 3))})
    rows.append({"article_id": "y", "quote_id": "y-0", "speaker": None, "start": 0,
                 "quote": "government minister official people country police"})
    rows.append({"article_id": "z", "quote_id": "z-0", "speaker": None, "start": 0,
                 "quote": "police country people official minister government said"})
    quotes = pd.DataFrame(rows)
    new = compare.match_quotes(quotes)
    _same(new, reference_match_quotes(quotes))
    assert ((new["quote_id_a"] == "y-0") & (new["quote_id_b"] == "z-0")).any()


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    quotes = synthetic_quotes(n)
    t0 = time.perf_counter()
    new = compare.match_quotes(quotes)
    t1 = time.perf_counter()
    print(f"{n} articles, {len(quotes)} quotes: indexed {t1 - t0:.2f}s, {len(new)} matches")
    if len(sys.argv) > 2 and sys.argv[2] == "ref":
        old = reference_match_quotes(quotes)
        t2 = time.perf_counter()
        print(f"reference {t2 - t1:.2f}s; ratio {(t2 - t1) / (t1 - t0):.1f}x; equal:", old.reset_index(drop=True).equals(new.reset_index(drop=True)))


# --- corpus-wide actors: the indexed resolution equals the direct one ---------------------------------

from newsbook import actors  # noqa: E402


def _synthetic_mentions(n_articles: int, seed: int = 0) -> pd.DataFrame:
    """Mentions of people (full names, surnames, middle initials), organisations (full names,
    acronyms, short forms, names sharing words) and places, some after a place preposition."""
    rng = random.Random(seed)
    firsts = ["Anna", "John", "Maria", "Li", "Omar", "Sara", "Peter", "Ngozi"]
    lasts = ["Smith", "Okafor", "Chen", "Garcia", "Novak", "Silva", "Khan", "Berg"]
    orgs = ["European Union", "Department of Justice", "Bank of Korea", "World Health Organization",
            "US Senate", "National Health Service", "NHS England", "Food and Drug Administration",
            "U.S. Food and Drug Administration", "Kenya Medical Research Institute", "Live Nation Entertainment",
            "Federal Reserve", "House of Representatives", "US House of Representatives", "Senate",
            "International Monetary Fund", "Democratic Party", "Labour Party", "Party"]
    shorts = ["EU", "DoJ", "BoK", "BK", "WHO", "NHS", "FDA", "KEMRI", "IMF", "Congress", "Senate", "Fed",
              "Live Nation", "DP", "UN", "US", "ECB"]
    places = ["Paris", "Kenya", "Smith", "Chen", "Seoul", "Berlin"]
    rows = []
    for a in range(n_articles):
        for m in range(rng.randint(3, 25)):
            r = rng.random()
            if r < 0.35:
                first, last = rng.choice(firsts), rng.choice(lasts)
                name = rng.choice([f"{first} {last}", last, f"{first} J. {last}", f"{first} {last}"])
                kind = actors.PERSON if rng.random() < 0.9 else actors.PLACE
            elif r < 0.7:
                name = rng.choice(orgs + shorts)
                kind = actors.ORG if rng.random() < 0.85 else rng.choice([actors.PERSON, actors.PLACE])
            else:
                name = rng.choice(places)
                kind = actors.PLACE if rng.random() < 0.8 else actors.PERSON
            before = rng.choice(["Officials said ", "He flew in ", "from  ", "Talks at\n", "", "within "])
            rows.append({"article_id": f"a{a}", "actor": name, "kind": kind, "text": name.upper() if rng.random() < 0.1 else name,
                         "start": len(before) + 100 * m, "end": len(before) + 100 * m + len(name),
                         "sentence": before + name + " spoke.", "sentence_index": m, "sentence_start": 100 * m,
                         "sentence_end": 100 * m + len(before) + len(name) + 7,
                         "how": rng.choice(["name", "name", "surname", "alias"])})
    return pd.DataFrame(rows)


# --- the original, pairwise corpus-wide actor functions: references for the indexed ones ---------


def reference_corpus_canonical(local: pd.DataFrame, local_mentions: pd.DataFrame | None = None) -> dict[str, str]:
    """The original corpus_canonical, trying every organisation for every name (quadratic). Name
    variants are merged before surnames are linked (issue 14: 'Donald J. Trump' must not stop
    'Trump' from joining 'Donald Trump'); the person steps are the library's own helpers."""
    names = set(local["actor"])
    kinds = local.groupby("actor")["kind"].agg(lambda s: s.mode().iloc[0]).to_dict()
    orgs = [n for n in names if kinds[n] == actors.ORG]
    mapping = {n: d for n, d in actors.preferred_forms(sorted(names)).items() if n != d}
    locative = reference_locative_names(local_mentions) if local_mentions is not None else set()
    people = [n for n in names - set(mapping) if kinds[n] == actors.PERSON]
    mapping.update({n: d for n, d in actors.middle_name_variants(people).items() if n != d})
    mapping.update(actors.surname_links(names - set(mapping), kinds, locative, mapping))
    for name in names - set(mapping):
        words = name.split()
        if kinds[name] == actors.ORG:
            fits = [n for n in orgs if n != name and len(n.split()) > len(words)
                    and (actors.is_acronym_of(name, n) or actors._is_short_form(name, n))]
            if len(fits) == 1:
                mapping[name] = fits[0]
    return {n: actors._follow(mapping, n) for n in names}


def reference_locative_names(mentions: pd.DataFrame) -> set[str]:
    """The original _locative_names, searching the whole sentence before each mention."""
    before = [s[: max(0, st - ss)] for s, st, ss in
              zip(mentions["sentence"], mentions["start"], mentions["sentence_start"])]
    hit = [bool(actors.LOCATIVE.search(b)) for b in before]
    return set(mentions.loc[hit, "actor"])


def reference_corpus_kinds(mentions: pd.DataFrame) -> dict[str, str]:
    """The original corpus_kinds, a Python loop over the groups."""
    counts = mentions.groupby(["actor", "kind"]).size()
    out = {}
    for actor, group in counts.groupby(level=0):
        best = max(group.items(), key=lambda kv: (kv[1], -actors.KIND_RANK.get(kv[0][1], 9)))
        out[actor] = best[0][1]
    return out


@pytest.mark.parametrize("seed", range(4))
def test_indexed_corpus_resolution_equals_direct(seed):
    mentions = _synthetic_mentions(40 + 20 * seed, seed=seed)
    local = actors._local_actors(mentions)
    assert actors.corpus_canonical(local, mentions) == reference_corpus_canonical(local, mentions)
    assert actors._locative_names(mentions) == reference_locative_names(mentions)
    assert actors.corpus_kinds(mentions) == reference_corpus_kinds(mentions)


def test_locative_tail_search_equals_full_search():
    rng = random.Random(7)
    pieces = ["in", "at", "from", "towards", "outside", "xin", "IN", "To", " ", "\n", "\t", "ſ", "across", "Near"]
    rows = []
    for k in range(3000):
        before = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 8)))
        rows.append({"sentence": before + "X", "start": len(before), "sentence_start": 0, "actor": f"a{k}"})
    frame = pd.DataFrame(rows)
    assert actors._locative_names(frame) == reference_locative_names(frame)


def reference_actors_table(mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """The original actors_table (a Python mode and loop per group), kept as the reference."""
    if mentions.empty:
        return schema.empty("actors")
    ordered = mentions.sort_values(["article_id", "start"])
    table = (ordered.groupby(["article_id", "actor"], sort=False)
             .agg(kind=("kind", lambda s: s.mode().iloc[0]), mentions=("start", "size"),
                  first_sentence=("sentence_index", "min"), first_start=("start", "min"))
             .reset_index())
    spoken = quotes[quotes["speaker"].fillna("") != ""]
    quoted_words = {}
    for (article, speaker), group in spoken.groupby(["article_id", "speaker"]):
        direct = group[group["kind"] == "direct"] if "kind" in group else group
        quoted_words[(article, speaker)] = int(direct["words"].sum()) if "words" in group else 0
    keys = list(zip(table["article_id"], table["actor"]))
    table["quoted"] = [k in quoted_words for k in keys]
    table["quoted_words"] = [int(quoted_words.get(k, 0)) for k in keys]
    table = table.sort_values(["article_id", "first_start"])
    return schema.conform("actors", table)


@pytest.mark.parametrize("seed", range(3))
def test_actors_table_equals_reference(seed):
    mentions, _, _ = actors.resolve_corpus(_synthetic_mentions(60, seed=seed))
    rng = random.Random(seed)
    quotes = pd.DataFrame([{"article_id": f"a{rng.randrange(60)}", "speaker": rng.choice(
        ["", None, *mentions["actor"].unique()[:30]]), "kind": rng.choice(["direct", "reported"]),
        "words": rng.randint(1, 40)} for _ in range(400)])
    _same(actors.actors_table(mentions, quotes), reference_actors_table(mentions, quotes))

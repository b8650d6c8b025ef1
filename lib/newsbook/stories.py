"""Stories: which articles of a corpus report the same news story, and which outlet covered what.

Owns: the automatic grouping of articles into stories (`group_articles`), the researcher's say over
it (a metadata `event` column, the one-story option, the `stories.yaml` corrections file), the
`events` table, the split of every cross-article
comparison by story (`per_story`), and the story filter and views the notebooks use.

How articles are grouped (pure functions of the articles, mentions and figures tables; deterministic):
1. Each article becomes a weighted bag of terms: its content words (title counted twice, spaCy's
   stop words dropped, plurals folded, words written as names counted more), its actors (canonical
   names from the mentions table, which tell two stories of the same kind apart: two earthquakes
   strike different places), its counted figures ("755 diplomat"), the years it names and the month
   of a dateline in its opening. Weights are sublinear term frequency times the square of an inverse
   document frequency smoothed with `PRIOR_DOCUMENTS` imaginary news articles, which hold each word
   as often as English news at large does (`background_share`, from wordfreq): so a small corpus
   already discounts "fire", "residents" and "said" (two wildfires of one week are not one story
   because both burn acres) while a large one discounts what its own stories all say; a term of
   one article alone weighs half. Each vector keeps its `TOP_TERMS` heaviest terms, L2-normalised.
2. Candidate pairs come from an inverted index of those terms (terms in more than `MAX_SHARED`
   articles are skipped: they tell no story apart), in blocks with numpy, never all pairs; two
   articles whose dates are both known and more than `DATE_WINDOW_DAYS` apart are never joined.
3. Average-linkage agglomerative clustering on that sparse similarity graph (pairs not found count
   as 0), merging while the best average link reaches `THRESHOLD` (a group of at most
   `STRAGGLER_SIZE` articles joins at `STRAGGLER_FACTOR` times it: a lone article joins its story
   on less evidence than two stories need to become one), never making a story whose known dates
   span more than `STORY_SPAN_DAYS`; ties broken by article order.

Tuned on ecbplus-dev (ECB+ topics 1-22, same-kind story pairs) and on random draws of 12 of its
stories (the idf of a small corpus is what `PRIOR_DOCUMENTS` steadies: with 20 imaginary documents
a 12-story corpus split its stories, B-cubed mean 0.958 over 10 draws; with 90 and the threshold
raised to match, 0.982, and ecbplus-dev 0.953 -> 0.965), checked on wikinews cut into
pseudo-outlets and on wire-style test articles; `bench/stories_proxies.py` prints the scores.

Incrementality: grouping is cheap next to parsing (well under 10% of it), so a re-run regroups the
whole corpus; story ids are stable as long as a story's earliest article (date, then id) stays the
same, since an id is derived from that article. `join_story` places an added article without
regrouping: it is compared only with the articles of its date window (the same blocking as the
grouping), joins the story it is most similar to on average or starts one; its cost is that of its
window, not of the corpus. (`annotate` still regroups: a corpus read again may have changed anywhere.)
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema, wordforms
from .outlets import resolve_outlets, url_domain  # noqa: F401 - the outlet of an article is newsbook.outlets'

log = logging.getLogger("newsbook.stories")

THRESHOLD = 0.13  # average cosine two groups need to be one story
PRIOR_DOCUMENTS = 90  # imaginary documents in which no term occurs (idf smoothing: see the module docstring)
TOP_TERMS = 80  # terms kept per article
MAX_SHARED = 0.01  # a term in more than this share of the articles (and > MIN_SHARED_CAP) proposes no pair
MIN_SHARED_CAP = 40
DATE_WINDOW_DAYS = 10  # coverage of one story spans days, not months
STORY_SPAN_DAYS = 30  # first to last article of one story
ACTOR_WEIGHT = 3.0  # an actor's mention counts this many words
PLACE_WEIGHT = 3.0
FIGURE_WEIGHT = 2.0
YEAR_WEIGHT = 2.0
DATELINE_WEIGHT = 2.0
TITLE_REPEAT = 2
NAME_EXTRA = 1.0  # a word written as a name counts this much more
STRAGGLER_SIZE = 2  # a group this small joins a story at STRAGGLER_FACTOR times the threshold
STRAGGLER_FACTOR = 0.5
IDF_POWER = 2.0
SINGLETON_WEIGHT = 0.5  # weight factor of a term only one article has
BACKGROUND_ARTICLE_WORDS = 1500  # words of an imaginary article (background_share)

METHOD_METADATA = "metadata"
METHOD_AUTO = "auto"
METHOD_ONE_STORY = "one-story"
METHOD_CORRECTED = "corrected"
ONE_STORY_ID = "story"
CORRECTIONS_FILE_NAMES = ("stories.yaml", "stories.yml")

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]")
# = \b(1[89]\d\d|20\d\d)\b, written to start with a digit (so the scan skips to one) and look behind it
_YEAR = re.compile(r"((?:1(?<!\w1)[89]|2(?<!\w2)0)\d\d)\b")
_COUNTED_KINDS = ("count", "money", "percent", "measure")


_stop_words = wordforms.stop_words  # the one stop-word list (spaCy's)


@functools.lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    """'diplomats' -> 'diplomat', "russia's" -> 'russia' (only what makes two spellings one term).
    Deliberately not `wordforms.stem`: with the Snowball stem, story B-cubed F1 on ECB+ dev fell
    from 0.912 to 0.909 (one true story merged into another)."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    stop = _stop_words()
    return [f for f in (_fold(w) for w in _WORD.findall(text.lower())) if len(f) > 2 and f not in stop]


_TERMS: dict[str, str | None] = {}  # word as written (lower case) -> its term, None for none; see _terms_of


def _terms_of(words: list[str]) -> list[str | None]:
    """The term of each word (`_fold`, None for a stop word or a short one), from a table of every
    word met so far: grouping counts the words of each article, so this runs in C, not per word."""
    table = _TERMS
    new = set(words).difference(table)
    if new:
        if len(table) > 2_000_000:  # a bound for very large corpora; the table is rebuilt as needed
            table.clear()
            new = set(words)
        stop = _stop_words()
        for word in new:
            folded = _fold(word)
            table[word] = folded if len(folded) > 2 and folded not in stop else None
    return list(map(table.__getitem__, words))


def _word_counts(text: str) -> Counter:
    """``Counter(_words(text))`` (the same counts; terms in another order)."""
    bag = Counter(_terms_of(_WORD.findall(text.lower())))
    bag.pop(None, None)
    return bag


# (?=[A-Z]) first: the same match, but most positions fail on it before the look-behinds are tried
_NAME = re.compile(r"(?=[A-Z])(?<![.!?\"“‘'\n]\s)(?<!^)(?<![.!?\n])\b[A-Z][a-z]+(?:[-'’][A-Za-z]+)?")


def _names(text: str) -> list[str]:
    """Folded words written with a capital inside a sentence (proper names), as `_words` would fold them."""
    stop = _stop_words()
    return [f for f in (_fold(w.lower()) for w in _NAME.findall(text)) if len(f) > 2 and f not in stop]


def article_terms(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                  figures: pd.DataFrame | None = None) -> list[Counter]:
    """One bag of (weighted) terms per article, in the articles' order (see the module docstring)."""
    ids = articles["article_id"].astype(str).tolist()
    titles = articles["title"].fillna("").astype(str).tolist() if "title" in articles else [""] * len(ids)
    texts = articles["text"].fillna("").astype(str).tolist()
    bags = []
    for title, text in zip(titles, texts):
        bag = _word_counts(text)
        for name, count in Counter(_names(text)).items():  # names tell two stories of the same kind apart
            bag[name] += NAME_EXTRA * count  # = adding it per occurrence, NAME_EXTRA being a whole number
        for _ in range(TITLE_REPEAT - 1):
            bag.update(_words(title))
        if not text.startswith(title):
            bag.update(_words(title))
        for year in _YEAR.findall(text):
            bag["y:" + year] += YEAR_WEIGHT
        dateline = dateline_date(text)
        if dateline:
            bag["m:" + dateline[:7]] += DATELINE_WEIGHT
        bags.append(bag)
    if "outlet" in articles:
        # "(Pacific Wire) -", "told CNN": an outlet's own name in its datelines makes two of its
        # stories alike, not two outlets' one
        for bag, outlet in zip(bags, articles["outlet"].fillna("").astype(str).tolist()):
            for word in _words(outlet):
                bag.pop(word, None)
    position = {a: i for i, a in enumerate(ids)}
    if mentions is not None and len(mentions):
        for article_id, actor, kind in zip(mentions["article_id"].astype(str).tolist(),
                                           mentions["actor"].fillna("").astype(str).tolist(),
                                           mentions["kind"].fillna("").astype(str).tolist()):
            i = position.get(article_id)
            if i is not None and actor:
                bags[i]["@" + actor.lower()] += PLACE_WEIGHT if kind == "place" else ACTOR_WEIGHT
    if figures is not None and len(figures):
        keep = figures["kind"].isin(_COUNTED_KINDS)
        f = figures[keep]
        for article_id, value, noun in zip(f["article_id"].astype(str).tolist(), f["value"].tolist(),
                                           f["noun"].fillna("").astype(str).tolist()):
            i = position.get(article_id)
            if i is not None and value == value and value not in (0, 1, 2, 3):
                bags[i][f"#{value:g} {_fold(noun.lower())}".strip()] += FIGURE_WEIGHT
    return bags


@functools.lru_cache(maxsize=1 << 18)
def background_share(term: str) -> float:
    """Share of news articles at large expected to hold `term` (from its English word frequency,
    wordfreq, over an article of BACKGROUND_ARTICLE_WORDS words): the imaginary documents of the
    idf hold it that often, so a small corpus already knows that "fire" and "residents" are common
    and "Temecula" is not. 0 for figures, years, months and when wordfreq is not installed."""
    if term[:1] in "#ym" and term[1:2] == ":" or term.startswith("#"):
        return 0.0
    frequency = _word_frequency(term.lstrip("@"))
    return 1.0 - math.exp(-frequency * BACKGROUND_ARTICLE_WORDS)


def _word_frequency(text: str) -> float:
    try:
        from wordfreq import word_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency; without it idf is the corpus's alone
        return 0.0
    return word_frequency(text, "en")


@dataclass
class TermMatrix:
    """Sparse L2-normalised term vectors as COO arrays (entry -> article, term id, weight)."""

    n: int
    article: np.ndarray
    term: np.ndarray
    weight: np.ndarray
    df: np.ndarray  # articles per term id
    vocab: list[str] = field(default_factory=list)


def term_matrix(bags: list[Counter]) -> TermMatrix:
    """TF-IDF vectors of the bags, each cut to its TOP_TERMS heaviest terms and normalised."""
    n = len(bags)
    df: Counter = Counter()
    for bag in bags:
        df.update(bag.keys())
    vocab = sorted(df)
    term_id = {t: k for k, t in enumerate(vocab)}
    # a term of one article alone is shared with none: it only dilutes that article's similarities,
    # and more so the smaller the corpus, so it weighs less
    idf = {t: math.log((n + PRIOR_DOCUMENTS) / (d + PRIOR_DOCUMENTS * background_share(t))) ** IDF_POWER
              * (SINGLETON_WEIGHT if d == 1 else 1.0)
           for t, d in df.items()}
    arts, terms, weights = [], [], []
    for i, bag in enumerate(bags):
        scored = sorted(((1.0 + math.log(c)) * idf[t] if c >= 1 else c * idf[t], t) for t, c in bag.items())
        scored = scored[-TOP_TERMS:]
        norm = math.sqrt(sum(w * w for w, _ in scored)) or 1.0
        for w, t in scored:
            arts.append(i)
            terms.append(term_id[t])
            weights.append(w / norm)
    return TermMatrix(n, np.asarray(arts, dtype=np.int64), np.asarray(terms, dtype=np.int64),
                      np.asarray(weights, dtype=float), np.asarray([df[t] for t in vocab], dtype=np.int64),
                      vocab)


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TEXT_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d|\d{{1,2}}\s+{_MONTH},?\s+(?:19|20)\d\d"
    rf"|(?:19|20)\d\d-\d\d-\d\d)\b", re.I)
DATELINE_CHARS = 400  # a date this close to the start of the text is the article's dateline


def dateline_date(text: str) -> str:
    """The ISO date a text's opening states ("WEDNESDAY, MARCH 4, 2009", "May 03, 2013"), else ""."""
    found = _TEXT_DATE.search(str(text)[:DATELINE_CHARS])
    if not found:
        return ""
    try:
        from dateutil import parser as date_parser

        return date_parser.parse(found.group(0).replace(".", " ")).date().isoformat()
    except (ValueError, OverflowError):
        return ""


def article_days(articles: pd.DataFrame) -> np.ndarray:
    """Days since the epoch of each article's publication date; NaN where unknown. (A dateline in
    the text is only a term: pages reprinted, updated or archived state later dates.)"""
    dates = articles["date"].fillna("").astype(str).tolist() if "date" in articles else [""] * len(articles)
    parsed = pd.to_datetime(pd.Series(dates, dtype=object).str[:10], errors="coerce", format="%Y-%m-%d")
    days = (parsed - pd.Timestamp("1970-01-01")).dt.days
    return days.to_numpy(dtype=float, na_value=np.nan)


def similar_pairs(matrix: TermMatrix, days: np.ndarray | None = None, *, floor: float = 0.02,
                  block: int = 2_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, cosine) for article pairs i < j sharing a term proposed by the inverted index, with
    cosine >= floor and dates (where both known) at most DATE_WINDOW_DAYS apart."""
    n = matrix.n
    cap = max(MIN_SHARED_CAP, int(MAX_SHARED * n))
    useful = matrix.df[matrix.term] <= cap
    art, term, weight = matrix.article[useful], matrix.term[useful], matrix.weight[useful]
    order = np.lexsort((art, term))
    art, term, weight = art[order], term[order], weight[order]
    starts = np.flatnonzero(np.r_[True, term[1:] != term[:-1]])
    sizes = np.diff(np.r_[starts, len(term)])
    multi = sizes >= 2
    starts, sizes = starts[multi], sizes[multi]
    out_codes, out_sims = [], []
    # pairs within each posting list, generated a block of terms at a time
    pair_counts = sizes * (sizes - 1) // 2
    ends = np.cumsum(pair_counts)
    first = 0
    while first < len(starts):
        stop = int(np.searchsorted(ends, (ends[first - 1] if first else 0) + block, side="right"))
        stop = max(stop, first + 1)
        codes, prods = [], []
        for size in np.unique(sizes[first:stop]):
            sel = starts[first:stop][sizes[first:stop] == size]
            a, b = np.triu_indices(int(size), k=1)
            ia = (sel[:, None] + a[None, :]).ravel()
            ib = (sel[:, None] + b[None, :]).ravel()
            codes.append(art[ia] * n + art[ib])
            prods.append(weight[ia] * weight[ib])
        first = stop
        out_codes.append(np.concatenate(codes))
        out_sims.append(np.concatenate(prods))
    if not out_codes:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    codes = np.concatenate(out_codes)
    prods = np.concatenate(out_sims)
    uniq, inverse = np.unique(codes, return_inverse=True)
    # the proposed pairs' exact cosine also counts the common terms the index skipped
    sims = np.bincount(inverse.ravel(), weights=prods, minlength=len(uniq))
    i, j = uniq // n, uniq % n
    if days is not None and len(days):  # pairs the dates rule out need no more work
        near = ~(np.abs(days[i] - days[j]) > DATE_WINDOW_DAYS)  # NaN (a date unknown) never blocks
        i, j, sims = i[near], j[near], sims[near]
    skipped = ~useful
    if skipped.any():
        # the skipped terms add at most |i's skipped weights| * |j's| (Cauchy-Schwarz): a pair that
        # cannot reach `floor` even so is dropped before its common terms are looked up
        reach = np.sqrt(np.bincount(matrix.article[skipped], weights=matrix.weight[skipped] ** 2,
                                    minlength=n))
        hopeful = sims + reach[i] * reach[j] + 1e-9 >= floor
        i, j, sims = i[hopeful], j[hopeful], sims[hopeful]
        sims = sims + _shared_weight(matrix, skipped, i, j)
    keep = sims >= floor
    return i[keep], j[keep], sims[keep]


def _shared_weight(matrix: TermMatrix, mask: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dot products of pairs (i, j) over the entries selected by `mask` (the common terms)."""
    n_terms = len(matrix.df)
    keys = matrix.article[mask] * n_terms + matrix.term[mask]
    order = np.argsort(keys)
    keys, weights = keys[order], matrix.weight[mask][order]
    by_article_start = np.searchsorted(keys, np.arange(matrix.n + 1, dtype=np.int64) * n_terms)
    out = np.zeros(len(i))
    if not len(keys):
        return out
    # for each pair, look up i's common terms among j's
    counts = by_article_start[i + 1] - by_article_start[i]
    rep = np.repeat(np.arange(len(i), dtype=np.int64), counts)
    if not len(rep):
        return out
    offset = np.arange(len(rep), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    entry = np.repeat(by_article_start[i], counts) + offset
    query = j[rep] * n_terms + (keys[entry] % n_terms)
    at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    hit = keys[at] == query
    return np.bincount(rep, weights=np.where(hit, weights[entry] * weights[at], 0.0), minlength=len(i))


def average_linkage(n: int, i: np.ndarray, j: np.ndarray, sims: np.ndarray, threshold: float,
                    days: np.ndarray | None = None) -> np.ndarray:
    """Cluster labels (0..k-1 in order of first article) of average-linkage clustering on a sparse
    similarity graph: absent pairs count as 0, merging stops below `threshold`. Deterministic.
    `days` (NaN: unknown): two groups whose known dates would span more than STORY_SPAN_DAYS are
    not merged."""
    import heapq

    if days is None:
        days = np.full(n, np.nan)
    first_day, last_day = days.tolist(), days.tolist()

    size = [1] * n
    links: list[dict[int, float]] = [dict() for _ in range(n)]
    for a, b, s in zip(i.tolist(), j.tolist(), sims.tolist()):
        links[a][b] = links[a].get(b, 0.0) + s
        links[b][a] = links[b].get(a, 0.0) + s
    heap = [(-s, min(a, b), max(a, b)) for a, b, s in zip(i.tolist(), j.tolist(), sims.tolist()) if s >= threshold * STRAGGLER_FACTOR]
    heapq.heapify(heap)
    alive = [True] * n
    parent = list(range(n))
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        current = links[a].get(b, 0.0) / (size[a] * size[b])
        if abs(current + neg) > 1e-12:
            continue  # stale entry: a fresher one is in the heap
        if current < threshold * STRAGGLER_FACTOR:
            break
        if current < threshold and min(size[a], size[b]) > STRAGGLER_SIZE:
            continue  # two groups of some size join only on strong evidence; a straggler on less
        span = max(_nanmax(last_day[a], last_day[b]) - _nanmin(first_day[a], first_day[b]), 0.0)
        if span > STORY_SPAN_DAYS:
            continue  # the two would make one story of coverage months apart
        keep, gone = (a, b) if len(links[a]) >= len(links[b]) else (b, a)
        keep, gone = min(keep, gone), max(keep, gone)  # the cluster keeps its earliest article's slot
        for c, s in links[gone].items():
            if c == keep:
                continue
            links[c].pop(gone, None)
            links[c][keep] = links[c].get(keep, 0.0) + s
            links[keep][c] = links[keep].get(c, 0.0) + s
        links[keep].pop(gone, None)
        links[gone] = {}
        alive[gone] = False
        parent[gone] = keep
        size[keep] += size[gone]
        first_day[keep] = _nanmin(first_day[keep], first_day[gone])
        last_day[keep] = _nanmax(last_day[keep], last_day[gone])
        for c, s in links[keep].items():
            avg = s / (size[keep] * size[c])
            if avg >= threshold * STRAGGLER_FACTOR:
                heapq.heappush(heap, (-avg, min(keep, c), max(keep, c)))
    root = list(range(n))
    for x in range(n):
        r = x
        while parent[r] != r:
            r = parent[r]
        root[x] = r
    labels, seen = np.empty(n, dtype=np.int64), {}
    for x in range(n):
        labels[x] = seen.setdefault(root[x], len(seen))
    return labels


def _nanmin(a: float, b: float) -> float:
    return b if a != a else a if b != b else min(a, b)


def _nanmax(a: float, b: float) -> float:
    return b if a != a else a if b != b else max(a, b)


def group_articles(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                   figures: pd.DataFrame | None = None, *, threshold: float | None = None) -> pd.Series:
    """A story label (0..k-1) per article (index: article_id), from content and dates alone
    (`threshold`: default THRESHOLD)."""
    threshold = THRESHOLD if threshold is None else threshold
    n = len(articles)
    ids = articles["article_id"].astype(str).tolist()
    if n == 0:
        return pd.Series([], dtype="int64", index=pd.Index([], name="article_id"))
    matrix = term_matrix(article_terms(articles, mentions, figures))
    days = article_days(articles)
    i, j, sims = similar_pairs(matrix, days)
    labels = average_linkage(n, i, j, sims, threshold, days)
    return pd.Series(labels, index=pd.Index(ids, name="article_id"))


# --- scoring -----------------------------------------------------------------------------------------


def bcubed(truth: list, found: list) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering `found` against `truth` (labels per item)."""
    if not truth:
        return 1.0, 1.0, 1.0
    frame = pd.DataFrame({"t": [str(t) for t in truth], "f": [str(f) for f in found]})
    both = frame.groupby(["t", "f"]).size()
    t_size = frame.groupby("t").size()
    f_size = frame.groupby("f").size()
    # every item of a (true, found) cell of size c has c correct neighbours
    cells = both.reset_index(name="c")
    precision = float((cells["c"] ** 2 / cells["f"].map(f_size)).sum() / len(frame))
    recall = float((cells["c"] ** 2 / cells["t"].map(t_size)).sum() / len(frame))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def metadata_events(articles: pd.DataFrame) -> pd.Series:
    """The story the researcher gave each article (`event` in metadata.csv, front matter or a record),
    "" where none: read from the `event` column, else from `extra`."""
    if "event" in articles.columns:
        values = articles["event"].fillna("").astype(str).str.strip()
        if (values != "").any():
            return values.reset_index(drop=True)
    extra = articles["extra"] if "extra" in articles.columns else pd.Series([""] * len(articles))
    return pd.Series([str(_json_object(e).get("event", "") or "").strip() for e in extra], dtype=object)


def _json_object(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def pseudo_outlets(articles: pd.DataFrame, outlets: int = 3) -> pd.DataFrame:
    """A many-stories-several-outlets test corpus from single-story articles: each article's
    paragraphs dealt round-robin to `outlets` pseudo-outlets (each piece an article of that outlet,
    dated as the original), with the original as its `event`. Articles too short to cut stay whole."""
    rows = []
    for row in articles.itertuples(index=False):
        paragraphs = [p for p in str(row.text).split("\n\n") if p.strip()]
        k = min(outlets, max(1, len(paragraphs) // 2))
        for part in range(k):
            text = "\n\n".join(paragraphs[part::k])
            rows.append({**row._asdict(), "article_id": f"{row.article_id}~{part}", "outlet": f"outlet {part}",
                         "title": row.title if part == 0 else "", "text": text,
                         "extra": json.dumps({"event": row.article_id})})
    return pd.DataFrame(rows)


# --- the researcher's say, and the events table --------------------------------------------------------


def find_corrections(root: Path) -> Path | None:
    """stories.yaml (or .yml) beside the corpus, if there is one."""
    folder = root if root.is_dir() else root.parent
    return next((folder / n for n in CORRECTIONS_FILE_NAMES if (folder / n).exists()), None)


def read_corrections(path: Path | None) -> dict:
    """A stories.yaml file as a dict of `merge` (lists of stories to join), `move` (article -> story),
    `label` (story -> readable label). A story is named by its id or by any of its articles' ids.

        merge:
          - [story-1a2b3c4d, 2017-08-01-bbc-putin]   # one story from these two
        move:
          2017-08-02-cnn-sanctions: story-9f8e7d6c   # this article reports that story
          2017-08-03-wire-oped: ""                    # ... or a story of its own
        label:
          story-1a2b3c4d: Russia expels US diplomats
    """
    if path is None:
        return {}
    import yaml

    from .errors import NewsbookError

    from . import safe_yaml

    try:
        data = safe_yaml.load_file(path) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, safe_yaml.YAMLRefused) as exc:
        raise NewsbookError(f"{path}: cannot read the story corrections: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"merge", "move", "label"}:
        raise NewsbookError(f"{path}: expected a mapping with keys merge, move, label")
    merge = data.get("merge") or []
    if not isinstance(merge, list) or not all(isinstance(m, list) for m in merge):
        raise NewsbookError(f"{path}: `merge` must be a list of lists of stories")
    for key in ("move", "label"):
        if not isinstance(data.get(key) or {}, dict):
            raise NewsbookError(f"{path}: `{key}` must be a mapping")
    return {"merge": [[str(x) for x in m] for m in merge],
            "move": {str(k): str(v or "") for k, v in (data.get("move") or {}).items()},
            "label": {str(k): str(v) for k, v in (data.get("label") or {}).items()}}


def apply_corrections(events: pd.Series, corrections: dict) -> tuple[pd.Series, list[str], set[str]]:
    """Story per article (index article_id) after the researcher's merges and moves; the corrections
    applied, in words (a story or article that does not exist is reported, not fatal); the stories changed."""
    events = events.copy()
    applied, changed = [], set()

    def story_of(ref: str) -> str | None:
        if ref in events.index:
            return events[ref]
        return ref if (events == ref).any() else None

    for group in corrections.get("merge", []):
        found = [story_of(r) for r in group]
        missing = [r for r, s in zip(group, found) if s is None]
        stories = list(dict.fromkeys(s for s in found if s is not None))
        if missing:
            applied.append(f"merge {group}: not found: {', '.join(missing)}")
        if len(stories) >= 2:
            target = stories[0]
            events[events.isin(stories[1:])] = target
            changed.add(target)
            applied.append(f"merged {', '.join(stories)} into {target}")
    for article, ref in corrections.get("move", {}).items():
        if article not in events.index:
            applied.append(f"move {article}: no such article")
            continue
        target = story_of(ref) if ref else "story-" + _digest(article)
        if target is None:
            applied.append(f"move {article} to {ref}: no such story or article")
            continue
        changed.update({events[article], target})
        events[article] = target
        applied.append(f"moved {article} to {target}")
    return events, applied, changed


def _digest(text: str) -> str:
    return hashlib.blake2b(str(text).encode("utf-8"), digest_size=4).hexdigest()


def assign_stories(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                   figures: pd.DataFrame | None = None, *, one_story: bool = False,
                   corrections: dict | None = None) -> tuple[pd.Series, dict[str, str], list[str]]:
    """The story of every article (Series indexed by article_id), the method per story, and the
    corrections applied. Order of say: `one_story`, else the researcher's `event` metadata (those
    articles are never regrouped), else grouping by content; then the stories.yaml corrections."""
    ids = articles["article_id"].astype(str)
    if one_story:
        return pd.Series(ONE_STORY_ID, index=pd.Index(ids, name="article_id")), {ONE_STORY_ID: METHOD_ONE_STORY}, []
    given = metadata_events(articles).tolist()
    method = {e: METHOD_METADATA for e in given if e}
    rest = [k for k, e in enumerate(given) if not e]
    if rest:
        sub = articles.iloc[rest]
        wanted = set(sub["article_id"].astype(str))
        sub_mentions = mentions[mentions["article_id"].isin(wanted)] if mentions is not None and len(mentions) else None
        sub_figures = figures[figures["article_id"].isin(wanted)] if figures is not None and len(figures) else None
        labels = group_articles(sub, sub_mentions, sub_figures)
        days = article_days(sub)
        label_ids, label_values = labels.index.tolist(), labels.tolist()
        order = sorted(range(len(sub)), key=lambda k: (days[k] if days[k] == days[k] else math.inf, label_ids[k]))
        story_id = {}
        for k in order:  # a story is named after its earliest article (date, then id)
            story_id.setdefault(label_values[k], "story-" + _digest(label_ids[k]))
        given = list(given)
        for k, label in zip(rest, label_values):
            given[k] = story_id[label]
            method[story_id[label]] = METHOD_AUTO
    events = pd.Series(given, index=pd.Index(ids, name="article_id"), dtype=object)
    applied = []
    if corrections:
        events, applied, changed = apply_corrections(events, corrections)
        method.update({e: METHOD_CORRECTED for e in changed})
    return events, method, applied


def events_table(articles: pd.DataFrame, mentions: pd.DataFrame | None, method: dict[str, str],
                 labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The `events` table from articles that carry their `event` (and a full `outlet`)."""
    if articles.empty:
        return schema.empty("events")
    top = _top_actors(articles, mentions)
    # one pass over the articles (a groupby with a frame per story cost more than the grouping)
    stories: dict = {}  # story -> [articles, outlets, dates, first title], stories in order of appearance
    for event, date, outlet, title in zip(articles["event"].tolist(), articles["date"].fillna("").astype(str).tolist(),
                                          articles["outlet"].tolist(), articles["title"].tolist()):
        if pd.isna(event):
            continue  # as groupby leaves it out
        story = stories.get(event)
        if story is None:
            story = stories[event] = [0, set(), [], title]
        story[0] += 1
        if not pd.isna(outlet):  # nunique()
            story[1].add(outlet)
        if date:
            story[2].append(date)
    rows = []
    for event, (count, outlets, dates, title) in stories.items():
        dates = sorted(dates)
        span = (dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}") if dates else ""
        words = top.get(event) or [t for t in str(title).split()[:6]]
        label = (labels or {}).get(event) or (", ".join(words) + (f" ({span})" if span else "")).strip()
        rows.append({"event": event, "label": label or event, "articles": count,
                     "outlets": len(outlets), "first_date": dates[0] if dates else "",
                     "last_date": dates[-1] if dates else "", "method": method.get(event, METHOD_AUTO)})
    frame = pd.DataFrame(rows).sort_values(["articles", "first_date", "event"], ascending=[False, True, True])
    return schema.conform("events", frame)


def _top_actors(articles: pd.DataFrame, mentions: pd.DataFrame | None, n: int = 3) -> dict[str, list[str]]:
    """Per story, the actors that characterise it: named by many of its articles and by few
    stories (so "United States" does not name every story of an American corpus), then most often."""
    if mentions is None or mentions.empty:
        return {}
    story = dict(zip(articles["article_id"].astype(str), articles["event"]))
    m = mentions[["article_id", "actor"]].assign(event=mentions["article_id"].astype(str).map(story))
    m = m.dropna(subset=["event"])
    stats = m.groupby(["event", "actor"]).agg(articles=("article_id", "nunique"), mentions=("article_id", "size"))
    stats = stats.reset_index()
    n_stories = max(1, stats["event"].nunique())
    spread = stats.groupby("actor")["event"].transform("nunique")
    stats["score"] = stats["articles"] * (1.0 + (n_stories / spread).map(math.log))
    stats = stats.sort_values(["event", "score", "mentions", "actor"], ascending=[True, False, False, True])
    top: dict[str, list[str]] = {}
    for event, actor in zip(stats["event"].tolist(), stats["actor"].tolist()):
        if event == event:  # groupby leaves NaN out
            names = top.setdefault(event, [])
            if len(names) < n:
                names.append(actor)
    return top


# --- comparisons within a story ---------------------------------------------------------------------------


def article_events(articles: pd.DataFrame) -> dict[str, str]:
    """article_id -> story, from an articles table with its `event` column."""
    if articles is None or articles.empty or "event" not in articles:
        return {}
    return dict(zip(articles["article_id"].astype(str), articles["event"].fillna("").astype(str)))


def per_story(match, table: pd.DataFrame, events: dict[str, str], name: str, *, min_articles: int = 1,
              **kwargs) -> pd.DataFrame:
    """`match(rows, **kwargs)` run on each story's rows of `table` (an article_id column) on its own, so
    nothing links articles of different stories; the results concatenated with their `event`, in the
    `name` table's order (stories with fewer than `min_articles` articles are skipped)."""
    if table is None or table.empty:
        return schema.conform(name, match(table, **kwargs))
    story = table["article_id"].astype(str).map(events).fillna("")
    frames = []
    for event, rows in table.groupby(story, sort=True):
        if rows["article_id"].nunique() < min_articles:
            continue
        found = match(rows, **kwargs)
        if len(found):
            frames.append(found.assign(event=event))
    if not frames:
        return schema.empty(name)
    return _in_table_order(pd.concat(frames, ignore_index=True), name)


def _in_table_order(out: pd.DataFrame, name: str) -> pd.DataFrame:
    """The per-story matches of all stories (stories in sorted order, each story's rows in its own
    table order) as the `name` table: sorted as that table is, stories apart only where it ties."""
    if name == "quote_matches":
        out = out.sort_values("similarity", ascending=False, kind="stable")
    elif name == "figure_matches":
        order = {"conflict": 0, "agreed": 1, "single": 2}
        out = (out.assign(_o=out["status"].map(order), _k=out["kind"].eq("date"))
               .sort_values(["_o", "_k", "n_articles", "kind", "value", "event"],
                            ascending=[True, True, False, True, True, True], kind="stable")
               .drop(columns=["_o", "_k"]))
    return schema.conform(name, out)


def match_quotes(quotes: pd.DataFrame, events: dict[str, str], **kwargs) -> pd.DataFrame:
    """compare.match_quotes within each story (its word weights from that story's quotes).

    What `per_story(compare.match_quotes, ...)` gives, with the matches of all stories given their
    relation, tabulated and sorted together (a frame per story cost as much as the matching)."""
    from . import compare
    from .quotes import with_relation

    if quotes is None or quotes.empty or kwargs.get("min_similarity", 0.5) <= 0.4 + compare._BOUND_MARGIN:
        return per_story(compare.match_quotes, quotes, events, "quote_matches", min_articles=2, **kwargs)
    by_story: dict[str, list] = {}
    for rec in compare.quote_records(quotes):  # split as per_story's groupby does, rows in order
        by_story.setdefault(events.get(str(rec.article_id), ""), []).append(rec)
    records = []
    for event in sorted(by_story):
        rows = by_story[event]
        if len({r.article_id for r in rows if not pd.isna(r.article_id)}) < 2:  # nunique()
            continue
        found = compare.quote_records_matched(rows, **kwargs)
        if found:
            # the order compare.match_quotes gives them (its sort is not stable: ask pandas the same way)
            order = pd.DataFrame({"similarity": [f["similarity"] for f in found]}).sort_values(
                "similarity", ascending=False).index
            records += [{**found[k], "event": event} for k in order]
    if not records:
        return schema.empty("quote_matches")
    return _in_table_order(with_relation(pd.DataFrame(records)), "quote_matches")


def match_figures(figures: pd.DataFrame, events: dict[str, str]) -> pd.DataFrame:
    """compare.match_figures within each story: agreements, conflicts and arithmetic never cross stories.

    What `per_story(compare.match_figures, ...)` gives, computed as one table: the figures' row
    dicts are read once and split by story, and the matches of all stories are tabulated and sorted
    together (a frame per story cost twenty times the matching at 1,000 articles)."""
    from . import compare, figure_matching

    if figures is None or figures.empty:
        return per_story(compare.match_figures, figures, events, "figure_matches")
    by_story: dict[str, list[dict]] = {}
    for row in figure_matching.matched_rows(figures):
        by_story.setdefault(events.get(str(row["article_id"]), ""), []).append(row)
    records = []
    for event in sorted(by_story):  # per_story's groupby order
        records += [{**r, "event": event} for r in figure_matching.match_records(by_story[event])]
    if not records:
        return schema.empty("figure_matches")
    return _in_table_order(pd.DataFrame(records), "figure_matches")


# --- what the notebooks show --------------------------------------------------------------------------------


def select(ann, event: str = ""):
    """The annotations of one story (all of them when `event` is empty): every table cut to its
    articles. A story may be named by its id or its exact label; an unknown one is an error listing
    the stories."""
    from dataclasses import replace as _replace

    from .errors import NewsbookError

    event = str(event or "").strip()
    if not event:
        return ann
    events = ann.events
    if event not in set(events["event"]):
        by_label = events[events["label"] == event]
        if by_label.empty:
            known = ", ".join(f"{e} ({lab})" for e, lab in zip(events["event"].head(20), events["label"].head(20)))
            raise NewsbookError(f"no story {event!r}; stories: {known}")
        event = by_label["event"].iloc[0]
    ids = set(ann.articles.loc[ann.articles["event"] == event, "article_id"])
    cut = {name: getattr(ann, name)[getattr(ann, name)["article_id"].isin(ids)].reset_index(drop=True)
           for name in ("articles", "mentions", "actors", "quotes", "figures")}
    cut["quote_matches"] = ann.quote_matches[ann.quote_matches["event"] == event].reset_index(drop=True)
    cut["figure_matches"] = ann.figure_matches[ann.figure_matches["event"] == event].reset_index(drop=True)
    cut["events"] = events[events["event"] == event].reset_index(drop=True)
    return _replace(ann, **cut)


def outlet_matrix(articles: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Stories x outlets: how many articles each outlet published on each story (largest stories first)."""
    if articles.empty:
        return pd.DataFrame()
    counts = pd.crosstab(articles["event"], articles["outlet"])
    order = [e for e in events["event"] if e in counts.index]
    labels = dict(zip(events["event"], events["label"]))
    counts = counts.loc[order]
    counts.index = pd.Index([f"{labels.get(e, e)} [{e}]" for e in order], name="story")
    counts.columns.name = None
    return counts


def timeline(articles: pd.DataFrame) -> pd.DataFrame:
    """Per story and outlet: its first and last article's date, its articles, and its rank in
    publishing first (1: first; outlets without a dated article last)."""
    cols = ["event", "outlet", "first_date", "last_date", "articles", "rank"]
    if articles.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    a = articles.assign(date=articles["date"].fillna("").astype(str))
    rows = a.groupby(["event", "outlet"], as_index=False).agg(
        first_date=("date", lambda d: min((x for x in d if x), default="")),
        last_date=("date", lambda d: max((x for x in d if x), default="")),
        articles=("article_id", "size"))
    rows["_missing"] = rows["first_date"].eq("")
    # stories in the order they broke (undated ones last), each story's outlets first publisher first
    broke = rows[~rows["_missing"]].groupby("event")["first_date"].min()
    rows["_broke"] = rows["event"].map(broke).fillna("9999")
    rows = rows.sort_values(["_broke", "event", "_missing", "first_date", "outlet"]).drop(columns=["_missing", "_broke"])
    rows["rank"] = rows.groupby("event").cumcount() + 1
    return rows[cols].reset_index(drop=True)


def single_source_actors(ann, *, kinds=None) -> pd.DataFrame:
    """Actors that only one outlet names within a story (each story on its own): event, actor, kind,
    outlet, mentions, first_sentence, quoted. Stories covered by one outlet are left out."""
    from . import actors

    cols = ["event", "actor", "kind", "outlet", "mentions", "first_sentence", "quoted"]
    table = ann.actors[ann.actors["kind"].isin(actors.as_kinds(kinds))]
    if table.empty:
        return pd.DataFrame(columns=cols)
    meta = ann.articles.set_index("article_id")[["event", "outlet"]]
    table = table.join(meta, on="article_id")
    outlets_per_story = table.groupby("event")["outlet"].nunique()
    table = table[table["event"].map(outlets_per_story) >= 2]
    naming = table.groupby(["event", "actor"])["outlet"].transform("nunique")
    only = table[naming == 1]
    out = only.groupby(["event", "actor", "kind", "outlet"], as_index=False).agg(
        mentions=("mentions", "sum"), first_sentence=("first_sentence", "min"), quoted=("quoted", "any"))
    return out.sort_values(["mentions", "event", "actor"], ascending=[False, True, True]).reset_index(drop=True)[cols]


def comparisons(ann) -> pd.DataFrame:
    """Per story: its articles and outlets, and what the comparisons within it found (quote matches,
    agreed and conflicting figure groups), largest stories first."""
    base = ann.events[["event", "label", "articles", "outlets", "first_date", "method"]].copy()
    qm = ann.quote_matches.groupby("event").size() if len(ann.quote_matches) else pd.Series(dtype="int64")
    fm = ann.figure_matches
    agreed = fm[fm["status"] == "agreed"].groupby("event").size() if len(fm) else pd.Series(dtype="int64")
    conflict = fm[fm["status"] == "conflict"].groupby("event").size() if len(fm) else pd.Series(dtype="int64")
    base["quote_matches"] = base["event"].map(qm).fillna(0).astype("int64")
    base["figures_agreed"] = base["event"].map(agreed).fillna(0).astype("int64")
    base["figure_conflicts"] = base["event"].map(conflict).fillna(0).astype("int64")
    return base.reset_index(drop=True)


def join_story(articles: pd.DataFrame, added: pd.DataFrame, mentions: pd.DataFrame | None = None,
               figures: pd.DataFrame | None = None) -> pd.Series:
    """The story of each `added` article, without regrouping `articles` (which carry their `event`):
    the story it is most similar to on average, if that reaches what a single article needs to join
    a story (THRESHOLD * STRAGGLER_FACTOR) and the story would still span at most STORY_SPAN_DAYS,
    else a new story of its own. Only the articles of its date window (within DATE_WINDOW_DAYS of
    its date; undated ones always) are compared with it, so placing one article costs its window,
    not the corpus (an undated added article is compared with all). Added articles are placed one
    by one, in order, so one may join a story another started."""
    base = articles.reset_index(drop=True)
    events = base["event"].astype(str).tolist()
    days = article_days(base)
    added_days = article_days(added)
    sizes = Counter(events)
    first, last = {}, {}
    for e, d in zip(events, days.tolist()):
        if d == d:
            first[e], last[e] = min(first.get(e, d), d), max(last.get(e, d), d)
    out = {}
    for row in range(len(added)):
        day = added_days[row]
        window = np.isnan(days) | (np.abs(days - day) <= DATE_WINDOW_DAYS) if day == day else np.ones(len(base), bool)
        near = np.flatnonzero(window)
        both = pd.concat([base.iloc[near], added.iloc[[row]]], ignore_index=True)
        wanted = set(both["article_id"].astype(str))
        cut = [t[t["article_id"].astype(str).isin(wanted)] if t is not None and len(t) else None
               for t in (mentions, figures)]
        matrix = term_matrix(article_terms(both, *cut))
        i, j, sims = similar_pairs(matrix, article_days(both), floor=0.0)
        new = len(near)
        totals: dict[str, float] = {}
        for other, s in zip(i[j == new].tolist(), sims[j == new].tolist()):
            story = events[near[other]]
            totals[story] = totals.get(story, 0.0) + s

        def fits(story: str) -> bool:
            if day != day or story not in first:
                return True
            return max(last[story], day) - min(first[story], day) <= STORY_SPAN_DAYS

        best = max(sorted(e for e in totals if fits(e)), key=lambda e: totals[e] / sizes[e], default=None)
        article_id = str(added["article_id"].iloc[row])
        joins = best is not None and totals[best] / sizes[best] >= THRESHOLD * STRAGGLER_FACTOR
        story = best if joins else "story-" + _digest(article_id)
        out[article_id] = story
        base = pd.concat([base, added.iloc[[row]].assign(event=story)], ignore_index=True)
        events.append(story)
        days = np.append(days, day)
        sizes[story] += 1
        if day == day:
            first[story], last[story] = min(first.get(story, day), day), max(last.get(story, day), day)
    return pd.Series(out, dtype=object, name="event").rename_axis("article_id")

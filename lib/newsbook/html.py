"""HTML fragments for reports. Article text is untrusted: everything shown of it is escaped here.

The fragments are Jinja2 templates (``templates/fragments/``; whole pages such as the index pages in
``templates/pages/``) rendered with autoescape, so every value is text unless newsbook built it as
markup (`markupsafe.Markup`).  The annotated text itself
(`annotate_text`) is assembled in Python, one escaped segment at a time: it is cut into many
thousands of small pieces on a large corpus, and a template call per piece would cost more than
the whole view.  A url from an article becomes a link only if it is http(s) (`link`)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup, escape

FRAGMENTS_DIR = Path(__file__).resolve().parent / "templates" / "fragments"
PAGES_DIR = Path(__file__).resolve().parent / "templates" / "pages"  # whole pages: the index pages
LINK_REL = "noopener noreferrer nofollow"


@functools.lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader([str(FRAGMENTS_DIR), str(PAGES_DIR)]), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=False)


def render(template: str, **values) -> Markup:
    """A fragment template rendered with autoescape (values are text unless they are `Markup`)."""
    return Markup(_env().get_template(template).render(**values).strip())


def render_page(template: str, **values) -> str:
    """A whole page from templates/pages/, rendered with autoescape, ending in one newline."""
    return _env().get_template(template).render(**values).strip() + "\n"


def _e(value) -> str:
    """Escape anything for HTML text or a double-quoted attribute; NaN/None become ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(escape(str(value)))


def web_url(value) -> str:
    """`value` if it is an absolute http(s) URL with a host and no space or control character in it,
    else "" (javascript:, data:, relative paths and anything odd are never linked)."""
    url = "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    if not url or any(ord(c) <= 0x20 or c == "\x7f" for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def link(url, text=None) -> Markup:
    """An http(s) URL as a link (rel="noopener noreferrer nofollow", text escaped); any other value
    as plain escaped text."""
    if text is None:
        text = _e(url) and str(url)  # None / NaN: nothing to show
    shown = escape(text)
    href = web_url(url)
    if not href:
        return Markup(shown)
    return Markup('<a href="{}" rel="{}">{}</a>').format(href, LINK_REL, shown)

# --- quote comparisons (side by side, wording differences highlighted) -------------------------
#
# Two renderings of one statement side by side; the words only one side has are highlighted
# (red on the left, green on the right). Words are compared case-insensitively with typographic
# quotes and apostrophes unified; punctuation and spaces are never highlighted on their own.
# All quote text, labels and speaker names are escaped.

import difflib as _difflib
import re as _re

_DIFF_TOKEN = _re.compile(r"\w+(?:['’\-]\w+)*|\s+|[^\w\s]")
DIFF_REMOVED_STYLE = "background-color:#fbd9d9;text-decoration:none;border-radius:2px"
DIFF_ADDED_STYLE = "background-color:#d9efd6;text-decoration:none;border-radius:2px"


class QuoteDiffView(str):
    """An HTML fragment (a str) that Jupyter displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def _diff_key(token: str) -> str | None:
    if not token.strip() or not (token[0].isalnum() or token[0] == "_"):
        return None  # spaces and punctuation: shown, never compared
    return token.lower().replace("’", "'")


def _diff_tokens(text: str) -> list[tuple[str, str | None]]:
    return [(t, _diff_key(t)) for t in _DIFF_TOKEN.findall(str(text))]


def _diff_render(items: list[tuple[str, str | None]], changed: list[bool], style: str, tag: str) -> str:
    """Escaped text with the changed words (and the spaces/punctuation between two changed words)
    wrapped in `tag`."""
    keyed = [i for i, (_, k) in enumerate(items) if k is not None]
    flag = [False] * len(items)
    for n, i in enumerate(keyed):
        flag[i] = changed[n]
    # a neutral token between two changed words belongs to the changed run
    prev_changed = False
    for i, (_, k) in enumerate(items):
        if k is not None:
            prev_changed = flag[i]
            continue
        nxt = next((flag[j] for j in range(i + 1, len(items)) if items[j][1] is not None), False)
        flag[i] = prev_changed and nxt
    out, run = [], []
    for i, (tok, _) in enumerate(items):
        if flag[i]:
            run.append(_e(tok))
            continue
        if run:
            out.append(f'<{tag} style="{style}">{"".join(run)}</{tag}>')
            run = []
        out.append(_e(tok))
    if run:
        out.append(f'<{tag} style="{style}">{"".join(run)}</{tag}>')
    return "".join(out)


def quote_diff(a: str, b: str) -> tuple[list[str], list[str]]:
    """The words only `a` has and the words only `b` has (in order), for tests and tables."""
    ia, ib = _diff_tokens(a), _diff_tokens(b)
    ka = [k for _, k in ia if k is not None]
    kb = [k for _, k in ib if k is not None]
    wa = [t for t, k in ia if k is not None]
    wb = [t for t, k in ib if k is not None]
    only_a, only_b = [], []
    for op, a0, a1, b0, b1 in _difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op != "equal":
            only_a += wa[a0:a1]
            only_b += wb[b0:b1]
    return only_a, only_b


def quote_diff_html(a: str, b: str, *, label_a: str = "", label_b: str = "", title: str = "") -> str:
    """Two renderings side by side (an HTML table), the wording differences highlighted at word
    level. Every piece of text is escaped."""
    ia, ib = _diff_tokens(a), _diff_tokens(b)
    ka = [k for _, k in ia if k is not None]
    kb = [k for _, k in ib if k is not None]
    changed_a, changed_b = [True] * len(ka), [True] * len(kb)
    for op, a0, a1, b0, b1 in _difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op == "equal":
            changed_a[a0:a1] = [False] * (a1 - a0)
            changed_b[b0:b1] = [False] * (b1 - b0)
    left = _diff_render(ia, changed_a, DIFF_REMOVED_STYLE, "del")
    right = _diff_render(ib, changed_b, DIFF_ADDED_STYLE, "ins")
    return QuoteDiffView(render(
        "quote_diff.html.j2", title=title, label_a=label_a, label_b=label_b, left=Markup(left),
        right=Markup(right),
        cell="vertical-align:top;padding:6px 10px;border:1px solid #ddd;width:50%;line-height:1.5",
        head="text-align:left;padding:4px 10px;border:1px solid #ddd;background:#f6f6f6;font-weight:600"))


def quote_pairs_html(matches, articles=None, *, limit: int | None = 50) -> str:
    """Every matched pair (`quote_matches` rows) as a side-by-side diff, best match first; the
    columns are labelled with each article's outlet and id (`outlets.source_labels`)."""
    from .outlets import source_labels

    if matches is None or len(matches) == 0:
        return QuoteDiffView(render("quote_pairs.html.j2", pairs=[], shown=0, total=0))
    labels = source_labels(articles, per="article")
    rows = matches.sort_values("similarity", ascending=False, kind="stable")
    total = len(rows)
    if limit is not None and len(rows) > limit:
        rows = rows.head(limit)
    pairs = []
    for r in rows.itertuples(index=False):
        title = f"{r.speaker or 'Unattributed'} — similarity {float(r.similarity):.2f}"
        relation = str(getattr(r, "relation", "") or "")
        if relation and relation != "same":  # a cut must not hide behind a high similarity
            left_out = str(getattr(r, "left_out", "") or "")
            title += f" — {relation}" + (f"; left out: {left_out[:300]}" if left_out else "")
        pairs.append(quote_diff_html(r.quote_a, r.quote_b, title=title,
                                     label_a=labels.get(r.article_id_a, r.article_id_a),
                                     label_b=labels.get(r.article_id_b, r.article_id_b)))
    return QuoteDiffView(render("quote_pairs.html.j2", pairs=[Markup(p) for p in pairs], shown=len(pairs),
                                total=total))

# --- annotated article view --------------------------------------------------------------------
#
# Each article's text with its extractions highlighted in place, so a reader can check every one
# in context: quotes as coloured backgrounds (one colour per speaker, grey when unattributed), the
# words naming the speaker underlined in the speaker's colour, actor mentions underlined by kind,
# figures boxed.  Spans may overlap (a mention inside a quote, a figure inside a mention, two
# quotes sharing words): the text is cut at every span boundary into segments, and each segment
# is drawn with the innermost span of each layer, so the markup always nests.  Every style is an
# inline `style` attribute (it survives the report sanitiser and shows in JupyterLab unchanged);
# every piece of article text and metadata is escaped (markupsafe, Jinja2 autoescape).

# Quote backgrounds and speaker underlines: (background, strong) colour per speaker.
SPEAKER_COLOURS: tuple[tuple[str, str], ...] = (
    ("#dbe8f5", "#4c78a8"), ("#fde3c8", "#f58518"), ("#fbd9d9", "#e45756"), ("#d8efec", "#72b7b2"),
    ("#d9efd6", "#54a24b"), ("#fbf0c8", "#b79a20"), ("#eddaeb", "#b279a2"), ("#fde2e6", "#ff9da6"),
    ("#e6dcd7", "#9d755d"), ("#e6e4e3", "#79706e"), ("#d2e4f2", "#1f77b4"), ("#f8dccb", "#d95f02"),
    ("#dfdcf0", "#7570b3"), ("#f9d6e6", "#e7298a"), ("#e2efcf", "#66a61e"), ("#f6e7c4", "#e6ab02"),
)
UNATTRIBUTED_COLOURS = ("#ececec", "#8c8c8c")
MENTION_COLOURS = {"person": "#1f5fa8", "organization": "#c25a00", "place": "#2f8a3a", "group": "#7b3fa0"}
MENTION_STYLES = {"person": "solid", "organization": "dashed", "place": "dotted", "group": "double"}
FIGURE_STYLE = "border:1px solid #b2182b;border-radius:3px;padding:0 1px;background-color:#fff5f3"


class AnnotatedView(str):
    """An HTML fragment (a str) that Jupyter and the report renderer display as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def speaker_colours(quotes) -> dict[str, tuple[str, str]]:
    """Speaker -> (background, strong) colour; the most quoted speakers get the first colours.

    Stable for a given quotes table; more speakers than colours reuse the palette."""
    if quotes is None or len(quotes) == 0 or "speaker" not in quotes:
        return {}
    counts = quotes["speaker"].fillna("").astype(str)
    counts = counts[counts != ""].value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {name: SPEAKER_COLOURS[i % len(SPEAKER_COLOURS)] for i, (name, _) in enumerate(ordered)}


def _int(value, default: int = -1) -> int:
    try:
        if value is None or (isinstance(value, float) and value != value):
            return default
        return int(value)
    except (TypeError, ValueError):
        return default


def _article_spans(text: str, mentions: list[dict], quotes: list[dict], figures: list[dict],
                   colours: dict[str, tuple[str, str]]) -> list[tuple[int, int, str, dict]]:
    """(start, end, layer, info) for every valid span; layer is quote | speaker | mention | figure.

    Spans outside the text or empty are dropped (a bad offset must not break the view)."""
    n = len(text)
    spans: list[tuple[int, int, str, dict]] = []

    def add(start, end, layer, info):
        start, end = _int(start), _int(end)
        if 0 <= start < end <= n:
            spans.append((start, end, layer, info))

    for q in quotes:
        speaker = str(q.get("speaker") or "")
        bg, strong = colours.get(speaker, UNATTRIBUTED_COLOURS)
        qid = str(q.get("quote_id") or "").rsplit(":", 1)[-1]
        detail = f"quote {qid}: {speaker or 'unattributed'}"
        extra = [str(q.get(k) or "") for k in ("kind", "cue")]
        detail += " (" + ", ".join(x for x in extra if x) + ")" if any(extra) else ""
        info = {"title": detail, "bg": bg, "strong": strong, "label": speaker or "?", "qid": qid}
        add(q.get("start"), q.get("end"), "quote", info)
        add(q.get("speaker_start"), q.get("speaker_end"), "speaker",
            {"title": f"speaker of {qid}: {speaker or 'unattributed'}", "strong": strong})
    for m in mentions:
        kind = str(m.get("kind") or "")
        how = str(m.get("how") or "")
        title = f"{kind or 'actor'}: {m.get('actor') or ''}" + (f" (via {how})" if how else "")
        add(m.get("start"), m.get("end"), "mention", {"title": title, "kind": kind})
    for f in figures:
        fid = str(f.get("figure_id") or "").rsplit(":", 1)[-1]
        parts = [str(f.get(k) or "") for k in ("kind", "qualifier", "noun_phrase")]
        value = f.get("value")
        if isinstance(value, (int, float)) and value == value:
            value_text = f"{value:g}"
        else:
            value_text = _e(value) and str(value)
        title = f"figure {fid}: {value_text} " + " | ".join(p for p in parts if p)
        add(f.get("start"), f.get("end"), "figure", {"title": title.strip()})
    return spans


def _innermost(covering: list[tuple[int, int, str, dict]]):
    return min(covering, key=lambda s: (s[1] - s[0], -s[0])) if covering else None


def annotate_text(text: str, mentions: list[dict], quotes: list[dict], figures: list[dict],
                  colours: dict[str, tuple[str, str]] | None = None) -> str:
    """The escaped article text with every span highlighted (see the section comment)."""
    text = "" if text is None else str(text)
    colours = colours if colours is not None else {}
    spans = _article_spans(text, mentions, quotes, figures, colours)
    bounds = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    quote_starts = {}
    for s in spans:
        if s[2] == "quote":
            quote_starts.setdefault(s[0], []).append(s)
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:]):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        segment = _e(text[a:b])
        layers = {layer: [s for s in covering if s[2] == layer] for layer in ("quote", "speaker", "mention", "figure")}
        titles = [s[3]["title"] for layer in ("quote", "speaker", "mention", "figure") for s in layers[layer]]
        opened: list[str] = []
        for q in sorted(quote_starts.get(a, []), key=lambda s: -(s[1] - s[0])):
            out.append(f'<sup style="color:{q[3]["strong"]};font-size:0.7em;font-weight:600" '
                       f'class="nb-quote-label">{_e(q[3]["qid"])} {_e(q[3]["label"])}</sup>')
        described = f' title="{_e(" / ".join(titles))}" tabindex="0" aria-label="{_e(" / ".join(titles))}"'
        q = _innermost(layers["quote"])
        if q:
            out.append(f'<span class="nb-quote" data-quote="{_e(q[3]["qid"])}"{described} '
                       f'style="background-color:{q[3]["bg"]};box-shadow:0 2px 0 {q[3]["strong"]}">')
            opened.append("</span>")
        sp = _innermost(layers["speaker"])
        if sp:
            out.append(f'<span class="nb-speaker" style="text-decoration:underline;text-decoration-color:{sp[3]["strong"]};'
                       f'text-decoration-thickness:3px;text-underline-offset:3px"'
                       + ("" if q else described) + ">")
            opened.append("</span>")
        m = _innermost(layers["mention"])
        if m:
            kind = m[3]["kind"]
            colour = MENTION_COLOURS.get(kind, "#555555")
            out.append(f'<span class="nb-mention nb-{_e(kind or "actor")}" style="font-weight:600;color:{colour};'
                       f'border-bottom:2px {MENTION_STYLES.get(kind, "solid")} {colour}"'
                       + ("" if q or sp else described) + ">")
            opened.append("</span>")
        f = _innermost(layers["figure"])
        if f:
            out.append(f'<span class="nb-figure" style="{FIGURE_STYLE}"'
                       + ("" if q or sp or m else described) + ">")
            opened.append("</span>")
        out.append(segment)
        out.extend(reversed(opened))
    return "".join(out)


def annotation_legend(colours: dict[str, tuple[str, str]], quote_counts: dict[str, int] | None = None,
                      unattributed: bool = True) -> str:
    """Legend: one swatch per speaker, the mention kinds and the figure box."""
    quote_counts = quote_counts or {}
    speakers = [{"name": speaker, "bg": bg, "strong": strong, "count": quote_counts.get(speaker)}
                for speaker, (bg, strong) in colours.items()]
    bg, strong = UNATTRIBUTED_COLOURS
    kinds = [{"name": k, "colour": c, "line": MENTION_STYLES[k]} for k, c in MENTION_COLOURS.items()]
    return render("legend.html.j2", speakers=speakers, kinds=kinds, figure_style=FIGURE_STYLE,
                  unattributed={"bg": bg, "strong": strong} if unattributed else None)


def article_anchor(article_id) -> str:
    """The element id of an article in the annotated view: "article-" and the id when it is plain
    (letters, digits, `_.:-`), else "article-" and a hash of it; an id from a file never reaches
    the page as an id of its own (it could stand in for one of newsbook's)."""
    aid = str(article_id)
    if _re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", aid):
        return f"article-{aid}"
    return "article-" + hashlib.sha1(aid.encode("utf-8")).hexdigest()[:16]


def annotated_article(article: dict, mentions: list[dict], quotes: list[dict], figures: list[dict],
                      colours: dict[str, tuple[str, str]], *, open_: bool = True) -> str:
    """One article: an escaped header (title, outlet, date, byline; the url a link if it is http(s),
    else text) and its annotated text."""
    aid = str(article.get("article_id") or "")
    meta = [str(article.get(k) or "") for k in ("outlet", "date", "byline")]
    words = _int(article.get("words"), default=-1)
    if words >= 0:
        meta.append(f"{words} words")
    url = _e(article.get("url")) and str(article.get("url"))  # NaN / None: no url line
    body = annotate_text(article.get("text") or "", mentions, quotes, figures, colours)
    return render("article.html.j2", aid=aid, anchor=article_anchor(aid), title=article.get("title") or aid, open=open_,
                  meta=" · ".join(m for m in meta if m),
                  counts=f"{len(mentions)} mentions, {len(quotes)} quotes, {len(figures)} figures",
                  url=link(url) if url else "", body=Markup(body))


def _by_article(frame, ids: set[str]) -> dict[str, list[dict]]:
    """The rows of `frame` for the articles in `ids`, grouped by article (one pass over the table)."""
    if frame is None or len(frame) == 0 or "article_id" not in frame:
        return {}
    keys = frame["article_id"].astype(str)
    rows = frame[keys.isin(ids)]
    out: dict[str, list[dict]] = {}
    for row in rows.to_dict("records"):
        out.setdefault(str(row["article_id"]), []).append(row)
    return out


def annotated_articles(ann, article_ids=None, *, limit: int | None = 50, open_first: int = 5) -> AnnotatedView:
    """The annotated view of a corpus (an `Annotations`): legend, then each article with its actors,
    quotes (coloured by speaker) and figures highlighted in the text.

    `article_ids` picks articles (default: all, in corpus order; an empty list or "" means all);
    `limit` caps how many are drawn, and a sentence above the articles says when it did."""
    articles = ann.articles
    if article_ids is not None and len(article_ids):
        wanted = [str(a) for a in ([article_ids] if isinstance(article_ids, str) else article_ids)]
        articles = articles[articles["article_id"].astype(str).isin(wanted)]
        missing = sorted(set(wanted) - set(articles["article_id"].astype(str)))
    else:
        missing = []
    total = len(articles)
    if limit is not None and limit >= 0:
        articles = articles.head(limit)
    shown_ids = set(articles["article_id"].astype(str))
    quotes = ann.quotes
    if len(quotes):
        quotes = quotes[quotes["article_id"].astype(str).isin(shown_ids)]
    colours = speaker_colours(quotes)
    quote_counts = {}
    if len(quotes):
        quote_counts = quotes["speaker"].fillna("").astype(str).value_counts().to_dict()
    mentions = _by_article(ann.mentions, shown_ids)
    quote_rows = _by_article(quotes, shown_ids)
    figure_rows = _by_article(ann.figures, shown_ids)
    drawn = [Markup(annotated_article(article, mentions.get(str(article["article_id"]), []),
                                      quote_rows.get(str(article["article_id"]), []),
                                      figure_rows.get(str(article["article_id"]), []), colours,
                                      open_=i < open_first))
             for i, article in enumerate(articles.to_dict("records"))]
    return AnnotatedView(render("articles.html.j2", legend=Markup(annotation_legend(colours, quote_counts)),
                                shown=len(articles), total=total, missing=missing, articles=drawn))


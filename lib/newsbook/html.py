"""HTML fragments for reports. Article text is untrusted: everything shown of it is escaped here."""

from __future__ import annotations

import html

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
            run.append(html.escape(tok, quote=True))
            continue
        if run:
            out.append(f'<{tag} style="{style}">{"".join(run)}</{tag}>')
            run = []
        out.append(html.escape(tok, quote=True))
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
    cell = "vertical-align:top;padding:6px 10px;border:1px solid #ddd;width:50%;line-height:1.5"
    head = "text-align:left;padding:4px 10px;border:1px solid #ddd;background:#f6f6f6;font-weight:600"
    caption = (f'<caption style="text-align:left;padding:4px 0;font-weight:600">{html.escape(str(title))}</caption>'
               if title else "")
    header = ""
    if label_a or label_b:
        header = (f'<tr><th style="{head}">{html.escape(str(label_a))}</th>'
                  f'<th style="{head}">{html.escape(str(label_b))}</th></tr>')
    return QuoteDiffView(
        f'<table class="newsbook-quote-diff" style="border-collapse:collapse;width:100%;margin:6px 0 14px">'
        f"{caption}{header}<tr><td style=\"{cell}\">{left}</td><td style=\"{cell}\">{right}</td></tr></table>"
    )


def quote_pairs_html(matches, articles=None, *, limit: int | None = 50) -> str:
    """Every matched pair (`quote_matches` rows) as a side-by-side diff, best match first; the
    columns are labelled with the outlet (or title, or id) of each article."""
    if matches is None or len(matches) == 0:
        return QuoteDiffView('<p class="newsbook-quote-diff-empty"><em>No quote was matched across sources.</em></p>')
    labels = {}
    if articles is not None and len(articles):
        for row in articles.itertuples(index=False):
            name = str(getattr(row, "outlet", "") or "") or str(getattr(row, "title", "") or "") or row.article_id
            labels[row.article_id] = f"{name} ({row.article_id})" if name != row.article_id else name
    parts = []
    rows = matches.sort_values("similarity", ascending=False, kind="stable")
    if limit is not None and len(rows) > limit:
        parts.append(f'<p class="nb-table-note"><em>Showing the {limit:,} most similar of {len(rows):,} pairs; '
                     "every pair is in the table above.</em></p>")
        rows = rows.head(limit)
    for r in rows.itertuples(index=False):
        title = f"{r.speaker or 'Unattributed'} — similarity {float(r.similarity):.2f}"
        relation = str(getattr(r, "relation", "") or "")
        if relation and relation != "same":  # a cut must not hide behind a high similarity
            left_out = str(getattr(r, "left_out", "") or "")
            title += f" — {relation}" + (f"; left out: {left_out[:300]}" if left_out else "")
        parts.append(quote_diff_html(r.quote_a, r.quote_b, title=title,
                                     label_a=labels.get(r.article_id_a, r.article_id_a),
                                     label_b=labels.get(r.article_id_b, r.article_id_b)))
    return QuoteDiffView("".join(parts))

# --- annotated article view --------------------------------------------------------------------
#
# Each article's text with its extractions highlighted in place, so a reader can check every one
# in context: quotes as coloured backgrounds (one colour per speaker, grey when unattributed), the
# words naming the speaker underlined in the speaker's colour, actor mentions underlined by kind,
# figures boxed.  Spans may overlap (a mention inside a quote, a figure inside a mention, two
# quotes sharing words): the text is cut at every span boundary into segments, and each segment
# is drawn with the innermost span of each layer, so the markup always nests.  Every style is an
# inline `style` attribute (it survives the report sanitiser and shows in JupyterLab unchanged);
# every piece of article text and metadata goes through `html.escape`.

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


def _e(value) -> str:
    """Escape anything for HTML text or a double-quoted attribute; NaN/None become ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


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
        q = _innermost(layers["quote"])
        if q:
            out.append(f'<span class="nb-quote" data-quote="{_e(q[3]["qid"])}" title="{_e(" / ".join(titles))}" '
                       f'style="background-color:{q[3]["bg"]};box-shadow:0 2px 0 {q[3]["strong"]}">')
            opened.append("</span>")
        sp = _innermost(layers["speaker"])
        if sp:
            out.append(f'<span class="nb-speaker" style="text-decoration:underline;text-decoration-color:{sp[3]["strong"]};'
                       f'text-decoration-thickness:3px;text-underline-offset:3px"'
                       + ("" if q else f' title="{_e(" / ".join(titles))}"') + ">")
            opened.append("</span>")
        m = _innermost(layers["mention"])
        if m:
            kind = m[3]["kind"]
            colour = MENTION_COLOURS.get(kind, "#555555")
            out.append(f'<span class="nb-mention nb-{_e(kind or "actor")}" style="font-weight:600;color:{colour};'
                       f'border-bottom:2px {MENTION_STYLES.get(kind, "solid")} {colour}"'
                       + ("" if q or sp else f' title="{_e(" / ".join(titles))}"') + ">")
            opened.append("</span>")
        f = _innermost(layers["figure"])
        if f:
            out.append(f'<span class="nb-figure" style="{FIGURE_STYLE}"'
                       + ("" if q or sp or m else f' title="{_e(" / ".join(titles))}"') + ">")
            opened.append("</span>")
        out.append(segment)
        out.extend(reversed(opened))
    return "".join(out)


def annotation_legend(colours: dict[str, tuple[str, str]], quote_counts: dict[str, int] | None = None,
                      unattributed: bool = True) -> str:
    """Legend: one swatch per speaker, the mention kinds and the figure box."""
    quote_counts = quote_counts or {}
    items = []
    for speaker, (bg, strong) in colours.items():
        n = quote_counts.get(speaker)
        items.append(f'<span style="background-color:{bg};box-shadow:0 2px 0 {strong};padding:0 4px;margin-right:6px;white-space:nowrap;display:inline-block;line-height:1.5">'
                     f'{_e(speaker)}{f" ({n})" if n else ""}</span>')
    if unattributed:
        bg, strong = UNATTRIBUTED_COLOURS
        items.append(f'<span style="background-color:{bg};box-shadow:0 2px 0 {strong};padding:0 4px;margin-right:6px;white-space:nowrap;display:inline-block;line-height:1.5">'
                     "unattributed quote</span>")
    kinds = " ".join(
        f'<span style="font-weight:600;color:{c};border-bottom:2px {MENTION_STYLES[k]} {c};margin-right:6px">{k}</span>'
        for k, c in MENTION_COLOURS.items())
    return ('<div class="nb-legend" style="line-height:2">'
            f'<div><strong>Quotes by speaker</strong> (background; the words naming the speaker are underlined in '
            f'the same colour): {"".join(items) or "none"}</div>'
            f'<div><strong>Actor mentions</strong>: {kinds}</div>'
            f'<div><strong>Figures</strong>: <span style="{FIGURE_STYLE}">boxed</span>. '
            'Hover any highlight for what was extracted.</div></div>')


def annotated_article(article: dict, mentions: list[dict], quotes: list[dict], figures: list[dict],
                      colours: dict[str, tuple[str, str]], *, open_: bool = True) -> str:
    """One article: an escaped header (title, outlet, date, byline, url as text) and its annotated text."""
    aid = str(article.get("article_id") or "")
    meta = [str(article.get(k) or "") for k in ("outlet", "date", "byline")]
    words = _int(article.get("words"), default=-1)
    if words >= 0:
        meta.append(f"{words} words")
    counts = f"{len(mentions)} mentions, {len(quotes)} quotes, {len(figures)} figures"
    url = str(article.get("url") or "")
    header = (f'<summary><strong>{_e(article.get("title") or aid)}</strong> '
              f'<span style="color:#666">[{_e(aid)}] {_e(" · ".join(m for m in meta if m))}; {counts}</span></summary>')
    url_line = f'<div style="color:#666;font-size:0.85em;word-break:break-all">source: {_e(url)}</div>' if url else ""
    body = annotate_text(article.get("text") or "", mentions, quotes, figures, colours)
    return (f'<details class="nb-article" id="article-{_e(aid)}" data-article-id="{_e(aid)}"'
            f'{" open" if open_ else ""} style="margin:0.8em 0;border-top:1px solid #ddd;padding-top:0.4em">'
            f'{header}{url_line}'
            f'<div class="nb-article-text" style="white-space:pre-wrap;line-height:1.7;max-width:48em;'
            f'font-family:Georgia,serif">{body}</div></details>')


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
    parts = [annotation_legend(colours, quote_counts)]
    if total > len(articles):
        parts.append(f'<p class="nb-table-note"><em>Showing the first {len(articles):,} of {total:,} articles '
                     "(in corpus order). Choose others with the <code>articles</code> parameter (a list of "
                     "article ids) or show more with <code>max_articles</code>.</em></p>")
    if missing:
        parts.append(f'<p class="nb-table-note"><em>No article with the id{"s" if len(missing) > 1 else ""} '
                     f'{_e(", ".join(missing))} in this corpus.</em></p>')
    mentions = _by_article(ann.mentions, shown_ids)
    quote_rows = _by_article(quotes, shown_ids)
    figure_rows = _by_article(ann.figures, shown_ids)
    for i, article in enumerate(articles.to_dict("records")):
        aid = str(article["article_id"])
        parts.append(annotated_article(article, mentions.get(aid, []), quote_rows.get(aid, []),
                                       figure_rows.get(aid, []), colours, open_=i < open_first))
    if not total:
        parts.append("<p><em>No articles.</em></p>")
    return AnnotatedView('<div class="nb-annotated">' + "".join(parts) + "</div>")

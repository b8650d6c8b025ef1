"""Sanitising report HTML: `sanitize_html`, the second line of defence behind escaping.  nh3 keeps an
allow-list of tags and attributes; the filters here decide ids, links, images and CSS (inline
styles and the style blocks of pandas tables)."""

from __future__ import annotations

import functools
import re


# --- sanitising: the second line of defence -----------------------------------------------------
#
# Article text never reaches a report as markup: every value from an article is escaped where it is
# written (pandas `to_html(escape=True)` / Styler `escape="html"` for cells *and* headers, Jinja2
# autoescape in newsbook.html, `_json_for_script` for chart specs).  `sanitize_html` only sees HTML
# that newsbook's own code and notebooks generate, and makes sure that even if an escape were
# forgotten, nothing in an output can run, load, hide the page or impersonate a chart:
# nh3 (ammonia) parses it like a browser does, keeps an allow-list of tags and attributes, and
# newsbook's filters below decide ids, links, images and CSS.

_ALLOWED_TAGS = frozenset("""
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong style sub summary sup
table tbody td tfoot th thead time tr u ul var section article header footer nav aside
""".split())
# Removed together with everything inside them (other unknown tags lose only the tag).
_CONTENT_DROPPED_TAGS = frozenset("""
script template iframe object embed noscript noembed noframes textarea title xmp svg math select
""".split())
_GLOBAL_ATTRIBUTES = frozenset({"class", "title", "id", "style", "lang", "dir", "role", "aria-label", "aria-hidden",
                                "tabindex"})
_TAG_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "table": {"border"},
    "tr": {"align"},
}
_CSS_PROPERTIES = frozenset("""
color background background-color border border-top border-bottom border-left border-right border-color
border-bottom-color border-top-color border-left-color border-right-color border-style border-width
border-radius border-collapse box-shadow outline font-weight font-style font-size font-family font-variant
text-decoration text-decoration-color text-decoration-thickness text-decoration-line text-decoration-style
text-underline-offset text-align text-transform vertical-align white-space word-break line-height
letter-spacing margin margin-top margin-bottom margin-left margin-right padding padding-top padding-bottom
padding-left padding-right display width max-width min-width height max-height min-height opacity
list-style-type overflow overflow-x
""".split())
# A CSS value may hold words, numbers, colours and rgb()/hsl()-style functions, nothing that loads,
# escapes or runs (no url(), image-set(), expression(), backslash escapes, quotes or @-rules).
_SAFE_CSS_VALUE = re.compile(r"[A-Za-z0-9_#%.,()\s+-]*(?:\s*!important)?")
_UNSAFE_CSS = re.compile(r"url|image|expression|@|\\|javascript|behavior|binding|var\s*\(|attr\s*\(", re.IGNORECASE)
# Style blocks are kept only for the tables pandas draws: every selector must start at a Styler
# table's id (#T_...) or at pandas' `.dataframe` class, and may only descend into it.
_SAFE_SELECTOR = re.compile(r"(?:#T_[A-Za-z0-9_]+|\.dataframe)(?:[ >]+[A-Za-z0-9_#.:()-]+|[A-Za-z0-9_#.:()-])*")
# `nb-` ids and markers belong to the page's own chart elements; identifier-like ids would become
# `window` properties (DOM clobbering).  Kept: pandas Styler's `T_...` ids (its style block needs
# them), ids with a hyphen, and heading ids (the markdown anchors).
_RESERVED_PREFIX = "nb-chart"
_STYLER_ID = re.compile(r"T_[A-Za-z0-9_]+")
_DATA_IMAGE = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp", "data:image/svg+xml")
LINK_REL = "noopener noreferrer nofollow"


@functools.lru_cache(maxsize=4096)  # the annotated view repeats a few dozen styles thousands of times
def _safe_declarations(css: str) -> str:
    """The declarations of `css` (a style attribute or a rule's body) whose property is allowed and
    whose value cannot load or run anything, normalised as `prop:value;...`."""
    import tinycss2

    kept = []
    for decl in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
        if decl.type != "declaration" or decl.lower_name not in _CSS_PROPERTIES:
            continue
        value = tinycss2.serialize(decl.value).strip()
        if not value or _UNSAFE_CSS.search(value) or not _SAFE_CSS_VALUE.fullmatch(value):
            continue
        kept.append(f"{decl.lower_name}:{value}{' !important' if decl.important else ''}")
    return ";".join(kept)


def _safe_style_block(css: str) -> str:
    """A style element's text reduced to plain rules on pandas tables (see `_SAFE_SELECTOR`);
    at-rules, other selectors and unsafe declarations are dropped."""
    import tinycss2

    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue  # @import, @font-face, @media ... and parse errors
        selectors = [" ".join(s.split()) for s in tinycss2.serialize(rule.prelude).split(",")]
        if not selectors or not all(_SAFE_SELECTOR.fullmatch(s) for s in selectors):
            continue
        body = _safe_declarations(tinycss2.serialize(rule.content))
        if body:
            rules.append(f"{', '.join(selectors)} {{{body}}}")
    return "\n".join(rules)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute callback: the value to keep, or None to drop the attribute."""
    low = value.strip().lower()
    if name == "id":
        if low.startswith("nb-"):
            return None
        keep = _STYLER_ID.fullmatch(value) or "-" in value or tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        return value if keep else None
    if name == "class":
        kept = [c for c in value.split() if not c.lower().startswith(_RESERVED_PREFIX)]
        return " ".join(kept) or None
    if name.startswith("data-"):
        ok = re.fullmatch(r"data-[a-z0-9_.-]+", name) and not name.startswith(("data-nb-", "data-rendered"))
        return value if ok else None
    if name == "style":
        return _safe_declarations(value) or None
    if tag == "img" and name == "src":
        return value if low.startswith(_DATA_IMAGE) else None
    if tag == "a" and name == "href":
        return None if low.startswith("data:") else value
    return value


@functools.lru_cache(maxsize=1)
def _cleaner():
    import nh3

    attributes = {"*": set(_GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in _TAG_ATTRIBUTES.items()}}
    return nh3.Cleaner(
        tags=set(_ALLOWED_TAGS), clean_content_tags=set(_CONTENT_DROPPED_TAGS), attributes=attributes,
        attribute_filter=_filter_attribute, generic_attribute_prefixes={"data-"},
        url_schemes={"http", "https", "mailto", "data"}, link_rel=LINK_REL, strip_comments=True,
    )


def sanitize_html(fragment: str) -> str:
    """HTML newsbook generated, made safe to show even if some value in it escaped escaping: parsed
    like a browser parses it (an unclosed `<style>`, `</style/>` or a stray `</script>` cannot
    smuggle anything past), scripts and their content, event handlers, forms, frames, remote
    images, non-http(s) links, reserved and clobbering ids removed; links get
    rel="noopener noreferrer nofollow"; inline styles keep only plain properties; a style block
    keeps only plain rules on pandas' tables (Styler ids, `.dataframe`).  Tables, text markup and
    data: images stay."""
    if not fragment:
        return ""
    clean = _cleaner().clean(fragment)
    # nh3 serialises each style element as `<style>TEXT</style>`; its text cannot hold `</style`
    # followed by space, `/` or `>` (the parser ended the element there), so this finds them all.
    clean = re.sub(r"<style>(.*?)</style>",
                   lambda m: f"<style>{css}</style>" if (css := _safe_style_block(m.group(1))) else "",
                   clean, flags=re.DOTALL)
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", clean)  # an image whose source was dropped

"""A small corpus whose every field carries markup meant to take over a report (tests only).

Four wire-style articles from two outlets.  Each payload, if it ever ran or rendered as markup,
would leave a trace the browser check sees: `window.nbpwn` set, a dialog, a request to
evil.example, the page hidden, or a chart drawn from a spec that is not newsbook's."""

from __future__ import annotations

from pathlib import Path

import yaml

EVIL = "http://evil.example"
SCRIPT = "<script>window.nbpwn='script';alert('script')</script>"
IMG = "<img src=x onerror=\"window.nbpwn='img';alert('img')\">"
SVG = "<svg onload=\"window.nbpwn='svg'\"></svg>"
STYLE = "<style>body{display:none}</style>"
UNCLOSED_STYLE = f"<style>main{{background:url({EVIL}/unclosed.png)}}"
SLASH_STYLE = f"<style>.x{{}}</style/><style>html{{background:url({EVIL}/slash.png)}}</style/>"
LINK = f'<a href="{EVIL}/link" id="nbpwnlink">click</a>'
# an element posing as the first chart's spec: drawn, it would load data from evil.example
ATTACKER_SPEC = ('{"spec":{"title":"ATTACKER CHART","data":{"url":"' + EVIL + '/data.json"},'
                 '"mark":"point"},"embed":{"mode":"vega-lite"}}')
SPEC_ID = f'<div id="nb-chart-1-spec">{ATTACKER_SPEC}</div><b id="nb-chart-2-spec">x</b>'
END_SCRIPT = "</script><script>window.nbpwn='json'</script><!--"
JS_URL = "javascript:window.nbpwn='url';alert('url')"
QUOTE_URL = f"{EVIL}/story?q=\"><script>window.nbpwn='href'</script>"

OUTLET_A = f"Daily {STYLE} Planet {SPEC_ID}"
OUTLET_B = f"Evening {LINK} Post {SLASH_STYLE}{UNCLOSED_STYLE}"
SPEAKER = f"Anna {SCRIPT} Petrova {STYLE}"  # actors.yaml renames the extracted speaker to this
OFFICIAL = f"Mark {IMG} Olsen"

ARTICLES = {
    "a1": dict(title=f"Ministry {SCRIPT} orders diplomats out", outlet=OUTLET_A, byline=f"Jane Roe {IMG}",
               date="2024-03-12", url=JS_URL,
               text=("The foreign ministry said on Tuesday that 120 diplomats would leave the capital by Friday. "
                     f"\"We will not accept this {SCRIPT} pressure,\" said Anna Petrova, a spokeswoman for the "
                     "ministry.\n\n"
                     f"About 40 percent of the embassy staff {END_SCRIPT} had already been moved, officials said. "
                     f"Mark Olsen, the deputy minister, said the decision was final {STYLE}.\n")),
    "a2": dict(title=f"Diplomats told to leave {UNCLOSED_STYLE}", outlet=OUTLET_A, byline=f"John Doe {SVG}",
               date="2024-03-12", url=QUOTE_URL,
               text=("The government ordered 150 diplomats to leave the country within a week, the ministry "
                     f"said. {SPEC_ID} \"This is a firm decision {IMG},\" Anna Petrova told reporters.\n\n"
                     f"Mark Olsen said 300 staff {SLASH_STYLE} would be affected {LINK}.\n")),
    "a3": dict(title=f"Capital expels envoys {STYLE}", outlet=OUTLET_B, byline=f"Ann Smith {SCRIPT}",
               date="2024-03-13", url=f"{EVIL}/a3",
               text=("The foreign ministry said 120 diplomats would leave the capital by Friday. "
                     f"\"We will not accept this pressure {END_SCRIPT},\" Anna Petrova said on Wednesday.\n\n"
                     f"About 40 percent of the embassy staff {UNCLOSED_STYLE} had already left, according to "
                     "Mark Olsen.\n")),
    "a4": dict(title=f"Envoys leave {SLASH_STYLE} {LINK}", outlet=OUTLET_B, byline=f"Bob Lee {STYLE}",
               date="2024-03-13", url="data:text/html,<script>window.nbpwn='data'</script>",
               text=("The ministry said 150 diplomats were ordered out on Tuesday. "
                     f"Mark Olsen said 300 staff would be affected {SCRIPT}. "
                     f"\"The decision is final,\" said Anna Petrova {SVG}.\n")),
}

# article ids from front matter: markup, quotes and a reserved chart id (no "/": ids name files)
HOSTILE_IDS = {"a1": "a1", "a2": 'a2 <i id="nb-chart-1-spec" class="nb-chart">x', "a3": "a3 <b>'\"&", "a4": "a4"}

# Strings that must be visible, as text, in the reports named
VISIBLE = {
    "overview": [OUTLET_A, "Ministry " + SCRIPT, "javascript:window.nbpwn", STYLE, "nb-chart-1-spec"],
    "figures": ["Daily " + STYLE + " Planet", "Evening " + LINK + " Post"],
    "quotes": ["Anna " + SCRIPT + " Petrova"],
    "actors": ["Anna " + SCRIPT + " Petrova", OFFICIAL],
}


def write_hostile_corpus(folder: Path) -> Path:
    """The four articles as .txt files with YAML front matter, a metadata.csv overriding one
    byline, and an actors.yaml giving the two officials hostile names."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, article in ARTICLES.items():
        meta = {k: v for k, v in article.items() if k != "text"}
        meta["article_id"] = HOSTILE_IDS[key]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
        (folder / f"{key}.txt").write_text(f"---\n{front}---\n\n{article['text']}", encoding="utf-8")
    rows = [["article_id", "byline"], ["a4", f"Bob Lee {IMG} {END_SCRIPT}"]]
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (folder / "metadata.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "actors.yaml").write_text(
        yaml.safe_dump({"rename": {"Anna Petrova": SPEAKER, "Mark Olsen": OFFICIAL}}, allow_unicode=True),
        encoding="utf-8")
    return folder

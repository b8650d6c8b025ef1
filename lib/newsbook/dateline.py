"""The wire dateline, detected once for every stage: where a paragraph opens with the place a story was
filed from and, in brackets, the agency that filed it ("WASHINGTON (Reuters) - ", "LONDON, Feb 4
(Reuters) - ", "SACRAMENTO, Calif. (AP) — ", "KABUL — ", "Washington (CNN) — ").

The actors stage reads the article's opening dateline for its place (a place, whatever the model says)
and its agency (the story's source, not an actor); the quotes stage reads where each paragraph's
dateline ends (it is no part of the story's sentences: the parser makes the place a second subject,
"LONDON — Arteta insisted ...", and it would otherwise open the first reported clause).

The pattern is data: its pieces live in rules/dateline.yaml (a character pattern over the first line,
so a regular expression rather than a spaCy token pattern); this module puts them together."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _rules() -> dict:
    """rules/dateline.yaml: the pieces of the dateline pattern."""
    from importlib import resources

    import yaml

    return yaml.safe_load(resources.files("newsbook").joinpath("rules", "dateline.yaml").read_text("utf-8"))


def _pattern(rules: dict) -> re.Pattern:
    """The dateline pattern, put together from the pieces in rules/dateline.yaml (see its comment)."""
    region = f"(?:{rules['region']}){{0,2}}"
    dash = f"[{rules['dashes']}]{{1,2}}"

    def agency(group: str) -> str:
        return rf"\((?P<{group}>{rules['agency']})\)"

    capitals = f"(?P<place>(?:{rules['capitals']})(?:{rules['capitals_more']}){{0,3}})"
    titled = f"(?P<titled_place>{rules['titled_word']}(?: {rules['titled_word']}){{0,3}})"
    return re.compile(
        rf"[ \t]*(?:{capitals}{region}\s*(?:{agency('agency')})?\s*(?:{dash}|(?P<colon>:))"
        rf"|{titled}{region}\s*{agency('titled_agency')}\s*{dash})"
        r"[ \t]+(?=\S)")


_RULES = _rules()
DATELINE = _pattern(_RULES)
_MIN_PLACE_LETTERS: int = _RULES["min_place_letters"]


@dataclass(frozen=True)
class Dateline:
    place: tuple[int, int] | None = None  # character span of the filing place
    agency: tuple[int, int] | None = None  # character span of the agency in brackets
    end: int = 0  # where the paragraph's own text begins (its start when there is no dateline)

    def agency_name(self, text: str) -> str:
        return text[self.agency[0]:self.agency[1]] if self.agency else ""


def find_dateline(text: str, start: int = 0) -> Dateline:
    """The dateline opening the story (or the paragraph at `start`), or an empty one. One in capitals
    before a colon ("NEW DELHI: ") ends where the paragraph's text begins but names no place or
    agency: a headline's kicker has the same shape ("REPORT: ", "MUST SEE: ", "NCAA: ")."""
    match = DATELINE.match(text, start)
    if not match or (match.group("place") and not match.group("agency")
                     and sum(c.isalpha() for c in match.group("place")) < _MIN_PLACE_LETTERS):  # "US - China talks"
        return Dateline(end=start)
    if match.group("colon"):
        return Dateline(end=match.end())
    place = "place" if match.group("place") else "titled_place"
    agency = "agency" if match.group("place") else "titled_agency"
    return Dateline(match.span(place), match.span(agency) if match.group(agency) else None, match.end())


def dateline_end(text: str, start: int = 0) -> int:
    """End offset of the dateline opening the paragraph at `start`, or `start` if there is none."""
    return find_dateline(text, start).end

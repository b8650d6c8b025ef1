"""The wire dateline, detected once for every stage: where a paragraph opens with the place a story was
filed from and, in brackets, the agency that filed it ("WASHINGTON (Reuters) - ", "LONDON, Feb 4
(Reuters) - ", "SACRAMENTO, Calif. (AP) — ", "KABUL — ", "Washington (CNN) — ").

The actors stage reads the article's opening dateline for its place (a place, whatever the model says)
and its agency (the story's source, not an actor); the quotes stage reads where each paragraph's
dateline ends (it is no part of the story's sentences: the parser makes the place a second subject,
"LONDON — Arteta insisted ...", and it would otherwise open the first reported clause)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REGION = r"(?:,\s*[A-Z][A-Za-z.]{1,12}(?: [A-Z][A-Za-z.]{1,12}){0,2}(?:\s+\d{1,2})?){0,2}"  # ", Costa Rica", ", Feb 4"
# a place's first word in capitals: 3+ characters ("WASHINGTON", "PORT-AU-PRINCE") or an abbreviation
# ("ST. LOUIS", "N.Y."); "ON DEADLINE:" or "A FIRE - BOMB attack" open no dateline
_CAPITALS = r"(?:[A-Z][A-Z.'’\-]+[A-Z]|[A-Z][A-Z]?\.(?:[A-Z]\.)*)"
_AGENCY = r"\((?P<{}>[A-Za-z][^()\n]{{0,40}})\)"  # "(Reuters)"
# A place in capitals ("ST. LOUIS", 3+ letters unless its agency follows: "N.Y. (AP)") may stand
# alone before the dash; a Title-case place needs its agency in brackets: a capitalised name and a
# dash alone may open a sentence ("Jane Smith — who ran the club — left").
DATELINE = re.compile(
    r"[ \t]*(?:(?P<place>" + _CAPITALS + r"(?:[ /][A-Z][A-Z.'’\-]*){0,3})" + _REGION
    + r"\s*(?:" + _AGENCY.format("agency") + r")?\s*(?:[-—–]{1,2}|(?P<colon>:))"
    + r"|(?P<titled_place>[A-Z][a-z.'’\-]+(?: [A-Z][a-z.'’\-]+){0,3})" + _REGION
    + r"\s*" + _AGENCY.format("titled_agency") + r"\s*[-—–]{1,2})"
    r"[ \t]+(?=\S)")


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
                     and sum(c.isalpha() for c in match.group("place")) < 3):  # "US - China talks"
        return Dateline(end=start)
    if match.group("colon"):
        return Dateline(end=match.end())
    place = "place" if match.group("place") else "titled_place"
    agency = "agency" if match.group("place") else "titled_agency"
    return Dateline(match.span(place), match.span(agency) if match.group(agency) else None, match.end())


def dateline_end(text: str, start: int = 0) -> int:
    """End offset of the dateline opening the paragraph at `start`, or `start` if there is none."""
    return find_dateline(text, start).end

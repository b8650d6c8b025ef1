"""The wire dateline (newsbook.dateline), its pattern read from rules/dateline.yaml: place, agency
and where the paragraph's own text begins, on our own wire-style openings."""

from __future__ import annotations

import pytest
import yaml

from newsbook import dateline, rules


@pytest.mark.parametrize("text, place, agency, body", [
    ("MOSCOW (Reuters) - Russia's central bank held rates.", "MOSCOW", "Reuters", "Russia's central bank held rates."),
    ("BUENOS AIRES, March 3 (AFP) -- Inflation slowed.", "BUENOS AIRES", "AFP", "Inflation slowed."),
    ("PORT-AU-PRINCE, Haiti (AP) — Gangs blocked the road.", "PORT-AU-PRINCE", "AP", "Gangs blocked the road."),
    ("N.Y. (AP) — A judge ruled.", "N.Y.", "AP", "A judge ruled."),
    ("NAIROBI — Lawmakers voted on Tuesday.", "NAIROBI", "", "Lawmakers voted on Tuesday."),
    ("Geneva (Reuters) - The agency said.", "Geneva", "Reuters", "The agency said."),
])
def test_a_dateline_gives_place_agency_and_body(text, place, agency, body):
    found = dateline.find_dateline(text)
    assert text[slice(*found.place)] == place
    assert found.agency_name(text) == agency
    assert text[found.end:] == body


@pytest.mark.parametrize("text", [
    "Maria Lopez — who ran the clinic — resigned.",  # a Title-case name and a dash need an agency
    "UK - EU talks resumed on Monday.",  # too few letters for a place without an agency
    "The minister said on Monday.",
])
def test_no_dateline(text):
    found = dateline.find_dateline(text)
    assert found.place is None and found.agency is None and found.end == 0


def test_a_kicker_before_a_colon_ends_no_place():
    text = "BREAKING: The vote is delayed."
    found = dateline.find_dateline(text)
    assert found.place is None and text[found.end:] == "The vote is delayed."


def test_a_paragraph_further_down_has_its_own_dateline():
    text = "First paragraph.\n\nPARIS (AFP) - Second one."
    start = text.index("PARIS")
    assert text[dateline.dateline_end(text, start):] == "Second one."


def test_the_pattern_is_read_from_the_rule_file():
    data = yaml.safe_load((rules.FOLDER / "dateline.yaml").read_text(encoding="utf-8"))
    assert data["agency"] in dateline.DATELINE.pattern and data["region"] in dateline.DATELINE.pattern
    assert dateline._MIN_PLACE_LETTERS == data["min_place_letters"]

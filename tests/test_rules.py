"""The rule data in lib/newsbook/rules/: every file is documented in its README, and every list
is well formed (no empty list, no entry twice in one list)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newsbook import figure_lexicon, rules

FOLDER = Path(rules.__file__).parent
FILES = sorted(p for p in FOLDER.iterdir() if p.suffix in (".txt", ".yaml"))


def test_every_rule_file_is_listed_in_the_readme():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert FILES
    assert [p.name for p in FILES if f"`{p.name}`" not in readme] == []


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".yaml"], ids=lambda p: p.name)
def test_yaml_lists_are_well_formed(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data, path.name
    for name, value in data.items():
        assert value, f"{path.name}: {name} is empty"
        if isinstance(value, list):
            doubled = sorted({v for v in value if value.count(v) > 1})
            assert doubled == [], f"{path.name}: {name} lists {doubled} twice"


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".txt"], ids=lambda p: p.name)
def test_word_lists_are_not_empty(path):
    assert rules.words(path.stem), path.name


def test_figure_lexicon_reads_the_data_files():
    # a sample of each file, so a renamed section fails here rather than as a silent empty list
    assert figure_lexicon.UNITS_WORDS["seventeen"] == 17 and figure_lexicon.TENS_WORDS["forty"] == 40
    assert figure_lexicon.MONTHS["sept"] == 9 and "tuesday" in figure_lexicon.WEEKDAYS
    assert (("more", "than"), "over") in figure_lexicon._QUAL_PATTERNS
    assert figure_lexicon.POST_QUALIFIERS[("or", "so")] == "about"
    assert "plummet" in figure_lexicon.CHANGE_VERBS and "PERSON" in figure_lexicon.NAME_ENTS
    assert "soldier" in figure_lexicon.PERSON_NOUNS and "ist" in figure_lexicon._PERSON_SUFFIXES
    assert figure_lexicon._NUM_RE.match("US$4.5bn") and figure_lexicon._DECADE_RE.match("the-'80s")
    assert figure_lexicon.CURRENCY_PREFIX["€"] == "EUR" and figure_lexicon.MEASURE_UNITS["km"] == "km"

"""actors.yaml cycles (issue 19 item 8) and actors.yaml as untrusted YAML (issue 17 item 4): a merge,
rename or alias cycle is an error naming the entries; the file never builds objects from tags and
a bomb is refused."""

from __future__ import annotations

import pytest

from newsbook import actor_corrections, actors, pipeline
from newsbook.errors import CorrectionsError


@pytest.mark.parametrize("data, named", [
    ({"rename": {"Jane Doe": "John Roe", "John Roe": "Jane Doe"}},
     ["rename 'Jane Doe' → 'John Roe'", "rename 'John Roe' → 'Jane Doe'"]),
    ({"merge": {"Jane Doe": ["John Roe"], "John Roe": ["Jane Doe"]}},
     ["merge 'John Roe' → 'Jane Doe'", "merge 'Jane Doe' → 'John Roe'"]),
    ({"merge": {"Jane Doe": ["John Roe"]}, "rename": {"Jane Doe": "john roe"}},
     ["merge 'John Roe' → 'Jane Doe'", "rename 'Jane Doe' → 'john roe'"]),
    ({"aliases": {"Acme Corp": ["Acme"]}, "rename": {"Acme Corp": "Beta Ltd", "Beta Ltd": "ACME"}},
     ["alias 'Acme' → 'Acme Corp'", "rename 'Acme Corp' → 'Beta Ltd'", "rename 'Beta Ltd' → 'ACME'"]),
])
def test_a_cycle_is_an_error_naming_its_entries(data, named):
    with pytest.raises(CorrectionsError) as info:
        actors.parse_corrections(data, "study/actors.yaml")
    assert info.value.path == "study/actors.yaml"
    for entry in named:
        assert entry in info.value.reason


@pytest.mark.parametrize("data", [
    {"rename": {"Jane Doe": "John Roe", "John Roe": "Richard Poe"}},  # a chain, not a cycle
    {"merge": {"Jane Doe": ["J. Doe", "Doe"]}, "rename": {"Jane Doe": "Jane Doe-Smith"}},
    {"rename": {"Jane Doe": "JANE DOE"}},  # the same name: no cycle
])
def test_chains_are_not_cycles(data):
    actors.parse_corrections(data, "actors.yaml")


def test_the_cycle_error_comes_before_any_mention_is_changed(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("rename:\n  Jane Doe: John Roe\n  John Roe: Jane Doe\n", encoding="utf-8")
    corrections, rows = pipeline.load_corrections(path)
    assert corrections.rename == {} and corrections.merge == {}
    assert len(rows) == 1 and rows[0]["stage"] == "corrections" and rows[0]["path"] == str(path)
    assert "'Jane Doe' → 'John Roe'" in rows[0]["reason"] and "'John Roe' → 'Jane Doe'" in rows[0]["reason"]


@pytest.mark.parametrize("text, reason", [
    ("drop: !!python/object/apply:os.system ['touch {marker}']\n", "is not allowed"),
    ("drop: !!python/name:os.system\n", "is not allowed"),
    ("rename: !!set {a: null}\n", "is not allowed"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\ndrop: *g\n", "YAML bomb"),
])
def test_actors_yaml_builds_no_objects_and_refuses_bombs(tmp_path, text, reason):
    marker = tmp_path / "MARKER"
    path = tmp_path / "actors.yaml"
    path.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    with pytest.raises(CorrectionsError) as info:
        actors.load_corrections(path)
    assert reason in info.value.reason and str(path) in str(info.value)
    assert not marker.exists()


def test_actors_yaml_folder_and_oversize_are_sentences(tmp_path, monkeypatch):
    folder = tmp_path / "a" / "actors.yaml"
    folder.mkdir(parents=True)
    with pytest.raises(CorrectionsError, match="is a folder, not a file"):
        actors.load_corrections(folder)
    monkeypatch.setattr(actor_corrections, "MAX_CORRECTIONS_BYTES", 100)
    big = tmp_path / "actors.yaml"
    big.write_text("drop:\n" + "  - Somebody\n" * 20, encoding="utf-8")
    with pytest.raises(CorrectionsError, match="larger than the 100 bytes"):
        actors.load_corrections(big)


def test_empty_and_utf16_actors_yaml_are_read(tmp_path):
    empty = tmp_path / "empty" / "actors.yaml"
    empty.parent.mkdir()
    empty.write_text("", encoding="utf-8")
    assert actors.load_corrections(empty).rename == {}
    utf16 = tmp_path / "actors.yaml"
    utf16.write_text("rename:\n  Zoë Ma: Zoë Ma-Lin\n", encoding="utf-16")  # with a byte-order mark
    assert actors.load_corrections(utf16).rename == {"Zoë Ma": "Zoë Ma-Lin"}

"""Notebook parameters: read as data by the declared type, checked before anything runs, written into
the notebook so that it sees exactly the value given (round trip through a real kernel), and a
note when a speaker or article id matches nothing."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from newsbook import parameters as P
from newsbook import report
from newsbook.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# Values that would run code if a parameter were written into the notebook by string templating
# (MARKER is replaced by a path in the test's folder).
HOSTILE = [
    'x"; open(r"MARKER", "w").close(); y = "',
    "x'; open(r'MARKER', 'w').close(); y = '",
    'x"""; open(r"MARKER", "w").close(); """',
    "ends with a backslash \\",
    '\\"; open(r"MARKER", "w").close() #',
    "two\nlines\nopen(r'MARKER', 'w').close()",
    "{{ open(r'MARKER', 'w').close() }} {0} {name} %s",
    "__import__('os').system('touch MARKER')",
    "unicode: Ελληνικά, 中文, emoji \U0001F600, rtl \u202e, nul-free tab\tend",
    "!!binary IiksIG9wZW4oIk1BUktFUiIsInciKSAj",
    "[not, a, list",
    "x" * 100_000,
]


def declared(line: str) -> P.Declared:
    return next(iter(P.declared_parameters(line).values()))


# --- reading values ------------------------------------------------------------------------------


def test_declared_types_come_from_default_or_annotation():
    kinds = {name: d.kind for name, d in P.declared_parameters(
        'a = 1\nb = 0.5\nc = False\nd = "x"\ne = ["p"]\nf = []\ng = {}\nh = None\ni: list[str] = []\n'
        "j = some_function()\nk: float = 1").items()}
    assert kinds == {"a": "int", "b": "float", "c": "bool", "d": "str", "e": "list[str]", "f": "list", "g": "dict",
                     "h": "any", "i": "list[str]", "j": "any", "k": "float"}
    limits = declared("n = 5  # shown (at least 1)")
    assert (limits.minimum, limits.maximum) == (1, None)
    ranged = declared("s = 0.5  # similarity (from 0 to 1)")
    assert (ranged.minimum, ranged.maximum) == (0, 1)
    choices = declared('k = ["a"]  # (any of: a, b, "c d")')
    assert choices.choices == ("a", "b", "c d")


@pytest.mark.parametrize("line, raw, expected", [
    ("n = 1", "3", 3),
    ("n = 1", " -7 ", -7),
    ("x = 0.5", "1", 1.0),
    ("x = 0.5", "2.5e-1", 0.25),
    ("b = False", "True", True),
    ("b = False", "false", False),
    ('s = ""', "  spaced [x] {y} 3  ", "  spaced [x] {y} 3  "),
    ('s = ""', "True", "True"),
    ('s = ""', "[1, 2]", "[1, 2]"),
    ('k = ["a"]', "[a, 'b c', 010, 2020-01-01, yes, null]", ["a", "b c", "010", "2020-01-01", "yes", "null"]),
    ('k = ["a"]', "one", ["one"]),
    ('k = ["a"]', "", []),
    ("k = []", "[1, 2.5, true, null, yes, 010]", [1, 2.5, True, None, "yes", "010"]),
    ("m = {}", "{a: 1, b: [x, y]}", {"a": 1, "b": ["x", "y"]}),
    ("v = None", "None", None),
    ("v = None", "12", 12),
    ("v = None", "[oops", "[oops"),
    ("v = None", "!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system [ls]"),
])
def test_values_are_read_by_the_declared_type(line, raw, expected):
    value = P.read_value(declared(line), raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("line, raw, why", [
    ("n = 1", "abc", "not a whole number"),
    ("n = 1", "2.5", "not a whole number"),
    ("x = 0.5", "high", "not a number"),
    ("x = 0.5", "1e999", "not a finite number"),
    ("b = False", "yes", "not True or False"),
    ('k = ["a"]', "[!!binary aGVsbG8=]", "YAML tags"),
    ('k = ["a"]', "[!!python/object/apply:os.system [ls]]", "YAML tags"),
    ("k = []", "[! x]", "YAML tags"),
    ("k = []", "[&a x, *a]", "anchors"),
    ("m = {}", "{a: &x [1], b: *x}", "anchors"),
    ("m = {}", "!!python/name:os.system {}", "not a mapping"),
    ("k = []", "[" * 3000 + "]" * 3000, "nested too deeply"),
    ("k = []", "[.nan, .inf]", None),  # not numbers here: read as text, which is fine
    ('k = ["a"]', "[[a], b]", "is not text"),
    ("n = 5  # (at least 1)", "0", "less than 1"),
    ("x = 0.5  # (from 0 to 1)", "1.5", "more than 1"),
    ('k = ["a"]  # (any of: a, b)', "[a, c]", "'c' is not one of: a, b"),
])
def test_wrong_values_are_refused_with_the_reason(line, raw, why):
    if why is None:
        assert P.read_value(declared(line), raw) == [".nan", ".inf"]
        return
    with pytest.raises(P.ParameterValueError, match=re.escape(why)):
        P.read_value(declared(line), raw)


def test_python_values_are_checked_too():
    assert P.read_value(declared("x = 0.5"), 1) == 1.0
    assert P.read_value(declared('k = ["a"]'), "a") == ["a"]
    for line, value in [("n = 1", True), ("n = 1", 1.5), ("k = []", [b"bytes"]), ("v = None", object()),
                        ("v = None", {"k": float("nan")}), ('s = ""', "\udcff")]:
        with pytest.raises(P.ParameterValueError):
            P.read_value(declared(line), value)


def test_check_parameters_names_parameter_type_and_value_for_every_notebook():
    declared_by = {"actors": P.declared_parameters("top_n = 15\nkinds = ['person']  # (any of: person, place)"),
                   "figures": P.declared_parameters("top_n = 15"),
                   "quotes": P.declared_parameters("min_similarity = 0.5")}
    with pytest.raises(ParameterError) as err:
        P.check_parameters({"top_n": "abc", "kinds": "[people]"}, declared_by)
    message = str(err.value)
    assert "'top_n' (notebooks actors, figures) expects a whole number (int)" in message and "'abc'" in message
    assert "'kinds' (notebook actors)" in message and "'people' is not one of: person, place" in message
    with pytest.raises(ParameterError, match="unknown parameter 'speaker'.*min_similarity: float = 0.5"):
        P.check_parameters({"speaker": "x"}, declared_by)
    values = P.check_parameters({"top_n": "3", "min_similarity": "0.7"}, declared_by)
    assert values == {"actors": {"top_n": 3}, "figures": {"top_n": 3}, "quotes": {"min_similarity": 0.7}}


def test_parse_parameter_value_refuses_tags():
    with pytest.raises(ParameterError, match="YAML tags"):
        report.parse_parameter_value("[!!binary aGVsbG8=]")
    with pytest.raises(ParameterError):
        report.parse_parameter_value(b"bytes")


# --- writing values ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE + [["a\"b", "c'd", "e\\"], {"k\"ey": [None, 1, 2.5, True]}, -0.0, 10 ** 30])
def test_rendered_value_reads_back_exactly_and_is_one_literal(value):
    source = P.render_value(value)
    assert ast.literal_eval(source) == value
    tree = ast.parse(f"x = {source}")
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)  # one statement, nothing else


def test_papermill_writes_the_newsbook_kernel_parameters_with_the_safe_translator():
    from papermill.translators import translate_parameters

    report._engine_name()
    cell = translate_parameters("newsbook", "python", {"a": 'x"y', "b": [1, "2"]}, "Parameters")
    assert cell == "# Parameters\na = 'x\"y'\nb = [1, '2']\n"
    with pytest.raises(P.ParameterValueError):
        translate_parameters("newsbook", "python", {"a": b'" + __import__("os") + "'}, "Parameters")


# --- through a real kernel -------------------------------------------------------------------------


def _write_notebook(path: Path, parameters: str, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "newsbook", "display_name": "Python (newsbook)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


def test_every_accepted_value_reaches_the_kernel_exactly_and_none_runs(tmp_path, capsys):
    from newsbook import cli

    marker = tmp_path / "MARKER"
    values = [v.replace("MARKER", str(marker)) for v in HOSTILE]
    names = [f"v{i}" for i in range(len(values))]
    lists = '["a\\"b", "c\'d", "e\\\\", "{{x}}", "line\\nbreak", "Ελληνικά"]'
    path = _write_notebook(
        tmp_path / "roundtrip.ipynb",
        "\n".join(f'{n} = ""' for n in names) + '\nany_list = None\nstrings = ["x"]\nout = ""',
        "import json, pathlib\n"
        f"pathlib.Path(out).write_text(json.dumps({{'values': [{', '.join(names)}], "
        "'any_list': any_list, 'strings': strings}), encoding='utf-8')")
    out_file = tmp_path / "seen.json"
    args = ["report", str(path), "--out", str(tmp_path / "out"), "--quiet", "-j", "1", "-p", "out", str(out_file),
            "-p", "any_list", lists, "-p", "strings", lists]
    for name, value in zip(names, values):
        args += ["-p", name, value]
    assert cli.main(args) == 0, capsys.readouterr().err
    seen = json.loads(out_file.read_text(encoding="utf-8"))
    assert seen["values"] == values
    expected_list = ['a"b', "c'd", "e\\", "{{x}}", "line\nbreak", "Ελληνικά"]
    assert seen["any_list"] == expected_list and seen["strings"] == expected_list
    assert not marker.exists()

    # A YAML tag in a list is refused before the notebook runs; nothing is executed.
    assert cli.main(["report", str(path), "--out", str(tmp_path / "out2"), "--quiet", "-p", "strings",
                     "[!!binary " + "IiksIG9wZW4oIk1BUktFUiIsInciKSAj" + "]"]) != 0
    err = capsys.readouterr().err
    assert "strings" in err and "YAML tags" in err
    assert not (tmp_path / "out2" / "notebooks").exists() and not marker.exists()


def test_wrong_type_is_refused_before_any_notebook_runs_and_said_once(tmp_path, capsys):
    from newsbook import cli

    out = tmp_path / "out"
    assert cli.main(["report", "-p", "top_n", "abc", "--out", str(out), "--quiet"]) != 0
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and err.count("'top_n'") == 1
    assert "whole number (int)" in err and "'abc'" in err
    assert not out.exists()  # no notebook ran, nothing was written


def test_notebook_kinds_declare_the_library_kinds():
    from newsbook import actors, figures

    actor_kinds = report.declared_parameters(NOTEBOOKS / "actors.ipynb")["kinds"]
    assert set(actor_kinds.choices) == set(actors.KINDS)
    figure_kinds = report.declared_parameters(NOTEBOOKS / "figures.ipynb")["kinds"]
    assert set(figure_kinds.choices) == set(figures.ALL_KINDS) | {"all"}
    for path in NOTEBOOKS.glob("*.ipynb"):  # every default passes its own check
        for d in report.declared_parameters(path).values():
            assert P.read_value(d, d.default) == d.default, (path.name, d.name)


# --- values that match nothing ---------------------------------------------------------------------


def test_parameter_notes_for_values_that_match_nothing(seed_annotations):
    speakers = [s for s in seed_annotations.quotes["speaker"] if s]
    assert not P.parameter_notes(seed_annotations, speaker=speakers[0].upper())
    assert not P.parameter_notes(seed_annotations, articles=list(seed_annotations.articles["article_id"][:1]))
    notes = P.parameter_notes(seed_annotations, speaker="Nobody Atall", actor="Nobody Either",
                              articles=["no-such-article"])
    assert len(notes.warnings) == 3
    assert "'Nobody Atall'" in notes.warnings[0] and speakers[0] in notes.warnings[0]
    assert "'Nobody Either'" in notes.warnings[1] and "no-such-article" in notes.warnings[2]
    hostile = P.parameter_notes(seed_annotations, speaker="<script>x</script>")
    assert "<script>" not in hostile.html() and "&lt;script&gt;" in hostile.html()


def test_unmatched_speaker_is_a_warning_and_a_note_and_speaker_filters_every_chart(tmp_path, capsys,
                                                                                  seed_annotations):
    from newsbook import cli

    out = tmp_path / "out"
    assert cli.main(["report", "quotes", "-p", "speaker", "Nobody Atall", "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "quotes: speaker 'Nobody Atall' matches no speaker" in err
    page = (out / "reports" / "quotes.html").read_text(encoding="utf-8")
    assert "nb-parameter-notes" in page and "Nobody Atall" in page
    assert page.index("nb-parameter-notes") < page.index('class="nb-chart"')  # at the top
    index = json.loads((out / "reports" / "index.json").read_text())["reports"]["quotes"]
    assert "Nobody Atall" in index["warnings"][0]

    quotes = seed_annotations.quotes
    counts = quotes[quotes["speaker"] != ""]["speaker"].value_counts()
    chosen, other = counts.index[0], counts.index[1]
    assert cli.main(["report", "quotes", "-p", "speaker", chosen.split()[-1].lower(), "--out", str(out),
                     "--quiet"]) == 0
    assert "matches no speaker" not in capsys.readouterr().err
    executed = nbformat.read(str(out / "notebooks" / "quotes.ipynb"), as_version=4)
    specs = []
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            chart = report.chart_from_output(output) if output.get("output_type") == "display_data" or \
                output.get("output_type") == "execute_result" else None
            if chart is not None:
                specs.append(json.dumps(chart[0]))
    assert len(specs) >= 2
    for spec in specs:  # every chart about speakers shows the chosen one and no other
        assert chosen in spec and other not in spec
    page = (out / "reports" / "quotes.html").read_text(encoding="utf-8")
    assert "nb-parameter-notes" not in page

"""Notebook parameters: what a notebook declares, reading `-p` values as data, checking them before
anything runs, and writing them into the notebook so that it sees exactly that value.

A parameter is data, never code.  A value given on the command line is read according to the type
the notebook declares for it (`declared_parameters`):

- the type comes from an annotation in the ``parameters`` cell (``articles: list[str] = []``) or,
  without one, from the default (``15`` -> int, ``0.5`` -> float, ``False`` -> bool, ``"seeds"``
  -> str, ``["person"]`` -> list of str, ``[]`` -> list, ``{}`` -> dict; ``None`` or an expression
  -> any plain value);
- allowed values come from the parameter's comment: ``(one of: a, b, c)`` (for a list, every item
  must be one of them), ``(from 0 to 1)``, ``(at least 1)``, ``(at most 100)``.

`read_value` turns the text into that type: a str parameter takes the text exactly as given; int,
float and bool accept only their own spelling; a list takes ``[a, b]`` or a single item.  Lists and
mappings are read as YAML flow collections by `_PlainLoader`: PyYAML's SafeLoader restricted to
untagged plain data - any explicit tag (``!!binary``, ``!!python/...``, even ``!``), any anchor or
alias is refused, and only ``true``/``false``, ``null``, decimal integers and decimal floats are
recognised (``yes``, dates, octal ``010`` stay text).  YAML rather than a grammar of our own keeps
the ``[a, b]`` and ``{a: 1}`` forms researchers already use; the restriction keeps it data.

`render_value` writes an accepted value into the injected parameters cell as ``repr()`` of plain
Python data (str, int, float, bool, None, list, dict), checked to read back equal with
`ast.literal_eval`; no string templating anywhere.  `SafePythonTranslator` is papermill's
translator for the newsbook kernel, using it.

`parameter_notes` is what a notebook calls to say that a `speaker`, `actor` or article id matches
nothing: a note at the top of the report, and a warning `newsbook report` prints (it reads the
note's metadata, `WARNINGS_KEY`, from the executed notebook).
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from typing import Any, Iterable

from .errors import ParameterError
from .html import render

PLAIN_SCALARS = (str, int, float, bool, type(None))
WARNINGS_KEY = "newsbook_warnings"

_KIND_WORDS = {
    "int": "a whole number (int)",
    "float": "a number (float)",
    "bool": "True or False (bool)",
    "str": "text (str)",
    "list[str]": "a list of text (list of str), e.g. [a, b]",
    "list": "a list, e.g. [a, b]",
    "dict": "a mapping, e.g. {a: 1}",
    "any": "a plain value (text, number, True/False/None, list or mapping)",
}
_ANNOTATION_KINDS = {
    "int": "int", "float": "float", "bool": "bool", "str": "str",
    "list[str]": "list[str]", "List[str]": "list[str]", "list": "list", "List": "list",
    "dict": "dict", "Dict": "dict",
}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)")
_CHOICES = re.compile(r"\((?:one|any) of:\s*([^)]*)\)", re.IGNORECASE)
_FROM_TO = re.compile(r"\(from\s+(-?[0-9.]+)\s+to\s+(-?[0-9.]+)\)", re.IGNORECASE)
_AT_LEAST = re.compile(r"\(at least\s+(-?[0-9.]+)\)", re.IGNORECASE)
_AT_MOST = re.compile(r"\(at most\s+(-?[0-9.]+)\)", re.IGNORECASE)


class ParameterValueError(ValueError):
    """A value is not acceptable; the message says why (the caller adds the parameter's name)."""


# --- what a notebook declares -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Declared:
    """One parameter as a notebook's parameters cell declares it."""

    name: str
    kind: str  # a key of _KIND_WORDS
    default: Any
    default_text: str
    help: str = ""
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def expected(self) -> str:
        """What the parameter takes, in words: 'a whole number (int), at least 1'."""
        words = _KIND_WORDS[self.kind]
        limits = []
        if self.choices is not None:
            limits.append(("each one of: " if self.kind.startswith("list") else "one of: ")
                          + ", ".join(self.choices))
        if self.minimum is not None and self.maximum is not None:
            limits.append(f"from {_number(self.minimum)} to {_number(self.maximum)}")
        elif self.minimum is not None:
            limits.append(f"at least {_number(self.minimum)}")
        elif self.maximum is not None:
            limits.append(f"at most {_number(self.maximum)}")
        return words + "".join(f", {limit}" for limit in limits)

    def describe(self) -> str:
        """'top_n: int = 15' as a listing shows it."""
        return f"{self.name}: {self.kind} = {self.default_text}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _default_value(source: str) -> Any:
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _kind_of_default(value: Any, source: str) -> str:
    if source.strip() in ("", "None") or not _is_literal(source):
        return "any"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (list, tuple)):
        return "list[str]" if value and all(isinstance(v, str) for v in value) else "list"
    if isinstance(value, dict):
        return "dict"
    return "any"


def _is_literal(source: str) -> bool:
    try:
        ast.literal_eval(source)
        return True
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def declare(name: str, default_text: str, annotation: str = "None", help_text: str = "") -> Declared:
    """A `Declared` from what papermill's inspect reads off one line of the parameters cell."""
    default = _default_value(default_text)
    annotation = (annotation or "None").replace(" ", "")
    kind = _ANNOTATION_KINDS.get(annotation) or _kind_of_default(default, default_text)
    choices = minimum = maximum = None
    match = _CHOICES.search(help_text or "")
    if match:
        choices = tuple(item.strip().strip("'\"") for item in match.group(1).split(",") if item.strip())
    match = _FROM_TO.search(help_text or "")
    if match:
        minimum, maximum = float(match.group(1)), float(match.group(2))
    match = _AT_LEAST.search(help_text or "")
    if match:
        minimum = float(match.group(1))
    match = _AT_MOST.search(help_text or "")
    if match:
        maximum = float(match.group(1))
    return Declared(name, kind, default, default_text, help_text or "", choices, minimum, maximum)


def declared_parameters(cell_source: str) -> dict[str, Declared]:
    """Every parameter of a ``parameters`` cell (papermill's reading of it), name -> Declared."""
    from papermill.translators import PythonTranslator

    out = {}
    for p in PythonTranslator.inspect({"source": cell_source}):
        out[p.name] = declare(p.name, p.default, p.inferred_type_name, p.help)
    return out


# --- reading a value ----------------------------------------------------------------------------


def _plain_loader(typed: bool):
    """A SafeLoader subclass that builds only plain data (see the module docstring); with
    `typed` False every scalar stays text (for a list of str)."""
    import yaml

    class _PlainLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                raise ParameterValueError("YAML aliases (*name) are not accepted")
            if getattr(event, "anchor", None) is not None:
                raise ParameterValueError("YAML anchors (&name) are not accepted")
            if getattr(event, "tag", None) is not None:
                raise ParameterValueError(f"YAML tags ({event.tag}) are not accepted: a parameter is plain data")
            return super().compose_node(parent, index)

    _PlainLoader.yaml_implicit_resolvers = {}
    if typed:  # (tag, pattern, the characters a matching scalar can start with)
        for tag, pattern, first in (
                ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
                ("null", r"^(?:~|null|Null|NULL|None|)$", ["~", "n", "N", ""]),
                ("int", rf"^{_INT.pattern}$", "-+0123456789"),
                ("float", rf"^{_FLOAT.pattern}$", "-+.0123456789")):
            _PlainLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))
        _PlainLoader.add_constructor("tag:yaml.org,2002:bool",
                                     lambda loader, node: loader.construct_scalar(node).lower() == "true")
        _PlainLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node)))
        _PlainLoader.add_constructor("tag:yaml.org,2002:float",
                                     lambda loader, node: float(loader.construct_scalar(node)))
    return _PlainLoader


_LOADERS: dict[bool, Any] = {}


def read_collection(text: str, *, typed: bool = True) -> Any:
    """A YAML flow list or mapping (``[a, 1]``, ``{a: [b]}``) as plain Python data.

    Raises ParameterValueError for a tag, anchor or alias, or text that is not valid YAML."""
    import yaml

    if typed not in _LOADERS:
        _LOADERS[typed] = _plain_loader(typed)
    try:
        value = yaml.load(text, Loader=_LOADERS[typed])  # noqa: S506 - a SafeLoader restricted further
    except ParameterValueError:
        raise
    except RecursionError:
        raise ParameterValueError("nested too deeply") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterValueError(f"not a valid list or mapping ({problem})") from None
    check_plain(value)
    return value


def check_plain(value: Any, depth: int = 0) -> None:
    """Raise ParameterValueError unless `value` is plain data: str, int, float (finite), bool,
    None, and lists and mappings (with scalar keys) of them."""
    if depth > 50:
        raise ParameterValueError("nested too deeply")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParameterValueError("holds bytes that are not valid UTF-8 text") from None
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterValueError(f"{value!r} is not a finite number")
        return
    if isinstance(value, PLAIN_SCALARS):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            check_plain(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, (list, tuple, dict)):
                raise ParameterValueError("a mapping key must be a plain value")
            check_plain(key, depth + 1)
            check_plain(item, depth + 1)
        return
    raise ParameterValueError(f"a {type(value).__name__} is not plain data")


def read_any(text: str) -> Any:
    """A value of no declared type, read the way papermill's command line reads one: ``True``,
    ``False``, ``None``, integers and floats become Python values; ``[...]`` / ``{...}`` a list or
    mapping (text that is not valid YAML stays text); anything else stays text."""
    stripped = text.strip()
    if stripped in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[stripped]
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _FLOAT.fullmatch(stripped) and math.isfinite(float(stripped)):
        return float(stripped)
    if stripped[:1] in ("[", "{"):
        try:
            return read_collection(stripped)
        except ParameterValueError as exc:
            if str(exc).startswith("not a valid list"):
                return text
            raise
    return text


def read_value(declared: Declared, raw: Any) -> Any:
    """`raw` (the text after ``-p NAME``, or a Python value from the API) as the declared type,
    checked against the declared allowed values.  Raises ParameterValueError."""
    kind = declared.kind
    if isinstance(raw, str):
        value = _read_text(kind, raw)
    else:
        check_plain(raw)
        value = _coerce(kind, raw)
    _check_limits(declared, value)
    return value


def _read_text(kind: str, raw: str) -> Any:
    stripped = raw.strip()
    if kind == "str":
        check_plain(raw)
        return raw
    if kind == "int":
        if _INT.fullmatch(stripped) or re.fullmatch(r"[-+]?0[0-9]+", stripped):
            return int(stripped)
        raise ParameterValueError("not a whole number")
    if kind == "float":
        if _FLOAT.fullmatch(stripped) or re.fullmatch(r"[-+]?[0-9]+", stripped):
            check_plain(float(stripped))  # 1e999 is not a number a notebook can use
            return float(stripped)
        raise ParameterValueError("not a number")
    if kind == "bool":
        if stripped.lower() in ("true", "false"):
            return stripped.lower() == "true"
        raise ParameterValueError("not True or False")
    if kind in ("list[str]", "list"):
        if stripped.startswith("["):
            value = read_collection(stripped, typed=kind == "list")
            if not isinstance(value, list):
                raise ParameterValueError("not a list")
            return _coerce(kind, value)
        if not stripped:
            return []
        return [raw if kind == "list[str]" else read_any(raw)]
    if kind == "dict":
        value = read_collection(stripped) if stripped.startswith("{") else None
        if not isinstance(value, dict):
            raise ParameterValueError("not a mapping")
        return value
    value = read_any(raw)
    check_plain(value)
    return value


def _coerce(kind: str, value: Any) -> Any:
    """A Python value (from the API, or read from text) as `kind`, or ParameterValueError."""
    if kind == "any":
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise ParameterValueError("not True or False")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ParameterValueError("not a whole number")
    if kind == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ParameterValueError("not a number")
    if kind == "str":
        if isinstance(value, str):
            return value
        raise ParameterValueError("not text")
    if kind in ("list[str]", "list"):
        if isinstance(value, str) and kind == "list[str]":
            return [value]
        if not isinstance(value, (list, tuple)):
            raise ParameterValueError("not a list")
        if kind == "list[str]":
            bad = [v for v in value if not isinstance(v, str)]
            if bad:
                raise ParameterValueError(f"{bad[0]!r} in the list is not text")
        return list(value)
    if kind == "dict":
        if isinstance(value, dict):
            return dict(value)
        raise ParameterValueError("not a mapping")
    return value


def _check_limits(declared: Declared, value: Any) -> None:
    if declared.choices is not None:
        items = value if isinstance(value, list) else [value]
        wrong = [item for item in items if str(item) not in declared.choices]
        if wrong:
            raise ParameterValueError(f"{wrong[0]!r} is not one of: {', '.join(declared.choices)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if declared.minimum is not None and value < declared.minimum:
            raise ParameterValueError(f"{value!r} is less than {_number(declared.minimum)}")
        if declared.maximum is not None and value > declared.maximum:
            raise ParameterValueError(f"{value!r} is more than {_number(declared.maximum)}")


def _shown(raw: Any, limit: int = 120) -> str:
    text = repr(raw)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_parameters(raw: dict[str, Any], declared_by_notebook: dict[str, dict[str, Declared]]
                     ) -> dict[str, dict[str, Any]]:
    """Every raw value read and checked against every notebook that declares it, before anything
    runs.  Returns {notebook: {name: value}} (only the names each notebook declares).

    Raises ParameterError listing every problem: an unknown name (with what each notebook takes),
    or a value of the wrong type or outside its allowed values (naming the parameter, the notebook,
    the expected type and the value)."""
    unknown = [name for name in raw if not any(name in d for d in declared_by_notebook.values())]
    if unknown:
        listing = "; ".join(f"{nb}: " + (", ".join(d.describe() for d in declared.values()) or "(no parameters)")
                            for nb, declared in declared_by_notebook.items())
        raise ParameterError(f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))}; the notebook parameters are: {listing}")
    values: dict[str, dict[str, Any]] = {nb: {} for nb in declared_by_notebook}
    problems: dict[tuple[str, str], list[str]] = {}
    for name, given in raw.items():
        for notebook, declared in declared_by_notebook.items():
            if name not in declared:
                continue
            try:
                values[notebook][name] = read_value(declared[name], given)
            except ParameterValueError as exc:
                key = (name, f"expects {declared[name].expected()}, got {_shown(given)} ({exc})")
                problems.setdefault(key, []).append(notebook)
    if problems:
        lines = [f"parameter {name!r} ({'notebooks' if len(nbs) > 1 else 'notebook'} {', '.join(nbs)}) {what}"
                 for (name, what), nbs in problems.items()]
        raise ParameterError("nothing was run: " + ("\n  " if len(lines) > 1 else "") + "\n  ".join(lines))
    return values


# --- writing a value into the notebook ----------------------------------------------------------


def render_value(value: Any) -> str:
    """Python source for `value` (plain data only): its repr, checked to read back equal."""
    check_plain(value)
    source = repr(value)
    if ast.literal_eval(source) != value:  # pragma: no cover - repr of plain data always round-trips
        raise ParameterValueError("cannot be written back exactly")
    return source


def render_assignment(name: str, value: Any) -> str:
    if not name.isidentifier():
        raise ParameterValueError(f"{name!r} is not a parameter name")
    return f"{name} = {render_value(value)}"


def safe_translator():
    """papermill's Python translator with every value written by `render_value` (the stock one
    writes a value of an unexpected type between double quotes unescaped)."""
    from papermill.translators import PythonTranslator

    class SafePythonTranslator(PythonTranslator):
        @classmethod
        def translate(cls, val):
            return render_value(val)

        @classmethod
        def assign(cls, name, str_val):
            if not str(name).isidentifier():
                raise ParameterValueError(f"{name!r} is not a parameter name")
            return f"{name} = {str_val}"

        @classmethod
        def codify(cls, parameters, comment="Parameters"):
            lines = [cls.comment(comment)]
            lines += [render_assignment(name, value) for name, value in parameters.items()]
            return "\n".join(lines) + "\n"

    return SafePythonTranslator


def register_translator(kernel_name: str) -> None:
    """Make papermill write parameters for `kernel_name` with `safe_translator` (per process)."""
    from papermill.translators import papermill_translators

    current = papermill_translators._translators.get(kernel_name)
    if current is None or current.__name__ != "SafePythonTranslator":
        papermill_translators.register(kernel_name, safe_translator())


# --- notes for values that match nothing ---------------------------------------------------------


class ParameterNotes:
    """Warnings about parameter values that match nothing; shown as a note at the top of a report
    (nothing when there is no warning) and carried in the output's metadata for `newsbook report`."""

    def __init__(self, warnings: list[str]):
        self.warnings = list(warnings)

    def __bool__(self) -> bool:
        return bool(self.warnings)

    def html(self) -> str:
        return str(render("parameter_notes.html.j2", warnings=self.warnings))

    def _ipython_display_(self) -> None:
        if not self.warnings:
            return
        from IPython.display import display

        display({"text/html": self.html(), "text/plain": "\n".join(f"Note: {w}" for w in self.warnings)},
                raw=True, metadata={WARNINGS_KEY: self.warnings})

    def __repr__(self) -> str:
        return "\n".join(f"Note: {w}" for w in self.warnings) or "(no notes on the parameters)"


def _names(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values if isinstance(v, str) and v.strip()]


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def parameter_notes(ann, *, speaker: str | None = None, actor: str | None = None,
                    articles: Any = None) -> ParameterNotes:
    """Notes for a `speaker` that no quote's speaker contains, an `actor` that no actor's name
    contains (both case-insensitive, as the notebooks filter), and article ids not in the corpus."""
    warnings = []
    if speaker:
        speakers = ann.quotes["speaker"].fillna("").astype(str) if len(ann.quotes) else []
        if not any(str(speaker).lower() in s.lower() for s in speakers):
            common = list(ann.quotes["speaker"].replace("", None).dropna().value_counts().index) if len(
                ann.quotes) else []
            warnings.append(f"speaker {speaker!r} matches no speaker in the quotes, so the tables and charts "
                            "about speakers are empty" + (f" (most quoted: {_some(_names(common))})" if common else ""))
    if actor:
        names = ann.actors["actor"].fillna("").astype(str) if len(ann.actors) and "actor" in ann.actors else []
        if not any(str(actor).lower() in n.lower() for n in names):
            warnings.append(f"actor {actor!r} matches no actor in the annotations")
    if articles:
        wanted = [articles] if isinstance(articles, str) else [str(a) for a in articles]
        known = set(ann.articles["article_id"].astype(str))
        missing = [a for a in wanted if a not in known]
        if missing:
            warnings.append(f"article id{'s' if len(missing) > 1 else ''} {_some(missing)} "
                            f"{'match' if len(missing) > 1 else 'matches'} no article in the corpus")
    return ParameterNotes(warnings)


def notes_in(nb) -> list[str]:
    """The warnings `parameter_notes` left in an executed notebook, in order."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            found += [str(w) for w in output.get("metadata", {}).get(WARNINGS_KEY, [])]
    return found

"""YAML from the researcher's files (article front matter, actors.yaml): plain data only, bounded.

The files are untrusted. Only YAML's plain types are built (safe loader: a tag such as
``!!python/object`` is an error, never an object), and a document is refused before it is built if
it is larger than a cap or if its aliases expand to more values than a cap (a "billion laughs"
document is a few hundred bytes that expand to billions of values when a value is printed or
serialised), or if an alias refers to the value that contains it.
"""

from __future__ import annotations

import datetime
import re

import yaml

# libyaml's safe loader when PyYAML was built with it: the same documents, ten times faster than the
# pure-Python one, which was half the time of reading a corpus of short articles.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

YAMLError = yaml.YAMLError


class YAMLRefused(ValueError):
    """The document is well-formed YAML but too large or too expansive to build."""


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# What a document may build: YAML's plain scalars, lists and mappings. Tags that build anything else
# (!!binary bytes, !!set, !!omap/!!pairs tuples) are refused, so every value is what it reads as.
PLAIN_TYPES = (dict, list, str, int, float, bool, type(None), datetime.date, datetime.datetime)
MAX_DEPTH = 32


def expanded_size(root, cap: int, max_depth: int = MAX_DEPTH) -> int:
    """How many values the document rooted at `root` holds once every alias is expanded (each alias
    counts as the whole value it names); YAMLRefused as soon as that passes `cap`, when values nest
    deeper than `max_depth`, or on an alias inside the value it names. Linear in the size of the
    document as written, not as expanded."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    in_progress: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not children_done:
            in_progress.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in in_progress:
                    raise YAMLRefused("an alias refers to the value that contains it (a recursive document)")
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        in_progress.discard(key)
        size = 1 + sum(sizes[id(child)] for child in children)
        depth = 1 + max((depths[id(child)] for child in children), default=0)
        if size > cap:
            raise YAMLRefused(f"its aliases expand it to more than {cap:,} values "
                              "(an alias-expansion 'YAML bomb'?)")
        if depth > max_depth:
            raise YAMLRefused(f"its values nest more than {max_depth} levels deep")
        sizes[key], depths[key] = size, depth
    return sizes[id(root)]


def load(text: str, *, max_chars: int, max_values: int):
    """The one YAML document in `text` as plain Python data (dict, list, str, int, float, bool, None,
    dates). Raises YAMLRefused (too long, too many values once aliases are expanded, recursive) or
    yaml.YAMLError (not valid YAML, an unknown tag, more than one document)."""
    if len(text) > max_chars:
        raise YAMLRefused(f"it is {len(text):,} characters long, more than the {max_chars:,} allowed")
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded_size(node, max_values)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:  # a tag the safe loader does not build
        problem = (exc.problem or str(exc)).replace("tag:yaml.org,2002:", "!!")
        tag = re.search(r"tag '([^']*)'", problem)
        raise YAMLRefused(f"the YAML tag {tag.group(1) if tag else '?'!r} is not allowed: only plain text, "
                          "numbers, lists and mappings are read, never objects") from exc
    finally:
        loader.dispose()
    _check_plain(data)
    return data


def _check_plain(data) -> None:
    """YAMLRefused if `data` holds anything but PLAIN_TYPES (bounded: expanded_size ran first)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if not isinstance(value, PLAIN_TYPES):
            raise YAMLRefused(f"a value of type {type(value).__name__} (a YAML tag such as !!binary or !!set) "
                              "is not allowed; write plain text, numbers, lists and mappings")
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


CORRECTIONS_MAX_BYTES = 2 * 1024 * 1024  # a corrections file (quotes.yaml, stories.yaml) is hand-written
CORRECTIONS_MAX_VALUES = 200_000


def load_file(path, *, max_bytes: int = CORRECTIONS_MAX_BYTES, max_values: int = CORRECTIONS_MAX_VALUES):
    """`load` on a small YAML file a researcher wrote: refused unread (YAMLRefused) when it is
    larger than `max_bytes` or not a regular file; OSError/UnicodeDecodeError as they come."""
    import os
    import stat

    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise YAMLRefused("it is not a regular file")
    if status.st_size > max_bytes:
        raise YAMLRefused(f"it is {status.st_size:,} bytes, more than the {max_bytes:,} allowed")
    with open(path, encoding="utf-8") as handle:
        text = handle.read(max_bytes + 1)
    return load(text, max_chars=max_bytes, max_values=max_values)

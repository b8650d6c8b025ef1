"""quotes.yaml and stories.yaml are untrusted files like actors.yaml: plain data only, a YAML bomb
or an oversized file refused with a sentence naming the file, never an object built from a tag."""

from __future__ import annotations

import pytest

from newsbook import quotes, safe_yaml, stories
from newsbook.errors import NewsbookError

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8))
TAGGED = "drop: [!!python/object/apply:os.system ['touch /tmp/newsbook-pwned']]\n"


@pytest.mark.parametrize("text", [BOMB, TAGGED, "drop: !!binary aGVsbG8=\n"])
def test_quote_corrections_refuse_bombs_and_tags(tmp_path, text):
    path = tmp_path / "quotes.yaml"
    path.write_text(text)
    with pytest.raises(NewsbookError, match="quotes.yaml"):
        quotes.load_quote_corrections(path)


@pytest.mark.parametrize("text", [BOMB, TAGGED])
def test_story_corrections_refuse_bombs_and_tags(tmp_path, text):
    path = tmp_path / "stories.yaml"
    path.write_text(text)
    with pytest.raises(NewsbookError, match="stories.yaml"):
        stories.read_corrections(path)


def test_an_oversized_corrections_file_is_refused_unread(tmp_path):
    path = tmp_path / "stories.yaml"
    path.write_text("label:\n" + "  s: x\n" * 400_000)  # ~2.8 MB
    with pytest.raises(safe_yaml.YAMLRefused, match="more than"):
        safe_yaml.load_file(path)
    with pytest.raises(NewsbookError, match="stories.yaml"):
        stories.read_corrections(path)


def test_a_plain_corrections_file_still_reads(tmp_path):
    path = tmp_path / "quotes.yaml"
    path.write_text("speaker:\n  a:q1: Ana Ruiz\ndrop:\n  - a:q2\n")
    assert quotes.load_quote_corrections(path)["speaker"] == {"a:q1": "Ana Ruiz"}

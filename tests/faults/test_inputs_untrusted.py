"""Untrusted input files (issue 17 item 4, issue 19 items 7 and 9): a corpus of good articles and one
bad file of each kind. Every bad file is named in `errors` with its reason, nothing is built from a
YAML tag, a YAML bomb or a 50 MB file costs bounded memory, and the good articles are annotated.

The good articles are wire-style sentences written for these tests."""

from __future__ import annotations

import codecs
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from newsbook import cli, pipeline
from newsbook.corpus import read_corpus

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
          for prev, name in zip("abcdefgh", "bcdefghi")),
    ]
)

GOOD_ARTICLES = {
    "harbour.txt": ("Harbour reopens after storm\n\nBy Lena Ortiz\n\n"
                    "The port authority said on Tuesday that 412 ships had been cleared to enter the harbour. "
                    "\"We expect normal traffic by Friday,\" said Mark Olsen, the harbour master.\n"),
    "council.md": ("---\ntitle: Council approves budget\noutlet: The Valley Courier\ndate: 2021-03-04\n---\n"
                   "The city council approved a budget of 30 million euros on Thursday. "
                   "\"The money will pay for 120 new teachers,\" said Helen Brooks, the mayor.\n"),
}


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def utf16_article() -> bytes:
    text = ("Bridge closed for repairs\n\n"
            "Engineers closed the old bridge on Monday after finding 14 cracks in its supports. "
            "The ministry said repairs would take six weeks.\n")
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def bad_files_corpus(folder: Path, marker: Path, *, big_mb: int = 50) -> Path:
    """Write the corpus into `folder`; `marker` is a file a YAML tag would create if it ran code."""
    for name, text in GOOD_ARTICLES.items():
        write(folder, name, text)
    write(folder, "bridge.txt", utf16_article())
    records = [
        {"id": "wire-1", "title": "Rail strike ends", "outlet": "Wire",
         "text": "Rail workers ended a three-day strike on Sunday, the union said."},
        {"id": "wire-2", "title": "No body here", "outlet": "Wire"},
        {"id": "wire-3", "title": "Wheat prices", "outlet": "Wire",
         "text": "Wheat prices rose 4 percent on Monday, traders said."},
    ]
    write(folder, "wire.jsonl", "\n".join(json.dumps(r) for r in records) + "\n{broken json\n")
    # ragged line 3, duplicate id line 4
    write(folder, "metadata.csv", "article_id,outlet,date\nharbour,The Coast Post,2021-05-01\n"
                                  "council,Extra,2021-01-01,surplus cell\nharbour,Second Outlet,\n")
    write(folder, "bomb.md", f"---\n{BILLION_LAUGHS}\ntitle: *i\n---\nA short body.\n")
    write(folder, "tagged.md", f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\nBody.\n")
    write(folder, "binary-tag.md", "---\ntitle: !!binary aGVsbG8=\n---\nBody text here.\n")
    with (folder / "huge.txt").open("wb") as fh:  # a real file of that size, of plausible text
        line = b"The committee met again and discussed the same report at length.\n"
        fh.write(line * (big_mb * 1024 * 1024 // len(line) + 1))
    write(folder, "notes.docx", b"PK\x03\x04 not really a word document")
    write(folder, "LICENSE", "All rights reserved.\n")
    write(folder, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(folder, ".git/HEAD", "ref: refs/heads/main\n")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("missing-target.txt", folder / "dangling.txt")
    return folder


# --- reading ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-files")
    marker = tmp_path_factory.mktemp("marker") / "MARKER"
    return bad_files_corpus(folder, marker), marker


def _reasons(read) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, reason in zip(read.errors["path"], read.errors["reason"]):
        found.setdefault(Path(path).name, []).append(reason)
    return found


def test_every_bad_file_is_named_and_the_good_ones_are_read(bad_corpus):
    folder, marker = bad_corpus
    read = read_corpus(folder)
    assert sorted(read.articles["article_id"]) == ["bridge", "council", "harbour", "wire-1", "wire-3"]
    reasons = _reasons(read)
    assert "front matter refused" in reasons["bomb.md"][0] and "YAML bomb" in reasons["bomb.md"][0]
    assert "!!python/object/apply:os.system" in reasons["tagged.md"][0] and "not allowed" in reasons["tagged.md"][0]
    assert "!!binary" in reasons["binary-tag.md"][0]
    assert "50.0 MB" in reasons["huge.txt"][0] and "larger than" in reasons["huge.txt"][0]
    assert "'.docx' files are not read" in reasons["notes.docx"][0]
    assert "files without an extension" in reasons["LICENSE"][0]
    assert "symbolic link loop" in reasons["loop.txt"][0]
    assert "does not exist" in reasons["dangling.txt"][0]
    assert reasons["wire.jsonl#2"] == ["line 2 has no text field (expected one of text, body, content, article, "
                                       "maintext); skipped"]
    assert reasons["wire.jsonl#4"][0].startswith("line 4 is not valid JSON")
    metadata = reasons["metadata.csv"]
    assert len(metadata) == 2
    assert metadata[0].startswith("line 3 has 4 fields but the header has 3")
    assert metadata[1].startswith("line 4: article_id 'harbour' is already given on line 2")
    # hidden files are skipped silently; nothing ran from a tag
    assert not any(".DS_Store" in p or ".git" in p for p in read.errors["path"])
    assert not marker.exists()
    stages = dict(zip(read.errors["path"].map(lambda p: Path(p).name), read.errors["stage"]))
    assert stages["notes.docx"] == "skipped" and stages["bomb.md"] == "load"


def test_metadata_csv_lines_are_used_one_by_one(bad_corpus):
    articles = read_corpus(bad_corpus[0]).articles.set_index("article_id")
    # line 2 is used; the ragged line 3 and the duplicate line 4 are not (no dict text as an outlet)
    assert articles.loc["harbour", "outlet"] == "The Coast Post" and articles.loc["harbour", "date"] == "2021-05-01"
    assert articles.loc["council", "outlet"] == "The Valley Courier"
    assert not articles["outlet"].str.contains("{", regex=False).any()


def test_utf16_text_is_read_as_text(bad_corpus):
    row = read_corpus(bad_corpus[0]).articles.set_index("article_id").loc["bridge"]
    assert row.title == "Bridge closed for repairs"
    assert row.text.startswith("Engineers closed the old bridge on Monday after finding 14 cracks")


@pytest.mark.parametrize("encoding, bom", [("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
                                           ("utf-8", codecs.BOM_UTF8)])
def test_text_with_a_byte_order_mark(tmp_path, encoding, bom):
    write(tmp_path, "a.md", bom + "---\ntitle: Zürich vote\n---\nVoters said “yes” on Sunday.\n".encode(encoding))
    row = read_corpus(tmp_path).articles.iloc[0]
    assert (row.title, row.text) == ("Zürich vote", "Voters said “yes” on Sunday.")


def test_utf16_without_a_byte_order_mark_is_named_with_the_remedy(tmp_path):
    write(tmp_path, "good.txt", "Title\n\nA sentence.\n")
    write(tmp_path, "nobom.txt", "Title\n\nA sentence.\n".encode("utf-16-le"))
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["good"]
    assert "UTF-16" in _reasons(read)["nobom.txt"][0]


def test_a_50mb_file_is_refused_within_bounded_memory(bad_corpus, tmp_path):
    huge = tmp_path / "huge.txt"
    os.link(bad_corpus[0] / "huge.txt", huge)  # the module's 50 MB file, without writing another
    write(tmp_path, "good.txt", "Title\n\nA sentence.\n")
    tracemalloc.start()
    try:
        read = read_corpus(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read.articles["article_id"].tolist() == ["good"] and "larger than" in _reasons(read)["huge.txt"][0]
    assert peak < 5 * 1024 * 1024  # the file is never read into memory


def test_a_jsonl_line_over_the_record_cap_is_refused_alone(tmp_path, monkeypatch):
    from newsbook import corpus

    monkeypatch.setattr(corpus, "MAX_RECORD_BYTES", 1000)
    lines = [{"id": "ok", "text": "A short record."}, {"id": "long", "text": "word " * 400}]
    write(tmp_path, "w.jsonl", "\n".join(json.dumps(r) for r in lines))
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["ok"]
    assert "line 2 is" in _reasons(read)["w.jsonl#2"][0] and "skipped" in _reasons(read)["w.jsonl#2"][0]


def test_jsonl_fields_that_are_not_text_reject_their_record_only(tmp_path):
    lines = [{"id": "ok", "text": "Fine."}, {"id": "list", "text": ["a", "b"]},
             {"id": {"x": 1}, "text": "An id that is a mapping."}, {"id": "outlet", "text": "T.", "outlet": {"a": 1}}]
    write(tmp_path, "w.jsonl", "\n".join(json.dumps(r) for r in lines))
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["ok"]
    reasons = _reasons(read)
    assert "'text' is a list, not text" in reasons["w.jsonl#2"][0]
    assert "'id' is a mapping" in reasons["w.jsonl#3"][0]
    assert "outlet is a mapping, not text" in reasons["w.jsonl#4"][0]


def test_csv_records_ragged_record_is_rejected_alone(tmp_path):
    write(tmp_path, "b.csv", "article_id,outlet,text\nx1,Paper,\"First, with a comma.\"\nx2,Paper,Second.,extra\n"
                             "x3,Paper,Third.\nx4,Paper,Fourth.,\n")
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["x1", "x3", "x4"]  # an empty trailing cell is fine
    assert _reasons(read)["b.csv#2"] == ["record 2 (line 3) has 4 fields but the header has 3; skipped"]


def test_metadata_csv_problems_name_their_line(tmp_path):
    write(tmp_path, "a.txt", "Title A\n\nSome text.\n")
    write(tmp_path, "metadata.csv", "article_id,outlet,outlet\n,No Id,\na,\"Herald\",\n")
    read = read_corpus(tmp_path)
    assert read.articles.iloc[0].outlet == "Herald"
    reasons = _reasons(read)["metadata.csv"]
    assert any("'outlet' appear more than once" in r for r in reasons)
    assert any(r.startswith("line 2 has no article_id") for r in reasons)


def test_a_recursive_or_deep_front_matter_is_refused(tmp_path):
    write(tmp_path, "good.txt", "Title\n\nA sentence.\n")
    write(tmp_path, "rec.md", "---\ntags: &a [*a]\n---\nBody.\n")
    write(tmp_path, "deep.md", "---\nx: " + "[" * 200 + "]" * 200 + "\n---\nBody.\n")
    write(tmp_path, "long.md", "---\nnote: " + "x" * 70_000 + "\n---\nBody.\n")
    read = read_corpus(tmp_path)
    reasons = _reasons(read)
    assert read.articles["article_id"].tolist() == ["good"]
    assert "recursive" in reasons["rec.md"][0]
    assert "nest more than" in reasons["deep.md"][0]
    assert "characters long" in reasons["long.md"][0]


# --- annotating -------------------------------------------------------------------------------------

BAD_ACTORS = {
    "bomb": f"{BILLION_LAUGHS}\ndrop: *i\n",
    "tag": "drop: !!python/object/apply:os.system ['touch {marker}']\n",
    "cycle": "rename:\n  Mark Olsen: Helen Brooks\nmerge:\n  Mark Olsen: [Helen Brooks]\n",
    "folder": None,
    "too large": "drop:\n" + "  - Somebody Else\n" * 200_000,
}


@pytest.fixture(scope="module")
def annotate_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("annotate-cache")


@pytest.mark.parametrize("kind", list(BAD_ACTORS))
def test_a_bad_actors_yaml_is_named_and_the_corpus_annotated_without_it(tmp_path, annotate_cache, kind):
    marker = tmp_path / "MARKER"
    for name, text in GOOD_ARTICLES.items():
        write(tmp_path, name, text)
    if BAD_ACTORS[kind] is None:
        (tmp_path / "actors.yaml").mkdir()
    else:
        write(tmp_path, "actors.yaml", BAD_ACTORS[kind].replace("{marker}", str(marker)))
    result = pipeline.annotate(tmp_path, cache_dir=annotate_cache, progress=False)
    assert sorted(result.articles["article_id"]) == ["council", "harbour"]
    errors = result.errors[result.errors["stage"] == "corrections"]
    assert errors["path"].tolist() == [str(tmp_path / "actors.yaml")]
    assert "none of its corrections were applied" in errors.iloc[0]["reason"]
    assert result.corrections_applied == []
    actors = set(result.mentions["actor"])
    assert {"Mark Olsen", "Helen Brooks"} <= actors  # neither turned into the other
    assert not marker.exists()
    if kind == "cycle":
        assert "rename 'Mark Olsen' → 'Helen Brooks'" in errors.iloc[0]["reason"]
        assert "merge 'Helen Brooks' → 'Mark Olsen'" in errors.iloc[0]["reason"]


def test_the_bad_files_corpus_is_annotated_through_the_command_line(bad_corpus, annotate_cache, tmp_path,
                                                                     capsys, monkeypatch):
    folder, marker = bad_corpus
    monkeypatch.setenv("NEWSBOOK_CACHE", str(annotate_cache))
    code = cli.main(["annotate", str(folder), "--out", str(tmp_path / "tables"), "--quiet", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    for name in ("bomb.md", "tagged.md", "binary-tag.md", "huge.txt", "notes.docx", "LICENSE", "loop.txt",
                 "dangling.txt", "wire.jsonl#2", "wire.jsonl#4", "metadata.csv"):
        assert f"error: {folder / name}: " in err, name
    import pandas as pd

    saved = pd.read_parquet(tmp_path / "tables" / "articles.parquet")
    assert sorted(saved["article_id"]) == ["bridge", "council", "harbour", "wire-1", "wire-3"]
    assert not marker.exists()


def test_a_corpus_that_is_a_symlink_loop_is_a_sentence(tmp_path, capsys):
    loop = tmp_path / "corpus"
    os.symlink("corpus", loop)
    code = cli.main(["annotate", str(loop), "--out", str(tmp_path / "tables"), "--quiet", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.strip() == f"error: {loop}: a symbolic link loop (a link that leads back to itself), not a folder or file"


def test_an_article_longer_than_the_text_cap_is_refused_alone(tmp_path, monkeypatch):
    from newsbook import corpus

    monkeypatch.setattr(corpus, "MAX_ARTICLE_CHARS", 500)
    write(tmp_path, "short.txt", "Title\n\nA sentence.\n")
    write(tmp_path, "long.txt", "Title\n\n" + "The council met again. " * 40 + "\n")
    read = read_corpus(tmp_path)
    assert read.articles["article_id"].tolist() == ["short"]
    assert "more than the 500 newsbook annotates" in _reasons(read)["long.txt"][0]

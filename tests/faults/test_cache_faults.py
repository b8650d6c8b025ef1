"""Fault suite, cache entries: every per-article and corpus-level entry replaced by a truncated,
emptied, garbage, old-format, wrong-shaped or crafted file (a pickle whose loading would create a
marker file). Each is reported once, removed and recomputed; nothing in it runs; the run's tables are
those of a clean run, table by table."""

from __future__ import annotations

import builtins
import json
import logging
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import newsbook
from newsbook import cache, schema

from ..conftest import SEEDS

MARKER_NAME = "pwned-by-cache-entry"


class Payload:
    """Unpickling this creates the marker file: proof that a cache read ran code from the file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return builtins.open, (self.marker, "w")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds plus one unreadable record, so the errors table has a row to cache too."""
    folder = tmp_path_factory.mktemp("fault-corpus")
    for path in SEEDS.iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    (folder / "broken.jsonl").write_text('{"article_id": "x", "text": \n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def clean(corpus) -> newsbook.Annotations:
    result = newsbook.annotate(corpus, cache_dir=None, progress=False)
    assert len(result.errors) and len(result.articles) == 2 and len(result.quote_matches)
    return result


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / MARKER_NAME


@pytest.fixture(scope="module")
def filled(corpus, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("filled") / "cache"
    newsbook.annotate(corpus, cache_dir=root, progress=False)
    return root


@pytest.fixture
def warm(filled, tmp_path) -> Path:
    """A cache as one run on the corpus left it (a copy for each test)."""
    return Path(shutil.copytree(filled, tmp_path / "cache"))


def assert_same_tables(result, clean) -> None:
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(result, name), getattr(clean, name), obj=name)
    assert result.corrections_applied == clean.corrections_applied
    assert (result.corpus, result.pipeline_version) == (clean.corpus, clean.pipeline_version)


def article_entries(root: Path) -> list[Path]:
    return sorted(root.glob(f"spacy-*/*/*{cache.ENTRY_SUFFIX}"))


def corpus_entry(root: Path, kind: str) -> Path:
    (path,) = (root / "corpora" / kind).glob(f"*{cache.ENTRY_SUFFIX}")
    return path


# --- ways to break an entry: each takes the (valid) entry's path and rewrites it ---------------------


def truncate(path: Path, marker: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def truncate_in_header(path: Path, marker: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(cache.MAGIC) + 20])


def empty(path: Path, marker: Path) -> None:
    path.write_bytes(b"")


def garbage(path: Path, marker: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


def bytes_appended(path: Path, marker: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\x00" * 16)


def pickle_payload(path: Path, marker: Path) -> None:
    path.write_bytes(pickle.dumps(Payload(marker)))


def old_corpus_format_payload(path: Path, marker: Path) -> None:
    """Format 2 of the corpus-level entries: a magic line, then pickles."""
    path.write_bytes(b"newsbook-corpus-cache-2\n" + pickle.dumps(("key", "root")) + pickle.dumps(Payload(marker)))


def pickle_behind_a_valid_header(path: Path, marker: Path) -> None:
    """Our magic and a header copied from the real entry, then a pickle where the tables belong."""
    header, streams = split(path)
    write(path, header, [pickle.dumps(Payload(marker))] + [b""] * (len(streams) - 1))


def split(path: Path) -> tuple[dict, list[bytes]]:
    return cache.split_entry(path.read_bytes())


def write(path: Path, header: dict, streams: list[bytes]) -> None:
    path.write_bytes(cache.join_entry(header, streams))


def old_format_version(path: Path, marker: Path) -> None:
    header, streams = split(path)
    header["format"] = cache.FORMAT_VERSION - 1
    write(path, header, streams)


def other_key(path: Path, marker: Path) -> None:
    """A well-formed entry filed under a key that is not its own (tampered, or copied)."""
    header, streams = split(path)
    header["key"] = "0" * len(header["key"])
    write(path, header, streams)


def table_missing(path: Path, marker: Path) -> None:
    header, streams = split(path)
    header["tables"], streams = header["tables"][:-1], streams[:-1]
    write(path, header, streams)


def tables_swapped(path: Path, marker: Path) -> None:
    header, streams = split(path)
    header["tables"][0]["name"], header["tables"][1]["name"] = header["tables"][1]["name"], header["tables"][0]["name"]
    write(path, header, streams)


def stream(data: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return sink.getvalue().to_pybytes()


def retyped_column(path: Path, marker: Path) -> None:
    """The first table's first int column stored as strings (a well-formed Arrow stream, wrong dtype)."""
    header, streams = split(path)
    data = pa.ipc.open_stream(streams[0]).read_all()
    index = next(i for i, f in enumerate(data.schema) if pa.types.is_integer(f.type) or pa.types.is_floating(f.type))
    data = data.set_column(index, data.schema[index].name, data.column(index).cast(pa.string()))
    streams[0] = stream(data)
    write(path, header, streams)


def column_dropped(path: Path, marker: Path) -> None:
    header, streams = split(path)
    data = pa.ipc.open_stream(streams[0]).read_all()
    streams[0] = stream(data.drop_columns([data.schema[0].name]))
    write(path, header, streams)


def nulls_in_a_string_column(path: Path, marker: Path) -> None:
    header, streams = split(path)
    data = pa.ipc.open_stream(streams[0]).read_all()
    field = data.schema[0]
    nulls = pa.nulls(data.num_rows, field.type)
    data = data.set_column(0, field, nulls)
    streams[0] = stream(data)
    write(path, header, streams)


def wrong_row_count(path: Path, marker: Path) -> None:
    header, streams = split(path)
    header["tables"][0]["rows"] += 1
    write(path, header, streams)


def body_length_wrong(path: Path, marker: Path) -> None:
    """The header's lengths no longer match what the body decompresses to (the body as it was)."""
    with path.open("rb") as fh:
        header = cache.read_header(fh)
        body = fh.read()
    header["tables"][-1]["bytes"] += 7
    encoded = json.dumps(header).encode()
    path.write_bytes(cache.MAGIC + b"%010d\n" % len(encoded) + encoded + body)


def header_not_an_object(path: Path, marker: Path) -> None:
    encoded = b'["format", 3]'
    path.write_bytes(cache.MAGIC + b"%010d\n" % len(encoded) + encoded)


COMMON = [truncate, truncate_in_header, empty, garbage, bytes_appended, pickle_payload,
          old_corpus_format_payload, pickle_behind_a_valid_header, old_format_version, other_key,
          table_missing, tables_swapped, retyped_column, column_dropped, nulls_in_a_string_column,
          wrong_row_count, body_length_wrong, header_not_an_object]


def run_and_check(corpus, root, clean, marker, caplog, broken: Path, *, parsed: int):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsbook"):
        result = newsbook.annotate(corpus, cache_dir=root, progress=False)
    assert not marker.exists(), "a cache read ran code from the file"
    assert_same_tables(result, clean)
    assert result.cache_misses == parsed
    reports = [r.getMessage() for r in caplog.records if str(broken) in r.getMessage()]
    assert len(reports) == 1 and "not usable" in reports[0], reports
    return result


@pytest.mark.parametrize("damage", COMMON, ids=lambda f: f.__name__)
def test_a_broken_article_entry_is_reported_once_and_recomputed(corpus, clean, warm, marker, caplog, damage):
    shutil.rmtree(warm / "corpora")  # so the per-article entries are read
    broken = article_entries(warm)[0]
    damage(broken, marker)
    run_and_check(corpus, warm, clean, marker, caplog, broken, parsed=1)
    cache.read_entry(broken, cache.ARTICLE, broken.stem, ("mentions", "quotes", "figures"))  # valid again

    shutil.rmtree(warm / "corpora")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsbook"):
        again = newsbook.annotate(corpus, cache_dir=warm, progress=False)
    assert "not usable" not in caplog.text  # reported once: the entry was replaced
    assert (again.cache_hits, again.cache_misses) == (2, 0)
    assert_same_tables(again, clean)


@pytest.mark.parametrize("kind", ["read", "result"])
@pytest.mark.parametrize("damage", [f for f in COMMON if f is not other_key], ids=lambda f: f.__name__)
def test_a_broken_corpus_entry_is_reported_once_and_recomputed(corpus, clean, warm, marker, caplog, damage, kind):
    broken = corpus_entry(warm, kind)
    damage(broken, marker)
    # a broken read entry: the corpus is read again, which gives the same result key, so the result
    # entry still answers (nothing parsed); a broken result entry: assembled again from the articles'
    run_and_check(corpus, warm, clean, marker, caplog, broken, parsed=0)
    with broken.open("rb") as fh:
        assert cache.read_header(fh)["kind"] == kind  # rewritten

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsbook"):
        again = newsbook.annotate(corpus, cache_dir=warm, progress=False)
    assert "not usable" not in caplog.text
    assert_same_tables(again, clean)


@pytest.mark.parametrize("kind", ["read", "result"])
def test_a_corpus_entry_for_another_key_is_stale_not_broken(corpus, clean, warm, marker, caplog, kind):
    """A corpus-level entry holds one key per corpus path; another key (the corpus or the code
    changed since) is overwritten without a warning."""
    path = corpus_entry(warm, kind)
    other_key(path, marker)
    with caplog.at_level(logging.WARNING, logger="newsbook"):
        result = newsbook.annotate(corpus, cache_dir=warm, progress=False)
    assert "not usable" not in caplog.text
    assert_same_tables(result, clean)
    assert split(path)[0]["key"] != "0" * 64


def swap_kinds(root: Path) -> Path:
    """The read entry copied over the result entry: a well-formed entry of the wrong shape."""
    result = corpus_entry(root, "result")
    shutil.copy(corpus_entry(root, "read"), result)
    return result


def result_meta_of_the_wrong_type(root: Path) -> Path:
    path = corpus_entry(root, "result")
    header, streams = split(path)
    header["meta"]["corrections_applied"] = {"not": "a list"}
    write(path, header, streams)
    return path


def article_entry_as_result(root: Path) -> Path:
    path = corpus_entry(root, "result")
    shutil.copy(article_entries(root)[0], path)
    return path


@pytest.mark.parametrize("damage", [swap_kinds, result_meta_of_the_wrong_type, article_entry_as_result],
                         ids=lambda f: f.__name__)
def test_a_corpus_entry_of_the_wrong_shape_is_recomputed(corpus, clean, warm, marker, caplog, damage):
    broken = damage(warm)
    run_and_check(corpus, warm, clean, marker, caplog, broken, parsed=0)


def test_every_entry_broken_at_once(corpus, clean, warm, marker, caplog):
    """All entries crafted as pickles at the same time: every article parsed again, nothing runs."""
    paths = article_entries(warm) + [corpus_entry(warm, "read"), corpus_entry(warm, "result")]
    for path in paths:
        pickle_payload(path, marker)
    with caplog.at_level(logging.WARNING, logger="newsbook"):
        result = newsbook.annotate(corpus, cache_dir=warm, progress=False)
    assert not marker.exists()
    assert_same_tables(result, clean)
    assert (result.cache_hits, result.cache_misses) == (0, 2)
    for path in paths:
        assert sum(str(path) in r.getMessage() for r in caplog.records) == 1


def test_the_cli_finishes_and_writes_identical_tables(corpus, clean, warm, marker, tmp_path, monkeypatch):
    from newsbook import cli

    for path in article_entries(warm) + [corpus_entry(warm, "result")]:
        pickle_payload(path, marker)
    shutil.rmtree(warm / "corpora" / "read")
    monkeypatch.setattr(cli, "CACHE_DIR", warm)
    out = tmp_path / "out"
    assert cli.main(["annotate", str(corpus), "--out", str(out)]) == 0
    assert not marker.exists()
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"),
                                      pd.read_parquet(_saved(clean, tmp_path) / f"{name}.parquet"), obj=name)


def _saved(result, tmp_path) -> Path:
    folder = tmp_path / "clean-out"
    if not folder.exists():
        result.save(folder)
    return folder


def test_a_fifo_or_a_directory_in_place_of_an_entry_does_not_block_or_fail_the_run(corpus, clean, warm, caplog):
    import os

    shutil.rmtree(warm / "corpora")
    fifo, folder = article_entries(warm)
    fifo.unlink()
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    folder.unlink()
    folder.mkdir()
    with caplog.at_level(logging.WARNING, logger="newsbook"):
        result = newsbook.annotate(corpus, cache_dir=warm, progress=False)
    assert_same_tables(result, clean)
    assert result.cache_misses == 2
    assert "not a regular file" in caplog.text

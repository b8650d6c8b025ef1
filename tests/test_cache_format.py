"""The cache's on-disk format: data only (a JSON header and Arrow IPC tables), read back exactly as
written, and every way an entry can be wrong is refused before any value is used."""

from __future__ import annotations

import io
import json
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import newsbook
from newsbook import cache, nlp, pipeline, schema

from .conftest import SEEDS

LIB = Path(newsbook.__file__).resolve().parent
KEY = "ab" + "0" * 62
TABLES = pipeline.PER_ARTICLE_TABLES


def rows(seed_annotations, table: str, article_id: str) -> list[dict]:
    frame = getattr(seed_annotations, table)
    return frame[frame["article_id"] == article_id].to_dict("records")


def test_no_module_imports_pickle_or_marshal():
    """Nothing in newsbook can unpickle: no import of pickle-like modules, no pandas pickle reader."""
    banned = re.compile(r"^\s*(?:import|from)\s+(?:pickle|_pickle|cPickle|marshal|shelve|dill|cloudpickle|joblib)\b"
                        r"|\bread_pickle\b|__import__\(\s*['\"](?:pickle|marshal)", re.M)
    offenders = {path.name: banned.findall(path.read_text(encoding="utf-8")) for path in LIB.rglob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) > 10  # the scan did read the package


def test_an_article_entry_reads_back_the_rows_the_run_would_use(seed_annotations, tmp_path):
    article_id = seed_annotations.articles["article_id"].iloc[0]
    tables = {name: rows(seed_annotations, name, article_id) for name in TABLES}
    tables["figures"][0]["value_high"] = float("nan")
    tables["mentions"][0]["extra_key"] = "ignored"  # a key no table has is not kept
    path = cache.article_entry_path(tmp_path, KEY)
    cache.save_article(path, KEY, tables, TABLES)

    assert path.read_bytes().startswith(cache.MAGIC)
    back = cache.load_article(path, KEY, TABLES)
    assert list(back) == list(TABLES)
    for name in TABLES:
        pd.testing.assert_frame_equal(nlp.table_from_rows(name, back[name]), nlp.table_from_rows(name, tables[name]))
        assert all(list(row) == schema.TABLES[name].column_names for row in back[name])


def test_an_article_without_rows_reads_back_empty_tables(tmp_path):
    path = cache.article_entry_path(tmp_path, KEY)
    cache.save_article(path, KEY, {name: [] for name in TABLES}, TABLES)
    assert cache.load_article(path, KEY, TABLES) == {name: [] for name in TABLES}


@pytest.mark.parametrize("name", list(schema.TABLES))
def test_every_table_round_trips_exactly(seed_annotations, name):
    frame = getattr(seed_annotations, name)
    for sample in (frame, frame.iloc[:0].reset_index(drop=True), schema.empty(name)):
        back = cache.arrow_to_frame(name, cache.frame_to_arrow(name, schema.conform(name, sample)))
        pd.testing.assert_frame_equal(back, schema.conform(name, sample))
        for col in schema.TABLES[name].columns:
            if col.dtype == "str":
                assert back[col.name].dtype == object  # as conform gives, whatever pandas' default is


def test_repeated_strings_come_back_as_one_object(seed_annotations):
    """A sentence repeated by every mention in it is one string in memory, as the run holds it."""
    back = cache.arrow_to_frame("mentions", cache.frame_to_arrow("mentions", seed_annotations.mentions))
    sentences = back["sentence"]
    first = sentences.iloc[0]
    repeats = [s for s in sentences if s == first]
    assert len(repeats) > 1 and all(s is first for s in repeats)


def test_a_table_the_schema_cannot_hold_is_not_cached(tmp_path, caplog):
    bad = {"mentions": [{"article_id": "a", "start": "not a number"}], "quotes": [], "figures": []}
    path = cache.article_entry_path(tmp_path, KEY)
    cache.save_article(path, KEY, bad, TABLES)
    assert not path.exists() and "could not cache" in caplog.text


def entry_bytes(seed_annotations) -> bytes:
    return cache.encode_entry(cache.RESULT, KEY, {n: cache.frame_to_arrow(n, f)
                                                  for n, f in seed_annotations.tables().items()},
                              corpus="/some/corpus", meta={"pipeline_version": "v"})


def read(data: bytes, tmp_path: Path, **checks):
    path = tmp_path / "entry"
    path.write_bytes(data)
    options = dict(kind=cache.RESULT, key=KEY, tables=tuple(schema.TABLES), corpus="/some/corpus")
    options.update(checks)
    return cache.read_entry(path, options.pop("kind"), options.pop("key"), options.pop("tables"), **options)


def test_a_valid_entry_is_read(seed_annotations, tmp_path):
    entry = read(entry_bytes(seed_annotations), tmp_path)
    assert entry.meta == {"pipeline_version": "v"} and list(entry.tables) == list(schema.TABLES)
    assert read(entry_bytes(seed_annotations), tmp_path, key="other", stale_ok=True) is None
    assert cache.read_entry(tmp_path / "missing", cache.RESULT, KEY, ()) is None


class Payload:
    def __reduce__(self):
        return eval, ("1/0",)  # unpickling raises ZeroDivisionError: a read that unpickles shows it


@pytest.mark.parametrize("data, problem", [
    (b"", "not a newsbook cache entry"),
    (pickle.dumps({"mentions": []}), "not a newsbook cache entry"),
    (pickle.dumps(Payload()), "not a newsbook cache entry"),
    (cache.MAGIC + b"12", "header length"),
    (cache.MAGIC + b"99999999999\n", "header length"),
    (cache.MAGIC + b"0099999999\n", "claims"),
    (cache.MAGIC + b"0000000010\n{}", "truncated"),
    (cache.MAGIC + b"0000000004\n\x80abc", "not JSON"),
    (cache.MAGIC + b"0000000002\n[]", "not a JSON object"),
    (cache.MAGIC + b"0000000012\n{\"format\":2}", "format 2"),
    (cache.MAGIC + b"0000000012\n{\"format\":3}", "lacks a field"),
])
def test_a_malformed_header_is_refused(tmp_path, data, problem):
    with pytest.raises(cache.InvalidEntry, match=problem):
        read(data, tmp_path)


header_and_streams = cache.split_entry
rebuilt = cache.join_entry


def with_header(data: bytes, change) -> bytes:
    """`data` with its header changed by `change` (a function of the header dict), body as it was."""
    fh = io.BytesIO(data)
    header = cache.read_header(fh)
    body = fh.read()
    change(header)
    encoded = json.dumps(header).encode()
    return cache.MAGIC + b"%010d\n" % len(encoded) + encoded + body


def test_entries_of_the_wrong_shape_are_refused(seed_annotations, tmp_path):
    data = entry_bytes(seed_annotations)
    with pytest.raises(cache.InvalidEntry, match="'read' entry"):
        read(data, tmp_path, kind=cache.READ)
    with pytest.raises(cache.InvalidEntry, match="key"):
        read(data, tmp_path, key="other")
    with pytest.raises(cache.InvalidEntry, match="corpus"):
        read(data, tmp_path, corpus="/another/corpus")
    with pytest.raises(cache.InvalidEntry, match="tables"):
        read(data, tmp_path, tables=("articles", "errors"))
    with pytest.raises(cache.InvalidEntry, match="truncated"):
        read(data[:-1], tmp_path)
    with pytest.raises(cache.InvalidEntry, match="bytes after"):
        read(data + b"x", tmp_path)

    header, streams = header_and_streams(data)
    header["tables"][2]["rows"] += 1
    with pytest.raises(cache.InvalidEntry, match="rows"):
        read(rebuilt(header, streams), tmp_path)

    def tables_bytes_as_text(header):
        header["tables"][0]["bytes"] = str(header["tables"][0]["bytes"])

    def body_longer(header):
        header["tables"][0]["bytes"] += 1

    def body_shorter(header):
        header["tables"][0]["bytes"] -= 1

    def bomb(header):
        header["tables"][0]["bytes"] += 10**12

    def other_codec(header):
        header["compression"] = "gzip"

    def not_compressed(header):
        header["compression"] = None

    for change, problem in ((tables_bytes_as_text, "wrong type"), (body_longer, "decompress"),
                            (body_shorter, "decompress"), (bomb, "claims"), (other_codec, "compression"),
                            (not_compressed, "add up")):
        with pytest.raises(cache.InvalidEntry, match=problem):
            read(with_header(data, change), tmp_path)


def swap_stream(data: bytes, index: int, table: pa.Table) -> bytes:
    header, streams = header_and_streams(data)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    streams[index] = sink.getvalue().to_pybytes()
    header["tables"][index]["rows"] = table.num_rows
    return rebuilt(header, streams)


def test_tables_of_the_wrong_columns_or_types_are_refused(seed_annotations, tmp_path):
    data = entry_bytes(seed_annotations)
    mentions = cache.frame_to_arrow("mentions", seed_annotations.mentions)
    index = list(schema.TABLES).index("mentions")
    variants = {
        "start as strings": mentions.set_column(4, "start", mentions.column("start").cast(pa.string())),
        "start as int32": mentions.set_column(4, "start", mentions.column("start").cast(pa.int32())),
        "a column missing": mentions.drop_columns(["how"]),
        "an extra column": mentions.append_column("extra", pa.array(["x"] * mentions.num_rows)),
        "columns reordered": mentions.select(list(reversed(mentions.column_names))),
        "nulls in an int column": mentions.set_column(4, mentions.schema.field("start"),
                                                      pa.array([None] * mentions.num_rows, pa.int64())),
        "the quotes table": cache.frame_to_arrow("quotes", seed_annotations.quotes),
    }
    for what, table in variants.items():
        with pytest.raises(cache.InvalidEntry, match="mentions"):
            read(swap_stream(data, index, table), tmp_path)
        assert what


def test_a_stream_that_is_not_arrow_is_refused(seed_annotations, tmp_path):
    header, streams = header_and_streams(entry_bytes(seed_annotations))
    streams[0] = pickle.dumps(Payload())
    with pytest.raises(cache.InvalidEntry, match="not a readable Arrow stream"):
        read(rebuilt(header, streams), tmp_path)


def test_an_arrow_extension_type_carrying_a_pickle_is_not_unpickled(seed_annotations, tmp_path):
    """pyarrow once unpickled 'arrow.py_extension_type' fields on read (CVE-2023-47248)."""
    header, streams = header_and_streams(entry_bytes(seed_annotations))
    field = pa.field("article_id", pa.binary(), metadata={b"ARROW:extension:name": b"arrow.py_extension_type",
                                                           b"ARROW:extension:metadata": pickle.dumps(Payload())})
    table = pa.Table.from_arrays([pa.array([b"x"], pa.binary())], schema=pa.schema([field]))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    streams[0] = sink.getvalue().to_pybytes()
    header["tables"][0]["rows"] = 1
    with pytest.raises(cache.InvalidEntry):  # the wrong schema; ZeroDivisionError if it were unpickled
        read(rebuilt(header, streams), tmp_path)


def test_load_reports_removes_and_answers_none(tmp_path, caplog):
    path = cache.article_entry_path(tmp_path, KEY)
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(Payload()))
    assert cache.load_article(path, KEY, TABLES) is None
    assert not path.exists()
    assert caplog.text.count("not usable") == 1 and str(path) in caplog.text


def test_the_listing_counts_entries_of_the_current_format(tmp_path):
    version = "spacy-3.8.0+en_fake_model-1.0.0+code-" + "0" * 16
    store = pipeline.ArticleCache(tmp_path, version)
    for n in range(3):
        store.put({"article_id": str(n), "content_hash": "h", "byline": "", "outlet": ""},
                  {name: [] for name in TABLES})
    assert [row.entries for row in cache.describe(tmp_path, version)] == [3]


def test_corpus_entries_round_trip_through_the_pipeline(seed_annotations, tmp_path):
    corpora = pipeline.CorpusCache(tmp_path)
    root = SEEDS
    corpora.put_result(root, "k", seed_annotations)
    back = corpora.get_result(root, "k")
    for name, frame in seed_annotations.tables().items():
        pd.testing.assert_frame_equal(getattr(back, name), frame)
    assert back.corrections_applied == seed_annotations.corrections_applied
    assert (back.corpus, back.pipeline_version) == (seed_annotations.corpus, seed_annotations.pipeline_version)
    assert np.isnan(back.figures["value_high"]).any() == np.isnan(seed_annotations.figures["value_high"]).any()

    read_back = corpora.read(root, "code")  # fills the read entry
    again = corpora.read(root, "code")
    pd.testing.assert_frame_equal(again.articles, read_back.articles)
    pd.testing.assert_frame_equal(again.errors, read_back.errors)
    assert again.root == read_back.root


def test_arrow_buffers_that_point_outside_their_data_are_refused(seed_annotations, tmp_path):
    """A crafted string column (offsets that run backwards, bytes that are not UTF-8) is caught when
    read, not when a later step touches it."""
    data = entry_bytes(seed_annotations)
    mentions = cache.frame_to_arrow("mentions", seed_annotations.mentions)
    n = mentions.num_rows
    index = list(schema.TABLES).index("mentions")
    offsets = pa.py_buffer(np.array([0, 3, 1] + [3] * (n - 2), dtype=np.int32).tobytes())
    backwards = pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(b"abc")])
    not_utf8 = pa.array([b"\xff\xfe"] * n, pa.binary()).view(pa.string())
    for bad in (backwards, not_utf8):
        table = mentions.set_column(0, mentions.schema.field("article_id"), bad)
        with pytest.raises(cache.InvalidEntry, match="not a readable Arrow stream"):
            read(swap_stream(data, index, table), tmp_path)

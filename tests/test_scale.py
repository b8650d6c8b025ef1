"""Scale: parallel and Dask engines give identical tables, partitioned Parquet reads back, re-runs are
incremental, and charts never get more rows than Altair draws."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import newsbook
from newsbook import charts, cli, engines, extraction, pipeline, schema

from .conftest import SEEDS

# Short wire-style articles of our own (invented people and places), so the engines see more than
# the two seeds and more than one chunk.
EXTRA_ARTICLES = {
    "harbour-strike": """---
title: Dock workers strike over pensions
outlet: Coastline Herald
date: 2024-03-04
---
PORT ELLERY — About 1,200 dock workers walked off the job on Monday, union leader Amara Okafor said.

"We will not accept a deal that leaves families worse off," Okafor told reporters at the harbour gate.

The port authority said 14 ships were waiting to unload and that losses could reach $3 million a day.
""",
    "harbour-strike-2": """---
title: Strike halts Port Ellery
outlet: Global Wire
date: 2024-03-04
---
Nearly 1,300 workers joined the strike at Port Ellery on Monday, according to the Federation of Dock Workers.

Port director Jonas Lindqvist said the authority remained open to talks. "Our door is open," he said.

Officials warned that 15 vessels were stuck offshore.
""",
    "river-floods": """---
title: River bursts its banks in Kestrin
outlet: Evening Courier
date: 2024-05-19
---
KESTRIN — Some 350 homes were evacuated after the river burst its banks overnight, Mayor Leila Haddad said on Sunday.

Haddad said 40 firefighters and two helicopters had been sent to the area. Residents described water rising by 60 centimetres in an hour.

The regional council has set aside 2.5 million euros for repairs.
""",
}


def make_corpus(folder, *, with_seeds: bool = True):
    folder.mkdir(parents=True, exist_ok=True)
    if with_seeds:
        for path in SEEDS.iterdir():
            shutil.copy(path, folder / path.name)
    for name, text in EXTRA_ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def assert_same_tables(a: pipeline.Annotations, b: pipeline.Annotations) -> None:
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.corrections_applied == b.corrections_applied


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("scale") / "corpus")


@pytest.fixture(scope="module")
def single(corpus):
    """The reference: one process, no cache."""
    return newsbook.annotate(corpus, cache_dir=None, progress=False)


def test_reference_run_sees_every_article(single):
    assert len(single.articles) == 2 + len(EXTRA_ARTICLES)
    assert single.errors.empty


def test_two_processes_give_identical_tables(corpus, single):
    parallel = newsbook.annotate(corpus, cache_dir=None, progress=False, jobs=2)
    assert_same_tables(single, parallel)


def test_dask_local_cluster_gives_identical_tables(corpus, single):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        on_dask = newsbook.annotate(corpus, cache_dir=None, progress=False, scheduler=cluster.scheduler_address)
    assert_same_tables(single, on_dask)


def test_dask_results_fill_the_local_cache(corpus, single, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        first = newsbook.annotate(corpus, cache_dir=tmp_path, progress=False, scheduler=client)
    assert first.cache_misses == len(single.articles)
    # the per-article cache written from the workers' results serves a plain local run
    shutil.rmtree(tmp_path / "corpora", ignore_errors=True)
    again = newsbook.annotate(corpus, cache_dir=tmp_path, progress=False)
    assert (again.cache_hits, again.cache_misses) == (len(single.articles), 0)
    assert_same_tables(single, again)


def test_a_worker_with_other_code_is_refused(corpus, monkeypatch):
    monkeypatch.setattr(extraction, "annotate_chunk",
                        lambda articles, batch_size=32: {"version": "other", "rows": []})
    engine = engines.ProcessEngine(1)
    engine._pool = _InlinePool()
    with pytest.raises(newsbook.errors.NewsbookError, match="pipeline version"):
        list(engine.run([{"article_id": "a", "text": "x"}]))


class _InlinePool:
    """A stand-in executor that runs submitted work in this process (for the version check)."""

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, **kwargs):
        pass


def test_an_engine_that_loses_an_article_is_reported(corpus):
    class Lossy(engines.Engine):
        def run(self, articles, *, batch_size=32):
            for article_id, tables, reason in engines.InProcessEngine().run(articles[1:], batch_size=batch_size):
                yield article_id, tables, reason

    read = newsbook.read_corpus(corpus)
    rows = read.articles.to_dict("records")
    cache = pipeline.ArticleCache(None, "test")
    out = list(pipeline.annotate_articles(rows, cache=cache, progress=False, engine=Lossy()))
    assert [a["article_id"] for a, _, _ in out] == [a["article_id"] for a in rows]
    lost = out[0]
    assert lost[1] is None and "no result" in lost[2]
    assert all(tables is not None for _, tables, _ in out[1:])


def test_partitioned_parquet_reads_back(single, tmp_path):
    single.save(tmp_path, partitions=4)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["partitioned"]["buckets"] == 4
    for name in pipeline.PARTITIONED_TABLES:
        assert (tmp_path / name).is_dir() and list((tmp_path / name).glob("bucket=*/part-0.parquet"))
        back = pipeline.read_table(tmp_path, name, with_text=True)
        expected = pipeline.sentences_table(single) if name == "sentences" else getattr(single, name)
        pd.testing.assert_frame_equal(back, expected, check_dtype=False, obj=name)
    # the flat files are still there for everything else
    for name in schema.TABLES:
        assert (tmp_path / f"{name}.parquet").exists() and (tmp_path / f"{name}.csv").exists()


def test_read_table_leaves_out_the_text_and_filters(single, tmp_path):
    single.save(tmp_path, partitions=3)
    articles = pipeline.read_table(tmp_path, "articles")
    assert "text" not in articles.columns
    assert articles["article_id"].tolist() == single.articles["article_id"].tolist()
    one = single.articles["article_id"].iloc[-1]
    mentions = pipeline.read_table(tmp_path, "mentions", columns=["article_id", "actor"],
                                   filters=[("article_id", "==", one)])
    assert list(mentions.columns) == ["article_id", "actor"]
    assert set(mentions["article_id"]) <= {one}
    assert len(mentions) == (single.mentions["article_id"] == one).sum()
    # an article sits in the same bucket in every table
    bucket = pipeline.bucket_of(one, 3)
    in_bucket = pipeline.read_table(tmp_path, "quotes", filters=[("bucket", "==", bucket)])
    assert one in set(in_bucket["article_id"]) or (single.quotes["article_id"] != one).all()
    assert set(in_bucket["article_id"]) == {a for a in single.quotes["article_id"] if pipeline.bucket_of(a, 3) == bucket}


def test_read_table_falls_back_to_the_flat_file(single, tmp_path):
    # a folder written before the partitioned datasets existed: flat files and a manifest only
    # (a folder whose manifest lists a dataset that is missing is refused, see tests/faults)
    for name, frame in single.tables().items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    manifest = {"corpus": single.corpus, "pipeline_version": "old", "result_key": "",
                "tables": {name: len(frame) for name, frame in single.tables().items()}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    back = pipeline.read_table(tmp_path, "figures", columns=["article_id", "value", "kind"],
                               filters=[("kind", "!=", "date")])
    expected = single.figures.loc[single.figures["kind"] != "date", ["article_id", "value", "kind"]]
    pd.testing.assert_frame_equal(back, expected.reset_index(drop=True), check_dtype=False)


def test_one_added_article_is_the_only_cache_miss(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seeds=False)
    cache = tmp_path / "cache"
    first = newsbook.annotate(corpus, cache_dir=cache, progress=False)
    assert (first.cache_hits, first.cache_misses) == (0, len(EXTRA_ARTICLES))
    (corpus / "late-story.txt").write_text(
        "---\ntitle: Council approves budget\noutlet: Capital Times\n---\n"
        "The council approved a 12 million budget on Tuesday, its chairman Tomasz Kowalczyk said.\n",
        encoding="utf-8")
    again = newsbook.annotate(corpus, cache_dir=cache, progress=False)
    assert (again.cache_hits, again.cache_misses) == (len(EXTRA_ARTICLES), 1)
    assert "late-story" in set(again.articles["article_id"])


def test_unchanged_corpus_is_answered_without_reading_or_parsing(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", with_seeds=False)
    cache = tmp_path / "cache"
    first = newsbook.annotate(corpus, cache_dir=cache, progress=False)

    def no_reading(*args, **kwargs):
        raise AssertionError("the corpus was read again")

    monkeypatch.setattr(pipeline, "read_corpus", no_reading)
    monkeypatch.setattr(extraction, "iter_annotate", no_reading)
    again = newsbook.annotate(corpus, cache_dir=cache, progress=False)
    assert (again.cache_hits, again.cache_misses) == (len(EXTRA_ARTICLES), 0)
    assert_same_tables(first, again)


def test_changed_metadata_is_seen_although_the_text_is_the_same(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seeds=False)
    cache = tmp_path / "cache"
    newsbook.annotate(corpus, cache_dir=cache, progress=False)
    path = corpus / "river-floods.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Evening Courier", "Morning Ledger"), encoding="utf-8")
    again = newsbook.annotate(corpus, cache_dir=cache, progress=False)
    outlets = again.articles.set_index("article_id")["outlet"]
    assert outlets["river-floods"] == "Morning Ledger"


def test_cli_jobs_flag_and_unchanged_output_is_not_rewritten(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "CACHE_DIR", tmp_path / "cache")
    corpus = make_corpus(tmp_path / "corpus", with_seeds=False)
    out = tmp_path / "out"
    assert cli.main(["annotate", str(corpus), "--out", str(out), "--jobs", "2"]) == 0
    assert "cache: 0 hits, 3 parsed" in capsys.readouterr().out
    stamp = (out / "mentions.parquet").stat().st_mtime_ns
    assert cli.main(["annotate", str(corpus), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "up to date" in printed and "cache: 3 hits, 0 parsed" in printed
    assert (out / "mentions.parquet").stat().st_mtime_ns == stamp
    expected = newsbook.read_corpus(corpus).articles["article_id"].tolist()
    assert pipeline.read_table(out, "articles")["article_id"].tolist() == expected


def test_jobs_below_one_is_an_error(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "corpus", with_seeds=False)
    assert cli.main(["annotate", str(corpus), "--out", str(tmp_path / "o"), "--jobs", "0", "--no-cache"]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_chunks_cover_every_article_once():
    articles = [{"article_id": str(i)} for i in range(203)]
    size = engines.chunk_size_for(len(articles), 2)
    chunks = list(engines._chunks(articles, size))
    assert [a for chunk in chunks for a in chunk] == articles
    assert 1 <= size <= 64 and len(chunks) >= 4


# --- charts on large tables ------------------------------------------------------------------------


def big_mentions(rows: int = 30_000) -> pd.DataFrame:
    return pd.DataFrame({
        "actor": [f"Actor {i % 9_000}" for i in range(rows)],
        "source": [("Wire", "Herald", "Courier")[i % 3] for i in range(rows)],
        "words": [(i * 37) % 900 for i in range(rows)],
    })


def test_aggregate_brings_a_large_table_under_the_row_limit():
    data = charts.aggregate(big_mentions(), ["actor", "source"], top=15)
    assert len(data) <= 16 * 3
    assert charts.OTHER in set(data["actor"])
    assert data["count"].sum() == 30_000  # nothing dropped: the rest is pooled, not cut
    import altair as alt

    alt.Chart(data).mark_bar().encode(x="count:Q", y="actor:N", color="source:N").to_dict()


def test_too_many_rows_fail_early_and_say_what_to_do():
    with pytest.raises(charts.ChartDataTooLarge, match="Aggregate first"):
        charts.aggregate(big_mentions(), ["actor", "source"])
    with pytest.raises(charts.ChartDataTooLarge):
        charts.chart_ready(big_mentions())


def test_histogram_counts_every_row():
    data = charts.histogram(big_mentions(), "words", bins=20, by="source")
    assert data["count"].sum() == 30_000 and len(data) <= 60

"""Fault suite, saving: what `newsbook annotate --out DIR` may touch. A researcher's folders and
files where the tables go survive byte for byte (and the run stops before any annotation work);
a read-only folder and a full disk are a clear error with the previous tables and the cache intact;
readers refuse a folder whose files do not match its manifest; a killed run's leftovers go."""

from __future__ import annotations

import errno
import json
import os
import shutil

import pandas as pd
import pytest

from newsbook import cli, files, pipeline, report, schema
from newsbook.errors import OutputFolderError, TablesMismatch

from tests.faults.save_faults_support import snapshot, write_corpus

SMALL = 12


def refuse_annotation(monkeypatch):
    """Make any annotation work fail the test: the checks must come first."""
    def no_work(*args, **kwargs):
        raise AssertionError("the corpus was annotated before the output folder was checked")

    monkeypatch.setattr(pipeline, "annotate", no_work)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    base = tmp_path_factory.mktemp("small")
    corpus = write_corpus(base / "corpus", SMALL)
    cache = base / "cache"
    return corpus, cache, pipeline.annotate(corpus, cache_dir=cache, progress=False)


def test_a_study_folder_where_the_tables_would_go_survives_byte_for_byte(tmp_path, monkeypatch, capsys):
    study = tmp_path / "study"
    corpus = write_corpus(study / "articles", 3)
    (study / "quotes").mkdir()
    (study / "quotes" / "notes.txt").write_text("who said what: check with the desk\n")
    (study / "figures.csv").write_text("my,own,figures\n1,2,3\n")
    (study / "manifest.json").write_text('{"my": "study plan"}\n')
    before = snapshot(study)
    refuse_annotation(monkeypatch)
    assert cli.main(["annotate", str(corpus), "--out", str(study), "--quiet"]) == 2
    err = capsys.readouterr().err
    for name in ("articles", "quotes", "figures.csv", "manifest.json"):
        assert str(study / name) in err
    assert "nothing was changed" in err
    assert snapshot(study) == before


def test_out_that_is_a_file_is_an_error_before_any_work(tmp_path, monkeypatch, capsys):
    target = tmp_path / "tables"
    target.write_text("not a folder\n")
    refuse_annotation(monkeypatch)
    corpus = write_corpus(tmp_path / "corpus", 2)
    assert cli.main(["annotate", str(corpus), "--out", str(target), "--quiet"]) == 2
    assert f"--out {target} is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "not a folder\n"


def test_out_inside_the_corpus_is_refused(tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "corpus", 2)
    refuse_annotation(monkeypatch)
    assert cli.main(["annotate", str(corpus), "--out", str(corpus / "tables"), "--quiet"]) == 2
    assert "inside the corpus folder" in capsys.readouterr().err
    assert not (corpus / "tables").exists()


def test_a_note_dropped_into_a_table_folder_is_never_deleted(small, tmp_path):
    _, _, result = small
    out = tmp_path / "tables"
    result.save(out)
    note = out / "quotes" / "my-notes.txt"  # lands in the current set, through the quotes link
    note.write_text("keep me\n")
    with pytest.raises(OutputFolderError, match="my-notes.txt"):
        result.save(out)
    assert note.read_text() == "keep me\n"
    # a table file replaced by the researcher's own is not newsbook's any more either
    note.unlink()
    (out / "figures.csv").unlink()
    (out / "figures.csv").write_text("edited in a spreadsheet\n")
    with pytest.raises(OutputFolderError, match="figures.csv"):
        result.save(out)
    assert (out / "figures.csv").read_text() == "edited in a spreadsheet\n"
    # and so is one edited in place, through its link, even to the same size
    (out / "figures.csv").unlink()
    result.save(tmp_path / "other")
    edited = (tmp_path / "other" / "quotes.csv").read_bytes().replace(b"We are", b"WE ARE")
    assert edited != (tmp_path / "other" / "quotes.csv").read_bytes()
    (tmp_path / "other" / "quotes.csv").write_bytes(edited)
    with pytest.raises(OutputFolderError, match="quotes.csv"):
        result.save(tmp_path / "other")
    assert (tmp_path / "other" / "quotes.csv").read_bytes() == edited


def test_a_folder_written_before_this_layout_is_taken_over_and_nothing_else(small, tmp_path):
    _, _, result = small
    out = tmp_path / "old"
    out.mkdir()
    for name, frame in result.tables().items():  # the flat layout of newsbook 0.1's first saves
        frame.to_parquet(out / f"{name}.parquet", index=False)
        frame.to_csv(out / f"{name}.csv", index=False)
    (out / "articles").mkdir()
    (out / "articles" / "bucket=00").mkdir()
    result.articles.to_parquet(out / "articles" / "bucket=00" / "part-0.parquet")
    (out / "manifest.json").write_text(json.dumps({
        "corpus": result.corpus, "pipeline_version": "old", "result_key": "old",
        "tables": {name: len(frame) for name, frame in result.tables().items()},
        "partitioned": {"tables": ["articles"], "column": "bucket", "buckets": 1}}))
    (out / "README.txt").write_text("the researcher's own\n")
    result.save(out)
    assert (out / "README.txt").read_text() == "the researcher's own\n"
    assert (out / "articles.csv").is_symlink() and (out / "articles").is_symlink()
    assert sorted(p.name for p in out.iterdir() if not p.is_symlink() and not p.name.startswith(".")) == ["README.txt"]
    loaded = pipeline.Annotations.load(out)
    pd.testing.assert_frame_equal(loaded.quotes, result.quotes, check_dtype=False)


def test_a_full_disk_is_a_clear_error_and_the_previous_tables_and_cache_stay(small, tmp_path, monkeypatch, capsys):
    corpus, cache, result = small
    monkeypatch.setattr(cli, "CACHE_DIR", cache)
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    for path in sorted(corpus.iterdir())[: SMALL // 2]:
        shutil.copy(path, smaller / path.name)
    out = tmp_path / "tables"
    assert cli.main(["annotate", str(smaller), "--out", str(out), "--quiet"]) == 0
    tables_before, cache_before = snapshot(out), snapshot(cache)
    assert cache_before
    real = pd.DataFrame.to_parquet
    calls = []

    def fills_up(self, *args, **kwargs):
        calls.append(1)
        if len(calls) > 3:  # a few tables written, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fills_up)
    assert cli.main(["annotate", str(corpus), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"could not write the tables to {out}" in err and "No space left on device" in err
    assert "unchanged" in err
    assert snapshot(out) == tables_before
    after = snapshot(cache)
    assert {k: v for k, v in after.items() if k in cache_before} == cache_before  # nothing lost or changed
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    assert cli.main(["annotate", str(corpus), "--out", str(out)]) == 0
    assert f"cache: {SMALL} hits, 0 parsed" in capsys.readouterr().out
    assert len(pipeline.read_table(out, "articles")) == SMALL


def test_a_read_only_output_folder_is_a_clear_error(small, tmp_path, monkeypatch, capsys):
    corpus, _, result = small
    out = tmp_path / "tables"
    result.save(out)
    before = snapshot(out)
    other = result.articles.iloc[:-1]
    smaller = pipeline.Annotations(**{**result.tables(), "articles": other}, corpus=result.corpus)
    if os.geteuid() != 0:  # a real read-only folder (root writes anyway: simulated below)
        out.chmod(0o555)
        try:
            refuse_annotation(monkeypatch)
            assert cli.main(["annotate", str(corpus), "--out", str(out), "--quiet"]) == 2
            assert "not writable" in capsys.readouterr().err
        finally:
            out.chmod(0o755)
        assert snapshot(out) == before

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(out))

    monkeypatch.setattr(files.tempfile, "mkdtemp", denied)
    with pytest.raises(OutputFolderError, match="Permission denied") as caught:
        smaller.save(out)
    assert "unchanged" in str(caught.value)
    assert snapshot(out) == before


def test_readers_refuse_a_folder_whose_files_do_not_match_the_manifest(small, tmp_path, capsys):
    _, _, result = small
    out = tmp_path / "tables"
    result.save(out)
    assert len(pipeline.read_table(out, "articles")) == SMALL
    # a torn save as the old layout allowed: articles from another run, everything else from this one
    current = out / "current"
    result.articles.iloc[: SMALL // 2].to_parquet(current / "articles.parquet", index=False)
    with pytest.raises(TablesMismatch, match="articles.parquet"):
        pipeline.Annotations.load(out)
    with pytest.raises(TablesMismatch):
        pipeline.read_table(out, "articles")
    with pytest.raises(TablesMismatch):
        report.saved_annotations(str(out))
    assert cli.main(["report", "overview", "--annotations", str(out), "--quiet"]) == 2
    assert "do not match their manifest" in capsys.readouterr().err
    # the dataset folder of a table changed under it
    result.save(tmp_path / "second")
    part = next((tmp_path / "second" / "current" / "mentions").rglob("part-0.parquet"))
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(TablesMismatch, match="mentions/"):
        pipeline.read_table(tmp_path / "second", "mentions", columns=["article_id", "actor"])


def test_a_torn_folder_of_the_old_layout_is_refused(small, tmp_path):
    _, _, result = small
    out = tmp_path / "old"
    out.mkdir()
    for name, frame in result.tables().items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    result.articles.iloc[:3].to_parquet(out / "articles.parquet", index=False)  # the half that was new
    (out / "manifest.json").write_text(json.dumps({
        "corpus": result.corpus, "pipeline_version": "old", "result_key": "old",
        "tables": {name: len(frame) for name, frame in result.tables().items()}}))
    with pytest.raises(TablesMismatch, match=f"articles.parquet has 3 rows, the manifest says {SMALL}"):
        pipeline.Annotations.load(out)


def test_what_a_killed_run_left_is_cleaned_and_nothing_else(small, tmp_path):
    _, _, result = small
    out = tmp_path / "tables"
    result.save(out)
    left = [out / ".tables-20260101T000000-4242-abcd1234", out / ".quotes.csv.k2j3h4.tmp",
            out / ".mentions.x8y7.partial", out / ".current.1a2b3c4d.link"]
    left[0].mkdir()
    (left[0] / "articles.csv").write_text("half")
    left[1].write_text("half")
    left[2].mkdir()
    os.symlink(".tables-20260101T000000-4242-abcd1234", left[3])
    mine = [out / ".tables-notes.txt", out / ".quotes-draft.tmp", out / "notes.partial"]
    for path in mine:
        path.write_text("the researcher's own\n")
    smaller = pipeline.Annotations(**{**result.tables(), "articles": result.articles.iloc[:-1]}, corpus=result.corpus)
    smaller.save(out)
    for path in left:
        assert not os.path.lexists(path), path
    for path in mine:
        assert path.read_text() == "the researcher's own\n"
    sets = [p.name for p in out.iterdir() if p.name.startswith(".tables-2")]
    assert sets == [os.readlink(out / "current")]  # the previous set went too
    assert len(pipeline.read_table(out, "articles")) == SMALL - 1


def test_saved_sentences_point_into_the_text_and_come_back(small, tmp_path):
    _, _, result = small
    out = tmp_path / "tables"
    result.save(out)
    sentences = pipeline.read_table(out, "sentences")
    assert not sentences.duplicated(["article_id", "sentence_index"]).any()
    texts = result.articles.set_index("article_id")["text"]
    for row in sentences.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
    for name in schema.TABLES_WITH_SENTENCES:
        assert "sentence" not in pd.read_parquet(out / f"{name}.parquet").columns
        back = pipeline.read_table(out, name)
        pd.testing.assert_frame_equal(back, getattr(result, name), check_dtype=False, obj=name)
    only = pipeline.read_table(out, "quotes", columns=["quote", "sentence"])
    assert list(only.columns) == ["quote", "sentence"] and only["sentence"].tolist() == result.quotes["sentence"].tolist()


def test_a_plain_copy_reads_the_same_and_is_replaced_only_where_unchanged(small, tmp_path):
    _, _, result = small
    result.save(tmp_path / "tables")
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "tables", copy, symlinks=False,  # as cp -rL: plain files, no links
                    ignore=lambda folder, names: [n for n in names if n.startswith(".")])
    assert not (copy / "articles.csv").is_symlink() and not (copy / "current").is_symlink()
    pd.testing.assert_frame_equal(pipeline.read_table(copy, "quotes"), pipeline.read_table(tmp_path / "tables", "quotes"))
    (copy / "actors.csv").write_text("edited by hand\n")
    with pytest.raises(OutputFolderError, match="actors.csv"):
        result.save(copy)
    assert (copy / "actors.csv").read_text() == "edited by hand\n"
    (copy / "actors.csv").unlink()
    result.save(copy)
    assert (copy / "actors.csv").is_symlink() and len(pipeline.read_table(copy, "articles")) == SMALL
    assert [p.name for p in copy.iterdir() if not p.is_symlink() and not p.name.startswith(".")] == []
    # the set alone (DIR/current copied on its own) is a complete folder of tables too
    alone = tmp_path / "alone"
    shutil.copytree(tmp_path / "tables" / "current", alone)
    pd.testing.assert_frame_equal(pipeline.Annotations.load(alone).figures, result.figures, check_dtype=False)

"""Fault suite, saving: `newsbook annotate` killed (SIGKILL) while parsing and at three moments of
saving, then run again; and two runs at once on the same corpus, cache and output folder. Each ends
with the tables of a clean run, and nothing half-written in the output folder or the cache."""

from __future__ import annotations

import shutil
import signal
import subprocess

import pandas as pd
import pytest

from newsbook import files, pipeline, schema

from tests.faults.save_faults_support import (annotate_command, cli_env, leftovers, published_csvs, run_annotate,
                                 snapshot, temporary_files, write_corpus)

ARTICLES = 150
PREVIOUS = 40  # articles of the smaller corpus whose tables sit in the folder before the killed run


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A corpus of tiny articles, a smaller one, and the tables of a clean run of the larger one."""
    base = tmp_path_factory.mktemp("kill")
    corpus = write_corpus(base / "corpus", ARTICLES)
    smaller = base / "smaller"
    smaller.mkdir()
    for path in sorted(corpus.iterdir())[:PREVIOUS]:
        shutil.copy(path, smaller / path.name)
    clean = run_annotate(corpus, base / "clean", base / "clean-cache")
    assert clean.returncode == 0, clean.stderr
    return {"base": base, "corpus": corpus, "smaller": smaller, "clean": base / "clean",
            "tables": pipeline.Annotations.load(base / "clean"), "csvs": published_csvs(base / "clean")}


def assert_clean_tables(out, study):
    """`out` holds exactly the clean run's tables, whole, and nothing a run left half-done."""
    assert leftovers(out) == []
    assert published_csvs(out) == study["csvs"]
    loaded = pipeline.Annotations.load(out)  # verifies every file against the manifest
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(study["tables"], name), obj=name)


def assert_whole(out):
    """Whatever set `out` holds is whole: every file is the one its manifest lists."""
    saved = files.open_tables(out)
    flat = [f"{name}.parquet" for name in pipeline.SAVED_TABLES]
    files.verify_tables(saved.folder, saved.manifest, rows_of=flat, hash_of=list(saved.manifest["files"]))
    return saved.manifest


@pytest.mark.parametrize("point", ["annotate:60", "save:writing", "save:staged", "save:switched"])
def test_killed_run_then_rerun_gives_the_clean_tables(study, point, tmp_path):
    out = tmp_path / "tables"
    # killed while parsing: a cache of its own; killed while saving: the parsing is shared
    cache = tmp_path / "cache" if point.startswith("annotate") else study["base"] / "save-cache"
    if point.startswith("save"):  # a previous, different set is in place when the run is killed
        first = run_annotate(study["smaller"], out, cache)
        assert first.returncode == 0, first.stderr
        before = snapshot(out)
    killed = run_annotate(study["corpus"], out, cache, NEWSBOOK_KILL_AT=point)
    assert killed.returncode == -signal.SIGKILL, (point, killed.returncode, killed.stderr[-2000:])

    if point.startswith("annotate"):
        assert not (out / "manifest.json").exists()  # nothing was published
    else:
        manifest = assert_whole(out)  # the previous set, or (killed after the switch) the new one
        expected = PREVIOUS if point != "save:switched" else ARTICLES
        assert len(manifest["articles"]) == expected
        if point != "save:switched":
            assert snapshot(out)["current"] == before["current"]
    assert temporary_files(cache) == []

    again = run_annotate(study["corpus"], out, cache)
    assert again.returncode == 0, again.stderr
    assert_clean_tables(out, study)
    assert temporary_files(cache) == []
    if not point.startswith("annotate"):
        return
    # the cache left by the run killed while parsing, and the rerun, is whole: a third run parses nothing
    third = subprocess.run(annotate_command(study["corpus"], out)[:-1], env=cli_env(cache, tmp_path / "o"),
                           capture_output=True, text=True, timeout=600)
    assert third.returncode == 0 and "cache: 150 hits, 0 parsed" in third.stdout, third.stdout + third.stderr


def test_two_runs_at_once_both_finish_with_the_clean_tables(study, tmp_path):
    out, cache = tmp_path / "tables", tmp_path / "cache"
    env = cli_env(cache, tmp_path / "outputs")
    runs = [subprocess.Popen(annotate_command(study["corpus"], out), env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    for code, stdout, stderr in results:
        assert code == 0, stderr
    assert_clean_tables(out, study)
    assert temporary_files(cache) == []

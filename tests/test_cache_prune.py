"""The annotation cache stays bounded: version folders are marked when used and all but the most
recently used few are pruned; nothing else in the cache root is touched; pruning never fails a run."""

from __future__ import annotations

import logging
import os
import pickle
import time
from pathlib import Path

import pytest

import newsbook
from newsbook import cache, cli, nlp, pipeline

from .conftest import SEEDS

NOW = time.time()


def fake_version(n: int) -> str:
    return f"spacy-3.8.0+en_fake_model-1.0.0+code-{n:016x}"


def make_version(root: Path, name: str, age_hours: float, entries: int = 2, marked: bool = True) -> Path:
    """A version folder with `entries` cached articles, last used `age_hours` ago."""
    folder = root / name
    when = NOW - age_hours * 3600
    for i in range(entries):
        entry = folder / f"{i:02x}" / f"{i:02x}{'0' * 62}{cache.ENTRY_SUFFIX}"
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_bytes(b"x" * 1000)
        os.utime(entry.parent, (when, when))
    folder.mkdir(parents=True, exist_ok=True)
    if marked:
        (folder / cache.MARKER).touch()
        os.utime(folder / cache.MARKER, (when, when))
    os.utime(folder, (when, when))
    return folder


def make_others(root: Path) -> list[Path]:
    """Things in the cache root that are not version folders and must survive every prune."""
    others = [root / "vega" / "bundle.js", root / "my-notes" / "notes.txt", root / "spacy-backup" / "a.pkl",
              root / "spacy-3.8.0-old-copy" / "b.pkl", root / "README.txt"]
    for path in others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("keep me", encoding="utf-8")
        os.utime(path, (NOW - 10 * 86400, NOW - 10 * 86400))
    return others


def names(root: Path) -> set[str]:
    return {folder.name for folder in cache.version_folders(root)}


@pytest.fixture(autouse=True)
def no_keep_override(monkeypatch):
    monkeypatch.delenv(cache.KEEP_ENV, raising=False)


def test_version_names_are_recognised():
    assert cache.is_version_name(nlp.pipeline_version())
    assert cache.is_version_name(fake_version(7))
    for name in ("corpora", "vega", "spacy-backup", "spacy-3.8.0-old-copy", ".trash-" + fake_version(1),
                 fake_version(1) + ".bak", "last-used"):
        assert not cache.is_version_name(name), name


def test_mark_used_creates_the_folder_and_records_the_time(tmp_path):
    cache.mark_used(tmp_path, fake_version(1))
    marker = tmp_path / fake_version(1) / cache.MARKER
    assert marker.exists() and abs(marker.stat().st_mtime - time.time()) < 60
    os.utime(marker, (NOW - 86400, NOW - 86400))
    cache.mark_used(tmp_path, fake_version(1))
    assert abs(marker.stat().st_mtime - time.time()) < 60
    cache.mark_used(None, fake_version(1))  # no cache: nothing to do


def test_prune_keeps_the_most_recently_used_and_the_current_version(tmp_path):
    for n in range(6):  # version 0 the most recently used, version 5 the least
        make_version(tmp_path, fake_version(n), age_hours=n + 1)
    others = make_others(tmp_path)
    assert [f.name for f in cache.version_folders(tmp_path)] == [fake_version(n) for n in range(6)]

    pruned = cache.prune(tmp_path, current=fake_version(5), keep=3)

    assert sorted(pruned.versions) == [fake_version(3), fake_version(4)]
    assert names(tmp_path) == {fake_version(0), fake_version(1), fake_version(2), fake_version(5)}
    assert all(path.read_text(encoding="utf-8") == "keep me" for path in others)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(cache.TRASH_PREFIX)]
    assert cache.prune(tmp_path, current=fake_version(5), keep=3).versions == []


def test_keep_zero_keeps_only_the_current_version(tmp_path):
    for n in range(3):
        make_version(tmp_path, fake_version(n), age_hours=n + 1)
    cache.prune(tmp_path, current=fake_version(1), keep=0)
    assert names(tmp_path) == {fake_version(1)}


def test_keep_honours_the_environment(tmp_path, monkeypatch, caplog):
    for n in range(5):
        make_version(tmp_path, fake_version(n), age_hours=n + 1)
    monkeypatch.setenv(cache.KEEP_ENV, "1")
    cache.prune(tmp_path, current=fake_version(4))
    assert names(tmp_path) == {fake_version(0), fake_version(4)}

    monkeypatch.setenv(cache.KEEP_ENV, "many")
    with caplog.at_level(logging.WARNING, logger="newsbook.cache"):
        assert cache.keep_default() == cache.DEFAULT_KEEP == 3
    assert cache.KEEP_ENV in caplog.text


def test_folders_without_a_marker_are_ordered_by_their_last_entry(tmp_path):
    make_version(tmp_path, fake_version(1), age_hours=50, marked=False)
    make_version(tmp_path, fake_version(2), age_hours=1, marked=False)
    make_version(tmp_path, fake_version(3), age_hours=20, marked=True)
    folders = cache.version_folders(tmp_path)
    assert [f.name for f in folders] == [fake_version(2), fake_version(3), fake_version(1)]
    assert [f.marked for f in folders] == [False, True, False]
    assert cache.prune(tmp_path, current=None, keep=2).versions == [fake_version(1)]


def test_a_failing_delete_is_logged_not_raised(tmp_path, monkeypatch, caplog):
    for n in range(5):
        make_version(tmp_path, fake_version(n), age_hours=n + 1)

    def broken_rmtree(path, *args, **kwargs):
        raise PermissionError(f"cannot delete {path}")

    monkeypatch.setattr(cache.shutil, "rmtree", broken_rmtree)
    with caplog.at_level(logging.WARNING, logger="newsbook.cache"):
        pruned = cache.prune(tmp_path, current=fake_version(0), keep=3)
    assert sorted(pruned.versions) == [fake_version(3), fake_version(4)]
    assert "could not delete" in caplog.text
    # renamed out of the way first: no run can see a half-deleted version folder
    assert names(tmp_path) == {fake_version(n) for n in range(3)}
    trash = [p for p in tmp_path.iterdir() if p.name.startswith(cache.TRASH_PREFIX)]
    assert len(trash) == 2

    monkeypatch.undo()
    cache.prune(tmp_path, current=fake_version(0), keep=3)  # the next prune empties the trash
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(cache.TRASH_PREFIX)]
    assert names(tmp_path) == {fake_version(n) for n in range(3)}


def test_pruning_never_fails_a_run(tmp_path, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cache, "version_folders", broken)
    with caplog.at_level(logging.WARNING, logger="newsbook.cache"):
        cache.after_run(tmp_path, fake_version(0))
        assert cache.prune(tmp_path, fake_version(0)).versions == []
    assert "disk on fire" in caplog.text
    cache.after_run(tmp_path / "missing", fake_version(0))
    cache.after_run(None, fake_version(0))


def test_a_concurrent_run_whose_folder_was_pruned_still_writes(tmp_path, caplog):
    article = {"article_id": "a", "content_hash": "h", "byline": "", "outlet": ""}
    nothing = {name: [] for name in pipeline.PER_ARTICLE_TABLES}
    store = pipeline.ArticleCache(tmp_path, fake_version(9))
    store.put(article, nothing)
    make_version(tmp_path, fake_version(1), age_hours=0)
    cache.prune(tmp_path, current=fake_version(1), keep=0)  # another run prunes this run's version
    assert store.get(article) is None and not store.has(article)
    store.put(article, nothing)  # re-creates the folder
    assert store.get(article) == nothing

    (tmp_path / fake_version(8)).write_text("not a folder", encoding="utf-8")
    blocked = pipeline.ArticleCache(tmp_path, fake_version(8))
    with caplog.at_level(logging.WARNING, logger="newsbook.pipeline"):
        blocked.put(article, nothing)  # logged, not raised
    assert "could not write the article cache" in caplog.text


def test_corpus_cache_entries_of_vanished_corpora_are_pruned(tmp_path):
    corpora = pipeline.CorpusCache(tmp_path / "cache")
    kept, gone = tmp_path / "kept-corpus", tmp_path / "gone-corpus"
    kept.mkdir()
    gone.mkdir()
    read = newsbook.read_corpus(SEEDS)
    corpora._put("read", kept, "key-1", read)
    corpora._put("read", gone, "key-2", read)
    old_format = corpora.directory / "read" / ("0" * 24 + ".pkl")
    old_format.write_bytes(pickle.dumps(("key", "value")))
    assert corpora._get("read", kept, "key-1").articles.equals(read.articles)
    assert corpora._get("read", kept, "other key") is None
    assert corpora._get("read", gone, "key-2").articles.equals(read.articles)
    assert {root for _, root in corpora.entries()} == {str(kept), str(gone), None}

    gone.rmdir()
    assert sorted(corpora.stale_entries()) == sorted([old_format, corpora._path("read", gone)])
    assert corpora.prune_stale() == 2
    assert [root for _, root in corpora.entries()] == [str(kept)]
    assert corpora._get("read", kept, "key-1").articles.equals(read.articles)
    assert cache.prune(tmp_path / "cache", current=None).corpus_entries == 0


@pytest.fixture
def fake_cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    for n in range(1, 6):
        make_version(root, fake_version(n), age_hours=n, entries=n)
    make_others(root)
    monkeypatch.setattr(cli, "CACHE_DIR", root)
    monkeypatch.setattr(nlp, "pipeline_version", lambda model=nlp.MODEL_NAME: fake_version(5))
    return root


def test_cli_lists_the_versions(fake_cache, capsys):
    assert cli.main(["cache"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[-2] if line.endswith("(current)") else line.split()[-1]: line
             for line in out.splitlines() if "+code-" in line}
    assert set(lines) == {fake_version(n) for n in range(1, 6)}
    assert lines[fake_version(5)].endswith("(current)")
    assert "(current)" not in lines[fake_version(1)]
    when = time.strftime("%Y-%m-%d", time.localtime(NOW - 3 * 3600))
    assert when in lines[fake_version(3)] and " 3 " in lines[fake_version(3)]  # last used, entries
    assert "0.00" in lines[fake_version(3)]  # size in MB
    assert "keep the 3 most recently used" in out
    assert "would remove 1 version folder(s)" in out  # version 4: not among the 3 newest, not current
    assert names(fake_cache) == {fake_version(n) for n in range(1, 6)}  # listing removes nothing


def test_cli_prunes_by_hand(fake_cache, capsys):
    assert cli.main(["cache", "--prune", "--keep", "1"]) == 0
    out = capsys.readouterr().out
    assert "removed 3 version folder(s)" in out
    assert names(fake_cache) == {fake_version(1), fake_version(5)}
    assert (fake_cache / "vega" / "bundle.js").exists() and (fake_cache / "spacy-backup" / "a.pkl").exists()
    assert cli.main(["cache", "--prune"]) == 0
    assert "removed 0 version folder(s)" in capsys.readouterr().out


def test_cli_rejects_a_negative_keep(fake_cache, capsys):
    with pytest.raises(SystemExit):
        cli.main(["cache", "--prune", "--keep", "-1"])
    assert names(fake_cache) == {fake_version(n) for n in range(1, 6)}


def test_annotate_marks_its_version_and_prunes_the_rest(tmp_path, monkeypatch, caplog):
    root = tmp_path / "cache"
    for n in range(1, 5):
        make_version(root, fake_version(n), age_hours=n)
    others = make_others(root)
    stale = root / "corpora" / "read" / ("0" * 24 + ".pkl")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(pickle.dumps(("old", "format")))
    current = nlp.pipeline_version()

    first = newsbook.annotate(SEEDS, cache_dir=root, progress=False)

    assert (root / current / cache.MARKER).exists()
    assert names(root) == {current, fake_version(1), fake_version(2)}
    assert all(path.exists() for path in others)
    assert not stale.exists()
    entries = {row.name: row.entries for row in cache.describe(root, current)}
    assert entries[current] == len(first.articles)

    # an unchanged corpus is answered from the corpus cache; a broken prune does not fail it
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cache, "prune", broken)
    with caplog.at_level(logging.WARNING, logger="newsbook.cache"):
        again = newsbook.annotate(SEEDS, cache_dir=root, progress=False)
    assert "disk on fire" in caplog.text
    assert (again.cache_hits, again.cache_misses) == (len(first.articles), 0)

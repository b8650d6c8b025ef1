"""A stale result after an edit (issue 19 item 6): an article edited to the same size with its
modification time restored (as `cp -p`, `rsync -t` or checking out an older version do) must not keep
its old tables. The corpus caches decide validity by content."""

from __future__ import annotations

import os
from pathlib import Path

from newsbook import pipeline

ARTICLE = ("Embassy staff to be cut\n\n"
           "The foreign ministry said on Monday that 755 embassy staff would have to leave the country "
           "by September, the largest expulsion in decades.\n")


def _edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_read_cache_sees_an_edit_with_size_and_mtime_restored(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    corpus.mkdir()
    (corpus / "embassy.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "metadata.csv").write_text("article_id,outlet\nembassy,Daily One\n", encoding="utf-8")
    first = pipeline.cached_read(corpus, cache_dir=cache)
    assert "755 embassy staff" in first.articles.iloc[0].text

    _edit_keeping_size_and_mtime(corpus / "embassy.txt", "755", "999")
    _edit_keeping_size_and_mtime(corpus / "metadata.csv", "Daily One", "Daily Two")
    second = pipeline.cached_read(corpus, cache_dir=cache)
    row = second.articles.iloc[0]
    assert "999 embassy staff" in row.text and "755" not in row.text
    assert row.outlet == "Daily Two"


def test_annotate_gives_the_edited_figure(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    corpus.mkdir()
    (corpus / "embassy.txt").write_text(ARTICLE, encoding="utf-8")
    before = pipeline.annotate(corpus, cache_dir=cache, progress=False)
    assert 755 in set(before.figures["value"])

    _edit_keeping_size_and_mtime(corpus / "embassy.txt", "755", "999")
    after = pipeline.annotate(corpus, cache_dir=cache, progress=False)
    assert 999 in set(after.figures["value"]) and 755 not in set(after.figures["value"])
    assert after.cache_misses == 1  # the edited article was parsed again


def test_an_unchanged_corpus_is_still_answered_from_the_cache(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    corpus.mkdir()
    (corpus / "embassy.txt").write_text(ARTICLE, encoding="utf-8")
    pipeline.annotate(corpus, cache_dir=cache, progress=False)
    os.utime(corpus / "embassy.txt")  # touched, not changed
    again = pipeline.annotate(corpus, cache_dir=cache, progress=False)
    assert "cached" in again.timings and again.cache_misses == 0


def test_file_fingerprint_is_by_content(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("abc", encoding="utf-8")
    first = pipeline.file_fingerprint(path)
    path.write_text("abd", encoding="utf-8")
    assert pipeline.file_fingerprint(path) != first
    folder = tmp_path / "folder"
    folder.mkdir()
    assert b"unreadable" in pipeline.file_fingerprint(folder)  # a folder is never opened; no exception

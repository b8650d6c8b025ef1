"""Shared fixtures: an isolated cache and output folder per test session, so tests never touch
the developer's outputs/ and never depend on each other's cache."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_IDS = ("000_fda179f46792bc79", "001_b5577f8a9bb7cc0d")

# Set before any test module imports newsbook: newsbook.config reads these once, at import, and a
# test that annotates or renders with the defaults must not touch (or prune) the developer's cache.
_SESSION_CACHE = tempfile.mkdtemp(prefix="newsbook-test-cache-")
atexit.register(shutil.rmtree, _SESSION_CACHE, ignore_errors=True)
os.environ["NEWSBOOK_CACHE"] = _SESSION_CACHE


@pytest.fixture(scope="session", autouse=True)
def isolated_cache():
    return Path(_SESSION_CACHE)


@pytest.fixture(scope="session")
def seed_annotations(tmp_path_factory):
    """The seeds annotated once per test session (the real pipeline, no mocks)."""
    import newsbook

    return newsbook.annotate(SEEDS, cache_dir=tmp_path_factory.mktemp("seed-cache"), progress=False)

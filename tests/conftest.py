"""Shared fixtures: an isolated cache and output folder per test session, so tests never touch
the developer's outputs/ and never depend on each other's cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_IDS = ("000_fda179f46792bc79", "001_b5577f8a9bb7cc0d")


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    os.environ["NEWSBOOK_CACHE"] = str(cache)
    return cache


@pytest.fixture(scope="session")
def seed_annotations(tmp_path_factory):
    """The seeds annotated once per test session (the real pipeline, no mocks)."""
    import newsbook

    return newsbook.annotate(SEEDS, cache_dir=tmp_path_factory.mktemp("seed-cache"), progress=False)

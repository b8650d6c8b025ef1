"""A truncated cached vega bundle (issue 19 item 9) made reports with 0 charts and exit 0: a cached
bundle that is not whole is detected and built again."""

from __future__ import annotations

import pytest

from newsbook import report, vega


@pytest.fixture
def fake_builder(tmp_path, monkeypatch):
    """vega_bundle with a quick stand-in for vl-convert and a cache file in tmp_path."""
    built = []
    path = tmp_path / "vega" / "bundle.js"

    def build(vl_version=None):
        built.append(vl_version)
        return "(function () {\nwindow.vegaEmbed = function () {}; /* " + "x" * 5000 + " */\n}).call(window);"

    monkeypatch.setattr(vega, "_vega_bundle", build)
    monkeypatch.setattr(vega, "_bundle_cache_path", lambda vl_version: path)
    report.vega_bundle.cache_clear()
    yield path, built
    report.vega_bundle.cache_clear()


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage", "old format", "edited"])
def test_a_damaged_cached_bundle_is_built_again(fake_builder, damage):
    path, built = fake_builder
    whole = report.vega_bundle()
    assert built == [None] and path.exists()
    report.vega_bundle.cache_clear()
    assert report.vega_bundle() == whole and built == [None]  # a whole cached bundle is used
    cached = path.read_text(encoding="utf-8")
    damaged = {"truncate": cached[: len(cached) // 2], "empty": "", "garbage": "\x00\x01 not javascript",
               "old format": whole, "edited": cached.replace("vegaEmbed", "vegaEmbeD")}[damage]
    path.write_text(damaged, encoding="utf-8")
    report.vega_bundle.cache_clear()
    assert report.vega_bundle() == whole
    assert len(built) == 2
    assert report._unsealed(path.read_text(encoding="utf-8")) == whole  # the cache is whole again


def test_the_real_bundle_survives_truncation_of_its_cache():
    report.vega_bundle.cache_clear()
    whole = report.vega_bundle()
    path = report._bundle_cache_path(None)
    assert "window.vegaEmbed=" in whole and path is not None and path.exists()
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 3], encoding="utf-8")
    report.vega_bundle.cache_clear()
    assert report.vega_bundle() == whole
    report.vega_bundle.cache_clear()

"""Reports in a real browser: headless Chromium (Debian's `chromium` package) with networking off.

Every chart of every report draws an SVG or canvas, the console stays clean, nothing is requested
from the network, no script from an article runs, tooltips work; a PNG screenshot of each report
is kept.  Skipped only when Chromium is not installed (CI installs it: apt-get install -y chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbook import report
from tests.test_report import seed_outputs, xss_outputs  # noqa: F401 - shared session fixtures

CHROMIUM = report.find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium); "
                                                         "the browser check needs it")

# What the inlined vega bundle and the table library (DataTables, with jQuery and its DateTime
# picker, as itables bundles it) may add to `window`; newsbook's own scripts add nothing.
BUNDLE_GLOBALS = {"vegaEmbed", "vega", "vegaLite", "$", "DateTime", "__apiStruct", "setImmediate", "clearImmediate"}


def _png(path: str) -> bool:
    return Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_chart_of_every_report_draws_offline(seed_outputs):  # noqa: F811
    results = report.screenshot_reports(seed_outputs)
    index = json.loads((seed_outputs / "reports" / "index.json").read_text())["reports"]
    names = {r.name for r in results}
    assert set(index) | {"index"} <= names
    for r in results:
        assert r.console_errors == [], (r.name, r.console_errors)
        assert r.page_errors == [], (r.name, r.page_errors)
        assert r.blocked_requests == [], (r.name, r.blocked_requests)
        assert r.charts_drawn == r.charts, f"{r.name}: {r.charts_drawn} of {r.charts} charts drawn"
        if r.name != "index":
            assert r.charts == index[r.name]["charts"], r.name
        assert set(r.globals_added) <= BUNDLE_GLOBALS, (r.name, r.globals_added)
        assert _png(r.screenshot) and Path(r.screenshot).parent == seed_outputs / "screenshots"
    overview = next(r for r in results if r.name == "overview")
    assert overview.charts >= 3


def test_no_script_from_an_article_runs(xss_outputs):  # noqa: F811
    results = report.check_reports_in_browser(xss_outputs / "reports", names=["overview", "index"],
                                              screenshots_dir=xss_outputs / "screenshots",
                                              evaluate="window.nbxss")
    assert [r.name for r in results] == ["overview", "index"]
    for r in results:
        assert r.ok, (r.name, r.console_errors, r.page_errors, r.blocked_requests)
        assert r.charts_drawn == r.charts


def test_chart_tooltips_work_offline(seed_outputs):  # noqa: F811
    from playwright.sync_api import sync_playwright

    page_path = seed_outputs / "reports" / "overview.html"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=report.CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                          else route.abort())
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_selector("#nb-chart-1[data-rendered='true'] svg")
            mark = page.locator("#nb-chart-1 svg .mark-rect path").first
            mark.hover()
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.wait_for(state="visible", timeout=5000)
            assert "articles" in tooltip.inner_text()
        finally:
            browser.close()

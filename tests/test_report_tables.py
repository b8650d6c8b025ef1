"""Report tables in a real browser: every table can be sorted, searched and filtered offline and
downloaded whole as CSV; numbers read as a researcher writes them."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from newsbook import interactive_tables, report
from tests.test_report import seed_outputs  # noqa: F401 - shared session fixture


def test_numbers_are_formatted_for_reading():
    frame = pd.DataFrame({"speaker": ["A", "B"], "quotes": [1200, 3], "share": [0.480916, 0.02],
                          "value": [13600000.0, 0.6164], "flag": [True, False]})
    shown = interactive_tables.readable(frame)
    assert shown["quotes"].tolist() == ["1,200", "3"]
    assert shown["share"].tolist() == ["48.1%", "2.0%"]
    assert shown["value"].tolist() == ["13,600,000", "0.62"]
    assert shown["flag"].tolist() == [True, False] and shown["speaker"].tolist() == ["A", "B"]
    assert frame["share"].tolist() == [0.480916, 0.02]  # the data itself is untouched


def test_every_table_links_its_full_csv(tmp_path, monkeypatch):
    monkeypatch.setenv(report.TABLES_ENV, str(tmp_path))
    small = report.table(pd.DataFrame({"a": [1, 2]}), "small")
    assert "Download the full table" in small._repr_html_() and (tmp_path / "small.csv").exists()
    big = report.table(pd.DataFrame({"a": range(500)}), "big", max_rows=10)
    assert "Showing the first 10 of 500 rows." in big._repr_html_()
    assert len(pd.read_csv(tmp_path / "big.csv")) == 500
    assert f'class="dataframe {interactive_tables.TABLE_CLASS}"' in small._repr_html_()


@pytest.mark.skipif(report.find_chromium() is None, reason="Chromium is not installed (apt-get install -y chromium)")
def test_tables_sort_search_and_download_offline(seed_outputs):  # noqa: F811
    from playwright.sync_api import sync_playwright

    page_path = seed_outputs / "reports" / "quotes.html"
    requests = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=report.find_chromium(), args=report.CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            context.on("request", lambda r: requests.append(r.url))
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_path.as_uri())
            page.wait_for_selector("table[data-interactive='true']")
            tables = page.locator(f"table.{interactive_tables.TABLE_CLASS}")
            assert tables.count() == page.locator("table[data-interactive='true']").count() >= 3
            # The quotes table: search narrows the rows, the header sorts them.
            wrapper = page.locator(".dt-container").filter(has=page.locator("th", has_text="cue")).first
            body_rows = wrapper.locator("tbody tr")
            before = body_rows.count()
            speakers = wrapper.locator("tbody tr td:nth-child(2)").all_inner_texts()
            named = [s for s in speakers if s]
            target = min(set(named), key=lambda s: (named.count(s), s))
            wrapper.locator("input.dt-input").fill(target)
            page.wait_for_timeout(300)
            after = [row.lower() for row in body_rows.all_inner_texts()]
            assert 0 < len(after) < before and all(target.lower() in row for row in after)
            wrapper.locator("input.dt-input").fill("")
            wrapper.locator("th", has_text="speaker").locator("button.dtcc-button_order").click()
            page.wait_for_timeout(300)
            ordered = wrapper.locator("tbody tr td:nth-child(2)").all_inner_texts()
            assert ordered == sorted(speakers) or ordered == sorted(speakers, reverse=True)
            links = page.locator("a", has_text="Download the full table")
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            assert len(hrefs) == tables.count()
            assert errors == []
        finally:
            browser.close()
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests
    index = json.loads((seed_outputs / "reports" / "index.json").read_text())
    for href in hrefs:
        rows = list(csv.reader((page_path.parent / href).open(encoding="utf-8")))
        assert len(rows) >= 2, href
    assert index["reports"]["quotes"]

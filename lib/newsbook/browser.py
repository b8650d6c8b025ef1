"""Checking rendered reports in headless Chromium with networking off: every chart drew an SVG or
canvas, the console stayed clean, nothing was fetched; a PNG screenshot of each page
(`check_reports_in_browser`, `screenshot_reports`; ``newsbook screenshots`` runs it)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path
from typing import Iterable

from . import config
from .errors import NewsbookError
from .files import write_bytes
from .report_parameters import FIRST_NOTEBOOK

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]


def find_chromium() -> str | None:
    """Chromium to use: $NEWSBOOK_CHROMIUM, else Debian's /usr/bin/chromium (or another on PATH)."""
    env = os.environ.get("NEWSBOOK_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclasses.dataclass
class BrowserCheck:
    """What headless Chromium saw on one report, with networking off."""

    name: str
    path: str
    charts: int = 0
    charts_drawn: int = 0
    console_errors: list[str] = dataclasses.field(default_factory=list)
    page_errors: list[str] = dataclasses.field(default_factory=list)
    blocked_requests: list[str] = dataclasses.field(default_factory=list)
    screenshot: str = ""
    globals_added: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (self.charts_drawn == self.charts and not self.console_errors and not self.page_errors
                and not self.blocked_requests)


_BASELINE_GLOBALS = "window.__nbBaseline = Object.getOwnPropertyNames(window);"


def check_reports_in_browser(reports_dir: Path | None = None, *, screenshots_dir: Path | None = None,
                             names: Iterable[str] | None = None, executable: str | None = None,
                             timeout_ms: int = 30000, evaluate: str | None = None) -> list[BrowserCheck]:
    """Open each report (and index.html) in headless Chromium with networking off, wait for the
    charts, count the charts that drew an SVG or canvas, collect console errors, page errors and
    any request for something not in the file, and save a full-page PNG screenshot.

    `evaluate` (a JavaScript expression) is evaluated on each page; its result is appended to
    `console_errors` when truthy (tests use it to assert that no article script ran)."""
    from playwright.sync_api import sync_playwright

    reports_dir = Path(reports_dir) if reports_dir is not None else config.REPORTS_DIR
    screenshots_dir = Path(screenshots_dir) if screenshots_dir is not None else reports_dir.parent / "screenshots"
    executable = executable or find_chromium()
    if executable is None:
        raise NewsbookError("no Chromium found (apt-get install -y chromium, or set NEWSBOOK_CHROMIUM)")
    pages = sorted(reports_dir.glob("*.html"), key=lambda p: (p.stem == "index", p.stem != FIRST_NOTEBOOK, p.stem))
    if names is not None:
        wanted = set(names)
        pages = [p for p in pages if p.stem in wanted]
    results: list[BrowserCheck] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for page_path in pages:
                results.append(_check_page(browser, page_path, screenshots_dir, timeout_ms, evaluate))
        finally:
            browser.close()
    return results


def _check_page(browser, page_path: Path, screenshots_dir: Path, timeout_ms: int, evaluate: str | None) -> BrowserCheck:
    started = time.monotonic()
    check = BrowserCheck(page_path.stem, str(page_path))
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    try:
        def route(route_obj):
            url = route_obj.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                route_obj.continue_()
            else:
                check.blocked_requests.append(url)
                route_obj.abort()

        context.route("**/*", route)
        context.add_init_script(_BASELINE_GLOBALS)
        page = context.new_page()
        page.on("console", lambda msg: check.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: check.page_errors.append(str(err)))
        page.on("dialog", lambda dialog: (check.page_errors.append(f"dialog opened: {dialog.message}"),
                                          dialog.dismiss()))
        page.goto(page_path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
        check.charts = page.locator(".nb-chart").count()
        if check.charts:
            try:
                page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('.nb-chart'))"
                    ".every(el => el.hasAttribute('data-rendered'))", timeout=timeout_ms)
            except Exception as exc:  # noqa: BLE001 - reported as a page error
                check.page_errors.append(f"charts not drawn within {timeout_ms} ms: {exc}")
        check.charts_drawn = page.evaluate(
            "() => Array.from(document.querySelectorAll('.nb-chart')).filter(el => "
            "el.getAttribute('data-rendered') === 'true' && el.querySelector('svg, canvas')).length")
        check.globals_added = page.evaluate(
            "() => Object.getOwnPropertyNames(window).filter(k => !window.__nbBaseline.includes(k) "
            "&& k !== '__nbBaseline')")
        if evaluate:
            found = page.evaluate(evaluate)
            if found:
                check.console_errors.append(f"check failed: {evaluate} -> {found!r}")
        screenshots_dir.mkdir(parents=True, exist_ok=True)
        shot = screenshots_dir / f"{page_path.stem}.png"
        write_bytes(shot, page.screenshot(full_page=True, type="png"))
        check.screenshot = str(shot)
    finally:
        context.close()
    check.seconds = round(time.monotonic() - started, 2)
    return check


def screenshot_reports(out_dir: Path | None = None, **kwargs) -> list[BrowserCheck]:
    """`check_reports_in_browser` on out_dir/reports, screenshots to out_dir/screenshots."""
    out_dir = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    return check_reports_in_browser(out_dir / "reports", screenshots_dir=out_dir / "screenshots", **kwargs)

"""The notebooks in a real JupyterLab: run every notebook in headless Chromium with every outside
request refused, and report what a researcher would see (charts drawn, error outputs, the kernel).

This is the interactive half of the workbook checked the way a person uses it: a JupyterLab server
on a free loopback port, each notebook opened by URL, "Run All Cells" from the Run menu, then the
rendered outputs counted. Used by the tests and by ``newsbook screenshots --lab``; side effects (a
server process, a browser, copies of the notebooks in a scratch folder) stay inside this module.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from . import config

# Settings that keep the lab's screen still while it is read: every cell stays in the page (no
# windowing, so outputs below the fold are counted too) and no news prompt covers the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
CHART_SELECTOR = ".jp-OutputArea-output .vega-embed"
DRAWN_CHART_SELECTOR = ".jp-OutputArea-output .vega-embed canvas.marks, .jp-OutputArea-output .vega-embed svg.marks"
ERROR_SELECTOR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
# Run All is over when every code cell has its execution number, or when it stopped early at an
# error (the kernel is idle and no cell is queued or running).
RUN_ALL_OVER = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
    const numbered = prompts.filter(p => /\\[\\d+\\]/.test(p.textContent)).length;
    const busy = prompts.some(p => p.textContent.includes('*'));
    const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
    const idle = status && status.getAttribute('data-status') === 'idle';
    return prompts.length > 0 && (numbered === prompts.length || (idle && !busy && numbered > 0));
}"""


@dataclasses.dataclass
class LabRun:
    """What JupyterLab showed for one notebook after Run All."""

    name: str
    kernel: str = ""  # the kernel the lab started for the notebook (its display name)
    kernel_dialog: bool = False  # a "Select Kernel" dialog appeared instead of starting one
    code_cells: int = 0
    cells_run: int = 0  # code cells with an execution number after Run All
    charts: int = 0
    charts_drawn: int = 0
    error_outputs: list[str] = dataclasses.field(default_factory=list)
    blocked_requests: list[str] = dataclasses.field(default_factory=list)
    screenshot: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (not self.kernel_dialog and self.cells_run == self.code_cells and self.charts_drawn == self.charts and not self.error_outputs
                and not self.blocked_requests)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(folder: Path) -> None:
    for relative, values in LAB_SETTINGS.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@contextmanager
def lab_server(root: Path, *, timeout_s: float = 120) -> Iterator[tuple[str, str]]:
    """A JupyterLab server on a free loopback port serving `root`; yields (base URL, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    settings = Path(tempfile.mkdtemp(prefix="newsbook-lab-settings-"))
    _write_settings(settings)
    log = open(settings / "server.log", "w", encoding="utf-8")
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={settings}", "--LabApp.news_url=", "--allow-root",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; see {settings / 'server.log'}") from None
                time.sleep(0.5)
        yield base, token
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(settings, ignore_errors=True)


def run_notebooks_in_lab(names: Iterable[str] | None = None, *, notebooks_dir: Path | None = None,
                         screenshots_dir: Path | None = None, executable: str | None = None,
                         timeout_s: float = 300) -> list[LabRun]:
    """Open each notebook (copies, so the originals keep no outputs) in JupyterLab in headless
    Chromium with every request outside the lab's own server refused, run all cells, and count
    the charts drawn and the error outputs. A PNG screenshot of each notebook's first chart (or of
    its top, without one) goes to `screenshots_dir` when given."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM_ARGS, find_chromium

    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    paths = sorted(notebooks_dir.glob("*.ipynb"))
    if names is not None:
        wanted = set(names)
        paths = [p for p in paths if p.stem in wanted]
    executable = executable or find_chromium()
    if executable is None:
        raise RuntimeError("no Chromium found (apt-get install -y chromium, or set NEWSBOOK_CHROMIUM)")
    scratch = Path(tempfile.mkdtemp(prefix="newsbook-lab-"))
    for path in paths:
        shutil.copy2(path, scratch / path.name)
    results = []
    try:
        with lab_server(scratch) as (base, token), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                for path in paths:
                    results.append(_run_one(browser, base, token, path, screenshots_dir, timeout_s))
            finally:
                browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def _run_one(browser, base: str, token: str, path: Path, screenshots_dir: Path | None,
             timeout_s: float) -> LabRun:
    started = time.monotonic()
    run = LabRun(path.stem)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    own = (base, base.replace("http://", "ws://"), "data:", "blob:")

    def refuse_outside(route) -> None:
        url = route.request.url
        if url.startswith(own):
            route.continue_()
        else:
            run.blocked_requests.append(url)
            route.abort()

    context.route("**/*", refuse_outside)
    try:
        page = context.new_page()
        # A workspace of its own, reset: the lab does not reopen the previous notebook beside this one.
        page.goto(f"{base}/lab/workspaces/newsbook-{path.stem}/tree/{path.name}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120000)
        # A declared kernel that exists starts on its own; anything else asks the researcher.
        deadline = time.monotonic() + 90
        while True:
            if page.locator(".jp-Dialog").filter(has_text="Select Kernel").count():
                run.kernel_dialog = True
                return run
            kernel = page.locator(".jp-Toolbar .jp-KernelName").first.inner_text().strip()
            status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
            if kernel and kernel != "No Kernel" and status == "idle":
                run.kernel = kernel
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{path.name}: the kernel did not start in JupyterLab ({kernel!r}, {status!r})")
            page.wait_for_timeout(250)
        run.code_cells = page.locator(".jp-CodeCell").count()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        page.wait_for_function(RUN_ALL_OVER, timeout=timeout_s * 1000)
        run.cells_run = page.locator(".jp-CodeCell .jp-InputArea-prompt").filter(
            has_text=re.compile(r"\[\d+\]")).count()
        # Outputs arrive after the prompt's number; give the last charts time to draw.
        page.wait_for_function(f"""() => document.querySelectorAll({json.dumps(CHART_SELECTOR)}).length ===
            document.querySelectorAll({json.dumps(DRAWN_CHART_SELECTOR)}).length""", timeout=30000)
        run.charts = page.locator(CHART_SELECTOR).count()
        run.charts_drawn = page.locator(DRAWN_CHART_SELECTOR).count()
        run.error_outputs = [text[:500] for text in page.locator(ERROR_SELECTOR).all_inner_texts()
                             if "Traceback" in text or "Error" in text]
        if screenshots_dir is not None:
            screenshots_dir = Path(screenshots_dir)
            screenshots_dir.mkdir(parents=True, exist_ok=True)
            target = screenshots_dir / f"lab-{path.stem}.png"
            if run.charts:
                page.locator(CHART_SELECTOR).first.scroll_into_view_if_needed()
            page.screenshot(path=str(target))
            run.screenshot = str(target)
    finally:
        run.seconds = round(time.monotonic() - started, 1)
        context.close()
    return run

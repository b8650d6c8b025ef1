"""The notebooks in a real JupyterLab: every notebook declares the project's `newsbook` kernel,
opens without a "Select Kernel" dialog, runs to the end in headless Chromium with every request
outside the lab's own server refused, and draws every chart its HTML report has (offline: the
charts use JupyterLab's bundled vega renderer, see newsbook.lab_display).

Skipped only when Chromium is not installed (`make test` installs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbook import lab_check, lab_display, report
from tests.test_report import seed_outputs  # noqa: F401 - shared session fixture

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_declares_the_newsbook_kernel(path):
    spec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert spec["name"] == "newsbook", f"{path.name} declares kernel {spec['name']!r}"


def test_charts_use_a_mimetype_jupyterlab_draws_offline():
    import altair as alt

    from newsbook import charts  # noqa: F401 - importing it enables the renderer

    assert alt.renderers.active == lab_display.RENDERER_NAME
    bundle = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q").properties(title="t")._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert lab_display.LAB_VEGALITE_MIMETYPE in data
    assert data["text/plain"] == "<chart: t>"
    # No output points at a CDN: the lab draws from its own bundle, the report embeds its own.
    assert "cdn" not in json.dumps(data).lower()


@pytest.mark.skipif(report.find_chromium() is None, reason="Chromium is not installed (apt-get install -y chromium)")
def test_every_notebook_runs_and_draws_every_chart_in_jupyterlab_offline(seed_outputs):  # noqa: F811
    index = json.loads((seed_outputs / "reports" / "index.json").read_text())["reports"]
    runs = lab_check.run_notebooks_in_lab(screenshots_dir=seed_outputs / "screenshots")
    assert sorted(r.name for r in runs) == sorted(p.stem for p in NOTEBOOKS)
    for run in runs:
        assert not run.kernel_dialog, f"{run.name}: JupyterLab asked which kernel to use"
        assert run.kernel == "Python (newsbook)", (run.name, run.kernel)
        assert run.cells_run == run.code_cells > 0, f"{run.name}: {run.cells_run} of {run.code_cells} cells ran"
        assert run.error_outputs == [], (run.name, run.error_outputs)
        assert run.blocked_requests == [], (run.name, run.blocked_requests)
        assert run.charts == index[run.name]["charts"] > 0, (run.name, run.charts, index[run.name]["charts"])
        assert run.charts_drawn == run.charts, f"{run.name}: {run.charts_drawn} of {run.charts} charts drawn"
        assert Path(run.screenshot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Faults while reports run: `newsbook report` killed mid-run, a failing notebook, a kernel that does
not start or dies, and several reports started at once.  Each leaves the previous good reports
whole and no process behind.

Bounded: small notebooks of our own (a slow one sleeps until it is killed), the seeds for the
concurrent runs; every wait has a timeout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from newsbook import kernels, report
from newsbook.errors import NotebookFailed
from tests.test_report import _write_notebook  # one notebook writer for the report tests

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _slow_notebook(path: Path) -> Path:
    """A notebook that writes a table CSV (more rows than shown), and sleeps when `slow` is set."""
    return _write_notebook(
        path, "slow = False\nfail = False",
        "import pandas as pd\nfrom newsbook import report\n"
        "report.table(pd.DataFrame({'n': range(5)}), 'numbers', max_rows=2)",
        "import time\nif slow:\n    time.sleep(300)",
        "if fail:\n    raise RuntimeError('asked to fail')",
        "print('done')")


def _env(marker: str = "") -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib")] + [p for p in [env.get("PYTHONPATH")] if p])
    if marker:
        env["NEWSBOOK_FAULT_MARK"] = marker
    return env


def _cli(*args: str, marker: str = "", **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsbook.cli", "report", *args], env=_env(marker),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT), **kwargs)


def _marked_processes(marker: str) -> dict[int, str]:
    """pid -> command line of every live (not zombie) process whose environment carries `marker`:
    everything a `newsbook report` started, however deep (workers, kernels, resource tracker)."""
    found = {}
    needle = f"NEWSBOOK_FAULT_MARK={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if kernels.process_start(int(entry.name)) is None:  # a zombie, waiting for its parent
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    return found


def _wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def _snapshot(out: Path) -> dict[str, bytes]:
    reports = out / "reports"
    files = [reports / "index.json", reports / "index.html", *reports.glob("*.html"), *reports.glob("tables/*/*.csv")]
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(set(files))}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_report_leaves_no_process_and_the_previous_reports_whole(tmp_path, sig):
    notebooks = [_slow_notebook(tmp_path / "slow_a.ipynb"), _slow_notebook(tmp_path / "slow_b.ipynb")]
    out = tmp_path / "out"
    good = _cli(*map(str, notebooks), "--out", str(out), "--quiet", "-j", "2")
    assert good.wait(timeout=300) == 0, good.stderr.read()
    before = _snapshot(out)
    assert any(name.endswith("numbers.csv") for name in before) and "reports/slow_a.html" in before

    marker = uuid.uuid4().hex
    run = _cli(*map(str, notebooks), "--out", str(out), "--quiet", "-j", "2", "-p", "slow", "True", marker=marker)
    try:
        # Both kernels started (each notebook then sleeps until the run is killed).
        kernels_up = _wait_for(lambda: sum("ipykernel" in cmd for cmd in _marked_processes(marker).values()) >= 2,
                               timeout=240)
        assert kernels_up, f"kernels did not start: {_marked_processes(marker)}"
        assert len(_marked_processes(marker)) >= 5  # the run, two workers, two kernels (and a resource tracker)
        run.send_signal(sig)
        assert run.wait(timeout=30) == (-sig if sig == signal.SIGKILL else 128 + sig)
        left = _wait_for(lambda: not _marked_processes(marker), timeout=15)
        assert left, f"left running after the run was killed: {_marked_processes(marker)}"
    finally:
        if run.poll() is None:
            run.kill()
        for pid in _marked_processes(marker):
            os.kill(pid, signal.SIGKILL)
    assert _snapshot(out) == before  # the previous good HTML, index and CSVs, byte for byte
    if sig == signal.SIGTERM:  # a run told to stop cleans up after itself
        assert not (out / kernels.RUNS_DIR_NAME).exists()
        assert not list((out / "reports").glob(".tables-*")) and not list((out / "notebooks").glob(".*running*"))
        return
    assert (out / kernels.RUNS_DIR_NAME).is_dir()  # the killed run's record is left ...

    again = _cli(*map(str, notebooks), "--out", str(out), "--quiet", "-j", "2")
    assert again.wait(timeout=300) == 0, again.stderr.read()
    # ... and the next run clears it, with every half-done file of the killed one.
    assert not (out / kernels.RUNS_DIR_NAME).exists()
    assert not list((out / "reports").glob(".tables-*")) and not list((out / "notebooks").glob(".*running*"))
    assert not list(Path(out).rglob("*.tmp"))


def test_leftovers_of_a_dead_run_are_killed_and_removed(tmp_path):
    """A run record whose run is gone: its processes that still run are killed (matched by start
    time), its staging files removed; a live run's record is left alone."""
    out = tmp_path / "out"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        dead_pid = 2 ** 22 + 17  # above the default pid_max: no such process
        folder = out / kernels.RUNS_DIR_NAME / f"{dead_pid}-12345"
        folder.mkdir(parents=True)
        (folder / f"worker-{sleeper.pid}.json").write_text(json.dumps(
            {"kind": "worker", "pid": sleeper.pid, "start": kernels.process_start(sleeper.pid)}))
        sockets = Path(tempfile.mkdtemp(prefix="newsbook-kernel-"))
        (folder / f"sockets-{sockets.name}.json").write_text(json.dumps({"sockets": str(sockets)}))
        stale = out / "reports" / f".tables-x-{dead_pid}"
        stale.mkdir(parents=True)
        running = out / "notebooks" / f".x.running-{dead_pid}.ipynb"
        running.parent.mkdir(parents=True)
        running.write_text("{}")
        live = out / kernels.RUNS_DIR_NAME / f"{os.getpid()}-{kernels.process_start(os.getpid())}"
        live.mkdir()
        summary = kernels.clear_leftovers(out)
        assert "1 process killed" in summary and "2 half-done files removed" in summary
        assert sleeper.wait(timeout=10) == -signal.SIGKILL
        assert not folder.exists() and not stale.exists() and not running.exists() and not sockets.exists()
        assert live.exists()
    finally:
        if sleeper.poll() is None:
            sleeper.kill()


def test_failing_notebook_keeps_the_previous_reports_and_names_notebook_and_cell(tmp_path):
    notebook = _slow_notebook(tmp_path / "fragile.ipynb")
    other = _slow_notebook(tmp_path / "steady.ipynb")
    out = tmp_path / "out"
    good = _cli(str(notebook), str(other), "--out", str(out), "--quiet")
    assert good.wait(timeout=300) == 0, good.stderr.read()
    before = _snapshot(out)

    failing = _cli(str(notebook), "--out", str(out), "--quiet", "-p", "fail", "True")
    assert failing.wait(timeout=300) != 0
    stderr = failing.stderr.read()
    assert "notebook 'fragile' failed in cell 5" in stderr and "RuntimeError: asked to fail" in stderr
    assert stderr.count("asked to fail") == 1  # said once
    after = _snapshot(out)
    for name in ("reports/fragile.html", "reports/steady.html", "reports/tables/fragile/numbers.csv"):
        assert after[name] == before[name], name
    index = json.loads((out / "reports" / "index.json").read_text())["reports"]
    assert index["fragile"]["html"] == "fragile.html" and "asked to fail" in index["fragile"]["last_failure"]["detail"]
    assert index["steady"] == json.loads(before["reports/index.json"])["reports"]["steady"]


def test_kernel_start_is_retried_and_a_start_failure_is_said_in_words(tmp_path, monkeypatch, caplog):
    from jupyter_client.manager import AsyncKernelManager

    notebook = _write_notebook(tmp_path / "plain.ipynb", "n = 1",
                               "from ipykernel.kernelapp import IPKernelApp\n"
                               "print('transport', IPKernelApp.instance().transport)")
    launch = AsyncKernelManager._async_launch_kernel
    calls = {"n": 0, "fail": 1}

    async def flaky_launch(self, kernel_cmd, **kw):
        calls["n"] += 1
        if calls["n"] <= calls["fail"]:
            raise RuntimeError("zmq.error.ZMQError: Address already in use (simulated)")
        return await launch(self, kernel_cmd, **kw)

    monkeypatch.setattr(AsyncKernelManager, "_async_launch_kernel", flaky_launch)
    monkeypatch.setattr(kernels, "KERNEL_RETRY_PAUSE", 0.0)
    written = report.run_reports([str(notebook)], out_dir=tmp_path / "out", quiet=True, jobs=1)
    assert calls["n"] == 2 and "transport ipc" in written[0].read_text()
    assert "kernel start failed (attempt 1 of 3)" in caplog.text

    calls.update(n=0, fail=99)
    with pytest.raises(NotebookFailed) as err:
        report.run_reports([str(notebook)], out_dir=tmp_path / "out", quiet=True, jobs=1)
    message = str(err.value)
    assert "did not run: the kernel did not start (3 attempts; last: RuntimeError: zmq.error.ZMQError" in message
    assert "cell ?" not in message and err.value.cell == ""
    assert "transport ipc" in (tmp_path / "out" / "reports" / "plain.html").read_text()  # previous one kept


def test_a_kernel_that_dies_names_the_cell_it_was_running(tmp_path):
    notebook = _write_notebook(tmp_path / "dies.ipynb", "n = 1", "x = 1", "import os\nos._exit(3)", "print(x)")
    with pytest.raises(NotebookFailed) as err:
        report.run_reports([str(notebook)], out_dir=tmp_path / "out", quiet=True, jobs=1)
    assert err.value.cell.startswith("4 (`import os`)"), str(err.value)
    assert "the kernel stopped while the cell ran" in str(err.value) and "cell ?" not in str(err.value)


def test_reports_started_at_once_all_succeed(tmp_path):
    """3 rounds of 2 `newsbook report` at once on the seeds, each running 2 notebooks at a time
    (4 kernels starting together), into one outputs folder."""
    out = tmp_path / "out"
    warm = _cli("overview", "quotes", "--out", str(out), "--quiet", "-j", "1")  # the annotation cache
    assert warm.wait(timeout=600) == 0, warm.stderr.read()
    for round_number in range(3):
        runs = [_cli("overview", "quotes", "--out", str(out), "--quiet", "-j", "2") for _ in range(2)]
        for run in runs:
            try:
                code = run.wait(timeout=600)
            finally:
                if run.poll() is None:
                    run.kill()
            assert code == 0, f"round {round_number + 1}: {run.stderr.read()}"
    index = json.loads((out / "reports" / "index.json").read_text())["reports"]
    assert {"overview", "quotes"} <= set(index) and not any(e.get("last_failure") for e in index.values())
    assert not (out / kernels.RUNS_DIR_NAME).exists()

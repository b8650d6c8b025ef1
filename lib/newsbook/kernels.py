"""Running notebooks: the papermill engine newsbook uses, how its kernels start, and how every
process a `newsbook report` starts dies with it.

Kernel start.  A kernel talks to its client over ZeroMQ.  With the default TCP transport,
jupyter_client picks free ports and the kernel binds them a moment later, so two kernels starting at
once (two notebooks at a time, or two `newsbook report`s, or any other Jupyter on the machine) can
pick the same port: ``ZMQError: Address already in use``, "Kernel died before replying to
kernel_info".  `IpcKernelManager` uses the ipc transport instead (Unix sockets in a private folder
of their own), which cannot clash; and `RetryingNotebookClient` starts a kernel again (a new one,
up to `KERNEL_START_ATTEMPTS` times) when a start fails before any cell ran, and otherwise raises
`KernelStartError`, which says in words that the kernel did not start.

Lifetime.  `newsbook report` runs notebooks in worker processes, each starting a kernel.  None of
them may outlive the run, even when it is killed with SIGKILL:

- a worker asks Linux to kill it when its parent dies (`die_with_parent`, prctl
  ``PR_SET_PDEATHSIG``) and exits at once if the parent is already gone;
- a kernel exits within a second of its worker (ipykernel polls its parent, ``JPY_PARENT_PID``);
- on SIGTERM, SIGHUP or Ctrl-C the run kills its workers and kernels itself (`RunRecord.kill`);
- every run keeps a record (`RunRecord`) in ``OUT/.newsbook-runs/PID-START/``: one small file per
  worker and kernel it started.  A later run that finds the record of a run that is no longer
  alive kills whatever of it is still alive (matched by process start time, never by name) and
  removes the files it left half-done (`clear_leftovers`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .errors import KernelStartError

log = logging.getLogger("newsbook.kernels")

KERNEL_START_ATTEMPTS = 3
KERNEL_RETRY_PAUSE = 0.5  # seconds, times the attempt number
RUNS_DIR_NAME = ".newsbook-runs"
RUN_DIR_ENV = "NEWSBOOK_RUN_DIR"
ENGINE_NAME = "newsbook"


# --- processes -----------------------------------------------------------------------------------


def process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc), or None if it is not
    running (or this is not Linux).  A pid with the same start time is the same process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    if fields and fields[0] == "Z":  # a zombie has finished; only its exit status is left
        return None
    return fields[19] if len(fields) > 19 else None


def is_running(pid: int, start: str | None) -> bool:
    """True if process `pid` runs and is the one that started at `start`."""
    current = process_start(pid)
    return current is not None and (start is None or current == start)


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: have the kernel send this process SIGKILL when its parent dies, and
    exit now if the parent has already died (the signal would never come)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - not glibc/musl
            pass
    if os.getppid() != parent_pid:
        os._exit(1)
    record_process("worker", os.getpid())


def record_process(kind: str, pid: int, **extra: Any) -> None:
    """Note a process this run started in the run's record (see `RunRecord`), if there is one."""
    folder = os.environ.get(RUN_DIR_ENV)
    if not folder or not Path(folder).is_dir():
        return
    entry = {"kind": kind, "pid": int(pid), "start": process_start(pid), **extra}
    with contextlib.suppress(OSError):
        (Path(folder) / f"{kind}-{pid}.json").write_text(json.dumps(entry), encoding="utf-8")


def record_sockets(folder: str) -> None:
    """Note a kernel's socket folder in the run's record, so that a later run removes it if this
    one is killed before it can."""
    run_folder = os.environ.get(RUN_DIR_ENV)
    if not run_folder or not Path(run_folder).is_dir():
        return
    with contextlib.suppress(OSError):
        (Path(run_folder) / f"sockets-{Path(folder).name}.json").write_text(json.dumps({"sockets": folder}),
                                                                          encoding="utf-8")


def _kill(pid: int, start: str | None) -> bool:
    if not is_running(pid, start):
        return False
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        return True
    return False


class RunRecord:
    """The record of one running `newsbook report` in ``OUT/.newsbook-runs/PID-START/`` (see the
    module docstring).  Use as a context manager around the run: it clears what earlier killed runs
    left, makes the record, and removes it when the run ends."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.pid = os.getpid()
        self.folder = self.out_dir / RUNS_DIR_NAME / f"{self.pid}-{process_start(self.pid) or 0}"
        self._saved_env: str | None = None

    def __enter__(self) -> RunRecord:
        cleared = clear_leftovers(self.out_dir)
        if cleared:
            log.info("cleared what an earlier, killed run left: %s", cleared)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._saved_env = os.environ.get(RUN_DIR_ENV)
        os.environ[RUN_DIR_ENV] = str(self.folder)
        return self

    def kill(self) -> int:
        """Kill every worker and kernel of this run that still runs; returns how many."""
        killed = 0
        for entry in _entries(self.folder):
            if entry.get("pid"):
                killed += _kill(int(entry["pid"]), entry.get("start"))
        return killed

    def __exit__(self, *exc_info) -> None:
        if self._saved_env is None:
            os.environ.pop(RUN_DIR_ENV, None)
        else:
            os.environ[RUN_DIR_ENV] = self._saved_env
        if exc_info[0] is not None:
            self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.folder.parent.rmdir()  # only when no other run is going on


def _entries(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.json")):
        with contextlib.suppress(OSError, ValueError):
            out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


def clear_leftovers(out_dir: Path) -> str:
    """Kill what runs that are no longer alive left running, remove their records and their
    half-done files (``reports/.tables-NAME-PID`` folders, ``notebooks/.NAME.running-PID.ipynb``,
    kernel socket folders).  A run that is still alive is left alone.  Returns a summary ('' when
    there was nothing to clear)."""
    out_dir = Path(out_dir)
    killed = removed = 0
    runs = out_dir / RUNS_DIR_NAME
    for folder in sorted(runs.glob("*-*")) if runs.is_dir() else []:
        match = re.fullmatch(r"(\d+)-(\d+)", folder.name)
        if not match:
            continue
        pid, start = int(match.group(1)), match.group(2)
        if is_running(pid, None if start == "0" else start):
            continue
        for entry in _entries(folder):
            if entry.get("pid"):
                killed += _kill(int(entry["pid"]), entry.get("start"))
            if entry.get("sockets"):
                shutil.rmtree(entry["sockets"], ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    files = 0
    for pattern, folder, group in ((r"\.tables-.+-(\d+)", out_dir / "reports", 1),
                                   (r"\..+\.running-(\d+)\.ipynb", out_dir / "notebooks", 1)):
        for path in folder.glob(".*") if folder.is_dir() else []:
            match = re.fullmatch(pattern, path.name)
            if match and process_start(int(match.group(group))) is None:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                files += 1
    parts = []
    if removed:
        parts.append(f"{removed} run record{'s' if removed > 1 else ''}")
    if killed:
        parts.append(f"{killed} process{'es' if killed > 1 else ''} killed")
    if files:
        parts.append(f"{files} half-done file{'s' if files > 1 else ''} removed")
    return ", ".join(parts)


@contextlib.contextmanager
def signals_raise():
    """Within the block, SIGTERM and SIGHUP raise SystemExit(128 + signal) (in the main thread),
    so that the run's cleanup (killing its workers and kernels) happens before it exits."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    saved = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            saved[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def kill_pool(pool) -> None:
    """Kill a ProcessPoolExecutor's worker processes now (their kernels follow within a second)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            process.kill()


# --- kernels --------------------------------------------------------------------------------------


def _socket_root() -> str | None:
    """Where kernel socket folders go: the temporary folder, unless its path is so long that a
    Unix socket path in it would pass the 107-byte limit."""
    root = tempfile.gettempdir()
    return root if len(root) < 60 else ("/tmp" if os.path.isdir("/tmp") else None)


def kernel_manager_class():
    """jupyter_client's AsyncKernelManager on the ipc transport, its sockets and connection file in
    a private folder removed with the kernel."""
    from jupyter_client.manager import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            self.socket_folder = tempfile.mkdtemp(prefix="newsbook-kernel-", dir=_socket_root())
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("connection_file", os.path.join(self.socket_folder, "kernel.json"))
            super().__init__(**kwargs)
            record_sockets(self.socket_folder)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            await super()._async_launch_kernel(kernel_cmd, **kw)
            pid = getattr(self.provisioner, "pid", None)
            if pid:  # recorded as soon as it runs, so that a later run can find it
                record_process("kernel", pid)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(self.socket_folder, ignore_errors=True)

        cleanup_resources = _async_cleanup_resources

    return IpcKernelManager


def notebook_client_class():
    """papermill's notebook client, with a kernel start that is retried (see the module docstring)."""
    from papermill.clientwrap import PapermillNotebookClient

    class RetryingNotebookClient(PapermillNotebookClient):
        @contextlib.contextmanager
        def setup_kernel(self, **kwargs):
            cleanup_kc = kwargs.pop("cleanup_kc", self.owns_km)
            failures = []
            for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
                try:
                    if self.km is None:
                        self.km = self.create_kernel_manager()
                    if not self.km.has_kernel:
                        self.start_new_kernel(**kwargs)
                    if self.kc is None:
                        self.start_new_kernel_client()
                    break
                except Exception as exc:  # noqa: BLE001 - any start failure is retried, then reported
                    failures.append(f"{type(exc).__name__}: {exc}".strip())
                    log.warning("kernel start failed (attempt %d of %d): %s", attempt, KERNEL_START_ATTEMPTS,
                                failures[-1])
                    self._discard_kernel()
                    time.sleep(KERNEL_RETRY_PAUSE * attempt)
            else:
                raise KernelStartError(f"the kernel did not start ({KERNEL_START_ATTEMPTS} attempts; last: "
                                       f"{failures[-1]})")
            try:
                yield
            finally:
                if cleanup_kc:
                    self._cleanup_kernel()

        def _discard_kernel(self) -> None:
            if self.km is not None:
                with contextlib.suppress(Exception):
                    self._cleanup_kernel()
            self.km = None
            self.kc = None

    return RetryingNotebookClient


def engine_name() -> str:
    """Register (once per process) the papermill engine newsbook runs notebooks with: progress to
    one shared bar, kernels from `kernel_manager_class`, start retried; returns its name."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE_NAME in papermill_engines._engines:
        return ENGINE_NAME

    class SharedBarManager(NotebookExecutionManager):
        def __init__(self, nb, bar=None, **kwargs):
            super().__init__(nb, progress_bar=False, **kwargs)
            self.pbar = bar

        def complete_pbar(self):
            pass

        def cleanup_pbar(self):
            self.pbar = None  # the bar is shared: the caller closes it

    client_class = notebook_client_class()
    manager_class = kernel_manager_class()

    class NewsbookEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, newsbook_bar=None, **kwargs):
            nb_man = SharedBarManager(nb, bar=newsbook_bar, output_path=output_path, log_output=log_output,
                                      autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            from papermill.engines import logger

            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            safe_kwargs.setdefault("kernel_manager_class", manager_class)
            final_kwargs = merge_kwargs(
                safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file)
            return client_class(nb_man, **final_kwargs).execute()

    papermill_engines.register(ENGINE_NAME, NewsbookEngine)
    return ENGINE_NAME

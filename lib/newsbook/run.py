"""Running the report notebooks: `run_reports` (what `newsbook report` calls) checks every
notebook's parameters, runs each with papermill on the ``newsbook`` kernel (here or in worker
processes), renders it (`newsbook.render`), writes the page atomically, publishes its table CSVs,
and rewrites the index (`newsbook.index`); a failure names the notebook and cell."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from . import __version__, config, kernels
from . import parameters as parameters_mod
from .errors import CorpusError, NewsbookError, NotebookFailed
from .files import write_bytes, write_text
from .index import _index_lock, _now, _read_manifest, _write_index
from .jsonschema_import import fast_jsonschema
from .notebook_helpers import REPORT_NAME_ENV, TABLES_DIR_NAME, TABLES_ENV
from .render import render_html
from .report_parameters import (FIRST_NOTEBOOK, _default_value, _resolve_corpus_value, _shown_parameters,
                                declared_parameters, notebook_paths)
from .vega import _warm_vega_bundle

log = logging.getLogger("newsbook.report")  # the report's log, as before the split


def _engine_name() -> str:
    """The papermill engine newsbook runs notebooks with (see `newsbook.kernels.engine_name`), and
    papermill told to write parameters for the newsbook kernel as plain data."""
    parameters_mod.register_translator(config.KERNEL_NAME)
    return kernels.engine_name()


@dataclasses.dataclass
class _Job:
    name: str
    path: Path
    declared: dict[str, parameters_mod.Declared]
    overrides: dict[str, Any]
    cells: int


def _cell_position(nb, cell_index: int) -> int:
    """The cell's number counted from 1 in the notebook as written (papermill's injected parameters
    cell and error cell not counted)."""
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    position = 0
    for index, cell in enumerate(cells):
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            position += 1
        if index >= cell_index:
            break
    return position


def _failed_cell(nb, error) -> str:
    """'N (In [k] `first line of the source`)' for the failing cell, N counted from 1 in the notebook
    as written (papermill's injected parameters cell is not counted)."""
    first = next((line.strip() for line in str(error.source).splitlines() if line.strip()), "")
    if len(first) > 80:
        first = first[:77] + "..."
    count = "" if error.exec_count is None else f"In [{error.exec_count}] "
    return f"{_cell_position(nb, error.cell_index)} ({count}`{first}`)"


def _last_started_cell(nb) -> str:
    """The cell that was running when the kernel went away ('' if no cell had started): the last
    code cell papermill gave a start time (it marks the cells after it 'completed' too)."""
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    started = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"
               and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return ""
    cell = cells[started[-1]]
    first = next((line.strip() for line in str(cell.source).splitlines() if line.strip()), "")
    return f"{_cell_position(nb, started[-1])} (`{first[:77] + '...' if len(first) > 80 else first}`)"


def _corpus_hash(articles) -> str:
    """`pipeline.corpus_hash`, computed here so that the report runner does not import the
    annotation pipeline (and spaCy with it) just to label the index."""
    import hashlib

    digest = hashlib.sha256()
    for article_id, chash in sorted(zip(articles["article_id"], articles["content_hash"])):
        digest.update(f"{article_id}:{chash}\n".encode())
    return digest.hexdigest()[:16]


def _corpus_info(value: Any, cache: dict, annotations: Any = None) -> dict:
    """The corpus a report ran on, for the index: path, article ids, content hash.  With saved
    `annotations`, read from their manifest (the corpus itself is not read again)."""
    key = f"{value}\x00{annotations}"
    if key in cache:
        return cache[key]
    if annotations not in (None, ""):
        folder = config.resolve_path(annotations)
        try:
            from .pipeline import check_saved

            manifest = check_saved(folder)
            ids = [str(a) for a in manifest.get("articles", [])]
            cache[key] = {"path": f"{manifest.get('corpus', '')} (saved annotations: {folder})",
                          "articles": ids, "n_articles": len(ids),
                          "content_hash": str(manifest.get("corpus_hash", ""))}
        except (OSError, ValueError, CorpusError) as exc:  # the notebook itself reports missing annotations
            cache[key] = {"path": str(folder), "articles": [], "n_articles": 0, "content_hash": "",
                          "error": f"cannot read saved annotations: {exc}"}
        return cache[key]
    from .pipeline import cached_read  # answered from the corpus cache when no file changed

    path = config.resolve_path(value if value not in (None, "") else None)
    try:
        articles = cached_read(path).articles
        cache[key] = {"path": str(path), "articles": [str(a) for a in articles["article_id"]],
                      "n_articles": int(len(articles)), "content_hash": _corpus_hash(articles)}
    except Exception as exc:  # the notebook itself reports a broken corpus
        cache[key] = {"path": str(path), "articles": [], "n_articles": 0, "content_hash": "",
                      "error": str(exc)}
    return cache[key]


def _json_value(value: Any) -> Any:
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return repr(value)


def default_jobs(n_notebooks: int) -> int:
    """Notebooks run at once by default: 2 on a machine with at least 2 cores (a notebook's kernel
    start and imports leave a core idle much of the time), never more than there are notebooks."""
    return max(1, min(2, os.cpu_count() or 1, n_notebooks))


def run_reports(names: list[str] | None = None, *, corpus: str | None = None,
                parameters: dict[str, str] | None = None, out_dir: Path | None = None,
                quiet: bool = False, jobs: int | None = None, on_warning=None) -> list[Path]:
    """Run and render notebooks; returns the HTML reports written (see the module docstring).

    `names`: notebook names (or .ipynb paths); None runs every notebook in notebooks/, overview
    first.  `corpus` sets the `corpus` parameter; `parameters` (values as strings, as given to
    ``-p``, or plain Python values) override the notebooks' defaults.  Every value is read and
    checked against the type and allowed values each notebook declares (`newsbook.parameters`)
    before anything runs: an unknown name or a wrong value raises ParameterError (a name some
    notebooks declare goes to those).  `out_dir` is the outputs folder (default outputs/):
    reports/, notebooks/ go under it.  `quiet`: no progress bar.  `jobs`: notebooks run at once,
    each in its own process and kernel (default `default_jobs`; 1 runs them one after the other in
    this process); the reports are the same.  Workers and kernels never outlive the run
    (`newsbook.kernels`); what a killed earlier run left is cleared first.  `on_warning` is called
    with each warning a notebook left (`parameters.parameter_notes`: a speaker or article id that
    matches nothing), as 'NAME: message'; by default they are logged.

    Raises NotebookFailed (for the first failing notebook) after every notebook has been tried, the
    failed executed notebook kept as notebooks/NAME.failed.ipynb, the previous HTML left in place
    and the index rewritten."""
    fast_jsonschema()
    from tqdm.contrib.logging import logging_redirect_tqdm

    papermill_log = logging.getLogger("papermill")
    level = papermill_log.level
    papermill_log.setLevel(logging.WARNING)  # its INFO lines repeat what the bar and our log say
    try:
        if quiet:
            return _run_reports(names, corpus, parameters, out_dir, quiet, jobs, on_warning)
        with logging_redirect_tqdm():
            return _run_reports(names, corpus, parameters, out_dir, quiet, jobs, on_warning)
    finally:
        papermill_log.setLevel(level)


def _execute_and_render(spec: dict, bar=None) -> dict:
    """Run one notebook with papermill and, if it ran, render it: what `_run_reports` does per
    notebook, in this process or in a worker process (`spec` and the result are plain data).

    The notebook's table CSVs go to spec["staging"] (published by the caller on success)."""
    fast_jsonschema()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .errors import KernelStartError

    logging.getLogger("papermill").setLevel(logging.WARNING)
    started = time.monotonic()
    running = Path(spec["running"])
    saved_env = {k: os.environ.get(k) for k in (TABLES_ENV, REPORT_NAME_ENV)}
    os.environ[TABLES_ENV] = spec["staging"]
    os.environ[REPORT_NAME_ENV] = spec["name"]
    error: dict | None = None
    try:
        papermill.execute_notebook(
            spec["path"], str(running), parameters=spec["overrides"] or None, engine_name=_engine_name(),
            kernel_name=config.KERNEL_NAME, language="python", progress_bar=False,
            cwd=str(Path(spec["path"]).parent), newsbook_bar=bar,
            # The kernel's own log (transport warning, interrupt at shutdown) is noise here;
            # cell errors come back as outputs and a dead kernel as an exception.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        if _is_missing_kernel(exc):
            error = {"missing_kernel": True, "detail": str(exc)}
        elif isinstance(exc, KernelStartError):
            error = {"kernel_start": True, "detail": str(exc)}
        elif isinstance(exc, PapermillExecutionError):
            error = {"cell_index": exc.cell_index, "exec_count": exc.exec_count, "source": exc.source,
                     "ename": exc.ename, "evalue": exc.evalue, "detail": f"{exc.ename}: {exc.evalue}"}
        else:
            error = {"detail": f"{type(exc).__name__}: {exc}"}
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        executed = running.read_bytes() if running.exists() else None
        running.unlink(missing_ok=True)
    result = {"executed": executed, "error": error, "page": None, "charts": 0, "render_error": None,
              "generated": _now(), "warnings": []}
    if executed is not None:
        import nbformat

        try:
            nb = nbformat.reads(executed.decode("utf-8"), as_version=4)
        except Exception as exc:  # noqa: BLE001 - a notebook cut short by a dead kernel
            nb = None
            if error is None:
                result["render_error"] = f"{type(exc).__name__}: {exc}"
        if nb is not None:
            result["warnings"] = parameters_mod.notes_in(nb)
            if error is not None and "cell_index" not in error and not error.get("kernel_start"):
                error["cell"] = _last_started_cell(nb)
            if error is None:
                meta = dict(spec["meta"], generated=result["generated"])
                try:
                    result["page"], result["charts"] = render_html(nb, spec["name"], meta=meta)
                except Exception as exc:  # noqa: BLE001
                    result["render_error"] = f"{type(exc).__name__}: {exc}"
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _failure_cell_and_detail(error: dict, executed_bytes: bytes | None) -> tuple[str, str]:
    """(cell, detail) for a failed run: the cell that raised, or the one running when the kernel
    died; no cell ('') when the notebook failed before any cell ran, which the detail says."""
    import types

    import nbformat

    detail = error["detail"]
    if "cell_index" in error and executed_bytes is not None:
        nb = nbformat.reads(executed_bytes.decode("utf-8"), as_version=4)
        return _failed_cell(nb, types.SimpleNamespace(**error)), detail
    if error.get("kernel_start"):
        return "", detail
    if error.get("cell"):
        return error["cell"], f"the kernel stopped while the cell ran: {detail}"
    return "", f"it failed before any cell ran: {detail}"


def _run_reports(names, corpus, parameters, out_dir, quiet, jobs=None, on_warning=None) -> list[Path]:
    import nbformat
    from tqdm.auto import tqdm

    out_dir = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    reports_dir, executed_dir = out_dir / "reports", out_dir / "notebooks"
    raw = {str(k): os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in (parameters or {}).items()}
    if corpus is not None:
        raw["corpus"] = os.fspath(corpus) if isinstance(corpus, os.PathLike) else corpus

    # 1. Parameters, for every notebook, read and checked before anything runs.
    jobs_list: list[_Job] = []
    for name, path in notebook_paths(names):
        declared = declared_parameters(path)
        cells = len(nbformat.read(str(path), as_version=4).cells)
        jobs_list.append(_Job(name, path, declared, {}, cells))
    values = parameters_mod.check_parameters(raw, {job.name: job.declared for job in jobs_list})
    for job in jobs_list:
        job.overrides = values[job.name]
        for key in ("corpus", "annotations"):
            if key in job.overrides:
                job.overrides[key] = _resolve_corpus_value(job.overrides[key])
        if job.overrides:
            job.cells += 1  # papermill's injected-parameters cell
    n_jobs = default_jobs(len(jobs_list)) if jobs is None else max(1, min(int(jobs), len(jobs_list)))

    with kernels.RunRecord(out_dir) as record, kernels.signals_raise():
        return _run_jobs(jobs_list, n_jobs, reports_dir, executed_dir, quiet, record, tqdm,
                         on_warning or (lambda message: log.warning("%s", message)))


def _job_specs(jobs_list, reports_dir: Path, executed_dir: Path) -> list[dict]:
    """What `_execute_and_render` needs for each job (plain data), with the parameters it runs
    with ("effective") and its corpus for the index ("corpus_info")."""
    corpora: dict = {}
    all_names = sorted({job.name for job in jobs_list} | {p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb")},
                       key=lambda n: (n != FIRST_NOTEBOOK, n))
    specs = []
    for job in jobs_list:
        effective = {p: _default_value(d) for p, d in job.declared.items()}
        effective.update(job.overrides)
        corpus_info = (_corpus_info(effective.get("corpus"), corpora, effective.get("annotations"))
                       if "corpus" in job.declared or "annotations" in job.declared else {})
        corpus_text = (f"{corpus_info.get('path', '')} ({corpus_info.get('n_articles', 0)} articles, "
                       f"content hash {corpus_info.get('content_hash', '')})") if corpus_info else ""
        links = [{"name": n, "href": f"{n}.html"} for n in all_names if n != job.name]
        specs.append({
            "name": job.name, "path": str(job.path), "overrides": job.overrides,
            "running": str(executed_dir / f".{job.name}.running-{os.getpid()}.ipynb"),
            "staging": str(reports_dir / f".{TABLES_DIR_NAME}-{job.name}-{os.getpid()}"),
            "meta": {"corpus": corpus_text, "parameters": _shown_parameters(effective), "links": links},
            "effective": effective, "corpus_info": corpus_info,
        })
    return specs


def _raise_failures(failures: list[tuple[int, NotebookFailed]]) -> None:
    """Raise the first failure (in notebook order), naming the others, if any notebook failed."""
    if failures:
        failures.sort(key=lambda item: item[0])
        first = failures[0][1]
        if len(failures) > 1:
            others = "; ".join(f"{f.notebook} ({f'cell {f.cell}' if f.cell else 'did not run'})"
                               for _, f in failures[1:])
            raise NotebookFailed(first.notebook, first.cell, f"{first.detail}; also failed: {others}",
                                 first.executed_path)
        raise first


def _run_jobs(jobs_list, n_jobs, reports_dir, executed_dir, quiet, record, tqdm, on_warning) -> list[Path]:
    # 2-3. Run and render (in this process, or `n_jobs` at a time in worker processes).
    manifest = _read_manifest(reports_dir)
    touched: set[str] = set()
    written: list[Path] = []
    failures: list[tuple[int, NotebookFailed]] = []
    executed_dir.mkdir(parents=True, exist_ok=True)
    specs = _job_specs(jobs_list, reports_dir, executed_dir)

    def finish(index: int, result: dict) -> None:
        job, spec = jobs_list[index], specs[index]
        effective, staging = spec["effective"], Path(spec["staging"])
        failed_path = executed_dir / f"{job.name}.failed.ipynb"
        executed_bytes, error = result["executed"], result["error"]
        for warning in result.get("warnings", []):
            on_warning(f"{job.name}: {warning}")
        if error is not None and error.get("missing_kernel"):
            shutil.rmtree(staging, ignore_errors=True)
            raise NewsbookError(
                f"no Jupyter kernel named {config.KERNEL_NAME!r}; register it with: python -m ipykernel "
                f"install --sys-prefix --name {config.KERNEL_NAME} --display-name 'Python (newsbook)'")
        touched.add(job.name)
        if error is not None:
            shutil.rmtree(staging, ignore_errors=True)
            kept = ""
            if executed_bytes is not None:
                write_bytes(failed_path, executed_bytes)
                kept = str(failed_path)
            cell, detail = _failure_cell_and_detail(error, executed_bytes)
            failure = NotebookFailed(job.name, cell, detail, kept)
            failures.append((index, failure))
            log.debug("%s", failure)  # reported once, by the caller
            entry = manifest.get(job.name, {})
            entry["last_failure"] = {"time": _now(), "cell": cell, "detail": detail,
                                     "executed": os.path.relpath(failed_path, reports_dir) if kept else "",
                                     "parameters": {k: _json_value(v) for k, v in effective.items()}}
            manifest[job.name] = entry
            return
        # Success: keep the executed notebook, write the report atomically, publish its tables.
        executed_path = write_bytes(executed_dir / f"{job.name}.ipynb", executed_bytes)
        failed_path.unlink(missing_ok=True)  # (another run into the same folder may remove it too)
        if result["render_error"] is not None:
            shutil.rmtree(staging, ignore_errors=True)
            failure = NotebookFailed(job.name, "(rendering)", result["render_error"], str(executed_path))
            failures.append((index, failure))
            return
        target = write_text(reports_dir / f"{job.name}.html", result["page"])
        _publish_tables(staging, reports_dir, job.name)
        written.append(target)
        manifest[job.name] = {
            "name": job.name,
            "html": f"{job.name}.html",
            "notebook": os.path.relpath(executed_path, reports_dir),
            "source": str(job.path),
            "parameters": {k: _json_value(v) for k, v in effective.items()},
            "overrides": {k: _json_value(v) for k, v in job.overrides.items()},
            "corpus": spec["corpus_info"],
            "newsbook_version": __version__,
            "generated": result["generated"],
            "seconds": result["seconds"],
            "charts": result["charts"],
            "warnings": list(result.get("warnings", [])),
        }
        log.info("wrote %s (%d charts, %.1f s)", target, result["charts"], result["seconds"])

    bar = None if quiet else tqdm(total=sum(job.cells for job in jobs_list), unit="cell", desc="reports",
                                  dynamic_ncols=True)
    done_cells = 0
    try:
        if n_jobs == 1:
            for index, job in enumerate(jobs_list):
                if bar is not None:
                    bar.set_description(job.name)
                result = _execute_and_render(specs[index], bar)
                done_cells += job.cells
                if bar is not None:
                    bar.n = done_cells
                    bar.refresh()
                finish(index, result)
        else:
            import multiprocessing
            import threading
            from concurrent.futures import ProcessPoolExecutor, as_completed

            if bar is not None:
                bar.set_description(f"{len(jobs_list)} notebooks, {n_jobs} at a time")
            # Build the vega bundle once, here, while the workers start their kernels; they read
            # it from the cache when they render (or build it themselves if it is late).
            threading.Thread(target=_warm_vega_bundle, daemon=True).start()
            plain = [{k: v for k, v in spec.items() if k not in ("effective", "corpus_info")} for spec in specs]
            pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=kernels.die_with_parent, initargs=(os.getpid(),))
            try:
                futures = {pool.submit(_execute_and_render, spec): i for i, spec in enumerate(plain)}
                for future in as_completed(futures):
                    index = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker that died is a failed notebook
                        result = {"executed": None, "error": {"detail": f"{type(exc).__name__}: {exc}"},
                                  "page": None, "charts": 0, "render_error": None, "generated": _now(),
                                  "seconds": 0.0}
                    done_cells += jobs_list[index].cells
                    if bar is not None:
                        bar.n = done_cells
                        bar.refresh()
                    finish(index, result)
            except BaseException:
                # Ctrl-C, SIGTERM/SIGHUP (see kernels.signals_raise) or a missing kernel: stop the
                # workers and their kernels now rather than wait for the notebooks to end.
                kernels.kill_pool(pool)
                record.kill()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            order = {job.name: i for i, job in enumerate(jobs_list)}
            written.sort(key=lambda p: order.get(p.stem, 0))
    except BaseException:
        for spec in specs:  # interrupted: nothing half-done of this run stays behind
            shutil.rmtree(spec["staging"], ignore_errors=True)
            Path(spec["running"]).unlink(missing_ok=True)
        raise
    finally:
        if bar is not None:
            bar.close()
        if touched:  # an interrupted run that finished no notebook leaves the index as it was
            with _index_lock(reports_dir):
                # Another run into the same folder may have rewritten the index meanwhile: keep its
                # entries, replace only those of the notebooks this run tried.
                current = _read_manifest(reports_dir)
                current.update({name: manifest[name] for name in touched if name in manifest})
                _write_index(reports_dir, current)
    _raise_failures(failures)
    return written


def _is_missing_kernel(exc: BaseException) -> bool:
    try:
        from jupyter_client.kernelspec import NoSuchKernel
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, NoSuchKernel)


def _publish_tables(staging: Path, reports_dir: Path, name: str) -> None:
    """Move a successful run's table CSVs into reports/tables/NAME/ (each file atomically), and drop
    the tables of an earlier run that this report no longer links."""
    target = reports_dir / TABLES_DIR_NAME / name
    fresh = {p.name for p in staging.glob("*.csv")} if staging.is_dir() else set()
    if target.is_dir():
        for old in target.glob("*.csv"):
            if old.name not in fresh:
                old.unlink()
    if fresh:
        target.mkdir(parents=True, exist_ok=True)
        for file_name in sorted(fresh):
            os.replace(staging / file_name, target / file_name)
    shutil.rmtree(staging, ignore_errors=True)

"""How the per-article work is executed: in this process, in N local processes, or on a Dask cluster.

Every engine runs the same pure function, ``newsbook.extraction.annotate_chunk`` (parse a list of
article records with spaCy and run the extractors), on the articles the cache does not hold. The
caller (``newsbook.pipeline.annotate_articles``) consults the cache first, ships only the misses,
caches what comes back and assembles the corpus-wide tables itself, so every engine writes tables
identical to a single-process run.

- ``InProcessEngine``: nlp.pipe in this process (the default, ``jobs=1``).
- ``ProcessEngine(jobs)``: a pool of `jobs` worker processes (``newsbook annotate --jobs N``). Each
  worker loads the spaCy pipeline once; articles go out in chunks, at most two chunks per worker in
  flight, so memory stays bounded however large the corpus.
- ``DaskEngine(scheduler)``: a ``dask.distributed`` cluster (``newsbook annotate --scheduler
  tcp://HOST:8786``), or ``"local"`` for a LocalCluster on this machine. Workers need newsbook and the
  spaCy model installed at the same version as this machine (checked: a worker that reports another
  pipeline version stops the run); they need no shared file system, since the cache stays here. Run
  workers with one thread each (``dask worker tcp://HOST:8786 --nworkers N --nthreads 1``): the
  threads of one worker share a spaCy pipeline and take turns on it.

An engine yields ``(article_id, tables or None, error reason)`` for every article it was given, in
any order; a chunk whose worker failed yields an error row for each of its articles, and the rest
of the corpus goes on.
"""

from __future__ import annotations

import logging
import math
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, ProcessPoolExecutor, wait
from typing import Iterator

from .errors import NewsbookError

log = logging.getLogger("newsbook.engines")

Row = tuple  # (article_id, tables or None, error reason)


class Engine:
    """Runs per-article work; a context manager that releases its workers on exit."""

    name = "engine"

    def run(self, articles: list[dict], *, batch_size: int = 32) -> Iterator[Row]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class InProcessEngine(Engine):
    """Parse in this process, streaming through nlp.pipe."""

    name = "in-process"

    def run(self, articles, *, batch_size=32):
        from .extraction import iter_annotate

        yield from iter_annotate(articles, batch_size)


def chunk_size_for(n_articles: int, workers: int, *, largest: int = 64) -> int:
    """Articles per shipped chunk: about four chunks per worker, 1 to `largest` articles each."""
    return max(1, min(largest, math.ceil(n_articles / max(1, workers * 4))))


def _chunks(articles: list[dict], size: int) -> Iterator[list[dict]]:
    for start in range(0, len(articles), size):
        yield articles[start:start + size]


def _chunk_rows(future, chunk, version: str):
    """A finished chunk's rows; a chunk whose work raised becomes error rows (newsbook's own
    errors, e.g. a worker on other code, still stop the run)."""
    try:
        return _checked(future.result(), version)
    except NewsbookError:
        raise
    except Exception as exc:
        return _failed(chunk, exc)


def _failed(chunk: list[dict], exc: BaseException) -> list[Row]:
    reason = f"worker failed: {type(exc).__name__}: {exc}"
    log.error("a chunk of %d articles failed on its worker: %s", len(chunk), reason)
    return [(a["article_id"], None, reason) for a in chunk]


def _checked(payload: dict, expected_version: str) -> list[Row]:
    if payload["version"] != expected_version:
        raise NewsbookError(
            f"a worker runs pipeline version {payload['version']}, this machine {expected_version}: "
            "install the same newsbook, spaCy and model versions on every worker")
    return payload["rows"]


def _warm_worker() -> None:
    """Process-pool initializer: load the spaCy pipeline once per worker, before the first chunk."""
    import logging as _logging

    _logging.getLogger("newsbook").setLevel(_logging.WARNING)
    from .components import load_pipeline

    load_pipeline()


class ProcessEngine(Engine):
    """A pool of `jobs` local worker processes (started with "spawn": a clean interpreter each)."""

    def __init__(self, jobs: int, *, chunk_size: int | None = None, start_method: str = "spawn"):
        if jobs < 1:
            raise NewsbookError(f"--jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.chunk_size = chunk_size
        self.start_method = start_method
        self.name = f"{jobs} processes"
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context(self.start_method),
                initializer=_warm_worker)
        return self._pool

    def run(self, articles, *, batch_size=32):
        from .nlp import pipeline_version
        from .extraction import annotate_chunk

        if not articles:
            return
        version = pipeline_version()
        size = self.chunk_size or chunk_size_for(len(articles), self.jobs)
        chunks = _chunks(articles, size)
        pool = self._get_pool()
        in_flight: dict = {}

        def submit_next() -> bool:
            chunk = next(chunks, None)
            if chunk is None:
                return False
            try:
                in_flight[pool.submit(annotate_chunk, chunk, batch_size)] = chunk
            except BrokenExecutor as exc:
                raise NewsbookError(f"a worker process died ({exc}); out of memory? try fewer --jobs") from exc
            return True

        for _ in range(2 * self.jobs):
            if not submit_next():
                break
        while in_flight:
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in done:
                rows = _chunk_rows(future, in_flight.pop(future), version)
                submit_next()
                yield from rows

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEngine(Engine):
    """Per-article work on a dask.distributed cluster.

    `scheduler`: an address (``"tcp://HOST:8786"``), ``"local"`` (a LocalCluster of `jobs` one-thread
    worker processes on this machine), a ``distributed.Client`` (used as is, not closed) or a cluster
    object (``LocalCluster``, ``SSHCluster`` ...: a client is opened on it)."""

    def __init__(self, scheduler, *, jobs: int = 1, chunk_size: int | None = None, timeout: str = "30s"):
        try:
            import distributed  # noqa: F401
        except ImportError as exc:  # pragma: no cover - the cluster extra is part of `make setup`
            raise NewsbookError(
                "the Dask engine needs dask.distributed: pip install -e '.[cluster]'") from exc
        self.scheduler = scheduler
        self.jobs = jobs
        self.chunk_size = chunk_size
        self.timeout = timeout
        self.client = None
        self._own_client = True
        self._cluster = None
        self.name = f"dask {scheduler}" if isinstance(scheduler, str) else "dask"

    def _connect(self):
        """Connect on first use, so a run whose articles are all cached starts no cluster."""
        if self.client is not None:
            return self.client
        from distributed import Client, LocalCluster

        # The scheduler's and workers' INFO chatter is not newsbook's to show; warnings still are.
        for name in ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.core",
                     "distributed.worker", "distributed.http.proxy"):
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() < logging.WARNING:
                logger.setLevel(logging.WARNING)
        scheduler = self.scheduler
        if isinstance(scheduler, Client):
            self.client, self._own_client = scheduler, False
        elif isinstance(scheduler, str) and scheduler == "local":
            self._cluster = LocalCluster(n_workers=max(1, self.jobs), threads_per_worker=1,
                                         dashboard_address=None)
            self.client = Client(self._cluster)
        elif isinstance(scheduler, str):
            try:
                self.client = Client(scheduler, timeout=self.timeout)
            except (OSError, TimeoutError) as exc:
                raise NewsbookError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        else:  # a cluster object
            self.client = Client(scheduler)
        self.name = f"dask {self.client.scheduler.address}"
        try:  # chunks are sized by the workers there are, so wait for them to register
            self.client.wait_for_workers(max(1, self.jobs) if self._cluster is not None else 1, timeout=self.timeout)
        except TimeoutError as exc:
            raise NewsbookError(f"the Dask scheduler at {self.client.scheduler.address} has no workers "
                                f"(start some with: dask worker {self.client.scheduler.address} --nthreads 1)") from exc
        return self.client

    def _workers(self) -> int:
        try:
            info = self._connect().scheduler_info()
            return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
        except Exception:
            return 1

    def run(self, articles, *, batch_size=32):
        from distributed import as_completed

        from .nlp import pipeline_version
        from .extraction import annotate_chunk

        if not articles:
            return
        version = pipeline_version()
        client = self._connect()
        workers = self._workers()
        size = self.chunk_size or chunk_size_for(len(articles), workers)
        chunks = _chunks(articles, size)
        in_flight: dict = {}
        pending = as_completed()

        def submit_next() -> bool:
            chunk = next(chunks, None)
            if chunk is None:
                return False
            future = client.submit(annotate_chunk, chunk, batch_size, pure=False)
            in_flight[future.key] = chunk
            pending.add(future)
            return True

        for _ in range(2 * workers):
            if not submit_next():
                break
        try:
            for future in pending:
                rows = _chunk_rows(future, in_flight.pop(future.key), version)
                future.release()
                submit_next()
                yield from rows
        finally:
            in_flight.clear()
            pending.clear()

    def close(self) -> None:
        if self.client is not None and self._own_client:
            self.client.close()
        self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_engine(jobs: int = 1, scheduler=None) -> Engine:
    """The engine for ``annotate(jobs=..., scheduler=...)``: Dask if a scheduler is given, else `jobs`
    local processes if jobs > 1, else this process."""
    if scheduler is not None and scheduler != "":
        return DaskEngine(scheduler, jobs=jobs)
    if jobs is None or jobs <= 1:
        if jobs is not None and jobs < 1:
            raise NewsbookError(f"--jobs must be at least 1, not {jobs}")
        return InProcessEngine()
    return ProcessEngine(jobs)

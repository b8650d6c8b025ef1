"""Atomic file writes: a failed run never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success rename it over `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600 files; a report is meant to be shared, so honour the umask.
        os.chmod(tmp_path, 0o666 & ~_current_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: str | os.PathLike, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_table(frame: pd.DataFrame, directory: str | os.PathLike, name: str) -> None:
    """Write `name`.parquet and `name`.csv into `directory`, each atomically."""
    directory = Path(directory)
    with atomic_path(directory / f"{name}.parquet") as tmp:
        frame.to_parquet(tmp, index=False)
    with atomic_path(directory / f"{name}.csv") as tmp:
        frame.to_csv(tmp, index=False)


def write_dataset(frame: pd.DataFrame, target: str | os.PathLike, partition_column: str) -> Path:
    """Write `frame` as a hive-partitioned Parquet dataset folder (``target/COLUMN=VALUE/part-0.parquet``).

    Every partition file has the schema of the whole frame, so readers (pyarrow, pandas, DuckDB) see one
    consistent schema. The folder is written beside `target` under a temporary name and then swapped in:
    a failed write leaves the previous dataset (or none) in place and no temporary folder behind.
    """
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_current_umask())  # mkdtemp makes 0700; the tables are meant to be shared
        data = frame.drop(columns=[partition_column])
        arrow_schema = pa.Schema.from_pandas(data, preserve_index=False)
        if frame.empty:
            groups = [(0, data)]
        else:
            groups = [(value, sub.drop(columns=[partition_column]))
                      for value, sub in frame.groupby(partition_column, sort=True)]
        for value, sub in groups:
            folder = tmp / f"{partition_column}={int(value):02d}"
            folder.mkdir()
            table = pa.Table.from_pandas(sub, schema=arrow_schema, preserve_index=False)
            pq.write_table(table, folder / "part-0.parquet")
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.{os.getpid()}.old"
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target

"""Gate for structure-only refactors: annotate a corpus into a folder, or check that two such folders
hold identical tables (every *.parquet, every column, with pandas.testing.assert_frame_equal).

    python bench/tables_identical.py annotate CORPUS OUT     # newsbook annotate CORPUS --out OUT --no-cache
    python bench/tables_identical.py compare BEFORE AFTER    # exit 1 on the first difference per table

Run `annotate` with the code before the change and again after it, into two folders, then `compare`.
Set NEWSBOOK_CACHE to a private folder so no shared cache is touched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal


def annotate(corpus: str, out: str) -> int:
    return subprocess.call([sys.executable, "-m", "newsbook.cli", "annotate", corpus, "--out", out,
                            "--no-cache", "--quiet"])


def compare(before: str, after: str) -> int:
    names_before = sorted(p.name for p in Path(before).glob("*.parquet"))
    names_after = sorted(p.name for p in Path(after).glob("*.parquet"))
    if names_before != names_after:
        print(f"different tables: {names_before} vs {names_after}")
        return 1
    failed = 0
    for name in names_before:
        a = pd.read_parquet(Path(before) / name)
        b = pd.read_parquet(Path(after) / name)
        try:
            assert_frame_equal(a, b)
        except AssertionError as exc:
            failed += 1
            print(f"DIFFERENT {name}: {exc}")
        else:
            print(f"identical {name}: {a.shape[0]} rows x {a.shape[1]} columns")
    return 1 if failed else 0


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    sys.exit({"annotate": annotate, "compare": compare}[command](*rest))

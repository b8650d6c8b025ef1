"""The cache step of the benchmark on its own: what a cached re-run costs, and what the cache weighs.

    python bench/cache_rerun.py CORPUS [--lib LIB] [--work DIR] [--repeat N]

Runs ``newsbook annotate CORPUS`` as whole processes, as ``bench/run.py`` does:
1. once with an empty cache (the cold run);
2. again on the unchanged corpus, `--repeat` times (answered from the corpus-level result entry);
3. again with the corpus-level entries removed first, `--repeat` times (every article answered from
   its per-article entry, the tables assembled again);
and prints the best time of each, the speed-up of 2 and 3 over the cold run, and the size on disk of
the per-article entries and of the corpus-level entries, as one JSON object. `--lib` picks the
newsbook to measure (default: this checkout's ``lib/``), so two versions can be compared on one corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def size(path: Path) -> tuple[int, int]:
    """(bytes, files) under `path`."""
    total = files = 0
    for folder, _dirs, names in os.walk(path):
        for name in names:
            total += os.stat(os.path.join(folder, name)).st_size
            files += 1
    return total, files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--lib", type=Path, default=ROOT / "lib")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench" / "cache-step")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    cache, out = args.work / "cache", args.work / "out"
    for path in (cache, out):
        shutil.rmtree(path, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(args.lib.resolve()), NEWSBOOK_CACHE=str(cache),
               NEWSBOOK_OUTPUTS=str(args.work / "outputs"), PYTHONHASHSEED="0")
    cmd = [sys.executable, "-m", "newsbook.cli", "annotate", str(args.corpus.resolve()), "--out", str(out)]

    cold, stdout = run(cmd, env)
    print(f"cold run: {cold:.1f} s  {stdout.strip().splitlines()[0]}", flush=True)
    versions = [p for p in cache.iterdir() if p.is_dir() and p.name != "corpora"]
    per_article_bytes, per_article_files = size(versions[0]) if versions else (0, 0)
    corpus_bytes, corpus_files = size(cache / "corpora")

    reruns = []
    for _ in range(args.repeat):
        seconds, stdout = run(cmd, env)
        reruns.append(seconds)
    print(f"re-run, corpus unchanged: {min(reruns):.2f} s  {stdout.strip().splitlines()[0]}", flush=True)

    from_articles = []
    for _ in range(args.repeat):
        shutil.rmtree(cache / "corpora", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        seconds, stdout = run(cmd, env)
        from_articles.append(seconds)
    print(f"re-run from per-article entries: {min(from_articles):.2f} s  {stdout.strip().splitlines()[0]}",
          flush=True)

    summary = {
        "lib": str(args.lib), "corpus": str(args.corpus), "cold_s": round(cold, 2),
        "rerun_s": [round(s, 3) for s in reruns], "rerun_speedup": round(cold / min(reruns), 1),
        "per_article_rerun_s": [round(s, 3) for s in from_articles],
        "per_article_speedup": round(cold / min(from_articles), 1),
        "per_article_entries": {"bytes": per_article_bytes, "files": per_article_files},
        "corpus_entries": {"bytes": corpus_bytes, "files": corpus_files},
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
